/**
 * Which RAM pages were written since each consumer last asked. Several
 * consumers (state checks of the recorder, checkpoints of the timeline) share
 * the one Dirty flag per page: collecting clears the flags and hands the pages
 * to every consumer's own set, so no consumer misses a write.
 */
import type { Ram } from './ram.js';

export class DirtyTracker {
  private readonly consumers: Set<number>[] = [];

  constructor(private readonly ram: Ram) {}

  /** A new consumer; it sees pages written from now on. Returns its id. */
  subscribe(): number {
    this.drain();
    this.consumers.push(new Set());
    return this.consumers.length - 1;
  }

  /** Pages written since consumer `id` last collected, ascending; they are forgotten for this consumer. */
  collect(id: number): number[] {
    this.drain();
    const set = this.consumers[id];
    if (set === undefined) throw new RangeError(`no dirty-page consumer ${id}`);
    const pages = [...set].sort((a, b) => a - b);
    set.clear();
    return pages;
  }

  /** Consumer `id`'s pending pages (after taking the newest writes), for a checkpoint. */
  save(id: number): number[] {
    this.drain();
    return [...(this.consumers[id] ?? [])].sort((a, b) => a - b);
  }

  /**
   * After RAM was restored to a checkpoint: consumer `id` gets its saved pages
   * back, every other consumer starts empty (its owner restored what it needs).
   */
  load(id: number, pages: readonly number[]): void {
    this.ram.forgetDirty();
    this.consumers.forEach((_, i) => { this.consumers[i] = new Set(i === id ? pages : []); });
  }

  private drain(): void {
    const pages = this.ram.takeDirtyPages();
    if (pages.length === 0) return;
    for (const set of this.consumers) for (const p of pages) set.add(p);
  }
}
