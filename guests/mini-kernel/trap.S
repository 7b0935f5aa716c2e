/*
 * The kernel's trap entry and exit (mtvec in direct mode points here).
 *
 * While a task runs, mscratch holds the address of its trap frame. On a
 * trap, `csrrw t6, mscratch, t6` swaps that address into t6 and parks the
 * task's t6 in mscratch, so every general register can be saved without
 * first needing a free one. The kernel then runs on its own stack, and
 * kernel_trap (kernel.c) returns the frame of the task to resume, which may
 * be a different one: that is the context switch.
 */
#include "kernel.h"

	.file	"trap.S"
	.option arch, +zicsr

	.section .text.trap, "ax", @progbits
	.balign 4
	.globl kernel_trap_entry
kernel_trap_entry:
	csrrw	t6, mscratch, t6	/* t6 = frame, mscratch = the task's t6 */
	sw	x1, 1*4(t6)
	sw	x2, 2*4(t6)
	sw	x3, 3*4(t6)
	sw	x4, 4*4(t6)
	sw	x5, 5*4(t6)
	sw	x6, 6*4(t6)
	sw	x7, 7*4(t6)
	sw	x8, 8*4(t6)
	sw	x9, 9*4(t6)
	sw	x10, 10*4(t6)
	sw	x11, 11*4(t6)
	sw	x12, 12*4(t6)
	sw	x13, 13*4(t6)
	sw	x14, 14*4(t6)
	sw	x15, 15*4(t6)
	sw	x16, 16*4(t6)
	sw	x17, 17*4(t6)
	sw	x18, 18*4(t6)
	sw	x19, 19*4(t6)
	sw	x20, 20*4(t6)
	sw	x21, 21*4(t6)
	sw	x22, 22*4(t6)
	sw	x23, 23*4(t6)
	sw	x24, 24*4(t6)
	sw	x25, 25*4(t6)
	sw	x26, 26*4(t6)
	sw	x27, 27*4(t6)
	sw	x28, 28*4(t6)
	sw	x29, 29*4(t6)
	sw	x30, 30*4(t6)
	csrr	t5, mscratch		/* the task's t6 (x31) */
	sw	t5, 31*4(t6)
	csrr	t5, mepc		/* where the task was: the trapping instruction, or the next one to run */
	sw	t5, FRAME_PC(t6)

	/*
	 * The kernel's own context, never trusting the task's registers: its
	 * stack, gp for linker-relaxed global accesses, and tp for picolibc's
	 * thread-local data (errno), as crt0 set it up (kernel_tp, kernel.c).
	 */
	la	sp, kernel_stack_top
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	lw	tp, kernel_tp
	mv	a0, t6
	call	kernel_trap		/* a0 = the frame to resume */

/* kernel_resume(frame): restores a task's registers from `frame` and returns to it with mret. */
	.globl kernel_resume
kernel_resume:
	csrw	mscratch, a0		/* for the next trap */
	lw	t5, FRAME_PC(a0)
	csrw	mepc, t5		/* mret jumps to mepc in the privilege mode mstatus.MPP names (U) */
	mv	t6, a0
	lw	x1, 1*4(t6)
	lw	x2, 2*4(t6)
	lw	x3, 3*4(t6)
	lw	x4, 4*4(t6)
	lw	x5, 5*4(t6)
	lw	x6, 6*4(t6)
	lw	x7, 7*4(t6)
	lw	x8, 8*4(t6)
	lw	x9, 9*4(t6)
	lw	x10, 10*4(t6)
	lw	x11, 11*4(t6)
	lw	x12, 12*4(t6)
	lw	x13, 13*4(t6)
	lw	x14, 14*4(t6)
	lw	x15, 15*4(t6)
	lw	x16, 16*4(t6)
	lw	x17, 17*4(t6)
	lw	x18, 18*4(t6)
	lw	x19, 19*4(t6)
	lw	x20, 20*4(t6)
	lw	x21, 21*4(t6)
	lw	x22, 22*4(t6)
	lw	x23, 23*4(t6)
	lw	x24, 24*4(t6)
	lw	x25, 25*4(t6)
	lw	x26, 26*4(t6)
	lw	x27, 27*4(t6)
	lw	x28, 28*4(t6)
	lw	x29, 29*4(t6)
	lw	x30, 30*4(t6)
	lw	x31, 31*4(t6)		/* t6 last: it held the frame address */
	mret

	.section .bss.kernel_stack, "aw", @nobits
	.balign 16
kernel_stack:
	.space 8192
kernel_stack_top:
