/**
 * One guest, ready to run: the board, the loaded program (an ELF, or a Linux
 * kernel booted under the built-in SBI), its symbols and the monitor. The
 * CLI, the recorder, the replayer and the debugger all start here.
 */
import { ElfFile, ElfError } from '../elf/elf-file.js';
import { SymbolMap } from '../elf/symbol-map.js';
import type { HostInput } from '../host/host-input.js';
import { loadKernel, type LoadedKernel } from '../machine/kernel-loader.js';
import { LoadError, loadProgram, type LoadedProgram } from '../machine/loader.js';
import { MAX_MEMORY, DEFAULT_MEMORY, VirtBoard } from '../machine/virt-board.js';
import { Monitor, type StopReason } from '../monitor/monitor.js';
import { causeName } from '../hart/trap.js';
import type { FatalTrap } from '../hart/hart.js';

/** A Linux kernel to boot, with what it needs around it. */
export interface KernelGuest {
  /** The raw Image (arch/riscv/boot/Image). */
  readonly image: Uint8Array;
  /** The Image's name, for messages. */
  readonly name: string;
  readonly initrd?: Uint8Array;
  readonly initrdName?: string;
  /** The disk behind virtio-blk (never written: the guest's writes stay in the device's overlay). */
  readonly drive?: Uint8Array;
  readonly driveName?: string;
  /** An ELF with the kernel's symbols (vmlinux), for addresses in messages. */
  readonly symbols?: ElfFile;
}

export interface GuestConfig {
  /** The program image (an ELF)... */
  readonly elf?: ElfFile;
  /** ...or a Linux kernel. */
  readonly kernel?: KernelGuest;
  /** RAM size in bytes. */
  readonly memory?: number;
  /** Kernel command line (device tree /chosen/bootargs). */
  readonly bootArgs?: string;
  /** Guest time: "virtual" (default) or "host". */
  readonly clock?: 'virtual' | 'host';
}

export class GuestVm {
  readonly board: VirtBoard;
  /** The loaded ELF program (undefined for a kernel). */
  readonly program: LoadedProgram | undefined;
  /** The booted kernel (undefined for an ELF program). */
  readonly kernel: LoadedKernel | undefined;
  readonly monitor: Monitor;
  readonly symbols: SymbolMap;

  constructor(readonly config: GuestConfig, host: HostInput) {
    const memory = config.memory ?? DEFAULT_MEMORY;
    if (memory < 1024 * 1024 || memory > MAX_MEMORY || memory % 4096 !== 0) {
      throw new ElfError(`memory size must be a multiple of 4 KiB between 1 MiB and 2 GiB (got ${memory} bytes)`);
    }
    if ((config.elf === undefined) === (config.kernel === undefined)) throw new LoadError('a guest is an ELF program or a kernel Image');
    const k = config.kernel;
    this.board = new VirtBoard({ memory, clock: config.clock, virtio: k === undefined ? undefined : { drive: k.drive } }, host);
    if (k !== undefined) {
      this.program = undefined;
      this.kernel = loadKernel(this.board, { kernel: k.image, name: k.name, initrd: k.initrd, bootArgs: config.bootArgs });
      this.symbols = new SymbolMap(k.symbols);
      // No semihosting: a kernel's ebreak is its own (kgdb, BUG()); its ecalls are SBI calls.
      this.monitor = new Monitor(this.board, { semihosting: false, sbi: true });
      return;
    }
    const elf = config.elf!;
    this.kernel = undefined;
    const program = loadProgram(this.board, elf, { bootArgs: config.bootArgs });
    this.program = program;
    this.symbols = new SymbolMap(elf);
    const ram = this.board.ram;
    const imageEnd = program.imageEnd;
    this.monitor = new Monitor(this.board, {
      // Heap from the end of the image to the device tree; stack at the top of that span.
      heapInfo: () => [imageEnd, program.fdtAddress, program.fdtAddress, ram.base],
    });
  }

  /** Runs until icount reaches `target` or the guest stops. */
  runUntil(target: number): StopReason {
    return this.monitor.runUntil(target);
  }

  /** `pc (symbol+off)` for messages. */
  describeAddress(pc: number): string {
    const sym = this.symbols.describe(pc);
    const hex = `0x${(pc >>> 0).toString(16).padStart(8, '0')}`;
    return sym === undefined ? hex : `${hex} (${sym})`;
  }

  /** One line describing a fatal trap: where, what, and why there is no way out. */
  describeFatalTrap(t: FatalTrap): string {
    const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
    return `${causeName(t.cause)} at pc ${this.describeAddress(t.epc)}, tval ${hex(t.tval)}, icount ${t.icount}: ` +
      `no usable trap handler (the handler address ${hex(t.vector)} cannot run)`;
  }
}
