/** Constants shared by the Hart and its generated run loop. */

/** TLB geometry: direct-mapped, indexed by the low bits of the virtual page number. */
export const TLB_SIZE = 1024;
export const TLB_MASK = TLB_SIZE - 1;

/** Thrown (and caught inside `run`) to abandon an instruction that raised an exception. */
export const TRAP_SIGNAL: unique symbol = Symbol('trap');

/** Case number of the illegal-instruction handler in the generated loop. */
export const OP_ILLEGAL = 255;

/** Case number of a breakpoint patched into the decoded-instruction cache. */
export const OP_BREAKPOINT = 254;

/** A decoded page holds a (packed word, immediate) pair per 16-bit parcel of a 4 KiB page. */
export const DECODED_PAGE_WORDS = 4096;
