/**
 * Debugger writes: in a live recorded session, at its frontier, a debugger may
 * change registers and memory. Each change is logged as an input
 * (debugger-write), so the saved recording replays the edited run exactly;
 * everywhere else (a replay, the recorded past) changes are refused.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../src/api/index.js';
import { DebugTarget, TargetError } from '../src/debugger/debug-target.js';
import { InputSource } from '../src/host/host-input.js';
import { LiveHost } from '../src/host/live-host.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { REPO, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-writes-'));
const SOURCE = join(REPO, 'guests', 'symbols', 'symbols.c');
const ELF = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
const lineOf = (text: string) => readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const PRINTF = lineOf('printf("symbols: total');

function liveTarget(): { target: DebugTarget; output: () => string } {
  let out = '';
  const target = new DebugTarget({
    program: ELF,
    host: new LiveHost({ commandLine: ELF }),
    onOutput: (text) => { out += text; },
  });
  return { target, output: () => out };
}

async function stopAtPrintf(target: DebugTarget): Promise<number> {
  const [bp] = target.setSourceBreakpoints(SOURCE, [{ line: PRINTF }]);
  expect(bp!.verified).toBe(true);
  const stop = await target.continue();
  expect(stop.kind).toBe('breakpoint');
  target.setSourceBreakpoints(SOURCE, []);
  return target.icount;
}

describe('debugger writes in a live session', () => {
  it('change a local, a global, memory and a register, and the saved recording replays the edited run', async () => {
    const { target, output } = liveTarget();
    const at = await stopAtPrintf(target);
    expect(target.writable).toBe(true);
    const original = target.evaluate('total', 0).value;
    expect(target.assign('total', '1234', 0).value).toBe('1234');
    expect(target.assign('g_short', '-300', 0).value).toBe('-300');
    expect(target.assign('g_points[2].x', '0x41', 0).value).toBe('65');
    // Memory: the bytes of g_buffer, read back through the debugger.
    const buffer = target.evaluate('&g_buffer', 0).value.match(/0x[0-9a-f]+/)![0];
    expect(target.writeMemory(Number(buffer), new TextEncoder().encode('xyz'))).toBe(3);
    expect(target.evaluate('g_buffer', 0).value).toBe('"xyz", \'\\000\' <repeats 12 times>');
    // A register (s1 is callee-saved and unused by main at -O0 until later: any value replays).
    target.assign('$s1', '0x5a5a', 0);
    expect(target.evaluate('$s1', 0).value).toBe('23130');
    expect(target.icount).toBe(at);

    const end = await target.continue();
    expect(end.kind).toBe('exit');
    expect(output()).toContain('symbols: total 1234, calls');
    const file = join(dir, 'edited.rvr');
    await target.saveRecording(file);

    const sources = [...RecordingReader.open(file).chunks()].flatMap((c) => c.events).filter((e) => e.source === InputSource.DebuggerWrite);
    expect(sources.length).toBe(5);
    expect(new Set(sources.map((e) => e.icount))).toEqual(new Set([at]));
    for (let i = 0; i < 3; i++) {
      const r = replay(file);
      expect(r.stdout).toBe(output());
      expect(r.icount).toBe(end.icount);
    }
    const cli = await runCli(['replay', '--verify', file]);
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain('symbols: total 1234, calls');
    expect(cli.status).toBe(0);
    expect(original).not.toBe('1234');
  });

  it('show the change whenever the timeline arrives at its icount, and the old value before it', async () => {
    const { target } = liveTarget();
    const at = await stopAtPrintf(target);
    const before = target.evaluate('total', 0).value;
    target.assign('total', '77', 0);
    await target.continue();
    await target.seek(at - 1);
    expect(target.evaluate('total', 0).value).toBe(before);
    await target.seek(0);
    await target.seek(at);
    expect(target.evaluate('total', 0).value).toBe('77');
  });

  it('made together at one icount all show when the timeline arrives there again, from before or after', async () => {
    const { target } = liveTarget();
    const at = await stopAtPrintf(target);
    target.writeRegister(5, 0x11111111);
    target.writeRegister(6, 0x22222222);
    target.writeMemory(0x80200000, Uint8Array.of(1, 2, 3));
    target.writeRegister(7, 0x33333333);
    const state = () => [...[5, 6, 7].map((i) => target.registers().x[i]), ...target.readMemory(0x80200000, 3).data];
    const edited = state();
    expect(edited).toEqual([0x11111111, 0x22222222, 0x33333333, 1, 2, 3]);
    await target.seek(at - 1);
    expect(state()).not.toEqual(edited);
    await target.seek(at);
    expect(state()).toEqual(edited);
    await target.seek(at + 5);
    await target.seek(at);
    expect(state()).toEqual(edited);
    await target.seek(0);
    await target.seek(at);
    expect(state()).toEqual(edited);
  });

  it('are refused in the recorded past, with a message that says where changes are possible', async () => {
    const { target } = liveTarget();
    const at = await stopAtPrintf(target);
    await target.seek(at - 3);
    expect(target.writable).toBe(false);
    expect(() => target.assign('total', '1', 0)).toThrow(TargetError);
    expect(() => target.assign('total', '1', 0)).toThrow(new RegExp(`icount ${at - 3} is in this session's recorded past.*icount ${at}`));
    expect(() => target.writeMemory(0x80200000, new Uint8Array([1]))).toThrow(/recorded past/);
    await target.seek(at);
    expect(target.writable).toBe(true);
  });

  it('made at the very end of a saved session replay (all of them, not only the first)', async () => {
    const { target } = liveTarget();
    const at = await stopAtPrintf(target);
    target.writeMemory(0x80200000, Uint8Array.of(7, 8, 9));
    target.writeRegister(5, 0x11111111);
    target.writeRegister(6, 0x22222222);
    const file = join(dir, 'edited-at-end.rvr');
    await target.saveRecording(file);
    const r = replay(file);
    expect(r.icount).toBe(at);
    expect(r.registers![5]! >>> 0).toBe(0x11111111);
    expect(r.registers![6]! >>> 0).toBe(0x22222222);
    const cli = await runCli(['replay', '--verify', file]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
  });

  it('are refused once the guest has exited: nothing would run after them', async () => {
    const { target } = liveTarget();
    const end = await target.continue();
    expect(end.kind).toBe('exit');
    expect(target.icount).toBe(target.timeline.furthest);
    expect(target.writable).toBe(false);
    expect(() => target.writeMemory(0x80200000, new Uint8Array([1]))).toThrow(/the guest has stopped for good here/);
    expect(() => target.assign('$s1', '1', 0)).toThrow(/the guest has stopped for good here/);
  });

  it('take C expressions on both sides, converted as C assigns', async () => {
    const { target } = liveTarget();
    await stopAtPrintf(target);
    expect(target.assign('total', '(int)(2.9 * 2)', 0).value).toBe('5');
    expect(target.assign('g_short', 'g_ushort', 0).value).toBe('-1');
    expect(target.assign('*&g_points[3].y', 'g_points[3].x << 2', 0).value).toBe('28');
    expect(target.assign('g_big', '1e18 * 2', 0).value).toBe('2000000000000000000');
    expect(target.assign('g_ubig', '-1', 0).value).toBe('18446744073709551615');
    expect(target.assign('g_flag', '0.0', 0).value).toBe('false');
    expect(target.assign('g_color', 'GREEN', 0).value).toBe('GREEN');
    expect(() => target.assign('total', 'g_counter = 1', 0)).toThrow(/assignment `=' is not evaluated/);
  });

  it('refuse what cannot be changed', async () => {
    const { target } = liveTarget();
    await stopAtPrintf(target);
    expect(() => target.assign('$zero', '1', 0)).toThrow(/hard-wired to zero/);
    expect(() => target.assign('$mstatus', '1', 0)).toThrow(/only x1-x31 and the pc/);
    expect(() => target.assign('g_shape.bits.kind', '1', 0)).toThrow(/not an object in memory or in a register/);
    expect(() => target.assign('g_points', '1', 0)).toThrow(/cannot assign a value of type int to an object of type struct point \[4\]/);
    expect(() => target.writeMemory(0x10000000, new Uint8Array([0x41]))).toThrow(/cannot write 0x10000000: not RAM/);
    expect(() => target.assign('no_such', '1', 0)).toThrow(/No symbol "no_such"/);
  });
});

describe('debugger writes in a replay', () => {
  it('are refused: the recording is fixed', async () => {
    const { target } = liveTarget();
    await stopAtPrintf(target);
    await target.continue();
    const file = join(dir, 'plain.rvr');
    await target.saveRecording(file);
    const replayed = new DebugTarget({ recording: file });
    await replayed.seek(100);
    expect(replayed.writable).toBe(false);
    expect(() => replayed.assign('g_short', '1', 0)).toThrow(/while replaying a recording/);
  });
});
