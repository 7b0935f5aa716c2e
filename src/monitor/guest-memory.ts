/**
 * Guest virtual memory as the monitor sees it when serving a hypercall:
 * addresses are translated like the guest's own data accesses, but without
 * side effects (no A/D updates, no TLB fills, no device reads). Writes go
 * through the bus so dirty tracking, code invalidation, reservations and
 * watchpoints all see them.
 */
import type { Hart } from '../hart/hart.js';
import type { Bus } from '../machine/bus.js';

/** The guest passed a pointer the monitor cannot use. */
export class GuestFault extends Error {
  constructor(readonly address: number) {
    super(`guest address 0x${(address >>> 0).toString(16)} is not mapped to RAM`);
  }
}

export class GuestMemory {
  constructor(private readonly hart: Hart, private readonly bus: Bus) {}

  private physical(va: number, length: number): number {
    const pa = this.hart.translateForDebugger(va);
    if (pa === undefined || !this.bus.ram.contains(pa, length)) throw new GuestFault(va);
    return pa;
  }

  /** Reads `length` bytes at virtual address `va`, page by page. */
  read(va: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = (va + done) >>> 0;
      const chunk = Math.min(length - done, 4096 - (addr & 0xfff));
      out.set(this.bus.ram.read(this.physical(addr, chunk), chunk), done);
      done += chunk;
    }
    return out;
  }

  /** Writes bytes at virtual address `va`; checks every page before writing any. */
  write(va: number, data: Uint8Array): void {
    const pieces: [number, number, number][] = [];
    let done = 0;
    while (done < data.length) {
      const addr = (va + done) >>> 0;
      const chunk = Math.min(data.length - done, 4096 - (addr & 0xfff));
      pieces.push([this.physical(addr, chunk), done, chunk]);
      done += chunk;
    }
    for (const [pa, off, len] of pieces) this.bus.writeRam(pa, data.subarray(off, off + len));
  }

  readU32(va: number): number {
    const b = this.read(va, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  writeU32(va: number, value: number): void {
    this.write(va, new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]));
  }

  /** Reads a NUL-terminated string of at most `max` bytes. */
  readCString(va: number, max = 4096): Uint8Array {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read((va + i) >>> 0, 1)[0]!;
      if (b === 0) break;
      bytes.push(b);
    }
    return Uint8Array.from(bytes);
  }
}
