/**
 * Expands the ISA table's snippet language (see src/isa/instructions.ts) into
 * JavaScript for one of the two code generators: the interpreter's run loop
 * (operands come from the packed decoded word `w`) and the block translator
 * (operands are constants and guest registers live in locals). The macros for
 * loads, stores, jump-target checks and VM exits are written once, here, so
 * both generators execute exactly the same semantics with the same TLB fast
 * paths and the same slow-path calls into the Hart.
 *
 * Names the expansion assumes in scope: `pc` and `ic` (this instruction's
 * address and icount), `imm`, `t` (a scratch int), `dctx` (the data TLB
 * context), `flat` (Hart.flatLoadLimit) and `rbase` (RAM's base address, an
 * int32), the RAM views `ram8 ram8s ram16 ram16s ram32`, and the TLB arrays
 * `ltag ldelta stag sdelta`.
 */
import { VmExit } from './trap.js';
import { TLB_MASK } from './loop-abi.js';

/** How one generator spells operands, VM exits and slow-path bookkeeping. */
export interface SnippetTarget {
  /** `X[rd] = value;` */
  assignRd(value: string): string;
  /** A read of X[rs1] / X[rs2]. */
  readonly rs1: string;
  readonly rs2: string;
  /** The register numbers RD (32 for x0) and RS1. */
  readonly rdNumber: string;
  readonly rs1Number: string;
  /** LEN: the instruction's length in bytes. */
  readonly length: string;
  /** Statements that report VM exit `reason` (a number) with pc and icount in sync. */
  exit(reason: number): string;
  /** CHECK_TARGET(t): raise instruction-address-misaligned for a jump to `t` unless it is aligned. */
  checkTarget(t: string): string;
  /**
   * The slow arm of a load (an expression; `a` is the address, `kind` the
   * LoadKind) and of a store (a statement; `size` in bytes). The interpreter
   * calls the hart's slow paths; the translator jumps to one shared slow-path
   * case of its region instead.
   */
  slowLoad(a: string, kind: number): string;
  slowStore(a: string, size: number, v: string): string;
}

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

interface AccessMacro {
  readonly view: string;
  /** Alignment mask checked on the fast path (0 for bytes). */
  readonly align: number;
  /** How the RAM offset becomes an index into the view. */
  readonly shift: string;
  /** LoadKind for loadSlow, or the size for storeSlow. */
  readonly slowArg: number;
}

/** LB/LBU/LH/LHU/LW: the LoadKind numbers match hart.ts (B, BU, H, HU, W). */
const LOADS: Record<string, AccessMacro> = {
  LB: { view: 'ram8s', align: 0, shift: '| 0', slowArg: 0 },
  LBU: { view: 'ram8', align: 0, shift: '| 0', slowArg: 1 },
  LH: { view: 'ram16s', align: 1, shift: '>> 1', slowArg: 2 },
  LHU: { view: 'ram16', align: 1, shift: '>> 1', slowArg: 3 },
  LW: { view: 'ram32', align: 3, shift: '>> 2', slowArg: 4 },
};

const STORES: Record<string, AccessMacro> = {
  SB: { view: 'ram8', align: 0, shift: '| 0', slowArg: 1 },
  SH: { view: 'ram16', align: 1, shift: '>> 1', slowArg: 2 },
  SW: { view: 'ram32', align: 3, shift: '>> 2', slowArg: 4 },
};

/**
 * A load's two fast paths, each a test (setting `t`) and the value it reads
 * when the test holds: flat (an aligned load inside RAM while Hart.flatLoadLimit
 * allows it: `t` is the RAM offset, no TLB lookup), then the load TLB.
 */
interface LoadFastPath {
  readonly flatHit: string;
  readonly flatValue: string;
  readonly hit: string;
  readonly value: string;
}

function loadFastPathOf(m: AccessMacro, a: string): LoadFastPath {
  const aligned = (v: string) => (m.align ? ` && (${v} & ${m.align}) === 0` : '');
  return {
    flatHit: `((t = (${a} - rbase) | 0) >>> 0 < flat${aligned('t')})`,
    flatValue: `${m.view}[t ${m.shift}]`,
    hit: `(t = ${a} >>> 12, ltag[t & ${M}] === (t | dctx)${aligned(a)})`,
    value: `${m.view}[(${a} + ldelta[t & ${M}]) ${m.shift}]`,
  };
}

/**
 * When `expression` is a load macro applied to a name (`LW(a)`), its fast
 * path, for a generator that writes the miss as a statement of its own.
 */
export function loadFastPath(expression: string): LoadFastPath | undefined {
  const m = /^(LBU|LB|LHU|LH|LW)\((\w+)\)$/.exec(expression);
  return m === null ? undefined : loadFastPathOf(LOADS[m[1]!]!, m[2]!);
}

function loadExpr(m: AccessMacro, a: string, target: SnippetTarget): string {
  const fast = loadFastPathOf(m, a);
  return `(${fast.flatHit} ? ${fast.flatValue} : ${fast.hit} ? ${fast.value} : ${target.slowLoad(a, m.slowArg)})`;
}

function storeStatement(m: AccessMacro, a: string, v: string, target: SnippetTarget): string {
  return `if ((t = ${a} >>> 12, stag[t & ${M}] === (t | dctx)${m.align ? ` && (${a} & ${m.align}) === 0` : ''})) ` +
    `${m.view}[(${a} + sdelta[t & ${M}]) ${m.shift}] = ${v}; else ${target.slowStore(a, m.slowArg, v)}`;
}

/** Whether a snippet loads or stores through the TLB macros. */
export function snippetAccessesMemory(snippet: string): boolean {
  return /\b(LBU|LB|LHU|LH|LW|SB|SH|SW)\(/.test(snippet);
}

/** Whether a snippet calls a hart method directly (AMOs, CSRs, xRET ...). */
export function snippetCallsHart(snippet: string): boolean {
  return /\bthis\./.test(snippet);
}

/** Expands one row's `exec` snippet for `target`. */
export function expandSnippet(snippet: string, target: SnippetTarget): string {
  return snippet
    // X[rd] assignments first: their right-hand sides hold no ';' before expansion.
    .replace(/X\[rd\] = ([^;]*);/g, (_, value: string) => target.assignRd(value))
    .replace(/\b(LBU|LB|LHU|LH|LW)\((\w+)\)/g, (_, m: string, a: string) => loadExpr(LOADS[m]!, a, target))
    .replace(/\b(SB|SH|SW)\((\w+), (\w+)\);/g, (_, m: string, a: string, v: string) => storeStatement(STORES[m]!, a, v, target))
    .replace(/CHECK_TARGET\((\w+)\);/g, (_, t: string) => target.checkTarget(t))
    .replace(/EXIT\(VmExit\.(\w+)\);/g, (_, r: string) => {
      const reason = VM_EXIT_VALUES[r];
      if (reason === undefined) throw new Error(`unknown VM exit ${r} in an ISA snippet`);
      return target.exit(reason);
    })
    .replace(/X\[rs1\]/g, target.rs1)
    .replace(/X\[rs2\]/g, target.rs2)
    .replace(/\bRD\b/g, target.rdNumber)
    .replace(/\bRS1\b/g, target.rs1Number)
    .replace(/\bLEN\b/g, target.length);
}
