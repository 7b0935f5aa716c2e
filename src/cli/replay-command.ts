/** `retrovisor replay`: re-run a recording exactly, checking it step by step. */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { CSR_NAMES } from '../isa/csr.js';
import { bisect } from '../replay/bisect.js';
import { Divergence } from '../replay/divergence.js';
import { RecordingReader } from '../replay/recording-file.js';
import { Replayer } from '../replay/replayer.js';
import { fullDigest } from '../replay/state-check.js';
import type { StopReason } from '../monitor/monitor.js';
import { applyTranslationFlags, reportLockstep, translationFlags, type TranslationFlags } from './translation-flags.js';
import { ExitCode, parseCount } from './user-error.js';

interface ReplayOptions extends TranslationFlags {
  readonly verify?: boolean;
  readonly until?: string;
  readonly dumpState?: boolean;
  readonly quiet?: boolean;
  readonly progress?: boolean;
  readonly bisect?: boolean;
}

export function registerReplay(program: Command): void {
  translationFlags(program
    .command('replay')
    .description('replay a recording exactly: re-render its console output and stop at the first divergence')
    .argument('<recording>', 'a .rvr file written by retrovisor record')
    .option('--verify', 'also compare the full final state (all of RAM) with the recording; refuse incomplete recordings')
    .option('--until <icount>', 'stop at this instruction count')
    .option('--dump-state', 'print the final state (pc, registers, CSRs, icount, digest) as JSON instead of the console output')
    .option('-q, --quiet', 'do not print the guest console output')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--bisect', 'on a divergence, narrow it to the first differing instruction (slow: re-runs the window)'))
    .action((file: string, opts: ReplayOptions) => {
      process.exitCode = replayRecording(file, opts);
    });
}

/** Divergence exit code and report; other errors propagate. Returns the process exit code. */
export function replayRecording(file: string, opts: ReplayOptions): number {
  applyTranslationFlags(opts);
  const reader = RecordingReader.open(file);
  if (opts.verify === true && reader.incomplete) {
    process.stderr.write(`retrovisor: ${file} is incomplete (the recorder stopped before writing its footer); it replays up to icount ${reader.lastIcount()}, but its final state cannot be verified\n`);
    return ExitCode.UsageError;
  }
  const until = opts.until === undefined ? Infinity : parseCount(opts.until, '--until');
  const replayer = new Replayer(reader);
  const quiet = opts.quiet === true || opts.dumpState === true;
  const out: Buffer[] = [];
  replayer.vm.board.onConsole = (bytes, error) => {
    if (quiet) return;
    if (error) process.stderr.write(bytes);
    else out.push(Buffer.from(bytes));
    if (out.length > 256) flush();
  };
  const flush = () => {
    if (out.length > 0) process.stdout.write(Buffer.concat(out.splice(0)));
  };
  const end = Math.min(until, replayer.endIcount);
  const bar = opts.progress !== false && process.stderr.isTTY === true && end > 50_000_000
    ? new SingleBar({ format: 'replaying [{bar}] {percentage}% | {value}/{total} instructions', stream: process.stderr, hideCursor: true })
    : undefined;
  let outcome;
  try {
    bar?.start(end, 0);
    for (;;) {
      const step = Math.min(end, replayer.vm.board.hart.icount + 20_000_000);
      outcome = replayer.replay(step === end ? until : step);
      bar?.update(replayer.vm.board.hart.icount);
      flush();
      if (step === end || outcome.stop.kind !== 'target') break;
    }
    bar?.stop();
    if (opts.verify === true && outcome.reachedEnd) replayer.verifyFinalState();
  } catch (e) {
    bar?.stop();
    flush();
    if (e instanceof Divergence) {
      process.stderr.write(`retrovisor: ${file}: ${e.report || e.message}\n`);
      if (opts.bisect === true) {
        const result = bisect(reader, e, replayer.lastGood);
        process.stderr.write(`${result.report}\n`);
      }
      return ExitCode.Divergence;
    }
    throw e;
  }
  reportLockstep(replayer.vm.board.hart);
  if (opts.dumpState === true) process.stdout.write(JSON.stringify(dumpState(replayer), null, 2) + '\n');
  if (outcome.incomplete && outcome.reachedEnd) {
    process.stderr.write(`retrovisor: ${file} is incomplete: replayed to its last complete chunk (icount ${outcome.icount})\n`);
  }
  return exitCodeOf(outcome.stop);
}

function exitCodeOf(stop: StopReason): number {
  switch (stop.kind) {
    case 'exit': return stop.status & 0xff;
    case 'fatal-trap': return ExitCode.GuestFault;
    case 'deadlock': return ExitCode.Deadlock;
    default: return 0;
  }
}

/** The final state as JSON: pc, privilege, icount, registers, CSRs by name, and the full digest. */
export function dumpState(replayer: Replayer): Record<string, unknown> {
  const hart = replayer.vm.board.hart;
  const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
  const registers: Record<string, string> = {};
  for (let i = 1; i < 32; i++) registers[`x${i}`] = hex(hart.x[i]!);
  const csrs: Record<string, string> = {};
  for (const [num, name] of CSR_NAMES) {
    const v = hart.peekCsr(num);
    if (v !== undefined && !/^(m?hpm|hpm)/.test(name)) csrs[name] = hex(v);
  }
  return {
    icount: hart.icount,
    pc: hex(hart.pc),
    priv: ['U', 'S', '?', 'M'][hart.priv],
    registers,
    csrs,
    digest: fullDigest(replayer.vm),
  };
}
