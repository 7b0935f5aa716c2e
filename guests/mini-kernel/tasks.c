/*
 * The two U-mode tasks of mini-kernel. They touch no CSR or device and use
 * no C library (picolibc's stdio would end in semihosting calls, which
 * QEMU refuses from U-mode): everything goes through `ecall`.
 *
 * The producer computes a value in four steps, yielding after each, then
 * publishes it through shared memory. The consumer waits for it in a loop
 * that never yields: only a timer interrupt can take the CPU away from it,
 * so the run finishing at all proves that preemption works.
 */
#include <stdint.h>

#include "../common/csr.h"
#include "kernel.h"

#define PRODUCER_STEPS 4
#define WORK_ROUNDS 20000 /* about 200k instructions per step */
#define BOGUS_SYSCALL 99

static volatile uint32_t shared_value;
static volatile uint32_t shared_ready;

/* ---- system call stubs ---- */

static inline int32_t syscall2(uint32_t number, uint32_t arg0, uint32_t arg1) {
  register uint32_t a0 __asm__("a0") = arg0;
  register uint32_t a1 __asm__("a1") = arg1;
  register uint32_t a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  return (int32_t)a0;
}

static int32_t sys_write(const char *buf, uint32_t len) { return syscall2(SYS_WRITE, (uint32_t)(uintptr_t)buf, len); }
static void sys_yield(void) { syscall2(SYS_YIELD, 0, 0); }
static int sys_getid(void) { return syscall2(SYS_GETID, 0, 0); }
static void __attribute__((noreturn)) sys_exit(int status) {
  syscall2(SYS_EXIT, (uint32_t)status, 0);
  for (;;) {
  }
}

/* ---- a line buffer, written with one SYS_WRITE per line ---- */

struct line {
  char text[96];
  uint32_t len;
};

static void put_str(struct line *l, const char *s) {
  while (*s && l->len < sizeof l->text) l->text[l->len++] = *s++;
}

static void put_dec(struct line *l, int32_t v) {
  char digits[11];
  int n = 0;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  do digits[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (v < 0) put_str(l, "-");
  while (n > 0 && l->len < sizeof l->text) l->text[l->len++] = digits[--n];
}

static void put_hex(struct line *l, uint32_t v) {
  put_str(l, "0x");
  for (int shift = 28; shift >= 0; shift -= 4)
    if (l->len < sizeof l->text) l->text[l->len++] = "0123456789abcdef"[(v >> shift) & 15];
}

static void flush(struct line *l) {
  put_str(l, "\n");
  sys_write(l->text, l->len);
  l->len = 0;
}

/* ---- the tasks ---- */

/* Some arithmetic that takes a while, so that time slices end in the middle of it. */
static uint32_t work(uint32_t seed) {
  uint32_t x = seed;
  for (int i = 0; i < WORK_ROUNDS; i++) x = (x ^ (x << 7)) * 2654435761u + (uint32_t)i;
  return x;
}

void producer_task(void) {
  struct line l = {0};
  int id = sys_getid();
  put_str(&l, "producer: running in U-mode as task "), put_dec(&l, id), flush(&l);
  uint32_t v = 1;
  for (int step = 1; step <= PRODUCER_STEPS; step++) {
    v = work(v + (uint32_t)step);
    put_str(&l, "producer: step "), put_dec(&l, step), put_str(&l, " value "), put_hex(&l, v), flush(&l);
    sys_yield();
  }
  shared_value = v;
  shared_ready = 1;
  put_str(&l, "producer: published "), put_hex(&l, v), flush(&l);
  sys_exit(0);
}

void consumer_task(void) {
  struct line l = {0};
  int id = sys_getid();
  put_str(&l, "consumer: running in U-mode as task "), put_dec(&l, id), flush(&l);

  /* An M-mode CSR read in U-mode: illegal, so it traps, and the kernel emulates it. */
  uint32_t hart = csr_read(mhartid);
  put_str(&l, "consumer: mhartid (emulated by the kernel) = "), put_dec(&l, (int32_t)hart), flush(&l);

  int32_t r = syscall2(BOGUS_SYSCALL, 0, 0);
  put_str(&l, "consumer: system call "), put_dec(&l, BOGUS_SYSCALL), put_str(&l, " returned "), put_dec(&l, r),
      flush(&l);

  r = sys_write((const char *)0x1000, 4); /* not in the task's memory */
  put_str(&l, "consumer: write from address 0x1000 returned "), put_dec(&l, r), flush(&l);

  put_str(&l, "consumer: waiting for the producer without yielding"), flush(&l);
  while (!shared_ready) {
  }
  put_str(&l, "consumer: received "), put_hex(&l, shared_value), flush(&l);
  sys_exit(7);
}

/* A task's entry function returned: that is exit(0). */
void task_returned(void) { sys_exit(0); }
