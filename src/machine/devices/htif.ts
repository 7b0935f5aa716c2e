/**
 * Berkeley HTIF through the ELF's `tohost`/`fromhost` words (as riscv-tests
 * and QEMU's spike machine use them). The words live in RAM, so this is a RAM
 * watch rather than a bus device. As in QEMU, the command runs when the high
 * half of tohost is written (RV32 writes the low half first):
 *  - device 0, command 0, bit 0 set: exit with status value >> 1 (1 = pass);
 *  - device 1, command 1: console output of the low byte, acknowledged in fromhost.
 */
import type { Ram } from '../../memory/ram.js';
import { WatchKind } from '../../memory/ram-watch.js';
import type { MachineContext } from '../machine-context.js';

export class Htif {
  private readonly watchId: number;

  constructor(private readonly ram: Ram, private readonly ctx: MachineContext, readonly tohost: number, readonly fromhost: number | undefined) {
    this.watchId = ram.watches.add(tohost + 4, 4, WatchKind.Write, () => this.command());
  }

  /** Stops watching tohost. */
  detach(): void {
    this.ram.watches.remove(this.watchId);
  }

  private word(paddr: number): number {
    return this.ram.i32[(paddr - this.ram.base) >>> 2]! >>> 0;
  }

  private command(): void {
    const lo = this.word(this.tohost);
    const hi = this.word(this.tohost + 4);
    const device = hi >>> 24;
    const cmd = (hi >>> 16) & 0xff;
    if (device === 0 && cmd === 0 && (lo & 1) !== 0) {
      const payload = (hi & 0xffff) * 0x100000000 + lo;
      this.ctx.powerOff(Math.floor(payload / 2) >>> 0);
      return;
    }
    if (device === 1 && cmd === 1) {
      this.ctx.consoleOutput(new Uint8Array([lo & 0xff]));
      this.clear();
      if (this.fromhost !== undefined && this.ram.contains(this.fromhost, 8)) {
        // Acknowledge: fromhost = (device << 56) | (cmd << 48) | 1
        this.ram.write(this.fromhost, new Uint8Array([1, 0, 0, 0, 0, 0, 1, 1]));
      }
      return;
    }
    this.clear();
  }

  private clear(): void {
    this.ram.write(this.tohost, new Uint8Array(8));
  }
}
