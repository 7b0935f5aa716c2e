/**
 * Console input from the host terminal or a pipe: raw mode on a TTY with
 * QEMU's escape (Ctrl-A X quits, Ctrl-A Ctrl-A sends Ctrl-A), bytes buffered
 * until the machine takes them at an instruction boundary.
 */
import type { Readable } from 'node:stream';
import type { ConsoleSource } from './console-source.js';

const CTRL_A = 0x01;

export class ConsoleInput implements ConsoleSource {
  private buffered: number[] = [];
  private ended = false;
  private escape = false;
  private waiters: (() => void)[] = [];
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onEnd = () => {
    this.ended = true;
    this.wake();
  };

  /** `onQuit` runs when the user types the quit escape on a TTY. */
  constructor(private readonly stream: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }, private readonly onQuit: () => void) {
    if (stream.isTTY === true) stream.setRawMode?.(true);
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onEnd);
    stream.resume();
  }

  private receive(chunk: Buffer): void {
    const tty = this.stream.isTTY === true;
    for (const b of chunk) {
      if (tty && this.escape) {
        this.escape = false;
        if (b === 0x78 || b === 0x58) { this.onQuit(); continue; } // x / X
        if (b === CTRL_A) { this.buffered.push(CTRL_A); continue; }
        continue;
      }
      if (tty && b === CTRL_A) { this.escape = true; continue; }
      this.buffered.push(b);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Takes up to `max` buffered bytes. */
  take(_icount: number, max: number): Uint8Array {
    const n = Math.min(max, this.buffered.length);
    return Uint8Array.from(this.buffered.splice(0, n));
  }

  /** Whether bytes are buffered or may still come. */
  mayArrive(): boolean {
    return this.buffered.length > 0 || !this.ended;
  }

  nextIcount(): undefined {
    return undefined;
  }

  /** Resolves when bytes arrive or the stream ends. */
  wait(): Promise<void> {
    if (this.buffered.length > 0 || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Restores the terminal and stops reading. */
  close(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onEnd);
    if (this.stream.isTTY === true) this.stream.setRawMode?.(false);
    this.stream.pause();
    this.wake();
  }
}
