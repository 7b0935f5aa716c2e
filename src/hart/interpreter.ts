/**
 * Generates the hart's run loop from the ISA table: one `switch` with a case
 * per instruction, whose body is the row's `exec` snippet with its macros
 * expanded (see instructions.ts for the snippet language). Generating it keeps
 * the semantics in one table and gives V8 one tight function to optimise.
 *
 * Fast paths are inline: decoded instructions come from a per-page cache and
 * loads/stores hit RAM through the software TLB. Everything rare (TLB misses,
 * devices, CSRs, traps) is a call into the Hart.
 */
import { INSTRUCTIONS } from '../isa/instructions.js';
import { mulh, mulhsu, mulhu } from './multiply.js';
import type { Hart } from './hart.js';
import { DECODED_PAGE_WORDS, OP_BREAKPOINT, OP_ILLEGAL, TRAP_SIGNAL } from './loop-abi.js';
import { VmExit } from './trap.js';
import { expandSnippet, type SnippetTarget } from './snippet-expansion.js';

/** The interpreter's spelling of the snippet language: operands come from the packed word `w`. */
const INTERPRETER_TARGET: SnippetTarget = {
  assignRd: (value) => `x[(w >>> 8) & 63] = ${value};`,
  rs1: 'x[(w >>> 14) & 31]',
  rs2: 'x[(w >>> 19) & 31]',
  rdNumber: '((w >>> 8) & 63)',
  rs1Number: '((w >>> 14) & 31)',
  length: '(w >>> 24)',
  exit: (reason) => `{ this.pc = pc; this.icount = ic; return ${reason}; }`,
  checkTarget: (t) => `if ((${t} & ialign) !== 0) this.misalignedTarget(${t}, pc, ic);`,
  slowLoad: (a, kind) => `this.loadSlow(${a}, ${kind}, pc, ic)`,
  slowStore: (a, size, v) => `this.storeSlow(${a}, ${size}, ${v}, pc, ic);`,
};

/** Variants of the generated loop. */
export interface RunLoopOptions {
  /** Call `this.tracer(this)` after every step. */
  readonly trace?: boolean;
  /**
   * Return (VmExit.Budget) right after the first control-transfer or `sync`
   * instruction (Zicsr, xRET ...) retires, and at the first instruction
   * boundary that needs attention: the block translator's dispatcher runs
   * cold code, and what translated code leaves to the interpreter, one basic
   * block at a time, so it sees every block entry and takes every interrupt
   * itself.
   */
  readonly oneBlock?: boolean;
}

/**
 * The source of the run loop (exported for inspection in tests). With
 * `trace`, `this.tracer(this)` is called after every step (retired
 * instruction or taken trap) with pc and icount in sync; control flow is
 * otherwise identical, so a traced run is the same execution.
 */
export function runLoopSource(options: RunLoopOptions = {}): string {
  const step = options.trace === true ? 'this.pc = pc; this.icount = ic; this.tracer(this);' : '';
  // One block: every boundary (attention, an interrupt taken, an exception delivered) goes back to the dispatcher.
  const leave = options.oneBlock === true ? `this.pc = pc; this.icount = ic; return ${VmExit.Budget};` : '';
  const cases = INSTRUCTIONS.map((spec, i) => {
    let body = expandSnippet(spec.exec, INTERPRETER_TARGET);
    if (spec.sync === true) body = `this.pc = pc; this.icount = ic; ${body}`;
    if (spec.control !== true) body += ' pc = (pc + (w >>> 24)) | 0;';
    if (options.oneBlock === true && (spec.control === true || spec.sync === true)) body += ` ic++; this.pc = pc; this.icount = ic; return ${VmExit.Budget};`;
    return `      case ${i + 1}: { /* ${spec.mnemonic} */ ${body} break; }`;
  });
  return `
  const x = this.x;
  const ram = this.ram;
  const ram8 = ram.bytes, ram8s = ram.i8, ram16 = ram.u16, ram16s = ram.i16, ram32 = ram.i32;
  const ltag = this.ltag, ldelta = this.ldelta, stag = this.stag, sdelta = this.sdelta;
  const rbase = ram.base | 0;
  let pc = this.pc | 0;
  let ic = this.icount;
  let t = 0;
  for (;;) {
    if (ic >= budgetEnd) { this.pc = pc; this.icount = ic; return ${VmExit.Budget}; }
    this.pc = pc; this.icount = ic;
    const b = this.boundary(budgetEnd);
    pc = this.pc; ic = this.icount;
    if (b > 0) return b;
    if (b < 0) { ${step} ${leave} continue; }
    const dctx = this.dataCtx;
    const flat = this.flatLoadLimit;
    const ialign = this.ialignMask;
    let curVpn = -1;
    let page = EMPTY_PAGE;
    try {
      while (ic < this.stopAt) {
        if ((pc >>> 12) !== curVpn) { page = this.fetchPage(pc, ic); curVpn = pc >>> 12; }
        const s = (pc & 4094);
        let w = page[s];
        let imm = page[s + 1];
        if (w === 0) { w = this.decodeAt(page, s, pc, ic); imm = this.decodedImm; }
        let op = w & 255;
        // One pass through the switch; a breakpoint that lets the instruction run re-dispatches it.
        dispatch: for (;;) {
          switch (op) {
${cases.join('\n')}
            case ${OP_ILLEGAL}: { this.pc = pc; this.icount = ic; this.illegalInstruction(imm); }
            case ${OP_BREAKPOINT}: {
              const r = this.atBreakpoint(pc, ic);
              if (r !== 0) return r;
              w = this.decodedWord; imm = this.decodedImm; op = w & 255;
              continue dispatch;
            }
          }
          break;
        }
        ic++;
        ${step}
      }
    } catch (e) {
      if (e !== TRAP_SIGNAL) { this.pc = pc; this.icount = ic; throw e; }
      const r = this.deliverException(pc, ic);
      pc = this.pc; ic = this.icount;
      if (r === 0 || r === ${VmExit.Trap}) { ${step} }
      if (r !== 0) return r;
    }
    ${leave}
  }`;
}

/** Compiles the run loop (or one of its variants); `this` is the Hart. */
export function buildRunLoop(options: RunLoopOptions = {}): (this: Hart, budgetEnd: number) => VmExit {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the ISA table, see above
  const factory = new Function('TRAP_SIGNAL', 'EMPTY_PAGE', 'mulh', 'mulhsu', 'mulhu',
    `return function run(budgetEnd) {${runLoopSource(options)}\n};`);
  return factory(TRAP_SIGNAL, new Int32Array(DECODED_PAGE_WORDS), mulh, mulhsu, mulhu) as (this: Hart, budgetEnd: number) => VmExit;
}
