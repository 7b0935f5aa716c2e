/**
 * The guest's wall clock (semihosting TIME, the Goldfish RTC): the host's
 * wall-clock time is asked once, the first time the guest needs it (a
 * recorded input), and from then on advances with virtual time, so the wall
 * clock agrees with the timer and replays exactly.
 */
import { InputSource, type HostInput } from '../host/host-input.js';
import { TIMEBASE_HZ, type VirtualClock } from './clock.js';
import { field, type StateRecord } from './device.js';

const NS_PER_TICK = BigInt(1e9 / TIMEBASE_HZ);

export class WallClock {
  private baseNs: bigint | undefined;
  private baseTicks = 0;
  /** Signed adjustment written by the guest (RTC time writes). */
  private adjustNs = 0n;

  constructor(private readonly host: () => HostInput, private readonly clock: VirtualClock) {}

  /** Nanoseconds since the Unix epoch as the guest sees them at `icount`. */
  nowNs(icount: number): bigint {
    if (this.baseNs === undefined) {
      const answer = this.host().ask(icount, InputSource.WallClock, new Uint8Array(0));
      if (answer.length !== 8) throw new Error('wall-clock input must be 8 bytes');
      this.baseNs = new DataView(answer.buffer, answer.byteOffset, 8).getBigUint64(0, true);
      this.baseTicks = this.clock.mtime(icount);
    }
    return this.baseNs + BigInt(this.clock.mtime(icount) - this.baseTicks) * NS_PER_TICK + this.adjustNs;
  }

  /** Sets the guest's wall clock to `ns` at `icount`. */
  set(ns: bigint, icount: number): void {
    this.adjustNs += ns - this.nowNs(icount);
  }

  /** The first icount >= now at which the wall clock reaches `ns` (Infinity if too far). */
  icountAt(ns: bigint, now: number): number {
    const remaining = ns - this.nowNs(now);
    if (remaining <= 0n) return now;
    const ticks = Number((remaining + NS_PER_TICK - 1n) / NS_PER_TICK);
    return this.clock.icountWhen(this.clock.mtime(now) + ticks, now);
  }

  saveState(): StateRecord {
    return {
      version: 1,
      sampled: this.baseNs !== undefined,
      baseNs: (this.baseNs ?? 0n).toString(),
      baseTicks: this.baseTicks,
      adjustNs: this.adjustNs.toString(),
    };
  }

  loadState(state: StateRecord): void {
    this.baseNs = field<boolean>(state, 'sampled', 'boolean') ? BigInt(field<string>(state, 'baseNs', 'string')) : undefined;
    this.baseTicks = field<number>(state, 'baseTicks', 'number');
    this.adjustNs = BigInt(field<string>(state, 'adjustNs', 'string'));
  }
}
