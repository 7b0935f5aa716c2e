/**
 * One source-level step (`step` or `next`, and `finish` out of an inlined
 * call) as gdb 13 runs it: infrun.c's process_event_stop_test, asked after
 * every instruction whether to stop. The state is gdb's: a step range (the
 * line-table entry being stepped), the frame being stepped in (gdb's
 * frame_id: the activation's CFA, its code address, its inline depth), the
 * line being stepped from, and a step-resume breakpoint (run freely to an
 * address, in a given frame, before looking again). The rules, in gdb's
 * order, each tried when the pc leaves the step range:
 *
 *  1. stepped into a subroutine (the new frame's caller is the frame being
 *     stepped): `next` runs to the return address in that frame; `step`
 *     runs to the end of the callee's prologue (SourceDebugger's
 *     stepIntoAddress), or over the callee when it has no line information;
 *  2. no line information here: stop;
 *  3. at the start of an inlined call in the frame being stepped (its frame
 *     still hidden): `step` enters it when the call is on the line being
 *     stepped, and stops; `next` goes on when the call is on that line;
 *  4. inside an inlined call made from the frame being stepped: `next` goes
 *     on, `step` stops;
 *  5. at the start of a line-table entry of another line: stop if it is a
 *     statement; a non-statement entry in the same frame only moves the
 *     range; in another frame it forgets the line;
 *  6. otherwise (the middle of a line, as after returning to a caller) the
 *     range becomes that entry, and the frame and line become the current
 *     ones: stepping goes on to the next line.
 */
import type { Hart } from '../hart/hart.js';
import type { Die } from '../symbols/debug-info.js';
import { Tag } from '../symbols/dwarf-constants.js';
import { PC_REGISTER, type Machine, type Symbols } from '../symbols/symbols.js';

/** gdb's frame_id: the activation's CFA, the code address (function start or inlined block entry), the inline depth. */
export interface FrameId {
  readonly cfa: number | undefined;
  readonly code: number | undefined;
  readonly depth: number;
}

/** Whether two frame ids name one frame (ids without a CFA are never equal, as in gdb). */
export function sameFrame(a: FrameId | undefined, b: FrameId | undefined): boolean {
  return a !== undefined && b !== undefined && a.cfa !== undefined && a.cfa === b.cfa && a.code === b.code && a.depth === b.depth;
}

/** The frames of the innermost physical frame at a state, as the stepping rules see them. */
export interface Here {
  readonly pc: number;
  /** The innermost physical frame (gdb's stack frame id). */
  readonly stack: FrameId;
  /** The visible frames of that physical frame, innermost first, ending with `stack`. */
  readonly frames: readonly FrameId[];
  /** The inlined calls of each visible inline frame, parallel to `frames` (undefined for the physical one). */
  readonly scopes: readonly (Die | undefined)[];
  /** Inlined calls starting at the pc whose frames are hidden, innermost first. */
  readonly hidden: readonly Die[];
}

/**
 * The frames at the current state, with `hidden` of the inlined calls that
 * start at the pc hidden (all of them when undefined: gdb's rule at a stop).
 */
export function frameState(symbols: Symbols, machine: Machine, hidden?: number): Here {
  const pc = machine.readRegister(PC_REGISTER) >>> 0;
  const cfa = symbols.frameCfa(machine);
  const starting = symbols.inlinedCallsStartingAt(pc);
  const h = Math.min(hidden ?? starting.length, starting.length);
  const inlines = symbols.blockChain(pc).filter((d) => d.tag === Tag.InlinedSubroutine).reverse().slice(h);
  const stack: FrameId = { cfa, code: symbols.functionStart(pc), depth: 0 };
  const frames: FrameId[] = inlines.map((d, i) => ({ cfa, code: symbols.entryOf(d), depth: inlines.length - i }));
  frames.push(stack);
  return { pc, stack, frames, scopes: [...inlines, undefined], hidden: starting.slice(0, h) };
}

/** The physical caller of the innermost frame (gdb's frame_unwind_caller_id and _pc), if it can be unwound. */
function callerOf(symbols: Symbols, machine: Machine): { pc: number; id: FrameId } | undefined {
  const c = symbols.physicalFrames(machine, 2)[1];
  if (c === undefined) return undefined;
  return { pc: c.pc >>> 0, id: { cfa: c.cfa, code: c.start, depth: 0 } };
}

/** The (file, line) a frame is stepped from: the call site of its outermost hidden inlined call, or its pc's line. */
function frameLine(symbols: Symbols, here: Here): { file: string | undefined; line: number } {
  if (here.hidden.length > 0) {
    const site = symbols.callSiteOf(here.hidden[here.hidden.length - 1]!);
    return { file: site.file, line: site.line ?? 0 };
  }
  const sal = symbols.lineAt(here.pc);
  return { file: sal?.file, line: sal?.line ?? 0 };
}

/** A step-resume breakpoint: run to `pc` (in the physical frame `stack`, if given), then stop or look again. */
interface Resume {
  readonly pc: number;
  readonly stack: FrameId | undefined;
  readonly stop: boolean;
}

export class LineStepper {
  private rangeStart = 0;
  private rangeEnd = 0;
  private stepFrame: FrameId;
  private stepStack: FrameId;
  private currentFile: string | undefined;
  private currentLine: number;
  private resume: Resume | undefined;
  /** After a stop that entered an inlined call: how many inlined calls at the pc stay hidden. */
  stopHidden: number | undefined;

  private constructor(
    private readonly symbols: Symbols,
    /** The guest without any inline-frame state: every rule sees gdb's frames at a stop. */
    private readonly machine: Machine,
    private readonly hart: Hart,
    /** 'over' is gdb's STEP_OVER_ALL (next), 'in' STEP_OVER_UNDEBUGGABLE (step). */
    readonly kind: 'in' | 'over',
    frame: FrameId,
    stack: FrameId,
    line: { file: string | undefined; line: number },
  ) {
    this.stepFrame = frame;
    this.stepStack = stack;
    this.currentFile = line.file;
    this.currentLine = line.line;
  }

  /**
   * A `step` or `next` from the current state, `here` being its frames with
   * the thread's inline state (gdb's prepare_one_step and set_step_frame).
   * Undefined where gdb refuses: no line information and no function.
   */
  static start(symbols: Symbols, machine: Machine, hart: Hart, kind: 'in' | 'over', here: Here): LineStepper | undefined {
    const s = new LineStepper(symbols, machine, hart, kind, here.frames[0]!, here.stack, frameLine(symbols, here));
    const sal = symbols.lineAt(here.pc);
    if (sal !== undefined) {
      s.rangeStart = sal.address;
      s.rangeEnd = sal.end ?? symbols.functionBounds(here.pc)?.end ?? sal.address + 1;
    } else {
      // "Single stepping until exit from function X, which has no line number information."
      const b = symbols.functionBounds(here.pc);
      if (b === undefined) return undefined;
      s.rangeStart = b.start;
      s.rangeEnd = b.end;
    }
    return s;
  }

  /**
   * `until` without an argument (gdb's until_next_command): a `next` whose
   * range starts at the function's start, so a jump back (a loop) does not
   * stop it, and ends past the line's trailing non-statement entries.
   * Without line information: from the symbol to the pc. Undefined where gdb
   * refuses: no function known.
   */
  static until(symbols: Symbols, machine: Machine, hart: Hart, here: Here): LineStepper | undefined {
    const s = new LineStepper(symbols, machine, hart, 'over', here.frames[0]!, here.stack, frameLine(symbols, here));
    const pc = here.pc;
    const sal = symbols.lineAt(pc);
    const fn = symbols.functionAt(pc);
    if (fn === undefined || sal === undefined) {
      const sym = symbols.symbolAt(pc);
      if (sym === undefined) return undefined;
      s.rangeStart = (pc - sym.offset) >>> 0;
      s.rangeEnd = pc + 1;
      return s;
    }
    s.rangeStart = fn.entry >>> 0;
    let end = sal.end ?? symbols.functionBounds(pc)?.end ?? sal.address + 1;
    for (let next = symbols.lineAt(end); next !== undefined && next.address === end && next.end !== undefined &&
      next.line === sal.line && next.file === sal.file && !next.isStmt; next = symbols.lineAt(end)) {
      end = next.end;
    }
    s.rangeEnd = end;
    return s;
  }

  /**
   * `finish` out of an inlined call (gdb's finish_command for an INLINE_FRAME):
   * a `next` in the calling frame `caller` with an empty range and no line,
   * so that it stops at the first statement after the inlined code.
   */
  static finishInline(symbols: Symbols, machine: Machine, hart: Hart, caller: FrameId, callerStack: FrameId): LineStepper {
    const s = new LineStepper(symbols, machine, hart, 'over', caller, callerStack, { file: undefined, line: 0 });
    s.rangeStart = s.rangeEnd = hart.pc >>> 0;
    return s;
  }

  /** After each instruction: whether gdb would stop here. */
  check(): boolean {
    const pc = this.hart.pc >>> 0;
    const r = this.resume;
    if (r !== undefined) {
      if (pc !== r.pc) return false;
      if (r.stack !== undefined && !sameFrame(this.stackNow(pc), r.stack)) return false;
      this.resume = undefined;
      if (r.stop) return true;
    }
    if (pc >= this.rangeStart && pc < this.rangeEnd) return false;
    return this.outOfRange(pc);
  }

  private stackNow(pc: number): FrameId {
    return { cfa: this.symbols.frameCfa(this.machine), code: this.symbols.functionStart(pc), depth: 0 };
  }

  private outOfRange(pc: number): boolean {
    const symbols = this.symbols;
    const here = frameState(symbols, this.machine);
    // 1. Stepped into a subroutine: the new frame's caller is the frame being stepped.
    if (!sameFrame(here.stack, this.stepStack)) {
      const caller = callerOf(symbols, this.machine);
      if (caller !== undefined && sameFrame(caller.id, this.stepStack)) return this.intoSubroutine(pc, caller);
    }
    const sal = symbols.lineAt(pc);
    // Stepped into code with neither a name nor lines: out of it again.
    if (this.kind === 'in' && sal === undefined && symbols.functionStart(pc) === undefined) {
      const caller = callerOf(symbols, this.machine);
      if (caller === undefined) return true;
      this.resume = { pc: caller.pc, stack: caller.id, stop: false };
      return false;
    }
    // 2. No line information: stop.
    if (sal === undefined) return true;
    const frame = here.frames[0]!;
    // 3. At an inlined call (its frame hidden) in the frame being stepped.
    if (here.hidden.length > 0 && sameFrame(frame, this.stepFrame)) {
      const site = symbols.callSiteOf(here.hidden[here.hidden.length - 1]!);
      const onLine = site.line === this.currentLine && site.file === this.currentFile;
      if (this.kind === 'over') return !onLine;
      if (onLine) this.stopHidden = here.hidden.length - 1;
      return true;
    }
    // 4. In an inlined call made from the frame being stepped.
    if (frame.depth > 0 && !sameFrame(frame, this.stepFrame) && here.frames.slice(1).some((f) => sameFrame(f, this.stepFrame))) {
      return this.kind === 'in';
    }
    // 5. The start of an entry of another line.
    let refresh = true;
    let line = sal.line;
    if (pc === sal.address && (sal.line !== this.currentLine || sal.file !== this.currentFile)) {
      if (sal.isStmt) return true;
      if (sameFrame(frame, this.stepFrame)) refresh = false;
      else line = 0;
    }
    // 6. Keep stepping through this entry.
    this.rangeStart = sal.address;
    this.rangeEnd = sal.end ?? symbols.functionBounds(pc)?.end ?? sal.address + 1;
    if (refresh) {
      this.stepFrame = frame;
      this.stepStack = here.stack;
      this.currentFile = sal.file;
      this.currentLine = line;
    }
    return false;
  }

  /** gdb's "stepped into subroutine". */
  private intoSubroutine(pc: number, caller: { pc: number; id: FrameId }): boolean {
    if (this.kind === 'in') {
      const start = this.symbols.functionStart(pc);
      if (start !== undefined && this.symbols.lineAt(start) !== undefined) {
        const target = this.symbols.stepIntoAddress(start, (a, n) => this.machine.readMemory(a, n));
        if (target === pc) return true;
        this.resume = { pc: target, stack: undefined, stop: true };
        return false;
      }
    }
    // next, or a callee without line information: run until it returns to this frame.
    this.resume = { pc: caller.pc, stack: caller.id, stop: false };
    return false;
  }
}
