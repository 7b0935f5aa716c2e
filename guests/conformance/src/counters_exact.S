/*
 * counters_exact: Retrovisor's counters are exact and deterministic:
 * minstret counts retired instructions (a trapping instruction does not
 * retire), mcycle counts one per instruction step, and a value written to
 * either is what the next instruction reads (the writing instruction does
 * not count on top of it: Privileged spec 3.1.10). mcountinhibit bit 1
 * (TM) is read-only zero (there is no mtime inhibit); mhpmevent3-31 and
 * mhpmcounter3-31 are read-only zero (writes ignored).
 */
#include "test.h"

TEST_BEGIN
  csrw mcountinhibit, zero

  /* a write is seen exactly by the next instruction */
  TEST_CASE(2, a0, 0x1000, li a1, 0x1000; csrw minstret, a1; csrr a0, minstret)
  TEST_CASE(3, a0, 0x2000, li a1, 0x2000; csrw mcycle, a1; csrr a0, mcycle)
  /* csrr; 4 x nop; csrr: 5 instructions retire between the two reads */
  TEST_CASE(4, a0, 5, csrr a2, minstret; nop; nop; nop; nop; csrr a3, minstret; sub a0, a3, a2)
  TEST_CASE(5, a0, 5, csrr a2, mcycle; nop; nop; nop; nop; csrr a3, mcycle; sub a0, a3, a2)
  /* the low half carries into the high half */
  TEST_CASE(6, a0, 1, li a1, -2; csrw minstreth, zero; csrw minstret, a1; nop; nop; csrr a0, minstreth;
            csrr a2, minstret; CHECK(a2, 1))
  /* inhibiting freezes the value at the csrw that sets the bit */
  TEST_CASE(7, a0, 0, li a1, 4; csrw mcountinhibit, a1; csrr a2, minstret; nop; nop; csrr a3, minstret;
            sub a0, a3, a2; csrw mcountinhibit, zero)
  /* an instruction that traps does not retire (ecall: trap, then the handler's own instructions) */
  TEST_CASE(8, a0, 0, csrr s0, minstret; csrr s1, mcycle; ARM_TRAP(1f); ecall; 1: csrr a2, minstret;
            csrr a3, mcycle; sub a2, a2, s0; sub a3, a3, s1; sub a4, a3, a2; addi a0, a4, -1)

  /* mcountinhibit: CY and IR (and HPM bits) writable, TM (bit 1) read-only zero */
  TEST_CASE(9, a0, 0xfffffffd, li a1, -1; csrw mcountinhibit, a1; csrr a0, mcountinhibit; csrw mcountinhibit, zero)

  /* the machine HPM registers ignore writes */
  TEST_CASE(10, a0, 0, li a1, 7; csrw mhpmevent3, a1; csrr a0, mhpmevent3)
  TEST_CASE(11, a0, 0, li a1, 7; csrw mhpmcounter3, a1; csrr a0, mhpmcounter3)
  TEST_CASE(12, a0, 0, li a1, 7; csrw mhpmcounter31h, a1; csrr a0, mhpmcounter31h)

TEST_END
