/**
 * One RV32IMAC hart with M, S and U modes and Sv32 (Privileged spec 1.12).
 *
 * The architectural state is plain typed data (`x`, `csr` and a few numbers),
 * so a checkpoint is a copy. Everything else here (software TLBs, decoded
 * instruction pages) is a cache rebuilt from that state.
 *
 * The hart decides nothing about the world outside it: `run` returns a VmExit
 * for ecall, ebreak, wfi and CSRs whose value comes from the host, and the
 * caller (the monitor) decides what they mean.
 *
 * Time is `icount`, the number of steps taken: a step is an instruction that
 * retired or a trap that was taken (exception or interrupt). Traps are steps so
 * that every state a debugger can stop in has its own icount. `instret` counts
 * only retired instructions (icount - traps).
 */
import { decode, isFullLength } from '../isa/decoder.js';
import { Csr } from '../isa/csr.js';
import { AmoOp, CsrOp, INSTRUCTIONS } from '../isa/instructions.js';
import { BusError, type AccessSize, type PhysicalMemory } from '../memory/physical-memory.js';
import { PAGE_SHIFT, PageFlag, type Ram } from '../memory/ram.js';
import {
  ALL_INTERRUPTS, DELEGABLE_EXCEPTIONS, DELEGABLE_INTERRUPTS, MIP_WRITABLE, MISA_VALUE, MSTATUS_WRITABLE,
  MSecCfg, MStatus, Mip, Misa, Pte, SSTATUS_MASK,
} from './csr-bits.js';
import { buildRunLoop } from './interpreter.js';
import { DECODED_PAGE_WORDS, OP_BREAKPOINT, OP_ILLEGAL, TLB_MASK, TLB_SIZE, TRAP_SIGNAL } from './loop-abi.js';
import { PMP_ENTRIES, Pmp, PmpAccess, legalPmpCfg, pmpLocked } from './pmp.js';
import { LEAVE_TO_INTERPRETER, type PageCode, type RegionFunction } from './block-translator.js';
import { LockstepChecker } from './lockstep-checker.js';
import { COLD_SLICE, TranslationCache, defaultTranslation, type TranslationOptions, type TranslationStats } from './translation-cache.js';
import { Exception, INTERRUPT_BIT, Priv, VmExit } from './trap.js';

/** Slots of the CSR storage array. Not CSR numbers: many CSRs are views of these. */
export const enum Slot {
  mstatus,
  misa,
  medeleg,
  mideleg,
  mie,
  /** mip bits written by software (SSIP, STIP, SEIP). */
  mipSoftware,
  /** mip bits driven by devices (MSIP, MTIP, MEIP, SEIP). */
  mipLines,
  mtvec,
  mcounteren,
  mscratch,
  mepc,
  mcause,
  mtval,
  stvec,
  scounteren,
  sscratch,
  sepc,
  scause,
  stval,
  satp,
  mcountinhibit,
  menvcfg,
  menvcfgh,
  senvcfg,
  mseccfg,
  /** 64-bit counter bases: value = icount + base while counting, = base while inhibited. */
  cycleBaseLo,
  cycleBaseHi,
  instretBaseLo,
  instretBaseHi,
  pmpcfg0,
  pmpaddr0 = pmpcfg0 + 4,
  Count = pmpaddr0 + 16,
}

/** Names of the CSR slots, in Slot order (for reports). */
export const SLOT_NAMES: readonly string[] = [
  'mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mip (software)', 'mip (lines)', 'mtvec', 'mcounteren', 'mscratch',
  'mepc', 'mcause', 'mtval', 'stvec', 'scounteren', 'sscratch', 'sepc', 'scause', 'stval', 'satp', 'mcountinhibit',
  'menvcfg', 'menvcfgh', 'senvcfg', 'mseccfg', 'cycle base (low)', 'cycle base (high)', 'instret base (low)',
  'instret base (high)', ...[0, 1, 2, 3].map((i) => `pmpcfg${i}`), ...Array.from({ length: 16 }, (_, i) => `pmpaddr${i}`),
];

const enum Access {
  Fetch,
  Load,
  Store,
}

/** Load kinds passed to loadSlow by the generated loop. */
export const enum LoadKind {
  B,
  BU,
  H,
  HU,
  W,
}


/** The architectural state of a hart, as saved in checkpoints. */
export interface HartSnapshot {
  readonly version: 1;
  readonly x: Int32Array;
  readonly csr: Int32Array;
  readonly pc: number;
  readonly priv: Priv;
  readonly icount: number;
  readonly traps: number;
  readonly reservation: number;
  readonly lastTrapTarget: number;
  readonly lastTrapStep: number;
}

/** A snapshot's state beyond the registers. */
type RunState = Omit<HartSnapshot, 'version' | 'x' | 'csr'>;

/** What the hart reports about a trap whose handler cannot start (VmExit.FatalTrap). */
export interface FatalTrap {
  /** The trap that led to the unusable handler. */
  readonly cause: number;
  readonly epc: number;
  readonly tval: number;
  readonly icount: number;
  /** Where the handler was supposed to be. */
  readonly vector: number;
}

/** A Zicsr instruction waiting for the monitor to supply a host-provided CSR value. */
export interface HostCsrRequest {
  readonly csr: number;
  readonly rd: number;
}

export interface HartOptions {
  readonly hartId?: number;
  /** Binary translation (default: the process default, see setDefaultTranslation). */
  readonly translation?: TranslationOptions;
}

/**
 * Watches the translated code a hart runs (the lockstep checker): called
 * around every call of a region function, with the dispatcher's handling of a
 * trap it raised included in the step.
 */
export interface TranslatedStepObserver {
  /** The dispatcher is about to run a block (translated or interpreted) at pc/icount. */
  beforeStep(hart: Hart): void;
  /**
   * The block ended, with the trap it raised delivered (the hart's state is
   * the result). `exit` is the run's VmExit, or 0 (go on) or VmExit.Budget.
   */
  afterStep(hart: Hart, exit: number, translated: boolean): void;
  /**
   * The hart's state was replaced (reset, checkpoint restore) or it ran
   * without the dispatcher (the traced loop): RAM may have changed unseen.
   */
  stateReplaced(hart: Hart): void;
}

type RunLoop = (this: Hart, budgetEnd: number) => VmExit;
const RUN_LOOP: RunLoop = buildRunLoop();
/** The same loop with a per-step hook (timeline searches, bisect); compiled on first use. */
let tracedLoop: RunLoop | undefined;
/** The loop that returns after each basic block: cold code under translation. */
const ONE_BLOCK_LOOP: RunLoop = buildRunLoop({ oneBlock: true });

export class Hart {
  // ---- architectural state (saved in checkpoints) ----
  /** x0..x31, plus x[32]: a sink that writes to x0 are decoded into. */
  readonly x = new Int32Array(33);
  readonly csr = new Int32Array(Slot.Count);
  pc = 0;
  priv: Priv = Priv.M;
  icount = 0;
  /** Traps taken so far; instret = icount - traps. */
  traps = 0;
  /** Physical address of the LR reservation, or -1. */
  reservation = -1;
  /** Where the last trap went and the step after it (the fatal-trap check). */
  private lastTrapTarget = -1;
  private lastTrapStep = -1;

  // ---- caches and run control (rebuilt from the state) ----
  /** The generated loop runs while icount < stopAt; requestAttention() sets it to -1. */
  stopAt = 0;
  /** Trap exits for debuggers: run() returns VmExit.Trap after each trap is taken. */
  reportTraps = false;
  /** When set, run() uses the traced loop, which calls this after every step. */
  tracer: ((hart: Hart) => void) | undefined;
  /** Called when the privilege level changes (trap, xRET); debuggers catch it. */
  onPrivilegeChange: ((from: Priv, to: Priv) => void) | undefined;
  /** Debugger breakpoints, by virtual pc (unsigned); see setBreakpoints. */
  private breakpoints: ReadonlySet<number> = new Set();
  /** The breakpoint at this icount is not reported (resuming from a stop at it). */
  breakpointSkip = -1;
  /** Word and immediate of the instruction behind a breakpoint (atBreakpoint). */
  decodedWord = 0;
  private returnRequested = false;
  /** TLB tags: vpn | (context << 20); -1 is empty. Deltas turn a virtual address into a RAM offset. */
  readonly ltag = new Int32Array(TLB_SIZE).fill(-1);
  readonly ldelta = new Int32Array(TLB_SIZE);
  readonly stag = new Int32Array(TLB_SIZE).fill(-1);
  readonly sdelta = new Int32Array(TLB_SIZE);
  private readonly ftag = new Int32Array(TLB_SIZE).fill(-1);
  private readonly fpage = new Int32Array(TLB_SIZE);
  /** Translation context of data accesses, pre-shifted into TLB tag position. */
  dataCtx = 0;
  /** 2 while C is disabled (jump targets must be 4-byte aligned), else 0. */
  ialignMask = 0;
  /** Decoded RAM pages, by RAM page number. */
  private decodedPages: (Int32Array | undefined)[];
  private readonly decodedRom = new Map<number, Int32Array>();
  /**
   * Some decoded page was fetched through an address other than its own
   * (Sv32 paging): a breakpoint's virtual address then says nothing about
   * which decoded page holds it, so a change of breakpoints forgets them all.
   */
  private codeAliased = false;
  private fetchBytes: Uint8Array = new Uint8Array(0);
  private fetchOffset = 0;
  /** Immediate of the instruction decodeAt (or atBreakpoint) just decoded. */
  decodedImm = 0;
  /** Pending exception, set by raise() before throwing TRAP_SIGNAL. */
  private trapCause = 0;
  private trapTval = 0;
  /** Set when run() returns VmExit.FatalTrap. */
  fatalTrap: FatalTrap | undefined;
  /** Set when run() returns VmExit.HostCsr. */
  hostCsr: HostCsrRequest | undefined;
  /** Physical memory protection, decoded from the pmpcfg/pmpaddr CSRs. */
  private readonly pmp = new Pmp();
  /** Whether the last fetchPage found the whole page executable (not a PMP-mixed page). */
  private fetchWholePage = false;
  /** Translations of hot code, when binary translation is on. */
  private translations: TranslationCache | undefined;
  /** Sees every translated step (the lockstep checker). */
  translatedStepObserver: TranslatedStepObserver | undefined;
  private lockstepChecker: LockstepChecker | undefined;

  readonly ram: Ram;
  readonly hartId: number;

  /**
   * Devices and ROM (RAM is accessed directly). Not readonly: the lockstep
   * checker interposes a recorder of device accesses.
   */
  memory: PhysicalMemory;

  constructor(memory: PhysicalMemory, options: HartOptions = {}) {
    this.memory = memory;
    this.ram = memory.ram;
    this.hartId = options.hartId ?? 0;
    this.decodedPages = new Array<Int32Array | undefined>(this.ram.size >>> PAGE_SHIFT);
    this.ram.onPageWrite((page) => this.invalidateCodePage(page));
    this.ram.onDirtyCleared(() => this.stag.fill(-1));
    this.ram.watches.flushListener = () => {
      this.flushTlb();
      this.requestAttention();
    };
    this.setTranslation(options.translation ?? defaultTranslation());
    this.reset(0);
  }

  /**
   * Turns binary translation on or off (translations made so far are
   * dropped); with `check`, a lockstep checker compares every translated
   * block with the interpreter from now on.
   */
  setTranslation(options: TranslationOptions): void {
    if (options.enabled && options.check === true) {
      this.lockstepChecker ??= new LockstepChecker(this, { hotThreshold: options.hotThreshold });
      return;
    }
    this.translations = options.enabled ? new TranslationCache(this, this.ram.size >>> PAGE_SHIFT, options) : undefined;
    this.requestAttention();
  }

  /** The lockstep checker, when translation was turned on with `check`. */
  get lockstep(): LockstepChecker | undefined {
    return this.lockstepChecker;
  }

  /** Whether binary translation is on. */
  get translating(): boolean {
    return this.translations !== undefined;
  }

  /** What the translator has done so far (undefined when translation is off). */
  get translationStats(): TranslationStats | undefined {
    return this.translations?.stats;
  }

  /** The generated sources of the regions translated for the page of physical address `paddr` (tests, debugging). */
  translatedSources(paddr: number): readonly string[] {
    const off = paddr - this.ram.base;
    if (off < 0 || off >= this.ram.size || this.translations === undefined) return [];
    return this.translations.regionSources(off >>> PAGE_SHIFT);
  }

  /** Resets to the power-on state (Privileged spec 3.4) and starts at `pc`. */
  reset(pc: number): void {
    this.x.fill(0);
    this.csr.fill(0);
    this.csr[Slot.misa] = MISA_VALUE;
    this.pc = pc | 0;
    this.priv = Priv.M;
    this.icount = 0;
    this.traps = 0;
    this.reservation = -1;
    this.lastTrapTarget = -1;
    this.lastTrapStep = -1;
    this.fatalTrap = undefined;
    this.hostCsr = undefined;
    this.returnRequested = false;
    this.updatePmp();
    this.flushDecoded();
    this.stateChanged();
    this.translatedStepObserver?.stateReplaced(this);
  }

  // ---------------------------------------------------------------- running

  /** Runs until icount reaches `budgetEnd` or a VM exit; returns why it stopped. */
  run(budgetEnd: number): VmExit {
    if (this.tracer !== undefined) {
      tracedLoop ??= buildRunLoop({ trace: true });
      this.translatedStepObserver?.stateReplaced(this);
      return tracedLoop.call(this, budgetEnd);
    }
    if (this.translations !== undefined) return this.runTranslated(this.translations, budgetEnd);
    return RUN_LOOP.call(this, budgetEnd);
  }

  /**
   * The dispatcher of binary translation: the interpreter's outer loop, with
   * basic blocks instead of instructions. At every block it looks the pc up
   * through the fetch TLB (as the interpreter does on entering a page, so
   * page walks, A bits and fetch faults happen at the same steps), then runs
   * the page's region function if it has a block there, or interprets one
   * block (cold code, breakpoints, ROM, pages with mixed PMP permissions).
   * Budget tails shorter than the next block are interpreted too.
   */
  private runTranslated(cache: TranslationCache, budgetEnd: number): VmExit {
    let attention = true;
    for (;;) {
      if (this.icount >= budgetEnd) return VmExit.Budget;
      if (attention || this.stopAt !== budgetEnd) {
        attention = false;
        const b = this.boundary(budgetEnd);
        if (b > 0) return b;
        if (b < 0) continue;
      }
      const observer = this.translatedStepObserver;
      if (observer === undefined) {
        const r = this.dispatchBlock(cache, budgetEnd);
        if (r !== 0 && r !== VmExit.Budget) return r as VmExit;
        continue;
      }
      observer.beforeStep(this);
      this.ranTranslated = false;
      const r = this.dispatchBlock(cache, budgetEnd);
      observer.afterStep(this, r, this.ranTranslated);
      if (r !== 0 && r !== VmExit.Budget) return r as VmExit;
    }
  }

  /** Whether the last dispatchBlock ran translated code (for the step observer). */
  private ranTranslated = false;

  /**
   * One step of the dispatcher: fetches pc's page, then runs translated
   * blocks there, or interprets one block (also where translated code leaves
   * an instruction to the interpreter). Returns the VmExit, or 0 or
   * VmExit.Budget to go on.
   */
  private dispatchBlock(cache: TranslationCache, budgetEnd: number): number {
    const pc = this.pc;
    const start = this.icount;
    try {
      this.fetchPage(pc, start);
      if (this.fetchBytes === this.ram.bytes && this.fetchWholePage) {
        const page = this.fetchOffset >>> PAGE_SHIFT;
        if (cache.sliced && !cache.warm(page)) return this.runSlice(cache, budgetEnd);
        const offset = pc & 0xfff;
        const vbase = (pc - offset) | 0;
        let fn = cache.lookup(page, offset, vbase);
        if (fn === undefined) {
          fn = cache.miss(page, offset, vbase, () => this.pageCode(page, vbase), this.ialignMask);
          if (fn !== undefined) this.primeRegion(fn, pc);
        }
        let entry = offset;
        while (fn !== undefined) {
          this.ranTranslated = true;
          const before = this.icount;
          if (fn.call(this, entry) === LEAVE_TO_INTERPRETER) break;
          if (this.icount === before && this.stopAt === budgetEnd) {
            // The block does not fit in what is left of the budget: run the tail translated (eager mode) or interpreted.
            fn = cache.tail(page, entry, vbase, budgetEnd - before, () => this.pageCode(page, vbase), this.ialignMask);
            if (fn !== undefined && fn.call(this, entry) !== LEAVE_TO_INTERPRETER) return 0;
            break;
          }
          // Left for another region of this page, with nothing to attend to: it runs next, without fetching the page
          // again (as the interpreter fetches only on entering a page). Unchained (the lockstep checker), one at a time.
          entry = (this.pc - vbase) | 0;
          if (!cache.chain || this.stopAt !== budgetEnd || this.icount >= budgetEnd || (entry >>> 0) >= 4096) return 0;
          fn = cache.lookup(page, entry, vbase);
          if (fn === undefined) return 0;
        }
      }
    } catch (e) {
      if (e !== TRAP_SIGNAL) throw e;
      return this.deliverException(this.pc, this.icount);
    }
    return ONE_BLOCK_LOOP.call(this, budgetEnd);
  }

  /** Set while the interpreter runs a stretch of cold code for the dispatcher (runSlice). */
  private slicing = false;
  /** The stretch must end: the interpreter entered a warm page (see fetchPage and boundary). */
  private sliceExit = false;

  /**
   * Runs the interpreter's own loop for a stretch of COLD_SLICE instructions
   * (cold code runs faster there than block by block through the
   * dispatcher), until it enters a warm page, and samples where it ended.
   * Exits and boundaries are the interpreter's, as everywhere else.
   */
  private runSlice(cache: TranslationCache, budgetEnd: number): number {
    this.slicing = true;
    let r: number;
    try {
      r = RUN_LOOP.call(this, Math.min(budgetEnd, this.icount + COLD_SLICE));
    } finally {
      this.slicing = false;
      this.sliceExit = false;
    }
    if (this.fetchBytes === this.ram.bytes) cache.sample(this.fetchOffset >>> PAGE_SHIFT);
    return r;
  }

  /**
   * Runs a new region function once with no budget, so it leaves at once
   * through its exit path and changes nothing. V8 compiles a region's hot
   * loop with type feedback only for the paths that ran; without this, the
   * first exit from the optimised loop would deoptimise it.
   */
  private primeRegion(fn: RegionFunction, pc: number): void {
    const stopAt = this.stopAt;
    this.stopAt = -1;
    try {
      fn.call(this, pc & 0xfff);
    } finally {
      this.stopAt = stopAt;
    }
  }

  /** The translator's view of RAM page `page`, mapped at virtual base `vbase`. */
  private pageCode(page: number, vbase: number): PageCode {
    return {
      word: (offset) => this.decodeForTranslation(page, offset, vbase),
      immediate: () => this.decodedImm,
    };
  }

  /**
   * The packed decoded word of the instruction at `offset` of RAM page
   * `page` (decoding it into the decoded-instruction cache, as the
   * interpreter would), or 0 for a 32-bit instruction that crosses the page
   * end (its second half needs another translation).
   */
  private decodeForTranslation(page: number, offset: number, vbase: number): number {
    if ((vbase >>> 0) !== ((this.ram.base + (page << PAGE_SHIFT)) >>> 0)) this.codeAliased = true;
    const bytes = this.ram.bytes;
    const o = (page << PAGE_SHIFT) + offset;
    if (offset === 0xffe && isFullLength(bytes[o]! | (bytes[o + 1]! << 8))) return 0;
    let decoded = this.decodedPages[page];
    if (decoded === undefined) {
      decoded = new Int32Array(DECODED_PAGE_WORDS);
      this.decodedPages[page] = decoded;
    }
    const w = decoded[offset]!;
    if (w !== 0) {
      this.decodedImm = decoded[offset + 1]!;
      return w;
    }
    const { pc, icount, fetchBytes, fetchOffset } = this;
    this.fetchBytes = bytes;
    this.fetchOffset = page << PAGE_SHIFT;
    try {
      return this.decodeAt(decoded, offset, (vbase + offset) | 0, icount);
    } finally {
      this.pc = pc;
      this.icount = icount;
      this.fetchBytes = fetchBytes;
      this.fetchOffset = fetchOffset;
    }
  }

  /** Makes the running loop stop at the next instruction boundary to re-check interrupts and halts. */
  requestAttention(): void {
    this.stopAt = -1;
  }

  /** Asks run() to return VmExit.Requested at the next instruction boundary. */
  requestReturn(): void {
    this.returnRequested = true;
    this.stopAt = -1;
  }

  /**
   * Called by the run loop at an instruction boundary after attention was
   * requested: returns a VmExit, 0 to carry on, or -1 after taking an interrupt.
   */
  boundary(budgetEnd: number): number {
    this.stopAt = budgetEnd;
    if (this.sliceExit) {
      this.sliceExit = false;
      return VmExit.Budget;
    }
    if (this.returnRequested) {
      this.returnRequested = false;
      return VmExit.Requested;
    }
    const irq = this.pendingInterrupt();
    if (irq < 0) return 0;
    this.enterTrap((INTERRUPT_BIT | irq) | 0, 0, this.pc, true);
    return this.reportTraps ? VmExit.Trap : -1;
  }

  /** Retires the instruction at pc after the monitor emulated it (ecall, semihosting, wfi). */
  retire(length = 4): void {
    this.pc = (this.pc + length) | 0;
    this.icount++;
  }

  /** Delivers an exception for the instruction at pc (the monitor decided the guest should see it). */
  trapInstruction(cause: Exception, tval = 0): void {
    this.enterTrap(cause, tval, this.pc, false);
  }

  /** Completes a VmExit.HostCsr with the value the monitor supplies, and retires the instruction. */
  completeHostCsr(value: number): void {
    const req = this.hostCsr;
    if (req === undefined) throw new Error('no host CSR access is pending');
    this.hostCsr = undefined;
    this.x[req.rd] = value;
    this.x[0] = 0;
    this.retire(4);
  }

  /** Whether an interrupt is pending and enabled in mie, regardless of global enables (what wakes wfi). */
  wfiWakeup(): boolean {
    return ((this.csr[Slot.mipSoftware]! | this.csr[Slot.mipLines]!) & this.csr[Slot.mie]!) !== 0;
  }

  /** Drives a device interrupt line into mip (MSIP, MTIP, MEIP, SEIP). */
  setInterruptLine(bit: Mip, level: boolean): void {
    const old = this.csr[Slot.mipLines]!;
    const next = level ? old | bit : old & ~bit;
    if (next === old) return;
    this.csr[Slot.mipLines] = next;
    this.requestAttention();
  }

  /**
   * M-mode software (the monitor's built-in SBI) sets or clears one of the
   * mip bits it may write (SSIP, STIP, SEIP; Privileged spec 3.1.9).
   */
  setPendingBySoftware(bit: Mip, level: boolean): void {
    const old = this.csr[Slot.mipSoftware]!;
    const next = level ? old | (bit & MIP_WRITABLE) : old & ~bit;
    if (next === old) return;
    this.csr[Slot.mipSoftware] = next;
    this.requestAttention();
  }

  /** The highest-priority interrupt that is pending and enabled now, or -1 (Privileged spec 3.1.9). */
  pendingInterrupt(): number {
    const pending = (this.csr[Slot.mipSoftware]! | this.csr[Slot.mipLines]!) & this.csr[Slot.mie]!;
    if (pending === 0) return -1;
    const mideleg = this.csr[Slot.mideleg]!;
    const mstatus = this.csr[Slot.mstatus]!;
    const mEnabled = this.priv < Priv.M || (mstatus & MStatus.MIE) !== 0;
    const machine = pending & ~mideleg;
    if (machine !== 0 && mEnabled) return highestPriority(machine);
    const sEnabled = this.priv < Priv.S || (this.priv === Priv.S && (mstatus & MStatus.SIE) !== 0);
    const supervisor = pending & mideleg;
    if (supervisor !== 0 && sEnabled) return highestPriority(supervisor);
    return -1;
  }

  // ---------------------------------------------------------------- traps

  /** Records an exception for the current instruction and abandons it. */
  raise(cause: Exception, tval: number): never {
    this.trapCause = cause;
    this.trapTval = tval | 0;
    throw TRAP_SIGNAL;
  }

  /** Raises an illegal-instruction exception for the instruction at this.pc. */
  illegalInstruction(bits?: number): never {
    return this.raise(Exception.IllegalInstruction, bits ?? this.instructionBitsAt(this.pc));
  }

  /**
   * Delivers the pending exception of the instruction at `pc` (called by the
   * run loop's catch). Returns 0, or a VmExit when the trap is fatal or reported.
   */
  deliverException(pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    const cause = this.trapCause;
    const vector = this.trapVector(cause, false);
    // The first instruction of a handler faulted, and this trap would bring it back to the same
    // instruction at the same privilege, to fault again forever.
    const samePriv = this.delegated(cause & 0x7fffffff, false) ? this.priv === Priv.S : this.priv === Priv.M;
    if (pc === this.lastTrapTarget && icount === this.lastTrapStep && vector === pc && samePriv) {
      this.fatalTrap = {
        cause: this.csr[this.priv === Priv.M ? Slot.mcause : Slot.scause]!,
        epc: this.csr[this.priv === Priv.M ? Slot.mepc : Slot.sepc]!,
        tval: this.csr[this.priv === Priv.M ? Slot.mtval : Slot.stval]!,
        icount: icount - 1,
        vector: pc,
      };
      return VmExit.FatalTrap;
    }
    this.enterTrap(cause, this.trapTval, pc, false);
    return this.reportTraps ? VmExit.Trap : 0;
  }

  /** Where a trap with this cause would go from the current privilege (Privileged spec 3.1.7). */
  private trapVector(cause: number, interrupt: boolean): number {
    const code = cause & 0x7fffffff;
    const toS = this.delegated(code, interrupt);
    const tvec = this.csr[toS ? Slot.stvec : Slot.mtvec]!;
    const base = tvec & ~3;
    return interrupt && (tvec & 3) === 1 ? (base + 4 * code) | 0 : base;
  }

  private delegated(code: number, interrupt: boolean): boolean {
    if (this.priv === Priv.M) return false;
    return ((this.csr[interrupt ? Slot.mideleg : Slot.medeleg]! >>> code) & 1) !== 0;
  }

  /** Takes a trap: one step of the timeline (Privileged spec 3.1.6.1, 3.1.7, 4.1.1). */
  private enterTrap(cause: number, tval: number, epc: number, interrupt: boolean): void {
    const code = cause & 0x7fffffff;
    const from = this.priv;
    const vector = this.trapVector(cause, interrupt);
    let ms = this.csr[Slot.mstatus]!;
    if (this.delegated(code, interrupt)) {
      this.csr[Slot.scause] = cause;
      this.csr[Slot.sepc] = epc;
      this.csr[Slot.stval] = tval;
      ms = (ms & ~(MStatus.SPIE | MStatus.SIE | MStatus.SPP)) |
        ((ms & MStatus.SIE) !== 0 ? MStatus.SPIE : 0) | (this.priv === Priv.S ? MStatus.SPP : 0);
      this.priv = Priv.S;
    } else {
      this.csr[Slot.mcause] = cause;
      this.csr[Slot.mepc] = epc;
      this.csr[Slot.mtval] = tval;
      ms = (ms & ~(MStatus.MPIE | MStatus.MIE | MStatus.MPP)) |
        ((ms & MStatus.MIE) !== 0 ? MStatus.MPIE : 0) | (this.priv << MStatus.MPP_SHIFT);
      this.priv = Priv.M;
    }
    this.csr[Slot.mstatus] = ms;
    this.reservation = -1;
    if (this.onPrivilegeChange !== undefined && from !== this.priv) this.onPrivilegeChange(from, this.priv);
    this.pc = vector;
    this.icount++;
    this.traps++;
    this.lastTrapTarget = vector;
    this.lastTrapStep = this.icount;
    this.stateChanged();
  }

  /** mret (Privileged spec 3.3.2). Returns the new pc. */
  mret(): number {
    if (this.priv < Priv.M) this.illegalInstruction();
    const ms = this.csr[Slot.mstatus]!;
    const mpp = ((ms & MStatus.MPP) >>> MStatus.MPP_SHIFT) as Priv;
    let next = (ms & ~(MStatus.MIE | MStatus.MPP)) | MStatus.MPIE | ((ms & MStatus.MPIE) !== 0 ? MStatus.MIE : 0);
    if (mpp !== Priv.M) next &= ~MStatus.MPRV;
    this.csr[Slot.mstatus] = next;
    if (this.onPrivilegeChange !== undefined && mpp !== Priv.M) this.onPrivilegeChange(Priv.M, mpp);
    this.priv = mpp;
    this.reservation = -1;
    this.stateChanged();
    return this.readEpc(Slot.mepc);
  }

  /** sret (Privileged spec 3.3.2, TSR in 3.1.6.5). Returns the new pc. */
  sret(): number {
    const ms = this.csr[Slot.mstatus]!;
    if (this.priv < Priv.S || (this.priv === Priv.S && (ms & MStatus.TSR) !== 0)) this.illegalInstruction();
    const spp = (ms & MStatus.SPP) !== 0 ? Priv.S : Priv.U;
    this.csr[Slot.mstatus] = (ms & ~(MStatus.SIE | MStatus.SPP | MStatus.MPRV)) | MStatus.SPIE |
      ((ms & MStatus.SPIE) !== 0 ? MStatus.SIE : 0);
    if (this.onPrivilegeChange !== undefined && spp !== this.priv) this.onPrivilegeChange(this.priv, spp);
    this.priv = spp;
    this.reservation = -1;
    this.stateChanged();
    return this.readEpc(Slot.sepc);
  }

  /** wfi is illegal in U-mode, and in S-mode when mstatus.TW is set (our time limit is zero). */
  checkWfi(): void {
    if (this.priv === Priv.U) this.illegalInstruction();
    if (this.priv === Priv.S && (this.csr[Slot.mstatus]! & MStatus.TW) !== 0) this.illegalInstruction();
  }

  /** sfence.vma: flush every translation (Privileged spec 4.2.1; TVM in 3.1.6.5). */
  sfenceVma(): void {
    if (this.priv === Priv.U) this.illegalInstruction();
    if (this.priv === Priv.S && (this.csr[Slot.mstatus]! & MStatus.TVM) !== 0) this.illegalInstruction();
    this.flushTlb();
    this.requestAttention();
  }

  /** Raises instruction-address-misaligned for a jump to `target` (only possible while C is off). */
  misalignedTarget(target: number, pc: number, icount: number): never {
    this.pc = pc;
    this.icount = icount;
    return this.raise(Exception.InstructionMisaligned, target);
  }

  private readEpc(slot: Slot): number {
    return this.csr[slot]! & ~this.ialignMask;
  }

  // ---------------------------------------------------------------- memory

  /** Effective privilege of loads and stores (MPRV, Privileged spec 3.1.6.3). */
  private dataPriv(): Priv {
    const ms = this.csr[Slot.mstatus]!;
    if (this.priv === Priv.M && (ms & MStatus.MPRV) !== 0) return ((ms & MStatus.MPP) >>> MStatus.MPP_SHIFT) as Priv;
    return this.priv;
  }

  /** Recomputes what depends on privilege, mstatus, satp and misa, and stops the fast loop. */
  stateChanged(): void {
    const ms = this.csr[Slot.mstatus]!;
    const ctx = this.dataPriv() | ((ms & MStatus.SUM) !== 0 ? 4 : 0) | ((ms & MStatus.MXR) !== 0 ? 8 : 0);
    this.dataCtx = ctx << 20;
    this.ialignMask = (this.csr[Slot.misa]! & Misa.C) !== 0 ? 0 : 2;
    this.updateFlatLoads();
    this.requestAttention();
  }

  /**
   * Whether aligned loads may read RAM straight at their address, skipping
   * the load TLB: RAM's size when loads are untranslated (M-mode or
   * satp.MODE Bare), PMP lets the data privilege read all of RAM and no
   * watchpoint watches reads; else 0. The run loops read it (as `flat`)
   * wherever they read dataCtx; everything that changes it also flushes the
   * TLB or calls stateChanged, and both come here.
   */
  flatLoadLimit = 0;

  private updateFlatLoads(): void {
    const priv = this.dataPriv();
    const bare = priv === Priv.M || this.csr[Slot.satp]! >= 0;
    const readable = this.pmp.allowsAll(this.ram.base, this.ram.base + this.ram.size, PmpAccess.Read, priv);
    this.flatLoadLimit = bare && readable && !this.ram.watches.watchesReads ? this.ram.size : 0;
  }

  /** Forgets every cached translation. */
  flushTlb(): void {
    this.ltag.fill(-1);
    this.stag.fill(-1);
    this.ftag.fill(-1);
    this.updateFlatLoads();
  }

  /** Forgets every decoded instruction (and the translations that point at them). */
  flushDecoded(): void {
    for (let p = 0; p < this.decodedPages.length; p++) {
      if (this.decodedPages[p] !== undefined) this.ram.pageFlags[p]! &= ~PageFlag.Code;
    }
    this.decodedPages = new Array<Int32Array | undefined>(this.ram.size >>> PAGE_SHIFT);
    this.decodedRom.clear();
    this.codeAliased = false;
    this.translations?.flush();
    this.flushTlb();
    this.requestAttention();
  }

  /**
   * A page holding decoded code was written: drop its decoded instructions
   * and its translation. A region running from that page stops after the
   * store (attention), so the next instruction is fetched anew, as the
   * interpreter fetches it (fence.i has nothing left to do).
   */
  private invalidateCodePage(page: number): void {
    const decoded = this.decodedPages[page];
    if (decoded !== undefined) decoded.fill(0);
    if (this.translations?.invalidate(page) === true) this.requestAttention();
  }

  /** Drops an LR reservation that overlaps a write by a device. */
  noteExternalWrite(paddr: number, length: number): void {
    if (this.reservation >= 0 && this.reservation < paddr + length && paddr < this.reservation + 4) this.reservation = -1;
  }

  /** Translates a virtual address for an access, filling the TLB. Throws page/access faults. */
  private translate(va: number, access: Access): number {
    const priv = access === Access.Fetch ? this.priv : this.dataPriv();
    if (priv === Priv.M || this.csr[Slot.satp]! >= 0) return va >>> 0; // satp.MODE = Bare
    return this.walk(va >>> 0, access, priv, true);
  }

  /** Sv32 page-table walk (Privileged spec 4.3.2). A and D are set by hardware. */
  private walk(va: number, access: Access, priv: Priv, update: boolean): number {
    const satp = this.csr[Slot.satp]!;
    const ms = this.csr[Slot.mstatus]!;
    let table = (satp & 0x3fffff) * 4096;
    let level = 1;
    let pte = 0;
    let pteAddr = 0;
    for (;;) {
      const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
      pteAddr = table + vpn * 4;
      pte = this.readPte(pteAddr, access, va);
      if ((pte & Pte.V) === 0 || ((pte & Pte.R) === 0 && (pte & Pte.W) !== 0)) return this.pageFault(va, access);
      if ((pte & (Pte.R | Pte.X)) !== 0) break;
      if (level === 0) return this.pageFault(va, access);
      level--;
      table = (pte >>> 10) * 4096;
    }
    if ((pte & Pte.U) !== 0) {
      if (priv === Priv.S && (access === Access.Fetch || (ms & MStatus.SUM) === 0)) return this.pageFault(va, access);
    } else if (priv === Priv.U) {
      return this.pageFault(va, access);
    }
    const allowed =
      access === Access.Fetch ? (pte & Pte.X) !== 0
      : access === Access.Load ? (pte & Pte.R) !== 0 || ((ms & MStatus.MXR) !== 0 && (pte & Pte.X) !== 0)
      : (pte & Pte.W) !== 0;
    if (!allowed) return this.pageFault(va, access);
    const ppn = pte >>> 10;
    if (level === 1 && (ppn & 0x3ff) !== 0) return this.pageFault(va, access); // misaligned superpage
    const updated = pte | Pte.A | (access === Access.Store ? Pte.D : 0);
    if (update && updated !== pte) this.writePte(pteAddr, updated, access, va);
    return level === 1 ? (ppn >>> 10) * 0x400000 + (va & 0x3fffff) : ppn * 4096 + (va & 0xfff);
  }

  private pageFault(va: number, access: Access): never {
    const cause = access === Access.Fetch ? Exception.InstructionPageFault
      : access === Access.Load ? Exception.LoadPageFault : Exception.StorePageFault;
    return this.raise(cause, va);
  }

  private accessFault(va: number, access: Access): never {
    const cause = access === Access.Fetch ? Exception.InstructionAccessFault
      : access === Access.Load ? Exception.LoadAccessFault : Exception.StoreAccessFault;
    return this.raise(cause, va);
  }

  private readPte(pa: number, access: Access, va: number): number {
    // Implicit page-table accesses are checked by PMP as S-mode accesses (Privileged spec 3.7.1).
    if (!this.pmp.allows(pa, 4, PmpAccess.Read, Priv.S)) return this.accessFault(va, access);
    if (this.ram.contains(pa, 4)) return this.ram.i32[(pa - this.ram.base) >>> 2]!;
    if (pa > 0xfffffffc) return this.accessFault(va, access);
    try {
      return this.memory.load(pa, 4) | 0;
    } catch (e) {
      if (e instanceof BusError) return this.accessFault(va, access);
      throw e;
    }
  }

  private writePte(pa: number, value: number, access: Access, va: number): void {
    if (!this.pmp.allows(pa, 4, PmpAccess.Write, Priv.S)) this.accessFault(va, access);
    if (this.ram.contains(pa, 4)) {
      const off = pa - this.ram.base;
      this.ram.noteWrite(off);
      this.ram.i32[off >>> 2] = value;
      return;
    }
    try {
      this.memory.store(pa, 4, value);
    } catch (e) {
      if (e instanceof BusError) this.accessFault(va, access);
      throw e;
    }
  }

  /** Fills the load or store TLB entry for `va` if `pa` is plain RAM. */
  private fillDataTlb(va: number, pa: number, access: Access.Load | Access.Store): void {
    const off = pa - this.ram.base;
    if (off < 0 || off >= this.ram.size) return;
    const flags = this.ram.pageFlags[off >>> PAGE_SHIFT]!;
    const vpn = va >>> PAGE_SHIFT;
    const i = vpn & TLB_MASK;
    const delta = ((off & ~0xfff) - (va & ~0xfff)) | 0;
    const grant = this.pmp.pageGrant(pa - (pa & 0xfff), this.dataPriv());
    const needed = access === Access.Load ? PmpAccess.Read : PmpAccess.Write;
    if (grant < 0 || (grant & needed) === 0) return; // mixed or refused: every access is checked
    if (access === Access.Load) {
      if ((flags & PageFlag.Watched) !== 0) return;
      this.ltag[i] = vpn | this.dataCtx;
      this.ldelta[i] = delta;
    } else {
      if (flags !== PageFlag.Dirty) return; // clean, code and watched pages keep taking the slow path
      this.stag[i] = vpn | this.dataCtx;
      this.sdelta[i] = delta;
    }
  }

  /** Slow path of loads: translation, TLB refill, misaligned accesses, devices. */
  loadSlow(va: number, kind: LoadKind, pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    const size = kind === LoadKind.W ? 4 : kind >= LoadKind.H ? 2 : 1;
    let value: number;
    if ((va & (size - 1)) !== 0) {
      value = this.loadMisaligned(va, size);
    } else {
      const pa = this.translate(va, Access.Load);
      this.checkPmp(pa, size, PmpAccess.Read, va, Access.Load);
      this.fillDataTlb(va, pa, Access.Load);
      value = this.loadPhysical(pa, size as AccessSize, va, Access.Load);
    }
    switch (kind) {
      case LoadKind.B: return (value << 24) >> 24;
      case LoadKind.H: return (value << 16) >> 16;
      default: return value | 0;
    }
  }

  /** Misaligned loads are emulated, byte by byte (documented: the EEI supports them; AMOs still trap). */
  private loadMisaligned(va: number, size: number): number {
    const pas: number[] = [];
    for (let i = 0; i < size; i++) {
      pas.push(this.translate((va + i) | 0, Access.Load));
      this.checkPmp(pas[i]!, 1, PmpAccess.Read, (va + i) | 0, Access.Load);
    }
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.loadPhysical(pas[i]!, 1, (va + i) | 0, Access.Load) << (8 * i);
    return value;
  }

  private loadPhysical(pa: number, size: AccessSize, va: number, access: Access): number {
    const ram = this.ram;
    const off = pa - ram.base;
    if (off >= 0 && off + size <= ram.size) {
      const value = size === 4 ? ram.i32[off >>> 2]! : size === 2 ? ram.u16[off >>> 1]! : ram.bytes[off]!;
      if ((ram.pageFlags[off >>> PAGE_SHIFT]! & PageFlag.Watched) !== 0) ram.watches.hit(pa, size, value, false);
      return value;
    }
    if (pa + size > 0x100000000) return this.accessFault(va, access);
    try {
      return this.memory.load(pa, size);
    } catch (e) {
      if (e instanceof BusError) return this.accessFault(va, access);
      throw e;
    }
  }

  /** Slow path of stores: translation, dirty/code bookkeeping, TLB refill, misaligned accesses, devices. */
  storeSlow(va: number, size: AccessSize, value: number, pc: number, icount: number): void {
    this.pc = pc;
    this.icount = icount;
    if ((va & (size - 1)) !== 0) {
      // Translate and check every byte before writing any, so a fault leaves memory untouched.
      const pas: number[] = [];
      for (let i = 0; i < size; i++) {
        const byteVa = (va + i) | 0;
        pas.push(this.translate(byteVa, Access.Store));
        this.checkPmp(pas[i]!, 1, PmpAccess.Write, byteVa, Access.Store);
        if (!this.ram.contains(pas[i]!, 1) && (pas[i]! >= 0x100000000 || !this.memory.mapped(pas[i]!, 1))) {
          this.accessFault(byteVa, Access.Store);
        }
      }
      for (let i = 0; i < size; i++) this.storePhysical(pas[i]!, 1, value >>> (8 * i), (va + i) | 0);
      return;
    }
    const pa = this.translate(va, Access.Store);
    this.checkPmp(pa, size, PmpAccess.Write, va, Access.Store);
    this.storePhysical(pa, size, value, va);
    this.fillDataTlb(va, pa, Access.Store);
  }

  private storePhysical(pa: number, size: AccessSize, value: number, va: number): void {
    const ram = this.ram;
    const off = pa - ram.base;
    if (off >= 0 && off + size <= ram.size) {
      ram.noteWrite(off);
      if (size === 4) ram.i32[off >>> 2] = value;
      else if (size === 2) ram.u16[off >>> 1] = value;
      else ram.bytes[off] = value;
      if ((ram.pageFlags[off >>> PAGE_SHIFT]! & PageFlag.Watched) !== 0) {
        ram.watches.hit(pa, size, value & (size === 4 ? -1 : size === 2 ? 0xffff : 0xff), true);
      }
      return;
    }
    if (pa + size > 0x100000000) this.accessFault(va, Access.Store);
    try {
      this.memory.store(pa, size, size === 4 ? value | 0 : value & (size === 2 ? 0xffff : 0xff));
    } catch (e) {
      if (e instanceof BusError) this.accessFault(va, Access.Store);
      throw e;
    }
    // A device may have raised an interrupt or asked to halt.
    this.requestAttention();
  }

  /** An AMO (A extension 8.4): misaligned addresses trap; returns the old value. */
  amo(op: AmoOp, va: number, operand: number, pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    if ((va & 3) !== 0) this.raise(Exception.StoreMisaligned, va);
    const pa = this.translate(va, Access.Store); // AMOs need write permission and raise store faults
    this.checkPmp(pa, 4, PmpAccess.Read | PmpAccess.Write, va, Access.Store);
    const old = this.loadPhysical(pa, 4, va, Access.Store) | 0;
    let next: number;
    switch (op) {
      case AmoOp.Swap: next = operand; break;
      case AmoOp.Add: next = (old + operand) | 0; break;
      case AmoOp.Xor: next = old ^ operand; break;
      case AmoOp.And: next = old & operand; break;
      case AmoOp.Or: next = old | operand; break;
      case AmoOp.Min: next = old < operand ? old : operand; break;
      case AmoOp.Max: next = old > operand ? old : operand; break;
      case AmoOp.MinU: next = (old >>> 0) < (operand >>> 0) ? old : operand; break;
      case AmoOp.MaxU: next = (old >>> 0) > (operand >>> 0) ? old : operand; break;
    }
    this.storePhysical(pa, 4, next, va);
    return old;
  }

  /** lr.w: load and register a reservation on the word. */
  loadReserved(va: number, pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    if ((va & 3) !== 0) this.raise(Exception.LoadMisaligned, va);
    const pa = this.translate(va, Access.Load);
    this.checkPmp(pa, 4, PmpAccess.Read, va, Access.Load);
    const value = this.loadPhysical(pa, 4, va, Access.Load) | 0;
    this.reservation = pa;
    return value;
  }

  /** sc.w: store if the reservation still covers the word; 0 on success, 1 on failure. Always clears it. */
  storeConditional(va: number, value: number, pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    if ((va & 3) !== 0) this.raise(Exception.StoreMisaligned, va);
    const pa = this.translate(va, Access.Store); // permission checks even when it fails
    this.checkPmp(pa, 4, PmpAccess.Write, va, Access.Store);
    const ok = this.reservation === pa;
    this.reservation = -1;
    if (!ok) return 1;
    this.storePhysical(pa, 4, value, va);
    return 0;
  }

  // ---------------------------------------------------------------- fetch and decode

  /**
   * Returns the decoded-instruction page for the page of virtual address `va`
   * (translating it), allocating it on first use. Throws fetch faults.
   */
  fetchPage(va: number, icount: number): Int32Array {
    this.pc = va;
    this.icount = icount;
    const pageBase = this.translateFetch(va) - (va & 0xfff);
    if (pageBase !== ((va & ~0xfff) >>> 0)) this.codeAliased = true;
    const ram = this.ram;
    const off = pageBase - ram.base;
    if (off >= 0 && off < ram.size) {
      const page = off >>> PAGE_SHIFT;
      let decoded = this.decodedPages[page];
      if (decoded === undefined) {
        decoded = new Int32Array(DECODED_PAGE_WORDS);
        this.decodedPages[page] = decoded;
      }
      this.fetchBytes = ram.bytes;
      this.fetchOffset = off;
      // A stretch of cold code ends where it enters a warm page: the dispatcher runs that one.
      if (this.slicing && this.translations!.warm(page)) {
        this.sliceExit = true;
        this.stopAt = -1;
      }
      return decoded;
    }
    const rom = this.memory.romPage(pageBase);
    if (rom === undefined) return this.accessFault(va, Access.Fetch);
    let decoded = this.decodedRom.get(pageBase);
    if (decoded === undefined) {
      decoded = new Int32Array(DECODED_PAGE_WORDS);
      this.decodedRom.set(pageBase, decoded);
    }
    this.fetchBytes = rom;
    this.fetchOffset = 0;
    return decoded;
  }

  /**
   * Translates an instruction address and checks PMP, through the fetch TLB,
   * which holds only pages that PMP lets this privilege execute in full.
   */
  private translateFetch(va: number): number {
    const vpn = va >>> PAGE_SHIFT;
    const i = vpn & TLB_MASK;
    const tag = vpn | (this.priv << 20);
    this.fetchWholePage = true;
    if (this.ftag[i] === tag) return (this.fpage[i]! >>> 0) + (va & 0xfff);
    const pa = this.translate(va, Access.Fetch);
    const grant = this.pmp.pageGrant(pa - (pa & 0xfff), this.priv);
    if (grant < 0) {
      this.fetchWholePage = false;
      // Mixed permissions in this page: check this instruction, and make the loop come back for the next one.
      this.checkPmp(pa, 2, PmpAccess.Execute, va, Access.Fetch);
      const lo = this.loadPhysical(pa, 2, va, Access.Fetch);
      if (isFullLength(lo)) this.checkPmp(pa, 4, PmpAccess.Execute, va, Access.Fetch);
      this.requestAttention();
      return pa;
    }
    if ((grant & PmpAccess.Execute) === 0) return this.accessFault(va, Access.Fetch);
    if (pa < 0x100000000) {
      this.ftag[i] = tag;
      this.fpage[i] = pa - (va & 0xfff);
    }
    return pa;
  }

  /** Raises the access fault for `access` when PMP refuses it at the effective privilege. */
  private checkPmp(pa: number, size: number, kind: PmpAccess, va: number, access: Access): void {
    const priv = access === Access.Fetch ? this.priv : this.dataPriv();
    if (!this.pmp.allows(pa, size, kind, priv)) this.accessFault(va, access);
  }

  /** Byte i of the pmpcfg registers (entries 0-15). */
  private pmpCfg(i: number): number {
    return (this.csr[Slot.pmpcfg0 + (i >>> 2)]! >>> (8 * (i & 3))) & 0xff;
  }

  /** Rebuilds PMP regions from the CSRs, forgetting every cached translation. */
  private updatePmp(): void {
    this.pmp.update((i) => this.pmpCfg(i), (i) => this.csr[Slot.pmpaddr0 + i]!);
    this.flushTlb();
  }

  /** Flags a RAM page as holding decoded code, so stores to it take the slow path. */
  private markCode(page: number): void {
    const flags = this.ram.pageFlags[page]!;
    if ((flags & PageFlag.Code) !== 0) return;
    this.ram.pageFlags[page] = flags | PageFlag.Code;
    this.stag.fill(-1);
  }

  /**
   * Decodes the instruction at `pc` into slot `s` of the current decoded page
   * and returns its packed word (immediate in this.decodedImm). An instruction
   * that crosses into the next page is decoded but not cached.
   */
  decodeAt(page: Int32Array, s: number, pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    const bytes = this.fetchBytes;
    const o = this.fetchOffset + (pc & 0xfff);
    const lo = bytes[o]! | (bytes[o + 1]! << 8);
    let hi = 0;
    let cacheable = true;
    if (isFullLength(lo)) {
      if ((pc & 0xfff) === 0xffe) {
        hi = this.fetchParcel((pc + 2) | 0);
        cacheable = false;
      } else {
        hi = bytes[o + 2]! | (bytes[o + 3]! << 8);
      }
    }
    const d = decode(lo, hi);
    const compressedOff = d.length === 2 && this.ialignMask !== 0;
    const op = d.op < 0 || compressedOff ? OP_ILLEGAL : d.op + 1;
    const rd = d.rd === 0 ? 32 : d.rd;
    let word = op | (rd << 8) | (d.rs1 << 14) | (d.rs2 << 19) | (d.length << 24);
    const imm = op === OP_ILLEGAL ? d.bits : d.imm;
    if (this.breakpoints.size > 0 && this.breakpoints.has(pc >>> 0) && !this.decodingBehindBreakpoint) {
      word = (word & ~255) | OP_BREAKPOINT;
    }
    if (cacheable) {
      page[s] = word;
      page[s + 1] = imm;
      if (this.fetchBytes === this.ram.bytes) this.markCode(this.fetchOffset >>> PAGE_SHIFT);
    }
    this.decodedImm = imm;
    return word;
  }

  private decodingBehindBreakpoint = false;
  private readonly scratchPage = new Int32Array(DECODED_PAGE_WORDS);

  /** Sets the debugger breakpoints (virtual addresses); they cost nothing where they are not. */
  setBreakpoints(addresses: Iterable<number>): void {
    const next = new Set([...addresses].map((a) => a >>> 0));
    const changed = [...next].filter((a) => !this.breakpoints.has(a)).concat([...this.breakpoints].filter((a) => !next.has(a)));
    // The decoded pages were patched for the current set: the same set needs no new decoding.
    if (changed.length === 0) return;
    this.breakpoints = next;
    if (this.codeAliased) {
      this.flushDecoded();
      return;
    }
    // Code runs at its physical address: only the pages of the breakpoints that changed are decoded again.
    for (const page of new Set(changed.map((a) => (a & ~0xfff) >>> 0))) this.forgetCodeAt(page);
  }

  /**
   * Forgets the decoded instructions and translations of the page at
   * physical address `pageBase` (its bytes or its breakpoints changed behind
   * the hart's back); a translation dropped this way does not count as a
   * write to code.
   */
  private forgetCodeAt(pageBase: number): void {
    this.decodedRom.delete(pageBase);
    const off = pageBase - this.ram.base;
    if (off >= 0 && off < this.ram.size) this.forgetRamCode(off >>> PAGE_SHIFT);
  }

  /** forgetCodeAt for RAM page number `page`. */
  private forgetRamCode(page: number): void {
    this.decodedPages[page]?.fill(0);
    this.translations?.forget(page);
  }

  /**
   * The run loop reached a patched breakpoint at `pc`: stop (VmExit.Breakpoint)
   * unless this is the step that resumes from it, or another address that maps
   * to the same physical instruction; then decode the real instruction into
   * decodedWord/decodedImm for the loop to run.
   */
  atBreakpoint(pc: number, icount: number): number {
    this.pc = pc;
    this.icount = icount;
    if (this.breakpoints.has(pc >>> 0) && icount !== this.breakpointSkip) return VmExit.Breakpoint;
    this.decodingBehindBreakpoint = true;
    try {
      this.decodedWord = this.decodeAt(this.scratchPage, (pc & 0xfff) & ~1, pc, icount);
    } finally {
      this.decodingBehindBreakpoint = false;
    }
    return 0;
  }

  /** Fetches one 16-bit parcel through translation and PMP (for page-crossing instructions). */
  private fetchParcel(va: number): number {
    const pa = this.translate(va, Access.Fetch);
    this.checkPmp(pa, 2, PmpAccess.Execute, va, Access.Fetch);
    return this.loadPhysical(pa, 2, va, Access.Fetch) & 0xffff;
  }

  /**
   * The raw bits of the executing instruction at `va` (for illegal-instruction
   * tval), read from the page it was fetched from, so a translation changed
   * since (without sfence.vma) cannot change them.
   */
  private instructionBitsAt(va: number): number {
    const off = va & 0xfff;
    const b = this.fetchBytes;
    const o = this.fetchOffset + off;
    if (off <= 0xffc && o + 4 <= b.length) {
      const lo = b[o]! | (b[o + 1]! << 8);
      return isFullLength(lo) ? (lo | ((b[o + 2]! | (b[o + 3]! << 8)) << 16)) | 0 : lo;
    }
    const lo = this.fetchParcel(va);
    return isFullLength(lo) ? (lo | (this.fetchParcel((va + 2) | 0) << 16)) | 0 : lo;
  }

  // ---------------------------------------------------------------- CSRs

  /**
   * Executes a Zicsr instruction (Unprivileged spec 9.1). `rd` is 32 for x0,
   * `writeSource` is the rs1 field (0 means csrrs/csrrc do not write).
   * Returns 0, or VmExit.HostCsr when the value must come from the monitor.
   */
  csrInstruction(op: CsrOp, rd: number, source: number, csr: number, writeSource: number): number {
    const writes = op === CsrOp.Write || writeSource !== 0;
    if (this.priv < ((csr >>> 8) & 3)) this.illegalInstruction();
    if (writes && (csr >>> 10) === 3) this.illegalInstruction();
    if (csr === Csr.time || csr === Csr.timeh) {
      this.checkCounterAccess(csr);
      this.hostCsr = { csr, rd };
      return VmExit.HostCsr;
    }
    if (csr === Csr.seed) {
      // Zkr 4.1: seed must be accessed with a write; S/U access needs mseccfg.SSEED/USEED.
      const cfg = this.csr[Slot.mseccfg]!;
      if (!writes) this.illegalInstruction();
      if (this.priv === Priv.S && (cfg & MSecCfg.SSEED) === 0) this.illegalInstruction();
      if (this.priv === Priv.U && (cfg & MSecCfg.USEED) === 0) this.illegalInstruction();
      this.hostCsr = { csr, rd };
      return VmExit.HostCsr;
    }
    const reads = op !== CsrOp.Write || rd !== 32;
    const value = this.readCsr(csr);
    if (value === undefined) return this.illegalInstruction();
    if (writes) {
      // csrrs/csrrc on mip use the software-writable SEIP bit, not the OR with the line (Privileged 3.1.9).
      const old = csr === Csr.mip ? this.csr[Slot.mipSoftware]! : value;
      const next = op === CsrOp.Write ? source : op === CsrOp.Set ? old | source : old & ~source;
      this.writeCsr(csr, next);
    }
    if (reads) this.x[rd] = value;
    return 0;
  }

  private checkCounterAccess(csr: number): void {
    const bit = 1 << (csr & 31);
    if (this.priv < Priv.M && (this.csr[Slot.mcounteren]! & bit) === 0) this.illegalInstruction();
    if (this.priv < Priv.S && (this.csr[Slot.scounteren]! & bit) === 0) this.illegalInstruction();
  }

  private counter(base: Slot, inhibitBit: number, count: number): bigint {
    const b = (BigInt(this.csr[base + 1]! >>> 0) << 32n) | BigInt(this.csr[base]! >>> 0);
    if ((this.csr[Slot.mcountinhibit]! & inhibitBit) !== 0) return b;
    return BigInt.asUintN(64, BigInt(count) + b);
  }

  private setCounter(base: Slot, inhibitBit: number, count: number, value: bigint): void {
    const b = (this.csr[Slot.mcountinhibit]! & inhibitBit) !== 0 ? value : BigInt.asUintN(64, value - BigInt(count));
    this.csr[base] = Number(b & 0xffffffffn) | 0;
    this.csr[base + 1] = Number(b >> 32n) | 0;
  }

  /** Counter values as seen by the current instruction; a write takes effect after it retires. */
  private cycleNow(): bigint {
    return this.counter(Slot.cycleBaseLo, 1, this.icount);
  }

  private instretNow(): bigint {
    return this.counter(Slot.instretBaseLo, 4, this.icount - this.traps);
  }

  /** Reads a CSR for an instruction at the current privilege, or undefined if it does not exist. */
  readCsr(csr: number): number | undefined {
    const c = this.csr;
    switch (csr) {
      case Csr.cycle: case Csr.instret: case Csr.cycleh: case Csr.instreth:
        this.checkCounterAccess(csr);
        return this.readCounter(csr);
      case Csr.mcycle: case Csr.minstret: case Csr.mcycleh: case Csr.minstreth:
        return this.readCounter(csr);
      case Csr.sstatus: return c[Slot.mstatus]! & SSTATUS_MASK;
      case Csr.sie: return c[Slot.mie]! & c[Slot.mideleg]!;
      case Csr.sip: return (c[Slot.mipSoftware]! | c[Slot.mipLines]!) & c[Slot.mideleg]!;
      case Csr.stvec: return c[Slot.stvec];
      case Csr.scounteren: return c[Slot.scounteren];
      case Csr.senvcfg: return c[Slot.senvcfg];
      case Csr.sscratch: return c[Slot.sscratch];
      case Csr.sepc: return this.readEpc(Slot.sepc);
      case Csr.scause: return c[Slot.scause];
      case Csr.stval: return c[Slot.stval];
      case Csr.satp:
        if (this.priv === Priv.S && (c[Slot.mstatus]! & MStatus.TVM) !== 0) this.illegalInstruction();
        return c[Slot.satp];
      case Csr.mvendorid: case Csr.marchid: case Csr.mimpid: case Csr.mconfigptr: return 0;
      case Csr.mhartid: return this.hartId;
      case Csr.mstatus: return c[Slot.mstatus];
      case Csr.misa: return c[Slot.misa];
      case Csr.medeleg: return c[Slot.medeleg];
      case Csr.mideleg: return c[Slot.mideleg];
      case Csr.mie: return c[Slot.mie];
      case Csr.mtvec: return c[Slot.mtvec];
      case Csr.mcounteren: return c[Slot.mcounteren];
      case Csr.menvcfg: return c[Slot.menvcfg];
      case Csr.mstatush: return 0;
      case Csr.menvcfgh: return c[Slot.menvcfgh];
      case Csr.mcountinhibit: return c[Slot.mcountinhibit];
      case Csr.mscratch: return c[Slot.mscratch];
      case Csr.mepc: return this.readEpc(Slot.mepc);
      case Csr.mcause: return c[Slot.mcause];
      case Csr.mtval: return c[Slot.mtval];
      case Csr.mip: return c[Slot.mipSoftware]! | c[Slot.mipLines]!;
      case MSECCFG: return c[Slot.mseccfg];
      case MSECCFGH: return 0;
    }
    // RV32 has pmpcfg0-15 and pmpaddr0-63; entries 16-63 are not implemented and read zero.
    if (csr >= Csr.pmpcfg0 && csr <= PMPCFG15) return csr - Csr.pmpcfg0 < PMP_ENTRIES / 4 ? c[Slot.pmpcfg0 + (csr - Csr.pmpcfg0)] : 0;
    if (csr >= Csr.pmpaddr0 && csr <= PMPADDR63) return csr - Csr.pmpaddr0 < PMP_ENTRIES ? c[Slot.pmpaddr0 + (csr - Csr.pmpaddr0)] : 0;
    // Unimplemented performance counters and events read as zero (allowed by Privileged 3.1.10).
    if ((csr >= Csr.hpmcounter3 && csr <= Csr.hpmcounter31) || (csr >= Csr.hpmcounter3h && csr <= Csr.hpmcounter31h)) {
      this.checkCounterAccess(csr);
      return 0;
    }
    if ((csr >= Csr.mhpmcounter3 && csr <= Csr.mhpmcounter31) || (csr >= Csr.mhpmcounter3h && csr <= Csr.mhpmcounter31h) ||
      (csr >= Csr.mhpmevent3 && csr <= Csr.mhpmevent31)) return 0;
    return undefined;
  }

  private readCounter(csr: number): number {
    const v = (csr & 0xff) === 0 || (csr & 0xff) === 0x80 ? this.cycleNow() : this.instretNow();
    return Number(((csr & 0x80) !== 0 ? v >> 32n : v) & 0xffffffffn) | 0;
  }

  /** Writes a CSR (after the access checks), keeping WARL fields legal. */
  writeCsr(csr: number, value: number): void {
    const c = this.csr;
    value |= 0;
    switch (csr) {
      case Csr.sstatus:
        c[Slot.mstatus] = (c[Slot.mstatus]! & ~SSTATUS_MASK) | (value & SSTATUS_MASK & ~MStatus.UBE);
        break;
      case Csr.sie: {
        const m = c[Slot.mideleg]!;
        c[Slot.mie] = (c[Slot.mie]! & ~m) | (value & m);
        break;
      }
      case Csr.sip: {
        const m = c[Slot.mideleg]! & Mip.SSIP;
        c[Slot.mipSoftware] = (c[Slot.mipSoftware]! & ~m) | (value & m);
        break;
      }
      case Csr.stvec: c[Slot.stvec] = legalTvec(value, c[Slot.stvec]!); break;
      case Csr.scounteren: c[Slot.scounteren] = value; break;
      case Csr.senvcfg: break; // no fields implemented (FIOM, CBIE ... are read-only zero)
      case Csr.sscratch: c[Slot.sscratch] = value; break;
      case Csr.sepc: c[Slot.sepc] = value & ~1; break;
      case Csr.scause: c[Slot.scause] = value; break;
      case Csr.stval: c[Slot.stval] = value; break;
      case Csr.satp:
        if (this.priv === Priv.S && (c[Slot.mstatus]! & MStatus.TVM) !== 0) this.illegalInstruction();
        c[Slot.satp] = value;
        this.flushTlb();
        break;
      case Csr.mstatus: {
        let next = (c[Slot.mstatus]! & ~MSTATUS_WRITABLE) | (value & MSTATUS_WRITABLE);
        if (((next & MStatus.MPP) >>> MStatus.MPP_SHIFT) === 2) next = (next & ~MStatus.MPP) | (c[Slot.mstatus]! & MStatus.MPP);
        c[Slot.mstatus] = next;
        break;
      }
      case Csr.misa: this.writeMisa(value); break;
      case Csr.medeleg: c[Slot.medeleg] = value & DELEGABLE_EXCEPTIONS; break;
      case Csr.mideleg: c[Slot.mideleg] = value & DELEGABLE_INTERRUPTS; break;
      case Csr.mie: c[Slot.mie] = value & ALL_INTERRUPTS; break;
      case Csr.mtvec: c[Slot.mtvec] = legalTvec(value, c[Slot.mtvec]!); break;
      case Csr.mcounteren: c[Slot.mcounteren] = value; break;
      case Csr.menvcfg: case Csr.menvcfgh: case Csr.mstatush: break; // read-only zero fields
      case Csr.mcountinhibit: {
        const cycle = this.cycleNow();
        const instret = this.instretNow();
        c[Slot.mcountinhibit] = value & ~2; // bit 1 (TM) is read-only zero
        this.setCounter(Slot.cycleBaseLo, 1, this.icount, cycle);
        this.setCounter(Slot.instretBaseLo, 4, this.icount - this.traps, instret);
        break;
      }
      case Csr.mscratch: c[Slot.mscratch] = value; break;
      case Csr.mepc: c[Slot.mepc] = value & ~1; break;
      case Csr.mcause: c[Slot.mcause] = value; break;
      case Csr.mtval: c[Slot.mtval] = value; break;
      case Csr.mip: c[Slot.mipSoftware] = value & MIP_WRITABLE; break;
      case Csr.mcycle: case Csr.mcycleh: this.writeCounter(Slot.cycleBaseLo, 1, csr, value, this.icount + 1); break;
      case Csr.minstret: case Csr.minstreth:
        this.writeCounter(Slot.instretBaseLo, 4, csr, value, this.icount + 1 - this.traps);
        break;
      case MSECCFG: c[Slot.mseccfg] = value & (MSecCfg.SSEED | MSecCfg.USEED); break;
      case MSECCFGH: break;
      default:
        if (csr >= Csr.pmpcfg0 && csr <= Csr.pmpcfg3) this.writePmpCfg(csr - Csr.pmpcfg0, value);
        else if (csr >= Csr.pmpaddr0 && csr <= Csr.pmpaddr15) this.writePmpAddr(csr - Csr.pmpaddr0, value);
        // pmpcfg4-15, pmpaddr16-63, mhpmcounterN and mhpmeventN are read-only zero: writes are ignored (WARL).
        break;
    }
    this.stateChanged();
  }

  /** Writes pmpcfgN: each entry's byte is legalized, and locked entries keep theirs. */
  private writePmpCfg(reg: number, value: number): void {
    let next = this.csr[Slot.pmpcfg0 + reg]!;
    for (let b = 0; b < 4; b++) {
      const entry = reg * 4 + b;
      if ((this.pmpCfg(entry) & 0x80) !== 0) continue; // locked
      next = (next & ~(0xff << (8 * b))) | (legalPmpCfg((value >>> (8 * b)) & 0xff) << (8 * b));
    }
    this.csr[Slot.pmpcfg0 + reg] = next;
    this.updatePmp();
  }

  /** Writes pmpaddrN (bits 33:2 of the address) unless the entry is locked. */
  private writePmpAddr(entry: number, value: number): void {
    if (pmpLocked(entry, (i) => this.pmpCfg(i))) return;
    // Physical addresses are 32 bits here, so pmpaddr bits 31:30 (address bits 33:32) read zero.
    this.csr[Slot.pmpaddr0 + entry] = value & 0x3fffffff;
    this.updatePmp();
  }

  /** A write to mcycle[h]/minstret[h] is seen by the next instruction (count + 1 here). */
  private writeCounter(base: Slot, inhibitBit: number, csr: number, value: number, countAfter: number): void {
    const current = this.counter(base, inhibitBit, countAfter - 1);
    const v = BigInt(value >>> 0);
    const next = (csr & 0x80) !== 0 ? (current & 0xffffffffn) | (v << 32n) : (current & ~0xffffffffn) | v;
    this.setCounter(base, inhibitBit, countAfter, next);
  }

  /** misa: only C can be toggled; clearing it is suppressed if the next instruction would be misaligned. */
  private writeMisa(value: number): void {
    const wantC = (value & Misa.C) !== 0;
    const hasC = (this.csr[Slot.misa]! & Misa.C) !== 0;
    if (wantC === hasC) return;
    if (!wantC && ((this.pc + 4) & 3) !== 0) return;
    this.csr[Slot.misa] = wantC ? MISA_VALUE : MISA_VALUE & ~Misa.C;
    this.flushDecoded();
  }

  // ---------------------------------------------------------------- state

  /** A copy of the architectural state. */
  snapshot(): HartSnapshot {
    return { version: 1, x: this.x.slice(0, 32), csr: this.csr.slice(), ...this.runState() };
  }

  /** Where the hart is, beyond its registers: pc, privilege, counts and trap bookkeeping. */
  private runState(): RunState {
    return {
      pc: this.pc, priv: this.priv, icount: this.icount, traps: this.traps, reservation: this.reservation,
      lastTrapTarget: this.lastTrapTarget, lastTrapStep: this.lastTrapStep,
    };
  }

  /** Takes a run state (of a snapshot or another hart); nothing is left pending. */
  private adoptRunState(s: RunState): void {
    this.pc = s.pc;
    this.priv = s.priv;
    this.icount = s.icount;
    this.traps = s.traps;
    this.reservation = s.reservation;
    this.lastTrapTarget = s.lastTrapTarget;
    this.lastTrapStep = s.lastTrapStep;
    this.hostCsr = undefined;
    this.fatalTrap = undefined;
    this.returnRequested = false;
  }

  /**
   * Restores a snapshot; caches are rebuilt lazily. With `rewrittenPages`
   * (RAM page numbers whose bytes a checkpoint restore replaced), decoded
   * code and translations of the other pages are kept: they still hold.
   */
  restore(s: HartSnapshot, rewrittenPages?: Iterable<number>): void {
    const misaBefore = this.csr[Slot.misa]!;
    if (s.version !== 1) throw new Error(`unsupported hart snapshot version ${s.version}`);
    this.x.set(s.x);
    this.x[32] = 0;
    this.csr.set(s.csr);
    this.adoptRunState(s);
    this.updatePmp();
    if (rewrittenPages === undefined || this.csr[Slot.misa]! !== misaBefore) {
      this.flushDecoded();
    } else {
      for (const page of rewrittenPages) this.forgetRamCode(page);
    }
    this.stateChanged();
    this.translatedStepObserver?.stateReplaced(this);
  }

  /**
   * Makes this hart's state and caches (load and fetch TLBs, derived state)
   * equal to `from`'s, without the cost of a restore: the lockstep checker's
   * reference hart starts every step from the checked hart's state. The
   * store TLB stays this hart's own, so every first store to a page in a
   * step reaches RAM's bookkeeping, which is how the checker sees it.
   */
  copyStateFrom(from: Hart): void {
    const c = this.csr;
    let pmpChanged = false;
    for (let i = Slot.pmpcfg0; i < Slot.Count; i++) if (c[i] !== from.csr[i]) pmpChanged = true;
    const misaChanged = c[Slot.misa] !== from.csr[Slot.misa];
    this.x.set(from.x);
    c.set(from.csr);
    this.adoptRunState(from.runState());
    if (misaChanged) this.flushDecoded();
    if (pmpChanged) this.pmp.update((i) => this.pmpCfg(i), (i) => c[Slot.pmpaddr0 + i]!);
    this.ltag.set(from.ltag);
    this.ldelta.set(from.ldelta);
    this.ftag.set(from.ftag);
    this.fpage.set(from.fpage);
    this.stateChanged();
  }

  /** Whether this hart's architectural state equals `other`'s (see stateDifferences). */
  sameState(other: Hart, ignoreInterruptLines: boolean): boolean {
    for (let i = 1; i < 32; i++) if (this.x[i] !== other.x[i]) return false;
    for (let i = 0; i < Slot.Count; i++) {
      if (this.csr[i] !== other.csr[i] && !(ignoreInterruptLines && i === Slot.mipLines)) return false;
    }
    return this.pc === other.pc && this.priv === other.priv && this.icount === other.icount && this.traps === other.traps &&
      this.reservation === other.reservation && this.lastTrapTarget === other.lastTrapTarget &&
      this.lastTrapStep === other.lastTrapStep && this.fatalTrap === undefined && other.fatalTrap === undefined &&
      this.hostCsr === undefined && other.hostCsr === undefined;
  }

  /** Differences between this hart's architectural state and `other`'s, as lines for a report (empty: equal). */
  stateDifferences(other: Hart, ignoreInterruptLines: boolean): string[] {
    const out: string[] = [];
    const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
    const field = (name: string, a: number, b: number, show = hex) => {
      if (a !== b) out.push(`${name}: ${show(a)} vs ${show(b)}`);
    };
    for (let i = 1; i < 32; i++) field(`x${i}`, this.x[i]!, other.x[i]!);
    field('pc', this.pc, other.pc);
    field('privilege', this.priv, other.priv, String);
    field('icount', this.icount, other.icount, String);
    field('traps', this.traps, other.traps, String);
    field('reservation', this.reservation, other.reservation);
    for (let i = 0; i < Slot.Count; i++) {
      if (!(ignoreInterruptLines && i === Slot.mipLines)) field(SLOT_NAMES[i]!, this.csr[i]!, other.csr[i]!);
    }
    field('last trap target', this.lastTrapTarget, other.lastTrapTarget);
    field('last trap step', this.lastTrapStep, other.lastTrapStep, String);
    if (JSON.stringify(this.fatalTrap) !== JSON.stringify(other.fatalTrap)) out.push('the fatal-trap reports differ');
    if (JSON.stringify(this.hostCsr) !== JSON.stringify(other.hostCsr)) out.push('the pending host-CSR requests differ');
    return out;
  }

  // ---------------------------------------------------------------- debugger access

  /** Translates a virtual address as a data access would, without side effects; undefined if it would fault. */
  translateForDebugger(va: number, fetch = false): number | undefined {
    const priv = fetch ? this.priv : this.dataPriv();
    if (priv === Priv.M || this.csr[Slot.satp]! >= 0) return va >>> 0;
    try {
      return this.walk(va >>> 0, fetch ? Access.Fetch : Access.Load, priv, false);
    } catch (e) {
      if (e === TRAP_SIGNAL) return undefined;
      throw e;
    }
  }

  /** A CSR's value for debuggers: read as M-mode would, without side effects; undefined if it does not exist. */
  peekCsr(csr: number): number | undefined {
    if (csr === Csr.time || csr === Csr.timeh || csr === Csr.seed) return undefined;
    const priv = this.priv;
    this.priv = Priv.M;
    try {
      return this.readCsr(csr);
    } catch (e) {
      if (e === TRAP_SIGNAL) return undefined;
      throw e;
    } finally {
      this.priv = priv;
    }
  }

  /** Name of the current instruction's mnemonic at pc, for traces (undefined if unreadable). */
  mnemonicAt(va: number): string | undefined {
    const pa = this.translateForDebugger(va, true);
    if (pa === undefined) return undefined;
    const lo = this.memory.peek(pa, 2);
    if (lo === undefined) return undefined;
    const hi = isFullLength(lo) ? this.memory.peek(pa + 2, 2) ?? 0 : 0;
    const d = decode(lo, hi);
    return d.op < 0 ? undefined : INSTRUCTIONS[d.op]!.mnemonic;
  }
}

/** mseccfg (Zkr): not in the Csr enum of 1.12 names used above. */
const MSECCFG = 0x747;
const MSECCFGH = 0x757;
/** The last PMP CSRs of RV32 (entries beyond 15 are not implemented but exist). */
const PMPCFG15 = 0x3af;
const PMPADDR63 = 0x3ef;

/** xtvec: MODE 0 (direct) or 1 (vectored); a reserved mode leaves the register unchanged (as QEMU does). */
function legalTvec(value: number, old: number): number {
  return (value & 3) < 2 ? value : old;
}

/** Interrupt priority: MEI, MSI, MTI, SEI, SSI, STI (Privileged spec 3.1.9). */
const PRIORITY = [11, 3, 7, 9, 1, 5] as const;
function highestPriority(bits: number): number {
  for (const irq of PRIORITY) if ((bits & (1 << irq)) !== 0) return irq;
  return -1;
}
