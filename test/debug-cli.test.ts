import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-debug-'));
const rec = join(REPO, 'recordings', 'crc32.rvr');

async function batch(target: string, commands: string[], extra: string[] = []) {
  const file = join(dir, `batch-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, commands.join('\n') + '\n');
  return runCli(['debug', '--batch', file, target, ...extra]);
}

describe('retrovisor debug', () => {
  it('steps, reverse-steps and reports positions in a stable format', async () => {
    const r = await batch(rec, ['seek 1000', 'when', 'si', 'si 4', 'rsi 5', 'when', 'p pc']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^stop step icount=1000 pc=0x[0-9a-f]{8}/);
    expect(lines[1]).toBe('icount 1000');
    expect(lines[2]).toMatch(/^stop step icount=1001 /);
    expect(lines[3]).toMatch(/^stop step icount=1005 /);
    expect(lines[4]).toBe(lines[0]);
    expect(lines[5]).toBe('icount 1000');
    expect(lines[6]).toMatch(/^pc = 0x[0-9a-f]{8}/);
  });

  it('breaks on a symbol, continues, reverse-continues and examines memory', async () => {
    const r = await batch(rec, ['b main', 'c', 'p sp', 'x/2w 0x80000000', 'c', 'rc', 'info breakpoints', 'd', 'info breakpoints']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^breakpoint 1 at 0x[0-9a-f]{8} main(\+0x[0-9a-f]+)? at crc32\.c:\d+$/);
    expect(lines[1]).toMatch(/^stop breakpoint icount=\d+ pc=0x[0-9a-f]{8} main(\+0x[0-9a-f]+)? at crc32\.c:\d+ breakpoint at/);
    expect(lines[2]).toMatch(/^sp = 0x8[0-9a-f]{7} -?\d+$/);
    expect(lines[3]).toBe('0x80000000: 0x00400117 0x00010113');
    expect(lines[4]).toMatch(/^stop (exit|end) /);
    expect(lines[5]).toBe(lines[1]); // back to the only hit of main
    expect(lines[6]).toMatch(/^1 breakpoint 0x[0-9a-f]{8} main(\+0x[0-9a-f]+)?$/);
    expect(lines[7]).toBe('deleted 1');
    expect(lines[8]).toBe('no breakpoints, watchpoints or catchpoints');
  });

  it('finds the last writer of a word with a watchpoint and reverse-continue', async () => {
    const r = await batch(rec, ['seek 2000000', 'p sp', 'watch 0x803ffff0', 'rc', 'lastwrite 0x803ffff0']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[2]).toBe('watchpoint 1 write 0x803ffff0 length 4');
    expect(lines[3]).toMatch(/^stop watchpoint icount=\d+ pc=0x[0-9a-f]{8}.* write of 4 bytes at 0x803ffff0/);
  });

  it('catches traps and machine events', async () => {
    const r = await batch(rec, ['catch mmio', 'c', 'catch console', 'info breakpoints']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/catchpoint 1 mmio \(every device\)/);
    expect(r.stdout).toMatch(/stop (mmio|exit|end) /);
  });

  it('takes -ex commands and reports command errors with exit status 1', async () => {
    const r = await runCli(['debug', '-ex', 'when', '-ex', 'frobnicate', '-ex', 'b nosuchsymbol', rec]);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['icount 0', 'error: unknown command "frobnicate" (try help)', 'error: no symbol "nosuchsymbol"']);
    expect(r.status).toBe(1);
  });

  it('says the line gdb reports for break FILE:LINE (the next line with code, and where a location lands)', async () => {
    // gdb 13 on symbols-O2.elf: `break symbols.c:1` -> 0x8000029a, line 39 (test/golden/symbols/breakpoints).
    const r = await batch(join(REPO, 'guests', 'symbols', 'build', 'symbols-O2.elf'), ['b symbols.c:1']);
    expect(r.stdout.split('\n')[0]).toBe('breakpoint 1 at 0x8000029a add at symbols.c:39');
  });

  it('records an ELF first, then debugs it', async () => {
    const r = await batch(join(REPO, 'guests', 'build', 'hello.elf'), ['b main', 'c', 'when'], ['--', 'x']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/retrovisor: recorded \d+ instructions/);
    expect(r.stdout).toMatch(/stop breakpoint icount=\d+ pc=0x[0-9a-f]{8} main/);
  });

  it('prints C expressions as gdb does, with its warnings, and refuses side effects', async () => {
    const elf = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
    const r = await batch(elf, ['b leaf', 'c', 'p depth + where.x * 2', 'p 1 << 32', 'p (enum flags)5', 'p sp', 'p g_counter = 1', 'frame 1', 'p p.y << depth']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[2]).toBe('depth + where.x * 2 = 14');
    expect(lines.slice(3, 5)).toEqual(['warning: left shift count >= width of type', '1 << 32 = 0']);
    expect(lines[5]).toBe('(enum flags)5 = (F_READ | F_EXEC)');
    // No variable is called sp: the register.
    expect(lines[6]).toMatch(/^sp = 0x8[0-9a-f]{7} -?\d+$/);
    expect(lines[7]).toMatch(/^error: The assignment `=' is not evaluated/);
    expect(lines[9]).toBe('p.y << depth = 32');
  });

  it('finishes out of a function whose caller reached it by a tail call, as gdb does', async () => {
    // At -O2 recurse(0) jumps to leaf (a tail call); leaf returns straight to the recurse(1) frame above.
    const r = await batch(join(REPO, 'guests', 'symbols', 'build', 'symbols-O2.elf'), ['b leaf', 'c', 'finish', 'bt']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[2]).toMatch(/^stop step icount=\d+ pc=0x[0-9a-f]{8} recurse\+0x[0-9a-f]+ at symbols\.c:\d+$/);
    expect(lines[3]).toMatch(/^#0 +recurse \(depth=depth@entry=1, /);
  });

  it('runs until and advance as gdb does: to a line in this frame only, past a loop, to a function in any frame', async () => {
    // gdb 13 on symbols-O0.elf (test/golden/stepping/symbols-O0.json: until-recursion, until-fill).
    const elf = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
    const r = await batch(elf, ['b recurse', 'c', 'd', 'until symbols.c:64', 'bt', 'b fill', 'c', 'd', 'n', 'n', 'n', 'until', 'until', 'advance apply', 'advance']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const at = (i: number) => / at (\S+)$/.exec(lines[i]!)?.[1];
    // until a line of recurse skips the recursive calls' own visits: it stops in recurse(3), the frame it started in.
    expect(at(3)).toBe('symbols.c:64');
    expect(lines[4]).toMatch(/^#0 +recurse \(depth=3, /);
    expect(lines[5]).toMatch(/^#1 +0x[0-9a-f]{8} in main /);
    // n, n, n: lines 83, 84, then back to 82; until leaves the loop for line 86 instead of going round again.
    expect([at(9), at(10), at(11), at(12)]).toEqual(['symbols.c:83', 'symbols.c:84', 'symbols.c:82', 'symbols.c:86']);
    // until at fill's last line returns to main; advance FUNCTION stops in a call made further on.
    expect(lines[13]).toMatch(/^stop step icount=\d+ pc=0x[0-9a-f]{8} main\+0x[0-9a-f]+ at symbols\.c:115$/);
    expect(lines[14]).toMatch(/^stop step icount=\d+ pc=0x[0-9a-f]{8} apply\+0x[0-9a-f]+ at symbols\.c:89$/);
    expect(lines[15]).toBe('error: advance where? a function, FILE:LINE, LINE or *ADDR');
  });

  it('reports a missing recording in one line', async () => {
    const r = await runCli(['debug', join(dir, 'nope.rvr')]);
    expect(r.status).toBe(125);
    expect(r.stderr.trim()).toMatch(/^retrovisor: .*nope\.rvr: no such file$/);
  });
});
