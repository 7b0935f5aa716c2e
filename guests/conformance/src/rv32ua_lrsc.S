/*
 * rv32ua_lrsc: load-reserved / store-conditional (Unprivileged spec 8.2).
 * Retrovisor's documented rules: sc.w writes and returns 0 only with a
 * matching reservation (same address) from an earlier lr.w; otherwise it
 * returns 1 (nonzero) and memory is unchanged. Every sc.w, successful or
 * not, clears the reservation. A plain store does not need to break it.
 */
#include "test.h"

TEST_BEGIN

  /* no reservation at all after reset: sc fails and does not write */
  TEST_CASE(2, a3, 1, la a1, w0; li a2, 0x1234; sc.w a3, a2, (a1))
  TEST_CASE(3, a4, 0, la a1, w0; lw a4, 0(a1))

  /* lr returns the word; a matching sc succeeds and writes */
  TEST_CASE(4, a3, 0x55, la a1, w0; li a2, 0x55; sw a2, 0(a1); lr.w a3, (a1))
  TEST_CASE(5, a3, 0, la a1, w0; li a2, 0x66; sc.w a3, a2, (a1); lw a4, 0(a1); CHECK(a4, 0x66))

  /* the reservation is gone after a successful sc */
  TEST_CASE(6, a3, 1, la a1, w0; li a2, 0x77; sc.w a3, a2, (a1); lw a4, 0(a1); CHECK(a4, 0x66))

  /* sc to a different address than the lr fails, and clears the reservation */
  TEST_CASE(7, a3, 1, la a1, w0; la a5, w1; lr.w a4, (a1); li a2, 0x88; sc.w a3, a2, (a5);
            lw a4, 0(a5); CHECK(a4, 0))
  TEST_CASE(8, a3, 1, la a1, w0; li a2, 0x99; sc.w a3, a2, (a1); lw a4, 0(a1); CHECK(a4, 0x66))

  /* a second lr moves the reservation */
  TEST_CASE(9, a3, 0, la a1, w0; la a5, w1; lr.w a4, (a1); lr.w a4, (a5); li a2, 0xaa;
            sc.w a3, a2, (a5); lw a4, 0(a5); CHECK(a4, 0xaa))

  /* aq/rl variants behave the same */
  TEST_CASE(10, a3, 0, la a1, w0; lr.w.aq a4, (a1); li a2, 0xbb; sc.w.rl a3, a2, (a1);
            lw a4, 0(a1); CHECK(a4, 0xbb))
  TEST_CASE(11, a3, 0, la a1, w0; lr.w.aqrl a4, (a1); li a2, 0xcc; sc.w.aqrl a3, a2, (a1))

  /* sc with rd = x0 still stores (and still clears the reservation) */
  TEST_CASE(12, a4, 0xdd, la a1, w0; lr.w a4, (a1); li a2, 0xdd; sc.w x0, a2, (a1); lw a4, 0(a1))
  TEST_CASE(13, a3, 1, la a1, w0; li a2, 0xee; sc.w a3, a2, (a1))

  /* lr into x0 still reserves */
  TEST_CASE(14, a3, 0, la a1, w1; lr.w x0, (a1); li a2, 0x11; sc.w a3, a2, (a1))

  /* a classic atomic increment loop terminates with the right value */
  TEST_CASE(15, a4, 10,
            la a1, w0; sw zero, 0(a1); li a5, 10;
            1: lr.w a2, (a1); addi a2, a2, 1; sc.w a3, a2, (a1); bnez a3, 1b;
            addi a5, a5, -1; bnez a5, 1b; lw a4, 0(a1))

TEST_END

  .data
  .balign 8
w0: .word 0
w1: .word 0
