/*
 * misaligned_ldst: Retrovisor emulates misaligned loads and stores in
 * hardware (Unprivileged spec 2.6 permits this; Privileged spec 3.6.3 lets
 * the EEI choose): lh/lhu/lw/sh/sw at addresses that are not naturally
 * aligned complete without a trap, little-endian, including across a 4 KiB
 * page boundary. (AMOs and LR/SC still trap: rv32ua_misaligned.)
 */
#include "test.h"

TEST_BEGIN

  CLEAR_TRAP

  /* ---- loads at every misaligned offset ---- */
  TEST_LOAD(2,  lw,  0x05040302, 1, bytes)
  TEST_LOAD(3,  lw,  0x06050403, 2, bytes)
  TEST_LOAD(4,  lw,  0x07060504, 3, bytes)
  TEST_LOAD(5,  lh,  0x00000302, 1, bytes)
  TEST_LOAD(6,  lh,  0xffff8180, 7, bytes)        /* sign-extends: 0x8180 */
  TEST_LOAD(7,  lhu, 0x00008180, 7, bytes)
  TEST_LOAD(8,  lhu, 0x00000403, 2, bytes)        /* aligned to 2 but not 4: fine anyway */
  TEST_LOAD(9,  lw,  0x81800706, 5, bytes)

  /* ---- stores, read back byte by byte and as a word ---- */
  TEST_CASE(10, a3, 0xdd,
            la a1, scratch; sw zero, 0(a1); sw zero, 4(a1); li a2, 0xaabbccdd; sw a2, 1(a1); lbu a3, 1(a1))
  TEST_CASE(11, a3, 0xbbccdd00, la a1, scratch; lw a3, 0(a1))
  TEST_CASE(12, a3, 0x000000aa, la a1, scratch; lw a3, 4(a1))
  TEST_CASE(13, a3, 0xaabbccdd, la a1, scratch; lw a3, 1(a1))
  TEST_CASE(14, a3, 0xccdd0000,
            la a1, scratch; sw zero, 0(a1); sw zero, 4(a1); li a2, 0xaabbccdd; sw a2, 2(a1); lw a3, 0(a1))
  TEST_CASE(15, a3, 0x0000aabb, la a1, scratch; lw a3, 4(a1))
  TEST_CASE(16, a3, 0xdd000000,
            la a1, scratch; sw zero, 0(a1); sw zero, 4(a1); li a2, 0xaabbccdd; sw a2, 3(a1); lw a3, 0(a1))
  TEST_CASE(17, a3, 0x00aabbcc, la a1, scratch; lw a3, 4(a1))
  TEST_CASE(18, a3, 0x00beef00,
            la a1, scratch; sw zero, 0(a1); li a2, 0xdeadbeef; sh a2, 1(a1); lw a3, 0(a1))
  TEST_CASE(19, a3, 0xef000000,
            la a1, scratch; sw zero, 0(a1); sw zero, 4(a1); li a2, 0xdeadbeef; sh a2, 3(a1); lw a3, 0(a1);
            lw a4, 4(a1); CHECK(a4, 0x000000be))

  /* ---- across a page boundary ---- */
  TEST_CASE(20, a3, 0x44332211,
            la a1, page_end; li a2, 0x44332211; sw a2, -2(a1); lw a3, -2(a1))
  TEST_CASE(21, a3, 0x00004433, la a1, page_end; lhu a3, 0(a1))
  TEST_CASE(22, a3, 0x00003322, la a1, page_end; sh zero, -4(a1); lhu a3, -1(a1))

  /* none of the above trapped */
  li TESTNUM, 23
  CHECK_MCOUNT(0)

TEST_END

  .data
  .balign 16
bytes:   .byte 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x80, 0x81, 0, 0, 0
scratch: .space 16
  .balign 4096
  .space 4096
page_end:
  .space 16
