/**
 * The symbols API a debugger uses, on the committed symbols guests: lines
 * and statements for stepping, line ranges, breakpoint specs, errors for bad
 * expressions, call frame rules through a prologue, and the x/i disassembly.
 * (Agreement with gdb, objdump and readelf is in the symbols-gdb,
 * disassembler and symbols-lines tests.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile, SegmentType } from '../src/elf/elf-file.js';
import { PC_REGISTER, Symbols, SymbolsError, type Machine } from '../src/symbols/symbols.js';

function load(name: string): { elf: ElfFile; symbols: Symbols; rom: Machine } {
  const path = `guests/symbols/build/${name}.elf`;
  const elf = new ElfFile(readFileSync(new URL(`../${path}`, import.meta.url)), path);
  const rom: Machine = {
    readRegister: () => 0,
    readMemory: (a, n) => {
      for (const s of elf.segments) {
        if (s.type === SegmentType.Load && a >= s.vaddr && a + n <= s.vaddr + s.filesz) return elf.bytes.subarray(s.offset + a - s.vaddr, s.offset + a - s.vaddr + n);
      }
      return undefined;
    },
  };
  return { elf, symbols: Symbols.load(elf), rom };
}

describe('symbols API', () => {
  const { symbols, rom, elf } = load('symbols-O0');
  const add = symbols.functionsNamed('add')[0]!;

  it('finds functions, their lines and statement starts', () => {
    expect(add.name).toBe('add');
    expect(symbols.functionAt(add.entry + 2)?.name).toBe('add');
    const line = symbols.lineAt(add.entry);
    expect(line?.file).toBe('guests/symbols/symbols.c');
    expect(line?.line).toBe(39);
    expect(symbols.isStatementStart(add.entry)).toBe(true);
    expect(symbols.rowAt(add.entry + 2)?.row.line).toBe(39);
    expect(symbols.symbolAt(add.entry + 4)).toEqual({ name: 'add', offset: 4 });
  });

  it('maps a line to its addresses and breakpoints after the prologue at -O0', () => {
    const rows = symbols.rowsForLine('symbols.c', 40);
    expect(rows.length).toBeGreaterThan(0);
    const ranges = symbols.rangesForLine('symbols.c', 40);
    expect(ranges[0]!.low).toBe(rows[0]!.address);
    expect(ranges[0]!.high).toBeGreaterThan(ranges[0]!.low);
    // gdb: "Breakpoint 8 at 0x800001ee: file guests/symbols/symbols.c, line 40."
    expect(symbols.breakpointAddresses('add')).toEqual([0x800001ee]);
    expect(symbols.breakpointAddresses('symbols.c:40')).toEqual([0x800001ee]);
    expect(symbols.sourceFiles()).toContain('guests/symbols/lists.c');
  });

  it('has call frame rules for every instruction of a function, through its prologue', () => {
    const at = (pc: number): string => {
      const row = symbols.cfi.rowAt(pc)!;
      return row.cfa.kind === 'register' ? `x${row.cfa.register}+${row.cfa.offset} ra:${row.registers.get(1)?.kind ?? 'same'}` : 'expr';
    };
    // The first instruction: nothing pushed yet, the return address still in ra.
    expect(at(add.entry)).toBe('x2+0 ra:same');
    const high = add.ranges[0]!.high;
    for (let pc = add.entry; pc < high; pc += 2) expect(symbols.cfi.rowAt(pc)).toBeDefined();
  });

  it('unwinds a frame stopped on the first instruction of a function', () => {
    const sp = 0x803fff00;
    const machine: Machine = {
      readRegister: (n) => (n === PC_REGISTER ? add.entry : n === 2 ? sp : n === 1 ? symbols.functionsNamed('apply')[0]!.entry + 8 : 0),
      readMemory: (a, n) => rom.readMemory(a, n) ?? (a >= sp - 256 && a + n <= sp + 256 ? new Uint8Array(n) : undefined),
    };
    const frames = symbols.unwind(machine, { limit: 2 });
    expect(frames[0]!.function).toBe('add');
    expect(frames[0]!.cfa).toBe(sp);
    expect(frames[1]!.function).toBe('apply');
  });

  it('reports expression errors the way gdb words them', () => {
    const frames = symbols.unwind({ ...rom, readRegister: (n) => (n === PC_REGISTER ? add.entry : 0) }, { limit: 1 });
    expect(() => symbols.evaluate('no_such_thing', frames, 0, rom)).toThrow(new SymbolsError('No symbol "no_such_thing" in current context.'));
    expect(() => symbols.evaluate('g_points[', frames, 0, rom)).toThrow(SymbolsError);
    expect(symbols.formatValue(symbols.evaluate('g_message', frames, 0, rom), rom, { topLevel: true })).toBe('"hello, symbols"');
    expect(symbols.formatValue(symbols.evaluate('&g_points[1]', frames, 0, rom), rom, { topLevel: true })).toMatch(/^\(struct point \*\) 0x[0-9a-f]+ <g_points\+8>$/);
    expect(symbols.formatValue(symbols.evaluate('g_flags', frames, 0, rom), rom)).toBe('(F_READ | F_EXEC)');
  });

  it('disassembles for x/i with symbols', () => {
    const lines = symbols.disassemble(add.entry, 3, rom);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.address).toBe(add.entry);
    const objdump = readFileSync(new URL('./golden/symbols/objdump/symbols-symbols-O0.txt', import.meta.url), 'utf8');
    const want = new RegExp(`^${add.entry.toString(16)}:\\t[0-9a-f ]+\\t(.*)$`, 'm').exec(objdump)![1];
    expect(lines[0]!.instruction.text).toBe(want);
    expect(elf.entry).toBeGreaterThan(0);
  });
});

describe('symbols API on clang builds', () => {
  it('stops `break FUNCTION` at the row clang marks prologue_end', () => {
    const { symbols } = load('symbols-clang-O0');
    const add = symbols.functionsNamed('add')[0]!;
    // gdb: "Breakpoint 8 at 0x800001f0: file guests/symbols/symbols.c, line 40."
    expect(symbols.breakpointAddresses('add')).toEqual([0x800001f0]);
    expect(symbols.breakpointAddresses('add')[0]).toBeGreaterThan(add.entry);
    expect(symbols.lineAt(0x800001f0)).toMatchObject({ file: 'guests/symbols/symbols.c', line: 40 });
  });

  it('reads clang\'s .debug_frame (CIE version 4) through main\'s prologue', () => {
    const { symbols } = load('symbols-clang-O2');
    const main = symbols.functionsNamed('main')[0]!;
    const at = (pc: number): string => {
      const row = symbols.cfi.rowAt(pc)!;
      return row.cfa.kind === 'register' ? `x${row.cfa.register}+${row.cfa.offset} ra:${row.registers.get(1)?.kind ?? 'same'}` : 'expr';
    };
    // readelf: DW_CFA_def_cfa_offset 48 after the first instruction; the saves are described after the last store.
    expect(at(main.entry)).toBe('x2+0 ra:same');
    expect(at(main.entry + 2)).toBe('x2+48 ra:same');
    expect(at(main.entry + 0x14)).toBe('x2+48 ra:offset');
    for (let pc = main.entry; pc < main.ranges[0]!.high; pc += 2) expect(symbols.cfi.rowAt(pc)).toBeDefined();
  });

  it('refuses to follow a pointer that is optimized out, as gdb does', () => {
    const { symbols, rom } = load('symbols-clang-O2');
    // In fill's loop at -O2 clang keeps no location for `out` (gdb: "fill (out=<optimized out>, ...)").
    const pc = symbols.breakpointAddresses('symbols.c:84')[0]!;
    const machine: Machine = { readRegister: (n) => (n === PC_REGISTER ? pc : 0), readMemory: rom.readMemory };
    const frames = symbols.unwind(machine, { limit: 1 });
    expect(frames[0]!.function).toBe('fill');
    expect(symbols.formatValue(symbols.evaluate('out', frames, 0, machine), machine, { topLevel: true })).toBe('<optimized out>');
    for (const e of ['*out', 'out[0]', 'out[i]']) expect(() => symbols.evaluate(e, frames, 0, machine), e).toThrow(new SymbolsError('value has been optimized out'));
  });
});
