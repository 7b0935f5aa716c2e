/**
 * The binary-translation options of run, record, replay and debug:
 * `--jit on|off` (default on; the environment variable RETROVISOR_JIT=0|1
 * sets the default, which is how the test suite runs every command both
 * ways) and `--check-jit` (the lockstep checker).
 */
import type { Command } from 'commander';
import type { Hart } from '../hart/hart.js';
import { setDefaultTranslation } from '../hart/translation-cache.js';
import { UserError } from './user-error.js';

export interface TranslationFlags {
  readonly jit?: string;
  readonly checkJit?: boolean;
}

/** Adds --jit and --check-jit to a command. */
export function translationFlags(cmd: Command): Command {
  return cmd
    .option('--jit <mode>', 'binary translation of hot guest code: "on" (default; RETROVISOR_JIT=0 makes it "off") or "off" (interpret only)')
    .option('--check-jit', 'run every translated block in lockstep with the interpreter and stop at the first difference (slow)');
}

/** Sets the process's translation mode from the flags (before any guest is created). */
export function applyTranslationFlags(opts: TranslationFlags): void {
  const env = process.env['RETROVISOR_JIT'];
  if (opts.jit === undefined && env !== undefined && env !== '0' && env !== '1') {
    throw new UserError(`RETROVISOR_JIT must be 0 or 1 (got "${env}")`);
  }
  const mode = opts.jit ?? (env === '0' ? 'off' : 'on');
  if (mode !== 'on' && mode !== 'off') throw new UserError(`--jit must be "on" or "off" (got "${mode}")`);
  if (mode === 'off' && opts.checkJit === true) throw new UserError('--check-jit checks translated code: it needs --jit on');
  setDefaultTranslation(mode === 'on' ? { enabled: true, check: opts.checkJit === true } : { enabled: false });
}

/** With --check-jit: compares all of RAM one last time and says what the check covered (on stderr). */
export function reportLockstep(hart: Hart): void {
  const checker = hart.lockstep;
  if (checker === undefined) return;
  checker.verifyMemory();
  const { blocks, steps } = checker.stats;
  process.stderr.write(`retrovisor: lockstep check: ${blocks} translated blocks (${steps} steps) matched the interpreter\n`);
}
