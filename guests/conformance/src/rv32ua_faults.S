/*
 * rv32ua_faults: exceptions from LR/SC and AMOs. They need naturally aligned
 * addresses (Unprivileged spec 8.2 and 8.4), so Retrovisor raises
 * address-misaligned: load address misaligned (cause 4) for lr.w, store/AMO
 * address misaligned (cause 6) for sc.w and every AMO, with mtval = the
 * address, mepc = the instruction, and memory untouched. An AMO at an
 * unmapped address is a store/AMO access fault (cause 7, Privileged spec
 * 3.1.15: AMOs report store exceptions).
 */
#include "test.h"

/* Case n: `inst` at data + off must trap with cause and mtval = address. */
#define TEST_AMO_MISALIGNED(n, inst, off)                               \
        li TESTNUM, n; CLEAR_TRAP; ARM_TRAP(1f);                        \
        la a1, data + off; li a2, -1; 2: inst a3, a2, (a1); j fail;     \
        1: CHECK_MCAUSE(CAUSE_MISALIGNED_STORE); CHECK_MEPC(2b);        \
        CHECK_MTVAL_LABEL(data + off);                                  \
        la a1, data; lw a4, 0(a1); CHECK(a4, 0x01020304);               \
        lw a4, 4(a1); CHECK(a4, 0x05060708)

TEST_BEGIN

  TEST_TRAP(2, CAUSE_MISALIGNED_LOAD, la a1, data + 1; 1: lr.w a3, (a1))
  CHECK_MEPC(1b)
  CHECK_MTVAL_LABEL(data + 1)
  TEST_TRAP(3, CAUSE_MISALIGNED_LOAD, la a1, data + 2; 1: lr.w a3, (a1))
  CHECK_MTVAL_LABEL(data + 2)

  TEST_AMO_MISALIGNED(4,  amoswap.w, 1)
  TEST_AMO_MISALIGNED(5,  amoadd.w,  2)
  TEST_AMO_MISALIGNED(6,  amoxor.w,  3)
  TEST_AMO_MISALIGNED(7,  amoand.w,  1)
  TEST_AMO_MISALIGNED(8,  amoor.w,   2)
  TEST_AMO_MISALIGNED(9,  amomin.w,  3)
  TEST_AMO_MISALIGNED(10, amomax.w,  1)
  TEST_AMO_MISALIGNED(11, amominu.w, 2)
  TEST_AMO_MISALIGNED(12, amomaxu.w, 3)

  /* sc.w: misaligned traps even with no reservation (checked before it) */
  TEST_AMO_MISALIGNED(13, sc.w, 2)
  /* ...and with a reservation on the aligned word below */
  li TESTNUM, 14
  la a1, data
  lr.w a4, (a1)
  TEST_AMO_MISALIGNED(15, sc.w, 1)

  /* access faults: lr.w is a load, every AMO a store */
  TEST_TRAP(16, CAUSE_LOAD_ACCESS, li a1, 0; lr.w a2, (a1))
  CHECK_MTVAL(0)
  TEST_TRAP(17, CAUSE_STORE_ACCESS, li a1, 0x40; amoadd.w a2, a2, (a1))
  CHECK_MTVAL(0x40)
  TEST_TRAP(18, CAUSE_STORE_ACCESS, li a1, 0x44; amoswap.w a2, a2, (a1))
  CHECK_MTVAL(0x44)
  TEST_TRAP(19, CAUSE_STORE_ACCESS, li a1, 0x48; amomaxu.w x0, a2, (a1))
  CHECK_MTVAL(0x48)

TEST_END

  .data
  .balign 8
data: .word 0x01020304, 0x05060708
