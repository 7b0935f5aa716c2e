/**
 * Source-level debugging over a Timeline: where the guest is in its C source,
 * its frames and variables, and stepping by source lines in both directions
 * (gdb's step/next/finish and their reverse forms). Reads the guest only
 * through side-effect-free peeks. Shared by `retrovisor debug` and the DAP
 * server, which only translate to and from it.
 *
 * Forward stepping is gdb 13's (line-stepper.ts has the rules). Like gdb it
 * keeps an inline-frame state: at a stop the frames of inlined calls that
 * start at the pc are hidden (the caller shows the call site), unless a
 * breakpoint on that function stopped there, and `step` there enters one of
 * them without running anything.
 *  - step / next: run by those rules; a breakpoint, watchpoint or catchpoint
 *    hit on the way stops them (and is the stop).
 *  - finish: run to the return address in the caller's frame (past
 *    tail-call frames); out of an inlined call, to the first statement after
 *    it. Refused in the outermost frame (main), as gdb refuses it.
 *
 * Reverse stepping goes back to where the forward command would have
 * stopped: the last stop before now of the same command run forwards from
 * an earlier line start in the frame (line starts in one frame are points
 * where gdb's stepping state does not depend on the past), so that reverse
 * next visits the lines next visited, in reverse; stepping back over a
 * function's entry goes on in its caller (gdb: "stop at beginning of line
 * range, unless it's the function entry point, in which case keep going back
 * to the call point").
 *  - reverse step: into calls made on the way (their last line);
 *  - reverse next: calls are stepped back over, never entered;
 *  - reverse finish: back to the instruction that called the current
 *    function (for an inlined call, to the start of the caller's line).
 * Going back, a breakpoint, watchpoint or catchpoint crossed stops the step
 * there (a watched access before the instruction that made it).
 */
import { dieName, type Die } from '../symbols/debug-info.js';
import { Tag } from '../symbols/dwarf-constants.js';
import { CSR_NAMES } from '../isa/csr.js';
import type { SourcePosition } from '../symbols/source-lines.js';
import type { Frame, Machine, Symbols } from '../symbols/symbols.js';
import type { Control, Stop, Timeline } from '../timeline/timeline.js';
import { frameState, LineStepper, sameFrame, type FrameId, type Here } from './line-stepper.js';

export type StepKind = 'in' | 'over' | 'out';

/** Where a source-level command stopped. */
export interface SourceStop extends Stop {
  /** gdb refuses the command here (the message is gdb's); nothing moved. Front ends report it as an error. */
  readonly refused?: string;
}

/** gdb's inline-frame state of the stopped thread: valid while the timeline has not moved. */
interface InlineState {
  readonly generation: number;
  readonly pc: number;
  /** Inlined calls starting at the pc that are hidden; undefined: all of them (gdb's rule at a stop). */
  readonly hidden: number | undefined;
}

/** A place the forward command stops at: its icount and the inline state it leaves (undefined: gdb's default). */
interface StopPoint {
  readonly icount: number;
  readonly hidden: number | undefined;
  /** No earlier stop: the start of the recording. */
  readonly start?: boolean;
}

/** The frame a reverse step looks for earlier stops in. */
interface Context {
  readonly frame: FrameId;
  /** The inlined call of an inline frame. */
  readonly scope: Die | undefined;
  /** The start of the function of its physical frame. */
  readonly function: number | undefined;
}

const CSR_NUMBERS: ReadonlyMap<string, number> = new Map([...CSR_NAMES].map(([n, name]) => [name, n]));

export class SourceDebugger {
  /** The guest as the symbols layer reads it: peeks only, with the inline-frame state. */
  readonly machine: Machine;
  /** The same guest without the inline-frame state: frames as gdb computes them at any stop. */
  private readonly raw: Machine;
  /** Statement-start addresses (find_pc_line's is_stmt entries), for cheap per-step tests. */
  private readonly statements = new Set<number>();
  private inline: InlineState | undefined;
  /** What each front end sharing this debugger says of its breakpoints (see addBreakpointFunctions). */
  private readonly breakpointSpecs: ((pc: number) => readonly string[] | undefined)[] = [];

  constructor(readonly timeline: Timeline, readonly symbols: Symbols) {
    const hart = timeline.vm.board.hart;
    const bus = timeline.vm.board.bus;
    this.raw = {
      readMemory: (address, length) => {
        const out = new Uint8Array(length);
        for (let done = 0; done < length;) {
          const va = (address + done) >>> 0;
          const chunk = Math.min(length - done, 4096 - (va & 0xfff));
          const pa = hart.translateForDebugger(va);
          const bytes = pa === undefined ? undefined : bus.peekBytes(pa, chunk);
          if (bytes === undefined) return undefined;
          out.set(bytes, done);
          done += chunk;
        }
        return out;
      },
      readRegister: (n) => (n === 32 ? hart.pc >>> 0 : hart.x[n]! >>> 0),
      readCsr: (name) => {
        // gdb (with QEMU) also shows the privilege level as the register `priv`.
        if (name === 'priv') return hart.priv;
        const n = CSR_NUMBERS.get(name);
        return n === undefined ? undefined : hart.peekCsr(n);
      },
    };
    this.machine = {
      readMemory: this.raw.readMemory,
      readRegister: this.raw.readRegister,
      readCsr: this.raw.readCsr,
      inlineFramesHidden: (pc) => this.hiddenAt(pc),
    };
    // Statement starts as the stepper sees them: where gdb's find_pc_line gives an is_stmt entry starting
    // there. (An is_stmt row of one file's line vector can be hidden by another file's entry at the address.)
    for (const a of symbols.statementAddresses()) {
      const sal = symbols.lineAt(a);
      if (sal !== undefined && sal.address === a && sal.isStmt) this.statements.add(a);
    }
  }

  private get hart() {
    return this.timeline.vm.board.hart;
  }

  /**
   * The inline state at the current position: the one a stepping command
   * left here, else at a user breakpoint gdb's rule for a stop there
   * (undefined: every inlined call starting here hidden).
   */
  private hiddenAt(pc: number): number | undefined {
    const p = pc >>> 0;
    const s = this.inline;
    if (s !== undefined && s.generation === this.timeline.generation && s.pc === p) return s.hidden;
    // A new stop: gdb decides its inline frames once (skip_inline_frames), from the breakpoints there then.
    const hidden = this.timeline.breakpoints.has(p) ? this.hiddenForBreakpoint(p, this.breakpointFunctions(p)) : undefined;
    this.inline = { generation: this.timeline.generation, pc: p, hidden };
    return hidden;
  }

  /**
   * How many inlined calls starting at `pc` a breakpoint stop hides: those
   * inside the function the breakpoint names, none for a line or address
   * (undefined `names`): gdb's stopped_by_user_bp_inline_frame.
   */
  private hiddenForBreakpoint(pc: number, names: readonly string[] | undefined): number {
    const starting = this.symbols.inlinedCallsStartingAt(pc);
    let hidden = 0;
    while (names !== undefined && hidden < starting.length && !names.includes(dieName(starting[hidden]!) ?? '')) hidden++;
    return hidden;
  }

  /**
   * Without the front end's word, which function a breakpoint at `pc` was
   * set on: the outermost one whose `break FUNCTION` address this is (the
   * function's own, then the entries of inlined calls starting here), or
   * undefined for none (a line or an address).
   */
  private functionBreakpointAt(pc: number): string[] | undefined {
    const fn = this.symbols.functionAt(pc);
    if (fn !== undefined && (this.symbols.breakpointAddress(fn) >>> 0) === pc) return [fn.name];
    const starting = this.symbols.inlinedCallsStartingAt(pc);
    for (let i = starting.length - 1; i >= 0; i--) {
      const name = dieName(starting[i]!);
      if (name !== undefined && this.symbols.entryOf(starting[i]!) === pc) return [name];
    }
    return undefined;
  }

  /**
   * Decides the inline-frame state of a new stop now, as gdb does when the
   * thread stops, so that breakpoints changed before the frames are first
   * shown do not change them. Front ends call it after every stop.
   */
  settle(): void {
    this.hiddenAt(this.hart.pc >>> 0);
  }

  /**
   * Lets a front end say which functions its breakpoints at an address were
   * set on (`break FUNCTION`): the names, none when it has no breakpoint
   * there, or undefined when one of them names no function (a line or an
   * address). At a breakpoint, gdb hides the inlined calls that start there
   * only out to the function a breakpoint names; a line or address
   * breakpoint names the innermost one, so none is hidden. Several front
   * ends may share one debugger (the DAP target and its console commands).
   */
  addBreakpointFunctions(spec: (pc: number) => readonly string[] | undefined): void {
    this.breakpointSpecs.push(spec);
  }

  /** The functions the breakpoints at `pc` name, by the front ends' word, else guessed. */
  private breakpointFunctions(pc: number): readonly string[] | undefined {
    const names: string[] = [];
    for (const spec of this.breakpointSpecs) {
      const some = spec(pc);
      if (some === undefined) return undefined;
      names.push(...some);
    }
    return names.length > 0 ? names : this.functionBreakpointAt(pc);
  }

  private setInline(hidden: number | undefined): void {
    this.inline = { generation: this.timeline.generation, pc: this.hart.pc >>> 0, hidden };
  }

  /** The frames at the current position, innermost first. */
  frames(): Frame[] {
    return this.symbols.unwind(this.machine, { limit: 64 });
  }

  /** The source position of the current pc. */
  position(): SourcePosition | undefined {
    return this.symbols.lineAt(this.hart.pc >>> 0);
  }

  /** The frames the stepping rules see now, with the thread's inline state. */
  private here(): Here {
    return frameState(this.symbols, this.raw, this.hiddenAt(this.hart.pc >>> 0));
  }

  /** Why gdb would refuse this stepping command here (with gdb's message), or undefined. */
  refusal(kind: StepKind, reverse = false): string | undefined {
    const pc = this.hart.pc >>> 0;
    if (kind === 'out') {
      const frames = this.frames();
      if (frames.length < 2) return '"finish" not meaningful in the outermost frame.';
      if (reverse && this.symbols.functionBounds(pc) === undefined) return 'Cannot find bounds of current function';
      if (!reverse && !frames[0]!.inline && frames.slice(1).every((f) => f.tailCall)) return 'Cannot find the caller frame.';
      return undefined;
    }
    if (this.symbols.lineAt(pc) === undefined && this.symbols.functionBounds(pc) === undefined) return 'Cannot find bounds of current function';
    return undefined;
  }

  /** A refused command's stop: where the guest already is. */
  private refused(message: string): SourceStop {
    return { kind: 'step', icount: this.timeline.icount, pc: this.hart.pc >>> 0, detail: message, refused: message };
  }

  /** Steps by source lines forwards (step, next, finish). */
  async step(kind: StepKind, control: Control = {}): Promise<SourceStop> {
    const refusal = this.refusal(kind);
    if (refusal !== undefined) return this.refused(refusal);
    if (kind === 'out') return this.finish(control);
    const t = this.timeline;
    const here = this.here();
    if (kind === 'in' && here.hidden.length > 0) {
      // gdb's step_into_inline_frame: the step enters the inlined call without running anything.
      this.setInline(here.hidden.length - 1);
      return { kind: 'step', icount: t.icount, pc: here.pc, detail: 'entered an inlined call' };
    }
    const stepper = LineStepper.start(this.symbols, this.raw, this.hart, kind, here);
    if (stepper === undefined) return this.refused('Cannot find bounds of current function');
    this.inline = undefined;
    const stop = await t.searchForward(() => stepper.check(), control, { armed: true });
    if (stop.kind === 'step') this.setInline(stepper.stopHidden);
    return stop;
  }

  /**
   * gdb's `until` without an argument: like `next`, but a jump back within
   * the function (a loop) goes on to a line past the current one.
   */
  async until(control: Control = {}): Promise<SourceStop> {
    const stepper = LineStepper.until(this.symbols, this.raw, this.hart, this.here());
    if (stepper === undefined) return this.refused('Execution is not within a known function.');
    this.inline = undefined;
    const stop = await this.timeline.searchForward(() => stepper.check(), control, { armed: true });
    if (stop.kind === 'step') this.setInline(stepper.stopHidden);
    return stop;
  }

  /**
   * gdb's `until LOCATION` (anywhere false) and `advance LOCATION` (true),
   * its until_break_command: runs until the pc reaches one of `addresses`
   * (for until only in the current stack frame, so recursive calls are
   * skipped; for advance in any frame), or until the current frame returns
   * to its caller. Breakpoints and watchpoints on the way stop it too.
   * `fn`: the function a FUNCTION location names. As in gdb, the return is
   * watched at the pc of the frame above (frame_unwind_caller_pc), which
   * for a frame reached by a tail call is the call site gdb infers, where
   * nothing returns: then only the location or the end stops it.
   */
  async runTo(addresses: readonly number[], anywhere: boolean, fn?: string, control: Control = {}): Promise<SourceStop> {
    const stack = this.stackNow();
    const frames = this.symbols.unwind(this.machine, { limit: 64, pastMain: true });
    const innermost = frames.findIndex((f) => !f.inline);
    const above = frames[innermost + 1];
    const callerFrame = frames.slice(innermost + 1).find((f) => !f.inline && !f.tailCall);
    const caller = above === undefined || callerFrame === undefined ? undefined
      : { pc: above.pc >>> 0, id: { cfa: callerFrame.cfa, code: this.symbols.functionStart(callerFrame.lookupPc), depth: 0 } };
    const targets = new Set(addresses.map((a) => a >>> 0));
    this.inline = undefined;
    const stop = await this.timeline.searchForward((h) => {
      const pc = h.pc >>> 0;
      if (caller !== undefined && pc === caller.pc && sameFrame(this.stackNow(), caller.id)) return true;
      return targets.has(pc) && (anywhere || sameFrame(this.stackNow(), stack));
    }, control, { armed: true });
    // A stop at gdb's momentary breakpoints shows the frames as a breakpoint stop does (the return: no function named).
    const pc = this.hart.pc >>> 0;
    if (stop.kind === 'step') this.setInline(this.hiddenForBreakpoint(pc, targets.has(pc) && fn !== undefined ? [fn] : undefined));
    return stop;
  }

  /** gdb's finish: out of the current function (or inlined call) to its caller. */
  private async finish(control: Control): Promise<Stop> {
    const t = this.timeline;
    // The frames with the thread's inline state, read before the command forgets it.
    const frames = this.frames();
    const f0 = frames[0]!;
    if (f0.inline) {
      const caller = frames[1]!;
      const stack = this.frameIdOf(frames, frames.find((f) => f.physical === caller.physical && !f.inline)!);
      const stepper = LineStepper.finishInline(this.symbols, this.raw, this.hart, this.frameIdOf(frames, caller), stack);
      this.inline = undefined;
      const stop = await t.searchForward(() => stepper.check(), control, { armed: true });
      if (stop.kind === 'step') this.setInline(stepper.stopHidden);
      return stop;
    }
    this.inline = undefined;
    // The caller, past the frames gdb infers from tail calls (they ran already).
    const caller = frames.slice(1).find((f) => !f.tailCall)!;
    const returnPc = caller.pc >>> 0;
    const stack: FrameId = { cfa: caller.cfa, code: this.symbols.functionStart(caller.lookupPc), depth: 0 };
    return t.searchForward((h) => (h.pc >>> 0) === returnPc && sameFrame(this.stackNow(), stack), control, { armed: true });
  }

  /** The frame id of a frame of a backtrace (`frames`, as shown now). */
  private frameIdOf(frames: readonly Frame[], f: Frame): FrameId {
    if (!f.inline) return { cfa: f.cfa, code: this.symbols.functionStart(f.lookupPc), depth: 0 };
    const depth = frames.filter((g) => g.physical === f.physical && g.inline && g.level >= f.level).length;
    return { cfa: f.cfa, code: f.scope === undefined ? undefined : this.symbols.entryOf(f.scope), depth };
  }

  /** The innermost physical frame's id now. */
  private stackNow(): FrameId {
    return { cfa: this.symbols.frameCfa(this.raw), code: this.symbols.functionStart(this.hart.pc >>> 0), depth: 0 };
  }

  // ------------------------------------------------------------ reverse

  /** Steps by source lines backwards (reverse step, next, finish). */
  async reverseStep(kind: StepKind, control: Control = {}): Promise<SourceStop> {
    const refusal = this.refusal(kind, true);
    if (refusal !== undefined) return this.refused(refusal);
    const t = this.timeline;
    const origin = t.icount;
    let target: StopPoint | undefined;
    if (kind === 'out') {
      target = await this.callOfCurrentFrame(control);
    } else {
      const here = this.here();
      if (kind === 'in' && await this.enteredWithoutMoving(here)) {
        // In an inlined call a step entered here without moving (gdb's step_into_inline_frame): back out of it.
        this.setInline(here.hidden.length + 1);
        return { kind: 'step', icount: origin, pc: here.pc, detail: 'left an inlined call' };
      }
      target = await this.previousStop(kind, contextOf(here), origin, control, false, here.hidden.length);
    }
    this.inline = undefined;
    if (target === undefined) {
      // Cancelled: back where the command started.
      if (t.icount !== origin) await t.seek(origin);
      return { kind: 'cancelled', icount: origin, pc: this.hart.pc >>> 0, detail: 'cancelled' };
    }
    // A breakpoint, watchpoint or catchpoint crossed on the way back stops the step there: the last
    // one crossed in the frames it steps through (calls it steps back over are stepped over whole).
    const hits = await t.hitsBetween(target.icount, origin, control);
    if (hits === undefined) {
      await t.seek(origin);
      return { kind: 'cancelled', icount: origin, pc: this.hart.pc >>> 0, detail: 'cancelled' };
    }
    if (hits.length > 0) {
      const floor = await this.deeperCfa(target.icount, origin);
      for (let i = hits.length - 1; i >= 0; i--) {
        const h = hits[i]!;
        await t.seek(h.icount);
        const cfa = this.symbols.frameCfa(this.raw);
        if (cfa !== undefined && floor !== undefined && cfa < floor) continue;
        return { ...h, pc: this.hart.pc >>> 0 };
      }
    }
    await t.seek(target.icount);
    this.setInline(target.hidden);
    return target.start === true
      ? { kind: 'start', icount: 0, pc: this.hart.pc >>> 0, detail: 'the start of the recording' }
      : { kind: 'step', icount: t.icount, pc: this.hart.pc >>> 0, detail: `at icount ${t.icount}` };
  }

  /**
   * Whether the innermost inlined call shown that starts at the pc was
   * entered by a `step` issued here (a stop here showed it hidden before),
   * rather than by the step that arrived here: gdb's rule 3 enters one call
   * on arrival when its call site is on the line being stepped, which is
   * the line of the instruction before, in the same frame.
   */
  private async enteredWithoutMoving(here: Here): Promise<boolean> {
    const starting = this.symbols.inlinedCallsStartingAt(here.pc);
    const h = here.hidden.length;
    if (h >= starting.length) return false;
    // Only the outermost call can have been entered on arrival; deeper ones took a step each.
    if (h + 1 < starting.length) return true;
    const t = this.timeline;
    const origin = t.icount;
    if (origin === 0) return true;
    const site = this.symbols.callSiteOf(starting[h]!);
    await t.seek(origin - 1);
    const prev = this.symbols.lineAt(this.hart.pc >>> 0);
    const sameFrame = this.symbols.frameCfa(this.raw) === here.stack.cfa && this.symbols.functionStart(this.hart.pc >>> 0) === here.stack.code;
    await t.seek(origin);
    this.setInline(h);
    const onLine = sameFrame && prev !== undefined && prev.line === site.line && prev.file === site.file;
    return !onLine;
  }

  /** The CFA of the deeper of the frames at two icounts (frames deeper than both were stepped over). */
  private async deeperCfa(a: number, b: number): Promise<number | undefined> {
    await this.timeline.seek(a);
    const x = this.symbols.frameCfa(this.raw);
    await this.timeline.seek(b);
    const y = this.symbols.frameCfa(this.raw);
    return x === undefined ? y : y === undefined ? x : Math.min(x, y);
  }

  /**
   * Where reverse finish goes: the instruction that called the current
   * function (one step before its entry in this activation); out of an
   * inlined call, the start of the caller's line before it.
   */
  private async callOfCurrentFrame(control: Control): Promise<StopPoint | undefined> {
    const t = this.timeline;
    const here = this.here();
    const frame = here.frames[0]!;
    if (frame.depth > 0) return this.previousStop('over', contextOf(here), t.icount, control, true);
    const entry = frame.code;
    if (entry === undefined || frame.cfa === undefined) return { icount: Math.max(0, t.icount - 1), hidden: undefined };
    if (here.pc === entry) return { icount: Math.max(0, t.icount - 1), hidden: undefined };
    const found = await t.searchBackward((h) => (h.pc >>> 0) === entry && this.symbols.frameCfa(this.raw) === frame.cfa, control);
    if (found.kind === 'cancelled') return undefined;
    if (found.kind !== 'step') return { icount: 0, hidden: undefined, start: true };
    return { icount: Math.max(0, found.icount - 1), hidden: undefined };
  }

  /**
   * The last place before `origin` where the forward command `kind` stops,
   * for a step from `context`'s frame: the last stop of that command run
   * forwards from the latest line start before it in the frame (or, for
   * step, in a frame it calls); when that line start is the only candidate,
   * whether the command stops there is found the same way from the line
   * start before it. Past the frame's entry, the same in its caller. With
   * `fromCaller`, the search starts in the caller of the (inlined) frame.
   * With `originHidden` (how many inlined calls starting at the pc are
   * hidden now), a stop at `origin` itself with more of them hidden counts
   * as earlier: `step` enters such calls one at a time without moving.
   * Undefined when cancelled.
   */
  private async previousStop(kind: 'in' | 'over', context: Context, origin: number, control: Control, fromCaller = false, originHidden?: number):
  Promise<StopPoint | undefined> {
    // Stops at the origin's icount with more inlined calls hidden than now came before this one.
    const startingHere = this.symbols.inlinedCallsStartingAt(this.hart.pc >>> 0).length;
    const earlier = (p: StopPoint): boolean => p.icount < origin || (originHidden !== undefined && p.icount === origin &&
      Math.min(p.hidden ?? startingHere, startingHere) > originHidden);
    if (context.frame.cfa === undefined) return this.previousStatement(origin, control);
    let ctx = context;
    let before = origin;
    if (!fromCaller && ctx.frame.depth === 0 && (this.hart.pc >>> 0) === ctx.frame.code) {
      // At the function's entry already: its caller's line.
      ({ ctx, before } = await this.callerContext(ctx, origin));
    } else if (fromCaller) {
      const b = await this.anchorOrBoundary(kind, ctx, before, control, true);
      if (b === 'cancelled') return undefined;
      if (b === undefined) return { icount: 0, hidden: undefined, start: true };
      ({ ctx, before } = await this.callerContext(ctx, b.icount));
    }
    let segmentEnd = before;
    let pending: StopPoint | undefined;
    for (;;) {
      const found = await this.anchorOrBoundary(kind, ctx, before, control);
      if (found === 'cancelled') return undefined;
      if (found === undefined) return pending ?? { icount: 0, hidden: undefined, start: true };
      if (found.anchor) {
        const end = segmentEnd === origin && originHidden !== undefined ? origin + 1 : segmentEnd;
        const stops = (await this.forwardStops(kind, found.icount, end, control, found.hidden))?.filter(earlier);
        if (stops === undefined) return undefined;
        if (stops.length > 0) return stops[stops.length - 1];
        // No stop after this line start: the candidate is the line start itself.
        pending = { icount: found.icount, hidden: found.hidden };
        segmentEnd = found.icount + 1;
        before = found.icount;
        continue;
      }
      // The frame's entry is behind. Reverse next stays in the function down to its entry (where a
      // breakpoint on it stops in optimized code), the forward command being run from there; reverse
      // step goes on to the caller's line as gdb does, unless the function has no prologue (a step
      // into it stops at its entry) or it got to a line start after the prologue.
      if (ctx.frame.depth === 0) {
        if (kind === 'over' || (ctx.frame.code !== undefined && this.isEndOfPrologue(ctx.frame.code))) {
          const stops = await this.forwardStops(kind, found.icount, segmentEnd, control);
          if (stops === undefined) return undefined;
          return stops.length > 0 ? stops[stops.length - 1]! : { icount: found.icount, hidden: undefined };
        }
        if (pending !== undefined) return pending;
      } else if (pending !== undefined) {
        return pending;
      }
      // Out of an inlined call, the caller's command runs on to where this one started: its stops
      // inside the inlined code count (a range of the call can start after caller code). Out of a
      // function, only the caller's stops before the call count (gdb goes back to the call).
      const inlined = ctx.frame.depth > 0;
      ({ ctx, before } = await this.callerContext(ctx, found.icount));
      if (!inlined) segmentEnd = before;
      pending = undefined;
    }
  }

  /**
   * Where there is no frame to step in (no CFA: code that cannot be
   * unwound), the latest statement start before `origin`. Undefined when
   * cancelled.
   */
  private async previousStatement(origin: number, control: Control): Promise<StopPoint | undefined> {
    const found = await this.timeline.searchBackward((h) => this.statements.has(h.pc >>> 0), control, { before: origin });
    if (found.kind === 'cancelled') return undefined;
    return found.kind === 'step' ? { icount: found.icount, hidden: undefined } : { icount: 0, hidden: undefined, start: true };
  }

  /**
   * The caller's frame at a frame's boundary: at the call instruction before
   * a function's entry, at the caller's last instruction before an inlined
   * call. Returns it with the icount its earlier stops must come before.
   */
  private async callerContext(ctx: Context, boundary: number): Promise<{ ctx: Context; before: number }> {
    const at = ctx.frame.depth > 0 ? boundary : Math.max(0, boundary - 1);
    await this.timeline.seek(at);
    return { ctx: contextOf(frameState(this.symbols, this.raw)), before: at + 1 };
  }

  /**
   * The latest point before `before` that is a line start in the context's
   * frame (for step, or in a frame below it), or the boundary of the frame:
   * its function's entry in this activation, or for an inlined call the
   * caller's code before it. Line starts where an inlined call starts, and
   * those in a function's prologue, are not used (whether gdb stops there
   * depends on the line it was stepping); a function's end of prologue is
   * one (for step, even where inlined calls start). One exception: the
   * entry of the inlined call being stepped in is its first line's start,
   * where gdb's reverse rule stops ("stop at beginning of line range",
   * the entry of a physical function excepted); `hidden` says how many of
   * the inlined calls starting there stay hidden (the deeper ones). gdb
   * itself then hides that call's frame too (skip_inline_frames at every
   * stop), showing the call site; we keep showing the frame the user was
   * stepping in, where the forward `step` from the call site shows it.
   */
  private async anchorOrBoundary(kind: 'in' | 'over', ctx: Context, before: number, control: Control, boundaryOnly = false):
  Promise<{ icount: number; anchor: boolean; hidden?: number } | undefined | 'cancelled'> {
    const symbols = this.symbols;
    const frame = ctx.frame;
    const cfa = frame.cfa;
    if (cfa === undefined) return undefined;
    const inline = frame.depth > 0;
    let anchor = false;
    let hidden: number | undefined;
    const isBoundary = (pc: number, here: number | undefined): boolean => {
      if (here === undefined) return false;
      if (!inline) return pc === frame.code && here === cfa;
      // (A callee of a caller without a stack frame has the caller's CFA: the same function is needed.)
      return here > cfa || (here === cfa && symbols.functionStart(pc) === ctx.function && !symbols.blockChain(pc).includes(ctx.scope!));
    };
    const isAnchor = (pc: number, here: number): boolean => {
      hidden = undefined;
      const starting = symbols.inlinedCallsStartingAt(pc);
      if (starting.length > 0) {
        // (Its entry only: the forward command passes the starts of its other ranges without stopping.)
        const k = inline && here === cfa && pc === frame.code ? starting.indexOf(ctx.scope!) : -1;
        if (k >= 0) {
          hidden = k;
          return true;
        }
        // Where a step into a function stops, its state is known too: every call starting there hidden.
        return kind === 'in' && this.isEndOfPrologue(pc) && (here < cfa || (here === cfa && !inline && symbols.functionStart(pc) === ctx.function));
      }
      if (this.inPrologue(pc)) return false;
      if (here < cfa) return kind === 'in';
      if (here !== cfa || symbols.functionStart(pc) !== ctx.function) return false;
      // The frame itself, or for step an inlined call in it.
      const chain = symbols.blockChain(pc);
      let innermost: Die | undefined;
      for (let i = chain.length - 1; i > 0 && innermost === undefined; i--) if (chain[i]!.tag === Tag.InlinedSubroutine) innermost = chain[i];
      if (innermost === ctx.scope) return true;
      return kind === 'in' && (ctx.scope === undefined || chain.includes(ctx.scope));
    };
    const stop = await this.timeline.searchBackward((h) => {
      const pc = h.pc >>> 0;
      // Cheap tests first: most instructions are neither a line start nor a function entry.
      // (A step into a function stops at its end of prologue; next is anchored at the entry instead.)
      const candidate = !boundaryOnly && (this.statements.has(pc) || (kind === 'in' && this.isEndOfPrologue(pc)) || (inline && pc === frame.code));
      if (!inline && pc !== frame.code && !candidate) return false;
      // An inlined call's boundary is in its own function: elsewhere only line starts matter.
      if (inline && !candidate && symbols.functionStart(pc) !== ctx.function) return false;
      const here = symbols.frameCfa(this.raw);
      if (isBoundary(pc, here)) { anchor = false; return true; }
      if (!candidate || here === undefined || !isAnchor(pc, here)) return false;
      anchor = true;
      return true;
    }, control, { before });
    if (stop.kind === 'cancelled') return 'cancelled';
    if (stop.kind !== 'step') return undefined;
    return { icount: stop.icount, anchor, hidden: anchor ? hidden : undefined };
  }

  private readonly prologueEnds = new Map<number, number>();

  /** Where a step into the function containing `pc` stops (cached per function). */
  private endOfPrologue(pc: number): number | undefined {
    const start = this.symbols.functionStart(pc);
    if (start === undefined) return undefined;
    let end = this.prologueEnds.get(start);
    if (end === undefined) {
      end = this.symbols.stepIntoAddress(start, this.raw.readMemory);
      this.prologueEnds.set(start, end);
    }
    return end;
  }

  private isEndOfPrologue(pc: number): boolean {
    return this.endOfPrologue(pc) === pc;
  }

  /** Whether `pc` is in its function's prologue (before where a step into it stops). */
  private inPrologue(pc: number): boolean {
    const start = this.symbols.functionStart(pc);
    const end = this.endOfPrologue(pc);
    return start !== undefined && end !== undefined && pc >= start && pc < end;
  }

  /**
   * Runs the forward command `kind` over and over from `from` (a line start,
   * where its state is known, `hidden` the inline state there) and lists
   * where it stops before `end`. Undefined when cancelled.
   */
  private async forwardStops(kind: 'in' | 'over', from: number, end: number, control: Control, hidden?: number): Promise<StopPoint[] | undefined> {
    const t = this.timeline;
    await t.seek(from);
    const stops: StopPoint[] = [];
    if (from + 1 >= end) return stops;
    if (kind === 'in') {
      // A step here first enters the inlined calls hidden here, one at a time, without moving.
      const starting = this.symbols.inlinedCallsStartingAt(this.hart.pc >>> 0).length;
      for (let k = Math.min(hidden ?? starting, starting) - 1; k >= 0; k--) stops.push({ icount: from, hidden: k });
      hidden = 0;
    }
    let stepper = LineStepper.start(this.symbols, this.raw, this.hart, kind, frameState(this.symbols, this.raw, hidden));
    if (stepper === undefined) return stops;
    const stop = await t.searchForward((h) => {
      if (h.icount >= end) return true;
      if (stepper !== undefined && stepper.check()) {
        stops.push({ icount: h.icount, hidden: stepper.stopHidden });
        if (kind === 'in') {
          // The steps after it enter the inlined calls hidden there one at a time, without moving.
          const starting = this.symbols.inlinedCallsStartingAt(h.pc >>> 0).length;
          for (let k = Math.min(stepper.stopHidden ?? starting, starting) - 1; k >= 0; k--) stops.push({ icount: h.icount, hidden: k });
        }
        // The next command starts here; a step first enters the inlined calls that start here.
        const hidden = kind === 'in' ? 0 : stepper.stopHidden;
        stepper = LineStepper.start(this.symbols, this.raw, this.hart, kind, frameState(this.symbols, this.raw, hidden));
      }
      return false;
    }, control);
    if (stop.kind === 'cancelled') return undefined;
    return stops;
  }
}


/** The context of a reverse step from the frames at a state. */
function contextOf(here: Here): Context {
  return { frame: here.frames[0]!, scope: here.scopes[0], function: here.stack.code };
}
