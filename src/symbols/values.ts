/**
 * Typed values read from a stopped guest, and their text in gdb's style
 * (`{x = 1, y = 2}`, `0x80200050 <g_nodes>`, `"abc", '\000' <repeats 12 times>`,
 * `(F_READ | F_EXEC)`, `104 'h'`, `<optimized out>`).
 */
import { Ate } from './dwarf-constants.js';
import { floatConvert, floatFromInteger, floatToInteger, formatFloatBytes, isFloatSize } from './floats.js';
import { isCharType, isSignedEncoding, sizeOf, strip, typeName, type CType, type Member } from './types.js';

/** A value: its type and bytes (little-endian), which bytes are known, and where it lives if in memory. */
export interface Value {
  readonly type: CType;
  readonly bytes: Uint8Array;
  /** Per byte: 1 when known. A value with no known byte is optimized out. */
  readonly known: Uint8Array;
  /** The address, when the value is an object in memory (an lvalue). */
  readonly address?: number;
  /** The register that holds the whole value (0-31 are x0-x31, 32 is the pc), in the frame it was read in (a register lvalue). */
  readonly register?: number;
  /** Why the value could not be read, if it could not (printed as `<error: ...>`). */
  readonly error?: string;
}

/** How the debugger reads the guest: side-effect-free peeks. */
export interface MemoryReader {
  readMemory(address: number, length: number): Uint8Array | undefined;
}

/** Formatting context: memory for strings behind pointers, symbols for `<sym+off>`. */
export interface FormatContext extends MemoryReader {
  /** gdb's `<symbol+offset>` for a data or code address, or undefined. */
  symbolize(address: number): string | undefined;
}

export interface FormatOptions {
  /** Top-level `print`: pointers get a `(type)` prefix. */
  readonly topLevel?: boolean;
  /** Frame lines (`print frame-arguments scalars`): aggregates print as `...`. */
  readonly scalarsOnly?: boolean;
}

const REPEAT_THRESHOLD = 10;
const PRINT_MAX = 200;

export function optimizedOut(type: CType): Value {
  const n = sizeOf(type);
  return { type, bytes: new Uint8Array(n), known: new Uint8Array(n) };
}

export function valueFromBytes(type: CType, bytes: Uint8Array, address?: number): Value {
  return { type, bytes, known: new Uint8Array(bytes.length).fill(1), ...(address !== undefined ? { address } : {}) };
}

export function valueFromNumber(type: CType, n: number): Value {
  const size = Math.max(sizeOf(type), 1);
  const b = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, BigInt(Math.trunc(n)));
  for (let i = 0; i < size; i++) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return valueFromBytes(type, b);
}

/** A value read from memory at `address`. */
export function valueAt(type: CType, address: number, mem: MemoryReader): Value {
  const size = sizeOf(type);
  const bytes = size === 0 ? new Uint8Array(0) : mem.readMemory(address >>> 0, size);
  if (bytes === undefined || bytes.length < size) {
    return { ...optimizedOut(type), address, error: `Cannot access memory at address 0x${(address >>> 0).toString(16)}` };
  }
  return valueFromBytes(type, bytes.slice(), address);
}

export function isOptimizedOut(v: Value): boolean {
  return v.bytes.length > 0 && v.known.every((k) => k === 0);
}

/** A sub-value (member or element) at a byte offset. */
export function subValue(v: Value, type: CType, offset: number, size = sizeOf(type)): Value {
  return {
    type, bytes: v.bytes.subarray(offset, offset + size), known: v.known.subarray(offset, offset + size),
    ...(v.address !== undefined ? { address: v.address + offset } : {}),
    ...(v.error !== undefined ? { error: v.error } : {}),
  };
}

/**
 * The bytes that assigning `v` to an object of type `target` stores, converted
 * as C assignment converts: integers, enums, pointers and floating point
 * among each other; structs, unions and arrays only from the same type.
 */
export function assignmentBytes(target: CType, v: Value): Uint8Array {
  const t = strip(target);
  const s = strip(v.type);
  if (isOptimizedOut(v)) throw new ValueError('value has been optimized out');
  if (isScalarType(t) && isScalarType(s)) return convertScalar(v, target).bytes;
  const sameShape = (t.kind === 'struct' || t.kind === 'union' || t.kind === 'array') && typeName(target) === typeName(v.type) && sizeOf(t) === v.bytes.length;
  if (sameShape) return v.bytes.slice();
  throw new ValueError(`cannot assign a value of type ${typeName(v.type)} to an object of type ${typeName(target)}`);
}

/** A value that cannot be used as asked (the message is for the user). */
export class ValueError extends Error {}

/** Integers, characters, booleans, enums, floating point and pointers: the types C converts among. */
export function isScalarType(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' || s.kind === 'enum' || s.kind === 'pointer';
}

/** Whether the type is a floating-point type. */
export function isFloatType(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.encoding === Ate.Float;
}

/**
 * A scalar value converted to another scalar type, as C converts (and gdb:
 * floating point to integer truncates toward zero and saturates at 64 bits;
 * to _Bool gives 0 or 1 of the integer).
 */
export function convertScalar(v: Value, target: CType): Value {
  const t = strip(target);
  if (!isScalarType(t) || !isScalarType(v.type)) {
    throw new ValueError(`cannot convert a value of type ${typeName(v.type)} to ${typeName(target)}`);
  }
  if (isFloatType(t)) {
    const size = sizeOf(t);
    if (!isFloatSize(size)) throw new ValueError(`cannot hold a ${size}-byte floating-point value`);
    return valueFromBytes(target, isFloatType(v.type) ? floatConvert(v.bytes, size) : floatFromInteger(size, integerOf(v)));
  }
  let n = isFloatType(v.type) ? floatToInteger(v.bytes) : integerOf(v);
  if (t.kind === 'base' && t.encoding === Ate.Boolean) n = n === 0n ? 0n : 1n;
  return valueFromBigInt(target, n);
}

/** A value of an integer, enum or pointer type holding `n` (truncated to the type's size). */
export function valueFromBigInt(type: CType, n: bigint): Value {
  const size = Math.max(sizeOf(type), 1);
  const b = new Uint8Array(size);
  let u = BigInt.asUintN(size * 8, n);
  for (let i = 0; i < size; i++) { b[i] = Number(u & 0xffn); u >>= 8n; }
  return valueFromBytes(type, b);
}

/** An integer-like value (integers, characters, booleans, enums, pointers) as a bigint, sign-extended where its type is signed. */
export function integerOf(v: Value): bigint {
  return toBigSigned(v);
}

/** An integer-like value (integers, enums, pointers) as a bigint, sign-extended where its type is signed. */
function toBigSigned(v: Value): bigint {
  const s = strip(v.type);
  const raw = toBigUnsigned(v.bytes);
  const signed = (s.kind === 'base' && isSignedEncoding(s.encoding)) || (s.kind === 'enum' && s.signed);
  return signed ? BigInt.asIntN(v.bytes.length * 8, raw) : raw;
}

/** The unsigned integer in `bytes` as a bigint. */
export function toBigUnsigned(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** A scalar value as a number (pointers and integers; 64-bit values lose precision above 2^53). */
export function toNumber(v: Value): number {
  const s = strip(v.type);
  const raw = toBigUnsigned(v.bytes);
  const signed = (s.kind === 'base' && isSignedEncoding(s.encoding)) || (s.kind === 'enum' && s.signed);
  return Number(signed ? BigInt.asIntN(v.bytes.length * 8, raw) : raw);
}

/** A bitfield member's value as a standalone value of the member's type. */
export function bitfieldValue(container: Value, m: Member): Value {
  const bitOffset = m.offset * 8 + (m.bitOffset ?? 0);
  const firstByte = Math.floor(bitOffset / 8);
  const lastByte = Math.floor((bitOffset + m.bitSize! - 1) / 8);
  let raw = 0n;
  let known = true;
  for (let i = lastByte; i >= firstByte; i--) {
    raw = (raw << 8n) | BigInt(container.bytes[i] ?? 0);
    if (container.known[i] !== 1) known = false;
  }
  raw = (raw >> BigInt(bitOffset - firstByte * 8)) & ((1n << BigInt(m.bitSize!)) - 1n);
  const s = strip(m.type);
  const signed = s.kind === 'base' ? isSignedEncoding(s.encoding) : s.kind === 'enum' && s.signed;
  if (signed && (raw >> BigInt(m.bitSize! - 1)) & 1n) raw -= 1n << BigInt(m.bitSize!);
  const size = Math.max(sizeOf(m.type), 1);
  const out = valueFromNumber(m.type, 0);
  let u = BigInt.asUintN(size * 8, raw);
  for (let i = 0; i < size; i++) { out.bytes[i] = Number(u & 0xffn); u >>= 8n; }
  return known ? out : optimizedOut(m.type);
}

/** The value as gdb prints it. */
export function formatValue(v: Value, ctx: FormatContext, options: FormatOptions = {}): string {
  if (v.error !== undefined && isOptimizedOut(v)) return `<error: ${v.error}>`;
  const s = strip(v.type);
  if (options.scalarsOnly && (s.kind === 'struct' || s.kind === 'union' || s.kind === 'array')) return '...';
  if (isOptimizedOut(v) && s.kind !== 'struct' && s.kind !== 'union' && s.kind !== 'array') return '<optimized out>';
  switch (s.kind) {
    case 'void': return 'void';
    case 'base': return formatBase(v, s);
    case 'enum': return formatEnum(v, s);
    case 'pointer': return formatPointer(v, s, ctx, options.topLevel ?? false);
    case 'struct': case 'union': {
      if (isOptimizedOut(v)) return '<optimized out>';
      const parts = s.members().map((m) => {
        const mv = m.bitSize !== undefined ? bitfieldValue(v, m) : subValue(v, m.type, m.offset);
        const text = formatValue(mv, ctx);
        return m.name === undefined ? text : `${m.name} = ${text}`;
      });
      return `{${parts.join(', ')}}`;
    }
    case 'array': {
      // An array of unknown or zero length (`extern char end[];`, a flexible member) prints as a pointer to its first element, as in gdb.
      if ((s.counts[0] === undefined || s.counts[0] === 0) && v.address !== undefined) {
        const [, ...rest] = s.counts;
        const element: CType = rest.length > 0 ? { kind: 'array', element: s.element, counts: rest } : s.element();
        return formatPointer(valueFromNumber({ kind: 'pointer', size: 4, target: () => element }, v.address), { kind: 'pointer', size: 4, target: () => element }, ctx, false);
      }
      if (isOptimizedOut(v)) return '<optimized out>';
      return formatArray(v, s, ctx);
    }
    case 'function': {
      const sym = v.address === undefined ? undefined : ctx.symbolize(v.address);
      return `{${typeName(v.type)}} 0x${(v.address ?? 0).toString(16)}${sym ? ` <${sym}>` : ''}`;
    }
    default: return '?';
  }
}

function formatBase(v: Value, s: Extract<CType, { kind: 'base' }>): string {
  const raw = toBigUnsigned(v.bytes);
  const signed = isSignedEncoding(s.encoding);
  const n = signed ? BigInt.asIntN(v.bytes.length * 8, raw) : raw;
  switch (s.encoding) {
    case Ate.Boolean: return n === 0n ? 'false' : n === 1n ? 'true' : n.toString();
    case Ate.Float: return formatFloatBytes(v.bytes);
    case Ate.SignedChar: case Ate.UnsignedChar:
      if (s.size === 1) return `${n} ${charLiteral(Number(raw))}`;
      return n.toString();
    default: return n.toString();
  }
}

function formatEnum(v: Value, s: Extract<CType, { kind: 'enum' }>): string {
  const raw = toBigUnsigned(v.bytes);
  const n = Number(s.signed ? BigInt.asIntN(v.bytes.length * 8, raw) : raw);
  const exact = s.enumerators.find((e) => e.value === n);
  if (exact !== undefined) return exact.name;
  if (isFlagEnum(s) && n > 0) {
    const names: string[] = [];
    let rest = n;
    for (const e of s.enumerators) {
      if (e.value !== 0 && (rest & e.value) === e.value) { names.push(e.name); rest &= ~e.value; }
    }
    if (names.length > 0) {
      if (rest !== 0) names.push(`unknown: 0x${(rest >>> 0).toString(16)}`);
      return `(${names.join(' | ')})`;
    }
  }
  return String(n);
}

/** gdb treats an enum as a set of flags when every value is a non-negative run of bits disjoint from the others. */
function isFlagEnum(s: Extract<CType, { kind: 'enum' }>): boolean {
  let seen = 0;
  for (const e of s.enumerators) {
    if (e.value < 0) return false;
    if (e.value === 0) continue;
    const v = e.value >>> 0;
    // A contiguous run of set bits.
    const low = v & -v;
    if (((v + low) & v) !== 0) return false;
    if ((seen & v) !== 0) return false;
    seen |= v;
  }
  return true;
}

function formatPointer(v: Value, s: Extract<CType, { kind: 'pointer' }>, ctx: FormatContext, topLevel: boolean): string {
  const address = Number(toBigUnsigned(v.bytes));
  const hex = `0x${address.toString(16)}`;
  const sym = address === 0 ? undefined : ctx.symbolize(address);
  const withSym = sym === undefined ? hex : `${hex} <${sym}>`;
  // gdb omits the `(type)` of a plain `char *` (or `const char *`): the quoted string says it.
  let pointee = s.target();
  while (pointee.kind === 'qualified') pointee = pointee.target();
  const plainChar = v.type.kind === 'pointer' && pointee.kind === 'base' && pointee.name === 'char';
  const prefix = topLevel && !plainChar ? `(${typeName(v.type)}) ` : '';
  if (isCharType(s.target())) {
    if (address === 0) return `${prefix}${hex}`;
    return `${prefix}${withSym} ${cString(address, ctx)}`;
  }
  return `${prefix}${withSym}`;
}

/** The NUL-terminated string at `address`, quoted, at most 200 characters, or `<error: ...>`. */
function cString(address: number, mem: MemoryReader): string {
  const chars: number[] = [];
  for (let i = 0; i < PRINT_MAX; i++) {
    const b = mem.readMemory((address + i) >>> 0, 1);
    if (b === undefined || b.length === 0) {
      if (i === 0) return `<error: Cannot access memory at address 0x${(address >>> 0).toString(16)}>`;
      break;
    }
    if (b[0] === 0) return quoteSegments(chars, false);
    chars.push(b[0]!);
  }
  return quoteSegments(chars, chars.length >= PRINT_MAX);
}

function formatArray(v: Value, s: Extract<CType, { kind: 'array' }>, ctx: FormatContext): string {
  const [count, ...rest] = s.counts;
  const elementType: CType = rest.length > 0 ? { kind: 'array', element: s.element, counts: rest } : s.element();
  const size = sizeOf(elementType);
  const n = count ?? 0;
  if (rest.length === 0 && isCharType(elementType) && size === 1) {
    const chars = Array.from(v.bytes.subarray(0, n));
    // print null-stop off: one trailing NUL is not printed.
    let len = chars.length;
    if (len > 0 && chars[len - 1] === 0) len--;
    const shown = chars.slice(0, Math.min(len, PRINT_MAX));
    return quoteSegments(shown, len > PRINT_MAX);
  }
  const items: string[] = [];
  let printed = 0;
  for (let i = 0; i < n && printed < PRINT_MAX;) {
    const text = formatValue(subValue(v, elementType, i * size, size), ctx);
    let reps = 1;
    while (i + reps < n && bytesEqual(v, i * size, (i + reps) * size, size)) reps++;
    if (reps > REPEAT_THRESHOLD) {
      items.push(`${text} <repeats ${reps} times>`);
      i += reps;
      printed += REPEAT_THRESHOLD;
    } else {
      items.push(text);
      i++;
      printed++;
    }
    if (printed >= PRINT_MAX && i < n) items.push('...');
  }
  return `{${items.join(', ')}}`;
}

function bytesEqual(v: Value, a: number, b: number, size: number): boolean {
  for (let k = 0; k < size; k++) {
    if (v.bytes[a + k] !== v.bytes[b + k] || v.known[a + k] !== v.known[b + k]) return false;
  }
  return true;
}

/** One character of a target string after decoding it as UTF-8 (gdb's default target charset here). */
type TextToken =
  | { readonly kind: 'char'; readonly code: number; readonly raw: readonly number[] }
  | { readonly kind: 'invalid'; readonly byte: number }
  | { readonly kind: 'incomplete'; readonly raw: readonly number[] };

function decodeUtf8(bytes: readonly number[]): TextToken[] {
  const out: TextToken[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) { out.push({ kind: 'invalid', byte: b }); i++; continue; }
    if (need === 0) { out.push({ kind: 'char', code: b, raw: [b] }); i++; continue; }
    const rest = bytes.slice(i + 1);
    if (rest.length < need && rest.every((c) => (c & 0xc0) === 0x80)) {
      out.push({ kind: 'incomplete', raw: bytes.slice(i) });
      break;
    }
    const cont = bytes.slice(i + 1, i + 1 + need);
    if (cont.length < need || !cont.every((c) => (c & 0xc0) === 0x80)) { out.push({ kind: 'invalid', byte: b }); i++; continue; }
    let code = b & (0x3f >> need);
    for (const c of cont) code = (code << 6) | (c & 0x3f);
    out.push({ kind: 'char', code, raw: bytes.slice(i, i + 1 + need) });
    i += 1 + need;
  }
  // gdb converts one character per iconv call; a valid character converted in
  // the same call that then meets an incomplete sequence is lost with it.
  const last = out[out.length - 1];
  if (last?.kind === 'incomplete' && out.length >= 2 && out[out.length - 2]!.kind === 'char') out.splice(out.length - 2, 1);
  return out;
}

/** A run of characters as gdb prints it: quoted segments, with runs over the threshold as `'c' <repeats N times>`. */
function quoteSegments(chars: readonly number[], truncated: boolean): string {
  const tokens = decodeUtf8(chars);
  if (tokens.length === 0) return truncated ? '""...' : '""';
  const segments: string[] = [];
  let current = '';
  const same = (a: TextToken, b: TextToken): boolean =>
    a.kind === b.kind && (a.kind === 'char' ? a.code === (b as typeof a).code : a.kind === 'invalid' ? a.byte === (b as typeof a).byte : false);
  const text = (t: TextToken, quote: string): string =>
    t.kind === 'char' ? escapeCode(t.code, quote) : t.kind === 'invalid' ? octal(t.byte) : t.raw.map(octal).join('');
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i]!;
    if (t.kind === 'incomplete') {
      if (current !== '') { segments.push(`"${current}"`); current = ''; }
      segments.push(`<incomplete sequence ${text(t, '"')}>`);
      i++;
      continue;
    }
    let reps = 1;
    while (i + reps < tokens.length && same(tokens[i + reps]!, t)) reps++;
    if (reps > REPEAT_THRESHOLD) {
      if (current !== '') { segments.push(`"${current}"`); current = ''; }
      segments.push(`'${text(t, "'")}' <repeats ${reps} times>`);
    } else {
      for (let k = 0; k < reps; k++) current += text(t, '"');
    }
    i += reps;
  }
  if (current !== '') segments.push(`"${current}"`);
  return segments.join(', ') + (truncated ? '...' : '');
}

const octal = (b: number): string => `\\${b.toString(8).padStart(3, '0')}`;

function escapeCode(code: number, quote: string): string {
  if (code < 0x80) return escapeChar(code, quote);
  if (code < 0xa0) return Array.from(new TextEncoder().encode(String.fromCodePoint(code))).map(octal).join('');
  return String.fromCodePoint(code);
}

/** A character literal as gdb prints it: 'a', '\n', '\033', '\310'. */
export function charLiteral(c: number): string {
  return `'${escapeChar(c & 0xff, "'")}'`;
}

function escapeChar(c: number, quote: string): string {
  switch (c) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 9: return '\\t';
    case 10: return '\\n';
    case 11: return '\\v';
    case 12: return '\\f';
    case 13: return '\\r';
    case 0x5c: return '\\\\';
  }
  const ch = String.fromCharCode(c);
  if (ch === quote) return `\\${quote}`;
  if (c >= 0x20 && c < 0x7f) return ch;
  return `\\${c.toString(8).padStart(3, '0')}`;
}
