import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { record } from '../src/api/index.js';
import { WatchKind } from '../src/memory/ram-watch.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Replayer } from '../src/replay/replayer.js';
import { fullDigest } from '../src/replay/state-check.js';
import { DensityPolicy } from '../src/timeline/checkpoint-policy.js';
import { Timeline } from '../src/timeline/timeline.js';
import { REPO } from './support/cli.js';
import { asm, bytesOf } from './support/encode.js';
import { makeElf } from './support/make-elf.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-timeline-'));
const crc = join(dir, 'crc32.rvr');
const writes = join(dir, 'writes.rvr');

/** Writes one word four ways (store, AMO, SC, semihosting READ from the console), then powers off. */
const WRITES = asm(`
  lui s0, 0x80100
  li t0, 0x11
  sw t0, 0(s0)
  li t0, 0x22
  amoadd.w zero, t0, (s0)
  lr.w t1, (s0)
  li t0, 0x44
  sc.w t2, t0, (s0)
  lui s1, 0x80101
  lui t0, 0x747
  addi t0, t0, 0x43a
  sw t0, 0(s1)
  sw s1, 16(s1)
  sw zero, 20(s1)
  li t0, 3
  sw t0, 24(s1)
  li a0, 1
  addi a1, s1, 16
  slli x0, x0, 0x1f
  ebreak
  srai x0, x0, 7
  sw a0, 32(s1)
  sw a0, 36(s1)
  sw s0, 40(s1)
  li t0, 4
  sw t0, 44(s1)
  li a0, 6
  addi a1, s1, 36
  slli x0, x0, 0x1f
  ebreak
  srai x0, x0, 7
  lui t0, 0x100
  lui t1, 0x5
  addi t1, t1, 0x555
  sw t1, 0(t0)
halt: j halt
`, 0x80000000);

beforeAll(async () => {
  await record({ program: join(REPO, 'guests', 'build', 'crc32.elf'), args: ['2'], output: crc });
  const elf = join(dir, 'writes.elf');
  writeFileSync(elf, makeElf({ segments: [{ paddr: 0x80000000, data: bytesOf(WRITES) }] }));
  await record({ program: elf, output: writes, input: 'at 0 "WXYZ"\n' });
});

const fullDigestAt = (t: Timeline) => fullDigest(t.vm);

/** The full state digest of a straight replay to `icount`. */
function straight(file: string, icount: number): string {
  const r = new Replayer(RecordingReader.open(file));
  r.vm.board.onConsole = () => {};
  r.replay(icount);
  return fullDigest(r.vm);
}

describe('reverse stepping (as QEMU tests reverse debugging)', () => {
  it('retraces 1,000 forward steps exactly backwards', async () => {
    const t = new Timeline(RecordingReader.open(crc));
    await t.seek(50_000);
    const forward: number[] = [t.vm.board.hart.pc];
    for (let i = 0; i < 1000; i++) {
      await t.stepForward();
      forward.push(t.vm.board.hart.pc);
    }
    const backward: number[] = [t.vm.board.hart.pc];
    for (let i = 0; i < 1000; i++) {
      await t.stepBack();
      backward.push(t.vm.board.hart.pc);
    }
    expect(backward).toEqual([...forward].reverse());
    expect(t.icount).toBe(50_000);
  });

  it('reverse-continue stops at the last of several breakpoints', async () => {
    const t = new Timeline(RecordingReader.open(crc));
    const stepped: { icount: number; pc: number }[] = [];
    await t.seek(20_000);
    for (let i = 0; i < 300; i++) {
      await t.stepForward();
      stepped.push({ icount: t.icount, pc: t.vm.board.hart.pc >>> 0 });
    }
    // Three breakpoints on pcs reached in that span: the last time any of them is reached before now wins.
    const chosen = [stepped[40]!.pc, stepped[120]!.pc, stepped[200]!.pc];
    for (const pc of chosen) t.breakpoints.add(pc);
    const origin = t.icount;
    const stop = await t.reverseContinue();
    const expected = stepped.filter((s) => chosen.includes(s.pc) && s.icount < origin).at(-1)!;
    expect(stop.kind).toBe('breakpoint');
    expect(stop.icount).toBe(expected.icount);
    expect(t.vm.board.hart.pc >>> 0).toBe(expected.pc);
    // Forward continue from there goes to the next hit, not the same one.
    const next = await t.continueForward();
    expect(next.kind).toBe('breakpoint');
    expect(next.icount).toBeGreaterThan(expected.icount);
  });
});

describe('seek', () => {
  it('reaches the same state as a straight replay, at random icounts, across checkpoint evictions', async () => {
    const end = RecordingReader.open(crc).lastIcount();
    // A tiny budget and spacing force evictions and merges.
    const t = new Timeline(RecordingReader.open(crc), { policy: new DensityPolicy({ budgetBytes: 200_000, spacing: 100_000, denseSpacing: 20_000, denseSpan: 100_000 }) });
    let seed = 7;
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % end; };
    for (let i = 0; i < 12; i++) {
      const target = next();
      await t.seek(target);
      expect(t.icount).toBe(target);
      expect(fullDigest(t.vm)).toBe(straight(crc, target));
    }
    expect(t.store.memoryBytes).toBeLessThanOrEqual(200_000 + 100_000);
  });
});

describe('lastWrite', () => {
  const target = 0x80100000;
  it.each([
    ['a store', 0x11, 1],
    ['an AMO', 0x33, 2],
    ['a store-conditional', 0x44, 3],
    ['a semihosting READ into guest memory', 0x5a595857, 4],
  ] as const)('finds %s', async (_what, value, nth) => {
    const t = new Timeline(RecordingReader.open(writes));
    // Walk forward, recording every write to the word, then ask from the end.
    const seen: { icount: number; pc: number }[] = [];
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    for (;;) {
      const stop = await t.continueForward();
      if (stop.kind !== 'watchpoint') break;
      seen.push({ icount: stop.access!.icount, pc: stop.access!.pc });
    }
    t.watchpoints.length = 0;
    expect(seen.length).toBeGreaterThanOrEqual(4);
    await t.seek(nth < seen.length ? seen[nth]!.icount : t.end); // just before the next write, or the end
    const w = await t.lastWrite(target, 4);
    expect(w).toBeDefined();
    expect(w!.icount).toBe(seen[nth - 1]!.icount);
    expect(w!.pc).toBe(seen[nth - 1]!.pc);
    const mem = t.vm.board.ram.read(target, 4);
    expect(new DataView(mem.buffer).getUint32(0, true)).toBe(value >>> 0);
  });
});

describe('watchpoint timing', () => {
  const target = 0x80100000;
  /** Every write to the word, forward, with the default timing: [icount of the writer, pc]. */
  async function writers(): Promise<{ icount: number; pc: number }[]> {
    const t = new Timeline(RecordingReader.open(writes));
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    const seen: { icount: number; pc: number }[] = [];
    for (;;) {
      const stop = await t.continueForward();
      if (stop.kind !== 'watchpoint') return seen;
      expect(stop.icount).toBe(stop.access!.icount + 1); // completed: just after the writer
      seen.push({ icount: stop.access!.icount, pc: stop.access!.pc });
    }
  }

  it('pending: forward stops just before the writer, reverse just after it, and the trigger fires where it stands', async () => {
    const seen = await writers();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const t = new Timeline(RecordingReader.open(writes), { watchTiming: 'pending' });
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    const first = await t.continueForward();
    expect(first.kind).toBe('watchpoint');
    expect(t.icount).toBe(seen[0]!.icount);
    expect(t.vm.board.hart.pc >>> 0).toBe(seen[0]!.pc);
    // Resuming without stepping over the access triggers again at once, as a hardware trigger does.
    expect((await t.continueForward()).icount).toBe(seen[0]!.icount);
    const stepOver = async () => {
      const saved = t.watchpoints.splice(0);
      await t.stepForward();
      t.watchpoints.push(...saved);
    };
    await stepOver();
    const second = await t.continueForward();
    expect(second.icount).toBe(seen[1]!.icount);
    await stepOver();
    // Backwards: the write just made is the first one crossed; the stop is after it.
    const back = await t.reverseContinue();
    expect(back.kind).toBe('watchpoint');
    expect(back.access!.icount).toBe(seen[1]!.icount);
    expect(t.icount).toBe(seen[1]!.icount + 1);
    t.watchpoints.length = 0;
    await t.stepBack();
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    const earlier = await t.reverseContinue();
    expect(earlier.access!.icount).toBe(seen[0]!.icount);
    expect(t.icount).toBe(seen[0]!.icount + 1);
  });

  it('pending: a single step across a watched access stops for it without moving, either way', async () => {
    const seen = await writers();
    const t = new Timeline(RecordingReader.open(writes), { watchTiming: 'pending' });
    await t.seek(seen[0]!.icount);
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    const onto = await t.stepForward();
    expect(onto.kind).toBe('watchpoint');
    expect(t.icount).toBe(seen[0]!.icount);
    t.watchpoints.length = 0;
    expect((await t.stepForward()).kind).toBe('step');
    expect(t.icount).toBe(seen[0]!.icount + 1);
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    const back = await t.stepBack();
    expect(back.kind).toBe('watchpoint');
    expect(t.icount).toBe(seen[0]!.icount + 1);
    // Steps that touch nothing watched move as usual.
    expect((await t.stepForward()).kind).toBe('step');
    expect(t.icount).toBe(seen[0]!.icount + 2);
    expect((await t.stepBack()).kind).toBe('step');
    expect(t.icount).toBe(seen[0]!.icount + 1);
    expect(fullDigestAt(t)).toBe(straight(writes, seen[0]!.icount + 1));
  });

  it('completed (the default): reverse stops at the writer, and resuming from there does not stop for it again', async () => {
    const seen = await writers();
    const t = new Timeline(RecordingReader.open(writes));
    t.watchpoints.push({ address: target, length: 4, kind: WatchKind.Write });
    await t.seek(seen[2]!.icount);
    const back = await t.reverseContinue();
    expect(t.icount).toBe(seen[1]!.icount);
    expect(back.access!.pc).toBe(seen[1]!.pc);
    expect((await t.continueForward()).icount).toBe(seen[1]!.icount + 1);
  });
});

describe('cancellation', () => {
  it('stops a long reverse-continue promptly and leaves the timeline where it was', async () => {
    const t = new Timeline(RecordingReader.open(crc));
    await t.seek(t.end);
    const origin = t.icount;
    t.breakpoints.add(0x12345678); // never reached: a reverse-continue over everything
    const controller = new AbortController();
    let slices = 0;
    const stop = await t.reverseContinue({ signal: controller.signal, progress: () => { if (++slices === 2) controller.abort(); } });
    expect(stop.kind).toBe('cancelled');
    expect(slices).toBeLessThanOrEqual(3);
    expect(t.icount).toBe(origin);
    expect(fullDigest(t.vm)).toBe(straight(crc, origin));
  });
});

describe('stored checkpoints', () => {
  it('make seeks agree with straight replays, and are verified on first use', async () => {
    const { copyFileSync } = await import('node:fs');
    const { indexRecording } = await import('../src/timeline/indexer.js');
    const indexed = join(dir, 'indexed.rvr');
    copyFileSync(crc, indexed);
    const r = indexRecording(indexed, 400_000);
    expect(r.checkpoints).toBeGreaterThanOrEqual(5);
    const t = new Timeline(RecordingReader.open(indexed));
    expect(t.storedCheckpoints).toBe(r.checkpoints);
    for (const target of [1_900_000, 450_000, 2_250_000, 1_200_001]) {
      await t.seek(target);
      expect(fullDigest(t.vm)).toBe(straight(crc, target));
    }
  });

  it('are refused when they do not match their digest', async () => {
    const { indexRecording } = await import('../src/timeline/indexer.js');
    const { copyFileSync } = await import('node:fs');
    const { RecordingWriter } = await import('../src/replay/recording-file.js');
    const { decodeCheckpoint, encodeCheckpoint } = await import('../src/replay/checkpoint-file.js');
    const indexed = join(dir, 'to-damage.rvr');
    copyFileSync(crc, indexed);
    indexRecording(indexed, 1_000_000);
    // Rewrite with one checkpoint whose RAM differs from what its digest says.
    const reader = RecordingReader.open(indexed);
    const damaged = join(dir, 'damaged-checkpoint.rvr');
    const w = RecordingWriter.create(damaged, reader.header);
    const img = reader.programImage();
    w.writeImage(img.meta, img.bytes);
    for (const c of reader.chunks()) w.writeEvents(c);
    for (const { icount, data } of reader.checkpoints()) {
      const cp = decodeCheckpoint(data);
      const ram = new Uint8Array(cp.state.touched.length * 4096);
      for (const [p, bytes] of cp.pages) ram.set(bytes, p * 4096);
      const first = [...cp.pages.keys()][0]!;
      ram[first * 4096] ^= 0xff;
      w.writeCheckpoint(icount, encodeCheckpoint(cp.state, ram, cp.digest));
    }
    w.writeFooter(reader.footer!);
    w.close();
    const t = new Timeline(RecordingReader.open(damaged));
    await expect(t.seek(1_500_000)).rejects.toThrow(/checkpoint at icount 1000000 does not match its digest/);
  });
});

describe('fork', () => {
  it('continues from any point with new input into a new recording that replays exactly', async () => {
    const { forkRecorder } = await import('../src/timeline/fork.js');
    const { LiveHost } = await import('../src/host/live-host.js');
    const { ScriptedConsole, parseConsoleScript } = await import('../src/host/console-script.js');
    const { replay } = await import('../src/api/index.js');
    const original = join(dir, 'echo.rvr');
    await record({ program: join(REPO, 'guests', 'build', 'uart-echo.elf'), output: original, input: 'at 0 "abc\\n"\nat 0 "q"\n' });
    const before = replay(original);
    const t = new Timeline(RecordingReader.open(original));
    t.catchpoints = { console: true };
    for (let i = 0; i < 10; i++) await t.continueForward(); // into the banner
    const at = t.icount;
    const console = new ScriptedConsole(parseConsoleScript('at 0 "xyz\\n"\nat 0 "q"\n'));
    const host = new LiveHost({ commandLine: 'uart-echo', console });
    const forked = join(dir, 'forked.rvr');
    const recorder = forkRecorder(t, { output: forked, source: host });
    let out = '';
    recorder.vm.board.onConsole = (b) => { out += Buffer.from(b).toString('latin1'); };
    for (;;) {
      const stop = recorder.runUntil(recorder.vm.board.hart.icount + 1_000_000);
      if (stop.kind === 'exit') { recorder.finish('exit', stop.status); break; }
      if (stop.kind === 'wait-input') await console.wait();
    }
    const again = replay(forked);
    expect(again.stdout.endsWith(out)).toBe(true);
    expect(again.stdout).toContain('XYZ');
    expect(again.stdout).not.toContain('ABC');
    expect(at).toBeGreaterThan(0);
    // The original is untouched, and the timeline still stands where it was.
    expect(replay(original).digest).toBe(before.digest);
    expect(t.icount).toBe(at);
  });
});

describe('several clients on one timeline', () => {
  it('stop for the union of their points; replacing one client’s leaves the others’', () => {
    const t = new Timeline(RecordingReader.open(crc));
    const editor = {};
    const commands = {};
    t.setPointsOf(editor, { breakpoints: [0x80000010, 0x80000020], watchpoints: [], catchpoints: { traps: new Set([8]), interruptCauses: new Set([7]) } });
    t.setPointsOf(commands, { breakpoints: [0x80000020, 0x80000030], watchpoints: [{ address: 0x80200000, length: 4, kind: WatchKind.Write }], catchpoints: { traps: new Set([2]), privilege: true } });
    expect([...t.breakpoints].sort()).toEqual([0x80000010, 0x80000020, 0x80000030]);
    expect(t.watchpoints).toHaveLength(1);
    expect(t.catchpoints).toEqual({ traps: new Set([8, 2]), interruptCauses: new Set([7]), privilege: true });
    t.setPointsOf(editor, { breakpoints: [], watchpoints: [], catchpoints: { traps: 'all', interrupts: true } });
    expect([...t.breakpoints].sort()).toEqual([0x80000020, 0x80000030]);
    expect(t.catchpoints).toEqual({ traps: 'all', interrupts: true, privilege: true });
    expect(t.pointsOf(commands).watchpoints).toHaveLength(1);
    expect(t.pointsOf({}).breakpoints).toEqual([]);
  });
});
