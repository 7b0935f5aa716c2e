/**
 * The machine events of a recording (src/timeline/machine-events.ts), as a
 * timeline view lists them: every event is checked against the machine state
 * a seek to its icount shows, console lines against the recorded output, and
 * scans that are cut (by a cap, a cancellation, a live recording that grows)
 * against one full scan.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { INTERRUPT_BIT } from '../src/hart/trap.js';
import { ScriptedConsole, parseConsoleScript } from '../src/host/console-script.js';
import { InputSource } from '../src/host/host-input.js';
import { LiveHost } from '../src/host/live-host.js';
import { contentsOf, liveContents, type RecordingContents } from '../src/replay/recording-contents.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { MachineEventScanner, type MachineEvent, type MachineEventScan } from '../src/timeline/machine-events.js';
import { Timeline } from '../src/timeline/timeline.js';
import { REPO } from './support/cli.js';

const MINI_KERNEL = join(REPO, 'recordings', 'mini-kernel.rvr');
const TIMER = join(REPO, 'recordings', 'timer.rvr');
const MCAUSE = 0x342;
const MEPC = 0x341;
const MTVEC = 0x305;
const PRIV_LETTER: Record<number, string> = { 0: 'U', 1: 'S', 3: 'M' };

const open = (file: string): RecordingContents => contentsOf(RecordingReader.open(file));
const scanAll = (file: string, maxEvents?: number): Promise<MachineEventScan> => new MachineEventScanner(open(file), { maxEvents }).scanTo(Infinity);
const of = (events: readonly MachineEvent[], kind: MachineEvent['kind']) => events.filter((e) => e.kind === kind);

/**
 * `part` lists what `full` lists up to part.scannedTo; a console line still being
 * written there shows the text so far.
 */
function expectPrefix(part: MachineEventScan, full: MachineEventScan): void {
  const expected = full.events.filter((e) => e.icount <= part.scannedTo);
  expect(part.events.map((e) => [e.icount, e.kind])).toEqual(expected.map((e) => [e.icount, e.kind]));
  part.events.forEach((e, i) => {
    if (e.kind === 'console') expect(expected[i]!.text!.startsWith(e.text!)).toBe(true);
    else expect(e).toEqual(expected[i]);
  });
}

describe('the machine events of the mini-kernel recording', () => {
  let scan: MachineEventScan;
  let timeline: Timeline;
  beforeAll(async () => {
    scan = await scanAll(MINI_KERNEL);
    timeline = new Timeline(RecordingReader.open(MINI_KERNEL));
  });

  it('covers the whole recording, in icount order, and ends with the guest’s exit', () => {
    expect(scan.complete).toBe(true);
    expect(scan.truncated).toBe(false);
    expect(scan.scannedTo).toBe(timeline.end);
    const icounts = scan.events.map((e) => e.icount);
    expect(icounts).toEqual([...icounts].sort((a, b) => a - b));
    const last = scan.events[scan.events.length - 1]!;
    expect(last).toMatchObject({ kind: 'end', icount: timeline.end, summary: 'the guest exited with status 0' });
    expect(of(scan.events, 'end')).toHaveLength(1);
  });

  it('lists the recorded inputs', () => {
    const inputs = of(scan.events, 'input');
    const logged = open(MINI_KERNEL).events;
    expect(inputs.map((e) => e.icount)).toEqual(logged.map((e) => e.icount));
    expect(logged[0]!.source).toBe(InputSource.CommandLine);
    expect(inputs[0]!.summary).toBe('command-line "guests/build/mini-kernel.elf trace"');
  });

  it('has the console output line by line, as the recording printed it', () => {
    const lines = of(scan.events, 'console').map((e) => e.text);
    expect(`${lines.join('\n')}\n`).toBe(readFileSync(join(REPO, 'recordings', 'mini-kernel.stdout'), 'latin1'));
  });

  it('has each trap and interrupt where a seek shows the handler entered with that cause', async () => {
    const traps = [...of(scan.events, 'trap'), ...of(scan.events, 'interrupt')];
    // Its system calls are ecalls from U-mode (the monitor delivers them), and it reads mhartid from U-mode once.
    expect(of(scan.events, 'trap').filter((e) => e.summary === 'environment call from U-mode').length).toBeGreaterThan(10);
    expect(of(scan.events, 'trap').filter((e) => e.summary === 'illegal instruction')).toHaveLength(1);
    expect(of(scan.events, 'interrupt').length).toBeGreaterThan(0);
    const hart = timeline.vm.board.hart;
    for (const e of traps) {
      await timeline.seek(e.icount);
      expect(hart.priv, `${e.summary} at ${e.icount}`).toBe(3);
      expect(hart.peekCsr(MCAUSE)! >>> 0).toBe(e.cause);
      expect(hart.peekCsr(MEPC)! >>> 0).toBe(e.pc);
      expect(hart.pc >>> 0).toBe((hart.peekCsr(MTVEC)! & ~3) >>> 0);
      expect(((e.cause! & INTERRUPT_BIT) !== 0) === (e.kind === 'interrupt')).toBe(true);
      // One step earlier the trap had not been taken: the guest was in U-mode, or at the trapping pc.
      await timeline.seek(e.icount - 1);
      expect(hart.pc >>> 0 === e.pc || hart.priv !== 3).toBe(true);
    }
  });

  it('has each privilege change where the privilege differs from one step earlier', async () => {
    const changes = of(scan.events, 'privilege');
    expect(changes.length).toBeGreaterThan(20);
    const hart = timeline.vm.board.hart;
    for (const e of changes) {
      const [from, to] = e.summary.split(' -> ');
      await timeline.seek(e.icount - 1);
      expect(PRIV_LETTER[hart.priv], `before ${e.summary} at ${e.icount}`).toBe(from);
      await timeline.seek(e.icount);
      expect(PRIV_LETTER[hart.priv], `after ${e.summary} at ${e.icount}`).toBe(to);
    }
  });

  it('agrees with the timeline’s trap catchpoint, which stops at system calls too', async () => {
    await timeline.seek(0);
    timeline.catchpoints = { traps: 'all' };
    try {
      const stop = await timeline.continueForward();
      const first = of(scan.events, 'trap')[0]!;
      expect(first.summary).toBe('environment call from U-mode');
      expect(stop).toMatchObject({ kind: 'trap', icount: first.icount, detail: first.summary, cause: first.cause });
    } finally {
      timeline.catchpoints = {};
    }
  });
});

describe('machine event scans that stop early', () => {
  it('stop at the cap with a list that is complete up to where they say', async () => {
    const full = await scanAll(MINI_KERNEL);
    const capped = await scanAll(MINI_KERNEL, 10);
    expect(capped.truncated).toBe(true);
    expect(capped.complete).toBe(false);
    expect(capped.events.length).toBeLessThanOrEqual(10);
    expect(capped.events.length).toBeGreaterThan(5);
    expect(capped.events).toEqual(full.events.filter((e) => e.icount <= capped.scannedTo));
  });

  it('go on where they stopped: in parts, or after a cancellation, they find what one scan finds', async () => {
    const full = await scanAll(TIMER);
    const parts = new MachineEventScanner(open(TIMER));
    const half = await parts.scanTo(15_000);
    expect(half.complete).toBe(true);
    expect(half.scannedTo).toBe(15_000);
    expectPrefix(half, full);
    expect(await parts.scanTo(Infinity)).toEqual(full);

    const kernelFull = await scanAll(MINI_KERNEL);
    const cancelled = new MachineEventScanner(open(MINI_KERNEL));
    const controller = new AbortController();
    controller.abort();
    const partial = await cancelled.scanTo(Infinity, { signal: controller.signal });
    expect(partial.complete).toBe(false);
    expect(partial.scannedTo).toBeLessThan(kernelFull.scannedTo);
    expectPrefix(partial, kernelFull);
    expect(await cancelled.scanTo(Infinity)).toEqual(kernelFull);
  });
});

describe('machine events of a live session', () => {
  it('follow the recording as it grows, inputs typed later included', async () => {
    const program = join(REPO, 'guests', 'build', 'uart-echo.elf');
    const elf = new ElfFile(new Uint8Array(readFileSync(program)), program);
    const host = new LiveHost({ commandLine: 'uart-echo', console: new ScriptedConsole(parseConsoleScript('at 40000 "hi\\n"\nat 80000 "q"\n')) });
    const timeline = new Timeline(liveContents({ elf, programName: 'uart-echo', args: [], memory: 16 * 1024 * 1024, producer: 'test' }), {}, host);
    // Made before any input exists: the log it replays grows behind it.
    const scanner = new MachineEventScanner(timeline.contents);
    expect((await scanner.scanTo(timeline.furthest)).events).toEqual([]);

    // The script's input arrives as soon as the guest waits for it: partway through its lines.
    await timeline.seek(1_100);
    const early = await scanner.scanTo(timeline.furthest);
    expect(early).toMatchObject({ scannedTo: 1_100, complete: true });
    expect(of(early.events, 'input').length).toBeGreaterThan(0);
    expect(of(early.events, 'end')).toEqual([]);

    const stop = await timeline.continueForward();
    expect(stop.kind).toBe('exit');
    const all = await scanner.scanTo(timeline.furthest);
    expect(all.scannedTo).toBe(timeline.furthest);
    expect(of(all.events, 'input').map((e) => e.summary).join(' ')).toMatch(/^console "h.*q"$/);
    expect(of(all.events, 'input').length).toBeGreaterThan(of(early.events, 'input').length);
    expect(of(all.events, 'console').map((e) => e.text)).toContain('HI');
    expect(all.events[all.events.length - 1]).toMatchObject({ kind: 'end', summary: 'the guest exited with status 0' });
    host.close();
  });
});
