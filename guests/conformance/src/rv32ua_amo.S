/*
 * rv32ua_amo: the A extension's AMOs (Unprivileged spec 8.4): each of the
 * nine amo*.w returns the old memory word in rd and stores op(old, rs2).
 * min/max are signed, minu/maxu unsigned, so 0x80000000 and 0xffffffff
 * are the edge values. Also: aq/rl variants, rd = x0, rd = rs2.
 */
#include "test.h"

/* Case n: memory = init; inst rd, operand; rd must be init, memory result. */
#define TEST_AMO(n, inst, init, operand, result)                        \
        li TESTNUM, n; la a1, amo_word; li a2, init; sw a2, 0(a1);      \
        li a2, operand; inst a3, a2, (a1);                              \
        CHECK(a3, init); lw a4, 0(a1); CHECK(a4, result)

TEST_BEGIN

  TEST_AMO(2,  amoswap.w, 0x12345678, 0xdeadbeef, 0xdeadbeef)
  TEST_AMO(3,  amoswap.w, 0x00000000, 0xffffffff, 0xffffffff)
  TEST_AMO(4,  amoadd.w,  0x00000001, 0x00000002, 0x00000003)
  TEST_AMO(5,  amoadd.w,  0xffffffff, 0x00000001, 0x00000000)
  TEST_AMO(6,  amoadd.w,  0x7fffffff, 0x00000001, 0x80000000)
  TEST_AMO(7,  amoxor.w,  0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_AMO(8,  amoand.w,  0xff00ff00, 0x0ff00ff0, 0x0f000f00)
  TEST_AMO(9,  amoor.w,   0xff00ff00, 0x0ff00ff0, 0xfff0fff0)
  /* signed min/max */
  TEST_AMO(10, amomin.w,  0x00000005, 0xfffffffb, 0xfffffffb)   /* min(5, -5) = -5 */
  TEST_AMO(11, amomin.w,  0x80000000, 0x7fffffff, 0x80000000)
  TEST_AMO(12, amomin.w,  0x7fffffff, 0x80000000, 0x80000000)
  TEST_AMO(13, amomin.w,  0xffffffff, 0x00000000, 0xffffffff)
  TEST_AMO(14, amomax.w,  0x00000005, 0xfffffffb, 0x00000005)
  TEST_AMO(15, amomax.w,  0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO(16, amomax.w,  0xffffffff, 0x00000000, 0x00000000)
  TEST_AMO(17, amomax.w,  0x80000000, 0x80000000, 0x80000000)
  /* unsigned min/max */
  TEST_AMO(18, amominu.w, 0x00000005, 0xfffffffb, 0x00000005)
  TEST_AMO(19, amominu.w, 0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO(20, amominu.w, 0xffffffff, 0x00000000, 0x00000000)
  TEST_AMO(21, amominu.w, 0x00000000, 0xffffffff, 0x00000000)
  TEST_AMO(22, amomaxu.w, 0x00000005, 0xfffffffb, 0xfffffffb)
  TEST_AMO(23, amomaxu.w, 0x80000000, 0x7fffffff, 0x80000000)
  TEST_AMO(24, amomaxu.w, 0xffffffff, 0x00000000, 0xffffffff)
  TEST_AMO(25, amomaxu.w, 0x7fffffff, 0x80000000, 0x80000000)
  /* ordering bits do not change the result */
  TEST_AMO(26, amoadd.w.aq,   0x00000010, 0x00000020, 0x00000030)
  TEST_AMO(27, amoadd.w.rl,   0x00000010, 0x00000020, 0x00000030)
  TEST_AMO(28, amoadd.w.aqrl, 0x00000010, 0x00000020, 0x00000030)
  TEST_AMO(29, amoswap.w.aqrl, 0x00000001, 0x00000002, 0x00000002)
  /* rd = x0: the memory update still happens */
  TEST_CASE(30, a4, 0x00000007,
            la a1, amo_word; li a2, 3; sw a2, 0(a1); li a2, 4;
            amoadd.w x0, a2, (a1); lw a4, 0(a1))
  /* rd = rs2: the operand is read before rd is written */
  TEST_CASE(31, a4, 0x00000009,
            la a1, amo_word; li a2, 4; sw a2, 0(a1); li a2, 5;
            amoadd.w a2, a2, (a1); lw a4, 0(a1); CHECK(a2, 4))
  /* rs2 = x0: amoor with zero is an atomic load */
  TEST_CASE(32, a3, 0x5a5a5a5a,
            la a1, amo_word; li a2, 0x5a5a5a5a; sw a2, 0(a1);
            amoor.w a3, x0, (a1); lw a4, 0(a1); CHECK(a4, 0x5a5a5a5a))
  /* an AMO on the second word leaves the first alone */
  TEST_CASE(33, a4, 0x11111111,
            la a1, amo_word; li a2, 0x11111111; sw a2, 0(a1); li a2, 2;
            addi a5, a1, 4; amoswap.w a3, a2, (a5); lw a4, 0(a1))

TEST_END

  .data
  .balign 8
amo_word: .word 0, 0
