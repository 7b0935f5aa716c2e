/**
 * The rest of the DAP surface, end to end with DebugClient over stdio:
 * function, conditional, hit-count, log and instruction breakpoints, exception
 * filters and exceptionInfo, goto targets, restart, pause, paging, position
 * and invalidated events, debug-console commands, loaded sources, and errors
 * for requests that cannot be served.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, describe, expect, it } from 'vitest';
import { replay } from '../src/api/index.js';
import { REPO } from './support/cli.js';

const ADAPTER = join(REPO, 'dist', 'adapter', 'src', 'stdio.js');
const SOURCE = join(REPO, 'guests', 'symbols', 'symbols.c');
const SYMBOLS = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
const guest = (name: string) => join(REPO, 'guests', 'build', `${name}.elf`);
const dir = mkdtempSync(join(tmpdir(), 'rv-dapreq-'));
const lineOf = (text: string) => readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const L = {
  next: lineOf('struct point next = {'),
  leaf: lineOf('g_counter += depth + where.x;'),
  callRecurse: lineOf('total += recurse(3, origin);'),
  area: lineOf('total += area(&g_shape);'),
};

let dc: DebugClient;
afterEach(async () => {
  await dc?.stop();
});

async function start(args: Record<string, unknown>, configure: () => Promise<unknown> = async () => undefined): Promise<DebugProtocol.StoppedEvent> {
  dc = new DebugClient('node', ADAPTER, 'retrovisor', { cwd: REPO });
  await dc.start();
  await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsInvalidatedEvent: true });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ console: 'none', ...args } as DebugProtocol.LaunchRequestArguments);
  await configure();
  await dc.configurationDoneRequest();
  return stopped;
}

async function resume(send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await send();
  return stopped;
}

const top = async () => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
const evaluate = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch', frameId: (await top()).id })).body.result;

describe('breakpoints', () => {
  it('function breakpoints stop with their reason and id; unknown functions are not verified', async () => {
    let ids: number[] = [];
    const first = await start({ program: SYMBOLS }, async () => {
      const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'leaf' }, { name: 'no_such_function' }] });
      expect(r.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
      expect(r.body.breakpoints[1]!.message).toMatch(/no function no_such_function/);
      ids = r.body.breakpoints.map((b) => b.id!);
    });
    expect(first.body.reason).toBe('function breakpoint');
    expect(first.body.hitBreakpointIds).toEqual([ids[0]]);
    expect((await top()).name).toBe('leaf');
  });

  it('conditions, hit counts and logpoints', async () => {
    const output: string[] = [];
    const first = await start({ program: SYMBOLS, console: 'debugConsole' }, async () => {
      dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      await dc.setBreakpointsRequest({
        source: { path: SOURCE },
        breakpoints: [
          { line: L.next, logMessage: 'recurse depth={depth}' },
          { line: L.leaf, condition: 'depth' }, // depth is 0 in leaf: never stops
          { line: L.area, hitCondition: '1' },
        ],
      });
    });
    expect(first.body.reason).toBe('breakpoint');
    expect((await top()).line).toBe(L.area);
    expect(output.filter((o) => o.startsWith('recurse depth='))).toEqual(['recurse depth=3\n', 'recurse depth=2\n', 'recurse depth=1\n', 'recurse depth=0\n']);
  });

  it('hit counts count each execution once, even when the timeline runs a span again', async () => {
    const first = await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.next, hitCondition: '>= 3' }] });
    });
    expect(await evaluate('depth')).toBe('1');
    expect(first.body.reason).toBe('breakpoint');
    // Back before all hits, then forward again: the third execution is still the third (depth 1), not a sixth.
    await resume(() => dc.customRequest('seek', { icount: 0 }));
    await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(await evaluate('depth')).toBe('1');
    await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(await evaluate('depth')).toBe('0');
  });

  it('instruction breakpoints stop at the address', async () => {
    const entry = await start({ program: SYMBOLS, stopOnEntry: true });
    expect(entry.body.reason).toBe('entry');
    const dis = await dc.disassembleRequest({ memoryReference: (await evaluate('&leaf')).split(' ')[0]!, instructionCount: 4 });
    const third = dis.body.instructions[2]!.address;
    const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: third }] });
    expect(r.body.breakpoints[0].verified).toBe(true);
    const hit = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(hit.body.reason).toBe('instruction breakpoint');
    expect((await top()).instructionPointerReference).toBe(third);
  });
});

describe('exception filters', () => {
  it('stop at the traps asked for, and exceptionInfo describes them', async () => {
    const stopped = await start({ program: guest('mini-kernel') }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'trap', condition: '8' }] });
    });
    expect(stopped.body.reason).toBe('exception');
    expect(stopped.body.description).toBe('environment call from U-mode');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    expect(info.body.exceptionId).toBe('exception 8');
    expect(info.body.details?.message).toMatch(/^environment call from U-mode at pc 0x[0-9a-f]{8} .*tval 0x00000000, icount \d+$/);
    // Now interrupts only: the next stop is the timer.
    await dc.setExceptionBreakpointsRequest({ filters: ['interrupt'] });
    const irq = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(irq.body.description).toBe('machine timer interrupt');
    // Privilege changes: from M back to U on mret.
    await dc.setExceptionBreakpointsRequest({ filters: ['privilege'] });
    const priv = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(priv.body.description).toBe('privilege M -> U');
  });
});

describe('moving in time', () => {
  it('goto targets run to the next or back to the last execution of a line; restart goes to the start', async () => {
    await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.next }] });
    });
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const targets = await dc.gotoTargetsRequest({ source: { path: SOURCE }, line: L.leaf });
    expect(targets.body.targets.map((t) => t.id)).toEqual([1, 2]);
    const fwd = await resume(() => dc.gotoRequest({ threadId: 1, targetId: 1 }));
    expect(fwd.body.reason).toBe('goto');
    expect((await top()).line).toBe(L.leaf);
    await dc.gotoTargetsRequest({ source: { path: SOURCE }, line: L.callRecurse });
    await resume(() => dc.gotoRequest({ threadId: 1, targetId: 2 }));
    expect((await top()).line).toBe(L.callRecurse);
    const invalidated = dc.waitForEvent('invalidated');
    const restarted = await resume(() => dc.customRequest('restart'));
    expect(restarted.body.reason).toBe('entry');
    expect((await dc.customRequest('position')).body.icount).toBe(0);
    await invalidated;
  });

  it('pause stops a guest that waits for input, and position events follow every stop', async () => {
    await start({ program: guest('uart-echo'), stopOnEntry: true, console: 'debugConsole' });
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const position = dc.waitForEvent('retrovisor.position') as Promise<DebugProtocol.Event>;
    const paused = await resume(() => dc.pauseRequest({ threadId: 1 }));
    expect(paused.body.reason).toBe('pause');
    const p = (await position).body as { icount: number; pc: number };
    expect(p.icount).toBe((await dc.customRequest('position')).body.icount);
    expect(p.icount).toBeGreaterThan(0);
    expect(`0x${p.pc.toString(16).padStart(8, '0')}`).toBe((await top()).instructionPointerReference);
  });

  it('an instruction step moves one instruction; a seek announces invalidated state', async () => {
    await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.leaf }] });
    });
    const before = (await dc.customRequest('position')).body.icount as number;
    await resume(() => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    expect((await dc.customRequest('position')).body.icount).toBe(before + 1);
    await resume(() => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    expect((await dc.customRequest('position')).body.icount).toBe(before);
    const invalidated = dc.waitForEvent('invalidated') as Promise<DebugProtocol.InvalidatedEvent>;
    await resume(() => dc.customRequest('seek', { icount: 100 }));
    expect((await invalidated).body.areas).toContain('variables');
    await expect(dc.customRequest('seek', { icount: -1 })).rejects.toThrow(/non-negative integer "icount"/);
  });
});

describe('inspection', () => {
  it('pages stack frames, lists loaded sources, disassembles backwards, and runs debugger commands in the debug console', async () => {
    await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.leaf }] });
    });
    const all = await dc.stackTraceRequest({ threadId: 1 });
    expect(all.body.stackFrames.map((f) => f.name)).toEqual(['leaf', 'recurse', 'recurse', 'recurse', 'recurse', 'main']);
    const page = await dc.stackTraceRequest({ threadId: 1, startFrame: 2, levels: 2 });
    expect(page.body.stackFrames.map((f) => f.id)).toEqual(all.body.stackFrames.slice(2, 4).map((f) => f.id));
    expect(page.body.totalFrames).toBe(6);
    const sources: DebugProtocol.LoadedSourcesResponse = await dc.customRequest('loadedSources');
    expect(sources.body.sources.map((s) => s.path)).toContain(SOURCE);
    const pc = (await top()).instructionPointerReference!;
    const back = await dc.disassembleRequest({ memoryReference: pc, instructionOffset: -3, instructionCount: 4 });
    expect(back.body.instructions).toHaveLength(4);
    expect(back.body.instructions[3]!.address).toBe(pc);
    const bt = await dc.evaluateRequest({ expression: '!bt', context: 'repl' });
    expect(bt.body.result.split('\n')[0]).toMatch(/^#0 {2}leaf \(depth=0, where=\.\.\.\) at .*symbols\.c:\d+$/);
    const threads = await dc.threadsRequest();
    expect(threads.body.threads).toEqual([{ id: 1, name: 'hart 0' }]);
  });

  it('breakpoints set in the debug console and in the editor live side by side', async () => {
    await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.area }] });
    });
    expect((await top()).line).toBe(L.area);
    expect((await dc.evaluateRequest({ expression: '!break mul', context: 'repl' })).body.result).toMatch(/^breakpoint \d+ at 0x[0-9a-f]+/);
    // The editor replaces its breakpoints: the console's stays.
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.area }, { line: L.leaf }] });
    // The editor's condition at the same place does not hide the console's breakpoint.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mul', condition: 'a == 12345' }] });
    expect((await top()).name).toBe('main');
    const atMul = await resume(() => dc.continueRequest({ threadId: 1 }));
    // Stopped by the console's breakpoint: the editor's, whose condition is false here, is not reported as hit.
    expect(atMul.body.reason).toBe('breakpoint');
    expect(atMul.body.hitBreakpointIds ?? []).toEqual([]);
    expect((await top()).name).toBe('mul');
    // The console's catchpoints and the editor's exception filters add up too.
    await dc.evaluateRequest({ expression: '!catch priv', context: 'repl' });
    await dc.setExceptionBreakpointsRequest({ filters: ['trap'] });
    // Back: the editor's breakpoint on leaf (recurse ran before area), the console's on mul stays set.
    expect((await resume(() => dc.reverseContinueRequest({ threadId: 1 }))).body.reason).toBe('breakpoint');
    expect((await top()).line).toBe(L.area);
    await resume(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect((await top()).name).toBe('leaf');
    const info = (await dc.evaluateRequest({ expression: '!info breakpoints', context: 'repl' })).body.result;
    expect(info).toMatch(/^\d+ breakpoint 0x[0-9a-f]+ mul\+/m);
    expect(info).toMatch(/^\d+ catchpoint privilege change/m);
  });

  it('data breakpoint info on a local of an outer frame, through its variables reference', async () => {
    await start({ program: SYMBOLS }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.leaf }] });
    });
    const main = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.find((f) => f.name === 'main')!;
    const locals = (await dc.scopesRequest({ frameId: main.id })).body.scopes.find((s) => s.name === 'Locals')!;
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: 'total' });
    expect(info.body.dataId).toMatch(/^\d+:4$/);
    expect(info.body.description).toMatch(/^total \(4 bytes at 0x803f[0-9a-f]{4}\)$/);
    expect(info.body.accessTypes).toEqual(['write', 'read', 'readWrite']);
  });
});

describe('ending and errors', () => {
  it('terminate ends the session and saves the live recording where asked', async () => {
    const recordTo = join(dir, 'terminated.rvr');
    await start({ program: SYMBOLS, recordTo }, async () => {
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.area }] });
    });
    const at = (await dc.customRequest('position')).body.icount as number;
    const terminated = dc.waitForEvent('terminated');
    await dc.terminateRequest({});
    await terminated;
    expect(existsSync(recordTo)).toBe(true);
    const r = replay(recordTo);
    expect(r.icount).toBe(at);
    expect(r.stdout).toBe('');
  });

  it('requests before a launch, and bad arguments, answer with readable errors', async () => {
    dc = new DebugClient('node', ADAPTER, 'retrovisor', { cwd: REPO });
    await dc.start();
    await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path' });
    await expect(dc.stackTraceRequest({ threadId: 1 })).rejects.toThrow(/^stackTrace: no program is being debugged \(launch one first\)$/);
    await expect(dc.launchRequest({ program: SYMBOLS, memory: 'lots' } as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(/memory must be a size like 128M \(got "lots"\)/);
    // A missing console script is the user's mistake, not an internal error.
    const launched = dc.launchRequest({ program: SYMBOLS, input: join(dir, 'no-such-script.txt') } as DebugProtocol.LaunchRequestArguments);
    await expect(launched).rejects.toThrow(/no-such-script\.txt/);
    await expect(launched).rejects.not.toThrow(/internal error/);
  });
});
