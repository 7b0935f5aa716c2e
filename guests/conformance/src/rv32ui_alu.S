/*
 * rv32ui_alu: RV32I integer computational instructions (Unprivileged spec
 * 2.4): register-immediate and register-register operations, lui/auipc,
 * shifts by 0 and 31, signed and unsigned comparisons, sign-extended 12-bit
 * immediates, rd = rs1 / rd = rs2 aliasing, x0 as source and destination.
 */
#include "test.h"

TEST_BEGIN

  /* ---- add / addi: wrap-around, sign-extended immediates ---- */
  TEST_RR(2,  add, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR(3,  add, 0x0000000a, 0x00000003, 0x00000007)
  TEST_RR(4,  add, 0x80000000, 0x7fffffff, 0x00000001)   /* signed overflow wraps */
  TEST_RR(5,  add, 0x00000000, 0xffffffff, 0x00000001)
  TEST_RR(6,  add, 0x7fffffff, 0x80000000, 0xffffffff)
  TEST_RR_RD_RS1(7, add, 24, 13, 11)
  TEST_RR_RD_RS2(8, add, 25, 14, 11)
  TEST_RR_SAME(9, add, 26, 13)
  TEST_RR_X0_RS1(10, add, 15, 15)
  TEST_RR_X0_RS2(11, add, 32, 32)
  TEST_RR_X0_RD(12, add, 16, 30)
  TEST_RI(13, addi, 0x00000800 - 1, 0, 0x7ff)
  TEST_RI(14, addi, 0xfffff800, 0, -2048)                /* imm sign-extends */
  TEST_RI(15, addi, 0x7fffffff, 0x80000000, -1)
  TEST_RI(16, addi, 0x80000000, 0x7fffffff, 1)
  TEST_RI_RD_RS1(17, addi, 24, 13, 11)
  TEST_RI_X0_RD(18, addi, 33, 50)
  TEST_CASE(19, a3, 0x20, li a3, 7; addi a3, x0, 0x20)  /* li via x0 */

  /* ---- sub ---- */
  TEST_RR(20, sub, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR(21, sub, 0xfffffffc, 0x00000003, 0x00000007)
  TEST_RR(22, sub, 0x7fffffff, 0x80000000, 0x00000001)   /* wraps */
  TEST_RR(23, sub, 0x80000001, 0x00000000, 0x7fffffff)
  TEST_RR_SAME(24, sub, 0, 0x12345678)
  TEST_RR_X0_RS1(25, sub, 0xffffff00, 0x100)
  TEST_RR_X0_RD(26, sub, 5, 3)

  /* ---- and / or / xor and immediates (sign-extended) ---- */
  TEST_RR(27, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(28, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(29, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_SAME(30, and, 0xa5a5a5a5, 0xa5a5a5a5)
  TEST_RR_SAME(31, xor, 0, 0xa5a5a5a5)
  TEST_RR_X0_RD(32, or, 1, 2)
  TEST_RI(33, andi, 0xff00ff00, 0xff00ff00, -1)          /* 0xfff -> all ones */
  TEST_RI(34, andi, 0x00000700, 0xff00ff00, 0x70f)
  TEST_RI(35, ori,  0xfffff80f, 0x0000000f, -2048)
  TEST_RI(36, ori,  0x00ff07ff, 0x00ff0000, 0x7ff)
  TEST_RI(37, xori, 0x00ff0f00, 0xff00f00f, -0xf1)  /* imm 0xf0f: sign-extends */
  TEST_RI(38, xori, 0xff00f0f0, 0xff00f00f, 0x0ff)
  TEST_RI(39, xori, 0x00ff0ff0, 0xff00f00f, -1)          /* xori -1 is not */

  /* ---- slt / sltu / slti / sltiu ---- */
  TEST_RR(40, slt,  1, 0xffffffff, 0x00000001)           /* -1 < 1 */
  TEST_RR(41, slt,  0, 0x00000001, 0xffffffff)
  TEST_RR(42, slt,  1, 0x80000000, 0x7fffffff)
  TEST_RR(43, slt,  0, 0x7fffffff, 0x7fffffff)
  TEST_RR(44, sltu, 0, 0xffffffff, 0x00000001)           /* 0xffffffff > 1 */
  TEST_RR(45, sltu, 1, 0x00000001, 0xffffffff)
  TEST_RR(46, sltu, 0, 0x80000000, 0x7fffffff)
  TEST_RR(47, sltu, 0, 5, 5)
  TEST_RR_X0_RS1(48, sltu, 1, 7)                         /* snez */
  TEST_RR_X0_RS1(49, sltu, 0, 0)
  TEST_RI(50, slti, 1, 0x80000000, 0)
  TEST_RI(51, slti, 0, 0x00000000, -2048)
  TEST_RI(52, slti, 1, 0xfffff7ff, -2048)
  TEST_RI(53, slti, 0, 0x000007ff, 0x7ff)
  TEST_RI(54, sltiu, 1, 0x00000000, -1)                  /* imm sign-extends, then unsigned */
  TEST_RI(55, sltiu, 0, 0xffffffff, -1)
  TEST_RI(56, sltiu, 1, 0xfffffffe, -1)
  TEST_RI(57, sltiu, 1, 0, 1)                            /* seqz */
  TEST_RI(58, sltiu, 0, 0x80000000, 0x7ff)
  TEST_RI_X0_RD(59, slti, 0, 1)

  /* ---- shifts: amount is rs2[4:0]; by 0 and by 31 ---- */
  TEST_RR(60, sll, 0x80000001, 0x80000001, 0)
  TEST_RR(61, sll, 0x00000002, 0x00000001, 1)
  TEST_RR(62, sll, 0x80000000, 0x00000001, 31)
  TEST_RR(63, sll, 0x80000000, 0x00000001, 0xffffffdf)   /* only the low 5 bits count */
  TEST_RR(64, sll, 0x23456780, 0x12345678, 36)            /* 36 & 31 = 4 */
  TEST_RR(65, srl, 0x80000000, 0x80000000, 0)
  TEST_RR(66, srl, 0x00000001, 0x80000000, 31)
  TEST_RR(67, srl, 0x01000000, 0x80000000, 7)
  TEST_RR(68, srl, 0x00000001, 0xffffffff, 0xffffffff)
  TEST_RR(69, sra, 0x80000000, 0x80000000, 0)
  TEST_RR(70, sra, 0xffffffff, 0x80000000, 31)           /* sign fills */
  TEST_RR(71, sra, 0xff000000, 0x80000000, 7)
  TEST_RR(72, sra, 0x00ffffff, 0x7fffffff, 7)
  TEST_RR(73, sra, 0xffffffff, 0x81818181, 0xffffffff)
  TEST_RR_SAME(74, sll, 0x00000240, 0x00000024)          /* 0x24 << (36 & 31) */
  TEST_RI(75, slli, 0x80000000, 0x00000001, 31)
  TEST_RI(76, slli, 0x12345678, 0x12345678, 0)
  TEST_RI(77, srli, 0x00000001, 0x80000000, 31)
  TEST_RI(78, srli, 0x0000ffff, 0xffffffff, 16)
  TEST_RI(79, srai, 0xffffffff, 0x80000000, 31)
  TEST_RI(80, srai, 0xffff8000, 0x80000000, 16)
  TEST_RI(81, srai, 0x00007fff, 0x7fffffff, 16)
  TEST_RI_RD_RS1(82, srai, 0xffffff81, 0x81818181, 24)
  TEST_RI_X0_RD(83, slli, 1, 3)
  TEST_RR_X0_RS2(84, sra, 0x81818181, 0x81818181)

  /* ---- lui / auipc (Unprivileged 2.4.1) ---- */
  TEST_CASE(85, a3, 0x00000000, lui a3, 0)
  TEST_CASE(86, a3, 0xfffff000, lui a3, 0xfffff)
  TEST_CASE(87, a3, 0x7ffff000, lui a3, 0x7ffff)
  TEST_CASE(88, a3, 0x80000000, lui a3, 0x80000)
  TEST_CASE(89, a3, 0x12345678, lui a3, 0x12345; addi a3, a3, 0x678)
  TEST_CASE(90, a3, 0x12344800, lui a3, 0x12345; addi a3, a3, -0x800)
  TEST_CASE(91, x0, 0, lui x0, 0xabcde)
  /* auipc adds to its own pc; compare with the pc from jal. */
  TEST_CASE(92, a3, 0, .option push; .option norvc;
            jal a4, 1f; 1: auipc a3, 0; sub a3, a3, a4; .option pop)
  TEST_CASE(93, a3, 0x1000, .option push; .option norvc;
            jal a4, 1f; 1: auipc a3, 1; sub a3, a3, a4; .option pop)
  TEST_CASE(94, a3, 0x80000000, .option push; .option norvc;
            jal a4, 1f; 1: auipc a3, 0x80000; sub a3, a3, a4; .option pop)
  TEST_CASE(95, a3, 0, la a3, 1f; 1: auipc a4, 0; sub a3, a3, a4)
  /* auipc/lui writing x0 has no effect. */
  TEST_CASE(96, x0, 0, auipc x0, 0x12345)

TEST_END
