/*
 * rv32uc: every RV32C instruction (Unprivileged spec chapter 16), written
 * with explicit c.* mnemonics so each is really the 16-bit form. Checks the
 * scaled/sign-extended immediates, the x8-x15 register subsets, link values
 * of pc + 2 for c.jal/c.jalr, and 32-bit instructions at addresses that are
 * 2 mod 4 after a compressed one.
 */
#include "test.h"

TEST_BEGIN
  .option push
  .option rvc

  /* ---- quadrant 0 ---- */
  /* c.addi4spn: rd' = sp + nzuimm (scaled by 4, zero-extended, up to 1020) */
  TEST_CASE(2, a0, 4, mv s1, sp; la sp, buf; c.addi4spn a0, sp, 4; la a1, buf; sub a0, a0, a1; mv sp, s1)
  TEST_CASE(3, a0, 1020, mv s1, sp; la sp, buf; c.addi4spn a0, sp, 1020; la a1, buf; sub a0, a0, a1; mv sp, s1)
  /* c.lw / c.sw: offsets scaled by 4, zero-extended, up to 124 */
  TEST_CASE(4, a0, 0x12345678, la s0, buf; li a1, 0x12345678; c.sw a1, 0(s0); c.lw a0, 0(s0))
  TEST_CASE(5, a2, 0xdeadbeef, la a5, buf; li a1, 0xdeadbeef; c.sw a1, 124(a5); c.lw a2, 124(a5); lw a3, 124(a5); CHECK(a3, 0xdeadbeef))
  TEST_CASE(6, a0, 0xffffffff, la s1, buf; li a1, -1; c.sw a1, 8(s1); c.lw a0, 8(s1))

  /* ---- quadrant 1 ---- */
  TEST_CASE(7, a0, 5, li a0, 5; c.nop; c.nop)
  /* c.addi: 6-bit signed immediate */
  TEST_CASE(8, a0, 36, li a0, 5; c.addi a0, 31)
  TEST_CASE(9, a0, 0xffffffe5, li a0, 5; c.addi a0, -32)
  TEST_CASE(10, t0, 0, li t0, 1; c.addi t0, -1)        /* full register set */
  /* c.li: rd = sext(imm6) */
  TEST_CASE(11, a0, 0xffffffe0, c.li a0, -32)
  TEST_CASE(12, ra, 31, c.li ra, 31)
  /* c.lui: rd = sext(nzimm[17:12]) << 12 */
  TEST_CASE(13, a0, 0x0001f000, c.lui a0, 0x1f)
  TEST_CASE(14, a0, 0xfffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(15, s11, 0xfffff000, c.lui s11, 0xfffff)
  /* c.addi16sp: sp += nzimm (multiple of 16, -512..496) */
  TEST_CASE(16, a0, 496, mv s1, sp; la sp, buf; c.addi16sp sp, 496; la a1, buf; sub a0, sp, a1; mv sp, s1)
  TEST_CASE(17, a0, -512, mv s1, sp; la sp, buf; c.addi16sp sp, -512; la a1, buf; sub a0, sp, a1; mv sp, s1)
  /* c.srli / c.srai / c.andi on rd' */
  TEST_CASE(18, a0, 0x00000001, li a0, 0x80000000; c.srli a0, 31)
  TEST_CASE(19, a0, 0x08000000, li a0, 0x80000000; c.srli a0, 4)
  TEST_CASE(20, s0, 0xffffffff, li s0, 0x80000000; c.srai s0, 31)
  TEST_CASE(21, a5, 0xf8000000, li a5, 0x80000000; c.srai a5, 4)
  TEST_CASE(22, a0, 0x0000000a, li a0, 0xfffffffa; c.andi a0, 15)
  TEST_CASE(23, a0, 0xffffffe0, li a0, 0xfffffffa; c.andi a0, -32)
  /* c.sub / c.xor / c.or / c.and */
  TEST_CASE(24, a0, 0xfffffffe, li a0, 3; li a1, 5; c.sub a0, a1)
  TEST_CASE(25, a0, 0xf00ff00f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.xor a0, a1)
  TEST_CASE(26, a0, 0xff0fff0f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.or a0, a1)
  TEST_CASE(27, a0, 0x0f000f00, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.and a0, a1)
  TEST_CASE(28, s0, 0, li s0, 0x1234; c.sub s0, s0)
  /* c.j forwards and backwards */
  TEST_CASE(29, a0, 3, li a0, 0; c.j 2f; 1: c.addi a0, 2; c.j 3f; 2: c.addi a0, 1; c.j 1b; 3:)
  /* c.jal: ra = pc + 2 */
  TEST_CASE(30, a0, 0, 1: c.jal 2f; c.j fail_near; 2: la a0, 1b + 2; sub a0, a0, ra)
  /* c.beqz / c.bnez: taken, not taken, backwards */
  TEST_CASE(31, a1, 1, li a1, 0; li a0, 0; c.beqz a0, 1f; c.j fail_near; 1: li a1, 1)
  TEST_CASE(32, a1, 1, li a1, 0; li a0, 7; c.beqz a0, 1f; li a1, 1; 1:)
  TEST_CASE(33, a1, 1, li a1, 0; li a0, 7; c.bnez a0, 1f; c.j fail_near; 1: li a1, 1)
  TEST_CASE(34, a1, 1, li a1, 0; li a0, 0; c.bnez a0, 1f; li a1, 1; 1:)
  TEST_CASE(35, a0, 0, li a0, 4; 1: c.addi a0, -1; c.bnez a0, 1b)
  TEST_CASE(36, a0, 0x80000000, li a0, 0x80000000; c.j 2f; 1: c.j 3f; 2: c.beqz a1, 1b; 3:)  /* a1 = 0 from 34 */

  /* ---- quadrant 2 ---- */
  /* c.slli on any register */
  TEST_CASE(37, a0, 0x80000000, li a0, 1; c.slli a0, 31)
  TEST_CASE(38, t6, 0x00001230, li t6, 0x123; c.slli t6, 4)
  /* c.lwsp / c.swsp: sp-relative, scaled by 4, up to 252 */
  TEST_CASE(39, a0, 0x0badf00d, mv s1, sp; la sp, buf; li a1, 0x0badf00d; c.swsp a1, 252(sp);
            c.lwsp a0, 252(sp); mv sp, s1)
  TEST_CASE(40, t4, 0x13579bdf, mv s1, sp; la sp, buf; li t3, 0x13579bdf; c.swsp t3, 0(sp);
            c.lwsp t4, 0(sp); mv sp, s1; la a1, buf; lw a2, 0(a1); CHECK(a2, 0x13579bdf))
  /* c.mv / c.add */
  TEST_CASE(41, a0, 0x11223344, li t1, 0x11223344; c.mv a0, t1)
  TEST_CASE(42, s3, 0x33333333, li s3, 0x11111111; li s4, 0x22222222; c.add s3, s4)
  /* c.jr: no link */
  TEST_CASE(43, a0, 9, li a0, 0; la t1, 1f; c.jr t1; c.j fail_near; 1: li a0, 9)
  /* c.jalr: ra = pc + 2, target read before the link is written */
  TEST_CASE(44, a0, 0, la t1, 2f; 1: c.jalr t1; c.j fail_near; 2: la a0, 1b + 2; sub a0, a0, ra)
  TEST_CASE(45, a0, 0, la ra, 2f; 1: c.jalr ra; c.j fail_near; 2: la a0, 1b + 2; sub a0, a0, ra)

  /* c.ebreak: breakpoint exception, mepc = its address (mtval: see breakpoint.S) */
  TEST_TRAP(46, CAUSE_BREAKPOINT, 1: c.ebreak)
  CHECK_MEPC(1b)

  /* a 32-bit instruction right after a 16-bit one (pc = 2 mod 4) */
  TEST_CASE(47, a0, 0x12345, .balign 4; c.nop; lui a0, 0x12; addi a0, a0, 0x345)
  TEST_CASE(48, a0, 0, .balign 4; c.nop; 1: auipc a0, 0; la a1, 1b; sub a0, a0, a1;
            andi a2, a1, 3; CHECK(a2, 2))

  j done
fail_near:
  j fail
done:
  .option pop
TEST_END

  .data
  .balign 16
  .space 512
buf: .space 1024
