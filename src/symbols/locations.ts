/**
 * Address ranges (DW_AT_low_pc/high_pc, DW_AT_ranges over .debug_rnglists
 * or DWARF 4 .debug_ranges), location lists (.debug_loclists or DWARF 4
 * .debug_loc), and the DWARF expression evaluator that turns a location
 * expression into a location description (DWARF 5 sections 2.5, 2.6, 2.17).
 */
import { ByteReader, DwarfError } from './byte-reader.js';
import { isConstantForm, type Attribute, type Die, type Unit } from './debug-info.js';
import { At, Form, Op } from './dwarf-constants.js';

/** A half-open address range [low, high). */
export interface Range {
  readonly low: number;
  readonly high: number;
}

const enum Rle { EndOfList, BaseAddressx, StartxEndx, StartxLength, OffsetPair, BaseAddress, StartEnd, StartLength }
const enum Lle { EndOfList, BaseAddressx, StartxEndx, StartxLength, OffsetPair, DefaultLocation, BaseAddress, StartEnd, StartLength }

/** The address ranges an entry covers (empty when it has none). */
export function dieRanges(die: Die): Range[] {
  const unit = die.unit;
  const lowAttr = die.attrs.get(At.LowPc);
  const highAttr = die.attrs.get(At.HighPc);
  if (lowAttr !== undefined && highAttr !== undefined) {
    const low = unit.address(lowAttr)!;
    const high = isConstantForm(highAttr.form) ? low + (highAttr.value as number) : unit.address(highAttr)!;
    return high > low ? [{ low, high }] : [];
  }
  const ranges = die.attrs.get(At.Ranges);
  if (ranges !== undefined) return readRanges(unit, ranges);
  return [];
}

function readRanges(unit: Unit, attr: Attribute): Range[] {
  const s = unit.info.sections;
  const out: Range[] = [];
  if (unit.version < 5) {
    const data = s.debug_ranges;
    if (data === undefined) throw new DwarfError('DW_AT_ranges without .debug_ranges');
    const r = new ByteReader(data, attr.value as number);
    let base = unit.baseAddress;
    for (;;) {
      const a = r.u32(), b = r.u32();
      if (a === 0 && b === 0) break;
      if (a === 0xffffffff) { base = b; continue; }
      if (b > a) out.push({ low: (base + a) >>> 0, high: (base + b) >>> 0 });
    }
    return out;
  }
  const data = s.debug_rnglists;
  if (data === undefined) throw new DwarfError('DW_AT_ranges without .debug_rnglists');
  let offset = attr.value as number;
  if (attr.form === Form.Rnglistx) offset = unit.rnglistsBase + new ByteReader(data, unit.rnglistsBase + 4 * offset).u32();
  const r = new ByteReader(data, offset);
  let base = unit.baseAddress;
  const push = (low: number, high: number): void => { if (high > low) out.push({ low: low >>> 0, high: high >>> 0 }); };
  for (;;) {
    const kind = r.u8();
    switch (kind) {
      case Rle.EndOfList: return out;
      case Rle.BaseAddressx: base = unit.addressAt(r.uleb()); break;
      case Rle.StartxEndx: { const a = unit.addressAt(r.uleb()); push(a, unit.addressAt(r.uleb())); break; }
      case Rle.StartxLength: { const a = unit.addressAt(r.uleb()); push(a, a + r.uleb()); break; }
      case Rle.OffsetPair: { const a = r.uleb(); push(base + a, base + r.uleb()); break; }
      case Rle.BaseAddress: base = r.u32(); break;
      case Rle.StartEnd: { const a = r.u32(); push(a, r.u32()); break; }
      case Rle.StartLength: { const a = r.u32(); push(a, a + r.uleb()); break; }
      default: throw new DwarfError(`unknown range list entry ${kind}`);
    }
  }
}

/** One entry of a location list. */
export interface LocationListEntry {
  readonly low: number;
  readonly high: number;
  readonly expr: Uint8Array;
}

/** A location attribute: a single expression, or a list of (range, expression) entries. */
export type LocationAttr =
  | { readonly kind: 'expr'; readonly expr: Uint8Array }
  | { readonly kind: 'list'; readonly entries: readonly LocationListEntry[]; readonly defaultExpr?: Uint8Array };

/** Reads DW_AT_location (or another location-class attribute) of an entry. */
export function locationAttr(unit: Unit, attr: Attribute | undefined): LocationAttr | undefined {
  if (attr === undefined) return undefined;
  if (attr.value instanceof Uint8Array) return { kind: 'expr', expr: attr.value };
  if (attr.form !== Form.SecOffset && attr.form !== Form.Loclistx && !(unit.version < 4 && typeof attr.value === 'number')) return undefined;
  return readLocationList(unit, attr);
}

function readLocationList(unit: Unit, attr: Attribute): LocationAttr {
  const s = unit.info.sections;
  const entries: LocationListEntry[] = [];
  if (unit.version < 5) {
    const data = s.debug_loc;
    if (data === undefined) throw new DwarfError('a location list without .debug_loc');
    const r = new ByteReader(data, attr.value as number);
    let base = unit.baseAddress;
    for (;;) {
      const a = r.u32(), b = r.u32();
      if (a === 0 && b === 0) break;
      if (a === 0xffffffff) { base = b; continue; }
      const expr = r.bytesOf(r.u16());
      entries.push({ low: (base + a) >>> 0, high: (base + b) >>> 0, expr });
    }
    return { kind: 'list', entries };
  }
  const data = s.debug_loclists;
  if (data === undefined) throw new DwarfError('a location list without .debug_loclists');
  let offset = attr.value as number;
  if (attr.form === Form.Loclistx) offset = unit.loclistsBase + new ByteReader(data, unit.loclistsBase + 4 * offset).u32();
  const r = new ByteReader(data, offset);
  let base = unit.baseAddress;
  let defaultExpr: Uint8Array | undefined;
  const expr = (): Uint8Array => r.bytesOf(r.uleb());
  for (;;) {
    const kind = r.u8();
    switch (kind) {
      case Lle.EndOfList: return { kind: 'list', entries, ...(defaultExpr ? { defaultExpr } : {}) };
      case Lle.BaseAddressx: base = unit.addressAt(r.uleb()); break;
      case Lle.StartxEndx: { const a = unit.addressAt(r.uleb()); const b = unit.addressAt(r.uleb()); entries.push({ low: a, high: b, expr: expr() }); break; }
      case Lle.StartxLength: { const a = unit.addressAt(r.uleb()); const len = r.uleb(); entries.push({ low: a, high: (a + len) >>> 0, expr: expr() }); break; }
      case Lle.OffsetPair: { const a = r.uleb(); const b = r.uleb(); entries.push({ low: (base + a) >>> 0, high: (base + b) >>> 0, expr: expr() }); break; }
      case Lle.DefaultLocation: defaultExpr = expr(); break;
      case Lle.BaseAddress: base = r.u32(); break;
      case Lle.StartEnd: { const a = r.u32(); const b = r.u32(); entries.push({ low: a, high: b, expr: expr() }); break; }
      case Lle.StartLength: { const a = r.u32(); const len = r.uleb(); entries.push({ low: a, high: (a + len) >>> 0, expr: expr() }); break; }
      default: throw new DwarfError(`unknown location list entry ${kind}`);
    }
  }
}

/** The expression of a location attribute that applies at `pc`, or undefined (optimized out there). */
export function expressionAt(loc: LocationAttr, pc: number): Uint8Array | undefined {
  if (loc.kind === 'expr') return loc.expr;
  for (const e of loc.entries) if (pc >= e.low && pc < e.high) return e.expr;
  return loc.defaultExpr;
}

// ---- Expressions ----------------------------------------------------------------

/** Where a value lives (DWARF 5 2.6 location descriptions), or why it has none. */
export type Location =
  | { readonly kind: 'memory'; readonly address: number }
  | { readonly kind: 'register'; readonly register: number }
  /** DW_OP_stack_value: the value itself (32-bit generic type). */
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  /** Pieces in order from the value's least significant bit: `bits` of each, taken from bit `offset` of its location. */
  | { readonly kind: 'pieces'; readonly pieces: readonly { readonly bits: number; readonly offset: number; readonly location: Location }[] }
  | { readonly kind: 'optimized' }
  /** A value the debugger cannot know here (a register not recovered, an entry value with no call site). */
  | { readonly kind: 'unavailable'; readonly why: string };

/** What an expression may ask of the machine and the frame it is evaluated in. */
export interface ExpressionContext {
  /** A register of this frame (DWARF register numbers 0-31 are x0-x31), or undefined if not recovered. */
  readRegister(n: number): number | undefined;
  readMemory(address: number, length: number): Uint8Array | undefined;
  /** DW_AT_frame_base of the function, evaluated in this frame. */
  frameBase?(): number | undefined;
  /** The canonical frame address of this frame. */
  cfa?(): number | undefined;
  /** The value an expression (DW_OP_entry_value's operand) had on entry to the function. */
  entryValue?(expr: Uint8Array): number | undefined;
  /** The unit, for DW_OP_addrx / constx. */
  unit?: Unit;
}

/** Raised inside the evaluator when a value is not available; becomes an `unavailable` location. */
class Unavailable extends Error {}

function readU32(ctx: ExpressionContext, address: number, size = 4): number {
  const b = ctx.readMemory(address >>> 0, size);
  if (b === undefined || b.length < size) throw new Unavailable(`cannot access memory at address 0x${(address >>> 0).toString(16)}`);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[i]!;
  return v >>> 0;
}

/** Evaluates a location expression (DWARF 5 2.5 and 2.6), 32-bit generic type. */
export function evaluateLocation(expr: Uint8Array, ctx: ExpressionContext): Location {
  try {
    return evaluate(expr, ctx);
  } catch (e) {
    if (e instanceof Unavailable) return { kind: 'unavailable', why: e.message };
    throw e;
  }
}

/** How deep DW_OP_call2/call4/call_ref may nest (a guard against procedures that call themselves). */
const MAX_CALL_DEPTH = 16;

function evaluate(expr: Uint8Array, ctx: ExpressionContext): Location {
  if (expr.length === 0) return { kind: 'optimized' };
  // The expression being run and its unit; DWARF procedure calls push the caller's here.
  let r = new ByteReader(expr);
  let unit = ctx.unit;
  const callers: { r: ByteReader; unit: Unit | undefined }[] = [];
  const stack: number[] = [];
  const pieces: { bits: number; offset: number; location: Location }[] = [];
  let pending: Location | undefined;
  const pop = (): number => {
    const v = stack.pop();
    if (v === undefined) throw new DwarfError('DWARF expression stack underflow');
    return v;
  };
  const push = (v: number): void => { stack.push(v >>> 0); };
  const reg = (n: number): number => {
    const v = ctx.readRegister(n);
    if (v === undefined) throw new Unavailable(`register ${n} is not available`);
    return v >>> 0;
  };
  /**
   * DW_OP_call2/call4/call_ref (DWARF 5 2.5.1.5): the referenced entry's
   * DW_AT_location expression runs on the same stack, then the caller goes
   * on; an entry without one has no effect. `offset` is absolute in .debug_info.
   */
  const call = (offset: number): void => {
    const die = unit?.info.die(offset);
    if (die === undefined) throw new DwarfError(`DW_OP_call to 0x${offset.toString(16)}, which is not a debugging information entry`);
    const loc = die.attrs.get(At.Location);
    if (loc === undefined) return;
    if (!(loc.value instanceof Uint8Array)) throw new Unavailable('a DWARF procedure with a location list');
    if (callers.length >= MAX_CALL_DEPTH) throw new DwarfError('DW_OP_call nests too deeply');
    callers.push({ r, unit });
    r = new ByteReader(loc.value);
    unit = die.unit;
  };
  for (;;) {
    if (r.atEnd) {
      const caller = callers.pop();
      if (caller === undefined) break;
      ({ r, unit } = caller);
      continue;
    }
    const op = r.u8();
    if (op >= Op.Lit0 && op <= Op.Lit31) { push(op - Op.Lit0); continue; }
    if (op >= Op.Reg0 && op <= Op.Reg31) { pending = { kind: 'register', register: op - Op.Reg0 }; continue; }
    if (op >= Op.Breg0 && op <= Op.Breg31) { push(reg(op - Op.Breg0) + r.sleb()); continue; }
    switch (op) {
      case Op.Addr: push(r.u32()); break;
      case Op.Addrx: case Op.Constx: {
        if (unit === undefined) throw new DwarfError('DW_OP_addrx outside a unit');
        push(unit.addressAt(r.uleb()));
        break;
      }
      case Op.Deref: push(readU32(ctx, pop())); break;
      case Op.DerefSize: { const n = r.u8(); push(readU32(ctx, pop(), n)); break; }
      case Op.Const1u: push(r.u8()); break;
      case Op.Const1s: push(r.i8()); break;
      case Op.Const2u: push(r.u16()); break;
      case Op.Const2s: push(r.i16()); break;
      case Op.Const4u: push(r.u32()); break;
      case Op.Const4s: push(r.i32()); break;
      case Op.Const8u: case Op.Const8s: { const lo = r.u32(); r.u32(); push(lo); break; }
      case Op.Constu: push(r.uleb()); break;
      case Op.Consts: push(r.sleb()); break;
      case Op.Dup: { const v = pop(); push(v); push(v); break; }
      case Op.Drop: pop(); break;
      case Op.Over: push(stack[stack.length - 2]!); break;
      case Op.Pick: push(stack[stack.length - 1 - r.u8()]!); break;
      case Op.Swap: { const a = pop(), b = pop(); push(a); push(b); break; }
      case Op.Rot: { const a = pop(), b = pop(), c = pop(); push(a); push(c); push(b); break; }
      case Op.Abs: { const a = pop() | 0; push(Math.abs(a)); break; }
      case Op.And: { const a = pop(), b = pop(); push(a & b); break; }
      case Op.Div: { const a = pop() | 0, b = pop() | 0; if (a === 0) throw new Unavailable('division by zero'); push((b / a) | 0); break; }
      case Op.Minus: { const a = pop(), b = pop(); push(b - a); break; }
      case Op.Mod: { const a = pop(), b = pop(); if (a === 0) throw new Unavailable('division by zero'); push(b % a); break; }
      case Op.Mul: { const a = pop(), b = pop(); push(Math.imul(a, b)); break; }
      case Op.Neg: push(-(pop() | 0)); break;
      case Op.Not: push(~pop()); break;
      case Op.Or: { const a = pop(), b = pop(); push(a | b); break; }
      case Op.Plus: { const a = pop(), b = pop(); push(a + b); break; }
      case Op.PlusUconst: push(pop() + r.uleb()); break;
      case Op.Shl: { const a = pop(), b = pop(); push(a >= 32 ? 0 : b << a); break; }
      case Op.Shr: { const a = pop(), b = pop(); push(a >= 32 ? 0 : b >>> a); break; }
      case Op.Shra: { const a = pop(), b = pop(); push((b | 0) >> Math.min(a, 31)); break; }
      case Op.Xor: { const a = pop(), b = pop(); push(a ^ b); break; }
      case Op.Eq: { const a = pop() | 0, b = pop() | 0; push(b === a ? 1 : 0); break; }
      case Op.Ge: { const a = pop() | 0, b = pop() | 0; push(b >= a ? 1 : 0); break; }
      case Op.Gt: { const a = pop() | 0, b = pop() | 0; push(b > a ? 1 : 0); break; }
      case Op.Le: { const a = pop() | 0, b = pop() | 0; push(b <= a ? 1 : 0); break; }
      case Op.Lt: { const a = pop() | 0, b = pop() | 0; push(b < a ? 1 : 0); break; }
      case Op.Ne: { const a = pop() | 0, b = pop() | 0; push(b !== a ? 1 : 0); break; }
      case Op.Skip: { const d = r.i16(); r.offset += d; break; }
      case Op.Bra: { const d = r.i16(); if (pop() !== 0) r.offset += d; break; }
      case Op.Regx: pending = { kind: 'register', register: r.uleb() }; break;
      case Op.Bregx: { const n = r.uleb(); push(reg(n) + r.sleb()); break; }
      case Op.Fbreg: {
        const off = r.sleb();
        const fb = ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable('the frame base is not available');
        push(fb + off);
        break;
      }
      case Op.CallFrameCfa: {
        const cfa = ctx.cfa?.();
        if (cfa === undefined) throw new Unavailable('the frame address (CFA) is not available');
        push(cfa);
        break;
      }
      case Op.Nop: break;
      case Op.StackValue: pending = { kind: 'value', value: pop() }; break;
      case Op.ImplicitValue: { const n = r.uleb(); pending = { kind: 'bytes', bytes: r.bytesOf(n) }; break; }
      case Op.EntryValue: case Op.GnuEntryValue: {
        const sub = r.bytesOf(r.uleb());
        const v = ctx.entryValue?.(sub);
        if (v === undefined) throw new Unavailable('the value on entry to the function is not known');
        push(v);
        break;
      }
      case Op.ConstType: { r.uleb(); const n = r.u8(); const b = r.bytesOf(n); push(b.length >= 4 ? new ByteReader(b).u32() : b.reduce((a, x, i) => a + x * 256 ** i, 0)); break; }
      case Op.RegvalType: { const n = r.uleb(); r.uleb(); push(reg(n)); break; }
      case Op.DerefType: { const n = r.u8(); r.uleb(); push(readU32(ctx, pop(), Math.min(n, 4))); break; }
      case Op.Convert: case Op.Reinterpret: r.uleb(); break;
      case Op.Piece: {
        const size = r.uleb();
        const location: Location = pending ?? (stack.length > 0 ? { kind: 'memory', address: pop() } : { kind: 'optimized' });
        pieces.push({ bits: size * 8, offset: 0, location });
        pending = undefined;
        break;
      }
      case Op.BitPiece: {
        const bits = r.uleb();
        const offset = r.uleb();
        const location: Location = pending ?? (stack.length > 0 ? { kind: 'memory', address: pop() } : { kind: 'optimized' });
        pieces.push({ bits, offset, location });
        pending = undefined;
        break;
      }
      case Op.Call2: call((unit?.offset ?? 0) + r.u16()); break;
      case Op.Call4: call((unit?.offset ?? 0) + r.u32()); break;
      case Op.CallRef: call(r.u32()); break;
      // One address space on RISC-V: the address space identifier under the address is dropped.
      case Op.Xderef: { const a = pop(); pop(); push(readU32(ctx, a)); break; }
      case Op.XderefSize: { const n = r.u8(); const a = pop(); pop(); push(readU32(ctx, a, Math.min(n, 4))); break; }
      case Op.XderefType: { const n = r.u8(); r.uleb(); const a = pop(); pop(); push(readU32(ctx, a, Math.min(n, 4))); break; }
      case Op.PushObjectAddress: throw new Unavailable('no object address for DW_OP_push_object_address');
      case Op.FormTlsAddress: case Op.GnuPushTlsAddress: throw new Unavailable('thread-local storage is not supported');
      case Op.ImplicitPointer: case Op.GnuParameterRef:
        throw new Unavailable('implicit pointers are not supported');
      default:
        throw new DwarfError(`unsupported DWARF expression operation 0x${op.toString(16)}`);
    }
  }
  if (pieces.length > 0) return { kind: 'pieces', pieces };
  if (pending !== undefined) return pending;
  if (stack.length === 0) return { kind: 'optimized' };
  return { kind: 'memory', address: stack[stack.length - 1]! };
}

/** Evaluates an expression that computes a value (DW_AT_frame_base, CFA rules, call values): the top of the stack. */
export function evaluateValue(expr: Uint8Array, ctx: ExpressionContext): number | undefined {
  const loc = evaluateLocation(expr, ctx);
  switch (loc.kind) {
    case 'memory': return loc.address;
    case 'value': return loc.value;
    case 'register': return ctx.readRegister(loc.register);
    default: return undefined;
  }
}
