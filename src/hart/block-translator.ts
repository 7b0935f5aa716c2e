/**
 * Binary translation: guest code, one 4 KiB physical page at a time, compiled
 * into a JavaScript function that V8 optimises (the hypervisor's "binary
 * translation", with JS as the host code).
 *
 * A translated region holds the basic blocks found in one physical page,
 * starting from the entries the dispatcher has seen and following every
 * branch, jump and call return that stays in the page. Its function is one
 * `for (;;) switch (offset)` whose cases are the blocks, so a loop inside the
 * page runs without leaving the function (blocks chain directly), and guest
 * registers live in locals for as long as it runs. Leaving the page, an
 * unknown entry, a VM exit, a trap and anything that asks for the hart's
 * attention (stopAt) return to the dispatcher (Hart.run).
 *
 * The code is generated from the ISA table's snippets with the same macro
 * expansion as the interpreter (snippet-expansion.ts), so loads and stores
 * take the same TLB fast paths and the same slow paths. What keeps it exact:
 *   - a block runs only if it fits the budget (icount + length <= stopAt);
 *     otherwise the dispatcher interprets the last steps;
 *   - after any call into the hart (a slow path, an AMO, a CSR), stopAt is
 *     read again and the block is left after that instruction if attention
 *     was requested: interrupts, watchpoints, device side effects and writes
 *     to translated code stop it exactly where the interpreter would stop;
 *   - a trap unwinds through a catch that writes the locals back, and the
 *     slow path that raised it has already set pc and icount: every earlier
 *     instruction's effects are in place, the faulting one's are not;
 *   - blocks end at control transfers, at `sync` rows (CSRs, xRET, wfi,
 *     sfence.vma), before a breakpoint and before an instruction that
 *     crosses the page end (both left to the interpreter).
 * The code is position independent (pc = vbase + offset), so a translation
 * depends only on the page's bytes and on misa.C (jump-target alignment);
 * the virtual-to-physical mapping is looked up by the dispatcher through the
 * same fetch TLB the interpreter uses, for every page it enters.
 */
import { INSTRUCTIONS } from '../isa/instructions.js';
import { Format, type InstructionSpec } from '../isa/types.js';
import { OP_BREAKPOINT, OP_ILLEGAL, TRAP_SIGNAL } from './loop-abi.js';
import { mulh, mulhsu, mulhu } from './multiply.js';
import { expandSnippet, snippetAccessesMemory, snippetCallsHart, type SnippetTarget } from './snippet-expansion.js';
import type { Hart } from './hart.js';

/**
 * A translated region: called with `this` = the hart and the entry offset in
 * the page. Returns 0 with pc and icount stored (the dispatcher goes on), or
 * a VmExit. Throws TRAP_SIGNAL like the slow paths.
 */
export type RegionFunction = (this: Hart, entry: number) => number;

/** Longest basic block, in instructions (a block this long ends and falls through to the next). */
export const MAX_BLOCK_LENGTH = 64;
/**
 * Most instructions in one region. V8 optimises smaller functions sooner and
 * does not optimise very large ones at all (their bytecode must stay well
 * under TurboFan's limit), so a page's code is split into several regions,
 * each rooted at a hot entry.
 */
export const MAX_REGION_INSTRUCTIONS = 64;

/** The translator's view of the code in one page. */
export interface PageCode {
  /**
   * The packed decoded word of the instruction at `offset` (the interpreter's
   * decoded-instruction cache format), or 0 when it cannot be translated
   * there (a 32-bit instruction crossing the page end).
   */
  word(offset: number): number;
  /** The immediate of the instruction `word` just returned. */
  immediate(): number;
}

/** A translated region: its function and the blocks it holds. */
export interface TranslatedRegion {
  readonly fn: RegionFunction;
  /** Offsets where its blocks start, the root first; empty when no block can start at the root. */
  readonly blockStarts: readonly number[];
  readonly instructions: number;
  readonly source: string;
}

export interface TranslateOptions {
  /** At most this many instructions per block (a budget tail), else MAX_BLOCK_LENGTH. */
  readonly maxBlockLength?: number;
  /** At most this many instructions in the region, else MAX_REGION_INSTRUCTIONS. */
  readonly maxInstructions?: number;
  /** The virtual address the page is mapped at (the code holds pc values as literals). */
  readonly vbase: number;
  /** misa.C is off: jump targets must be 4-byte aligned (ialignMask). */
  readonly ialignMask: number;
  /**
   * Chain blocks inside the region (default). Without it every block returns
   * to the dispatcher, so the lockstep checker sees each one.
   */
  readonly chain: boolean;
}

interface Instruction {
  readonly offset: number;
  readonly word: number;
  readonly imm: number;
  /** Row of INSTRUCTIONS, or undefined for an illegal encoding. */
  readonly spec: InstructionSpec | undefined;
  readonly length: number;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
}

interface Block {
  readonly offset: number;
  readonly instructions: Instruction[];
  /** Offset after the last instruction (where a non-control block continues). */
  readonly next: number;
}


/** Compiled functions by source text: the same code anywhere (another hart, after a restore) is compiled once. */
const compiled = new Map<string, RegionFunction>();
const COMPILED_LIMIT = 4096;

/**
 * Forgets every compiled region function, so the next translations compile
 * (and V8 warms them up) from scratch. The benchmark calls it before each
 * measured run, so every run pays for its own translation.
 */
export function forgetCompiledRegions(): void {
  compiled.clear();
}

/** Turns the code of one page into a region function. */
export class BlockTranslator {
  /** Regions compiled with new Function (the others came from the source cache), for statistics. */
  compiledCount = 0;

  /**
   * Translates the blocks reachable in-page from `root` (breadth first, up to
   * MAX_REGION_INSTRUCTIONS) that `wanted` accepts: code that has never run
   * stays out, because V8 deoptimises a function each time it first reaches
   * a path it has no type feedback for, and recompiling is costly.
   */
  translate(code: PageCode, root: number, wanted: (offset: number) => boolean, options: TranslateOptions): TranslatedRegion {
    const blocks = this.discover(code, root, wanted, options.maxBlockLength ?? MAX_BLOCK_LENGTH, options.maxInstructions ?? MAX_REGION_INSTRUCTIONS);
    const blockStarts = [...blocks.keys()];
    let instructions = 0;
    for (const b of blocks.values()) instructions += b.instructions.length;
    const source = regionSource([...blocks.values()], options);
    let fn = compiled.get(source);
    if (fn === undefined) {
      if (compiled.size >= COMPILED_LIMIT) compiled.clear();
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the ISA table, see above
      const factory = new Function('TRAP_SIGNAL', 'mulh', 'mulhsu', 'mulhu', source);
      fn = factory(TRAP_SIGNAL, mulh, mulhsu, mulhu) as RegionFunction;
      compiled.set(source, fn);
      this.compiledCount++;
    }
    return { fn, blockStarts, instructions, source };
  }

  /** Finds the blocks reachable from `root` without leaving the page, nearest first. */
  private discover(code: PageCode, root: number, wanted: (offset: number) => boolean, maxBlock: number, maxTotal: number): Map<number, Block> {
    const blocks = new Map<number, Block>();
    const work = [root];
    const seen = new Set<number>(work);
    let total = 0;
    for (let i = 0; i < work.length && total < maxTotal; i++) {
      const start = work[i]!;
      const block = scanBlock(code, start, Math.min(maxBlock, maxTotal - total));
      if (block === undefined) continue;
      blocks.set(start, block);
      total += block.instructions.length;
      for (const s of successors(block)) {
        if (s >= 0 && s < 4096 && !seen.has(s) && wanted(s)) {
          seen.add(s);
          work.push(s);
        }
      }
    }
    return blocks;
  }
}

/** Decodes one block from `start`; undefined when no instruction there can be translated. */
function scanBlock(code: PageCode, start: number, maxLength: number): Block | undefined {
  const instructions: Instruction[] = [];
  let offset = start;
  while (offset < 4096 && instructions.length < maxLength) {
    const word = code.word(offset);
    if (word === 0) break; // crosses the page end
    const op = word & 255;
    if (op === OP_BREAKPOINT) break;
    const length = word >>> 24;
    const spec = op === OP_ILLEGAL ? undefined : INSTRUCTIONS[op - 1];
    instructions.push({
      offset, word, imm: code.immediate(), spec, length,
      rd: (word >>> 8) & 63, rs1: (word >>> 14) & 31, rs2: (word >>> 19) & 31,
    });
    offset += length;
    if (spec === undefined || spec.control === true || spec.sync === true) break;
  }
  if (instructions.length === 0) return undefined;
  return { offset: start, instructions, next: offset };
}

/** Offsets control may reach after a block (targets, fall-through, the return point of a call). */
function successors(block: Block): number[] {
  const last = block.instructions[block.instructions.length - 1]!;
  const spec = last.spec;
  if (spec === undefined) return [];
  if (spec.control !== true) return [block.next];
  const after = last.offset + last.length;
  const target = last.offset + last.imm;
  switch (spec.mnemonic) {
    case 'jal': return last.rd !== 32 ? [target, after] : [target];
    case 'jalr': return last.rd !== 32 ? [after] : [];
    case 'ecall': case 'ebreak': case 'wfi': return [after];
    case 'mret': case 'sret': return [];
    default: return [target, after]; // branches
  }
}

const reg = (r: number): string => (r === 0 ? '0' : `r${r}`);

/** Guest registers a block reads or writes (they live in locals while the region runs). */
function registersOf(blocks: readonly Block[]): number[] {
  const used = new Set<number>();
  for (const b of blocks) {
    for (const i of b.instructions) {
      const spec = i.spec;
      if (spec === undefined) continue;
      if (spec.exec.includes('X[rs1]') && i.rs1 !== 0) used.add(i.rs1);
      if (spec.exec.includes('X[rs2]') && i.rs2 !== 0) used.add(i.rs2);
      if ((spec.exec.includes('X[rd]') || spec.sync === true) && i.rd !== 32) used.add(i.rd);
    }
  }
  return [...used].sort((a, b) => a - b);
}

/** Case numbers of a region's switch: blocks first, then continuations after memory accesses, then the slow paths. */
class CaseNumbers {
  private next = 1;
  readonly blocks = new Map<number, number>();

  constructor(blocks: readonly Block[]) {
    for (const b of blocks) this.blocks.set(b.offset, this.next++);
  }

  /** A fresh case number (continuations, slow paths). */
  fresh(): number {
    return this.next++;
  }

  /** The case of the block at `offset`, or 0 (leave the region) when it has none. */
  block(offset: number): number {
    return this.blocks.get(offset) ?? 0;
  }
}

/** An int32 as a JavaScript literal (V8's parser folds arithmetic on literals, so `pc + 4` needs no type feedback). */
const literal = (n: number): string => (n < 0 ? `(${n})` : String(n));

/** The JavaScript of a region's factory: its block table and the region function over `blocks`. */
function regionSource(blocks: readonly Block[], options: TranslateOptions): string {
  const cases = new CaseNumbers(blocks);
  const slowLoad = cases.fresh();
  const slowStore = cases.fresh();
  const regs = registersOf(blocks);
  const sync = { writeback: regs.map((r) => `x[${r}] = r${r};`).join(' '), reload: regs.map((r) => `r${r} = x[${r}];`).join(' ') };
  const body = blocks.map((b) => blockSource(b, cases, { slowLoad, slowStore }, sync, options)).join('\n');
  const table = [...cases.blocks].map(([o, i]) => `${o >> 1}, ${i}`).join(', ');
  const vbase = literal(options.vbase | 0);
  return `const SLOTS = new Uint16Array(2048);
const starts = [${table}];
for (let i = 0; i < starts.length; i += 2) SLOTS[starts[i]] = starts[i + 1];
// Virtual page 0x${(options.vbase >>> 0).toString(16)}.
return function region(o) {
  const x = this.x;
  const ram = this.ram;
  const ram8 = ram.bytes, ram8s = ram.i8, ram16 = ram.u16, ram16s = ram.i16, ram32 = ram.i32;
  const ltag = this.ltag, ldelta = this.ldelta, stag = this.stag, sdelta = this.sdelta;
  const dctx = this.dataCtx;
  let bic = this.icount;
  let stop = this.stopAt;
  let t = 0, slow = 0, exit = 0;
  // A load or store that missed the TLB: its address, value, kind, rd, offset, index in the block, next offset, continuation.
  let sa = 0, sv = 0, sk = 0, srd = 0, so = 0, si = 0, sn = 0, sb = 0;
  ${regs.length > 0 ? `let ${regs.map((r) => `r${r} = x[${r}]`).join(', ')};` : ''}
  let b = SLOTS[o >> 1];
  run: for (;;) {
    switch (b) {
${body}
      case ${slowLoad}:
        ${sync.writeback}
        x[srd] = this.loadSlow(sa, sk, (${vbase} + so) | 0, bic + si);
        ${sync.reload}
        stop = this.stopAt;
        if (bic + si + 1 >= stop) { o = sn; bic += si + 1; break run; }
        b = sb;
        continue run;
      case ${slowStore}:
        ${sync.writeback}
        this.storeSlow(sa, sk, sv, (${vbase} + so) | 0, bic + si);
        stop = this.stopAt;
        if (bic + si + 1 >= stop) { o = sn; bic += si + 1; break run; }
        b = sb;
        continue run;
      default:
        break run;
    }
  }
  ${sync.writeback}
  if (exit !== 0) return exit;
  this.pc = (${vbase} + o) | 0;
  this.icount = bic;
  return 0;
};`;
}

/**
 * Binds the snippet's `pc` (reads become the literal address; in control
 * rows, writes go to `npc`), `ic` and `imm` to this instruction's values.
 * `this.pc` is a field, not `pc`.
 */
function bindConstants(code: string, pc: number, ic: string, imm: number): string {
  return code
    .replace(/(?<![.\w])pc = (?!=)/g, 'npc = ')
    .replace(/(?<!\.)\bpc\b/g, literal(pc))
    .replace(/(?<!\.)\bic\b/g, ic)
    .replace(/(?<!\.)\bimm\b/g, literal(imm));
}

/** Where a block's control goes: statements setting `b` (the caller set `o` for control rows). */
function successorCase(insn: Instruction, cases: CaseNumbers): string {
  const spec = insn.spec!;
  if (spec.format === Format.B) {
    const taken = insn.offset + insn.imm;
    const fall = insn.offset + insn.length;
    return `b = o === ${taken} ? ${cases.block(taken)} : o === ${fall} ? ${cases.block(fall)} : 0;`;
  }
  if (spec.mnemonic === 'jal') return `b = ${cases.block(insn.offset + insn.imm)};`;
  return 'b = (o >>> 0) < 4096 ? SLOTS[o >> 1] : 0;';
}

/** One block as `case` labels of the region's switch (one more after each memory access, where a slow path resumes). */
function blockSource(block: Block, cases: CaseNumbers, slow: { slowLoad: number; slowStore: number }, sync: { writeback: string; reload: string }, options: TranslateOptions): string {
  const n = block.instructions.length;
  const lines: string[] = [`      case ${cases.block(block.offset)}: // 0x${block.offset.toString(16)}: ${block.instructions.map((i) => i.spec?.mnemonic ?? 'illegal').join(' ')}`];
  lines.push(`        if (bic + ${n} > stop) break run;`);
  const leave = options.chain ? 'continue run;' : 'break run;';
  block.instructions.forEach((insn, k) => {
    const last = k === n - 1;
    const spec = insn.spec;
    const pc = (options.vbase + insn.offset) | 0;
    const icNow = k === 0 ? 'bic' : `(bic + ${k})`;
    const next = insn.offset + insn.length;
    if (spec === undefined) {
      lines.push(`        ${sync.writeback} this.pc = ${literal(pc)}; this.icount = ${icNow}; this.illegalInstruction(${insn.imm});`);
      lines.push('        break run;');
      return;
    }
    const memory = snippetAccessesMemory(spec.exec);
    const resume = memory ? cases.fresh() : 0;
    // Everything a slow path needs to run this access and come back (constants only: nothing here needs type feedback).
    const missState = `so = ${insn.offset}; si = ${k}; sn = ${next}; sb = ${resume};`;
    const target: SnippetTarget = {
      assignRd: (value) => {
        if (!memory) return insn.rd === 32 ? `(${value});` : `r${insn.rd} = (${value}) | 0;`;
        return `{ const v = ${value}; if (slow !== 0) { slow = 0; srd = ${insn.rd}; ${missState} b = ${slow.slowLoad}; continue run; }` +
          `${insn.rd === 32 ? '' : ` r${insn.rd} = v;`} }`;
      },
      rs1: reg(insn.rs1),
      rs2: reg(insn.rs2),
      rdNumber: String(insn.rd),
      rs1Number: String(insn.rs1),
      length: String(insn.length),
      exit: (reason) => `{ this.pc = pc; this.icount = ic; exit = ${reason}; break run; }`,
      // With C on (ialign 16) every computed target is 2-byte aligned: the check cannot fire.
      checkTarget: (t) => (options.ialignMask === 0 ? '' : `if ((${t} & ${options.ialignMask}) !== 0) { ${sync.writeback} this.misalignedTarget(${t}, pc, ic); }`),
      slowLoad: (a, kind) => `(slow = 1, sa = ${a}, sk = ${kind}, 0)`,
      slowStore: (a, size, v) => `{ sa = ${a}; sv = ${v}; sk = ${size}; ${missState} b = ${slow.slowStore}; continue run; }`,
    };
    let code = expandSnippet(spec.exec, target);
    const direct = snippetCallsHart(spec.exec);
    // A hart method may trap: the registers must be in x first. Zicsr rows write X[RD] themselves.
    if (direct) code = `${sync.writeback} ${code}`;
    if (spec.sync === true) code = `this.pc = pc; this.icount = ic; ${code}${insn.rd !== 32 ? ` r${insn.rd} = x[${insn.rd}];` : ''}`;
    if (spec.control === true) {
      lines.push(`        { let npc = 0; ${bindConstants(code, pc, icNow, insn.imm)} o = (npc - ${literal(options.vbase | 0)}) | 0; }`);
    } else {
      lines.push(`        { ${bindConstants(code, pc, icNow, insn.imm)} }`);
    }
    if (memory) lines.push(`      case ${resume}:`);
    if (!last) {
      // A hart method may have asked for attention (an interrupt line, a watchpoint): stop here as the interpreter would.
      if (direct) lines.push(`        stop = this.stopAt; if (bic + ${k + 1} >= stop) { o = ${next}; bic += ${k + 1}; break run; }`);
      return;
    }
    if (spec.control !== true) lines.push(`        o = ${next};`);
    lines.push(`        ${spec.control === true ? successorCase(insn, cases) : `b = ${cases.block(next)};`}`);
    lines.push(`        bic += ${n};`);
    if (direct) lines.push('        stop = this.stopAt;');
    lines.push(`        ${leave}`);
  });
  return lines.join('\n');
}
