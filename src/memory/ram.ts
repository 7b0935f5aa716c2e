/**
 * Guest RAM: one ArrayBuffer with typed views for every access width, and a
 * flag byte per 4 KiB page (TinyEMU keeps the same dirty bit per page).
 *
 * The hart reads and writes RAM directly through its software TLB; a page only
 * enters the store TLB while it is DIRTY and holds no decoded code, so the
 * first store to a clean or code page always takes the slow path, which calls
 * `noteWrite`. Devices that write guest memory (semihosting READ, DMA) go
 * through `write`, which does the same bookkeeping.
 */
import { PAGE_SHIFT, PAGE_SIZE, PageFlag } from './page.js';

export { PAGE_SHIFT, PAGE_SIZE, PageFlag };

import { DirtyTracker } from './dirty-tracker.js';
import { RamWatches } from './ram-watch.js';

/** Called before the first write to a page that is not plainly dirty. */
export type PageWriteListener = (page: number) => void;

export class Ram {
  readonly bytes: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly pageFlags: Uint8Array;
  /** Watched ranges (HTIF tohost, debugger watchpoints). */
  readonly watches: RamWatches;
  /** Pages written since each consumer last asked (state checks, checkpoints). */
  readonly dirty: DirtyTracker;
  /** Listeners run by noteWrite when a page with Code or Watched flags is written. */
  private readonly listeners: PageWriteListener[] = [];
  /** Pages that became Dirty since takeDirtyPages() last ran. */
  private newlyDirty: number[] = [];
  /** 1 for every page written since clear(): all other pages are zero. */
  readonly touched: Uint8Array;
  /** Run when Dirty flags are cleared (the hart must drop store-TLB entries). */
  private readonly cleanListeners: (() => void)[] = [];
  /**
   * Sees every write made through `write` (devices, the loader, the
   * monitor), after it happened: the lockstep checker mirrors them.
   */
  writeObserver: ((paddr: number, data: Uint8Array) => void) | undefined;

  constructor(readonly base: number, readonly size: number) {
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new RangeError(`RAM size must be a positive multiple of ${PAGE_SIZE}`);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('Retrovisor needs a little-endian host (typed arrays are used as guest memory).');
    }
    const buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.pageFlags = new Uint8Array(size >>> PAGE_SHIFT);
    this.touched = new Uint8Array(size >>> PAGE_SHIFT);
    this.watches = new RamWatches(base, this.pageFlags);
    this.dirty = new DirtyTracker(this);
  }

  /** Whether the physical range [paddr, paddr + length) lies inside RAM. */
  contains(paddr: number, length = 1): boolean {
    const off = paddr - this.base;
    return off >= 0 && off + length <= this.size;
  }

  /** Registers a listener for writes to pages flagged Code or Watched. */
  onPageWrite(listener: PageWriteListener): void {
    this.listeners.push(listener);
  }

  /** Registers a listener run after Dirty flags were cleared. */
  onDirtyCleared(listener: () => void): void {
    this.cleanListeners.push(listener);
  }

  /** Bookkeeping before a write to the page at RAM offset `offset`. */
  noteWrite(offset: number): void {
    const page = offset >>> PAGE_SHIFT;
    const flags = this.pageFlags[page]!;
    if (flags === PageFlag.Dirty) return;
    if (flags & (PageFlag.Code | PageFlag.Watched)) for (const l of this.listeners) l(page);
    if ((flags & PageFlag.Dirty) === 0) {
      this.newlyDirty.push(page);
      this.touched[page] = 1;
    }
    this.pageFlags[page] = (this.pageFlags[page]! & ~PageFlag.Code) | PageFlag.Dirty;
  }

  /** The pages that became dirty since the last call, with their Dirty flags cleared (use `dirty` instead). */
  takeDirtyPages(): number[] {
    const pages = this.newlyDirty;
    if (pages.length === 0) return pages;
    this.newlyDirty = [];
    for (const p of pages) this.pageFlags[p]! &= ~PageFlag.Dirty;
    for (const l of this.cleanListeners) l();
    return pages;
  }

  /** Clears every Dirty flag without reporting the pages (a checkpoint restore replaces the history). */
  forgetDirty(): void {
    this.newlyDirty = [];
    for (let p = 0; p < this.pageFlags.length; p++) this.pageFlags[p]! &= ~PageFlag.Dirty;
    for (const l of this.cleanListeners) l();
  }

  /** Zeroes RAM and forgets which pages were written (Code and Watched flags stay). */
  clear(): void {
    // Only written pages can be non-zero.
    for (let p = 0; p < this.touched.length; p++) {
      if (this.touched[p] !== 0) this.bytes.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
    }
    this.touched.fill(0);
    this.newlyDirty = [];
    for (let p = 0; p < this.pageFlags.length; p++) this.pageFlags[p]! &= ~PageFlag.Dirty;
    for (const l of this.cleanListeners) l();
  }

  /** Copies `data` into RAM at physical address `paddr` (a device or loader write). */
  write(paddr: number, data: Uint8Array): void {
    const off = paddr - this.base;
    if (!this.contains(paddr, data.length)) throw new RangeError(`write of ${data.length} bytes at 0x${(paddr >>> 0).toString(16)} is outside RAM`);
    for (let p = off >>> PAGE_SHIFT; p <= (off + data.length - 1) >>> PAGE_SHIFT && data.length > 0; p++) this.noteWrite(p << PAGE_SHIFT);
    this.bytes.set(data, off);
    if (this.watches.active) this.watches.hit(paddr, data.length, undefined, true);
    this.writeObserver?.(paddr, data);
  }

  /** Copies `length` bytes of RAM starting at physical address `paddr`. */
  read(paddr: number, length: number): Uint8Array {
    const off = paddr - this.base;
    if (!this.contains(paddr, length)) throw new RangeError(`read of ${length} bytes at 0x${(paddr >>> 0).toString(16)} is outside RAM`);
    return this.bytes.slice(off, off + length);
  }
}
