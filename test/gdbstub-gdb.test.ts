/**
 * gdb-multiarch 13 (Debian) against `retrovisor gdbserver`, in batch mode, on
 * the symbols guest at -O0: the transcripts gdb prints, and the registers,
 * memory and positions it reports checked against the engine's own values
 * (a straight replay of the same recording, and the Timeline's lastWrite).
 * CI installs gdb-multiarch and sets RETROVISOR_REQUIRE_TOOLS=1, which makes
 * a missing gdb fail these tests instead of skipping them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../src/api/index.js';
import { DebugTarget } from '../src/debugger/debug-target.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Timeline } from '../src/timeline/timeline.js';
import { CLI, REPO } from './support/cli.js';
import { hasTool } from './support/tools.js';
import { straightReplay } from './support/straight-replay.js';

const GDB = 'gdb-multiarch';
const available = hasTool(GDB);
const ELF = join(REPO, 'guests', 'symbols', 'build', 'symbols-O0.elf');
const dir = mkdtempSync(join(tmpdir(), 'rv-gdbstub-gdb-'));
const recording = join(dir, 'symbols.rvr');
const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

/** Symbols and source lines of the guest, from the engine (to name addresses in assertions). */
let info: DebugTarget;

beforeAll(async () => {
  await record({ program: ELF, output: recording });
  info = new DebugTarget({ recording });
}, 60_000);

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout: string;
  stderr: string;
}

const started: Server[] = [];

afterEach(() => {
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

/** Starts `retrovisor gdbserver TARGET --port 0` and waits for its port. */
function startServer(target: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'gdbserver', target, '--port', '0'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const server: Server = { port: 0, child, exited, stdout: '', stderr: '' };
    child.stdout!.on('data', (b: Buffer) => { server.stdout += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => {
      server.stderr += b.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(server.stderr);
      if (m !== null && server.port === 0) {
        (server as { port: number }).port = Number(m[1]);
        started.push(server);
        resolve(server);
      }
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${server.stderr}`)));
  });
}

/**
 * Runs gdb in batch mode on the guest ELF with these commands (each an -ex, so
 * one that fails does not stop the rest); stdout (frames, prints) and stderr
 * (monitor output, errors) apart.
 */
function gdb(port: number, commands: readonly string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  const all = ['set pagination off', 'set confirm off', 'set width 0', `target remote :${port}`, ...commands];
  return new Promise((resolve, reject) => {
    const child = spawn(GDB, ['-nx', '-batch', ...all.flatMap((c) => ['-ex', c]), ELF], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
  });
}

/** The engine's state at `icount`: a replay of its own. */
const straight = (icount: number) => straightReplay(recording, icount);

/** The icounts `monitor when` printed, in order. */
const icounts = (stderr: string) => [...stderr.matchAll(/^icount (\d+), pc/gm)].map((m) => Number(m[1]));
/** Values printed with `printf "pc=%#x\n", $pc`, in order. */
const pcs = (stdout: string) => [...stdout.matchAll(/^pc=(0x[0-9a-f]+)$/gm)].map((m) => parseInt(m[1]!, 16));
/** The source lines gdb showed after each marker (`echo @\n` before a step). */
const linesAfterMarkers = (stdout: string) => stdout.split('@\n').slice(1).map((part) => {
  const m = /^(\d+)\t/m.exec(part);
  return m === null ? undefined : Number(m[1]);
});
const PRINT_PC = 'printf "pc=%#x\\n", $pc';

describe.skipIf(!available)('gdb-multiarch against retrovisor gdbserver (symbols-O0, replay)', () => {
  it('hits a breakpoint; bt, info registers, CSRs, x and p equal the engine', async () => {
    const server = await startServer(recording);
    const add = info.symbols.address('add')!;
    const r = await gdb(server.port, [
      'break add', 'continue', 'bt', 'monitor when', 'info registers', 'info registers mstatus mcause misa priv',
      'x/4dw &g_points', 'x/2i $pc', 'p s_calls', 'p g_shape.label', 'p/x $sp',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Breakpoint 1, add (a=2, b=3) at guests/symbols/symbols.c:40');
    expect(r.stdout).toMatch(/^#0 {2}add \(a=2, b=3\) at guests\/symbols\/symbols\.c:40$/m);
    expect(r.stdout).toMatch(/^#1 {2}0x[0-9a-f]{8} in apply \(op=0x[0-9a-f]+ <add>, a=2, b=3\) at guests\/symbols\/symbols\.c:89$/m);
    expect(r.stdout).toMatch(/^#2 {2}0x[0-9a-f]{8} in main \(\) at guests\/symbols\/symbols\.c:115$/m);
    const [icount] = icounts(r.stderr);
    expect(icount).toBeGreaterThan(0);
    const engine = straight(icount!);
    expect(engine.pc).toBe(info.debugInfo.functionBreakpoints('add')[0]);
    // Every register gdb shows is the engine's.
    const shown = new Map([...r.stdout.matchAll(/^(\w+)\s+(0x[0-9a-f]+)\s/gm)].map((m) => [m[1]!, parseInt(m[2]!, 16)]));
    for (let i = 1; i < 32; i++) expect(shown.get(ABI[i]!), ABI[i]).toBe(engine.x[i]);
    expect(shown.get('pc')).toBe(engine.pc);
    expect(shown.get('mstatus')).toBe(engine.csr(0x300));
    expect(shown.get('mcause')).toBe(engine.csr(0x342));
    expect(shown.get('misa')).toBe(engine.csr(0x301));
    expect(r.stdout).toMatch(/^priv\s+0x3\s+prv:3 \[Machine\]$/m);
    // Memory.
    const points = info.symbols.address('g_points')!;
    const words = [0, 1, 2, 3].map((i) => engine.word(points + 4 * i) | 0);
    expect(r.stdout).toContain(`<g_points>:\t${words.join('\t')}`);
    expect(words).toEqual([1, 2, 3, 4]);
    expect(r.stdout).toMatch(new RegExp(`^=> 0x${engine.pc.toString(16)} <add\\+14>:\\t`, 'm'));
    expect(r.stdout).toMatch(/^\$1 = 0$/m);
    expect(r.stdout).toMatch(/^\$2 = 0x[0-9a-f]+ "triangle"$/m);
    expect(r.stdout).toContain(`$3 = 0x${engine.x[2]!.toString(16)}`);
    expect(add).toBeLessThan(engine.pc);
  });

  it('stepi and reverse-stepi retrace the same pcs; next and reverse-next walk the lines back to the same icount', async () => {
    const server = await startServer(recording);
    const steps = 25;
    const r = await gdb(server.port, [
      'break symbols.c:110', 'continue', 'monitor when', 'delete',
      ...Array.from({ length: steps }, () => ['stepi', PRINT_PC]).flat(),
      ...Array.from({ length: steps }, () => ['reverse-stepi', PRINT_PC]).flat(),
      'monitor when',
      ...Array.from({ length: 4 }, () => ['echo @\\n', 'next']).flat(),
      ...Array.from({ length: 7 }, () => ['echo @\\n', 'reverse-next']).flat(),
      'monitor when', PRINT_PC,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const [atLine, afterStepping, afterReverseNext] = icounts(r.stderr);
    const p = pcs(r.stdout);
    const forward = p.slice(0, steps);
    const backward = p.slice(steps, 2 * steps);
    const start = info.debugInfo.lineBreakpoints('symbols.c', 110)[0]!;
    // Forward pcs are the engine's, one step apart; back they come in reverse order, ending where they began.
    forward.forEach((pc, i) => expect(pc, `stepi ${i + 1}`).toBe(straight(atLine! + i + 1).pc));
    expect(backward).toEqual([...forward.slice(0, -1)].reverse().concat([start]));
    expect(afterStepping).toBe(atLine);
    // Lines: forward 110 -> 114; back, gdb stops at every is_stmt row of the line table (113 and 112 have two rows each).
    expect(linesAfterMarkers(r.stdout)).toEqual([111, 112, 113, 114, 113, 113, 112, 112, 111, 110, 110]);
    expect(afterReverseNext).toBe(atLine);
    expect(p.at(-1)).toBe(start);
  });

  it('watch + reverse-continue stops at the writer (the engine\'s lastWrite); continue finds the next writes', async () => {
    const server = await startServer(recording);
    const r = await gdb(server.port, [
      'break mul', 'continue', 'monitor when', 'delete', 'watch s_calls', 'reverse-continue', PRINT_PC, 'x/i $pc', 'monitor when',
      'continue', PRINT_PC, 'continue', PRINT_PC, 'monitor when',
      // Back over the store in mul with reverse-next: the watchpoint reports it on the way.
      'echo @\\n', 'reverse-next',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const [atMul, atWriter, afterSecond] = icounts(r.stderr);
    const t = new Timeline(RecordingReader.open(recording));
    await t.seek(atMul!);
    const writer = await t.lastWrite(info.symbols.address('s_calls')!, 4);
    expect(writer).toBeDefined();
    const [reversePc, firstPc, secondPc] = pcs(r.stdout);
    expect(reversePc).toBe(writer!.pc);
    expect(atWriter).toBe(writer!.icount);
    expect(r.stdout).toMatch(new RegExp(`Old value = 1\\nNew value = 0\\n0x${writer!.pc.toString(16)} in add \\(a=2, b=3\\) at guests/symbols/symbols.c:40`));
    expect(r.stdout).toMatch(new RegExp(`^=> 0x${writer!.pc.toString(16)} <add\\+\\d+>:\\tsw\\t`, 'm'));
    // Forward again: the same write (0 -> 1), then the one in mul (1 -> 2), each reported after the store.
    expect(r.stdout).toMatch(/Old value = 0\nNew value = 1\nadd \(a=2, b=3\) at guests\/symbols\/symbols\.c:41/);
    expect(r.stdout).toMatch(/Old value = 1\nNew value = 2\nmul \(a=4, b=68\) at guests\/symbols\/symbols\.c:46/);
    expect(firstPc).toBe(straight(writer!.icount + 1).pc);
    expect(straight(afterSecond!).pc).toBe(secondPc);
    expect(straight(afterSecond!).word(info.symbols.address('s_calls')!)).toBe(2);
    expect(r.stdout.split('@\n')[1]).toMatch(/Old value = 2\nNew value = 1\n0x[0-9a-f]+ in mul \(a=4, b=68\) at guests\/symbols\/symbols\.c:45/);
  });

  it('reverse-finish returns to the call; the ends of history stop with gdb\'s message; writes are refused', async () => {
    const server = await startServer(recording);
    const r = await gdb(server.port, [
      'break add', 'continue', 'reverse-finish', PRINT_PC, 'x/i $pc', 'bt', 'delete',
      'echo @\\n', 'reverse-continue', PRINT_PC,
      'echo @\\n', 'continue', 'monitor when',
      'set var g_counter = 42', 'p g_counter', 'set var $a0 = 1', 'p $a0',
      'kill',
    ]);
    const apply = info.symbols.address('apply')!;
    const [back, start] = pcs(r.stdout);
    expect(back).toBeGreaterThan(apply);
    expect(r.stdout).toMatch(new RegExp(`^=> 0x${back!.toString(16)} <apply\\+\\d+>:\\tjalr\\ta5$`, 'm'));
    expect(r.stdout).toMatch(/^#0 {2}0x[0-9a-f]+ in apply \(op=0x[0-9a-f]+ <add>, a=2, b=3\) at guests\/symbols\/symbols\.c:89$/m);
    const [, toStart, toEnd] = r.stdout.split('@\n');
    expect(toStart).toContain('No more reverse-execution history.');
    expect(start).toBe(0x1000);
    expect(toEnd).toContain('No more reverse-execution history.');
    expect(icounts(r.stderr)).toEqual([RecordingReader.open(recording).lastIcount()]);
    const total = straight(RecordingReader.open(recording).lastIcount()).word(info.symbols.address('g_counter')!);
    // Refused: gdb reports the failure, and the values stay the recording's.
    expect(r.stderr).toContain(`Cannot access memory at address 0x${info.symbols.address('g_counter')!.toString(16)}`);
    expect(r.stderr).toContain('Could not write register "a0"; remote failure reply \'E02\'');
    expect(r.stdout).toContain(`$1 = ${total | 0}`);
    expect(r.stdout).toMatch(/^\$2 = \d+$/m);
    expect(r.stdout).not.toMatch(/^\$2 = 1$/m);
    expect(server.stderr).toContain('refused: cannot change memory at 0x');
    // kill ends the server, cleanly.
    expect(await server.exited).toBe(0);
    expect(server.stdout).toContain('symbols: total');
  });
});

describe.skipIf(!available)('gdb-multiarch against retrovisor gdbserver (symbols-O0, live)', () => {
  it('debugs an ELF run live, backwards too; at its end, set var and calls change the run (as recorded inputs)', async () => {
    const server = await startServer(ELF);
    const r = await gdb(server.port, [
      'break mul', 'continue', 'watch s_calls', 'reverse-continue', PRINT_PC, 'monitor info', 'p s_calls', 'delete',
      // In the recorded past, nothing changes.
      'set var g_counter = 1', 'p g_counter',
      // At the end of what has run, it does: a variable, a register, and a call of add().
      'break scale', 'continue', 'set var g_counter = 42', 'p g_counter', 'p add(100, 23)', 'p s_calls', 'set var $s1 = 7', 'p $s1',
      'reverse-stepi', 'p g_counter', 'stepi', 'p g_counter', 'p $s1',
      'kill',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Breakpoint 1, mul (a=4, b=68) at guests/symbols/symbols.c:45');
    expect(r.stdout).toMatch(/Old value = 1\nNew value = 0\n0x[0-9a-f]+ in add \(a=2, b=3\) at guests\/symbols\/symbols\.c:40/);
    expect(r.stderr).toContain('a live run, recorded as it goes');
    expect(r.stdout).toMatch(/^\$1 = 0$/m);
    expect(r.stderr).toMatch(/Cannot access memory at address 0x[0-9a-f]+/);
    expect(server.stderr).toMatch(/refused: cannot change memory at 0x[0-9a-f]+ here: icount \d+ is in this session's recorded past/);
    expect(r.stdout).not.toMatch(/^\$2 = 1$/m);
    expect(r.stdout).toMatch(/^Breakpoint 3, scale \(/m);
    expect(r.stdout).toMatch(/^\$3 = 42$/m);
    expect(r.stdout).toMatch(/^\$4 = 123$/m);
    expect(r.stdout).toMatch(/^\$5 = 3$/m); // two calls by the program, one by gdb
    expect(r.stdout).toMatch(/^\$6 = 7$/m);
    expect(r.stdout).toMatch(/^\$7 = 42$/m); // one step back is after the change: it was made before the call
    expect(r.stdout).toMatch(/^\$8 = 42$/m);
    expect(r.stdout).toMatch(/^\$9 = 7$/m);
    expect(await server.exited).toBe(0);
  });
});
