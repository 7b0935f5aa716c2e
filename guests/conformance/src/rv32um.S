/*
 * rv32um: the M extension (Unprivileged spec chapter 7): low and high
 * products for every signedness combination, and division/remainder
 * including the defined results of division by zero (quotient all ones,
 * remainder = dividend) and of signed overflow -2^31 / -1 (quotient -2^31,
 * remainder 0), spec table 7.1. Neither case traps.
 */
#include "test.h"

TEST_BEGIN

  /* ---- mul: low 32 bits, same for any signedness ---- */
  TEST_RR(2,  mul, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR(3,  mul, 0x00000001, 0x00000001, 0x00000001)
  TEST_RR(4,  mul, 0x00000015, 0x00000003, 0x00000007)
  TEST_RR(5,  mul, 0x00000000, 0x80000000, 0x00000002)
  TEST_RR(6,  mul, 0x80000000, 0x80000000, 0xffffffff)
  TEST_RR(7,  mul, 0x00000001, 0xffffffff, 0xffffffff)
  TEST_RR(8,  mul, 0x242d2080, 0x12345678, 0x9abcdef0)
  TEST_RR_RD_RS1(9, mul, 143, 13, 11)
  TEST_RR_SAME(10, mul, 169, 13)
  TEST_RR_X0_RD(11, mul, 3, 4)

  /* ---- mulh: signed x signed, high 32 bits ---- */
  TEST_RR(12, mulh, 0x00000000, 0x00000001, 0x00000001)
  TEST_RR(13, mulh, 0xffffffff, 0xffffffff, 0x00000001)   /* -1 * 1 */
  TEST_RR(14, mulh, 0x00000000, 0xffffffff, 0xffffffff)   /* -1 * -1 = 1 */
  TEST_RR(15, mulh, 0x40000000, 0x80000000, 0x80000000)   /* 2^62 */
  TEST_RR(16, mulh, 0xc0000000, 0x80000000, 0x7fffffff)   /* -2^31 * (2^31-1) */
  TEST_RR(17, mulh, 0x3fffffff, 0x7fffffff, 0x7fffffff)
  TEST_RR(18, mulh, 0xfffffffe, 0xfffe0000, 0x00010000)   /* -2^17 * 2^16 */
  TEST_RR_X0_RD(19, mulh, 0x80000000, 0x80000000)

  /* ---- mulhu: unsigned x unsigned ---- */
  TEST_RR(20, mulhu, 0x00000000, 0x00000001, 0xffffffff)
  TEST_RR(21, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
  TEST_RR(22, mulhu, 0x40000000, 0x80000000, 0x80000000)
  TEST_RR(23, mulhu, 0x7fffffff, 0x80000000, 0xffffffff)
  TEST_RR(24, mulhu, 0x0b00ea4e, 0x12345678, 0x9abcdef0)

  /* ---- mulhsu: signed rs1 x unsigned rs2 ---- */
  TEST_RR(25, mulhsu, 0xffffffff, 0xffffffff, 0x00000001) /* -1 * 1 */
  TEST_RR(26, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff) /* -1 * (2^32-1) */
  TEST_RR(27, mulhsu, 0x7ffffffe, 0x7fffffff, 0xffffffff)
  TEST_RR(28, mulhsu, 0x80000000, 0x80000000, 0xffffffff) /* -2^31 * (2^32-1) */
  TEST_RR(29, mulhsu, 0xc0000000, 0x80000000, 0x80000000) /* -2^31 * 2^31 */
  TEST_RR(30, mulhsu, 0x00000000, 0x00000001, 0xffffffff)

  /* ---- div / divu ---- */
  TEST_RR(31, div,  3, 20, 6)
  TEST_RR(32, div,  -3, -20, 6)                           /* rounds toward zero */
  TEST_RR(33, div,  -3, 20, -6)
  TEST_RR(34, div,  3, -20, -6)
  TEST_RR(35, div,  0x80000000, 0x80000000, 1)
  TEST_RR(36, div,  0x80000000, 0x80000000, -1)           /* overflow */
  TEST_RR(37, div,  -1, 20, 0)                            /* by zero */
  TEST_RR(38, div,  -1, 0, 0)
  TEST_RR(39, div,  -1, 0x80000000, 0)
  TEST_RR(40, divu, 3, 20, 6)
  TEST_RR(41, divu, 715827879, -20, 6)                    /* 0xffffffec / 6 */
  TEST_RR(42, divu, 0, 20, -6)
  TEST_RR(43, divu, 0, 0x80000000, -1)
  TEST_RR(44, divu, 0xffffffff, 20, 0)                    /* by zero */
  TEST_RR(45, divu, 0xffffffff, 0, 0)
  TEST_RR(46, divu, 1, 0xffffffff, 0xffffffff)
  TEST_RR_SAME(47, div, 1, -7)
  TEST_RR_X0_RD(48, div, 20, 0)

  /* ---- rem / remu: sign of the remainder follows the dividend ---- */
  TEST_RR(49, rem,  2, 20, 6)
  TEST_RR(50, rem,  -2, -20, 6)
  TEST_RR(51, rem,  2, 20, -6)
  TEST_RR(52, rem,  -2, -20, -6)
  TEST_RR(53, rem,  0, 0x80000000, 1)
  TEST_RR(54, rem,  0, 0x80000000, -1)                    /* overflow */
  TEST_RR(55, rem,  20, 20, 0)                            /* by zero: dividend */
  TEST_RR(56, rem,  -20, -20, 0)
  TEST_RR(57, rem,  0x80000000, 0x80000000, 0)
  TEST_RR(58, remu, 2, 20, 6)
  TEST_RR(59, remu, 2, -20, 6)                            /* 0xffffffec % 6 */
  TEST_RR(60, remu, 20, 20, -6)
  TEST_RR(61, remu, 0x7fffffff, 0x7fffffff, 0x80000000)
  TEST_RR(62, remu, 20, 20, 0)                            /* by zero */
  TEST_RR(63, remu, 0xffffffff, 0xffffffff, 0)
  TEST_RR(64, remu, 0, 0xffffffff, 0xffffffff)
  TEST_RR_X0_RS2(65, rem, 9, 9)                           /* x0 divisor */
  TEST_RR_X0_RS2(66, divu, 0xffffffff, 9)

TEST_END
