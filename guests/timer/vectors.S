/*
 * The vector table for timer.c. With mtvec.MODE = 1 (vectored, Privileged
 * spec 3.1.7) a synchronous exception jumps to BASE and interrupt cause n
 * jumps to BASE + 4*n, so entry n must be exactly one 4-byte instruction:
 * `.option norvc` stops the assembler from compressing `j` to the 2-byte
 * c.j, which would shift every later entry.
 *
 * BASE must be 4-byte aligned; 64 is what some cores require, so use that.
 */
	.file	"vectors.S"
	.section .text.vectors, "ax", @progbits
	.option push
	.option norvc
	.balign 64
	.globl timer_vector_table
timer_vector_table:
	j	exception_handler	/* 0: synchronous exceptions (mcause bit 31 clear) */
	j	unexpected_interrupt	/* 1: supervisor software */
	j	unexpected_interrupt	/* 2: reserved */
	j	software_isr		/* 3: machine software (CLINT msip) */
	j	unexpected_interrupt	/* 4: user timer (reserved) */
	j	unexpected_interrupt	/* 5: supervisor timer */
	j	unexpected_interrupt	/* 6: reserved */
	j	timer_isr		/* 7: machine timer (CLINT mtimecmp) */
	j	unexpected_interrupt	/* 8: reserved */
	j	unexpected_interrupt	/* 9: supervisor external */
	j	unexpected_interrupt	/* 10: reserved */
	j	unexpected_interrupt	/* 11: machine external (PLIC) */
	.option pop
