/**
 * Hand-assembled DWARF 5 for the symbols layer's unit tests: a byte writer,
 * one unit's .debug_info/.debug_abbrev from a tree of entries, the indexed
 * tables (.debug_str_offsets, .debug_addr, .debug_rnglists, .debug_loclists)
 * and a version 5 line-number program header. Layouts follow DWARF 5
 * sections 7.5 (units, abbreviations, forms), 7.22 (line programs),
 * 7.26-7.29 (string offsets, address, range list and location list tables),
 * 32-bit format, 4-byte addresses.
 */
import { Form } from '../../src/symbols/dwarf-constants.js';

/** A little-endian byte writer. */
export class Writer {
  private readonly out: number[] = [];

  get length(): number {
    return this.out.length;
  }

  u8(v: number): this { this.out.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >>> 8); }
  u24(v: number): this { return this.u16(v).u8(v >>> 16); }
  u32(v: number): this { return this.u16(v).u16(v >>> 16); }

  uleb(v: number): this {
    do {
      const b = v % 128;
      v = Math.floor(v / 128);
      this.u8(v === 0 ? b : b | 0x80);
    } while (v !== 0);
    return this;
  }

  sleb(v: number): this {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.u8(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  cstr(s: string): this {
    for (const c of new TextEncoder().encode(s)) this.u8(c);
    return this.u8(0);
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.u8(b[i]!);
    return this;
  }

  patchU32(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.out[at + i] = (v >>> (8 * i)) & 0xff;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** ULEB128 bytes of a number, for writing operands into expression arrays. */
export function uleb(v: number): number[] {
  return [...new Writer().uleb(v).finish()];
}

/** An attribute value: a number, a string (DW_FORM_string), bytes (exprloc, data16) or, for DW_FORM_ref4 and ref_addr, the label of an entry. */
export type AttrValue = number | string | readonly number[] | { readonly ref: string };

export interface DieSpec {
  readonly tag: number;
  /** A name to refer to this entry by (`{ ref: label }`) and to find its offset. */
  readonly label?: string;
  readonly attrs: readonly (readonly [at: number, form: number, value?: AttrValue])[];
  readonly children?: readonly DieSpec[];
}

/** One DWARF 5 unit (at .debug_info offset 0) with one abbreviation per entry. */
export function buildUnit(root: DieSpec, unitType = 1): { info: Uint8Array; abbrev: Uint8Array; offsets: Map<string, number> } {
  const all: DieSpec[] = [];
  const collect = (d: DieSpec): void => { all.push(d); for (const c of d.children ?? []) collect(c); };
  collect(root);
  const abbrev = new Writer();
  all.forEach((d, i) => {
    abbrev.uleb(i + 1).uleb(d.tag).u8((d.children ?? []).length > 0 ? 1 : 0);
    for (const [at, form, value] of d.attrs) {
      abbrev.uleb(at).uleb(form);
      if (form === Form.ImplicitConst) abbrev.sleb(value as number);
    }
    abbrev.uleb(0).uleb(0);
  });
  abbrev.uleb(0);

  // Two passes: the first lays entries out (references are fixed-size), the second resolves them.
  let offsets = new Map<string, number>();
  const emit = (): Writer => {
    const w = new Writer();
    w.u32(0).u16(5).u8(unitType).u8(4).u32(0);
    const next = new Map<string, number>();
    const write = (d: DieSpec): void => {
      if (d.label !== undefined) next.set(d.label, w.length);
      w.uleb(all.indexOf(d) + 1);
      for (const [, form, value] of d.attrs) writeForm(w, form, value, offsets);
      const children = d.children ?? [];
      for (const c of children) write(c);
      if (children.length > 0) w.u8(0);
    };
    write(root);
    w.patchU32(0, w.length - 4);
    offsets = next;
    return w;
  };
  emit();
  const info = emit().finish();
  return { info, abbrev: abbrev.finish(), offsets };
}

function writeForm(w: Writer, form: number, value: AttrValue | undefined, labels: Map<string, number>): void {
  const n = typeof value === 'number' ? value : 0;
  switch (form) {
    case Form.Addr: case Form.Data4: case Form.SecOffset: case Form.Strp: case Form.LineStrp: case Form.Strx4: case Form.Addrx4:
      w.u32(n); break;
    case Form.Data1: case Form.Flag: case Form.Strx1: case Form.Addrx1: w.u8(n); break;
    case Form.Data2: case Form.Strx2: case Form.Addrx2: w.u16(n); break;
    case Form.Strx3: case Form.Addrx3: w.u24(n); break;
    case Form.Udata: case Form.Strx: case Form.Addrx: case Form.Rnglistx: case Form.Loclistx: w.uleb(n); break;
    case Form.Sdata: w.sleb(n); break;
    case Form.String: w.cstr(value as string); break;
    case Form.Exprloc: { const b = value as readonly number[]; w.uleb(b.length).bytes(b); break; }
    case Form.Data16: w.bytes(value as readonly number[]); break;
    case Form.Ref4: case Form.RefAddr: w.u32(labels.get((value as { ref: string }).ref) ?? 0); break;
    case Form.FlagPresent: case Form.ImplicitConst: break;
    default: throw new Error(`dwarf-builder: form 0x${form.toString(16)} not supported`);
  }
}

/** .debug_str and a .debug_str_offsets table for it (base 8): string i is DW_FORM_strx i. */
export function stringTable(strings: readonly string[]): { str: Uint8Array; strOffsets: Uint8Array } {
  const str = new Writer();
  const offsets = new Writer().u32(4 + 4 * strings.length).u16(5).u16(0);
  for (const s of strings) { offsets.u32(str.length); str.cstr(s); }
  return { str: str.finish(), strOffsets: offsets.finish() };
}

/** A .debug_addr table (base 8): address i is DW_FORM_addrx i. */
export function addressTable(addresses: readonly number[]): Uint8Array {
  const w = new Writer().u32(4 + 4 * addresses.length).u16(5).u8(4).u8(0);
  for (const a of addresses) w.u32(a);
  return w.finish();
}

/**
 * A .debug_rnglists or .debug_loclists table (base 12, right after the
 * header): an offset array with one entry per list, then the lists' bytes.
 * List i is DW_FORM_rnglistx/loclistx i; `offsets[i]` is its section offset.
 */
export function listTable(lists: readonly (readonly number[])[]): { data: Uint8Array; offsets: number[] } {
  const base = 12;
  const w = new Writer().u32(0).u16(5).u8(4).u8(0).u32(lists.length);
  let at = 4 * lists.length;
  const relative = lists.map((l) => { const o = at; at += l.length; return o; });
  for (const o of relative) w.u32(o);
  for (const l of lists) w.bytes(l);
  w.patchU32(0, w.length - 4);
  return { data: w.finish(), offsets: relative.map((o) => base + o) };
}

/** One entry format of a line-program header: (DW_LNCT_*, DW_FORM_*) pairs. */
export type EntryFormat = readonly (readonly [content: number, form: number])[];

/**
 * A version 5 line-number program (minimum_instruction_length 1,
 * default_is_stmt 1, line_base -5, line_range 14, opcode_base 13), its
 * directory and file tables written with the formats given, then `program`.
 */
export function lineProgram(
  directories: { format: EntryFormat; entries: readonly (readonly AttrValue[])[] },
  files: { format: EntryFormat; entries: readonly (readonly AttrValue[])[] },
  program: readonly number[],
): Uint8Array {
  const header = new Writer().u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
  for (const n of [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]) header.u8(n);
  for (const table of [directories, files]) {
    header.u8(table.format.length);
    for (const [content, form] of table.format) header.uleb(content).uleb(form);
    header.uleb(table.entries.length);
    for (const e of table.entries) table.format.forEach(([, form], i) => writeForm(header, form, e[i], new Map()));
  }
  const h = header.finish();
  const w = new Writer().u32(0).u16(5).u8(4).u8(0).u32(h.length).bytes(h).bytes(program);
  w.patchU32(0, w.length - 4);
  return w.finish();
}
