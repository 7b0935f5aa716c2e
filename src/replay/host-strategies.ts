/**
 * Record and replay as strategies behind the HostInput door (STYLE rule 10:
 * no mode checks in devices). Recording wraps another strategy (live, or a
 * script) and logs every answer with its icount; replaying answers from the
 * log and reports a divergence when the guest asks for something else.
 */
import { INPUT_SOURCE_NAMES, InputSource, type HostInput } from '../host/host-input.js';
import { crc32 } from './bytes.js';
import { Divergence } from './divergence.js';
import type { RecordedEvent } from './recording-file.js';

/** Called for each input as it crosses the door. */
export type EventListener = (event: RecordedEvent) => void;

export class RecordingHostInput implements HostInput {
  /** Events logged, in order. */
  readonly events: RecordedEvent[] = [];

  /** `pc` reports the guest pc at the moment of the input. */
  constructor(private readonly inner: HostInput, private readonly pc: () => number, private readonly onEvent: EventListener) {}

  private log(event: RecordedEvent): void {
    this.events.push(event);
    this.onEvent(event);
  }

  ask(icount: number, source: InputSource, question: Uint8Array): Uint8Array {
    const payload = this.inner.ask(icount, source, question);
    this.log({ icount, source, pc: this.pc(), questionHash: crc32(question), payload: payload.slice() });
    return payload;
  }

  takeConsole(icount: number, max: number): Uint8Array {
    const bytes = this.inner.takeConsole(icount, max);
    if (bytes.length > 0) this.log({ icount, source: InputSource.Console, pc: this.pc(), questionHash: 0, payload: bytes.slice() });
    return bytes;
  }

  readConsole(icount: number, max: number): Uint8Array {
    const bytes = this.inner.readConsole(icount, max);
    // "Nothing yet" is not an input: the guest asks again at the same instruction once bytes arrive.
    if (bytes.length > 0) this.log({ icount, source: InputSource.ConsoleRead, pc: this.pc(), questionHash: 0, payload: bytes.slice() });
    return bytes;
  }

  nextAsyncInputIcount(): number | undefined {
    return this.inner.nextAsyncInputIcount();
  }

  takeDebuggerWrite(icount: number): Uint8Array | undefined {
    return this.inner.takeDebuggerWrite(icount);
  }

  consoleMayArrive(): boolean {
    return this.inner.consoleMayArrive();
  }

  waitForConsole(): Promise<void> {
    return this.inner.waitForConsole();
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * Answers every input from a recording's event log. With a `live` source it
 * also grows the log: once every logged input has been consumed (the run is
 * at its frontier), inputs come from `live` and are appended, so a debugger
 * can go back and forth over a run that is still being recorded.
 */
export class ReplayHostInput implements HostInput {
  private next = 0;
  /** Index of the last console event (for consoleMayArrive), -1 if none. */
  private lastConsole: number;

  constructor(
    private readonly events: RecordedEvent[],
    private readonly pc: () => number,
    private readonly onEvent: EventListener,
    private readonly live?: HostInput,
  ) {
    let last = -1;
    events.forEach((e, i) => { if (e.source === InputSource.Console || e.source === InputSource.ConsoleRead) last = i; });
    this.lastConsole = last;
  }

  /** Whether inputs now come from the live source (every logged one was consumed). */
  private atFrontier(): boolean {
    return this.live !== undefined && this.next === this.events.length;
  }

  /** Appends a live input to the log and consumes it. */
  private record(event: RecordedEvent): Uint8Array {
    this.events.push(event);
    if (event.source === InputSource.Console || event.source === InputSource.ConsoleRead) this.lastConsole = this.events.length - 1;
    return this.take().payload;
  }

  /** The log (grows at the frontier). */
  get log(): readonly RecordedEvent[] {
    return this.events;
  }

  /** The next event not yet consumed. */
  peek(): RecordedEvent | undefined {
    return this.events[this.next];
  }

  /** How many events were consumed; settable to rewind or skip (checkpoint restore). */
  get consumed(): number {
    return this.next;
  }

  set consumed(n: number) {
    if (!Number.isInteger(n) || n < 0 || n > this.events.length) throw new RangeError(`no input position ${n}`);
    this.next = n;
  }

  /** The events consumed most recently (for divergence reports). */
  recent(n: number): readonly RecordedEvent[] {
    return this.events.slice(Math.max(0, this.next - n), this.next);
  }

  private take(): RecordedEvent {
    const e = this.events[this.next++]!;
    this.onEvent(e);
    return e;
  }

  ask(icount: number, source: InputSource, question: Uint8Array): Uint8Array {
    if (this.atFrontier()) {
      const payload = this.live!.ask(icount, source, question);
      return this.record({ icount, source, pc: this.pc() >>> 0, questionHash: crc32(question), payload: payload.slice() });
    }
    const e = this.peek();
    const pc = this.pc();
    const asked = `${INPUT_SOURCE_NAMES[source]} input at icount ${icount} (pc 0x${(pc >>> 0).toString(16)})`;
    if (e === undefined) throw new Divergence('input', icount, `the guest asked for ${asked}, but the recording has no more inputs`);
    if (e.icount !== icount || e.source !== source || e.pc !== pc >>> 0) {
      throw new Divergence('input', icount, `the guest asked for ${asked}, but the recording's next input is ${describeEvent(e)}`, e);
    }
    if (e.questionHash !== crc32(question)) {
      throw new Divergence('input', icount, `the guest asked for ${asked} with a different request than the recorded one`, e);
    }
    return this.take().payload;
  }

  takeConsole(icount: number, max: number): Uint8Array {
    if (this.atFrontier()) {
      const bytes = this.live!.takeConsole(icount, max);
      return bytes.length === 0 ? bytes : this.record({ icount, source: InputSource.Console, pc: this.pc() >>> 0, questionHash: 0, payload: bytes.slice() });
    }
    const e = this.peek();
    if (e === undefined || e.source !== InputSource.Console || e.icount !== icount) return new Uint8Array(0);
    if (e.payload.length > max) {
      throw new Divergence('input', icount, `the guest has room for ${max} console bytes at icount ${icount}, but the recording delivered ${e.payload.length} there`, e);
    }
    return this.take().payload;
  }

  readConsole(icount: number, max: number): Uint8Array {
    if (this.atFrontier()) {
      const bytes = this.live!.readConsole(icount, max);
      return bytes.length === 0 ? bytes : this.record({ icount, source: InputSource.ConsoleRead, pc: this.pc() >>> 0, questionHash: 0, payload: bytes.slice() });
    }
    const e = this.peek();
    if (e === undefined || e.source !== InputSource.ConsoleRead || e.icount !== icount) {
      // The recorded guest got end of input here, or waited: which one is decided by consoleMayArrive().
      if (e !== undefined && e.icount < icount) {
        throw new Divergence('input', icount, `the guest reads the console at icount ${icount}, past the recording's ${describeEvent(e)}`, e);
      }
      return new Uint8Array(0);
    }
    if (e.payload.length > max || e.pc !== this.pc() >>> 0) {
      throw new Divergence('input', icount, `the guest reads ${max} console bytes at icount ${icount} (pc 0x${(this.pc() >>> 0).toString(16)}), but the recording has the ${describeEvent(e)}`, e);
    }
    return this.take().payload;
  }

  nextAsyncInputIcount(): number | undefined {
    if (this.atFrontier()) return this.live!.nextAsyncInputIcount();
    const e = this.peek();
    return e !== undefined && (e.source === InputSource.Console || e.source === InputSource.DebuggerWrite) ? e.icount : undefined;
  }

  takeDebuggerWrite(icount: number): Uint8Array | undefined {
    const e = this.peek();
    if (e === undefined || e.source !== InputSource.DebuggerWrite) return undefined;
    if (e.icount < icount) {
      throw new Divergence('input', icount, `the replay is at icount ${icount}, past the recording's ${describeEvent(e)}`, e);
    }
    return e.icount === icount ? this.take().payload : undefined;
  }

  /**
   * Whether a debugger may change the guest now: a live session at the end of
   * what has run, with every logged input consumed (anything else would
   * rewrite a recorded past).
   */
  get canWrite(): boolean {
    return this.atFrontier();
  }

  /** Logs a debugger write made now, at the live frontier (the caller applies it after). */
  recordDebuggerWrite(icount: number, payload: Uint8Array): void {
    if (!this.atFrontier()) throw new Error('a debugger write is only possible at the live frontier');
    this.record({ icount, source: InputSource.DebuggerWrite, pc: this.pc() >>> 0, questionHash: 0, payload: payload.slice() });
  }

  consoleMayArrive(): boolean {
    return this.next <= this.lastConsole || (this.live?.consoleMayArrive() ?? false);
  }

  async waitForConsole(): Promise<void> {
    if (this.atFrontier()) await this.live!.waitForConsole();
  }

  close(): void {
    this.live?.close();
  }
}

export function describeEvent(e: RecordedEvent): string {
  return `${INPUT_SOURCE_NAMES[e.source] ?? `source ${e.source}`} input at icount ${e.icount} (pc 0x${e.pc.toString(16)}, ${e.payload.length} bytes)`;
}
