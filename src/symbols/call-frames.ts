/**
 * Call frame information (DWARF 5 section 6.4) from .debug_frame and
 * .eh_frame (LSB "Exception Frames": CIE id 0, pc-relative pointer
 * encodings, the "zR" augmentations): for any pc, the rule for the canonical
 * frame address and for each register of the caller. That is what makes a
 * backtrace right in the middle of a prologue or epilogue and at -O2.
 */
import { ByteReader, DwarfError } from './byte-reader.js';
import { evaluateValue, type ExpressionContext } from './locations.js';

const enum Cfa {
  AdvanceLoc = 0x40, Offset = 0x80, Restore = 0xc0,
  Nop = 0x00, SetLoc = 0x01, AdvanceLoc1 = 0x02, AdvanceLoc2 = 0x03, AdvanceLoc4 = 0x04, OffsetExtended = 0x05,
  RestoreExtended = 0x06, Undefined = 0x07, SameValue = 0x08, Register = 0x09, RememberState = 0x0a,
  RestoreState = 0x0b, DefCfa = 0x0c, DefCfaRegister = 0x0d, DefCfaOffset = 0x0e, DefCfaExpression = 0x0f,
  Expression = 0x10, OffsetExtendedSf = 0x11, DefCfaSf = 0x12, DefCfaOffsetSf = 0x13, ValOffset = 0x14,
  ValOffsetSf = 0x15, ValExpression = 0x16, GnuArgsSize = 0x2e, GnuNegativeOffsetExtended = 0x2f,
}

/** How to find a caller's register (DWARF 5 6.4.1 register rules). */
export type RegisterRule =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'same' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'valOffset'; readonly offset: number }
  | { readonly kind: 'register'; readonly register: number }
  | { readonly kind: 'expression'; readonly expr: Uint8Array }
  | { readonly kind: 'valExpression'; readonly expr: Uint8Array };

export type CfaRule =
  | { readonly kind: 'register'; readonly register: number; readonly offset: number }
  | { readonly kind: 'expression'; readonly expr: Uint8Array };

/** The rules in effect at one pc. */
export interface FrameRow {
  readonly cfa: CfaRule;
  readonly registers: ReadonlyMap<number, RegisterRule>;
  readonly returnAddressRegister: number;
  /** The FDE's address range. */
  readonly start: number;
  readonly end: number;
}

interface Cie {
  readonly codeAlign: number;
  readonly dataAlign: number;
  readonly returnAddressRegister: number;
  readonly initial: Uint8Array;
  readonly pointerEncoding: number;
  readonly hasAugmentationData: boolean;
}

interface Fde {
  readonly cie: Cie;
  readonly start: number;
  readonly end: number;
  readonly instructions: Uint8Array;
}

const DW_EH_PE_absptr = 0x00;
const DW_EH_PE_omit = 0xff;

/** The FDEs of .debug_frame and .eh_frame, searchable by pc. */
export class CallFrameInfo {
  private readonly fdes: Fde[] = [];
  /** Rows already computed, by pc (unwinding asks for the same few pcs at every step). */
  private readonly rows = new Map<number, FrameRow | null>();

  /** `ehFrameAddress` is the load address of .eh_frame (its pointers are pc-relative). */
  constructor(debugFrame: Uint8Array | undefined, ehFrame: Uint8Array | undefined, ehFrameAddress = 0) {
    if (debugFrame !== undefined) this.read(debugFrame, false, 0);
    if (ehFrame !== undefined) this.read(ehFrame, true, ehFrameAddress);
    this.fdes.sort((a, b) => a.start - b.start);
  }

  /** Whether any FDE covers `pc`. */
  covers(pc: number): boolean {
    return this.fde(pc) !== undefined;
  }

  private fde(pc: number): Fde | undefined {
    const p = pc >>> 0;
    // .debug_frame entries come first in the sorted list for equal starts; either is fine.
    for (const f of this.fdes) if (p >= f.start && p < f.end) return f;
    return undefined;
  }

  /** The CFA and register rules at `pc`, or undefined when no FDE covers it. */
  rowAt(pc: number): FrameRow | undefined {
    const key = pc >>> 0;
    const cached = this.rows.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.computeRow(key);
    this.rows.set(key, row ?? null);
    return row;
  }

  private computeRow(pc: number): FrameRow | undefined {
    const fde = this.fde(pc);
    if (fde === undefined) return undefined;
    const cie = fde.cie;
    const state = { cfa: { kind: 'register', register: 2, offset: 0 } as CfaRule, regs: new Map<number, RegisterRule>() };
    run(cie.initial, cie, Number.MAX_SAFE_INTEGER, fde.start, state, undefined);
    const initialRegs = new Map(state.regs);
    run(fde.instructions, cie, pc >>> 0, fde.start, state, initialRegs);
    return { cfa: state.cfa, registers: state.regs, returnAddressRegister: cie.returnAddressRegister, start: fde.start, end: fde.end };
  }

  private read(data: Uint8Array, eh: boolean, sectionAddress: number): void {
    const cies = new Map<number, Cie>();
    const r = new ByteReader(data);
    while (r.offset + 4 <= data.length) {
      const entryOffset = r.offset;
      const length = r.u32();
      if (length === 0) { if (eh) break; continue; }
      if (length === 0xffffffff) throw new DwarfError('64-bit call frame information is not supported');
      const end = r.offset + length;
      const idOffset = r.offset;
      const id = r.u32();
      const isCie = eh ? id === 0 : id === 0xffffffff;
      if (isCie) {
        cies.set(entryOffset, this.readCie(r, end, eh));
      } else {
        const cieOffset = eh ? idOffset - id : id;
        const cie = cies.get(cieOffset) ?? this.cieAt(data, cieOffset, eh);
        cies.set(cieOffset, cie);
        const enc = eh ? cie.pointerEncoding : DW_EH_PE_absptr;
        const start = readPointer(r, enc, sectionAddress + r.offset);
        const range = readPointer(r, enc & 0x0f, 0);
        if (cie.hasAugmentationData) r.offset += r.uleb();
        this.fdes.push({ cie, start: start >>> 0, end: (start + range) >>> 0, instructions: data.subarray(r.offset, end) });
      }
      r.offset = end;
    }
  }

  private cieAt(data: Uint8Array, offset: number, eh: boolean): Cie {
    const r = new ByteReader(data, offset);
    const length = r.u32();
    const end = r.offset + length;
    r.u32();
    return this.readCie(r, end, eh);
  }

  private readCie(r: ByteReader, end: number, eh: boolean): Cie {
    const version = r.u8();
    const augmentation = r.cstr();
    if (version >= 4) { r.u8(); r.u8(); } // address size, segment selector size
    const codeAlign = r.uleb();
    const dataAlign = r.sleb();
    const returnAddressRegister = version === 1 ? r.u8() : r.uleb();
    let pointerEncoding = DW_EH_PE_absptr;
    let hasAugmentationData = false;
    if (augmentation.startsWith('z')) {
      hasAugmentationData = true;
      const len = r.uleb();
      const augEnd = r.offset + len;
      for (const c of augmentation.slice(1)) {
        if (c === 'R') pointerEncoding = r.u8();
        else if (c === 'L') r.u8();
        else if (c === 'P') { const enc = r.u8(); readPointer(r, enc, 0); }
        else break;
      }
      r.offset = augEnd;
    } else if (augmentation !== '' && eh) {
      throw new DwarfError(`unsupported .eh_frame augmentation "${augmentation}"`);
    }
    return { codeAlign, dataAlign, returnAddressRegister, initial: r.bytes.subarray(r.offset, end), pointerEncoding, hasAugmentationData };
  }
}

/** An encoded pointer (LSB DW_EH_PE_*): the low nibble is the format, 0x10 means pc-relative. */
function readPointer(r: ByteReader, enc: number, pcrelBase: number): number {
  if (enc === DW_EH_PE_omit) return 0;
  let v: number;
  switch (enc & 0x0f) {
    case 0x00: case 0x03: v = r.u32(); break;
    case 0x01: v = r.uleb(); break;
    case 0x02: v = r.u16(); break;
    case 0x04: v = r.u64(); break;
    case 0x09: v = r.sleb(); break;
    case 0x0a: v = r.i16(); break;
    case 0x0b: v = r.i32(); break;
    default: throw new DwarfError(`unsupported pointer encoding 0x${enc.toString(16)} in .eh_frame`);
  }
  if ((enc & 0x70) === 0x10) v += pcrelBase;
  return v >>> 0;
}

interface CfiState {
  cfa: CfaRule;
  regs: Map<number, RegisterRule>;
}

/** Runs CFA instructions until the location passes `pc`. */
function run(insns: Uint8Array, cie: Cie, pc: number, start: number, state: CfiState, initial: Map<number, RegisterRule> | undefined): void {
  const r = new ByteReader(insns);
  let loc = start;
  const stack: CfiState[] = [];
  const advance = (delta: number): boolean => {
    loc += delta * cie.codeAlign;
    return loc > pc;
  };
  const restore = (reg: number): void => {
    const rule = initial?.get(reg);
    if (rule === undefined) state.regs.delete(reg);
    else state.regs.set(reg, rule);
  };
  while (!r.atEnd) {
    const b = r.u8();
    const high = b & 0xc0;
    const low = b & 0x3f;
    if (high === Cfa.AdvanceLoc) { if (advance(low)) return; continue; }
    if (high === Cfa.Offset) { state.regs.set(low, { kind: 'offset', offset: r.uleb() * cie.dataAlign }); continue; }
    if (high === Cfa.Restore) { restore(low); continue; }
    switch (b) {
      case Cfa.Nop: break;
      case Cfa.SetLoc: loc = r.u32(); if (loc > pc) return; break;
      case Cfa.AdvanceLoc1: if (advance(r.u8())) return; break;
      case Cfa.AdvanceLoc2: if (advance(r.u16())) return; break;
      case Cfa.AdvanceLoc4: if (advance(r.u32())) return; break;
      case Cfa.OffsetExtended: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', offset: r.uleb() * cie.dataAlign }); break; }
      case Cfa.RestoreExtended: restore(r.uleb()); break;
      case Cfa.Undefined: state.regs.set(r.uleb(), { kind: 'undefined' }); break;
      case Cfa.SameValue: state.regs.set(r.uleb(), { kind: 'same' }); break;
      case Cfa.Register: { const reg = r.uleb(); state.regs.set(reg, { kind: 'register', register: r.uleb() }); break; }
      case Cfa.RememberState: stack.push({ cfa: state.cfa, regs: new Map(state.regs) }); break;
      case Cfa.RestoreState: { const s = stack.pop(); if (s) { state.cfa = s.cfa; state.regs = s.regs; } break; }
      case Cfa.DefCfa: { const reg = r.uleb(); state.cfa = { kind: 'register', register: reg, offset: r.uleb() }; break; }
      case Cfa.DefCfaSf: { const reg = r.uleb(); state.cfa = { kind: 'register', register: reg, offset: r.sleb() * cie.dataAlign }; break; }
      case Cfa.DefCfaRegister: {
        const reg = r.uleb();
        state.cfa = { kind: 'register', register: reg, offset: state.cfa.kind === 'register' ? state.cfa.offset : 0 };
        break;
      }
      case Cfa.DefCfaOffset: {
        const off = r.uleb();
        state.cfa = { kind: 'register', register: state.cfa.kind === 'register' ? state.cfa.register : 2, offset: off };
        break;
      }
      case Cfa.DefCfaOffsetSf: {
        const off = r.sleb() * cie.dataAlign;
        state.cfa = { kind: 'register', register: state.cfa.kind === 'register' ? state.cfa.register : 2, offset: off };
        break;
      }
      case Cfa.DefCfaExpression: state.cfa = { kind: 'expression', expr: r.bytesOf(r.uleb()) }; break;
      case Cfa.Expression: { const reg = r.uleb(); state.regs.set(reg, { kind: 'expression', expr: r.bytesOf(r.uleb()) }); break; }
      case Cfa.ValExpression: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valExpression', expr: r.bytesOf(r.uleb()) }); break; }
      case Cfa.OffsetExtendedSf: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', offset: r.sleb() * cie.dataAlign }); break; }
      case Cfa.ValOffset: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', offset: r.uleb() * cie.dataAlign }); break; }
      case Cfa.ValOffsetSf: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', offset: r.sleb() * cie.dataAlign }); break; }
      case Cfa.GnuArgsSize: r.uleb(); break;
      case Cfa.GnuNegativeOffsetExtended: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', offset: -r.uleb() * cie.dataAlign }); break; }
      default: throw new DwarfError(`unsupported call frame instruction 0x${b.toString(16)}`);
    }
  }
}

/** A frame's registers as an unwinder sees them: value, or undefined when not recovered. */
export type RegisterFile = (number | undefined)[];

/**
 * One unwind step with CFI: from a frame's registers (x0-x31 and its pc) to
 * its caller's, per the rules at `lookupPc` (the pc, or pc - 1 in caller
 * frames, so a call at the end of a function finds its own FDE).
 * Registers without a rule keep their value ("same value"), as gdb assumes.
 */
export function unwindWithCfi(
  row: FrameRow,
  regs: RegisterFile,
  readMemory: (address: number, length: number) => Uint8Array | undefined,
): { cfa: number; caller: RegisterFile; returnAddress: number | undefined } | undefined {
  const ctx: ExpressionContext = { readRegister: (n) => regs[n], readMemory };
  let cfa: number | undefined;
  if (row.cfa.kind === 'register') {
    const base = regs[row.cfa.register];
    cfa = base === undefined ? undefined : (base + row.cfa.offset) >>> 0;
  } else {
    cfa = evaluateValue(row.cfa.expr, ctx);
  }
  if (cfa === undefined) return undefined;
  const word = (a: number): number | undefined => {
    const b = readMemory(a >>> 0, 4);
    return b === undefined || b.length < 4 ? undefined : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  };
  const caller: RegisterFile = regs.slice(0, 32);
  for (const [n, rule] of row.registers) {
    if (n >= 32) continue;
    switch (rule.kind) {
      case 'undefined': caller[n] = undefined; break;
      case 'same': break;
      case 'offset': caller[n] = word(cfa + rule.offset); break;
      case 'valOffset': caller[n] = (cfa + rule.offset) >>> 0; break;
      case 'register': caller[n] = regs[rule.register]; break;
      case 'expression': {
        const a = evaluateValue(rule.expr, { ...ctx, readRegister: (k) => regs[k], cfa: () => cfa });
        caller[n] = a === undefined ? undefined : word(a);
        break;
      }
      case 'valExpression': caller[n] = evaluateValue(rule.expr, { ...ctx, cfa: () => cfa }); break;
    }
  }
  // The caller's stack pointer is the CFA (RISC-V psABI: sp is the CFA at the call).
  caller[2] = cfa;
  const ra = row.registers.has(row.returnAddressRegister) ? caller[row.returnAddressRegister] : regs[row.returnAddressRegister];
  caller[0] = 0;
  return { cfa, caller, returnAddress: ra };
}
