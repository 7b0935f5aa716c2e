/*
 * The QEMU `virt` board (hw/riscv/virt.c in QEMU 7.2) as the guests see it,
 * and as Retrovisor mirrors it. Every device register a guest touches is
 * named here with its offset, so the programs read like the data sheets.
 */
#ifndef GUEST_VIRT_H
#define GUEST_VIRT_H

#include <stdint.h>

/* Volatile 8- and 32-bit MMIO accessors: device registers must not be cached or merged. */
static inline uint8_t mmio_read8(uintptr_t addr) { return *(volatile uint8_t *)addr; }
static inline void mmio_write8(uintptr_t addr, uint8_t v) { *(volatile uint8_t *)addr = v; }
static inline uint32_t mmio_read32(uintptr_t addr) { return *(volatile uint32_t *)addr; }
static inline void mmio_write32(uintptr_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }

/* ---- RAM ---- */
#define VIRT_DRAM_BASE 0x80000000u

/* ---- SiFive test finisher, 0x0010_0000 (QEMU hw/misc/sifive_test.c) ---- */
#define VIRT_TEST_BASE 0x00100000u
#define TEST_FINISHER_PASS 0x5555u /* power off, exit status 0 */
#define TEST_FINISHER_FAIL 0x3333u /* power off, exit status = bits 31..16 */
#define TEST_FINISHER_RESET 0x7777u

/* ---- Goldfish RTC, 0x0010_1000, PLIC source 11 (Android goldfish RTC spec) ---- */
#define VIRT_RTC_BASE 0x00101000u
#define RTC_TIME_LOW 0x00u  /* ns since the epoch, bits 31..0; reading it latches TIME_HIGH */
#define RTC_TIME_HIGH 0x04u /* bits 63..32, as latched by the last TIME_LOW read */
#define VIRT_RTC_IRQ 11u

/* ---- CLINT, 0x0200_0000 (SiFive core-local interruptor) ---- */
#define VIRT_CLINT_BASE 0x02000000u
#define CLINT_MSIP(hart) (VIRT_CLINT_BASE + 0x0000u + 4u * (hart))         /* bit 0 = mip.MSIP */
#define CLINT_MTIMECMP_LO(hart) (VIRT_CLINT_BASE + 0x4000u + 8u * (hart))
#define CLINT_MTIMECMP_HI(hart) (VIRT_CLINT_BASE + 0x4004u + 8u * (hart))
#define CLINT_MTIME_LO (VIRT_CLINT_BASE + 0xbff8u)
#define CLINT_MTIME_HI (VIRT_CLINT_BASE + 0xbffcu)
/* mtime counts at the device tree's timebase-frequency: 10 MHz on virt. */
#define VIRT_TIMEBASE_HZ 10000000u

/* ---- PLIC, 0x0c00_0000 (RISC-V PLIC specification 1.0.0) ---- */
#define VIRT_PLIC_BASE 0x0c000000u
#define PLIC_PRIORITY(src) (VIRT_PLIC_BASE + 4u * (src))                 /* 0 = never interrupts */
#define PLIC_PENDING(word) (VIRT_PLIC_BASE + 0x1000u + 4u * (word))
/* Contexts on virt: 2*hart = that hart's M-mode, 2*hart+1 = its S-mode. */
#define PLIC_CTX_M(hart) (2u * (hart))
#define PLIC_CTX_S(hart) (2u * (hart) + 1u)
#define PLIC_ENABLE(ctx, word) (VIRT_PLIC_BASE + 0x2000u + 0x80u * (ctx) + 4u * (word))
#define PLIC_THRESHOLD(ctx) (VIRT_PLIC_BASE + 0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx) (VIRT_PLIC_BASE + 0x200004u + 0x1000u * (ctx)) /* read = claim, write = complete */

/* ---- NS16550A UART, 0x1000_0000, PLIC source 10, one byte per register ---- */
#define VIRT_UART0_BASE 0x10000000u
#define VIRT_UART0_IRQ 10u
#define UART_RBR 0u /* receive buffer (read, DLAB=0) */
#define UART_THR 0u /* transmit holding (write, DLAB=0) */
#define UART_DLL 0u /* divisor latch low (DLAB=1) */
#define UART_IER 1u /* interrupt enable (DLAB=0) */
#define UART_DLM 1u /* divisor latch high (DLAB=1) */
#define UART_IIR 2u /* interrupt identification (read) */
#define UART_FCR 2u /* FIFO control (write) */
#define UART_LCR 3u /* line control; bit 7 = DLAB */
#define UART_MCR 4u /* modem control */
#define UART_LSR 5u /* line status */

#define UART_IER_RDA 0x01u   /* interrupt when received data is available */
#define UART_FCR_ENABLE 0x01u
#define UART_FCR_CLEAR_RX 0x02u
#define UART_FCR_CLEAR_TX 0x04u
#define UART_LCR_8N1 0x03u
#define UART_LCR_DLAB 0x80u
#define UART_MCR_DTR 0x01u
#define UART_MCR_RTS 0x02u
#define UART_MCR_OUT2 0x08u  /* gates the IRQ line on PC-style boards */
#define UART_LSR_DR 0x01u    /* data ready: RBR / the RX FIFO holds a byte */
#define UART_LSR_THRE 0x20u  /* THR empty: a byte may be written */

#endif
