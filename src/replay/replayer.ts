/**
 * The Replayer: rebuilds the guest from a recording (the embedded image and
 * machine configuration), answers every input from the log at exactly its
 * icount, and compares every state check. The first mismatch stops the replay
 * with a Divergence whose report names the icount, pc, what differs and the
 * inputs just before it.
 */
import type { StopReason } from '../monitor/monitor.js';
import { GuestVm } from '../vm/guest-vm.js';
import { CheckedRun } from './checked-run.js';
import { Divergence } from './divergence.js';
import { ReplayHostInput, describeEvent } from './host-strategies.js';
import type { HostInput } from '../host/host-input.js';
import { contentsOf, guestConfigOf, type RecordingContents } from './recording-contents.js';
import { RecordingError, type RecordedEvent, type RecordingReader, type StateCheck } from './recording-file.js';
import { stopName } from './recorder.js';
import { STATE_GROUPS, fullDigest } from './state-check.js';

const REGISTER_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

export interface ReplayOutcome {
  readonly stop: StopReason;
  readonly icount: number;
  /** The recording ended (no footer): replay stopped at its last complete chunk. */
  readonly incomplete: boolean;
  /** Whether the run went to the recorded end (false when stopped early with `until`). */
  readonly reachedEnd: boolean;
}

export class Replayer {
  readonly vm: GuestVm;
  readonly host: ReplayHostInput;
  /** The checked run (the timeline drives it directly). */
  readonly checkedRun: CheckedRun;
  private readonly periodic: Map<number, StateCheck>;
  /** The icount of the last state check that matched the recording. */
  lastGood = 0;
  /** The recording being replayed. */
  readonly contents: RecordingContents;
  /** The last icount the recording covers (Infinity for a live session). */
  readonly endIcount: number;

  /**
   * Replays a recording file, or in-memory contents. With `live`, inputs past
   * the end of the log come from it and are recorded (a live session).
   */
  constructor(source: RecordingReader | RecordingContents, live?: HostInput) {
    this.contents = 'chunks' in source ? contentsOf(source) : source;
    const c = this.contents;
    const header = c.header;
    this.periodic = c.periodic;
    this.endIcount = c.endIcount;
    this.host = new ReplayHostInput(c.events, () => this.vm.board.hart.pc, (e) => this.checkedRun.noteEvent(e), live);
    this.vm = new GuestVm(guestConfigOf(c), this.host);
    this.checkedRun = new CheckedRun(this.vm, header.digestInterval, {
      beforeEvent: (event, check) => {
        // A live input just recorded gets its checks; a logged one is compared.
        if (event.before === undefined) event.before = check;
        else this.compare(event.before, check, `when the ${describeEvent(event)} arrived (before it took effect)`);
      },
      afterEvent: (event, check) => {
        if (event.after === undefined) {
          event.after = check;
          return;
        }
        // The state matched when the input arrived (checked above), so the input is where it departs.
        this.compare(event.after, check, `after the ${describeEvent(event)}\n` +
          `the state matched when the input arrived and differs after it: the input took effect at icount ${event.icount}, ` +
          `pc 0x${event.pc.toString(16)}${this.vm.symbols.describe(event.pc) === undefined ? '' : ` (${this.vm.symbols.describe(event.pc)})`}`);
      },
      periodic: (icount, check) => {
        const expected = this.periodic.get(icount);
        if (expected !== undefined) this.compare(expected, check, `at the periodic check at icount ${icount}`);
        else if (c.live) this.periodic.set(icount, check);
      },
    }, true);
  }

  private compare(expected: StateCheck, actual: StateCheck, where: string): void {
    const icount = this.vm.board.hart.icount;
    const groups = STATE_GROUPS.filter((_, i) => expected.groups[i] !== actual.groups[i]);
    if (expected.pc === actual.pc && groups.length === 0) {
      this.lastGood = icount;
      return;
    }
    const lines = [`the state differs ${where}`];
    if (expected.pc !== actual.pc) lines.push(`pc: recorded ${this.vm.describeAddress(expected.pc)}, replayed ${this.vm.describeAddress(actual.pc)}`);
    if (groups.length > 0) lines.push(`differs in: ${groups.join(', ')}`);
    if (expected.registers !== undefined && actual.registers !== undefined) {
      const regs: string[] = [];
      for (let i = 1; i < 32; i++) {
        if (expected.registers[i] !== actual.registers[i]) {
          regs.push(`${REGISTER_NAMES[i]} recorded 0x${(expected.registers[i]! >>> 0).toString(16)} replayed 0x${(actual.registers[i]! >>> 0).toString(16)}`);
        }
      }
      if (regs.length > 0) lines.push(`registers: ${regs.join('; ')}`);
    }
    throw new Divergence('state', icount, lines.join('\n'));
  }

  /** Replays until icount `until` (default: the end of the recording). Throws Divergence. */
  replay(until = Infinity): ReplayOutcome {
    const footer = this.contents.footer;
    const end = Math.min(until, this.endIcount);
    let stop: StopReason;
    try {
      stop = this.checkedRun.runUntil(end);
      this.checkEnd(stop, end, until);
    } catch (e) {
      if (e instanceof Divergence) e.report = this.report(e);
      throw e;
    }
    return {
      stop,
      icount: this.vm.board.hart.icount,
      incomplete: footer === undefined,
      reachedEnd: this.vm.board.hart.icount >= this.endIcount || stop.kind !== 'target',
    };
  }

  private checkEnd(stop: StopReason, end: number, until: number): void {
    const icount = this.vm.board.hart.icount;
    const footer = this.contents.footer;
    if (stop.kind === 'wait-input') {
      throw new Divergence('end', icount, `the guest waits for console input at icount ${icount}, but the recording's next input is ${this.describeNext()}`);
    }
    if (stop.kind === 'target' && icount < end) {
      throw new Divergence('end', icount, `the replay stopped early at icount ${icount}`);
    }
    if (stop.kind !== 'target' && icount < this.endIcount && footer !== undefined && icount < footer.finalIcount) {
      throw new Divergence('end', icount, `the guest stopped (${stopName(stop)}) at icount ${icount}, but the recording goes on to icount ${footer.finalIcount}`);
    }
    if (until < this.endIcount || footer === undefined) return;
    // The whole recording was replayed: the end must match.
    const recorded = footer.stop;
    const replayed = stopName(stop);
    const status = stop.kind === 'exit' ? stop.status : 0;
    if (recorded !== replayed && !(recorded !== 'exit' && replayed === 'limit')) {
      throw new Divergence('end', icount, `the recording ended with "${recorded}" at icount ${footer.finalIcount}, the replay with "${replayed}" at icount ${icount}`);
    }
    if (recorded === 'exit' && status !== footer.exitStatus) {
      throw new Divergence('end', icount, `the recorded guest exited with status ${footer.exitStatus}, the replayed one with ${status}`);
    }
    const next = this.host.peek();
    if (next !== undefined) throw new Divergence('end', icount, `the replay ended but the recording still holds the ${describeEvent(next)}`, next);
  }

  /** The inputs consumed so far and the periodic checks up to now: what a fork copies. */
  prefix(): { events: RecordedEvent[]; periodic: StateCheck[] } {
    const icount = this.vm.board.hart.icount;
    const events = this.host.recent(this.host.consumed).slice();
    const periodic = [...this.periodic.entries()].filter(([i]) => i <= icount).sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    return { events, periodic };
  }

  /** Compares the full final state with the recording's final digest (expensive: hashes all of RAM). */
  verifyFinalState(): void {
    const footer = this.contents.footer;
    if (footer === undefined) throw new RecordingError(`${this.contents.name} is incomplete (no footer): there is no final state to verify`);
    const digest = fullDigest(this.vm);
    if (digest !== footer.finalDigest) {
      const d = new Divergence('end', this.vm.board.hart.icount,
        `the final state differs: recorded digest ${footer.finalDigest.slice(0, 16)}..., replayed ${digest.slice(0, 16)}...`);
      d.report = this.report(d);
      throw d;
    }
  }

  private describeNext(): string {
    const n = this.host.peek();
    return n === undefined ? 'none (the log is exhausted)' : describeEvent(n);
  }

  /** The full report of a divergence. */
  report(d: Divergence): string {
    const hart = this.vm.board.hart;
    const lines = [
      `divergence (${d.kind}) at icount ${d.icount}, pc ${this.vm.describeAddress(hart.pc)}, ${['U', 'S', '?', 'M'][hart.priv]}-mode`,
      ...d.detail.split('\n').map((l) => `  ${l}`),
      `  the state last matched the recording at icount ${this.lastGood}` +
        (this.lastGood < d.icount ? `; the first differing instruction lies in (${this.lastGood}, ${d.icount}]` : ''),
    ];
    const recent = this.host.recent(5);
    if (recent.length > 0) {
      lines.push('  last inputs before it:');
      for (const e of recent) lines.push(`    ${describeEvent(e)}`);
    }
    if (d.kind !== 'input') lines.push(`  next recorded input: ${this.describeNext()}`);
    return lines.join('\n');
  }
}
