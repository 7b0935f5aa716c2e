/**
 * .debug_info and .debug_abbrev: units and their trees of debugging
 * information entries (DWARF 5 chapters 2, 3 and 7.5; DWARF 4 unit headers
 * and forms too). Attribute values are kept as read; the unit resolves the
 * indirect forms (strx, addrx, rnglistx, loclistx) through the bases its root
 * entry declares (DW_AT_str_offsets_base, DW_AT_addr_base, ...).
 */
import { ByteReader, DwarfError, stringAt } from './byte-reader.js';
import { At, Form, Tag } from './dwarf-constants.js';

/** The debug sections, by name without the leading dot (debug_info, debug_str ...). */
export type DebugSections = Partial<Record<
  'debug_info' | 'debug_abbrev' | 'debug_str' | 'debug_line_str' | 'debug_str_offsets' | 'debug_addr' |
  'debug_rnglists' | 'debug_loclists' | 'debug_ranges' | 'debug_loc' | 'debug_line' | 'debug_frame' | 'eh_frame',
  Uint8Array>>;

/** One attribute as read: its form and raw value (references are absolute .debug_info offsets). */
export interface Attribute {
  readonly form: number;
  readonly value: number | string | Uint8Array;
}

/** A debugging information entry. */
export interface Die {
  readonly offset: number;
  readonly tag: number;
  readonly attrs: ReadonlyMap<number, Attribute>;
  readonly children: Die[];
  readonly parent: Die | undefined;
  readonly unit: Unit;
}

interface AbbrevAttr {
  readonly name: number;
  readonly form: number;
  readonly implicit: number;
}

interface Abbrev {
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attrs: readonly AbbrevAttr[];
}

const DW_UT_compile = 1;
const DW_UT_partial = 3;

/** A compilation (or partial) unit. */
export class Unit {
  root!: Die;
  strOffsetsBase = 8;
  addrBase = 8;
  rnglistsBase = 12;
  loclistsBase = 12;
  /** The base address for range and location lists: the root's DW_AT_low_pc. */
  baseAddress = 0;

  constructor(
    readonly info: DebugInfo,
    readonly offset: number,
    readonly version: number,
    readonly addressSize: number,
  ) {}

  /** An attribute's string value (DW_FORM_string, strp, line_strp, strx*). */
  string(a: Attribute | undefined): string | undefined {
    if (a === undefined) return undefined;
    const s = this.info.sections;
    switch (a.form) {
      case Form.String: return a.value as string;
      case Form.Strp: return stringAt(s.debug_str, a.value as number);
      case Form.LineStrp: return stringAt(s.debug_line_str, a.value as number);
      case Form.Strx: case Form.Strx1: case Form.Strx2: case Form.Strx3: case Form.Strx4: {
        const table = s.debug_str_offsets;
        if (table === undefined) throw new DwarfError('DW_FORM_strx without .debug_str_offsets');
        const off = new ByteReader(table, this.strOffsetsBase + 4 * (a.value as number)).u32();
        return stringAt(s.debug_str, off);
      }
      default: return undefined;
    }
  }

  /** An address attribute (DW_FORM_addr or addrx*). */
  address(a: Attribute | undefined): number | undefined {
    if (a === undefined) return undefined;
    switch (a.form) {
      case Form.Addr: return a.value as number;
      case Form.Addrx: case Form.Addrx1: case Form.Addrx2: case Form.Addrx3: case Form.Addrx4:
        return this.addressAt(a.value as number);
      default: return undefined;
    }
  }

  /** Entry `index` of this unit's .debug_addr table. */
  addressAt(index: number): number {
    const table = this.info.sections.debug_addr;
    if (table === undefined) throw new DwarfError('DW_FORM_addrx without .debug_addr');
    return new ByteReader(table, this.addrBase + this.addressSize * index).unsigned(this.addressSize) >>> 0;
  }

  /** A constant attribute (data*, sdata, udata, implicit_const, flag). */
  constant(a: Attribute | undefined): number | undefined {
    if (a === undefined || typeof a.value !== 'number') return undefined;
    switch (a.form) {
      case Form.Data1: case Form.Data2: case Form.Data4: case Form.Data8: case Form.Sdata: case Form.Udata:
      case Form.ImplicitConst: case Form.Flag: case Form.FlagPresent:
        return a.value;
      default: return undefined;
    }
  }
}

/** Whether `form` is a constant class form (for DW_AT_high_pc as an offset, data member locations ...). */
export function isConstantForm(form: number): boolean {
  return form === Form.Data1 || form === Form.Data2 || form === Form.Data4 || form === Form.Data8 ||
    form === Form.Sdata || form === Form.Udata || form === Form.ImplicitConst;
}

/** Every unit of .debug_info with its entries, and lookups by offset. */
export class DebugInfo {
  readonly units: Unit[] = [];
  private readonly byOffset = new Map<number, Die>();
  private readonly abbrevCache = new Map<number, Map<number, Abbrev>>();

  constructor(readonly sections: DebugSections) {
    const info = sections.debug_info;
    if (info === undefined) return;
    const r = new ByteReader(info);
    while (r.offset < info.length) this.readUnit(r);
  }

  /** The entry at a .debug_info offset. */
  die(offset: number): Die | undefined {
    return this.byOffset.get(offset);
  }

  private abbrevs(offset: number): Map<number, Abbrev> {
    const cached = this.abbrevCache.get(offset);
    if (cached !== undefined) return cached;
    const data = this.sections.debug_abbrev;
    if (data === undefined) throw new DwarfError('.debug_info without .debug_abbrev');
    const r = new ByteReader(data, offset);
    const table = new Map<number, Abbrev>();
    for (let code = r.uleb(); code !== 0; code = r.uleb()) {
      const tag = r.uleb();
      const hasChildren = r.u8() !== 0;
      const attrs: AbbrevAttr[] = [];
      for (;;) {
        const name = r.uleb();
        const form = r.uleb();
        if (name === 0 && form === 0) break;
        attrs.push({ name, form, implicit: form === Form.ImplicitConst ? r.sleb() : 0 });
      }
      table.set(code, { tag, hasChildren, attrs });
    }
    this.abbrevCache.set(offset, table);
    return table;
  }

  private readUnit(r: ByteReader): void {
    const offset = r.offset;
    const length = r.unitLength();
    const end = r.offset + length;
    const version = r.u16();
    let unitType = DW_UT_compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = r.u32();
      if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) { r.offset = end; return; }
    } else if (version >= 2) {
      abbrevOffset = r.u32();
      addressSize = r.u8();
    } else {
      throw new DwarfError(`unsupported DWARF version ${version} in the unit at 0x${offset.toString(16)}`);
    }
    const unit = new Unit(this, offset, version, addressSize);
    const abbrevs = this.abbrevs(abbrevOffset);
    const stack: Die[] = [];
    while (r.offset < end) {
      const dieOffset = r.offset;
      const code = r.uleb();
      if (code === 0) { stack.pop(); continue; }
      const ab = abbrevs.get(code);
      if (ab === undefined) throw new DwarfError(`unknown abbreviation ${code} at .debug_info 0x${dieOffset.toString(16)}`);
      const attrs = new Map<number, Attribute>();
      for (const a of ab.attrs) attrs.set(a.name, this.readForm(r, a.form, a.implicit, unit, offset));
      const parent = stack[stack.length - 1];
      const die: Die = { offset: dieOffset, tag: ab.tag, attrs, children: [], parent, unit };
      this.byOffset.set(dieOffset, die);
      if (parent !== undefined) parent.children.push(die);
      else {
        unit.root = die;
        const base = (at: number): number | undefined => unit.constant(attrs.get(at)) ?? (attrs.get(at)?.value as number | undefined);
        unit.strOffsetsBase = base(At.StrOffsetsBase) ?? unit.strOffsetsBase;
        unit.addrBase = base(At.AddrBase) ?? unit.addrBase;
        unit.rnglistsBase = base(At.RnglistsBase) ?? unit.rnglistsBase;
        unit.loclistsBase = base(At.LoclistsBase) ?? unit.loclistsBase;
        unit.baseAddress = unit.address(attrs.get(At.LowPc)) ?? 0;
      }
      if (ab.hasChildren) stack.push(die);
      if (parent === undefined && !ab.hasChildren) break;
    }
    r.offset = end;
    if (unit.root !== undefined && (unit.root.tag === Tag.CompileUnit || unit.root.tag === Tag.PartialUnit)) this.units.push(unit);
  }

  private readForm(r: ByteReader, form: number, implicit: number, unit: Unit, unitOffset: number): Attribute {
    const v = (value: Attribute['value'], f = form): Attribute => ({ form: f, value });
    switch (form) {
      case Form.Addr: return v(r.unsigned(unit.addressSize) >>> 0);
      case Form.Data1: case Form.Ref1: case Form.Flag: case Form.Strx1: case Form.Addrx1:
        return this.ref(form, r.u8(), unitOffset);
      case Form.Data2: case Form.Ref2: case Form.Strx2: case Form.Addrx2:
        return this.ref(form, r.u16(), unitOffset);
      case Form.Strx3: case Form.Addrx3: return v(r.u24());
      case Form.Data4: case Form.Ref4: case Form.Strx4: case Form.Addrx4:
        return this.ref(form, r.u32(), unitOffset);
      case Form.Data8: case Form.Ref8: case Form.RefSig8: return this.ref(form, r.u64(), unitOffset);
      case Form.Data16: return v(r.bytesOf(16));
      case Form.Sdata: return v(r.sleb());
      case Form.Udata: case Form.RefUdata: case Form.Strx: case Form.Addrx: case Form.Loclistx: case Form.Rnglistx:
        return this.ref(form, r.uleb(), unitOffset);
      case Form.String: return v(r.cstr());
      case Form.Strp: case Form.LineStrp: case Form.SecOffset: case Form.StrpSup: case Form.RefSup4:
        return v(r.u32());
      case Form.RefAddr: return v(unit.version <= 2 ? r.unsigned(unit.addressSize) : r.u32());
      case Form.RefSup8: return v(r.u64());
      case Form.Block1: return v(r.bytesOf(r.u8()));
      case Form.Block2: return v(r.bytesOf(r.u16()));
      case Form.Block4: return v(r.bytesOf(r.u32()));
      case Form.Block: case Form.Exprloc: return v(r.bytesOf(r.uleb()));
      case Form.FlagPresent: return v(1);
      case Form.ImplicitConst: return v(implicit);
      case Form.Indirect: return this.readForm(r, r.uleb(), implicit, unit, unitOffset);
      default: throw new DwarfError(`unsupported attribute form 0x${form.toString(16)}`);
    }
  }

  /** Unit-relative references become absolute .debug_info offsets. */
  private ref(form: number, value: number, unitOffset: number): Attribute {
    const relative = form === Form.Ref1 || form === Form.Ref2 || form === Form.Ref4 || form === Form.Ref8 || form === Form.RefUdata;
    return { form, value: relative ? unitOffset + value : value };
  }
}

/** Whether an attribute is a reference to another entry. */
export function isReference(a: Attribute): boolean {
  return a.form === Form.Ref1 || a.form === Form.Ref2 || a.form === Form.Ref4 || a.form === Form.Ref8 ||
    a.form === Form.RefUdata || a.form === Form.RefAddr;
}

/** The entry an attribute refers to. */
export function refDie(die: Die, at: number): Die | undefined {
  const a = die.attrs.get(at);
  if (a === undefined || !isReference(a)) return undefined;
  return die.unit.info.die(a.value as number);
}

/** An attribute of the entry or of its abstract origin / specification (DWARF 5 3.3.8.1). */
export function inheritedAttr(die: Die, at: number): { die: Die; attr: Attribute } | undefined {
  let d: Die | undefined = die;
  for (let hops = 0; d !== undefined && hops < 8; hops++) {
    const a = d.attrs.get(at);
    if (a !== undefined) return { die: d, attr: a };
    d = refDie(d, At.AbstractOrigin) ?? refDie(d, At.Specification);
  }
  return undefined;
}

/** The name of an entry, following its abstract origin or specification. */
export function dieName(die: Die): string | undefined {
  const found = inheritedAttr(die, At.Name);
  return found === undefined ? undefined : found.die.unit.string(found.attr);
}
