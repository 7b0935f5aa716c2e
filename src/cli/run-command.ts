/** `retrovisor run`: run a program live, with the guest console on stdout/stdin. */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ElfFile } from '../elf/elf-file.js';
import { ConsoleInput } from '../host/console-input.js';
import { ScriptedConsole } from '../host/console-script.js';
import type { ConsoleSource } from '../host/console-source.js';
import { LiveHost } from '../host/live-host.js';
import type { Monitor } from '../monitor/monitor.js';
import { GuestVm, type KernelGuest } from '../vm/guest-vm.js';
import { UserError, parseCount, parseSize } from './user-error.js';
import { driveLive, type RunSummary } from '../vm/live-driver.js';
import { applyTranslationFlags, reportLockstep, translationFlags, type TranslationFlags } from './translation-flags.js';

/** Options shared by run and record. */
export interface RunOptions extends KernelOptions, TranslationFlags {
  readonly memory: string;
  readonly maxInsns?: string;
  readonly semihostRoot?: string;
  readonly trace?: string;
  readonly stats?: boolean;
  readonly input?: string;
  readonly clock: string;
}

/** How a Linux kernel is given: --kernel Image [--initrd FILE] [--append CMDLINE] [--drive DISK]. */
export interface KernelOptions {
  readonly kernel?: string;
  readonly initrd?: string;
  readonly append?: string;
  readonly drive?: string;
}

/** Adds the kernel options to a command. */
export function kernelOptions(cmd: Command): Command {
  return cmd
    .option('--kernel <Image>', 'boot a RISC-V Linux kernel (raw arch/riscv/boot/Image, RV32) in S-mode under the built-in SBI, instead of an ELF program')
    .option('--initrd <file>', 'with --kernel: the initial RAM disk (an initramfs cpio)')
    .option('--append <cmdline>', 'with --kernel: the kernel command line (/chosen/bootargs)')
    .option('--drive <disk>', 'with --kernel: a disk image behind virtio-blk (never modified: writes stay in memory)');
}

/** The guest to run: an ELF program, or a kernel with its initrd and disk. */
export interface GuestSelection {
  readonly elf?: ElfFile;
  readonly kernel?: KernelGuest;
  /** The program or kernel file, as given. */
  readonly name: string;
  readonly bootArgs?: string;
}

/**
 * The program and its arguments as the user meant them: commander gives the
 * first word after `--` to [program], but with --kernel (which takes no
 * program) that word is an argument, which selectGuest then refuses with the
 * right message.
 */
export function guestOperands(file: string | undefined, args: string[], opts: KernelOptions, cmd: Command): [string | undefined, string[]] {
  // rawArgs is commander's (public since v2, untyped): the words as given.
  const raw = (cmd.parent as { rawArgs?: string[] } | null)?.rawArgs ?? [];
  const dashes = raw.indexOf('--');
  if (opts.kernel === undefined || file === undefined || dashes < 0 || raw.indexOf(file) < dashes) return [file, args];
  return [undefined, [file, ...args]];
}

/** Reads the guest's files, turning every problem into a one-line error. */
export function selectGuest(program: string | undefined, opts: KernelOptions, args: readonly string[] = []): GuestSelection {
  if (opts.kernel === undefined) {
    for (const [flag, value] of [['--initrd', opts.initrd], ['--append', opts.append], ['--drive', opts.drive]] as const) {
      if (value !== undefined) throw new UserError(`${flag} needs --kernel (it is for booting a Linux kernel)`);
    }
    if (program === undefined) throw new UserError('give a program (an RV32 ELF) or --kernel Image');
    return { elf: readElf(program), name: program };
  }
  if (program !== undefined) throw new UserError(`give either a program (${program}) or --kernel, not both`);
  if (args.length > 0) throw new UserError('arguments after -- are for ELF programs; give a kernel its command line with --append');
  const image = readGuestFile(opts.kernel, '--kernel');
  const initrd = opts.initrd === undefined ? undefined : readGuestFile(opts.initrd, '--initrd');
  const drive = opts.drive === undefined ? undefined : readGuestFile(opts.drive, '--drive');
  return {
    kernel: { image, name: opts.kernel, initrd, initrdName: opts.initrd, drive, driveName: opts.drive },
    name: opts.kernel,
    bootArgs: opts.append,
  };
}

/** Reads a file named by an option; a missing or unreadable file is a one-line error naming the option. */
export function readGuestFile(file: string, option: string): Uint8Array {
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${option} ${file} is a directory, not a file`);
    const bytes = readFileSync(file);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new UserError(`${option} ${file}: no such file`);
    if (code === 'EACCES') throw new UserError(`${option} ${file}: permission denied`);
    throw new UserError(`${option} ${file}: cannot read (${(e as Error).message})`);
  }
}

/** Adds the options shared by run and record to a command. */
export function runOptions(cmd: Command): Command {
  return translationFlags(kernelOptions(cmd)
    .option('-m, --memory <size>', 'guest RAM size', '128M')
    .option('--max-insns <n>', 'stop after this many instructions (exit code 124)')
    .option('--semihost-root <dir>', 'directory the guest may use host files in (semihosting); none by default')
    .option('--input <file>', 'script console input instead of reading stdin (see README: input scripts)')
    .option('--trace <file>', 'write every executed instruction to a file (slow)')
    .option('--clock <mode>', 'guest time: "virtual" follows the instruction count; "host" follows the host clock (each reading is a recorded input)', 'virtual')
    .option('--stats', 'print instructions, time and MIPS to stderr at the end'));
}

/** Validates --clock. */
export function clockOf(mode: string): 'virtual' | 'host' {
  if (mode !== 'virtual' && mode !== 'host') throw new UserError(`--clock must be "virtual" or "host" (got "${mode}")`);
  return mode;
}

/** Reads and parses a guest ELF, turning file problems into one-line errors. */
export function readElf(file: string): ElfFile {
  let bytes: Uint8Array;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file} is a directory, not a program`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`);
    if (code === 'EACCES') throw new UserError(`${file}: permission denied`);
    throw new UserError(`${file}: cannot read (${(e as Error).message})`);
  }
  return new ElfFile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

export function semihostRootOf(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`--semihost-root ${dir} is not a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--semihost-root ${dir}: no such directory`);
  }
  return path.resolve(dir);
}

/** The live inputs of a run: stdin or a script, host files, the command line. */
export interface LiveInputs {
  readonly host: LiveHost;
  readonly console: ConsoleSource;
  /** Set once the monitor exists, so a script can pause the run when a prompt appears. */
  attach(monitor: Monitor): void;
  quitRequested(): boolean;
}

export function liveInputs(file: string, args: readonly string[], opts: RunOptions): LiveInputs {
  const semihostRoot = semihostRootOf(opts.semihostRoot);
  let quit = false;
  let monitor: Monitor | undefined;
  const console: ConsoleSource = opts.input !== undefined
    ? ScriptedConsole.fromFile(opts.input, () => monitor?.requestPause())
    : new ConsoleInput(process.stdin, () => { quit = true; });
  const host = new LiveHost({ semihostRoot, commandLine: [file, ...args].join(' '), console });
  return {
    host,
    console,
    attach: (m) => { monitor = m; },
    quitRequested: () => quit,
  };
}

export function registerRun(program: Command): void {
  runOptions(program
    .command('run')
    .description('run a RISC-V program (or boot a Linux kernel with --kernel) live, guest console on stdout/stdin (Ctrl-A X quits on a terminal)')
    .argument('[program]', 'guest ELF (RV32, linked for RAM at 0x80000000); not with --kernel')
    .argument('[args...]', 'guest arguments (after --), returned by semihosting GET_CMDLINE'))
    .action(async (file: string | undefined, args: string[], opts: RunOptions, cmd: Command) => {
      process.exitCode = await runProgram(...guestOperands(file, args, opts, cmd), opts);
    });
}

export function printStats(summary: RunSummary): void {
  const mips = summary.seconds > 0 ? summary.icount / summary.seconds / 1e6 : 0;
  process.stderr.write(`retrovisor: ${summary.icount} instructions in ${summary.seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS)\n`);
}

/** Runs `file` (or the kernel of --kernel) live; returns the process exit code. */
export async function runProgram(file: string | undefined, args: readonly string[], opts: RunOptions): Promise<number> {
  applyTranslationFlags(opts);
  const guest = selectGuest(file, opts, args);
  const memory = parseSize(opts.memory, '--memory');
  const maxInsns = opts.maxInsns === undefined ? Infinity : parseCount(opts.maxInsns, '--max-insns');
  const inputs = liveInputs(guest.name, args, opts);
  try {
    const config = { elf: guest.elf, kernel: guest.kernel, bootArgs: guest.bootArgs, memory, clock: clockOf(opts.clock) };
    let vm = new GuestVm(config, inputs.host);
    inputs.attach(vm.monitor);
    const summary = await driveLive(vm, {
      maxInsns,
      trace: opts.trace,
      shouldQuit: inputs.quitRequested,
      observeOutput: inputs.console.observeOutput?.bind(inputs.console),
      reboot: () => {
        vm = new GuestVm(config, inputs.host);
        inputs.attach(vm.monitor);
        return vm;
      },
    });
    reportLockstep(vm.board.hart);
    if (opts.stats === true) printStats(summary);
    return summary.exitCode;
  } finally {
    inputs.host.close();
  }
}
