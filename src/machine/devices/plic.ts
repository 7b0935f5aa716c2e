/**
 * Platform-level interrupt controller (SiFive PLIC as on QEMU virt at
 * 0x0c00_0000; RISC-V PLIC spec 1.0): 95 level-triggered sources, 3-bit
 * priorities, two contexts for hart 0 (0 = M-mode -> MEIP, 1 = S-mode -> SEIP).
 */
import { Mip } from '../../hart/csr-bits.js';
import type { AccessSize } from '../../memory/physical-memory.js';
import { field, mergeSubword, subword, type Device, type StateRecord } from '../device.js';
import type { MachineContext } from '../machine-context.js';

export const PLIC_SOURCES = 96; // source 0 is reserved; 1..95 usable ("riscv,ndev" = 95)
const PRIORITY_MASK = 7;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;
const CONTEXTS = 2;
const WORDS = PLIC_SOURCES / 32;
const CONTEXT_LINES = [Mip.MEIP, Mip.SEIP] as const;

export class Plic implements Device {
  readonly name = 'plic';
  readonly size = 0x600000;
  private readonly priority = new Uint32Array(PLIC_SOURCES);
  /** Gateway-pending bits (set when a line is high and the source is not being served). */
  private readonly pending = new Uint32Array(WORDS);
  /** Sources claimed and not yet completed (their gateway is closed). */
  private readonly claimed = new Uint32Array(WORDS);
  /** Current level of each input line. */
  private readonly level = new Uint32Array(WORDS);
  private readonly enable = new Uint32Array(WORDS * CONTEXTS);
  private readonly threshold = new Uint32Array(CONTEXTS);

  constructor(private readonly ctx: MachineContext) {}

  /** A device drives its interrupt line (level-triggered). */
  setLine(source: number, high: boolean): void {
    if (source <= 0 || source >= PLIC_SOURCES) return;
    const w = source >>> 5;
    const bit = 1 << (source & 31);
    this.level[w] = high ? this.level[w]! | bit : this.level[w]! & ~bit;
    if (high && (this.claimed[w]! & bit) === 0) this.pending[w]! |= bit;
    if (!high) this.pending[w]! &= ~bit;
    this.update();
  }

  /** The best pending, enabled source above the context's threshold (0 if none); ties go to the lower ID. */
  private best(context: number): number {
    let best = 0;
    let bestPrio = this.threshold[context]!;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w]! & this.enable[context * WORDS + w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const source = w * 32 + b;
        const prio = this.priority[source]!;
        if (prio > bestPrio) { // sources are visited in ascending order, so a tie keeps the lower ID
          best = source;
          bestPrio = prio;
        }
      }
    }
    return best;
  }

  private update(): void {
    for (let c = 0; c < CONTEXTS; c++) this.ctx.setHartInterrupt(CONTEXT_LINES[c]!, this.best(c) !== 0);
  }

  private claim(context: number): number {
    const source = this.best(context);
    if (source !== 0) {
      const w = source >>> 5;
      const bit = 1 << (source & 31);
      this.pending[w]! &= ~bit;
      this.claimed[w]! |= bit;
      this.update();
    }
    return source;
  }

  private complete(context: number, source: number): void {
    if (source <= 0 || source >= PLIC_SOURCES) return;
    const w = source >>> 5;
    const bit = 1 << (source & 31);
    if ((this.enable[context * WORDS + w]! & bit) === 0) return; // ignored per the spec
    this.claimed[w]! &= ~bit;
    if ((this.level[w]! & bit) !== 0) this.pending[w]! |= bit;
    this.update();
  }

  read(offset: number, size: AccessSize): number {
    const ctxOff = offset - CONTEXT_BASE;
    if (ctxOff >= 0 && (ctxOff & (CONTEXT_STRIDE - 1) & ~3) === 4) {
      const c = ctxOff >>> 12;
      if (c < CONTEXTS) return subword(this.claim(c), offset, size);
    }
    return this.peek(offset, size) ?? 0;
  }

  peek(offset: number, size: AccessSize): number | undefined {
    const word = offset & ~3;
    if (word < PENDING_BASE) return subword(word / 4 < PLIC_SOURCES ? this.priority[word / 4]! : 0, offset, size);
    if (word < PENDING_BASE + WORDS * 4) return subword(this.pending[(word - PENDING_BASE) / 4]!, offset, size);
    if (word >= ENABLE_BASE && word < ENABLE_BASE + CONTEXTS * ENABLE_STRIDE) {
      const c = Math.floor((word - ENABLE_BASE) / ENABLE_STRIDE);
      const i = ((word - ENABLE_BASE) % ENABLE_STRIDE) / 4;
      return subword(i < WORDS ? this.enable[c * WORDS + i]! : 0, offset, size);
    }
    const ctxOff = word - CONTEXT_BASE;
    if (ctxOff >= 0) {
      const c = ctxOff >>> 12;
      if (c >= CONTEXTS) return 0;
      if ((ctxOff & 0xfff) === 0) return subword(this.threshold[c]!, offset, size);
      if ((ctxOff & 0xfff) === 4) return undefined; // reading claim has side effects
    }
    return 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    const word = offset & ~3;
    if (word < PENDING_BASE) {
      const s = word / 4;
      if (s > 0 && s < PLIC_SOURCES) this.priority[s] = mergeSubword(this.priority[s]!, offset, size, value) & PRIORITY_MASK;
    } else if (word >= ENABLE_BASE && word < ENABLE_BASE + CONTEXTS * ENABLE_STRIDE) {
      const c = Math.floor((word - ENABLE_BASE) / ENABLE_STRIDE);
      const i = ((word - ENABLE_BASE) % ENABLE_STRIDE) / 4;
      if (i < WORDS) this.enable[c * WORDS + i] = mergeSubword(this.enable[c * WORDS + i]!, offset, size, value) & (i === 0 ? ~1 : ~0);
    } else if (word >= CONTEXT_BASE) {
      const ctxOff = word - CONTEXT_BASE;
      const c = ctxOff >>> 12;
      if (c >= CONTEXTS) return;
      if ((ctxOff & 0xfff) === 0) this.threshold[c] = mergeSubword(this.threshold[c]!, offset, size, value) & PRIORITY_MASK;
      else if ((ctxOff & 0xfff) === 4) this.complete(c, mergeSubword(0, offset, size, value));
    }
    this.update();
  }

  saveState(): StateRecord {
    const bytes = (a: Uint32Array) => new Uint8Array(a.slice().buffer);
    return {
      version: 1,
      priority: bytes(this.priority),
      pending: bytes(this.pending),
      claimed: bytes(this.claimed),
      level: bytes(this.level),
      enable: bytes(this.enable),
      threshold: bytes(this.threshold),
    };
  }

  loadState(state: StateRecord): void {
    const load = (name: string, into: Uint32Array) => {
      const b = field<Uint8Array>(state, name, 'bytes');
      if (b.length !== into.byteLength) throw new TypeError(`saved PLIC field ${name} has the wrong size`);
      into.set(new Uint32Array(b.slice().buffer));
    };
    load('priority', this.priority);
    load('pending', this.pending);
    load('claimed', this.claimed);
    load('level', this.level);
    load('enable', this.enable);
    load('threshold', this.threshold);
    this.update();
  }
}
