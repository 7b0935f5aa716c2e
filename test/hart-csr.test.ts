/**
 * Zicsr (Unprivileged spec 20191213, chapter 9) and the CSRs of the
 * privileged architecture (Privileged spec 1.12, chapters 2-4): access rules
 * by privilege and read-only-ness, WARL fields, the views sstatus/sie/sip,
 * counters and their enables, misa and the C toggle.
 */
import { describe, expect, it } from 'vitest';
import { Hart } from '../src/hart/hart.js';
import { MStatus, Mip } from '../src/hart/csr-bits.js';
import { Exception, Priv, VmExit } from '../src/hart/trap.js';
import { Bus } from '../src/machine/bus.js';
import { Ram } from '../src/memory/ram.js';
import { csrNumber, rvc, word } from './support/encode.js';
import { CODE, hart, M_HANDLER, RAM_BASE, type HartRunner } from './support/hart-runner.js';

const MISA_RV32IMACSU = 0x40141105;

/** Runs one instruction at `priv` and expects it to raise illegal instruction with tval = its bits. */
function illegal(t: HartRunner, src: string): HartRunner {
  return t.code(src).run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word(src), epc: CODE });
}

describe('Zicsr instructions (9.1)', () => {
  it('csrrw swaps: rd gets the old value, the CSR gets rs1', () => {
    hart().csr('mscratch', 11).reg('a1', 22).code('csrrw a0, mscratch, a1').run(1).expectReg('a0', 11).expectCsr('mscratch', 22);
  });

  it('csrrw with rd = rs1 swaps through one register', () => {
    hart().csr('mscratch', 11).reg('a0', 22).code('csrrw a0, mscratch, a0').run(1).expectReg('a0', 11).expectCsr('mscratch', 22);
  });

  it('csrrw with rd = x0 writes', () => {
    hart().reg('a1', 5).code('csrrw x0, mscratch, a1').run(1).expectCsr('mscratch', 5).expectReg('x0', 0);
  });

  it('csrrs sets and csrrc clears the bits of rs1', () => {
    hart().csr('mscratch', 0xf0).reg('a1', 0x0f).reg('a2', 0x30).code('csrrs a0, mscratch, a1; csrrc a3, mscratch, a2').run(2)
      .expectRegs({ a0: 0xf0, a3: 0xff }).expectCsr('mscratch', 0xcf);
  });

  it('csrrwi, csrrsi and csrrci use the 5-bit zero-extended immediate', () => {
    hart().csr('mscratch', -1).code('csrrwi a0, mscratch, 31; csrrsi a1, mscratch, 0x10; csrrci a2, mscratch, 3').run(3)
      .expectRegs({ a0: -1, a1: 31, a2: 31 }).expectCsr('mscratch', 28);
  });

  it('csrrs/csrrc with rs1 = x0 only read', () => {
    hart().csr('mscratch', 9).code('csrrs a0, mscratch, x0; csrrc a1, mscratch, x0; csrrsi a2, mscratch, 0; csrrci a3, mscratch, 0').run(4)
      .expectRegs({ a0: 9, a1: 9, a2: 9, a3: 9 }).expectCsr('mscratch', 9);
  });

  it('accepts CSR numbers written numerically', () => {
    hart().csr('mscratch', 3).code('csrrs a0, 0x340, x0').run(1).expectReg('a0', 3);
  });
});

describe('CSR access by privilege level (2.1: csr[9:8] is the lowest privilege)', () => {
  const machine = ['mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mtvec', 'mcounteren', 'mscratch', 'mepc', 'mcause',
    'mtval', 'mip', 'mcycle', 'minstret', 'mcountinhibit', 'mhartid', 'mvendorid', 'pmpcfg0', 'pmpaddr0', 'mhpmcounter3', 'mhpmevent3'];
  const supervisor = ['sstatus', 'sie', 'stvec', 'scounteren', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'satp'];

  it.each(machine)('reading %s from S-mode is illegal', (csr) => {
    illegal(hart().priv(Priv.S), `csrr a0, ${csr}`).expectReg('a0', 0);
  });

  it.each([...machine, ...supervisor])('reading %s from U-mode is illegal', (csr) => {
    illegal(hart().priv(Priv.U), `csrr a0, ${csr}`);
  });

  it.each(supervisor)('%s is readable and writable from S-mode', (csr) => {
    hart().priv(Priv.S).code(`csrr a0, ${csr}; csrw ${csr}, a0`).run(2).expectNoTrap().expectPc(CODE + 8);
  });

  it('sscratch round-trips from S-mode', () => {
    hart().priv(Priv.S).reg('a1', 0x1234).code('csrw sscratch, a1; csrr a0, sscratch').run(2).expectReg('a0', 0x1234).expectCsr('sscratch', 0x1234);
  });

  it('the illegal CSR instruction does not change rd or the CSR', () => {
    const t = hart().csr('mscratch', 5).reg('a0', 77).priv(Priv.S);
    illegal(t, 'csrrw a0, mscratch, a1').expectReg('a0', 77).expectCsr('mscratch', 5);
  });
});

describe('read-only and unimplemented CSRs', () => {
  const readOnly = ['mvendorid', 'marchid', 'mimpid', 'mhartid', 'mconfigptr', 'cycle', 'instret', 'cycleh', 'instreth', 'hpmcounter3', 'hpmcounter31h'];

  it.each(readOnly)('%s can be read with csrrs/csrrc/csrrsi/csrrci and a zero source', (csr) => {
    hart().code(`csrrs a0, ${csr}, x0; csrrc a1, ${csr}, x0; csrrsi a2, ${csr}, 0; csrrci a3, ${csr}, 0`).run(4).expectNoTrap();
  });

  it.each(readOnly.flatMap((csr) => [
    `csrrw a0, ${csr}, a1`, `csrrw x0, ${csr}, x0`, `csrrs a0, ${csr}, a1`, `csrrc a0, ${csr}, a1`,
    `csrrwi a0, ${csr}, 0`, `csrrsi a0, ${csr}, 1`, `csrrci a0, ${csr}, 1`,
  ]))('%s is illegal (a write to a read-only CSR)', (src) => {
    illegal(hart().reg('a1', 0), src); // rs1 != x0 is a write attempt even when the value is zero
  });

  it.each(['time', 'timeh'])('writing %s is illegal', (csr) => {
    illegal(hart(), `csrw ${csr}, a1`);
  });

  it.each([
    ['fflags (no F)', 0x001], ['fcsr (no F)', 0x003], ['vsstatus (no H)', 0x200], ['hstatus (no H)', 0x600],
    ['tselect (no triggers)', 0x7a0], ['dcsr (debug mode only)', 0x7b0], ['custom user', 0x800], ['custom supervisor', 0x5c0],
    ['custom machine', 0x7c0], ['custom machine read-only', 0xfc0], ['custom user read-only', 0xcc0], ['utvec (no N)', 0x005],
  ])('%s (0x%s) is illegal', (_, csr) => {
    illegal(hart(), `csrr a0, ${csr}`);
    illegal(hart(), `csrw ${csr}, a0`);
  });
});

describe('machine information CSRs (3.1.2-3.1.5)', () => {
  it('misa reports RV32IMAC with S and U', () => {
    hart().code('csrr a0, misa').run(1).expectReg('a0', MISA_RV32IMACSU);
  });

  it('mvendorid, marchid, mimpid and mconfigptr read zero', () => {
    hart().reg('a0', 1).reg('a1', 1).reg('a2', 1).reg('a3', 1)
      .code('csrr a0, mvendorid; csrr a1, marchid; csrr a2, mimpid; csrr a3, mconfigptr').run(4).expectRegs({ a0: 0, a1: 0, a2: 0, a3: 0 });
  });

  it('mhartid is the hart id', () => {
    const ram = new Ram(RAM_BASE, 0x10000);
    const h = new Hart(new Bus(ram), { hartId: 3 });
    h.reset(CODE);
    ram.write(CODE, new Uint8Array(new Uint32Array([word('csrr a0, mhartid')]).buffer));
    h.run(1);
    expect(h.x[10]).toBe(3);
  });
});

describe('misa (3.1.1): only C is writable', () => {
  it('writing zero clears only C', () => {
    hart().code('csrw misa, x0; csrr a0, misa').run(2).expectReg('a0', MISA_RV32IMACSU & ~4);
  });

  it('other extension and MXL bits ignore writes', () => {
    hart().reg('a1', -1).code('csrw misa, a1; csrr a0, misa').run(2).expectReg('a0', MISA_RV32IMACSU);
  });

  it('with C cleared, a compressed instruction is illegal; setting C again makes it legal', () => {
    hart().reg('a1', 4).code('csrc misa, a1; nop; c.li a0, 5; c.nop; csrs misa, a1; c.li a0, 6', CODE).run(3)
      .expectTrap({ cause: Exception.IllegalInstruction, tval: rvc.li(10, 5), epc: CODE + 8 }).expectReg('a0', 0);
    hart().reg('a1', 4).code('csrc misa, a1; csrs misa, a1; c.li a0, 6').run(3).expectReg('a0', 6).expectNoTrap();
  });

  it('clearing C is suppressed when the next instruction is not 4-byte aligned', () => {
    hart().reg('a1', 4).code('c.nop; csrc misa, a1').run(2).expectCsr('misa', MISA_RV32IMACSU).expectNoTrap();
  });

  it('with C cleared, mepc reads with bit 1 masked and mret goes there', () => {
    hart().reg('a1', 4).csr('mepc', CODE + 0x106).csr('mstatus', 3 << 11).code('csrc misa, a1; csrr a0, mepc; mret').run(3)
      .expectReg('a0', CODE + 0x104).expectPc(CODE + 0x104);
  });

  it('with C cleared, sepc reads with bit 1 masked', () => {
    hart().reg('a1', 4).csr('sepc', CODE + 0x106).code('csrc misa, a1; csrr a0, sepc').run(2).expectReg('a0', CODE + 0x104);
  });

  it('with C cleared, jumps and taken branches to a 2-aligned target raise instruction-address-misaligned', () => {
    const off = (src: string, regs: Record<string, number> = {}) =>
      hart().regs({ t6: 4, ...regs }).code(`csrc misa, t6; ${src}`).run(2);
    off('jal ra, 6').expectTrap({ cause: Exception.InstructionMisaligned, tval: CODE + 4 + 6, epc: CODE + 4 }).expectReg('ra', 0);
    off('jalr ra, 2(a0)', { a0: CODE + 0x100 }).expectTrap({ cause: Exception.InstructionMisaligned, tval: CODE + 0x102, epc: CODE + 4 });
    off('beq x0, x0, 10').expectTrap({ cause: Exception.InstructionMisaligned, tval: CODE + 14, epc: CODE + 4 });
    off('bne x0, x0, 10').expectNoTrap().expectPc(CODE + 8); // not taken: no exception
  });

  it('with C set, the same jump is fine', () => {
    hart().code('jal ra, 6').run(1).expectPc(CODE + 6).expectNoTrap();
  });
});

describe('mstatus and sstatus (3.1.6, 4.1.1)', () => {
  const WRITABLE = MStatus.SIE | MStatus.MIE | MStatus.SPIE | MStatus.MPIE | MStatus.SPP | MStatus.MPP | MStatus.MPRV |
    MStatus.SUM | MStatus.MXR | MStatus.TVM | MStatus.TW | MStatus.TSR;

  it('implements the M/S/U fields; UBE, FS, XS, SD and the rest read zero', () => {
    hart().reg('a1', -1).code('csrw mstatus, a1; csrr a0, mstatus').run(2).expectReg('a0', WRITABLE);
  });

  it('MPP is WARL: writing 2 (reserved H) does not make it read 2', () => {
    for (const start of [0, 1, 3]) {
      const t = hart().csr('mstatus', start << 11).reg('a1', 2 << 11).code('csrw mstatus, a1; csrr a0, mstatus').run(2);
      expect((t.x('a0') >>> 11) & 3, `MPP after writing 2 over ${start}`).not.toBe(2);
    }
  });

  it('sstatus shows only the S fields of mstatus', () => {
    hart().csr('mstatus', WRITABLE).code('csrr a0, sstatus').run(1)
      .expectReg('a0', MStatus.SIE | MStatus.SPIE | MStatus.SPP | MStatus.SUM | MStatus.MXR);
  });

  it('writing sstatus changes only the S fields of mstatus', () => {
    hart().csr('mstatus', MStatus.MIE | (3 << 11)).reg('a1', -1).code('csrw sstatus, a1').run(1)
      .expectCsr('mstatus', MStatus.MIE | (3 << 11) | MStatus.SIE | MStatus.SPIE | MStatus.SPP | MStatus.SUM | MStatus.MXR);
    hart().csr('mstatus', WRITABLE).code('csrw sstatus, x0').run(1)
      .expectCsr('mstatus', WRITABLE & ~(MStatus.SIE | MStatus.SPIE | MStatus.SPP | MStatus.SUM | MStatus.MXR));
  });

  it('mstatush reads zero (little-endian M and S) and ignores writes', () => {
    hart().reg('a1', -1).code('csrw mstatush, a1; csrr a0, mstatush').run(2).expectReg('a0', 0).expectNoTrap();
  });
});

describe('trap setup CSRs: WARL fields', () => {
  it.each([
    ['mtvec', 0x80004000, 0x80004000],
    ['mtvec', 0x80004001, 0x80004001], // vectored
    ['stvec', 0x80005001, 0x80005001],
  ])('%s accepts %s', (csr, value, read) => {
    hart().reg('a1', value).code(`csrw ${csr}, a1; csrr a0, ${csr}`).run(2).expectReg('a0', read);
  });

  it.each(['mtvec', 'stvec'])('%s never holds a reserved MODE (>= 2)', (csr) => {
    for (const mode of [2, 3]) {
      const t = hart().reg('a1', 0x80006000 | mode).code(`csrw ${csr}, a1; csrr a0, ${csr}`).run(2);
      expect(t.x('a0') & 3, `${csr} MODE after writing ${mode}`).toBeLessThan(2);
    }
  });

  it('medeleg: ecall from M (bit 11) and the reserved causes are read-only zero', () => {
    hart().reg('a1', -1).code('csrw medeleg, a1; csrr a0, medeleg').run(2).expectReg('a0', 0xb3ff);
  });

  it('mideleg: only the supervisor interrupts can be delegated', () => {
    hart().reg('a1', -1).code('csrw mideleg, a1; csrr a0, mideleg').run(2).expectReg('a0', Mip.SSIP | Mip.STIP | Mip.SEIP);
  });

  it('mie: the six standard interrupt enables', () => {
    hart().reg('a1', -1).code('csrw mie, a1; csrr a0, mie').run(2).expectReg('a0', 0xaaa);
  });

  it('mcounteren and scounteren are writable', () => {
    hart().reg('a1', -1).code('csrw mcounteren, a1; csrw scounteren, a1; csrr a0, mcounteren; csrr a2, scounteren').run(4)
      .expectRegs({ a0: -1, a2: -1 });
  });

  it.each(['mscratch', 'sscratch', 'mcause', 'mtval', 'scause', 'stval', 'satp'])('%s holds any value', (csr) => {
    for (const v of [-1, 0x12345678, 0]) hart().reg('a1', v).code(`csrw ${csr}, a1; csrr a0, ${csr}`).run(2).expectReg('a0', v);
  });

  it.each(['mepc', 'sepc'])('%s bit 0 is always zero', (csr) => {
    hart().reg('a1', -1).code(`csrw ${csr}, a1; csrr a0, ${csr}`).run(2).expectReg('a0', -2);
  });

  it('menvcfg and senvcfg implement no fields', () => {
    hart().reg('a1', -1).code('csrw menvcfg, a1; csrw senvcfg, a1; csrr a0, menvcfg; csrr a2, senvcfg; csrr a3, menvcfgh').run(5)
      .expectRegs({ a0: 0, a2: 0, a3: 0 }).expectNoTrap();
  });
});

describe('mip, sip and sie (3.1.9, 4.1.3)', () => {
  it('mip: software can write SSIP, STIP and SEIP only', () => {
    hart().reg('a1', -1).code('csrw mip, a1; csrr a0, mip').run(2).expectReg('a0', Mip.SSIP | Mip.STIP | Mip.SEIP);
  });

  it('mip: MSIP, MTIP and MEIP follow the lines and cannot be cleared by software', () => {
    hart().irq(Mip.MTIP).irq(Mip.MSIP).irq(Mip.MEIP).code('csrw mip, x0; csrr a0, mip').run(2)
      .expectReg('a0', Mip.MSIP | Mip.MTIP | Mip.MEIP);
  });

  it('mip.SEIP reads as the OR of the software bit and the external line', () => {
    const t = hart().irq(Mip.SEIP).code('csrr a0, mip; csrw mip, x0; csrr a1, mip').run(3);
    t.expectRegs({ a0: Mip.SEIP, a1: Mip.SEIP });
    t.irq(Mip.SEIP, false).code('csrr a2, mip', CODE + 12).run(1).expectReg('a2', 0);
  });

  it('csrrs on mip does not latch the external SEIP line into the software bit (3.1.9)', () => {
    const t = hart().irq(Mip.SEIP).reg('a1', Mip.SSIP).code('csrrs a0, mip, a1').run(1).expectReg('a0', Mip.SEIP);
    t.irq(Mip.SEIP, false).expectCsr('mip', Mip.SSIP);
  });

  it('sie and sip read zero and ignore writes for interrupts not delegated', () => {
    hart().csr('mie', 0xaaa).csr('mip', 0x222).reg('a1', -1).code('csrr a0, sie; csrr a2, sip; csrw sie, a1; csrw sip, a1').run(4)
      .expectRegs({ a0: 0, a2: 0 }).expectCsr('mie', 0xaaa).expectCsr('mip', 0x222);
    hart().reg('a1', -1).code('csrw sie, a1; csrw sip, a1').run(2).expectCsr('mie', 0).expectCsr('mip', 0);
  });

  it('sie is a view of the delegated bits of mie', () => {
    hart().csr('mideleg', 0x222).csr('mie', Mip.MTIP).reg('a1', -1).code('csrw sie, a1; csrr a0, sie').run(2)
      .expectReg('a0', 0x222).expectCsr('mie', 0x222 | Mip.MTIP);
  });

  it('sip: only SSIP is writable, and only when delegated; STIP and SEIP are read-only there', () => {
    hart().csr('mideleg', 0x222).reg('a1', -1).code('csrw sip, a1; csrr a0, sip').run(2).expectReg('a0', Mip.SSIP).expectCsr('mip', Mip.SSIP);
    hart().csr('mideleg', 0x222).csr('mip', Mip.STIP | Mip.SEIP).code('csrw sip, x0; csrr a0, sip').run(2)
      .expectReg('a0', Mip.STIP | Mip.SEIP);
  });

  it('sip shows a delegated external line', () => {
    hart().csr('mideleg', Mip.SEIP).irq(Mip.SEIP).code('csrr a0, sip').run(1).expectReg('a0', Mip.SEIP);
  });
});

describe('satp and TVM (4.1.11, 3.1.6.5)', () => {
  it('S-mode reads and writes satp when TVM = 0', () => {
    hart().priv(Priv.S).reg('a1', 0x12345).code('csrw satp, a1; csrr a0, satp').run(2).expectReg('a0', 0x12345).expectNoTrap();
  });

  it('S-mode access to satp is illegal when TVM = 1', () => {
    illegal(hart().csr('mstatus', MStatus.TVM).priv(Priv.S), 'csrr a0, satp');
    illegal(hart().csr('mstatus', MStatus.TVM).priv(Priv.S), 'csrw satp, a0');
  });

  it('sfence.vma is illegal in S-mode when TVM = 1 and in U-mode always', () => {
    illegal(hart().csr('mstatus', MStatus.TVM).priv(Priv.S), 'sfence.vma');
    illegal(hart().priv(Priv.U), 'sfence.vma');
    hart().priv(Priv.S).code('sfence.vma a0, a1').run(1).expectNoTrap();
  });

  it('TVM does not restrict M-mode', () => {
    hart().csr('mstatus', MStatus.TVM).reg('a1', 7).code('csrw satp, a1; csrr a0, satp; sfence.vma').run(3).expectReg('a0', 7).expectNoTrap();
  });
});

describe('counters (Zicntr; Privileged 3.1.10-3.1.12)', () => {
  it('cycle and instret count steps from reset', () => {
    hart().code('nop; nop; csrr a0, cycle; csrr a1, instret; csrr a2, mcycle; csrr a3, minstret').run(6)
      .expectRegs({ a0: 2, a1: 3, a2: 4, a3: 5 });
  });

  it('a taken trap advances cycle but not instret', () => {
    hart().words(CODE, 0xffffffff).code('csrr a1, minstret; csrr a0, mcycle', M_HANDLER).run(3).expectRegs({ a1: 0, a0: 2 });
  });

  it('a value written to mcycle is what the next instruction reads', () => {
    hart().reg('a1', 100).code('csrw mcycle, a1; csrr a0, mcycle; csrr a2, cycle').run(3).expectRegs({ a0: 100, a2: 101 });
  });

  it('a value written to minstret is what the next instruction reads (the write replaces the increment, 9.1)', () => {
    hart().reg('a1', 100).code('csrw minstret, a1; csrr a0, minstret; csrr a2, instret').run(3).expectRegs({ a0: 100, a2: 101 });
  });

  it('csrrw on mcycle returns the value before the write', () => {
    hart().reg('a1', 100).code('nop; csrrw a0, mcycle, a1').run(2).expectReg('a0', 1);
  });

  it('the high halves are writable and carry from the low halves', () => {
    hart().reg('a1', -1).reg('a2', 7).code(`
      csrw mcycleh, a2
      csrw mcycle, a1
      csrr a3, mcycleh
      csrr a4, mcycle
      csrr a5, mcycleh
      csrr a6, cycleh`).run(6).expectRegs({ a3: 7, a4: 0, a5: 8, a6: 8 });
    hart().reg('a2', 3).code('csrw minstreth, a2; csrr a3, minstreth; csrr a4, instreth').run(3).expectRegs({ a3: 3, a4: 3 });
  });

  it('mcountinhibit freezes cycle (CY) and instret (IR); TM is read-only zero', () => {
    hart().reg('a1', -1).code('csrw mcountinhibit, a1; csrr a0, mcountinhibit').run(2).expectReg('a0', ~2);
    hart().reg('a1', 5).code(`
      csrw mcountinhibit, a1
      csrr a2, mcycle
      nop
      csrr a3, mcycle
      csrr a4, minstret
      csrw mcountinhibit, x0
      nop
      csrr a5, minstret`).run(8).with((t) => {
      expect(t.x('a3')).toBe(t.x('a2'));
      expect(t.x('a5')).toBeGreaterThan(t.x('a4'));
    });
  });

  it('a counter written while inhibited holds the written value', () => {
    hart().reg('a1', 1).reg('a2', 500).code('csrw mcountinhibit, a1; csrw mcycle, a2; nop; nop; csrr a0, mcycle').run(5).expectReg('a0', 500);
  });

  it('counts past 2^32: the high halves carry (icount is a float64, the counters are 64-bit)', () => {
    const t = hart().code('csrr a0, cycle; csrr a1, cycleh; csrr a2, instret; csrr a3, instreth');
    t.hart.restore({ ...t.snapshot(), icount: 2 ** 32 + 5, traps: 2 });
    t.run(4).expectRegs({ a0: 5, a1: 1, a2: 5, a3: 1 });
  });

  it('hpmcounters read zero, and writes to mhpmcounters and mhpmevents are ignored', () => {
    hart().reg('a1', -1).code(`
      csrw mhpmcounter3, a1
      csrw mhpmevent3, a1
      csrw mhpmcounter31h, a1
      csrr a2, mhpmcounter3
      csrr a3, mhpmevent3
      csrr a4, hpmcounter3
      csrr a5, hpmcounter31h`).run(7).expectRegs({ a2: 0, a3: 0, a4: 0, a5: 0 }).expectNoTrap();
  });

  // Privileged 3.1.11 and 4.1.5: S needs mcounteren's bit; U needs it and scounteren's bit.
  const counters: [string, number][] = [
    ['cycle', 0], ['instret', 2], ['hpmcounter3', 3], ['hpmcounter31', 31], ['cycleh', 0], ['instreth', 2], ['hpmcounter17h', 17],
  ];
  const grid = counters.flatMap(([csr, bit]) => [Priv.S, Priv.U].flatMap((p) => [0, 1].flatMap((m) => [0, 1].map((s) =>
    [csr, bit, p === Priv.S ? 'S' : 'U', m, s] as const))));

  it.each(grid)('%s (bit %d) from %s with mcounteren=%d scounteren=%d', (csr, bit, mode, m, s) => {
    const p = mode === 'S' ? Priv.S : Priv.U;
    const legal = m === 1 && (p === Priv.S || s === 1);
    const t = hart().csr('mcounteren', m << bit).csr('scounteren', s << bit).priv(p).code(`csrr a0, ${csr}`).run(1);
    if (legal) t.expectNoTrap().expectPc(CODE + 4);
    else t.expectTrap({ cause: Exception.IllegalInstruction, tval: word(`csrr a0, ${csr}`) });
  });

  it('the counter enables do not restrict M-mode', () => {
    hart().code('csrr a0, cycle; csrr a1, instret; csrr a2, hpmcounter4').run(3).expectNoTrap();
  });
});

describe('time and seed: host-valued CSRs are VM exits', () => {
  it('reading time stops run() before the instruction; completeHostCsr writes rd and retires it', () => {
    const t = hart().code('nop; csrr a0, time; nop').run(3, VmExit.HostCsr).expectPc(CODE + 4).expectIcount(1);
    expect(t.hart.hostCsr).toEqual({ csr: csrNumber('time'), rd: 10 });
    t.hart.completeHostCsr(0x1234);
    t.expectReg('a0', 0x1234).expectPc(CODE + 8).expectIcount(2).run(1).expectPc(CODE + 12);
  });

  it('timeh is a host CSR too', () => {
    const t = hart().code('csrr a1, timeh').run(1, VmExit.HostCsr);
    expect(t.hart.hostCsr).toEqual({ csr: csrNumber('timeh'), rd: 11 });
  });

  it('reading time into x0 leaves x0 zero', () => {
    const t = hart().code('csrr x0, time').run(1, VmExit.HostCsr);
    t.hart.completeHostCsr(99);
    t.expectReg('x0', 0).expectPc(CODE + 4);
  });

  it('completeHostCsr without a pending request throws', () => {
    expect(() => hart().hart.completeHostCsr(1)).toThrow();
  });

  it.each([
    ['S', 0, 0, false], ['S', 2, 0, true], ['U', 2, 0, false], ['U', 2, 2, true], ['U', 0, 2, false],
  ] as const)('time from %s with mcounteren=%d scounteren=%d legal=%s', (mode, m, s, legal) => {
    const t = hart().csr('mcounteren', m).csr('scounteren', s).priv(mode === 'S' ? Priv.S : Priv.U).code('csrr a0, time');
    if (legal) t.run(1, VmExit.HostCsr);
    else t.run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('csrr a0, time') });
  });

  it('seed must be accessed with a write (Zkr 4.1); from M-mode that is a host exit', () => {
    illegal(hart(), 'csrr a0, seed');
    const t = hart().code('csrrw a0, seed, x0').run(1, VmExit.HostCsr);
    expect(t.hart.hostCsr).toEqual({ csr: csrNumber('seed'), rd: 10 });
  });

  it('seed from S and U needs mseccfg.SSEED and USEED', () => {
    illegal(hart().priv(Priv.S), 'csrrw a0, seed, x0');
    illegal(hart().priv(Priv.U), 'csrrw a0, seed, x0');
    hart().csr('mseccfg', 1 << 9).priv(Priv.S).code('csrrw a0, seed, x0').run(1, VmExit.HostCsr);
    hart().csr('mseccfg', 1 << 8).priv(Priv.U).code('csrrw a0, seed, x0').run(1, VmExit.HostCsr);
  });
});

describe('CSR writes that change how the hart runs take effect at the next instruction', () => {
  it('setting mstatus.MPRV with MPP = U makes the next load use U-mode permission (no Sv32: same address)', () => {
    hart().reg('a1', MStatus.MPRV).code('csrs mstatus, a1; lw a0, 0(x0)').run(2)
      .expectTrap({ cause: Exception.LoadAccessFault, tval: 0, epc: CODE + 4 }); // address 0 is unmapped
  });

  it('a CSR write to mtvec is used by the very next trap', () => {
    hart().reg('a1', M_HANDLER + 0x100).code('csrw mtvec, a1').words(CODE + 4, 0).run(2).expectPc(M_HANDLER + 0x100);
  });
});
