/**
 * C expressions against gdb 13: at the stops recorded in
 * test/golden/symbols/expressions/ (gdb-multiarch driving QEMU's gdbstub on
 * the symbols guest built -O0, -Og and -O2 with DWARF 5 and 4, and on sha256
 * and mini-kernel), every expression gdb printed,
 * evaluated and printed by the symbols layer in the same registers and
 * memory, must read exactly as gdb's: the value, the warnings gdb printed
 * before it, or gdb's error message.
 * Regenerate the data with `node scripts/gen-symbols-golden.mjs expressions`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { Symbols, SymbolsError } from '../src/symbols/symbols.js';
import { machineFor, type GdbGolden } from './support/gdb-stops.js';

const GOLDEN = new URL('./golden/symbols/expressions/', import.meta.url);
const REPO = new URL('../', import.meta.url);

const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();

/** gdb's output without the value-history label: `$12 = 5` is `5`, an error is `@@ERROR message`. */
function gdbText(output: string): string {
  return output.replace(/^\$\d+ = /m, '');
}

describe('C expressions vs gdb', () => {
  it('has recorded expressions for each build of the symbols guest and for other programs', () => {
    expect(files).toEqual(['mini-kernel.json', 'sha256.json', 'symbols-O0-dwarf4.json', 'symbols-O0.json', 'symbols-O2-dwarf4.json', 'symbols-O2.json', 'symbols-Og.json', 'values-O0.json', 'values-O2.json']);
  });

  for (const file of files) {
    const golden = JSON.parse(readFileSync(new URL(file, GOLDEN), 'utf8')) as GdbGolden;
    const elf = new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf);
    const symbols = Symbols.load(elf);
    describe(file.replace(/\.json$/, ''), () => {
      golden.stops.forEach((stop, index) => {
        it(`${index}: ${stop.at}: print`, () => {
          const machine = machineFor(elf, stop);
          const frames = symbols.unwind(machine, stop.at.includes(':') ? {} : { breakpointFunction: stop.at });
          const prints = stop.commands.filter((c) => c.command.startsWith('p '));
          expect(prints.length).toBeGreaterThanOrEqual(20);
          const problems: string[] = [];
          for (const c of prints) {
            const expr = c.command.slice(2);
            let ours: string;
            const warnings: string[] = [];
            try {
              const value = symbols.evaluate(expr, frames, 0, machine, warnings);
              ours = [...warnings.map((w) => `warning: ${w}`), symbols.formatValue(value, machine, { topLevel: true })].join('\n');
            } catch (e) {
              if (!(e instanceof SymbolsError)) throw e;
              ours = `@@ERROR ${e.message}`;
            }
            const theirs = gdbText(c.output);
            if (ours !== theirs) problems.push(`p ${expr}\n    gdb:  ${theirs}\n    ours: ${ours}`);
          }
          expect(problems.join('\n')).toBe('');
        });
      });
    });
  }
});
