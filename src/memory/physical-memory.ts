/**
 * What the hart sees of the physical address space. The hart knows nothing
 * about devices: it accesses RAM directly and everything else through these
 * calls, which the machine's bus implements.
 */
import type { Ram } from './ram.js';

/** Raised by a PhysicalMemory when an address has nothing behind it; the hart turns it into an access fault. */
export class BusError extends Error {
  constructor(readonly address: number) {
    super(`bus error at 0x${(address >>> 0).toString(16).padStart(8, '0')}`);
  }
}

export type AccessSize = 1 | 2 | 4;

export interface PhysicalMemory {
  /** Main memory; the hart reads and writes it directly. */
  readonly ram: Ram;
  /** Loads `size` bytes (zero-extended, little-endian) at a non-RAM physical address. Throws BusError. */
  load(paddr: number, size: AccessSize): number;
  /** Stores the low `size` bytes of `value` at a non-RAM physical address. Throws BusError. */
  store(paddr: number, size: AccessSize, value: number): void;
  /**
   * Read-only memory the hart may execute from outside RAM (a boot ROM): the
   * bytes of the 4 KiB page at `paddr` (page aligned), or undefined.
   */
  romPage(paddr: number): Uint8Array | undefined;
  /** Reads without side effects (for debuggers); undefined where nothing is mapped or a read would have effects. */
  peek(paddr: number, size: AccessSize): number | undefined;
  /** Whether a device (or ROM) answers `size` bytes at `paddr` (RAM excluded: the hart checks that itself). */
  mapped(paddr: number, size: AccessSize): boolean;
}
