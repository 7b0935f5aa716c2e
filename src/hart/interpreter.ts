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
import { DECODED_PAGE_WORDS, OP_BREAKPOINT, OP_ILLEGAL, TLB_MASK, TRAP_SIGNAL } from './loop-abi.js';
import { VmExit } from './trap.js';

const VM_EXIT_VALUES: Record<string, number> = {
  Budget: VmExit.Budget,
  Ecall: VmExit.Ecall,
  Ebreak: VmExit.Ebreak,
  Wfi: VmExit.Wfi,
  HostCsr: VmExit.HostCsr,
  Requested: VmExit.Requested,
  FatalTrap: VmExit.FatalTrap,
  Trap: VmExit.Trap,
  Breakpoint: VmExit.Breakpoint,
};

const M = TLB_MASK;

/** Macro expansions of the snippet language, for the interpreter. */
function expand(snippet: string): string {
  const load = (view: string, align: number, shift: string, kind: number) => (a: string) =>
    `((t = ${a} >>> 12, ltag[t & ${M}] === (t | dctx)${align ? ` && (${a} & ${align}) === 0` : ''}) ? ` +
    `${view}[(${a} + ldelta[t & ${M}]) ${shift}] : this.loadSlow(${a}, ${kind}, pc, ic))`;
  const store = (view: string, align: number, shift: string, size: number) => (a: string, v: string) =>
    `if ((t = ${a} >>> 12, stag[t & ${M}] === (t | dctx)${align ? ` && (${a} & ${align}) === 0` : ''})) ` +
    `${view}[(${a} + sdelta[t & ${M}]) ${shift}] = ${v}; else this.storeSlow(${a}, ${size}, ${v}, pc, ic);`;
  const loads: Record<string, (a: string) => string> = {
    LB: load('ram8s', 0, '| 0', 0),
    LBU: load('ram8', 0, '| 0', 1),
    LH: load('ram16s', 1, '>> 1', 2),
    LHU: load('ram16', 1, '>> 1', 3),
    LW: load('ram32', 3, '>> 2', 4),
  };
  const stores: Record<string, (a: string, v: string) => string> = {
    SB: store('ram8', 0, '| 0', 1),
    SH: store('ram16', 1, '>> 1', 2),
    SW: store('ram32', 3, '>> 2', 4),
  };
  return snippet
    .replace(/\b(LBU|LB|LHU|LH|LW)\((\w+)\)/g, (_, m: string, a: string) => loads[m]!(a))
    .replace(/\b(SB|SH|SW)\((\w+), (\w+)\);/g, (_, m: string, a: string, v: string) => stores[m]!(a, v))
    .replace(/CHECK_TARGET\((\w+)\);/g, (_, t: string) => `if ((${t} & ialign) !== 0) this.misalignedTarget(${t}, pc, ic);`)
    .replace(/EXIT\(VmExit\.(\w+)\);/g, (_, r: string) => `{ this.pc = pc; this.icount = ic; return ${VM_EXIT_VALUES[r]}; }`)
    .replace(/X\[rd\]/g, 'x[(w >>> 8) & 63]')
    .replace(/X\[rs1\]/g, 'x[(w >>> 14) & 31]')
    .replace(/X\[rs2\]/g, 'x[(w >>> 19) & 31]')
    .replace(/\bRD\b/g, '((w >>> 8) & 63)')
    .replace(/\bRS1\b/g, '((w >>> 14) & 31)')
    .replace(/\bLEN\b/g, '(w >>> 24)');
}

/**
 * The source of the run loop (exported for inspection in tests). With
 * `trace`, `this.tracer(this)` is called after every step (retired
 * instruction or taken trap) with pc and icount in sync; control flow is
 * otherwise identical, so a traced run is the same execution.
 */
export function runLoopSource(trace = false): string {
  const step = trace ? 'this.pc = pc; this.icount = ic; this.tracer(this);' : '';
  const cases = INSTRUCTIONS.map((spec, i) => {
    let body = expand(spec.exec);
    if (spec.sync === true) body = `this.pc = pc; this.icount = ic; ${body}`;
    if (spec.control !== true) body += ' pc = (pc + (w >>> 24)) | 0;';
    return `      case ${i + 1}: { /* ${spec.mnemonic} */ ${body} break; }`;
  });
  return `
  const x = this.x;
  const ram = this.ram;
  const ram8 = ram.bytes, ram8s = ram.i8, ram16 = ram.u16, ram16s = ram.i16, ram32 = ram.i32;
  const ltag = this.ltag, ldelta = this.ldelta, stag = this.stag, sdelta = this.sdelta;
  let pc = this.pc | 0;
  let ic = this.icount;
  let t = 0;
  for (;;) {
    if (ic >= budgetEnd) { this.pc = pc; this.icount = ic; return ${VmExit.Budget}; }
    this.pc = pc; this.icount = ic;
    const b = this.boundary(budgetEnd);
    pc = this.pc; ic = this.icount;
    if (b > 0) return b;
    if (b < 0) { ${step} continue; }
    const dctx = this.dataCtx;
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
  }`;
}

/** Compiles the run loop (optionally the traced variant); `this` is the Hart. */
export function buildRunLoop(trace = false): (this: Hart, budgetEnd: number) => VmExit {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the ISA table, see above
  const factory = new Function('TRAP_SIGNAL', 'EMPTY_PAGE', 'mulh', 'mulhsu', 'mulhu',
    `return function run(budgetEnd) {${runLoopSource(trace)}\n};`);
  return factory(TRAP_SIGNAL, new Int32Array(DECODED_PAGE_WORDS), mulh, mulhsu, mulhu) as (this: Hart, budgetEnd: number) => VmExit;
}
