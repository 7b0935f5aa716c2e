/**
 * `break FILE:LINE` against gdb 13: for every line of the guests' sources (and
 * of some of picolibc's), the breakpoint addresses ours chooses must be the
 * locations gdb chooses from the same ELF (test/golden/symbols/breakpoints,
 * made by scripts/gen-break-golden.mjs), and the line each location reports
 * must be gdb's. Likewise `break FUNCTION` for every function of those ELFs
 * (the guests', picolibc's and libgcc's, with or without debug information).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { Symbols } from '../src/symbols/symbols.js';

const GOLDEN = new URL('./golden/symbols/breakpoints/', import.meta.url);
const REPO = new URL('../', import.meta.url);

interface Location { address: number; line: number }
interface BreakGolden { elf: string; files: Record<string, Record<string, Location[] | null>>; functions: Record<string, number[]> }

const hex = (a: number): string => `0x${(a >>> 0).toString(16)}`;

describe('break FILE:LINE as gdb 13 places it', () => {
  for (const name of readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort()) {
    const golden = JSON.parse(readFileSync(new URL(name, GOLDEN), 'utf8')) as BreakGolden;
    it(`${golden.elf}: every line of ${Object.keys(golden.files).join(', ')}`, () => {
      const symbols = Symbols.load(new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf));
      const differences: string[] = [];
      let lines = 0;
      for (const [file, byLine] of Object.entries(golden.files)) {
        for (const [line, expected] of Object.entries(byLine)) {
          lines++;
          const ours = symbols.lineBreakpointLocations(file, Number(line));
          const want = (expected ?? []).map((l) => `${hex(l.address)}@${l.line}`).join(' ');
          const got = ours.map((l) => `${hex(l.address)}@${l.line}`).join(' ');
          if (want !== got) differences.push(`${file}:${line}: gdb ${want || '(no line)'}, ours ${got || '(no line)'}`);
        }
      }
      expect(lines).toBeGreaterThan(100);
      expect(differences).toEqual([]);
    });
  }

  for (const name of readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort()) {
    const golden = JSON.parse(readFileSync(new URL(name, GOLDEN), 'utf8')) as BreakGolden;
    it(`${golden.elf}: break FUNCTION for its ${Object.keys(golden.functions).length} functions`, () => {
      const elf = new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf);
      const symbols = Symbols.load(elf);
      const differences: string[] = [];
      for (const [fn, expected] of Object.entries(golden.functions)) {
        const ours = symbols.functionBreakpoints(fn);
        const want = expected.map(hex).join(' ');
        const got = ours.map(hex).join(' ');
        if (want !== got) differences.push(`${fn}: gdb ${want}, ours ${got || '(none)'}`);
      }
      expect(Object.keys(golden.functions).length).toBeGreaterThan(50);
      expect(differences).toEqual([]);
    });
  }
});
