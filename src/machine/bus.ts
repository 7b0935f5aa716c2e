/**
 * The physical address space: RAM, read-only memory, and devices, one bus for
 * all. Unmapped addresses raise BusError, which the hart turns into an access
 * fault. Implements the hart's PhysicalMemory interface.
 */
import { BusError, type AccessSize, type PhysicalMemory } from '../memory/physical-memory.js';
import type { Ram } from '../memory/ram.js';
import type { Device } from './device.js';

export interface Mapping {
  readonly base: number;
  readonly size: number;
  readonly device: Device;
}

/** One guest access to a device, as seen by observers (traces, the timeline's MMIO events). */
export interface MmioAccess {
  readonly device: Device;
  readonly address: number;
  readonly size: AccessSize;
  readonly value: number;
  readonly write: boolean;
}

export class Bus implements PhysicalMemory {
  private readonly mappings: Mapping[] = [];
  private readonly roms: { base: number; bytes: Uint8Array }[] = [];
  /** Called after every device access by the guest (not for peeks). */
  mmioObserver: ((access: MmioAccess) => void) | undefined;
  /** Called after a device wrote guest RAM (DMA, semihosting), so the hart can drop an LR reservation. */
  dmaObserver: ((paddr: number, length: number) => void) | undefined;

  constructor(readonly ram: Ram) {}

  /** Maps a device at `base` (its window must not overlap anything else). */
  map(base: number, device: Device): void {
    this.checkFree(base, device.size, device.name);
    this.mappings.push({ base, size: device.size, device });
    this.mappings.sort((a, b) => a.base - b.base);
  }

  /** Maps read-only memory (page aligned, a multiple of 4 KiB) that the hart may execute from; replaces a ROM at the same base. */
  mapRom(base: number, bytes: Uint8Array): void {
    if (base % 4096 !== 0 || bytes.length % 4096 !== 0) throw new RangeError('ROM must be page aligned');
    const i = this.roms.findIndex((r) => r.base === base);
    if (i >= 0) this.roms.splice(i, 1);
    this.checkFree(base, bytes.length, 'rom');
    this.roms.push({ base, bytes });
  }

  private checkFree(base: number, size: number, name: string): void {
    const overlaps = (b: number, s: number) => base < b + s && b < base + size;
    if (overlaps(this.ram.base, this.ram.size) || this.mappings.some((m) => overlaps(m.base, m.size)) ||
      this.roms.some((r) => overlaps(r.base, r.bytes.length))) {
      throw new RangeError(`${name} at 0x${base.toString(16)} overlaps another mapping`);
    }
  }

  /** The mapping containing `paddr`, if any. */
  find(paddr: number): Mapping | undefined {
    for (const m of this.mappings) if (paddr >= m.base && paddr < m.base + m.size) return m;
    return undefined;
  }

  /** The read-only memory windows (base and size), in mapping order. */
  romWindows(): { base: number; size: number }[] {
    return this.roms.map((r) => ({ base: r.base, size: r.bytes.length }));
  }

  /** The devices on the bus, in address order. */
  devices(): readonly Mapping[] {
    return this.mappings;
  }

  load(paddr: number, size: AccessSize): number {
    const m = this.find(paddr);
    if (m !== undefined && paddr + size <= m.base + m.size) {
      const value = m.device.read(paddr - m.base, size) >>> 0;
      this.mmioObserver?.({ device: m.device, address: paddr, size, value, write: false });
      return value;
    }
    const rom = this.romAt(paddr, size);
    if (rom !== undefined) return readLe(rom.bytes, paddr - rom.base, size);
    throw new BusError(paddr);
  }

  store(paddr: number, size: AccessSize, value: number): void {
    const m = this.find(paddr);
    if (m === undefined || paddr + size > m.base + m.size) throw new BusError(paddr);
    m.device.write(paddr - m.base, size, value);
    this.mmioObserver?.({ device: m.device, address: paddr, size, value: value >>> 0, write: true });
  }

  mapped(paddr: number, size: AccessSize): boolean {
    const m = this.find(paddr);
    return (m !== undefined && paddr + size <= m.base + m.size) || this.romAt(paddr, size) !== undefined;
  }

  romPage(paddr: number): Uint8Array | undefined {
    const rom = this.romAt(paddr, 4096);
    return rom === undefined ? undefined : rom.bytes.subarray(paddr - rom.base, paddr - rom.base + 4096);
  }

  private romAt(paddr: number, size: number): { base: number; bytes: Uint8Array } | undefined {
    return this.roms.find((r) => paddr >= r.base && paddr + size <= r.base + r.bytes.length);
  }

  peek(paddr: number, size: AccessSize): number | undefined {
    if (this.ram.contains(paddr, size)) return readLe(this.ram.bytes, paddr - this.ram.base, size);
    const rom = this.romAt(paddr, size);
    if (rom !== undefined) return readLe(rom.bytes, paddr - rom.base, size);
    const m = this.find(paddr);
    if (m !== undefined && paddr + size <= m.base + m.size) return m.device.peek(paddr - m.base, size);
    return undefined;
  }

  /**
   * Reads `length` bytes for a debugger, without side effects: RAM, ROM, or
   * one device's registers (each byte as a guest byte load would see it,
   * through the device's peek). Undefined where unmapped, across regions, or
   * where a device cannot tell without a side effect.
   */
  peekBytes(paddr: number, length: number): Uint8Array | undefined {
    if (this.ram.contains(paddr, length)) return this.ram.read(paddr, length);
    const rom = this.romAt(paddr, length);
    if (rom !== undefined) return rom.bytes.slice(paddr - rom.base, paddr - rom.base + length);
    const m = this.find(paddr);
    if (m === undefined || paddr + length > m.base + m.size) return undefined;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const b = m.device.peek(paddr + i - m.base, 1);
      if (b === undefined) return undefined;
      out[i] = b & 0xff;
    }
    return out;
  }

  /** A device writes guest RAM (semihosting READ, DMA): dirty/code bookkeeping and reservations included. */
  writeRam(paddr: number, data: Uint8Array): void {
    this.ram.write(paddr, data);
    this.dmaObserver?.(paddr, data.length);
  }
}

function readLe(bytes: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = (v << 8) | bytes[off + i]!;
  return v >>> 0;
}
