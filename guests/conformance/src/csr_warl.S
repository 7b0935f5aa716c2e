/*
 * csr_warl: exact read-back values of WARL fields (Privileged spec 2.3) as
 * Retrovisor legalises them: the writable mstatus/sstatus bits, MPP = 2
 * (reserved) leaving MPP unchanged, mepc/sepc bit 0 always zero (IALIGN =
 * 16), medeleg with bit 11 (ecall from M) and the non-standard causes read
 * only zero, mideleg limited to SSIP/STIP/SEIP, pmpaddr bits 31:30 zero
 * (34-bit physical addresses are not implemented), mie exactly 0xaaa.
 */
#include "test.h"

#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | \
                          MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | \
                          MSTATUS_TW | MSTATUS_TSR)

TEST_BEGIN

  /* ---- mstatus: every writable bit, nothing else (MIE kept 0: mie = 0 anyway) ---- */
  TEST_CASE(2, a0, MSTATUS_WRITABLE & ~MSTATUS_MIE,
            li a1, ~MSTATUS_MIE; csrw mstatus, a1; csrr a0, mstatus)
  TEST_CASE(3, a0, 0, csrw mstatus, zero; csrr a0, mstatus)
  /* sstatus: SIE, SPIE, SPP, SUM, MXR (UBE read-only zero) */
  TEST_CASE(4, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR,
            li a1, -1; csrw sstatus, a1; csrr a0, sstatus)
  TEST_CASE(5, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR,
            csrr a0, mstatus)
  csrw mstatus, zero

  /* ---- MPP = 2 is reserved: the write leaves MPP as it was ---- */
  TEST_CASE(6, a0, MSTATUS_MPP_S, li a1, MSTATUS_MPP_S; csrw mstatus, a1;
            li a1, 0x1000; csrw mstatus, a1; csrr a0, mstatus)
  TEST_CASE(7, a0, MSTATUS_MPP, li a1, MSTATUS_MPP; csrw mstatus, a1;
            li a1, 0x1000; csrw mstatus, a1; csrr a0, mstatus)
  TEST_CASE(8, a0, 0, csrw mstatus, zero; li a1, 0x1000; csrs mstatus, a1; csrr a0, mstatus)
  csrw mstatus, zero

  /* ---- mepc / sepc: bit 0 reads as zero ---- */
  TEST_CASE(9,  a0, 0x80000002, li a1, 0x80000003; csrw mepc, a1; csrr a0, mepc)
  TEST_CASE(10, a0, 0xfffffffe, li a1, -1; csrw mepc, a1; csrr a0, mepc)
  TEST_CASE(11, a0, 0x12345676, li a1, 0x12345677; csrw sepc, a1; csrr a0, sepc)

  /* ---- delegation masks ---- */
  TEST_CASE(12, a0, 0xb3ff, li a1, -1; csrw medeleg, a1; csrr a0, medeleg)   /* not 11, 10, 14 */
  TEST_CASE(13, a0, 0, li a1, 1 << 11; csrw medeleg, a1; csrr a0, medeleg)
  csrw medeleg, zero
  TEST_CASE(14, a0, 0x222, li a1, -1; csrw mideleg, a1; csrr a0, mideleg)
  csrw mideleg, zero

  /* ---- mie: exactly the six standard interrupt enables ---- */
  TEST_CASE(15, a0, 0xaaa, li a1, -1; csrw mie, a1; csrr a0, mie)
  csrw mie, zero

  /* ---- pmpaddr: bits 31:30 (physical address bits 33:32) read zero ---- */
  TEST_CASE(16, a0, 0x3fffffff, li a1, -1; csrw pmpaddr3, a1; csrr a0, pmpaddr3)
  csrw pmpaddr3, zero

TEST_END
