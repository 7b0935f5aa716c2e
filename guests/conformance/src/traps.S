/*
 * traps: synchronous exceptions taken to M-mode (Privileged spec 3.1.15,
 * 3.1.16, 3.3.1): each cause that can happen without paging or misa, with
 * mcause, mepc and mtval, and the mstatus stack (MPP, MPIE, MIE) on trap
 * entry and mret. Fetch/load/store access faults use unmapped address 0x0.
 * Page faults: sv32_*.S. Misaligned fetch: misa_c.S. AMO faults:
 * rv32ua_faults.S. ebreak's mtval: breakpoint.S.
 */
#include "test.h"

#define UNMAPPED 0x00000000

TEST_BEGIN

  /* ---- instruction access fault (1): mepc = mtval = the target ---- */
  TEST_TRAP(2, CAUSE_FETCH_ACCESS, li a1, UNMAPPED; jalr a1)
  CHECK_FIELD(trap_frame, TF_EPC, UNMAPPED)
  CHECK_MTVAL(UNMAPPED)
  TEST_TRAP(3, CAUSE_FETCH_ACCESS, li a1, UNMAPPED + 0x100; jalr a1)
  CHECK_FIELD(trap_frame, TF_EPC, UNMAPPED + 0x100)
  CHECK_MTVAL(UNMAPPED + 0x100)

  /* ---- illegal instruction (2): mtval = the instruction bits ---- */
  TEST_TRAP(4, CAUSE_ILLEGAL_INSTRUCTION, 1: .word 0x40001033)   /* sll with funct7 = 0x20 */
  CHECK_MEPC(1b)
  CHECK_MTVAL(0x40001033)
  TEST_TRAP(5, CAUSE_ILLEGAL_INSTRUCTION, 1: .word 0x0000000b)   /* custom-0: not implemented */
  CHECK_MTVAL(0x0000000b)
  TEST_TRAP(6, CAUSE_ILLEGAL_INSTRUCTION, 1: .word 0x7ff0a073)   /* csrrs x0, 0x7ff, x1: no such CSR */
  CHECK_MTVAL(0x7ff0a073)
  TEST_TRAP(7, CAUSE_ILLEGAL_INSTRUCTION, 1: unimp)              /* csrrw x0, cycle, x0 (32-bit form) */
  CHECK_MEPC(1b)
  TEST_TRAP(8, CAUSE_ILLEGAL_INSTRUCTION, 1: .word 0x00005073)   /* csrrwi x0, 0x000 (ustatus: no N ext.) */
  CHECK_MTVAL(0x00005073)

  /* ---- breakpoint (3) ---- */
  TEST_TRAP(9, CAUSE_BREAKPOINT, .option push; .option norvc; 1: ebreak; .option pop)
  CHECK_MEPC(1b)

  /* ---- load / store access faults (5, 7): mtval = the address ---- */
  TEST_TRAP(10, CAUSE_LOAD_ACCESS, li a1, UNMAPPED; 1: lw a2, 0(a1))
  CHECK_MEPC(1b)
  CHECK_MTVAL(UNMAPPED)
  TEST_TRAP(11, CAUSE_LOAD_ACCESS, li a1, UNMAPPED; lbu a2, 0x24(a1))
  CHECK_MTVAL(UNMAPPED + 0x24)
  TEST_TRAP(12, CAUSE_STORE_ACCESS, li a1, UNMAPPED; 1: sw a2, 8(a1))
  CHECK_MEPC(1b)
  CHECK_MTVAL(UNMAPPED + 8)
  TEST_TRAP(13, CAUSE_STORE_ACCESS, li a1, UNMAPPED; sb a2, 0x31(a1))
  CHECK_MTVAL(UNMAPPED + 0x31)
  /* a faulting load leaves rd unchanged */
  TEST_CASE(14, a2, 0x1234, li a2, 0x1234; li a1, UNMAPPED; ARM_TRAP(1f); lw a2, 0(a1); j fail; 1:)
  /* lr.w is a load (AMOs, which fault as stores: rv32ua_faults.S) */
  TEST_TRAP(15, CAUSE_LOAD_ACCESS, li a1, UNMAPPED; lr.w a2, (a1))
  CHECK_MTVAL(UNMAPPED)

  /* ---- ecall from M (11), S (9), U (8): mtval = 0 ---- */
  TEST_TRAP(16, CAUSE_ECALL_M, li a1, -1; csrw mtval, a1; 1: ecall)
  CHECK_MEPC(1b)
  CHECK_MTVAL(0)

  li TESTNUM, 17
  CLEAR_TRAP
  GOTO_MODE(PRV_S, 2f)
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_MEPC(1b)
  CHECK_MTVAL(0)

  li TESTNUM, 18
  CLEAR_TRAP
  GOTO_MODE(PRV_U, 2f)
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_MEPC(1b)
  CHECK_MTVAL(0)

  /* ---- the mstatus stack on trap entry (Privileged 3.1.6.1) ---- */
  /* from M with MIE = 1: MPP = M, MPIE = 1, MIE = 0 (mie = 0, so no interrupt can fire) */
  li TESTNUM, 19
  csrw mie, zero
  csrsi mstatus, MSTATUS_MIE
  ARM_TRAP(1f)
  ecall
1:
  la a1, trap_frame
  lw a2, TF_STATUS(a1)
  li a3, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and a2, a2, a3
  CHECK(a2, MSTATUS_MPP | MSTATUS_MPIE)
  /* from U with MIE = 0: MPP = U, MPIE = 0 */
  li TESTNUM, 20
  GOTO_MODE(PRV_U, 1f)
  ecall
1:
  la a1, trap_frame
  lw a2, TF_STATUS(a1)
  li a3, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and a2, a2, a3
  CHECK(a2, 0)
  /* from S: MPP = S */
  li TESTNUM, 21
  GOTO_MODE(PRV_S, 1f)
  ecall
1:
  la a1, trap_frame
  lw a2, TF_STATUS(a1)
  li a3, MSTATUS_MPP
  and a2, a2, a3
  CHECK(a2, MSTATUS_MPP_S)

  /* ---- mret (Privileged 3.3.2): MIE = MPIE, MPIE = 1, MPP = U ---- */
  li TESTNUM, 22
  li a1, MSTATUS_MPP | MSTATUS_MIE
  csrc mstatus, a1
  li a1, MSTATUS_MPP | MSTATUS_MPIE    /* return to M with MPIE = 1 */
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
1:
  csrr a2, mstatus
  li a3, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and a2, a2, a3
  CHECK(a2, MSTATUS_MPIE | MSTATUS_MIE)
  csrci mstatus, MSTATUS_MIE
  /* (mepc[0] reading as zero is in csr_warl.S) */

  /* ---- a trap while in U-mode touching unmapped memory is still an access fault ---- */
  li TESTNUM, 24
  CLEAR_TRAP
  GOTO_MODE(PRV_U, 2f)
  li a1, UNMAPPED
1: lw a2, 0x40(a1)
  j fail
2:
  CHECK_MCAUSE(CAUSE_LOAD_ACCESS)
  CHECK_MEPC(1b)
  CHECK_MTVAL(UNMAPPED + 0x40)

TEST_END
