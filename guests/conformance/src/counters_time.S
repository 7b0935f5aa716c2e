/*
 * counters_time: the time/timeh CSRs (Unprivileged chapter 10, Privileged
 * 3.1.11) read the CLINT's mtime. Checked against two reads of mtime over
 * the bus around the CSR read, and the access rule: S needs mcounteren.TM
 * (bit 1), U needs mcounteren.TM and scounteren.TM. time is read-only.
 */
#include "test.h"

#define TEST_TIME_OK(n, p)                                              \
        li TESTNUM, n; GOTO_MODE(p, 2f); csrr a0, time; ecall; j fail;  \
        2: CHECK_MCAUSE(CAUSE_ECALL_U + (p))
#define TEST_TIME_ILLEGAL(n, p)                                         \
        li TESTNUM, n; GOTO_MODE(p, 2f); csrr a0, time; j fail;         \
        2: CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

TEST_BEGIN

  /* mtime_before <= time <= mtime_after (low words; mtime is small this early) */
  li TESTNUM, 2
  li s0, CLINT_MTIME_LO
  lw a2, 0(s0)
  csrr a0, time
  lw a3, 0(s0)
  bltu a0, a2, fail
  bltu a3, a0, fail
  TEST_CASE(3, a0, 0, csrr a0, timeh; lw a1, 4(s0); sub a0, a0, a1)
  /* time moves forward over a long enough loop */
  TEST_CASE(4, a0, 1, csrr a2, time; li a1, 2000; 1: addi a1, a1, -1; bnez a1, 1b; csrr a3, time;
            sltu a0, a2, a3)
  TEST_TRAP(5, CAUSE_ILLEGAL_INSTRUCTION, csrw time, zero)

  /* access rules */
  csrw mcounteren, zero
  csrw scounteren, zero
  TEST_TIME_ILLEGAL(6, PRV_S)
  TEST_TIME_ILLEGAL(7, PRV_U)
  csrwi mcounteren, 2
  TEST_TIME_OK(8, PRV_S)
  TEST_TIME_ILLEGAL(9, PRV_U)
  csrwi scounteren, 2
  TEST_TIME_OK(10, PRV_U)
  csrwi mcounteren, 0
  TEST_TIME_ILLEGAL(11, PRV_U)

TEST_END
