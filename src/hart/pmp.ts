/**
 * Physical memory protection (Privileged spec 1.12, 3.7): 16 entries with
 * 4-byte granularity, TOR/NA4/NAPOT matching, R/W/X permissions and locks.
 * The lowest-numbered entry that matches any byte of an access decides it,
 * and must cover all of it. With no matching entry, M-mode accesses succeed
 * and S/U-mode accesses fail (entries are implemented). The configuration
 * lives in the hart's CSR array; this class keeps the decoded regions.
 */

export const PMP_ENTRIES = 16;

export const enum PmpAccess {
  Read = 1,
  Write = 2,
  Execute = 4,
}

const enum Cfg {
  R = 1,
  W = 2,
  X = 4,
  A_SHIFT = 3,
  L = 0x80,
}

const enum Match {
  Off = 0,
  Tor = 1,
  Na4 = 2,
  Napot = 3,
}

interface Region {
  readonly lo: number;
  readonly hi: number;
  readonly perms: number;
  readonly locked: boolean;
}

export class Pmp {
  private regions: (Region | undefined)[] = [];
  /** Whether any entry is active (A != OFF). */
  active = false;

  /** Rebuilds the regions from the entries' configuration bytes and address registers. */
  update(cfg: (i: number) => number, addr: (i: number) => number): void {
    this.regions = [];
    this.active = false;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const c = cfg(i);
      const a = (c >>> Cfg.A_SHIFT) & 3;
      const word = addr(i) >>> 0;
      let lo = 0;
      let hi = 0;
      if (a === Match.Tor) {
        lo = i === 0 ? 0 : (addr(i - 1) >>> 0) * 4;
        hi = word * 4;
      } else if (a === Match.Na4) {
        lo = word * 4;
        hi = lo + 4;
      } else if (a === Match.Napot) {
        let ones = 0;
        while (ones < 32 && ((word >>> ones) & 1) === 1) ones++;
        const size = 2 ** (ones + 3);
        lo = Math.floor((word * 4) / size) * size;
        hi = lo + size;
      }
      if (a !== Match.Off) this.active = true;
      this.regions.push(a === Match.Off || hi <= lo ? undefined : { lo, hi, perms: c & 7, locked: (c & Cfg.L) !== 0 });
    }
  }

  /** Whether an access of `size` bytes at physical address `pa` is allowed at privilege `priv` (3 = M). */
  allows(pa: number, size: number, access: PmpAccess, priv: number): boolean {
    for (const r of this.regions) {
      if (r === undefined || pa + size <= r.lo || pa >= r.hi) continue;
      if (pa < r.lo || pa + size > r.hi) return false; // matches only part of the access
      if (priv === 3 && !r.locked) return true;
      return (r.perms & access) === access;
    }
    return priv === 3;
  }

  /**
   * The accesses allowed for every byte of the 4 KiB page at `page` (a PmpAccess
   * mask), or -1 when bytes of the page are treated differently (then nothing
   * about the page may be cached).
   */
  pageGrant(page: number, priv: number): number {
    return this.rangeGrant(page, page + 4096, priv);
  }

  /**
   * Whether `access` to every byte of [lo, hi) is allowed at `priv`. In
   * M-mode only locked entries restrict, so it is enough that no locked entry
   * without that permission overlaps the range, whatever the priorities;
   * below M the range must fall in one entry that allows it.
   */
  allowsAll(lo: number, hi: number, access: PmpAccess, priv: number): boolean {
    if (priv === 3) return !this.regions.some((r) => r !== undefined && r.locked && (r.perms & access) === 0 && lo < r.hi && r.lo < hi);
    const grant = this.rangeGrant(lo, hi, priv);
    return grant >= 0 && (grant & access) === access;
  }

  /** The accesses allowed for every byte of [lo, hi) (a PmpAccess mask), or -1 when its bytes are treated differently. */
  private rangeGrant(lo: number, hi: number, priv: number): number {
    for (const r of this.regions) {
      if (r === undefined || hi <= r.lo || lo >= r.hi) continue;
      if (lo < r.lo || hi > r.hi) return -1;
      return priv === 3 && !r.locked ? 7 : r.perms;
    }
    return priv === 3 ? 7 : 0;
  }
}

/** Legalizes a configuration byte: reserved bits 6:5 read zero, and W without R is reserved (cleared). */
export function legalPmpCfg(c: number): number {
  c &= 0x9f;
  if ((c & Cfg.R) === 0) c &= ~Cfg.W;
  return c;
}

/** Whether entry i's configuration and address register are locked. */
export function pmpLocked(i: number, cfg: (i: number) => number): boolean {
  if ((cfg(i) & Cfg.L) !== 0) return true;
  // A locked TOR entry also locks the address register below it.
  if (i + 1 < PMP_ENTRIES) {
    const next = cfg(i + 1);
    return (next & Cfg.L) !== 0 && ((next >>> Cfg.A_SHIFT) & 3) === Match.Tor;
  }
  return false;
}
