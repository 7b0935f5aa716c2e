/**
 * npm run bench: speed on the compute guests (guests/compute/) as medians of
 * several runs, every mode measured side by side in one process, runs
 * interleaved (absolute times on a shared machine are noisy; the ratios are
 * what to watch):
 *   interpreter   - a plain run with binary translation off
 *   translator    - a plain run with binary translation on (the default)
 *   + record      - the same, recording to a .rvr file
 *   + replay      - replaying that recording (inputs from the log, state checks compared)
 *   QEMU          - qemu-system-riscv32 on the same ELF, when it is installed
 *   QEMU record   - the same with `-icount shift=auto,rr=record`
 * Every Retrovisor run pays for its own translations (compiled regions are
 * forgotten before each). Two measures:
 *   whole runs    - the guest's default workload, setting up, translating
 *                   and V8's warm-up included (Retrovisor only: QEMU's
 *                   process start would swamp it);
 *   steady state  - for Retrovisor and QEMU alike, the difference between a
 *                   run of ten times the guest's full iteration count and a
 *                   one-iteration run: instructions from Retrovisor's exact
 *                   count of both, seconds from the median wall times of
 *                   both. Process start, setup, translation and warm-up
 *                   cancel out; what is left lasts long enough to measure.
 * The QEMU comparison uses the steady state of both.
 *
 * Then the Linux boot (bench/linux.ts) and time travel (bench/timeline.ts),
 * translated unless RETROVISOR_JIT=0.
 *
 * Usage: npm run bench [-- --runs N] [--guests crc32,sort] [--no-qemu] [--no-linux] [--no-timeline] [--linux-only]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../src/elf/elf-file.js';
import { forgetCompiledRegions } from '../src/hart/block-translator.js';
import { setDefaultTranslation } from '../src/hart/translation-cache.js';
import { LiveHost } from '../src/host/live-host.js';
import { Stopwatch } from '../src/host/stopwatch.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Recorder } from '../src/replay/recorder.js';
import { Replayer } from '../src/replay/replayer.js';
import { GuestVm } from '../src/vm/guest-vm.js';
import { linuxBench } from './linux.js';
import { timelineBench } from './timeline.js';

const GUESTS = ['crc32', 'sort', 'matmul', 'sha256', 'bytecode'];
/** Each compute guest's full iteration count (FULL_ITERATIONS in guests/compute/*.c). */
const FULL_ITERATIONS: Record<string, number> = { crc32: 200, sort: 24, matmul: 60, sha256: 400, bytecode: 1000 };
/** QEMU's long run: this many times the full iteration count. */
const QEMU_SCALE = 10;
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

/** Translation on or off for the harts created next; each measured run starts with no compiled regions. */
function translation(enabled: boolean): void {
  setDefaultTranslation({ enabled });
  forgetCompiledRegions();
}

/** One plain run (setting up and running) of `name` with `args`; returns [instructions, seconds]. */
function runOnce(elf: ElfFile, name: string, args: readonly string[] = []): [number, number] {
  const watch = new Stopwatch();
  const vm = new GuestVm({ elf, memory: MEMORY }, new LiveHost({ commandLine: [name, ...args].join(' ') }));
  vm.board.onConsole = () => {};
  const stop = vm.runUntil(Infinity);
  const seconds = watch.seconds();
  expectExit(stop.kind, stop.kind === 'exit' ? stop.status : -1, name);
  return [vm.board.hart.icount, seconds];
}

/** One recorded run of `name` with `args` to `file` (setting up, running and finishing the file); returns seconds. */
function recordOnce(elf: ElfFile, name: string, file: string, args: readonly string[]): number {
  const watch = new Stopwatch();
  const recorder = new Recorder({
    output: file, elf, programName: name, args: [...args], memory: MEMORY, source: new LiveHost({ commandLine: [name, ...args].join(' ') }),
  });
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

/** QEMU's command line (the manifest's, as the differential test uses it), plus `extra`. */
interface QemuSetup {
  readonly binary: string;
  readonly args: readonly string[];
}

function qemuSetup(): QemuSetup | undefined {
  const manifest = JSON.parse(readFileSync(`${REPO}guests/manifest.json`, 'utf8')) as { qemu: QemuSetup };
  const probe = spawnSync(manifest.qemu.binary, ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? manifest.qemu : undefined;
}

/** One QEMU run of `elf` with `args` (and `extra` options); returns seconds of wall time. */
function qemuOnce(q: QemuSetup, elf: string, args: readonly string[], extra: readonly string[]): number {
  const watch = new Stopwatch();
  const r = spawnSync(q.binary, [...q.args, ...extra, '-kernel', elf, ...(args.length > 0 ? ['-append', args.join(' ')] : [])],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  const seconds = watch.seconds();
  if (r.status !== 0) throw new Error(`QEMU on ${elf} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  return seconds;
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');

/** Seconds per run of one guest, by mode and workload. */
interface Times {
  interpreter: number[];
  /** Whole runs of the guest's default iteration count. */
  translator: number[];
  record: number[];
  replay: number[];
  /** Long (QEMU_SCALE x full iterations) and small (one iteration) runs, for the steady state. */
  translatorLong: number[];
  translatorSmall: number[];
  recordLong: number[];
  recordSmall: number[];
  replayLong: number[];
  replaySmall: number[];
  qemuLong: number[];
  qemuSmall: number[];
  qemuRecordLong: number[];
  qemuRecordSmall: number[];
}

const emptyTimes = (): Times => ({
  interpreter: [], translator: [], record: [], replay: [], translatorLong: [], translatorSmall: [], recordLong: [], recordSmall: [],
  replayLong: [], replaySmall: [], qemuLong: [], qemuSmall: [], qemuRecordLong: [], qemuRecordSmall: [],
});

async function main(): Promise<void> {
  const runs = Number(option('runs', '5'));
  if (process.argv.includes('--linux-only')) {
    setDefaultTranslation({ enabled: process.env['RETROVISOR_JIT'] !== '0' });
    linuxBench(REPO, runs);
    return;
  }
  const guests = option('guests', GUESTS.join(',')).split(',');
  const dir = mkdtempSync(join(tmpdir(), 'rv-bench-'));
  const qemu = process.argv.includes('--no-qemu') ? undefined : qemuSetup();
  const qemuRecord = ['-icount', `shift=auto,rr=record,rrfile=${join(dir, 'qemu.rr')}`];
  const SMALL = ['1'];
  console.log(`Retrovisor benchmark: ${runs} runs per guest and mode, interleaved, Node ${process.version}; medians in MIPS` +
    (qemu === undefined ? ' (QEMU not installed or --no-qemu: its columns are empty)' : '') + '\n');
  const whole: string[] = [];
  const steady: string[] = [];
  const overheads: string[] = [];
  const all = {
    interpreter: [] as number[], translator: [] as number[], record: [] as number[], replay: [] as number[],
    translatorSteady: [] as number[], recordSteady: [] as number[], replaySteady: [] as number[],
    qemu: [] as number[], qemuRecord: [] as number[], vsQemuRecord: [] as number[], vsQemu: [] as number[],
  };
  for (const name of guests) {
    const elfPath = `${REPO}guests/build/${name}.elf`;
    const elf = new ElfFile(readFileSync(elfPath), name);
    const file = join(dir, `${name}.rvr`);
    const t = emptyTimes();
    const full = FULL_ITERATIONS[name];
    if (full === undefined) throw new Error(`no full iteration count for ${name}: add it to FULL_ITERATIONS`);
    const LONG = [String(QEMU_SCALE * full)];
    let icount = 0;
    /** A recording of `args` to `file`, then its replay. */
    const recordAndReplay = (args: readonly string[], record: number[], replay: number[]) => {
      translation(true);
      record.push(recordOnce(elf, name, file, args));
      translation(true);
      replay.push(replayOnce(file));
    };
    const modes: (() => void)[] = [
      () => {
        translation(false);
        const [n, s] = runOnce(elf, name);
        icount = n;
        t.interpreter.push(s);
      },
      () => { translation(true); t.translator.push(runOnce(elf, name)[1]); },
      () => recordAndReplay([], t.record, t.replay),
      () => { translation(true); t.translatorLong.push(runOnce(elf, name, LONG)[1]); },
      () => { translation(true); t.translatorSmall.push(runOnce(elf, name, SMALL)[1]); },
      () => recordAndReplay(LONG, t.recordLong, t.replayLong),
      () => recordAndReplay(SMALL, t.recordSmall, t.replaySmall),
    ];
    for (let i = 0; i < runs; i++) {
      // Interleaved, and in a different order each time, so drift on a shared machine and whatever one mode leaves
      // warm for the next (V8's code for the shared paths) hit every mode alike.
      for (let k = 0; k < modes.length; k++) modes[(i + k) % modes.length]!();
      if (qemu !== undefined) {
        t.qemuLong.push(qemuOnce(qemu, elfPath, LONG, []));
        t.qemuSmall.push(qemuOnce(qemu, elfPath, SMALL, []));
        t.qemuRecordLong.push(qemuOnce(qemu, elfPath, LONG, qemuRecord));
        t.qemuRecordSmall.push(qemuOnce(qemu, elfPath, SMALL, qemuRecord));
      }
    }
    translation(true);
    const mips = (s: number) => icount / s / 1e6;
    // Instructions of the long and the small workload: Retrovisor's exact count (QEMU runs the same ELF and arguments).
    const steadyInstructions = runOnce(elf, name, LONG)[0] - runOnce(elf, name, SMALL)[0];
    const steadyMips = (long: number[], small: number[]) => steadyInstructions / (median(long) - median(small)) / 1e6;
    const m = {
      interpreter: mips(median(t.interpreter)), translator: mips(median(t.translator)),
      record: mips(median(t.record)), replay: mips(median(t.replay)),
      translatorSteady: steadyMips(t.translatorLong, t.translatorSmall),
      recordSteady: steadyMips(t.recordLong, t.recordSmall),
      replaySteady: steadyMips(t.replayLong, t.replaySmall),
      qemu: qemu === undefined ? NaN : steadyMips(t.qemuLong, t.qemuSmall),
      qemuRecord: qemu === undefined ? NaN : steadyMips(t.qemuRecordLong, t.qemuRecordSmall),
    };
    const vsQemuRecord = m.recordSteady / m.qemuRecord, vsQemu = m.translatorSteady / m.qemu;
    for (const k of Object.keys(m) as (keyof typeof m)[]) all[k].push(m[k]);
    all.vsQemuRecord.push(vsQemuRecord);
    all.vsQemu.push(vsQemu);
    whole.push(`| ${name} | ${icount.toLocaleString('en-US')} | ${fixed(m.interpreter)} | ${fixed(m.translator)} | ${fixed(m.record)} | ${fixed(m.replay)} |`);
    steady.push(`| ${name} | ${steadyInstructions.toLocaleString('en-US')} | ${fixed(m.translatorSteady)} | ${fixed(m.recordSteady)} | ${fixed(m.replaySteady)} | ` +
      `${fixed(m.qemu)} | ${fixed(m.qemuRecord)} | ${ratio(vsQemuRecord)} | ${ratio(vsQemu)} |`);
    // Everything but the embedded (compressed) image: header, inputs, state checks, footer (of the last, small, recording).
    recordOnce(elf, name, file, []);
    const imageBlock = RecordingReader.open(file).blocks.find((b) => b.type === 'IMAG')!;
    const extra = statSync(file).size - imageBlock.storedLength - 20;
    overheads.push(`| ${name} | ${ratio(m.translator / m.interpreter)} | ${fixed(median(t.record) / median(t.translator), 3)} | ` +
      `${fixed(median(t.replay) / median(t.record), 3)} | ${extra.toLocaleString('en-US')} B |`);
  }
  const bold = (xs: number[], f: (n: number) => string = fixed) => `**${f(median(xs))}**`;
  console.log('Whole runs of each guest\'s default workload (setting up, translating and V8\'s warm-up included):\n');
  console.log('| guest | instructions | interpreter | translator | translator + record | translator + replay |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const line of whole) console.log(line);
  console.log(`| **median** | | ${bold(all.interpreter)} | ${bold(all.translator)} | ${bold(all.record)} | ${bold(all.replay)} |`);
  console.log(`\nSteady state, measured alike for Retrovisor and QEMU: instructions of a run of ${QEMU_SCALE} times the default ` +
    'iterations less those of a one-iteration run, over the difference of their median times (start, setup and warm-up cancel out):\n');
  console.log('| guest | instructions | translator | translator + record | translator + replay | QEMU | QEMU record | record / QEMU record | translator / QEMU |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of steady) console.log(line);
  console.log(`| **median** | | ${bold(all.translatorSteady)} | ${bold(all.recordSteady)} | ${bold(all.replaySteady)} | ${bold(all.qemu)} | ` +
    `${bold(all.qemuRecord)} | ${bold(all.vsQemuRecord, ratio)} | ${bold(all.vsQemu, ratio)} |`);
  console.log('\nGoals: translator + record >= 400 MIPS median (whole runs); translator + record >= 1.0x QEMU record (steady state).\n');
  console.log('| guest | translator / interpreter | record / run time | replay / record time | recording beyond image |');
  console.log('|---|---:|---:|---:|---:|');
  for (const line of overheads) console.log(line);
  console.log('\nGoals: record / run <= 1.05; replay / record <= 1.05; recording beyond image < 4 KiB (whole runs).');
  // The Linux boot and time travel: with translation (the default), or with the interpreter alone when RETROVISOR_JIT=0.
  setDefaultTranslation({ enabled: process.env['RETROVISOR_JIT'] !== '0' });
  if (!process.argv.includes('--no-linux')) linuxBench(REPO, runs);
  if (!process.argv.includes('--no-timeline')) await timelineBench(REPO);
}

await main();
