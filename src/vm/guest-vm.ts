/**
 * One guest, ready to run: the board, the loaded program, its symbols and the
 * monitor. The CLI, the recorder, the replayer and the debugger all start here.
 */
import { ElfFile, ElfError } from '../elf/elf-file.js';
import { SymbolMap } from '../elf/symbol-map.js';
import type { HostInput } from '../host/host-input.js';
import { loadProgram, type LoadedProgram } from '../machine/loader.js';
import { MAX_MEMORY, DEFAULT_MEMORY, VirtBoard } from '../machine/virt-board.js';
import { Monitor, type StopReason } from '../monitor/monitor.js';
import { causeName } from '../hart/trap.js';
import type { FatalTrap } from '../hart/hart.js';

export interface GuestConfig {
  /** The program image. */
  readonly elf: ElfFile;
  /** RAM size in bytes. */
  readonly memory?: number;
  /** Kernel command line (device tree /chosen/bootargs). */
  readonly bootArgs?: string;
  /** Guest time: "virtual" (default) or "host". */
  readonly clock?: 'virtual' | 'host';
}

export class GuestVm {
  readonly board: VirtBoard;
  readonly program: LoadedProgram;
  readonly monitor: Monitor;
  readonly symbols: SymbolMap;

  constructor(readonly config: GuestConfig, host: HostInput) {
    const memory = config.memory ?? DEFAULT_MEMORY;
    if (memory < 1024 * 1024 || memory > MAX_MEMORY || memory % 4096 !== 0) {
      throw new ElfError(`memory size must be a multiple of 4 KiB between 1 MiB and 2 GiB (got ${memory} bytes)`);
    }
    this.board = new VirtBoard({ memory, clock: config.clock }, host);
    this.program = loadProgram(this.board, config.elf, { bootArgs: config.bootArgs });
    this.symbols = new SymbolMap(config.elf);
    const ram = this.board.ram;
    const imageEnd = this.program.imageEnd;
    this.monitor = new Monitor(this.board, {
      // Heap from the end of the image to the device tree; stack at the top of that span.
      heapInfo: () => [imageEnd, this.program.fdtAddress, this.program.fdtAddress, ram.base],
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
