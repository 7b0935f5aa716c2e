/**
 * The symbols layer on DWARF 5 shaped the way clang 14 writes it, built by
 * hand so that every entry kind is exercised and checked against the
 * standard rather than against one compiler's choices: string, address,
 * range-list and location-list tables reached through DW_FORM_strx*,
 * addrx*, rnglistx and loclistx with the unit's *_base attributes (which
 * clang puts after DW_AT_ranges); every DW_RLE_* and DW_LLE_* entry kind;
 * DW_OP_addrx and the DWARF procedure calls DW_OP_call2/call4/call_ref;
 * a version 5 line table whose directory 0 is the compilation directory and
 * file 0 the primary source file, with MD5 digests and vendor-defined
 * content; and a breakpoint at the row marked prologue_end.
 * (The committed clang builds are compared with gdb in symbols-gdb.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { DebugInfo } from '../src/symbols/debug-info.js';
import { At, Form, Op, Tag } from '../src/symbols/dwarf-constants.js';
import { readLinePrograms } from '../src/symbols/line-table.js';
import { dieRanges } from '../src/symbols/locations.js';
import { PC_REGISTER, Symbols, type Machine } from '../src/symbols/symbols.js';
import { addressTable, buildUnit, lineProgram, listTable, stringTable, uleb, Writer, type DieSpec } from './support/dwarf-builder.js';
import { makeElf } from './support/make-elf.js';

// DWARF 5 table 7.5.11 (DW_TAG_dwarf_procedure) and 6.2.4.1/6.2.4.2 (line-table content codes).
const DW_TAG_DWARF_PROCEDURE = 0x36;
const DW_LNCT_PATH = 1, DW_LNCT_DIRECTORY_INDEX = 2, DW_LNCT_MD5 = 5;
/** Vendor content (DW_LNCT_lo_user and up): LLVM's embedded source, and another with an inline string. */
const DW_LNCT_LLVM_SOURCE = 0x2001, DW_LNCT_VENDOR_STRING = 0x2002;
// Range and location list entry kinds (DWARF 5 7.25, 7.29).
const RLE = { end: 0, baseAddressx: 1, startxEndx: 2, startxLength: 3, offsetPair: 4, baseAddress: 5, startEnd: 6, startLength: 7 };
const LLE = { end: 0, baseAddressx: 1, startxEndx: 2, startxLength: 3, offsetPair: 4, defaultLocation: 5, baseAddress: 6, startEnd: 7, startLength: 8 };

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const expr = (...b: number[]): number[] => [...uleb(b.length), ...b];
const stackValue = (lit: number): number[] => [Op.Lit0 + lit, Op.StackValue];

const TEXT = 0x80000000;
const DATA = 0x80200000;
const SP = 0x80200100;
const FP = 0x80200110;

/** .debug_addr: 0 g, 1 f, 2 f+0x10, 3 f+0x18, 4 h, 5 h+8, 6 f+0x1a. */
const ADDRESSES = [DATA, TEXT, TEXT + 0x10, TEXT + 0x18, TEXT + 0x40, TEXT + 0x48, TEXT + 0x1a];

const STRINGS = ['clang version 14.0.6', 'unit.c', '/src', 'int', 'g', 'f', 'a', 'x', 'z', 'y', 'inner', 'h'];
const str = (s: string): number => STRINGS.indexOf(s);

const ranges = listTable([
  // 0: the unit: f through a base address and an offset pair, h by start index and length.
  [RLE.baseAddressx, ...uleb(1), RLE.offsetPair, ...uleb(0), ...uleb(0x20), RLE.startxLength, ...uleb(4), ...uleb(0x20), RLE.end],
  // 1: a block of f: [f+0x10, f+0x18).
  [RLE.startxLength, ...uleb(2), ...uleb(8), RLE.end],
  // 2: h in four pieces, one per remaining kind.
  [RLE.startxEndx, ...uleb(4), ...uleb(5),
    RLE.baseAddress, ...le32(TEXT + 0x50), RLE.offsetPair, ...uleb(0), ...uleb(8),
    RLE.startLength, ...le32(TEXT + 0x5a), ...uleb(2),
    RLE.startEnd, ...le32(TEXT + 0x5e), ...le32(TEXT + 0x60), RLE.end],
]);

const locations = listTable([
  // 0: parameter a of f, one entry of each kind.
  [LLE.baseAddressx, ...uleb(1), LLE.offsetPair, ...uleb(0), ...uleb(4), ...expr(Op.Reg0 + 10),
    LLE.startxLength, ...uleb(2), ...uleb(8), ...expr(...stackValue(5)),
    LLE.startxEndx, ...uleb(3), ...uleb(6), ...expr(Op.Breg0 + 2, 0),
    LLE.startLength, ...le32(TEXT + 0x1a), ...uleb(2), ...expr(...stackValue(6)),
    LLE.baseAddress, ...le32(TEXT + 0x10), LLE.startEnd, ...le32(TEXT + 0x1c), ...le32(TEXT + 0x1e), ...expr(...stackValue(7)),
    LLE.defaultLocation, ...expr(...stackValue(9)),
    LLE.end],
]);

// The unit, attribute for attribute in clang's order (DW_AT_ranges before the bases it needs).
const unit: DieSpec = {
  tag: Tag.CompileUnit,
  attrs: [
    [At.Producer, Form.Strx1, str('clang version 14.0.6')], [At.Language, Form.Data2, 0x0c], [At.Name, Form.Strx2, str('unit.c')],
    [At.StrOffsetsBase, Form.SecOffset, 8], [At.StmtList, Form.SecOffset, 0], [At.CompDir, Form.Strx3, str('/src')],
    [At.LowPc, Form.Addr, 0], [At.Ranges, Form.Rnglistx, 0],
    [At.AddrBase, Form.SecOffset, 8], [At.RnglistsBase, Form.SecOffset, 12], [At.LoclistsBase, Form.SecOffset, 12],
  ],
  children: [
    { tag: Tag.BaseType, label: 'int', attrs: [[At.Name, Form.Strx4, str('int')], [At.Encoding, Form.Data1, 5], [At.ByteSize, Form.Data1, 4]] },
    // A DWARF procedure: adds 8 to the address on the stack.
    { tag: DW_TAG_DWARF_PROCEDURE, label: 'plus8', attrs: [[At.Location, Form.Exprloc, [Op.Lit0 + 8, Op.Plus]]] },
    { tag: Tag.Variable, attrs: [[At.Name, Form.Strx, str('g')], [At.Type, Form.Ref4, { ref: 'int' }], [At.External, Form.FlagPresent], [At.Location, Form.Exprloc, [Op.Addrx, ...uleb(0)]]] },
    {
      tag: Tag.Subprogram,
      attrs: [[At.LowPc, Form.Addrx1, 1], [At.HighPc, Form.Data4, 0x20], [At.FrameBase, Form.Exprloc, [Op.Reg0 + 8]],
        [At.Name, Form.Strx1, str('f')], [At.Type, Form.Ref4, { ref: 'int' }], [At.External, Form.FlagPresent]],
      children: [
        { tag: Tag.FormalParameter, attrs: [[At.Location, Form.Loclistx, 0], [At.Name, Form.Strx1, str('a')], [At.Type, Form.Ref4, { ref: 'int' }]] },
        { tag: Tag.Variable, attrs: [[At.Location, Form.Exprloc, [Op.Addrx, ...uleb(0), Op.Call4, 0, 0, 0, 0]], [At.Name, Form.Strx1, str('x')], [At.Type, Form.Ref4, { ref: 'int' }]] },
        { tag: Tag.Variable, attrs: [[At.Location, Form.Exprloc, [Op.Fbreg, 0x7c]], [At.Name, Form.Strx1, str('y')], [At.Type, Form.Ref4, { ref: 'int' }]] },
        { tag: Tag.Variable, attrs: [[At.Location, Form.Exprloc, [Op.Addrx, ...uleb(0), Op.CallRef, 0, 0, 0, 0, Op.Call2, 0, 0]], [At.Name, Form.Strx1, str('z')], [At.Type, Form.Ref4, { ref: 'int' }]] },
        {
          tag: Tag.LexicalBlock, attrs: [[At.Ranges, Form.Rnglistx, 1]],
          children: [{ tag: Tag.Variable, attrs: [[At.Location, Form.Exprloc, [Op.Const1u, 33, Op.StackValue]], [At.Name, Form.Strx1, str('inner')], [At.Type, Form.Ref4, { ref: 'int' }]] }],
        },
      ],
    },
    { tag: Tag.Subprogram, attrs: [[At.Ranges, Form.Rnglistx, 2], [At.Name, Form.Strx1, str('h')], [At.Type, Form.Ref4, { ref: 'int' }]] },
  ],
};

/** The unit with the procedure's offset patched into x's DW_OP_call4 and z's DW_OP_call_ref/call2. */
function buildInfo(): { info: Uint8Array; abbrev: Uint8Array } {
  const first = buildUnit(unit);
  const proc = first.offsets.get('plus8')!;
  const f = unit.children![3]!;
  const patched = (d: DieSpec, at: number, e: number[]): DieSpec => ({ ...d, attrs: d.attrs.map((a) => (a[0] === At.Location ? [at, Form.Exprloc, e] as const : a)) });
  const children = [...f.children!];
  children[1] = patched(children[1]!, At.Location, [Op.Addrx, ...uleb(0), Op.Call4, ...le32(proc)]);
  children[3] = patched(children[3]!, At.Location, [Op.Addrx, ...uleb(0), Op.CallRef, ...le32(proc), Op.Call2, proc & 0xff, proc >>> 8]);
  const rebuilt: DieSpec = { ...unit, children: unit.children!.map((c, i) => (i === 3 ? { ...f, children } : c)) };
  const second = buildUnit(rebuilt);
  expect(second.offsets.get('plus8')).toBe(proc);
  return second;
}

const lineStr = new Writer();
const lineString = (s: string): number => { const at = lineStr.length; lineStr.cstr(s); return at; };
const SRC_DIR = lineString('/src');
const UNIT_C = lineString('unit.c');
const SOURCE = lineString('int f(int a) {\n  ...\n}\n');

const line = lineProgram(
  { format: [[DW_LNCT_PATH, Form.LineStrp]], entries: [[SRC_DIR]] },
  {
    format: [[DW_LNCT_PATH, Form.LineStrp], [DW_LNCT_DIRECTORY_INDEX, Form.Udata], [DW_LNCT_MD5, Form.Data16],
      [DW_LNCT_LLVM_SOURCE, Form.LineStrp], [DW_LNCT_VENDOR_STRING, Form.String]],
    entries: [[UNIT_C, 0, Array.from({ length: 16 }, (_, i) => i * 17), SOURCE, 'vendor data']],
  },
  [
    // f: line 3 at its entry, 4, then 5 marked prologue_end, 6; file 0 is set explicitly (the register starts at 1).
    4, 0, 0, 5, 2, ...le32(TEXT), 3, 2, 1,
    3, 1, 2, 4, 1,
    10, 3, 1, 2, 4, 1,
    3, 1, 2, 8, 1,
    2, 0x10, 0, 1, 1,
    // h: one row at line 10 covering it, no prologue_end.
    4, 0, 0, 5, 2, ...le32(TEXT + 0x40), 3, 9, 1, 2, 0x20, 0, 1, 1,
  ],
);

const { str: debugStr, strOffsets } = stringTable(STRINGS);
const { info, abbrev } = buildInfo();
const elfBytes = makeElf({
  segments: [{ paddr: TEXT, data: new Uint8Array(0x60) }],
  sections: [
    { name: '.text', data: new Uint8Array(0x60), flags: 6, addr: TEXT },
    { name: '.data', data: new Uint8Array(0x20), flags: 3, addr: DATA },
    { name: '.debug_info', data: info },
    { name: '.debug_abbrev', data: abbrev },
    { name: '.debug_str', data: debugStr },
    { name: '.debug_str_offsets', data: strOffsets },
    { name: '.debug_addr', data: addressTable(ADDRESSES) },
    { name: '.debug_rnglists', data: ranges.data },
    { name: '.debug_loclists', data: locations.data },
    { name: '.debug_line', data: line },
    { name: '.debug_line_str', data: lineStr.finish() },
  ],
});
const elf = new ElfFile(elfBytes, 'dwarf5.elf');
const section = (name: string): Uint8Array => elf.sectionData(elf.section(name)!);

/** A stopped guest at `pc`: a0 = 42, sp and s0 set; memory holds g, its neighbours and two stack words. */
function machineAt(pc: number): Machine {
  const memory = new Map<number, number>([[DATA, 11], [DATA + 8, 22], [DATA + 16, 99], [SP, 77], [FP - 4, 55]]);
  return {
    readRegister: (n) => (n === PC_REGISTER ? pc : n === 10 ? 42 : n === 2 ? SP : n === 8 ? FP : 0),
    readMemory: (address, length) => {
      if (!((address >= DATA && address + length <= DATA + 0x20) || (address >= SP && address + length <= FP))) return undefined;
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const word = memory.get(((address + i) & ~3) >>> 0);
        out[i] = word === undefined ? 0 : (word >>> (8 * ((address + i) & 3))) & 0xff;
      }
      return out;
    },
  };
}

describe('DWARF 5 as clang writes it', () => {
  const symbols = Symbols.load(elf);

  it('decodes a version 5 line table: directory 0 and file 0, MD5 and vendor content skipped by form', () => {
    const [program] = readLinePrograms({ line: section('.debug_line'), lineStr: section('.debug_line_str') });
    expect(program!.directories).toEqual(['/src']);
    expect(program!.files.map((f) => f.path)).toEqual(['/src/unit.c']);
    const rows = program!.rows.map((r) => [r.address - TEXT, r.file, r.line, r.prologueEnd, r.endSequence]);
    expect(rows).toEqual([
      [0, 0, 3, false, false], [4, 0, 4, false, false], [8, 0, 5, true, false], [0x10, 0, 6, false, false], [0x20, 0, 6, false, true],
      [0x40, 0, 10, false, false], [0x60, 0, 10, false, true],
    ]);
  });

  it('resolves strx, addrx and rnglistx through bases declared after the attributes that use them', () => {
    const debugInfo = new DebugInfo({
      debug_info: info, debug_abbrev: abbrev, debug_str: debugStr, debug_str_offsets: strOffsets,
      debug_addr: section('.debug_addr'), debug_rnglists: section('.debug_rnglists'),
    });
    const root = debugInfo.units[0]!.root;
    expect(root.unit.string(root.attrs.get(At.Name))).toBe('unit.c');
    expect(root.unit.string(root.attrs.get(At.CompDir))).toBe('/src');
    expect(root.unit.string(root.attrs.get(At.Producer))).toBe('clang version 14.0.6');
    expect(dieRanges(root)).toEqual([{ low: TEXT, high: TEXT + 0x20 }, { low: TEXT + 0x40, high: TEXT + 0x60 }]);
  });

  it('reads every range list entry kind', () => {
    expect(symbols.functionAt(TEXT + 0x1e)?.name).toBe('f');
    const h = symbols.functionsNamed('h')[0]!;
    expect(h.ranges.map((r) => [r.low - TEXT, r.high - TEXT])).toEqual([[0x40, 0x48], [0x50, 0x58], [0x5a, 0x5c], [0x5e, 0x60]]);
    for (const inside of [0x40, 0x47, 0x50, 0x57, 0x5b, 0x5f]) expect(symbols.functionAt(TEXT + inside)?.name, inside.toString(16)).toBe('h');
    for (const outside of [0x48, 0x4f, 0x58, 0x5c]) expect(symbols.functionAt(TEXT + outside), outside.toString(16)).toBeUndefined();
  });

  it('finds the source line through file 0 and the compilation directory', () => {
    expect(symbols.lineAt(TEXT)).toMatchObject({ file: '/src/unit.c', line: 3 });
    expect(symbols.lineAt(TEXT + 0x12)).toMatchObject({ file: '/src/unit.c', line: 6 });
    expect(symbols.sourceFiles()).toEqual(['/src/unit.c']);
  });

  it('puts a function breakpoint at the row marked prologue_end, as gdb 13 does', () => {
    // gdb 13.1 on such a program (clang output with the marker moved to a later line):
    // "Breakpoint 1 at ...: file pe.c, line 6." where the line table alone would give line 4.
    expect(symbols.breakpointAddresses('f')).toEqual([TEXT + 8]);
    expect(symbols.breakpointAddresses('unit.c:3')).toEqual([TEXT + 8]);
    // No marker in h: a single line covers it, so it stops at the entry.
    expect(symbols.breakpointAddresses('h')).toEqual([TEXT + 0x40]);
  });

  it('takes each location list entry where it applies and the default location elsewhere', () => {
    const argAt = (offset: number): string[] => {
      const m = machineAt(TEXT + offset);
      const frames = symbols.unwind(m, { limit: 1 });
      return symbols.describeVariables(symbols.args(frames, 0, m), m, 'No arguments.');
    };
    expect(argAt(0)).toEqual(['a = 42']); // offset pair from the base address index: a0
    expect(argAt(3)).toEqual(['a = 42']);
    expect(argAt(4)).toEqual(['a = 9']); // no entry: the default location
    expect(argAt(0x10)).toEqual(['a = 5']); // start index and length
    expect(argAt(0x18)).toEqual(['a = 77']); // start and end indexes: the word at sp
    expect(argAt(0x1a)).toEqual(['a = 6']); // start address and length
    expect(argAt(0x1c)).toEqual(['a = 7']); // start and end addresses (after a base address entry)
    expect(argAt(0x1e)).toEqual(['a = 9']);
  });

  it('evaluates DW_OP_addrx, DW_OP_fbreg on a register frame base, and DWARF procedure calls', () => {
    const m = machineAt(TEXT + 0x12);
    const frames = symbols.unwind(m, { limit: 1 });
    expect(symbols.describeVariables(symbols.locals(frames, 0, m), m, 'No locals.')).toEqual(['inner = 33', 'x = 22', 'y = 55', 'z = 99']);
    expect(symbols.formatValue(symbols.evaluate('g', frames, 0, m), m)).toBe('11');
    const outside = machineAt(TEXT + 4);
    expect(symbols.describeVariables(symbols.locals(symbols.unwind(outside, { limit: 1 }), 0, outside), outside, 'No locals.')).toEqual(['x = 22', 'y = 55', 'z = 99']);
  });
});
