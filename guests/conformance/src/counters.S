/*
 * counters: Zicntr/Zihpm counters (Privileged spec 3.1.10-3.1.13, Unprivileged
 * chapter 10) as far as they can be checked without a particular speed:
 * mcycle/minstret[h] are writable, count up, and stop while inhibited by
 * mcountinhibit (CY = bit 0, IR = bit 2); cycle/instret are read-only
 * shadows; hpmcounter3-31 read zero; and the access rules from S and U:
 * S needs mcounteren bit n, U needs mcounteren and scounteren bit n.
 * (Exact counts and time: counters_exact.S, counters_time.S.)
 */
#include "test.h"

/* The counter CSR `csr` read from privilege p: legal (read into a0) or illegal. */
#define TEST_COUNTER_OK(n, p, csr)                                      \
        li TESTNUM, n; GOTO_MODE(p, 2f); csrr a0, csr; ecall; j fail;   \
        2: CHECK_MCAUSE(CAUSE_ECALL_U + (p))
#define TEST_COUNTER_ILLEGAL(n, p, csr)                                 \
        li TESTNUM, n; GOTO_MODE(p, 2f); csrr a0, csr; j fail;          \
        2: CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

TEST_BEGIN

  /* ---- inhibited counters hold still and take writes exactly ---- */
  li a1, 5
  csrw mcountinhibit, a1
  TEST_CASE(2, a0, 0, csrr a2, mcycle; nop; nop; nop; csrr a3, mcycle; sub a0, a3, a2)
  TEST_CASE(3, a0, 0, csrr a2, minstret; nop; nop; nop; csrr a3, minstret; sub a0, a3, a2)
  TEST_CASE(4, a0, 0x1234, li a1, 0x1234; csrw mcycle, a1; csrr a0, mcycle)
  TEST_CASE(5, a0, 0x5678, li a1, 0x5678; csrw minstret, a1; csrr a0, minstret)
  TEST_CASE(6, a0, 0xabc, li a1, 0xabc; csrw mcycleh, a1; csrr a0, mcycleh; csrr a2, mcycle; CHECK(a2, 0x1234))
  TEST_CASE(7, a0, 0xdef, li a1, 0xdef; csrw minstreth, a1; csrr a0, minstreth)
  /* the user shadows read the same */
  TEST_CASE(8, a0, 0x1234, csrr a0, cycle)
  TEST_CASE(9, a0, 0xabc, csrr a0, cycleh)
  TEST_CASE(10, a0, 0x5678, csrr a0, instret)
  TEST_CASE(11, a0, 0xdef, csrr a0, instreth)
  TEST_CASE(12, a0, 5, csrr a0, mcountinhibit)

  /* ---- running counters go up (by less than 2^20 over a few instructions) ---- */
  csrw mcountinhibit, zero
  TEST_CASE(13, a0, 1, csrw minstret, zero; csrw minstreth, zero; nop; nop; csrr a2, minstret;
            nop; nop; nop; nop; csrr a3, minstret; sub a4, a3, a2; sltu a0, zero, a4;
            li a5, 1 << 20; sltu a4, a4, a5; CHECK(a4, 1))
  TEST_CASE(14, a0, 1, csrr a2, mcycle; nop; nop; nop; nop; csrr a3, mcycle; sub a4, a3, a2;
            sltu a0, zero, a4)
  /* a written high half sticks while the low half counts on */
  TEST_CASE(15, a0, 0x77, csrw mcycle, zero; li a1, 0x77; csrw mcycleh, a1; nop; csrr a0, mcycleh)
  TEST_CASE(16, a0, 0x66, csrw minstret, zero; li a1, 0x66; csrw minstreth, a1; nop; csrr a0, minstreth)

  /* ---- the unprivileged counters are read-only, even in M-mode ---- */
  TEST_TRAP(17, CAUSE_ILLEGAL_INSTRUCTION, csrw cycle, zero)
  TEST_TRAP(18, CAUSE_ILLEGAL_INSTRUCTION, csrw instreth, zero)

  /* ---- hpmcounter3-31 read zero (no events implemented) ---- */
  TEST_CASE(19, a0, 0, li a0, -1; csrr a0, hpmcounter3)
  TEST_CASE(20, a0, 0, li a0, -1; csrr a0, hpmcounter31)
  TEST_CASE(21, a0, 0, li a0, -1; csrr a0, hpmcounter17h)
  TEST_CASE(22, a0, 0, li a0, -1; csrr a0, mhpmcounter3)
  TEST_CASE(23, a0, 0, li a0, -1; csrr a0, mhpmcounter31h)

  /* ---- access from S and U (3.1.11, 4.1.5) ---- */
  csrw mcounteren, zero
  csrw scounteren, zero
  TEST_COUNTER_ILLEGAL(24, PRV_S, cycle)
  TEST_COUNTER_ILLEGAL(25, PRV_S, instret)
  TEST_COUNTER_ILLEGAL(26, PRV_S, hpmcounter3)
  TEST_COUNTER_ILLEGAL(27, PRV_U, cycle)
  TEST_COUNTER_ILLEGAL(28, PRV_S, cycleh)
  /* mcounteren.CY lets S read cycle[h], but not instret; U still needs scounteren */
  csrwi mcounteren, 1
  TEST_COUNTER_OK(29, PRV_S, cycle)
  TEST_COUNTER_OK(30, PRV_S, cycleh)
  TEST_COUNTER_ILLEGAL(31, PRV_S, instret)
  TEST_COUNTER_ILLEGAL(32, PRV_U, cycle)
  /* scounteren.CY without mcounteren.CY is not enough for U */
  csrwi mcounteren, 0
  csrwi scounteren, 1
  TEST_COUNTER_ILLEGAL(33, PRV_U, cycle)
  TEST_COUNTER_ILLEGAL(34, PRV_S, cycle)        /* scounteren does not affect S */
  /* both: U may read */
  csrwi mcounteren, 1
  TEST_COUNTER_OK(35, PRV_U, cycle)
  TEST_COUNTER_ILLEGAL(36, PRV_U, instret)
  /* IR (bit 2) and HPM3 (bit 3) */
  csrwi mcounteren, 0xd
  csrwi scounteren, 0x4
  TEST_COUNTER_OK(37, PRV_S, instret)
  TEST_COUNTER_OK(38, PRV_S, instreth)
  TEST_COUNTER_OK(39, PRV_U, instret)
  TEST_COUNTER_OK(40, PRV_S, hpmcounter3)
  CHECK(a0, 0)
  TEST_COUNTER_ILLEGAL(41, PRV_U, hpmcounter3)
  TEST_COUNTER_ILLEGAL(42, PRV_S, hpmcounter4)
  /* mcounteren and scounteren hold all 32 bits (WARL, all writable here) */
  TEST_CASE(43, a0, 0xffffffff, li a1, -1; csrw mcounteren, a1; csrr a0, mcounteren)
  TEST_CASE(44, a0, 0xffffffff, li a1, -1; csrw scounteren, a1; csrr a0, scounteren)
  /* the counter-enable registers never grant access to the machine counters */
  TEST_COUNTER_ILLEGAL(45, PRV_S, mcycle)
  TEST_COUNTER_ILLEGAL(46, PRV_U, minstret)

TEST_END
