/*
 * zifencei: self-modifying code (Unprivileged spec chapter 6, "Zifencei"):
 * after instructions are stored to memory, fence.i makes the new bytes the
 * ones that execute. Covers a routine rewritten in a data buffer, a 16-bit
 * instruction patched with sh, and an instruction patched in the running
 * code stream just ahead of the pc.
 */
#include "test.h"

/* Copy the 32-bit word at label src to label dst (a4/a5 scratch). */
#define COPY_WORD(dst, src) la a4, src; lw a5, 0(a4); la a4, dst; sw a5, 0(a4)
#define COPY_HALF(dst, src) la a4, src; lhu a5, 0(a4); la a4, dst; sh a5, 0(a4)

TEST_BEGIN

  /* a routine built in a buffer, then rewritten */
  TEST_CASE(2, a0, 11,
            COPY_WORD(code_buf, add_one); COPY_WORD(code_buf + 4, return);
            fence.i; li a0, 10; la a1, code_buf; jalr a1)
  TEST_CASE(3, a0, 12,
            COPY_WORD(code_buf, add_two); fence.i; li a0, 10; la a1, code_buf; jalr a1)
  /* a compressed instruction patched in place with a halfword store */
  TEST_CASE(4, a0, 15,
            COPY_HALF(code_buf, c_add_five); COPY_HALF(code_buf + 2, c_nop); fence.i;
            li a0, 10; la a1, code_buf; jalr a1)
  TEST_CASE(5, a0, 16,
            COPY_HALF(code_buf + 2, c_add_one); fence.i; li a0, 10; la a1, code_buf; jalr a1)

  /* the instruction at patch_site is rewritten just before it runs */
  TEST_CASE(6, a0, 100,
            li a0, 0; COPY_WORD(patch_site, set_100); fence.i;
            
            .option push; .option norvc; patch_site: li a0, 1; .option pop)

  /* run the same buffer many times between patches (a cached decode must follow) */
  TEST_CASE(7, a0, 42,
            COPY_WORD(code_buf, add_one); COPY_WORD(code_buf + 4, return); fence.i;
            li a0, 0; li s1, 22; la a1, code_buf;
            1: jalr a1; addi s1, s1, -1; bnez s1, 1b;
            COPY_WORD(code_buf, add_two); fence.i; li s1, 10;
            2: jalr a1; addi s1, s1, -1; bnez s1, 2b)

  j done

  /* templates (never executed here) */
  .option push
  .option norvc
  .balign 4
add_one: addi a0, a0, 1
add_two: addi a0, a0, 2
set_100: li a0, 100
return:  ret
  .option rvc
c_add_five: c.addi a0, 5
c_add_one:  c.addi a0, 1
c_nop:      c.nop
  .option pop
  .balign 4
done:
TEST_END

  .data
  .balign 16
code_buf: .space 64
