/*
 * interrupts: interrupt delivery without timers (Privileged spec 3.1.9,
 * 3.1.6.1, 4.1.3): software sets SSIP/STIP/SEIP in mip and MSIP through the
 * CLINT. Covers masking by mie and mstatus.MIE, M-level interrupts taken in
 * lower modes whatever MIE says, mcause and mepc of an interrupt, delegation with mideleg (taken in S only when
 * SIE = 1 in S, always in U, never in M), and vectored mtvec/stvec
 * (interrupt n at base + 4n, exceptions at base).
 */
#include "test.h"

#define SET_MSIP(v) li t5, CLINT_MSIP; li t6, v; sw t6, 0(t5)
/* Let a pending, enabled interrupt be taken: MIE on, a few nops, MIE off. */
#define OPEN_WINDOW csrsi mstatus, MSTATUS_MIE; nop; nop; nop; nop; csrci mstatus, MSTATUS_MIE

TEST_BEGIN

  /* QEMU resets mtimecmp to 0 (MTIP pending); make it "never" for both. */
  li a1, CLINT_MTIMECMP_HI
  li a2, -1
  sw a2, 0(a1)
  sw a2, -4(a1)

  /* ---- masked: pending + enabled in mie, but mstatus.MIE = 0 in M-mode ---- */
  TEST_CASE(2, a0, 0, CLEAR_TRAP; li a1, MIP_SSIP; csrw mie, a1; csrs mip, a1; nop; nop; nop;
            la a0, trap_frame; lw a0, TF_COUNT(a0))
  /* ---- masked by mie ---- */
  TEST_CASE(3, a0, 0, csrw mie, zero; csrsi mstatus, MSTATUS_MIE; nop; nop; nop; csrci mstatus, MSTATUS_MIE;
            la a0, trap_frame; lw a0, TF_COUNT(a0))
  /* ---- taken as soon as MIE is set: mepc = the next instruction ---- */
  li TESTNUM, 4
  CLEAR_TRAP
  li a1, MIP_SSIP
  csrw mie, a1
  ARM_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
1: j fail
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  CHECK_MEPC(1b)
  CHECK_MTVAL(0)
  /* the handler returns with MIE = 0 and MPIE = 0; the record shows MPIE = 1 (MIE was 1) */
  la a1, trap_frame
  lw a1, TF_STATUS(a1)
  andi a1, a1, MSTATUS_MIE | MSTATUS_MPIE
  CHECK(a1, MSTATUS_MPIE)
  li a1, MIP_SSIP
  csrc mip, a1

  /* (priority among several pending interrupts: interrupts_priority.S) */

  /* MSIP reads back through mip and the CLINT register */
  TEST_CASE(11, a0, MIP_MSIP, SET_MSIP(1); csrr a0, mip; andi a0, a0, MIP_MSIP)
  TEST_CASE(12, a0, 1, li a1, CLINT_MSIP; lw a0, 0(a1))
  TEST_CASE(13, a0, 0, SET_MSIP(0); csrr a0, mip; andi a0, a0, MIP_MSIP)

  /* ---- an M-level interrupt is taken in U and S even with MIE = 0 ---- */
  li TESTNUM, 14
  CLEAR_TRAP
  li a1, MIP_SSIP
  csrw mie, a1
  csrs mip, a1
  GOTO_MODE(PRV_U, 2f)
1: nop
  nop
  j fail
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  la a1, trap_frame
  lw a1, TF_STATUS(a1)
  li a2, MSTATUS_MPP
  and a1, a1, a2
  CHECK(a1, 0)                          /* MPP = U */
  li TESTNUM, 15
  GOTO_MODE(PRV_S, 2f)
  nop
  j fail
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrw mip, zero

  /* ---- delegated (mideleg.SSIP): never taken in M ---- */
  li TESTNUM, 16
  CLEAR_TRAP
  li a1, MIP_SSIP
  csrw mideleg, a1
  csrw mie, a1
  csrs mip, a1
  OPEN_WINDOW
  CHECK_MCOUNT(0)
  CHECK_SCOUNT(0)
  /* in S with SIE = 0: not taken */
  li TESTNUM, 17
  GOTO_MODE(PRV_S, 2f)
  csrci sstatus, MSTATUS_SIE
  nop
  nop
  ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCOUNT(0)
  /* in S with SIE = 1: taken in S, scause = interrupt 1, SPP = S, SPIE = 1 */
  li TESTNUM, 18
  ARM_STRAP(1f)
  GOTO_MODE(PRV_S, 2f)
  csrsi sstatus, MSTATUS_SIE
3: j fail
1: li a1, MIP_SSIP
  csrc sip, a1                          /* S clears its own pending bit */
  ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  CHECK_SEPC(3b)
  la a1, strap_frame
  lw a1, TF_STATUS(a1)
  andi a1, a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK(a1, MSTATUS_SPIE | MSTATUS_SPP)
  TEST_CASE(19, a0, 0, csrr a0, mip; andi a0, a0, MIP_SSIP)
  /* in U: taken in S whatever SIE says */
  li TESTNUM, 20
  CLEAR_TRAP
  csrci sstatus, MSTATUS_SIE
  li a1, MIP_SSIP
  csrs mip, a1
  ARM_STRAP(1f)
  GOTO_MODE(PRV_U, 2f)
3: j fail
1: csrci sip, MIP_SSIP
  ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  CHECK_SEPC(3b)
  la a1, strap_frame
  lw a1, TF_STATUS(a1)
  andi a1, a1, MSTATUS_SPP
  CHECK(a1, 0)
  /* sie enables only what is delegated; STIP delegated too, SSI above STI */
  li TESTNUM, 21
  CLEAR_TRAP
  li a1, MIP_SSIP | MIP_STIP
  csrw mideleg, a1
  csrw mie, a1
  csrs mip, a1
  ARM_STRAP(1f)
  GOTO_MODE(PRV_U, 2f)
  j fail
1: ecall
2:
  CHECK_SCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero

  /* ---- vectored mtvec: interrupt n at base + 4n, exceptions at base ---- */
  li TESTNUM, 22
  CLEAR_TRAP
  la a1, mvec_table + 1
  csrw mtvec, a1
  li s7, -1
  li a1, MIP_SEIP
  csrw mie, a1
  csrs mip, a1
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK(s7, IRQ_S_EXT)
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_EXT)
  csrw mip, zero
  li TESTNUM, 23
  li s7, -1
  SET_MSIP(1)
  li a1, MIP_MSIP
  csrw mie, a1
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK(s7, IRQ_M_SOFT)
  SET_MSIP(0)
  csrw mie, zero
  TEST_TRAP(24, CAUSE_ECALL_M, li s7, -1; ecall)
  CHECK(s7, 0)
  la a1, trap_entry
  csrw mtvec, a1

  /* ---- vectored stvec for a delegated interrupt ---- */
  li TESTNUM, 25
  CLEAR_TRAP
  la a1, svec_table + 1
  csrw stvec, a1
  li s7, -1
  li a1, MIP_STIP
  csrw mideleg, a1
  csrw mie, a1
  csrs mip, a1
  ARM_STRAP(1f)
  GOTO_MODE(PRV_U, 2f)
  j fail
1: ecall
2:
  CHECK(s7, IRQ_S_TIMER)
  CHECK_SCAUSE(CAUSE_INTERRUPT | IRQ_S_TIMER)
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero
  la a1, strap_entry
  csrw stvec, a1

  j done

  /* Vector tables: entry n notes n in s7 and joins the common handler. */
  .option push
  .option norvc
  .balign 64
mvec_table:
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  j mvec_\n
  .endr
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
mvec_\n: li s7, \n
  j trap_entry
  .endr
  .balign 64
svec_table:
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  j svec_\n
  .endr
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
svec_\n: li s7, \n
  j strap_entry
  .endr
  .option pop

done:
TEST_END
