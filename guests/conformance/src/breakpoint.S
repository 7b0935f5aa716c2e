/*
 * breakpoint: ebreak and c.ebreak raise breakpoint (cause 3) with mepc = the
 * instruction and, as Retrovisor documents, mtval = its address (Privileged
 * spec 3.1.16 lets mtval hold the faulting virtual address for breakpoints;
 * a debugger-friendly choice). Also from S- and U-mode.
 */
#include "test.h"

TEST_BEGIN

  TEST_TRAP(2, CAUSE_BREAKPOINT, .option push; .option norvc; 1: ebreak; .option pop)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(1b)

  TEST_TRAP(3, CAUSE_BREAKPOINT, .option push; .option rvc; 1: c.ebreak; .option pop)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(1b)

  li TESTNUM, 4
  CLEAR_TRAP
  GOTO_MODE(PRV_U, 2f)
1: ebreak
  j fail
2:
  CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(1b)

  li TESTNUM, 5
  CLEAR_TRAP
  GOTO_MODE(PRV_S, 2f)
1: c.ebreak
  j fail
2:
  CHECK_MCAUSE(CAUSE_BREAKPOINT)
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(1b)

TEST_END
