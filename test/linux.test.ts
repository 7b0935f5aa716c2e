/**
 * Linux 6.1 (guests/linux) booted under the built-in SBI: a scripted shell
 * session live, the same session recorded and replayed exactly (here, in
 * other processes and on Node 24), and debugged backwards over the
 * recording, with the debug-info vmlinux for kernel symbols.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { record, replay, type RunResult } from '../src/api/index.js';
import { ElfFile } from '../src/elf/elf-file.js';
import { InputSource } from '../src/host/host-input.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { fullDigest } from '../src/replay/state-check.js';
import { Timeline } from '../src/timeline/timeline.js';
import { REPO, runCli } from './support/cli.js';
import { node24 } from './support/node24.js';

const LINUX = join(REPO, 'guests', 'linux', 'build');
const KERNEL = {
  image: join(LINUX, 'Image'),
  initrd: join(LINUX, 'initramfs.cpio'),
  drive: join(LINUX, 'disk.img'),
  append: 'console=ttyS0',
};
const KERNEL_ARGS = ['--kernel', KERNEL.image, '--initrd', KERNEL.initrd, '--drive', KERNEL.drive, '--append', KERNEL.append];
const VMLINUX = join(LINUX, 'vmlinux-debug.gz');
/** Boots take a few seconds each; the machine may be shared. */
const SLOW = 600_000;

/** A shell session that reads the RNG, the RTC and the disk, and powers off. */
const SESSION = [
  'echo hello from the console',
  'cat /proc/cpuinfo',
  'ls /dev',
  'date',
  'rng 32',
  'disk 0',
  'disk 1',
  'compute 100000',
  'exit',
].map((c) => `after "# " ${JSON.stringify(`${c}\n`)}`).join('\n') + '\n';

const dir = mkdtempSync(join(tmpdir(), 'rv-linux-'));
const script = join(dir, 'session.txt');
const recording = join(dir, 'linux.rvr');
let recorded: RunResult;

beforeAll(async () => {
  writeFileSync(script, SESSION);
  recorded = await record({ kernel: KERNEL, input: SESSION, output: recording });
}, SLOW);

/** The output of one shell command: what the guest printed between its command line and the next prompt. */
function commandOutput(transcript: string, command: string): string {
  const start = transcript.indexOf(`# ${command}\r\n`);
  if (start < 0) throw new Error(`"${command}" is not in the transcript`);
  const from = start + command.length + 4;
  const end = transcript.indexOf('\n# ', from);
  return transcript.slice(from, end < 0 ? undefined : end + 1).replace(/\r\n/g, '\n');
}

/** The entry point of /init, read from the initramfs (newc cpio) and its ELF header. */
function initEntry(): number {
  const cpio = readFileSync(KERNEL.initrd);
  let at = 0;
  while (at < cpio.length) {
    const header = cpio.subarray(at, at + 110).toString('latin1');
    if (!header.startsWith('070701')) throw new Error(`bad cpio header at ${at}`);
    const field = (i: number) => parseInt(header.slice(6 + 8 * i, 14 + 8 * i), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = cpio.subarray(at + 110, at + 110 + nameSize - 1).toString('latin1');
    const data = Math.ceil((at + 110 + nameSize) / 4) * 4;
    if (name === 'init') return new ElfFile(new Uint8Array(cpio.subarray(data, data + size)), 'init').entry;
    if (name === 'TRAILER!!!') break;
    at = Math.ceil((data + size) / 4) * 4;
  }
  throw new Error('no /init in the initramfs');
}

describe('Linux boots under the built-in SBI', () => {
  it('to the shell prompt, runs a scripted session and powers off with status 0', async () => {
    const r = await runCli(['run', ...KERNEL_ARGS, '--input', script], { timeoutMs: SLOW });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    // The kernel found our SBI and its extensions, the devices of the device tree, and started /init.
    for (const line of [
      'Linux version 6.1.',
      'SBI specification v1.0 detected',
      'SBI implementation ID=0x52566973 Version=0x100',
      'SBI TIME extension detected',
      'SBI IPI extension detected',
      'SBI RFENCE extension detected',
      'SBI SRST extension detected',
      'riscv-timer: riscv_timer_init_dt: Registering clocksource cpuid [0] hartid [0]',
      'plic: plic@c000000: mapped 95 interrupts with 1 handlers for 2 contexts.',
      'ttyS0 at MMIO 0x10000000',
      'goldfish_rtc 101000.rtc: registered as rtc0',
      'virtio_blk virtio0: [vda] 128 512-byte logical blocks (65.5 kB/64.0 KiB)',
      'Run /init as init process',
      'Retrovisor Linux shell. Type "help" for commands.',
      'reboot: Power down',
    ]) expect(out).toContain(line);
    expect(commandOutput(out, 'echo hello from the console')).toBe('hello from the console\n');
    const cpuinfo = commandOutput(out, 'cat /proc/cpuinfo');
    expect(cpuinfo).toMatch(/^isa\s+: rv32imac$/m);
    expect(cpuinfo).toMatch(/^mmu\s+: sv32$/m);
    expect(commandOutput(out, 'ls /dev').split('\n')).toEqual(expect.arrayContaining(['vda', 'hwrng', 'rtc0', 'console', 'ttyS0']));
    // The RTC reads the host's wall clock (a recorded input): today, give or take a day.
    const date = commandOutput(out, 'date').trim();
    expect(date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(Math.abs(Date.parse(date.replace(' UTC', 'Z').replace(' ', 'T')) - Date.now())).toBeLessThan(86_400_000);
    expect(commandOutput(out, 'rng 32')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(commandOutput(out, 'disk 0')).toBe([
      '52 65 74 72 6f 76 69 73 6f 72 20 74 65 73 74 20  Retrovisor test ',
      '64 69 73 6b 2e 20 54 68 69 73 20 69 73 20 73 65  disk. This is se',
      '63 74 6f 72 20 30 20 6f 66 20 67 75 65 73 74 73  ctor 0 of guests',
      '2f 6c 69 6e 75 78 2f 62 75 69 6c 64 2f 64 69 73  /linux/build/dis',
      '6b 2e 69 6d 67 2c 20 72 65 61 64 20 62 79 20 74  k.img, read by t',
      '68 65 20 67 75 65 73 74 20 74 68 72 6f 75 67 68  he guest through',
      '20 76 69 72 74 69 6f 2d 62 6c 6b 2e 0a 00 00 00   virtio-blk.....',
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................',
      `sector 0 checksum ${sectorChecksum(0)}`,
      '',
    ].join('\n'));
    expect(commandOutput(out, 'disk 1')).toContain('00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................\n');
    expect(commandOutput(out, 'disk 1')).toContain(`sector 1 checksum ${sectorChecksum(1)}\n`);
    expect(commandOutput(out, 'compute 100000')).toBe('9592 primes below 100000, the largest 99991\n');
  }, SLOW);
});

/** The shell's checksum of a disk sector (sum = sum * 31 + byte, 32 bits), computed from the image itself. */
function sectorChecksum(sector: number): string {
  const bytes = readFileSync(KERNEL.drive).subarray(sector * 512, (sector + 1) * 512);
  let sum = 0;
  for (const b of bytes) sum = (Math.imul(sum, 31) + b) >>> 0;
  return sum.toString(16);
}

describe('a recorded Linux session', () => {
  it('recorded the RNG, the RTC and the console, and embeds the kernel, initrd and disk', () => {
    expect(recorded.end).toBe('exit');
    expect(recorded.exitStatus).toBe(0);
    const reader = RecordingReader.open(recording);
    const g = reader.header.guest;
    expect(g.kind).toBe('kernel');
    expect(g.bootArgs).toBe(KERNEL.append);
    expect(reader.images().map((i) => [i.meta.role, i.bytes.length])).toEqual([
      ['kernel', readFileSync(KERNEL.image).length], ['initrd', readFileSync(KERNEL.initrd).length], ['drive', readFileSync(KERNEL.drive).length],
    ]);
    const sources = new Set<number>();
    for (const c of reader.chunks()) for (const e of c.events) sources.add(e.source);
    expect([...sources].sort()).toEqual([InputSource.Console, InputSource.WallClock, InputSource.Entropy]);
    expect(commandOutput(recorded.stdout, 'rng 32')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('is described by retrovisor info', async () => {
    const r = await runCli(['info', '--json', recording]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ formatVersion: 2, kind: 'kernel', bootArgs: KERNEL.append, end: 'exit', exitStatus: 0 });
    expect(info.embedded.map((e: { role: string }) => e.role)).toEqual(['initrd', 'drive']);
  });

  it('replays 5 times with identical console output and final state', () => {
    for (let i = 0; i < 5; i++) {
      const again = replay(recording);
      expect(again.stdout).toBe(recorded.stdout);
      expect(again.digest).toBe(recorded.digest);
      expect(again.exitStatus).toBe(0);
    }
  }, SLOW);

  it('replays identically in a separate process', async () => {
    const r = await runCli(['replay', '--verify', recording], { timeoutMs: SLOW });
    expect(r.status).toBe(0);
    expect(r.stdoutBytes.toString('latin1')).toBe(recorded.stdout);
    const dump = await runCli(['replay', '--dump-state', recording], { timeoutMs: SLOW });
    expect(JSON.parse(dump.stdout).digest).toBe(recorded.digest);
  }, SLOW);

  it('replays identically under Node 24', async () => {
    const node = node24();
    if (node === undefined) return;
    const r = await runCli(['replay', '--verify', recording], { node, timeoutMs: SLOW });
    expect(r.status).toBe(0);
    expect(r.stdoutBytes.toString('latin1')).toBe(recorded.stdout);
    const dump = await runCli(['replay', '--dump-state', recording], { node, timeoutMs: SLOW });
    expect(JSON.parse(dump.stdout).digest).toBe(recorded.digest);
  }, SLOW);
});

/** Runs `retrovisor debug` over the recording with these commands; returns its output lines. */
async function debug(commands: readonly string[], extra: readonly string[] = []): Promise<string[]> {
  const batch = join(dir, `batch-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(batch, commands.join('\n') + '\n');
  const r = await runCli(['debug', recording, '--batch', batch, ...extra], { timeoutMs: SLOW });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('debugging the recorded Linux session', () => {
  it('restores every device exactly from checkpoints: seeking back and forth reaches the same states', async () => {
    const timeline = new Timeline(RecordingReader.open(recording));
    timeline.vm.board.onConsole = () => {};
    const end = timeline.end;
    const points = [Math.floor(end * 0.9), end - 1, Math.floor(end * 0.5)];
    const digests = new Map<number, string>();
    for (const p of points) {
      await timeline.seek(p);
      expect(timeline.icount).toBe(p);
      digests.set(p, fullDigest(timeline.vm));
    }
    // Back again, in another order: each seek restores a checkpoint with the virtio, SBI and RTC state of its time.
    for (const p of [end - 1, Math.floor(end * 0.5), Math.floor(end * 0.9)]) {
      await timeline.seek(p);
      expect(fullDigest(timeline.vm), `at icount ${p}`).toBe(digests.get(p));
    }
    // And the same states as a straight replay.
    expect(replay(recording, { until: end - 1, verify: false }).digest).toBe(digests.get(end - 1));
  }, SLOW);

  it('reverse-continues to the last supervisor timer interrupt', async () => {
    const out = await debug(['seek 999999999', 'catch interrupt 5', 'rc', 'p scause', 'c']);
    expect(out[0]).toMatch(/^stop exit icount=\d+ .*status 0$/);
    const end = Number(/icount=(\d+)/.exec(out[0]!)![1]);
    expect(out[1]).toBe('catchpoint 1 interrupt 5');
    const stop = /^stop interrupt icount=(\d+) pc=0x([0-9a-f]{8}) supervisor timer interrupt$/.exec(out[2]!);
    expect(stop, out[2]).not.toBeNull();
    const at = Number(stop![1]);
    expect(at).toBeLessThan(end);
    expect(out[3]).toBe('scause = 0x80000005');
    // It was the last one: from there, continuing reaches the end without another.
    expect(out[4]).toBe(out[0]);
  }, SLOW);

  it('finds where /init starts, and seeks there again', async () => {
    const entry = initEntry();
    const first = await debug(['catch priv', 'c', 'p $pc']);
    const stop = /^stop privilege icount=(\d+) pc=0x([0-9a-f]{8}) privilege S -> U$/.exec(first[1]!);
    expect(stop, first[1]).not.toBeNull();
    expect(parseInt(stop![2]!, 16)).toBe(entry);
    const icount = Number(stop![1]);
    const again = await debug([`seek ${icount}`, 'regs']);
    expect(again[0]).toMatch(new RegExp(`^stop step icount=${icount} pc=0x${entry.toString(16).padStart(8, '0')}`));
    expect(again[1]).toBe(`pc 0x${entry.toString(16).padStart(8, '0')} priv U icount ${icount}`);
  }, SLOW);

  it('with the debug-info kernel, a reverse watchpoint on jiffies stops at the store that wrote it, with a kernel backtrace', async () => {
    const out = await debug(['seek 40000000', 'watch jiffies', 'rc', 'x/1i $pc', 'bt', 'x/1w jiffies', 'si', 'x/1w jiffies'], ['--symbols', VMLINUX]);
    expect(out[1]).toMatch(/^watchpoint 1 write 0xc0[0-9a-f]{6} \(physical 0x80[0-9a-f]{6}\) length 4$/);
    const stop = /^stop watchpoint icount=\d+ pc=0x[0-9a-f]{8} do_timer\+0x[0-9a-f]+ at timekeeping\.c:\d+ write of 4 bytes at 0x[0-9a-f]+ \(value 0x([0-9a-f]+)\)$/.exec(out[2]!);
    expect(stop, out[2]).not.toBeNull();
    expect(out[3]).toMatch(/\bsw\b/);
    const bt = out.filter((l) => l.startsWith('#'));
    expect(bt[0]).toMatch(/^#0 {2}do_timer \(ticks=.*\) at timekeeping\.c:\d+$/);
    const functions = bt.map((l) => /^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)/.exec(l)?.[1]);
    expect(functions.slice(0, 4)).toEqual(['do_timer', 'tick_periodic', 'tick_handle_periodic', 'riscv_timer_interrupt']);
    // The store has not executed at the stop; one step later jiffies holds the value it wrote.
    const words = out.filter((l) => /^0x[0-9a-f]{8}/.test(l) && !l.includes(':\t'));
    expect(words.length).toBe(2);
    const value = (l: string) => parseInt(/0x[0-9a-f]{8}[^:]*:\s+0x([0-9a-f]+)/.exec(l)![1]!, 16);
    expect(value(words[1]!)).toBe(parseInt(stop![1]!, 16));
    expect(value(words[1]!)).toBe((value(words[0]!) + 1) >>> 0);
  }, SLOW);
});

describe('bad kernel input', () => {
  const expectOneLine = (r: { status: number | null; stderr: string }, pattern: RegExp) => {
    expect(r.status).toBe(125);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };

  it('refuses a Linux Image built for RV64', async () => {
    expectOneLine(await runCli(['run', '--kernel', join(LINUX, 'rv64-Image-head')]), /is a Linux Image for RV64/);
  });

  it('refuses a truncated Image', async () => {
    const cut = join(dir, 'Image-cut');
    writeFileSync(cut, readFileSync(KERNEL.image).subarray(0, 40));
    expectOneLine(await runCli(['run', '--kernel', cut]), /Image-cut is truncated: 40 bytes/);
    writeFileSync(cut, readFileSync(KERNEL.image).subarray(0, 64));
    expectOneLine(await runCli(['run', '--kernel', cut]), /Image-cut is truncated: it holds only the 64-byte Image header/);
  });

  it('refuses a missing disk file', async () => {
    expectOneLine(await runCli(['run', '--kernel', KERNEL.image, '--drive', join(dir, 'no-such-disk.img')]), /--drive .*no-such-disk\.img: no such file/);
    expectOneLine(await runCli(['record', '-o', join(dir, 'x.rvr'), '--kernel', KERNEL.image, '--drive', join(dir, 'no-such-disk.img')]), /no such file/);
  });

  it('refuses an ELF given as the kernel, and kernel options without --kernel', async () => {
    expectOneLine(await runCli(['run', '--kernel', join(REPO, 'guests', 'build', 'hello.elf')]), /is an ELF file .*--kernel takes the raw Image/);
    expectOneLine(await runCli(['run', join(REPO, 'guests', 'build', 'hello.elf'), '--drive', KERNEL.drive]), /--drive needs --kernel/);
    expectOneLine(await runCli(['run']), /give a program .* or --kernel Image/);
    expectOneLine(await runCli(['run', '--kernel', KERNEL.image, '--', 'init=/bin/sh']), /arguments after -- are for ELF programs; .*--append/);
  });
});
