import { describe, expect, it } from 'vitest';
import { Mip } from '../src/hart/csr-bits.js';
import { Csr } from '../src/isa/csr.js';
import { parseConsoleScript, ScriptedConsole } from '../src/host/console-script.js';
import { NoHostInput, type HostInput } from '../src/host/host-input.js';
import { LiveHost } from '../src/host/live-host.js';
import { STEPS_PER_TICK } from '../src/machine/clock.js';
import { UART_IRQ, VIRT_MAP, VirtBoard } from '../src/machine/virt-board.js';
import { Monitor, type StopReason } from '../src/monitor/monitor.js';
import { asm, bytesOf } from './support/encode.js';

/**
 * Timing and device behaviour of the virt board, end to end: tiny programs
 * placed in RAM, run by the Monitor (the same run loop the CLI uses), and
 * checked step by step with runUntil(icount + 1).
 *
 * Time (docs/ARCHITECTURE.md, src/machine/clock.ts): mtime = floor(icount /
 * 100) + offset, and a trap is a step of its own, so "the interrupt is taken
 * at icount N" means: at icount N the hart enters the handler instead of
 * executing the instruction at pc, icount becomes N + 1, and mepc holds that
 * instruction's address.
 */

const CODE = VIRT_MAP.ram;
const HANDLER = CODE + 0x1000;
const DATA = CODE + 0x2000;
const CLINT_MSIP = VIRT_MAP.clint;
const MTIMECMP = VIRT_MAP.clint + 0x4000;
const MTIME = VIRT_MAP.clint + 0xbff8;
const PLIC_PENDING = 0x1000;
const PLIC_CLAIM_M = 0x200004;
const UART_LSR = 5;
const LSR_DR = 0x01;
const MCAUSE_INTERRUPT = 0x80000000;
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_M_EXT = 11;
const MIE_MTIE = 0x80;
const MIE_MEIE = 0x800;
const FINISHER_PASS = 0x5555;
const FINISHER_FAIL = 0x3333;
const FINISHER_RESET = 0x7777;

/** Register numbers of the ABI names the programs below use. */
const R = { a0: 10, a1: 11, t2: 7, s1: 9, s2: 18, s3: 19 } as const;

interface Machine {
  readonly board: VirtBoard;
  readonly monitor: Monitor;
  /** One step: runUntil(icount + 1). */
  step(): StopReason;
  /** The address of a `label:` in the main program. */
  label(name: string): number;
  csr(csr: Csr): number;
}

/** A board with `main` at CODE and `handler` at HANDLER (mtvec is the program's business), reset to CODE. */
function machine(main: string, handler = 'j 0', host: HostInput = new NoHostInput()): Machine {
  const board = new VirtBoard({ memory: 1 << 20 }, host);
  board.ram.write(CODE, bytesOf(asm(main, CODE)));
  board.ram.write(HANDLER, bytesOf(asm(handler, HANDLER)));
  board.hart.reset(CODE);
  const monitor = new Monitor(board, { semihosting: false });
  return {
    board,
    monitor,
    step: () => monitor.runUntil(board.hart.icount + 1),
    label: (name) => labelAddress(main, name),
    csr: (csr) => board.hart.peekCsr(csr)! >>> 0,
  };
}

/** Where `name:` (at the start of a line, with no forward references before it) lands when `source` is assembled at CODE. */
function labelAddress(source: string, name: string): number {
  const before = source.split(new RegExp(`^\\s*${name}:`, 'm'))[0]!;
  if (before === source) throw new Error(`no label ${name}`);
  return CODE + bytesOf(asm(before, CODE)).length;
}

/** Steps until pc reaches `address` (at most `limit` steps); returns the icount there. */
function stepTo(m: Machine, address: number, limit = 10_000): number {
  for (let i = 0; i < limit && m.board.hart.pc >>> 0 !== address >>> 0; i++) {
    expect(m.step().kind).toBe('target');
  }
  expect(m.board.hart.pc >>> 0).toBe(address >>> 0);
  return m.board.hart.icount;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

// ---------------------------------------------------------------- (a) the timer interrupt's icount

/** Arms mtimecmp = mtime + K (K in t2 as the target), enables MTIE and MIE, then spins. */
function timerProgram(ticks: number, setMtime?: number): string {
  return `
    li t0, ${HANDLER}
    csrw mtvec, t0
    li t1, ${MTIME}
    li t3, ${MTIMECMP}
    ${setMtime === undefined ? '' : `li t5, ${setMtime}; sw t5, 0(t1)`}
    sw zero, 4(t3)          # mtimecmp high = 0 (low is still all ones: nothing fires yet)
    read: lw t2, 0(t1)      # mtime, low word (the high word is 0 here)
    addi t2, t2, ${ticks}
    sw t2, 0(t3)            # mtimecmp = mtime + K
    li t4, ${MIE_MTIE}
    csrw mie, t4
    csrsi mstatus, 8        # mstatus.MIE
    spin: addi a0, a0, 1
    addi a1, a1, 1
    j spin`;
}

/** The handler reads mcycle first: the step count at its first instruction. */
const RECORD_AND_PASS = `
    csrr s1, mcycle
    li t0, ${VIRT_MAP.test}
    li t1, ${FINISHER_PASS}
    sw t1, 0(t0)
    j 0`;

describe('CLINT timer interrupt: taken at exactly the icount where mtime reaches mtimecmp', () => {
  const cases = [
    { name: 'K = 1 tick', ticks: 1 },
    { name: 'K = 50 ticks', ticks: 50 },
    { name: 'K = 1234 ticks', ticks: 1234 },
    { name: 'K = 77 ticks after the guest set mtime to 0x12345', ticks: 77, setMtime: 0x12345 },
    { name: 'K = 5 ticks after the guest set mtime to 0xffff_ff00', ticks: 5, setMtime: 0xffffff00 },
  ];

  it.each(cases)('$name: not one step earlier, exactly at the deadline (stepping)', ({ ticks, setMtime }) => {
    const m = machine(timerProgram(ticks, setMtime), RECORD_AND_PASS);
    const hart = m.board.hart;
    const spin = m.label('spin');
    stepTo(m, spin);
    const target = hart.x[R.t2]! >>> 0; // the mtimecmp the program wrote
    const offset = m.board.clock.offset;
    if (setMtime !== undefined) expect(target).toBe(setMtime + ticks); // the write took effect at once
    const deadline = (target - offset) * STEPS_PER_TICK; // the first icount with mtime >= mtimecmp
    expect(m.board.clock.mtime(deadline)).toBe(target);
    expect(m.board.clock.mtime(deadline - 1)).toBe(target - 1);

    while (hart.icount < deadline - 1) expect(m.step().kind).toBe('target');
    expect(hart.traps).toBe(0);
    // One step before: the instruction at icount deadline - 1 executes normally, no MTIP yet.
    const pcEarly = hart.pc >>> 0;
    expect(m.step().kind).toBe('target');
    expect(hart.icount).toBe(deadline);
    expect(hart.traps).toBe(0);
    expect(hart.pc >>> 0).not.toBe(HANDLER);
    expect(hart.pc >>> 0).not.toBe(pcEarly);
    // At the deadline: the trap is this step.
    const interrupted = hart.pc >>> 0;
    expect(m.step().kind).toBe('target');
    expect(hart.icount).toBe(deadline + 1);
    expect(hart.traps).toBe(1);
    expect(hart.pc >>> 0).toBe(HANDLER);
    expect(hex(m.csr(Csr.mcause))).toBe(hex(MCAUSE_INTERRUPT | IRQ_M_TIMER));
    expect(hex(m.csr(Csr.mepc))).toBe(hex(interrupted));
    expect(m.csr(Csr.mip) & Mip.MTIP).toBe(Mip.MTIP);
  });

  it.each(cases)('$name: the same icount when running freely (mcycle in the handler = deadline + 1)', ({ ticks, setMtime }) => {
    const m = machine(timerProgram(ticks, setMtime), RECORD_AND_PASS);
    expect(m.monitor.runUntil(10_000_000)).toEqual({ kind: 'exit', status: 0 });
    const hart = m.board.hart;
    const deadline = ((hart.x[R.t2]! >>> 0) - m.board.clock.offset) * STEPS_PER_TICK;
    expect(hart.traps).toBe(1);
    expect(hart.x[R.s1]).toBe(deadline + 1);
    expect(hex(m.csr(Csr.mcause))).toBe(hex(MCAUSE_INTERRUPT | IRQ_M_TIMER));
  });

  it('the state at a stop exactly at the deadline shows MTIP pending (Privileged spec 3.2.1: mtime >= mtimecmp)', () => {
    // mstatus.MIE is set, so the next step takes the interrupt; a debugger stopped here reads mip first.
    const m = machine(timerProgram(50), RECORD_AND_PASS);
    const hart = m.board.hart;
    stepTo(m, m.label('spin'));
    const deadline = ((hart.x[R.t2]! >>> 0) - m.board.clock.offset) * STEPS_PER_TICK;
    expect(m.monitor.runUntil(deadline)).toEqual({ kind: 'target' });
    expect(m.board.clock.mtime(hart.icount)).toBe(hart.x[R.t2]! >>> 0);
    expect(m.csr(Csr.mip) & Mip.MTIP, 'mip.MTIP as a debugger reads it at this stop').toBe(Mip.MTIP);
  });

  it('the same icount whatever the slicing of runUntil', () => {
    const trapIcount = (slice: number) => {
      const m = machine(timerProgram(321), RECORD_AND_PASS);
      let stop: StopReason;
      do stop = m.monitor.runUntil(m.board.hart.icount + slice); while (stop.kind === 'target');
      expect(stop).toEqual({ kind: 'exit', status: 0 });
      return m.board.hart.x[R.s1];
    };
    const reference = trapIcount(1);
    for (const slice of [2, 3, 99, 100, 101, 32_100, 1_000_000]) expect(trapIcount(slice), `slice ${slice}`).toBe(reference);
  });

  it('a write of mtimecmp <= mtime with interrupts enabled traps at the very next instruction boundary', () => {
    const m = machine(`
      li t0, ${HANDLER}
      csrw mtvec, t0
      li t4, ${MIE_MTIE}
      csrw mie, t4
      csrsi mstatus, 8
      li t3, ${MTIMECMP}
      sw zero, 4(t3)
      arm: sw zero, 0(t3)     # mtimecmp = 0 <= mtime
      after: addi a0, a0, 1
      j 0`);
    const hart = m.board.hart;
    const at = stepTo(m, m.label('arm'));
    m.step(); // the store retires at icount at
    expect(hart.traps).toBe(0);
    expect(hart.pc >>> 0).toBe(m.label('after'));
    m.step();
    expect(hart.icount).toBe(at + 2);
    expect(hart.pc >>> 0).toBe(HANDLER);
    expect(hex(m.csr(Csr.mepc))).toBe(hex(m.label('after')));
    expect(hex(m.csr(Csr.mcause))).toBe(hex(MCAUSE_INTERRUPT | IRQ_M_TIMER));
    expect(hart.x[R.a0]).toBe(0);
  });
});

// ---------------------------------------------------------------- (b) wfi skips virtual time

/** Arms mtimecmp = mtime + ticks, enables MTIE (and MIE if asked), spins `delay` times round a 2-step loop, then wfi. */
function wfiProgram(ticks: number, globalEnable: boolean, delay = 0): string {
  return `
    li t0, ${HANDLER}
    csrw mtvec, t0
    li t1, ${MTIME}
    li t3, ${MTIMECMP}
    sw zero, 4(t3)
    lw t2, 0(t1)
    li t4, ${ticks}
    add t2, t2, t4
    sw t2, 0(t3)
    li t4, ${MIE_MTIE}
    csrw mie, t4
    ${globalEnable ? 'csrsi mstatus, 8' : ''}
    ${delay === 0 ? '' : `li t6, ${delay}\n delay: addi t6, t6, -1\n bnez t6, delay`}
    sleep: wfi
    after: lw s2, 0(t1)      # mtime right after wfi
    csrr s3, mcycle
    j 0`;
}

describe('wfi with a timer armed', () => {
  it('retires in one step and moves mtime to mtimecmp: icount does not jump', () => {
    const m = machine(wfiProgram(10_000, false));
    const hart = m.board.hart;
    const at = stepTo(m, m.label('sleep'));
    const target = hart.x[R.t2]! >>> 0;
    expect(m.board.clock.mtime(at)).toBeLessThan(target);
    expect(m.csr(Csr.mip) & Mip.MTIP).toBe(0);

    expect(m.step().kind).toBe('target');
    expect(hart.icount).toBe(at + 1);
    expect(hart.pc >>> 0).toBe(m.label('after'));
    expect(hart.traps).toBe(0); // mstatus.MIE is off: MTIP only ends the wait
    expect(m.board.clock.mtime(hart.icount)).toBe(target);

    m.step();
    expect(m.csr(Csr.mip) & Mip.MTIP).toBe(Mip.MTIP); // as the guest's next instruction sees it
    m.step();
    expect(hart.x[R.s2]! >>> 0).toBe(target); // the guest reads mtime = mtimecmp right after wfi
    expect(hart.x[R.s3]).toBe(at + 2); // mcycle counts steps: no jump
  });

  it('the state at the stop right after the wfi already shows MTIP pending (Privileged spec 3.2.1: mtime >= mtimecmp)', () => {
    const m = machine(wfiProgram(10_000, false));
    stepTo(m, m.label('sleep'));
    m.step();
    expect(m.board.clock.mtime(m.board.hart.icount)).toBe(m.board.hart.x[R.t2]! >>> 0);
    expect(m.csr(Csr.mip) & Mip.MTIP, 'mip.MTIP as a debugger reads it at this stop').toBe(Mip.MTIP);
  });

  it('with interrupts enabled, the interrupt follows at the next boundary with mepc = the instruction after wfi', () => {
    const m = machine(wfiProgram(2_500, true));
    const hart = m.board.hart;
    const at = stepTo(m, m.label('sleep'));
    m.step();
    expect(hart.icount).toBe(at + 1);
    expect(m.board.clock.mtime(hart.icount)).toBe(hart.x[R.t2]! >>> 0);
    m.step();
    expect(hart.icount).toBe(at + 2);
    expect(hart.pc >>> 0).toBe(HANDLER);
    expect(hex(m.csr(Csr.mepc))).toBe(hex(m.label('after'))); // Privileged spec 3.3.3
    expect(hex(m.csr(Csr.mcause))).toBe(hex(MCAUSE_INTERRUPT | IRQ_M_TIMER));
  });

  it('does not move time when the timer is already pending', () => {
    const m = machine(wfiProgram(1, false, 200)); // 400 steps of delay: mtime passes mtimecmp before wfi
    const hart = m.board.hart;
    const at = stepTo(m, m.label('sleep'));
    expect(m.board.clock.mtime(at)).toBeGreaterThanOrEqual(hart.x[R.t2]! >>> 0);
    expect(m.csr(Csr.mip) & Mip.MTIP).toBe(Mip.MTIP);
    const offset = m.board.clock.offset;
    m.step();
    expect(hart.icount).toBe(at + 1);
    expect(hart.pc >>> 0).toBe(m.label('after'));
    expect(m.board.clock.offset).toBe(offset);
  });

  it('with nothing armed and no input to wait for, stops with a deadlock', () => {
    const m = machine('li t4, 0x80\n csrw mie, t4\n sleep: wfi\n j 0');
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'deadlock' });
    expect(m.board.hart.pc >>> 0).toBe(m.label('sleep'));
  });
});

// ---------------------------------------------------------------- (c) the SiFive test finisher

function finisher(value: number, store = 'sw', offset = 0): Machine {
  return machine(`
    li t0, ${VIRT_MAP.test}
    li t1, ${value}
    ${store} t1, ${offset}(t0)
    li a0, 1                 # reached only if the store did not stop the machine
    j 0`);
}

describe('SiFive test finisher', () => {
  it.each([
    ['0x5555 powers off with status 0', FINISHER_PASS, 0],
    ['(3 << 16) | 0x3333 powers off with status 3', (3 << 16) | FINISHER_FAIL, 3],
    ['(255 << 16) | 0x3333 powers off with status 255', (255 << 16) | FINISHER_FAIL, 255],
    ['(0xffff << 16) | 0x3333 powers off with status 0xffff', (0xffff << 16) | FINISHER_FAIL, 0xffff],
    ['0x3333 alone powers off with status 0 (code 0)', FINISHER_FAIL, 0],
    ['(7 << 16) | 0x5555 passes: the code is only read for 0x3333', (7 << 16) | FINISHER_PASS, 0],
  ])('%s', (_name, value, status) => {
    const m = finisher(value);
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'exit', status });
    expect(m.board.hart.x[R.a0]).toBe(0);
    expect(m.board.power).toEqual({ kind: 'off', status });
    expect(m.monitor.runUntil(2000)).toEqual({ kind: 'exit', status }); // stays off
  });

  it('0x7777 requests a reboot', () => {
    const m = finisher(FINISHER_RESET);
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'reboot' });
    expect(m.board.hart.x[R.a0]).toBe(0);
  });

  it.each([
    ['0x0000', 0],
    ['0x1234', 0x1234],
    ['0x5556', 0x5556],
    ['0x3334', 0x3334],
    ['0x7776', 0x7776],
    ['0x5555_0000 (0x5555 in the code half)', 0x5555_0000],
  ])('other values are ignored: %s', (_name, value) => {
    const m = finisher(value);
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'target' });
    expect(m.board.hart.x[R.a0]).toBe(1);
    expect(m.board.power).toEqual({ kind: 'on' });
  });

  it('a word written at another offset is ignored', () => {
    const m = finisher(FINISHER_PASS, 'sw', 4);
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'target' });
    expect(m.board.hart.x[R.a0]).toBe(1);
  });

  it('a 16-bit store of 0x5555 powers off, as on QEMU 7.2 (hw/misc/sifive_test.c accepts 2- and 4-byte writes)', () => {
    // QEMU 7.2: `sh` of 0x5555 to 0x0010_0000 ends qemu-system-riscv32 with status 0.
    const m = finisher(FINISHER_PASS, 'sh');
    expect(m.monitor.runUntil(1000)).toEqual({ kind: 'exit', status: 0 });
  });
});

// ---------------------------------------------------------------- (d) determinism

/**
 * Timer interrupts re-armed at irregular distances, software interrupts
 * raised from the timer handler, and wfi in the main loop; 40 interrupts, then
 * the test finisher.
 */
const BUSY_MAIN = `
    li t0, ${HANDLER}
    csrw mtvec, t0
    li s0, ${MTIME}
    li s1, ${MTIMECMP}
    sw zero, 4(s1)
    lw t2, 0(s0)
    addi t2, t2, 37
    sw t2, 0(s1)
    li t4, 0x88              # MTIE | MSIE
    csrw mie, t4
    csrsi mstatus, 8
    loop: addi a0, a0, 1
    andi t5, a0, 255
    bnez t5, loop
    wfi                      # every 256 iterations, sleep until the next interrupt
    j loop`;

const BUSY_HANDLER = `
    csrr t6, mcause          # (the main loop owns t5 and a0)
    andi t6, t6, 0xff
    addi t6, t6, -${IRQ_M_SOFT}
    beqz t6, soft
    lw t2, 0(s0)             # timer: re-arm 37 + 13 * (n mod 8) ticks from now
    andi t3, s2, 7
    li t4, 13
    mul t3, t3, t4
    add t2, t2, t3
    addi t2, t2, 37
    sw t2, 0(s1)
    andi t3, s2, 3
    bnez t3, count
    li t3, ${CLINT_MSIP}     # every fourth timer interrupt also raises msip
    li t4, 1
    sw t4, 0(t3)
    j count
    soft: li t3, ${CLINT_MSIP}
    sw zero, 0(t3)
    count: addi s2, s2, 1
    li t4, 40
    bne s2, t4, done
    li t3, ${VIRT_MAP.test}
    li t4, ${FINISHER_PASS}
    sw t4, 0(t3)
    done: mret`;

interface TrapRecord {
  readonly icount: number;
  readonly mcause: number;
  readonly mepc: number;
  readonly mtime: number;
}

/** Runs BUSY to its end in slices of `slice` steps, recording every trap. */
function busyRun(slice: number): { traps: TrapRecord[]; icount: number; stop: StopReason } {
  const m = machine(BUSY_MAIN, BUSY_HANDLER);
  const hart = m.board.hart;
  hart.reportTraps = true;
  const traps: TrapRecord[] = [];
  for (;;) {
    const stop = m.monitor.runUntil(hart.icount + slice);
    if (stop.kind === 'trap') {
      traps.push({ icount: hart.icount, mcause: m.csr(Csr.mcause), mepc: m.csr(Csr.mepc), mtime: m.board.clock.mtime(hart.icount) });
    } else if (stop.kind !== 'target') {
      return { traps, icount: hart.icount, stop };
    }
  }
}

describe('determinism', () => {
  it('the same program run twice takes every interrupt at the same icount', () => {
    const a = busyRun(10_000_000);
    const b = busyRun(10_000_000);
    expect(a.stop).toEqual({ kind: 'exit', status: 0 });
    expect(a.traps).toHaveLength(40);
    expect(new Set(a.traps.map((t) => t.mcause))).toEqual(new Set([(MCAUSE_INTERRUPT | IRQ_M_TIMER) >>> 0, (MCAUSE_INTERRUPT | IRQ_M_SOFT) >>> 0]));
    expect(b).toEqual(a);
  });

  it('and the same icounts whatever the slicing of runUntil', () => {
    const reference = busyRun(10_000_000);
    for (const slice of [1, 7, 100, 4096]) expect(busyRun(slice), `slice ${slice}`).toEqual(reference);
  });
});

// ---------------------------------------------------------------- (e) PLIC claim/complete with the UART

const UART_MAIN = `
    li t0, ${HANDLER}
    csrw mtvec, t0
    li s0, ${VIRT_MAP.uart}
    li t1, 1
    sb t1, 1(s0)             # IER.RDA: interrupt when a byte arrives (FIFOs stay off)
    li s1, ${VIRT_MAP.plic}
    sw t1, ${4 * UART_IRQ}(s1)   # source 10 priority 1
    li t2, ${VIRT_MAP.plic + 0x2000}
    li t1, ${1 << UART_IRQ}
    sw t1, 0(t2)             # enable source 10 for context 0 (hart 0, M-mode)
    li t3, ${VIRT_MAP.plic + 0x200000}
    sw zero, 0(t3)           # threshold 0
    li t1, ${MIE_MEIE}
    csrw mie, t1
    li s2, ${DATA}
    csrsi mstatus, 8
    spin: addi a0, a0, 1
    j spin`;

/** Claims, records (claim id, byte), reads RBR, completes. */
const UART_HANDLER = `
    li t3, ${VIRT_MAP.plic + PLIC_CLAIM_M}
    lw t4, 0(t3)             # claim
    lbu t5, 0(s0)            # RBR: lowers the UART's line
    sw t4, 0(s2)
    sw t5, 4(s2)
    addi s2, s2, 8
    sw t4, 0(t3)             # complete
    mret`;

describe('PLIC claim/complete with UART input', () => {
  it('bytes from the host raise MEIP through PLIC source 10 at the icount they are delivered', () => {
    const consoleInput = new ScriptedConsole(parseConsoleScript('at 1000 "A"\nat 3000 "B"\n'));
    const m = machine(UART_MAIN, UART_HANDLER, new LiveHost({ commandLine: '', console: consoleInput }));
    const board = m.board;
    const hart = board.hart;
    hart.reportTraps = true;
    const spin = m.label('spin');

    for (const [due, byte] of [[1000, 0x41], [3000, 0x42]] as const) {
      expect(m.monitor.runUntil(100_000)).toEqual({ kind: 'trap' });
      expect(hart.icount).toBe(due + 1); // taken at the step where the byte arrived
      expect(hex(m.csr(Csr.mcause))).toBe(hex(MCAUSE_INTERRUPT | IRQ_M_EXT));
      expect([spin, spin + 4]).toContain(m.csr(Csr.mepc));
      expect(m.csr(Csr.mip) & Mip.MEIP).toBe(Mip.MEIP);
      expect(board.plic.peek(PLIC_PENDING, 4)! & (1 << UART_IRQ)).toBe(1 << UART_IRQ);
      expect(board.uart.peek(UART_LSR)! & LSR_DR).toBe(LSR_DR);
      expect(board.uart.peek(0)).toBe(byte);
      // Run the handler up to its mret: the claim took source 10 off pending and lowered MEIP.
      while (hart.pc >>> 0 !== HANDLER + bytesOf(asm(UART_HANDLER, HANDLER)).length - 4) expect(m.step().kind).toBe('target');
      expect(m.csr(Csr.mip) & Mip.MEIP).toBe(0);
      expect(board.plic.peek(PLIC_PENDING, 4)! & (1 << UART_IRQ)).toBe(0);
      expect(board.uart.peek(UART_LSR)! & LSR_DR).toBe(0);
    }
    expect(m.monitor.runUntil(100_000)).toEqual({ kind: 'target' });
    expect(hart.traps).toBe(2);
    expect(Array.from(new Uint32Array(board.ram.read(DATA, 16).slice().buffer))).toEqual([UART_IRQ, 0x41, UART_IRQ, 0x42]);
    expect(board.plic.read(PLIC_CLAIM_M, 4)).toBe(0); // completed: nothing left to claim
  });

  it('a source claimed and not completed does not interrupt again until completed', () => {
    // The same program with a handler that claims and reads RBR but never completes.
    const consoleInput = new ScriptedConsole(parseConsoleScript('at 500 "x"\nat 800 "y"\n'));
    const handler = `
      li t3, ${VIRT_MAP.plic + PLIC_CLAIM_M}
      lw t4, 0(t3)
      lbu t5, 0(s0)
      sw t4, 0(s2)
      sw t5, 4(s2)
      addi s2, s2, 8
      mret`;
    const m = machine(UART_MAIN, handler, new LiveHost({ commandLine: '', console: consoleInput }));
    const hart = m.board.hart;
    hart.reportTraps = true;
    expect(m.monitor.runUntil(100_000)).toEqual({ kind: 'trap' });
    expect(hart.icount).toBe(501);
    expect(m.monitor.runUntil(100_000)).toEqual({ kind: 'target' }); // "y" arrives at 800 but source 10 is still claimed
    expect(hart.traps).toBe(1);
    expect(m.board.uart.peek(UART_LSR)! & LSR_DR).toBe(LSR_DR);
    m.board.plic.write(PLIC_CLAIM_M, 4, UART_IRQ); // complete from outside: the line is still high, so it pends again
    expect(m.csr(Csr.mip) & Mip.MEIP).toBe(Mip.MEIP);
    expect(m.monitor.runUntil(200_000)).toEqual({ kind: 'trap' });
    expect(hart.icount).toBe(100_001);
  });
});
