/*
 * rv32uc_illegal: reserved RVC encodings raise illegal instruction
 * (Unprivileged spec 16.x tables; Privileged spec 3.1.16: mtval holds the
 * faulting instruction, here its 16 bits). 0x0000 is defined illegal so that
 * zeroed memory never executes. Also the F-extension compressed loads and
 * stores, which do not exist on RV32IMAC, and c.srli/c.srai/c.slli with
 * shamt[5] = 1, which RV32C reserves.
 */
#include "test.h"

/* Case n: the halfword `bits` must trap as illegal with mtval = bits. */
#define TEST_ILLEGAL16(n, bits)                                         \
        TEST_TRAP(n, CAUSE_ILLEGAL_INSTRUCTION, 1: .half bits);         \
        CHECK_MEPC(1b); CHECK_MTVAL(bits)

TEST_BEGIN

  TEST_ILLEGAL16(2,  0x0000)   /* all zeros */
  TEST_ILLEGAL16(3,  0x0008)   /* c.addi4spn a0, sp, 0: nzuimm = 0 reserved */
  TEST_ILLEGAL16(4,  0x6101)   /* c.addi16sp sp, 0: nzimm = 0 reserved */
  TEST_ILLEGAL16(5,  0x6501)   /* c.lui a0, 0: nzimm = 0 reserved */
  TEST_ILLEGAL16(6,  0x4002)   /* c.lwsp x0: rd = 0 reserved */
  TEST_ILLEGAL16(7,  0x8002)   /* c.jr x0: rs1 = 0 reserved */
  TEST_ILLEGAL16(8,  0x6008)   /* c.flw: no F */
  TEST_ILLEGAL16(9,  0xe008)   /* c.fsw: no F */
  TEST_ILLEGAL16(10, 0x6502)   /* c.flwsp: no F */
  TEST_ILLEGAL16(11, 0xe002)   /* c.fswsp: no F */
  TEST_ILLEGAL16(12, 0x2008)   /* c.fld: no D */
  TEST_ILLEGAL16(13, 0x9005)   /* c.srli s0, 33: shamt[5] = 1 reserved on RV32 */
  TEST_ILLEGAL16(14, 0x9405)   /* c.srai s0, 33 */
  TEST_ILLEGAL16(15, 0x1506)   /* c.slli a0, 33 */
  /* quadrant 0, funct3 100 is reserved */
  TEST_ILLEGAL16(16, 0x8000)

  /* HINTs are not illegal: c.nop with an immediate, c.li/c.mv/c.add to x0 */
  TEST_CASE(17, a0, 7, li a0, 7; .half 0x0005; .half 0x4005; .half 0x802a; .half 0x902a)

TEST_END
