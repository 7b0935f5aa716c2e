/*
 * Trap entries for sv32.c.
 *
 * m_trap_entry (mtvec): ecalls from S-mode. mscratch holds the top of the
 * M-mode stack; `csrrw sp, mscratch, sp` switches to it and parks S-mode's
 * sp in mscratch. M-mode does not translate addresses (satp applies only to
 * S and U, and mstatus.MPRV is 0), so its stack is a physical address.
 *
 * s_trap_entry (stvec): the page faults medeleg hands to S-mode. They come
 * from S-mode itself, so the frame simply goes on the current stack.
 *
 * Both call a C handler with the frame, which may change the saved pc
 * (to skip an instruction) before the registers are restored.
 */
#include "sv32.h"

	.file	"trap.S"
	.option arch, +zicsr

/* Saves x1 and x3..x31 into the frame at sp; x2 (sp) is saved by the caller of this macro. */
.macro SAVE_REGS
	sw	x1, 1*4(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sw	x\n, \n*4(sp)
	.endr
.endm

/* Restores x1 and x3..x31 from the frame at sp. */
.macro RESTORE_REGS
	lw	x1, 1*4(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	lw	x\n, \n*4(sp)
	.endr
.endm

	.section .text.trap, "ax", @progbits

	.balign 4
	.globl m_trap_entry
m_trap_entry:
	csrrw	sp, mscratch, sp	/* sp = M stack, mscratch = S-mode sp */
	addi	sp, sp, -FRAME_SIZE
	SAVE_REGS
	csrr	t0, mscratch
	sw	t0, 2*4(sp)
	csrr	t0, mepc
	sw	t0, FRAME_PC(sp)
	mv	a0, sp
	call	m_trap
	lw	t0, FRAME_PC(sp)
	csrw	mepc, t0
	lw	t0, 2*4(sp)
	csrw	mscratch, t0		/* mscratch = S-mode sp ... */
	RESTORE_REGS
	addi	sp, sp, FRAME_SIZE
	csrrw	sp, mscratch, sp	/* ... swapped back: sp = S-mode sp, mscratch = M stack top */
	mret

	.balign 4
	.globl s_trap_entry
s_trap_entry:
	addi	sp, sp, -FRAME_SIZE
	SAVE_REGS
	addi	t0, sp, FRAME_SIZE	/* sp before the trap */
	sw	t0, 2*4(sp)
	csrr	t0, sepc
	sw	t0, FRAME_PC(sp)
	mv	a0, sp
	call	s_trap
	lw	t0, FRAME_PC(sp)
	csrw	sepc, t0
	RESTORE_REGS
	addi	sp, sp, FRAME_SIZE
	sret
