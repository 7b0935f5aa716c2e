/** Console input typed by the user in the debugger (the debug console's "> text"), queued for the guest. */
import type { ConsoleSource } from '../../src/host/console-source.js';

export class QueueConsole implements ConsoleSource {
  private bytes: number[] = [];
  private waiters: (() => void)[] = [];

  /** Queues text for the guest. */
  push(text: string): void {
    for (const b of Buffer.from(text, 'latin1')) this.bytes.push(b);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  take(_icount: number, max: number): Uint8Array {
    return Uint8Array.from(this.bytes.splice(0, Math.max(0, max)));
  }

  /** The user can always type more while the session lasts. */
  mayArrive(): boolean {
    return true;
  }

  nextIcount(): undefined {
    return undefined;
  }

  wait(): Promise<void> {
    if (this.bytes.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.push('');
  }
}
