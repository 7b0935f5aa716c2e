/**
 * Machine events along a recording's icount axis, for timeline views: the
 * inputs the guest received (read from the log), and the traps, interrupts,
 * privilege changes and console output, found by replaying the recording on
 * a throwaway replayer of the scanner's own, so the debugger's timeline never
 * moves (rr's DiversionSession idea, used here for a read-only survey).
 *
 * A scan continues where the previous one stopped: a live session's
 * recording only grows at its end, so asking again after it grew replays
 * only the new part. Scans run in slices, check an AbortSignal between them,
 * and stop once `maxEvents` events were found.
 */
import { causeName, INTERRUPT_BIT, Priv } from '../hart/trap.js';
import { INPUT_SOURCE_NAMES, InputSource } from '../host/host-input.js';
import type { StopReason } from '../monitor/monitor.js';
import type { RecordingContents } from '../replay/recording-contents.js';
import type { RecordedEvent } from '../replay/recording-file.js';
import { Replayer } from '../replay/replayer.js';
import type { Control } from './timeline.js';

export type MachineEventKind = 'input' | 'trap' | 'interrupt' | 'privilege' | 'console' | 'end';

/** Lanes of a timeline view, in display order. */
export const MACHINE_EVENT_KINDS: readonly MachineEventKind[] = ['input', 'trap', 'interrupt', 'privilege', 'console', 'end'];

export interface MachineEvent {
  /**
   * Where a seek goes to show the event: an input at the instruction that
   * receives it (one step more shows its effect); a trap or interrupt at the
   * first instruction of the handler; a privilege change or console output
   * just after the instruction that made it; the end at the last icount.
   */
  readonly icount: number;
  readonly kind: MachineEventKind;
  /** The pc of the instruction concerned: the one that asked, trapped, was interrupted, changed privilege or wrote. */
  readonly pc: number;
  /** One line for a person ("console input \"q\"", "ecall from U-mode", "U -> S"...). */
  readonly summary: string;
  /** For traps and interrupts: mcause or scause. */
  readonly cause?: number;
  /** For console output: the line (without its newline; control bytes escaped). */
  readonly text?: string;
}

export interface MachineEventScan {
  /** Events in icount order (at one icount: in MACHINE_EVENT_KINDS order). */
  readonly events: readonly MachineEvent[];
  /** The icount the scan reached: every event up to here is listed, none after. */
  readonly scannedTo: number;
  /** The scan reached the end of the recording (for a live session: the icount it was asked to reach). */
  readonly complete: boolean;
  /** The scan stopped early because it found `maxEvents` events. */
  readonly truncated: boolean;
}

export interface ScannerOptions {
  /** Stop once this many events were found (default 10,000). */
  readonly maxEvents?: number;
}

/** Instructions per slice between cancellation checks and progress reports. */
const SLICE = 1_000_000;
/**
 * Console output is one event per line (at the icount of its first byte, whatever
 * happens before its newline: an echo is typed character by character), cut at this length.
 */
const CONSOLE_LINE_MAX = 120;
const PRIV_NAMES: Readonly<Record<number, string>> = { [Priv.U]: 'U', [Priv.S]: 'S', [Priv.M]: 'M' };
const MCAUSE = 0x342;
const SCAUSE = 0x142;
const MEPC = 0x341;
const SEPC = 0x141;

export class MachineEventScanner {
  private readonly replayer: Replayer;
  private readonly contents: RecordingContents;
  private readonly maxEvents: number;
  /** Traps, interrupts, privilege changes and console lines found so far. */
  private readonly found: MachineEvent[] = [];
  /** Console bytes of the line being written (merged into one event). */
  private line: { icount: number; pc: number; text: string } | undefined;
  private ended: MachineEvent | undefined;
  /** The scan cannot go further: the guest stopped, or (live) it waits at the recording's frontier. */
  private finished = false;
  /** Scans run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  /** A scanner over `contents` (a recording file's, or a live session's growing one). */
  constructor(contents: RecordingContents, options: ScannerOptions = {}) {
    this.contents = contents;
    this.maxEvents = options.maxEvents ?? 10_000;
    // The replayer of its own replays the log only (no live host behind it), and must not add
    // periodic checks to a live session's recording: it sees the contents as a finished log.
    this.replayer = new Replayer({ ...contents, live: false });
    const vm = this.replayer.vm;
    const hart = vm.board.hart;
    hart.reportTraps = true;
    hart.onPrivilegeChange = (from, to) => {
      this.found.push({ icount: hart.icount + 1, kind: 'privilege', pc: hart.pc >>> 0, summary: `${PRIV_NAMES[from] ?? from} -> ${PRIV_NAMES[to] ?? to}` });
    };
    vm.board.onConsole = (bytes) => this.noteConsole(bytes, hart.icount + 1, hart.pc >>> 0);
  }

  /** The icount the scan has reached. */
  get scannedTo(): number {
    return this.replayer.vm.board.hart.icount;
  }

  /**
   * Scans forward to `limit` (clamped to the recording's end), continuing the
   * previous scan. Cancelled through `control.signal`, it returns what it found
   * so far; the next call goes on from there.
   */
  scanTo(limit: number, control: Control = {}): Promise<MachineEventScan> {
    const run = this.queue.then(() => this.scan(limit, control));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scan(limit: number, control: Control): Promise<MachineEventScan> {
    const hart = this.replayer.vm.board.hart;
    const goal = Math.min(limit, this.contents.endIcount);
    let sliceEnd = hart.icount + SLICE;
    while (!this.finished && hart.icount < goal && this.count() < this.maxEvents) {
      const stop = this.replayer.checkedRun.runUntil(Math.min(goal, sliceEnd));
      this.noteStop(stop);
      // A live session's guest waits for input at the frontier: nothing further is recorded yet.
      if (stop.kind === 'wait-input' || stop.kind === 'wait-time') break;
      if (hart.icount >= sliceEnd && hart.icount < goal) {
        sliceEnd = hart.icount + SLICE;
        control.progress?.(hart.icount, goal);
        await new Promise((resolve) => setImmediate(resolve));
        if (control.signal?.aborted === true) break;
      }
    }
    if (!this.finished && hart.icount >= this.contents.endIcount) this.finish(`the end of the recording (${this.contents.footer?.stop ?? 'incomplete'})`);
    return this.result(goal);
  }

  private noteStop(stop: StopReason): void {
    const hart = this.replayer.vm.board.hart;
    switch (stop.kind) {
      case 'trap': {
        const m = hart.priv === Priv.M;
        const cause = hart.peekCsr(m ? MCAUSE : SCAUSE)! >>> 0;
        const interrupt = (cause & INTERRUPT_BIT) !== 0;
        this.found.push({ icount: hart.icount, kind: interrupt ? 'interrupt' : 'trap', pc: hart.peekCsr(m ? MEPC : SEPC)! >>> 0, summary: causeName(cause), cause });
        return;
      }
      case 'exit':
        this.finish(`the guest exited with status ${stop.status}`);
        return;
      case 'fatal-trap':
      case 'deadlock':
      case 'reboot':
        this.finish(`the guest stopped (${stop.kind})`);
        return;
      default:
        return;
    }
  }

  private finish(summary: string): void {
    this.flushLine();
    this.finished = true;
    this.ended = { icount: this.scannedTo, kind: 'end', pc: this.replayer.vm.board.hart.pc >>> 0, summary };
  }

  private noteConsole(bytes: Uint8Array, icount: number, pc: number): void {
    for (const b of bytes) {
      this.line ??= { icount, pc, text: '' };
      if (b === 0x0a) {
        this.flushLine();
        continue;
      }
      this.line.text += printable(b);
      if (this.line.text.length >= CONSOLE_LINE_MAX) this.flushLine();
    }
  }

  private flushLine(): void {
    const l = this.line;
    if (l === undefined) return;
    this.line = undefined;
    this.found.push(consoleEvent(l));
  }

  /** The logged inputs up to `icount`. */
  private inputsUpTo(icount: number): MachineEvent[] {
    const out: MachineEvent[] = [];
    for (const e of this.contents.events) {
      if (e.icount > icount) break;
      out.push({ icount: e.icount, kind: 'input', pc: e.pc >>> 0, summary: describeInput(e) });
    }
    return out;
  }

  /** Events found so far (inputs the replayer has consumed count). */
  private count(): number {
    return this.found.length + this.replayer.host.consumed + (this.line === undefined ? 0 : 1);
  }

  private result(goal: number): MachineEventScan {
    let to = this.scannedTo;
    const l = this.line;
    const pending: MachineEvent[] = l === undefined ? [] : [consoleEvent(l)];
    let events = [...this.inputsUpTo(to), ...this.found, ...pending, ...(this.ended === undefined ? [] : [this.ended])];
    const order = (k: MachineEventKind) => MACHINE_EVENT_KINDS.indexOf(k);
    events.sort((a, b) => a.icount - b.icount || order(a.kind) - order(b.kind));
    // A slice can overshoot the cap: keep the first maxEvents, and say how far that list is complete.
    const truncated = events.length > this.maxEvents || (events.length === this.maxEvents && !this.finished && to < goal);
    if (events.length > this.maxEvents) {
      const cut = events[this.maxEvents]!.icount;
      // Every event listed is complete up to `to`: drop a group at one icount that the cut splits.
      events = events.slice(0, this.maxEvents).filter((e) => e.icount < cut);
      to = cut - 1;
    }
    return { events, scannedTo: to, complete: !truncated && (this.finished || to >= goal), truncated };
  }
}

function consoleEvent(line: { icount: number; pc: number; text: string }): MachineEvent {
  return { icount: line.icount, kind: 'console', pc: line.pc, summary: `console output ${JSON.stringify(line.text)}`, text: line.text };
}

function printable(b: number): string {
  if (b === 0x09) return '\t';
  if (b < 0x20 || b === 0x7f) return `\\x${b.toString(16).padStart(2, '0')}`;
  return String.fromCharCode(b);
}

function describeInput(e: RecordedEvent): string {
  const name = INPUT_SOURCE_NAMES[e.source] ?? `source ${e.source}`;
  switch (e.source) {
    case InputSource.Console:
    case InputSource.ConsoleRead:
    case InputSource.CommandLine: {
      const text = Array.from(e.payload.subarray(0, 40), printable).join('');
      return `${name} ${JSON.stringify(text)}${e.payload.length > 40 ? '...' : ''}`;
    }
    default:
      return `${name} (${e.payload.length} bytes)`;
  }
}
