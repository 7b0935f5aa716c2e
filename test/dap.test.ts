/**
 * The DAP server end to end with @vscode/debugadapter-testsupport's
 * DebugClient: the adapter runs as a child process on stdio (as VS Code runs
 * it), and again in-process over TCP, on the symbols guest built at -O0 and -O2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveTcp } from '../adapter/src/main.js';
import { ElfFile } from '../src/elf/elf-file.js';
import { record, replay } from '../src/api/index.js';
import { REPO } from './support/cli.js';

const ADAPTER = join(REPO, 'dist', 'adapter', 'src', 'stdio.js');
const SOURCE = join(REPO, 'guests', 'symbols', 'symbols.c');
const elfOf = (opt: string) => join(REPO, 'guests', 'symbols', 'build', `symbols-${opt}.elf`);
const dir = mkdtempSync(join(tmpdir(), 'rv-dap-'));

/** The line of `text` in symbols.c (1-based). */
function lineOf(text: string): number {
  const i = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line "${text}"`);
  return i + 1;
}

const L = {
  next: lineOf('struct point next = {'),
  ifDepth: lineOf('if (depth == 0) return leaf(depth, next);'),
  below: lineOf('int below = recurse(depth - 1, next);'),
  leaf: lineOf('g_counter += depth + where.x;'),
  store: lineOf('g_counter = total;'),
  callRecurse: lineOf('total += recurse(3, origin);'),
  square: lineOf('return x * x;'),
  printf: lineOf('printf("symbols: total'),
};

let dc: DebugClient;
let server: Server | undefined;

afterEach(async () => {
  await dc?.stop();
  server?.close();
  server = undefined;
});

async function startStdio(): Promise<DebugClient> {
  dc = new DebugClient('node', ADAPTER, 'retrovisor', { cwd: REPO });
  await dc.start();
  return dc;
}

/** Launches, sets the given source breakpoints, and waits for the first stop. */
async function launchTo(args: Record<string, unknown>, lines: number[]): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsProgressReporting: true, supportsInvalidatedEvent: true });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ console: 'none', ...args });
  await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: lines.map((line) => ({ line })) });
  await dc.configurationDoneRequest();
  return stopped;
}

async function top(): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0]!;
}

async function frames(): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** Sends a request that resumes the guest and waits for the following stop. */
async function resume(send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await send();
  return stopped;
}

async function variable(scopeName: string, name: string, frameId?: number): Promise<DebugProtocol.Variable> {
  const f = frameId ?? (await top()).id;
  const scopes = (await dc.scopesRequest({ frameId: f })).body.scopes;
  const scope = scopes.find((s) => s.name === scopeName)!;
  const vars = (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
  const v = vars.find((x) => x.name === name);
  if (v === undefined) throw new Error(`no ${name} in ${scopeName}: ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

async function children(v: DebugProtocol.Variable): Promise<Record<string, string>> {
  const kids = (await dc.variablesRequest({ variablesReference: v.variablesReference })).body.variables;
  return Object.fromEntries(kids.map((k) => [k.name, k.value]));
}

describe.each(['O0', 'O2'])('DAP on the symbols guest at -%s (stdio)', (opt) => {
  it('hits a source breakpoint, steps like gdb, and steps back over calls', async () => {
    await startStdio();
    const first = await launchTo({ program: elfOf(opt) }, [L.next]);
    expect(first.body.reason).toBe('breakpoint');
    const f0 = await top();
    expect(f0.name).toBe('recurse');
    expect(f0.line).toBe(L.next);
    expect(f0.source?.path).toBe(SOURCE);
    expect(f0.instructionPointerReference).toMatch(/^0x8[0-9a-f]{7}$/);

    await resume(() => dc.nextRequest({ threadId: 1 }));
    expect((await top()).line).toBe(L.ifDepth);
    await resume(() => dc.nextRequest({ threadId: 1 }));
    expect((await top()).line).toBe(L.below);
    // stepIn enters the recursive call, after its prologue.
    await resume(() => dc.stepInRequest({ threadId: 1 }));
    const inner = await frames();
    expect(inner[0]!.name).toBe('recurse');
    expect(inner.filter((f) => f.name === 'recurse').length).toBe(2);
    // stepOut returns to the caller, where gdb's finish does: at -O2 the return
    // address is already in the inlined square(depth) of the next statement.
    await resume(() => dc.stepOutRequest({ threadId: 1 }));
    const out = await frames();
    expect(out[0]!.line).toBe(opt === 'O0' ? L.below : L.square);
    expect(out.filter((f) => f.name === 'recurse').length).toBe(1);
    // A statement step back from after the call steps back OVER it: never into the callee.
    await resume(() => dc.stepBackRequest({ threadId: 1 }));
    const back = await frames();
    expect(back[0]!.line).toBe(L.below);
    expect(back.filter((f) => f.name === 'recurse').length).toBe(1);
    await resume(() => dc.stepBackRequest({ threadId: 1 }));
    expect((await top()).line).toBe(L.ifDepth);
    // Reverse continue returns to the previous breakpoint hit.
    const rc = await resume(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect(rc.body.reason).toBe('breakpoint');
    expect((await top()).line).toBe(L.next);
    // Custom reverse step-in from the caller's line enters the callee backwards; reverse step-out returns to the call.
    await resume(() => dc.customRequest('reverseStepOut', { threadId: 1 }));
    const caller = await top();
    expect(caller.name).toBe('main');
    expect(caller.line).toBe(L.callRecurse);
  });

  it('shows structs, arrays and pointers, evaluates expressions, and reports position', async () => {
    await startStdio();
    await launchTo({ program: elfOf(opt) }, [L.leaf]);
    expect((await top()).name).toBe('leaf');
    const where = await variable('Arguments', 'where');
    expect(await children(where)).toEqual({ x: expect.stringMatching(/^-?\d+$/), y: expect.stringMatching(/^-?\d+$/) });
    const mainFrame = (await frames()).find((f) => f.name === 'main')!;
    const squares = await variable('Locals', 'squares', mainFrame.id);
    expect(squares.value).toMatch(/^\{0, 1, 4, 9, 16\}$/);
    expect(Object.keys(await children(squares))).toEqual(['[0]', '[1]', '[2]', '[3]', '[4]']);
    const matrix = await dc.evaluateRequest({ expression: 'g_matrix', context: 'watch' });
    expect(matrix.body.result).toBe('{{1, 2, 3}, {4, 5, 6}}');
    expect((await dc.evaluateRequest({ expression: 'g_matrix[1][2]', context: 'watch' })).body.result).toBe('6');
    expect((await dc.evaluateRequest({ expression: 'g_shape.corner[1].x', context: 'watch' })).body.result).toBe('10');
    const pc = await dc.evaluateRequest({ expression: '$pc', context: 'watch' });
    // As gdb prints it (the type, void (*)(), goes in the variable's type): 0x80000266 <leaf+18>
    expect(pc.body.result).toMatch(new RegExp(`^${(await top()).instructionPointerReference} <leaf(\\+\\d+)?>$`));
    expect(pc.body.type).toBe('void (*)()');
    const regs = (await dc.scopesRequest({ frameId: (await top()).id })).body.scopes.map((s) => s.name);
    expect(regs).toEqual(['Locals', 'Arguments', 'Registers', 'CSRs', 'Globals']);
    const position = await dc.customRequest('position');
    expect(position.body.icount).toBeGreaterThan(0);
    const bad = dc.evaluateRequest({ expression: 'no_such_variable', context: 'watch' });
    await expect(bad).rejects.toThrow(/No symbol "no_such_variable" in current context/);
    // A live session at its frontier can be changed (test 'DAP changes in a live session' has more).
    expect((await dc.setVariableRequest({ variablesReference: where.variablesReference, name: 'x', value: '1' })).body.value).toBe('1');
  });

  it('stops a reverse-continue with a data breakpoint at the store that wrote the variable', async () => {
    await startStdio();
    await launchTo({ program: elfOf(opt) }, [L.callRecurse]);
    const info = await dc.dataBreakpointInfoRequest({ name: 'g_counter' });
    expect(info.body.dataId).not.toBeNull();
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    // Run to the end, then back to the last write of g_counter.
    const end = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(end.body.description).toMatch(/exited|end of the recording/);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const hit = await resume(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect(hit.body.reason).toBe('data breakpoint');
    expect(hit.body.description).toMatch(/write of 4 bytes at 0x/);
    const f = await top();
    expect(f.name).toBe('main');
    expect(f.line).toBe(L.store);
  });
});

describe('DAP breakpoint conditions and expressions in C', () => {
  it('stops only where a C condition holds, evaluates watches as gdb prints them, and refuses side effects', async () => {
    await startStdio();
    await dc.initializeRequest({ adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const first = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.launchRequest({ program: elfOf('O0'), console: 'none' } as DebugProtocol.LaunchRequestArguments);
    // recurse(3, {3, 4}) calls itself with depth 2, 1, 0 and p.x 4, 5, 6.
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: L.next, condition: 'depth < 2 && p.x != 5' }] });
    await dc.configurationDoneRequest();
    expect((await first).body.reason).toBe('breakpoint');
    const watch = async (expression: string): Promise<string> => (await dc.evaluateRequest({ expression, context: 'watch', frameId: (await top()).id })).body.result;
    expect(await watch('depth')).toBe('0');
    expect(await watch('p.x')).toBe('6');
    expect(await watch('depth == 0 ? p.x * 2 : -1')).toBe('12');
    expect(await watch('(char)(p.x + 59)')).toBe("65 'A'");
    // The type goes in the variable's type, as for $pc.
    const pointer = await dc.evaluateRequest({ expression: '&g_points[1] + 1', context: 'watch' });
    expect(pointer.body.result).toMatch(/^0x[0-9a-f]+ <g_points\+16>$/);
    expect(pointer.body.type).toBe('struct point *');
    expect(await watch('sizeof(struct point) * 2')).toBe('16');
    expect(await watch('g_matrix[1][0]@3')).toBe('{4, 5, 6}');
    // CSRs are registers in expressions, as gdb shows them over QEMU (the guest runs in M-mode: priv 3).
    expect(await watch('$priv == 3 && $mhartid == 0')).toBe('1');
    expect(await watch('($misa >> 30) + $mhartid')).toBe('1');
    await expect(dc.evaluateRequest({ expression: 'g_counter = 5', context: 'watch' })).rejects.toThrow(/assignment `=' is not evaluated/);
    await expect(dc.evaluateRequest({ expression: 'add(1, 2)', context: 'hover' })).rejects.toThrow(/Function calls are not evaluated/);
    await expect(dc.evaluateRequest({ expression: '1 / (depth - depth)', context: 'watch' })).rejects.toThrow(/Division by zero/);
    // The condition held nowhere else: the next stop is the end.
    const end = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(end.body.description).toMatch(/exited|end of the recording/);
  });
});

describe('DAP changes in a live session', () => {
  it('sets variables, expressions and memory at the frontier, refuses them in the past, and the saved recording replays them', async () => {
    await startStdio();
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') output.push(e.body.output); });
    const recordTo = join(dir, 'changed.rvr');
    await launchTo({ program: elfOf('O0'), recordTo, console: 'debugConsole' }, [L.printf]);
    const total = await variable('Locals', 'total');
    const locals = (await dc.scopesRequest({ frameId: (await top()).id })).body.scopes.find((s) => s.name === 'Locals')!;
    const set = await dc.setVariableRequest({ variablesReference: locals.variablesReference, name: 'total', value: '4321' });
    expect(set.body.value).toBe('4321');
    expect(total.value).not.toBe('4321');
    const expr = await dc.customRequest('setExpression', { expression: 'g_points[1].y', value: '-9', frameId: (await top()).id });
    expect(expr.body.value).toBe('-9');
    const buffer = await dc.evaluateRequest({ expression: 'g_buffer', context: 'watch' });
    const written = await dc.customRequest('writeMemory', { memoryReference: buffer.body.memoryReference, data: Buffer.from('DAP').toString('base64') });
    expect(written.body.bytesWritten).toBe(3);
    expect((await dc.evaluateRequest({ expression: 'g_buffer[0]', context: 'watch' })).body.result).toBe("68 'D'");
    // One step back is the recorded past: changes there are refused, with the reason.
    await resume(() => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    await expect(dc.setVariableRequest({ variablesReference: (await dc.scopesRequest({ frameId: (await top()).id })).body.scopes[0]!.variablesReference, name: 'total', value: '1' }))
      .rejects.toThrow(/recorded past/);
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const end = await resume(() => dc.continueRequest({ threadId: 1 }));
    expect(end.body.description).toMatch(/exited with status 0/);
    expect(output.join('')).toContain('symbols: total 4321, calls');
    await dc.disconnectRequest({});
    const again = replay(recordTo);
    expect(again.stdout).toBe(output.join(''));
  });
});

describe('DAP memory and disassembly', () => {
  it('agree with objdump and the ELF', async () => {
    await startStdio();
    await launchTo({ program: elfOf('O0') }, [L.next]);
    const pc = (await top()).instructionPointerReference!;
    const dis = await dc.disassembleRequest({ memoryReference: pc, instructionCount: 8 });
    const objdump = readFileSync(join(REPO, 'test', 'golden', 'symbols', 'objdump', 'symbols-symbols-O0.txt'), 'utf8');
    for (const ins of dis.body.instructions) {
      const address = parseInt(ins.address, 16).toString(16);
      const line = objdump.split('\n').find((l) => l.startsWith(`${address}:`));
      expect(line, ins.address).toBeDefined();
      expect(line!.split('\t').slice(2).join('\t').replace(/\s+/g, ' ').trim()).toBe(ins.instruction.replace(/\s+/g, ' ').trim());
      expect(ins.location?.path).toBe(SOURCE);
    }
    const elf = new ElfFile(readFileSync(elfOf('O0')));
    const matrix = elf.symbol('g_matrix')!;
    const mem: DebugProtocol.ReadMemoryResponse = await dc.customRequest('readMemory', { memoryReference: `0x${matrix.value.toString(16)}`, count: matrix.size });
    const data = elf.section('.data')!;
    const expected = elf.sectionData(data).subarray(matrix.value - data.addr, matrix.value - data.addr + matrix.size);
    expect(Buffer.from(mem.body!.data!, 'base64').equals(Buffer.from(expected))).toBe(true);
  });
});

describe('DAP cancellation', () => {
  let long: string;
  beforeAll(async () => {
    long = join(dir, 'bytecode.rvr');
    await record({ program: join(REPO, 'guests', 'build', 'bytecode.elf'), args: ['600'], output: long });
  });

  it('cancel interrupts a long reverse-continue and leaves the position where it was', async () => {
    await startStdio();
    await dc.initializeRequest({ adapterID: 'retrovisor', supportsProgressReporting: true });
    const entry = dc.waitForEvent('stopped');
    await dc.launchRequest({ recording: long, stopOnEntry: true, console: 'none' });
    await dc.configurationDoneRequest();
    await entry;
    await resume(() => dc.customRequest('seek', { icount: 80_000_000 }));
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x12345678' }] });
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    const progress = dc.waitForEvent('progressStart') as Promise<DebugProtocol.ProgressStartEvent>;
    const started = Date.now();
    await dc.reverseContinueRequest({ threadId: 1 });
    const p = await progress;
    expect(p.body.cancellable).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    await dc.customRequest('cancel', { progressId: p.body.progressId });
    const s = await stopped;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(['cancelled', 'pause']).toContain(s.body.reason);
    expect((await dc.customRequest('position')).body.icount).toBe(80_000_000);
    // A replay cannot be changed: the request fails with the reason.
    await expect(dc.customRequest('setExpression', { expression: '$a0', value: '1' })).rejects.toThrow(/while replaying a recording: its past is fixed/);
  });
});

describe('DAP bad launches answer with readable errors', () => {
  it.each([
    ['a missing program', { program: join(dir, 'nope.elf') }, /nope\.elf: no such file/],
    ['a text file as program', { program: SOURCE }, /not an ELF file/],
    ['a corrupt recording', { recording: SOURCE }, /not a Retrovisor recording/],
    ['neither program nor recording', {}, /give either "program"/],
  ] as const)('%s', async (_what, args, pattern) => {
    await startStdio();
    await dc.initializeRequest({ adapterID: 'retrovisor' });
    const err = await dc.launchRequest(args as DebugProtocol.LaunchRequestArguments).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(pattern);
    expect(err!.message).not.toMatch(/\n\s+at /);
  });
});

describe('DAP over TCP', () => {
  it('runs the same breakpoint, step and reverse scenario', async () => {
    server = await serveTcp(0);
    const port = (server.address() as { port: number }).port;
    dc = new DebugClient('node', ADAPTER, 'retrovisor', { cwd: REPO });
    await dc.start(port);
    const first = await launchTo({ program: elfOf('O0') }, [L.next]);
    expect(first.body.reason).toBe('breakpoint');
    await resume(() => dc.nextRequest({ threadId: 1 }));
    expect((await top()).line).toBe(L.ifDepth);
    await resume(() => dc.stepBackRequest({ threadId: 1 }));
    expect((await top()).line).toBe(L.next);
    const rc = await resume(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect(rc.body.reason).toBe('step'); // no earlier hit: the start of the recording
    expect(rc.body.description).toBe('start of the recording');
  });
});
