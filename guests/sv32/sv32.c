/*
 * sv32: virtual memory with Sv32 page tables (Privileged spec 4.3).
 *
 * M-mode builds a two-level page table and enters S-mode with translation
 * on (satp.MODE = 1). The address space:
 *
 *   VA 0x8000_0000-0x803f_ffff  one 4 MiB superpage (a leaf PTE in the root
 *                               table), identity-mapped: this program's code,
 *                               data and stack, read/write/execute
 *   VA 0xc000_0000-0xc03f_ffff  the same 4 MiB again, read-only
 *   VA 0x4000_0000-0x403f_ffff  4 KiB pages through a second-level table:
 *       0x4000_0000  frame 0, read/write
 *       0x4000_1000  frame 1, read-only
 *       0x4000_3000  frame 0 again (an alias)
 *       anything else in this 4 MiB: mapped on first touch (demand paging)
 *   everything else              unmapped
 *
 * medeleg hands load, store and instruction page faults to S-mode, whose
 * handler (s_trap) maps a fresh frame for a missing page in the
 * demand-paged window, then returns to retry the faulting instruction. A
 * fault it cannot fix (a write to a read-only page, an address outside the
 * window) is reported and the instruction skipped. S-mode prints and
 * powers off through `ecall` to M-mode (m_trap), like an SBI.
 *
 * Page-table entries are created with A and D already set: the spec lets
 * hardware either set them or raise a page fault when they are clear
 * (4.3.1), and QEMU and Retrovisor may differ there.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/csr.h"
#include "sv32.h"

/* Sv32 PTE bits (Privileged spec 4.3.1, figure 4.18). */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_PPN_SHIFT 10

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define SUPERPAGE_SIZE (4u << 20)
#define PTES_PER_TABLE 1024u
#define SATP_MODE_SV32 (1u << 31)

/* VA bits 31..22 index the root table, bits 21..12 the second level. */
#define VPN1(va) ((uint32_t)(va) >> 22)
#define VPN0(va) (((uint32_t)(va) >> 12) & 0x3ffu)

#define IMAGE_VA 0x80000000u       /* identity superpage */
#define IMAGE_ALIAS_VA 0xc0000000u /* read-only superpage alias */
#define WINDOW_VA 0x40000000u      /* the 4 MiB of 4 KiB pages */
#define RW_PAGE_VA 0x40000000u
#define RO_PAGE_VA 0x40001000u
#define ALIAS_PAGE_VA 0x40003000u
#define DEMAND_LOAD_VA 0x40002000u
#define DEMAND_STORE_VA 0x40005000u
#define DEMAND_CODE_VA 0x40010000u
#define UNMAPPED_VA 0x00001000u

#define FRAME_COUNT 8
#define M_STACK_SIZE 4096

typedef uint32_t pte_t;

static pte_t root_table[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t window_table[PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t frames[FRAME_COUNT][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t m_stack[M_STACK_SIZE] __attribute__((aligned(16)));
static int frames_used;

/* A constant the S-mode code reads through both superpages. */
static const uint32_t image_magic = 0x5eb32a11u;

void m_trap_entry(void);
void s_trap_entry(void);

/* A leaf or pointer PTE for the physical address `pa` (which must be page-aligned). */
static pte_t make_pte(uintptr_t pa, uint32_t flags) { return (pte_t)((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V; }

/* ======================= S-mode ======================= */

/* Everything below until the M-mode part runs in S-mode with translation on. */

static long sbi_call(uint32_t number, uint32_t arg0, uint32_t arg1) {
  register uint32_t a0 __asm__("a0") = arg0;
  register uint32_t a1 __asm__("a1") = arg1;
  register uint32_t a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  return (long)a0;
}

/* printf for S-mode: format here, print through M-mode. */
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

static struct {
  uint32_t load, store, fetch, demand_mapped, skipped;
} faults;

static const char *cause_name(uint32_t cause) {
  switch (cause) {
    case EXC_INSN_PAGE_FAULT: return "instruction page fault";
    case EXC_LOAD_PAGE_FAULT: return "load page fault";
    case EXC_STORE_PAGE_FAULT: return "store page fault";
    default: return "unexpected exception";
  }
}

/* The code a demand-loaded text page gets: `li a0, 42` (addi a0, zero, 42) and `ret` (jalr zero, 0(ra)). */
static const uint32_t demand_code[] = {0x02a00513u, 0x00008067u};

/*
 * Maps a fresh frame at the faulting page. Instruction fetches get a
 * read/execute page holding demand_code; loads and stores get a zeroed
 * read/write page. S-mode reaches the frame and the page table through the
 * identity superpage, so their physical addresses double as pointers.
 */
static int demand_map(uint32_t va, uint32_t cause) {
  if (frames_used == FRAME_COUNT) return 0;
  int index = frames_used++;
  uint8_t *frame = frames[index];
  uint32_t flags = PTE_R | PTE_W | PTE_A | PTE_D;
  memset(frame, 0, PAGE_SIZE);
  if (cause == EXC_INSN_PAGE_FAULT) {
    memcpy(frame, demand_code, sizeof demand_code);
    fence_i(); /* the hart may fetch these words next: order the stores before fetches */
    flags = PTE_R | PTE_X | PTE_A;
  }
  window_table[VPN0(va)] = make_pte((uintptr_t)frame, flags);
  sfence_vma(); /* the hart may have cached "not mapped" (Privileged spec 4.2.1) */
  s_printf("  S-mode handler: %s at 0x%08lx: mapped frame %d there, retrying\n", cause_name(cause),
           (unsigned long)va, index);
  faults.demand_mapped++;
  return 1;
}

/* Called by s_trap_entry for every page fault (the only traps delegated to S-mode). */
void s_trap(struct trap_frame *f) {
  uint32_t cause = csr_read(scause), va = csr_read(stval);
  if (cause == EXC_LOAD_PAGE_FAULT) faults.load++;
  else if (cause == EXC_STORE_PAGE_FAULT) faults.store++;
  else if (cause == EXC_INSN_PAGE_FAULT) faults.fetch++;
  else {
    s_printf("S-mode: unexpected trap scause=%lu sepc=0x%08lx stval=0x%08lx\n", (unsigned long)cause,
             (unsigned long)f->pc, (unsigned long)va);
    sbi_call(SBI_EXIT, 1, 0);
  }

  int in_window = VPN1(va) == VPN1(WINDOW_VA);
  int missing = in_window && (window_table[VPN0(va)] & PTE_V) == 0;
  if (missing && demand_map(va, cause)) return;

  /* Not fixable: skip the instruction (its destination register keeps its old value). */
  const volatile uint16_t *pc = (const volatile uint16_t *)(uintptr_t)f->pc;
  f->pc += insn_length(pc[0]);
  faults.skipped++;
  s_printf("  S-mode handler: %s at 0x%08lx: %s, skipping the instruction\n", cause_name(cause), (unsigned long)va,
           in_window ? "the page is mapped without that permission" : "outside the demand-paged window");
}

/* Loads a word; if the load faults and is skipped, returns `if_skipped`. */
static uint32_t probe_load(uint32_t va, uint32_t if_skipped) {
  uint32_t v = if_skipped;
  __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
  return v;
}

static void store_word(uint32_t va, uint32_t v) { __asm__ volatile("sw %0, 0(%1)" : : "r"(v), "r"(va) : "memory"); }

static void __attribute__((noreturn)) s_main(void) {
  s_printf("S-mode: translation is on (satp.MODE=%lu), running through the identity superpage\n",
           (unsigned long)(csr_read(satp) >> 31));

  s_printf("1. read the read/write page 0x%08x: 0x%08lx\n", RW_PAGE_VA, (unsigned long)probe_load(RW_PAGE_VA, 0));

  store_word(RW_PAGE_VA + 4, 0x12345678u);
  s_printf("2. wrote 0x12345678 at 0x%08x, read back through the alias 0x%08x: 0x%08lx\n", RW_PAGE_VA + 4,
           ALIAS_PAGE_VA + 4, (unsigned long)probe_load(ALIAS_PAGE_VA + 4, 0));

  s_printf("3. read the read-only page 0x%08x: 0x%08lx\n", RO_PAGE_VA, (unsigned long)probe_load(RO_PAGE_VA, 0));

  s_printf("4. write the read-only page 0x%08x:\n", RO_PAGE_VA);
  store_word(RO_PAGE_VA, 0xbadbadu);
  s_printf("   the page still holds 0x%08lx\n", (unsigned long)probe_load(RO_PAGE_VA, 0));

  s_printf("5. read the unmapped page 0x%08x:\n", DEMAND_LOAD_VA);
  s_printf("   read 0x%08lx\n", (unsigned long)probe_load(DEMAND_LOAD_VA + 0x10, 0xffffffffu));

  s_printf("6. write the unmapped page 0x%08x:\n", DEMAND_STORE_VA);
  store_word(DEMAND_STORE_VA + 8, 0xabcdef01u);
  s_printf("   read back 0x%08lx\n", (unsigned long)probe_load(DEMAND_STORE_VA + 8, 0));

  s_printf("7. call code at the unmapped page 0x%08x:\n", DEMAND_CODE_VA);
  uint32_t (*demand_function)(void) = (uint32_t (*)(void))(uintptr_t)DEMAND_CODE_VA;
  s_printf("   it returned %lu\n", (unsigned long)demand_function());

  uint32_t offset = (uint32_t)(uintptr_t)&image_magic - IMAGE_VA;
  s_printf("8. a constant through the identity superpage: 0x%08lx, through the alias at 0x%08x: 0x%08lx\n",
           (unsigned long)image_magic, IMAGE_ALIAS_VA, (unsigned long)probe_load(IMAGE_ALIAS_VA + offset, 0));

  s_printf("9. read 0x%08x, which no page table maps:\n", UNMAPPED_VA);
  s_printf("   the load was skipped, the register kept 0x%08lx\n",
           (unsigned long)probe_load(UNMAPPED_VA, 0xdeadbeefu));

  s_printf("S-mode: page faults: load=%lu store=%lu instruction=%lu; demand-mapped %lu pages, skipped %lu\n",
           (unsigned long)faults.load, (unsigned long)faults.store, (unsigned long)faults.fetch,
           (unsigned long)faults.demand_mapped, (unsigned long)faults.skipped);
  sbi_call(SBI_EXIT, 0, 0);
  for (;;) {
  }
}

/* ======================= M-mode ======================= */

/* Finds the frame that holds `value` at byte `offset`: checks through physical memory what S-mode wrote. */
static int frame_holding(uint32_t offset, uint32_t value) {
  for (int i = 0; i < FRAME_COUNT; i++)
    if (*(uint32_t *)(frames[i] + offset) == value) return i;
  return -1;
}

/* Called by m_trap_entry: the only expected traps are S-mode's ecalls. */
void m_trap(struct trap_frame *f) {
  uint32_t cause = csr_read(mcause);
  if (cause != EXC_ECALL_S) {
    printf("M-mode: unexpected trap mcause=0x%08lx mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)cause,
           (unsigned long)f->pc, (unsigned long)csr_read(mtval));
    exit(1);
  }
  f->pc += 4;
  uint32_t a0 = f->x[10], a1 = f->x[11];
  switch (f->x[17]) { /* a7 */
    case SBI_PUTS:
      /* S-mode passes a virtual address; it lies in the identity superpage, so it is physical too. */
      fwrite((const void *)(uintptr_t)a0, 1, a1, stdout);
      f->x[10] = 0;
      return;
    case SBI_EXIT:
      printf("M-mode: physical frame %d holds 0xabcdef01 at offset 8, as S-mode wrote it at 0x%08x\n",
             frame_holding(8, 0xabcdef01u), DEMAND_STORE_VA + 8);
      printf("M-mode: S-mode asked to power off with status %lu\n", (unsigned long)a0);
      exit((int)a0);
    default:
      f->x[10] = (uint32_t)-1;
      return;
  }
}

int main(void) {
  /* Preloaded frames: frame 0 at RW_PAGE_VA and ALIAS_PAGE_VA, frame 1 at RO_PAGE_VA. */
  *(uint32_t *)frames[0] = 0xcafe0000u;
  *(uint32_t *)frames[1] = 0x0000beefu;
  frames_used = 2;

  /* Root table: leaf PTEs (R/W/X not all zero) at level 1 are 4 MiB superpages; their PA must be 4 MiB aligned. */
  root_table[VPN1(IMAGE_VA)] = make_pte(IMAGE_VA, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  root_table[VPN1(IMAGE_ALIAS_VA)] = make_pte(IMAGE_VA, PTE_R | PTE_A);
  /* A pointer PTE (R = W = X = 0) to the second-level table for the window. */
  root_table[VPN1(WINDOW_VA)] = make_pte((uintptr_t)window_table, 0);
  window_table[VPN0(RW_PAGE_VA)] = make_pte((uintptr_t)frames[0], PTE_R | PTE_W | PTE_A | PTE_D);
  window_table[VPN0(RO_PAGE_VA)] = make_pte((uintptr_t)frames[1], PTE_R | PTE_A);
  window_table[VPN0(ALIAS_PAGE_VA)] = make_pte((uintptr_t)frames[0], PTE_R | PTE_W | PTE_A | PTE_D);
  printf("M-mode: page tables built: 2 superpages, 3 small pages, a 4 MiB demand-paged window at 0x%08x\n",
         WINDOW_VA);

  csr_write(mscratch, (uint32_t)(uintptr_t)(m_stack + M_STACK_SIZE));
  csr_write(mtvec, (uint32_t)(uintptr_t)m_trap_entry | TVEC_DIRECT);
  csr_write(stvec, (uint32_t)(uintptr_t)s_trap_entry | TVEC_DIRECT);
  csr_write(medeleg, (1u << EXC_INSN_PAGE_FAULT) | (1u << EXC_LOAD_PAGE_FAULT) | (1u << EXC_STORE_PAGE_FAULT));
  csr_write(mideleg, 0);
  pmp_allow_all();

  /* satp: MODE (bit 31) = Sv32, ASID (bits 30..22) = 0, PPN (21..0) = the root table's page number. */
  csr_write(satp, SATP_MODE_SV32 | (uint32_t)((uintptr_t)root_table >> PAGE_SHIFT));
  sfence_vma();

  /* mret to S-mode at s_main, keeping this stack: it lies in the identity superpage. */
  csr_clear(mstatus, MSTATUS_MPP_MASK);
  csr_set(mstatus, PRV_S << MSTATUS_MPP_SHIFT);
  csr_write(mepc, (uint32_t)(uintptr_t)s_main);
  printf("M-mode: delegating page faults to S-mode and entering it with mret\n");
  __asm__ volatile("mret");
  __builtin_unreachable();
}
