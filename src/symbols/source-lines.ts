/**
 * Source lines the way a debugger needs them: pc -> file:line, line ->
 * addresses, and where a function's body starts. The rules follow gdb 13
 * (the reference the tests compare with): rows are grouped per source file
 * of a unit; a row with line 0 is dropped; switching files at an address
 * ends the previous file's range there; within a file a lookup takes the last
 * row at or below the pc, preferring an is_stmt row at the same address; and
 * a function's breakpoint goes after its prologue: at the row marked
 * prologue_end (clang marks one per function; gcc 12 marks none), or where
 * the line table says the function's first line ends.
 */
import type { LineProgram } from './line-table.js';

/** One entry of a per-file line vector; `line` 0 marks the end of a range. */
export interface LineEntry {
  readonly address: number;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  /** The row was marked DW_LNS_set_prologue_end: the function's body starts here. */
  readonly prologueEnd: boolean;
}

/** All lines of one source file within one unit. */
export interface SubFile {
  readonly path: string;
  readonly entries: LineEntry[];
}

/** The lines of one compilation unit (one line program). */
export interface UnitLines {
  readonly program: LineProgram;
  readonly subfiles: SubFile[];
  /** [low, high) of every sequence, to find the unit of a pc. */
  readonly sequences: { low: number; high: number }[];
}

/** A source position of a pc. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The start address of the line-table entry the pc falls in. */
  readonly address: number;
  /** Where that entry's range ends (the next entry's address in the unit), if known. */
  readonly end: number | undefined;
  readonly isStmt: boolean;
}

/**
 * Builds gdb-style per-file line vectors from a program. `hasSectionAtZero`
 * false skips sequences that start at address 0 (functions the linker
 * discarded, whose rows were not relocated).
 */
export function buildUnitLines(program: LineProgram, hasSectionAtZero = false): UnitLines {
  const byFile = new Map<number, SubFile>();
  const subfile = (file: number): SubFile => {
    let s = byFile.get(file);
    if (s === undefined) {
      s = { path: program.files[file]?.path ?? `<file ${file}>`, entries: [] };
      byFile.set(file, s);
    }
    return s;
  };
  const sequences: { low: number; high: number }[] = [];
  const record = (s: SubFile, address: number, line: number, column: number, isStmt: boolean, prologueEnd = false): void => {
    if (line === 0) {
      // An end marker removes the empty lines just before it at the same address.
      let lastLine: number | undefined;
      while (s.entries.length > 0) {
        const last = s.entries[s.entries.length - 1]!;
        lastLine = last.line;
        if (last.address !== address) break;
        s.entries.pop();
      }
      if (lastLine === undefined || lastLine === 0) return;
    }
    s.entries.push({ address, line, column, isStmt, prologueEnd });
  };

  let last: SubFile | undefined;
  let lastAddress = -1;
  let lastLine = 0;
  let recording = true;
  let seqLow = -1;
  for (const row of program.rows) {
    if (seqLow < 0) {
      seqLow = row.address;
      recording = row.address !== 0 || hasSectionAtZero;
    }
    const cur = subfile(row.file);
    if (recording) {
      const fileChanged = last !== cur;
      const ignore = (fileChanged && !row.endSequence && lastAddress === row.address && !row.isStmt) ||
        (!row.endSequence && row.line === 0);
      if ((fileChanged && !ignore) || row.endSequence) {
        if (last !== undefined) record(last, row.address, 0, 0, true);
      }
      if (!row.endSequence && !ignore) {
        record(cur, row.address, row.line, row.column, row.isStmt, row.prologueEnd);
        last = cur;
        lastLine = row.line;
      }
      lastAddress = row.address;
    }
    if (row.endSequence) {
      if (recording && row.address > seqLow) sequences.push({ low: seqLow, high: row.address });
      last = undefined;
      lastAddress = -1;
      lastLine = 0;
      seqLow = -1;
    }
  }
  const subfiles = [...byFile.values()];
  // Stable sort by address; at equal addresses end markers (line 0) come first.
  for (const s of subfiles) {
    const indexed = s.entries.map((e, i) => ({ e, i }));
    indexed.sort((a, b) => a.e.address - b.e.address || ((a.e.line === 0) !== (b.e.line === 0) ? (a.e.line === 0 ? -1 : 1) : a.i - b.i));
    s.entries.splice(0, s.entries.length, ...indexed.map((x) => x.e));
  }
  return { program, subfiles, sequences };
}

/** The last index in `entries` whose address is <= pc, or -1. */
function upperBound(entries: readonly LineEntry[], pc: number): number {
  let lo = 0, hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.address <= pc) lo = mid + 1; else hi = mid;
  }
  return lo - 1;
}

/** gdb's find_pc_line: the source position of `pc` within a unit, or undefined (no line, or line 0). */
export function findLine(unit: UnitLines, pc: number): SourcePosition | undefined {
  let best: LineEntry | undefined;
  let bestFile: SubFile | undefined;
  let bestEnd = 0;
  for (const s of unit.subfiles) {
    const entries = s.entries;
    if (entries.length === 0) continue;
    const i = upperBound(entries, pc);
    const prev = i >= 0 ? entries[i] : undefined;
    const next = i + 1 < entries.length ? entries[i + 1] : undefined;
    if (prev !== undefined && (best === undefined || prev.address > best.address)) {
      best = prev;
      bestFile = s;
      if (!best.isStmt) {
        let j = i;
        while (j > 0 && entries[j - 1]!.address === entries[j]!.address && entries[j - 1]!.line !== 0 && !entries[j]!.isStmt) j--;
        if (entries[j]!.isStmt) best = entries[j]!;
      }
      if (bestEnd <= best.address) bestEnd = 0;
    }
    if (best !== undefined && next !== undefined && next.address > best.address && (bestEnd === 0 || bestEnd > next.address)) {
      bestEnd = next.address;
    }
  }
  if (best === undefined || bestFile === undefined || best.line === 0) return undefined;
  return { file: bestFile.path, line: best.line, column: best.column, address: best.address, end: bestEnd === 0 ? undefined : bestEnd, isStmt: best.isStmt };
}
