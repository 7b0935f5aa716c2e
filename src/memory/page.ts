/** Page geometry and the per-page flags of guest RAM. */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export const enum PageFlag {
  /** Written since the dirty bits were last cleared. */
  Dirty = 1,
  /** Holds instructions that the hart has decoded and cached. */
  Code = 2,
  /** Covered by a watch (HTIF, debugger): every access takes the slow path. */
  Watched = 4,
}
