import { mkdtempSync, writeFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostFiles } from '../src/host/host-files.js';
import { CLI, REPO, runCli } from './support/cli.js';
import { makeElf } from './support/make-elf.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-bad-'));
function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Every bad input: exit 125, one line on stderr naming the problem, no stack trace. */
async function expectOneLineError(args: string[], pattern: RegExp) {
  const r = await runCli(args);
  expect(r.status).toBe(125);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^retrovisor: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input to retrovisor run', () => {
  it('a missing file', () => expectOneLineError(['run', join(dir, 'nope.elf')], /nope\.elf: no such file/));
  it('a directory', () => expectOneLineError(['run', dir], /is a directory/));
  it('a text file', () => expectOneLineError(['run', file('notes.txt', 'hello, I am text\n')], /not an ELF file/));
  it('an empty file', () => expectOneLineError(['run', file('empty.elf', '')], /not an ELF file/));
  it('an ELF64', () => expectOneLineError(['run', file('rv64.elf', makeElf({ cls: 2 }))], /64-bit ELF.*RV32/));
  it('an x86 ELF', () => expectOneLineError(['run', file('x86.elf', makeElf({ machine: 3 }))], /machine 3 \(x86\), not RISC-V/));
  it('an x86-64 ELF', () => expectOneLineError(['run', file('x64.elf', makeElf({ machine: 62 }))], /x86-64/));
  it('a relocatable object', () => expectOneLineError(['run', file('obj.o', makeElf({ type: 1 }))], /not an executable/));
  it('a truncated ELF header', () => expectOneLineError(['run', file('trunc1.elf', makeElf().subarray(0, 30))], /truncated/));
  it('a truncated segment', () => {
    const elf = makeElf({ segments: [{ paddr: 0x80000000, data: new Uint8Array(4096) }] });
    return expectOneLineError(['run', file('trunc2.elf', elf.subarray(0, 200))], /truncated: segment 0/);
  });
  it('a segment outside RAM', () =>
    expectOneLineError(['run', file('low.elf', makeElf({ segments: [{ paddr: 0x40000000, data: new Uint8Array(16) }] }))],
      /segment 0 \(0x40000000-0x40000010\) lies outside RAM \(0x80000000-0x88000000\)/));
  it('a segment past the end of RAM', () =>
    expectOneLineError(['run', '--memory', '16M', file('high.elf', makeElf({ segments: [{ paddr: 0x81000000, data: new Uint8Array(16) }] }))],
      /lies outside RAM \(0x80000000-0x81000000\)/));
  it('a bad memory size', () => expectOneLineError(['run', '--memory', 'lots', file('ok.elf', makeElf())], /--memory must be a size/));
  it('a memory size that is too small', () => expectOneLineError(['run', '--memory', '4K', file('ok2.elf', makeElf())], /between 1 MiB and 2 GiB/));
  it('a bad --max-insns', () => expectOneLineError(['run', '--max-insns', '-5', file('ok3.elf', makeElf())], /--max-insns must be/));
  it('a missing --semihost-root', () => expectOneLineError(['run', '--semihost-root', join(dir, 'nowhere'), file('ok4.elf', makeElf())], /no such directory/));
  it('an unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/unknown command/);
  });
});

describe('guest faults end with one line and exit code 126', () => {
  it('an illegal instruction with no trap handler', async () => {
    // 0x0000 is the defined-illegal compressed instruction; mtvec is 0 at reset and nothing is mapped there.
    const r = await runCli(['run', file('illegal.elf', makeElf({ segments: [{ paddr: 0x80000000, data: new Uint8Array(4) }] }))]);
    expect(r.status).toBe(126);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/illegal instruction at pc 0x80000000, tval 0x00000000, icount 6: no usable trap handler/);
  });

  it('a jump into unmapped memory with no handler', async () => {
    // jalr x0, 0(x0): jump to address 0
    const code = new Uint8Array([0x67, 0x00, 0x00, 0x00]);
    const r = await runCli(['run', file('jump0.elf', makeElf({ segments: [{ paddr: 0x80000000, data: code }] }))]);
    expect(r.status).toBe(126);
    expect(r.stderr).toMatch(/instruction access fault at pc 0x00000000, tval 0x00000000/);
  });

  it('an instruction limit', async () => {
    const loop = new Uint8Array([0x6f, 0x00, 0x00, 0x00]); // j .
    const r = await runCli(['run', '--max-insns', '1000', file('loop.elf', makeElf({ segments: [{ paddr: 0x80000000, data: loop }] }))]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/instruction limit reached: 1000 instructions, pc 0x80000000/);
  });

  it('a wfi that nothing can wake', async () => {
    const wfi = new Uint8Array([0x73, 0x00, 0x50, 0x10]);
    const r = await runCli(['run', file('wfi.elf', makeElf({ segments: [{ paddr: 0x80000000, data: wfi }] }))]);
    expect(r.status).toBe(123);
    expect(r.stderr).toMatch(/deadlock: the guest waits \(wfi at pc 0x80000000/);
  });
});

describe('semihosting host files are confined below --semihost-root', () => {
  const root = mkdtempSync(join(tmpdir(), 'rv-root-'));
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'ok.txt'), 'inside');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'escape'));
  symlinkSync(join(root, 'sub', 'ok.txt'), join(root, 'inner-link'));
  symlinkSync(join(dir, 'missing-target'), join(root, 'dangling'));
  const files = new HostFiles(root);
  const EACCES = 13;

  it('opens files inside the root, through links that stay inside', () => {
    expect(files.handle({ op: 'open', path: 'sub/ok.txt', mode: 0 }).result).toBeGreaterThan(0);
    expect(files.handle({ op: 'open', path: 'inner-link', mode: 0 }).result).toBeGreaterThan(0);
  });
  it.each([
    ['a parent path', '../secret.txt'],
    ['a parent path in the middle', 'sub/../../secret.txt'],
    ['an absolute path', '/etc/passwd'],
    ['a symlink out of the root', 'escape'],
    ['an empty path', ''],
  ])('refuses %s', (_what, path) => {
    expect(files.handle({ op: 'open', path, mode: 0 })).toEqual({ result: -1, errno: EACCES });
  });
  it('refuses to create through a dangling link', () => {
    expect(files.handle({ op: 'open', path: 'dangling', mode: 4 })).toEqual({ result: -1, errno: EACCES });
  });
  it('refuses removing and renaming outside', () => {
    expect(files.handle({ op: 'remove', path: '../secret.txt' }).errno).toBe(EACCES);
    expect(files.handle({ op: 'rename', from: 'sub/ok.txt', to: '../stolen.txt' }).errno).toBe(EACCES);
  });
  it('refuses everything without a root', () => {
    expect(new HostFiles(undefined).handle({ op: 'open', path: 'sub/ok.txt', mode: 0 })).toEqual({ result: -1, errno: EACCES });
  });
  it('reports a missing file with ENOENT', () => {
    expect(files.handle({ op: 'open', path: 'nope.txt', mode: 0 })).toEqual({ result: -1, errno: 2 });
  });
});

describe('a reader that goes away', () => {
  // `retrovisor record ... | head -1`: the pipe closes before the guest has printed.
  it('does not crash the command: output is dropped, the recording is still written whole', async () => {
    const out = join(dir, 'piped.rvr');
    const child = spawn(process.execPath, [CLI, 'record', '-o', out, join(REPO, 'guests', 'build', 'hello.elf'), '--', 'a', 'b'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const stderr = Buffer.concat(err).toString('utf8');
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(stderr).toMatch(/^retrovisor: recorded \d+ instructions/);
    expect(status).toBe(3); // the guest's exit code (argc - 1)
    const replayed = await runCli(['replay', '--verify', out]);
    expect(replayed.stderr).toBe('');
    expect(replayed.stdout).toMatch(/^Hello from a RISC-V guest!\n/);
  });
});
