/*
 * priv_rules: the mstatus trap-virtualisation bits and wfi (Privileged spec
 * 3.1.6.5, 3.3.3, 4.2.1): wfi is legal in M and S, illegal in U; with
 * TW = 1 it is illegal in S (Retrovisor raises it at once, no time limit);
 * TSR = 1 makes sret illegal in S (still legal in M); TVM = 1 makes satp
 * accesses and sfence.vma illegal in S (still legal in M). mtval holds the
 * instruction bits.
 */
#include "test.h"

#define WFI_BITS   0x10500073
#define SRET_BITS  0x10200073
#define SFENCE_BITS 0x12000073

/* Case n: in privilege p, `code` must raise illegal instruction. */
#define TEST_ILLEGAL_IN(n, p, bits, code...)                            \
        li TESTNUM, n; CLEAR_TRAP; GOTO_MODE(p, 2f); code; j fail;      \
        2: CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION); CHECK_MTVAL(bits)
/* Case n: in privilege p, `code` runs without a trap. */
#define TEST_LEGAL_IN(n, p, code...)                                    \
        li TESTNUM, n; CLEAR_TRAP; GOTO_MODE(p, 2f); code; ecall; j fail; \
        2: CHECK_MCAUSE(CAUSE_ECALL_U + (p))

TEST_BEGIN
  /* wfi must find something pending to return: MSIP pending and enabled (MIE = 0: no trap) */
  li a1, CLINT_MSIP
  li a2, 1
  sw a2, 0(a1)
  li a1, MIP_MSIP
  csrw mie, a1

  /* ---- wfi ---- */
  TEST_CASE(2, a0, 0, CLEAR_TRAP; wfi; la a0, trap_frame; lw a0, TF_COUNT(a0))  /* M: legal */
  /* (in S/U the pending MSI would be taken at once, so use SSIP masked off instead) */
  li a1, CLINT_MSIP
  sw zero, 0(a1)
  li a1, MIP_SSIP
  csrw mie, a1
  li a1, MIP_SSIP
  csrw mideleg, a1                      /* delegated: not taken in S while SIE = 0 */
  csrs mip, a1
  TEST_LEGAL_IN(3, PRV_S, wfi)
  csrw mip, zero                        /* in U a delegated SSI would be taken: clear it */
  TEST_ILLEGAL_IN(4, PRV_U, WFI_BITS, wfi)
  li a1, MSTATUS_TW
  csrs mstatus, a1
  TEST_ILLEGAL_IN(5, PRV_S, WFI_BITS, wfi)
  TEST_ILLEGAL_IN(6, PRV_U, WFI_BITS, wfi)
  li a1, MIP_SSIP                       /* something to wake wfi in M */
  csrs mip, a1
  TEST_CASE(7, a0, 0, CLEAR_TRAP; wfi; la a0, trap_frame; lw a0, TF_COUNT(a0))  /* TW does not affect M */
  li a1, MSTATUS_TW
  csrc mstatus, a1
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero

  /* ---- TSR: sret illegal in S ---- */
  li a1, MSTATUS_TSR
  csrs mstatus, a1
  TEST_ILLEGAL_IN(8, PRV_S, SRET_BITS, sret)
  /* M may still use sret (to S here) */
  li TESTNUM, 9
  CLEAR_TRAP
  ARM_TRAP(2f)
  li a1, MSTATUS_SPP
  csrs mstatus, a1
  la a1, 1f
  csrw sepc, a1
  sret
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  li a1, MSTATUS_TSR
  csrc mstatus, a1
  /* without TSR, sret in S works */
  TEST_LEGAL_IN(10, PRV_S, li a1, MSTATUS_SPP; csrs sstatus, a1; la a1, 1f; csrw sepc, a1; sret; 1:)

  /* ---- TVM: satp and sfence.vma illegal in S ---- */
  li a1, MSTATUS_TVM
  csrs mstatus, a1
  TEST_ILLEGAL_IN(11, PRV_S, 0x18002573, csrr a0, satp)
  TEST_ILLEGAL_IN(12, PRV_S, 0x18059073, csrw satp, a1)
  TEST_ILLEGAL_IN(13, PRV_S, SFENCE_BITS, sfence.vma)
  TEST_ILLEGAL_IN(14, PRV_S, 0x12b50073, sfence.vma a0, a1)
  TEST_CASE(15, a0, 0, csrr a0, satp; sfence.vma)     /* M is not affected */
  li a1, MSTATUS_TVM
  csrc mstatus, a1
  TEST_LEGAL_IN(16, PRV_S, csrr a0, satp; csrw satp, zero; sfence.vma)
  /* sfence.vma is illegal in U whatever TVM says */
  TEST_ILLEGAL_IN(17, PRV_U, SFENCE_BITS, sfence.vma)

TEST_END
