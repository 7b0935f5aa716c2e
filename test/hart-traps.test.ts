/**
 * Synchronous exceptions and trap return (Privileged spec 1.12: 3.1.6.1 trap
 * entry and xRET, 3.1.8 delegation, 3.1.15-3.1.16 xepc/xcause/xtval, 3.3
 * the privileged instructions, table 3.6 the causes), and the hart's VM exits
 * for ecall, ebreak and wfi, which the monitor completes.
 */
import { describe, expect, it } from 'vitest';
import { MStatus } from '../src/hart/csr-bits.js';
import { Exception, Priv, VmExit } from '../src/hart/trap.js';
import { word } from './support/encode.js';
import { CODE, DATA, hart, M_HANDLER, privName, S_HANDLER, UNMAPPED } from './support/hart-runner.js';

const ILLEGAL = 0xffffffff;
const MPP = (p: Priv): number => p << 11;
const PRIVS = [Priv.U, Priv.S, Priv.M] as const;

describe('each exception cause reaches M with cause, epc and tval (table 3.6, 3.1.16)', () => {
  it('0: instruction address misaligned (C disabled, jump to a 2-aligned target)', () => {
    hart().reg('t0', 4).code('csrc misa, t0; jal ra, 6').run(2)
      .expectTrap({ cause: Exception.InstructionMisaligned, tval: CODE + 10, epc: CODE + 4 }).expectReg('ra', 0);
  });

  it('1: instruction access fault at an unmapped address (the jump itself retires)', () => {
    hart().reg('a0', UNMAPPED).code('jalr ra, 0(a0)').run(1).expectPc(UNMAPPED).expectReg('ra', CODE + 4)
      .run(1).expectTrap({ cause: Exception.InstructionAccessFault, tval: UNMAPPED, epc: UNMAPPED }).expectIcount(2);
  });

  it('2: illegal instruction, tval = the instruction bits', () => {
    hart().words(CODE, ILLEGAL).run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: ILLEGAL, epc: CODE });
  });

  it('1: a 32-bit instruction whose second half is past the end of RAM: tval = that half, epc = the instruction', () => {
    const end = CODE + (4 << 20);
    hart().pc(end - 2).mem16(end - 2, 0x0513).run(1) // the low half of addi a0, x0, ...
      .expectTrap({ cause: Exception.InstructionAccessFault, tval: end, epc: end - 2 });
  });

  it('3: breakpoint, as the monitor delivers an ebreak that is not semihosting', () => {
    hart().code('nop; ebreak').run(5, VmExit.Ebreak).expectPc(CODE + 4).expectIcount(1)
      .deliverEbreak().expectTrap({ cause: Exception.Breakpoint, tval: CODE + 4, epc: CODE + 4 }).expectIcount(2);
  });

  it('4: load address misaligned (lr.w; plain loads are emulated)', () => {
    hart().reg('a0', DATA + 1).code('lr.w a1, (a0)').run(1).expectTrap({ cause: Exception.LoadMisaligned, tval: DATA + 1, epc: CODE });
  });

  it('5: load access fault', () => {
    hart().reg('a0', UNMAPPED).code('lw a1, 8(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: UNMAPPED + 8, epc: CODE });
  });

  it('6: store/AMO address misaligned', () => {
    hart().reg('a0', DATA + 2).code('amoadd.w a1, a2, (a0)').run(1).expectTrap({ cause: Exception.StoreMisaligned, tval: DATA + 2, epc: CODE });
  });

  it('7: store/AMO access fault', () => {
    hart().reg('a0', UNMAPPED).code('sw a1, -4(a0)').run(1).expectTrap({ cause: Exception.StoreAccessFault, tval: UNMAPPED - 4, epc: CODE });
  });

  it('7: a store to ROM is a store access fault; loads and fetches from ROM work', () => {
    const t = hart();
    const rom = new Uint8Array(4096);
    rom.set([0x13, 0x05, 0x70, 0x00]); // addi a0, x0, 7
    t.bus.mapRom(0x1000, rom);
    t.pc(0x1000).reg('a1', 0x1000).code('lw a2, 0(a1); sw a2, 0(a1)', CODE).run(1).expectReg('a0', 7)
      .pc(CODE).run(1).expectReg('a2', word('addi a0, x0, 7'))
      .run(1).expectTrap({ cause: Exception.StoreAccessFault, tval: 0x1000, epc: CODE + 4 });
  });

  it('7: an AMO on ROM reads but cannot write: store/AMO access fault', () => {
    const t = hart();
    t.bus.mapRom(0x1000, new Uint8Array(4096));
    t.reg('a0', 0x1000).reg('a1', 3).code('amoadd.w a1, a2, (a0)').run(1)
      .expectTrap({ cause: Exception.StoreAccessFault, tval: 0x1000, epc: CODE }).expectReg('a1', 3);
  });

  it('1: fetching from a device is an instruction access fault', () => {
    hart().pc(0x10000000).run(1).expectTrap({ cause: Exception.InstructionAccessFault, tval: 0x10000000, epc: 0x10000000 });
  });

  it.each([[Priv.U, Exception.EcallFromU], [Priv.S, Exception.EcallFromS], [Priv.M, Exception.EcallFromM]])(
    'ecall from %s: a VM exit, then cause %d when delivered', (p, cause) => {
      hart().priv(p).code('nop; ecall').run(10, VmExit.Ecall).expectPc(CODE + 4).expectIcount(1)
        .deliverEcall().expectTrap({ cause, epc: CODE + 4, tval: 0 }).expectIcount(2);
    });

  it('12, 13, 15: page faults are covered in hart-sv32.test.ts', () => {
    expect([Exception.InstructionPageFault, Exception.LoadPageFault, Exception.StorePageFault]).toEqual([12, 13, 15]);
  });
});

describe('trap entry to M (3.1.6.1)', () => {
  it.each(PRIVS.flatMap((p) => [0, 1].map((mie) => [privName(p), p, mie] as const)))(
    'from %s with MIE=%d: MPP = old mode, MPIE = old MIE, MIE = 0', (_, p, mie) => {
      const t = hart().csr('mstatus', mie === 1 ? MStatus.MIE : 0).priv(p).words(CODE, ILLEGAL).run(1)
        .expectTrap({ cause: Exception.IllegalInstruction });
      const ms = t.csrValue('mstatus');
      expect((ms >>> 11) & 3, 'MPP').toBe(p);
      expect((ms & MStatus.MPIE) !== 0, 'MPIE').toBe(mie === 1);
      expect(ms & MStatus.MIE, 'MIE').toBe(0);
    });

  it('leaves SIE, SPIE and SPP alone', () => {
    const s = MStatus.SIE | MStatus.SPIE | MStatus.SPP;
    hart().csr('mstatus', s).words(CODE, ILLEGAL).run(1).expectStatus(s, true);
  });

  it('a trap is one step: icount + 1, instret unchanged', () => {
    hart().code('nop').words(CODE + 4, ILLEGAL).run(2).expectIcount(2).expectCsr('minstret', 1).expectCsr('mcycle', 2);
  });

  it('a trap inside the handler overwrites mepc and sets MPP = M', () => {
    hart().words(CODE, ILLEGAL).words(M_HANDLER, ILLEGAL).csr('mtvec', M_HANDLER).run(1)
      .with((t) => t.csr('mtvec', M_HANDLER + 0x100)).run(1)
      .expectTrap({ cause: Exception.IllegalInstruction, epc: M_HANDLER }).expectStatus(MStatus.MPP, true);
  });

  it('exceptions use the mtvec base even in vectored mode', () => {
    hart().csr('mtvec', M_HANDLER | 1).words(CODE, ILLEGAL).run(1).expectPc(M_HANDLER);
  });

  it('the trap discards the faulting instruction: rd and memory unchanged', () => {
    hart().reg('a1', 5).reg('a0', UNMAPPED).code('lw a1, 0(a0)').run(1).expectReg('a1', 5);
  });

  it('a handler whose first instruction faults again is reported as a fatal trap', () => {
    const t = hart().csr('mtvec', UNMAPPED).words(CODE, ILLEGAL).run(5, VmExit.FatalTrap);
    expect(t.hart.fatalTrap).toMatchObject({ cause: Exception.IllegalInstruction, epc: CODE | 0, tval: ILLEGAL | 0, vector: UNMAPPED }) // int32 fields;
  });

  // A shared trap entry for M and S is legal (mtvec and stvec are independent WARL registers). The S handler's
  // first instruction reads an M CSR, which traps to M at the same address, where it then succeeds: the hart
  // must take that trap (Privileged 3.1.7) and continue, not report an endless loop.
  it('a handler shared by M and S whose first instruction traps from S to M is not a fatal trap', () => {
    hart().csr('mtvec', M_HANDLER).csr('stvec', M_HANDLER).csr('medeleg', 1 << Exception.EcallFromU).csr('mscratch', 42)
      .priv(Priv.U).code('ecall').code('csrr t0, mscratch; nop', M_HANDLER)
      .run(1, VmExit.Ecall).deliverEcall().expectTrap({ cause: Exception.EcallFromU, mode: Priv.S })
      .run(2).expectPriv(Priv.M).expectCsr('mcause', Exception.IllegalInstruction).expectCsr('mepc', M_HANDLER)
      .expectReg('t0', 42).expectPc(M_HANDLER + 4);
  });

  it('reports each trap as a VM exit when reportTraps is on', () => {
    const t = hart().words(CODE, ILLEGAL);
    t.hart.reportTraps = true;
    t.run(5, VmExit.Trap).expectTrap({ cause: Exception.IllegalInstruction, epc: CODE }).expectIcount(1);
  });
});

describe('delegation to S (3.1.8, 4.1.1)', () => {
  const delegated = (p: Priv, sie: boolean) =>
    hart().csr('medeleg', 1 << Exception.IllegalInstruction).csr('mstatus', (sie ? MStatus.SIE : 0) | MPP(Priv.M)).csr('mcause', 99)
      .priv(p).words(CODE, ILLEGAL).run(1);

  it.each([[Priv.U, false], [Priv.U, true], [Priv.S, false], [Priv.S, true]] as const)(
    'from %s with SIE=%s: scause/sepc/stval, SPP = old mode, SPIE = old SIE, SIE = 0', (p, sie) => {
      const t = delegated(p, sie).expectTrap({ cause: Exception.IllegalInstruction, epc: CODE, tval: ILLEGAL, mode: Priv.S });
      t.expectStatus(MStatus.SPP, p === Priv.S).expectStatus(MStatus.SPIE, sie).expectStatus(MStatus.SIE, false);
      t.expectCsr('mcause', 99).expectStatus(MStatus.MPP, true); // M-mode trap state untouched
    });

  it('a delegated exception raised in M-mode is still taken by M', () => {
    hart().csr('medeleg', 1 << Exception.IllegalInstruction).words(CODE, ILLEGAL).run(1)
      .expectTrap({ cause: Exception.IllegalInstruction, mode: Priv.M }).expectCsr('scause', 0);
  });

  it('an exception not delegated goes to M even from U', () => {
    hart().csr('medeleg', 1 << Exception.Breakpoint).priv(Priv.U).words(CODE, ILLEGAL).run(1)
      .expectTrap({ cause: Exception.IllegalInstruction, mode: Priv.M });
  });

  it.each([[Priv.U, Exception.EcallFromU], [Priv.S, Exception.EcallFromS]])(
    'ecall from %s delegated to S', (p, cause) => {
      hart().csr('medeleg', 1 << cause).priv(p).code('ecall').run(1, VmExit.Ecall).deliverEcall()
        .expectTrap({ cause, epc: CODE, tval: 0, mode: Priv.S });
    });

  it('load access faults can be delegated too', () => {
    hart().csr('medeleg', 1 << Exception.LoadAccessFault).priv(Priv.U).reg('a0', UNMAPPED).code('lb a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.LoadAccessFault, tval: UNMAPPED, epc: CODE, mode: Priv.S });
  });

  it('stvec vectored mode does not apply to exceptions', () => {
    hart().csr('medeleg', 4).csr('stvec', S_HANDLER | 1).priv(Priv.U).words(CODE, ILLEGAL).run(1).expectPc(S_HANDLER);
  });
});

describe('mret (3.3.2)', () => {
  it.each(PRIVS.flatMap((p) => [0, 1].map((mpie) => [privName(p), p, mpie] as const)))(
    'to %s with MPIE=%d: mode = MPP, MIE = MPIE, MPIE = 1, MPP = U, pc = mepc', (_, p, mpie) => {
      const t = hart().csr('mstatus', MPP(p) | (mpie === 1 ? MStatus.MPIE : 0) | MStatus.MIE).csr('mepc', DATA)
        .code('mret').run(1).expectPc(DATA).expectPriv(p);
      const ms = t.csrValue('mstatus');
      expect((ms & MStatus.MIE) !== 0, 'MIE').toBe(mpie === 1);
      expect(ms & MStatus.MPIE, 'MPIE').toBe(MStatus.MPIE);
      expect((ms >>> 11) & 3, 'MPP').toBe(Priv.U);
    });

  it.each([Priv.U, Priv.S])('returning to %s clears MPRV', (p) => {
    hart().csr('mstatus', MPP(p) | MStatus.MPRV).csr('mepc', DATA).code('mret').run(1).expectStatus(MStatus.MPRV, false);
  });

  it('returning to M keeps MPRV', () => {
    hart().csr('mstatus', MPP(Priv.M) | MStatus.MPRV).csr('mepc', DATA).code('mret').run(1).expectStatus(MStatus.MPRV, true);
  });

  it.each([Priv.U, Priv.S])('is illegal in %s', (p) => {
    hart().priv(p).csr('mepc', DATA).code('mret').run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('mret'), epc: CODE });
  });

  it('is one step and retires (instret counts it)', () => {
    hart().csr('mstatus', MPP(Priv.M)).csr('mepc', CODE + 0x100).code('mret').run(1).expectIcount(1).expectCsr('minstret', 1);
  });

  it('round trip: trap from U, handler skips the instruction, mret back to U', () => {
    hart().priv(Priv.U).words(CODE, ILLEGAL).code('nop; li a0, 1', CODE + 4)
      .code('csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0; mret', M_HANDLER)
      .run(1 + 4 + 2).expectPriv(Priv.U).expectReg('a0', 1).expectPc(CODE + 12);
  });
});

describe('sret (3.3.2, 4.1.1)', () => {
  it.each([[Priv.U, 0], [Priv.U, 1], [Priv.S, 0], [Priv.S, 1]] as const)(
    'to %s with SPIE=%d: mode = SPP, SIE = SPIE, SPIE = 1, SPP = U, pc = sepc', (p, spie) => {
      const t = hart().csr('mstatus', (p === Priv.S ? MStatus.SPP : 0) | (spie === 1 ? MStatus.SPIE : 0) | MStatus.SIE)
        .csr('sepc', DATA).priv(Priv.S).code('sret').run(1).expectPc(DATA).expectPriv(p);
      t.expectStatus(MStatus.SIE, spie === 1).expectStatus(MStatus.SPIE, true).expectStatus(MStatus.SPP, false);
    });

  it('clears MPRV (1.12: xRET to a mode other than M)', () => {
    hart().csr('mstatus', MStatus.SPP | MStatus.MPRV).csr('sepc', DATA).code('sret').run(1).expectStatus(MStatus.MPRV, false).expectPriv(Priv.S);
  });

  it('is legal in M-mode', () => {
    hart().csr('sepc', DATA).code('sret').run(1).expectPc(DATA).expectPriv(Priv.U).expectNoTrap();
  });

  it('is illegal in U-mode', () => {
    hart().priv(Priv.U).code('sret').run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('sret'), epc: CODE });
  });

  it('is illegal in S-mode when TSR = 1 (3.1.6.5), and legal in M-mode then', () => {
    hart().csr('mstatus', MStatus.TSR).priv(Priv.S).code('sret').run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('sret') });
    hart().csr('mstatus', MStatus.TSR).csr('sepc', DATA).code('sret').run(1).expectPc(DATA).expectNoTrap();
  });

  it('a delegated trap from U returns with sret', () => {
    hart().csr('medeleg', 1 << Exception.IllegalInstruction).priv(Priv.U).words(CODE, ILLEGAL).code('nop; li a0, 1', CODE + 4)
      .code('csrr t0, sepc; addi t0, t0, 4; csrw sepc, t0; sret', S_HANDLER)
      .run(1 + 4 + 2).expectPriv(Priv.U).expectReg('a0', 1).expectCsr('mcause', 0);
  });
});

describe('wfi (3.3.3)', () => {
  it('in M-mode: a VM exit before it retires; the monitor retires it', () => {
    hart().code('nop; wfi; nop').run(5, VmExit.Wfi).expectPc(CODE + 4).expectIcount(1).retire().expectPc(CODE + 8).expectIcount(2)
      .run(1).expectPc(CODE + 12);
  });

  it('in M-mode even with TW = 1', () => {
    hart().csr('mstatus', MStatus.TW).code('wfi').run(1, VmExit.Wfi);
  });

  it('in S-mode with TW = 0: a VM exit', () => {
    hart().priv(Priv.S).code('wfi').run(1, VmExit.Wfi).expectNoTrap();
  });

  it('in S-mode with TW = 1: illegal (the time limit is zero)', () => {
    hart().csr('mstatus', MStatus.TW).priv(Priv.S).code('wfi').run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('wfi'), epc: CODE });
  });

  it.each([0, MStatus.TW])('in U-mode: illegal (mstatus=%d)', (ms) => {
    hart().csr('mstatus', ms).priv(Priv.U).code('wfi').run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: word('wfi') });
  });
});

describe('ecall and ebreak are VM exits (the monitor decides)', () => {
  it('ecall stops run() with pc at the ecall and icount unchanged', () => {
    hart().code('li a0, 1; ecall; li a0, 2').run(100, VmExit.Ecall).expectPc(CODE + 4).expectIcount(1).expectReg('a0', 1);
  });

  it('the monitor may emulate an ecall and retire it', () => {
    hart().code('ecall; li a0, 2').run(1, VmExit.Ecall).retire().expectPc(CODE + 4).expectIcount(1).run(1).expectReg('a0', 2)
      .expectCsr('minstret', 2);
  });

  it('run() stops again at the same ecall if nothing completes it', () => {
    hart().code('ecall').run(1, VmExit.Ecall).run(1, VmExit.Ecall).expectIcount(0);
  });

  it('ebreak stops run() the same way', () => {
    hart().code('ebreak').run(3, VmExit.Ebreak).expectPc(CODE).expectIcount(0);
  });

  it('requestReturn() makes run() return Requested at the next boundary, without a step', () => {
    const t = hart().code('nop; nop');
    t.hart.requestReturn();
    t.run(2, VmExit.Requested).expectIcount(0).run(2).expectIcount(2);
  });

  it('a budget of zero returns before an ecall', () => {
    hart().code('ecall').run(0).expectIcount(0);
  });
});
