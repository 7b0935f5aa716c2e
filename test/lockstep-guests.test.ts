/**
 * The lockstep checker over every quick example guest: `retrovisor run
 * --check-jit` compares each translated block with the interpreter and must
 * find no difference, and the guest must still print exactly its expected
 * output. The guests that stress invalidation and interrupts also run
 * in-process with translation at first sight (hotThreshold 0), so every
 * block they execute, cold or hot, is translated and checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { LiveHost } from '../src/host/live-host.js';
import { GuestVm } from '../src/vm/guest-vm.js';
import { runCli } from './support/cli.js';
import { guestPath, manifest } from './support/manifest.js';

const quick = manifest.guests.filter((g) => g.tier === 'quick');

describe('retrovisor run --check-jit', () => {
  it.each(quick.map((g) => [g.name, g] as const))('%s matches the interpreter block by block', async (_name, g) => {
    const args = ['run', '--check-jit'];
    if (g.semihostRoot !== null) args.push('--semihost-root', guestPath(g.semihostRoot));
    args.push(guestPath(g.elf));
    if (g.args.length > 0) args.push('--', ...g.args);
    const r = await runCli(args, { input: Buffer.from(g.stdin, 'latin1'), cwd: g.semihostRoot === null ? undefined : guestPath(g.semihostRoot), timeoutMs: 120_000 });
    const summary = /lockstep check: (\d+) translated blocks \((\d+) steps\) matched the interpreter/.exec(r.stderr);
    expect(summary, r.stderr).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(0);
    expect(r.status).toBe(g.expectedExitCode);
    const expected = g.expectedStdout ?? g.icountReference;
    if (expected !== undefined && expected !== null) expect(r.stdoutBytes.toString('latin1')).toBe(readFileSync(guestPath(expected), 'latin1'));
  }, 180_000);
});

describe('lockstep with translation at first sight', () => {
  it.each(['smc', 'remap', 'mini-kernel', 'timer', 'sv32'])('%s', (name) => {
    const g = quick.find((q) => q.name === name)!;
    const elf = new ElfFile(readFileSync(guestPath(g.elf)), g.name);
    const vm = new GuestVm({ elf }, new LiveHost({ commandLine: [g.elf, ...g.args].join(' ') }));
    vm.board.hart.setTranslation({ enabled: true, check: true, hotThreshold: 0 });
    let out = '';
    vm.board.onConsole = (bytes) => { out += Buffer.from(bytes).toString('latin1'); };
    const stop = vm.runUntil(50_000_000);
    vm.board.hart.lockstep!.verifyMemory();
    expect(stop).toEqual({ kind: 'exit', status: g.expectedExitCode });
    expect(out).toBe(readFileSync(guestPath(g.expectedStdout!), 'latin1'));
    const { blocks, steps } = vm.board.hart.lockstep!.stats;
    expect(blocks).toBeGreaterThan(1000);
    // Eager translation leaves the interpreter only breakpoints and page-crossing instructions.
    expect(steps / vm.board.hart.icount).toBeGreaterThan(0.9);
  }, 180_000);
});
