/*
 * mini-kernel: an M-mode kernel that runs two U-mode tasks with
 * preemptive round-robin scheduling on the CLINT timer.
 *
 *  - Physical memory only, no paging. One PMP entry gives U-mode access to
 *    everything (QEMU refuses U-mode accesses that match no PMP entry).
 *  - Traps go to kernel_trap_entry (trap.S), which saves all 31 registers
 *    and mepc into the running task's frame, found through mscratch.
 *  - A machine timer interrupt (mcause 0x80000007) ends a time slice;
 *    `ecall` from U-mode (mcause 8) is a system call (kernel.h);
 *    an illegal instruction (mcause 2) that reads mhartid is emulated
 *    (trap-and-emulate); any other exception kills the task.
 *
 * What the tasks write is kept per task and printed when both have exited,
 * task by task, so the output does not depend on where the time slices
 * happened to end: QEMU's timer runs on host time, Retrovisor's on the
 * instruction count. With the argument "trace" the kernel instead prints
 * every write and every context switch as it happens; that interleaving is
 * deterministic in Retrovisor but not on QEMU.
 *
 * usage: mini-kernel [trace]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/args.h"
#include "../common/csr.h"
#include "../common/virt.h"
#include "kernel.h"

#define HART 0u
#define TASK_COUNT 2
#define TIME_SLICE (VIRT_TIMEBASE_HZ / 2000u) /* 500 us of mtime */
#define STACK_SIZE 4096
#define LOG_SIZE 1024
/* The program image (see the Makefile's LAYOUT): tasks may only pass buffers inside it. */
#define IMAGE_START VIRT_DRAM_BASE
#define IMAGE_END (VIRT_DRAM_BASE + 0x400000u)

/* CSR number of mhartid (Privileged spec 2.2), and the SYSTEM-opcode fields of `csrrs rd, csr, x0`. */
#define CSR_MHARTID 0xf14u
#define OPCODE_SYSTEM 0x73u
#define FUNCT3_CSRRS 2u

enum task_state { TASK_RUNNABLE, TASK_EXITED, TASK_KILLED };

struct task {
  struct trap_frame frame; /* first: mscratch points at the task and at its frame alike */
  int id;
  const char *name;
  enum task_state state;
  int32_t status;
  uint32_t log_len;
  char log[LOG_SIZE]; /* everything the task wrote */
};

struct counters {
  uint32_t writes, yields, getids, exits, unknown, emulated_csr_reads, preemptions;
};

void kernel_resume(struct trap_frame *frame) __attribute__((noreturn));
void kernel_trap_entry(void);
struct trap_frame *kernel_trap(struct trap_frame *frame);
extern char __global_pointer$[];

uint32_t kernel_tp; /* crt0's thread pointer, reloaded on every trap (trap.S) */

static struct task tasks[TASK_COUNT];
static uint8_t task_stacks[TASK_COUNT][STACK_SIZE] __attribute__((aligned(16)));
static struct task *current;
static struct trap_frame boot_frame; /* mscratch before the first task: a trap in main lands here */
static struct counters count;
static int trace;

/* ---- the timer ---- */

static uint64_t read_mtime(void) {
  uint32_t hi, lo;
  do {
    hi = mmio_read32(CLINT_MTIME_HI);
    lo = mmio_read32(CLINT_MTIME_LO);
  } while (hi != mmio_read32(CLINT_MTIME_HI));
  return (uint64_t)hi << 32 | lo;
}

/* Starts a fresh time slice: the next machine timer interrupt comes TIME_SLICE ticks from now. */
static void start_time_slice(void) {
  uint64_t deadline = read_mtime() + TIME_SLICE;
  mmio_write32(CLINT_MTIMECMP_LO(HART), 0xffffffffu); /* Privileged spec 3.2.1: no spurious interrupt */
  mmio_write32(CLINT_MTIMECMP_HI(HART), (uint32_t)(deadline >> 32));
  mmio_write32(CLINT_MTIMECMP_LO(HART), (uint32_t)deadline);
}

/* ---- scheduling ---- */

static int all_finished(void) {
  for (int i = 0; i < TASK_COUNT; i++)
    if (tasks[i].state == TASK_RUNNABLE) return 0;
  return 1;
}

static void print_summary_and_exit(void) __attribute__((noreturn));

/* Round robin: the next runnable task after `current`, possibly `current` itself. */
static struct trap_frame *schedule(const char *why) {
  if (all_finished()) print_summary_and_exit();
  struct task *next = current;
  do next = &tasks[(next->id + 1) % TASK_COUNT];
  while (next->state != TASK_RUNNABLE);
  if (trace && next != current) printf("[kernel] switch task %d -> task %d (%s)\n", current->id, next->id, why);
  current = next;
  start_time_slice();
  return &current->frame;
}

/* ---- system calls ---- */

static int user_buffer_ok(uint32_t addr, uint32_t len) {
  return addr >= IMAGE_START && addr <= IMAGE_END && len <= IMAGE_END - addr;
}

static int32_t sys_write(struct task *t, uint32_t addr, uint32_t len) {
  if (!user_buffer_ok(addr, len)) return -ERR_FAULT;
  const char *p = (const char *)(uintptr_t)addr; /* no paging: the task's address is physical */
  if (trace) printf("[task %d] %.*s", t->id, (int)len, p);
  uint32_t room = LOG_SIZE - t->log_len;
  uint32_t n = len < room ? len : room;
  memcpy(t->log + t->log_len, p, n);
  t->log_len += n;
  return (int32_t)len;
}

/* Handles `ecall` from U-mode; returns the frame to resume. */
static struct trap_frame *system_call(struct trap_frame *f) {
  struct task *t = current;
  uint32_t number = f->x[17]; /* a7 */
  uint32_t a0 = f->x[10], a1 = f->x[11];
  f->pc += 4; /* resume after the ecall, which is always 4 bytes */
  switch (number) {
    case SYS_WRITE:
      count.writes++;
      f->x[10] = (uint32_t)sys_write(t, a0, a1);
      return f;
    case SYS_YIELD:
      count.yields++;
      f->x[10] = 0;
      return schedule("yield");
    case SYS_GETID:
      count.getids++;
      f->x[10] = (uint32_t)t->id;
      return f;
    case SYS_EXIT:
      count.exits++;
      t->state = TASK_EXITED;
      t->status = (int32_t)a0;
      if (trace) printf("[kernel] task %d exited with status %ld\n", t->id, (long)t->status);
      return schedule("exit");
    default:
      count.unknown++;
      f->x[10] = (uint32_t)-ERR_NOSYS;
      return f;
  }
}

/* ---- exceptions ---- */

/*
 * Trap-and-emulate: U-mode may not read mhartid, so `csrr rd, mhartid`
 * (csrrs rd, 0xf14, x0) traps as an illegal instruction. The kernel decodes
 * it from memory (mtval may hold the bits, but need not: Privileged spec
 * 3.1.16), writes the answer into rd, and skips it. Returns 0 if the
 * instruction is something else.
 */
static int emulate_csr_read(struct trap_frame *f) {
  const volatile uint16_t *pc = (const volatile uint16_t *)(uintptr_t)f->pc; /* 2-byte aligned with RVC */
  if (insn_length(pc[0]) != 4) return 0;
  uint32_t insn = (uint32_t)pc[0] | (uint32_t)pc[1] << 16;
  uint32_t rd = (insn >> 7) & 31, funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31, csr = insn >> 20;
  if ((insn & 0x7f) != OPCODE_SYSTEM || funct3 != FUNCT3_CSRRS || rs1 != 0 || csr != CSR_MHARTID) return 0;
  if (rd != 0) f->x[rd] = csr_read(mhartid);
  f->pc += 4;
  count.emulated_csr_reads++;
  return 1;
}

static void __attribute__((noreturn)) panic(const char *what, uint32_t cause, uint32_t epc, uint32_t tval) {
  printf("[kernel] PANIC: %s: mcause=0x%08lx mepc=0x%08lx mtval=0x%08lx\n", what, (unsigned long)cause,
         (unsigned long)epc, (unsigned long)tval);
  exit(1);
}

/* Called by trap.S with the interrupted task's saved frame; returns the frame to resume. */
struct trap_frame *kernel_trap(struct trap_frame *f) {
  uint32_t cause = csr_read(mcause);
  uint32_t previous_mode = (csr_read(mstatus) & MSTATUS_MPP_MASK) >> MSTATUS_MPP_SHIFT;
  if (current == NULL || f != &current->frame || previous_mode != PRV_U) panic("trap while in the kernel", cause, f->pc, csr_read(mtval));

  if (cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
    count.preemptions++;
    return schedule("time slice over");
  }
  if (cause == EXC_ECALL_U) return system_call(f);
  if (cause == EXC_ILLEGAL_INSN && emulate_csr_read(f)) return f;

  /* Anything else is the task's fault: kill it. */
  current->state = TASK_KILLED;
  current->status = -1;
  printf("[kernel] task %d killed: mcause=%lu mepc=0x%08lx mtval=0x%08lx\n", current->id, (unsigned long)cause,
         (unsigned long)f->pc, (unsigned long)csr_read(mtval));
  return schedule("killed");
}

/* ---- the end ---- */

/* Prints each task's output as one block, then counters that do not depend on timing. */
static void print_summary_and_exit(void) {
  printf("mini-kernel: all tasks have finished\n");
  for (int i = 0; i < TASK_COUNT; i++) {
    struct task *t = &tasks[i];
    printf("--- task %d (%s) wrote %lu bytes:\n", t->id, t->name, (unsigned long)t->log_len);
    fwrite(t->log, 1, t->log_len, stdout);
    printf("--- task %d %s with status %ld\n", t->id, t->state == TASK_EXITED ? "exited" : "was killed",
           (long)t->status);
  }
  printf("mini-kernel: system calls: write=%lu yield=%lu getid=%lu exit=%lu unknown=%lu\n",
         (unsigned long)count.writes, (unsigned long)count.yields, (unsigned long)count.getids,
         (unsigned long)count.exits, (unsigned long)count.unknown);
  printf("mini-kernel: emulated mhartid reads: %lu\n", (unsigned long)count.emulated_csr_reads);
  /* The count itself depends on timing; that there was at least one does not (see tasks.c). */
  printf("mini-kernel: preempted by the timer: %s\n", count.preemptions > 0 ? "yes" : "no");
  exit(count.preemptions > 0 ? 0 : 1);
}

/* ---- boot ---- */

static void task_init(struct task *t, int id, const char *name, void (*entry)(void)) {
  memset(t, 0, sizeof *t);
  t->id = id;
  t->name = name;
  t->state = TASK_RUNNABLE;
  t->frame.pc = (uint32_t)(uintptr_t)entry;
  t->frame.x[1] = (uint32_t)(uintptr_t)task_returned;                /* ra */
  t->frame.x[2] = (uint32_t)(uintptr_t)(task_stacks[id] + STACK_SIZE); /* sp */
  t->frame.x[3] = (uint32_t)(uintptr_t)__global_pointer$;             /* gp */
  t->frame.x[4] = kernel_tp;                                          /* tp */
}

int main(int argc, char **argv) {
  const char *mode = guest_arg(argc, argv, 0);
  trace = mode != NULL && strcmp(mode, "trace") == 0;
  __asm__ volatile("mv %0, tp" : "=r"(kernel_tp));

  csr_write(mscratch, (uint32_t)(uintptr_t)&boot_frame);
  csr_write(mtvec, (uint32_t)(uintptr_t)kernel_trap_entry | TVEC_DIRECT);
  pmp_allow_all();

  task_init(&tasks[0], 0, "producer", producer_task);
  task_init(&tasks[1], 1, "consumer", consumer_task);
  printf("mini-kernel: %d U-mode tasks, round robin, %lu us time slices%s\n", TASK_COUNT,
         (unsigned long)(TIME_SLICE / (VIRT_TIMEBASE_HZ / 1000000u)), trace ? ", tracing" : "");

  /* mret will enter U-mode (MPP = 0); in U-mode M-level interrupts are always enabled, so only mie matters. */
  csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPP_MASK);
  csr_set(mie, MIP_MTIP);
  current = &tasks[0];
  start_time_slice();
  kernel_resume(&current->frame);
}
