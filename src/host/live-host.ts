/**
 * The live strategy: answers inputs from the real host. This module and the
 * rest of src/host are the only places where the engine may read the host
 * clock or randomness (STYLE rule 9; test/determinism.test.ts enforces it).
 */
import { randomFillSync } from 'node:crypto';
import type { ConsoleSource } from './console-source.js';
import { decodeFsRequest, encodeFsResponse } from './file-system.js';
import { HostFiles } from './host-files.js';
import { InputSource, INPUT_SOURCE_NAMES, type HostInput } from './host-input.js';

export interface LiveHostOptions {
  /** Directory below which the guest may use host files through semihosting; none by default. */
  readonly semihostRoot?: string;
  /** The command line GET_CMDLINE returns (program name and arguments). */
  readonly commandLine: string;
  /** Console input (stdin or a script); none when the guest gets no input. */
  readonly console?: ConsoleSource;
}

export class LiveHost implements HostInput {
  private readonly files: HostFiles;
  /** Host-clock origin: guest host-clock time counts from when this host was created. */
  private readonly started = process.hrtime.bigint();

  constructor(private readonly options: LiveHostOptions) {
    this.files = new HostFiles(options.semihostRoot);
  }

  ask(_icount: number, source: InputSource, question: Uint8Array): Uint8Array {
    switch (source) {
      case InputSource.WallClock: {
        const out = new Uint8Array(8);
        new DataView(out.buffer).setBigUint64(0, BigInt(Date.now()) * 1_000_000n, true);
        return out;
      }
      case InputSource.CommandLine:
        return new TextEncoder().encode(this.options.commandLine);
      case InputSource.Entropy: {
        const n = question.length >= 2 ? question[0]! | (question[1]! << 8) : 0;
        return randomFillSync(new Uint8Array(n));
      }
      case InputSource.FileSystem:
        return encodeFsResponse(this.files.handle(decodeFsRequest(question)));
      case InputSource.HostClock: {
        // Timebase ticks (10 MHz) since this host was created: monotonic.
        const out = new Uint8Array(8);
        new DataView(out.buffer).setBigUint64(0, (process.hrtime.bigint() - this.started) / 100n, true);
        return out;
      }
      default:
        throw new Error(`the live host has no ${INPUT_SOURCE_NAMES[source] ?? source} input`);
    }
  }

  takeConsole(icount: number, max: number): Uint8Array {
    return this.options.console?.take(icount, max) ?? new Uint8Array(0);
  }

  readConsole(icount: number, max: number): Uint8Array {
    return this.takeConsole(icount, max);
  }

  /** A live host has no debugger writes: a debugger applies them itself and a recording logs them. */
  takeDebuggerWrite(): undefined {
    return undefined;
  }

  nextAsyncInputIcount(): number | undefined {
    return this.options.console?.nextIcount();
  }

  consoleMayArrive(): boolean {
    return this.options.console?.mayArrive() ?? false;
  }

  waitForConsole(): Promise<void> {
    return this.options.console?.wait() ?? Promise.resolve();
  }

  close(): void {
    this.files.closeAll();
    this.options.console?.close();
  }
}
