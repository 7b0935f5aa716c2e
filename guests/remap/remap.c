/*
 * remap: code whose virtual-to-physical mapping changes under it (Sv32,
 * Privileged spec 4.3; sfence.vma, 4.2.1).
 *
 * M-mode writes two versions of the same little library into two physical
 * frames, A and B, builds page tables and enters S-mode, which calls the
 * library at one virtual address while it:
 *   1. remaps that page from frame A to frame B and back (PTE write, sfence.vma);
 *   2. calls the same frame through a second virtual address (an alias), where
 *      position-dependent code (auipc) sees the other address;
 *   3. switches satp between two page tables that map the page differently;
 *   4. rewrites the code through a writable alias at a third address, then
 *      fence.i, and calls it through the executable one;
 *   5. unmaps the page: the call takes an instruction page fault, and the
 *      S-mode handler maps frame B there and retries.
 * Each library function is called in rounds long enough for a translating
 * emulator to compile it, so a stale translation would show in the sums.
 * The trap entries and the M-mode "SBI" (print, exit) are sv32's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/csr.h"
#include "../common/encode.h"
#include "../sv32/sv32.h"

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_PPN_SHIFT 10
#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PTES_PER_TABLE 1024u
#define SATP_MODE_SV32 (1u << 31)
#define VPN1(va) ((uint32_t)(va) >> 22)
#define VPN0(va) (((uint32_t)(va) >> 12) & 0x3ffu)

#define IMAGE_VA 0x80000000u /* identity superpage: this program */
#define CODE_VA 0x40000000u  /* the library, frame A or B */
#define ALIAS_VA 0x40001000u /* frame A again, executable */
#define WRITE_VA 0x40002000u /* frame A again, writable, not executable */

/* Word offsets in a library frame. */
#define LOOP_AT 0  /* loop(x, n): adds a step n times */
#define WHERE_AT 16 /* where(): its own address (auipc) */

typedef uint32_t pte_t;
typedef uint32_t (*loop_fn)(uint32_t x, uint32_t n);
typedef uint32_t (*where_fn)(void);

static pte_t root_a[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t root_b[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t table_a[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t table_b[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t frame_a[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static uint32_t frame_b[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static uint8_t m_stack[4096] __attribute__((aligned(16)));

void m_trap_entry(void);
void s_trap_entry(void);

static pte_t make_pte(uintptr_t pa, uint32_t flags) { return (pte_t)((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V; }

static void write_library(uint32_t *frame, int32_t step) {
  frame[LOOP_AT + 0] = addi(A0, A0, step);
  frame[LOOP_AT + 1] = addi(A1, A1, -1);
  frame[LOOP_AT + 2] = bne(A1, ZERO, -8);
  frame[LOOP_AT + 3] = ret();
  frame[WHERE_AT + 0] = auipc(A0, 0);
  frame[WHERE_AT + 1] = ret();
}

/* ======================= S-mode ======================= */

static long sbi_call(uint32_t number, uint32_t arg0, uint32_t arg1) {
  register uint32_t a0 __asm__("a0") = arg0;
  register uint32_t a1 __asm__("a1") = arg1;
  register uint32_t a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  return (long)a0;
}

static void s_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void s_printf(const char *fmt, ...) {
  char buf[160];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
  sbi_call(SBI_PUTS, (uint32_t)(uintptr_t)buf, (uint32_t)n);
}

/* 1000 calls of loop(i, 10) at `va`: sum of i + 10 * step. */
static uint32_t round_at(uint32_t va) {
  loop_fn loop = (loop_fn)(uintptr_t)(va + LOOP_AT * 4);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < 1000; i++) sum += loop(i, 10);
  return sum;
}

static void map_code(uint32_t *frame) {
  table_a[VPN0(CODE_VA)] = frame == 0 ? 0 : make_pte((uintptr_t)frame, PTE_R | PTE_X | PTE_A);
  sfence_vma();
}

static uint32_t fetch_faults;

/* S-mode trap handler: an instruction page fault at CODE_VA maps frame B there and retries. */
void s_trap(struct trap_frame *f) {
  uint32_t cause = csr_read(scause), va = csr_read(stval);
  if (cause == EXC_INSN_PAGE_FAULT && (va & ~(PAGE_SIZE - 1)) == CODE_VA) {
    fetch_faults++;
    s_printf("   S-mode handler: instruction page fault at 0x%08lx: mapping frame B there\n", (unsigned long)va);
    map_code(frame_b);
    return;
  }
  s_printf("S-mode: unexpected trap scause=%lu sepc=0x%08lx stval=0x%08lx\n", (unsigned long)cause,
           (unsigned long)f->pc, (unsigned long)va);
  sbi_call(SBI_EXIT, 1, 0);
}

static void __attribute__((noreturn)) s_main(void) {
  s_printf("remap: S-mode with Sv32; the library at 0x%08x is frame A (step 3), frame B has step 5\n", CODE_VA);

  s_printf("1. remapping the page (sum of 1000 calls of loop(i, 10)):\n");
  s_printf("   frame A: %lu\n", (unsigned long)round_at(CODE_VA));
  map_code(frame_b);
  s_printf("   remapped to frame B: %lu\n", (unsigned long)round_at(CODE_VA));
  map_code(frame_a);
  s_printf("   back to frame A: %lu\n", (unsigned long)round_at(CODE_VA));

  where_fn where = (where_fn)(uintptr_t)(CODE_VA + WHERE_AT * 4);
  where_fn where_alias = (where_fn)(uintptr_t)(ALIAS_VA + WHERE_AT * 4);
  uint32_t here = 0, there = 0;
  for (int i = 0; i < 1000; i++) {
    here += where() - CODE_VA;
    there += where_alias() - ALIAS_VA;
  }
  s_printf("2. frame A at two addresses: where() returned 0x%08lx and 0x%08lx (offsets summed: %lu, %lu); loop: %lu, %lu\n",
           (unsigned long)where(), (unsigned long)where_alias(), (unsigned long)here, (unsigned long)there,
           (unsigned long)round_at(CODE_VA), (unsigned long)round_at(ALIAS_VA));

  uint32_t satp_a = csr_read(satp);
  uint32_t satp_b = SATP_MODE_SV32 | (uint32_t)((uintptr_t)root_b >> PAGE_SHIFT);
  s_printf("3. switching page tables (satp):\n");
  for (int i = 0; i < 2; i++) {
    csr_write(satp, satp_b);
    sfence_vma();
    uint32_t b = round_at(CODE_VA);
    csr_write(satp, satp_a);
    sfence_vma();
    s_printf("   table B: %lu, table A: %lu\n", (unsigned long)b, (unsigned long)round_at(CODE_VA));
  }

  s_printf("4. rewriting frame A through its writable alias 0x%08x:\n", WRITE_VA);
  volatile uint32_t *writable = (volatile uint32_t *)(uintptr_t)WRITE_VA;
  for (int32_t step = 7; step <= 11; step += 2) {
    writable[LOOP_AT] = addi(A0, A0, step);
    fence_i();
    s_printf("   step %ld: %lu\n", (long)step, (unsigned long)round_at(CODE_VA));
  }

  s_printf("5. unmapping the page, then calling it:\n");
  map_code(0);
  s_printf("   sum %lu after %lu instruction page fault(s)\n", (unsigned long)round_at(CODE_VA), (unsigned long)fetch_faults);
  sbi_call(SBI_EXIT, 0, 0);
  for (;;) {
  }
}

/* ======================= M-mode ======================= */

void m_trap(struct trap_frame *f) {
  uint32_t cause = csr_read(mcause);
  if (cause != EXC_ECALL_S) {
    printf("M-mode: unexpected trap mcause=0x%08lx mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)cause,
           (unsigned long)f->pc, (unsigned long)csr_read(mtval));
    exit(1);
  }
  f->pc += 4;
  switch (f->x[17]) {
    case SBI_PUTS:
      fwrite((const void *)(uintptr_t)f->x[10], 1, f->x[11], stdout);
      f->x[10] = 0;
      return;
    case SBI_EXIT:
      printf("remap: done (status %lu)\n", (unsigned long)f->x[10]);
      exit((int)f->x[10]);
    default:
      f->x[10] = (uint32_t)-1;
      return;
  }
}

int main(void) {
  write_library(frame_a, 3);
  write_library(frame_b, 5);
  fence_i();

  root_a[VPN1(IMAGE_VA)] = make_pte(IMAGE_VA, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  root_a[VPN1(CODE_VA)] = make_pte((uintptr_t)table_a, 0);
  table_a[VPN0(CODE_VA)] = make_pte((uintptr_t)frame_a, PTE_R | PTE_X | PTE_A);
  table_a[VPN0(ALIAS_VA)] = make_pte((uintptr_t)frame_a, PTE_R | PTE_X | PTE_A);
  table_a[VPN0(WRITE_VA)] = make_pte((uintptr_t)frame_a, PTE_R | PTE_W | PTE_A | PTE_D);
  root_b[VPN1(IMAGE_VA)] = root_a[VPN1(IMAGE_VA)];
  root_b[VPN1(CODE_VA)] = make_pte((uintptr_t)table_b, 0);
  table_b[VPN0(CODE_VA)] = make_pte((uintptr_t)frame_b, PTE_R | PTE_X | PTE_A);

  csr_write(mscratch, (uint32_t)(uintptr_t)(m_stack + sizeof m_stack));
  csr_write(mtvec, (uint32_t)(uintptr_t)m_trap_entry | TVEC_DIRECT);
  csr_write(stvec, (uint32_t)(uintptr_t)s_trap_entry | TVEC_DIRECT);
  csr_write(medeleg, 1u << EXC_INSN_PAGE_FAULT);
  csr_write(mideleg, 0);
  pmp_allow_all();
  csr_write(satp, SATP_MODE_SV32 | (uint32_t)((uintptr_t)root_a >> PAGE_SHIFT));
  sfence_vma();
  csr_clear(mstatus, MSTATUS_MPP_MASK);
  csr_set(mstatus, PRV_S << MSTATUS_MPP_SHIFT);
  csr_write(mepc, (uint32_t)(uintptr_t)s_main);
  __asm__ volatile("mret");
  __builtin_unreachable();
}
