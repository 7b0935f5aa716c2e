/*
 * uart-echo: an interrupt-driven NS16550A driver. Prints a banner on the
 * UART, then echoes every received byte transformed (letters uppercased,
 * '\r' as "\r\n", other control bytes as ^X), until it receives 'q' or EOT
 * (0x04, Ctrl-D); then it powers the board off with the SiFive test
 * finisher. It uses no semihosting at all: only the UART, the PLIC, the
 * finisher, and machine external interrupts.
 *
 * The receive path: a byte arrives -> the UART raises its interrupt line
 * (IER.RDA, "received data available") -> PLIC source 10 becomes pending ->
 * context 0 (hart 0, M-mode) has it enabled and its priority (1) is above
 * the threshold (0) -> mip.MEIP -> trap with mcause = 0x8000000b -> the
 * handler claims the source, drains the RX FIFO into a ring buffer, and
 * completes the source.
 */
#include <stdint.h>

#include "../common/csr.h"
#include "../common/virt.h"

#define HART 0u
#define PLIC_CTX PLIC_CTX_M(HART)
#define UART_PRIORITY 1u
#define RING_SIZE 64u /* a power of two: indices wrap with a mask */
#define EOT 0x04

static inline uint8_t uart_read(uint32_t reg) { return mmio_read8(VIRT_UART0_BASE + reg); }
static inline void uart_write(uint32_t reg, uint8_t v) { mmio_write8(VIRT_UART0_BASE + reg, v); }

/* ---- the ring buffer between the interrupt handler (producer) and main (consumer) ---- */

static volatile uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head; /* written only by the handler */
static volatile uint32_t ring_tail; /* written only by main */
static volatile uint32_t rx_paused; /* the handler turned IER.RDA off because the ring was full */

/* ---- UART ---- */

static void uart_init(void) {
  uart_write(UART_IER, 0);                          /* no interrupts while configuring */
  uart_write(UART_LCR, UART_LCR_DLAB);              /* expose the divisor latch at +0/+1 */
  uart_write(UART_DLL, 1);                          /* divisor 1; QEMU ignores the baud rate */
  uart_write(UART_DLM, 0);
  uart_write(UART_LCR, UART_LCR_8N1);               /* 8 data bits, no parity, 1 stop bit, DLAB off */
  /*
   * FCR (+2) stays 0: FIFOs off, so the UART holds one received byte in RBR
   * and the host side (QEMU's chardev, Retrovisor's console) keeps the rest
   * until RBR is read. Turning the FIFOs on resets them on QEMU, which
   * silently drops a byte that arrived before this point (QEMU starts
   * delivering piped input before the first guest instruction), and
   * draining RBR first would still leave a window between the read and the
   * FCR write.
   */
  uart_write(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

/* Polled transmit: wait for LSR.THRE (transmit holding register empty), then write THR. */
static void uart_putc(char c) {
  while ((uart_read(UART_LSR) & UART_LSR_THRE) == 0) {
  }
  uart_write(UART_THR, (uint8_t)c);
}

static void uart_puts(const char *s) {
  while (*s) uart_putc(*s++);
}

static void uart_put_decimal(uint32_t v) {
  char digits[10];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0) uart_putc(digits[--n]);
}

/* ---- PLIC ---- */

static void plic_init(void) {
  mmio_write32(PLIC_PRIORITY(VIRT_UART0_IRQ), UART_PRIORITY); /* +4*10 */
  mmio_write32(PLIC_THRESHOLD(PLIC_CTX), 0);                  /* +0x200000: let every priority > 0 through */
  mmio_write32(PLIC_ENABLE(PLIC_CTX, VIRT_UART0_IRQ / 32), 1u << (VIRT_UART0_IRQ % 32)); /* +0x2000 */
}

/* ---- the finisher ---- */

static void __attribute__((noreturn)) power_off(uint32_t status) {
  mmio_write32(VIRT_TEST_BASE, status == 0 ? TEST_FINISHER_PASS : (status << 16) | TEST_FINISHER_FAIL);
  for (;;) wfi(); /* not reached: the write stops the machine */
}

/* ---- interrupts ---- */

/* Moves bytes from the RX FIFO into the ring; when the ring is full, stops RX interrupts instead. */
static void uart_rx_interrupt(void) {
  while (uart_read(UART_LSR) & UART_LSR_DR) {
    if (ring_head - ring_tail == RING_SIZE) {
      /* Leave the rest in the FIFO; with IER.RDA off the UART lowers its line. Main turns it back on. */
      rx_paused = 1;
      uart_write(UART_IER, 0);
      return;
    }
    ring[ring_head % RING_SIZE] = uart_read(UART_RBR); /* reading RBR pops the FIFO */
    ring_head++;
  }
}

/* mtvec in direct mode: every trap comes here. */
static void __attribute__((interrupt("machine"), aligned(4))) trap_handler(void) {
  uint32_t cause = csr_read(mcause);
  if (cause == (MCAUSE_INTERRUPT | IRQ_M_EXT)) {
    uint32_t source;
    /* Claim (+0x200004) returns the highest-priority pending source and clears its pending bit; 0 = none. */
    while ((source = mmio_read32(PLIC_CLAIM(PLIC_CTX))) != 0) {
      if (source == VIRT_UART0_IRQ) uart_rx_interrupt();
      mmio_write32(PLIC_CLAIM(PLIC_CTX), source); /* complete: the gateway may forward the source again */
    }
    return;
  }
  uart_puts("\nuart-echo: unexpected trap, mcause=");
  uart_put_decimal(cause);
  uart_puts("\n");
  power_off(1);
}

/* Takes one byte from the ring, sleeping until there is one (see timer.c's wait_until for the wfi idiom). */
static uint8_t ring_get(void) {
  for (;;) {
    csr_clear(mstatus, MSTATUS_MIE);
    if (ring_head != ring_tail) break;
    wfi(); /* wakes on a pending, mie-enabled interrupt even with mstatus.MIE = 0 */
    csr_set(mstatus, MSTATUS_MIE);
  }
  uint8_t c = ring[ring_tail % RING_SIZE];
  ring_tail++;
  if (rx_paused) {
    rx_paused = 0;
    uart_write(UART_IER, UART_IER_RDA); /* room again: the UART re-raises its line if bytes are waiting */
  }
  csr_set(mstatus, MSTATUS_MIE);
  return c;
}

/* The transformation: letters uppercased, CR as CR LF, other control bytes as ^X. */
static void echo(uint8_t c) {
  if (c >= 'a' && c <= 'z') {
    uart_putc((char)(c - 'a' + 'A'));
  } else if (c == '\r') {
    uart_puts("\r\n");
  } else if (c < 0x20 && c != '\n' && c != '\t') {
    uart_putc('^');
    uart_putc((char)(c + '@'));
  } else {
    uart_putc((char)c);
  }
}

int main(void) {
  uart_init();
  plic_init();
  csr_write(mtvec, (uint32_t)(uintptr_t)trap_handler | TVEC_DIRECT);
  uart_puts("uart-echo: type text; it comes back uppercased. 'q' or Ctrl-D quits.\n");

  uart_write(UART_IER, UART_IER_RDA); /* +1: interrupt when a byte has arrived */
  csr_set(mie, MIP_MEIP);
  csr_set(mstatus, MSTATUS_MIE);

  uint32_t echoed = 0;
  uint8_t c;
  while ((c = ring_get()) != 'q' && c != EOT) {
    echo(c);
    echoed++;
  }
  uart_puts("uart-echo: got ");
  uart_puts(c == 'q' ? "'q'" : "EOT");
  uart_puts(" after ");
  uart_put_decimal(echoed);
  uart_puts(" bytes, powering off\n");
  power_off(0);
}
