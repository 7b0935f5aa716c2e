/**
 * Runs a guest with state checks at the same points in recording and in
 * replay: when each input arrives, after it took effect (the run pauses at the
 * next boundary), and at every multiple of the check interval. Both sides share this code, so the checks are
 * taken at identical instants and the dirty-page sets they hash are identical.
 */
import type { StopReason } from '../monitor/monitor.js';
import type { GuestVm } from '../vm/guest-vm.js';
import type { RecordedEvent, StateCheck } from './recording-file.js';
import { stateCheck } from './state-check.js';

export interface CheckSink {
  /** A check when an input arrives, before it takes effect. */
  beforeEvent(event: RecordedEvent, check: StateCheck): void;
  /** A check after input event(s): `event` is the last input before the pause. */
  afterEvent(event: RecordedEvent, check: StateCheck): void;
  /** A periodic check at icount (a multiple of the interval). */
  periodic(icount: number, check: StateCheck): void;
}

export class CheckedRun {
  private readonly dirtyId: number;
  private pending: RecordedEvent | undefined;
  /** Return 'paused' stops to the caller (a debugger asked for the pause) instead of continuing. */
  stopOnPause = false;

  /** `replaying`: host-clock waits need no real waiting (the next reading comes from the log). */
  constructor(readonly vm: GuestVm, readonly interval: number, private readonly sink: CheckSink, private readonly replaying = false) {
    this.dirtyId = vm.board.ram.dirty.subscribe();
    if (this.dirtyId !== 0) throw new Error('the state checks must be the first dirty-page consumer of a guest');
  }

  /**
   * Notes an input event as it arrives: checks the state before it takes
   * effect, and pauses the run at the next boundary to check the state after.
   */
  noteEvent(event: RecordedEvent): void {
    this.sink.beforeEvent(event, this.check(false));
    this.pending = event;
    this.vm.monitor.requestPause();
  }

  private check(withRegisters: boolean): StateCheck {
    return stateCheck(this.vm, this.vm.board.ram.dirty.collect(this.dirtyId), withRegisters);
  }

  /** Runs until icount reaches `target` or the guest stops; pauses for checks are handled inside. */
  runUntil(target: number): StopReason {
    const hart = this.vm.board.hart;
    for (;;) {
      const nextCheck = (Math.floor(hart.icount / this.interval) + 1) * this.interval;
      const stop = this.vm.runUntil(Math.min(target, nextCheck));
      if (this.pending !== undefined) {
        const event = this.pending;
        this.pending = undefined;
        this.sink.afterEvent(event, this.check(true));
      }
      if (hart.icount === nextCheck) this.sink.periodic(nextCheck, this.check(false));
      // A pause at the target goes round once more: more inputs may be due at this very icount
      // (several debugger writes made at one boundary); with none, the run returns 'target' at once.
      if ((stop.kind === 'paused' && !this.stopOnPause) || (stop.kind === 'target' && hart.icount < target)) continue;
      if (stop.kind === 'wait-time' && this.replaying) {
        if (hart.icount >= target) return { kind: 'target' };
        continue;
      }
      return stop;
    }
  }
}
