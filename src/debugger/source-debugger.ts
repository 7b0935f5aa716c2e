/**
 * Source-level debugging over a Timeline: where the guest is in its C source,
 * its frames and variables, and stepping by source lines in both directions
 * (gdb's step/next/finish and their reverse forms). Reads the guest only
 * through side-effect-free peeks. Shared by `retrovisor debug` and the DAP
 * server, which only translate to and from it.
 *
 * Stepping rules (as gdb's):
 *  - step: run until the pc reaches the start of a statement on another line,
 *    or the same line in another frame; functions without line information
 *    are run through.
 *  - next: the same, ignoring frames deeper than the starting one (calls are
 *    stepped over).
 *  - finish: run until the current function returns to its caller.
 *  - reverse step: back to the last entry into a line (the start of the
 *    current line when in its middle), in any frame.
 *  - reverse next: the same in the starting frame or shallower: calls are
 *    stepped back over, never entered.
 *  - reverse finish: back to the instruction that called the current function.
 */
import type { Hart } from '../hart/hart.js';
import { CSR_NAMES } from '../isa/csr.js';
import type { SourcePosition } from '../symbols/source-lines.js';
import type { Frame, Machine, Symbols } from '../symbols/symbols.js';
import type { Control, Stop, Timeline } from '../timeline/timeline.js';

export type StepKind = 'in' | 'over' | 'out';

const CSR_NUMBERS: ReadonlyMap<string, number> = new Map([...CSR_NAMES].map(([n, name]) => [name, n]));

export class SourceDebugger {
  /** The guest as the symbols layer reads it: peeks only. */
  readonly machine: Machine;
  /** Statement-start addresses (is_stmt rows), for cheap per-step tests. */
  private readonly statements = new Set<number>();

  constructor(readonly timeline: Timeline, readonly symbols: Symbols) {
    const hart = timeline.vm.board.hart;
    const bus = timeline.vm.board.bus;
    this.machine = {
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
    for (const a of symbols.statementAddresses()) this.statements.add(a);
  }

  /** The frames at the current position, innermost first. */
  frames(): Frame[] {
    return this.symbols.unwind(this.machine, { limit: 64 });
  }

  /** The source position of the current pc. */
  position(): SourcePosition | undefined {
    return this.symbols.lineAt(this.timeline.vm.board.hart.pc >>> 0);
  }

  /** The CFA of the innermost physical frame at the current state (the identity of its activation). */
  private topCfa(): number | undefined {
    for (const f of this.symbols.unwind(this.machine, { limit: 2 })) if (!f.inline) return f.cfa;
    return undefined;
  }

  private sameLine(a: SourcePosition | undefined, b: SourcePosition | undefined): boolean {
    return a !== undefined && b !== undefined && a.file === b.file && a.line === b.line;
  }

  /** Whether `pc` starts a statement of a line with debug information. */
  private statementStart(pc: number): SourcePosition | undefined {
    if (!this.statements.has(pc >>> 0)) return undefined;
    return this.symbols.lineAt(pc >>> 0);
  }

  /** Steps by source lines forwards. */
  async step(kind: StepKind, control: Control = {}): Promise<Stop> {
    const t = this.timeline;
    const start = this.position();
    const startCfa = this.topCfa();
    if (kind === 'out') {
      // A frame gdb infers from a tail call was left before this one began: the return is to the frame above it (gdb's finish).
      const caller = this.frames().find((f, i) => i > 0 && !f.inline && !f.tailCall);
      if (caller === undefined || caller.cfa === undefined) return t.stepForward(1, control);
      const returnPc = caller.pc >>> 0;
      const callerCfa = caller.cfa;
      return t.searchForward((h) => (h.pc >>> 0) === returnPc && this.topCfa() === callerCfa, control);
    }
    if (start === undefined) {
      // No line information here: run until code that has some.
      return t.searchForward((h) => this.statementStart(h.pc) !== undefined, control);
    }
    const stop = await t.searchForward((h) => {
      const pos = this.statementStart(h.pc);
      if (pos === undefined) return false;
      const cfa = this.topCfa();
      if (kind === 'over' && cfa !== undefined && startCfa !== undefined && cfa < startCfa) return false; // deeper: a call
      return !this.sameLine(pos, start) || cfa !== startCfa;
    }, control);
    return stop.kind === 'step' ? this.skipPrologue(stop, control) : stop;
  }

  /** Stepping into a function stops after its prologue, where its arguments are in place (as gdb does). */
  private async skipPrologue(stop: Stop, control: Control): Promise<Stop> {
    const pc = this.timeline.vm.board.hart.pc >>> 0;
    const fn = this.symbols.functionAt(pc);
    if (fn === undefined || (fn.entry >>> 0) !== pc) return stop;
    const body = this.symbols.afterPrologue(fn) >>> 0;
    if (body === pc) return stop;
    const cfa = this.topCfa();
    return this.timeline.searchForward((h) => (h.pc >>> 0) === body || this.topCfa() !== cfa && this.statementStart(h.pc) !== undefined, control);
  }

  /** Steps by source lines backwards. */
  async reverseStep(kind: StepKind, control: Control = {}): Promise<Stop> {
    const t = this.timeline;
    const startCfa = this.topCfa();
    if (kind === 'out') {
      const fn = this.symbols.functionAt(t.vm.board.hart.pc >>> 0);
      if (fn === undefined || startCfa === undefined) return t.stepBack(1, control);
      const entry = fn.entry >>> 0;
      if ((t.vm.board.hart.pc >>> 0) === entry) return t.stepBack(1, control);
      const stop = await t.searchBackward((h) => (h.pc >>> 0) === entry && this.topCfa() === startCfa, control);
      // From the function's first instruction, one step back is the call.
      return stop.kind === 'step' ? t.stepBack(1, control) : stop;
    }
    const lineEntry = (h: Hart, prevPc: number): SourcePosition | undefined => {
      const pos = this.statementStart(h.pc);
      if (pos === undefined) return undefined;
      const before = this.symbols.lineAt(prevPc >>> 0);
      const entered = !this.sameLine(pos, before) || this.symbols.functionAt(prevPc >>> 0) !== this.symbols.functionAt(h.pc >>> 0);
      return entered ? pos : undefined;
    };
    return t.searchBackward((h, prevPc) => {
      if (lineEntry(h, prevPc) === undefined) return false;
      if (kind === 'in') return true;
      const cfa = this.topCfa();
      return cfa === undefined || startCfa === undefined || cfa >= startCfa;
    }, control);
  }
}
