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

describe('C expressions that would change the program', () => {
  it('are refused with the reason (gdb would perform them), but still typed inside sizeof', () => {
    const golden = JSON.parse(readFileSync(new URL('symbols-O0.json', GOLDEN), 'utf8')) as GdbGolden;
    const stop = golden.stops.find((s) => s.at === 'symbols.c:120')!;
    const elf = new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf);
    const symbols = Symbols.load(elf);
    const machine = machineFor(elf, stop);
    const frames = symbols.unwind(machine);
    const print = (e: string): string => symbols.formatValue(symbols.evaluate(e, frames, 0, machine), machine);
    for (const e of ['g_counter = 5', 'g_counter += 1', 'g_points[1].x <<= 2', 'total = total + 1']) {
      expect(() => print(e), e).toThrow(/^The assignment `.*=' is not evaluated: an expression here only reads the program/);
    }
    for (const e of ['g_counter++', '--total', '1 + squares[0]++']) {
      expect(() => print(e), e).toThrow(/^The operator `(\+\+|--)' is not evaluated: it changes the program/);
    }
    for (const e of ['add(1, 2)', 'g_op(1, 2)', '(*g_op)(2, 3) + 1']) {
      expect(() => print(e), e).toThrow(/^Function calls are not evaluated: they would run code in the program/);
    }
    expect(print('sizeof(total += 1) + sizeof(g_big++) + sizeof(add(1, 2)) + sizeof(g_op(1, 2))')).toBe('20');
  });
});

describe('C expressions on any input', () => {
  it('answer with a value or a message for the user, never an internal error (random expressions and random text)', () => {
    const golden = JSON.parse(readFileSync(new URL('symbols-O2.json', GOLDEN), 'utf8')) as GdbGolden;
    const stop = golden.stops.find((s) => s.at === 'symbols.c:120')!;
    const elf = new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf);
    const symbols = Symbols.load(elf);
    const machine = machineFor(elf, stop);
    const frames = symbols.unwind(machine);
    let seed = 12345;
    const pick = <T>(items: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return items[seed % items.length]!;
    };
    const atoms = ['g_points', 'g_matrix', 'g_message', 'g_big', 'g_ubig', 'g_flag', 'g_color', 'g_shape', 'g_nodes', 'add', 'squares',
      'origin', 'w', 'msg', 'total', 'local_bits', '$pc', '$sp', '$a0', '$foo', '0', '1', '-1', '0x80200000', '1.5', '1e308', "'a'", '"ab"',
      'BLUE', 'g_op', '__stack', '__global_pointer$', 'g_cv_ptr', 'g_zeros', '2147483648', '0.0L'];
    const binary = ['+', '-', '*', '/', '%', '<<', '>>', '<', '>', '<=', '>=', '==', '!=', '&', '|', '^', '&&', '||', '@', ','];
    const prefix = ['-', '+', '!', '~', '*', '&', 'sizeof ', '(char)', '(int *)', '(struct point)', '(double)', '(long double)', '(u32)',
      '(void *)', '(enum color)', '(_Bool)', '{int}', '(struct node *)'];
    const postfix = ['[0]', '[1]', '.x', '->x', '.next', '->next', '->name', '[-1]', '@2', '.corner', '.u'];
    const expression = (depth: number): string => {
      const shape = depth > 4 ? 0 : pick([0, 1, 2, 3, 4]);
      switch (shape) {
        case 1: return `${pick(prefix)}${expression(depth + 1)}`;
        case 2: return `(${expression(depth + 1)} ${pick(binary)} ${expression(depth + 1)})`;
        case 3: return `${expression(depth + 1)} ? ${expression(depth + 1)} : ${expression(depth + 1)}`;
        case 4: return `${expression(depth + 1)}${pick(postfix)}`;
        default: return pick(atoms);
      }
    };
    const characters = [...'ab01x.()[]{}*&+-!~<>=?:,@$\'"\\ uLfe9_'];
    const text = (): string => Array.from({ length: 1 + (pick([...Array(12).keys()])) }, () => pick(characters)).join('');
    let values = 0;
    for (let i = 0; i < 12000; i++) {
      const e = i % 2 === 0 ? expression(0) : text();
      try {
        symbols.formatValue(symbols.evaluate(e, frames, 0, machine, []), machine, { topLevel: true });
        values++;
      } catch (err) {
        if (!(err instanceof SymbolsError)) throw new Error(`${JSON.stringify(e)}: ${(err as Error).stack}`);
      }
    }
    // Some of them mean something.
    expect(values).toBeGreaterThan(1000);
  });
});
