/** `retrovisor record`: run a program live and write every input it receives to a .rvr recording. */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { Stopwatch } from '../host/stopwatch.js';
import { Recorder, DEFAULT_CHECK_INTERVAL } from '../replay/recorder.js';
import { driveLive } from '../vm/live-driver.js';
import { clockOf, liveInputs, printStats, runOptions, guestOperands, selectGuest, type RunOptions } from './run-command.js';
import { applyTranslationFlags, reportLockstep } from './translation-flags.js';
import { UserError, parseCount, parseSize } from './user-error.js';

interface RecordOptions extends RunOptions {
  readonly output: string;
  readonly checkInterval: string;
  readonly checkpoints?: string | boolean;
}

export function registerRecord(program: Command): void {
  runOptions(program
    .command('record')
    .description('run a program (or boot a Linux kernel with --kernel) live and record every input it receives, so the run replays exactly anywhere')
    .argument('[program]', 'guest ELF (RV32, linked for RAM at 0x80000000); not with --kernel')
    .argument('[args...]', 'guest arguments (after --)')
    .requiredOption('-o, --output <file>', 'the recording to write (.rvr)')
    .option('--check-interval <n>', 'instructions between state checks in the recording', String(DEFAULT_CHECK_INTERVAL))
    .option('--checkpoints [n]', 'store a checkpoint every n instructions (default 20,000,000), for instant seeking later'))
    .action(async (file: string | undefined, args: string[], opts: RecordOptions, cmd: Command) => {
      process.exitCode = await recordProgram(...guestOperands(file, args, opts, cmd), opts);
    });
}

export async function recordProgram(file: string | undefined, args: readonly string[], opts: RecordOptions): Promise<number> {
  applyTranslationFlags(opts);
  const guest = selectGuest(file, opts, args);
  const memory = parseSize(opts.memory, '--memory');
  const maxInsns = opts.maxInsns === undefined ? Infinity : parseCount(opts.maxInsns, '--max-insns');
  const checkInterval = parseCount(opts.checkInterval, '--check-interval');
  if (checkInterval < 1) throw new UserError('--check-interval must be at least 1');
  const inputs = liveInputs(guest.name, args, opts);
  try {
    const recorder = new Recorder({
      output: opts.output, elf: guest.elf, kernel: guest.kernel, programName: guest.name, args, memory, bootArgs: guest.bootArgs,
      checkInterval, source: inputs.host, clock: clockOf(opts.clock),
      checkpointEvery: opts.checkpoints === undefined ? undefined
        : typeof opts.checkpoints === 'string' ? Math.max(1, parseCount(opts.checkpoints, '--checkpoints')) : 20_000_000,
    });
    inputs.attach(recorder.vm.monitor);
    let sinceFlush = new Stopwatch();
    const summary = await driveLive(recorder.vm, {
      maxInsns,
      trace: opts.trace,
      shouldQuit: inputs.quitRequested,
      observeOutput: inputs.console.observeOutput?.bind(inputs.console),
      runUntil: (target) => recorder.runUntil(target),
      afterSlice: () => {
        // Flushed at least once a second, so a killed recorder leaves a replayable file.
        if (sinceFlush.seconds() >= 0.5) {
          recorder.flush();
          sinceFlush = new Stopwatch();
        }
      },
    });
    const status = summary.stop.kind === 'exit' ? summary.stop.status : 0;
    recorder.finish(summary.end, status);
    const size = statSync(opts.output).size;
    process.stderr.write(`retrovisor: recorded ${summary.icount} instructions and ${recorder.host.events.length} inputs to ${opts.output} (${size} bytes)\n`);
    reportLockstep(recorder.vm.board.hart);
    if (opts.stats === true) printStats(summary);
    return summary.exitCode;
  } finally {
    inputs.host.close();
  }
}
