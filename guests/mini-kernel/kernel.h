/*
 * mini-kernel: what the M-mode kernel (kernel.c, trap.S) and the U-mode
 * tasks (tasks.c) agree on: the system-call ABI and the trap frame.
 */
#ifndef MINI_KERNEL_H
#define MINI_KERNEL_H

/*
 * System calls: `ecall` from U-mode with the number in a7 and arguments in
 * a0..a1; the result comes back in a0 (negative = -errno), like Linux.
 */
#define SYS_WRITE 1  /* a0 = buffer, a1 = length -> bytes written */
#define SYS_YIELD 2  /* give up the rest of the time slice -> 0 */
#define SYS_GETID 3  /* -> the calling task's id */
#define SYS_EXIT 4   /* a0 = status; does not return */
#define ERR_NOSYS 38 /* ENOSYS: no such system call */
#define ERR_FAULT 14 /* EFAULT: the buffer is outside the task's memory */

/* Trap frame offsets, used by trap.S: x1..x31 at 4*n, then the pc (mepc). x0's slot is unused. */
#define FRAME_PC 128
#define FRAME_SIZE 132

#ifndef __ASSEMBLER__
#include <stdint.h>

/* A task's registers while it is not running. The kernel keeps the running task's frame in mscratch. */
struct trap_frame {
  uint32_t x[32];
  uint32_t pc;
};
_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "trap.S depends on this layout");

/* The tasks' entry points (tasks.c); both run in U-mode. */
void producer_task(void);
void consumer_task(void);
/* Where a task's entry function returns to: exits with status 0. */
void task_returned(void);
#endif

#endif
