/**
 * Core-local interruptor (SiFive CLINT, as on QEMU virt at 0x0200_0000):
 * msip at 0x0000, mtimecmp at 0x4000 and mtime at 0xbff8, for one hart.
 * mtime is virtual time (clock.ts); MTIP = mtime >= mtimecmp.
 */
import { Mip } from '../../hart/csr-bits.js';
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, mergeSubword, subword, type Device, type StateRecord } from '../device.js';
import type { VirtualClock } from '../clock.js';
import type { MachineContext } from '../machine-context.js';

const MSIP = 0x0000;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

export class Clint implements Device {
  readonly name = 'clint';
  readonly size = 0x10000;
  private msip = 0;
  /** mtimecmp as two 32-bit halves (exact), reset to all ones ("never"). */
  private cmpLo = 0xffffffff;
  private cmpHi = 0xffffffff;

  constructor(private readonly ctx: MachineContext, private readonly clock: VirtualClock) {}

  private get mtimecmp(): number {
    return this.cmpHi * 0x100000000 + this.cmpLo;
  }

  /** The icount at which MTIP next rises (Infinity if it does not), for the run loop. */
  nextDeadline(now: number): number {
    return this.clock.mtime(now) >= this.mtimecmp ? Infinity : this.clock.icountWhen(this.mtimecmp, now);
  }

  /** Re-evaluates MTIP at `icount`; called at every deadline and after anything that moves time. */
  update(icount: number): void {
    this.ctx.setHartInterrupt(Mip.MTIP, this.clock.mtime(icount) >= this.mtimecmp);
  }

  /** mtimecmp for wfi: the mtime value at which the timer next fires, or undefined. */
  pendingTimer(icount: number): number | undefined {
    return this.clock.mtime(icount) < this.mtimecmp && this.mtimecmp < 2 ** 53 ? this.mtimecmp : undefined;
  }

  read(offset: number, size: AccessSize): number {
    if ((offset & ~7) === MTIME) this.clock.read(this.ctx.icount()); // a guest read of mtime (asks the host clock in host mode)
    return this.peek(offset, size) ?? 0;
  }

  peek(offset: number, size: AccessSize): number | undefined {
    const word = offset & ~3;
    if (word === MSIP) return subword(this.msip, offset, size);
    if (word === MTIMECMP) return subword(this.cmpLo, offset, size);
    if (word === MTIMECMP + 4) return subword(this.cmpHi, offset, size);
    const mtime = this.clock.mtime(this.ctx.icount());
    if (word === MTIME) return subword(mtime % 0x100000000, offset, size);
    if (word === MTIME + 4) return subword(Math.floor(mtime / 0x100000000), offset, size);
    return 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    const word = offset & ~3;
    const icount = this.ctx.icount();
    if (word === MSIP) {
      this.msip = mergeSubword(this.msip, offset, size, value) & 1;
      this.ctx.setHartInterrupt(Mip.MSIP, this.msip !== 0);
      return;
    }
    if (word === MTIMECMP) this.cmpLo = mergeSubword(this.cmpLo, offset, size, value);
    else if (word === MTIMECMP + 4) this.cmpHi = mergeSubword(this.cmpHi, offset, size, value);
    else if (word === MTIME || word === MTIME + 4) {
      const now = this.clock.mtime(icount);
      const lo = now % 0x100000000;
      const hi = Math.floor(now / 0x100000000);
      const next = word === MTIME
        ? hi * 0x100000000 + mergeSubword(lo, offset, size, value)
        : mergeSubword(hi, offset, size, value) * 0x100000000 + lo;
      this.clock.set(next, icount);
    } else return;
    this.update(icount);
    this.ctx.replan();
  }

  saveState(): StateRecord {
    return { version: 1, msip: this.msip, mtimecmpLo: this.cmpLo, mtimecmpHi: this.cmpHi };
  }

  loadState(state: StateRecord): void {
    this.msip = field<number>(state, 'msip', 'number');
    this.cmpLo = field<number>(state, 'mtimecmpLo', 'number');
    this.cmpHi = field<number>(state, 'mtimecmpHi', 'number');
  }
}
