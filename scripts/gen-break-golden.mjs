#!/usr/bin/env node
/**
 * Goldens for `break FILE:LINE`: where gdb 13 (gdb-multiarch, Debian) puts a
 * breakpoint for every line of the guests' C sources and of some of
 * picolibc's (as compiled into the ELFs), with no target: gdb decides from
 * the ELF's line table, blocks and prologues alone. For each line it records
 * the addresses of the breakpoint's locations and the line gdb reports for
 * each (the next line with code when the line has none), or null when gdb
 * says there is no such line. And `break FUNCTION` for every function gdb
 * lists (`info functions`: the guest's, picolibc's and libgcc's, with debug
 * information or only an ELF symbol): each location's address.
 *
 *   node scripts/gen-break-golden.mjs        writes test/golden/symbols/breakpoints/*.json
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const OUT = `${REPO}test/golden/symbols/breakpoints/`;

/** ELF -> the source files to sweep (repository files are swept to their last line). */
const TARGETS = {
  'guests/symbols/build/symbols-O0.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/symbols/build/symbols-Og.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/symbols/build/symbols-O2.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c', 'vfprintf.c', 'strlen.c', 'crt0.h'],
  'guests/symbols/build/symbols-O2-dwarf4.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/symbols/build/symbols-clang-O0.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/symbols/build/symbols-clang-Og.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/symbols/build/symbols-clang-O2.elf': ['guests/symbols/symbols.c', 'guests/symbols/lists.c'],
  'guests/build/sort.elf': ['guests/compute/sort.c'],
  'guests/build/sha256.elf': ['guests/compute/sha256.c'],
  'guests/build/bytecode.elf': ['guests/compute/bytecode.c'],
  'guests/build/mini-kernel.elf': ['guests/mini-kernel/kernel.c'],
};
/** Lines swept in a file that is not in the repository (gdb answers "No line" past its end). */
const LIBRARY_LINES = 1200;

function lineCount(file) {
  try {
    return readFileSync(`${REPO}${file}`, 'utf8').split('\n').length;
  } catch {
    return LIBRARY_LINES;
  }
}

function sweep(elf, file) {
  const lines = lineCount(file);
  const args = ['-batch', '-nx', '-ex', 'set breakpoint pending off', '-ex', 'set width 0', '-ex', 'set height 0'];
  for (let l = 1; l <= lines; l++) args.push('-ex', `echo @@line ${l}\\n`, '-ex', `break ${file}:${l}`);
  args.push('-ex', 'echo @@info\\n', '-ex', 'info breakpoints', `${REPO}${elf}`);
  const text = execFileSync('gdb-multiarch', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  // Which breakpoint number each line made (or none).
  const numberOf = new Map();
  let current;
  const [sets, info] = text.split('@@info\n');
  for (const row of sets.split('\n')) {
    const at = /^@@line (\d+)$/.exec(row);
    if (at) { current = Number(at[1]); continue; }
    const made = /^Breakpoint (\d+) at /.exec(row);
    if (made && current !== undefined) numberOf.set(current, Number(made[1]));
  }
  // Locations of each breakpoint from `info breakpoints`: "N  breakpoint keep y 0xADDR in f at F:L" or N.M rows.
  const locations = new Map();
  for (const row of info.split('\n')) {
    const m = /^(\d+)(?:\.\d+)?\s.*?(0x[0-9a-f]+) in \S+ at (\S+):(\d+)$/.exec(row);
    if (!m) continue;
    const n = Number(m[1]);
    if (!locations.has(n)) locations.set(n, []);
    locations.get(n).push({ address: Number(m[2]), line: Number(m[4]) });
  }
  const out = {};
  for (let l = 1; l <= lines; l++) {
    const n = numberOf.get(l);
    out[l] = n === undefined ? null : (locations.get(n) ?? []).sort((a, b) => a.address - b.address);
  }
  // Trailing lines past a library file's end say nothing.
  if (lines === LIBRARY_LINES) for (let l = lines; l > 0 && out[l] === null; l--) delete out[l];
  return out;
}

/** `break NAME` for every function `info functions` names: NAME -> sorted location addresses. */
function functions(elf) {
  const list = execFileSync('gdb-multiarch', ['-batch', '-nx', '-ex', 'set width 0', '-ex', 'info functions', `${REPO}${elf}`], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 26 });
  // ELF symbols gdb lists because they lie in code sections but that are data or markers (stdin, __text_end) are left out.
  const functionSymbols = new Set(execFileSync('riscv64-unknown-elf-readelf', ['-sW', `${REPO}${elf}`], { encoding: 'utf8' })
    .split('\n').map((r) => r.trim().split(/\s+/)).filter((f) => f[3] === 'FUNC').map((f) => f[7]));
  const names = new Set();
  let debugging = true;
  for (const row of list.split('\n')) {
    if (row.startsWith('Non-debugging symbols:')) debugging = false;
    // "16:\tstatic int depth(const node_t *);", "\tvoid memcpy(void);" or "0x80000010  _start".
    const withDebug = /^(?:\d+:)?\t.*?[\s*]([A-Za-z_][A-Za-z0-9_.]*)\(/.exec(row);
    const plain = /^0x[0-9a-f]+\s+([A-Za-z_][A-Za-z0-9_.]*)$/.exec(row);
    const name = withDebug?.[1] ?? plain?.[1];
    if (name !== undefined && (debugging || functionSymbols.has(name))) names.add(name);
  }
  const sorted = [...names].sort();
  const args = ['-batch', '-nx', '-ex', 'set breakpoint pending off', '-ex', 'set width 0', '-ex', 'set height 0'];
  for (const n of sorted) args.push('-ex', `echo @@function ${n}\\n`, '-ex', `break ${n}`);
  args.push('-ex', 'echo @@info\\n', '-ex', 'info breakpoints', `${REPO}${elf}`);
  const text = execFileSync('gdb-multiarch', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const [sets, info] = text.split('@@info\n');
  const numberOf = new Map();
  let current;
  for (const row of sets.split('\n')) {
    const at = /^@@function (\S+)$/.exec(row);
    if (at) { current = at[1]; continue; }
    const made = /^Breakpoint (\d+) at /.exec(row);
    if (made && current !== undefined) numberOf.set(current, Number(made[1]));
  }
  const addresses = new Map();
  for (const row of info.split('\n')) {
    const m = /^(\d+)(?:\.\d+)?\s+(?:breakpoint\s+keep\s+)?y\s+(0x[0-9a-f]+)\s/.exec(row);
    if (!m) continue;
    const n = Number(m[1]);
    if (!addresses.has(n)) addresses.set(n, []);
    addresses.get(n).push(Number(m[2]));
  }
  const out = {};
  for (const n of sorted) {
    const b = numberOf.get(n);
    if (b !== undefined) out[n] = (addresses.get(b) ?? []).sort((x, y) => x - y);
  }
  return out;
}

mkdirSync(OUT, { recursive: true });
const version = execFileSync('gdb-multiarch', ['--version'], { encoding: 'utf8' }).split('\n')[0];
for (const [elf, files] of Object.entries(TARGETS)) {
  const golden = { about: `${version}: break FILE:LINE on ${elf} with no target; per line, each location's address and line, or null (no such line); break FUNCTION's addresses per function. Regenerate: node scripts/gen-break-golden.mjs`, elf, files: {} };
  for (const f of files) golden.files[f] = sweep(elf, f);
  golden.functions = functions(elf);
  const name = elf.split('/').pop().replace(/\.elf$/, '');
  writeFileSync(`${OUT}${name}.json`, `${JSON.stringify(golden, null, 0)}\n`);
  const count = Object.values(golden.files).reduce((s, f) => s + Object.keys(f).length, 0);
  console.log(`${name}: ${count} lines, ${Object.keys(golden.functions).length} functions`);
}
