/*
 * mprv_xret: an xRET that leaves M-mode clears mstatus.MPRV (Privileged
 * spec 1.12, 3.1.6.3: "If y != M, x RET also sets MPRV = 0"); mret back to
 * M keeps it. MPRV only changes data accesses, which these cases avoid
 * while it is set (MPP = M is used whenever the code must touch memory).
 */
#include "test.h"

/* MPRV = 1 with MPP = M: harmless for this M-mode code. */
#define SET_MPRV li a1, MSTATUS_MPRV | MSTATUS_MPP; csrs mstatus, a1
#define MPRV_OF(reg) csrr reg, mstatus; li a1, MSTATUS_MPRV; and reg, reg, a1

TEST_BEGIN

  /* mret to M keeps MPRV */
  TEST_CASE(2, a0, MSTATUS_MPRV, SET_MPRV; la a1, 1f; csrw mepc, a1; mret; 1: MPRV_OF(a0))
  li a1, MSTATUS_MPRV
  csrc mstatus, a1

  /* mret to U clears it (checked back in M after an ecall) */
  li TESTNUM, 3
  ARM_TRAP(2f)                          /* armed while MPRV = 0 */
  SET_MPRV
  li a1, MSTATUS_MPP | MSTATUS_MPIE
  csrc mstatus, a1                      /* MPP = U (MPRV now translates as U: no memory access) */
  la a1, 1f
  csrw mepc, a1
  mret
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_U)
  MPRV_OF(a0)
  CHECK(a0, 0)

  /* mret to S clears it */
  li TESTNUM, 4
  ARM_TRAP(2f)
  SET_MPRV
  li a1, MSTATUS_MPP
  csrc mstatus, a1
  li a1, MSTATUS_MPP_S
  csrs mstatus, a1
  la a1, 1f
  csrw mepc, a1
  mret
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  MPRV_OF(a0)
  CHECK(a0, 0)

  /* sret (from M, to S) clears it too */
  li TESTNUM, 5
  ARM_TRAP(2f)
  SET_MPRV
  li a1, MSTATUS_SPP
  csrs mstatus, a1
  la a1, 1f
  csrw sepc, a1
  sret
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  MPRV_OF(a0)
  CHECK(a0, 0)

TEST_END
