/*
 * interrupts_priority: with several interrupts pending and enabled, M-mode
 * takes them in the order of Privileged spec 3.1.9: MEI > MSI > MTI > SEI >
 * SSI > STI (here MSI, SEI, SSI, STI, which software can raise without
 * devices), one at a time as each source is cleared; a pending interrupt
 * that is not enabled in mie does not compete.
 */
#include "test.h"

#define SET_MSIP(v) li t5, CLINT_MSIP; li t6, v; sw t6, 0(t5)
/* Let a pending, enabled interrupt be taken: MIE on, a few nops, MIE off. */
#define OPEN_WINDOW csrsi mstatus, MSTATUS_MIE; nop; nop; nop; nop; csrci mstatus, MSTATUS_MIE

TEST_BEGIN

  li a1, CLINT_MTIMECMP_HI               /* mtimecmp = never (QEMU resets it to 0) */
  li a2, -1
  sw a2, 0(a1)
  sw a2, -4(a1)

  /* ---- priority among pending interrupts: MSI > SEI > SSI > STI ---- */
  li TESTNUM, 5
  CLEAR_TRAP
  li a1, MIP_MSIP | MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mie, a1
  li a1, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrs mip, a1
  SET_MSIP(1)
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_SOFT)
  SET_MSIP(0)
  li TESTNUM, 6
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_EXT)
  li a1, MIP_SEIP
  csrc mip, a1
  li TESTNUM, 7
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  li a1, MIP_SSIP
  csrc mip, a1
  li TESTNUM, 8
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_TIMER)
  li a1, MIP_STIP
  csrc mip, a1
  TEST_CASE(9, a0, 4, la a0, trap_frame; lw a0, TF_COUNT(a0))
  /* only enabled ones compete: with SEIE off, SSI wins over a pending SEI */
  li TESTNUM, 10
  li a1, MIP_SSIP | MIP_SEIP
  csrs mip, a1
  csrw mie, a1
  li a1, MIP_SEIP
  csrc mie, a1
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrw mip, zero
  csrw mie, zero
  /* MTI is above SEI: arm the timer in the past */
  li TESTNUM, 11
  CLEAR_TRAP
  li a1, CLINT_MTIMECMP_HI
  sw zero, -4(a1)
  sw zero, 0(a1)
  li a1, MIP_MTIP | MIP_SEIP
  csrw mie, a1
  li a1, MIP_SEIP
  csrs mip, a1
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_TIMER)
  li a1, CLINT_MTIMECMP_HI
  li a2, -1
  sw a2, 0(a1)
  sw a2, -4(a1)
  li TESTNUM, 12
  ARM_TRAP(1f)
  OPEN_WINDOW
  j fail
1: CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_S_EXT)
  csrw mip, zero
  csrw mie, zero

TEST_END
