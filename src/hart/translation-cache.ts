/**
 * Translations by physical RAM page, and the policy of when to make them.
 * Cold code runs in the interpreter one basic block at a time; the dispatcher
 * counts how often each block entry of a page runs cold, and once an entry
 * has run `hotThreshold` times it becomes the root of a new region: the
 * blocks reachable from it within the page, translated into one function.
 * A page can hold several regions (they may overlap); a block entry belongs
 * to the region rooted there, else to the first region that reached it.
 * A write to the page drops all its regions (self-modifying code); a page
 * written too often while translated stays interpreted.
 */
import type { Hart } from './hart.js';
import { BlockTranslator, MAX_BLOCK_LENGTH, type PageCode, type RegionFunction } from './block-translator.js';

/** How a hart uses binary translation. */
export interface TranslationOptions {
  /** Translate hot code into JavaScript functions. */
  readonly enabled: boolean;
  /**
   * Times a block entry runs cold before a region is translated from it; 0
   * translates at first sight. Given, every page runs block by block (the
   * tests); by default cold pages run in the interpreter's own loop until
   * they are warm (see TranslationCache.warm).
   */
  readonly hotThreshold?: number;
  /** Return to the dispatcher after every block (the lockstep checker needs to see each one). */
  readonly unchained?: boolean;
  /** Compare every translated block with the interpreter (the lockstep checker; slow). */
  readonly check?: boolean;
}

/**
 * The default: translate from an entry once it has run this many times in
 * the interpreter. Later than 16 (the first choice), regions start from code
 * whose neighbours have run too, so fewer of them are compiled and they hold
 * more of the hot paths: 4 of the 5 compute guests ran faster at 64 in an
 * interleaved A/B (bytecode most, by a fifth; sha256 within noise).
 */
export const DEFAULT_HOT_THRESHOLD = 64;
/**
 * Instructions the interpreter runs at a stretch on pages that are not warm
 * (see TranslationCache.warm); where it is at the end of each stretch is one
 * sample of where the guest spends its time.
 */
export const COLD_SLICE = 16384;
/**
 * Samples that make a page warm: about a quarter of a million instructions
 * spent there. Translating costs V8 some milliseconds per region, which
 * code that runs less than that does not repay: the Linux boot, 50 million
 * instructions of mostly cold code, made about 975 regions and took three
 * times as long as the interpreter alone before pages had to be warm; with
 * it, 158 regions. The compute guests' hot pages are warm within a few
 * milliseconds.
 */
const WARM_SAMPLES = 16;
/** Regions one page may hold before its remaining cold entries are left to the interpreter. */
const MAX_REGIONS_PER_PAGE = 64;
/** Writes that drop a page's translations before the page is left to the interpreter for good. */
const MAX_INVALIDATIONS_PER_PAGE = 64;

let processDefault: TranslationOptions = { enabled: true };

/** The translation options of harts created without any (the CLI and the test setup choose it). */
export function setDefaultTranslation(options: TranslationOptions): void {
  processDefault = options;
}

/** The translation options harts get when none are given. */
export function defaultTranslation(): TranslationOptions {
  return processDefault;
}

/** The translations of one RAM page, made for the virtual page it runs at. */
class PageTranslations {
  constructor(readonly vbase: number) {}

  /** The region function that starts a block at each parcel offset (offset >> 1). */
  readonly at: (RegionFunction | undefined)[] = new Array<RegionFunction | undefined>(2048);
  /** Cold runs per parcel offset; 255 marks an offset no block can start at. */
  readonly heat = new Uint8Array(2048);
  readonly sources: string[] = [];
  /** Budget tails (eager mode): regions of one truncated block, by offset and length. */
  readonly tails = new Map<number, RegionFunction | undefined>();
  /** Left to the interpreter (written too often). */
  interpreted = false;
}

const REFUSED = 255;

/** Statistics of a hart's translations. */
export interface TranslationStats {
  /** Regions made (including ones dropped since). */
  readonly regions: number;
  /** Regions whose source had not been compiled before in this process. */
  readonly compiled: number;
  /** Translations of a page dropped because it was written. */
  readonly invalidations: number;
}

export class TranslationCache {
  private pages: (PageTranslations | undefined)[];
  private readonly writes: Uint8Array;
  private readonly translator: BlockTranslator;
  private regions = 0;
  private invalidations = 0;
  /** Per RAM page: the interpreter's stretches that ended there (up to WARM_SAMPLES). */
  private readonly samples: Uint8Array;
  readonly hotThreshold: number;
  readonly chain: boolean;
  /**
   * Cold pages run in the interpreter's own loop, in stretches of
   * COLD_SLICE instructions, and only warm ones block by block through the
   * dispatcher (the default policy; off with an explicit hotThreshold, or
   * when every block must be seen).
   */
  readonly sliced: boolean;

  constructor(hart: Hart, readonly pageCount: number, options: TranslationOptions) {
    this.translator = new BlockTranslator(hart);
    this.pages = new Array<PageTranslations | undefined>(pageCount);
    this.writes = new Uint8Array(pageCount);
    this.hotThreshold = Math.min(options.hotThreshold ?? DEFAULT_HOT_THRESHOLD, REFUSED - 1);
    this.chain = options.unchained !== true;
    this.samples = new Uint8Array(pageCount);
    this.sliced = options.hotThreshold === undefined && this.chain;
  }

  /**
   * Whether RAM page `page` runs block by block through the dispatcher (its
   * entries counted, hot ones translated): it holds translations, or the
   * guest's time showed up there in WARM_SAMPLES samples. A page written too
   * often to keep translations is cold for good.
   */
  warm(page: number): boolean {
    const p = this.pages[page];
    if (p !== undefined && p.interpreted) return false;
    return this.samples[page]! >= WARM_SAMPLES || (p !== undefined && p.sources.length > 0);
  }

  /** The interpreter's stretch ended in RAM page `page`. */
  sample(page: number): void {
    if (this.samples[page]! < WARM_SAMPLES) this.samples[page]!++;
  }

  /** The region function with a block at `offset` of RAM page `page` mapped at `vbase`, if any. */
  lookup(page: number, offset: number, vbase: number): RegionFunction | undefined {
    const p = this.pages[page];
    return p !== undefined && p.vbase === vbase ? p.at[offset >> 1] : undefined;
  }

  /**
   * The dispatcher found no block at `offset`: counts the entry's heat and
   * translates a region from it when it is hot. Returns the region function
   * to run, or undefined to interpret one block.
   */
  miss(page: number, offset: number, vbase: number, code: () => PageCode, ialignMask: number): RegionFunction | undefined {
    let p = this.pages[page];
    if (p === undefined || p.vbase !== vbase) {
      // Translations hold pc values: the page running at another virtual address needs its own.
      if (p !== undefined && p.sources.length > 0) this.invalidations++;
      p = new PageTranslations(vbase);
      this.pages[page] = p;
    }
    const slot = offset >> 1;
    const heat = p.heat[slot]!;
    if (heat === REFUSED || p.interpreted || p.sources.length >= MAX_REGIONS_PER_PAGE) return undefined;
    if (heat < this.hotThreshold) {
      p.heat[slot] = heat + 1;
      return undefined;
    }
    const heats = p.heat;
    const all = this.hotThreshold === 0;
    const ran = (o: number) => heats[o >> 1]! > 0 && heats[o >> 1]! !== REFUSED;
    // Entries that have run, hottest first: an indirect jump in the region may go to any of them.
    const indirectEntries: number[] = [];
    if (!all) for (let s = 0; s < heats.length; s++) if (ran(s << 1)) indirectEntries.push(s << 1);
    indirectEntries.sort((a, b) => heats[b >> 1]! - heats[a >> 1]! || a - b);
    const region = this.translator.translate(code(), offset, (o) => all || ran(o), { vbase, ialignMask, chain: this.chain, indirectEntries });
    if (region.blockStarts.length === 0) {
      p.heat[slot] = REFUSED; // a breakpoint or an instruction crossing the page end: the interpreter's
      return undefined;
    }
    this.regions++;
    p.sources.push(region.source);
    p.at[slot] = region.fn;
    for (const start of region.blockStarts) p.at[start >> 1] ??= region.fn;
    return region.fn;
  }

  /**
   * With hotThreshold 0 (translate everything at first sight, as the tests
   * do), the last steps of a budget shorter than the next block run
   * translated too: a region holding just that block, cut to `length`
   * instructions. Otherwise (undefined) they are interpreted.
   */
  tail(page: number, offset: number, vbase: number, length: number, code: () => PageCode, ialignMask: number): RegionFunction | undefined {
    const p = this.pages[page];
    if (this.hotThreshold !== 0 || p === undefined || p.vbase !== vbase || length >= MAX_BLOCK_LENGTH) return undefined;
    const key = offset * MAX_BLOCK_LENGTH + length;
    if (p.tails.has(key)) return p.tails.get(key);
    const region = this.translator.translate(code(), offset, () => false,
      { vbase, ialignMask, chain: this.chain, maxBlockLength: length, maxInstructions: length });
    const fn = region.blockStarts.length > 0 ? region.fn : undefined;
    p.tails.set(key, fn);
    if (fn !== undefined) {
      this.regions++;
      p.sources.push(region.source);
    }
    return fn;
  }

  /** RAM page `page` was written: drops its translations. Returns whether it had any. */
  invalidate(page: number): boolean {
    const p = this.pages[page];
    if (p === undefined || p.sources.length === 0) return false;
    const next = new PageTranslations(p.vbase);
    this.pages[page] = next;
    this.invalidations++;
    if (this.writes[page]! < 255) this.writes[page]!++;
    if (this.writes[page]! >= MAX_INVALIDATIONS_PER_PAGE) next.interpreted = true;
    return true;
  }

  /** Drops page `page`'s translations without counting a write (a restore or a breakpoint change). */
  forget(page: number): void {
    const p = this.pages[page];
    if (p !== undefined && p.sources.length > 0) this.pages[page] = new PageTranslations(p.vbase);
  }

  /** Forgets every translation (decoded instructions were flushed: misa, breakpoints, reset, restore). */
  flush(): void {
    this.pages = new Array<PageTranslations | undefined>(this.pageCount);
    this.writes.fill(0);
  }

  /** The sources of the regions translated for `page`, for tests and debugging. */
  regionSources(page: number): readonly string[] {
    return this.pages[page]?.sources ?? [];
  }

  get stats(): TranslationStats {
    return { regions: this.regions, compiled: this.translator.compiledCount, invalidations: this.invalidations };
  }
}
