/**
 * Interrupts (Privileged spec 1.12, 3.1.9 mip/mie, 3.1.6.1 global enables,
 * 3.1.7 vectored mtvec, 3.1.8 mideleg, 3.3.3 wfi): which interrupt is taken,
 * when, where to, and what wakes wfi.
 */
import { describe, expect, it } from 'vitest';
import { MStatus, Mip } from '../src/hart/csr-bits.js';
import { Interrupt, Priv, VmExit } from '../src/hart/trap.js';
import { CODE, hart, irqCause, M_HANDLER, privName, S_HANDLER, type HartRunner } from './support/hart-runner.js';

/** How each interrupt becomes pending: a device line, or a software-writable mip bit. */
const SOURCES: [string, Interrupt, (t: HartRunner) => void][] = [
  ['MEI', Interrupt.MachineExternal, (t) => t.irq(Mip.MEIP)],
  ['MSI', Interrupt.MachineSoftware, (t) => t.irq(Mip.MSIP)],
  ['MTI', Interrupt.MachineTimer, (t) => t.irq(Mip.MTIP)],
  ['SEI', Interrupt.SupervisorExternal, (t) => t.irq(Mip.SEIP)],
  ['SSI', Interrupt.SupervisorSoftware, (t) => t.setCsrBits('mip', Mip.SSIP)],
  ['STI', Interrupt.SupervisorTimer, (t) => t.setCsrBits('mip', Mip.STIP)],
];
const bit = (code: Interrupt): number => 1 << code;

/** A hart in M-mode with MIE set, every interrupt enabled in mie, and nops to run. */
const enabled = (): HartRunner => hart().csr('mie', 0xaaa).csr('mstatus', MStatus.MIE).code('nop; nop; nop; nop');

describe('taking an interrupt in M-mode', () => {
  it.each(SOURCES)('%s: mcause has the interrupt bit, mepc = the next instruction, mtval = 0', (_, code, raise) => {
    const t = enabled().csr('mtval', 123).run(1).with(raise).run(1)
      .expectTrap({ cause: irqCause(code), epc: CODE + 4, tval: 0 }).expectIcount(2);
    t.expectStatus(MStatus.MPIE, true).expectStatus(MStatus.MIE, false).expectCsr('minstret', 1);
  });

  it.each(SOURCES)('%s is not taken while mstatus.MIE = 0', (_, _code, raise) => {
    enabled().csr('mstatus', 0).with(raise).run(3).expectPc(CODE + 12).expectNoTrap();
  });

  it.each(SOURCES)('%s is not taken while its mie bit is clear', (_, code, raise) => {
    enabled().csr('mie', 0xaaa & ~bit(code)).with(raise).run(3).expectPc(CODE + 12).expectNoTrap();
  });

  it('an interrupt pending before run() is taken before the first instruction', () => {
    enabled().irq(Mip.MTIP).run(1).expectTrap({ cause: irqCause(Interrupt.MachineTimer), epc: CODE }).expectIcount(1);
  });

  it('enabling MIE with csrs takes the pending interrupt right after that instruction', () => {
    hart().csr('mie', 0xaaa).irq(Mip.MSIP).reg('a0', MStatus.MIE).code('csrs mstatus, a0; nop').run(2)
      .expectTrap({ cause: irqCause(Interrupt.MachineSoftware), epc: CODE + 4 });
  });

  it('enabling the mie bit takes the pending interrupt right after that instruction', () => {
    hart().csr('mstatus', MStatus.MIE).irq(Mip.MEIP).reg('a0', Mip.MEIP).code('csrs mie, a0; nop').run(2)
      .expectTrap({ cause: irqCause(Interrupt.MachineExternal), epc: CODE + 4 });
  });

  it('mret with MPIE = 1 takes a pending interrupt at the return target', () => {
    hart().csr('mie', 0xaaa).irq(Mip.MTIP).csr('mstatus', MStatus.MPIE | (3 << 11)).csr('mepc', CODE + 0x40).code('mret').run(2)
      .expectTrap({ cause: irqCause(Interrupt.MachineTimer), epc: CODE + 0x40 });
  });

  it('a line lowered before the boundary is not taken', () => {
    enabled().irq(Mip.MEIP).irq(Mip.MEIP, false).run(2).expectNoTrap();
  });

  it('the handler is not re-interrupted while MIE = 0, and the interrupt stays pending', () => {
    enabled().irq(Mip.MTIP).code('nop; nop', M_HANDLER).run(3).expectPc(M_HANDLER + 8).expectCsr('mip', Mip.MTIP);
  });

  it('a line raised during a run (by a device) is taken at the next boundary', () => {
    const t = hart().csr('mie', 0xaaa).csr('mstatus', MStatus.MIE).reg('a0', 0x10000000).reg('a1', 1).code('sw a1, 0(a0); nop; nop');
    // The test device raises MEIP when written, as a UART or PLIC would.
    t.device.write = (offset, size, value) => {
      t.device.log.push({ offset, size, value, write: true });
      t.hart.setInterruptLine(Mip.MEIP, true);
    };
    t.run(2).expectTrap({ cause: irqCause(Interrupt.MachineExternal), epc: CODE + 4 });
  });

  it('reports the interrupt as a VM exit when reportTraps is on', () => {
    const t = enabled().irq(Mip.MSIP);
    t.hart.reportTraps = true;
    t.run(5, VmExit.Trap).expectTrap({ cause: irqCause(Interrupt.MachineSoftware) }).expectIcount(1);
  });
});

describe('priority: MEI > MSI > MTI > SEI > SSI > STI (3.1.9)', () => {
  const pairs = SOURCES.flatMap((hi, i) => SOURCES.slice(i + 1).map((lo) => [hi[0], lo[0], hi, lo] as const));

  it.each(pairs)('%s before %s', (_, _lo, hi, lo) => {
    enabled().with(lo[2]).with(hi[2]).run(1).expectTrap({ cause: irqCause(hi[1]) });
  });

  it('with all six pending, they are taken in priority order as each is cleared', () => {
    const t = enabled().with((r) => SOURCES.forEach(([, , raise]) => raise(r)));
    const order: number[] = [];
    for (let i = 0; i < SOURCES.length; i++) {
      t.csr('mstatus', MStatus.MIE).pc(CODE).run(1);
      const code = t.csrValue('mcause') & 0xff;
      order.push(code);
      t.csr('mie', t.csrValue('mie') & ~bit(code));
    }
    expect(order).toEqual([11, 3, 7, 9, 1, 5]);
  });
});

describe('privilege rules for global enables (3.1.6.1)', () => {
  it.each([Priv.U, Priv.S])('M-level interrupts are taken in %s even with MIE = 0', (p) => {
    hart().csr('mie', 0xaaa).irq(Mip.MTIP).priv(p).code('nop').run(1)
      .expectTrap({ cause: irqCause(Interrupt.MachineTimer), epc: CODE }).with((t) => {
        expect((t.csrValue('mstatus') >>> 11) & 3, 'MPP').toBe(p);
      });
  });

  it.each([Priv.U, Priv.S])('a non-delegated S-level interrupt is an M-mode trap from %s', (p) => {
    hart().csr('mie', 0xaaa).csr('mip', Mip.STIP).priv(p).code('nop').run(1)
      .expectTrap({ cause: irqCause(Interrupt.SupervisorTimer), mode: Priv.M });
  });
});

describe('delegated interrupts (3.1.8, 4.1.3)', () => {
  const delegating = (p: Priv, sie: boolean) =>
    hart().csr('mideleg', 0x222).csr('mie', 0xaaa).csr('mstatus', sie ? MStatus.SIE | MStatus.MIE : MStatus.MIE).priv(p).code('nop; nop');

  it.each([
    ['S', Priv.S, true, true],
    ['S', Priv.S, false, false],
    ['U', Priv.U, false, true], // below S, S interrupts are always enabled
    ['U', Priv.U, true, true],
    ['M', Priv.M, true, false], // never taken in M (traps never go to a less-privileged mode)
    ['M', Priv.M, false, false],
  ] as const)('in %s with SIE=%s: taken=%s', (_, p, sie, taken) => {
    const t = delegating(p, sie).setCsrBits('mip', Mip.STIP).run(1);
    if (taken) {
      t.expectTrap({ cause: irqCause(Interrupt.SupervisorTimer), epc: CODE, tval: 0, mode: Priv.S });
      t.expectStatus(MStatus.SPP, p === Priv.S).expectStatus(MStatus.SPIE, sie).expectStatus(MStatus.SIE, false);
      t.expectCsr('mcause', 0);
    } else {
      t.expectNoTrap().expectPriv(p);
    }
  });

  it.each(SOURCES.slice(3))('%s delegated goes to S with scause', (_, code, raise) => {
    delegating(Priv.U, false).with(raise).run(1).expectTrap({ cause: irqCause(code), epc: CODE, mode: Priv.S });
  });

  it('an M-level interrupt beats a higher-numbered delegated one: destined privilege first', () => {
    delegating(Priv.S, true).irq(Mip.SEIP).irq(Mip.MTIP).run(1).expectTrap({ cause: irqCause(Interrupt.MachineTimer), mode: Priv.M });
  });

  it('a non-delegated STI beats a delegated SEI (it goes to M)', () => {
    hart().csr('mideleg', Mip.SEIP).csr('mie', 0xaaa).csr('mstatus', MStatus.SIE).priv(Priv.S).irq(Mip.SEIP).csr('mip', Mip.STIP)
      .code('nop').run(1).expectTrap({ cause: irqCause(Interrupt.SupervisorTimer), mode: Priv.M });
  });

  it('S software raises its own software interrupt through sip', () => {
    delegating(Priv.S, true).reg('a0', Mip.SSIP).code('csrs sip, a0; nop').run(2)
      .expectTrap({ cause: irqCause(Interrupt.SupervisorSoftware), epc: CODE + 4, mode: Priv.S });
  });

  it('a delegated interrupt pending in M is taken once mret drops to S', () => {
    hart().csr('mideleg', 0x222).csr('mie', 0xaaa).csr('mip', Mip.SSIP).csr('mstatus', MStatus.SIE | (1 << 11)).csr('mepc', CODE + 0x40)
      .code('nop; mret').run(2).expectPc(CODE + 0x40).expectPriv(Priv.S)
      .run(1).expectTrap({ cause: irqCause(Interrupt.SupervisorSoftware), epc: CODE + 0x40, mode: Priv.S });
  });
});

describe('vectored mode (3.1.7)', () => {
  it.each(SOURCES)('%s goes to mtvec base + 4 x cause', (_, code, raise) => {
    enabled().csr('mtvec', M_HANDLER | 1).with(raise).run(1).expectPc(M_HANDLER + 4 * code);
  });

  it('delegated interrupts use stvec the same way', () => {
    hart().csr('mideleg', 0x222).csr('mie', 0xaaa).csr('stvec', S_HANDLER | 1).irq(Mip.SEIP).priv(Priv.U).code('nop').run(1)
      .expectPc(S_HANDLER + 4 * Interrupt.SupervisorExternal).expectPriv(Priv.S);
  });

  it('direct mode sends every interrupt to the base', () => {
    enabled().irq(Mip.MEIP).run(1).expectPc(M_HANDLER);
  });
});

describe('wfi and interrupts (3.3.3)', () => {
  it('an enabled pending interrupt is taken at the wfi boundary; wfi itself does not run', () => {
    enabled().irq(Mip.MTIP).code('wfi').run(1).expectTrap({ cause: irqCause(Interrupt.MachineTimer), epc: CODE });
  });

  it('with MIE = 0, wfi exits, wakes (wfiWakeup), retires, and execution continues without a trap', () => {
    const t = hart().csr('mie', Mip.MTIP).code('wfi; li a0, 1').run(1, VmExit.Wfi);
    expect(t.hart.wfiWakeup()).toBe(false);
    t.irq(Mip.MTIP);
    expect(t.hart.wfiWakeup()).toBe(true);
    t.retire().run(1).expectReg('a0', 1).expectNoTrap();
  });

  it('wfiWakeup needs the interrupt enabled in mie', () => {
    const t = hart().irq(Mip.MEIP);
    expect(t.hart.wfiWakeup()).toBe(false);
    t.csr('mie', Mip.MEIP);
    expect(t.hart.wfiWakeup()).toBe(true);
  });

  it('wfiWakeup ignores mideleg and the global enables', () => {
    const t = hart().csr('mideleg', 0x222).csr('mie', Mip.SEIP).csr('mstatus', 0).irq(Mip.SEIP);
    expect(t.hart.wfiWakeup()).toBe(true);
    t.priv(Priv.M);
    expect(t.hart.pendingInterrupt(), 'not takeable in M').toBe(-1);
    expect(t.hart.wfiWakeup(), 'but it wakes wfi').toBe(true);
  });

  it.each([Priv.S, Priv.M])('wfi in %s with an S interrupt pending exits (the monitor resumes)', (p) => {
    hart().csr('mideleg', 0x222).csr('mie', Mip.SSIP).csr('mip', Mip.SSIP).priv(p).code('wfi').run(1, VmExit.Wfi)
      .with((t) => expect(t.hart.wfiWakeup(), privName(p)).toBe(true));
  });
});

describe('pendingInterrupt()', () => {
  it('is -1 with nothing pending, and the highest-priority takeable code otherwise', () => {
    const t = enabled();
    expect(t.hart.pendingInterrupt()).toBe(-1);
    t.irq(Mip.MTIP).irq(Mip.MSIP);
    expect(t.hart.pendingInterrupt()).toBe(Interrupt.MachineSoftware);
  });
});
