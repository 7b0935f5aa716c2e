/**
 * Watched RAM ranges: HTIF's tohost word and, later, debugger watchpoints.
 * Pages with a watch carry PageFlag.Watched, which keeps them out of the
 * hart's TLBs so every access reaches the slow path and is reported here.
 * Writes by devices (Ram.write) are reported too.
 */
import { PAGE_SHIFT, PageFlag } from './page.js';

export const enum WatchKind {
  Read = 1,
  Write = 2,
  Access = 3,
}

/** One access that touched a watched range. `value` is undefined for bulk device writes. */
export interface WatchHit {
  readonly address: number;
  readonly size: number;
  readonly value: number | undefined;
  readonly write: boolean;
}

interface Watch {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly kind: WatchKind;
  readonly callback: (hit: WatchHit) => void;
}

export class RamWatches {
  private watches: Watch[] = [];
  private nextId = 1;
  /** Called when pages become watched or unwatched (the hart flushes its TLBs). */
  flushListener: (() => void) | undefined;

  constructor(private readonly base: number, private readonly pageFlags: Uint8Array) {}

  /** Watches physical range [start, start + length); returns an id for remove(). */
  add(start: number, length: number, kind: WatchKind, callback: (hit: WatchHit) => void): number {
    const w: Watch = { id: this.nextId++, start, end: start + length, kind, callback };
    this.watches.push(w);
    this.reflag();
    return w.id;
  }

  remove(id: number): void {
    this.watches = this.watches.filter((w) => w.id !== id);
    this.reflag();
  }

  /** Whether any watch is installed. */
  get active(): boolean {
    return this.watches.length > 0;
  }

  /** Whether any watch reports reads. */
  get watchesReads(): boolean {
    return this.watches.some((w) => (w.kind & WatchKind.Read) !== 0);
  }

  private reflag(): void {
    for (let p = 0; p < this.pageFlags.length; p++) this.pageFlags[p]! &= ~PageFlag.Watched;
    for (const w of this.watches) {
      const first = Math.max(0, (w.start - this.base) >>> PAGE_SHIFT);
      const last = Math.min(this.pageFlags.length - 1, Math.floor((w.end - 1 - this.base) / (1 << PAGE_SHIFT)));
      for (let p = first; p <= last; p++) this.pageFlags[p]! |= PageFlag.Watched;
    }
    this.flushListener?.();
  }

  /** Reports an access to [address, address + size) on a watched page. */
  hit(address: number, size: number, value: number | undefined, write: boolean): void {
    for (const w of this.watches) {
      if (address >= w.end || address + size <= w.start) continue;
      if ((w.kind & (write ? WatchKind.Write : WatchKind.Read)) === 0) continue;
      w.callback({ address, size, value, write });
    }
  }
}
