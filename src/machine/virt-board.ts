/**
 * The `virt` board, compatible with `qemu-system-riscv32 -M virt -bios none`:
 * one hart, RAM at 0x8000_0000, the boot ROM, CLINT, PLIC, a 16550A UART,
 * the SiFive test finisher and a Goldfish RTC, wired as QEMU wires them. A
 * board for a Linux kernel also has QEMU's eight virtio-mmio slots, with
 * virtio-blk (when there is a disk) and virtio-rng. The device tree is
 * generated from the same description.
 */
import { Hart } from '../hart/hart.js';
import type { Mip } from '../hart/csr-bits.js';
import { InputSource, type HostInput } from '../host/host-input.js';
import { Ram } from '../memory/ram.js';
import { Bus } from './bus.js';
import { TIMEBASE_HZ, VirtualClock } from './clock.js';
import { field, type StateRecord } from './device.js';
import { BOOT_ROM_BASE, BOOT_ROM_SIZE } from './devices/boot-rom.js';
import { Clint } from './devices/clint.js';
import { GoldfishRtc } from './devices/goldfish-rtc.js';
import { Plic, PLIC_SOURCES } from './devices/plic.js';
import { SifiveTest } from './devices/sifive-test.js';
import { Uart16550 } from './devices/uart16550.js';
import { VirtioBlock } from './devices/virtio-blk.js';
import { VirtioMmio, type DmaMemory } from './devices/virtio-mmio.js';
import { VirtioRng } from './devices/virtio-rng.js';
import { cells64, node, type DtNode } from './fdt.js';
import type { MachineContext } from './machine-context.js';
import { WallClock } from './wall-clock.js';

/** Physical memory map (QEMU hw/riscv/virt.c virt_memmap). */
export const VIRT_MAP = {
  test: 0x0010_0000,
  rtc: 0x0010_1000,
  clint: 0x0200_0000,
  plic: 0x0c00_0000,
  uart: 0x1000_0000,
  virtio: 0x1000_1000,
  ram: 0x8000_0000,
} as const;

/** QEMU virt's virtio-mmio slots: VIRTIO_COUNT windows of 4 KiB from VIRT_MAP.virtio, PLIC sources 1-8. */
export const VIRTIO_COUNT = 8;
export const VIRTIO_IRQ = 1;
/** Which slot holds which device on a kernel board. */
export const VIRTIO_BLOCK_SLOT = 0;
export const VIRTIO_RNG_SLOT = 1;
export const UART_IRQ = 10;
export const RTC_IRQ = 11;
export const DEFAULT_MEMORY = 128 * 1024 * 1024;
/** The most RAM the 32-bit map can hold above 0x8000_0000. */
export const MAX_MEMORY = 2 * 1024 * 1024 * 1024 - 4096;
/** ISA string advertised in the device tree. */
export const ISA_STRING = 'rv32imac_zicsr_zifencei';

/** How the guest powered off. */
export type PowerState = { readonly kind: 'on' } | { readonly kind: 'off'; readonly status: number } | { readonly kind: 'reboot' };

export interface BoardOptions {
  /** RAM size in bytes (multiple of 4 KiB). */
  readonly memory?: number;
  /** "virtual" (default): time follows the instruction count; "host": guest time reads follow the host clock. */
  readonly clock?: 'virtual' | 'host';
  /** The virtio-mmio slots (a board for a Linux kernel): virtio-rng, and virtio-blk over `drive` when given. */
  readonly virtio?: { readonly drive?: Uint8Array };
}

export class VirtBoard implements MachineContext {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly clock = new VirtualClock();
  readonly wallClock: WallClock;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly test: SifiveTest;
  readonly rtc: GoldfishRtc;
  /** The virtio-mmio slots in address order (none unless the board was built with `virtio`). */
  readonly virtio: readonly VirtioMmio[];
  power: PowerState = { kind: 'on' };
  /** Receives the guest's console output (UART, HTIF, semihosting) and which stream it is for. */
  onConsole: (bytes: Uint8Array, error: boolean) => void = () => {};
  /** The host-input strategy; replaceable (record, replay, fork). */
  host: HostInput;
  /** Kernel command line for /chosen/bootargs. */
  bootArgs = '';

  constructor(options: BoardOptions, host: HostInput) {
    const size = options.memory ?? DEFAULT_MEMORY;
    this.host = host;
    this.ram = new Ram(VIRT_MAP.ram, size);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(this.bus);
    this.bus.dmaObserver = (paddr, length) => this.hart.noteExternalWrite(paddr, length);
    this.wallClock = new WallClock(() => this.host, this.clock);
    if (options.clock === 'host') {
      this.clock.hostTicks = (icount) => {
        const a = this.host.ask(icount, InputSource.HostClock, new Uint8Array(0));
        if (a.length !== 8) throw new Error('host-clock input must be 8 bytes');
        return Number(new DataView(a.buffer, a.byteOffset, 8).getBigUint64(0, true));
      };
    }
    this.clint = new Clint(this, this.clock);
    this.plic = new Plic(this);
    this.uart = new Uart16550({
      transmit: (bytes) => this.onConsole(bytes, false),
      setIrq: (level) => this.plic.setLine(UART_IRQ, level),
    });
    this.test = new SifiveTest(this);
    this.rtc = new GoldfishRtc(this, this.wallClock, (level) => this.plic.setLine(RTC_IRQ, level));
    this.bus.map(VIRT_MAP.test, this.test);
    this.bus.map(VIRT_MAP.rtc, this.rtc);
    this.bus.map(VIRT_MAP.clint, this.clint);
    this.bus.map(VIRT_MAP.plic, this.plic);
    this.bus.map(VIRT_MAP.uart, this.uart);
    this.virtio = options.virtio === undefined ? [] : this.virtioSlots(options.virtio.drive);
    this.virtio.forEach((slot, i) => this.bus.map(VIRT_MAP.virtio + i * slot.size, slot));
  }

  private virtioSlots(drive: Uint8Array | undefined): VirtioMmio[] {
    const dma: DmaMemory = {
      read: (paddr, length) => (this.ram.contains(paddr, length) ? this.ram.read(paddr, length) : undefined),
      write: (paddr, bytes) => {
        if (!this.ram.contains(paddr, bytes.length)) return false;
        this.bus.writeRam(paddr, bytes);
        return true;
      },
    };
    const entropy = (count: number) => this.host.ask(this.hart.icount, InputSource.Entropy, Uint8Array.of(count & 0xff, count >>> 8));
    return Array.from({ length: VIRTIO_COUNT }, (_, slot) => {
      const backend = slot === VIRTIO_BLOCK_SLOT && drive !== undefined ? new VirtioBlock(drive)
        : slot === VIRTIO_RNG_SLOT ? new VirtioRng(entropy)
        : undefined;
      return new VirtioMmio(slot, backend, dma, (level) => this.plic.setLine(VIRTIO_IRQ + slot, level));
    });
  }

  // ---- MachineContext ----
  icount(): number {
    return this.hart.icount;
  }

  setHartInterrupt(line: Mip, level: boolean): void {
    this.hart.setInterruptLine(line, level);
  }

  replan(): void {
    this.hart.requestReturn();
  }

  powerOff(status: number): void {
    this.power = { kind: 'off', status };
    this.hart.requestReturn();
  }

  reboot(): void {
    this.power = { kind: 'reboot' };
    this.hart.requestReturn();
  }

  consoleOutput(bytes: Uint8Array): void {
    this.onConsole(bytes, false);
  }

  // ---- time ----
  /** The next icount at which a device's timer fires (Infinity if none). */
  nextDeadline(now: number): number {
    return Math.min(this.clint.nextDeadline(now), this.rtc.nextDeadline(now));
  }

  /** Brings timer-driven interrupt lines up to date at `icount`. */
  updateTimers(icount: number): void {
    this.clint.update(icount);
    this.rtc.update(icount);
  }

  // ---- description ----
  /** The flattened device tree of this board (QEMU virt layout). */
  deviceTree(options: { bootArgs?: string; initrd?: { start: number; end: number } } = {}): DtNode {
    const cpuIntc = 1;
    const plicHandle = 2;
    const testHandle = 3;
    const reg = (base: number, size: number) => [...cells64(base), ...cells64(size)];
    const chosen: Record<string, string | number[]> = { 'stdout-path': `/soc/serial@${VIRT_MAP.uart.toString(16)}` };
    if (options.bootArgs !== undefined && options.bootArgs.length > 0) chosen['bootargs'] = options.bootArgs;
    if (options.initrd !== undefined) {
      chosen['linux,initrd-start'] = cells64(options.initrd.start);
      chosen['linux,initrd-end'] = cells64(options.initrd.end);
    }
    return node('', { '#address-cells': 2, '#size-cells': 2, compatible: 'riscv-virtio', model: 'riscv-virtio,qemu' }, [
      node('chosen', chosen),
      node(`memory@${VIRT_MAP.ram.toString(16)}`, { device_type: 'memory', reg: reg(VIRT_MAP.ram, this.ram.size) }),
      node('cpus', { '#address-cells': 1, '#size-cells': 0, 'timebase-frequency': TIMEBASE_HZ }, [
        node('cpu@0', {
          device_type: 'cpu', reg: 0, status: 'okay', compatible: 'riscv', 'riscv,isa': ISA_STRING, 'mmu-type': 'riscv,sv32',
        }, [
          node('interrupt-controller', {
            '#address-cells': 0, '#interrupt-cells': 1, 'interrupt-controller': true, compatible: 'riscv,cpu-intc', phandle: cpuIntc,
          }),
        ]),
      ]),
      node('poweroff', { value: 0x5555, offset: 0, regmap: testHandle, compatible: 'syscon-poweroff' }),
      node('reboot', { value: 0x7777, offset: 0, regmap: testHandle, compatible: 'syscon-reboot' }),
      node('soc', { '#address-cells': 2, '#size-cells': 2, compatible: 'simple-bus', ranges: true }, [
        node(`rtc@${VIRT_MAP.rtc.toString(16)}`, {
          interrupts: RTC_IRQ, 'interrupt-parent': plicHandle, reg: reg(VIRT_MAP.rtc, this.rtc.size), compatible: 'google,goldfish-rtc',
        }),
        node(`serial@${VIRT_MAP.uart.toString(16)}`, {
          interrupts: UART_IRQ, 'interrupt-parent': plicHandle, 'clock-frequency': 3686400, reg: reg(VIRT_MAP.uart, this.uart.size),
          compatible: 'ns16550a',
        }),
        node(`test@${VIRT_MAP.test.toString(16)}`, {
          phandle: testHandle, reg: reg(VIRT_MAP.test, this.test.size), compatible: ['sifive,test1', 'sifive,test0', 'syscon'],
        }),
        node(`plic@${VIRT_MAP.plic.toString(16)}`, {
          phandle: plicHandle, 'riscv,ndev': PLIC_SOURCES - 1, reg: reg(VIRT_MAP.plic, this.plic.size),
          'interrupts-extended': [cpuIntc, 11, cpuIntc, 9], 'interrupt-controller': true,
          compatible: ['sifive,plic-1.0.0', 'riscv,plic0'], '#address-cells': 0, '#interrupt-cells': 1,
        }),
        node(`clint@${VIRT_MAP.clint.toString(16)}`, {
          'interrupts-extended': [cpuIntc, 3, cpuIntc, 7], reg: reg(VIRT_MAP.clint, this.clint.size),
          compatible: ['sifive,clint0', 'riscv,clint0'],
        }),
        ...this.virtio.map((slot, i) => {
          const base = VIRT_MAP.virtio + i * slot.size;
          return node(`virtio_mmio@${base.toString(16)}`, {
            interrupts: VIRTIO_IRQ + i, 'interrupt-parent': plicHandle, reg: reg(base, slot.size), compatible: 'virtio,mmio',
          });
        }),
      ]),
    ]);
  }

  /** Where the boot ROM lives, for the loader. */
  static readonly bootRom = { base: BOOT_ROM_BASE, size: BOOT_ROM_SIZE };

  // ---- state ----
  /** Device and clock state, as named fields (the hart and RAM are saved separately). */
  saveState(): StateRecord {
    return {
      version: 1,
      clockOffset: this.clock.offset,
      wallClock: this.wallClock.saveState(),
      clint: this.clint.saveState(),
      plic: this.plic.saveState(),
      uart: this.uart.saveState(),
      rtc: this.rtc.saveState(),
      // Only kernel boards have virtio slots: other guests' state (and their recorded checks) stays as it was.
      ...(this.virtio.length === 0 ? {} : { virtio: Object.fromEntries(this.virtio.map((v, i) => [`slot${i}`, v.saveState()])) }),
      power: this.power.kind === 'off' ? `off:${this.power.status}` : this.power.kind,
    };
  }

  loadState(state: StateRecord): void {
    this.clock.offset = field<number>(state, 'clockOffset', 'number');
    this.wallClock.loadState(field<StateRecord>(state, 'wallClock', 'record'));
    this.clint.loadState(field<StateRecord>(state, 'clint', 'record'));
    this.plic.loadState(field<StateRecord>(state, 'plic', 'record'));
    this.uart.loadState(field<StateRecord>(state, 'uart', 'record'));
    this.rtc.loadState(field<StateRecord>(state, 'rtc', 'record'));
    if (this.virtio.length > 0) {
      const saved = field<StateRecord>(state, 'virtio', 'record');
      this.virtio.forEach((v, i) => v.loadState(field<StateRecord>(saved, `slot${i}`, 'record')));
    }
    const power = field<string>(state, 'power', 'string');
    this.power = power.startsWith('off:') ? { kind: 'off', status: Number(power.slice(4)) } : power === 'reboot' ? { kind: 'reboot' } : { kind: 'on' };
  }
}
