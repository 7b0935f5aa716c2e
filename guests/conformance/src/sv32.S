/*
 * sv32: Sv32 address translation (Privileged spec 4.3, 4.1.11, 3.1.6.3):
 * satp MODE/PPN read-back; 4 KiB pages through a two-level walk and 4 MiB
 * megapages; a misaligned megapage (PPN[0] != 0) faults; fetch, load and
 * store page faults (causes 12, 13, 15, mtval = the virtual address) for
 * V = 0, W without R (reserved), missing R/W/X; the U bit for U-mode and
 * S-mode, SUM and MXR; MPRV with MPP = S/U for M-mode loads and stores; A
 * and D set by hardware (Retrovisor's choice; no fault); sfence.vma making
 * a changed PTE visible; a page fault delegated to S.
 *
 * Map: VA 0x80000000-0x803fffff is an identity megapage (RWX, not U) for
 * the program itself; VA 0x40000000 + slot * 4 KiB are test pages (below);
 * VA 0x40400000 is a megapage onto PA 0x80000000; VA 0x40800000 is a
 * misaligned megapage.
 */
#include "test.h"

#define VA_SLOTS     0x40000000
#define SLOT(i)      (VA_SLOTS + (i) * 0x1000)
#define VA_MEGA      0x40400000
#define VA_BADMEGA   0x40800000
#define RWX_AD       (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* table[index] = leaf or pointer PTE for the physical address of `label`. */
#define SET_PTE(table, index, label, flags)                             \
        la t0, label; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, flags; \
        la t1, table; li t2, (index) * 4; add t1, t1, t2; sw t0, 0(t1)
/* Fail unless PTE table[index] & mask == expect. */
#define CHECK_PTE(table, index, mask, expect)                           \
        la t0, table; lw t0, ((index) * 4)(t0); andi t0, t0, mask; CHECK(t0, expect)

/* Case n: in S-mode, `code` must page-fault with cause and mtval = va. */
#define TEST_S_FAULT(n, cause, va, code...)                             \
        li TESTNUM, n; CLEAR_TRAP; GOTO_MODE(PRV_S, 2f); li a0, va; code; j fail; \
        2: CHECK_MCAUSE(cause); CHECK_MTVAL(va)
/* Case n: in S-mode, `code` runs without a trap (a1 kept for checks). */
#define TEST_S_OK(n, code...)                                           \
        li TESTNUM, n; CLEAR_TRAP; GOTO_MODE(PRV_S, 2f); code; ecall; j fail; \
        2: CHECK_MCAUSE(CAUSE_ECALL_S)
/* U-mode: jump to U code at a mapped VA (the U routines end in ecall). */
#define RUN_U(n, routine, va_arg)                                       \
        li TESTNUM, n; CLEAR_TRAP; ARM_TRAP(2f);                        \
        li t5, MSTATUS_MPP; csrc mstatus, t5;                           \
        la t5, routine; la t6, ucode; sub t5, t5, t6;                   \
        li t6, SLOT(9); add t5, t5, t6; csrw mepc, t5;                  \
        li a0, va_arg; mret; 2:

TEST_BEGIN

  /* ---- satp read-back; bare mode first ---- */
  TEST_CASE(2, a0, 0, csrr a0, satp)
  TEST_CASE(3, a0, 0x80012345, li a1, 0x80012345; csrw satp, a1; csrr a0, satp; csrw satp, zero)

  /* ---- build the tables ---- */
  SET_PTE(root, 0x200, _start, RWX_AD)                  /* identity megapage (_start = 0x80000000) */
  SET_PTE(root, 0x100, l0, PTE_V)                       /* VA 0x40000000: next level */
  SET_PTE(root, 0x101, _start, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)  /* VA_MEGA -> PA 0x80000000 */
  SET_PTE(root, 0x102, page_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)  /* PPN[0] != 0: misaligned */
  SET_PTE(l0, 0, page_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)        /* S read/write */
  SET_PTE(l0, 1, page_a, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)        /* V = 0 */
  SET_PTE(l0, 2, page_a, PTE_V | PTE_R | PTE_A)                        /* read-only */
  SET_PTE(l0, 3, page_a, PTE_V | PTE_W | PTE_A | PTE_D)                /* W without R: reserved */
  SET_PTE(l0, 4, page_a, PTE_V | PTE_X | PTE_A)                        /* execute-only */
  SET_PTE(l0, 5, page_a, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D) /* user data */
  SET_PTE(l0, 6, scode, PTE_V | PTE_R | PTE_X | PTE_A)                 /* S code */
  SET_PTE(l0, 7, page_a, PTE_V | PTE_R | PTE_W)                        /* A = D = 0 */
  SET_PTE(l0, 8, page_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)        /* remapped later */
  SET_PTE(l0, 9, ucode, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)         /* U code */
  SET_PTE(l0, 10, scode, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)        /* U code, for S fetch */
  la t0, root
  srli t0, t0, 12
  li t1, SATP_MODE_SV32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  TEST_CASE(4, a0, 0, csrr a0, satp; la a1, root; srli a1, a1, 12; li a2, SATP_MODE_SV32; or a1, a1, a2;
            sub a0, a0, a1)
  /* M-mode ignores satp: still physical */
  TEST_CASE(5, a0, 0x11111111, la a1, page_a; lw a0, 0(a1))

  /* ---- translation in S-mode ---- */
  TEST_S_OK(6, li a2, SLOT(0); lw a1, 0(a2))
  CHECK(a1, 0x11111111)
  TEST_S_OK(7, li a2, SLOT(0); li a3, 0x5a5a5a5a; sw a3, 8(a2); lw a1, 8(a2))
  CHECK(a1, 0x5a5a5a5a)
  TEST_CASE(8, a0, 0x5a5a5a5a, la a1, page_a; lw a0, 8(a1))        /* it reached page_a */
  /* megapage: VA_MEGA + x -> PA 0x80000000 + x */
  TEST_S_OK(9, la a2, page_b; li a3, VA_MEGA - 0x80000000; add a2, a2, a3; lw a1, 0(a2))
  CHECK(a1, 0x22222222)
  /* S code on a 4 KiB page: fetch via slot 6 */
  TEST_S_OK(10, li a2, SLOT(6); jalr a2)
  CHECK(a1, 0x600d)

  /* ---- page faults ---- */
  TEST_S_FAULT(11, CAUSE_LOAD_PAGE_FAULT,  SLOT(1), lw a1, 0(a0))   /* V = 0 */
  TEST_S_FAULT(12, CAUSE_STORE_PAGE_FAULT, SLOT(1), sw a1, 0(a0))
  TEST_S_FAULT(13, CAUSE_FETCH_PAGE_FAULT, SLOT(1), jalr a0)
  CHECK_FIELD(trap_frame, TF_EPC, SLOT(1))
  TEST_S_FAULT(14, CAUSE_STORE_PAGE_FAULT, SLOT(2), sw a1, 0(a0))   /* read-only */
  TEST_S_FAULT(15, CAUSE_STORE_PAGE_FAULT, SLOT(2), amoadd.w a1, a1, (a0))
  TEST_S_FAULT(16, CAUSE_LOAD_PAGE_FAULT,  SLOT(3), lw a1, 0(a0))   /* W without R */
  TEST_S_FAULT(17, CAUSE_STORE_PAGE_FAULT, SLOT(3), sw a1, 0(a0))
  TEST_S_FAULT(18, CAUSE_LOAD_PAGE_FAULT,  SLOT(4), lw a1, 0(a0))   /* execute-only, MXR = 0 */
  TEST_S_FAULT(19, CAUSE_FETCH_PAGE_FAULT, SLOT(0), jalr a0)        /* no X */
  TEST_S_FAULT(20, CAUSE_LOAD_PAGE_FAULT,  VA_BADMEGA, lw a1, 0(a0)) /* misaligned megapage */
  TEST_S_FAULT(21, CAUSE_LOAD_PAGE_FAULT,  0x00400000, lw a1, 0(a0)) /* root entry V = 0 */
  TEST_S_FAULT(22, CAUSE_LOAD_PAGE_FAULT,  SLOT(16) + 0xffc, lw a1, 0(a0))   /* empty l0 entry */
  /* mtval is the faulting byte's address, not the page */
  TEST_S_FAULT(23, CAUSE_LOAD_PAGE_FAULT,  SLOT(1) + 0x123, lbu a1, 0(a0))
  /* a load that faults leaves rd alone */
  TEST_CASE(24, a1, 0x77, li a1, 0x77; GOTO_MODE(PRV_S, 2f); li a0, SLOT(1); lw a1, 0(a0); j fail; 2:)

  /* ---- MXR: execute-only pages become readable ---- */
  li a1, MSTATUS_MXR
  csrs mstatus, a1
  TEST_S_OK(25, li a2, SLOT(4); lw a1, 0(a2))
  CHECK(a1, 0x11111111)
  li a1, MSTATUS_MXR
  csrc mstatus, a1

  /* ---- U bit: S may not touch U pages unless SUM; never execute them ---- */
  TEST_S_FAULT(26, CAUSE_LOAD_PAGE_FAULT,  SLOT(5), lw a1, 0(a0))
  TEST_S_FAULT(27, CAUSE_STORE_PAGE_FAULT, SLOT(5), sw a1, 0(a0))
  li a1, MSTATUS_SUM
  csrs mstatus, a1
  TEST_S_OK(28, li a2, SLOT(5); lw a1, 0(a2))
  CHECK(a1, 0x11111111)
  TEST_S_OK(29, li a2, SLOT(5); sw a1, 4(a2))
  TEST_S_FAULT(30, CAUSE_FETCH_PAGE_FAULT, SLOT(10), jalr a0)       /* SUM does not allow fetch */
  li a1, MSTATUS_SUM
  csrc mstatus, a1

  /* ---- U-mode: only U pages ---- */
  RUN_U(31, u_load, SLOT(5))
  CHECK_MCAUSE(CAUSE_ECALL_U)
  CHECK(a1, 0x11111111)
  RUN_U(32, u_load, SLOT(0))                                        /* not a U page */
  CHECK_MCAUSE(CAUSE_LOAD_PAGE_FAULT)
  CHECK_MTVAL(SLOT(0))
  RUN_U(33, u_store, SLOT(0))
  CHECK_MCAUSE(CAUSE_STORE_PAGE_FAULT)
  RUN_U(34, u_store, SLOT(5))
  CHECK_MCAUSE(CAUSE_ECALL_U)
  RUN_U(35, u_jump, SLOT(6))                                        /* S code page */
  CHECK_MCAUSE(CAUSE_FETCH_PAGE_FAULT)
  CHECK_MTVAL(SLOT(6))
  li a1, MSTATUS_SUM                                                /* SUM does not matter for U */
  csrs mstatus, a1
  RUN_U(36, u_load, SLOT(0))
  CHECK_MCAUSE(CAUSE_LOAD_PAGE_FAULT)
  li a1, MSTATUS_SUM
  csrc mstatus, a1

  /* ---- MPRV: M-mode loads and stores translated at MPP's privilege ---- */
  li TESTNUM, 37
  li a1, MSTATUS_MPP
  csrc mstatus, a1
  li a1, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, a1
  li a2, SLOT(0)
  lw a3, 0(a2)                          /* translated: page_a */
  li a1, MSTATUS_MPRV
  csrc mstatus, a1
  CHECK(a3, 0x11111111)
  li TESTNUM, 38                        /* MPP = U: U page works, S page faults */
  CLEAR_TRAP
  ARM_TRAP(1f)                          /* before MPRV: the handler's record is not a U page */
  li a1, MSTATUS_MPP
  csrc mstatus, a1
  li a1, MSTATUS_MPRV
  csrs mstatus, a1
  li a2, SLOT(5)
  li a4, 0x3c3c3c3c
  sw a4, 12(a2)
  lw a3, 12(a2)
  li a2, SLOT(0)
  lw a4, 0(a2)                          /* faults: translated as U */
  j fail
1:
  li a1, MSTATUS_MPRV                   /* (the trap set MPP = M: no translation now) */
  csrc mstatus, a1
  CHECK_MCAUSE(CAUSE_LOAD_PAGE_FAULT)
  CHECK_MTVAL(SLOT(0))
  CHECK(a3, 0x3c3c3c3c)
  /* (fetches were not affected by MPRV: this code kept running. xRET and MPRV: mprv_xret.S) */

  /* ---- A and D set by hardware ---- */
  TEST_CASE(40, a0, 0, CHECK_PTE(l0, 7, PTE_A | PTE_D, 0); li a0, 0)
  TEST_S_OK(41, li a2, SLOT(7); lw a1, 0(a2))
  CHECK_PTE(l0, 7, PTE_A | PTE_D, PTE_A)
  TEST_S_OK(42, li a2, SLOT(7); sw a1, 0(a2))
  CHECK_PTE(l0, 7, PTE_A | PTE_D, PTE_A | PTE_D)

  /* ---- sfence.vma makes a changed PTE visible ---- */
  TEST_S_OK(43, li a2, SLOT(8); lw a1, 0(a2))
  CHECK(a1, 0x11111111)
  SET_PTE(l0, 8, page_b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  TEST_S_OK(44, sfence.vma; li a2, SLOT(8); lw a1, 0(a2))
  CHECK(a1, 0x22222222)
  SET_PTE(l0, 8, page_b, PTE_R | PTE_W | PTE_A | PTE_D)             /* now invalid */
  TEST_S_FAULT(45, CAUSE_LOAD_PAGE_FAULT, SLOT(8), li a2, SLOT(8); sfence.vma a2; lw a1, 0(a0))

  /* ---- a page fault delegated to S: scause 13, stval = va ---- */
  li TESTNUM, 46
  CLEAR_TRAP
  li a1, 1 << CAUSE_LOAD_PAGE_FAULT
  csrw medeleg, a1
  ARM_STRAP(1f)
  GOTO_MODE(PRV_S, 2f)
  li a0, SLOT(1) + 4
3: lw a1, 0(a0)
  j fail
1: ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK_SCAUSE(CAUSE_LOAD_PAGE_FAULT)
  CHECK_STVAL(SLOT(1) + 4)
  CHECK_SEPC(3b)
  csrw medeleg, zero

  /* ---- back to bare ---- */
  TEST_CASE(47, a0, 0, csrw satp, zero; sfence.vma; csrr a0, satp)

  j done

  /* code pages (4 KiB aligned, reached through slots 6, 9 and 10) */
  .option push
  .option norvc
  .balign 4096
scode:                                  /* S: set a1 and return */
  li a1, 0x600d
  ret
  .balign 4096
ucode:
u_load:  lw a1, 0(a0)
  ecall
u_store: sw a1, 0(a0)
  ecall
u_jump:  jalr a0
  ecall
  .option pop
  .balign 4096
done:
TEST_END

  .data
  .balign 4096
root:   .space 4096
l0:     .space 4096
page_a: .word 0x11111111
  .balign 4096
page_b: .word 0x22222222
  .balign 4096
