/**
 * npm run bench: speed on the compute guests as medians of several runs,
 * measured side by side in one process (absolute times on a shared machine
 * are noisy; the ratios are what to watch):
 *   run     - the interpreter, no recording
 *   record  - the same run while recording to a .rvr file
 *   replay  - replaying that recording (inputs from the log, state checks compared)
 * plus the size of each recording beyond its embedded image.
 *
 * Then the Linux boot (bench/linux.ts) and time travel (bench/timeline.ts).
 *
 * Usage: npm run bench [-- --runs N] [--guests crc32,sort] [--no-linux] [--no-timeline] [--linux-only]
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../src/elf/elf-file.js';
import { LiveHost } from '../src/host/live-host.js';
import { Stopwatch } from '../src/host/stopwatch.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Recorder } from '../src/replay/recorder.js';
import { Replayer } from '../src/replay/replayer.js';
import { GuestVm } from '../src/vm/guest-vm.js';
import { linuxBench } from './linux.js';
import { timelineBench } from './timeline.js';

const GUESTS = ['crc32', 'sort', 'matmul', 'sha256', 'bytecode'];
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MEMORY = 128 * 1024 * 1024;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function expectExit(kind: string, status: number, what: string): void {
  if (kind !== 'exit' || status !== 0) throw new Error(`${what} did not exit cleanly (${kind} ${status})`);
}

/** One plain run (setting up and running); returns [instructions, seconds]. */
function runOnce(elf: ElfFile, name: string): [number, number] {
  const watch = new Stopwatch();
  const vm = new GuestVm({ elf, memory: MEMORY }, new LiveHost({ commandLine: name }));
  vm.board.onConsole = () => {};
  const stop = vm.runUntil(Infinity);
  const seconds = watch.seconds();
  expectExit(stop.kind, stop.kind === 'exit' ? stop.status : -1, name);
  return [vm.board.hart.icount, seconds];
}

/** One recorded run to `file` (setting up, running and finishing the file); returns seconds. */
function recordOnce(elf: ElfFile, name: string, file: string): number {
  const watch = new Stopwatch();
  const recorder = new Recorder({ output: file, elf, programName: name, args: [], memory: MEMORY, source: new LiveHost({ commandLine: name }) });
  recorder.vm.board.onConsole = () => {};
  const stop = recorder.runUntil(Infinity);
  recorder.finish(stop.kind, stop.kind === 'exit' ? stop.status : 0);
  const seconds = watch.seconds();
  expectExit(stop.kind, stop.kind === 'exit' ? stop.status : -1, `recording ${name}`);
  return seconds;
}

/** One replay of `file` (opening the recording, setting up and running); returns seconds. */
function replayOnce(file: string): number {
  const watch = new Stopwatch();
  const replayer = new Replayer(RecordingReader.open(file));
  replayer.vm.board.onConsole = () => {};
  const outcome = replayer.replay();
  const seconds = watch.seconds();
  expectExit(outcome.stop.kind, outcome.stop.kind === 'exit' ? outcome.stop.status : -1, `replaying ${file}`);
  return seconds;
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '5'));
  if (process.argv.includes('--linux-only')) {
    linuxBench(REPO, runs);
    return;
  }
  const guests = option('guests', GUESTS.join(',')).split(',');
  const dir = mkdtempSync(join(tmpdir(), 'rv-bench-'));
  console.log(`Retrovisor benchmark: ${runs} runs per guest and mode, interleaved, Node ${process.version}; medians\n`);
  console.log('| guest | instructions | run MIPS | record MIPS | replay MIPS | record / run | replay / record | recording beyond image |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const all = { run: [] as number[], record: [] as number[], replay: [] as number[], recOverRun: [] as number[], repOverRec: [] as number[] };
  for (const name of guests) {
    const elf = new ElfFile(readFileSync(`${REPO}guests/build/${name}.elf`), name);
    const file = join(dir, `${name}.rvr`);
    const t = { run: [] as number[], record: [] as number[], replay: [] as number[] };
    let icount = 0;
    for (let i = 0; i < runs; i++) {
      // Interleaved, so drift on a shared machine hits every mode alike.
      const [n, s] = runOnce(elf, name);
      icount = n;
      t.run.push(s);
      t.record.push(recordOnce(elf, name, file));
      t.replay.push(replayOnce(file));
    }
    const mips = (s: number) => icount / s / 1e6;
    const run = median(t.run), rec = median(t.record), rep = median(t.replay);
    // Everything but the embedded (compressed) image: header, inputs, state checks, footer.
    const imageBlock = RecordingReader.open(file).blocks.find((b) => b.type === 'IMAG')!;
    const extra = statSync(file).size - imageBlock.storedLength - 20;
    all.run.push(mips(run)); all.record.push(mips(rec)); all.replay.push(mips(rep));
    all.recOverRun.push(rec / run); all.repOverRec.push(rep / rec);
    console.log(`| ${name} | ${icount.toLocaleString('en-US')} | ${mips(run).toFixed(1)} | ${mips(rec).toFixed(1)} | ${mips(rep).toFixed(1)} | ` +
      `${(rec / run).toFixed(3)} | ${(rep / rec).toFixed(3)} | ${extra.toLocaleString('en-US')} B |`);
  }
  console.log(`| **median** | | **${median(all.run).toFixed(1)}** | **${median(all.record).toFixed(1)}** | **${median(all.replay).toFixed(1)}** | ` +
    `**${median(all.recOverRun).toFixed(3)}** | **${median(all.repOverRec).toFixed(3)}** | |`);
  console.log('\nGoals: run >= 100 MIPS; record / run <= 1.05; replay / record <= 1.05; recording beyond image < 4 KiB.');
  if (!process.argv.includes('--no-linux')) linuxBench(REPO, runs);
  if (!process.argv.includes('--no-timeline')) await timelineBench(REPO);
}

await main();
