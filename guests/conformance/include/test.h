/*
 * Retrovisor conformance tests: shared macros (preprocessed by cpp, so the
 * .S files use C comments; `;` separates instructions inside a macro).
 *
 * Convention (README.md): each program starts at _start in M-mode, numbers
 * its test cases from 2 upwards in TESTNUM, and reports through HTIF tohost:
 * 1 = every case passed, (n << 1) | 1 = case n failed. Case 1 means "failed
 * outside any case" (for example an unexpected trap during setup).
 *
 * Registers: TESTNUM (gp) holds the current case; t6 and t5 are scratch for
 * the checks, so code under test must not rely on them surviving a check.
 * Local labels 80-99 are reserved for these macros.
 */
#ifndef CONFORMANCE_TEST_H
#define CONFORMANCE_TEST_H

#define TESTNUM gp

/* ------------------------------------------------------------ constants */

/* mstatus (Privileged spec 3.1.6) */
#define MSTATUS_SIE   0x00000002
#define MSTATUS_MIE   0x00000008
#define MSTATUS_SPIE  0x00000020
#define MSTATUS_MPIE  0x00000080
#define MSTATUS_SPP   0x00000100
#define MSTATUS_MPP   0x00001800
#define MSTATUS_MPP_S 0x00000800
#define MSTATUS_MPRV  0x00020000
#define MSTATUS_SUM   0x00040000
#define MSTATUS_MXR   0x00080000
#define MSTATUS_TVM   0x00100000
#define MSTATUS_TW    0x00200000
#define MSTATUS_TSR   0x00400000

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mip/mie bits (Privileged spec 3.1.9) */
#define MIP_SSIP 0x002
#define MIP_MSIP 0x008
#define MIP_STIP 0x020
#define MIP_MTIP 0x080
#define MIP_SEIP 0x200
#define MIP_MEIP 0x800

/* mcause exception codes (Privileged spec 3.1.15, table 3.6) */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_ECALL_U             8
#define CAUSE_ECALL_S             9
#define CAUSE_ECALL_M             11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define CAUSE_INTERRUPT           0x80000000
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11

/* CLINT (SiFive layout, as in QEMU's spike and virt machines) */
#define CLINT_BASE        0x02000000
#define CLINT_MSIP        (CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP_LO (CLINT_BASE + 0x4000)
#define CLINT_MTIMECMP_HI (CLINT_BASE + 0x4004)
#define CLINT_MTIME_LO    (CLINT_BASE + 0xbff8)
#define CLINT_MTIME_HI    (CLINT_BASE + 0xbffc)

/* Sv32 (Privileged spec 4.3) */
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE_X 0x008
#define PTE_U 0x010
#define PTE_G 0x020
#define PTE_A 0x040
#define PTE_D 0x080
#define SATP_MODE_SV32 0x80000000

/* Trap record written by the handlers below (one for M, one for S). */
#define TF_SAVE_T1  0   /* handler scratch */
#define TF_CAUSE    4   /* xcause */
#define TF_EPC      8   /* xepc */
#define TF_TVAL     12  /* xtval */
#define TF_STATUS   16  /* mstatus (or sstatus) as the trap left it */
#define TF_COUNT    20  /* traps taken so far */
#define TF_RESUME   24  /* where to go next; 0 = any trap is a failure */
#define TF_SIZE     32

/* ------------------------------------------------------------ program frame */

/*
 * TEST_BEGIN: the reset path. mtvec is 0 at reset, so the handler goes in
 * first; then PMP entry 0 is opened to all memory (QEMU enforces PMP for S
 * and U; Retrovisor keeps pmpcfg/pmpaddr as storage only, so this is
 * harmless there), and every delegation, enable and translation is cleared.
 * The handlers and the report routines are 4-byte instructions only, so they
 * still work while misa.C is clear (misa_c.S).
 */
#define TEST_BEGIN                                                      \
        .section .text.init, "ax";                                      \
        .option push;                                                   \
        .option norvc;          /* runs with misa.C clear too */        \
        .globl _start;                                                  \
_start:                                                                 \
        la t0, trap_entry;  csrw mtvec, t0;                             \
        la t0, trap_frame;  csrw mscratch, t0;                          \
        la t0, strap_entry; csrw stvec, t0;                             \
        la t0, strap_frame; csrw sscratch, t0;                          \
        la sp, stack_top;                                               \
        li TESTNUM, 1;                                                  \
        li t0, -1;   csrw pmpaddr0, t0;                                 \
        li t0, 0x1f; csrw pmpcfg0, t0;                                  \
        csrw medeleg, zero; csrw mideleg, zero;                         \
        csrw mie, zero; csrw mip, zero; csrw satp, zero;                \
        csrw mstatus, zero;                                             \
        j test_body;                                                    \
        TRAP_HANDLERS;                                                  \
        REPORT_ROUTINES;                                                \
        .balign 4;                                                      \
        .option pop;                                                    \
test_body:

/* TEST_END: pass if control gets here; then the trap records and data. */
#define TEST_END                                                        \
        j pass;                                                         \
        .data;                                                          \
        .balign 16;                                                     \
        .globl trap_frame;                                              \
trap_frame:  .space TF_SIZE;                                            \
        .globl strap_frame;                                             \
strap_frame: .space TF_SIZE;                                            \
        /* HTIF words: QEMU insists on 8-byte symbols. */               \
        .section .tohost, "aw", @progbits;                              \
        .balign 8;                                                      \
        .globl tohost;   tohost:   .dword 0; .size tohost, 8;           \
        .globl fromhost; fromhost: .dword 0; .size fromhost, 8;         \
        .text

/*
 * The M-mode handler: records mcause/mepc/mtval/mstatus, counts the trap and
 * continues at TF_RESUME in M-mode with MIE = 0 after the mret (MPIE is
 * cleared so a still-pending interrupt cannot re-enter at once). With no
 * resume address armed, any trap fails the current case.
 */
#define TRAP_HANDLERS                                                   \
        .balign 4;                                                      \
        .globl trap_entry;                                              \
trap_entry:                                                             \
        csrrw t0, mscratch, t0;                                         \
        sw t1, TF_SAVE_T1(t0);                                          \
        csrr t1, mcause;  sw t1, TF_CAUSE(t0);                          \
        csrr t1, mepc;    sw t1, TF_EPC(t0);                            \
        csrr t1, mtval;   sw t1, TF_TVAL(t0);                           \
        csrr t1, mstatus; sw t1, TF_STATUS(t0);                         \
        lw t1, TF_COUNT(t0); addi t1, t1, 1; sw t1, TF_COUNT(t0);       \
        lw t1, TF_RESUME(t0);                                           \
        beqz t1, fail;                                                  \
        sw zero, TF_RESUME(t0);                                         \
        csrw mepc, t1;                                                  \
        li t1, MSTATUS_MPP;  csrs mstatus, t1;                          \
        li t1, MSTATUS_MPIE; csrc mstatus, t1;                          \
        lw t1, TF_SAVE_T1(t0);                                          \
        csrrw t0, mscratch, t0;                                         \
        mret;                                                           \
        /* The S-mode handler: the same, continuing in S-mode. */       \
        .balign 4;                                                      \
        .globl strap_entry;                                             \
strap_entry:                                                            \
        csrrw t0, sscratch, t0;                                         \
        sw t1, TF_SAVE_T1(t0);                                          \
        csrr t1, scause;  sw t1, TF_CAUSE(t0);                          \
        csrr t1, sepc;    sw t1, TF_EPC(t0);                            \
        csrr t1, stval;   sw t1, TF_TVAL(t0);                           \
        csrr t1, sstatus; sw t1, TF_STATUS(t0);                         \
        lw t1, TF_COUNT(t0); addi t1, t1, 1; sw t1, TF_COUNT(t0);       \
        lw t1, TF_RESUME(t0);                                           \
        beqz t1, fail;                                                  \
        sw zero, TF_RESUME(t0);                                         \
        csrw sepc, t1;                                                  \
        li t1, MSTATUS_SPP;  csrs sstatus, t1;                          \
        li t1, MSTATUS_SPIE; csrc sstatus, t1;                          \
        lw t1, TF_SAVE_T1(t0);                                          \
        csrrw t0, sscratch, t0;                                         \
        sret

/* HTIF exit: low word first, then the high word (the command fires on it). */
#define REPORT_ROUTINES                                                 \
        .globl pass;                                                    \
pass:                                                                   \
        li a0, 1;                                                       \
        j write_tohost;                                                 \
        .globl fail;                                                    \
fail:                                                                   \
        slli a0, TESTNUM, 1;                                            \
        ori a0, a0, 1;                                                  \
write_tohost:                                                           \
        la t0, tohost;                                                  \
        sw a0, 0(t0);                                                   \
        sw zero, 4(t0);                                                 \
99:     j 99b

/* ------------------------------------------------------------ checks */

/* Fail the current case unless reg == expect (an immediate). */
#define CHECK(reg, expect)                                              \
        li t6, expect; beq reg, t6, 98f; j fail; 98:

/* Fail the current case unless reg == address of a label. */
#define CHECK_LABEL(reg, label)                                         \
        la t6, label; beq reg, t6, 98f; j fail; 98:

/* The general form: run code, then compare reg with expect. */
#define TEST_CASE(n, reg, expect, code...)                              \
        li TESTNUM, n; code; CHECK(reg, expect)

/* Register-register and register-immediate operations, with their
 * register-aliasing and x0 variants. */
#define TEST_RR(n, inst, expect, a, b)                                  \
        TEST_CASE(n, a3, expect, li a1, a; li a2, b; inst a3, a1, a2)
#define TEST_RR_RD_RS1(n, inst, expect, a, b)                           \
        TEST_CASE(n, a1, expect, li a1, a; li a2, b; inst a1, a1, a2)
#define TEST_RR_RD_RS2(n, inst, expect, a, b)                           \
        TEST_CASE(n, a2, expect, li a1, a; li a2, b; inst a2, a1, a2)
#define TEST_RR_SAME(n, inst, expect, a)                                \
        TEST_CASE(n, a1, expect, li a1, a; inst a1, a1, a1)
#define TEST_RR_X0_RS1(n, inst, expect, b)                              \
        TEST_CASE(n, a3, expect, li a2, b; inst a3, x0, a2)
#define TEST_RR_X0_RS2(n, inst, expect, a)                              \
        TEST_CASE(n, a3, expect, li a1, a; inst a3, a1, x0)
#define TEST_RR_X0_RD(n, inst, a, b)                                    \
        TEST_CASE(n, x0, 0, li a1, a; li a2, b; inst x0, a1, a2)
#define TEST_RI(n, inst, expect, a, imm)                                \
        TEST_CASE(n, a3, expect, li a1, a; inst a3, a1, imm)
#define TEST_RI_RD_RS1(n, inst, expect, a, imm)                         \
        TEST_CASE(n, a1, expect, li a1, a; inst a1, a1, imm)
#define TEST_RI_X0_RD(n, inst, a, imm)                                  \
        TEST_CASE(n, x0, 0, li a1, a; inst x0, a1, imm)

/* Loads from a labelled data area; stores then read back with `load`. */
#define TEST_LOAD(n, inst, expect, offset, base)                        \
        TEST_CASE(n, a3, expect, la a1, base; inst a3, offset(a1))
#define TEST_STORE(n, load, store, value, offset, base)                 \
        TEST_CASE(n, a3, value, la a1, base; li a2, value;              \
                  store a2, offset(a1); load a3, offset(a1))

/* Branches: taken forwards, taken backwards, and not taken. */
#define TEST_BR_TAKEN(n, inst, a, b)                                    \
        li TESTNUM, n; li a1, a; li a2, b;                              \
        inst a1, a2, 97f; j fail; 97:                                   \
        j 96f; 95: j 94f; 96: inst a1, a2, 95b; j fail; 94:
#define TEST_BR_NOT_TAKEN(n, inst, a, b)                                \
        li TESTNUM, n; li a1, a; li a2, b;                              \
        inst a1, a2, 97f; j 96f; 97: j fail; 96:                        \
        j 95f; 94: j fail; 95: inst a1, a2, 94b

/* ------------------------------------------------------------ traps */

/* Arm the M (or S) handler: the next trap continues at label. */
#define ARM_TRAP(label)                                                 \
        la t5, label; la t6, trap_frame; sw t5, TF_RESUME(t6)
#define ARM_STRAP(label)                                                \
        la t5, label; la t6, strap_frame; sw t5, TF_RESUME(t6)
/* Forget the last trap (so a check cannot see a stale record). */
#define CLEAR_TRAP                                                      \
        la t6, trap_frame; sw zero, TF_CAUSE(t6); sw zero, TF_EPC(t6);  \
        sw zero, TF_TVAL(t6); sw zero, TF_COUNT(t6);                    \
        la t6, strap_frame; sw zero, TF_CAUSE(t6); sw zero, TF_EPC(t6); \
        sw zero, TF_TVAL(t6); sw zero, TF_COUNT(t6)

/* Compare one field of a trap record with an immediate or a label. */
#define CHECK_FIELD(frame, field, expect)                               \
        la t5, frame; lw t5, field(t5); CHECK(t5, expect)
#define CHECK_FIELD_LABEL(frame, field, label)                          \
        la t5, frame; lw t5, field(t5); CHECK_LABEL(t5, label)
#define CHECK_MCAUSE(v)      CHECK_FIELD(trap_frame, TF_CAUSE, v)
#define CHECK_MTVAL(v)       CHECK_FIELD(trap_frame, TF_TVAL, v)
#define CHECK_MEPC(label)    CHECK_FIELD_LABEL(trap_frame, TF_EPC, label)
#define CHECK_MTVAL_LABEL(l) CHECK_FIELD_LABEL(trap_frame, TF_TVAL, l)
#define CHECK_MCOUNT(v)      CHECK_FIELD(trap_frame, TF_COUNT, v)
#define CHECK_SCAUSE(v)      CHECK_FIELD(strap_frame, TF_CAUSE, v)
#define CHECK_STVAL(v)       CHECK_FIELD(strap_frame, TF_TVAL, v)
#define CHECK_SEPC(label)    CHECK_FIELD_LABEL(strap_frame, TF_EPC, label)
#define CHECK_STVAL_LABEL(l) CHECK_FIELD_LABEL(strap_frame, TF_TVAL, l)
#define CHECK_SCOUNT(v)      CHECK_FIELD(strap_frame, TF_COUNT, v)

/*
 * Case n: `code` must trap to M-mode with mcause = cause; the trap record
 * is then available to CHECK_MEPC / CHECK_MTVAL. Falling through fails.
 */
#define TEST_TRAP(n, cause, code...)                                    \
        li TESTNUM, n; CLEAR_TRAP; ARM_TRAP(93f);                       \
        code; j fail; 93:                                               \
        CHECK_MCAUSE(cause)

/*
 * Privilege changes. ENTER_MODE(p) continues at the next instruction in
 * privilege p via mret (Privileged spec 3.3.2), with mstatus.MIE = 0. A lower-privilege block
 * returns to M-mode with ecall, which the armed handler turns into a jump
 * to the resume label:
 *     GOTO_MODE(PRV_U, 1f)  ...U-mode code...  ecall
 *  1: CHECK_MCAUSE(CAUSE_ECALL_U)
 */
#define ENTER_MODE(p)                                                   \
        li t5, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t5;            \
        li t5, ((p) << 11); csrs mstatus, t5;                           \
        la t5, 92f; csrw mepc, t5; mret; 92:
#define GOTO_MODE(p, resume) ARM_TRAP(resume); ENTER_MODE(p)

#endif
