/**
 * The Timeline: time travel over a recording (rr's ReplayTimeline). It owns
 * checkpoints, breakpoints, watchpoints and catchpoints, and moves the replay
 * to any icount: `seek` restores the newest checkpoint at or before the
 * target and replays forward; a reverse step is seek(now - 1); reverse
 * continue replays the intervals before now, from the nearest one backwards,
 * and stops at the last hit. Checkpoints never contain breakpoints.
 *
 * Long operations are async: they run in slices, report progress, and check
 * an AbortSignal between slices (at least every 1,000,000 instructions); a
 * cancelled operation leaves the timeline where it started.
 */
import type { Hart } from '../hart/hart.js';
import { causeName, INTERRUPT_BIT, Priv } from '../hart/trap.js';
import { WatchKind, type WatchHit } from '../memory/ram-watch.js';
import type { StopReason } from '../monitor/monitor.js';
import { Divergence } from '../replay/divergence.js';
import { InputSource, type HostInput } from '../host/host-input.js';
import type { RecordingContents } from '../replay/recording-contents.js';
import { RecordingError, type RecordingReader } from '../replay/recording-file.js';
import { Replayer } from '../replay/replayer.js';
import { fullDigest } from '../replay/state-check.js';
import { DensityPolicy, type CheckpointPolicy } from './checkpoint-policy.js';
import { decodeCheckpoint } from '../replay/checkpoint-file.js';
import { CheckpointStore, type Checkpoint } from './checkpoint-store.js';
import { captureState, restoreState } from '../replay/machine-state.js';
import { applyDebuggerWrite, encodeDebuggerWrite, type DebuggerWrite } from '../monitor/debugger-write.js';

/** Why the timeline stopped. */
export type StopKind =
  | 'step' | 'breakpoint' | 'watchpoint' | 'trap' | 'interrupt' | 'privilege' | 'mmio' | 'console'
  /** The end of the recording, or the start (reverse). */
  | 'end' | 'start'
  /** The guest exited, faulted fatally or deadlocked: nothing runs after this point. */
  | 'exit'
  | 'cancelled';

export interface Stop {
  readonly kind: StopKind;
  /** The icount the timeline is at now. */
  readonly icount: number;
  readonly pc: number;
  /** A human-readable detail (which watchpoint, which trap...). */
  readonly detail: string;
  /** For watchpoints: the access and the icount and pc of the instruction that made it. */
  readonly access?: { readonly address: number; readonly size: number; readonly value: number | undefined; readonly write: boolean; readonly icount: number; readonly pc: number };
  /** For traps and interrupts: mcause/scause. */
  readonly cause?: number;
}

export interface Watchpoint {
  readonly address: number;
  readonly length: number;
  readonly kind: WatchKind;
}

/** Machine events to stop at. */
export interface Catchpoints {
  /** Exception causes to stop at (after the trap is taken); 'all' for every exception. */
  traps?: ReadonlySet<number> | 'all';
  /** Every interrupt... */
  interrupts?: boolean;
  /** ...or only these interrupt codes (5: supervisor timer, 9: supervisor external ...). */
  interruptCauses?: ReadonlySet<number>;
  /** Privilege changes (traps, mret, sret). */
  privilege?: boolean;
  /** Accesses to devices, by device name ("uart0", "clint" ...), or 'all'. */
  mmio?: ReadonlySet<string> | 'all';
  /** Guest console output. */
  console?: boolean;
}

/** A test applied after each step (instruction or trap): `prevPc` is the pc before the step. */
export type StepPredicate = (hart: Hart, prevPc: number) => boolean;

/** How a search runs. */
export interface SearchOptions {
  /**
   * Breakpoints, watchpoints and catchpoints are live: a hit stops the
   * search and is its stop (as in continueForward), and a search that ends on
   * a breakpoint's address reports that breakpoint (as gdb reports a step
   * that lands on one). A breakpoint at the starting pc is not hit again.
   */
  readonly armed?: boolean;
}

export interface Control {
  readonly signal?: AbortSignal;
  /** Called between slices with the current icount and the operation's goal. */
  readonly progress?: (icount: number, goal: number) => void;
}

/**
 * Where a watchpoint stop leaves the timeline, in the direction of travel.
 * 'completed': the access has happened (forward: after the accessing
 * instruction; reverse: before it, at the instruction that made it).
 * 'pending': the access is about to happen (forward: before the accessing
 * instruction; reverse: after it). 'pending' is the timing of RISC-V debug
 * triggers (Debug spec 5.2, "timing=0"), which gdb assumes on RISC-V: it
 * steps over the access itself, with the watchpoints removed, and then
 * compares the values. Resuming from a pending watchpoint stop in the same
 * direction makes the access without stopping for it again.
 */
export type WatchTiming = 'completed' | 'pending';

export interface TimelineOptions {
  readonly policy?: CheckpointPolicy;
  /** Where watchpoint stops leave the timeline (default 'completed'). */
  readonly watchTiming?: WatchTiming;
  /** Receives console output the first time the replay produces it. */
  readonly onOutput?: (bytes: Uint8Array, error: boolean) => void;
}

/** Instructions per slice between cancellation checks and progress reports. */
const SLICE = 1_000_000;

interface Hit {
  readonly kind: StopKind;
  readonly icount: number;
  readonly pc: number;
  readonly detail: string;
  readonly access?: Stop['access'];
  readonly cause?: number;
}

/** What one client of a timeline wants it to stop for. */
export interface ClientPoints {
  readonly breakpoints: Iterable<number>;
  readonly watchpoints: readonly Watchpoint[];
  readonly catchpoints: Catchpoints;
}

/** The catchpoints that stop for whatever any of `list` stops for. */
export function unionOfCatchpoints(list: readonly Catchpoints[]): Catchpoints {
  const sets = <T>(values: (ReadonlySet<T> | 'all' | undefined)[]): ReadonlySet<T> | 'all' | undefined => {
    if (values.includes('all')) return 'all';
    const present = values.filter((v): v is ReadonlySet<T> => v !== undefined);
    return present.length === 0 ? undefined : new Set(present.flatMap((v) => [...v]));
  };
  const out: Catchpoints = {
    traps: sets(list.map((c) => c.traps)),
    interrupts: list.some((c) => c.interrupts === true) || undefined,
    interruptCauses: list.some((c) => c.interrupts === true) ? undefined : sets(list.map((c) => c.interruptCauses)) as ReadonlySet<number> | undefined,
    privilege: list.some((c) => c.privilege === true) || undefined,
    mmio: sets(list.map((c) => c.mmio)),
    console: list.some((c) => c.console === true) || undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Catchpoints;
}

/** Where a hit is on the timeline going backwards: a watched access at the instruction that made it. */
function hitPosition(h: Hit): number {
  return h.kind === 'watchpoint' && h.access !== undefined ? h.access.icount : h.icount;
}

export class Timeline {
  readonly replayer: Replayer;
  readonly store: CheckpointStore;
  readonly policy: CheckpointPolicy;
  /** Where watchpoint stops leave the timeline. */
  watchTiming: WatchTiming;
  /** Every client's breakpoints, watchpoints and catchpoints together (see setPointsOf). */
  readonly breakpoints = new Set<number>();
  readonly watchpoints: Watchpoint[] = [];
  catchpoints: Catchpoints = {};
  /** The points of each client sharing this timeline (a DAP target and its debug-console commands). */
  private readonly clients = new Map<object, ClientPoints & { readonly breakpoints: ReadonlySet<number> }>();
  /** Decides whether a breakpoint hit at this pc counts (conditions, hit counts, logpoints); all count without it. */
  hitFilter: ((pc: number) => boolean) | undefined;
  /** Recent seek targets: checkpoints stay dense around them. */
  private focus: number[] = [];
  /** The furthest icount reached: console output beyond it is new. */
  private frontier = 0;
  /** Counts the changes of the machine state (runs, restores, writes): see `generation`. */
  private moves = 0;
  /** Instructions run since the last cancellation check (across forward runs). */
  private sinceCheck = 0;
  private armed = false;
  private hits: Hit[] = [];
  private watchIds: number[] = [];
  /** Stored checkpoints already checked against their digest. */
  private readonly verified = new WeakSet<Checkpoint>();
  private readonly onOutput: ((bytes: Uint8Array, error: boolean) => void) | undefined;

  /** The recording (grows at the frontier of a live session). */
  readonly contents: RecordingContents;

  /** A timeline over a recording file or contents; with `live`, the run continues live past the log's end. */
  constructor(source: RecordingReader | RecordingContents, options: TimelineOptions = {}, live?: HostInput) {
    this.replayer = new Replayer(source, live);
    this.contents = this.replayer.contents;
    this.policy = options.policy ?? new DensityPolicy();
    this.watchTiming = options.watchTiming ?? 'completed';
    this.onOutput = options.onOutput;
    const vm = this.replayer.vm;
    this.store = new CheckpointStore(vm.board.ram, vm.board.ram.dirty.subscribe());
    this.replayer.checkedRun.stopOnPause = true;
    vm.board.onConsole = (bytes, error) => {
      const icount = vm.board.hart.icount;
      if (icount >= this.frontier) this.onOutput?.(bytes, error);
      if (this.armed && this.catchpoints.console === true) this.hit({ kind: 'console', detail: `console output ${JSON.stringify(new TextDecoder().decode(bytes))}` });
    };
    const prevMmio = vm.board.bus.mmioObserver;
    vm.board.bus.mmioObserver = (a) => {
      prevMmio?.(a);
      const m = this.catchpoints.mmio;
      if (this.armed && m !== undefined && (m === 'all' || m.has(a.device.name))) {
        this.hit({ kind: 'mmio', detail: `${a.write ? 'write' : 'read'} of ${a.device.name} at 0x${a.address.toString(16)} (${a.size} bytes, value 0x${a.value.toString(16)})` });
      }
    };
    this.store.add(captureState(this.replayer));
    const name = this.contents.name;
    for (const { icount, data } of this.contents.checkpoints) {
      let stored;
      try {
        stored = decodeCheckpoint(data);
      } catch (e) {
        throw new RecordingError(`${name}: the checkpoint at icount ${icount} is malformed (${(e as Error).message})`);
      }
      if (stored.state.icount !== icount) throw new RecordingError(`${name}: the checkpoint at icount ${icount} holds the state of icount ${stored.state.icount}`);
      this.store.addFull(stored.state, stored.pages, stored.digest);
    }
  }

  /** Checkpoints loaded from the recording (verified when first used). */
  get storedCheckpoints(): number {
    return this.store.checkpoints.filter((c) => c.digest !== undefined).length;
  }

  get vm() {
    return this.replayer.vm;
  }

  /**
   * Changes whenever the machine state may have changed (the timeline ran,
   * restored a checkpoint, or was written): what debuggers key the state of
   * a stop to (gdb's per-stop state, such as inline frames entered).
   */
  get generation(): number {
    return this.moves;
  }

  /** The current position. */
  get icount(): number {
    return this.vm.board.hart.icount;
  }

  /** The last icount of the recording (Infinity for a live session). */
  get end(): number {
    return this.replayer.endIcount;
  }

  /** The furthest icount reached so far (a live session's recording ends here). */
  get furthest(): number {
    return this.frontier;
  }

  /**
   * Whether a debugger may change the guest here: a live session, at the
   * furthest point it has run to, with every logged input consumed. Anywhere
   * else the change would rewrite a recorded past.
   */
  get writable(): boolean {
    return this.contents.live && this.icount === this.frontier && this.replayer.host.canWrite && this.vm.board.power.kind === 'on';
  }

  /**
   * Changes a register or RAM now, as a logged input (InputSource
   * DebuggerWrite), so the recording replays with the change at this
   * instruction boundary. Only where `writable`.
   */
  write(w: DebuggerWrite): void {
    if (!this.writable) throw new Error('the guest can only be changed at the live frontier of a recorded session');
    this.moves++;
    const payload = encodeDebuggerWrite(w);
    // A replay applies the write at the top of the run loop, after the timer lines are updated.
    this.vm.monitor.updateTimers(this.icount);
    this.replayer.host.recordDebuggerWrite(this.icount, payload);
    applyDebuggerWrite(this.vm.board, payload);
    // The state check after an input is taken at the next boundary, which is here: take it now,
    // exactly as a replay does, before anything else can move the timeline.
    this.replayer.checkedRun.runUntil(this.icount);
  }

  private hit(h: Omit<Hit, 'icount' | 'pc'> & { icount?: number; pc?: number }): void {
    const hart = this.vm.board.hart;
    this.hits.push({ icount: h.icount ?? hart.icount, pc: h.pc ?? hart.pc >>> 0, ...h } as Hit);
    this.vm.monitor.requestPause();
  }

  // ------------------------------------------------------------ arming

  /** Installs or removes the stop conditions in the machine. */
  private arm(on: boolean): void {
    const vm = this.vm;
    const hart = vm.board.hart;
    this.armed = on;
    hart.setBreakpoints(on ? this.breakpoints : []);
    for (const id of this.watchIds) vm.board.ram.watches.remove(id);
    this.watchIds = [];
    const c = this.catchpoints;
    hart.reportTraps = on && (c.traps !== undefined || c.interrupts === true || c.interruptCauses !== undefined);
    hart.onPrivilegeChange = on && c.privilege === true
      ? (from, to) => this.hit({ kind: 'privilege', detail: `privilege ${PRIV[from]} -> ${PRIV[to]}` })
      : undefined;
    if (!on) return;
    for (const w of this.watchpoints) {
      this.watchIds.push(vm.board.ram.watches.add(w.address, w.length, w.kind, (h: WatchHit) => {
        this.hit({
          kind: 'watchpoint',
          icount: hart.icount + 1,
          detail: `${h.write ? 'write' : 'read'} of ${h.size} bytes at 0x${(h.address >>> 0).toString(16)}${h.value === undefined ? '' : ` (value 0x${(h.value >>> 0).toString(16)})`}`,
          access: { address: h.address >>> 0, size: h.size, value: h.value, write: h.write, icount: hart.icount, pc: hart.pc >>> 0 },
        });
      }));
    }
  }

  // ------------------------------------------------------------ running

  /** Restores a checkpoint (verifying one loaded from a file against its digest). */
  private restore(c: Checkpoint): void {
    this.moves++;
    const rewritten = this.store.restoreRam(c);
    restoreState(this.replayer, c.state, rewritten);
    this.vm.board.hart.breakpointSkip = -1;
    if (c.digest !== undefined && !this.verified.has(c)) {
      const d = fullDigest(this.vm);
      if (d !== c.digest) throw new RecordingError(`the checkpoint at icount ${c.icount} does not match its digest (damaged, or made by another version)`);
      this.verified.add(c);
    }
    // Arriving at an icount includes the debugger writes made there (a checkpoint may predate them).
    this.applyWritesHere();
  }

  /**
   * Applies every debugger write logged at the current icount. The run pauses
   * after each one (for its state check), so a run that stops at this icount
   * would otherwise show only the first of several changes made here.
   */
  private applyWritesHere(): void {
    const host = this.replayer.host;
    const icount = this.vm.board.hart.icount;
    for (;;) {
      const next = host.peek();
      if (next?.source !== InputSource.DebuggerWrite || next.icount !== icount) return;
      const before = host.consumed;
      this.replayer.checkedRun.runUntil(icount);
      if (host.consumed === before) return;
    }
  }

  /**
   * Runs forward to `limit` (at most the end of the recording). With `armed`,
   * stop conditions are live and `onHit` decides whether each hit stops the
   * run. Returns the stop, or undefined when `limit` was reached.
   */
  private async forward(limit: number, armed: boolean, onHit: (h: Hit) => 'stop' | 'continue', control: Control, seekTarget?: number, done?: () => boolean): Promise<Stop | undefined> {
    const hart = this.vm.board.hart;
    const run = this.replayer.checkedRun;
    const startIcount = hart.icount;
    const goal = Math.min(limit, this.end);
    this.arm(armed);
    try {
      let nextCheckpoint = this.policy.nextCheckpoint(hart.icount, this.store, seekTarget);
      while (hart.icount < goal) {
        const sliceEnd = hart.icount + SLICE - this.sinceCheck;
        const target = Math.min(goal, nextCheckpoint, sliceEnd);
        const before = hart.icount;
        this.hits = [];
        let stop: StopReason;
        try {
          stop = run.runUntil(target);
        } catch (e) {
          if (e instanceof Divergence) e.report = this.replayer.report(e);
          throw e;
        }
        this.frontier = Math.max(this.frontier, hart.icount);
        this.sinceCheck += hart.icount - before;
        let hitsNow: Hit[] = this.hits;
        if (stop.kind === 'breakpoint') {
          hitsNow = this.hitFilter === undefined || this.hitFilter(hart.pc >>> 0)
            ? [{ kind: 'breakpoint', icount: hart.icount, pc: hart.pc >>> 0, detail: `breakpoint at 0x${(hart.pc >>> 0).toString(16)}` }]
            : [];
        } else if (stop.kind === 'trap') {
          const h = this.trapHit();
          if (h !== undefined) hitsNow = [...hitsNow, h];
        }
        for (const h of hitsNow) {
          if (onHit(h) === 'stop') return this.stopAt(h);
        }
        if (done?.() === true) return undefined;
        if (stop.kind === 'breakpoint') hart.breakpointSkip = hart.icount;
        if (stop.kind === 'wait-input' || stop.kind === 'wait-time') {
          // A live session at its frontier: the guest waits for console input (or host time).
          control.progress?.(hart.icount, goal);
          const waited = stop.kind === 'wait-time' ? new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, stop.seconds * 1000)))) : this.vm.board.host.waitForConsole();
          await Promise.race([waited, abortion(control.signal)]);
          if (control.signal?.aborted === true) return { kind: 'cancelled', icount: hart.icount, pc: hart.pc >>> 0, detail: 'cancelled' };
          continue;
        }
        if (stop.kind === 'exit' || stop.kind === 'fatal-trap' || stop.kind === 'deadlock' || stop.kind === 'reboot') {
          return { kind: 'exit', icount: hart.icount, pc: hart.pc >>> 0, detail: stop.kind === 'exit' ? `the guest exited with status ${stop.status}` : `the guest stopped (${stop.kind})` };
        }
        if (hart.icount >= nextCheckpoint) {
          this.store.add(captureState(this.replayer));
          this.policy.maintain(this.store, hart.icount, this.focus);
          nextCheckpoint = this.policy.nextCheckpoint(hart.icount, this.store, seekTarget);
        }
        if (this.sinceCheck >= SLICE) {
          this.sinceCheck = 0;
          control.progress?.(hart.icount, goal);
          await new Promise((resolve) => setImmediate(resolve));
          if (control.signal?.aborted === true) return { kind: 'cancelled', icount: hart.icount, pc: hart.pc >>> 0, detail: 'cancelled' };
        }
      }
      this.applyWritesHere();
      return undefined;
    } finally {
      if (armed) this.arm(false);
      if (hart.icount !== startIcount) this.moves++;
    }
  }

  /** A trap stop, if it matches the catchpoints. */
  private trapHit(): Hit | undefined {
    const hart = this.vm.board.hart;
    const s = hart.priv === Priv.M ? 'mcause' : 'scause';
    const cause = hart.peekCsr(s === 'mcause' ? 0x342 : 0x142)! >>> 0;
    const interrupt = (cause & INTERRUPT_BIT) !== 0;
    const c = this.catchpoints;
    const wanted = interrupt
      ? c.interrupts === true || (c.interruptCauses?.has(cause & ~INTERRUPT_BIT) ?? false)
      : c.traps === 'all' || (c.traps !== undefined && c.traps.has(cause));
    if (!wanted) return undefined;
    return { kind: interrupt ? 'interrupt' : 'trap', icount: hart.icount, pc: hart.pc >>> 0, detail: causeName(cause), cause };
  }

  private stopAt(h: Hit): Stop {
    return { kind: h.kind, icount: this.icount, pc: this.vm.board.hart.pc >>> 0, detail: h.detail, access: h.access, cause: h.cause };
  }

  private noteFocus(icount: number): void {
    this.focus = [icount, ...this.focus.filter((f) => f !== icount)].slice(0, 4);
  }

  // ------------------------------------------------------------ navigation

  /** Moves to icount `target` (clamped to the recording). Returns how it ended ('step' when it got there). */
  async seek(target: number, control: Control = {}): Promise<Stop> {
    const start = this.icount;
    target = Math.max(0, Math.min(Math.floor(target), this.end));
    this.noteFocus(target);
    if (target !== start) {
      const cp = this.store.atOrBefore(target)!;
      // Replay forward from here when that is shorter than from the checkpoint.
      if (!(start <= target && start >= cp.icount)) this.restore(cp);
      const stop = await this.forward(target, false, () => 'continue', control, target);
      if (stop?.kind === 'cancelled') {
        await this.seek(start);
        return { ...stop, icount: start };
      }
      if (stop !== undefined) return stop;
    }
    this.policy.maintain(this.store, this.icount, this.focus);
    return { kind: 'step', icount: this.icount, pc: this.vm.board.hart.pc >>> 0, detail: `at icount ${this.icount}` };
  }

  /**
   * Replaces what one client (any object standing for a front end) stops
   * for; the timeline stops for every client's points. Two front ends on one
   * timeline (the DAP target and the debug console's commands) so never
   * erase each other's breakpoints.
   */
  setPointsOf(client: object, points: ClientPoints): void {
    this.clients.set(client, { breakpoints: new Set(points.breakpoints), watchpoints: [...points.watchpoints], catchpoints: points.catchpoints });
    const all = [...this.clients.values()];
    this.breakpoints.clear();
    for (const c of all) for (const b of c.breakpoints) this.breakpoints.add(b);
    this.watchpoints.splice(0, this.watchpoints.length, ...all.flatMap((c) => c.watchpoints));
    this.catchpoints = unionOfCatchpoints(all.map((c) => c.catchpoints));
  }

  /** Whether a client other than `client` has a breakpoint at `pc` (one client's hit filter must not hide another's stop). */
  othersBreakAt(client: object, pc: number): boolean {
    for (const [c, points] of this.clients) if (c !== client && points.breakpoints.has(pc)) return true;
    return false;
  }

  /** One client's points, as last set (none when it has set none). */
  pointsOf(client: object): ClientPoints {
    return this.clients.get(client) ?? { breakpoints: [], watchpoints: [], catchpoints: {} };
  }

  /**
   * Steps n instructions forward (ignoring breakpoints, as stepi does). With
   * pending watch timing, a single step whose instruction makes a watched
   * access does not move: it stops for the watchpoint, as a hardware trigger
   * does (the client steps over the access with its watchpoints removed).
   */
  async stepForward(n = 1, control: Control = {}): Promise<Stop> {
    if (this.icount >= this.end) return this.endStop();
    const origin = this.icount;
    if (n === 1 && this.watchTiming === 'pending' && this.watchpoints.length > 0) {
      const hit = await this.watchedAccessAhead(control);
      if (hit !== undefined) {
        await this.seek(origin);
        return this.stopAt(hit);
      }
      if (this.icount !== origin + 1) return this.seek(origin + 1, control);
    }
    const stop = await this.seek(origin + n, control);
    return stop.kind === 'step' && this.icount >= this.end ? this.endStop() : stop;
  }

  /** Steps n instructions back; with pending watch timing, a single step back across a watched access stops for it without moving (see stepForward). */
  async stepBack(n = 1, control: Control = {}): Promise<Stop> {
    if (this.icount === 0) return this.startStop();
    const origin = this.icount;
    if (n === 1 && this.watchTiming === 'pending' && this.watchpoints.length > 0) {
      const back = await this.seek(origin - 1, control);
      if (back.kind === 'cancelled') return back;
      const hit = await this.watchedAccessAhead(control);
      if (hit !== undefined && this.icount === origin) return this.stopAt(hit);
    }
    return this.seek(origin - n, control);
  }

  /**
   * Runs the one instruction at the current position with the watchpoints
   * armed; returns the watchpoint hit it makes, if any. The timeline ends one
   * step further (or where the guest stopped).
   */
  private async watchedAccessAhead(control: Control): Promise<Hit | undefined> {
    const start = this.icount;
    let hit: Hit | undefined;
    this.vm.board.hart.breakpointSkip = start;
    await this.forward(start + 1, true, (h) => {
      if (h.kind !== 'watchpoint' || h.access?.icount !== start) return 'continue';
      hit = h;
      return 'stop';
    }, control);
    return hit;
  }

  /** Runs forward to the next breakpoint, watchpoint or catchpoint, or to the end. */
  async continueForward(control: Control = {}): Promise<Stop> {
    if (this.icount >= this.end) return this.endStop();
    this.vm.board.hart.breakpointSkip = this.icount; // resuming from a breakpoint here runs its instruction
    const stop = await this.forward(this.end, true, () => 'stop', control);
    if (this.watchTiming === 'pending' && stop?.kind === 'watchpoint' && stop.access !== undefined) {
      // Back to just before the accessing instruction (which may be where this continue started).
      await this.seek(stop.access.icount);
      return { ...stop, icount: this.icount, pc: this.vm.board.hart.pc >>> 0 };
    }
    this.noteFocus(this.icount);
    return stop ?? this.endStop();
  }

  /**
   * Runs backwards to the LAST hit before now of any breakpoint, watchpoint or
   * catchpoint; to the start if there is none. At most about twice the cost of
   * replaying the span forward.
   */
  async reverseContinue(control: Control = {}): Promise<Stop> {
    const origin = this.icount;
    // Going backwards, a watched access is crossed at the instruction that made it: a completed
    // access stops before that instruction (at the writer), a pending one just after it (which may
    // be where this reverse-continue started).
    const after = this.watchTiming === 'pending' ? 1 : 0;
    const at = (h: Hit) => hitPosition(h) + (h.kind === 'watchpoint' && h.access !== undefined ? after : 0);
    let hi = origin;
    while (hi > 0) {
      const cp = this.store.atOrBefore(hi - 1)!;
      this.restore(cp);
      let last: Hit | undefined;
      const stop = await this.forward(hi, true, (h) => {
        if (hitPosition(h) < origin && hitPosition(h) >= cp.icount) last = h;
        return 'continue';
      }, { signal: control.signal, progress: (i) => control.progress?.(origin - i, origin) });
      if (stop?.kind === 'cancelled') {
        await this.seek(origin);
        return { ...stop, icount: origin };
      }
      if (last !== undefined) {
        await this.seek(at(last));
        return this.stopAt(last);
      }
      hi = cp.icount;
    }
    await this.seek(0);
    return this.startStop();
  }

  /**
   * Every breakpoint, watchpoint and catchpoint hit whose position going
   * backwards is in [from, to) (a watched access is at the instruction that
   * made it), oldest first, each as the stop a reverse run would make there.
   * Replays that span; where the timeline is afterwards is unspecified (seek
   * to where you want to be). Undefined when cancelled.
   */
  async hitsBetween(from: number, to: number, control: Control = {}): Promise<Stop[] | undefined> {
    from = Math.max(0, from);
    to = Math.min(to, this.end);
    if (from >= to) return [];
    this.restore(this.store.atOrBefore(from)!);
    const hits: Stop[] = [];
    const stop = await this.forward(to, true, (h) => {
      const icount = hitPosition(h);
      if (icount >= from && icount < to) {
        hits.push({ kind: h.kind, icount, pc: h.kind === 'watchpoint' && h.access !== undefined ? h.access.pc : h.pc, detail: h.detail, access: h.access, cause: h.cause });
      }
      return 'continue';
    }, { signal: control.signal });
    if (stop?.kind === 'cancelled') return undefined;
    return hits.sort((a, b) => a.icount - b.icount);
  }

  /**
   * Runs forward until `predicate` holds after a step (tested after every
   * instruction or trap, with the pc before that step), or to the end. The
   * predicate must only read the machine (peeks). See SearchOptions for
   * searches that stop at breakpoints, watchpoints and catchpoints.
   */
  async searchForward(predicate: StepPredicate, control: Control = {}, options: SearchOptions = {}): Promise<Stop> {
    if (this.icount >= this.end) return this.endStop();
    const hart = this.vm.board.hart;
    const armed = options.armed === true;
    if (armed) hart.breakpointSkip = this.icount; // resuming from a breakpoint here runs its instruction
    let prev = hart.pc;
    let found = false;
    hart.tracer = (h) => {
      if (!found && predicate(h, prev)) {
        found = true;
        this.vm.monitor.requestPause();
      }
      prev = h.pc;
    };
    let stop: Stop | undefined;
    try {
      stop = await this.forward(this.end, armed, () => (armed ? 'stop' : 'continue'), control, undefined, () => found);
    } finally {
      hart.tracer = undefined;
    }
    this.noteFocus(this.icount);
    if (stop !== undefined) return stop;
    if (found) {
      const pc = hart.pc >>> 0;
      if (armed && this.breakpoints.has(pc) && (this.hitFilter === undefined || this.hitFilter(pc))) {
        return { kind: 'breakpoint', icount: this.icount, pc, detail: `breakpoint at 0x${pc.toString(16)}` };
      }
      return { kind: 'step', icount: this.icount, pc, detail: 'search matched' };
    }
    return this.endStop();
  }

  /**
   * Moves back to the last step before now (or before `options.before`)
   * after which `predicate` held (see searchForward), or to the start.
   * Replays the intervals before it, nearest first, as reverse continue does.
   */
  async searchBackward(predicate: StepPredicate, control: Control = {}, options: { readonly before?: number } = {}): Promise<Stop> {
    const origin = Math.max(0, Math.min(options.before ?? this.icount, this.end));
    const hart = this.vm.board.hart;
    let hi = origin;
    while (hi > 0) {
      const cp = this.store.atOrBefore(hi - 1)!;
      this.restore(cp);
      let last = -1;
      let prev = hart.pc;
      hart.tracer = (h) => {
        if (h.icount < origin && predicate(h, prev)) last = h.icount;
        prev = h.pc;
      };
      let stop: Stop | undefined;
      try {
        stop = await this.forward(hi, false, () => 'continue', { signal: control.signal, progress: (i) => control.progress?.(origin - i, origin) });
      } finally {
        hart.tracer = undefined;
      }
      if (stop?.kind === 'cancelled') {
        await this.seek(origin);
        return { ...stop, icount: origin };
      }
      if (last >= 0) {
        await this.seek(last);
        return { kind: 'step', icount: this.icount, pc: hart.pc >>> 0, detail: 'search matched' };
      }
      hi = cp.icount;
    }
    await this.seek(0);
    return this.startStop();
  }

  /**
   * The last write before now to [address, address + length), by the guest or a
   * device: the icount and pc of the instruction that made it. The timeline
   * does not move.
   */
  async lastWrite(address: number, length: number, control: Control = {}): Promise<Stop['access'] | undefined> {
    const origin = this.icount;
    const saved = { breakpoints: [...this.breakpoints], watchpoints: this.watchpoints.splice(0), catchpoints: this.catchpoints };
    this.breakpoints.clear();
    this.catchpoints = {};
    this.watchpoints.push({ address, length, kind: WatchKind.Write });
    try {
      const stop = await this.reverseContinue(control);
      return stop.kind === 'watchpoint' ? stop.access : undefined;
    } finally {
      this.watchpoints.splice(0, this.watchpoints.length, ...saved.watchpoints);
      for (const b of saved.breakpoints) this.breakpoints.add(b);
      this.catchpoints = saved.catchpoints;
      if (this.icount !== origin) await this.seek(origin);
    }
  }

  private endStop(): Stop {
    return { kind: 'end', icount: this.icount, pc: this.vm.board.hart.pc >>> 0, detail: 'the end of the recording' };
  }

  private startStop(): Stop {
    return { kind: 'start', icount: 0, pc: this.vm.board.hart.pc >>> 0, detail: 'the start of the recording' };
  }
}

const PRIV = ['U', 'S', '?', 'M'];

/** Resolves when `signal` aborts (never without one). */
function abortion(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Opens a timeline over a recording file. */
export function openTimeline(reader: RecordingReader, options: TimelineOptions = {}): Timeline {
  return new Timeline(reader, options);
}
