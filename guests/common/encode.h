/*
 * RV32I instruction encoders for guests that write machine code at run time
 * (smc, remap). Formats from the Unprivileged spec, 2.2-2.3 (figure 2.3);
 * compressed forms from chapter 16.
 */
#ifndef GUEST_ENCODE_H
#define GUEST_ENCODE_H

#include <stdint.h>

/* Register numbers (ABI names, Unprivileged spec table 25.1). */
enum { ZERO = 0, RA = 1, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11 };

static inline uint32_t enc_i(uint32_t opcode, uint32_t rd, uint32_t funct3, uint32_t rs1, int32_t imm) {
  return ((uint32_t)imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}

static inline uint32_t enc_s(uint32_t opcode, uint32_t funct3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t u = (uint32_t)imm;
  return ((u >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((u & 0x1f) << 7) | opcode;
}

static inline uint32_t enc_b(uint32_t funct3, uint32_t rs1, uint32_t rs2, int32_t offset) {
  uint32_t u = (uint32_t)offset;
  return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
         ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) | 0x63;
}

static inline uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x13, rd, 0, rs1, imm); }
static inline uint32_t lw(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x03, rd, 2, rs1, imm); }
static inline uint32_t sw(uint32_t rs2, uint32_t rs1, int32_t imm) { return enc_s(0x23, 2, rs1, rs2, imm); }
static inline uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t offset) { return enc_b(1, rs1, rs2, offset); }
static inline uint32_t auipc(uint32_t rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x17; }
static inline uint32_t jalr(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x67, rd, 0, rs1, imm); }
static inline uint32_t ret(void) { return jalr(ZERO, RA, 0); }
/* fence.i (Zifencei): MISC-MEM with funct3 = 1. */
static inline uint32_t fence_i_insn(void) { return 0x0000100fu; }

/* c.addi rd, imm (quadrant 1, funct3 000), for -32 <= imm < 32, imm != 0. */
static inline uint16_t c_addi(uint32_t rd, int32_t imm) {
  uint32_t u = (uint32_t)imm;
  return (uint16_t)(((u >> 5 & 1) << 12) | (rd << 7) | ((u & 0x1f) << 2) | 0x1);
}
/* c.jr rs1 (quadrant 2, funct4 1000, rs2 = 0). */
static inline uint16_t c_jr(uint32_t rs1) { return (uint16_t)(0x8002 | (rs1 << 7)); }

#endif
