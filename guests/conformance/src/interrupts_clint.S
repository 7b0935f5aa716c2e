/*
 * interrupts_clint: the CLINT's timer and software interrupt (Privileged
 * spec 3.2.1, 3.1.9) and wfi (3.3.3). mtime's speed is not assumed: the
 * timer is armed a few ticks ahead of the current mtime and waited for with
 * wfi or a bounded spin. MTIP follows mtime >= mtimecmp and clears when
 * mtimecmp moves ahead; wfi resumes when an interrupt is pending and
 * enabled in mie even with mstatus.MIE = 0 (no trap is taken then).
 */
#include "test.h"

/* mtimecmp = mtime + ticks (hi word set to all ones first, then lo, then hi). */
#define ARM_TIMER(ticks)                                                \
        li t5, CLINT_MTIME_LO; lw t6, 0(t5); lw t4, 4(t5);              \
        addi t6, t6, ticks; sltiu t3, t6, ticks; add t4, t4, t3;        \
        li t5, CLINT_MTIMECMP_LO; li t3, -1; sw t3, 4(t5);              \
        sw t6, 0(t5); sw t4, 4(t5)
#define DISARM_TIMER                                                    \
        li t5, CLINT_MTIMECMP_LO; li t3, -1; sw t3, 4(t5); sw t3, 0(t5)
/* Spin (bounded) until mip & bit is nonzero; fail if it never is. */
#define SPIN_UNTIL_PENDING(bit)                                         \
        li t3, 1000000; 91: csrr t4, mip; andi t4, t4, bit; bnez t4, 90f; \
        addi t3, t3, -1; bnez t3, 91b; j fail; 90:
#define SET_MSIP(v) li t5, CLINT_MSIP; li t6, v; sw t6, 0(t5)

TEST_BEGIN
  DISARM_TIMER

  /* ---- registers ---- */
  TEST_CASE(2, a0, 0, csrr a0, mip; andi a0, a0, MIP_MTIP)       /* never fires */
  TEST_CASE(3, a0, 0xffffffff, li a1, CLINT_MTIMECMP_LO; lw a0, 0(a1); lw a2, 4(a1); CHECK(a2, 0xffffffff))
  TEST_CASE(4, a0, 1, li a1, CLINT_MTIME_LO; lw a2, 0(a1); li a3, 1000; 1: addi a3, a3, -1; bnez a3, 1b;
            lw a4, 0(a1); sltu a0, a2, a4)                            /* mtime moves */

  /* ---- MTIP rises once mtime reaches mtimecmp, and clears when re-armed ---- */
  TEST_CASE(5, a0, MIP_MTIP, ARM_TIMER(3); SPIN_UNTIL_PENDING(MIP_MTIP); csrr a0, mip; andi a0, a0, MIP_MTIP)
  TEST_CASE(6, a0, 0, DISARM_TIMER; csrr a0, mip; andi a0, a0, MIP_MTIP)
  /* mtimecmp in the past: pending at once */
  TEST_CASE(7, a0, MIP_MTIP, li a1, CLINT_MTIMECMP_LO; sw zero, 0(a1); sw zero, 4(a1); nop;
            csrr a0, mip; andi a0, a0, MIP_MTIP)
  DISARM_TIMER
  /* mtip is not writable through mip */
  TEST_CASE(8, a0, 0, li a1, MIP_MTIP | MIP_MSIP; csrs mip, a1; csrr a0, mip; andi a0, a0, MIP_MTIP | MIP_MSIP)

  /* ---- the timer interrupt is taken: mcause = 0x80000007 ---- */
  li TESTNUM, 9
  CLEAR_TRAP
  li a1, MIP_MTIP
  csrw mie, a1
  ARM_TIMER(3)
  ARM_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
  li a2, 1000000
1: addi a2, a2, -1
  bnez a2, 1b
  j fail
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_TIMER)
  DISARM_TIMER
  csrw mie, zero

  /* ---- wfi with MIE = 1 in M: the interrupt is taken after wfi (mepc = next) ---- */
  li TESTNUM, 10
  CLEAR_TRAP
  li a1, MIP_MTIP
  csrw mie, a1
  ARM_TIMER(5)
  ARM_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
1: wfi
  j 1b                                  /* a spurious wake-up waits again */
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_TIMER)
  DISARM_TIMER

  /* ---- wfi with MIE = 0 still wakes on a pending enabled interrupt; no trap ---- */
  li TESTNUM, 11
  CLEAR_TRAP
  ARM_TIMER(5)
  li a3, 100
1: wfi
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  bnez a0, 2f
  addi a3, a3, -1
  bnez a3, 1b
  j fail
2:
  CHECK_MCOUNT(0)
  DISARM_TIMER
  /* ...and wfi with the interrupt already pending returns at once */
  TEST_CASE(12, a0, 0, SET_MSIP(1); li a1, MIP_MSIP; csrw mie, a1; wfi; wfi;
            la a0, trap_frame; lw a0, TF_COUNT(a0))

  /* ---- msip: software interrupt, cause 3, cleared by writing 0 ---- */
  li TESTNUM, 13
  CLEAR_TRAP
  ARM_TRAP(1f)
  csrsi mstatus, MSTATUS_MIE
  j fail
1:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_SOFT)
  TEST_CASE(14, a0, 0, SET_MSIP(0); csrr a0, mip; andi a0, a0, MIP_MSIP)
  /* only bit 0 of msip is writable */
  TEST_CASE(15, a0, 0, li a1, CLINT_MSIP; li a2, 0xfffffffe; sw a2, 0(a1); lw a0, 0(a1))
  csrw mie, zero

  /* ---- the timer interrupt reaches U-mode code (M-level: taken with MIE = 0) ---- */
  li TESTNUM, 16
  CLEAR_TRAP
  li a1, MIP_MTIP
  csrw mie, a1
  ARM_TIMER(3)
  GOTO_MODE(PRV_U, 2f)
  li a2, 1000000
1: addi a2, a2, -1
  bnez a2, 1b
  j fail
2:
  CHECK_MCAUSE(CAUSE_INTERRUPT | IRQ_M_TIMER)
  DISARM_TIMER
  csrw mie, zero

TEST_END
