/**
 * The disassembler: instruction text exactly as GNU objdump 2.40 prints it
 * (`objdump -d`, aliases on) for RV32IMAC + Zicsr + Zifencei + the
 * privileged instructions. It decodes with the decoder (so with the one ISA
 * table) and only chooses how to spell the result: the assembler aliases
 * objdump prefers (li, mv, nop, ret, j, beqz, csrr, ...), its operand
 * syntax, and its "# address <symbol>" comments.
 *
 * Those comments come from state: objdump remembers, per register, the value
 * the last `lui`/`auipc`/`c.lui` put there, and when a later instruction
 * adds an offset to that register (addi, loads, stores, jalr) it prints the
 * sum as an address and forgets the register. gp- and tp-relative and
 * x0-relative addresses are printed too. `Disassembler` keeps that state, so
 * feeding it a section in address order reproduces objdump's comments.
 *
 * Where objdump and the spec disagree about whether a word is an instruction
 * (documented in test/isa-golden.test.ts), this prints what the hart does:
 * words the hart treats as illegal are `.4byte`/`.2byte`.
 */
import { CSR_NAMES } from './csr.js';
import { decode } from './decoder.js';
import { INSTRUCTIONS } from './instructions.js';
import type { Decoded } from './types.js';

/** ABI register names, as objdump prints them (s0, not fp). */
export const ABI_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** Privileged-spec version objdump names CSRs for (from Tag_RISCV_priv_spec in .riscv.attributes). */
export type PrivSpecVersion = '1.11' | '1.12';

export interface DisassemblerOptions {
  /**
   * The `<...>` text objdump prints after an address (`main+0x10`), or
   * undefined for none. Called for branch and jump targets and for the
   * addresses in comments.
   */
  readonly symbolize?: (address: number) => string | undefined;
  /** The value of `__global_pointer$`, for gp-relative comments. */
  readonly globalPointer?: number;
  /** CSR names follow this privileged spec (default 1.12, objdump's default). */
  readonly privSpec?: PrivSpecVersion;
  /**
   * The ISA string in effect (`rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0`, from
   * Tag_RISCV_arch or a `$x<isa>` mapping symbol): like objdump, instructions
   * of extensions it lacks print as `.4byte`/`.2byte`. Default: everything.
   */
  readonly arch?: string;
}

/** The extensions an ISA string enables (psABI "ISA string"; versions such as 2p1 are ignored). */
export function parseArch(arch: string): ReadonlySet<string> {
  const out = new Set<string>();
  const [base, ...rest] = arch.toLowerCase().split('_');
  const m = /^rv(32|64)([a-z0-9]*)$/.exec(base ?? '');
  if (!m) return out;
  // Single-letter extensions with optional versions: i2p1m2p0a2p1c2p0, or imac.
  for (const ext of m[2]!.replace(/[0-9]+(p[0-9]+)?/g, '').split('')) out.add(ext);
  if (out.has('g')) for (const e of ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei']) out.add(e);
  for (const ext of rest) out.add(ext.replace(/[0-9]+(p[0-9]+)?$/, ''));
  return out;
}

/** One disassembled instruction. */
export interface Disassembly {
  readonly length: 2 | 4;
  readonly mnemonic: string;
  /** Operands as objdump prints them (comma-separated, no spaces). */
  readonly operands: string;
  /** The address objdump prints in a `# ...` comment, if any. */
  readonly commentAddress?: number;
  /** The branch or jump target, if the instruction has a pc-relative one. */
  readonly target?: number;
  /** The whole text: `mnemonic\toperands` plus ` # address <symbol>`. */
  readonly text: string;
}

// CSR names objdump knows beyond the ones the hart implements (csr.ts):
// F, V, Sstc, Smstateen, AIA, Sscofpmf, hypervisor, debug and trigger CSRs,
// and the PMP entries past 16. Privileged spec 1.12 chapter 2.2 tables, the
// H extension chapter, and the debug spec.
const EXTRA_CSR_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'],
  [0x008, 'vstart'], [0x009, 'vxsat'], [0x00a, 'vxrm'], [0x00f, 'vcsr'],
  [0x10c, 'sstateen0'], [0x10d, 'sstateen1'], [0x10e, 'sstateen2'], [0x10f, 'sstateen3'],
  [0x114, 'sieh'], [0x14d, 'stimecmp'], [0x150, 'siselect'], [0x151, 'sireg'], [0x154, 'siph'],
  [0x15c, 'stopei'], [0x15d, 'stimecmph'],
  [0x200, 'vsstatus'], [0x204, 'vsie'], [0x205, 'vstvec'], [0x214, 'vsieh'], [0x240, 'vsscratch'],
  [0x241, 'vsepc'], [0x242, 'vscause'], [0x243, 'vstval'], [0x244, 'vsip'], [0x24d, 'vstimecmp'],
  [0x250, 'vsiselect'], [0x251, 'vsireg'], [0x254, 'vsiph'], [0x25c, 'vstopei'], [0x25d, 'vstimecmph'],
  [0x280, 'vsatp'],
  [0x308, 'mvien'], [0x309, 'mvip'], [0x30c, 'mstateen0'], [0x30d, 'mstateen1'], [0x30e, 'mstateen2'],
  [0x30f, 'mstateen3'], [0x313, 'midelegh'], [0x314, 'mieh'], [0x318, 'mvienh'], [0x319, 'mviph'],
  [0x31c, 'mstateen0h'], [0x31d, 'mstateen1h'], [0x31e, 'mstateen2h'], [0x31f, 'mstateen3h'],
  [0x34a, 'mtinst'], [0x34b, 'mtval2'], [0x350, 'miselect'], [0x351, 'mireg'], [0x354, 'miph'],
  [0x35c, 'mtopei'],
  [0x5a8, 'scontext'],
  [0x600, 'hstatus'], [0x602, 'hedeleg'], [0x603, 'hideleg'], [0x604, 'hie'], [0x605, 'htimedelta'],
  [0x606, 'hcounteren'], [0x607, 'hgeie'], [0x608, 'hvien'], [0x609, 'hvictl'], [0x60a, 'henvcfg'],
  [0x60c, 'hstateen0'], [0x60d, 'hstateen1'], [0x60e, 'hstateen2'], [0x60f, 'hstateen3'],
  [0x613, 'hidelegh'], [0x615, 'htimedeltah'], [0x618, 'hvienh'], [0x61a, 'henvcfgh'],
  [0x61c, 'hstateen0h'], [0x61d, 'hstateen1h'], [0x61e, 'hstateen2h'], [0x61f, 'hstateen3h'],
  [0x643, 'htval'], [0x644, 'hip'], [0x645, 'hvip'], [0x646, 'hviprio1'], [0x647, 'hviprio2'],
  [0x64a, 'htinst'], [0x655, 'hviph'], [0x656, 'hviprio1h'], [0x657, 'hviprio2h'],
  [0x680, 'hgatp'], [0x6a8, 'hcontext'],
  ...range(3, 31).map((n): [number, string] => [0x720 + n, `mhpmevent${n}h`]),
  [0x747, 'mseccfg'], [0x757, 'mseccfgh'],
  [0x7a0, 'tselect'], [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'], [0x7a4, 'tinfo'],
  [0x7a5, 'tcontrol'], [0x7a8, 'mcontext'], [0x7aa, 'mscontext'],
  [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'], [0x7b3, 'dscratch1'],
  [0xc20, 'vl'], [0xc21, 'vtype'], [0xc22, 'vlenb'],
  [0xda0, 'scountovf'], [0xdb0, 'stopi'], [0xe12, 'hgeip'], [0xeb0, 'vstopi'], [0xfb0, 'mtopi'],
  ...range(4, 15).map((n): [number, string] => [0x3a0 + n, `pmpcfg${n}`]),
  ...range(16, 63).map((n): [number, string] => [0x3b0 + n, `pmpaddr${n}`]),
];

/** CSRs that objdump names only for privileged spec 1.12 (they are new in it). */
const NEW_IN_1_12: ReadonlySet<number> = new Set([
  0x10a, 0x30a, 0x310, 0x31a, 0x34a, 0x34b, 0x747, 0x757, 0xf15,
  ...range(0x3a4, 0x3af), ...range(0x3c0, 0x3ef),
]);

/** CSRs of the N extension and sedeleg/sideleg: objdump names them only before 1.12, which removed them. */
const REMOVED_IN_1_12: ReadonlyArray<readonly [number, string]> = [
  [0x000, 'ustatus'], [0x004, 'uie'], [0x005, 'utvec'], [0x040, 'uscratch'], [0x041, 'uepc'],
  [0x042, 'ucause'], [0x043, 'utval'], [0x044, 'uip'], [0x102, 'sedeleg'], [0x103, 'sideleg'],
];

const CSR_TABLES: Record<PrivSpecVersion, ReadonlyMap<number, string>> = (() => {
  const v112 = new Map<number, string>([...CSR_NAMES, ...EXTRA_CSR_NAMES]);
  const v111 = new Map<number, string>([...v112].filter(([n]) => !NEW_IN_1_12.has(n)));
  for (const [n, name] of REMOVED_IN_1_12) v111.set(n, name);
  return { '1.11': v111, '1.12': v112 };
})();

/** The CSR name objdump prints for `csr` (or its number in hex). */
export function csrName(csr: number, privSpec: PrivSpecVersion = '1.12'): string {
  return CSR_TABLES[privSpec].get(csr) ?? hex(csr);
}

/** Counter CSRs with their own read pseudo-instruction (rdcycle ...), Zicntr. */
const COUNTER_READS: ReadonlyMap<number, string> = new Map([
  [0xc00, 'rdcycle'], [0xc01, 'rdtime'], [0xc02, 'rdinstret'],
  [0xc80, 'rdcycleh'], [0xc81, 'rdtimeh'], [0xc82, 'rdinstreth'],
]);

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const reg = (n: number): string => ABI_NAMES[n]!;
const mem = (imm: number, base: number): string => `${imm}(${reg(base)})`;

/** FENCE predecessor/successor set as objdump spells it (Unpriv 2.7: PI PO PR PW). */
function fenceSet(bits: number): string {
  if (bits === 0) return 'unknown';
  return (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
}

/** An instruction before its text is assembled: what objdump's operand printer produced. */
interface Spelling {
  mnemonic: string;
  operands: string[];
  target?: number;
}

/**
 * A stateful objdump-compatible disassembler. Feed it the instructions of a
 * section in address order (`next`) to get objdump's comments; `reset`
 * forgets the remembered register values.
 */
export class Disassembler {
  /** Per register, the value of the last lui/auipc into it that no instruction has used yet. */
  private readonly hi: (number | undefined)[] = new Array(32).fill(undefined);
  private comment: number | undefined;
  private readonly csrNames: ReadonlyMap<number, string>;
  private extensions: ReadonlySet<string> | undefined;

  constructor(private readonly options: DisassemblerOptions = {}) {
    this.csrNames = CSR_TABLES[options.privSpec ?? '1.12'];
    if (options.arch !== undefined) this.setArch(options.arch);
  }

  /** Switches the ISA string in effect (objdump does so at each `$x<isa>` mapping symbol). */
  setArch(arch: string | undefined): void {
    this.extensions = arch === undefined ? undefined : parseArch(arch);
  }

  /** Whether the ISA in effect has the extension a decoded instruction belongs to. */
  private enabled(d: Decoded): boolean {
    const x = this.extensions;
    if (x === undefined) return true;
    if (d.length === 2) return x.has('c');
    const spec = INSTRUCTIONS[d.op]!;
    switch (spec.extension) {
      case 'M': return x.has('m') || (x.has('zmmul') && spec.mnemonic.startsWith('mul'));
      case 'A': return x.has('a');
      // `unimp` (csrrw x0, cycle, x0) belongs to the base ISA in binutils.
      case 'Zicsr': return x.has('zicsr') || d.bits >>> 0 === 0xc0001073;
      case 'Zifencei': return x.has('zifencei');
      default: return true;
    }
  }

  /** Forgets the lui/auipc values remembered for address comments. */
  reset(): void {
    this.hi.fill(undefined);
  }

  /** Disassembles the instruction at `pc` whose parcels are `lo` and (for 32-bit ones) `hi`. */
  next(pc: number, lo: number, hi = 0): Disassembly {
    return this.spell(pc >>> 0, decode(lo, hi));
  }

  /** Disassembles an already decoded instruction at `pc`. */
  spell(pc: number, d: Decoded): Disassembly {
    this.comment = undefined;
    const s = d.op < 0 || !this.enabled(d) ? illegalSpelling(d, this.extensions?.has('c') ?? true)
      : d.length === 2 ? this.compressed(pc, d) : this.full(pc, d);
    const operands = s.operands.join(',');
    let text = operands === '' ? s.mnemonic : `${s.mnemonic}\t${operands}`;
    const commentAddress = this.comment;
    if (commentAddress !== undefined) text += ` # ${this.address(commentAddress)}`;
    return {
      length: d.length, mnemonic: s.mnemonic, operands, text,
      ...(commentAddress !== undefined ? { commentAddress } : {}),
      ...(s.target !== undefined ? { target: s.target } : {}),
    };
  }

  /** An address as objdump prints it: bare hex, then ` <symbol+off>` when the symbolizer knows one. */
  address(a: number): string {
    const sym = this.options.symbolize?.(a >>> 0);
    return sym === undefined ? (a >>> 0).toString(16) : `${(a >>> 0).toString(16)} <${sym}>`;
  }

  /**
   * objdump's address comment for `offset(base)`: the remembered lui/auipc
   * value of `base` (then forgotten), else gp + offset, else tp- or
   * x0-relative offsets as absolute addresses.
   */
  private noteAddress(base: number, offset: number): void {
    const h = this.hi[base];
    if (h !== undefined) {
      this.comment = ((base !== 0 ? h : 0) + offset) >>> 0;
      this.hi[base] = undefined;
    } else if (base === 3 && this.options.globalPointer !== undefined) {
      this.comment = (this.options.globalPointer + offset) >>> 0;
    } else if (base === 4 || base === 0) {
      this.comment = offset >>> 0;
    }
  }

  private target(pc: number, imm: number): { operand: string; target: number } {
    const t = (pc + imm) >>> 0;
    return { operand: this.address(t), target: t };
  }

  private csr(n: number): string {
    return this.csrNames.get(n) ?? hex(n);
  }

  private full(pc: number, d: Decoded): Spelling {
    const name = INSTRUCTIONS[d.op]!.mnemonic;
    const { rd, rs1, rs2, imm } = d;
    const sp = (mnemonic: string, ...operands: string[]): Spelling => ({ mnemonic, operands });
    switch (name) {
      case 'lui':
        this.hi[rd] = imm >>> 0;
        return sp('lui', reg(rd), hex((imm >>> 12) & 0xfffff));
      case 'auipc':
        this.hi[rd] = (pc + imm) >>> 0;
        return sp('auipc', reg(rd), hex((imm >>> 12) & 0xfffff));
      case 'jal': {
        const t = this.target(pc, imm);
        if (rd === 0) return { mnemonic: 'j', operands: [t.operand], target: t.target };
        if (rd === 1) return { mnemonic: 'jal', operands: [t.operand], target: t.target };
        return { mnemonic: 'jal', operands: [reg(rd), t.operand], target: t.target };
      }
      case 'jalr': {
        if (rd === 0 && rs1 === 1 && imm === 0) return sp('ret');
        // objdump notes the address once for an `o(s)` operand and again for the `s` of every jalr.
        if (imm !== 0) this.noteAddress(rs1, imm);
        this.noteAddress(rs1, imm);
        const src = imm === 0 ? reg(rs1) : mem(imm, rs1);
        if (rd === 0) return sp('jr', src);
        if (rd === 1) return sp('jalr', src);
        return sp('jalr', reg(rd), src);
      }
      case 'beq': case 'bne': case 'blt': case 'bge': case 'bltu': case 'bgeu': {
        const t = this.target(pc, imm);
        const b = (mnemonic: string, ...ops: string[]): Spelling => ({ mnemonic, operands: [...ops, t.operand], target: t.target });
        if (name === 'beq' && rs2 === 0) return b('beqz', reg(rs1));
        if (name === 'bne' && rs2 === 0) return b('bnez', reg(rs1));
        if (name === 'blt' && rs2 === 0) return b('bltz', reg(rs1));
        if (name === 'blt' && rs1 === 0) return b('bgtz', reg(rs2));
        if (name === 'bge' && rs1 === 0) return b('blez', reg(rs2));
        if (name === 'bge' && rs2 === 0) return b('bgez', reg(rs1));
        return b(name, reg(rs1), reg(rs2));
      }
      case 'lb': case 'lh': case 'lw': case 'lbu': case 'lhu':
        this.noteAddress(rs1, imm);
        return sp(name, reg(rd), mem(imm, rs1));
      case 'sb': case 'sh': case 'sw':
        this.noteAddress(rs1, imm);
        return sp(name, reg(rs2), mem(imm, rs1));
      case 'addi':
        if (rd === 0 && rs1 === 0 && imm === 0) return sp('nop');
        if (rs1 === 0) return sp('li', reg(rd), String(imm));
        if (imm === 0) return sp('mv', reg(rd), reg(rs1));
        this.noteAddress(rs1, imm);
        return sp('add', reg(rd), reg(rs1), String(imm));
      case 'slti': return sp('slti', reg(rd), reg(rs1), String(imm));
      case 'sltiu': return imm === 1 ? sp('seqz', reg(rd), reg(rs1)) : sp('sltiu', reg(rd), reg(rs1), String(imm));
      case 'xori': return imm === -1 ? sp('not', reg(rd), reg(rs1)) : sp('xor', reg(rd), reg(rs1), String(imm));
      case 'ori': return sp('or', reg(rd), reg(rs1), String(imm));
      case 'andi': return imm === 255 ? sp('zext.b', reg(rd), reg(rs1)) : sp('and', reg(rd), reg(rs1), String(imm));
      case 'slli': return sp('sll', reg(rd), reg(rs1), hex(imm));
      case 'srli': return sp('srl', reg(rd), reg(rs1), hex(imm));
      case 'srai': return sp('sra', reg(rd), reg(rs1), hex(imm));
      case 'sub': return rs1 === 0 ? sp('neg', reg(rd), reg(rs2)) : sp('sub', reg(rd), reg(rs1), reg(rs2));
      case 'sltu': return rs1 === 0 ? sp('snez', reg(rd), reg(rs2)) : sp('sltu', reg(rd), reg(rs1), reg(rs2));
      case 'slt':
        if (rs2 === 0) return sp('sltz', reg(rd), reg(rs1));
        if (rs1 === 0) return sp('sgtz', reg(rd), reg(rs2));
        return sp('slt', reg(rd), reg(rs1), reg(rs2));
      case 'fence': {
        // objdump knows FENCE only with fm = 0 and rd = rs1 = 0 (and FENCE.TSO); see isa-golden.test.ts.
        const w = d.bits >>> 0;
        if (w === 0x8330000f) return sp('fence.tso');
        if (rd !== 0 || rs1 !== 0 || (w >>> 28) !== 0) return illegalSpelling(d);
        const pred = (imm >>> 4) & 15, succ = imm & 15;
        return pred === 15 && succ === 15 ? sp('fence') : sp('fence', fenceSet(pred), fenceSet(succ));
      }
      case 'fence.i':
        return d.bits >>> 0 === 0x0000100f ? sp('fence.i') : illegalSpelling(d);
      case 'sfence.vma':
        if (rs2 === 0) return rs1 === 0 ? sp('sfence.vma') : sp('sfence.vma', reg(rs1));
        return sp('sfence.vma', reg(rs1), reg(rs2));
      case 'csrrw':
        if (d.bits >>> 0 === 0xc0001073) return sp('unimp');
        return rd === 0 ? sp('csrw', this.csr(imm), reg(rs1)) : sp('csrrw', reg(rd), this.csr(imm), reg(rs1));
      case 'csrrs': {
        if (rs1 === 0) {
          const counter = COUNTER_READS.get(imm);
          if (counter !== undefined) return sp(counter, reg(rd));
          return sp('csrr', reg(rd), this.csr(imm));
        }
        return rd === 0 ? sp('csrs', this.csr(imm), reg(rs1)) : sp('csrrs', reg(rd), this.csr(imm), reg(rs1));
      }
      case 'csrrc':
        return rd === 0 ? sp('csrc', this.csr(imm), reg(rs1)) : sp('csrrc', reg(rd), this.csr(imm), reg(rs1));
      // binutils 2.40 spells the immediate forms without the "i" (csrw/csrrw with a number).
      case 'csrrwi': return rd === 0 ? sp('csrw', this.csr(imm), String(rs1)) : sp('csrrw', reg(rd), this.csr(imm), String(rs1));
      case 'csrrsi': return rd === 0 ? sp('csrs', this.csr(imm), String(rs1)) : sp('csrrs', reg(rd), this.csr(imm), String(rs1));
      case 'csrrci': return rd === 0 ? sp('csrc', this.csr(imm), String(rs1)) : sp('csrrc', reg(rd), this.csr(imm), String(rs1));
      case 'lr.w': return sp(`lr.w${ordering(d.bits)}`, reg(rd), `(${reg(rs1)})`);
      case 'ecall': case 'ebreak': case 'sret': case 'mret': case 'wfi':
        return sp(name);
      default:
        if (name.startsWith('amo') || name === 'sc.w') {
          return sp(`${name}${ordering(d.bits)}`, reg(rd), reg(rs2), `(${reg(rs1)})`);
        }
        // R-type: add, sll, xor, srl, sra, or, and, and the M extension.
        return sp(name, reg(rd), reg(rs1), reg(rs2));
    }
  }

  /**
   * Compressed instructions: objdump prints the base-instruction alias where
   * one exists, and the c.* name for HINT encodings (rd = x0, shamt = 0,
   * c.nop with an immediate) that no alias covers.
   */
  private compressed(pc: number, d: Decoded): Spelling {
    const row = d.compressed!.mnemonic;
    const { rd, rs1, rs2, imm } = d;
    const sp = (mnemonic: string, ...operands: string[]): Spelling => ({ mnemonic, operands });
    switch (row) {
      case 'c.addi4spn': return sp('add', reg(rd), 'sp', String(imm));
      case 'c.lw': return sp('lw', reg(rd), mem(imm, rs1));
      case 'c.sw': return sp('sw', reg(rs2), mem(imm, rs1));
      case 'c.addi':
        if (rd === 0) return imm === 0 ? sp('nop') : sp('c.nop', String(imm));
        this.noteAddress(rd, imm);
        return sp('add', reg(rd), reg(rd), String(imm));
      case 'c.jal': case 'c.j': {
        const t = this.target(pc, imm);
        return { mnemonic: row === 'c.j' ? 'j' : 'jal', operands: [t.operand], target: t.target };
      }
      case 'c.li': return rd === 0 ? sp('c.li', 'zero', String(imm)) : sp('li', reg(rd), String(imm));
      case 'c.addi16sp': return sp('add', 'sp', 'sp', String(imm));
      case 'c.lui':
        this.hi[rd] = imm >>> 0;
        return sp(rd === 0 ? 'c.lui' : 'lui', reg(rd), hex((imm >>> 12) & 0xfffff));
      case 'c.srli': return imm === 0 ? sp('c.srli64', reg(rd)) : sp('srl', reg(rd), reg(rd), hex(imm));
      case 'c.srai': return imm === 0 ? sp('c.srai64', reg(rd)) : sp('sra', reg(rd), reg(rd), hex(imm));
      case 'c.andi': return sp('and', reg(rd), reg(rd), String(imm));
      case 'c.sub': return sp('sub', reg(rd), reg(rd), reg(rs2));
      case 'c.xor': return sp('xor', reg(rd), reg(rd), reg(rs2));
      case 'c.or': return sp('or', reg(rd), reg(rd), reg(rs2));
      case 'c.and': return sp('and', reg(rd), reg(rd), reg(rs2));
      case 'c.beqz': case 'c.bnez': {
        const t = this.target(pc, imm);
        return { mnemonic: row === 'c.beqz' ? 'beqz' : 'bnez', operands: [reg(rs1), t.operand], target: t.target };
      }
      case 'c.slli':
        if (imm === 0) return sp('c.slli64', reg(rd));
        return rd === 0 ? sp('c.slli', 'zero', hex(imm)) : sp('sll', reg(rd), reg(rd), hex(imm));
      case 'c.lwsp': return sp('lw', reg(rd), mem(imm, 2));
      case 'c.jr': return rs1 === 1 ? sp('ret') : sp('jr', reg(rs1));
      case 'c.mv': return rd === 0 ? sp('c.mv', 'zero', reg(rs2)) : sp('mv', reg(rd), reg(rs2));
      case 'c.ebreak': return sp('ebreak');
      case 'c.jalr': return sp('jalr', reg(rs1));
      case 'c.add': return rd === 0 ? sp('c.add', 'zero', reg(rs2)) : sp('add', reg(rd), reg(rd), reg(rs2));
      case 'c.swsp': return sp('sw', reg(rs2), mem(imm, 2));
      default: throw new Error(`disassembler: no spelling for RVC row ${row}`);
    }
  }
}

/** aq/rl suffix of an A-extension instruction (aq = bit 26, rl = bit 25). */
function ordering(bits: number): string {
  return ['', '.rl', '.aq', '.aqrl'][(bits >>> 25) & 3]!;
}

/** How objdump prints a word that is not an instruction (0x0000 is the defined-illegal `unimp` of RVC). */
function illegalSpelling(d: Decoded, rvc = true): Spelling {
  if (d.length === 2) return d.bits === 0 && rvc ? { mnemonic: 'unimp', operands: [] } : { mnemonic: '.2byte', operands: [hex(d.bits)] };
  return { mnemonic: '.4byte', operands: [hex(d.bits)] };
}

/** Disassembles one instruction without objdump's cross-instruction state (no lui/auipc comments). */
export function disassembleOne(pc: number, lo: number, hi = 0, options: DisassemblerOptions = {}): Disassembly {
  return new Disassembler(options).next(pc, lo, hi);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
