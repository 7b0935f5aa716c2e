/**
 * The one device interface (after Spike's abstract_device_t and TinyEMU's
 * iomem): register reads and writes, a side-effect-free peek for debuggers,
 * and named, versioned state for checkpoints.
 */
import type { AccessSize } from '../memory/physical-memory.js';

/** A value in saved device state: named fields only, typed arrays as binary blobs. */
export type StateValue = number | boolean | string | Uint8Array | readonly number[] | StateRecord;
export interface StateRecord {
  readonly [field: string]: StateValue;
}

export interface Device {
  /** Short name used in traces, events and saved state ("uart0", "clint"). */
  readonly name: string;
  /** Size of the register window in bytes. */
  readonly size: number;
  /** A guest read of `size` bytes at `offset` into the window (may have side effects). */
  read(offset: number, size: AccessSize): number;
  /** A guest write. */
  write(offset: number, size: AccessSize, value: number): void;
  /** What a read would return, without side effects; undefined if that cannot be known. */
  peek(offset: number, size: AccessSize): number | undefined;
  /** The device's state, as named fields. */
  saveState(): StateRecord;
  /** Restores state saved by saveState. */
  loadState(state: StateRecord): void;
}

/** Reads a field of saved state with a type check (saved state comes from files). */
export function field<T extends StateValue>(state: StateRecord, name: string, kind: 'number' | 'boolean' | 'string' | 'bytes' | 'array' | 'record'): T {
  const v = state[name];
  const ok =
    kind === 'bytes' ? v instanceof Uint8Array
    : kind === 'array' ? Array.isArray(v)
    : kind === 'record' ? typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v)
    : typeof v === kind;
  if (!ok) throw new TypeError(`saved state field "${name}" is missing or not a ${kind}`);
  return v as T;
}

/** Extracts `size` bytes at byte `offset` of a 32-bit register value (sub-word register access). */
export function subword(reg: number, offset: number, size: AccessSize): number {
  const shift = (offset & 3) * 8;
  const v = reg >>> shift;
  return size === 4 ? v >>> 0 : v & (size === 2 ? 0xffff : 0xff);
}

/** Merges a sub-word write into a 32-bit register value. */
export function mergeSubword(reg: number, offset: number, size: AccessSize, value: number): number {
  if (size === 4) return value >>> 0;
  const shift = (offset & 3) * 8;
  const mask = (size === 2 ? 0xffff : 0xff) << shift;
  return ((reg & ~mask) | ((value << shift) & mask)) >>> 0;
}
