/**
 * The Linux boot benchmark (part of npm run bench): the bundled kernel
 * (guests/linux) from power-on to its shell prompt, about 51 million
 * instructions, run, recorded and replayed side by side, medians of several
 * runs. Wall time is what the goal is about (1 s once the binary
 * translator lands); CPU time is shown too, because on a shared machine wall
 * time also counts other people's work.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveHost } from '../src/host/live-host.js';
import { Stopwatch } from '../src/host/stopwatch.js';
import type { StopReason } from '../src/monitor/monitor.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Recorder } from '../src/replay/recorder.js';
import { Replayer } from '../src/replay/replayer.js';
import { GuestVm, type KernelGuest } from '../src/vm/guest-vm.js';

const MEMORY = 128 * 1024 * 1024;
const BOOT_ARGS = 'console=ttyS0';
/** Slices between prompt checks: small against 51 million, cheap to check. */
const SLICE = 200_000;
const PROMPT = '\n# ';

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function measure(f: () => void): Timing {
  const watch = new Stopwatch();
  const cpu = process.cpuUsage();
  f();
  const used = process.cpuUsage(cpu);
  return { wall: watch.seconds(), cpu: (used.user + used.system) / 1e6 };
}

/** Runs `vm` in slices until its console ends with the shell prompt; returns the icount there. */
function toPrompt(vm: GuestVm, runUntil: (target: number) => StopReason): number {
  let tail = '';
  vm.board.onConsole = (b) => { tail = (tail + Buffer.from(b).toString('latin1')).slice(-16); };
  while (!tail.endsWith(PROMPT)) {
    const stop = runUntil(vm.board.hart.icount + SLICE);
    if (stop.kind !== 'target' && stop.kind !== 'paused') throw new Error(`the kernel stopped before its prompt: ${stop.kind}`);
    if (vm.board.hart.icount > 500_000_000) throw new Error('no shell prompt after 500 million instructions');
  }
  return vm.board.hart.icount;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function linuxBench(repo: string, runs: number): void {
  const build = `${repo}guests/linux/build/`;
  const kernel: KernelGuest = {
    image: readFileSync(`${build}Image`), name: 'Image', initrd: readFileSync(`${build}initramfs.cpio`), drive: readFileSync(`${build}disk.img`),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'rv-bench-linux-')), 'boot.rvr');
  const t = { run: [] as Timing[], record: [] as Timing[], replay: [] as Timing[] };
  let instructions = 0;
  for (let i = 0; i < runs; i++) {
    t.run.push(measure(() => {
      const vm = new GuestVm({ kernel, memory: MEMORY, bootArgs: BOOT_ARGS }, new LiveHost({ commandLine: '' }));
      instructions = toPrompt(vm, (n) => vm.runUntil(n));
    }));
    t.record.push(measure(() => {
      const recorder = new Recorder({ output: file, kernel, programName: 'Image', args: [], memory: MEMORY, bootArgs: BOOT_ARGS, source: new LiveHost({ commandLine: '' }) });
      toPrompt(recorder.vm, (n) => recorder.runUntil(n));
      recorder.finish('limit', 0);
    }));
    t.replay.push(measure(() => {
      const replayer = new Replayer(RecordingReader.open(file));
      replayer.vm.board.onConsole = () => {};
      replayer.replay();
    }));
  }
  const wall = (xs: Timing[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: Timing[]) => median(xs.map((x) => x.cpu));
  console.log(`\nLinux 6.1 boot to the shell prompt (guests/linux, ${instructions.toLocaleString('en-US')} instructions; ${runs} runs, medians)\n`);
  console.log('| mode | wall s | CPU s | MIPS (wall) | / run (wall) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [mode, xs] of [['run', t.run], ['record', t.record], ['replay', t.replay]] as const) {
    console.log(`| ${mode} | ${wall(xs).toFixed(3)} | ${cpu(xs).toFixed(3)} | ${(instructions / wall(xs) / 1e6).toFixed(1)} | ${(wall(xs) / wall(t.run)).toFixed(3)} |`);
  }
  console.log(`\nRecording of the boot: ${statSync(file).size.toLocaleString('en-US')} bytes (the kernel, initrd and disk embedded, compressed).`);
  console.log('Goal: boot to the prompt in at most 1 s of wall time, recording included (translation on, the default; RETROVISOR_JIT=0 for the interpreter alone).');
}
