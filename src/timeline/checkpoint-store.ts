/**
 * Checkpoints of a replay: machine state plus RAM, kept incrementally. Each
 * checkpoint holds copies of only the 4 KiB pages written since the previous
 * one (the first, at icount 0, holds every page the loader wrote; a "full"
 * checkpoint loaded from a recording holds every page written so far). A
 * page's contents at checkpoint k are its newest copy at or before k, or zero
 * if there is none. Cold checkpoints keep their pages LZ4-compressed.
 *
 * Restoring k from the current position rewrites only the pages that can
 * differ: those written since the last restore or checkpoint the current
 * state grew from (the anchor), and those copied by checkpoints between the
 * anchor and k.
 */
import * as lz4 from 'lz4js';
import type { Ram } from '../memory/ram.js';
import type { MachineState } from '../replay/machine-state.js';

const PAGE = 4096;
const ZERO_PAGE = new Uint8Array(PAGE);
/** Fixed cost charged per checkpoint besides page copies (state, maps). */
const CHECKPOINT_OVERHEAD = 4096;

/** A page copy: raw, or LZ4-compressed when cold (compressed.length < PAGE). */
type PageCopy = Uint8Array;

export interface Checkpoint {
  readonly icount: number;
  readonly state: MachineState;
  /** Page copies held by this checkpoint. */
  readonly pages: Map<number, PageCopy>;
  /** Holds every written page (checkpoint 0, or loaded from a recording). */
  readonly full: boolean;
  /** Pages are compressed. */
  cold: boolean;
  /** Digest of the full state, when known (checkpoints loaded from a file are verified against it). */
  readonly digest?: string;
}

export class CheckpointStore {
  /** Ordered by icount. */
  private readonly list: Checkpoint[] = [];
  /** The checkpoint the current RAM grew from, and the pages written since (besides the tracker's). */
  private anchor: Checkpoint | undefined;
  private extraDirty = new Set<number>();
  private bytes = 0;

  /** `dirtyId` is this store's consumer in the RAM's dirty tracker. */
  constructor(private readonly ram: Ram, private readonly dirtyId: number) {}

  get checkpoints(): readonly Checkpoint[] {
    return this.list;
  }

  /** Bytes held (page copies and per-checkpoint overhead). */
  get memoryBytes(): number {
    return this.bytes;
  }

  /** The newest checkpoint at or before `icount`. */
  atOrBefore(icount: number): Checkpoint | undefined {
    let lo = 0;
    let hi = this.list.length - 1;
    let best: Checkpoint | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.list[mid]!;
      if (c.icount <= icount) { best = c; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  }

  private indexOf(c: Checkpoint): number {
    return this.list.indexOf(c);
  }

  private copyPage(page: number): Uint8Array {
    return this.ram.bytes.slice(page * PAGE, (page + 1) * PAGE);
  }

  /** Takes a checkpoint of the current state (RAM pages written since the anchor are copied). */
  add(state: MachineState): Checkpoint {
    const existing = this.list.find((c) => c.icount === state.icount);
    if (existing !== undefined) return existing;
    const written = this.ram.dirty.collect(this.dirtyId);
    const first = this.list.length === 0;
    const pages = new Map<number, PageCopy>();
    const changed = new Set<number>(written);
    for (const p of this.extraDirty) changed.add(p);
    // Invariant: every page written between a checkpoint and the previous one is copied by it.
    // Pages written since the anchor are a superset of those written since the previous checkpoint.
    if (first) for (let p = 0; p < state.touched.length; p++) if (state.touched[p] !== 0) changed.add(p);
    for (const p of changed) pages.set(p, this.copyPage(p));
    const c: Checkpoint = { icount: state.icount, state, pages, full: first, cold: false };
    this.insert(c);
    this.anchor = c;
    this.extraDirty.clear();
    return c;
  }

  /** Adds a full checkpoint loaded from a recording (pages: every written page at that instant). */
  addFull(state: MachineState, pages: Map<number, Uint8Array>, digest: string): Checkpoint {
    const existing = this.list.find((c) => c.icount === state.icount);
    if (existing !== undefined) return existing;
    const c: Checkpoint = { icount: state.icount, state, pages, full: true, cold: false, digest };
    this.insert(c);
    return c;
  }

  private insert(c: Checkpoint): void {
    let i = this.list.length;
    while (i > 0 && this.list[i - 1]!.icount > c.icount) i--;
    this.list.splice(i, 0, c);
    this.bytes += CHECKPOINT_OVERHEAD + c.state.touched.length + [...c.pages.values()].reduce((n, p) => n + p.length, 0);
  }

  /** The contents of `page` at checkpoint index `k`: its newest copy at or before k, or undefined (zero). */
  private pageAt(page: number, k: number): Uint8Array | undefined {
    for (let i = k; i >= 0; i--) {
      const c = this.list[i]!;
      const copy = c.pages.get(page);
      if (copy !== undefined) return copy.length === PAGE ? copy : lz4.decompress(copy, PAGE);
      if (c.full) return undefined;
    }
    return undefined;
  }

  /**
   * Rewrites RAM to its contents at checkpoint `c` (the machine state is
   * restored separately). Dirty bookkeeping is the caller's (restoreState).
   * Returns the pages it rewrote.
   */
  restoreRam(c: Checkpoint): ReadonlySet<number> {
    const k = this.indexOf(c);
    if (k < 0) throw new Error('checkpoint not in this store');
    // Pages that can differ between now and k: written since the anchor, and written between the anchor and k
    // (each of those is copied by a checkpoint in that span, by the invariant of add()).
    const changed = new Set<number>(this.ram.dirty.collect(this.dirtyId));
    for (const p of this.extraDirty) changed.add(p);
    const a = this.anchor === undefined ? -1 : this.indexOf(this.anchor);
    if (a < 0) {
      for (let p = 0; p < this.ram.touched.length; p++) if (this.ram.touched[p] !== 0) changed.add(p);
      for (let p = 0; p < c.state.touched.length; p++) if (c.state.touched[p] !== 0) changed.add(p);
    } else {
      for (let i = Math.min(a, k) + 1; i <= Math.max(a, k); i++) for (const p of this.list[i]!.pages.keys()) changed.add(p);
    }
    // Only pages whose bytes differ are written and reported, so the hart keeps the decoded code of the rest.
    const rewritten = new Set<number>();
    const bytes = this.ram.bytes;
    for (const p of changed) {
      const data = this.pageAt(p, k);
      const now = bytes.subarray(p * PAGE, (p + 1) * PAGE);
      if (Buffer.compare(now, data ?? ZERO_PAGE) === 0) continue;
      if (data === undefined) now.fill(0);
      else now.set(data);
      rewritten.add(p);
    }
    this.anchor = c;
    this.extraDirty.clear();
    return rewritten;
  }

  /** Compresses a checkpoint's pages (a cold checkpoint). */
  compress(c: Checkpoint): void {
    if (c.cold) return;
    for (const [p, copy] of c.pages) {
      if (copy.length !== PAGE) continue;
      const packed = lz4.compress(copy);
      if (packed.length < PAGE) {
        c.pages.set(p, packed);
        this.bytes -= PAGE - packed.length;
      }
    }
    c.cold = true;
  }

  /**
   * Removes checkpoint `c` (never the first). Its page copies move to the next
   * checkpoint where that one has none, since they are still the newest
   * versions there.
   */
  evict(c: Checkpoint): void {
    const i = this.indexOf(c);
    if (i <= 0) return;
    const next = this.list[i + 1];
    let freed = CHECKPOINT_OVERHEAD + c.state.touched.length;
    for (const [p, copy] of c.pages) {
      if (next !== undefined && !next.full && !next.pages.has(p)) next.pages.set(p, copy);
      else freed += copy.length;
    }
    if (this.anchor === c) {
      // The current RAM grew from c: it now grows from the previous checkpoint plus c's pages.
      this.anchor = this.list[i - 1];
      for (const p of c.pages.keys()) this.extraDirty.add(p);
      if (c.full) for (let p = 0; p < c.state.touched.length; p++) if (c.state.touched[p] !== 0) this.extraDirty.add(p);
    }
    this.list.splice(i, 1);
    this.bytes -= freed;
  }
}
