/**
 * A fluent runner for per-instruction hart tests, in the spirit of 6502.ts:
 *
 *   hart().reg('a0', 5).reg('a1', -3).code('add a2, a0, a1').run(1).expectReg('a2', 2)
 *
 * It builds a real Ram and Bus (no board): RAM at 0x80000000, a small test
 * device for MMIO, and nothing else, so every other address is unmapped and
 * raises an access fault. mtvec/stvec point at fixed handler addresses so a
 * trap lands somewhere recognisable. Everything is synchronous.
 *
 * Conventions it follows from the hart: icount counts steps (a retired
 * instruction or a taken trap); ecall, ebreak, wfi and host CSRs are VM exits
 * that run() returns before executing; the monitor's part (trapInstruction,
 * retire, completeHostCsr) is done here by explicit calls.
 */
import { expect } from 'vitest';
import { Hart, type HartSnapshot } from '../../src/hart/hart.js';
import type { TranslationOptions } from '../../src/hart/translation-cache.js';
import { Pte } from '../../src/hart/csr-bits.js';
import { Exception, INTERRUPT_BIT, Priv, VmExit } from '../../src/hart/trap.js';
import { TRAP_SIGNAL } from '../../src/hart/loop-abi.js';
import { Bus } from '../../src/machine/bus.js';
import type { Device, StateRecord } from '../../src/machine/device.js';
import { Ram } from '../../src/memory/ram.js';
import type { AccessSize } from '../../src/memory/physical-memory.js';
import { asm, bytesOf, csrNumber, regNumber, abiName, type Encoded } from './encode.js';

// ---------------------------------------------------------------- the test machine's memory map

export const RAM_BASE = 0x80000000;
export const RAM_SIZE = 4 << 20;
/** Where code goes and pc starts. */
export const CODE = 0x80000000;
/** A scratch data area. */
export const DATA = 0x80100000;
/** mtvec and stvec of a fresh runner. */
export const M_HANDLER = 0x80004000;
export const S_HANDLER = 0x80005000;
/** Page tables built by `map` live here. */
export const PT_ROOT = 0x80200000;
/** The test device's register window. */
export const DEVICE = 0x10000000;
export const DEVICE_SIZE = 0x1000;
/** Nothing is mapped here. */
export const UNMAPPED = 0x20000000;

export const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** One access the test device saw. */
export interface DeviceAccess {
  readonly offset: number;
  readonly size: AccessSize;
  readonly value: number;
  readonly write: boolean;
}

/** A plain register file on the bus: reads return what was written; every access is logged. */
export class TestDevice implements Device {
  readonly name = 'testdev';
  readonly size = DEVICE_SIZE;
  readonly bytes = new Uint8Array(DEVICE_SIZE);
  readonly log: DeviceAccess[] = [];

  read(offset: number, size: AccessSize): number {
    const value = this.peek(offset, size);
    this.log.push({ offset, size, value, write: false });
    return value;
  }

  write(offset: number, size: AccessSize, value: number): void {
    for (let i = 0; i < size; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
    this.log.push({ offset, size, value: value >>> 0, write: true });
  }

  peek(offset: number, size: AccessSize): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.bytes[offset + i]!;
    return v >>> 0;
  }

  saveState(): StateRecord {
    return { bytes: this.bytes.slice() };
  }

  loadState(state: StateRecord): void {
    this.bytes.set(state['bytes'] as Uint8Array);
  }
}

// ---------------------------------------------------------------- Sv32 page tables

/** Leaf permissions as a string of PTE letters: 'rwxu' plus 'a', 'd', 'g' (Privileged spec 4.3.1). */
export function pteFlags(letters: string): number {
  const bits: Record<string, number> = { v: Pte.V, r: Pte.R, w: Pte.W, x: Pte.X, u: Pte.U, g: Pte.G, a: Pte.A, d: Pte.D };
  return [...letters].reduce((f, ch) => {
    const b = bits[ch];
    if (b === undefined) throw new Error(`unknown PTE flag ${ch}`);
    return f | b;
  }, 0);
}

export interface MapOptions {
  /** A 4 MiB megapage made by a level-1 leaf. */
  readonly superpage?: boolean;
  /** Flags exactly as given (V is not added): for invalid and reserved PTEs. */
  readonly raw?: boolean;
}

export interface TrapExpectation {
  readonly cause: Exception | number;
  readonly tval?: number;
  readonly epc?: number;
  /** Which mode took the trap; M unless delegated. */
  readonly mode?: Priv.M | Priv.S;
}

export interface RunnerOptions {
  readonly ramSize?: number;
  readonly pc?: number;
  /** Leave mtvec/stvec at their reset value (0) instead of the runner's handlers. */
  readonly resetVectors?: boolean;
  /** Leave the PMP CSRs at their reset value instead of granting S and U access to everything. */
  readonly noPmp?: boolean;
  /** Binary translation for this hart (default: the suite's, see translation-setup.ts). */
  readonly translation?: TranslationOptions;
}

/** pmpNcfg fields (Privileged 1.12, 3.7.1). */
export const PMP_RWX = 0x07;
export const PMP_NAPOT = 0x18;

export const SATP_SV32 = 0x80000000;

/** Starts a test: a hart on a fresh RAM and bus, in M-mode at CODE. */
export function hart(options: RunnerOptions = {}): HartRunner {
  return new HartRunner(options);
}

export class HartRunner {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly device = new TestDevice();
  readonly hart: Hart;
  /** What the last run() returned. */
  lastExit: VmExit | undefined;
  private nextTable = PT_ROOT + 0x1000;

  constructor(options: RunnerOptions = {}) {
    this.ram = new Ram(RAM_BASE, options.ramSize ?? RAM_SIZE);
    this.bus = new Bus(this.ram);
    this.bus.map(DEVICE, this.device);
    this.hart = new Hart(this.bus, { translation: options.translation });
    this.hart.reset(options.pc ?? CODE);
    if (options.resetVectors !== true) {
      this.hart.writeCsr(csrNumber('mtvec'), M_HANDLER);
      this.hart.writeCsr(csrNumber('stvec'), S_HANDLER);
    }
    if (options.noPmp !== true) {
      // As firmware does before it enters S or U: one PMP entry granting RWX on everything
      // (NAPOT, pmpaddr all ones). With PMP entries implemented and none matching, every S/U
      // access fails (Privileged 1.12, 3.7.1); hart-pmp.test.ts starts from that state instead.
      this.hart.writeCsr(csrNumber('pmpaddr0'), -1);
      this.hart.writeCsr(csrNumber('pmpcfg0'), PMP_NAPOT | PMP_RWX);
    }
  }

  // ---------------------------------------------------------------- setup

  /** Sets a register by name (x5, t0 ...). */
  reg(name: string, value: number): this {
    const r = regNumber(name);
    if (r !== 0) this.hart.x[r] = value | 0;
    return this;
  }

  regs(values: Record<string, number>): this {
    for (const [name, v] of Object.entries(values)) this.reg(name, v);
    return this;
  }

  pc(value: number): this {
    this.hart.pc = value | 0;
    return this;
  }

  /** Switches privilege directly (as a debugger would) and lets the hart recompute what depends on it. */
  priv(p: Priv): this {
    this.hart.priv = p;
    this.hart.stateChanged();
    return this;
  }

  /** Writes a CSR with M-mode authority (through Hart.writeCsr, so WARL rules apply). */
  csr(csr: string | number, value: number): this {
    this.asMachine(() => this.hart.writeCsr(csrNumber(csr), value));
    return this;
  }

  /** Sets bits in a CSR (read-modify-write with M-mode authority). */
  setCsrBits(csr: string | number, bits: number): this {
    return this.csr(csr, this.csrValue(csr) | bits);
  }

  /** Drives an interrupt line (MSIP, MTIP, MEIP, SEIP) as a device would. */
  irq(bit: number, level = true): this {
    this.hart.setInterruptLine(bit, level);
    return this;
  }

  poke(addr: number, size: AccessSize, value: number): this {
    if (this.ram.contains(addr, size)) {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff;
      this.ram.write(addr, b);
    } else {
      this.bus.store(addr, size, value);
    }
    return this;
  }

  mem8(addr: number, value: number): this { return this.poke(addr, 1, value); }
  mem16(addr: number, value: number): this { return this.poke(addr, 2, value); }
  mem32(addr: number, value: number): this { return this.poke(addr, 4, value); }

  bytes(addr: number, data: Uint8Array | readonly number[]): this {
    this.ram.write(addr, data instanceof Uint8Array ? data : Uint8Array.from(data));
    return this;
  }

  /** Places a program (assembly text, or encoded instructions) at `at`. */
  code(program: string | readonly Encoded[], at = CODE): this {
    const encoded = typeof program === 'string' ? asm(program, at) : program;
    return this.bytes(at, bytesOf(encoded));
  }

  words(at: number, ...words: number[]): this {
    return this.code(words.map((bits) => ({ bits, length: 4 as const })), at);
  }

  halfwords(at: number, ...halves: number[]): this {
    return this.code(halves.map((bits) => ({ bits, length: 2 as const })), at);
  }

  // ---------------------------------------------------------------- Sv32

  /** Maps virtual `va` to physical `pa` with PTE `flags` (letters or bits) in the tables at PT_ROOT. */
  map(va: number, pa: number, flags: string | number, options: MapOptions = {}): this {
    const bits = typeof flags === 'string' ? pteFlags(flags) : flags;
    const leaf = (((pa >>> 12) << 10) | bits | (options.raw === true ? 0 : Pte.V)) | 0;
    const l1 = PT_ROOT + ((va >>> 22) << 2);
    if (options.superpage === true) return this.mem32(l1, leaf);
    let table = this.peek32(l1);
    if ((table & Pte.V) === 0) {
      const next = this.nextTable;
      this.nextTable += 0x1000;
      table = ((next >>> 12) << 10) | Pte.V;
      this.mem32(l1, table);
    }
    return this.mem32((((table >>> 10) << 12) >>> 0) + (((va >>> 12) & 0x3ff) << 2), leaf);
  }

  /** Physical address of the PTE that maps `va` (level 0, or level 1 for a superpage). */
  pteAddress(va: number, superpage = false): number {
    const l1 = PT_ROOT + ((va >>> 22) << 2);
    if (superpage) return l1;
    return ((((this.peek32(l1) >>> 10) << 12) >>> 0) + (((va >>> 12) & 0x3ff) << 2)) >>> 0;
  }

  /** Turns on Sv32 with the tables at PT_ROOT (satp.MODE = 1). */
  sv32(asid = 0): this {
    return this.csr('satp', SATP_SV32 | (asid << 22) | (PT_ROOT >>> 12));
  }

  // ---------------------------------------------------------------- running

  /** Runs `steps` steps; asserts that run() stopped with `exit` (the budget, unless told). */
  run(steps = 1, exit: VmExit = VmExit.Budget): this {
    const start = this.hart.icount;
    this.lastExit = this.hart.run(start + steps);
    expect(exitName(this.lastExit), `run(${steps}) from icount ${start}`).toBe(exitName(exit));
    return this;
  }

  /** Runs until a VM exit other than the budget, within `maxSteps`; asserts which exit. */
  runTo(exit: VmExit, maxSteps = 10_000): this {
    return this.run(maxSteps, exit);
  }

  /** Delivers the ecall run() stopped at, as the monitor does without an SBI. */
  deliverEcall(): this {
    this.expectExit(VmExit.Ecall);
    this.hart.trapInstruction((Exception.EcallFromU + this.hart.priv) as Exception);
    return this;
  }

  /** Delivers the ebreak run() stopped at as a breakpoint exception (tval = pc, as the monitor does). */
  deliverEbreak(): this {
    this.expectExit(VmExit.Ebreak);
    this.hart.trapInstruction(Exception.Breakpoint, this.hart.pc);
    return this;
  }

  /** Completes an emulated instruction (wfi, ecall ...) as the monitor does. */
  retire(length = 4): this {
    this.hart.retire(length);
    return this;
  }

  /** Applies `f` to the runner (for shared setup in tables of cases). */
  with(f: (r: this) => void): this {
    f(this);
    return this;
  }

  // ---------------------------------------------------------------- reading state

  x(name: string): number {
    return this.hart.x[regNumber(name)]!;
  }

  peek(addr: number, size: AccessSize): number {
    const v = this.bus.peek(addr, size);
    if (v === undefined) throw new Error(`nothing to peek at ${hex(addr)}`);
    return v >>> 0;
  }

  peek32(addr: number): number {
    return this.peek(addr, 4);
  }

  /** A copy of `length` bytes of RAM. */
  read(addr: number, length: number): Uint8Array {
    return this.ram.read(addr, length);
  }

  /** A CSR as M-mode software would read it (no privilege or counter-enable checks). */
  csrValue(csr: string | number): number {
    const v = this.asMachine(() => this.hart.readCsr(csrNumber(csr)));
    if (v === undefined) throw new Error(`CSR ${csr} is not implemented`);
    return v | 0;
  }

  snapshot(): HartSnapshot {
    return this.hart.snapshot();
  }

  /**
   * Runs `f` as if in M-mode. readCsr/writeCsr consult the current privilege
   * (satp under TVM, counter enables), and there is no side-effect-free CSR
   * peek, so the runner borrows M-mode for the call and restores the mode.
   */
  private asMachine<T>(f: () => T): T {
    const saved = this.hart.priv;
    this.hart.priv = Priv.M;
    try {
      return f();
    } catch (e) {
      if (e === TRAP_SIGNAL) throw new Error('a CSR access from the test raised an exception');
      throw e;
    } finally {
      this.hart.priv = saved;
      this.hart.stateChanged();
    }
  }

  // ---------------------------------------------------------------- expectations

  expectExit(exit: VmExit): this {
    expect(exitName(this.lastExit), 'last VM exit').toBe(exitName(exit));
    return this;
  }

  expectReg(name: string, value: number): this {
    const r = regNumber(name);
    expect(hex(this.hart.x[r]!), `x${r} (${abiName(r)})`).toBe(hex(value));
    return this;
  }

  expectRegs(values: Record<string, number>): this {
    for (const [name, v] of Object.entries(values)) this.expectReg(name, v);
    return this;
  }

  expectPc(value: number): this {
    expect(hex(this.hart.pc), 'pc').toBe(hex(value));
    return this;
  }

  expectPriv(p: Priv): this {
    expect(privName(this.hart.priv), 'privilege').toBe(privName(p));
    return this;
  }

  expectIcount(n: number): this {
    expect(this.hart.icount, 'icount').toBe(n);
    return this;
  }

  expectMem(addr: number, size: AccessSize, value: number): this {
    const mask = size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    expect(hex(this.peek(addr, size)), `${size}-byte memory at ${hex(addr)}`).toBe(hex(value & mask));
    return this;
  }

  expectMem8(addr: number, value: number): this { return this.expectMem(addr, 1, value); }
  expectMem16(addr: number, value: number): this { return this.expectMem(addr, 2, value); }
  expectMem32(addr: number, value: number): this { return this.expectMem(addr, 4, value); }

  expectBytes(addr: number, data: readonly number[]): this {
    expect([...this.ram.read(addr, data.length)], `bytes at ${hex(addr)}`).toEqual(data.map((b) => b & 0xff));
    return this;
  }

  expectCsr(csr: string | number, value: number): this {
    expect(hex(this.csrValue(csr)), `CSR ${csr}`).toBe(hex(value));
    return this;
  }

  /** Expects a mstatus (or sstatus) bit to be set or clear. */
  expectStatus(bit: number, set: boolean, csr = 'mstatus'): this {
    expect((this.csrValue(csr) & bit) !== 0, `${csr} bit ${hex(bit)}`).toBe(set);
    return this;
  }

  /** Expects that the hart just took a trap: pc at the handler, cause/epc/tval in the handling mode's CSRs. */
  expectTrap(t: TrapExpectation): this {
    const mode = t.mode ?? Priv.M;
    const p = mode === Priv.M ? 'm' : 's';
    const cause = t.cause | 0;
    const interrupt = (cause & INTERRUPT_BIT) !== 0;
    const tvec = this.csrValue(`${p}tvec`);
    const vector = interrupt && (tvec & 3) === 1 ? (tvec & ~3) + 4 * (cause & 0x7fffffff) : tvec & ~3;
    expect(hex(this.csrValue(`${p}cause`)), `${p}cause`).toBe(hex(cause));
    if (t.epc !== undefined) expect(hex(this.csrValue(`${p}epc`)), `${p}epc`).toBe(hex(t.epc));
    if (t.tval !== undefined) expect(hex(this.csrValue(`${p}tval`)), `${p}tval`).toBe(hex(t.tval));
    this.expectPriv(mode);
    return this.expectPc(vector);
  }

  /** Expects that no trap was ever taken. */
  expectNoTrap(): this {
    expect(this.hart.traps, `traps taken (mcause ${hex(this.csrValue('mcause'))})`).toBe(0);
    return this;
  }
}

export function exitName(e: VmExit | undefined): string {
  const names: Record<number, string> = {
    [VmExit.Budget]: 'Budget', [VmExit.Ecall]: 'Ecall', [VmExit.Ebreak]: 'Ebreak', [VmExit.Wfi]: 'Wfi',
    [VmExit.HostCsr]: 'HostCsr', [VmExit.Requested]: 'Requested', [VmExit.FatalTrap]: 'FatalTrap', [VmExit.Trap]: 'Trap',
  };
  return e === undefined ? 'none' : names[e] ?? `exit ${e}`;
}

export function privName(p: Priv): string {
  return p === Priv.M ? 'M' : p === Priv.S ? 'S' : p === Priv.U ? 'U' : `priv ${p}`;
}

/** An interrupt cause as it appears in mcause/scause. */
export const irqCause = (code: number): number => (INTERRUPT_BIT | code) | 0;
