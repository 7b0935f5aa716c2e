/**
 * Recordings do not depend on binary translation: a guest recorded with
 * translation on and with it off gives the same recording (the same inputs
 * at the same icounts, the same state checks, the same final digest; only
 * the chunking, which follows the host clock, may differ), and each
 * recording replays exactly, with --verify, in the other mode.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentsOf } from '../src/replay/recording-contents.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { runCli } from './support/cli.js';
import { guestPath, manifest } from './support/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-jit-rr-'));
const GUESTS = ['uart-echo', 'mini-kernel', 'smc', 'remap', 'sort-quick', 'sv32', 'inputs'];

/** What must not depend on the engine: everything but the chunk layout. */
function essence(file: string) {
  const c = contentsOf(RecordingReader.open(file));
  return {
    header: c.header,
    events: c.events.map((e) => ({ ...e, payload: Buffer.from(e.payload).toString('hex') })),
    periodic: [...c.periodic].map(([icount, s]) => ({ icount, pc: s.pc, groups: s.groups, registers: s.registers && [...s.registers] })),
    footer: c.footer,
  };
}

describe.each(GUESTS)('%s recorded with and without translation', (name) => {
  const g = manifest.guests.find((q) => q.name === name)!;
  const file = (mode: string) => join(dir, `${name}-${mode}.rvr`);
  const record = (mode: 'on' | 'off') => {
    const args = ['record', '--jit', mode, '-o', file(mode)];
    if (g.semihostRoot !== null) args.push('--semihost-root', guestPath(g.semihostRoot));
    args.push(guestPath(g.elf));
    if (g.args.length > 0) args.push('--', ...g.args);
    return runCli(args, { input: Buffer.from(g.stdin, 'latin1'), cwd: g.semihostRoot === null ? undefined : guestPath(g.semihostRoot) });
  };

  it('records the same run, and each recording replays exactly in the other mode', async () => {
    const on = await record('on');
    const off = await record('off');
    expect(on.status).toBe(g.expectedExitCode);
    expect(off.status).toBe(g.expectedExitCode);
    // The wall clock is a host input: only guests without host inputs print and record the same both times.
    if (!g.hostInputs) {
      expect(on.stdout).toBe(off.stdout);
      expect(essence(file('on'))).toEqual(essence(file('off')));
    }
    for (const [recorded, replayMode] of [['on', 'off'], ['off', 'on']] as const) {
      const r = await runCli(['replay', '--jit', replayMode, '--verify', file(recorded)]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(g.expectedExitCode);
      expect(r.stdout).toBe(recorded === 'on' ? on.stdout : off.stdout);
    }
  }, 120_000);
});
