/**
 * Drives a guest live: synchronous run slices, with the event loop given a
 * turn between them so console input can arrive, and console output flushed.
 * Used by `run`, `record` and the library API.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { Stopwatch } from '../host/stopwatch.js';
import type { StopReason } from '../monitor/monitor.js';
import { ExitCode } from './exit-codes.js';
import type { GuestVm } from './guest-vm.js';

export interface RunSummary {
  readonly exitCode: number;
  /** How the run ended, for recordings: exit, fatal-trap, deadlock, limit, quit, reboot. */
  readonly end: string;
  readonly icount: number;
  readonly seconds: number;
  readonly stop: StopReason;
}

export interface DriveOptions {
  readonly maxInsns: number;
  /** Write one line per executed instruction to this file. */
  readonly trace?: string;
  /** True once the user typed the quit escape. */
  readonly shouldQuit: () => boolean;
  /** Called to rebuild the VM when the guest reboots. */
  readonly reboot?: () => GuestVm;
  /** Runs the guest instead of vm.runUntil (the recorder's checked run). */
  readonly runUntil?: (target: number) => StopReason;
  /** Called after every slice (the recorder flushes its file here). */
  readonly afterSlice?: () => void;
  /** Sees the guest's console output (for scripted input). */
  readonly observeOutput?: (bytes: Uint8Array) => void;
  readonly stdout?: (bytes: Uint8Array) => void;
  readonly stderr?: (text: string) => void;
}

/** Instructions per slice between event-loop turns. */
const SLICE = 4_000_000;

export async function driveLive(initial: GuestVm, opts: DriveOptions): Promise<RunSummary> {
  let vm = initial;
  const stdout = opts.stdout ?? ((b: Uint8Array) => { process.stdout.write(b); });
  const stderr = opts.stderr ?? ((t: string) => { process.stderr.write(t); });
  const attach = (v: GuestVm) => {
    v.board.onConsole = (bytes, error) => {
      opts.observeOutput?.(bytes);
      if (error) stderr(new TextDecoder().decode(bytes));
      else stdout(bytes);
    };
  };
  attach(vm);
  const watch = new Stopwatch();
  const runUntil = opts.runUntil ?? ((target: number) => vm.runUntil(target));
  const trace = opts.trace === undefined ? undefined : new TraceWriter(opts.trace, vm, runUntil);
  const finish = (exitCode: number, stop: StopReason, end?: string): RunSummary => {
    trace?.close();
    const label = end ?? (stop.kind === 'target' ? (exitCode === ExitCode.Quit ? 'quit' : 'limit') : stop.kind);
    return { exitCode, end: label, icount: vm.board.hart.icount, seconds: watch.seconds(), stop };
  };
  try {
    for (;;) {
      if (opts.shouldQuit()) {
        stderr('\nretrovisor: terminated by the user\n');
        return finish(ExitCode.Quit, { kind: 'target' });
      }
      const target = Math.min(opts.maxInsns, vm.board.hart.icount + SLICE);
      const stop = trace !== undefined ? trace.run(target) : runUntil(target);
      opts.afterSlice?.();
      switch (stop.kind) {
        case 'exit':
          return finish(stop.status & 0xff, stop);
        case 'target':
          if (vm.board.hart.icount >= opts.maxInsns) {
            stderr(`retrovisor: instruction limit reached: ${vm.board.hart.icount} instructions, pc ${vm.describeAddress(vm.board.hart.pc)}\n`);
            return finish(ExitCode.InstructionLimit, stop);
          }
          await new Promise((resolve) => setImmediate(resolve));
          break;
        case 'wait-input':
          await Promise.race([vm.board.host.waitForConsole(), pollQuit(opts.shouldQuit)]);
          break;
        case 'wait-time':
          // Host clock: sleep until the guest's deadline (at most 50 ms at a time, so input and quit stay responsive).
          await Promise.race([
            new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, stop.seconds * 1000)))),
            vm.board.host.waitForConsole(),
          ]);
          break;
        case 'fatal-trap':
          stderr(`retrovisor: guest fault: ${vm.describeFatalTrap(stop.trap)}\n`);
          return finish(ExitCode.GuestFault, stop);
        case 'deadlock':
          stderr(`retrovisor: deadlock: the guest waits (wfi at pc ${vm.describeAddress(vm.board.hart.pc)}, icount ${vm.board.hart.icount}) for an interrupt that nothing can raise\n`);
          return finish(ExitCode.Deadlock, stop);
        case 'reboot':
          if (opts.reboot === undefined) return finish(0, stop);
          vm = opts.reboot();
          attach(vm);
          break;
        case 'trap':
        case 'paused':
          break;
      }
    }
  } catch (e) {
    trace?.close();
    throw e;
  }
}

function pollQuit(shouldQuit: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (shouldQuit()) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    t.unref();
  });
}

/** --trace: runs one instruction at a time and writes `icount pc symbol mnemonic` lines. */
class TraceWriter {
  private readonly fd: number;
  private lines: string[] = [];

  constructor(file: string, private readonly vm: GuestVm, private readonly runUntil: (target: number) => StopReason) {
    this.fd = openSync(file, 'w');
  }

  run(target: number): StopReason {
    const hart = this.vm.board.hart;
    while (hart.icount < target) {
      const pc = hart.pc;
      const icount = hart.icount;
      const priv = 'USHM'[hart.priv];
      this.lines.push(`${icount} ${priv} ${this.vm.describeAddress(pc)} ${hart.mnemonicAt(pc) ?? '?'}`);
      if (this.lines.length >= 4096) this.flush();
      const stop = this.runUntil(icount + 1);
      if (stop.kind === 'paused' && hart.icount === icount) continue;
      if (stop.kind !== 'target' && stop.kind !== 'paused') return stop;
    }
    return { kind: 'target' };
  }

  private flush(): void {
    if (this.lines.length > 0) writeSync(this.fd, this.lines.join('\n') + '\n');
    this.lines = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
