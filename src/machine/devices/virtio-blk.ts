/**
 * virtio-blk (virtio 1.1, section 5.2) over a disk image that is never
 * written: the guest's writes go to a copy-on-write overlay of 512-byte
 * sectors in memory, which is part of the device's saved state. So neither
 * `run` nor `record` changes the user's image, and a checkpoint restores the
 * disk exactly as the guest left it.
 */
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, type StateRecord } from '../device.js';
import type { DmaMemory, VirtioBackend, VirtioBuffer } from './virtio-mmio.js';

export const SECTOR_SIZE = 512;

/** Request types (virtio 1.1, 5.2.6). */
const enum RequestType {
  In = 0,
  Out = 1,
  Flush = 4,
  GetId = 8,
}

/** Request status (virtio 1.1, 5.2.6). */
const enum RequestStatus {
  Ok = 0,
  IoError = 1,
  Unsupported = 2,
}

/** Feature bits (virtio 1.1, 5.2.3). */
const F_SEG_MAX = 1 << 2;
const F_FLUSH = 1 << 9;
/** Buffers per request the driver may use (config seg_max). */
const SEG_MAX = 126;
const HEADER_SIZE = 16;
/** GET_ID answers a 20-byte serial number. */
const ID_BYTES = 20;

export class VirtioBlock implements VirtioBackend {
  readonly name = 'virtio-blk';
  readonly deviceId = 2;
  readonly features = [F_SEG_MAX | F_FLUSH, 0] as const;
  readonly queueCount = 1;
  readonly configSize = 0x10;
  /** Sectors the guest wrote, by sector number. */
  private overlay = new Map<number, Uint8Array>();
  readonly sectors: number;

  /** `image` is the disk as given (only read); `serial` answers GET_ID. */
  constructor(private readonly image: Uint8Array, private readonly serial = 'retrovisor-disk') {
    this.sectors = Math.floor(image.length / SECTOR_SIZE);
  }

  readConfig(offset: number, size: AccessSize): number {
    // capacity (u64 sectors) at 0, size_max (u32) at 8 (0: no limit), seg_max (u32) at 12.
    const config = new Uint8Array(this.configSize);
    const view = new DataView(config.buffer);
    view.setUint32(0, this.sectors % 0x100000000, true);
    view.setUint32(4, Math.floor(this.sectors / 0x100000000), true);
    view.setUint32(12, SEG_MAX, true);
    return size === 1 ? view.getUint8(offset) : size === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
  }

  serve(_queue: number, chain: readonly VirtioBuffer[], memory: DmaMemory): number {
    const head = chain[0];
    const tail = chain[chain.length - 1];
    // A request is a readable header, data buffers, and one writable status byte (virtio 1.1, 5.2.6).
    if (chain.length < 2 || head === undefined || tail === undefined || head.writable || head.length < HEADER_SIZE || !tail.writable || tail.length < 1) return 0;
    const header = memory.read(head.address, HEADER_SIZE);
    if (header === undefined) return 0;
    const view = new DataView(header.buffer, header.byteOffset, HEADER_SIZE);
    const type = view.getUint32(0, true);
    const sector = view.getUint32(8, true) + view.getUint32(12, true) * 0x100000000;
    const data = chain.slice(1, -1);
    let written = 0;
    let status: RequestStatus;
    switch (type) {
      case RequestType.In: {
        status = RequestStatus.Ok;
        let s = sector;
        for (const b of data) {
          if (!b.writable || b.length % SECTOR_SIZE !== 0 || s + b.length / SECTOR_SIZE > this.sectors) { status = RequestStatus.IoError; break; }
          const bytes = this.readSectors(s, b.length / SECTOR_SIZE);
          if (!memory.write(b.address, bytes)) { status = RequestStatus.IoError; break; }
          written += b.length;
          s += b.length / SECTOR_SIZE;
        }
        break;
      }
      case RequestType.Out: {
        status = RequestStatus.Ok;
        let s = sector;
        for (const b of data) {
          if (b.writable || b.length % SECTOR_SIZE !== 0 || s + b.length / SECTOR_SIZE > this.sectors) { status = RequestStatus.IoError; break; }
          const bytes = memory.read(b.address, b.length);
          if (bytes === undefined) { status = RequestStatus.IoError; break; }
          for (let i = 0; i < b.length / SECTOR_SIZE; i++) this.overlay.set(s + i, bytes.slice(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
          s += b.length / SECTOR_SIZE;
        }
        break;
      }
      case RequestType.Flush:
        // Writes are complete when they are served: there is nothing to flush.
        status = RequestStatus.Ok;
        break;
      case RequestType.GetId: {
        const b = data[0];
        const id = new Uint8Array(ID_BYTES);
        id.set(new TextEncoder().encode(this.serial).subarray(0, ID_BYTES));
        if (b === undefined || !b.writable || !memory.write(b.address, id.subarray(0, Math.min(ID_BYTES, b.length)))) {
          status = RequestStatus.IoError;
        } else {
          status = RequestStatus.Ok;
          written += Math.min(ID_BYTES, b.length);
        }
        break;
      }
      default:
        status = RequestStatus.Unsupported;
    }
    if (!memory.write(tail.address, Uint8Array.of(status))) return written;
    return written + 1;
  }

  /** `count` sectors from `first`: the guest's own writes where it made them, else the image. */
  readSectors(first: number, count: number): Uint8Array {
    const out = new Uint8Array(count * SECTOR_SIZE);
    out.set(this.image.subarray(first * SECTOR_SIZE, (first + count) * SECTOR_SIZE));
    if (this.overlay.size > 0) {
      for (let i = 0; i < count; i++) {
        const w = this.overlay.get(first + i);
        if (w !== undefined) out.set(w, i * SECTOR_SIZE);
      }
    }
    return out;
  }

  reset(): void {
    // A device reset does not forget what was written to the disk.
  }

  saveState(): StateRecord {
    // The overlay as sector numbers (u32 LE each) and their contents, in sector order.
    const numbers = [...this.overlay.keys()].sort((a, b) => a - b);
    const index = new Uint8Array(numbers.length * 4);
    const contents = new Uint8Array(numbers.length * SECTOR_SIZE);
    const view = new DataView(index.buffer);
    numbers.forEach((n, i) => {
      view.setUint32(i * 4, n, true);
      contents.set(this.overlay.get(n)!, i * SECTOR_SIZE);
    });
    return { version: 1, writtenSectors: index, writtenContents: contents };
  }

  loadState(state: StateRecord): void {
    const index = field<Uint8Array>(state, 'writtenSectors', 'bytes');
    const contents = field<Uint8Array>(state, 'writtenContents', 'bytes');
    if (index.length % 4 !== 0 || contents.length !== (index.length / 4) * SECTOR_SIZE) throw new TypeError('saved virtio-blk overlay is malformed');
    const view = new DataView(index.buffer, index.byteOffset, index.length);
    this.overlay = new Map();
    for (let i = 0; i < index.length / 4; i++) this.overlay.set(view.getUint32(i * 4, true), contents.slice(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
  }
}
