/**
 * The adapter's requests for the VS Code extension's Timeline view, through
 * DebugClient on the stdio adapter: `timelineEvents` on a live session (whose
 * recording grows) and on a replay, seeking to a listed event, and source
 * paths that follow the launch's `cwd` rather than the adapter's own working
 * directory (the extension runs the adapter inside VS Code's extension host).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEventsBody } from '../adapter/src/timeline-events.js';
import { contentsOf } from '../src/replay/recording-contents.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { MachineEventScanner } from '../src/timeline/machine-events.js';
import { REPO } from './support/cli.js';

const ADAPTER = join(REPO, 'dist', 'adapter', 'src', 'stdio.js');
const SOURCE = join(REPO, 'guests', 'symbols', 'symbols.c');
const ELF = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
const MINI_KERNEL = join(REPO, 'recordings', 'mini-kernel.rvr');
const RECURSE_IF = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('if (depth == 0) return leaf(depth, next);')) + 1;

let dc: DebugClient;

afterEach(async () => {
  await dc?.stop();
});

async function start(cwd = REPO): Promise<void> {
  dc = new DebugClient('node', ADAPTER, 'retrovisor', { cwd });
  await dc.start();
  await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsInvalidatedEvent: true });
}

/** Launches, sets breakpoints in `source`, and returns the first stop and the position event after it. */
async function launch(args: Record<string, unknown>, source?: string, lines: number[] = []): Promise<{ stop: DebugProtocol.StoppedEvent; position: DebugProtocol.Event }> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  const position = dc.waitForEvent('retrovisor.position');
  await dc.launchRequest({ console: 'none', ...args } as DebugProtocol.LaunchRequestArguments);
  if (source !== undefined) await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: lines.map((line) => ({ line })) });
  await dc.configurationDoneRequest();
  return { stop: await stopped, position: await position };
}

async function timelineEvents(args: Record<string, unknown> = {}): Promise<TimelineEventsBody> {
  return (await dc.customRequest('timelineEvents', args)).body as TimelineEventsBody;
}

describe('timelineEvents', () => {
  it('lists a live session’s events up to the furthest point, and more as it runs on', async () => {
    await start();
    const { stop, position } = await launch({ program: ELF }, SOURCE, [RECURSE_IF]);
    expect(stop.body.reason).toBe('breakpoint');
    const furthest = (position.body as { furthest: number }).furthest;

    const early = await timelineEvents();
    expect(early).toMatchObject({ live: true, complete: true, truncated: false, end: furthest, scannedTo: furthest });
    expect(early.events.map((e) => e.kind)).toEqual(['input']);
    expect(early.events[0]!.summary).toMatch(/^command-line "/);
    expect(early.events[0]!.pc).toMatch(/^0x8[0-9a-f]{7}$/);

    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const exited = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    expect((await exited).body.description).toBe('the guest exited with status 0');
    const all = await timelineEvents();
    expect(all.end).toBeGreaterThan(furthest);
    expect(all.events.map((e) => e.kind)).toEqual(['input', 'console', 'end']);
    expect(all.events[1]!.summary).toMatch(/^console output "symbols: total -?\d+, calls \d+"$/);

    // Seeking to a listed event puts the session there.
    const moved = dc.waitForEvent('retrovisor.position');
    await dc.customRequest('seek', { icount: all.events[1]!.icount });
    expect((await moved).body).toMatchObject({ icount: all.events[1]!.icount });
  });

  it('lists a replay’s events as the engine finds them, with traps, interrupts and privilege changes', async () => {
    await start();
    await launch({ recording: MINI_KERNEL });
    const body = await timelineEvents();
    const scan = await new MachineEventScanner(contentsOf(RecordingReader.open(MINI_KERNEL))).scanTo(Infinity);
    expect(body).toMatchObject({ live: false, complete: true, truncated: false, end: scan.scannedTo, scannedTo: scan.scannedTo });
    expect(body.events.map((e) => [e.icount, e.kind, e.summary])).toEqual(scan.events.map((e) => [e.icount, e.kind, e.summary]));
    expect(new Set(body.events.map((e) => e.kind))).toEqual(new Set(['input', 'trap', 'interrupt', 'privilege', 'console', 'end']));

    const capped = await timelineEvents({ maxEvents: 5 });
    expect(capped.truncated).toBe(true);
    expect(capped.events.length).toBeLessThanOrEqual(5);
  });

  it('refuses a bad maxEvents and a session that has not launched, with a message', async () => {
    await start();
    await expect(dc.customRequest('timelineEvents', {})).rejects.toThrow(/launch first/);
    await launch({ recording: MINI_KERNEL });
    await expect(dc.customRequest('timelineEvents', { maxEvents: 0 })).rejects.toThrow(/"maxEvents" must be a positive integer/);
  });
});

describe('source paths', () => {
  it('resolve against the launch cwd, not the adapter process’s working directory', async () => {
    // A copy of the sources laid out as the debug information names them (guests/symbols/symbols.c).
    const workspace = mkdtempSync(join(tmpdir(), 'rv-dap-ws-'));
    mkdirSync(join(workspace, 'guests', 'symbols'), { recursive: true });
    const copy = join(workspace, 'guests', 'symbols', 'symbols.c');
    copyFileSync(SOURCE, copy);
    // The adapter runs in the repository, which has its own guests/symbols/symbols.c.
    await start(REPO);
    const { stop } = await launch({ program: ELF, cwd: workspace }, copy, [RECURSE_IF]);
    expect(stop.body.reason).toBe('breakpoint');
    const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect(top.name).toBe('recurse');
    expect(top.source?.path).toBe(copy);
  });
});
