/*
 * timer: CLINT timer interrupts through a vectored mtvec.
 *
 *  1. Installs timer_vector_table (vectors.S) in mtvec with MODE = 1.
 *  2. Executes `ecall` in M-mode: a synchronous exception, so it must arrive
 *     at BASE + 0 (vector 0) with mcause = 11; the handler skips it.
 *  3. Raises a machine software interrupt by writing 1 to the hart's CLINT
 *     msip word (+0x0000): it must arrive at BASE + 4*3.
 *  4. Arms the timer (mtimecmp, +0x4000/+0x4004) every TICK_INTERVAL timebase
 *     ticks; each machine timer interrupt arrives at BASE + 4*7, counts one
 *     tick and re-arms. Main sleeps in wfi until it has seen N ticks.
 *
 * The output never depends on how fast time passes: main prints "tick k"
 * once at least k ticks happened, and the handler stops re-arming after N
 * ticks, so the final count is exactly N on any machine.
 *
 * usage: timer [ticks]   (default 10; ticks are 1 ms of mtime apart)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/args.h"
#include "../common/csr.h"
#include "../common/virt.h"

#define DEFAULT_TICKS 10u
#define TICK_INTERVAL (VIRT_TIMEBASE_HZ / 1000u) /* 1 ms at the 10 MHz timebase */
#define HART 0u

extern char timer_vector_table[];

static volatile uint32_t ticks;        /* timer interrupts taken */
static volatile uint32_t tick_limit;   /* stop re-arming after this many */
static volatile uint32_t wrong_cause;  /* interrupts whose mcause did not match their vector */
static volatile uint32_t soft_interrupts;
static volatile uint32_t ecalls;
static uint64_t next_deadline;

/* mtime is 64 bits but RV32 reads 32 at a time: re-read if the high word changed meanwhile. */
static uint64_t read_mtime(void) {
  uint32_t hi, lo;
  do {
    hi = mmio_read32(CLINT_MTIME_HI);
    lo = mmio_read32(CLINT_MTIME_LO);
  } while (hi != mmio_read32(CLINT_MTIME_HI));
  return (uint64_t)hi << 32 | lo;
}

/*
 * Writes mtimecmp without a spurious interrupt in between (Privileged spec
 * 3.2.1): first make the low word maximal so the intermediate value is never
 * below the old or the new deadline, then write high, then low.
 */
static void write_mtimecmp(uint64_t deadline) {
  mmio_write32(CLINT_MTIMECMP_LO(HART), 0xffffffffu);
  mmio_write32(CLINT_MTIMECMP_HI(HART), (uint32_t)(deadline >> 32));
  mmio_write32(CLINT_MTIMECMP_LO(HART), (uint32_t)deadline);
}

/* Vector 0: synchronous exceptions. Only the deliberate M-mode ecall is expected. */
void __attribute__((interrupt("machine"))) exception_handler(void) {
  uint32_t cause = csr_read(mcause);
  if (cause != EXC_ECALL_M) {
    printf("timer: unexpected exception mcause=%lu mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)cause,
           (unsigned long)csr_read(mepc), (unsigned long)csr_read(mtval));
    exit(1);
  }
  ecalls++;
  csr_write(mepc, csr_read(mepc) + 4); /* ecall is always 4 bytes: resume after it */
}

/* Vector 3: machine software interrupt. Clearing msip (+0x0000) lowers mip.MSIP. */
void __attribute__((interrupt("machine"))) software_isr(void) {
  if (csr_read(mcause) != (MCAUSE_INTERRUPT | IRQ_M_SOFT)) wrong_cause++;
  mmio_write32(CLINT_MSIP(HART), 0);
  soft_interrupts++;
}

/* Vector 7: machine timer interrupt. mip.MTIP stays set until mtimecmp moves past mtime. */
void __attribute__((interrupt("machine"))) timer_isr(void) {
  if (csr_read(mcause) != (MCAUSE_INTERRUPT | IRQ_M_TIMER)) wrong_cause++;
  ticks++;
  if (ticks < tick_limit) {
    /* Next deadline relative to the previous one, not to "now": no drift. */
    next_deadline += TICK_INTERVAL;
    write_mtimecmp(next_deadline);
  } else {
    write_mtimecmp(UINT64_MAX); /* never again; this clears mip.MTIP */
    csr_clear(mie, MIP_MTIP);
  }
}

/* Any other vector: a bug in the hart or in this program. */
void __attribute__((interrupt("machine"))) unexpected_interrupt(void) {
  printf("timer: unexpected interrupt mcause=0x%08lx\n", (unsigned long)csr_read(mcause));
  exit(1);
}

/*
 * Sleeps until *counter >= target without missing a wake-up: interrupts are
 * globally disabled while the condition is checked, and wfi still wakes up
 * for a pending interrupt that is enabled in mie even when mstatus.MIE = 0
 * (Privileged spec 3.3.3). Re-enabling MIE then takes the interrupt. With
 * MIE = 1 during the check, an interrupt arriving between the check and
 * the wfi would be handled there and the wfi could sleep forever.
 */
static void wait_until(volatile uint32_t *counter, uint32_t target) {
  for (;;) {
    csr_clear(mstatus, MSTATUS_MIE);
    if (*counter >= target) break;
    wfi();
    csr_set(mstatus, MSTATUS_MIE);
  }
  csr_set(mstatus, MSTATUS_MIE);
}

int main(int argc, char **argv) {
  tick_limit = (uint32_t)guest_arg_count(argc, argv, 0, DEFAULT_TICKS);

  uint32_t base = (uint32_t)(uintptr_t)timer_vector_table;
  csr_write(mtvec, base | TVEC_VECTORED);
  if (csr_read(mtvec) != (base | TVEC_VECTORED)) {
    printf("timer: this hart does not support vectored mtvec\n");
    return 1;
  }
  printf("timer: mtvec is vectored (MODE=1), table aligned to 64 bytes\n");

  __asm__ volatile("ecall" ::: "memory");
  printf("timer: ecall from M-mode arrived at vector 0 (mcause=11) and resumed, ecalls=%lu\n",
         (unsigned long)ecalls);

  csr_set(mie, MIP_MSIP);
  csr_set(mstatus, MSTATUS_MIE);
  mmio_write32(CLINT_MSIP(HART), 1);
  wait_until(&soft_interrupts, 1);
  csr_clear(mie, MIP_MSIP);
  printf("timer: CLINT msip raised a software interrupt at vector 3, count=%lu\n", (unsigned long)soft_interrupts);

  printf("timer: waiting for %lu ticks, %lu timebase ticks (%lu us) apart\n", (unsigned long)tick_limit,
         (unsigned long)TICK_INTERVAL, (unsigned long)(TICK_INTERVAL / (VIRT_TIMEBASE_HZ / 1000000u)));
  next_deadline = read_mtime() + TICK_INTERVAL;
  write_mtimecmp(next_deadline);
  csr_set(mie, MIP_MTIP);
  for (uint32_t k = 1; k <= tick_limit; k++) {
    wait_until(&ticks, k);
    printf("tick %lu\n", (unsigned long)k);
  }

  /* The handler disarmed the timer after the last tick: nothing may be pending now. */
  int mtip_clear = (csr_read(mip) & MIP_MTIP) == 0;
  printf("timer: %lu ticks taken, wrong causes %lu, mip.MTIP clear after disarm: %s\n", (unsigned long)ticks,
         (unsigned long)wrong_cause, mtip_clear ? "yes" : "no");
  return (ticks == tick_limit && wrong_cause == 0 && mtip_clear) ? 0 : 1;
}
