/*
 * Control and status register access for the guests.
 *
 * The guests are compiled with -march=rv32imac so that gcc picks picolibc's
 * rv32imac/ilp32 multilib; since the 2019 ISA split, binutils 2.40 only
 * accepts csr* and fence.i when Zicsr / Zifencei are enabled, so every
 * inline-assembly use enables them locally with `.option arch` instead of
 * changing -march (which would change the multilib).
 *
 * CSR numbers and bit positions are from the RISC-V Privileged Architecture,
 * version 20211203 (chapter 2 lists the numbers, 3.1 the machine-level CSRs,
 * 4.1 the supervisor-level ones).
 */
#ifndef GUEST_CSR_H
#define GUEST_CSR_H

#include <stdint.h>

#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)

/* Reads a CSR by name or number, e.g. csr_read(mcause). */
#define csr_read(csr)                                                        \
  ({                                                                         \
    uint32_t v_;                                                             \
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"              \
                     "csrr %0, " CSR_STR(csr) "\n\t.option pop"              \
                     : "=r"(v_)                                              \
                     :                                                       \
                     : "memory");                                            \
    v_;                                                                      \
  })

/* Writes a CSR. */
#define csr_write(csr, val)                                                  \
  __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"                \
                   "csrw " CSR_STR(csr) ", %0\n\t.option pop"                \
                   :                                                         \
                   : "r"((uint32_t)(val))                                    \
                   : "memory")

/* Sets bits in a CSR (csrs = csrrs with rd = x0). */
#define csr_set(csr, bits)                                                   \
  __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"                \
                   "csrs " CSR_STR(csr) ", %0\n\t.option pop"                \
                   :                                                         \
                   : "r"((uint32_t)(bits))                                   \
                   : "memory")

/* Clears bits in a CSR (csrc = csrrc with rd = x0). */
#define csr_clear(csr, bits)                                                 \
  __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"                \
                   "csrc " CSR_STR(csr) ", %0\n\t.option pop"                \
                   :                                                         \
                   : "r"((uint32_t)(bits))                                   \
                   : "memory")

/* Waits for an interrupt (Privileged spec 3.3.3). */
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* Orders instruction fetches after earlier stores (Zifencei). */
static inline void fence_i(void) {
  __asm__ volatile(".option push\n\t.option arch, +zifencei\n\tfence.i\n\t.option pop" ::: "memory");
}

/* Flushes all address-translation caches (Privileged spec 4.2.1). */
static inline void sfence_vma(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }

/* mstatus / sstatus fields (Privileged spec 3.1.6). */
#define MSTATUS_SIE (1u << 1)
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_SPIE (1u << 5)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_SPP (1u << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP_MASK (3u << MSTATUS_MPP_SHIFT)
#define MSTATUS_MPRV (1u << 17)
#define MSTATUS_SUM (1u << 18)
#define MSTATUS_MXR (1u << 19)

/* Privilege levels as encoded in mstatus.MPP (Privileged spec 1.2). */
#define PRV_U 0u
#define PRV_S 1u
#define PRV_M 3u

/* mie / mip bits (Privileged spec 3.1.9). */
#define MIP_SSIP (1u << 1)
#define MIP_MSIP (1u << 3)
#define MIP_STIP (1u << 5)
#define MIP_MTIP (1u << 7)
#define MIP_SEIP (1u << 9)
#define MIP_MEIP (1u << 11)

/* mcause: the top bit marks interrupts (Privileged spec 3.1.15, table 3.6). */
#define MCAUSE_INTERRUPT (1u << 31)
#define IRQ_M_SOFT 3u
#define IRQ_M_TIMER 7u
#define IRQ_M_EXT 11u

#define EXC_INSN_MISALIGNED 0u
#define EXC_INSN_ACCESS 1u
#define EXC_ILLEGAL_INSN 2u
#define EXC_BREAKPOINT 3u
#define EXC_LOAD_MISALIGNED 4u
#define EXC_LOAD_ACCESS 5u
#define EXC_STORE_MISALIGNED 6u
#define EXC_STORE_ACCESS 7u
#define EXC_ECALL_U 8u
#define EXC_ECALL_S 9u
#define EXC_ECALL_M 11u
#define EXC_INSN_PAGE_FAULT 12u
#define EXC_LOAD_PAGE_FAULT 13u
#define EXC_STORE_PAGE_FAULT 15u

/* mtvec / stvec MODE field (Privileged spec 3.1.7). */
#define TVEC_DIRECT 0u
#define TVEC_VECTORED 1u

/* pmpcfg fields (Privileged spec 3.7.1): A = NAPOT, and the R/W/X permissions. */
#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_NAPOT 0x18u

/*
 * Gives S- and U-mode access to all of physical memory with one PMP entry.
 * QEMU denies every S/U access when no PMP entry matches (Privileged spec
 * 3.7.1: "if no PMP entry matches an S-mode or U-mode access, but at least
 * one PMP entry is implemented, the access fails"). pmpaddr0 holds address
 * bits 33..2; all ones in NAPOT mode means "the whole 34-bit space".
 */
static inline void pmp_allow_all(void) {
  csr_write(pmpaddr0, 0xffffffffu >> 2);
  csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
}

/* Length in bytes of the instruction whose first halfword is `low`: 2 if compressed (low bits != 11). */
static inline uint32_t insn_length(uint16_t low) { return (low & 3u) == 3u ? 4u : 2u; }

#endif
