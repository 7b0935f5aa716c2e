/**
 * The virtio-mmio transport, version 2 (virtio 1.1, section 4.2.2), as QEMU
 * virt places it: eight 4 KiB slots from 0x1000_1000, each on its own PLIC
 * source. A slot holds one device (a `VirtioBackend`: block, entropy) or
 * none (device ID 0, which drivers skip).
 *
 * Queues are split virtqueues (virtio 1.1, section 2.6). A driver's notify
 * is served at once, inside the MMIO write: every available buffer is
 * processed, placed in the used ring, and the interrupt raised, so a request
 * completes at a deterministic instruction. Descriptors are read from and
 * written to guest RAM through `DmaMemory`, which does the dirty-page and
 * reservation bookkeeping. Indirect descriptors and event suppression are
 * not offered.
 */
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, type Device, type StateRecord } from '../device.js';

/** Guest RAM as a device sees it (DMA). Reads and writes outside RAM fail. */
export interface DmaMemory {
  /** A copy of `length` bytes at `paddr`, or undefined if that is not all RAM. */
  read(paddr: number, length: number): Uint8Array | undefined;
  /** Writes `bytes` at `paddr`; false (and nothing written) if that is not all RAM. */
  write(paddr: number, bytes: Uint8Array): boolean;
}

/** One buffer of a descriptor chain: device-readable, or device-writable. */
export interface VirtioBuffer {
  readonly address: number;
  readonly length: number;
  readonly writable: boolean;
}

/** A virtio device behind the transport. */
export interface VirtioBackend {
  /** Short name for traces and saved state ("virtio-blk"). */
  readonly name: string;
  /** Virtio device ID (virtio 1.1, section 5: 2 = block, 4 = entropy). */
  readonly deviceId: number;
  /** Device feature bits 0-63 as [low word, high word] (VIRTIO_F_VERSION_1 is added by the transport). */
  readonly features: readonly [number, number];
  /** How many virtqueues the device has. */
  readonly queueCount: number;
  /** Bytes of device configuration space. */
  readonly configSize: number;
  /** Reads the configuration space (little-endian). */
  readConfig(offset: number, size: AccessSize): number;
  /**
   * Serves one descriptor chain of queue `queue`: reads the readable buffers,
   * fills the writable ones, and returns how many bytes it wrote.
   */
  serve(queue: number, chain: readonly VirtioBuffer[], memory: DmaMemory): number;
  /** The device returns to its initial state (the driver wrote 0 to Status). */
  reset(): void;
  saveState(): StateRecord;
  loadState(state: StateRecord): void;
}

/** Register offsets (virtio 1.1, table 4.1 "MMIO Device Register Layout"). */
const enum Reg {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceId = 0x008,
  VendorId = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptAck = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  ConfigGeneration = 0x0fc,
  Config = 0x100,
}

/** "virt" */
const MAGIC = 0x74726976;
const VERSION = 2;
/** Vendor ID: "RVis" (Retrovisor); drivers do not look at it. */
const VENDOR_ID = 0x52566973;
/** VIRTIO_F_VERSION_1 (bit 32): required of a version 2 transport. */
const F_VERSION_1_HIGH = 1 << 0;
/** The largest queue a driver may configure. */
export const QUEUE_NUM_MAX = 128;

/** Device status bits (virtio 1.1, section 2.1). */
const enum Status {
  FeaturesOk = 8,
  DeviceNeedsReset = 64,
}

/** Interrupt status bits (virtio 1.1, section 4.2.2). */
const enum Interrupt {
  UsedBuffer = 1,
}

const enum DescFlag {
  Next = 1,
  Write = 2,
  Indirect = 4,
}

const DESC_SIZE = 16;

interface Queue {
  num: number;
  ready: boolean;
  desc: number;
  driver: number;
  device: number;
  /** The next available-ring entry to serve. */
  lastAvail: number;
  /** The used ring's idx as the device last wrote it. */
  usedIdx: number;
}

function emptyQueue(): Queue {
  return { num: 0, ready: false, desc: 0, driver: 0, device: 0, lastAvail: 0, usedIdx: 0 };
}

export class VirtioMmio implements Device {
  readonly size = 0x1000;
  readonly name: string;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private readonly driverFeatures = [0, 0];
  private queueSel = 0;
  private interruptStatus = 0;
  private queues: Queue[];

  /** `slot` names the device in traces; `backend` undefined is an empty slot. */
  constructor(
    slot: number,
    readonly backend: VirtioBackend | undefined,
    private readonly memory: DmaMemory,
    private readonly setIrq: (level: boolean) => void,
  ) {
    this.name = backend === undefined ? `virtio${slot}` : `${backend.name}`;
    this.queues = Array.from({ length: backend?.queueCount ?? 0 }, emptyQueue);
  }

  private deviceFeatures(select: number): number {
    if (this.backend === undefined) return 0;
    if (select === 0) return this.backend.features[0] >>> 0;
    if (select === 1) return (this.backend.features[1] | F_VERSION_1_HIGH) >>> 0;
    return 0;
  }

  private get queue(): Queue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, size: AccessSize): number {
    return this.peek(offset, size);
  }

  peek(offset: number, size: AccessSize): number {
    if (offset >= Reg.Config) {
      const b = this.backend;
      if (b === undefined || offset - Reg.Config + size > b.configSize) return 0;
      return b.readConfig(offset - Reg.Config, size) >>> 0;
    }
    // The common registers are 32 bits wide; narrower reads see the low part (virtio 1.1, 4.2.2.2 asks for 32-bit accesses).
    const q = this.queue;
    let v: number;
    switch (offset & ~3) {
      case Reg.MagicValue: v = MAGIC; break;
      case Reg.Version: v = VERSION; break;
      case Reg.DeviceId: v = this.backend?.deviceId ?? 0; break;
      case Reg.VendorId: v = VENDOR_ID; break;
      case Reg.DeviceFeatures: v = this.deviceFeatures(this.deviceFeaturesSel); break;
      case Reg.QueueNumMax: v = q === undefined ? 0 : QUEUE_NUM_MAX; break;
      case Reg.QueueNum: v = q?.num ?? 0; break;
      case Reg.QueueReady: v = q?.ready === true ? 1 : 0; break;
      case Reg.InterruptStatus: v = this.interruptStatus; break;
      case Reg.Status: v = this.status; break;
      case Reg.QueueDescLow: v = q?.desc ?? 0; break;
      case Reg.QueueDriverLow: v = q?.driver ?? 0; break;
      case Reg.QueueDeviceLow: v = q?.device ?? 0; break;
      case Reg.ConfigGeneration: v = 0; break;
      default: v = 0;
    }
    const shift = (offset & 3) * 8;
    return size === 4 ? v >>> 0 : (v >>> shift) & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset >= Reg.Config || size !== 4 || this.backend === undefined) return; // config space is read-only here
    const q = this.queue;
    const v = value >>> 0;
    switch (offset) {
      case Reg.DeviceFeaturesSel: this.deviceFeaturesSel = v; break;
      case Reg.DriverFeaturesSel: this.driverFeaturesSel = v; break;
      case Reg.DriverFeatures: if (this.driverFeaturesSel < 2) this.driverFeatures[this.driverFeaturesSel] = v; break;
      case Reg.QueueSel: this.queueSel = v; break;
      case Reg.QueueNum: if (q !== undefined && !q.ready) q.num = v; break;
      case Reg.QueueReady: if (q !== undefined) q.ready = (v & 1) !== 0; break;
      case Reg.QueueDescLow: if (q !== undefined && !q.ready) q.desc = v; break;
      case Reg.QueueDriverLow: if (q !== undefined && !q.ready) q.driver = v; break;
      case Reg.QueueDeviceLow: if (q !== undefined && !q.ready) q.device = v; break;
      case Reg.QueueDescHigh: case Reg.QueueDriverHigh: case Reg.QueueDeviceHigh:
        // Physical addresses are 32 bits: a queue above 4 GiB cannot exist.
        if (v !== 0) this.fail();
        break;
      case Reg.QueueNotify: this.notify(v); break;
      case Reg.InterruptAck:
        this.interruptStatus &= ~v;
        this.setIrq(this.interruptStatus !== 0);
        break;
      case Reg.Status: this.writeStatus(v); break;
    }
  }

  private writeStatus(v: number): void {
    if (v === 0) {
      this.reset();
      return;
    }
    let next = v & 0xff;
    if ((next & Status.FeaturesOk) !== 0 && (this.status & Status.FeaturesOk) === 0) {
      // FEATURES_OK only sticks if the driver accepted nothing the device does not offer (virtio 1.1, 3.1.1).
      const accepted = (this.driverFeatures[0]! & ~this.deviceFeatures(0)) === 0 && (this.driverFeatures[1]! & ~this.deviceFeatures(1)) === 0 &&
        (this.driverFeatures[1]! & F_VERSION_1_HIGH) !== 0;
      if (!accepted) next &= ~Status.FeaturesOk;
    }
    this.status = next | (this.status & Status.DeviceNeedsReset);
  }

  private reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.driverFeatures[0] = 0;
    this.driverFeatures[1] = 0;
    this.queueSel = 0;
    this.interruptStatus = 0;
    this.queues = this.queues.map(emptyQueue);
    this.backend?.reset();
    this.setIrq(false);
  }

  /** The driver broke the protocol: the device needs a reset (virtio 1.1, 2.1.1). */
  private fail(): void {
    this.status |= Status.DeviceNeedsReset;
  }

  /** Serves every available buffer of queue `index` (virtio 1.1, 2.6.10 and 2.6.8). */
  private notify(index: number): void {
    const q = this.queues[index];
    if (q === undefined || !q.ready || q.num === 0 || q.num > QUEUE_NUM_MAX || (q.num & (q.num - 1)) !== 0) return;
    if ((this.status & Status.DeviceNeedsReset) !== 0) return;
    let served = 0;
    for (;;) {
      const availIdx = this.u16(q.driver + 2);
      if (availIdx === undefined) return this.fail();
      if (q.lastAvail === availIdx) break;
      const head = this.u16(q.driver + 4 + 2 * (q.lastAvail % q.num));
      if (head === undefined) return this.fail();
      const chain = this.chain(q, head);
      if (chain === undefined) return this.fail();
      const written = this.backend!.serve(index, chain, this.memory);
      const elem = new Uint8Array(8);
      const view = new DataView(elem.buffer);
      view.setUint32(0, head, true);
      view.setUint32(4, written, true);
      if (!this.memory.write(q.device + 4 + 8 * (q.usedIdx % q.num), elem)) return this.fail();
      q.usedIdx = (q.usedIdx + 1) & 0xffff;
      if (!this.memory.write(q.device + 2, Uint8Array.of(q.usedIdx & 0xff, q.usedIdx >>> 8))) return this.fail();
      q.lastAvail = (q.lastAvail + 1) & 0xffff;
      served++;
    }
    if (served > 0) {
      this.interruptStatus |= Interrupt.UsedBuffer;
      this.setIrq(true);
    }
  }

  /** The buffers of the descriptor chain starting at `head`; undefined if it is malformed. */
  private chain(q: Queue, head: number): VirtioBuffer[] | undefined {
    const out: VirtioBuffer[] = [];
    let i = head;
    for (let n = 0; n < q.num; n++) {
      if (i >= q.num) return undefined;
      const d = this.memory.read(q.desc + DESC_SIZE * i, DESC_SIZE);
      if (d === undefined) return undefined;
      const view = new DataView(d.buffer, d.byteOffset, DESC_SIZE);
      const addrHigh = view.getUint32(4, true);
      const flags = view.getUint16(12, true);
      if (addrHigh !== 0 || (flags & DescFlag.Indirect) !== 0) return undefined;
      out.push({ address: view.getUint32(0, true), length: view.getUint32(8, true), writable: (flags & DescFlag.Write) !== 0 });
      if ((flags & DescFlag.Next) === 0) return out;
      i = view.getUint16(14, true);
    }
    return undefined; // a loop
  }

  private u16(paddr: number): number | undefined {
    const b = this.memory.read(paddr, 2);
    return b === undefined ? undefined : b[0]! | (b[1]! << 8);
  }

  saveState(): StateRecord {
    const q = this.queues;
    return {
      version: 1,
      status: this.status,
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      driverFeatures: [...this.driverFeatures],
      queueSel: this.queueSel,
      interruptStatus: this.interruptStatus,
      queueNum: q.map((x) => x.num),
      queueReady: q.map((x) => (x.ready ? 1 : 0)),
      queueDesc: q.map((x) => x.desc),
      queueDriver: q.map((x) => x.driver),
      queueDevice: q.map((x) => x.device),
      queueLastAvail: q.map((x) => x.lastAvail),
      queueUsedIdx: q.map((x) => x.usedIdx),
      backend: this.backend?.saveState() ?? {},
    };
  }

  loadState(state: StateRecord): void {
    this.status = field<number>(state, 'status', 'number');
    this.deviceFeaturesSel = field<number>(state, 'deviceFeaturesSel', 'number');
    this.driverFeaturesSel = field<number>(state, 'driverFeaturesSel', 'number');
    const df = field<readonly number[]>(state, 'driverFeatures', 'array');
    this.driverFeatures[0] = df[0] ?? 0;
    this.driverFeatures[1] = df[1] ?? 0;
    this.queueSel = field<number>(state, 'queueSel', 'number');
    this.interruptStatus = field<number>(state, 'interruptStatus', 'number');
    const column = (name: string) => field<readonly number[]>(state, name, 'array');
    const num = column('queueNum');
    const ready = column('queueReady');
    const desc = column('queueDesc');
    const driver = column('queueDriver');
    const device = column('queueDevice');
    const lastAvail = column('queueLastAvail');
    const usedIdx = column('queueUsedIdx');
    if (num.length !== this.queues.length) throw new TypeError(`saved state of ${this.name} has ${num.length} queues, the device ${this.queues.length}`);
    this.queues = num.map((n, i) => ({
      num: n, ready: ready[i] === 1, desc: desc[i]!, driver: driver[i]!, device: device[i]!, lastAvail: lastAvail[i]!, usedIdx: usedIdx[i]!,
    }));
    this.backend?.loadState(field<StateRecord>(state, 'backend', 'record'));
    this.setIrq(this.interruptStatus !== 0);
  }
}
