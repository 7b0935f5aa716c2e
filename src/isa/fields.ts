/**
 * Named bit-field extractors for RISC-V instruction words (Unprivileged spec
 * chapter 2.2 "Base Instruction Formats" and 16.2 "Compressed Instruction
 * Formats"). Every other module pulls fields out only through these helpers.
 */

/** Bits [hi:lo] of `word`, zero-extended. */
export function bits(word: number, hi: number, lo: number): number {
  return (word >>> lo) & ((hi - lo === 31) ? 0xffffffff : ((1 << (hi - lo + 1)) - 1));
}

/** Sign-extends the low `width` bits of `value`. */
export function signExtend(value: number, width: number): number {
  const shift = 32 - width;
  return (value << shift) >> shift;
}

export const opcode = (w: number): number => w & 0x7f;
export const rd = (w: number): number => (w >>> 7) & 31;
export const rs1 = (w: number): number => (w >>> 15) & 31;
export const rs2 = (w: number): number => (w >>> 20) & 31;
export const funct3 = (w: number): number => (w >>> 12) & 7;
export const funct7 = (w: number): number => (w >>> 25) & 0x7f;
/** The 12-bit CSR number of a Zicsr instruction. */
export const csrNumber = (w: number): number => (w >>> 20) & 0xfff;

/** I-type immediate: inst[31:20], sign-extended. */
export const immI = (w: number): number => w >> 20;
/** S-type immediate: inst[31:25] | inst[11:7]. */
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 31);
/** B-type immediate: inst[31|7|30:25|11:8] << 1. */
export const immB = (w: number): number =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
/** U-type immediate: inst[31:12] << 12. */
export const immU = (w: number): number => w & 0xfffff000;
/** J-type immediate: inst[31|19:12|20|30:21] << 1. */
export const immJ = (w: number): number =>
  ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
/** Shift amount of an immediate shift (RV32: 5 bits). */
export const shamt = (w: number): number => (w >>> 20) & 31;

// ---- Compressed (16-bit) fields ------------------------------------------

export const cOp = (h: number): number => h & 3;
export const cFunct3 = (h: number): number => (h >>> 13) & 7;
/** Full 5-bit register field at [11:7] (CR, CI, CSS formats). */
export const cRd = (h: number): number => (h >>> 7) & 31;
/** Full 5-bit register field at [6:2]. */
export const cRs2 = (h: number): number => (h >>> 2) & 31;
/** Popular-register field rd'/rs1' at [9:7], mapped to x8..x15. */
export const cRs1p = (h: number): number => 8 + ((h >>> 7) & 7);
/** Popular-register field rd'/rs2' at [4:2], mapped to x8..x15. */
export const cRs2p = (h: number): number => 8 + ((h >>> 2) & 7);

/** CI-format 6-bit signed immediate imm[5] = [12], imm[4:0] = [6:2]. */
export const cImm6 = (h: number): number => signExtend((((h >>> 12) & 1) << 5) | ((h >>> 2) & 31), 6);
/** CI-format 6-bit unsigned value (shift amount), shamt[5] = [12]. */
export const cShamt = (h: number): number => (((h >>> 12) & 1) << 5) | ((h >>> 2) & 31);

/** c.addi4spn: nzuimm[5:4|9:6|2|3] = [12:5]. */
export const cAddi4spnImm = (h: number): number =>
  (((h >>> 11) & 3) << 4) | (((h >>> 7) & 0xf) << 6) | (((h >>> 6) & 1) << 2) | (((h >>> 5) & 1) << 3);
/** c.lw / c.sw: uimm[5:3] = [12:10], uimm[2] = [6], uimm[6] = [5]. */
export const cLwImm = (h: number): number =>
  (((h >>> 10) & 7) << 3) | (((h >>> 6) & 1) << 2) | (((h >>> 5) & 1) << 6);
/** c.jal / c.j: imm[11|4|9:8|10|6|7|3:1|5] = [12:2]. */
export const cJImm = (h: number): number =>
  signExtend(
    (((h >>> 12) & 1) << 11) | (((h >>> 11) & 1) << 4) | (((h >>> 9) & 3) << 8) | (((h >>> 8) & 1) << 10) |
      (((h >>> 7) & 1) << 6) | (((h >>> 6) & 1) << 7) | (((h >>> 3) & 7) << 1) | (((h >>> 2) & 1) << 5),
    12,
  );
/** c.beqz / c.bnez: imm[8|4:3] = [12:10], imm[7:6|2:1|5] = [6:2]. */
export const cBImm = (h: number): number =>
  signExtend(
    (((h >>> 12) & 1) << 8) | (((h >>> 10) & 3) << 3) | (((h >>> 5) & 3) << 6) | (((h >>> 3) & 3) << 1) |
      (((h >>> 2) & 1) << 5),
    9,
  );
/** c.addi16sp: nzimm[9] = [12], nzimm[4|6|8:7|5] = [6:2]. */
export const cAddi16spImm = (h: number): number =>
  signExtend(
    (((h >>> 12) & 1) << 9) | (((h >>> 6) & 1) << 4) | (((h >>> 5) & 1) << 6) | (((h >>> 3) & 3) << 7) |
      (((h >>> 2) & 1) << 5),
    10,
  );
/** c.lui: nzimm[17] = [12], nzimm[16:12] = [6:2], already shifted into place. */
export const cLuiImm = (h: number): number => signExtend((((h >>> 12) & 1) << 5) | ((h >>> 2) & 31), 6) << 12;
/** c.lwsp: uimm[5] = [12], uimm[4:2|7:6] = [6:2]. */
export const cLwspImm = (h: number): number =>
  (((h >>> 12) & 1) << 5) | (((h >>> 4) & 7) << 2) | (((h >>> 2) & 3) << 6);
/** c.swsp: uimm[5:2|7:6] = [12:7]. */
export const cSwspImm = (h: number): number => (((h >>> 9) & 0xf) << 2) | (((h >>> 7) & 3) << 6);
