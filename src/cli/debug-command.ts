/**
 * `retrovisor debug`: the command-line debugger over a recording's timeline.
 * Given an ELF, it records the run first (with --input for console input:
 * stdin is the debugger's), then debugs that recording.
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
import { readElf, semihostRootOf } from './run-command.js';
import { applyTranslationFlags, translationFlags, type TranslationFlags } from './translation-flags.js';
import { UserError, parseCount, parseSize } from './user-error.js';

interface DebugOptions extends TranslationFlags {
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
  translationFlags(program
    .command('debug')
    .description('debug a recording forwards and backwards (given an ELF, record its run first)')
    .argument('<target>', 'a .rvr recording, or a guest ELF to record and debug')
    .argument('[args...]', 'guest arguments when recording an ELF (after --)')
    .option('--batch <file>', 'run the commands in this file, print their results, and exit')
    .option('--ex <command>', 'run this command (repeatable; also -ex), then stay interactive unless --batch', (v: string, prev: string[] = []) => [...prev, v])
    .option('--input <file>', 'console input script when recording an ELF')
    .option('--max-insns <n>', 'stop recording an ELF after this many instructions', '1000000000')
    .option('-m, --memory <size>', 'guest RAM when recording an ELF', '128M')
    .option('--semihost-root <dir>', 'host files for the guest when recording an ELF')
    .option('--budget <size>', 'checkpoint memory budget', '512M')
    .option('--source-dir <dir>', 'where to look for source files (repeatable)', (v: string, prev: string[] = []) => [...prev, v]))
    .action(async (target: string, args: string[], opts: DebugOptions) => {
      process.exitCode = await debugTarget(target, args, opts);
    });
}

/** Commander does not take multi-letter short options: -ex CMD becomes --ex CMD. */
export function normalizeDebugArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-ex' ? '--ex' : a));
}

async function recordElf(file: string, args: readonly string[], opts: DebugOptions): Promise<string> {
  const elf = readElf(file);
  const out = join(mkdtempSync(join(tmpdir(), 'retrovisor-debug-')), 'session.rvr');
  const console = opts.input !== undefined ? ScriptedConsole.fromFile(opts.input) : new ScriptedConsole([]);
  const host = new LiveHost({ semihostRoot: semihostRootOf(opts.semihostRoot), commandLine: [file, ...args].join(' '), console });
  try {
    const recorder = new Recorder({ output: out, elf, programName: file, args, memory: parseSize(opts.memory, '--memory'), source: host });
    const summary = await driveLive(recorder.vm, {
      maxInsns: parseCount(opts.maxInsns ?? '1000000000', '--max-insns'),
      shouldQuit: () => false,
      runUntil: (t) => recorder.runUntil(t),
      observeOutput: (b) => console.observeOutput(b),
      stdout: (b) => { process.stderr.write(b); },
      stderr: (t) => { process.stderr.write(t); },
    });
    recorder.finish(summary.end, summary.stop.kind === 'exit' ? summary.stop.status : 0);
    process.stderr.write(`retrovisor: recorded ${summary.icount} instructions to ${out}\n`);
  } finally {
    host.close();
  }
  return out;
}

async function debugTarget(target: string, args: readonly string[], opts: DebugOptions): Promise<number> {
  applyTranslationFlags(opts);
  let recording = target;
  let head: Uint8Array;
  try {
    head = readFileSync(target).subarray(0, 4);
  } catch {
    throw new UserError(`${target}: no such file`);
  }
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) recording = await recordElf(target, args, opts);
  const reader = RecordingReader.open(recording);
  const image = reader.programImage();
  const elf = new ElfFile(image.bytes, image.meta.name);
  const symbols = new SymbolMap(elf);
  const timeline = new Timeline(reader, {
    policy: new DensityPolicy({ budgetBytes: parseSize(opts.budget ?? '512M', '--budget') }),
    onOutput: (bytes) => { process.stderr.write(bytes); },
  });
  const debugInfo = Symbols.load(elf);
  const source = debugInfo.sourceFiles().length > 0 ? new SourceDebugger(timeline, debugInfo) : undefined;
  const session = new DebugSession(timeline, symbols, source);
  session.sourceDirectories = opts.sourceDir ?? [];
  session.forker = async (output, script) => {
    const console = script === undefined ? new ScriptedConsole([]) : ScriptedConsole.fromFile(script);
    const host = new LiveHost({ semihostRoot: semihostRootOf(opts.semihostRoot), commandLine: [reader.header.guest.program, ...reader.header.guest.args].join(' '), console });
    const from = timeline.icount;
    try {
      const recorder = forkRecorder(timeline, { output, source: host });
      const summary = await driveLive(recorder.vm, {
        maxInsns: parseCount(opts.maxInsns ?? '1000000000', '--max-insns'),
        shouldQuit: () => false,
        runUntil: (t) => recorder.runUntil(t),
        observeOutput: (b) => console.observeOutput(b),
        stdout: (b) => { process.stderr.write(b); },
        stderr: (t) => { process.stderr.write(t); },
      });
      recorder.finish(summary.end, summary.stop.kind === 'exit' ? summary.stop.status : 0);
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
