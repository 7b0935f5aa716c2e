/*
 * zicsr_ro_zero: csrrs/csrrc with rs1 != x0 are writes even when rs1 holds
 * zero (Unprivileged spec 9.1: "if rs1 = x0 ... will not write"; any other
 * rs1 "will attempt to write"), so on a read-only CSR they are illegal
 * (Privileged spec 2.1).
 */
#include "test.h"

TEST_BEGIN

  TEST_TRAP(2, CAUSE_ILLEGAL_INSTRUCTION, li a1, 0; csrrs a0, mvendorid, a1)
  TEST_TRAP(3, CAUSE_ILLEGAL_INSTRUCTION, li a1, 0; csrrc a0, mhartid, a1)
  TEST_TRAP(4, CAUSE_ILLEGAL_INSTRUCTION, li a1, 0; csrrs x0, cycle, a1)

TEST_END
