/**
 * virtio-rng, the entropy device (virtio 1.1, section 5.4): every buffer the
 * driver posts is filled with host entropy. The bytes come through the
 * host-input door (InputSource.Entropy), so they are a recorded input and a
 * replay gives the guest the same "random" bytes.
 */
import type { AccessSize } from '../../memory/physical-memory.js';
import type { StateRecord } from '../device.js';
import type { DmaMemory, VirtioBackend, VirtioBuffer } from './virtio-mmio.js';

/** Entropy is asked for in requests of at most this many bytes (the Entropy question is a u16 count). */
const MAX_REQUEST = 0xffff;

export class VirtioRng implements VirtioBackend {
  readonly name = 'virtio-rng';
  readonly deviceId = 4;
  readonly features = [0, 0] as const;
  readonly queueCount = 1;
  readonly configSize = 0;

  /** `entropy(n)` returns n bytes from the host-input door. */
  constructor(private readonly entropy: (count: number) => Uint8Array) {}

  readConfig(_offset: number, _size: AccessSize): number {
    return 0;
  }

  serve(_queue: number, chain: readonly VirtioBuffer[], memory: DmaMemory): number {
    let written = 0;
    for (const b of chain) {
      if (!b.writable || b.length === 0) continue;
      const n = Math.min(b.length, MAX_REQUEST);
      const bytes = this.entropy(n);
      if (bytes.length !== n) throw new Error(`entropy input must be ${n} bytes, got ${bytes.length}`);
      if (!memory.write(b.address, bytes)) break;
      written += n;
    }
    return written;
  }

  reset(): void {}

  saveState(): StateRecord {
    return { version: 1 };
  }

  loadState(): void {}
}
