/*
 * misa_c: misa.C is writable in Retrovisor (Privileged spec 3.1.1; the only
 * writable misa bit here). With C clear, IALIGN = 32: a taken jump or branch
 * to an address that is not 4-byte aligned raises instruction address
 * misaligned (cause 0) with mtval = the target and mepc = the jump or branch
 * itself (Unprivileged spec 2.5); compressed instructions are illegal. A
 * write clearing C is ignored when the next instruction is not 4-byte
 * aligned (Privileged 3.1.1). Setting C again restores RVC.
 * Everything here is 4-byte instructions except the marked 16-bit ones.
 */
#include "test.h"

#define MISA_C 0x4

TEST_BEGIN
  .option push
  .option norvc

  /* misa reads RV32IMAC + S + U */
  TEST_CASE(2, a0, 0x40141105, csrr a0, misa)

  /* clear C (this csrc is at a 4-byte aligned address, so is the next one) */
  .balign 4
  TEST_CASE(3, a0, 0x40141101, csrci misa, MISA_C; csrr a0, misa)

  /* jal / jalr / branch to a 2 mod 4 target: cause 0, mtval = target, mepc = jump */
  TEST_TRAP(4, CAUSE_MISALIGNED_FETCH, la a1, target + 2; 1: jalr a2, 0(a1))
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(target + 2)
  /* the link register is not written by the faulting jump */
  TEST_CASE(5, a2, 0x5a, li a2, 0x5a; la a1, target + 2; ARM_TRAP(1f); jalr a2, 0(a1); j fail; 1:)
  TEST_TRAP(6, CAUSE_MISALIGNED_FETCH, 1: jal a2, target + 2)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(target + 2)
  TEST_TRAP(7, CAUSE_MISALIGNED_FETCH, 1: beq zero, zero, target + 2)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(target + 2)
  /* a branch that is not taken does not check its target */
  TEST_CASE(8, a0, 8, li a0, 8; bne zero, zero, target + 2)
  /* jalr clears bit 0 first: rs1 + 1 of an aligned target is fine, + 3 is not */
  TEST_CASE(9, a0, 9, li a0, 0; la a1, 1f + 1; jalr x0, 0(a1); j fail; .balign 4; 1: li a0, 9)
  TEST_TRAP(10, CAUSE_MISALIGNED_FETCH, la a1, target + 3; jalr x0, 0(a1))
  CHECK_MTVAL_LABEL(target + 2)

  /* compressed instructions are illegal while C is clear (mtval = the 16 bits) */
  TEST_TRAP(11, CAUSE_ILLEGAL_INSTRUCTION, .balign 4; 1: .half 0x4505; .half 0x0001)  /* c.li a0, 1; c.nop */
  CHECK_MEPC(1b)
  CHECK_MTVAL(0x4505)

  /* set C again: compressed code runs, 2 mod 4 targets are fine */
  TEST_CASE(12, a0, 0x40141105, csrsi misa, MISA_C; csrr a0, misa)
  TEST_CASE(13, a0, 1, .balign 4; .half 0x4505; .half 0x0001)   /* c.li a0, 1; c.nop */
  TEST_CASE(14, a0, 23, li a0, 0; la a1, target + 2; jalr a2, 0(a1))

  /* clearing C is ignored when the next instruction is at 2 mod 4 */
  TEST_CASE(15, a0, 0x40141105, .balign 4; .half 0x0001; csrci misa, MISA_C; csrr a0, misa;
            .half 0x0001)     /* the c.nops keep the following code 4-byte aligned */
  TEST_CASE(16, a0, 0x40141101, .balign 4; csrci misa, MISA_C; csrr a0, misa)
  TEST_CASE(17, a0, 0x40141105, csrsi misa, MISA_C; csrr a0, misa)

  /* the other misa bits do not change */
  TEST_CASE(18, a0, 0x40141105, li a1, 0x3ffffffb & ~0x141105; csrs misa, a1; li a1, 0x141101; csrc misa, a1; csrr a0, misa)
  TEST_CASE(19, a0, 0x40141105, csrw misa, zero; csrr a4, misa; CHECK(a4, 0x40141101);
            csrsi misa, MISA_C; csrr a0, misa)

  j done

  /* target + 2 holds 16-bit code that case 14 reaches with C set again:
     c.li a0, 23; c.jr a2 */
  .balign 4
target:
  .half 0x0001               /* c.nop */
  .half 0x455d               /* c.li a0, 23 */
  .half 0x8602               /* c.jr a2 */
  .half 0x0001               /* c.nop */
done:
  .option pop
TEST_END
