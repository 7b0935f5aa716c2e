/**
 * An instruction encoder for tests, driven by the ISA table: a 32-bit word is
 * the row's `match` with the operands placed where the row's `format` says
 * (Unprivileged spec 2.2, 2.3). The RVC table only expands one way, so the
 * compressed encoders below are small and explicit, one per C format
 * (Unprivileged spec 16.2, tables 16.5-16.7), written from the spec's bit
 * diagrams rather than from src/isa/fields.ts so they check it.
 *
 * `asm` is a tiny two-pass assembler over both, with labels and the handful of
 * pseudo-instructions tests want to read naturally (li, mv, j, csrr, ...).
 */
import { CSR_NAMES } from '../../src/isa/csr.js';
import { INSTRUCTIONS } from '../../src/isa/instructions.js';
import { Format, type InstructionSpec } from '../../src/isa/types.js';

/** One assembled instruction: its bits and its length in bytes. */
export interface Encoded {
  readonly bits: number;
  readonly length: 2 | 4;
}

// ---------------------------------------------------------------- names

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;

/** The ABI name of register n (Unprivileged spec chapter 25, table 25.1). */
export function abiName(n: number): string {
  return ABI[n]!;
}

/** Register number of `x0`..`x31`, an ABI name, or `fp`; throws on anything else. */
export function regNumber(name: string): number {
  const r = tryReg(name);
  if (r === undefined) throw new Error(`not a register: ${name}`);
  return r;
}

function tryReg(name: string): number | undefined {
  const m = /^x(\d+)$/.exec(name);
  if (m !== null && Number(m[1]) < 32) return Number(m[1]);
  if (name === 'fp') return 8;
  const i = (ABI as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

const CSR_BY_NAME = new Map<string, number>([...CSR_NAMES].map(([n, name]) => [name, n]));
CSR_BY_NAME.set('mseccfg', 0x747);
CSR_BY_NAME.set('mseccfgh', 0x757);

/** A CSR number from its name (as objdump prints it) or a number. */
export function csrNumber(csr: string | number): number {
  if (typeof csr === 'number') return csr;
  const n = CSR_BY_NAME.get(csr) ?? parseNumber(csr);
  if (n === undefined) throw new Error(`unknown CSR ${csr}`);
  return n;
}

// ---------------------------------------------------------------- 32-bit encoder

const ROWS = new Map<string, InstructionSpec>(INSTRUCTIONS.map((s) => [s.mnemonic, s]));

/** Operands of a 32-bit instruction; which ones matter depends on the row's format. */
export interface Operands {
  rd?: number;
  rs1?: number;
  rs2?: number;
  /** Immediate, branch/jump offset, shift amount, U-type upper 20 bits, or CSR uimm. */
  imm?: number;
  csr?: number;
  /** A extension ordering bits (ignored by a single hart, but they must decode). */
  aq?: boolean;
  rl?: boolean;
  /** fence predecessor/successor sets as 4-bit IORW masks. */
  pred?: number;
  succ?: number;
}

function checkRange(what: string, v: number, lo: number, hi: number, align = 1): number {
  if (!Number.isInteger(v) || v < lo || v > hi || v % align !== 0) {
    throw new Error(`${what} ${v} is out of range [${lo}, ${hi}]${align > 1 ? ` or not a multiple of ${align}` : ''}`);
  }
  return v;
}

const reg = (what: string, v: number | undefined): number => checkRange(what, v ?? 0, 0, 31);

/** imm[hi:lo] moved to instruction bit `at` and up. */
function place(value: number, hi: number, lo: number, at: number): number {
  return ((value >>> lo) & ((1 << (hi - lo + 1)) - 1)) << at;
}

/** The 32-bit word of `mnemonic` (a row of the ISA table) with these operands. */
export function encode(mnemonic: string, o: Operands = {}): number {
  const spec = ROWS.get(mnemonic);
  if (spec === undefined) throw new Error(`no instruction ${mnemonic} in the ISA table`);
  const rd = reg('rd', o.rd) << 7;
  const rs1 = reg('rs1', o.rs1) << 15;
  const rs2 = reg('rs2', o.rs2) << 20;
  const imm = o.imm ?? 0;
  let fields: number;
  switch (spec.format) {
    case Format.R:
      fields = rd | rs1 | rs2;
      break;
    case Format.I:
      fields = rd | rs1 | (checkRange('I-immediate', imm, -2048, 2047) << 20);
      break;
    case Format.S:
      checkRange('S-immediate', imm, -2048, 2047);
      fields = rs1 | rs2 | place(imm, 11, 5, 25) | place(imm, 4, 0, 7);
      break;
    case Format.B:
      checkRange('branch offset', imm, -4096, 4094, 2);
      fields = rs1 | rs2 | place(imm, 12, 12, 31) | place(imm, 10, 5, 25) | place(imm, 4, 1, 8) | place(imm, 11, 11, 7);
      break;
    case Format.U:
      fields = rd | (checkRange('U-immediate', imm, -0x80000, 0xfffff) & 0xfffff) << 12;
      break;
    case Format.J:
      checkRange('jump offset', imm, -0x100000, 0xffffe, 2);
      fields = rd | place(imm, 20, 20, 31) | place(imm, 10, 1, 21) | place(imm, 11, 11, 20) | place(imm, 19, 12, 12);
      break;
    case Format.Shift:
      fields = rd | rs1 | (checkRange('shift amount', imm, 0, 31) << 20);
      break;
    case Format.Csr:
      fields = rd | rs1 | (checkRange('CSR number', o.csr ?? 0, 0, 0xfff) << 20);
      break;
    case Format.CsrImm:
      fields = rd | (checkRange('CSR uimm', imm, 0, 31) << 15) | (checkRange('CSR number', o.csr ?? 0, 0, 0xfff) << 20);
      break;
    case Format.Amo:
    case Format.Lr:
      fields = rd | rs1 | (spec.format === Format.Amo ? rs2 : 0) | (o.aq === true ? 1 << 26 : 0) | (o.rl === true ? 1 << 25 : 0);
      break;
    case Format.Fence:
      fields = (checkRange('fence pred', o.pred ?? 15, 0, 15) << 24) | (checkRange('fence succ', o.succ ?? 15, 0, 15) << 20);
      break;
    case Format.Sfence:
      fields = rs1 | rs2;
      break;
    case Format.None:
      fields = 0;
      break;
  }
  const word = (spec.match | fields) >>> 0;
  if (((word & spec.mask) >>> 0) !== spec.match) throw new Error(`operands of ${mnemonic} overwrite its fixed bits`);
  return word;
}

// ---------------------------------------------------------------- RVC encoders

/** A register in the 3-bit rd'/rs1'/rs2' fields: x8..x15. */
function creg(what: string, r: number): number {
  return checkRange(`${what} (must be x8..x15)`, r, 8, 15) - 8;
}

// Formats (Unprivileged spec table 16.1). Immediates are scattered as the spec's tables 16.5-16.7 draw them.
const CR = (f4: number, rd: number, rs2: number, op: number): number =>
  (f4 << 12) | (reg('rd', rd) << 7) | (reg('rs2', rs2) << 2) | op;
const CI = (f3: number, rd: number, imm: number, op: number): number =>
  (f3 << 13) | (reg('rd', rd) << 7) | imm | op;

/** Compressed encoders, one per instruction, taking the operands as the assembler writes them. */
export const rvc = {
  // ---- Quadrant 0 ----
  /** c.addi4spn rd', nzuimm: addi rd', sp, nzuimm (nzuimm[5:4|9:6|2|3] at [12:5]). */
  addi4spn: (rd: number, nzuimm: number): number => {
    const u = checkRange('c.addi4spn nzuimm', nzuimm, 0, 1020, 4);
    return (0 << 13) | place(u, 5, 4, 11) | place(u, 9, 6, 7) | place(u, 2, 2, 6) | place(u, 3, 3, 5) | (creg('rd', rd) << 2) | 0;
  },
  /** c.lw rd', uimm(rs1') (uimm[5:3] at [12:10], uimm[2|6] at [6:5]). */
  lw: (rd: number, uimm: number, rs1: number): number => clsw(2, rd, uimm, rs1),
  /** c.sw rs2', uimm(rs1'). */
  sw: (rs2: number, uimm: number, rs1: number): number => clsw(6, rs2, uimm, rs1),

  // ---- Quadrant 1 ----
  nop: (): number => CI(0, 0, 0, 1),
  /** c.addi rd, nzimm[5:0]. */
  addi: (rd: number, imm: number): number => CI(0, rd, cimm6(imm), 1),
  /** c.jal offset (RV32 only): jal ra, offset. */
  jal: (offset: number): number => (1 << 13) | cjOffset(offset) | 1,
  /** c.li rd, imm[5:0]. */
  li: (rd: number, imm: number): number => CI(2, rd, cimm6(imm), 1),
  /** c.addi16sp nzimm: nzimm[9] at [12], nzimm[4|6|8:7|5] at [6:2]. */
  addi16sp: (nzimm: number): number => {
    const i = checkRange('c.addi16sp nzimm', nzimm, -512, 496, 16);
    return CI(3, 2, place(i, 9, 9, 12) | place(i, 4, 4, 6) | place(i, 6, 6, 5) | place(i, 8, 7, 3) | place(i, 5, 5, 2), 1);
  },
  /** c.lui rd, nzimm[17:12] given as the signed 6-bit value the assembler takes (lui rd, sext(v) << 12). */
  lui: (rd: number, imm: number): number => CI(3, rd, cimm6(imm), 1),
  /** c.srli rd', shamt (shamt[5] at [12]; must be 0 on RV32). */
  srli: (rd: number, shamt: number): number => cbShift(0, rd, shamt),
  srai: (rd: number, shamt: number): number => cbShift(1, rd, shamt),
  /** c.andi rd', imm[5:0]. */
  andi: (rd: number, imm: number): number => (4 << 13) | (2 << 10) | (creg('rd', rd) << 7) | cimm6(imm) | 1,
  sub: (rd: number, rs2: number): number => ca(0, rd, rs2),
  xor: (rd: number, rs2: number): number => ca(1, rd, rs2),
  or: (rd: number, rs2: number): number => ca(2, rd, rs2),
  and: (rd: number, rs2: number): number => ca(3, rd, rs2),
  /** c.j offset: jal x0, offset. */
  j: (offset: number): number => (5 << 13) | cjOffset(offset) | 1,
  /** c.beqz rs1', offset (offset[8|4:3] at [12:10], offset[7:6|2:1|5] at [6:2]). */
  beqz: (rs1: number, offset: number): number => cbBranch(6, rs1, offset),
  bnez: (rs1: number, offset: number): number => cbBranch(7, rs1, offset),

  // ---- Quadrant 2 ----
  /** c.slli rd, shamt. */
  slli: (rd: number, shamt: number): number => CI(0, rd, place(checkRange('shamt', shamt, 0, 63), 5, 5, 12) | place(shamt, 4, 0, 2), 2),
  /** c.lwsp rd, uimm(sp): uimm[5] at [12], uimm[4:2|7:6] at [6:2]. */
  lwsp: (rd: number, uimm: number): number => {
    const u = checkRange('c.lwsp uimm', uimm, 0, 252, 4);
    return CI(2, rd, place(u, 5, 5, 12) | place(u, 4, 2, 4) | place(u, 7, 6, 2), 2);
  },
  jr: (rs1: number): number => CR(8, rs1, 0, 2),
  mv: (rd: number, rs2: number): number => CR(8, rd, rs2, 2),
  ebreak: (): number => CR(9, 0, 0, 2),
  jalr: (rs1: number): number => CR(9, rs1, 0, 2),
  add: (rd: number, rs2: number): number => CR(9, rd, rs2, 2),
  /** c.swsp rs2, uimm(sp): uimm[5:2|7:6] at [12:7]. */
  swsp: (rs2: number, uimm: number): number => {
    const u = checkRange('c.swsp uimm', uimm, 0, 252, 4);
    return (6 << 13) | place(u, 5, 2, 9) | place(u, 7, 6, 7) | (reg('rs2', rs2) << 2) | 2;
  },
} as const;

function cimm6(imm: number): number {
  const i = checkRange('6-bit immediate', imm, -32, 31);
  return place(i, 5, 5, 12) | place(i, 4, 0, 2);
}

function clsw(f3: number, r: number, uimm: number, rs1: number): number {
  const u = checkRange('c.lw/c.sw uimm', uimm, 0, 124, 4);
  return (f3 << 13) | place(u, 5, 3, 10) | (creg('rs1', rs1) << 7) | place(u, 2, 2, 6) | place(u, 6, 6, 5) | (creg('rd/rs2', r) << 2);
}

function cjOffset(offset: number): number {
  const o = checkRange('c.j/c.jal offset', offset, -2048, 2046, 2);
  return place(o, 11, 11, 12) | place(o, 4, 4, 11) | place(o, 9, 8, 9) | place(o, 10, 10, 8) |
    place(o, 6, 6, 7) | place(o, 7, 7, 6) | place(o, 3, 1, 3) | place(o, 5, 5, 2);
}

function cbBranch(f3: number, rs1: number, offset: number): number {
  const o = checkRange('c.beqz/c.bnez offset', offset, -256, 254, 2);
  return (f3 << 13) | place(o, 8, 8, 12) | place(o, 4, 3, 10) | (creg('rs1', rs1) << 7) |
    place(o, 7, 6, 5) | place(o, 2, 1, 3) | place(o, 5, 5, 2) | 1;
}

function cbShift(funct2: number, rd: number, shamt: number): number {
  const s = checkRange('shamt', shamt, 0, 63);
  return (4 << 13) | place(s, 5, 5, 12) | (funct2 << 10) | (creg('rd', rd) << 7) | place(s, 4, 0, 2) | 1;
}

function ca(funct2: number, rd: number, rs2: number): number {
  return (4 << 13) | (3 << 10) | (creg('rd', rd) << 7) | (funct2 << 5) | (creg('rs2', rs2) << 2) | 1;
}

// ---------------------------------------------------------------- assembler

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(0x[0-9a-f_]+|0b[01_]+|\d[\d_]*)$/i.test(t)) return undefined;
  const neg = t.startsWith('-');
  const body = t.replace(/^[-+]/, '').replace(/_/g, '');
  const v = body.startsWith('0b') || body.startsWith('0B') ? parseInt(body.slice(2), 2) : Number(body);
  return neg ? -v : v;
}

/** A memory operand `imm(reg)` (imm optional). */
function parseMem(text: string): { imm: number; reg: number } {
  const m = /^(.*)\(\s*(\w+)\s*\)$/.exec(text.trim());
  if (m === null) throw new Error(`expected imm(reg), got ${text}`);
  const imm = m[1]!.trim() === '' ? 0 : parseNumber(m[1]!);
  if (imm === undefined) throw new Error(`bad offset in ${text}`);
  return { imm, reg: regNumber(m[2]!) };
}

const FENCE_SET = (s: string): number =>
  [...s].reduce((acc, ch) => acc | ({ i: 8, o: 4, r: 2, w: 1 } as Record<string, number>)[ch]!, 0);

interface Line {
  readonly mnemonic: string;
  readonly args: readonly string[];
  readonly address: number;
}

/**
 * Assembles `source` (instructions separated by newlines or `;`, `label:`
 * prefixes allowed) for the address `origin`. Branch and jump targets may be
 * labels or numeric offsets relative to the instruction.
 */
export function asm(source: string, origin = 0): Encoded[] {
  const labels = new Map<string, number>();
  const lines: Line[] = [];
  let address = origin;
  for (let stmt of source.split(/[\n;]/)) {
    stmt = stmt.replace(/#.*$/, '').trim();
    for (let m = /^(\w+):\s*/.exec(stmt); m !== null; m = /^(\w+):\s*/.exec(stmt)) {
      labels.set(m[1]!, address);
      stmt = stmt.slice(m[0].length);
    }
    if (stmt === '') continue;
    const sp = stmt.search(/\s/);
    const mnemonic = (sp < 0 ? stmt : stmt.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : stmt.slice(sp).trim();
    const args = rest === '' ? [] : splitArgs(rest);
    const line = { mnemonic, args, address };
    lines.push(line);
    address += sizeOf(line);
  }
  const out: Encoded[] = [];
  for (const line of lines) {
    const target = (text: string): number => {
      const n = parseNumber(text);
      if (n !== undefined) return n;
      const l = labels.get(text.trim());
      if (l === undefined) throw new Error(`unknown label ${text}`);
      return l - line.address;
    };
    try {
      out.push(...assembleLine(line, target));
    } catch (e) {
      throw new Error(`${line.mnemonic} ${line.args.join(', ')}: ${(e as Error).message}`);
    }
  }
  return out;
}

function splitArgs(rest: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of rest) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur.trim());
  return out;
}

function sizeOf(line: Line): number {
  if (line.mnemonic.startsWith('c.')) return 2;
  if (line.mnemonic === 'li') return liParts(num(line.args[1]!)).length * 4;
  return 4;
}

function num(text: string): number {
  const n = parseNumber(text);
  if (n === undefined) throw new Error(`expected a number, got ${text}`);
  return n;
}

/** li: addi alone when the value fits 12 bits, else lui (+ addi), as GNU as does. */
function liParts(value: number): { hi: number | undefined; lo: number | undefined } [] {
  const v = value | 0;
  if (v >= -2048 && v <= 2047) return [{ hi: undefined, lo: v }];
  const lo = (v << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return lo === 0 ? [{ hi, lo: undefined }] : [{ hi, lo: undefined }, { hi: undefined, lo }];
}

const w = (bits: number): Encoded => ({ bits: bits >>> 0, length: 4 });
const h = (bits: number): Encoded => ({ bits: bits & 0xffff, length: 2 });

function assembleLine(line: Line, target: (t: string) => number): Encoded[] {
  const { mnemonic: m, args: a } = line;
  const r = (i: number): number => regNumber(a[i]!);
  const n = (i: number): number => num(a[i]!);

  if (m.startsWith('c.')) return [h(assembleCompressed(m, a, target))];

  // Pseudo-instructions (Unprivileged spec chapter 25, table 25.2).
  switch (m) {
    case 'nop': return [w(encode('addi'))];
    case 'li': {
      const rd = r(0);
      return liParts(n(1)).map((p) => p.hi !== undefined
        ? w(encode('lui', { rd, imm: p.hi }))
        : w(encode('addi', { rd, rs1: liParts(n(1)).length > 1 ? rd : 0, imm: p.lo! })));
    }
    case 'mv': return [w(encode('addi', { rd: r(0), rs1: r(1) }))];
    case 'not': return [w(encode('xori', { rd: r(0), rs1: r(1), imm: -1 }))];
    case 'neg': return [w(encode('sub', { rd: r(0), rs2: r(1) }))];
    case 'j': return [w(encode('jal', { imm: target(a[0]!) }))];
    case 'jr': return [w(encode('jalr', { rs1: r(0) }))];
    case 'ret': return [w(encode('jalr', { rs1: 1 }))];
    case 'beqz': return [w(encode('beq', { rs1: r(0), imm: target(a[1]!) }))];
    case 'bnez': return [w(encode('bne', { rs1: r(0), imm: target(a[1]!) }))];
    case 'bltz': return [w(encode('blt', { rs1: r(0), imm: target(a[1]!) }))];
    case 'bgez': return [w(encode('bge', { rs1: r(0), imm: target(a[1]!) }))];
    case 'csrr': return [w(encode('csrrs', { rd: r(0), csr: csrNumber(a[1]!) }))];
    case 'csrw': return [w(encode('csrrw', { rs1: r(1), csr: csrNumber(a[0]!) }))];
    case 'csrs': return [w(encode('csrrs', { rs1: r(1), csr: csrNumber(a[0]!) }))];
    case 'csrc': return [w(encode('csrrc', { rs1: r(1), csr: csrNumber(a[0]!) }))];
    case 'csrwi': return [w(encode('csrrwi', { imm: n(1), csr: csrNumber(a[0]!) }))];
    case 'csrsi': return [w(encode('csrrsi', { imm: n(1), csr: csrNumber(a[0]!) }))];
    case 'csrci': return [w(encode('csrrci', { imm: n(1), csr: csrNumber(a[0]!) }))];
  }

  // AMO ordering suffixes: amoadd.w.aq, sc.w.rl, lr.w.aqrl.
  const ord = /^(.*\.w)\.(aq|rl|aqrl)$/.exec(m);
  const base = ord !== null ? ord[1]! : m;
  const aq = ord !== null && ord[2]!.includes('aq');
  const rl = ord !== null && ord[2]!.includes('rl');
  const spec = ROWS.get(base);
  if (spec === undefined) throw new Error('unknown mnemonic');
  switch (spec.format) {
    case Format.R: return [w(encode(base, { rd: r(0), rs1: r(1), rs2: r(2) }))];
    case Format.I: {
      if (base === 'jalr' && a.length === 1) return [w(encode(base, { rd: 1, rs1: r(0) }))];
      if (a.length === 2) {
        const mem = parseMem(a[1]!);
        return [w(encode(base, { rd: r(0), rs1: mem.reg, imm: mem.imm }))];
      }
      return [w(encode(base, { rd: r(0), rs1: r(1), imm: n(2) }))];
    }
    case Format.S: {
      const mem = parseMem(a[1]!);
      return [w(encode(base, { rs2: r(0), rs1: mem.reg, imm: mem.imm }))];
    }
    case Format.B: return [w(encode(base, { rs1: r(0), rs2: r(1), imm: target(a[2]!) }))];
    case Format.U: return [w(encode(base, { rd: r(0), imm: n(1) }))];
    case Format.J:
      return a.length === 1
        ? [w(encode(base, { rd: 1, imm: target(a[0]!) }))]
        : [w(encode(base, { rd: r(0), imm: target(a[1]!) }))];
    case Format.Shift: return [w(encode(base, { rd: r(0), rs1: r(1), imm: n(2) }))];
    case Format.Csr: return [w(encode(base, { rd: r(0), csr: csrNumber(a[1]!), rs1: r(2) }))];
    case Format.CsrImm: return [w(encode(base, { rd: r(0), csr: csrNumber(a[1]!), imm: n(2) }))];
    case Format.Amo: return [w(encode(base, { rd: r(0), rs2: r(1), rs1: parseMem(a[2]!).reg, aq, rl }))];
    case Format.Lr: return [w(encode(base, { rd: r(0), rs1: parseMem(a[1]!).reg, aq, rl }))];
    case Format.Fence:
      return [w(a.length === 0 ? encode(base) : encode(base, { pred: FENCE_SET(a[0]!), succ: FENCE_SET(a[1]!) }))];
    case Format.Sfence: return [w(encode(base, { rs1: a.length > 0 ? r(0) : 0, rs2: a.length > 1 ? r(1) : 0 }))];
    case Format.None: return [w(encode(base))];
  }
}

function assembleCompressed(m: string, a: readonly string[], target: (t: string) => number): number {
  const r = (i: number): number => regNumber(a[i]!);
  const n = (i: number): number => num(a[i]!);
  switch (m) {
    case 'c.addi4spn': return rvc.addi4spn(r(0), n(2)); // c.addi4spn rd', sp, nzuimm
    case 'c.lw': { const mem = parseMem(a[1]!); return rvc.lw(r(0), mem.imm, mem.reg); }
    case 'c.sw': { const mem = parseMem(a[1]!); return rvc.sw(r(0), mem.imm, mem.reg); }
    case 'c.nop': return rvc.nop();
    case 'c.addi': return rvc.addi(r(0), n(1));
    case 'c.jal': return rvc.jal(target(a[0]!));
    case 'c.li': return rvc.li(r(0), n(1));
    case 'c.addi16sp': return rvc.addi16sp(n(a.length - 1)); // c.addi16sp [sp,] nzimm
    case 'c.lui': return rvc.lui(r(0), n(1));
    case 'c.srli': return rvc.srli(r(0), n(1));
    case 'c.srai': return rvc.srai(r(0), n(1));
    case 'c.andi': return rvc.andi(r(0), n(1));
    case 'c.sub': return rvc.sub(r(0), r(1));
    case 'c.xor': return rvc.xor(r(0), r(1));
    case 'c.or': return rvc.or(r(0), r(1));
    case 'c.and': return rvc.and(r(0), r(1));
    case 'c.j': return rvc.j(target(a[0]!));
    case 'c.beqz': return rvc.beqz(r(0), target(a[1]!));
    case 'c.bnez': return rvc.bnez(r(0), target(a[1]!));
    case 'c.slli': return rvc.slli(r(0), n(1));
    case 'c.lwsp': { const mem = parseMem(a[1]!); if (mem.reg !== 2) throw new Error('c.lwsp is sp-relative'); return rvc.lwsp(r(0), mem.imm); }
    case 'c.swsp': { const mem = parseMem(a[1]!); if (mem.reg !== 2) throw new Error('c.swsp is sp-relative'); return rvc.swsp(r(0), mem.imm); }
    case 'c.jr': return rvc.jr(r(0));
    case 'c.mv': return rvc.mv(r(0), r(1));
    case 'c.ebreak': return rvc.ebreak();
    case 'c.jalr': return rvc.jalr(r(0));
    case 'c.add': return rvc.add(r(0), r(1));
  }
  throw new Error('unknown compressed mnemonic');
}

/** Shorthand: the single 32-bit word of one instruction. */
export function word(source: string): number {
  const code = asm(source);
  if (code.length !== 1 || code[0]!.length !== 4) throw new Error(`"${source}" is not one 32-bit instruction`);
  return code[0]!.bits;
}

/** Little-endian bytes of a program. */
export function bytesOf(code: readonly Encoded[]): Uint8Array {
  const out = new Uint8Array(code.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of code) {
    for (let i = 0; i < c.length; i++) out[o++] = (c.bits >>> (8 * i)) & 0xff;
  }
  return out;
}
