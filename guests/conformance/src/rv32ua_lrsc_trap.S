/*
 * rv32ua_lrsc_trap: Retrovisor clears the LR reservation on every trap and
 * on every mret/sret. (Privileged spec 3.3.2 allows but does not require
 * xRET to clear it; we always do, so a context switch can never let a stale
 * reservation succeed.) Each case makes a reservation, crosses a trap or an
 * xRET, and checks that sc.w then fails without writing.
 */
#include "test.h"

TEST_BEGIN

  /* control: with nothing in between, the sc succeeds */
  TEST_CASE(2, a3, 0, la a1, w0; lr.w a4, (a1); li a2, 1; sc.w a3, a2, (a1))

  /* mret on its own (M to M) */
  TEST_CASE(3, a3, 1, la a1, w0; lr.w a4, (a1); ENTER_MODE(PRV_M); li a2, 3; sc.w a3, a2, (a1);
            lw a4, 0(a1); CHECK(a4, 1))

  /* a trap (ecall from M; the handler's mret also crosses) */
  TEST_CASE(4, a3, 1, la a1, w0; lr.w a4, (a1); ARM_TRAP(1f); ecall; j fail;
            1: li a2, 4; sc.w a3, a2, (a1); lw a4, 0(a1); CHECK(a4, 1))

  /* sret from S-mode to S-mode */
  li TESTNUM, 5
  GOTO_MODE(PRV_S, 2f)
  la a1, w0
  lr.w a4, (a1)
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  li a2, 5
  sc.w a3, a2, (a1)
  ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a3, 1)
  lw a4, 0(a1)
  CHECK(a4, 1)

  /* reserve in U-mode, trap to M (ecall), sc in M fails */
  li TESTNUM, 6
  GOTO_MODE(PRV_U, 3f)
  la a1, w0
  lr.w a4, (a1)
  ecall
3:
  CHECK_MCAUSE(CAUSE_ECALL_U)
  li a2, 6
  sc.w a3, a2, (a1)
  CHECK(a3, 1)

TEST_END

  .data
  .balign 8
w0: .word 0
