/*
 * csr_machine: the machine-level CSRs (Privileged spec chapter 3) and their
 * access rules (chapter 2): identification registers, mstatus fields,
 * xtvec modes, delegation register masks, mie/mip/sie/sip views, PMP
 * registers as storage, the S-mode views of mstatus, and illegal accesses:
 * a CSR above the current privilege, a write to a read-only CSR, and CSR
 * numbers that do not exist. (Exact WARL read-back masks: csr_warl.S.)
 */
#include "test.h"

TEST_BEGIN

  /* ---- identification (3.1.1-3.1.5) ---- */
  TEST_CASE(2, a0, 0x40141105, csrr a0, misa)       /* MXL=1, A C I M S U */
  TEST_CASE(3, a0, 0, li a0, -1; csrr a0, mhartid)
  TEST_CASE(4, a0, 0, li a0, -1; csrr a0, mvendorid)
  TEST_CASE(5, a0, 0, li a0, -1; csrr a0, marchid)
  TEST_CASE(6, a0, 0, li a0, -1; csrr a0, mimpid)
  TEST_CASE(7, a0, 0, li a0, -1; csrr a0, mconfigptr)
  /* misa is not writable apart from C (misa_c.S) */
  TEST_CASE(8, a0, 0x40141105, li a1, 0x3ffffff4; csrw misa, a1; csrr a0, misa)  /* C kept set */

  /* ---- mstatus fields set and clear individually (3.1.6) ---- */
#define TEST_MSTATUS_BIT(n, bit)                                        \
        TEST_CASE(n, a0, bit, li a1, bit; csrs mstatus, a1; csrr a0, mstatus; and a0, a0, a1; \
                  csrc mstatus, a1; csrr a2, mstatus; and a2, a2, a1; CHECK(a2, 0))
  TEST_MSTATUS_BIT(9,  MSTATUS_SIE)
  TEST_MSTATUS_BIT(10, MSTATUS_SPIE)
  TEST_MSTATUS_BIT(11, MSTATUS_MPIE)
  TEST_MSTATUS_BIT(12, MSTATUS_SPP)
  TEST_MSTATUS_BIT(13, MSTATUS_MPRV)
  TEST_MSTATUS_BIT(14, MSTATUS_SUM)
  TEST_MSTATUS_BIT(15, MSTATUS_MXR)
  TEST_MSTATUS_BIT(16, MSTATUS_TVM)
  TEST_MSTATUS_BIT(17, MSTATUS_TW)
  TEST_MSTATUS_BIT(18, MSTATUS_TSR)
  TEST_MSTATUS_BIT(19, MSTATUS_MIE)                 /* mie = 0: nothing can fire */
  /* MPP holds M, S and U */
  TEST_CASE(20, a0, MSTATUS_MPP, li a1, MSTATUS_MPP; csrs mstatus, a1; csrr a0, mstatus; and a0, a0, a1)
  TEST_CASE(21, a0, MSTATUS_MPP_S, li a1, MSTATUS_MPP; csrc mstatus, a1; li a1, MSTATUS_MPP_S;
            csrs mstatus, a1; csrr a0, mstatus; li a1, MSTATUS_MPP; and a0, a0, a1)
  TEST_CASE(22, a0, 0, li a1, MSTATUS_MPP; csrc mstatus, a1; csrr a0, mstatus; and a0, a0, a1)
  /* no F/V: FS, VS, XS and SD read as zero; little-endian only: UBE/SBE/MBE zero */
  TEST_CASE(23, a0, 0, li a1, 0x6000; csrs mstatus, a1; csrr a0, mstatus; li a1, 0x8001e040; and a0, a0, a1)
  TEST_CASE(24, a0, 0, li a0, -1; csrr a0, mstatush)

  /* ---- sstatus is a view of mstatus (4.1.1) ---- */
  TEST_CASE(25, a0, MSTATUS_SIE | MSTATUS_SUM,
            csrw mstatus, zero; li a1, MSTATUS_SIE | MSTATUS_SUM; csrw sstatus, a1; csrr a0, mstatus)
  /* sstatus cannot reach machine fields */
  TEST_CASE(26, a0, 0, csrw mstatus, zero; li a1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
            csrs sstatus, a1; csrr a0, mstatus)
  TEST_CASE(27, a0, MSTATUS_SPP | MSTATUS_MXR,
            li a1, MSTATUS_SPP | MSTATUS_MXR | MSTATUS_MPP; csrw mstatus, a1; csrr a0, sstatus)
  csrw mstatus, zero

  /* ---- mtvec / stvec: mode 0 and 1 kept, 2 and 3 leave the register alone (3.1.7) ---- */
  TEST_CASE(28, a0, 0x80001001, csrr s0, mtvec; li a1, 0x80001001; csrw mtvec, a1; csrr a0, mtvec)
  TEST_CASE(29, a0, 0x80001001, li a1, 0x80002002; csrw mtvec, a1; csrr a0, mtvec)
  TEST_CASE(30, a0, 0x80001001, li a1, 0x80002003; csrw mtvec, a1; csrr a0, mtvec)
  TEST_CASE(31, a0, 0x80003000, li a1, 0x80003000; csrw mtvec, a1; csrr a0, mtvec; csrw mtvec, s0)
  TEST_CASE(32, a0, 0x80004001, csrr s0, stvec; li a1, 0x80004001; csrw stvec, a1; csrr a0, stvec)
  TEST_CASE(33, a0, 0x80004001, li a1, 0x80005002; csrw stvec, a1; csrr a0, stvec; csrw stvec, s0)

  /* ---- medeleg / mideleg (3.1.8) ---- */
  /* (medeleg[11], ecall from M, reading as zero: csr_warl.S) */
  TEST_CASE(35, a0, 0xb1ff, li a1, -1; csrw medeleg, a1; csrr a0, medeleg; li a1, 0xb1ff; and a0, a0, a1)  /* causes 0-8, 12, 13, 15 */
  TEST_CASE(36, a0, 0x0100, li a1, 0x0100; csrw medeleg, a1; csrr a0, medeleg)
  csrw medeleg, zero
  TEST_CASE(37, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, li a1, -1; csrw mideleg, a1; csrr a0, mideleg;
            li a1, 0xaaa; and a0, a0, a1)                      /* M-level bits are not delegable */
  csrw mideleg, zero

  /* ---- mie / mip and their S views (3.1.9, 4.1.3) ---- */
  TEST_CASE(38, a0, 0xaaa, li a1, -1; csrw mie, a1; csrr a0, mie; li a1, 0xaaa; and a0, a0, a1)
  /* mip: only SSIP, STIP, SEIP are writable; MSIP/MTIP/MEIP follow devices */
  TEST_CASE(39, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, li a1, 0xaaa; csrw mip, a1; csrr a0, mip;
            li a1, 0x222; and a0, a0, a1)
  csrw mip, zero
  /* with nothing delegated, sie and sip read as zero and ignore writes */
  TEST_CASE(40, a0, 0, csrw mideleg, zero; csrr a0, sie)
  TEST_CASE(41, a0, 0, li a1, MIP_SSIP; csrs mip, a1; csrr a0, sip)
  TEST_CASE(42, a0, MIP_SSIP, li a1, MIP_SSIP; csrw mideleg, a1; csrr a0, sip)
  TEST_CASE(43, a0, 0, li a1, MIP_SSIP; csrc sip, a1; csrr a0, mip; li a1, MIP_SSIP; and a0, a0, a1) /* SSIP clearable via sip */
  TEST_CASE(44, a0, MIP_SSIP, csrw mie, zero; li a1, -1; csrw sie, a1; csrr a0, mie)  /* sie writes only delegated bits */
  TEST_CASE(45, a0, MIP_SSIP, csrr a0, sie)
  csrw mie, zero
  csrw mideleg, zero
  csrw mip, zero

  /* ---- PMP registers are storage (3.7) ---- */
  TEST_CASE(46, a0, 0x12345678, li a1, 0x12345678; csrw pmpaddr15, a1; csrr a0, pmpaddr15)
  TEST_CASE(47, a0, 0x00abcdef, li a1, 0x00abcdef; csrw pmpaddr7, a1; csrr a0, pmpaddr7)
  TEST_CASE(48, a0, 0x0b0f0d09, li a1, 0x0b0f0d09; csrw pmpcfg3, a1; csrr a0, pmpcfg3)  /* entries 12-15 */
  TEST_CASE(49, a0, 0x19000000, li a1, 0x19000000; csrw pmpcfg1, a1; csrr a0, pmpcfg1)
  csrw pmpcfg3, zero
  csrw pmpcfg1, zero

  /* ---- scratch, cause and trap value registers are plain storage ---- */
  TEST_CASE(50, a0, 0x8000000b, li a1, 0x8000000b; csrw mcause, a1; csrr a0, mcause)
  TEST_CASE(51, a0, 0xdeadbeef, li a1, 0xdeadbeef; csrw mtval, a1; csrr a0, mtval)
  TEST_CASE(52, a0, 0x80000005, li a1, 0x80000005; csrw scause, a1; csrr a0, scause)
  TEST_CASE(53, a0, 0xfeedface, li a1, 0xfeedface; csrw stval, a1; csrr a0, stval)

  /* ---- CSR numbers that do not exist here are illegal (2.1) ---- */
  TEST_TRAP(54, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x003)   /* fcsr: no F */
  TEST_TRAP(55, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x600)   /* hstatus: no H */
  TEST_TRAP(56, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x7b0)   /* dcsr: Debug Mode only */
  TEST_TRAP(57, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x005)   /* utvec: no N */
  TEST_TRAP(58, CAUSE_ILLEGAL_INSTRUCTION, csrw 0x3ff, a0)
  TEST_TRAP(59, CAUSE_ILLEGAL_INSTRUCTION, csrr a0, 0x15f)

  /* ---- a write to a read-only CSR is illegal ---- */
  TEST_TRAP(60, CAUSE_ILLEGAL_INSTRUCTION, csrw mvendorid, zero)
  TEST_TRAP(61, CAUSE_ILLEGAL_INSTRUCTION, csrw mhartid, a0)
  TEST_TRAP(62, CAUSE_ILLEGAL_INSTRUCTION, csrwi mimpid, 1)

  /* ---- privilege: CSR address bits [9:8] give the lowest privilege (2.1) ---- */
  li TESTNUM, 63                          /* S-mode reading mstatus */
  CLEAR_TRAP
  GOTO_MODE(PRV_S, 2f)
1: csrr a0, mstatus
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_MEPC(1b)

  li TESTNUM, 64                          /* S-mode writing mscratch */
  GOTO_MODE(PRV_S, 2f)
  csrw mscratch, zero
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

  li TESTNUM, 65                          /* S-mode can use its own CSRs */
  GOTO_MODE(PRV_S, 2f)
  li a1, 0x1234
  csrw sscratch, a1
  csrr a0, sscratch
  csrr a2, sstatus
  ecall
2:
  CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 0x1234)

  li TESTNUM, 66                          /* U-mode reading sstatus */
  GOTO_MODE(PRV_U, 2f)
  csrr a0, sstatus
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

  li TESTNUM, 67                          /* U-mode reading mhartid */
  GOTO_MODE(PRV_U, 2f)
  csrr a0, mhartid
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

  li TESTNUM, 68                          /* U-mode writing sscratch */
  GOTO_MODE(PRV_U, 2f)
  csrw sscratch, zero
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)

  li TESTNUM, 69                          /* S-mode: mret is illegal */
  GOTO_MODE(PRV_S, 2f)
1: mret
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_MEPC(1b)
  CHECK_MTVAL(0x30200073)

  li TESTNUM, 70                          /* U-mode: sret is illegal */
  GOTO_MODE(PRV_U, 2f)
1: sret
  j fail
2:
  CHECK_MCAUSE(CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_MTVAL(0x10200073)

TEST_END
