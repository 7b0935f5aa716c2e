/**
 * Unwinding where there is no call frame information (hand-written assembly
 * such as picolibc's memcpy-asm.S, memset.S, strcmp.S, or libgcc's
 * __riscv_save_N millicode): gdb's RISC-V prologue analyzer
 * (riscv_scan_prologue). The instructions from the function's start up to the
 * pc (at most to the end of the prologue) are run on symbolic values, each
 * register being "its value on entry plus a constant", to learn how far sp
 * moved, whether s0 became the frame pointer, and which entry values were
 * stored on the stack. A leaf function without a frame then unwinds as gdb
 * unwinds it: the caller's sp is the current sp, its pc the current ra.
 *
 * Two additions to gdb's scanner, both for millicode (RISC-V psABI: the
 * -msave-restore routines are called with t0 as the link register):
 *  - a `jal t0, TARGET` in the prologue is followed into TARGET up to its
 *    `jr t0`, so the sp adjustment and the stores of __riscv_save_N count;
 *  - a function that returns with `jr t0` (not `ret`) has its return address
 *    in t0, so a pc inside __riscv_save_N unwinds to the function that called
 *    it, not past it.
 */
import { decode } from '../isa/decoder.js';
import { INSTRUCTIONS } from '../isa/instructions.js';

const ZERO = 0;
const RA = 1;
const SP = 2;
const T0 = 5;
const FP = 8;

/** What a prologue scan found (gdb's riscv_unwind_cache). */
export interface PrologueAnalysis {
  /** The frame base, which is the sp on entry (the CFA), is this register plus `baseOffset`. */
  readonly baseRegister: number;
  readonly baseOffset: number;
  /** Registers whose entry values are stored on the stack: register -> offset from the frame base. */
  readonly saved: ReadonlyMap<number, number>;
  /** The register holding the return address on entry: ra, or t0 for millicode. */
  readonly linkRegister: number;
  /** The first address the scan did not take as prologue (gdb's end of prologue). */
  readonly end: number;
}

/** Reads code bytes (side-effect free); undefined where nothing can be read. */
export type CodeReader = (address: number, length: number) => Uint8Array | undefined;

/** A register's value as the scan knows it: entry value of `base` plus `k`, a constant (`base` -1), or unknown. */
interface Symbolic {
  readonly base: number;
  readonly k: number;
}

const CONSTANT = -1;

const addConstant = (v: Symbolic | undefined, k: number): Symbolic | undefined => (v === undefined ? undefined : { base: v.base, k: (v.k + k) | 0 });

/** gdb's pv_add: a sum is known when at least one side is a constant. */
function add(a: Symbolic | undefined, b: Symbolic | undefined): Symbolic | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.base === CONSTANT) return addConstant(b, a.k);
  if (b.base === CONSTANT) return addConstant(a, b.k);
  return undefined;
}

interface Instruction {
  readonly mnemonic: string;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly length: number;
}

function fetch(read: CodeReader, pc: number): Instruction | undefined {
  const lo = read(pc >>> 0, 2);
  if (lo === undefined || lo.length < 2) return undefined;
  const low = lo[0]! | (lo[1]! << 8);
  let high = 0;
  if ((low & 3) === 3) {
    const hi = read((pc + 2) >>> 0, 2);
    if (hi === undefined || hi.length < 2) return undefined;
    high = hi[0]! | (hi[1]! << 8);
  }
  const d = decode(low, high);
  if (d.op < 0) return undefined;
  return { mnemonic: INSTRUCTIONS[d.op]!.mnemonic, rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm, length: d.length };
}

/** The symbolic machine of a scan: registers and the stack slots written through sp or s0. */
class ScanState {
  readonly regs: (Symbolic | undefined)[] = Array.from({ length: 32 }, (_, i) => (i === ZERO ? { base: CONSTANT, k: 0 } : { base: i, k: 0 }));
  /** Stack slots by offset from the entry sp: the value stored there. */
  readonly stack = new Map<number, Symbolic | undefined>();

  /**
   * Applies one instruction if it is one a prologue is made of; false for
   * anything else (gdb ends the prologue there).
   */
  apply(insn: Instruction, pc: number): boolean {
    const r = this.regs;
    switch (insn.mnemonic) {
      case 'addi':
        if (insn.rd === ZERO && insn.rs1 === ZERO && insn.imm === 0) return true; // nop
        if (insn.rd !== ZERO) r[insn.rd] = addConstant(r[insn.rs1], insn.imm);
        return true;
      case 'add':
        if (insn.rd !== ZERO) r[insn.rd] = add(r[insn.rs1], r[insn.rs2]);
        return true;
      case 'lui':
        if (insn.rd !== ZERO) r[insn.rd] = { base: CONSTANT, k: insn.imm | 0 };
        return true;
      case 'auipc':
        if (insn.rd !== ZERO) r[insn.rd] = { base: CONSTANT, k: (pc + insn.imm) | 0 };
        return true;
      case 'sw': {
        if (insn.rs1 !== SP && insn.rs1 !== FP) return false;
        const address = addConstant(r[insn.rs1], insn.imm);
        // A store gdb cannot place on the stack makes it forget every slot (pv_area::store).
        if (address === undefined || address.base !== SP) this.stack.clear();
        else this.stack.set(address.k, r[insn.rs2]);
        return true;
      }
      default:
        return false;
    }
  }
}

/** How many instructions a millicode routine may take before the scan gives up on it. */
const MILLICODE_LIMIT = 64;

/**
 * Follows a millicode routine called with `jal t0` from its first
 * instruction to its `jr t0`, applying its instructions (and its `j`s).
 * False when it does anything else.
 */
function runMillicode(state: ScanState, target: number, read: CodeReader): boolean {
  let pc = target >>> 0;
  for (let n = 0; n < MILLICODE_LIMIT; n++) {
    const insn = fetch(read, pc);
    if (insn === undefined) return false;
    if (insn.mnemonic === 'jal' && insn.rd === ZERO) { pc = (pc + insn.imm) >>> 0; continue; }
    if (insn.mnemonic === 'jalr' && insn.rd === ZERO && insn.rs1 === T0 && insn.imm === 0) return true;
    if (!state.apply(insn, pc)) return false;
    pc = (pc + insn.length) >>> 0;
  }
  return false;
}

/** How far the scan for a function's return instruction goes. */
const RETURN_SCAN_LIMIT = 256;

/**
 * The link register of a function: the register of the first `jr` that
 * returns (jalr x0, 0(ra) or 0(t0)) on the straight path from its start,
 * following `j` and falling through conditional branches. ra when none is
 * found.
 */
export function linkRegisterOf(start: number, read: CodeReader): number {
  let pc = start >>> 0;
  for (let n = 0; n < RETURN_SCAN_LIMIT; n++) {
    const insn = fetch(read, pc);
    if (insn === undefined) break;
    if (insn.mnemonic === 'jal' && insn.rd === ZERO) { pc = (pc + insn.imm) >>> 0; continue; }
    if (insn.mnemonic === 'jalr' && insn.rd === ZERO && insn.imm === 0 && (insn.rs1 === RA || insn.rs1 === T0)) return insn.rs1;
    pc = (pc + insn.length) >>> 0;
  }
  return RA;
}

/**
 * Scans a function's prologue from `start` to `limit` (exclusive: the pc of
 * the frame, or the end of the prologue if that comes first), as gdb's
 * riscv_scan_prologue does.
 */
export function scanPrologue(start: number, limit: number, read: CodeReader): PrologueAnalysis {
  const state = new ScanState();
  let pc = start >>> 0;
  let end: number | undefined;
  while (pc < limit) {
    const insn = fetch(read, pc);
    if (insn === undefined) { end = pc; break; }
    const next = (pc + insn.length) >>> 0;
    if (insn.mnemonic === 'jal' && insn.rd === T0) {
      // Millicode (__riscv_save_N): its effect is part of this prologue.
      if (!runMillicode(state, (pc + insn.imm) >>> 0, read)) { end = pc; break; }
      pc = next;
      continue;
    }
    if (!state.apply(insn, pc)) { end = pc; break; }
    pc = next;
  }
  const fp = state.regs[FP];
  const sp = state.regs[SP];
  // The frame base is the entry sp: through s0 when it was set from sp, else through sp.
  const useFp = fp !== undefined && fp.base === SP;
  const baseRegister = useFp ? FP : SP;
  const baseOffset = useFp ? -fp.k : sp !== undefined && sp.base === SP ? -sp.k : 0;
  const saved = new Map<number, number>();
  for (const [offset, value] of state.stack) {
    if (value !== undefined && value.base > ZERO && value.k === 0 && !saved.has(value.base)) saved.set(value.base, offset);
  }
  return { baseRegister, baseOffset, saved, linkRegister: linkRegisterOf(start, read), end: end ?? pc };
}
