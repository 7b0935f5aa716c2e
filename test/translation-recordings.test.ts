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
import { record } from '../src/api/index.js';
import { defaultTranslation, setDefaultTranslation } from '../src/hart/translation-cache.js';
import { contentsOf } from '../src/replay/recording-contents.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Replayer } from '../src/replay/replayer.js';
import { fullDigest } from '../src/replay/state-check.js';
import { Timeline } from '../src/timeline/timeline.js';
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

describe('time travel with translation', () => {
  it('a checkpoint restore keeps the translated code of pages whose bytes it leaves as they are', async () => {
    const previous = defaultTranslation();
    setDefaultTranslation({ enabled: true, hotThreshold: 0 });
    try {
      const file = join(dir, 'crc32-time-travel.rvr');
      await record({ program: guestPath('build/crc32.elf'), args: ['4'], output: file });
      const t = new Timeline(RecordingReader.open(file));
      const hart = t.vm.board.hart;
      expect(hart.translating).toBe(true);
      const middle = Math.floor(t.end / 2);
      await t.seek(middle);
      const translated = hart.translationStats!.regions;
      expect(translated).toBeGreaterThan(0);
      // Back (a restore) and forward over code that has run: nothing needs translating again, but
      // for the one-block tails where a seek stops in the middle of a block (forgetting everything
      // would translate all of it again).
      await t.seek(Math.floor(t.end / 4));
      await t.seek(middle);
      expect(hart.translationStats!.regions).toBeLessThanOrEqual(translated + 2);
      // And the state is exact: the same as a straight replay with the interpreter alone.
      setDefaultTranslation({ enabled: false });
      const straight = new Replayer(RecordingReader.open(file));
      straight.vm.board.onConsole = () => {};
      straight.replay(middle);
      expect(fullDigest(t.vm)).toBe(fullDigest(straight.vm));
    } finally {
      setDefaultTranslation(previous);
    }
  });
});
