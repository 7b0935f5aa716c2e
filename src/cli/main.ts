/** The `retrovisor` command line. */
import { Command, CommanderError } from 'commander';
import { ElfError } from '../elf/elf-file.js';
import { LoadError } from '../machine/loader.js';
import { ScriptError } from '../host/console-script.js';
import { RecordingError } from '../replay/recording-file.js';
import { LockstepMismatch } from '../hart/lockstep-checker.js';
import { SymbolsError } from '../symbols/symbols.js';
import { registerDap } from './dap-command.js';
import { normalizeDebugArgv, registerDebug } from './debug-command.js';
import { registerDtb } from './dtb-command.js';
import { registerGdbserver } from './gdbserver-command.js';
import { registerIndex } from './index-command.js';
import { registerInfo } from './info-command.js';
import { registerRecord } from './record-command.js';
import { registerReplay } from './replay-command.js';
import { registerRun } from './run-command.js';
import { ExitCode, UserError } from './user-error.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('retrovisor')
    .description('A deterministic RISC-V (RV32IMAC) virtual machine: run, record, replay and debug guests.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerRun(program);
  registerRecord(program);
  registerReplay(program);
  registerInfo(program);
  registerIndex(program);
  registerDebug(program);
  registerDap(program);
  registerGdbserver(program);
  registerDtb(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  ignoreClosedStdout();
  const program = buildProgram();
  try {
    await program.parseAsync(normalizeDebugArgv(argv));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : ExitCode.UsageError;
    if (e instanceof UserError || e instanceof ElfError || e instanceof LoadError || e instanceof RecordingError || e instanceof ScriptError ||
      e instanceof SymbolsError) {
      process.stderr.write(`retrovisor: ${e.message}\n`);
      return ExitCode.UsageError;
    }
    if (e instanceof LockstepMismatch) {
      process.stderr.write(`retrovisor: ${e.message}\n`);
      return ExitCode.InternalError;
    }
    process.stderr.write(`retrovisor: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.InternalError;
  }
}

/**
 * When whatever reads our output goes away (`retrovisor run prog | head`),
 * later output is dropped and the command carries on to its normal end (a
 * recording is still written whole), instead of dying on EPIPE.
 */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.stdout.write = () => true;
  });
}
