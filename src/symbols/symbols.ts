/**
 * The symbols layer's API for a debugger: `Symbols.load(elf)` reads the
 * ELF symbols, the line tables, the DWARF tree and the call frame
 * information once; then it answers pc -> function and line, line ->
 * addresses, breakpoint addresses, backtraces (with inlined frames),
 * variables in scope, and expression values, reading the guest only through
 * a `Machine` callback (side-effect-free peeks).
 *
 * Where choices exist (which line a pc belongs to, where a function's
 * breakpoint goes, which frames a backtrace shows, how values print) the
 * answers follow gdb 13, which the tests use as the reference.
 */
import type { ElfFile } from '../elf/elf-file.js';
import { Disassembler, type Disassembly } from '../isa/disassembler.js';
import { CallFrameInfo, unwindWithCfi, type RegisterFile } from './call-frames.js';
import { DebugInfo, dieName, inheritedAttr, refDie, type DebugSections, type Die, type Unit } from './debug-info.js';
import { At, Op, Tag } from './dwarf-constants.js';
import { ElfSymbols } from './elf-symbols.js';
import { ExpressionEvaluator } from './expression-evaluator.js';
import { parseExpression, ExpressionError } from './expression-parser.js';
import { frameScope } from './expression-scope.js';
import { readLineProgramAt, type LineProgram, type LineRow } from './line-table.js';
import { dieRanges, evaluateLocation, evaluateValue, expressionAt, locationAttr, type ExpressionContext, type Location, type Range } from './locations.js';
import { buildUnitLines, findLine, type SourcePosition, type UnitLines } from './source-lines.js';
import { sizeOf, subprogramType, typeName, typeOf, type CType } from './types.js';
import {
  formatValue, isOptimizedOut, optimizedOut, valueAt, valueFromBytes, valueFromNumber,
  ValueError, type FormatContext, type FormatOptions, type Value,
} from './values.js';

/** How the symbols layer reads a stopped guest. Both must be side-effect free. */
export interface Machine {
  /** `length` bytes at `address`, or undefined if any of them cannot be read. */
  readMemory(address: number, length: number): Uint8Array | undefined;
  /** Register n: 0-31 are x0-x31, 32 is the pc. */
  readRegister(n: number): number;
  /** A CSR (or gdb's `priv`) by name, where the machine has it: `$mstatus` in expressions. */
  readCsr?(name: string): number | undefined;
}

/** The register number of the pc in `Machine.readRegister`. */
export const PC_REGISTER = 32;

/** A function with debug information. */
export interface FunctionInfo {
  readonly name: string;
  /** The entry address (low pc of the first range). */
  readonly entry: number;
  readonly ranges: readonly Range[];
  readonly die: Die;
}

/** One frame of a backtrace, innermost first. Inlined calls are frames of their own. */
export interface Frame {
  readonly level: number;
  readonly pc: number;
  /** The canonical frame address of the physical frame (its caller's sp at the call). */
  readonly cfa: number | undefined;
  /** The function's name (the inlined function's for an inline frame), or the ELF symbol's. */
  readonly function: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** Whether this frame is an inlined call (it shares pc and registers with the frame after it). */
  readonly inline: boolean;
  /** The registers recovered for this frame (undefined: not known). */
  readonly registers: readonly (number | undefined)[];
  /** The subprogram or inlined-subroutine entry of this frame, if it has debug information. */
  readonly scope: Die | undefined;
  /** The innermost block this frame's variables are looked up from. */
  readonly block: Die | undefined;
  /** The pc used for lookups: pc for the innermost frame, pc - 1 for callers (the call, not the return address). */
  readonly lookupPc: number;
  /** Index of the physical frame (frames of one function with its inlined calls share it). */
  readonly physical: number;
  /** A frame inferred from tail calls (the function jumped to the next one instead of calling it). */
  readonly tailCall: boolean;
}

/** A variable or parameter visible in a frame, with its value. */
export interface Variable {
  readonly name: string;
  readonly value: Value;
  readonly kind: 'local' | 'parameter' | 'global';
  readonly die: Die;
}

export interface UnwindOptions {
  /**
   * When the innermost pc is the first instruction of an inlined call, gdb
   * shows the caller at the call site, unless the stop is a breakpoint on the
   * inlined function itself: name that function here to see its frame.
   */
  readonly breakpointFunction?: string;
  /** At most this many frames (default 256). */
  readonly limit?: number;
  /** Keep unwinding past main (gdb's `backtrace past-main`; default false). */
  readonly pastMain?: boolean;
}

/** A user's request the symbols cannot satisfy (unknown variable, bad expression ...): the message is gdb's. */
export class SymbolsError extends Error {
  override readonly name = 'SymbolsError';
}

const SECTION_NAMES = ['debug_info', 'debug_abbrev', 'debug_str', 'debug_line_str', 'debug_str_offsets', 'debug_addr',
  'debug_rnglists', 'debug_loclists', 'debug_ranges', 'debug_loc', 'debug_line', 'debug_frame', 'eh_frame'] as const;

interface PhysicalFrame {
  readonly pc: number;
  readonly lookupPc: number;
  readonly regs: RegisterFile;
  readonly cfa: number | undefined;
  readonly fn: FunctionInfo | undefined;
  /** A frame gdb infers from a tail call (DW_AT_call_tail_call): it has no stack frame of its own. */
  readonly tailCall?: boolean;
}

const VOID_CODE_POINTER: CType = { kind: 'pointer', size: 4, target: () => ({ kind: 'function', returns: () => ({ kind: 'void' }), params: () => [], varargs: false, prototyped: false }) };
const VOID_POINTER: CType = { kind: 'pointer', size: 4, target: () => ({ kind: 'void' }) };
const LONG: CType = { kind: 'base', name: 'long', size: 4, encoding: 5 };
/** DW_AT_language of assembler units (DWARF 5 table 7.17). */
const DW_LANG_MIPS_ASSEMBLER = 0x8001;
/** gdb's message for a value it cannot know. */
const OPTIMIZED_OUT = 'value has been optimized out';

/** Register names accepted in expressions ($a0, $fp ...) with their numbers. */
const REGISTER_NAMES: ReadonlyMap<string, number> = new Map([
  ...['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
    's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'].map((n, i): [string, number] => [n, i]),
  ...Array.from({ length: 32 }, (_, i): [string, number] => [`x${i}`, i]),
  ['fp', 8], ['pc', PC_REGISTER],
]);

export class Symbols {
  readonly elfSymbols: ElfSymbols;
  readonly info: DebugInfo;
  readonly cfi: CallFrameInfo;
  private readonly sections: DebugSections;
  private readonly unitLines = new Map<Unit, UnitLines>();
  private readonly functions: FunctionInfo[] = [];
  private readonly globals = new Map<string, Die>();
  /** Variables declared `extern` with debug information whose definition has none (linker symbols, libraries built without -g). */
  private readonly externs = new Map<string, Die>();
  private readonly hasSectionAtZero: boolean;

  private constructor(readonly elf: ElfFile) {
    const sections: Record<string, Uint8Array> = {};
    for (const name of SECTION_NAMES) {
      const s = elf.section(`.${name}`);
      if (s !== undefined) sections[name] = elf.sectionData(s);
    }
    this.sections = sections;
    this.elfSymbols = new ElfSymbols(elf);
    this.info = new DebugInfo(sections);
    const eh = elf.section('.eh_frame');
    this.cfi = new CallFrameInfo(sections['debug_frame'], sections['eh_frame'], eh?.addr ?? 0);
    this.hasSectionAtZero = elf.sections.some((s) => (s.flags & 2) !== 0 && s.addr === 0 && s.size > 0);
    for (const unit of this.info.units) this.indexUnit(unit);
    this.functions.sort((a, b) => a.entry - b.entry);
  }

  /** Reads everything the debugger needs from an ELF file. */
  static load(elf: ElfFile): Symbols {
    return new Symbols(elf);
  }

  private indexUnit(unit: Unit): void {
    const walk = (die: Die, depth: number): void => {
      for (const c of die.children) {
        if (c.tag === Tag.Subprogram) {
          const ranges = dieRanges(c);
          const name = dieName(c);
          if (ranges.length > 0 && name !== undefined && ranges[0]!.low !== 0) {
            this.functions.push({ name, entry: entryPc(c, ranges), ranges, die: c });
          }
        } else if (c.tag === Tag.Variable && depth === 0) {
          const name = dieName(c);
          if (name !== undefined && (c.attrs.has(At.Location) || c.attrs.has(At.ConstValue)) && !this.discarded(c)) {
            const prev = this.globals.get(name);
            if (prev === undefined || (!prev.attrs.has(At.External) && c.attrs.has(At.External))) this.globals.set(name, c);
          } else if (name !== undefined && c.attrs.has(At.Declaration) && !this.externs.has(name)) {
            this.externs.set(name, c);
          }
        }
        if (c.tag === Tag.Subprogram || c.tag === Tag.LexicalBlock) continue;
      }
    };
    walk(unit.root, 0);
  }

  /**
   * A static variable the linker discarded: its location is the address 0
   * (and no section lives there). gdb leaves such variables out entirely.
   */
  private discarded(d: Die): boolean {
    const a = d.attrs.get(At.Location);
    if (!(a?.value instanceof Uint8Array) || this.hasSectionAtZero) return false;
    const e = a.value;
    if (e.length === 5 && e[0] === Op.Addr) return (e[1]! | e[2]! | e[3]! | e[4]!) === 0;
    if (e[0] === Op.Addrx) {
      let idx = 0, scale = 1, i = 1;
      for (; i < e.length; i++) { idx += (e[i]! & 0x7f) * scale; scale *= 128; if ((e[i]! & 0x80) === 0) break; }
      return i === e.length - 1 && d.unit.addressAt(idx) === 0;
    }
    return false;
  }

  // ---- Functions and lines --------------------------------------------------------

  /** The function whose code contains `pc`. */
  functionAt(pc: number): FunctionInfo | undefined {
    const p = pc >>> 0;
    let best: FunctionInfo | undefined;
    for (const f of this.functions) {
      if (f.ranges.some((r) => p >= r.low && p < r.high)) {
        if (best === undefined || f.entry > best.entry) best = f;
      }
    }
    return best;
  }

  /** Functions with this name (several for static functions of different units). */
  functionsNamed(name: string): FunctionInfo[] {
    return this.functions.filter((f) => f.name === name);
  }

  /** The ELF symbol at or below `pc` as name+offset (for code without debug information). */
  symbolAt(pc: number): { name: string; offset: number } | undefined {
    const c = this.elfSymbols.containing(pc);
    return c === undefined ? undefined : { name: c.name, offset: c.offset };
  }

  private linesOf(unit: Unit): UnitLines | undefined {
    const cached = this.unitLines.get(unit);
    if (cached !== undefined) return cached;
    const stmt = unit.root.attrs.get(At.StmtList);
    const line = this.sections.debug_line;
    if (stmt === undefined || line === undefined) return undefined;
    const program = readLineProgramAt({ line, lineStr: this.sections.debug_line_str, str: this.sections.debug_str }, stmt.value as number);
    const built = buildUnitLines(program, this.hasSectionAtZero);
    this.unitLines.set(unit, built);
    return built;
  }

  /** The unit whose code contains `pc`. */
  unitAt(pc: number): Unit | undefined {
    const p = pc >>> 0;
    const fn = this.functionAt(p);
    if (fn !== undefined) return fn.die.unit;
    for (const unit of this.info.units) {
      if (dieRanges(unit.root).some((r) => p >= r.low && p < r.high)) return unit;
    }
    for (const unit of this.info.units) {
      if (this.linesOf(unit)?.sequences.some((s) => p >= s.low && p < s.high)) return unit;
    }
    return undefined;
  }

  /** The source line of `pc` (gdb's rules: the last row at or below pc; is_stmt rows preferred at an address). */
  lineAt(pc: number): SourcePosition | undefined {
    const unit = this.unitAt(pc);
    const lines = unit === undefined ? undefined : this.linesOf(unit);
    return lines === undefined ? undefined : findLine(lines, pc >>> 0);
  }

  /** The raw line-table row in effect at `pc` (last row at or below it in its sequence). */
  rowAt(pc: number): { row: LineRow; program: LineProgram } | undefined {
    const unit = this.unitAt(pc);
    const lines = unit === undefined ? undefined : this.linesOf(unit);
    if (lines === undefined) return undefined;
    let found: LineRow | undefined;
    let start = 0;
    const rows = lines.program.rows;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.endSequence) {
        if (found !== undefined && pc < r.address && rows[start]!.address <= pc) return { row: found, program: lines.program };
        found = undefined;
        start = i + 1;
        continue;
      }
      if (r.address <= pc) found = r;
    }
    return undefined;
  }

  /** Whether `pc` is the address of an is_stmt row (a place where a source statement starts). */
  isStatementStart(pc: number): boolean {
    const unit = this.unitAt(pc);
    const lines = unit === undefined ? undefined : this.linesOf(unit);
    return lines?.program.rows.some((r) => !r.endSequence && r.address === pc >>> 0 && r.isStmt && r.line !== 0) ?? false;
  }

  /** Every address that starts a statement (is_stmt line-table rows), for line steppers. */
  statementAddresses(): number[] {
    const out: number[] = [];
    for (const unit of this.info.units) {
      for (const s of this.linesOf(unit)?.subfiles ?? []) for (const e of s.entries) if (e.isStmt) out.push(e.address >>> 0);
    }
    return out;
  }

  /** The source files named by the line tables (full paths as the tables give them). */
  sourceFiles(): string[] {
    const out = new Set<string>();
    for (const unit of this.info.units) for (const s of this.linesOf(unit)?.subfiles ?? []) out.add(s.path);
    return [...out];
  }

  /** The units whose line table names `file` (matched by path suffix), headers included: gdb's symtabs for `'file'::name`. */
  unitsNamingFile(file: string): Unit[] {
    const matches = (path: string): boolean => path === file || path.endsWith(`/${file}`);
    return this.info.units.filter((u) => this.linesOf(u)?.program.files.some((f) => f.path !== '' && matches(f.path)) ?? false);
  }

  /**
   * The address ranges of a source line: every [start, end) whose line-table
   * entries belong to `file`:`line` (file matched by path suffix).
   */
  rangesForLine(file: string, line: number): Range[] {
    const out: Range[] = [];
    for (const unit of this.info.units) {
      const lines = this.linesOf(unit);
      if (lines === undefined) continue;
      for (const s of lines.subfiles) {
        if (!pathMatches(s.path, file)) continue;
        s.entries.forEach((e, i) => {
          if (e.line !== line) return;
          const next = s.entries[i + 1];
          if (next !== undefined && next.address > e.address) out.push({ low: e.address, high: next.address });
        });
      }
    }
    return mergeRanges(out);
  }

  /** The line-table rows (is_stmt or not) for `file`:`line`. */
  rowsForLine(file: string, line: number): { address: number; isStmt: boolean; column: number; file: string }[] {
    const out: { address: number; isStmt: boolean; column: number; file: string }[] = [];
    for (const unit of this.info.units) {
      const lines = this.linesOf(unit);
      if (lines === undefined) continue;
      for (const s of lines.subfiles) {
        if (!pathMatches(s.path, file)) continue;
        for (const e of s.entries) if (e.line === line) out.push({ address: e.address, isStmt: e.isStmt, column: e.column, file: s.path });
      }
    }
    return out.sort((a, b) => a.address - b.address);
  }

  /**
   * Breakpoint addresses for `FUNCTION` or `FILE:LINE`, as gdb chooses them:
   * a function's address after its prologue (and the entry of each inlined
   * copy); a line's is_stmt entries, one per block, or the next line that has
   * code.
   */
  breakpointAddresses(spec: string): number[] {
    const m = /^(.*):(\d+)$/.exec(spec);
    if (m) return this.lineBreakpoints(m[1]!, Number(m[2]));
    return this.functionBreakpoints(spec);
  }

  /** Addresses gdb uses for `break FUNCTION`. */
  functionBreakpoints(name: string): number[] {
    const out: number[] = [];
    for (const f of this.functionsNamed(name)) out.push(this.breakpointAddress(f));
    for (const unit of this.info.units) {
      visit(unit.root, (d) => {
        if (d.tag === Tag.InlinedSubroutine && dieName(d) === name) {
          const ranges = dieRanges(d);
          if (ranges.length > 0) out.push(entryPc(d, ranges));
        }
      });
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  /**
   * Where `break FUNCTION` stops: at the row the compiler marked
   * prologue_end (clang marks one per function; gdb 13 prefers it to any
   * heuristic); else gdb trusts the variable locations of units from
   * gcc >= 4.5 that use location lists (optimized code) and stops at the
   * first instruction; otherwise it skips the prologue.
   */
  breakpointAddress(f: FunctionInfo): number {
    return this.prologueEnd(f) ?? (this.locationsValid(f.die.unit) ? f.entry : this.afterPrologue(f));
  }

  /**
   * The first row marked prologue_end (DWARF 5 6.2.5.1, DW_LNS_set_prologue_end)
   * at or after the function's entry, among the rows of the source file the
   * entry is in and within the function's code (gdb's
   * skip_prologue_using_linetable; assembler units are left out, as gdb does).
   */
  private prologueEnd(f: FunctionInfo): number | undefined {
    if (f.die.unit.constant(f.die.unit.root.attrs.get(At.Language)) === DW_LANG_MIPS_ASSEMBLER) return undefined;
    const lines = this.linesOf(f.die.unit);
    const at = lines === undefined ? undefined : findLine(lines, f.entry);
    const file = at === undefined ? undefined : lines!.subfiles.find((s) => s.path === at.file);
    const end = f.ranges.find((r) => f.entry >= r.low && f.entry < r.high)?.high ?? f.entry;
    return file?.entries.find((e) => e.prologueEnd && e.line !== 0 && e.address >= f.entry && e.address < end)?.address;
  }

  private readonly validLocations = new Map<Unit, boolean>();

  private locationsValid(unit: Unit): boolean {
    let v = this.validLocations.get(unit);
    if (v === undefined) {
      const producer = unit.string(unit.root.attrs.get(At.Producer)) ?? '';
      const m = /^GNU [A-Za-z0-9+]+ (\d+)\.(\d+)/.exec(producer);
      const gcc45 = m !== null && (Number(m[1]) > 4 || (Number(m[1]) === 4 && Number(m[2]) >= 5));
      let loclist = false;
      if (gcc45) {
        visit(unit.root, (d) => {
          if (loclist || (d.tag !== Tag.Variable && d.tag !== Tag.FormalParameter)) return;
          const a = d.attrs.get(At.Location);
          if (a !== undefined && !(a.value instanceof Uint8Array)) loclist = true;
        });
      }
      v = gcc45 && loclist;
      this.validLocations.set(unit, v);
    }
    return v;
  }

  /** gdb's skip_prologue_using_sal: the end of the function's first "line" of code. */
  afterPrologue(f: FunctionInfo): number {
    const unit = f.die.unit;
    const lines = this.linesOf(unit);
    const start = f.entry;
    const end = f.ranges.find((r) => r.low === start)?.high ?? start;
    if (lines === undefined) return start;
    let prologue = findLine(lines, start);
    if (prologue === undefined) return start;
    // Two entries for different lines at the entry address: the body starts right there.
    for (const s of lines.subfiles) {
      if (s.path !== prologue.file) continue;
      let idx = 0;
      while (idx + 1 < s.entries.length && (s.entries[idx]!.address !== prologue.address || s.entries[idx]!.line === 0)) idx++;
      if (idx + 1 < s.entries.length && s.entries[idx + 1]!.line !== 0 && s.entries[idx + 1]!.address === start) return start;
    }
    // A single line covering the whole function: no prologue to skip from the line table.
    if (prologue.end === undefined || prologue.end >= end) return start;
    while (prologue.end !== undefined && prologue.end < end) {
      const sal = findLine(lines, prologue.end);
      if (sal === undefined || sal.line === 0) break;
      // The first line at or after the prologue's line starts the body...
      if (sal.line >= prologue.line && sal.end !== undefined && sal.end <= end) break;
      // ...unless the body starts with an inlined call; lines that go back are scheduled into the prologue.
      if (this.inlinedAt(prologue.end)) break;
      prologue = sal;
    }
    let pc = prologue.end !== undefined && prologue.end < end ? prologue.end : prologue.address;
    // gdb then moves a mid-line pc to the start of the next line.
    const sal = findLine(lines, pc);
    if (sal !== undefined && sal.address !== pc && sal.end !== undefined && sal.end < end) pc = sal.end;
    return pc;
  }

  private inlinedAt(pc: number): boolean {
    return this.blockChain(pc).some((d) => d.tag === Tag.InlinedSubroutine);
  }

  /** Addresses gdb uses for `break FILE:LINE` (or the next line with code). */
  lineBreakpoints(file: string, line: number): number[] {
    for (let l = line; l < line + 1000; l++) {
      const rows = this.rowsForLine(file, l).filter((r) => r.isStmt);
      if (rows.length === 0) {
        if (this.rowsForLine(file, l).length > 0) return this.bestEntries(this.rowsForLine(file, l));
        continue;
      }
      return this.bestEntries(rows);
    }
    return [];
  }

  /** One address per function/block among a line's entries: the lowest, skipping a function's prologue. */
  private bestEntries(rows: { address: number }[]): number[] {
    const out: number[] = [];
    const seen = new Set<Die | undefined>();
    for (const r of rows) {
      const fn = this.functionAt(r.address);
      const chain = this.blockChain(r.address);
      const block = chain[chain.length - 1] ?? fn?.die;
      if (seen.has(block)) continue;
      seen.add(block);
      let addr = r.address;
      if (fn !== undefined && addr === fn.entry) addr = Math.max(addr, this.breakpointAddress(fn));
      out.push(addr);
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  // ---- Scopes ------------------------------------------------------------------------

  /** The subprogram and the nested lexical blocks and inlined calls containing `pc`, outermost first. */
  blockChain(pc: number): Die[] {
    const fn = this.functionAt(pc);
    if (fn === undefined) return [];
    const chain: Die[] = [fn.die];
    let cur = fn.die;
    for (;;) {
      const next = findChildBlock(cur, pc >>> 0);
      if (next === undefined) break;
      chain.push(next);
      cur = next;
    }
    return chain;
  }

  // ---- Unwinding ---------------------------------------------------------------------

  /** The backtrace of a stopped guest, innermost frame first, with inlined calls as frames. */
  unwind(machine: Machine, options: UnwindOptions = {}): Frame[] {
    const limit = options.limit ?? 256;
    const physical: PhysicalFrame[] = [];
    let regs: RegisterFile = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0 : machine.readRegister(i) >>> 0));
    let pc = machine.readRegister(PC_REGISTER) >>> 0;
    const read = (a: number, n: number): Uint8Array | undefined => machine.readMemory(a >>> 0, n);
    for (let i = 0; i < limit; i++) {
      const lookupPc = i === 0 ? pc : (pc - 1) >>> 0;
      const fn = this.functionAt(lookupPc);
      const row = this.cfi.rowAt(lookupPc);
      const step = row === undefined ? undefined : unwindWithCfi(row, regs, read);
      physical.push({ pc, lookupPc, regs, cfa: step?.cfa, fn });
      const name = fn?.name ?? this.symbolAt(lookupPc)?.name;
      if (name === 'main' && !options.pastMain) break;
      let next: { regs: RegisterFile; pc: number | undefined } | undefined;
      if (step !== undefined) {
        next = { regs: step.caller, pc: step.returnAddress };
      } else {
        next = frameFallback(regs, read);
      }
      if (next === undefined || next.pc === undefined || next.pc === 0) break;
      const prevSp = regs[2] ?? 0;
      if (i > 0 && (next.regs[2] ?? 0) < prevSp) break;
      if (next.pc === pc && next.regs[2] === regs[2]) break;
      regs = next.regs;
      pc = next.pc >>> 0;
    }
    this.insertTailCalls(physical);
    const frames: Frame[] = [];
    physical.forEach((p, index) => {
      const chain = this.blockChain(p.lookupPc);
      // Inlined calls containing the pc, innermost first.
      let inlines = chain.filter((d) => d.tag === Tag.InlinedSubroutine).reverse();
      let skippedCallLine: { file: string | undefined; line: number | undefined } | undefined;
      if (index === 0) {
        while (inlines.length > 0) {
          const d = inlines[0]!;
          const ranges = dieRanges(d);
          const atEntry = entryPc(d, ranges) === p.pc || ranges.some((r) => r.low === p.pc);
          if (!atEntry || dieName(d) === options.breakpointFunction) break;
          skippedCallLine = this.callSite(d);
          inlines = inlines.slice(1);
        }
      }
      const position = this.lineAt(p.lookupPc);
      let file = position?.file;
      let line = position?.line;
      if (skippedCallLine !== undefined) ({ file, line } = skippedCallLine);
      const blockFor = (k: number): Die | undefined => {
        // The innermost block of the k-th frame: inside the k-th inline instance, or the block containing it.
        const target = k === 0 ? undefined : inlines[k - 1];
        if (target === undefined) {
          const innermost = chain[chain.length - 1];
          if (skippedCallLine === undefined || inlines.length === chain.filter((d) => d.tag === Tag.InlinedSubroutine).length) return innermost;
        }
        const stopAt = k === 0 ? inlines[0] : target;
        if (stopAt === undefined) {
          // Skipped inline frames: the block containing the outermost skipped instance.
          const firstSkipped = chain.findIndex((d) => d.tag === Tag.InlinedSubroutine && !inlines.includes(d));
          return firstSkipped > 0 ? chain[firstSkipped - 1] : chain[chain.length - 1];
        }
        return k === 0 ? chain[chain.length - 1] : chain[chain.indexOf(stopAt) - 1];
      };
      for (let k = 0; k <= inlines.length; k++) {
        const isInline = k < inlines.length;
        const scope = isInline ? inlines[k] : p.fn?.die;
        let block: Die | undefined;
        if (k === 0) {
          if (inlines.length > 0) block = chain[chain.length - 1];
          else block = blockFor(0);
        } else {
          block = chain[chain.indexOf(inlines[k - 1]!) - 1];
        }
        const name = isInline ? dieName(inlines[k]!) : p.fn?.name ?? this.symbolAt(p.lookupPc)?.name;
        frames.push({
          level: frames.length, pc: p.pc, cfa: p.cfa, function: name, file, line, inline: isInline,
          registers: p.regs, scope, block, lookupPc: p.lookupPc, physical: index, tailCall: p.tailCall === true,
        });
        if (isInline) ({ file, line } = this.callSite(inlines[k]!));
      }
    });
    return frames;
  }

  /**
   * gdb's tail-call frames: when a caller's call site at its return address
   * calls another function than the frame below it, and that function reaches
   * the callee through exactly one chain of tail calls (call sites marked
   * DW_AT_call_tail_call), the functions of the chain are shown as frames,
   * each at the return address of its tail-call site. Such a frame has no
   * stack frame of its own: gdb gives it the identity, so the CFA (and a
   * DW_OP_call_frame_cfa frame base), of the frame below it.
   */
  private insertTailCalls(physical: PhysicalFrame[]): void {
    for (let i = 0; i + 1 < physical.length; i++) {
      const callee = physical[i]!.fn;
      const caller = physical[i + 1]!;
      if (callee === undefined || caller.fn === undefined || caller.tailCall) continue;
      const site = this.callSiteAt(caller.fn, caller.pc);
      const target = site === undefined ? undefined : this.callTargetFunction(site);
      if (target === undefined || target === callee) continue;
      const chain = this.tailChain(target, callee, 4);
      if (chain === undefined) continue;
      const inserted = chain.map(({ fn, returnPc }): PhysicalFrame => ({
        pc: returnPc, lookupPc: (returnPc - 1) >>> 0, regs: caller.regs, cfa: physical[i]!.cfa, fn, tailCall: true,
      }));
      physical.splice(i + 1, 0, ...inserted.reverse());
      i += inserted.length;
    }
  }

  /** The unique chain of tail calls from `from` to `to` (innermost last), or undefined. */
  private tailChain(from: FunctionInfo, to: FunctionInfo, depth: number): { fn: FunctionInfo; returnPc: number }[] | undefined {
    if (depth === 0) return undefined;
    const paths: { fn: FunctionInfo; returnPc: number }[][] = [];
    visit(from.die, (d) => {
      if ((d.tag !== Tag.CallSite && d.tag !== Tag.GnuCallSite) || !(d.attrs.has(At.CallTailCall) || d.attrs.has(At.GnuTailCall))) return;
      const t = this.callTargetFunction(d);
      const ret = d.unit.address(d.attrs.get(At.CallReturnPc)) ?? d.unit.address(d.attrs.get(At.LowPc));
      if (t === undefined || ret === undefined) return;
      if (t === to) paths.push([{ fn: from, returnPc: ret }]);
      else {
        const rest = this.tailChain(t, to, depth - 1);
        if (rest !== undefined) paths.push([{ fn: from, returnPc: ret }, ...rest]);
      }
    });
    return paths.length === 1 ? paths[0] : undefined;
  }

  private callSiteAt(fn: FunctionInfo, returnPc: number): Die | undefined {
    let site: Die | undefined;
    visit(fn.die, (d) => {
      if (site !== undefined || (d.tag !== Tag.CallSite && d.tag !== Tag.GnuCallSite)) return;
      const ret = d.unit.address(d.attrs.get(At.CallReturnPc)) ?? d.unit.address(d.attrs.get(At.LowPc));
      if (ret === returnPc) site = d;
    });
    return site;
  }

  /** The function a call site calls directly (DW_AT_call_origin), if known without evaluating anything. */
  private callTargetFunction(site: Die): FunctionInfo | undefined {
    const origin = refDie(site, At.CallOrigin) ?? refDie(site, At.AbstractOrigin);
    if (origin === undefined) return undefined;
    const concrete = this.functions.find((f) => f.die === origin || refDie(f.die, At.AbstractOrigin) === origin || refDie(f.die, At.Specification) === origin);
    if (concrete !== undefined) return concrete;
    const name = origin.unit.string(origin.attrs.get(At.LinkageName)) ?? dieName(origin);
    return name === undefined ? undefined : this.functionsNamed(name)[0];
  }

  private callSite(d: Die): { file: string | undefined; line: number | undefined } {
    const line = d.unit.constant(d.attrs.get(At.CallLine));
    const fileIndex = d.unit.constant(d.attrs.get(At.CallFile));
    const lines = this.linesOf(d.unit);
    const file = fileIndex === undefined ? undefined : lines?.program.files[fileIndex]?.path;
    return { file, line };
  }

  // ---- Variables ---------------------------------------------------------------------

  /** The parameters of a frame's function (or inlined call), in declaration order. */
  args(frames: readonly Frame[], level: number, machine: Machine): Variable[] {
    const f = frames[level]!;
    if (f.scope === undefined) return [];
    return scopeChildren(f.scope).filter((d) => d.tag === Tag.FormalParameter && dieName(d) !== undefined)
      .map((d) => ({ name: dieName(d)!, value: this.variableValue(d, frames, level, machine), kind: 'parameter' as const, die: d }));
  }

  /** The local variables visible in a frame, innermost block first (gdb's `info locals`). */
  locals(frames: readonly Frame[], level: number, machine: Machine): Variable[] {
    const f = frames[level]!;
    if (f.scope === undefined) return [];
    const out: Variable[] = [];
    let block: Die | undefined = f.block ?? f.scope;
    for (let guard = 0; block !== undefined && guard < 64; guard++) {
      const vars = scopeChildren(block).filter((d) => d.tag === Tag.Variable && dieName(d) !== undefined && !this.discarded(d));
      for (const d of vars) out.push({ name: dieName(d)!, value: this.variableValue(d, frames, level, machine), kind: 'local', die: d });
      if (block === f.scope) break;
      block = block.parent;
    }
    return out;
  }

  /** The value of a variable or parameter entry in a frame. */
  variableValue(d: Die, frames: readonly Frame[], level: number, machine: Machine): Value {
    const type = typeOf(d.attrs.has(At.Type) ? d : (refDie(d, At.AbstractOrigin) ?? d));
    const constValue = inheritedAttr(d, At.ConstValue);
    if (constValue !== undefined && d.attrs.has(At.ConstValue)) {
      const v = constValue.attr.value;
      if (v instanceof Uint8Array) return valueFromBytes(type, v.slice(0, sizeOf(type)));
      if (typeof v === 'number') return valueFromNumber(type, v);
    }
    const attr = d.attrs.get(At.Location);
    const loc = locationAttr(d.unit, attr);
    if (loc === undefined) return optimizedOut(type);
    const frame = frames[level];
    const pc = frame?.lookupPc ?? 0;
    const expr = expressionAt(loc, pc);
    if (expr === undefined) return optimizedOut(type);
    const location = evaluateLocation(expr, this.expressionContext(frames, level, machine, d.unit));
    return this.readLocation(location, type, frame, machine);
  }

  private expressionContext(frames: readonly Frame[], level: number, machine: Machine, unit: Unit): ExpressionContext {
    const frame = frames[level];
    const regs = frame?.registers;
    const readRegister = (n: number): number | undefined => (regs === undefined ? (n === 0 ? 0 : machine.readRegister(n) >>> 0) : regs[n]);
    const readMemory = (a: number, n: number): Uint8Array | undefined => machine.readMemory(a >>> 0, n);
    const ctx: ExpressionContext = {
      readRegister, readMemory, unit,
      cfa: () => frame?.cfa,
      frameBase: () => {
        if (frame === undefined) return undefined;
        const fn = frames.find((f) => f.physical === frame.physical && !f.inline)?.scope;
        const fb = fn === undefined ? undefined : locationAttr(fn.unit, fn.attrs.get(At.FrameBase));
        const e = fb === undefined ? undefined : expressionAt(fb, frame.lookupPc);
        return e === undefined ? undefined : evaluateValue(e, { ...ctx, frameBase: undefined });
      },
      entryValue: (sub) => this.entryValue(sub, frames, level, machine),
    };
    return ctx;
  }

  /**
   * DW_OP_entry_value: the value a register had on entry to the frame's
   * function, from the caller's call site (DW_TAG_call_site_parameter whose
   * location is that register; its DW_AT_call_value evaluated in the caller).
   */
  private entryValue(sub: Uint8Array, frames: readonly Frame[], level: number, machine: Machine): number | undefined {
    const reg = singleRegister(sub);
    if (reg === undefined) return undefined;
    const param = this.callSiteParameter(frames, level, machine, reg);
    if ('error' in param) return undefined;
    return this.callValue(param.die, param.callerLevel, frames, machine);
  }

  private callValue(param: Die, callerLevel: number, frames: readonly Frame[], machine: Machine): number | undefined {
    const value = param.attrs.get(At.CallValue) ?? param.attrs.get(At.GnuCallSiteValue);
    if (value === undefined || !(value.value instanceof Uint8Array)) return undefined;
    return evaluateValue(value.value, this.expressionContext(frames, callerLevel, machine, param.unit));
  }

  /**
   * The caller's DW_TAG_call_site_parameter for register `reg` of frame
   * `level`'s function, or why there is none, in gdb's words (gdb's checks in
   * its order: a caller, a call site at the return address, that calls this
   * function, with a parameter for the register).
   */
  private callSiteParameter(frames: readonly Frame[], level: number, machine: Machine, reg: number): { die: Die; callerLevel: number } | { error: string } {
    const frame = frames[level];
    const self = frame === undefined ? undefined : frames.find((f) => f.physical === frame.physical && !f.inline);
    const callee = self?.scope === undefined ? undefined : this.functions.find((f) => f.die === self.scope);
    if (frame === undefined || self === undefined || callee === undefined) return { error: 'DW_OP_entry_value resolving needs a function with debug information' };
    const msym = (pc: number): string => this.elfSymbols.gdbMinimalSymbol(pc)?.name ?? '???';
    const hex = (pc: number): string => `0x${(pc >>> 0).toString(16)}`;
    const callerLevel = frames.findIndex((f) => f.physical === frame.physical + 1);
    const caller = frames[callerLevel];
    if (caller === undefined) return { error: `DW_OP_entry_value resolving requires caller of ${hex(callee.entry)} (${msym(callee.entry)})` };
    const noSite = { error: `DW_OP_entry_value resolving cannot find DW_TAG_call_site ${hex(caller.pc)} in ${msym(caller.pc)}` };
    const callerFn = this.functionAt(caller.lookupPc);
    if (callerFn === undefined) return noSite;
    let site: Die | undefined;
    visit(callerFn.die, (d) => {
      if (site !== undefined || (d.tag !== Tag.CallSite && d.tag !== Tag.GnuCallSite)) return;
      const ret = d.unit.address(d.attrs.get(At.CallReturnPc)) ?? d.unit.address(d.attrs.get(At.LowPc));
      if (ret === caller.pc) site = d;
    });
    if (site === undefined) return noSite;
    // The call site must call this function.
    const origin = refDie(site, At.CallOrigin) ?? refDie(site, At.AbstractOrigin);
    let target: number | undefined;
    if (origin !== undefined) {
      const concrete = this.functions.find((f) => f.die === origin || refDie(f.die, At.AbstractOrigin) === origin || refDie(f.die, At.Specification) === origin);
      // A declaration is resolved by its linkage name, as gdb does through the ELF symbols.
      const linkage = origin.unit.string(origin.attrs.get(At.LinkageName)) ?? dieName(origin);
      target = concrete?.entry ?? (linkage === undefined ? undefined : this.functionsNamed(linkage)[0]?.entry ?? this.elfSymbols.address(linkage));
    } else {
      const t = site.attrs.get(At.CallTarget) ?? site.attrs.get(At.GnuCallSiteTarget);
      if (t !== undefined && t.value instanceof Uint8Array) {
        target = evaluateValue(t.value, this.expressionContext(frames, callerLevel, machine, site.unit));
        // An indirect call through a value the caller no longer has (gdb shows this error).
        if (target === undefined) return { error: OPTIMIZED_OUT };
      }
    }
    if (target !== callee.entry) {
      const t = target ?? 0;
      return { error: `DW_OP_entry_value resolving expects callee ${msym(t)} at ${hex(t)} but the called frame is for ${msym(callee.entry)} at ${hex(callee.entry)}` };
    }
    for (const p of site.children) {
      if (p.tag !== Tag.CallSiteParameter && p.tag !== Tag.GnuCallSiteParameter) continue;
      const loc = p.attrs.get(At.Location);
      if (loc?.value instanceof Uint8Array && singleRegister(loc.value) === reg) return { die: p, callerLevel };
    }
    return { error: `Cannot find matching parameter at DW_TAG_call_site ${hex(caller.pc)} at ${msym(caller.pc)}` };
  }

  /**
   * `param@entry`: the value a parameter had on entry to its function, from
   * the caller's call site, or gdb's error saying why it is not known.
   */
  parameterEntryValue(param: Die, frames: readonly Frame[], level: number, machine: Machine): Value {
    const type = typeOf(param.attrs.has(At.Type) ? param : (refDie(param, At.AbstractOrigin) ?? param));
    const frame = frames[level];
    const physical = frame === undefined ? undefined : frames.find((f) => f.physical === frame.physical && !f.inline);
    const fn = physical?.scope === undefined ? undefined : this.functions.find((f) => f.die === physical.scope);
    const entry = frame?.inline && frame.scope !== undefined ? entryPc(frame.scope, dieRanges(frame.scope)) : fn?.entry;
    const loc = locationAttr(param.unit, param.attrs.get(At.Location));
    const expr = entry === undefined || loc === undefined ? undefined : expressionAt(loc, entry);
    if (expr === undefined) return optimizedOut(type);
    const reg = singleRegister(expr);
    if (reg === undefined) {
      if (expr[0] !== Op.Fbreg) throw new SymbolsError('DWARF-2 expression error: DW_OP_entry_value is supported only for single DW_OP_reg* or for DW_OP_fbreg(*)');
      // A parameter passed on the stack: gdb matches it against call-site parameters by stack offset.
      // No stack offset matches a register parameter: this gives gdb's reason.
      const found = this.callSiteParameter(frames, level, machine, -1);
      throw new SymbolsError('error' in found ? found.error : OPTIMIZED_OUT);
    }
    const found = this.callSiteParameter(frames, level, machine, reg);
    if ('error' in found) throw new SymbolsError(found.error);
    const v = this.callValue(found.die, found.callerLevel, frames, machine);
    // The caller's value for it is itself unknown (gdb shows this error in frame lines).
    if (v === undefined) throw new SymbolsError(OPTIMIZED_OUT);
    return valueFromNumber(type, v);
  }

  /** The global variables with debug information, by name. */
  globalNames(): string[] {
    return [...this.globals.keys()];
  }

  private readLocation(location: Location, type: CType, frame: Frame | undefined, machine: Machine): Value {
    const size = sizeOf(type);
    if (location.kind === 'memory') return valueAt(type, location.address, machine);
    if (location.kind === 'unavailable' || location.kind === 'optimized') return optimizedOut(type);
    const regs = frame?.registers;
    const reg = (n: number): number | undefined => (regs === undefined ? machine.readRegister(n) >>> 0 : regs[n]);
    /** The bytes a simple location holds (`len` bytes), or undefined where unknown. */
    const source = (loc: Location, len: number): Uint8Array | undefined => {
      switch (loc.kind) {
        case 'memory': return machine.readMemory(loc.address >>> 0, len);
        case 'register': {
          const b = new Uint8Array(Math.ceil(len / 4) * 4);
          for (let k = 0; k * 4 < len; k++) {
            const v = reg(loc.register + k);
            if (v === undefined) return undefined;
            new DataView(b.buffer).setUint32(k * 4, v >>> 0, true);
          }
          return b;
        }
        case 'value': { const b = new Uint8Array(Math.max(len, 4)); new DataView(b.buffer).setUint32(0, loc.value >>> 0, true); return b; }
        case 'bytes': return loc.bytes;
        default: return undefined;
      }
    };
    const bytes = new Uint8Array(size);
    const known = new Uint8Array(size);
    if (location.kind !== 'pieces') {
      const b = source(location, size);
      if (b !== undefined) for (let i = 0; i < size && i < b.length; i++) { bytes[i] = b[i]!; known[i] = 1; }
      return location.kind === 'register' && size <= 4 ? { type, bytes, known, register: location.register } : { type, bytes, known };
    }
    // Compose the pieces bit by bit (DWARF 5 2.6.1.2), least significant first.
    let at = 0;
    for (const p of location.pieces) {
      const src = source(p.location, Math.ceil((p.offset + p.bits) / 8));
      for (let i = 0; i < p.bits && at + i < size * 8; i++) {
        const dst = at + i;
        if (src === undefined) continue;
        const sb = p.offset + i;
        const bit = (src[sb >> 3]! >> (sb & 7)) & 1;
        bytes[dst >> 3] = (bytes[dst >> 3]! & ~(1 << (dst & 7))) | (bit << (dst & 7));
        known[dst >> 3] = 1;
      }
      at += p.bits;
    }
    return { type, bytes, known };
  }

  // ---- Expressions -------------------------------------------------------------------

  /** Whether `$name` names a general register or the pc in expressions (or, given the machine, a CSR it has). */
  isRegisterName(name: string, machine?: Machine): boolean {
    return REGISTER_NAMES.has(name) || machine?.readCsr?.(name) !== undefined;
  }

  /**
   * Evaluates a C expression in frame `level` as gdb's `print` does (see
   * expression-parser.ts and expression-evaluator.ts). Warnings gdb would print
   * before the value (a shift count too large ...) are added to `warnings`.
   */
  evaluate(text: string, frames: readonly Frame[], level: number, machine: Machine, warnings?: string[]): Value {
    const scope = frameScope(this, frames, level, machine);
    const evaluator = new ExpressionEvaluator(scope);
    try {
      const v = evaluator.evaluate(parseExpression(text, scope));
      // gdb reports an unreadable object as an error of the command, not as a value.
      if (v.error !== undefined && isOptimizedOut(v)) throw new SymbolsError(v.error);
      return v;
    } catch (e) {
      if (e instanceof ExpressionError || e instanceof ValueError) throw new SymbolsError(e.message);
      throw e;
    } finally {
      warnings?.push(...evaluator.warnings);
    }
  }

  /** The variable or parameter `name` visible in frame `level`'s blocks (innermost first), with the block it is declared in. */
  localVariable(name: string, frames: readonly Frame[], level: number): Die | undefined {
    const f = frames[level];
    if (f?.scope === undefined) return undefined;
    let block: Die | undefined = f.block ?? f.scope;
    for (let guard = 0; block !== undefined && guard < 64; guard++) {
      const hit = scopeChildren(block).find((d) => (d.tag === Tag.Variable || d.tag === Tag.FormalParameter) && dieName(d) === name && !this.discarded(d));
      if (hit !== undefined) return hit;
      // An inlined call's scope continues in its caller's function for statics and globals only.
      if (block === f.scope) break;
      block = block.parent;
    }
    return undefined;
  }

  /** The blocks of frame `level`, innermost first, up to its function (or inlined call). */
  frameBlocks(frames: readonly Frame[], level: number): Die[] {
    const f = frames[level];
    const out: Die[] = [];
    let block: Die | undefined = f?.block ?? f?.scope;
    for (let guard = 0; block !== undefined && guard < 64; guard++) {
      out.push(block);
      if (block === f?.scope) break;
      block = block.parent;
    }
    return out;
  }

  /** A variable with a location declared at file scope in `unit` (a static or a global defined there). */
  fileVariable(unit: Unit, name: string): Die | undefined {
    return unit.root.children.find((d) => d.tag === Tag.Variable && dieName(d) === name && d.attrs.has(At.Location) && !this.discarded(d));
  }

  /** The global variable `name` with debug information (a definition, external preferred). */
  globalVariable(name: string): Die | undefined {
    return this.globals.get(name);
  }

  /**
   * A variable a unit declares `extern` and no unit with debug information
   * defines, as gdb finds it: its declared type at the address of the ELF
   * symbol of that name (`extern char __data_start[];`).
   */
  externalVariable(name: string, machine: Machine): Value | undefined {
    const die = this.externs.get(name);
    if (die === undefined) return undefined;
    const linkage = die.unit.string(die.attrs.get(At.LinkageName)) ?? name;
    const address = this.elfSymbols.address(linkage);
    const type = typeOf(die);
    return address === undefined ? optimizedOut(type) : valueAt(type, address, machine);
  }

  /** The variables and parameters a function declares in its outermost block (gdb's `function::name`). */
  functionVariable(fn: FunctionInfo, name: string): Die | undefined {
    return scopeChildren(fn.die).find((d) => (d.tag === Tag.Variable || d.tag === Tag.FormalParameter) && dieName(d) === name && !this.discarded(d));
  }

  /** A function's value in expressions: its code, typed from its DWARF entry. */
  functionValue(fn: FunctionInfo): Value {
    return { type: subprogramType(fn.die), bytes: new Uint8Array(0), known: new Uint8Array(0), address: fn.entry };
  }

  /** `$name` in frame `level`: x0-x31 by number or ABI name, $fp, $pc, CSRs, typed as gdb types them; undefined for other names. */
  registerValue(name: string, frames: readonly Frame[], level: number, machine: Machine): Value | undefined {
    const n = REGISTER_NAMES.get(name);
    if (n === undefined) {
      // CSRs are 32-bit integers to gdb on RV32 (`long`), the same in every frame.
      const csr = machine.readCsr?.(name);
      return csr === undefined ? undefined : valueFromNumber(LONG, csr >>> 0);
    }
    const f = frames[level];
    const value = n === PC_REGISTER ? (f?.pc ?? machine.readRegister(PC_REGISTER)) : n === 0 ? 0 : (f?.registers[n] ?? machine.readRegister(n));
    // gdb's RISC-V register types: code pointers for pc and ra, data pointers for sp, gp, tp and fp, long otherwise.
    const type = n === PC_REGISTER || n === 1 ? VOID_CODE_POINTER : n >= 2 && n <= 4 || n === 8 ? VOID_POINTER : LONG;
    if (value === undefined) return optimizedOut(type);
    return n === 0 ? valueFromNumber(type, 0) : { ...valueFromNumber(type, value >>> 0), register: n };
  }

  // ---- Formatting ----------------------------------------------------------------------

  /** gdb's `<symbol+offset>` for an address a pointer holds (msymbol rules), or undefined. */
  dataSymbol(address: number): string | undefined {
    const msym = this.elfSymbols.gdbMinimalSymbol(address);
    const fn = this.functionAt(address);
    // A function with debug information wins unless a minimal symbol lies between its entry and the address.
    if (fn !== undefined && (msym === undefined || msym.value <= fn.entry)) {
      const off = (address >>> 0) - fn.entry;
      return off === 0 ? fn.name : `${fn.name}+${off}`;
    }
    if (msym === undefined) return undefined;
    const off = (address >>> 0) - msym.value;
    return off === 0 ? msym.name : `${msym.name}+${off}`;
  }

  /** A value as gdb prints it (`print` at top level when `options.topLevel`). */
  formatValue(v: Value, machine: Pick<Machine, 'readMemory'>, options: FormatOptions = {}): string {
    const ctx: FormatContext = { readMemory: (a, n) => machine.readMemory(a >>> 0, n), symbolize: (a) => this.dataSymbol(a) };
    return formatValue(v, ctx, options);
  }

  /**
   * A frame's arguments as gdb prints them in a backtrace line: scalars in
   * full, aggregates as `...`, and the value on entry where the caller's call
   * site tells it (`n=n@entry=5`, or `n=6, n@entry=5`).
   */
  frameArguments(frames: readonly Frame[], level: number, machine: Machine): string {
    return this.args(frames, level, machine).map((a) => {
      const text = this.formatValue(a.value, machine, { scalarsOnly: true });
      let entry: Value | undefined;
      try {
        entry = this.parameterEntryValue(a.die, frames, level, machine);
      } catch (e) {
        if (!(e instanceof SymbolsError)) throw e;
        // gdb is silent when no call site tells the value, and shows an error reading it.
        if (e.message === OPTIMIZED_OUT) return `${a.name}=${text}, ${a.name}@entry=<error reading variable: ${e.message}>`;
      }
      if (entry === undefined || isOptimizedOut(entry)) return `${a.name}=${text}`;
      const entryText = this.formatValue(entry, machine, { scalarsOnly: true });
      const same = !isOptimizedOut(a.value) && a.value.bytes.every((b, i) => b === entry.bytes[i]);
      return same ? `${a.name}=${a.name}@entry=${entryText}` : `${a.name}=${text}, ${a.name}@entry=${entryText}`;
    }).join(', ');
  }

  /** Variables as `info locals` / `info args` print them, one `name = value` per line, or `none` when empty. */
  describeVariables(vars: readonly Variable[], machine: Pick<Machine, 'readMemory'>, none: string): string[] {
    if (vars.length === 0) return [none];
    return vars.map((v) => `${v.name} = ${this.formatValue(v.value, machine)}`);
  }

  /** The type name of a value as gdb spells it. */
  typeName(v: Value): string {
    return typeName(v.type);
  }

  // ---- Disassembly ---------------------------------------------------------------------

  /** Disassembles `count` instructions from `address` (objdump syntax, with `<symbol+off>` targets). */
  disassemble(address: number, count: number, machine: Pick<Machine, 'readMemory'>): { address: number; bytes: number; instruction: Disassembly }[] {
    const sec = this.elfSymbols.sectionAt(address);
    const dis = new Disassembler({
      symbolize: (a) => this.elfSymbols.objdumpSymbolize(a, sec?.index ?? 0),
      globalPointer: this.elfSymbols.address('__global_pointer$'),
      privSpec: this.elfSymbols.privSpecVersion(),
    });
    const out: { address: number; bytes: number; instruction: Disassembly }[] = [];
    let pc = address >>> 0;
    for (let i = 0; i < count; i++) {
      const b = machine.readMemory(pc, 2);
      if (b === undefined) break;
      const lo = b[0]! | (b[1]! << 8);
      let hi = 0;
      if ((lo & 3) === 3) {
        const h = machine.readMemory(pc + 2, 2);
        if (h === undefined) break;
        hi = h[0]! | (h[1]! << 8);
      }
      const insn = dis.next(pc, lo, hi);
      out.push({ address: pc, bytes: insn.length === 2 ? lo : ((hi << 16) | lo) >>> 0, instruction: insn });
      pc = (pc + insn.length) >>> 0;
    }
    return out;
  }
}


/** Children of a scope, with those of its abstract origin that the concrete entry does not repeat (DWARF 5 3.3.8.2). */
export function scopeChildren(scope: Die): Die[] {
  const out = [...scope.children];
  const origin = refDie(scope, At.AbstractOrigin);
  if (origin !== undefined) {
    const covered = new Set(scope.children.map((c) => refDie(c, At.AbstractOrigin)).filter((d): d is Die => d !== undefined));
    for (const c of origin.children) {
      // Blocks too: the abstract tree's blocks have no ranges, so their variables join this scope (as gdb reads them).
      if ((c.tag === Tag.FormalParameter || c.tag === Tag.Variable || c.tag === Tag.LexicalBlock) && !covered.has(c)) out.push(c);
    }
  }
  // Lexical blocks without ranges are transparent: their variables belong to the enclosing scope.
  return out.flatMap((c) => (c.tag === Tag.LexicalBlock && dieRanges(c).length === 0 ? [c, ...scopeChildren(c)] : [c]));
}

/** The lexical block or inlined call directly inside `die` that contains `pc`. */
function findChildBlock(die: Die, pc: number): Die | undefined {
  for (const c of die.children) {
    if (c.tag !== Tag.LexicalBlock && c.tag !== Tag.InlinedSubroutine) continue;
    const ranges = dieRanges(c);
    if (ranges.length === 0) {
      if (c.tag === Tag.LexicalBlock) {
        const inner = findChildBlock(c, pc);
        if (inner !== undefined) return inner;
      }
      continue;
    }
    if (ranges.some((r) => pc >= r.low && pc < r.high)) return c;
  }
  return undefined;
}

function entryPc(die: Die, ranges: readonly Range[]): number {
  const e = die.attrs.get(At.EntryPc);
  if (e !== undefined) {
    const a = die.unit.address(e);
    if (a !== undefined) return a;
    const c = die.unit.constant(e);
    if (c !== undefined) return ((die.unit.address(die.attrs.get(At.LowPc)) ?? ranges[0]?.low ?? 0) + c) >>> 0;
  }
  return ranges.length === 0 ? 0 : Math.min(...ranges.map((r) => r.low));
}

/** The register a location expression names when it is just DW_OP_regN or DW_OP_regx N. */
function singleRegister(e: Uint8Array): number | undefined {
  if (e.length === 1 && e[0]! >= Op.Reg0 && e[0]! <= Op.Reg31) return e[0]! - Op.Reg0;
  if (e.length >= 2 && e[0] === Op.Regx) return e[1]!;
  return undefined;
}

function visit(die: Die, fn: (d: Die) => void): void {
  fn(die);
  for (const c of die.children) visit(c, fn);
}

function pathMatches(path: string, file: string): boolean {
  return path === file || path.endsWith(`/${file}`) || file.endsWith(`/${path}`);
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.low - b.low);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.low <= last.high) out[out.length - 1] = { low: last.low, high: Math.max(last.high, r.high) };
    else out.push(r);
  }
  return out;
}

/** The frame-pointer fallback for code without CFI: ra at fp-4, the caller's fp at fp-8 (gcc's RISC-V frame layout). */
function frameFallback(regs: RegisterFile, read: (a: number, n: number) => Uint8Array | undefined): { regs: RegisterFile; pc: number | undefined } | undefined {
  const fp = regs[8];
  if (fp === undefined || fp === 0) return undefined;
  const word = (a: number): number | undefined => {
    const b = read(a >>> 0, 4);
    return b === undefined ? undefined : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  };
  const ra = word(fp - 4);
  const prevFp = word(fp - 8);
  if (ra === undefined) return undefined;
  const caller = regs.slice();
  caller[8] = prevFp;
  caller[2] = fp;
  caller[1] = ra;
  return { regs: caller, pc: ra };
}
