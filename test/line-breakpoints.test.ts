/**
 * `break FILE:LINE` against gdb 13: for every line of the guests' sources (and
 * of some of picolibc's), the breakpoint addresses ours chooses must be the
 * locations gdb chooses from the same ELF (test/golden/symbols/breakpoints,
 * made by scripts/gen-break-golden.mjs), and the line each location reports
 * must be gdb's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { Symbols } from '../src/symbols/symbols.js';

const GOLDEN = new URL('./golden/symbols/breakpoints/', import.meta.url);
const REPO = new URL('../', import.meta.url);

interface Location { address: number; line: number }
interface BreakGolden { elf: string; files: Record<string, Record<string, Location[] | null>> }

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
});
