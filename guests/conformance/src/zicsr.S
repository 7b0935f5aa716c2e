/*
 * zicsr: the six CSR instructions (Unprivileged spec chapter 9, "Zicsr"):
 * rd gets the old value (zero-extended 32 bits), then the CSR is written,
 * set or cleared. rd = x0 on csrrw[i] means no read; rs1 = x0 on csrrs/csrrc
 * and uimm = 0 on csrrsi/csrrci mean no write at all, so those forms may
 * read a read-only CSR, while any form that writes one is illegal (Privileged
 * spec 2.1) even when the value written would be unchanged. The immediates
 * are 5-bit zero-extended. sscratch and mscratch are plain 32-bit registers.
 */
#include "test.h"

TEST_BEGIN

  /* ---- csrrw ---- */
  TEST_CASE(2, a0, 0, csrw sscratch, zero; li a1, 0x12345678; csrrw a0, sscratch, a1)
  TEST_CASE(3, a0, 0x12345678, li a1, 0xffffffff; csrrw a0, sscratch, a1)
  TEST_CASE(4, a0, 0xffffffff, csrr a0, sscratch)
  /* rd = rs1: the old CSR value lands in rd, the old rd is written */
  TEST_CASE(5, a1, 0xffffffff, li a1, 0x55; csrrw a1, sscratch, a1; csrr a2, sscratch; CHECK(a2, 0x55))
  /* rd = x0: write only */
  TEST_CASE(6, a0, 0xa5a5a5a5, li a1, 0xa5a5a5a5; csrrw x0, sscratch, a1; csrr a0, sscratch)

  /* ---- csrrs / csrrc ---- */
  TEST_CASE(7, a0, 0xa5a5a5a5, li a1, 0x0000ffff; csrrs a0, sscratch, a1; csrr a2, sscratch; CHECK(a2, 0xa5a5ffff))
  TEST_CASE(8, a0, 0xa5a5ffff, li a1, 0xff00ff00; csrrc a0, sscratch, a1; csrr a2, sscratch; CHECK(a2, 0x00a500ff))
  TEST_CASE(9, a0, 0x00a500ff, csrrs a0, sscratch, x0; csrr a2, sscratch; CHECK(a2, 0x00a500ff))
  TEST_CASE(10, a0, 0x00a500ff, csrrc a0, sscratch, x0; csrr a2, sscratch; CHECK(a2, 0x00a500ff))
  TEST_CASE(11, a0, 0x00a500ff, li a1, 0; csrrs a0, sscratch, a1)   /* writes the same value */
  TEST_CASE(12, a0, 0x80a500ff, li a1, 0x80000000; csrs sscratch, a1; csrr a0, sscratch)
  TEST_CASE(13, a0, 0x00a500ff, li a1, 0x80000000; csrc sscratch, a1; csrr a0, sscratch)

  /* ---- immediate forms: uimm is zero-extended (31 is 0x1f, not -1) ---- */
  TEST_CASE(14, a0, 0x00a500ff, csrrwi a0, sscratch, 31; csrr a2, sscratch; CHECK(a2, 0x1f))
  TEST_CASE(15, a0, 0x1f, csrrci a0, sscratch, 0x15; csrr a2, sscratch; CHECK(a2, 0x0a))
  TEST_CASE(16, a0, 0x0a, csrrsi a0, sscratch, 0x11; csrr a2, sscratch; CHECK(a2, 0x1b))
  TEST_CASE(17, a0, 0x1b, csrrsi a0, sscratch, 0; csrr a2, sscratch; CHECK(a2, 0x1b))
  TEST_CASE(18, a0, 0x1b, csrrci a0, sscratch, 0; csrr a2, sscratch; CHECK(a2, 0x1b))
  TEST_CASE(19, a0, 0, csrrwi x0, sscratch, 0; csrr a0, sscratch)
  TEST_CASE(20, a0, 0x10, csrwi sscratch, 0x10; csrr a0, sscratch)
  TEST_CASE(21, a0, 0x1f, csrsi sscratch, 0xf; csrr a0, sscratch)
  TEST_CASE(22, a0, 0x0e, csrci sscratch, 0x11; csrr a0, sscratch)

  /* ---- mscratch (saved and restored: the trap handler uses it) ---- */
  TEST_CASE(23, a0, 0xcafef00d, csrr s0, mscratch; li a1, 0xcafef00d; csrw mscratch, a1;
            csrr a0, mscratch; csrw mscratch, s0)

  /* ---- reads of a read-only CSR: allowed when nothing is written ---- */
  TEST_CASE(24, a0, 0, li a0, -1; csrr a0, mvendorid)              /* csrrs rd, csr, x0 */
  TEST_CASE(25, a0, 0, li a0, -1; csrrc a0, mvendorid, x0)
  TEST_CASE(26, a0, 0, li a0, -1; csrrsi a0, mhartid, 0)
  TEST_CASE(27, a0, 0, li a0, -1; csrrci a0, mhartid, 0)

  /* ---- any write to a read-only CSR is illegal (mtval = the instruction) ---- */
  TEST_TRAP(28, CAUSE_ILLEGAL_INSTRUCTION, li a1, 1; 1: csrrw x0, mvendorid, a1)
  CHECK_MEPC(1b)
  la a1, 1b
  lw a1, 0(a1)
  la a2, trap_frame
  lw a2, TF_TVAL(a2)
  CHECK(a2, 0xf1159073)                 /* csrrw x0, mvendorid, a1 */
  TEST_TRAP(29, CAUSE_ILLEGAL_INSTRUCTION, csrrwi a0, mhartid, 0)
  TEST_TRAP(30, CAUSE_ILLEGAL_INSTRUCTION, li a1, 1; csrrs a0, marchid, a1)
  TEST_TRAP(31, CAUSE_ILLEGAL_INSTRUCTION, csrrsi a0, mimpid, 1)
  TEST_TRAP(32, CAUSE_ILLEGAL_INSTRUCTION, csrrci a0, mimpid, 1)
  /* ...and the destination register is left unchanged */
  TEST_CASE(33, a0, 0x77, li a0, 0x77; ARM_TRAP(1f); csrrwi a0, mhartid, 3; j fail; 1:)

TEST_END
