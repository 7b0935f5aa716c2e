/**
 * Time-travel benchmark (part of npm run bench): on a recording of more than
 * 200 million instructions with stored checkpoints (record --checkpoints),
 * measures seeks to random positions, reverse steps at random positions,
 * reverse-continue across the whole recording against a forward replay, and
 * checkpoint memory against the budget.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile } from '../src/elf/elf-file.js';
import { LiveHost } from '../src/host/live-host.js';
import { Stopwatch } from '../src/host/stopwatch.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Recorder } from '../src/replay/recorder.js';
import { Replayer } from '../src/replay/replayer.js';
import { Timeline } from '../src/timeline/timeline.js';
import { defaultCheckpointSpacing } from '../src/timeline/indexer.js';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Records bytecode with enough iterations for 200M+ instructions, storing checkpoints. */
function makeRecording(repo: string, file: string): number {
  const elf = new ElfFile(readFileSync(`${repo}guests/build/bytecode.elf`), 'bytecode');
  // Checkpoint spacing as `index` would choose for this length (32 per recording).
  const recorder = new Recorder({
    output: file, elf, programName: 'bytecode', args: ['2300'], memory: 128 * 1024 * 1024,
    source: new LiveHost({ commandLine: 'bytecode 2300' }), checkpointEvery: defaultCheckpointSpacing(230_000_000),
  });
  recorder.vm.board.onConsole = () => {};
  const stop = recorder.runUntil(Infinity);
  recorder.finish(stop.kind, stop.kind === 'exit' ? stop.status : 0);
  return recorder.vm.board.hart.icount;
}

export async function timelineBench(repo: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'rv-bench-tl-')), 'long.rvr');
  const icount = makeRecording(repo, file);
  console.log(`\nTime travel on a ${icount.toLocaleString('en-US')}-instruction recording (bytecode, stored checkpoints every ${defaultCheckpointSpacing(230_000_000).toLocaleString('en-US')}):\n`);

  let w = new Stopwatch();
  const replayer = new Replayer(RecordingReader.open(file));
  replayer.vm.board.onConsole = () => {};
  replayer.replay();
  const forward = w.seconds();

  w = new Stopwatch();
  const t = new Timeline(RecordingReader.open(file));
  const open = w.seconds();
  let seed = 2026;
  const random = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return Math.floor((seed / 2 ** 32) * icount); };
  const seeks: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < 40; i++) {
    const target = random();
    w = new Stopwatch();
    await t.seek(target);
    seeks.push(w.seconds() * 1000);
    // Reverse steps from where the user now stands.
    for (let k = 0; k < 5; k++) {
      w = new Stopwatch();
      await t.stepBack();
      steps.push(w.seconds() * 1000);
    }
  }
  await t.seek(icount);
  t.breakpoints.add(0x12345678); // never hit: the reverse-continue scans everything
  w = new Stopwatch();
  const rc = await t.reverseContinue();
  const reverse = w.seconds();
  if (rc.kind !== 'start') throw new Error(`reverse-continue ended with ${rc.kind}`);

  console.log('| measure | value | goal |');
  console.log('|---|---:|---:|');
  console.log(`| open the recording (${t.storedCheckpoints} stored checkpoints) | ${(open * 1000).toFixed(1)} ms | |`);
  console.log(`| seek to a random position, p50 (40 seeks) | ${quantile(seeks, 0.5).toFixed(1)} ms | <= 100 ms |`);
  console.log(`| seek to a random position, p99 | ${quantile(seeks, 0.99).toFixed(1)} ms | |`);
  console.log(`| reverse step, p50 (200 steps at 40 positions) | ${quantile(steps, 0.5).toFixed(2)} ms | |`);
  console.log(`| reverse step, p99 | ${quantile(steps, 0.99).toFixed(2)} ms | <= 50 ms |`);
  console.log(`| forward replay of the whole recording | ${forward.toFixed(2)} s | |`);
  console.log(`| reverse-continue across the whole recording | ${reverse.toFixed(2)} s (${(reverse / forward).toFixed(2)}x forward) | <= 2x |`);
  console.log(`| checkpoint memory | ${(t.store.memoryBytes / 1048576).toFixed(1)} MiB in ${t.store.checkpoints.length} checkpoints | <= ${t.policy.budgetBytes / 1048576} MiB |`);
}
