import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { record, replay, Divergence, RecordingError, type RunResult } from '../src/api/index.js';
import { INPUT_SOURCE_NAMES, InputSource } from '../src/host/host-input.js';
import { asm, bytesOf } from './support/encode.js';
import { makeElf } from './support/make-elf.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { CLI, REPO, runCli } from './support/cli.js';
import { node24 } from './support/node24.js';
import { DebugTarget } from '../src/debugger/debug-target.js';
import { LiveHost } from '../src/host/live-host.js';
import { rewriteRecording } from './support/rewrite-recording.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-rr-'));
const guest = (name: string) => join(REPO, 'guests', 'build', `${name}.elf`);

/** Guests whose runs depend on host inputs, with the inputs to give them. */
const CASES = [
  { name: 'uart-echo', program: guest('uart-echo'), input: 'at 0 "hello, world\\n"\nat 0 "Retrovisor\\tv1\\n"\nat 0 "q"\n' },
  {
    name: 'inputs', program: guest('inputs'), input: 'at 0 "typed at the console\\n"\n',
    semihostRoot: join(REPO, 'guests', 'inputs'),
  },
  { name: 'hello', program: guest('hello'), args: ['replayed', 'args'] },
] as const;

const recorded = new Map<string, { file: string; run: RunResult }>();

/** Reads the Zkr seed CSR and the time CSR (with --clock host), then powers off through the test finisher. */
const ENTROPY_PROGRAM = asm(`
  csrrw a0, seed, zero
  csrrw a1, seed, zero
  csrr a2, time
  csrr a3, time
  lui t0, 0x100
  lui t1, 0x5
  addi t1, t1, 0x555
  sw t1, 0(t0)
halt: j halt
`, 0x80000000);

beforeAll(async () => {
  for (const c of CASES) {
    const file = join(dir, `${c.name}.rvr`);
    const run = await record({ ...c, output: file });
    recorded.set(c.name, { file, run });
  }
  const elf = join(dir, 'entropy.elf');
  writeFileSync(elf, makeElf({ segments: [{ paddr: 0x80000000, data: bytesOf(ENTROPY_PROGRAM) }] }));
  const file = join(dir, 'entropy.rvr');
  recorded.set('entropy', { file, run: await record({ program: elf, output: file, clock: 'host' }) });
  // A live debug session in which the debugger changed a variable (test/debugger-writes.test.ts has the details).
  const edited = join(dir, 'debugger-write.rvr');
  const target = new DebugTarget({ program: guest('sort'), host: new LiveHost({ commandLine: 'sort' }) });
  await target.seek(5000);
  target.assign('$a0', '7', 0);
  await target.continue();
  await target.saveRecording(edited);
  recorded.set('debugger-write', { file: edited, run: replay(edited) });
});

describe.each(CASES.map((c) => c.name))('record and replay of %s', (name) => {
  it('records a complete run that used its inputs', () => {
    const { file, run } = recorded.get(name)!;
    expect(run.end).toBe('exit');
    const r = RecordingReader.open(file);
    expect(r.incomplete).toBe(false);
    expect([...r.chunks()].flatMap((c) => c.events).length).toBeGreaterThan(0);
  });

  it('replays 20 times with identical output, exit status and final digest', () => {
    const { file, run } = recorded.get(name)!;
    for (let i = 0; i < 20; i++) {
      const again = replay(file);
      expect(again.stdout).toBe(run.stdout);
      expect(again.exitStatus).toBe(run.exitStatus);
      expect(again.icount).toBe(run.icount);
      expect(again.digest).toBe(run.digest);
    }
  });

  it('replays identically in a separate process, with --verify', async () => {
    const { file, run } = recorded.get(name)!;
    const r = await runCli(['replay', '--verify', file]);
    expect(r.stdoutBytes.toString('latin1')).toBe(run.stdout);
    expect(r.status).toBe(run.exitStatus);
    const dump = await runCli(['replay', '--dump-state', file]);
    expect(JSON.parse(dump.stdout).digest).toBe(run.digest);
  });

  it('replays identically under Node 24', async () => {
    const node = node24();
    if (node === undefined) return;
    const { file, run } = recorded.get(name)!;
    const r = await runCli(['replay', '--verify', file], { node });
    expect(r.stdoutBytes.toString('latin1')).toBe(run.stdout);
    expect(r.status).toBe(run.exitStatus);
    const dump = await runCli(['replay', '--dump-state', file], { node });
    expect(JSON.parse(dump.stdout).digest).toBe(run.digest);
  });
});

describe('the recorded inputs', () => {
  it('cover every input source there is', () => {
    const sources = new Set<string>();
    for (const { file } of recorded.values()) {
      for (const c of RecordingReader.open(file).chunks()) for (const e of c.events) sources.add(INPUT_SOURCE_NAMES[e.source]!);
    }
    // Adding an InputSource without a recording that exercises it fails here.
    expect([...sources].sort()).toEqual(Object.values(INPUT_SOURCE_NAMES).sort());
  });

  it('replay the seed CSR and host-clock readings exactly', () => {
    const { file, run } = recorded.get('entropy')!;
    const again = replay(file);
    expect(again.digest).toBe(run.digest);
    expect(again.registers[10]! >>> 30).toBe(2); // OPST = ES16
    expect(again.registers[13]! >>> 0).toBeGreaterThanOrEqual(again.registers[12]! >>> 0); // time never goes back
    const events = [...RecordingReader.open(file).chunks()].flatMap((c) => c.events);
    expect(events.filter((e) => e.source === InputSource.Entropy)).toHaveLength(2);
    expect(events.filter((e) => e.source === InputSource.HostClock).length).toBeGreaterThanOrEqual(2);
  });

  it('make a recording replay without the host files', () => {
    // The inputs guest read guests/inputs/data/input.txt; replay uses the logged answers, not the file.
    const { file, run } = recorded.get('inputs')!;
    expect(run.stdout).toContain(readFileSync(join(REPO, 'guests', 'inputs', 'data', 'input.txt'), 'latin1').split('\n')[0]);
    const moved = join(mkdtempSync(join(tmpdir(), 'rv-elsewhere-')), 'copy.rvr');
    copyFileSync(file, moved);
    expect(replay(moved).stdout).toBe(run.stdout);
  });
});

describe('recording size', () => {
  it('is under 4 KiB beyond the embedded image for a compute guest with no input', async () => {
    const file = join(dir, 'crc32.rvr');
    const run = await record({ program: guest('crc32'), output: file });
    expect(run.icount).toBeGreaterThan(100_000_000);
    const image = RecordingReader.open(file).blocks.find((b) => b.type === 'IMAG')!;
    expect(statSync(file).size - image.storedLength - 20).toBeLessThan(4096);
  });
});

describe('divergence', () => {
  it('names the instruction where a changed input took effect', () => {
    const { file } = recorded.get('uart-echo')!;
    const copy = join(dir, 'changed.rvr');
    let changedAt = -1;
    let changedPc = -1;
    rewriteRecording(file, copy, {
      chunk: (c) => ({
        ...c,
        events: c.events.map((e, i) => {
          if (i !== 3) return e;
          changedAt = e.icount;
          changedPc = e.pc;
          return { ...e, payload: Uint8Array.from(e.payload, (b) => b ^ 0x20) };
        }),
      }),
    });
    let caught: unknown;
    try {
      replay(copy);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Divergence);
    const d = caught as Divergence;
    expect(d.kind).toBe('state');
    expect(d.icount).toBe(changedAt);
    expect(d.report).toContain(`the state matched when the input arrived and differs after it: the input took effect at icount ${changedAt}, pc 0x${changedPc.toString(16)}`);
    expect(d.report).toMatch(/differs in: devices/);
  });

  it('names the instruction that asked for an input the log does not hold', () => {
    const { file } = recorded.get('inputs')!;
    const copy = join(dir, 'moved-input.rvr');
    rewriteRecording(file, copy, {
      chunk: (c) => ({ ...c, events: c.events.map((e) => (e.source === InputSource.WallClock ? { ...e, icount: e.icount + 1 } : e)) }),
    });
    expect(() => replay(copy)).toThrow(Divergence);
    try {
      replay(copy);
    } catch (e) {
      const d = e as Divergence;
      expect(d.kind).toBe('input');
      expect(d.report).toMatch(/the guest asked for wall-clock input at icount \d+ \(pc 0x[0-9a-f]+\), but the recording's next input is wall-clock input at icount \d+/);
    }
  });

  it('is reported by the CLI with exit code 122', async () => {
    const r = await runCli(['replay', join(dir, 'changed.rvr')]);
    expect(r.status).toBe(122);
    expect(r.stderr).toMatch(/divergence \(state\) at icount \d+/);
  });
});

describe('damaged recordings', () => {
  const good = () => recorded.get('hello')!.file;
  const bytes = () => new Uint8Array(readFileSync(good()));
  const write = (name: string, b: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, b);
    return p;
  };
  const expectError = async (file: string, pattern: RegExp) => {
    expect(() => replay(file)).toThrow(RecordingError);
    expect(() => replay(file)).toThrow(pattern);
    const r = await runCli(['replay', file]);
    expect(r.status).toBe(125);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  };

  it('wrong magic', () => expectError(write('magic.rvr', bytes().map((b, i) => (i === 0 ? 0x58 : b))), /not a Retrovisor recording/));
  it('a text file', () => expectError(write('text.rvr', new TextEncoder().encode('just some text\n')), /not a Retrovisor recording/));
  it('a newer format version', () => expectError(write('newer.rvr', bytes().map((b, i) => (i === 8 ? 99 : b))), /newer Retrovisor \(recording format 99.*upgrade/));
  it('truncated inside the header', () => expectError(write('trunc-head.rvr', bytes().subarray(0, 30)), /truncated inside its header|header is damaged/));
  it('truncated inside the embedded image', () => expectError(write('trunc-img.rvr', bytes().subarray(0, 5000)), /not embedded/));
  it('a flipped byte in an event chunk', () => {
    const r = RecordingReader.open(good());
    const chunk = r.blocks.find((b) => b.type === 'EVNT')!;
    const b = bytes();
    b[chunk.offset + 24] ^= 0x40;
    return expectError(write('flip.rvr', b), /EVNT block at offset \d+ is damaged \(checksum mismatch\)/);
  });
  it('an embedded image that does not match its hash', () => {
    const p = join(dir, 'image.rvr');
    rewriteRecording(good(), p, { image: (img) => { img[100] ^= 1; return img; } });
    return expectError(p, /embedded image .* does not match its SHA-256/);
  });
  it('a mismatched machine configuration', async () => {
    const p = join(dir, 'board.rvr');
    rewriteRecording(good(), p, { header: (h) => ({ ...h, machine: { ...h.machine, board: 'sifive_u' as 'virt' } }) });
    await expectError(p, /needs a "sifive_u" machine; this Retrovisor provides "virt"/);
    const q = join(dir, 'isa.rvr');
    rewriteRecording(good(), q, { header: (h) => ({ ...h, machine: { ...h.machine, isa: 'rv64gc' } }) });
    await expectError(q, /needs a hart with ISA rv64gc/);
    const m = join(dir, 'mem.rvr');
    rewriteRecording(good(), m, { header: (h) => ({ ...h, machine: { ...h.machine, memory: 12345 } }) });
    await expectError(m, /invalid memory size 12345/);
  });
  it('a missing file', () => expectError(join(dir, 'nope.rvr'), /no such file/));

  it('survive thousands of random mutations with typed errors only', () => {
    const base = bytes();
    const final = recorded.get('hello')!.run.icount;
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      let m = base.slice();
      switch (rand(4)) {
        case 0: for (let k = 0; k <= rand(4); k++) m[rand(m.length)] ^= 1 << rand(8); break;
        case 1: m = m.subarray(0, rand(m.length)); break;
        case 2: m[rand(64)] = rand(256); break;
        case 3: { const at = rand(m.length); m = Uint8Array.from([...m.subarray(0, at), rand(256), ...m.subarray(at)]); }
      }
      const p = join(dir, 'fuzz.rvr');
      writeFileSync(p, m);
      let outcome = 'ok';
      try {
        replay(p, { until: final + 1000 });
      } catch (e) {
        if (e instanceof RecordingError) outcome = 'RecordingError';
        else if (e instanceof Divergence) outcome = 'Divergence';
        else throw new Error(`mutation ${i} raised ${(e as Error).stack}`);
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(outcomes.get('RecordingError')).toBeGreaterThan(2000);
  });
});

describe('a recorder killed with SIGKILL', () => {
  it('leaves a file that replays to its last complete chunk, and info says it is incomplete', async () => {
    const file = join(dir, 'killed.rvr');
    const child = spawn(process.execPath, [CLI, 'record', '-o', file, guest('bytecode'), '--', '100000'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(statSync(file).size).toBeGreaterThan(0);
    const reader = RecordingReader.open(file);
    expect(reader.incomplete).toBe(true);
    const end = reader.lastIcount();
    expect(end).toBeGreaterThan(10_000_000);
    const again = replay(file);
    expect(again.incomplete).toBe(true);
    expect(again.icount).toBe(end);
    const info = await runCli(['info', file]);
    expect(info.stdout).toMatch(/INCOMPLETE/);
    const r = await runCli(['replay', '--quiet', file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/is incomplete: replayed to its last complete chunk/);
    const v = await runCli(['replay', '--verify', file]);
    expect(v.status).toBe(125);
  });
});
