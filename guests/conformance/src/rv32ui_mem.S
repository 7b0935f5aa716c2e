/*
 * rv32ui_mem: RV32I loads and stores (Unprivileged spec 2.6): lb/lbu/lh/lhu/lw
 * sign and zero extension, positive and negative offsets, sb/sh/sw writing
 * only their own bytes (little-endian), a load into x0, and a store followed
 * at once by a load of the same address.
 */
#include "test.h"

TEST_BEGIN

  /* ---- loads: sign vs zero extension ---- */
  TEST_LOAD(2,  lb,  0xffffffff, 0, bytes)
  TEST_LOAD(3,  lb,  0x00000000, 1, bytes)
  TEST_LOAD(4,  lb,  0xfffffff0, 2, bytes)
  TEST_LOAD(5,  lb,  0x0000000f, 3, bytes)
  TEST_LOAD(6,  lbu, 0x000000ff, 0, bytes)
  TEST_LOAD(7,  lbu, 0x000000f0, 2, bytes)
  TEST_LOAD(8,  lbu, 0x0000007f, 4, bytes)
  TEST_LOAD(9,  lb,  0x0000007f, 4, bytes)
  TEST_LOAD(10, lb,  0xffffff80, 5, bytes)
  TEST_LOAD(11, lh,  0x000000ff, 0, halves)
  TEST_LOAD(12, lh,  0xffffff00, 2, halves)
  TEST_LOAD(13, lh,  0x00000ff0, 4, halves)
  TEST_LOAD(14, lh,  0xfffff00f, 6, halves)
  TEST_LOAD(15, lhu, 0x0000ff00, 2, halves)
  TEST_LOAD(16, lhu, 0x0000f00f, 6, halves)
  TEST_LOAD(17, lh,  0xffff8000, 8, halves)
  TEST_LOAD(18, lhu, 0x00008000, 8, halves)
  TEST_LOAD(19, lw,  0x00ff00ff, 0, words)
  TEST_LOAD(20, lw,  0xff00ff00, 4, words)
  TEST_LOAD(21, lw,  0x0ff00ff0, 8, words)
  TEST_LOAD(22, lw,  0xf00ff00f, 12, words)
  /* negative offsets */
  TEST_LOAD(23, lw,  0x00ff00ff, -12, words + 12)
  TEST_LOAD(24, lh,  0xffffff00, -6, halves + 8)
  TEST_LOAD(25, lbu, 0x000000ff, -5, bytes + 5)
  TEST_LOAD(26, lw,  0xf00ff00f, -2048, words + 2048 + 12)
  TEST_LOAD(27, lw,  0x00ff00ff, 2047, words - 2047)
  /* little-endian: the word's low byte is at the lowest address */
  TEST_LOAD(28, lbu, 0x000000ff, 0, words)
  TEST_LOAD(29, lbu, 0x00000000, 1, words)
  TEST_LOAD(30, lhu, 0x0000ff00, 6, words)
  /* a load into x0 is performed but discarded */
  TEST_CASE(31, x0, 0, la a1, words; lw x0, 0(a1))
  /* base register = destination */
  TEST_CASE(32, a1, 0xff00ff00, la a1, words; lw a1, 4(a1))

  /* ---- stores ---- */
  TEST_STORE(33, lw,  sw, 0xaabbccdd, 0, scratch)
  TEST_STORE(34, lw,  sw, 0x00000000, 4, scratch)
  TEST_STORE(35, lh,  sh, 0xffffa00a, 8, scratch)
  TEST_STORE(36, lhu, sh, 0x0000a00a, 10, scratch)
  TEST_STORE(37, lb,  sb, 0xffffffaa, 12, scratch)
  TEST_STORE(38, lbu, sb, 0x000000aa, 13, scratch)
  TEST_STORE(39, lw,  sw, 0x12345678, -4, scratch + 20)
  /* sb/sh change only their own bytes */
  TEST_CASE(40, a3, 0x11ee3344,
            la a1, scratch; li a2, 0x11223344; sw a2, 16(a1);
            li a2, 0xee; sb a2, 18(a1); lw a3, 16(a1))
  TEST_CASE(41, a3, 0xbeef3344,
            la a1, scratch; li a2, 0x11223344; sw a2, 16(a1);
            li a2, 0xdeadbeef; sh a2, 18(a1); lw a3, 16(a1))
  TEST_CASE(42, a3, 0x112233ef,
            la a1, scratch; li a2, 0x11223344; sw a2, 16(a1);
            li a2, 0xdeadbeef; sb a2, 16(a1); lw a3, 16(a1))
  /* storing x0 writes zero */
  TEST_CASE(43, a3, 0,
            la a1, scratch; li a2, -1; sw a2, 20(a1); sw x0, 20(a1); lw a3, 20(a1))
  /* a store whose data register is the base register */
  TEST_CASE(44, a3, 0,
            la a1, scratch; sw a1, 24(a1); lw a3, 24(a1); sub a3, a3, a1)
  /* the same address read back through a different width */
  TEST_CASE(45, a3, 0xffff8765,
            la a1, scratch; li a2, 0x87654321; sw a2, 28(a1); lh a3, 30(a1))

TEST_END

  .data
  .balign 16
bytes:  .byte 0xff, 0x00, 0xf0, 0x0f, 0x7f, 0x80, 0, 0
halves: .half 0x00ff, 0xff00, 0x0ff0, 0xf00f, 0x8000, 0
words:  .word 0x00ff00ff, 0xff00ff00, 0x0ff00ff0, 0xf00ff00f
scratch: .space 64
