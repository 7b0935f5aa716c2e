/*
 * rv32ui_control: RV32I control transfer (Unprivileged spec 2.5): every
 * conditional branch taken forwards and backwards and not taken, with signed
 * and unsigned edge values; jal/jalr link values (pc + 4), jalr clearing bit
 * 0 of the target, jalr with rd = rs1, x0 links; and fence as a no-op here.
 */
#include "test.h"

TEST_BEGIN

  /* ---- beq / bne ---- */
  TEST_BR_TAKEN(2, beq, 0, 0)
  TEST_BR_TAKEN(3, beq, -1, -1)
  TEST_BR_NOT_TAKEN(4, beq, 0, 1)
  TEST_BR_NOT_TAKEN(5, beq, 0x80000000, 0)
  TEST_BR_TAKEN(6, bne, 0, 1)
  TEST_BR_TAKEN(7, bne, 0x80000000, 0)
  TEST_BR_NOT_TAKEN(8, bne, 5, 5)
  /* ---- blt / bge: signed ---- */
  TEST_BR_TAKEN(9, blt, -1, 1)
  TEST_BR_TAKEN(10, blt, 0x80000000, 0x7fffffff)
  TEST_BR_NOT_TAKEN(11, blt, 1, -1)
  TEST_BR_NOT_TAKEN(12, blt, 3, 3)
  TEST_BR_TAKEN(13, bge, 3, 3)
  TEST_BR_TAKEN(14, bge, 1, -1)
  TEST_BR_TAKEN(15, bge, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(16, bge, -1, 0)
  /* ---- bltu / bgeu: unsigned ---- */
  TEST_BR_TAKEN(17, bltu, 1, -1)
  TEST_BR_TAKEN(18, bltu, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(19, bltu, -1, 1)
  TEST_BR_NOT_TAKEN(20, bltu, 0, 0)
  TEST_BR_TAKEN(21, bgeu, -1, 1)
  TEST_BR_TAKEN(22, bgeu, 0, 0)
  TEST_BR_NOT_TAKEN(23, bgeu, 0, -1)
  TEST_BR_NOT_TAKEN(24, bgeu, 0x7fffffff, 0x80000000)
  /* x0 as a branch operand */
  TEST_CASE(25, a3, 1, li a3, 0; beq x0, x0, 1f; j fail; 1: li a3, 1)
  TEST_CASE(26, a3, 1, li a3, 0; bltu x0, x0, 2f; li a3, 1; 2:)
  /* a loop counting down with a backward branch */
  TEST_CASE(27, a3, 10, li a1, 10; li a3, 0; 1: addi a3, a3, 1; addi a1, a1, -1; bnez a1, 1b)

  .option push
  .option norvc               /* the link arithmetic below assumes 4-byte instructions */

  /* ---- jal: rd = pc + 4, target pc-relative ---- */
  TEST_CASE(28, a3, 0, 1: jal a4, 2f; j fail; 2: la a3, 1b + 4; sub a3, a3, a4)
  TEST_CASE(29, a3, 3, li a3, 0; j 3f; 2: addi a3, a3, 2; j 4f; 3: addi a3, a3, 1; j 2b; 4:)
  TEST_CASE(30, x0, 0, jal x0, 1f; 1:)                 /* j: no link */
  TEST_CASE(31, ra, 0, 1: jal 2f; 2: la a3, 1b + 4; sub ra, ra, a3)  /* jal with ra */

  /* ---- jalr: target = (rs1 + imm) & ~1, rd = pc + 4 ---- */
  TEST_CASE(32, a3, 0, la a1, 2f; 1: jalr a4, 0(a1); j fail; 2: la a3, 1b + 4; sub a3, a3, a4)
  TEST_CASE(33, a3, 0, la a1, 2f - 8; 1: jalr a4, 8(a1); j fail; 2: la a3, 1b + 4; sub a3, a3, a4)
  TEST_CASE(34, a3, 0, la a1, 2f + 8; jalr a4, -8(a1); j fail; 2: li a3, 0)
  TEST_CASE(35, a3, 7, li a3, 0; la a1, 2f + 1; jalr a4, 0(a1); j fail; 2: li a3, 7)  /* bit 0 cleared */
  TEST_CASE(36, a3, 7, li a3, 0; la a1, 2f; jalr a4, 1(a1); j fail; 2: li a3, 7)      /* sum's bit 0 cleared */
  /* rd = rs1: the target uses the old rs1 */
  TEST_CASE(37, a3, 0, la a1, 2f; 1: jalr a1, 0(a1); j fail; 2: la a3, 1b + 4; sub a3, a3, a1)
  TEST_CASE(38, x0, 0, la a1, 2f; jalr x0, 0(a1); j fail; 2:)
  /* call and return through a subroutine */
  TEST_CASE(39, a0, 42, li a0, 40; call add_two)
  .option pop

  /* ---- fence / fence.tso-like forms are ordering no-ops for one hart ---- */
  TEST_CASE(40, a3, 5, la a1, data; li a2, 5; sw a2, 0(a1); fence; lw a3, 0(a1))
  TEST_CASE(41, a3, 6, la a1, data; li a2, 6; sw a2, 0(a1); fence rw, rw; fence i, o; lw a3, 0(a1))

  j test_done

add_two:
  addi a0, a0, 2
  ret

test_done:
TEST_END

  .data
data: .word 0
