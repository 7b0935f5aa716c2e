/**
 * virtio-mmio version 2 (virtio 1.1, 4.2.2) with virtio-blk and virtio-rng,
 * driven as a driver would: registers, feature negotiation, split
 * virtqueues laid out in a fake guest RAM (virtio 1.1, 2.6).
 */
import { describe, expect, it } from 'vitest';
import { VirtioBlock } from '../src/machine/devices/virtio-blk.js';
import { VirtioMmio, type DmaMemory } from '../src/machine/devices/virtio-mmio.js';
import { VirtioRng } from '../src/machine/devices/virtio-rng.js';

const RAM_BASE = 0x80000000;
const DESC = RAM_BASE + 0x1000;
const AVAIL = RAM_BASE + 0x2000;
const USED = RAM_BASE + 0x3000;
const NUM = 8;

class FakeRam implements DmaMemory {
  readonly bytes = new Uint8Array(0x10000);
  readonly view = new DataView(this.bytes.buffer);
  read(paddr: number, length: number): Uint8Array | undefined {
    const off = paddr - RAM_BASE;
    return off < 0 || off + length > this.bytes.length ? undefined : this.bytes.slice(off, off + length);
  }
  write(paddr: number, data: Uint8Array): boolean {
    const off = paddr - RAM_BASE;
    if (off < 0 || off + data.length > this.bytes.length) return false;
    this.bytes.set(data, off);
    return true;
  }
  u16(paddr: number): number {
    return this.view.getUint16(paddr - RAM_BASE, true);
  }
  u32(paddr: number): number {
    return this.view.getUint32(paddr - RAM_BASE, true);
  }
}

/** A driver of one device: brings it up and submits descriptor chains. */
class Driver {
  readonly ram = new FakeRam();
  irq = false;
  readonly dev: VirtioMmio;
  private nextDesc = 0;
  private availIdx = 0;

  constructor(backend: ConstructorParameters<typeof VirtioMmio>[1]) {
    this.dev = new VirtioMmio(0, backend, this.ram, (level) => { this.irq = level; });
  }

  reg(offset: number): number {
    return this.dev.read(offset, 4);
  }

  set(offset: number, value: number): void {
    this.dev.write(offset, 4, value);
  }

  /** Reset, ACKNOWLEDGE | DRIVER, features (VERSION_1 plus `low`), FEATURES_OK, queue 0, DRIVER_OK. */
  up(low = 0): void {
    this.set(0x070, 0);
    this.set(0x070, 1 | 2);
    this.set(0x024, 0);
    this.set(0x020, low);
    this.set(0x024, 1);
    this.set(0x020, 1);
    this.set(0x070, 1 | 2 | 8);
    expect(this.reg(0x070) & 8).toBe(8);
    this.set(0x030, 0);
    expect(this.reg(0x034)).toBeGreaterThanOrEqual(NUM);
    this.set(0x038, NUM);
    this.set(0x080, DESC);
    this.set(0x090, AVAIL);
    this.set(0x0a0, USED);
    this.set(0x044, 1);
    this.set(0x070, 1 | 2 | 8 | 4);
  }

  /** Places a chain of (address, length, writable) buffers, makes it available and notifies queue 0. */
  submit(buffers: readonly (readonly [number, number, boolean])[]): number {
    const head = this.nextDesc;
    buffers.forEach(([addr, len, writable], i) => {
      const d = DESC + 16 * ((head + i) % NUM) - RAM_BASE;
      const v = this.ram.view;
      v.setUint32(d, addr, true);
      v.setUint32(d + 4, 0, true);
      v.setUint32(d + 8, len, true);
      v.setUint16(d + 12, (i + 1 < buffers.length ? 1 : 0) | (writable ? 2 : 0), true);
      v.setUint16(d + 14, (head + i + 1) % NUM, true);
    });
    this.nextDesc = (head + buffers.length) % NUM;
    this.ram.view.setUint16(AVAIL + 4 + 2 * (this.availIdx % NUM) - RAM_BASE, head, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ram.view.setUint16(AVAIL + 2 - RAM_BASE, this.availIdx, true);
    this.set(0x050, 0);
    return head;
  }

  /** The used ring's idx and its last element (id, len). */
  used(): { idx: number; id: number; len: number } {
    const idx = this.ram.u16(USED + 2);
    const e = USED + 4 + 8 * ((idx - 1) % NUM);
    return { idx, id: this.ram.u32(e), len: this.ram.u32(e + 4) };
  }
}

const disk = () => {
  const d = new Uint8Array(16 * 512);
  for (let i = 0; i < d.length; i++) d[i] = (i * 7 + (i >> 9)) & 0xff;
  return d;
};

/** A block request: header (type, sector), data buffers, status byte. */
function blockRequest(drv: Driver, type: number, sector: number, data: readonly (readonly [number, number, boolean])[]): number {
  const header = RAM_BASE + 0x4000;
  const status = RAM_BASE + 0x4100;
  drv.ram.view.setUint32(header - RAM_BASE, type, true);
  drv.ram.view.setUint32(header + 8 - RAM_BASE, sector, true);
  drv.ram.bytes[status - RAM_BASE] = 0xff;
  drv.submit([[header, 16, false], ...data, [status, 1, true]]);
  return drv.ram.bytes[status - RAM_BASE]!;
}

describe('the virtio-mmio transport', () => {
  it('identifies itself as version 2 with the device ID, and offers VIRTIO_F_VERSION_1', () => {
    const drv = new Driver(new VirtioBlock(disk()));
    expect(drv.reg(0x000)).toBe(0x74726976);
    expect(drv.reg(0x004)).toBe(2);
    expect(drv.reg(0x008)).toBe(2);
    drv.set(0x014, 1);
    expect(drv.reg(0x010) & 1).toBe(1);
    expect(new Driver(new VirtioRng(() => new Uint8Array(0))).reg(0x008)).toBe(4);
    const empty = new Driver(undefined);
    expect(empty.reg(0x000)).toBe(0x74726976);
    expect(empty.reg(0x008)).toBe(0);
  });

  it('refuses FEATURES_OK for features it does not offer, or without VERSION_1', () => {
    const drv = new Driver(new VirtioBlock(disk()));
    drv.set(0x070, 3);
    drv.set(0x024, 0);
    drv.set(0x020, 1 << 20);
    drv.set(0x024, 1);
    drv.set(0x020, 1);
    drv.set(0x070, 3 | 8);
    expect(drv.reg(0x070) & 8).toBe(0);
    drv.set(0x070, 0);
    drv.set(0x070, 3);
    drv.set(0x070, 3 | 8);
    expect(drv.reg(0x070) & 8).toBe(0);
  });

  it('reports a malformed descriptor chain by setting DEVICE_NEEDS_RESET', () => {
    const drv = new Driver(new VirtioRng((n) => new Uint8Array(n)));
    drv.up();
    // A chain whose descriptors point at each other forever.
    const v = drv.ram.view;
    v.setUint16(DESC + 12 - RAM_BASE, 1, true);
    v.setUint16(DESC + 14 - RAM_BASE, 0, true);
    v.setUint16(AVAIL + 2 - RAM_BASE, 1, true);
    drv.set(0x050, 0);
    expect(drv.reg(0x070) & 64).toBe(64);
    expect(drv.ram.u16(USED + 2)).toBe(0);
  });
});

describe('virtio-blk', () => {
  it('reads sectors into the guest, completes in the used ring and raises its interrupt', () => {
    const image = disk();
    const drv = new Driver(new VirtioBlock(image));
    drv.up();
    expect(drv.dev.read(0x100, 4)).toBe(16); // capacity in sectors
    const buf = RAM_BASE + 0x5000;
    expect(blockRequest(drv, 0, 3, [[buf, 1024, true]])).toBe(0);
    expect(drv.ram.read(buf, 1024)).toEqual(image.subarray(3 * 512, 5 * 512));
    expect(drv.used()).toEqual({ idx: 1, id: 0, len: 1025 });
    expect(drv.irq).toBe(true);
    expect(drv.reg(0x060)).toBe(1);
    drv.set(0x064, 1);
    expect(drv.irq).toBe(false);
  });

  it('keeps the guest\'s writes in its overlay: the image is never modified, the overlay is saved state', () => {
    const image = disk();
    const original = image.slice();
    const blk = new VirtioBlock(image);
    const drv = new Driver(blk);
    drv.up();
    const buf = RAM_BASE + 0x5000;
    drv.ram.bytes.fill(0xab, buf - RAM_BASE, buf - RAM_BASE + 512);
    expect(blockRequest(drv, 1, 2, [[buf, 512, false]])).toBe(0);
    expect(image).toEqual(original);
    expect(blk.readSectors(2, 1)).toEqual(new Uint8Array(512).fill(0xab));
    expect(blk.readSectors(1, 1)).toEqual(original.subarray(512, 1024));
    // Read back through the device.
    drv.ram.bytes.fill(0, buf - RAM_BASE, buf - RAM_BASE + 1024);
    expect(blockRequest(drv, 0, 1, [[buf, 1024, true]])).toBe(0);
    expect(drv.ram.read(buf + 512, 512)).toEqual(new Uint8Array(512).fill(0xab));
    // The overlay travels with the saved state, and a device reset keeps it.
    const saved = drv.dev.saveState();
    const other = new Driver(new VirtioBlock(image));
    other.dev.loadState(saved);
    expect(other.dev.saveState()).toEqual(saved);
    expect((other.dev.backend as VirtioBlock).readSectors(2, 1)).toEqual(new Uint8Array(512).fill(0xab));
    drv.set(0x070, 0);
    expect(blk.readSectors(2, 1)).toEqual(new Uint8Array(512).fill(0xab));
  });

  it('answers out-of-range sectors with IOERR, unknown requests with UNSUPP, and GET_ID with its serial', () => {
    const drv = new Driver(new VirtioBlock(disk()));
    drv.up(1 << 9);
    const buf = RAM_BASE + 0x5000;
    expect(blockRequest(drv, 0, 16, [[buf, 512, true]])).toBe(1);
    expect(blockRequest(drv, 0, 15, [[buf, 1024, true]])).toBe(1);
    expect(blockRequest(drv, 99, 0, [])).toBe(2);
    expect(blockRequest(drv, 4, 0, [])).toBe(0);
    expect(blockRequest(drv, 8, 0, [[buf, 20, true]])).toBe(0);
    expect(new TextDecoder().decode(drv.ram.read(buf, 15))).toBe('retrovisor-disk');
  });
});

describe('virtio-rng', () => {
  it('fills each buffer with exactly as many entropy bytes as it holds', () => {
    const asked: number[] = [];
    const drv = new Driver(new VirtioRng((n) => {
      asked.push(n);
      return Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);
    }));
    drv.up();
    const buf = RAM_BASE + 0x6000;
    drv.submit([[buf, 64, true]]);
    expect(asked).toEqual([64]);
    expect(drv.ram.read(buf, 64)).toEqual(Uint8Array.from({ length: 64 }, (_, i) => (i * 13 + 5) & 0xff));
    expect(drv.used()).toEqual({ idx: 1, id: 0, len: 64 });
    expect(drv.irq).toBe(true);
  });
});
