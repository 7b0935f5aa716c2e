/**
 * The symbols layer against gdb 13: at every stop recorded in
 * test/golden/symbols/gdb/ (gdb-multiarch driving QEMU's gdbstub), the
 * registers and memory gdb saw are replayed into a `Machine`, and ours must
 * print what gdb printed: the breakpoint address, the backtrace (functions,
 * files, lines, and the arguments as gdb shows them in frame lines), `bt full`,
 * `info locals`, `info args`, and every `p` expression.
 * Regenerate the data with `node scripts/gen-symbols-golden.mjs gdb`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { PC_REGISTER, Symbols, SymbolsError, type Frame } from '../src/symbols/symbols.js';
import { machineFor, type GdbGolden, type GdbStop } from './support/gdb-stops.js';

const GOLDEN = new URL('./golden/symbols/gdb/', import.meta.url);
const REPO = new URL('../', import.meta.url);

interface GdbFrame { level: number; function: string; args: string; file: string | undefined; line: number | undefined; locals: string[] }

/** `#1  0x800002f6 in recurse (depth=depth@entry=0, p=...) at guests/symbols/symbols.c:62` and `bt full` locals. */
function parseBacktrace(text: string): GdbFrame[] {
  const frames: GdbFrame[] = [];
  for (const line of text.split('\n')) {
    const m = /^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \((.*)\)(?: at (\S+):(\d+))?/.exec(line);
    if (m) {
      frames.push({ level: Number(m[1]), function: m[2]!, args: m[3]!, file: m[4], line: m[5] === undefined ? undefined : Number(m[5]), locals: [] });
    } else if (frames.length > 0 && line.trim() !== '') {
      frames[frames.length - 1]!.locals.push(line.trim());
    }
  }
  return frames;
}

/**
 * Checks where ours still differs from gdb, each with the reason. They run as
 * `it.fails`, so fixing one makes the suite say so.
 */
const KNOWN_GAPS: Record<string, string> = {
};

/**
 * Where gdb 13.1 itself is wrong, each case with the gdb code at fault: the
 * rule turns gdb's text into what is right, for the goldens it names only,
 * and every rule must be used (the last test), so none outlives its case.
 */
const GDB_BUGS: { name: string; files: RegExp; fix: (output: string) => string }[] = [
  {
    // gdb's cooked_indexer::scan_attributes gives a unit's address map a
    // 1-byte range at the address of every variable with a DW_AT_location,
    // unless the unit's addresses were already seen: from .debug_aranges
    // (gcc's units) or a unit-wide DW_AT_low_pc/high_pc. clang's units have
    // neither (no aranges, DW_AT_ranges). g_message is const, so picolibc's
    // linker script puts it in .text;
    // printing a pointer to it (msg) looks its address up, finds the unit in
    // the map but no block of its symtab covering it, and gdb interleaves two
    // warnings with the value. They are diagnostics, not part of the value.
    name: 'gdb warns that a const object in .text is "in address map, but not in symtab"',
    files: /^symbols-clang-O0$/,
    fix: (o) => o.replace(/warning: \((?:Internal error|Error): pc 0x[0-9a-f]+ in (?:read in CU|address map), but not in symtab\.\)\n/g, ''),
  },
  {
    // Two locals of main are composites whose pieces end before the object:
    // `union word w` is one 1-byte piece (DW_OP_constu 68, DW_OP_stack_value,
    // DW_OP_piece 1), and at -O2 `int squares[5]` is three 4-byte pieces
    // (two empty, then the value 4). The bytes after the last piece have no
    // location, so w.half[1] and squares[3], squares[4] are optimized out.
    // gdb 13's check_pieced_synthetic_pointer (dwarf2/expr.c) walks the
    // pieces looking for one that is not an implicit pointer and returns
    // true when it runs out of pieces, so a range wholly beyond the last
    // piece counts as "synthetic" and gdb prints an int16_t and two ints as
    // <synthetic pointer>. (Later gdb returns `bit_length == 0` there and
    // marks the bits after the last piece optimized out.) w.u and w.byte
    // print as gdb 13 does: the partly known value, missing bytes as zeros.
    name: 'gdb prints <synthetic pointer> for scalars beyond the last DW_OP_piece (w.half[1], squares[3] and [4] in main)',
    files: /^symbols-clang-(Og|O2|O2-dwarf4)$/,
    fix: (o) => o.replaceAll('{68, <synthetic pointer>}', '{68, <optimized out>}')
      .replaceAll('4, <synthetic pointer>, <synthetic pointer>}', '4, <optimized out>, <optimized out>}'),
  },
];
const bugUses = new Map<string, number>();

/** gdb's outputs of a golden with the GDB_BUGS rules for its file applied. */
function withGdbBugsFixed(name: string, golden: GdbGolden): GdbGolden {
  for (const stop of golden.stops) {
    for (const c of stop.commands) {
      for (const bug of GDB_BUGS) {
        if (!bug.files.test(name)) continue;
        const fixed = bug.fix(c.output);
        if (fixed !== c.output) bugUses.set(bug.name, (bugUses.get(bug.name) ?? 0) + 1);
        c.output = fixed;
      }
    }
  }
  return golden;
}

const cases = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();

describe('symbols vs gdb at recorded stops', () => {
  for (const file of cases) {
    const golden = withGdbBugsFixed(file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, GOLDEN), 'utf8')) as GdbGolden);
    const elf = new ElfFile(readFileSync(new URL(golden.elf, REPO)), golden.elf);
    const symbols = Symbols.load(elf);
    describe(file.replace(/\.json$/, ''), () => {
      golden.stops.forEach((stop, index) => {
        const machine = machineFor(elf, stop);
        const pc = machine.readRegister(PC_REGISTER);
        const isFunctionStop = !stop.at.includes(':');
        const frames = symbols.unwind(machine, isFunctionStop ? { breakpointFunction: stop.at } : {});
        const out = (cmd: string): string => stop.commands.find((c) => c.command === cmd)!.output;

        it(`${index}: break ${stop.at} at gdb's address`, () => {
          const m = /Breakpoint \d+ at (0x[0-9a-f]+)(: file|: \S+\. \((\d+) locations\))/.exec(stop.hit);
          expect(m, stop.hit).not.toBeNull();
          const ours = symbols.breakpointAddresses(stop.at);
          expect(ours).toContain(pc);
          if (m![3] === undefined) expect(ours.map((a) => `0x${a.toString(16)}`)).toEqual([m![1]]);
          else expect(ours.length).toBe(Number(m![3]));
        });

        const test = (check: string): typeof it => (KNOWN_GAPS[`${file.replace(/\.json$/, '')} ${index} ${check}`] ? it.fails : it);

        test('bt')(`${index}: ${stop.at}: bt`, () => {
          const theirs = parseBacktrace(out('bt'));
          const ours = frames.slice(0, theirs.length).map((f: Frame, level) => ({
            level, function: f.function ?? '??', args: symbols.frameArguments(frames, level, machine),
            file: f.file, line: f.line, locals: [],
          }));
          // The file as gdb names it: the line table's path (DWARF 5: directory 0 is the compilation directory).
          const norm = (fs: GdbFrame[]): string[] => fs.map((f) => `#${f.level} ${f.function} (${f.args}) at ${f.file ?? '?'}:${f.line}`);
          expect(norm(ours)).toEqual(norm(theirs));
          expect(frames.length).toBe(theirs.length);
        });

        test('locals')(`${index}: ${stop.at}: info locals, info args, bt full`, () => {
          const locals = symbols.describeVariables(symbols.locals(frames, 0, machine), machine, 'No locals.');
          expect(locals).toEqual(out('info locals').split('\n'));
          const args = symbols.describeVariables(symbols.args(frames, 0, machine), machine, 'No arguments.');
          expect(args).toEqual(out('info args').split('\n'));
          const full = parseBacktrace(out('bt full'));
          const ours = full.map((_, level) => symbols.describeVariables(symbols.locals(frames, level, machine), machine, 'No locals.'));
          expect(ours).toEqual(full.map((f) => f.locals));
        });

        test('print')(`${index}: ${stop.at}: print`, () => {
          const prints = stop.commands.filter((c) => c.command.startsWith('p '));
          const problems: string[] = [];
          for (const c of prints) {
            const expr = c.command.slice(2);
            let ours: string;
            try {
              ours = symbols.formatValue(symbols.evaluate(expr, frames, 0, machine), machine, { topLevel: true });
            } catch (e) {
              if (!(e instanceof SymbolsError)) throw e;
              ours = `@@ERROR ${e.message}`;
            }
            const theirs = c.output.replace(/^\$\d+ = /, '');
            if (ours !== theirs) problems.push(`p ${expr}: gdb ${theirs} | ours ${ours}`);
          }
          expect(problems).toEqual([]);
        });
      });
    });
  }
  it('uses every gdb-bug rule', () => {
    for (const bug of GDB_BUGS) expect(bugUses.get(bug.name) ?? 0, bug.name).toBeGreaterThan(0);
  });
});
