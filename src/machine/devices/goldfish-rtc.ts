/**
 * Goldfish RTC (QEMU virt at 0x0010_1000, PLIC source 11): nanoseconds since
 * the epoch from the guest's wall clock, and a one-shot alarm interrupt.
 * Reading TIME_LOW latches TIME_HIGH, as the Linux driver expects.
 */
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, type Device, type StateRecord } from '../device.js';
import type { MachineContext } from '../machine-context.js';
import type { WallClock } from '../wall-clock.js';

const enum Reg {
  TIME_LOW = 0x00,
  TIME_HIGH = 0x04,
  ALARM_LOW = 0x08,
  ALARM_HIGH = 0x0c,
  IRQ_ENABLED = 0x10,
  CLEAR_ALARM = 0x14,
  ALARM_STATUS = 0x18,
  CLEAR_INTERRUPT = 0x1c,
}

export class GoldfishRtc implements Device {
  readonly name = 'rtc';
  readonly size = 0x1000;
  private latchedHigh = 0;
  private alarmHigh = 0;
  private alarmNs: bigint | undefined;
  private irqEnabled = false;
  private irqPending = false;

  constructor(private readonly ctx: MachineContext, private readonly wall: WallClock, private readonly setIrq: (level: boolean) => void) {}

  /** The icount at which the alarm fires (Infinity if none is armed). */
  nextDeadline(now: number): number {
    return this.alarmNs === undefined ? Infinity : this.wall.icountAt(this.alarmNs, now);
  }

  /** Fires the alarm if it is due at `icount`. */
  update(icount: number): void {
    if (this.alarmNs !== undefined && this.wall.nowNs(icount) >= this.alarmNs) {
      this.alarmNs = undefined;
      this.irqPending = true;
    }
    this.setIrq(this.irqPending && this.irqEnabled);
  }

  read(offset: number, size: AccessSize): number {
    if (offset === Reg.TIME_LOW) {
      const now = this.wall.nowNs(this.ctx.icount());
      this.latchedHigh = Number((now >> 32n) & 0xffffffffn);
      return Number(now & 0xffffffffn);
    }
    return this.peek(offset, size) ?? 0;
  }

  peek(offset: number, _size: AccessSize): number | undefined {
    switch (offset) {
      case Reg.TIME_LOW: return undefined; // reading latches TIME_HIGH and may sample the host clock
      case Reg.TIME_HIGH: return this.latchedHigh;
      case Reg.ALARM_HIGH: return this.alarmHigh;
      case Reg.IRQ_ENABLED: return this.irqEnabled ? 1 : 0;
      case Reg.ALARM_STATUS: return this.alarmNs !== undefined ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    const icount = this.ctx.icount();
    value >>>= 0;
    switch (offset) {
      case Reg.TIME_LOW:
        this.wall.set((BigInt(this.latchedHigh) << 32n) | BigInt(value), icount);
        break;
      case Reg.TIME_HIGH: this.latchedHigh = value; break;
      case Reg.ALARM_HIGH: this.alarmHigh = value; break;
      case Reg.ALARM_LOW:
        this.alarmNs = (BigInt(this.alarmHigh) << 32n) | BigInt(value);
        this.ctx.replan();
        break;
      case Reg.IRQ_ENABLED: this.irqEnabled = (value & 1) !== 0; break;
      case Reg.CLEAR_ALARM: this.alarmNs = undefined; this.ctx.replan(); break;
      case Reg.CLEAR_INTERRUPT: this.irqPending = false; break;
      default: return;
    }
    this.update(icount);
  }

  saveState(): StateRecord {
    return {
      version: 1, latchedHigh: this.latchedHigh, alarmHigh: this.alarmHigh, armed: this.alarmNs !== undefined,
      alarmNs: (this.alarmNs ?? 0n).toString(), irqEnabled: this.irqEnabled, irqPending: this.irqPending,
    };
  }

  loadState(state: StateRecord): void {
    this.latchedHigh = field<number>(state, 'latchedHigh', 'number');
    this.alarmHigh = field<number>(state, 'alarmHigh', 'number');
    this.alarmNs = field<boolean>(state, 'armed', 'boolean') ? BigInt(field<string>(state, 'alarmNs', 'string')) : undefined;
    this.irqEnabled = field<boolean>(state, 'irqEnabled', 'boolean');
    this.irqPending = field<boolean>(state, 'irqPending', 'boolean');
  }
}
