/**
 * Structural tests of the ISA table (src/isa/instructions.ts, compressed.ts):
 * no overlapping encodings, the exact instruction set the spec lists, and RVC
 * rows that refine each other only where the spec carves one out of another.
 * The decoder's behaviour against an independent disassembler is in
 * isa-golden.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { COMPRESSED } from '../src/isa/compressed.js';
import { decode16, decode32, popcount } from '../src/isa/decoder.js';
import { INSTRUCTIONS } from '../src/isa/instructions.js';
import type { CompressedSpec, Extension } from '../src/isa/types.js';

const hex = (n: number, digits: number): string => `0x${(n >>> 0).toString(16).padStart(digits, '0')}`;

/** Whether some word matches both rows: they agree on every bit both masks fix. */
function overlaps(a: { match: number; mask: number }, b: { match: number; mask: number }): boolean {
  return ((a.match ^ b.match) & a.mask & b.mask) === 0;
}

/** `outer` fixes every bit `inner` fixes, and more. */
function strictSuperset(outer: number, inner: number): boolean {
  return ((outer & inner) >>> 0) === inner >>> 0 && outer >>> 0 !== inner >>> 0;
}

// ---- The instruction set, written out from the specs ---------------------------

/**
 * Unprivileged spec ch. 2 (RV32I) and the RV32I table of "RV32/64G Instruction
 * Set Listings". That table also lists FENCE.TSO and PAUSE; both are encodings
 * of FENCE (fm=1000 pred=succ=RW, and pred=W succ=0), which the table rightly
 * keeps as one row. isa-golden.test.ts checks they decode as fence.
 */
const RV32I = [
  'lui', 'auipc', 'jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
  'lb', 'lh', 'lw', 'lbu', 'lhu', 'sb', 'sh', 'sw',
  'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'fence', 'ecall', 'ebreak',
];
/** Unprivileged spec, "Zifencei" chapter. */
const ZIFENCEI = ['fence.i'];
/** Unprivileged spec, "M" chapter (RV32 rows only). */
const M = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'];
/** Unprivileged spec, "A" chapter (RV32 rows only; Zalrsc + Zaamo). */
const A = ['lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w',
  'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w'];
/** Unprivileged spec, "Zicsr" chapter. */
const ZICSR = ['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci'];
/** Privileged spec 3.3.2 (xRET), 3.3.3 (WFI), 4.2.1 (SFENCE.VMA). No URET (N was removed), no DRET (debug spec). */
const PRIV = ['sret', 'mret', 'wfi', 'sfence.vma'];

const BY_EXTENSION: Record<Extension, string[]> = {
  I: RV32I, Zifencei: ZIFENCEI, M, A, Zicsr: ZICSR, Priv: PRIV, C: [],
};

/**
 * Unprivileged spec ch. "C" Standard Extension, "RVC Instruction Set Listings",
 * the RV32 column of quadrants 0-2, without the F/D loads and stores (c.flw,
 * c.fsw, c.flwsp, c.fswsp, c.fld, c.fsd, c.fldsp, c.fsdsp): this hart has no FPU.
 * Each maps to the base instruction the spec says it expands into.
 */
const RV32C_EXPANSION: Record<string, string> = {
  'c.addi4spn': 'addi', 'c.lw': 'lw', 'c.sw': 'sw',
  'c.nop': 'addi', 'c.addi': 'addi', 'c.jal': 'jal', 'c.li': 'addi', 'c.addi16sp': 'addi', 'c.lui': 'lui',
  'c.srli': 'srli', 'c.srai': 'srai', 'c.andi': 'andi',
  'c.sub': 'sub', 'c.xor': 'xor', 'c.or': 'or', 'c.and': 'and',
  'c.j': 'jal', 'c.beqz': 'beq', 'c.bnez': 'bne',
  'c.slli': 'slli', 'c.lwsp': 'lw', 'c.jr': 'jalr', 'c.mv': 'add', 'c.ebreak': 'ebreak', 'c.jalr': 'jalr',
  'c.add': 'add', 'c.swsp': 'sw',
};

/**
 * Spec instructions that share a row with another. C.NOP is C.ADDI with rd=x0
 * and imm=0 (same funct3, same expansion `addi x0, x0, 0`), so the c.addi row
 * covers it; the test below checks 0x0001 decodes that way.
 */
const FOLDED_INTO: Record<string, string> = { 'c.nop': 'c.addi' };

/**
 * Where the spec carves one RVC encoding out of another (quadrant 2 funct4 100x,
 * quadrant 1 funct3 011): [specific, general]. These are the only overlaps allowed.
 */
const REFINEMENTS: ReadonlyArray<readonly [string, string]> = [
  ['c.jr', 'c.mv'], // CR funct4=1000: rs2=x0 is C.JR, otherwise C.MV
  ['c.ebreak', 'c.jalr'], // CR funct4=1001: rd=rs2=x0 is C.EBREAK ...
  ['c.ebreak', 'c.add'],
  ['c.jalr', 'c.add'], // ... rs2=x0 is C.JALR, otherwise C.ADD
  ['c.addi16sp', 'c.lui'], // CI funct3=011: rd=x2 is C.ADDI16SP, otherwise C.LUI
];

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

describe('32-bit table', () => {
  it('has no two rows that match the same word', () => {
    const clashes: string[] = [];
    for (let i = 0; i < INSTRUCTIONS.length; i++) {
      for (let j = i + 1; j < INSTRUCTIONS.length; j++) {
        const a = INSTRUCTIONS[i]!, b = INSTRUCTIONS[j]!;
        if (overlaps(a, b)) clashes.push(`${a.mnemonic} / ${b.mnemonic}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('fixes only bits its mask covers (match & ~mask == 0)', () => {
    const bad = INSTRUCTIONS.filter((s) => ((s.match & ~s.mask) >>> 0) !== 0).map((s) => s.mnemonic);
    expect(bad).toEqual([]);
  });

  it('has 32-bit encodings only: low bits 11, inst[4:2] != 111, the major opcode in every mask', () => {
    const bad = INSTRUCTIONS.filter((s) => (s.match & 3) !== 3 || (s.match & 0x1c) === 0x1c || (s.mask & 0x7f) !== 0x7f);
    expect(bad.map((s) => s.mnemonic)).toEqual([]);
  });

  it('has unique mnemonics', () => {
    const names = INSTRUCTIONS.map((s) => s.mnemonic);
    expect(names.length).toBe(new Set(names).size);
  });

  it('holds exactly RV32I + M + A + Zicsr + Zifencei + the privileged instructions, no F/D', () => {
    const all = Object.values(BY_EXTENSION).flat();
    expect(sorted(INSTRUCTIONS.map((s) => s.mnemonic))).toEqual(sorted(all));
  });

  it.each(Object.keys(BY_EXTENSION) as Extension[])('tags the %s instructions with their extension', (ext) => {
    const tagged = INSTRUCTIONS.filter((s) => s.extension === ext).map((s) => s.mnemonic);
    expect(sorted(tagged)).toEqual(sorted(BY_EXTENSION[ext]));
  });

  it('decodes each row\'s own match value to that row', () => {
    const wrong = INSTRUCTIONS.flatMap((s, i) => (decode32(s.match).op === i ? [] : [`${s.mnemonic} ${hex(s.match, 8)}`]));
    expect(wrong).toEqual([]);
  });

  it('rejects the 48-bit and longer prefixes (inst[4:2] = 111)', () => {
    for (const w of [0x0000001f, 0x0000003f, 0x0000007f, 0xffffffff, 0x0000105f]) expect(decode32(w).op).toBe(-1);
  });
});

describe('RVC table', () => {
  const byName = new Map(COMPRESSED.map((s) => [s.mnemonic, s]));
  const row = (name: string): CompressedSpec => {
    const s = byName.get(name);
    if (s === undefined) throw new Error(`no RVC row ${name}`);
    return s;
  };

  it('fixes only bits its mask covers (match & ~mask == 0)', () => {
    expect(COMPRESSED.filter((s) => (s.match & ~s.mask) !== 0).map((s) => s.mnemonic)).toEqual([]);
  });

  it('has 16-bit encodings only: quadrant 0-2, quadrant and funct3 in every mask', () => {
    const bad = COMPRESSED.filter((s) => (s.match & 3) === 3 || (s.mask & 0xe003) !== 0xe003 || s.match > 0xffff || s.mask > 0xffff);
    expect(bad.map((s) => s.mnemonic)).toEqual([]);
  });

  it('holds exactly the RV32C instructions (without F/D), with C.NOP folded into C.ADDI', () => {
    const expected = Object.keys(RV32C_EXPANSION).filter((m) => !(m in FOLDED_INTO));
    expect(sorted(COMPRESSED.map((s) => s.mnemonic))).toEqual(sorted(expected));
    expect(COMPRESSED.length).toBe(new Set(COMPRESSED.map((s) => s.mnemonic)).size);
  });

  it('decodes C.NOP (0x0001) through the c.addi row as addi x0, x0, 0', () => {
    const d = decode16(0x0001);
    expect(d.compressed?.mnemonic).toBe(FOLDED_INTO['c.nop']);
    expect({ mnemonic: INSTRUCTIONS[d.op]?.mnemonic, rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm })
      .toEqual({ mnemonic: 'addi', rd: 0, rs1: 0, rs2: 0, imm: 0 });
  });

  it('overlaps only where the spec carves one encoding out of another', () => {
    const pairs: string[] = [];
    for (let i = 0; i < COMPRESSED.length; i++) {
      for (let j = i + 1; j < COMPRESSED.length; j++) {
        const a = COMPRESSED[i]!, b = COMPRESSED[j]!;
        if (!overlaps(a, b)) continue;
        // Name the pair specific-first so it compares with REFINEMENTS.
        pairs.push(popcount(a.mask) >= popcount(b.mask) ? `${a.mnemonic} < ${b.mnemonic}` : `${b.mnemonic} < ${a.mnemonic}`);
      }
    }
    expect(sorted(pairs)).toEqual(sorted(REFINEMENTS.map(([s, g]) => `${s} < ${g}`)));
  });

  it.each(REFINEMENTS)('%s strictly refines %s (mask a strict superset, inside its match space)', (specific, general) => {
    const s = row(specific), g = row(general);
    expect(strictSuperset(s.mask, g.mask)).toBe(true);
    expect(s.match & g.mask).toBe(g.match);
  });

  it('decodes every halfword by its most specific matching row (a reserved pattern there stays illegal)', () => {
    // The general row must not rescue a pattern its refinement reserves:
    // 0x8002 (c.jr x0) is reserved, not c.mv x0, x0; 0x6101 (c.addi16sp 0) is
    // reserved, not c.lui x2, 0 (RVC listings: "RES, rs1=0", "RES, nzimm=0").
    const wrong: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 3) === 3) continue;
      const matching = COMPRESSED.filter((s) => (h & s.mask) === s.match);
      const best = matching.reduce<CompressedSpec | undefined>((b, s) => (b === undefined || popcount(s.mask) > popcount(b.mask) ? s : b), undefined);
      const d = decode16(h);
      const want = best !== undefined && best.expand(h) !== undefined ? best.mnemonic : 'illegal';
      const got = d.op < 0 ? 'illegal' : d.compressed?.mnemonic ?? '?';
      if (want !== got) wrong.push(`${hex(h, 4)}: want ${want}, decoded ${got}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it.each(COMPRESSED.map((s) => s.mnemonic))('%s expands to the base instruction the spec names, with valid registers', (name) => {
    const s = row(name);
    const bad: string[] = [];
    let defined = 0;
    for (let h = 0; h < 0x10000; h++) {
      if ((h & s.mask) !== s.match) continue;
      const e = s.expand(h);
      if (e === undefined) continue;
      defined++;
      if (!INSTRUCTIONS.some((i) => i.mnemonic === e.mnemonic)) bad.push(`${hex(h, 4)}: ${e.mnemonic} is not in the table`);
      if (e.mnemonic !== RV32C_EXPANSION[name]) bad.push(`${hex(h, 4)}: expands to ${e.mnemonic}, spec says ${RV32C_EXPANSION[name]}`);
      for (const r of [e.rd, e.rs1, e.rs2]) if (!Number.isInteger(r) || r < 0 || r > 31) bad.push(`${hex(h, 4)}: register ${r}`);
    }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(defined).toBeGreaterThan(0);
  });
});
