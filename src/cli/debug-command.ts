/**
 * `retrovisor debug`: the command-line debugger over a recording's timeline.
 * Given an ELF (or --kernel), it records the run first (with --input for
 * console input: stdin is the debugger's), then debugs that recording.
 * Symbols come from the program, or from --symbols (a kernel's vmlinux).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as readline from 'node:readline';
import type { Command } from 'commander';
import { DebugSession } from '../debugger/debug-session.js';
import { SourceDebugger } from '../debugger/source-debugger.js';
import { Symbols } from '../symbols/symbols.js';
import { ScriptedConsole } from '../host/console-script.js';
import { LiveHost } from '../host/live-host.js';
import { RecordingReader } from '../replay/recording-file.js';
import { Recorder } from '../replay/recorder.js';
import { DensityPolicy } from '../timeline/checkpoint-policy.js';
import { forkRecorder } from '../timeline/fork.js';
import { Timeline } from '../timeline/timeline.js';
import { ElfFile } from '../elf/elf-file.js';
import { SymbolMap } from '../elf/symbol-map.js';
import { driveLive } from '../vm/live-driver.js';
import { guestOperands, kernelOptions, selectGuest, semihostRootOf, type KernelOptions } from './run-command.js';
import { readSymbolFile } from '../symbols/symbol-file.js';
import { applyTranslationFlags, translationFlags, type TranslationFlags } from './translation-flags.js';
import { UserError, parseCount, parseSize } from './user-error.js';

interface DebugOptions extends KernelOptions, TranslationFlags {
  readonly symbols?: string;
  readonly batch?: string;
  readonly ex?: string[];
  readonly input?: string;
  readonly maxInsns?: string;
  readonly memory: string;
  readonly semihostRoot?: string;
  readonly budget?: string;
  readonly sourceDir?: string[];
}

export function registerDebug(program: Command): void {
  translationFlags(kernelOptions(program
    .command('debug'))
    .description('debug a recording forwards and backwards (given an ELF, record its run first)')
    .argument('[target]', 'a .rvr recording, or a guest ELF to record and debug (or give --kernel)')
    .argument('[args...]', 'guest arguments when recording an ELF (after --)')
    .option('--batch <file>', 'run the commands in this file, print their results, and exit')
    .option('--ex <command>', 'run this command (repeatable; also -ex), then stay interactive unless --batch', (v: string, prev: string[] = []) => [...prev, v])
    .option('--input <file>', 'console input script when recording an ELF')
    .option('--max-insns <n>', 'stop recording an ELF after this many instructions', '1000000000')
    .option('-m, --memory <size>', 'guest RAM when recording an ELF or a kernel', '128M')
    .option('--semihost-root <dir>', 'host files for the guest when recording an ELF')
    .option('--budget <size>', 'checkpoint memory budget', '512M')
    .option('--source-dir <dir>', 'where to look for source files (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--symbols <elf>', 'symbols and debug information from this ELF (a kernel\'s vmlinux, also gzipped) instead of the program'))
    .action(async (target: string | undefined, args: string[], opts: DebugOptions, cmd: Command) => {
      process.exitCode = await debugTarget(...guestOperands(target, args, opts, cmd), opts);
    });
}

/** Commander does not take multi-letter short options: -ex CMD becomes --ex CMD. */
export function normalizeDebugArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-ex' ? '--ex' : a));
}

/** Runs a recorder to the guest's end (console output on stderr, input from the script), and finishes the file. */
async function recordRun(recorder: Recorder, console: ScriptedConsole, opts: DebugOptions) {
  const summary = await driveLive(recorder.vm, {
    maxInsns: parseCount(opts.maxInsns ?? '1000000000', '--max-insns'),
    shouldQuit: () => false,
    runUntil: (t) => recorder.runUntil(t),
    observeOutput: (b) => console.observeOutput(b),
    stdout: (b) => { process.stderr.write(b); },
    stderr: (t) => { process.stderr.write(t); },
  });
  recorder.finish(summary.end, summary.stop.kind === 'exit' ? summary.stop.status : 0);
  return summary;
}

async function recordGuest(file: string | undefined, args: readonly string[], opts: DebugOptions): Promise<string> {
  const guest = selectGuest(file, opts, args);
  const out = join(mkdtempSync(join(tmpdir(), 'retrovisor-debug-')), 'session.rvr');
  const console = opts.input !== undefined ? ScriptedConsole.fromFile(opts.input) : new ScriptedConsole([]);
  const host = new LiveHost({ semihostRoot: semihostRootOf(opts.semihostRoot), commandLine: [guest.name, ...args].join(' '), console });
  try {
    const recorder = new Recorder({
      output: out, elf: guest.elf, kernel: guest.kernel, programName: guest.name, args, bootArgs: guest.bootArgs,
      memory: parseSize(opts.memory, '--memory'), source: host,
    });
    const summary = await recordRun(recorder, console, opts);
    process.stderr.write(`retrovisor: recorded ${summary.icount} instructions to ${out}\n`);
  } finally {
    host.close();
  }
  return out;
}

async function debugTarget(target: string | undefined, args: readonly string[], opts: DebugOptions): Promise<number> {
  applyTranslationFlags(opts);
  let recording: string;
  if (opts.kernel !== undefined) {
    recording = await recordGuest(target, args, opts);
  } else {
    if (target === undefined) throw new UserError('give a recording, a program (an RV32 ELF) or --kernel Image');
    let head: Uint8Array;
    try {
      head = readFileSync(target).subarray(0, 4);
    } catch {
      throw new UserError(`${target}: no such file`);
    }
    const isElf = head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
    recording = isElf ? await recordGuest(target, args, opts) : target;
  }
  const reader = RecordingReader.open(recording);
  const image = reader.programImage();
  // A kernel's Image has no symbols: they come from --symbols (its vmlinux), if given.
  const elf = opts.symbols !== undefined ? readSymbolFile(opts.symbols)
    : reader.header.guest.kind === 'kernel' ? undefined : new ElfFile(image.bytes, image.meta.name);
  const symbols = new SymbolMap(elf);
  const timeline = new Timeline(reader, {
    policy: new DensityPolicy({ budgetBytes: parseSize(opts.budget ?? '512M', '--budget') }),
    onOutput: (bytes) => { process.stderr.write(bytes); },
  });
  const debugInfo = elf === undefined ? undefined : Symbols.load(elf);
  const source = debugInfo !== undefined && debugInfo.sourceFiles().length > 0 ? new SourceDebugger(timeline, debugInfo) : undefined;
  const session = new DebugSession(timeline, symbols, source);
  session.sourceDirectories = opts.sourceDir ?? [];
  session.forker = async (output, script) => {
    const console = script === undefined ? new ScriptedConsole([]) : ScriptedConsole.fromFile(script);
    const host = new LiveHost({ semihostRoot: semihostRootOf(opts.semihostRoot), commandLine: [reader.header.guest.program, ...reader.header.guest.args].join(' '), console });
    const from = timeline.icount;
    try {
      const summary = await recordRun(forkRecorder(timeline, { output, source: host }), console, opts);
      return `forked at icount=${from}: recorded to ${output} up to icount=${summary.icount} (ended: ${summary.end}${summary.stop.kind === 'exit' ? ` status ${summary.stop.status}` : ''})`;
    } finally {
      host.close();
    }
  };
  let failed = false;
  const run = async (line: string, signal?: AbortSignal) => {
    const out = await session.execute(line, signal);
    for (const l of out) {
      process.stdout.write(`${l}\n`);
      if (l.startsWith('error: ')) failed = true;
    }
  };
  for (const cmd of opts.ex ?? []) await run(cmd);
  if (opts.batch !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.batch, 'utf8');
    } catch {
      throw new UserError(`cannot read batch file ${opts.batch}`);
    }
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (l === '' || l.startsWith('#')) continue;
      if (l === 'q' || l === 'quit') break;
      await run(l);
    }
    return failed ? 1 : 0;
  }
  if (opts.ex !== undefined && process.stdin.isTTY !== true) return failed ? 1 : 0;
  return interactive(run);
}

/** A prompt; Ctrl-C cancels a running command, and exits at the prompt. */
function interactive(run: (line: string, signal?: AbortSignal) => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '(retrovisor) ' });
    let running: AbortController | undefined;
    rl.on('SIGINT', () => {
      if (running !== undefined) running.abort();
      else rl.close();
    });
    rl.on('line', (line) => {
      const l = line.trim();
      if (l === 'q' || l === 'quit') { rl.close(); return; }
      rl.pause();
      running = new AbortController();
      run(l, running.signal).then(() => {
        running = undefined;
        rl.resume();
        rl.prompt();
      }, (e: unknown) => {
        process.stderr.write(`retrovisor: ${(e as Error).message}\n`);
        rl.close();
      });
    });
    rl.on('close', () => resolve(0));
    rl.prompt();
  });
}
