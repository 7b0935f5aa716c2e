/**
 * Binary translation: guest code, one 4 KiB physical page at a time, compiled
 * into JavaScript functions that V8 optimises (the hypervisor's "binary
 * translation", with JavaScript as the host code).
 *
 * A region holds basic blocks of one physical page that have run: its root
 * (a hot entry) and the blocks reachable from it, through branches, jumps
 * and call returns, without leaving the page; once it holds an indirect jump
 * (a jump table, a bytecode interpreter's dispatch), also the page's other
 * entries that have run, hottest first. Its function is one
 * `for (;;) switch (block)`, so a loop inside the page runs without leaving
 * the function (blocks chain directly), and guest registers live in locals
 * while it runs. Leaving the page, an unknown entry, and anything that needs
 * the hart's attention (stopAt) return to the dispatcher (Hart.run).
 *
 * The code is generated from the ISA table's snippets with the same macro
 * expansion as the interpreter (snippet-expansion.ts), so loads and stores
 * take the same TLB fast paths. What keeps it exact:
 *   - a block runs only if it fits the budget (icount + length <= stopAt);
 *     otherwise the dispatcher interprets the last steps;
 *   - a load or store that misses the TLB leaves the region before it
 *     executes, and the interpreter runs it (and the rest of its block) on
 *     the slow path, which does the page walk, dirty tracking, watchpoints,
 *     device accesses and the invalidation of translated code;
 *   - instructions that need the hart (Zicsr, xRET, wfi, sfence.vma, ecall,
 *     ebreak), illegal encodings, breakpoints and instructions that cross
 *     the page end are left to the interpreter: a block ends before them;
 *   - AMOs, LR and SC call the hart inline, with the registers written back
 *     first (so a trap they raise is precise); after them stopAt is read
 *     again, so attention they cause stops the block there.
 * Translations hold pc values as literals (V8's parser folds `pc + 4` into a
 * constant, so a branch arm that has not run yet needs no type feedback), so
 * they depend on the page's bytes, its virtual address and misa.C; the
 * dispatcher finds the physical page through the same fetch TLB the
 * interpreter uses, for every block it enters.
 */
import { INSTRUCTIONS } from '../isa/instructions.js';
import { Format, type InstructionSpec } from '../isa/types.js';
import { OP_BREAKPOINT, OP_ILLEGAL, TRAP_SIGNAL } from './loop-abi.js';
import { mulh, mulhsu, mulhu } from './multiply.js';
import { expandSnippet, loadFastPath, snippetAccessesMemory, snippetCallsHart, type SnippetTarget } from './snippet-expansion.js';
import type { Hart } from './hart.js';

/**
 * A translated region: called with `this` = the hart and the entry offset in
 * the page. Returns with pc and icount stored: 0 (the dispatcher goes on) or
 * LEAVE_TO_INTERPRETER (the instruction at pc must be interpreted). Throws
 * TRAP_SIGNAL from an AMO, like the interpreter.
 */
export type RegionFunction = (this: Hart, entry: number) => number;

/** A region's result: the instruction at pc is the interpreter's (a TLB miss, Zicsr, a breakpoint ...). */
export const LEAVE_TO_INTERPRETER = 1;

/** Longest basic block, in instructions (a block this long ends and falls through to the next). */
export const MAX_BLOCK_LENGTH = 64;
/**
 * Most instructions in one region. V8 optimises smaller functions sooner and
 * does not optimise very large ones at all (their bytecode must stay well
 * under TurboFan's limit), so a page's code is split into several regions,
 * each rooted at a hot entry.
 */
export const MAX_REGION_INSTRUCTIONS = 64;
/**
 * Most instructions in a region that holds an indirect jump and the other
 * entries it may reach in the page: a bytecode interpreter's dispatch and its
 * handlers then run in one function. (Larger ordinary regions measured
 * slower: sort at 256 ran at two thirds of its speed at 64.)
 */
export const MAX_INDIRECT_REGION_INSTRUCTIONS = 256;

/**
 * Most instructions one call of a region function runs before it returns to
 * the dispatcher (which calls it again at once). V8 optimises a function
 * that loops for long while it runs (on-stack replacement) and puts its
 * better, regular optimised code to use only at its next call: a guest loop
 * that never left its region would stay in the first compilation.
 */
export const MAX_INSTRUCTIONS_PER_CALL = 1 << 20;

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
  readonly source: string;
}

/** The function of a region with no blocks: never called (callers drop such regions). */
const NO_REGION: RegionFunction = () => LEAVE_TO_INTERPRETER;

export interface TranslateOptions {
  /** At most this many instructions per block (a budget tail), else MAX_BLOCK_LENGTH. */
  readonly maxBlockLength?: number;
  /** At most this many instructions in the region, else MAX_REGION_INSTRUCTIONS. */
  readonly maxInstructions?: number;
  /** The virtual address the page is mapped at (the code holds pc values as literals). */
  readonly vbase: number;
  /**
   * Other offsets in the page where blocks have started, added to the region
   * (with what they reach) once it holds an indirect jump.
   */
  readonly indirectEntries?: readonly number[];
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
  /** Row of INSTRUCTIONS. */
  readonly spec: InstructionSpec;
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
  /** The instruction at `next` is left to the interpreter. */
  readonly leaves: boolean;
}


/** A compiled region source: binds the region function to one hart (its register file, RAM and TLB). */
type RegionBinder = (hart: Hart) => RegionFunction;

/** Compiled region sources by their text: the same code anywhere (another hart, after a restore) is compiled once. */
const compiled = new Map<string, RegionBinder>();
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
   * Region functions bound to this translator's hart, by source. One closure
   * per compiled source and hart, so V8 can treat the hart's arrays the
   * closure holds as constants (their checks and lengths fold away).
   */
  private readonly bound = new Map<string, RegionFunction>();

  constructor(private readonly hart: Hart) {}

  /**
   * Translates the blocks reachable in-page from `root` (breadth first, up to
   * MAX_REGION_INSTRUCTIONS) that `wanted` accepts: code that has never run
   * stays out, because V8 deoptimises a function each time it first reaches
   * a path it has no type feedback for, and recompiling is costly.
   */
  translate(code: PageCode, root: number, wanted: (offset: number) => boolean, options: TranslateOptions): TranslatedRegion {
    const blocks = this.discover(code, root, wanted, options.indirectEntries ?? [], options.maxBlockLength ?? MAX_BLOCK_LENGTH,
      options.maxInstructions ?? MAX_REGION_INSTRUCTIONS, options.maxInstructions ?? MAX_INDIRECT_REGION_INSTRUCTIONS);
    const blockStarts = [...blocks.keys()];
    // Nothing at the root can be translated (a CSR access, ecall, a breakpoint ...): no function to compile.
    if (blockStarts.length === 0) return { fn: NO_REGION, blockStarts, source: '' };
    const source = regionSource([...blocks.values()], options);
    let fn = this.bound.get(source);
    if (fn === undefined) {
      let bind = compiled.get(source);
      if (bind === undefined) {
        if (compiled.size >= COMPILED_LIMIT) compiled.clear();
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the ISA table, see above
        const factory = new Function('TRAP_SIGNAL', 'mulh', 'mulhsu', 'mulhu', source);
        bind = factory(TRAP_SIGNAL, mulh, mulhsu, mulhu) as RegionBinder;
        compiled.set(source, bind);
        this.compiledCount++;
      }
      if (this.bound.size >= COMPILED_LIMIT) this.bound.clear();
      fn = bind(this.hart);
      this.bound.set(source, fn);
    }
    return { fn, blockStarts, source };
  }

  /**
   * Finds the blocks reachable from `root` without leaving the page, nearest
   * first; once a block ends in an indirect jump (a jump table, a bytecode
   * interpreter's dispatch), also `indirectEntries` and what they reach, so
   * the jump can stay in the region.
   */
  private discover(code: PageCode, root: number, wanted: (offset: number) => boolean, indirectEntries: readonly number[],
    maxBlock: number, maxTotal: number, maxIndirect: number): Map<number, Block> {
    const blocks = new Map<number, Block>();
    const work = [root];
    const seen = new Set<number>(work);
    const visit = (s: number) => {
      if (s >= 0 && s < 4096 && !seen.has(s) && wanted(s)) {
        seen.add(s);
        work.push(s);
      }
    };
    let indirect = false;
    let total = 0;
    for (let i = 0; i < work.length && total < maxTotal; i++) {
      const start = work[i]!;
      const block = scanBlock(code, start, Math.min(maxBlock, maxTotal - total));
      if (block === undefined) continue;
      blocks.set(start, block);
      total += block.instructions.length;
      successors(block).forEach(visit);
      if (!indirect && endsInIndirectJump(block) && indirectEntries.length > 0) {
        indirect = true;
        maxTotal = Math.max(maxTotal, maxIndirect);
        indirectEntries.forEach(visit);
      }
    }
    return blocks;
  }
}

/** Whether the translator compiles this row (the others need the hart: see the file comment). */
function translatable(spec: InstructionSpec | undefined): spec is InstructionSpec {
  return spec !== undefined && spec.sync !== true && !spec.exec.includes('EXIT(');
}

/** Decodes one block from `start`; undefined when no instruction there can be translated. */
function scanBlock(code: PageCode, start: number, maxLength: number): Block | undefined {
  const instructions: Instruction[] = [];
  let offset = start;
  let leaves = false;
  while (offset < 4096 && instructions.length < maxLength) {
    const word = code.word(offset);
    const op = word & 255;
    const spec = word === 0 || op === OP_ILLEGAL || op === OP_BREAKPOINT ? undefined : INSTRUCTIONS[op - 1];
    if (!translatable(spec)) {
      leaves = true;
      break;
    }
    const length = word >>> 24;
    instructions.push({
      offset, word, imm: code.immediate(), spec, length,
      rd: (word >>> 8) & 63, rs1: (word >>> 14) & 31, rs2: (word >>> 19) & 31,
    });
    offset += length;
    if (spec.control === true) break;
  }
  if (instructions.length === 0) return undefined;
  return { offset: start, instructions, next: offset, leaves };
}

/**
 * Whether a block ends in an indirect jump: a jalr that is neither a call
 * nor a return (a return through ra or t0, Unprivileged spec 2.5.1, goes
 * back behind its call, which is a successor of the call already).
 */
function endsInIndirectJump(block: Block): boolean {
  const last = block.instructions[block.instructions.length - 1]!;
  return last.spec.mnemonic === 'jalr' && last.rd === 32 && last.rs1 !== 1 && last.rs1 !== 5;
}

/** Offsets control may reach after a block (targets, fall-through, the return point of a call). */
function successors(block: Block): number[] {
  const last = block.instructions[block.instructions.length - 1]!;
  const spec = last.spec;
  // After an instruction the interpreter runs (a CSR access, say), control comes back right behind it.
  if (spec.control !== true) return block.leaves ? [] : [block.next];
  const after = last.offset + last.length;
  const target = last.offset + last.imm;
  switch (spec.mnemonic) {
    case 'jal': return last.rd !== 32 ? [target, after] : [target];
    case 'jalr': return last.rd !== 32 ? [after] : [];
    default: return [target, after]; // branches
  }
}

const reg = (r: number): string => (r === 0 ? '0' : `r${r}`);

/** Guest registers the blocks read or write (they live in locals while the region runs). */
function registersOf(blocks: readonly Block[]): number[] {
  const used = new Set<number>();
  for (const b of blocks) {
    for (const i of b.instructions) {
      if (i.spec.exec.includes('X[rs1]') && i.rs1 !== 0) used.add(i.rs1);
      if (i.spec.exec.includes('X[rs2]') && i.rs2 !== 0) used.add(i.rs2);
      if (i.spec.exec.includes('X[rd]') && i.rd !== 32) used.add(i.rd);
    }
  }
  return [...used].sort((a, b) => a - b);
}

/** An int32 as a JavaScript literal (V8's parser folds arithmetic on literals, so `pc + 4` needs no type feedback). */
const literal = (n: number): string => (n < 0 ? `(${n})` : String(n));

/** Case numbers of a region's switch, one per block (0: leave the region). */
type CaseNumbers = ReadonlyMap<number, number>;

/** The JavaScript of a region's factory: its block table and the region function over `blocks`. */
function regionSource(blocks: readonly Block[], options: TranslateOptions): string {
  // In address order, so a block's fall-through successor is usually the case written next (no dispatch to reach it).
  const ordered = [...blocks].sort((a, b) => a.offset - b.offset);
  const cases: CaseNumbers = new Map(ordered.map((b, i) => [b.offset, i + 1]));
  const regs = registersOf(ordered);
  const writeback = regs.map((r) => `x[${r}] = r${r};`).join(' ');
  const body = ordered.map((b, i) => blockSource(b, { cases, fallsInto: ordered[i + 1]?.offset ?? -1, writeback, options })).join('\n');
  const table = [...cases].map(([o, i]) => `${o >> 1}, ${i}`).join(', ');
  const vbase = literal(options.vbase | 0);
  return `const SLOTS = new Uint16Array(2048);
const starts = [${table}];
for (let i = 0; i < starts.length; i += 2) SLOTS[starts[i]] = starts[i + 1];
// Virtual page 0x${(options.vbase >>> 0).toString(16)}.
return function bind(hart) {
const x = hart.x;
const ram = hart.ram;
const ram8 = ram.bytes, ram8s = ram.i8, ram16 = ram.u16, ram16s = ram.i16, ram32 = ram.i32;
const ltag = hart.ltag, ldelta = hart.ldelta, stag = hart.stag, sdelta = hart.sdelta;
const rbase = ram.base | 0;
return function region(o) {
  const dctx = this.dataCtx, flat = this.flatLoadLimit;
  let bic = this.icount;
  let stop = Math.min(this.stopAt, bic + ${MAX_INSTRUCTIONS_PER_CALL});
  // o: the page offset of pc when leaving (set by every exit); t: scratch;
  // si: steps of the current block done when leaving it; leave: the result.
  let t = 0, si = 0, leave = 0;
  ${regs.length > 0 ? `let ${regs.map((r) => `r${r} = x[${r}]`).join(', ')};` : ''}
  let b = SLOTS[o >> 1];
  run: for (;;) {
    switch (b) {
${body}
      default:
        break run;
    }
  }
  ${writeback}
  this.pc = (${vbase} + o) | 0;
  this.icount = bic + si;
  return leave;
};
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

/** What every block of a region needs to know about the others. */
interface RegionLayout {
  readonly cases: CaseNumbers;
  /** The offset of the block written next (control reaching it falls through), or -1. */
  readonly fallsInto: number;
  /** Stores the locals back into the register file. */
  readonly writeback: string;
  readonly options: TranslateOptions;
}

/**
 * Statements that send control to page offset `target` once a block is done
 * (its instructions counted in bic): the case of a block of the region
 * (falling through when it is written next), or out of the region, to the
 * dispatcher. Each block's budget check sets `o` itself, so moving between
 * blocks does not.
 */
function edge(target: number, layout: RegionLayout): string {
  const c = layout.cases.get(target);
  if (c === undefined || !layout.options.chain) return `o = ${target}; break run;`;
  return target === layout.fallsInto ? '' : `b = ${c}; continue run;`;
}

/**
 * Whether the translator writes this control instruction's jump itself (a
 * branch or jal to a constant target: straight to the target's case); else
 * the snippet computes the new pc (jalr, or a target that must trap as
 * misaligned).
 */
function directJump(insn: Instruction, options: TranslateOptions): boolean {
  const format = insn.spec.format;
  if (!(insn.spec.mnemonic === 'jal' || (format === Format.B && insn.spec.condition !== undefined))) return false;
  return ((insn.offset + insn.imm) & options.ialignMask) === 0;
}

/** The case a computed control transfer continues at, from `o` (the caller set it). */
function successorCase(insn: Instruction, cases: CaseNumbers): string {
  const inPage = (offset: number) => offset >= 0 && offset < 4096;
  if (insn.spec.mnemonic === 'jal') return `b = ${cases.get(insn.offset + insn.imm) ?? 0};`;
  if (insn.spec.format === Format.B && inPage(insn.offset + insn.imm) && inPage(insn.offset + insn.length)) return 'b = SLOTS[o >> 1];';
  return 'b = (o >>> 0) < 4096 ? SLOTS[o >> 1] : 0;';
}

/**
 * One block as a `case` of the region's switch. A block that branches back
 * to its own start (most inner loops) is written as a loop of its own.
 */
function blockSource(block: Block, layout: RegionLayout): string {
  const { cases, writeback, options } = layout;
  const n = block.instructions.length;
  const last = block.instructions[n - 1]!;
  const direct = last.spec.control === true && directJump(last, options);
  const selfLoop = direct && layout.options.chain && last.spec.format === Format.B && last.offset + last.imm === block.offset;
  const lines: string[] = [`      case ${cases.get(block.offset)}: // 0x${block.offset.toString(16)}: ${block.instructions.map((i) => i.spec.mnemonic).join(' ')}`];
  const indent = selfLoop ? '          ' : '        ';
  if (selfLoop) lines.push('        for (;;) {');
  lines.push(`${indent}if (bic + ${n} > stop) { o = ${block.offset}; break run; }`);
  block.instructions.forEach((insn, k) => {
    const spec = insn.spec;
    const pc = (options.vbase + insn.offset) | 0;
    const icNow = k === 0 ? 'bic' : `(bic + ${k})`;
    // Leaving before this instruction, for the interpreter to run it: constants only, so nothing here needs type feedback.
    const leaveHere = `{ o = ${insn.offset}; si = ${k}; leave = ${LEAVE_TO_INTERPRETER}; break run; }`;
    const target: SnippetTarget = {
      assignRd: (value) => {
        // A load that misses the TLB leaves before it executes (the interpreter's slow path runs it).
        const load = loadFastPath(value);
        if (load !== undefined) {
          const rd = (v: string) => (insn.rd === 32 ? '' : ` r${insn.rd} = ${v};`);
          return `if (${load.flatHit}) {${rd(load.flatValue)} } else { if (!${load.hit}) ${leaveHere}${rd(load.value)} }`;
        }
        if (snippetAccessesMemory(value)) throw new Error(`${spec.mnemonic}: a load inside an expression is not translated`);
        return insn.rd === 32 ? `(${value});` : `r${insn.rd} = (${value}) | 0;`;
      },
      rs1: reg(insn.rs1),
      rs2: reg(insn.rs2),
      rdNumber: String(insn.rd),
      rs1Number: String(insn.rs1),
      length: String(insn.length),
      exit: () => {
        throw new Error(`${spec.mnemonic} reports a VM exit: it is left to the interpreter`);
      },
      // With C on (IALIGN 16) every computed target is 2-byte aligned: the check cannot fire.
      checkTarget: (t) => (options.ialignMask === 0 ? '' : `if ((${t} & ${options.ialignMask}) !== 0) { ${writeback} this.misalignedTarget(${t}, pc, ic); }`),
      slowLoad: () => {
        throw new Error(`${spec.mnemonic}: loads are written by assignRd`);
      },
      slowStore: () => leaveHere,
    };
    if (spec.control === true && direct) {
      const taken = insn.offset + insn.imm;
      const notTaken = insn.offset + insn.length;
      if (spec.mnemonic === 'jal') {
        if (insn.rd !== 32) lines.push(`${indent}r${insn.rd} = ${literal((pc + insn.length) | 0)};`);
        lines.push(`${indent}bic += ${n};`, `${indent}${edge(taken, layout)}`);
        return;
      }
      const condition = expandSnippet(spec.condition!, target);
      lines.push(`${indent}bic += ${n};`);
      if (selfLoop) {
        lines.push(`          if (!(${condition})) break;`, '        }', `        ${edge(notTaken, layout)}`);
        return;
      }
      const onTaken = edge(taken, layout);
      const onNotTaken = edge(notTaken, layout);
      if (onTaken === '') lines.push(`        if (!(${condition})) { ${onNotTaken} }`);
      else lines.push(`        if (${condition}) { ${onTaken} }`, `        ${onNotTaken}`);
      return;
    }
    let code = expandSnippet(spec.exec, target);
    // AMOs, LR and SC call the hart, which may trap: the registers must be in x first.
    const calls = snippetCallsHart(spec.exec);
    if (calls) code = `${writeback} ${code}`;
    if (spec.control === true) {
      lines.push(`        { let npc = 0; ${bindConstants(code, pc, icNow, insn.imm)} o = (npc - ${literal(options.vbase | 0)}) | 0; }`);
      lines.push(`        ${successorCase(insn, cases)}`);
      lines.push(`        bic += ${n};`);
      lines.push(`        ${options.chain ? 'continue run;' : 'break run;'}`);
    } else {
      lines.push(`${indent}{ ${bindConstants(code, pc, icNow, insn.imm)} }`);
      // The hart may have asked for attention (an interrupt line, a watchpoint): stop after this instruction.
      if (calls) lines.push(`${indent}stop = this.stopAt; if (bic + ${k + 1} >= stop) { o = ${insn.offset + insn.length}; si = ${k + 1}; break run; }`);
    }
  });
  if (last.spec.control !== true) {
    lines.push(`        bic += ${n};`);
    lines.push(block.leaves ? `        o = ${block.next}; leave = ${LEAVE_TO_INTERPRETER}; break run;` : `        ${edge(block.next, layout)}`);
  }
  return lines.filter((l) => l.trim() !== '').join('\n');
}
