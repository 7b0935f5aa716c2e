/**
 * Instruction decoding from the ISA table: 32-bit words by their major opcode,
 * 16-bit words by quadrant and funct3, most specific mask first.
 */
import { COMPRESSED } from './compressed.js';
import { csrNumber, immB, immI, immJ, immS, immU, rd, rs1, rs2, shamt } from './fields.js';
import { INSTRUCTIONS, opIndex } from './instructions.js';
import { Format, type CompressedSpec, type Decoded } from './types.js';

const byOpcode: number[][] = Array.from({ length: 128 }, () => []);
INSTRUCTIONS.forEach((spec, i) => byOpcode[spec.match & 0x7f]!.push(i));

/** RVC rows grouped by quadrant and funct3 ((funct3 << 2) | quadrant), most specific first. */
const byCGroup: CompressedSpec[][] = Array.from({ length: 32 }, () => []);
for (const spec of COMPRESSED) byCGroup[((spec.match >>> 13) << 2) | (spec.match & 3)]!.push(spec);
for (const group of byCGroup) group.sort((a, b) => popcount(b.mask) - popcount(a.mask));

const opByMnemonic = new Map(INSTRUCTIONS.map((s, i) => [s.mnemonic, i]));

/** Decoded value of a word that is not a valid instruction. */
function illegal(bits: number, length: 2 | 4): Decoded {
  return { op: -1, rd: 0, rs1: 0, rs2: 0, imm: 0, length, bits };
}

/** Whether a 16-bit parcel starts a 32-bit instruction (its low two bits are 11). */
export function isFullLength(parcel: number): boolean {
  return (parcel & 3) === 3;
}

/** Decodes a 32-bit instruction word. */
export function decode32(word: number): Decoded {
  word >>>= 0;
  if ((word & 0x1c) === 0x1c) return illegal(word, 4); // 48-bit and longer encodings
  for (const i of byOpcode[word & 0x7f]!) {
    const spec = INSTRUCTIONS[i]!;
    if (((word & spec.mask) >>> 0) !== spec.match) continue;
    return operands(i, spec.format, word);
  }
  return illegal(word, 4);
}

function operands(op: number, format: Format, w: number): Decoded {
  const d = (r: number, s1: number, s2: number, imm: number): Decoded => ({ op, rd: r, rs1: s1, rs2: s2, imm, length: 4, bits: w });
  switch (format) {
    case Format.R: case Format.Amo: return d(rd(w), rs1(w), rs2(w), 0);
    case Format.Lr: return d(rd(w), rs1(w), 0, 0);
    case Format.I: return d(rd(w), rs1(w), 0, immI(w));
    case Format.S: return d(0, rs1(w), rs2(w), immS(w));
    case Format.B: return d(0, rs1(w), rs2(w), immB(w));
    case Format.U: return d(rd(w), 0, 0, immU(w));
    case Format.J: return d(rd(w), 0, 0, immJ(w));
    case Format.Shift: return d(rd(w), rs1(w), 0, shamt(w));
    case Format.Csr: case Format.CsrImm: return d(rd(w), rs1(w), 0, csrNumber(w));
    case Format.Fence: return d(rd(w), rs1(w), 0, (w >>> 20) & 0xfff);
    case Format.Sfence: return d(0, rs1(w), rs2(w), 0);
    case Format.None: return d(0, 0, 0, 0);
  }
}

/** Decodes a 16-bit compressed instruction by expanding it into its base instruction. */
export function decode16(parcel: number): Decoded {
  parcel &= 0xffff;
  for (const spec of byCGroup[((parcel >>> 13) << 2) | (parcel & 3)]!) {
    if ((parcel & spec.mask) !== spec.match) continue;
    const e = spec.expand(parcel);
    if (e === undefined) break; // reserved pattern of this row
    const op = opByMnemonic.get(e.mnemonic);
    if (op === undefined) throw new Error(`RVC row ${spec.mnemonic} expands to unknown ${e.mnemonic}`);
    return { op, rd: e.rd, rs1: e.rs1, rs2: e.rs2, imm: e.imm, length: 2, bits: parcel, compressed: spec };
  }
  return illegal(parcel, 2);
}

/** Decodes the instruction whose first parcel is `lo` and (if 32-bit) second parcel is `hi`. */
export function decode(lo: number, hi: number): Decoded {
  return isFullLength(lo) ? decode32(((hi & 0xffff) << 16) | (lo & 0xffff)) : decode16(lo);
}

export function popcount(v: number): number {
  v >>>= 0;
  let n = 0;
  while (v) { v &= v - 1; n++; }
  return n;
}

export { opIndex };
