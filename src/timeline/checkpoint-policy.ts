/**
 * Checkpoint policies decide when the timeline takes a checkpoint and which
 * ones it drops to stay within its memory budget (rr's ReplayTimeline keeps
 * the same concern in one place).
 *
 * The default, DensityPolicy, keeps checkpoints dense near the places the
 * user works (the current position and recent seek targets, the "focus") and
 * sparse far from them:
 *  - while running forward, a checkpoint every `spacing` steps (4,000,000:
 *    about 25 ms of replay, the worst case for a reverse step);
 *  - while running forward to a seek target, a checkpoint every
 *    `denseSpacing` steps (250,000) over the last `denseSpan` steps
 *    (4,000,000) before it, so stepping back from there stays cheap;
 *  - eviction rule: while the store exceeds the budget, remove the checkpoint
 *    whose removal opens the smallest gap relative to its distance from the
 *    focus, i.e. the one minimising (next.icount - prev.icount) /
 *    (1 + distance to the nearest focus point). The first checkpoint (icount
 *    0) and the newest checkpoint at or before the current position are never
 *    removed;
 *  - checkpoints farther than `hotSpan` (16,000,000 steps) from every focus
 *    point keep their pages LZ4-compressed.
 */
import type { Checkpoint, CheckpointStore } from './checkpoint-store.js';

export interface CheckpointPolicy {
  readonly name: string;
  /** The memory budget in bytes. */
  readonly budgetBytes: number;
  /** The next icount after `icount` at which to take a checkpoint, given the focus points. */
  nextCheckpoint(icount: number, store: CheckpointStore, seekTarget: number | undefined): number;
  /** Evicts and compresses checkpoints to fit the budget; `current` is the current position. */
  maintain(store: CheckpointStore, current: number, focus: readonly number[]): void;
}

export interface DensityOptions {
  readonly budgetBytes?: number;
  readonly spacing?: number;
  readonly denseSpacing?: number;
  readonly denseSpan?: number;
  readonly hotSpan?: number;
}

export const DEFAULT_CHECKPOINT_BUDGET = 512 * 1024 * 1024;

export class DensityPolicy implements CheckpointPolicy {
  readonly name = 'density';
  readonly budgetBytes: number;
  private readonly spacing: number;
  private readonly denseSpacing: number;
  private readonly denseSpan: number;
  private readonly hotSpan: number;

  constructor(o: DensityOptions = {}) {
    this.budgetBytes = o.budgetBytes ?? DEFAULT_CHECKPOINT_BUDGET;
    this.spacing = o.spacing ?? 4_000_000;
    this.denseSpacing = o.denseSpacing ?? 250_000;
    this.denseSpan = o.denseSpan ?? 4_000_000;
    this.hotSpan = o.hotSpan ?? 16_000_000;
  }

  nextCheckpoint(icount: number, store: CheckpointStore, seekTarget: number | undefined): number {
    const last = store.atOrBefore(icount)?.icount ?? 0;
    let next = last + this.spacing;
    if (seekTarget !== undefined && seekTarget > icount) {
      const denseFrom = seekTarget - this.denseSpan;
      const dense = Math.max(last + this.denseSpacing, denseFrom);
      if (dense < seekTarget) next = Math.min(next, dense);
    }
    return Math.max(next, icount + 1);
  }

  maintain(store: CheckpointStore, current: number, focus: readonly number[]): void {
    const points = [current, ...focus];
    const distance = (c: Checkpoint) => Math.min(...points.map((f) => Math.abs(c.icount - f)));
    const keep = store.atOrBefore(current);
    while (store.memoryBytes > this.budgetBytes) {
      const list = store.checkpoints;
      let victim: Checkpoint | undefined;
      let best = Infinity;
      for (let i = 1; i < list.length; i++) {
        const c = list[i]!;
        if (c === keep) continue;
        const gap = (list[i + 1]?.icount ?? current) - list[i - 1]!.icount;
        const cost = gap / (1 + distance(c));
        if (cost < best) { best = cost; victim = c; }
      }
      if (victim === undefined) break;
      store.evict(victim);
    }
    for (const c of store.checkpoints) if (!c.cold && distance(c) > this.hotSpan) store.compress(c);
  }
}
