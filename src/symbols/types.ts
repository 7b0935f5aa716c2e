/**
 * C types from DWARF type entries (DWARF 5 chapter 5): base, pointer,
 * const/volatile, typedef, struct/union, array, enum and function types, and
 * their names spelled the way gdb spells them (`struct point *`,
 * `const volatile int *`, `int (*)(int, int)`, `char [16]`).
 */
import { dieName, isConstantForm, refDie, type Die } from './debug-info.js';
import { At, Ate, Tag } from './dwarf-constants.js';

export type CType =
  | { readonly kind: 'void' }
  | { readonly kind: 'base'; readonly name: string; readonly size: number; readonly encoding: number }
  | { readonly kind: 'pointer'; readonly size: number; readonly target: () => CType }
  | { readonly kind: 'qualified'; readonly qualifier: 'const' | 'volatile' | 'restrict' | 'atomic'; readonly target: () => CType }
  | { readonly kind: 'typedef'; readonly name: string; readonly target: () => CType }
  | { readonly kind: 'struct' | 'union'; readonly name: string | undefined; readonly size: number; readonly members: () => readonly Member[]; readonly declaration: boolean }
  | { readonly kind: 'array'; readonly element: () => CType; readonly counts: readonly (number | undefined)[] }
  | { readonly kind: 'enum'; readonly name: string | undefined; readonly size: number; readonly signed: boolean; readonly enumerators: readonly Enumerator[] }
  | { readonly kind: 'function'; readonly returns: () => CType; readonly params: () => readonly CType[]; readonly varargs: boolean; readonly prototyped: boolean;
      /** A name that stands for the whole type (gdb's `<text variable, no debug info>` for code without debug information). */
      readonly name?: string };

export interface Member {
  readonly name: string | undefined;
  readonly type: CType;
  /** Byte offset of the containing storage unit (or of the member). */
  readonly offset: number;
  /** For bitfields: width in bits and offset in bits from `offset`, counting from the least significant bit. */
  readonly bitSize?: number;
  readonly bitOffset?: number;
}

export interface Enumerator {
  readonly name: string;
  readonly value: number;
}

const VOID: CType = { kind: 'void' };
const cache = new WeakMap<Die, CType>();

/** The function type of a subprogram entry (from its abstract origin or declaration when it has them). */
export function subprogramType(die: Die): CType {
  const src = refDie(die, At.AbstractOrigin) ?? refDie(die, At.Specification) ?? die;
  const params = src.children.filter((c) => c.tag === Tag.FormalParameter);
  return {
    kind: 'function', returns: () => typeOf(src), params: () => params.map((p) => typeOf(p)),
    varargs: src.children.some((c) => c.tag === Tag.UnspecifiedParameters), prototyped: src.attrs.has(At.Prototyped),
  };
}

/** The type an entry's DW_AT_type names (void when absent). */
export function typeOf(die: Die): CType {
  const t = refDie(die, At.Type);
  return t === undefined ? VOID : typeFromDie(t);
}

/** The type a type entry describes. */
export function typeFromDie(die: Die): CType {
  const cached = cache.get(die);
  if (cached !== undefined) return cached;
  const t = buildType(die);
  cache.set(die, t);
  return t;
}

function byteSize(die: Die): number {
  return die.unit.constant(die.attrs.get(At.ByteSize)) ?? 0;
}

function buildType(die: Die): CType {
  const target = (): CType => typeOf(die);
  switch (die.tag) {
    case Tag.BaseType:
      return { kind: 'base', name: dieName(die) ?? '?', size: byteSize(die), encoding: die.unit.constant(die.attrs.get(At.Encoding)) ?? Ate.Signed };
    case Tag.PointerType: case Tag.ReferenceType:
      return { kind: 'pointer', size: byteSize(die) || die.unit.addressSize, target };
    case Tag.ConstType: return { kind: 'qualified', qualifier: 'const', target };
    case Tag.VolatileType: return { kind: 'qualified', qualifier: 'volatile', target };
    case Tag.RestrictType: return { kind: 'qualified', qualifier: 'restrict', target };
    case Tag.AtomicType: return { kind: 'qualified', qualifier: 'atomic', target };
    case Tag.Typedef: return { kind: 'typedef', name: dieName(die) ?? '?', target };
    case Tag.StructureType: case Tag.UnionType: {
      let members: Member[] | undefined;
      return {
        kind: die.tag === Tag.StructureType ? 'struct' : 'union',
        name: dieName(die),
        size: byteSize(die),
        declaration: die.attrs.has(At.Declaration),
        members: () => (members ??= die.children.filter((c) => c.tag === Tag.Member).map(member)),
      };
    }
    case Tag.ArrayType: {
      const counts = die.children.filter((c) => c.tag === Tag.SubrangeType).map((s) => {
        const count = s.unit.constant(s.attrs.get(At.Count));
        if (count !== undefined) return count;
        const ub = s.attrs.get(At.UpperBound);
        if (ub === undefined || !isConstantForm(ub.form)) return undefined;
        const lb = s.unit.constant(s.attrs.get(At.LowerBound)) ?? 0;
        return (ub.value as number) - lb + 1;
      });
      return { kind: 'array', element: target, counts: counts.length === 0 ? [undefined] : counts };
    }
    case Tag.EnumerationType: {
      const enumerators = die.children.filter((c) => c.tag === Tag.Enumerator).map((c) => ({
        name: dieName(c) ?? '?', value: c.unit.constant(c.attrs.get(At.ConstValue)) ?? 0,
      }));
      const under = refDie(die, At.Type);
      const underlying = under === undefined ? undefined : strip(typeFromDie(under));
      const signed = underlying?.kind === 'base' ? isSignedEncoding(underlying.encoding) : enumerators.some((e) => e.value < 0);
      return { kind: 'enum', name: dieName(die), size: byteSize(die) || 4, signed, enumerators };
    }
    case Tag.SubroutineType: {
      const params = die.children.filter((c) => c.tag === Tag.FormalParameter);
      return {
        kind: 'function', returns: target, params: () => params.map((p) => typeOf(p)),
        varargs: die.children.some((c) => c.tag === Tag.UnspecifiedParameters),
        prototyped: die.attrs.has(At.Prototyped),
      };
    }
    default:
      return VOID;
  }
}

function member(m: Die): Member {
  const loc = m.attrs.get(At.DataMemberLocation);
  let offset = loc !== undefined && isConstantForm(loc.form) ? (loc.value as number) : 0;
  if (loc !== undefined && loc.value instanceof Uint8Array) offset = constantOffsetExpr(loc.value);
  const type = typeOf(m);
  const bitSize = m.unit.constant(m.attrs.get(At.BitSize));
  if (bitSize === undefined) return { name: dieName(m), type, offset };
  const dataBitOffset = m.unit.constant(m.attrs.get(At.DataBitOffset));
  if (dataBitOffset !== undefined) {
    // DWARF 4/5: bits from the start of the structure (little-endian: from the LSB of byte 0).
    return { name: dieName(m), type, offset: 0, bitSize, bitOffset: dataBitOffset };
  }
  // DWARF 2/3 DW_AT_bit_offset: from the most significant bit of the storage unit of DW_AT_byte_size.
  const storage = m.unit.constant(m.attrs.get(At.ByteSize)) ?? sizeOf(type);
  const legacy = m.unit.constant(m.attrs.get(At.BitOffset)) ?? 0;
  return { name: dieName(m), type, offset, bitSize, bitOffset: storage * 8 - legacy - bitSize };
}

/** DW_AT_data_member_location as an expression: DW_OP_plus_uconst N (the only form C compilers emit). */
function constantOffsetExpr(e: Uint8Array): number {
  if (e[0] !== 0x23) return 0;
  let v = 0, scale = 1;
  for (let i = 1; i < e.length; i++) {
    v += (e[i]! & 0x7f) * scale;
    scale *= 128;
    if ((e[i]! & 0x80) === 0) break;
  }
  return v;
}

export function isSignedEncoding(encoding: number): boolean {
  return encoding === Ate.Signed || encoding === Ate.SignedChar;
}

/** The type without typedefs and qualifiers. */
export function strip(t: CType): CType {
  let cur = t;
  for (let i = 0; i < 64 && (cur.kind === 'typedef' || cur.kind === 'qualified'); i++) cur = cur.target();
  return cur;
}

/** Size in bytes. */
export function sizeOf(t: CType): number {
  const s = strip(t);
  switch (s.kind) {
    case 'void': return 1;
    case 'base': case 'pointer': case 'struct': case 'union': case 'enum': return s.size;
    case 'array': return s.counts.reduce((n: number, c) => n * (c ?? 0), sizeOf(s.element()));
    case 'function': return 1;
    default: return 0;
  }
}

/** Whether a type is a character type (char, signed char, unsigned char). */
export function isCharType(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === Ate.SignedChar || s.encoding === Ate.UnsignedChar);
}

/** The type's name as gdb prints it (`struct point *`, `int [5]`, `int (*)(int, int)`). */
export function typeName(t: CType): string {
  return declarator(t, '').trim();
}

/** C declarator syntax: the type wrapped around an inner declarator text. */
function declarator(t: CType, inner: string): string {
  switch (t.kind) {
    case 'void': return `void${inner === '' ? '' : ' ' + inner}`;
    case 'base': return `${t.name}${inner === '' ? '' : ' ' + inner}`;
    case 'typedef': return `${t.name}${inner === '' ? '' : ' ' + inner}`;
    case 'struct': case 'union': return `${t.kind} ${t.name ?? '{...}'}${inner === '' ? '' : ' ' + inner}`;
    case 'enum': return `enum ${t.name ?? '{...}'}${inner === '' ? '' : ' ' + inner}`;
    case 'qualified': {
      const target = t.target();
      if (target.kind === 'pointer') return declarator(target, `${t.qualifier}${inner === '' ? '' : ' ' + inner}`);
      // gdb prints qualifiers before the base type: const volatile int.
      return `${t.qualifier} ${declarator(target, inner)}`;
    }
    case 'pointer': {
      const target = t.target();
      // A named function type (gdb's `<text variable, no debug info>`) reads as one word.
      const needsParens = target.kind === 'array' || (target.kind === 'function' && target.name === undefined);
      const ptr = inner === '' ? '*' : `*${inner.startsWith('*') || inner.startsWith('(') ? '' : ' '}${inner}`;
      return declarator(target, needsParens ? `(${ptr})` : ptr);
    }
    case 'array': {
      const dims = t.counts.map((c) => `[${c ?? ''}]`).join('');
      return declarator(t.element(), inner === '' ? dims : `${inner}${dims}`).replace(/ \[/, ' [');
    }
    case 'function': {
      if (t.name !== undefined) return `${t.name}${inner === '' ? '' : ' ' + inner}`;
      const params = t.params().map(typeName);
      if (t.varargs) params.push('...');
      const list = params.length === 0 ? (t.prototyped ? 'void' : '') : params.join(', ');
      return declarator(t.returns(), `${inner}(${list})`);
    }
  }
}

const base = (name: string, size: number, encoding: number): CType => ({ kind: 'base', name, size, encoding });

/**
 * C's own types on RV32 (the ILP32 ABI: int, long and pointers are 4 bytes,
 * long long 8, long double 16; plain char is unsigned on RISC-V), named as gdb
 * names them. Literals, promotions and the results of operators have these
 * types; a cast to `unsigned long` means the one here whatever the program's
 * DWARF calls it.
 */
export const C_TYPES = {
  void: VOID,
  char: base('char', 1, Ate.UnsignedChar),
  signedChar: base('signed char', 1, Ate.SignedChar),
  unsignedChar: base('unsigned char', 1, Ate.UnsignedChar),
  short: base('short', 2, Ate.Signed),
  unsignedShort: base('unsigned short', 2, Ate.Unsigned),
  int: base('int', 4, Ate.Signed),
  unsignedInt: base('unsigned int', 4, Ate.Unsigned),
  long: base('long', 4, Ate.Signed),
  unsignedLong: base('unsigned long', 4, Ate.Unsigned),
  longLong: base('long long', 8, Ate.Signed),
  unsignedLongLong: base('unsigned long long', 8, Ate.Unsigned),
  float: base('float', 4, Ate.Float),
  double: base('double', 8, Ate.Float),
  longDouble: base('long double', 16, Ate.Float),
} as const;

/** A pointer (4 bytes on RV32) to `target`. */
export function pointerTo(target: CType): CType {
  return { kind: 'pointer', size: 4, target: () => target };
}

/** An array of `count` elements (an array of arrays keeps one entry with all its dimensions, as DWARF does). */
export function arrayOf(element: CType, count: number | undefined): CType {
  if (element.kind === 'array') return { kind: 'array', element: element.element, counts: [count, ...element.counts] };
  return { kind: 'array', element: () => element, counts: [count] };
}

/** The element type of an array (for a multidimensional array: the array of the remaining dimensions). */
export function elementOf(array: Extract<CType, { kind: 'array' }>): CType {
  const [, ...rest] = array.counts;
  return rest.length > 0 ? { kind: 'array', element: array.element, counts: rest } : array.element();
}

/** Whether values of the type are unsigned (unsigned integers, bool, unsigned chars, enums without negative values, pointers). */
export function isUnsignedType(t: CType): boolean {
  const s = strip(t);
  if (s.kind === 'base') return s.encoding !== Ate.Float && !isSignedEncoding(s.encoding);
  if (s.kind === 'enum') return !s.signed;
  return s.kind === 'pointer';
}

/** The alignment gdb gives a type (its size for scalars, the largest member's for aggregates), 0 when unknown. */
export function alignOf(t: CType): number {
  const s = strip(t);
  let align: number;
  switch (s.kind) {
    case 'void': case 'function': align = 1; break;
    case 'base': case 'pointer': case 'enum': align = s.size; break;
    case 'array': align = alignOf(s.element()); break;
    case 'struct': case 'union': {
      const members = s.members();
      align = members.length === 0 ? 1 : Math.max(...members.map((m) => alignOf(m.type)));
      if (members.some((m) => alignOf(m.type) === 0)) align = 0;
      break;
    }
    default: align = 0;
  }
  return (align & (align - 1)) === 0 ? align : 0;
}
