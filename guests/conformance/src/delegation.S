/*
 * delegation: exceptions delegated with medeleg are taken in S-mode
 * (Privileged spec 3.1.8, 4.1.1): scause/sepc/stval are written, mcause and
 * mepc are not; sstatus.SPP = the previous privilege, SPIE = the old SIE,
 * SIE = 0. A trap raised in M-mode is never delegated, and an undelegated
 * one from U/S goes to M. sret (3.3.2) returns to SPP with SIE = SPIE,
 * SPIE = 1, SPP = U.
 */
#include "test.h"

#define SSTATUS_STACK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)

/* Fail unless (the record's status & mask) == expect. */
#define CHECK_STATUS(frame, mask, expect)                               \
        la t5, frame; lw t5, TF_STATUS(t5); li t6, mask; and t5, t5, t6; CHECK(t5, expect)

TEST_BEGIN

  /* ---- ecall from U delegated to S ---- */
  li TESTNUM, 2
  li a1, 1 << CAUSE_ECALL_U
  csrw medeleg, a1
  CLEAR_TRAP
  li a1, 0x5555
  csrw mcause, a1
  csrsi sstatus, MSTATUS_SIE            /* SIE = 1 going in (sie = 0: nothing fires) */
  ARM_STRAP(1f)
  GOTO_MODE(PRV_U, 2f)
3: ecall                                /* U -> S */
  j fail
1: ecall                                /* S -> M (not delegated) */
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_MEPC(1b)
  CHECK_MCOUNT(1)
  CHECK_SCAUSE(CAUSE_ECALL_U)
  CHECK_SEPC(3b)
  CHECK_STVAL(0)
  CHECK_SCOUNT(1)
  CHECK_STATUS(strap_frame, SSTATUS_STACK, MSTATUS_SPIE)   /* SPP = U, SPIE = 1, SIE = 0 */

  /* ---- illegal instruction from S delegated to S: SPP = S, stval = bits ---- */
  li TESTNUM, 3
  li a1, (1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_ECALL_U)
  csrw medeleg, a1
  CLEAR_TRAP
  csrci sstatus, MSTATUS_SIE
  ARM_STRAP(1f)
  GOTO_MODE(PRV_S, 2f)
3: csrr a0, mstatus                     /* illegal in S */
  j fail
1: ecall
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_SEPC(3b)
  CHECK_STVAL(0x30002573)               /* csrr a0, mstatus */
  CHECK_STATUS(strap_frame, SSTATUS_STACK, MSTATUS_SPP)

  /* ---- the same exception in M-mode is not delegated ---- */
  TEST_TRAP(4, CAUSE_ILLEGAL_INSTRUCTION, CLEAR_TRAP; csrr a0, 0x7b0)
  CHECK_SCOUNT(0)

  /* ---- an undelegated exception from U goes to M ---- */
  li TESTNUM, 5
  csrw medeleg, zero
  CLEAR_TRAP
  GOTO_MODE(PRV_U, 2f)
1: csrr a0, sstatus
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_MEPC(1b)
  CHECK_SCOUNT(0)

  /* ---- delegating to S does not change mstatus.MPP/MPIE ---- */
  li TESTNUM, 6
  li a1, 1 << CAUSE_ECALL_U
  csrw medeleg, a1
  CLEAR_TRAP
  ARM_STRAP(1f)
  GOTO_MODE(PRV_U, 2f)
  ecall
  j fail
1:
  csrr a0, sstatus                      /* S can read it; M fields are invisible */
  ecall
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  li a1, MSTATUS_MPP
  and a0, a0, a1
  CHECK(a0, 0)

  /* ---- sret: to U with SIE = SPIE, SPIE = 1, SPP = U ---- */
  li TESTNUM, 7
  csrw medeleg, zero
  CLEAR_TRAP
  GOTO_MODE(PRV_S, 2f)
  li a1, MSTATUS_SPP | MSTATUS_SIE
  csrc sstatus, a1                      /* SPP = U, SIE = 0 */
  li a1, MSTATUS_SPIE
  csrs sstatus, a1                      /* SPIE = 1 */
  la a1, 1f
  csrw sepc, a1
  sret
1: ecall                                /* from U: mcause 8 proves the privilege */
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK_MEPC(1b)
  CHECK_STATUS(trap_frame, SSTATUS_STACK, MSTATUS_SIE | MSTATUS_SPIE)

  /* ---- sret to S (SPP = 1), SIE = SPIE = 0 case, and SPP reset to U ---- */
  li TESTNUM, 8
  CLEAR_TRAP
  GOTO_MODE(PRV_S, 2f)
  li a1, MSTATUS_SPIE | MSTATUS_SIE
  csrc sstatus, a1
  li a1, MSTATUS_SPP
  csrs sstatus, a1
  la a1, 1f
  csrw sepc, a1
  sret
1: csrr a0, sstatus                     /* still S: legal */
  ecall
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  li a1, SSTATUS_STACK
  and a0, a0, a1
  CHECK(a0, MSTATUS_SPIE)               /* SIE = 0, SPIE = 1, SPP = U */

  /* ---- stvec is used for delegated traps: a second vector works ---- */
  li TESTNUM, 9
  li a1, 1 << CAUSE_ECALL_U
  csrw medeleg, a1
  CLEAR_TRAP
  la a1, other_stvec
  csrw stvec, a1
  GOTO_MODE(PRV_U, 2f)
  ecall
  j fail
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)           /* from other_stvec's ecall */
  CHECK(s5, 0xabc)
  la a1, strap_entry
  csrw stvec, a1
  csrw medeleg, zero

  j done

  .balign 4
other_stvec:                            /* S-mode: mark, then back to M (armed above) */
  li s5, 0xabc
  ecall

done:
TEST_END
