/**
 * Guest time: the one place that turns the instruction count into guest time
 * (TinyEMU's rtc_get_time). mtime advances by one tick every STEPS_PER_TICK
 * steps, i.e. a virtual 1 GHz hart with a 10 MHz timebase (the device tree's
 * timebase-frequency, as on QEMU virt). `wfi` and guest writes to mtime move
 * an offset.
 *
 * With `--clock host`, every guest read of the time also asks the host clock
 * (through the host-input door, so each reading is recorded) and moves time
 * forward to it: guest time then follows the host while staying replayable.
 */
export const TIMEBASE_HZ = 10_000_000;
export const STEPS_PER_TICK = 100;
/** Steps per second of virtual time. */
export const STEPS_PER_SECOND = TIMEBASE_HZ * STEPS_PER_TICK;

export class VirtualClock {
  /** Ticks added to icount / STEPS_PER_TICK (by wfi skips and mtime writes). Saved in checkpoints. */
  offset = 0;
  /** Host mode: reads the host clock in ticks (a recorded input). Undefined for virtual time. */
  hostTicks: ((icount: number) => number) | undefined;

  /** mtime as the guest reads it: in host mode, the host clock is asked first (time never goes back). */
  read(icount: number): number {
    if (this.hostTicks !== undefined) this.advanceTo(this.hostTicks(icount), icount);
    return this.mtime(icount);
  }

  /** mtime at a given icount. */
  mtime(icount: number): number {
    return Math.floor(icount / STEPS_PER_TICK) + this.offset;
  }

  /** The first icount >= `now` at which mtime reaches `target` (Infinity if never representable). */
  icountWhen(target: number, now: number): number {
    if (!Number.isFinite(target) || target >= 2 ** 53) return Infinity;
    if (this.mtime(now) >= target) return now;
    return Math.max(now, (target - this.offset) * STEPS_PER_TICK);
  }

  /** Jumps time forward so that mtime(icount) = target (used by wfi; never goes back). */
  advanceTo(target: number, icount: number): void {
    const now = this.mtime(icount);
    if (target > now) this.offset += target - now;
  }

  /** A guest write to mtime. */
  set(value: number, icount: number): void {
    this.offset = value - Math.floor(icount / STEPS_PER_TICK);
  }

  /** Nanoseconds of virtual time since power-on at `icount`. */
  nanoseconds(icount: number): number {
    return (this.mtime(icount) * 1e9) / TIMEBASE_HZ;
  }
}
