/**
 * The monitor (VMM): runs the board's hart and decides what every VM exit
 * means. It is the one door to the outside world: ecall (the built-in SBI
 * for an S-mode kernel, else the guest gets the exception), the semihosting
 * ebreak sequence, wfi (virtual
 * time skips to the next deadline, or the run waits for console input),
 * host-valued CSRs (time, seed), console input delivery, and power-off.
 *
 * Runs are synchronous slices (`runUntil`); a caller that serves a live
 * console awaits input between slices when the monitor says it is waiting.
 */
import { Csr } from '../isa/csr.js';
import type { FatalTrap } from '../hart/hart.js';
import { Priv, VmExit, Exception } from '../hart/trap.js';
import { InputSource } from '../host/host-input.js';
import { TIMEBASE_HZ } from '../machine/clock.js';
import type { VirtBoard } from '../machine/virt-board.js';
import { applyDebuggerWrite } from './debugger-write.js';
import { GuestMemory } from './guest-memory.js';
import { Sbi } from './sbi.js';
import { Semihosting } from './semihosting.js';
import { field, type StateRecord } from '../machine/device.js';

/** Why a run stopped. */
export type StopReason =
  | { readonly kind: 'exit'; readonly status: number }
  | { readonly kind: 'reboot' }
  | { readonly kind: 'fatal-trap'; readonly trap: FatalTrap }
  /** The requested icount was reached. */
  | { readonly kind: 'target' }
  /** The guest waits for console input that may still come (live runs: await input, then run again). */
  | { readonly kind: 'wait-input' }
  /** The guest waits for an interrupt that nothing can ever raise. */
  | { readonly kind: 'deadlock' }
  /** A trap was taken while trap reporting is on (debuggers). */
  | { readonly kind: 'trap' }
  /** requestPause() was called (after an input event, by a debugger): the run can simply continue. */
  | { readonly kind: 'paused' }
  /** The next instruction is at a debugger breakpoint (not executed yet). */
  | { readonly kind: 'breakpoint' }
  /** With the host clock, the guest waits (wfi) for a deadline this far in host time: sleep, then run again. */
  | { readonly kind: 'wait-time'; readonly seconds: number };

const SEMIHOST_PRE = 0x01f01013; // slli x0, x0, 0x1f
const SEMIHOST_EBREAK = 0x00100073; // ebreak (32-bit)
const SEMIHOST_POST = 0x40705013; // srai x0, x0, 7
/** Zkr seed: OPST = ES16 (bits 31:30 = 10) with 16 bits of entropy. */
const SEED_ES16 = 0x80000000;

export interface MonitorOptions {
  /** Serve the semihosting ebreak sequence (as QEMU -semihosting); default true. */
  readonly semihosting?: boolean;
  /** HEAPINFO answer; computed from the loaded image by the runner. */
  readonly heapInfo?: () => readonly [number, number, number, number];
  /** Serve SBI calls (an ecall from S-mode) in the monitor, for a kernel booted without firmware; default false. */
  readonly sbi?: boolean;
}

export class Monitor {
  readonly semihosting: Semihosting | undefined;
  /** The built-in SBI, when the guest is a supervisor-mode kernel. */
  readonly sbi: Sbi | undefined;
  readonly memory: GuestMemory;
  /** Whether the guest has used the UART's receive side, so console input goes to the UART. */
  private uartReceives = false;
  private pauseRequested = false;

  constructor(readonly board: VirtBoard, options: MonitorOptions = {}) {
    this.memory = new GuestMemory(board.hart, board.bus);
    const ram = board.ram;
    this.semihosting = options.semihosting === false ? undefined : new Semihosting({
      memory: this.memory,
      host: () => board.host,
      clock: board.clock,
      wallClock: board.wallClock,
      output: (bytes, error) => board.onConsole(bytes, error),
      heapInfo: options.heapInfo ?? (() => [ram.base, ram.base + ram.size, ram.base + ram.size, ram.base]),
    });
    this.sbi = options.sbi === true ? new Sbi({
      hart: board.hart,
      clock: board.clock,
      host: () => board.host,
      consoleOutput: (bytes) => board.onConsole(bytes, false),
      powerOff: (status) => board.powerOff(status),
      reboot: () => board.reboot(),
    }) : undefined;
    const prev = board.bus.mmioObserver;
    board.bus.mmioObserver = (access) => {
      prev?.(access);
      // Console input goes to the UART once the guest reads its receive side or enables RX interrupts.
      if (!this.uartReceives && access.device === board.uart &&
        ((!access.write && (access.address & 0xff) === 0) || (!access.write && (access.address & 0xff) === 5) ||
          (access.write && (access.address & 0xff) === 1 && (access.value & 1) !== 0))) {
        this.uartReceives = true;
      }
    };
  }

  get hart() {
    return this.board.hart;
  }

  /** Makes runUntil return { kind: 'paused' } at the next instruction boundary. */
  requestPause(): void {
    this.pauseRequested = true;
    this.board.hart.requestReturn();
  }

  /** Runs until icount reaches `target` or the guest stops; never reads the host clock. */
  runUntil(target: number): StopReason {
    const board = this.board;
    const hart = board.hart;
    for (;;) {
      if (board.power.kind === 'off') return { kind: 'exit', status: board.power.status };
      if (board.power.kind === 'reboot') return { kind: 'reboot' };
      const now = hart.icount;
      // Timer lines first, so a stop shows mip as it is at this icount.
      this.updateTimers(now);
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { kind: 'paused' };
      }
      // Debugger writes belong to arriving at this boundary (a run that stops here includes them);
      // each pauses the run for its state check before anything else happens.
      if (this.applyDebuggerWrite(now)) continue;
      if (now >= target) return { kind: 'target' };
      this.deliverConsoleInput(now);
      const inputDue = board.host.nextAsyncInputIcount();
      const end = Math.min(target, this.nextDeadline(now), inputDue !== undefined && inputDue > now ? inputDue : Infinity);
      const exit = hart.run(end);
      switch (exit) {
        case VmExit.Budget:
        case VmExit.Requested:
          break;
        case VmExit.Ecall:
          // An S-mode ecall is an SBI call when the SBI is installed (a hypercall, not a trap);
          // otherwise the guest's own handler sees it.
          if (this.sbi !== undefined && hart.priv === Priv.S) {
            this.sbi.call(hart.icount);
            break;
          }
          hart.trapInstruction((Exception.EcallFromU + hart.priv) as Exception);
          // A debugger that catches traps sees this one like any other.
          if (hart.reportTraps) return { kind: 'trap' };
          break;
        case VmExit.Ebreak: {
          const r = this.ebreak();
          if (r !== undefined) return r;
          break;
        }
        case VmExit.Wfi: {
          const r = this.wfi();
          if (r !== undefined) return r;
          break;
        }
        case VmExit.HostCsr:
          this.hostCsr();
          break;
        case VmExit.FatalTrap:
          return { kind: 'fatal-trap', trap: hart.fatalTrap! };
        case VmExit.Trap:
          return { kind: 'trap' };
        case VmExit.Breakpoint:
          return { kind: 'breakpoint' };
      }
    }
  }

  /** The next icount at which a timer fires: the board's devices and the SBI's supervisor timer. */
  private nextDeadline(now: number): number {
    const board = this.board.nextDeadline(now);
    return this.sbi === undefined ? board : Math.min(board, this.sbi.nextDeadline(now));
  }

  /** Brings every timer's interrupt line up to date at `now` (the board's devices and the SBI's timer). */
  updateTimers(now: number): void {
    this.board.updateTimers(now);
    this.sbi?.update(now);
  }

  /**
   * Applies the next logged debugger write due now (replaying a session a
   * debugger changed); true if there was one. One at a time: each is checked
   * after it took effect, as when the debugger made it.
   */
  private applyDebuggerWrite(icount: number): boolean {
    const w = this.board.host.takeDebuggerWrite(icount);
    if (w === undefined) return false;
    applyDebuggerWrite(this.board, w);
    return true;
  }

  /** Moves console input that is due now into the UART's receive FIFO. */
  private deliverConsoleInput(icount: number): void {
    if (!this.uartReceives) return;
    const space = this.board.uart.rxSpace();
    if (space <= 0) return;
    const bytes = this.board.host.takeConsole(icount, space);
    if (bytes.length > 0) this.board.uart.receive(bytes);
  }

  /** ebreak: a semihosting call when it is the magic sequence (not from U-mode), else a breakpoint trap. */
  private ebreak(): StopReason | undefined {
    const hart = this.hart;
    const pc = hart.pc;
    if (this.semihosting !== undefined && hart.priv !== Priv.U && this.isSemihostingSequence(pc)) {
      const result = this.semihosting.call(hart.x[10]!, hart.x[11]!, hart.icount);
      if (result.kind === 'wait-console') {
        return this.board.host.consoleMayArrive() ? { kind: 'wait-input' } : undefined;
      }
      if (result.kind === 'exit') {
        hart.retire(4);
        this.board.powerOff(result.status);
        return { kind: 'exit', status: result.status };
      }
      hart.x[10] = result.value;
      hart.retire(4);
      return undefined;
    }
    hart.trapInstruction(Exception.Breakpoint, pc);
    return hart.reportTraps ? { kind: 'trap' } : undefined;
  }

  private isSemihostingSequence(pc: number): boolean {
    const word = (va: number) => {
      const pa = this.hart.translateForDebugger(va, true);
      return pa === undefined ? undefined : this.board.bus.peek(pa, 4);
    };
    return word(pc) === SEMIHOST_EBREAK && word((pc - 4) | 0) === SEMIHOST_PRE && word((pc + 4) | 0) === SEMIHOST_POST;
  }

  /**
   * wfi: retire at once if an interrupt is pending; otherwise skip virtual
   * time to the next deadline, or wait for input. Console input is never taken
   * here: it is delivered at an instruction boundary (the loop top), so a
   * replay that stops at the input's icount delivers it at the same point.
   */
  private wfi(): StopReason | undefined {
    const board = this.board;
    const hart = board.hart;
    const now = hart.icount;
    if (hart.wfiWakeup()) {
      hart.retire(4);
      return undefined;
    }
    const deadline = this.nextDeadline(now);
    if (deadline < Infinity) {
      const target = board.clock.mtime(deadline);
      if (board.clock.hostTicks !== undefined) {
        // Host time: wake when the host clock says the deadline has passed; until then the run waits.
        const ticks = board.clock.read(now);
        this.updateTimers(now);
        if (ticks < target && !hart.wfiWakeup()) return { kind: 'wait-time', seconds: (target - ticks) / TIMEBASE_HZ };
        hart.retire(4);
        return undefined;
      }
      hart.retire(4);
      board.clock.advanceTo(target, hart.icount);
      return undefined;
    }
    return board.host.consoleMayArrive() && this.uartReceives ? { kind: 'wait-input' } : { kind: 'deadlock' };
  }

  /** Supplies a CSR value that comes from outside the core. */
  private hostCsr(): void {
    const hart = this.hart;
    const req = hart.hostCsr!;
    const icount = hart.icount;
    switch (req.csr) {
      case Csr.time:
      case Csr.timeh: {
        const mtime = this.board.clock.read(icount);
        hart.completeHostCsr(req.csr === Csr.time ? mtime % 0x100000000 : Math.floor(mtime / 0x100000000));
        return;
      }
      case Csr.seed: {
        const e = this.board.host.ask(icount, InputSource.Entropy, new Uint8Array([2, 0]));
        hart.completeHostCsr((SEED_ES16 | e[0]! | (e[1]! << 8)) | 0);
        return;
      }
      default:
        throw new Error(`no host value for CSR 0x${req.csr.toString(16)}`);
    }
  }

  saveState(): StateRecord {
    const state: StateRecord = { version: 1, uartReceives: this.uartReceives, semihosting: this.semihosting?.saveState() ?? {} };
    // Only a kernel boot has the SBI: the state of other guests (and their recorded state checks) stays as it was.
    return this.sbi === undefined ? state : { ...state, sbi: this.sbi.saveState() };
  }

  loadState(state: StateRecord): void {
    this.pauseRequested = false;
    this.uartReceives = field<boolean>(state, 'uartReceives', 'boolean');
    if (this.semihosting !== undefined) this.semihosting.loadState(field<StateRecord>(state, 'semihosting', 'record'));
    if (this.sbi !== undefined) this.sbi.loadState(field<StateRecord>(state, 'sbi', 'record'));
  }
}
