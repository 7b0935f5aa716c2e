/*
 * sv32: shared between sv32.c and trap.S: the trap frame layout and the
 * calls S-mode makes to M-mode with `ecall` (a tiny SBI of our own).
 */
#ifndef SV32_H
#define SV32_H

/* ecall from S-mode: number in a7, arguments in a0..a1 (the calling convention of the SBI spec). */
#define SBI_PUTS 0x100 /* a0 = string, a1 = length: print it */
#define SBI_EXIT 0x101 /* a0 = status: power off */

/* Trap frame: x1..x31 at 4*n, then the pc (mepc or sepc). */
#define FRAME_PC 128
#define FRAME_SIZE 144 /* 132 rounded up to keep sp 16-byte aligned */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
  uint32_t x[32];
  uint32_t pc;
  uint32_t pad[3];
};
_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "trap.S depends on this layout");
#endif

#endif
