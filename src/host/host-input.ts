/**
 * The one door through which the outside world reaches a guest. Every value
 * that comes from the host — console bytes, wall-clock time, host file
 * contents and results, entropy, the guest command line — is an input event
 * (icount, source, payload) obtained here. Live, record and replay are
 * strategies behind this interface (QEMU replay/ has one file per kind of
 * input; here the kinds are InputSource and the strategies are classes).
 */

/** The kinds of host input. Bump the recording format version if you change these. */
export const enum InputSource {
  /** Bytes typed at the guest console, delivered at an instruction boundary (UART RX). Asynchronous. */
  Console = 1,
  /** Wall-clock time in nanoseconds since the Unix epoch (semihosting TIME, Goldfish RTC). */
  WallClock = 2,
  /** The answer to a semihosting file-system operation on a host file. */
  FileSystem = 3,
  /** The guest command line (semihosting GET_CMDLINE). */
  CommandLine = 4,
  /** Entropy (the Zkr seed CSR, virtio-rng). */
  Entropy = 5,
  /** Host time for `--clock host`, in timebase ticks. */
  HostClock = 6,
  /** Console bytes the guest asked for (semihosting READC, READ on :tt). Synchronous. */
  ConsoleRead = 7,
  /**
   * A debugger changed a register or memory during a live recorded session,
   * at an instruction boundary. Asynchronous; never produced by a host.
   */
  DebuggerWrite = 8,
}

export const INPUT_SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'console',
  2: 'wall-clock',
  3: 'file-system',
  4: 'command-line',
  5: 'entropy',
  6: 'host-clock',
  7: 'console-read',
  8: 'debugger-write',
};

/** One input as it crossed the door. */
export interface InputEvent {
  readonly icount: number;
  readonly source: InputSource;
  readonly payload: Uint8Array;
}

export interface HostInput {
  /**
   * Answers a synchronous request the guest makes at `icount`: `question`
   * identifies what is asked (a file operation, how many entropy bytes ...),
   * the returned payload is the input. Record logs it; replay returns the
   * logged payload and reports a divergence if the guest asks something else.
   */
  ask(icount: number, source: InputSource, question: Uint8Array): Uint8Array;
  /** Takes up to `max` console bytes that are available at this boundary (possibly none), for a device. */
  takeConsole(icount: number, max: number): Uint8Array;
  /**
   * The guest asks for up to `max` console bytes now (a semihosting read).
   * Empty means none are available yet: wait if consoleMayArrive(), else it is the end of input.
   */
  readConsole(icount: number, max: number): Uint8Array;
  /**
   * When the next asynchronous input (console bytes, a debugger write) is due,
   * if known in advance (replay), so the run loop can stop there.
   */
  nextAsyncInputIcount(): number | undefined;
  /** A logged debugger write due at this boundary (replay), consumed; undefined if none. */
  takeDebuggerWrite(icount: number): Uint8Array | undefined;
  /** Whether console input can still arrive (live: stdin not at end; replay: events remain). */
  consoleMayArrive(): boolean;
  /** Resolves when console input may have arrived (live: waits on stdin). */
  waitForConsole(): Promise<void>;
  /** Releases host resources (open files, stdin). */
  close(): void;
}

/** A host input that has nothing to give: no console, no files; asks are refused. For tests and benchmarks. */
export class NoHostInput implements HostInput {
  ask(_icount: number, source: InputSource): Uint8Array {
    throw new Error(`this run has no host input for ${INPUT_SOURCE_NAMES[source] ?? source}`);
  }
  takeConsole(): Uint8Array {
    return new Uint8Array(0);
  }
  readConsole(): Uint8Array {
    return new Uint8Array(0);
  }
  nextAsyncInputIcount(): undefined {
    return undefined;
  }
  takeDebuggerWrite(): undefined {
    return undefined;
  }
  consoleMayArrive(): boolean {
    return false;
  }
  async waitForConsole(): Promise<void> {}
  close(): void {}
}
