/**
 * Binary translation at the hart level: translated code must leave exactly
 * the state the interpreter leaves, at every budget, trap, interrupt,
 * breakpoint, watchpoint and write to code, and the lockstep checker must
 * catch a block that does not. Each test runs the same program on a
 * translating hart and on an interpreting one (whatever RETROVISOR_JIT says)
 * and compares them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockstepMismatch } from '../src/hart/lockstep-checker.js';
import { MStatus, Mip } from '../src/hart/csr-bits.js';
import { SLOT_NAMES, Slot } from '../src/hart/hart.js';
import { Exception, Priv, VmExit } from '../src/hart/trap.js';
import type { TranslationOptions } from '../src/hart/translation-cache.js';
import type { Device, StateRecord } from '../src/machine/device.js';
import type { AccessSize } from '../src/memory/physical-memory.js';
import { WatchKind } from '../src/memory/ram-watch.js';
import { REPO } from './support/cli.js';
import { word } from './support/encode.js';
import { CODE, DATA, PMP_NAPOT, RAM_BASE, RAM_SIZE, hart, hex, irqCause, type HartRunner } from './support/hart-runner.js';

/** Translated once a block has run twice in the interpreter, so the tests see cold, hot and translated code. */
const TRANSLATED: TranslationOptions = { enabled: true, hotThreshold: 2 };
const INTERPRETED: TranslationOptions = { enabled: false };

/** A loop that computes, loads and stores, 200 times, then stops at an ecall. */
const LOOP = `
  li a0, 0
  li a1, 200
loop:
  addi a0, a0, 3
  slli a2, a0, 1
  xor a3, a2, a1
  sw a3, 0(s0)
  lw a4, 0(s0)
  add a5, a5, a4
  sb a1, 5(s0)
  lbu a6, 5(s0)
  add a5, a5, a6
  addi a1, a1, -1
  bnez a1, loop
  ecall
`;

/** The same program on a translating and an interpreting hart. */
function pair(setup: (r: HartRunner) => HartRunner, translation = TRANSLATED): [HartRunner, HartRunner] {
  return [setup(hart({ translation })), setup(hart({ translation: INTERPRETED }))];
}

function expectSameState(a: HartRunner, b: HartRunner, what: string): void {
  const sa = a.snapshot(), sb = b.snapshot();
  expect(sa.icount, `${what}: icount`).toBe(sb.icount);
  expect(hex(sa.pc), `${what}: pc`).toBe(hex(sb.pc));
  expect([...sa.x].map(hex), `${what}: registers`).toEqual([...sb.x].map(hex));
  expect([...sa.csr].map(hex), `${what}: CSR slots`).toEqual([...sb.csr].map(hex));
  expect(sa.traps, `${what}: traps`).toBe(sb.traps);
  expect(Buffer.from(a.read(DATA, 0x2000)).equals(Buffer.from(b.read(DATA, 0x2000))), `${what}: data memory`).toBe(true);
}

/** A device that raises MEIP on its `fireAt`th write. */
class InterruptingDevice implements Device {
  readonly name = 'irq';
  readonly size = 0x1000;
  writes = 0;
  constructor(private readonly fire: () => void, private readonly fireAt: number) {}
  read(): number { return 0; }
  write(): void { if (++this.writes === this.fireAt) this.fire(); }
  peek(): number { return 0; }
  saveState(): StateRecord { return { writes: this.writes }; }
  loadState(): void {}
}

/** A device whose reads have a side effect the lockstep checker must notice: a stand-in for a translator bug. */
class MeddlingDevice implements Device {
  readonly name = 'meddler';
  readonly size = 0x1000;
  constructor(private readonly meddle: () => void) {}
  read(_offset: number, _size: AccessSize): number { this.meddle(); return 7; }
  write(): void {}
  peek(): number { return 7; }
  saveState(): StateRecord { return {}; }
  loadState(): void {}
}

const DEVICE2 = 0x10010000;

describe('translated code', () => {
  it('runs hot loops translated and ends in the interpreter\'s state', () => {
    const [t, i] = pair((r) => r.reg('s0', DATA).code(LOOP).runTo(VmExit.Ecall));
    expectSameState(t, i, 'at the ecall');
    expect(t.hart.translationStats!.regions).toBeGreaterThan(0);
    expect(i.hart.translationStats).toBeUndefined();
  });

  it('keeps a jump table\'s dispatch and its handlers in one region, and ends in the interpreter\'s state', () => {
    // A bytecode interpreter in miniature: a dispatch loop that jumps through a register to one of four handlers.
    const HANDLERS = CODE + 0x400;
    const dispatch = `
      li t0, 600
      li s5, ${HANDLERS}
    loop:
      auipc s4, 0
      andi t1, t0, 3
      slli t1, t1, 6
      add t1, t1, s5
      addi t0, t0, -1
      beqz t0, done
      jr t1
    done:
      ecall
    `;
    const handler = (k: number) => `addi a0, a0, ${k + 1}; xor a1, a1, a0; sw a1, ${4 * k}(s0); jr s4`;
    const setup = (r: HartRunner) => {
      r.reg('s0', DATA).code(dispatch);
      for (let k = 0; k < 4; k++) r.code(handler(k), HANDLERS + 64 * k);
      return r;
    };
    const [t, i] = pair(setup);
    for (let k = 1; t.hart.icount < 1500; k = (k % 7) + 1) {
      t.run(k);
      i.run(k);
      expectSameState(t, i, `after ${t.hart.icount} steps`);
    }
    t.runTo(VmExit.Ecall);
    i.runTo(VmExit.Ecall);
    expectSameState(t, i, 'at the ecall');
    // Some region holds the dispatch loop and all four handlers: the indirect jump stays inside it.
    const sources = t.hart.translatedSources(CODE);
    const handlerCase = (k: number) => `: // 0x${((HANDLERS + 64 * k) & 0xfff).toString(16)}: addi xor sw jalr`;
    expect(sources.some((src) => [0, 1, 2, 3].every((k) => src.includes(handlerCase(k))) && src.includes('auipc andi slli add addi beq'))).toBe(true);
  });

  it('stops at every budget exactly', () => {
    const [t, i] = pair((r) => r.reg('s0', DATA).code(LOOP));
    for (let k = 1; t.hart.icount < 1800; k = (k % 13) + 1) {
      t.run(k);
      i.run(k);
      expectSameState(t, i, `after ${t.hart.icount} steps`);
    }
  });

  it('takes a fault in the middle of a block precisely (pc, tval, earlier instructions done, later ones not)', () => {
    const program = `
      li s2, 0x1000
      li t0, 1000
    loop:
      addi a0, a0, 1
      addi a1, a1, 2
      lw a2, 0(s1)
      addi a3, a3, 4
      add s1, s1, s2
      addi t0, t0, -1
      bnez t0, loop
      ecall
    `;
    // s1 walks a page per iteration from DATA until it leaves RAM; stop right after the trap.
    const iterations = (RAM_BASE + RAM_SIZE - DATA) / 0x1000;
    const steps = 2 + 7 * iterations + 2 + 1;
    const [t, i] = pair((r) => r.reg('s1', DATA).code(program).run(steps));
    expectSameState(t, i, 'after the fault');
    t.expectTrap({ cause: Exception.LoadAccessFault, tval: RAM_BASE + RAM_SIZE, epc: CODE + 8 + 8 })
      .expectReg('a0', iterations + 1).expectReg('a1', 2 * (iterations + 1)).expectReg('a3', 4 * iterations);
  });

  it('takes an interrupt a device raises right after the store that raised it', () => {
    const setup = (r: HartRunner) => {
      r.bus.map(DEVICE2, new InterruptingDevice(() => r.hart.setInterruptLine(Mip.MEIP, true), 300));
      return r.csr('mie', Mip.MEIP).setCsrBits('mstatus', MStatus.MIE).reg('s0', DEVICE2).code(`
        li t0, 1000
      loop:
        addi a0, a0, 1
        sw a0, 0(s0)
        addi a1, a1, 1
        addi t0, t0, -1
        bnez t0, loop
        ecall
      `).run(1 + 5 * 299 + 2 + 1); // up to the store that fires, then the interrupt
    };
    const [t, i] = pair(setup);
    expectSameState(t, i, 'after the interrupt');
    t.expectTrap({ cause: irqCause(11), epc: CODE + 12 }).expectReg('a0', 300).expectReg('a1', 299);
  });

  it('sees a store into its own block at the next instruction (self-modifying code)', () => {
    // Each iteration swaps the instruction at `target` with a spare word, then runs it: +100 and +1 alternate.
    const program = `
      li t0, 100
    loop:
      addi a0, a0, 1
      lw s3, 0(s4)
      lw s5, 0(s0)
      sw s3, 0(s0)
      sw s5, 0(s4)
    target:
      addi a1, a1, 1
      addi t0, t0, -1
      bnez t0, loop
      ecall
    `;
    const target = CODE + 4 * 6;
    const [t, i] = pair((r) => r.reg('s0', target).reg('s4', DATA).mem32(DATA, word('addi a1, a1, 100'))
      .code(program).runTo(VmExit.Ecall));
    expectSameState(t, i, 'at the ecall');
    t.expectReg('a1', 50 * 100 + 50 * 1);
    expect(t.hart.translationStats!.invalidations).toBeGreaterThan(10);
  });

  it('stops before a breakpoint inside a hot block, and resumes through it', () => {
    const [t, i] = pair((r) => r.reg('s0', DATA).code(LOOP).run(500));
    for (const r of [t, i]) r.hart.setBreakpoints([CODE + 4 * 6]); // lw a4 in the loop body
    for (let hit = 0; hit < 5; hit++) {
      t.run(10_000, VmExit.Breakpoint);
      i.run(10_000, VmExit.Breakpoint);
      expectSameState(t, i, `breakpoint hit ${hit}`);
      t.expectPc(CODE + 4 * 6);
      for (const r of [t, i]) r.hart.breakpointSkip = r.hart.icount;
    }
  });

  it('reports every watched store at its icount and stops after it', () => {
    const [t, i] = pair((r) => r.reg('s0', DATA).code(LOOP));
    const run = (r: HartRunner): number[] => {
      const at: number[] = [];
      r.ram.watches.add(DATA, 4, WatchKind.Write, () => {
        at.push(r.hart.icount);
        r.hart.requestReturn();
      });
      for (;;) {
        const exit = r.hart.run(r.hart.icount + 100_000);
        if (exit !== VmExit.Requested) break;
      }
      return at;
    };
    const ta = run(t), ia = run(i);
    expect(ta.length).toBe(200);
    expect(ta).toEqual(ia);
    expectSameState(t, i, 'at the end');
  });

  it('runs remapped code from its new page, and code at two virtual addresses sees its own pc', () => {
    const VA = 0x00400000, VA2 = 0x00800000, PA1 = CODE + 0x10000, PA2 = CODE + 0x20000;
    const body = (n: number) => `
      li t0, 50
    loop:
      addi a0, a0, ${n}
      addi t0, t0, -1
      bnez t0, loop
      auipc a1, 0
      ecall
    `;
    const setup = (r: HartRunner) => r.code(body(1), PA1).code(body(2), PA2)
      .map(VA, PA1, 'rxa').map(VA2, PA1, 'rxa').sv32().priv(1).pc(VA);
    const [t, i] = pair(setup);
    const phases: [number, number, number][] = [[VA, PA1, 50], [VA, PA2, 100], [VA2, PA1, 50], [VA, PA1, 50], [VA, PA2, 100]];
    for (const [va, pa, sum] of phases) {
      for (const r of [t, i]) {
        r.map(VA, pa, 'rxa');
        r.hart.flushTlb(); // the guest's sfence.vma
        r.reg('a0', 0).pc(va).runTo(VmExit.Ecall).retire(4);
      }
      expectSameState(t, i, `code at ${hex(va)} from ${hex(pa)}`);
      t.expectReg('a0', sum).expectReg('a1', va + 16);
    }
  });
});

/**
 * Loads that read RAM straight at their address (Hart.flatLoadLimit, no TLB
 * lookup): both engines take that path, so comparing them proves nothing
 * here; these tests check what the guest must see.
 */
describe('loads that skip the TLB', () => {
  /** A loop that loads DATA 50 times (translated after two), adding each word to a0, then stops at an ecall. */
  const LOADS = `
    li t0, 50
  loop:
    lw a1, 0(s0)
    add a0, a0, a1
    addi t0, t0, -1
    bnez t0, loop
    ecall
  `;

  it('are on for untranslated, unprotected, unwatched RAM, and read it', () => {
    for (const translation of [TRANSLATED, INTERPRETED]) {
      const t = hart({ translation }).reg('s0', DATA).mem32(DATA, 7).code(LOADS).runTo(VmExit.Ecall);
      expect(t.hart.flatLoadLimit).toBe(RAM_SIZE);
      t.expectReg('a0', 350);
    }
  });

  it('report every load a read watchpoint watches, and come back when it is removed', () => {
    for (const translation of [TRANSLATED, INTERPRETED]) {
      const t = hart({ translation }).reg('s0', DATA + 0x800).mem32(DATA + 0x800, 1).code(LOADS);
      let hits = 0;
      const id = t.ram.watches.add(DATA + 0x800, 4, WatchKind.Read, () => hits++);
      expect(t.hart.flatLoadLimit).toBe(0);
      t.runTo(VmExit.Ecall).expectReg('a0', 50);
      expect(hits, 'reads reported').toBe(50);
      // A write watch does not stop straight loads.
      t.ram.watches.remove(id);
      t.ram.watches.add(DATA, 4, WatchKind.Write, () => {});
      expect(t.hart.flatLoadLimit).toBe(RAM_SIZE);
    }
  });

  it('obey a locked PMP entry without read permission in M-mode', () => {
    const R = 1, L = 0x80;
    for (const translation of [TRANSLATED, INTERPRETED]) {
      // Entry 0 makes DATA's page execute-only, locked, so M-mode may not read it either.
      const t = hart({ translation, noPmp: true }).reg('s0', DATA).mem32(DATA, 7);
      t.csr('pmpaddr0', ((DATA >>> 2) | ((0x1000 >>> 3) - 1)) | 0).csr('pmpcfg0', L | PMP_NAPOT | 4);
      expect(t.hart.flatLoadLimit).toBe(0);
      t.code(LOADS).run(2).expectTrap({ cause: Exception.LoadAccessFault, tval: DATA, epc: CODE + 4 });
      // Readable again through an unlocked entry (M-mode ignores it): straight loads come back.
      const open = hart({ translation, noPmp: true });
      open.csr('pmpaddr0', ((DATA >>> 2) | ((0x1000 >>> 3) - 1)) | 0).csr('pmpcfg0', PMP_NAPOT | R);
      expect(open.hart.flatLoadLimit).toBe(RAM_SIZE);
    }
  });

  it('go through the page tables under Sv32, and read RAM straight again after satp goes Bare', () => {
    for (const translation of [TRANSLATED, INTERPRETED]) {
      // DATA maps to the page after it, which holds other words: a straight read would see DATA's own.
      const t = hart({ translation }).reg('s0', DATA).mem32(DATA, 7).mem32(DATA + 0x1000, 5)
        .code(LOADS).map(CODE, CODE, 'rxa').map(DATA, DATA + 0x1000, 'ra').sv32().priv(Priv.S);
      expect(t.hart.flatLoadLimit).toBe(0);
      t.runTo(VmExit.Ecall).expectReg('a0', 250);
      t.csr('satp', 0);
      expect(t.hart.flatLoadLimit).toBe(RAM_SIZE);
    }
  });
});

describe('the default policy', () => {
  it('runs cold pages in the interpreter\'s stretches, translates a loop once its page is warm, and leaves the same state', () => {
    // 100,000 iterations of a 5-instruction loop: the page turns warm after about 260,000 instructions.
    const program = `
      li t0, 100000
    loop:
      addi a0, a0, 3
      xor a1, a1, a0
      sw a1, 0(s0)
      addi t0, t0, -1
      bnez t0, loop
      ecall
    `;
    const [t, i] = pair((r) => r.reg('s0', DATA).code(program), { enabled: true });
    t.runTo(VmExit.Ecall, 1_000_000);
    i.runTo(VmExit.Ecall, 1_000_000);
    expectSameState(t, i, 'at the ecall');
    expect(t.hart.translationStats!.regions, 'regions translated').toBeGreaterThan(0);
    // Budgets that end inside stretches and inside translated blocks land where the interpreter's do.
    const [bt, bi] = pair((r) => r.reg('s0', DATA).code(program), { enabled: true });
    for (let step = 1; bt.hart.icount < 450_000; step = (step * 7 + 3) % 40_000 + 1) {
      bt.run(step);
      bi.run(step);
      expectSameState(bt, bi, `at icount ${bt.hart.icount}`);
    }
  });
});

describe('the lockstep checker', () => {
  it('compares every translated block and finds them equal', () => {
    const t = hart({ translation: { enabled: true, check: true, hotThreshold: 0 } }).reg('s0', DATA).code(LOOP).runTo(VmExit.Ecall);
    const i = hart({ translation: INTERPRETED }).reg('s0', DATA).code(LOOP).runTo(VmExit.Ecall);
    expectSameState(t, i, 'at the ecall');
    const stats = t.hart.lockstep!.stats;
    // The first pass and the 199 iterations after it; the ecall is left to the interpreter.
    expect(stats.blocks).toBeGreaterThanOrEqual(200);
    expect(stats.steps).toBeGreaterThan(2000);
    t.hart.lockstep!.verifyMemory();
  });

  it('reports a block whose registers differ from the interpreter\'s', () => {
    const r = hart({ translation: { enabled: true, check: true, hotThreshold: 0 } });
    r.bus.map(DEVICE2, new MeddlingDevice(() => { r.hart.x[7] = 0x1234; }));
    r.reg('s0', DEVICE2).code('lw a0, 0(s0); addi a1, a0, 1; ecall');
    let error: unknown;
    try {
      r.hart.run(100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockstepMismatch);
    expect((error as Error).message).toMatch(/x7: 0x00001234 vs 0x00000000/);
  });

  it('reports memory that differs from the interpreter\'s', () => {
    const r = hart({ translation: { enabled: true, check: true, hotThreshold: 0 } });
    // A written page neither hart stores to in the block: only the full comparison of RAM can see it.
    r.bus.map(DEVICE2, new MeddlingDevice(() => { r.ram.bytes[DATA + 0x1800 - RAM_BASE] = 0xff; }));
    r.mem32(DATA + 0x1800, 0x11).reg('s0', DEVICE2).code('lw a0, 0(s0); addi a1, a0, 1; ecall');
    expect(r.hart.run(100)).toBe(VmExit.Ecall);
    expect(() => r.hart.lockstep!.verifyMemory()).toThrow(/memory at 0x80101800: 0xff vs 0x11/);
  });

  it('names every CSR slot in its reports', () => {
    expect(SLOT_NAMES.length).toBe(Slot.Count);
    expect(new Set(SLOT_NAMES).size).toBe(SLOT_NAMES.length);
  });
});

describe('the suite over both engines', () => {
  /** Test files that run once: they execute no guest code, or compare the two engines themselves. */
  const ONCE = [
    'architecture', 'cli-bad-input', 'determinism', 'devices-plic', 'devices-uart', 'disassembler', 'fdt', 'hart-encode',
    'isa-golden', 'isa-table', 'symbols-api', 'symbols-gdb', 'symbols-lines',
    'expression-parser', 'symbols-dwarf5', 'symbols-expressions', 'virtio', 'extension-manifest',
    'translation', 'lockstep-guests', 'translation-recordings', 'line-breakpoints',
  ];

  it('CI runs every other test file again with the interpreter alone', () => {
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    const layers = /INTERPRETER_LAYERS=\(([^)]*)\)/.exec(ci)![1]!.match(/test\/[\w-]+\.test\.ts/g)!.map((f) => f.slice(5, -8));
    const files = readdirSync(join(REPO, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -8));
    expect(files.filter((f) => !layers.includes(f) && !ONCE.includes(f))).toEqual([]);
    expect(layers.filter((f) => !files.includes(f))).toEqual([]);
  });
});
