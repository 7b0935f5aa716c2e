/**
 * The library API, for deterministic tests of RISC-V programs (vitest, jest,
 * node:test): record a guest with scripted input, replay the recording, and
 * assert on its console output and final state.
 *
 *   import { record, replay } from 'retrovisor';
 *   const run = await record({ program: 'fw.elf', input: 'at 0 "x"\n', output: 'fw.rvr' });
 *   const again = replay('fw.rvr');
 *   expect(again.stdout).toBe(run.stdout);
 *   expect(again.digest).toBe(run.digest);
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ElfFile } from '../elf/elf-file.js';
import { ScriptedConsole, parseConsoleScript, type ScriptStep } from '../host/console-script.js';
import { LiveHost } from '../host/live-host.js';
import { NoHostInput } from '../host/host-input.js';
import { Divergence } from '../replay/divergence.js';
import { RecordingReader } from '../replay/recording-file.js';
import { Recorder } from '../replay/recorder.js';
import { Replayer } from '../replay/replayer.js';
import { fullDigest } from '../replay/state-check.js';
import { GuestVm, type KernelGuest } from '../vm/guest-vm.js';
import { driveLive } from '../vm/live-driver.js';

export { Divergence } from '../replay/divergence.js';
export { RecordingError } from '../replay/recording-file.js';
export { ElfError } from '../elf/elf-file.js';
export { LoadError } from '../machine/loader.js';
export { ScriptError, type ScriptStep } from '../host/console-script.js';

/** A Linux kernel to boot instead of an ELF program (see README "Booting Linux"). */
export interface KernelOptions {
  /** Path of the raw RV32 Image (arch/riscv/boot/Image). */
  readonly image: string;
  /** Path of the initrd (an initramfs cpio). */
  readonly initrd?: string;
  /** Path of a disk image for virtio-blk (never modified). */
  readonly drive?: string;
  /** The kernel command line. */
  readonly append?: string;
}

export interface GuestOptions {
  /** Path of the guest ELF (or give `kernel`). */
  readonly program?: string;
  /** A Linux kernel to boot (instead of `program`). */
  readonly kernel?: KernelOptions;
  /** Guest arguments (the semihosting command line is the program path followed by these). */
  readonly args?: readonly string[];
  /** Console input: a script (see README "Input scripts") as text or parsed steps. None by default. */
  readonly input?: string | readonly ScriptStep[];
  /** RAM size in bytes (default 128 MiB). */
  readonly memory?: number;
  /** Stop after this many instructions. */
  readonly maxInsns?: number;
  /** Directory the guest may use host files in (semihosting). */
  readonly semihostRoot?: string;
  /** Guest time: "virtual" (default, follows the instruction count) or "host" (each reading is a recorded input). */
  readonly clock?: 'virtual' | 'host';
}

export interface RecordOptions extends GuestOptions {
  /** Where to write the recording. */
  readonly output: string;
  /** Instructions between state checks (default 1,000,000). */
  readonly checkInterval?: number;
}

/** What a run produced. */
export interface RunResult {
  /** Guest console output (UART, semihosting stdout, HTIF). */
  readonly stdout: string;
  /** Guest stderr (semihosting) and Retrovisor's own one-line messages. */
  readonly stderr: string;
  /** How the run ended: exit, fatal-trap, deadlock, limit, quit, reboot. */
  readonly end: string;
  /** The guest's exit status when `end` is "exit". */
  readonly exitStatus: number | undefined;
  /** Instructions (steps) executed. */
  readonly icount: number;
  /** SHA-256 of the full final machine state. */
  readonly digest: string;
}

function readBytes(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function guestSetup(options: GuestOptions) {
  const k = options.kernel;
  if ((options.program === undefined) === (k === undefined)) throw new Error('give either a program or a kernel');
  const name = options.program ?? k!.image;
  const elf = options.program === undefined ? undefined : new ElfFile(readBytes(options.program), options.program);
  const kernel: KernelGuest | undefined = k === undefined ? undefined : {
    image: readBytes(k.image), name: k.image,
    initrd: k.initrd === undefined ? undefined : readBytes(k.initrd), initrdName: k.initrd,
    drive: k.drive === undefined ? undefined : readBytes(k.drive), driveName: k.drive,
  };
  const steps = options.input === undefined ? [] : typeof options.input === 'string' ? parseConsoleScript(options.input) : options.input;
  let pause: () => void = () => {};
  const console = new ScriptedConsole(steps, () => pause());
  const root = options.semihostRoot === undefined ? undefined : path.resolve(options.semihostRoot);
  if (root !== undefined && !statSync(root).isDirectory()) throw new Error(`${root} is not a directory`);
  const host = new LiveHost({ semihostRoot: root, commandLine: [name, ...(options.args ?? [])].join(' '), console });
  return { name, elf, kernel, bootArgs: k?.append, console, host, setPause: (f: () => void) => { pause = f; } };
}

async function drive(vm: GuestVm, options: GuestOptions, console: ScriptedConsole, runUntil?: (t: number) => ReturnType<GuestVm['runUntil']>) {
  const out: Buffer[] = [];
  let err = '';
  const summary = await driveLive(vm, {
    maxInsns: options.maxInsns ?? Infinity,
    shouldQuit: () => false,
    stdout: (b) => { out.push(Buffer.from(b)); },
    stderr: (t) => { err += t; },
    observeOutput: (b) => console.observeOutput(b),
    runUntil,
  });
  return { stdout: Buffer.concat(out).toString('latin1'), stderr: err, summary };
}

/** Runs a guest live (no recording) with scripted input. */
export async function run(options: GuestOptions): Promise<RunResult> {
  const { elf, kernel, bootArgs, console, host, setPause } = guestSetup(options);
  try {
    const vm = new GuestVm({ elf, kernel, bootArgs, memory: options.memory, clock: options.clock }, host);
    setPause(() => vm.monitor.requestPause());
    const r = await drive(vm, options, console);
    return result(r.stdout, r.stderr, r.summary.end, r.summary.stop, vm);
  } finally {
    host.close();
  }
}

/** Runs a guest with scripted input and records it to `options.output`. */
export async function record(options: RecordOptions): Promise<RunResult> {
  const { name, elf, kernel, bootArgs, console, host, setPause } = guestSetup(options);
  try {
    const recorder = new Recorder({
      output: options.output, elf, kernel, bootArgs, programName: name, args: options.args ?? [],
      memory: options.memory ?? 128 * 1024 * 1024, checkInterval: options.checkInterval, source: host, clock: options.clock,
    });
    setPause(() => recorder.vm.monitor.requestPause());
    const r = await drive(recorder.vm, options, console, (t) => recorder.runUntil(t));
    const status = r.summary.stop.kind === 'exit' ? r.summary.stop.status : 0;
    recorder.finish(r.summary.end, status);
    return result(r.stdout, r.stderr, r.summary.end, r.summary.stop, recorder.vm);
  } finally {
    host.close();
  }
}

export interface ReplayOptions {
  /** Stop at this icount instead of the end. */
  readonly until?: number;
  /** Compare the full final state with the recording (default true when replaying to the end of a complete recording). */
  readonly verify?: boolean;
}

export interface ReplayResult extends RunResult {
  /** The recording has no footer (the recorder was killed); replay went to its last complete chunk. */
  readonly incomplete: boolean;
  /** Registers x0..x31 at the end. */
  readonly registers: readonly number[];
  readonly pc: number;
}

/** Replays a recording; throws Divergence (with a `report`) if the replay does not follow it, RecordingError if it is damaged. */
export function replay(recording: string, options: ReplayOptions = {}): ReplayResult {
  const replayer = new Replayer(RecordingReader.open(recording));
  const out: Buffer[] = [];
  let err = '';
  replayer.vm.board.onConsole = (b, error) => {
    if (error) err += Buffer.from(b).toString('latin1');
    else out.push(Buffer.from(b));
  };
  const outcome = replayer.replay(options.until ?? Infinity);
  if ((options.verify ?? true) && outcome.reachedEnd && !outcome.incomplete) replayer.verifyFinalState();
  const hart = replayer.vm.board.hart;
  const base = result(Buffer.concat(out).toString('latin1'), err, outcome.stop.kind === 'target' ? 'limit' : outcome.stop.kind, outcome.stop, replayer.vm);
  return { ...base, incomplete: outcome.incomplete, registers: Array.from(hart.x.subarray(0, 32)), pc: hart.pc >>> 0 };
}

function result(stdout: string, stderr: string, end: string, stop: ReturnType<GuestVm['runUntil']>, vm: GuestVm): RunResult {
  return {
    stdout, stderr, end,
    exitStatus: stop.kind === 'exit' ? stop.status : undefined,
    icount: vm.board.hart.icount,
    digest: fullDigest(vm),
  };
}

/** True when `e` is a replay divergence. */
export function isDivergence(e: unknown): e is Divergence {
  return e instanceof Divergence;
}

// Keep the no-input host available to library users who drive GuestVm themselves.
export { NoHostInput, GuestVm };
