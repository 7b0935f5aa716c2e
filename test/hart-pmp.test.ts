/**
 * Physical memory protection (Privileged spec 1.12, 3.7): the CSRs' WARL
 * rules and locks, TOR/NA4/NAPOT matching, priority, the M-mode exemption,
 * and the checks on fetches, loads, stores, AMOs and page-table walks.
 * These runners start with every PMP entry OFF (`noPmp`), as after reset.
 */
import { describe, expect, it } from 'vitest';
import { MStatus } from '../src/hart/csr-bits.js';
import { Exception, Priv } from '../src/hart/trap.js';
import { CODE, DATA, hart, PMP_NAPOT, PT_ROOT, type HartRunner } from './support/hart-runner.js';

const R = 1, W = 2, X = 4, L = 0x80;
const TOR = 1 << 3, NA4 = 2 << 3, NAPOT = PMP_NAPOT;

/** pmpaddr of a naturally aligned power-of-two region (3.7.1, table 3.10). */
const napot = (base: number, size: number): number => ((base >>> 2) | ((size >>> 3) - 1)) | 0;

/** A runner with PMP entries OFF, plus entry `i` set (cfg byte, address) for each given entry. */
function pmp(entries: [number, number, number][] = []): HartRunner {
  const t = hart({ noPmp: true });
  const cfg = [0, 0, 0, 0];
  for (const [i, c, addr] of entries) {
    t.csr(0x3b0 + i, addr);
    cfg[i >>> 2]! |= c << (8 * (i & 3));
  }
  cfg.forEach((v, r) => t.csr(0x3a0 + r, v));
  return t;
}

/** Entry 0: the code page, executable. */
const CODE_X: [number, number, number] = [0, NAPOT | X, napot(CODE, 0x1000)];

describe('PMP CSRs (3.7.1)', () => {
  it('pmpcfg0 and pmpaddr0 hold values', () => {
    hart({ noPmp: true }).reg('a1', 0x1f).reg('a2', 0x12345678)
      .code('csrw pmpcfg0, a1; csrw pmpaddr0, a2; csrr a0, pmpcfg0; csrr a3, pmpaddr0').run(4)
      .expectRegs({ a0: 0x1f, a3: 0x12345678 });
  });

  it('pmpcfg4-15 and pmpaddr16-63 exist and read zero (entries 16-63 unimplemented)', () => {
    const csrs: [string, number][] = [['pmpcfg4', 0x3a4], ['pmpcfg15', 0x3af], ['pmpaddr16', 0x3c0], ['pmpaddr63', 0x3ef]];
    const trapped = csrs.filter(([, csr]) => {
      const t = hart().reg('a0', 5).reg('a1', -1).code(`csrw ${csr}, a1; csrr a0, ${csr}`).run(2);
      return t.hart.traps !== 0 || t.x('a0') !== 0;
    }).map(([name]) => name);
    expect(trapped, 'CSRs that trapped or did not read zero').toEqual([]);
  });

  it('are M-mode only', () => {
    hart().priv(Priv.S).code('csrr a0, pmpcfg0').run(1).expectTrap({ cause: Exception.IllegalInstruction });
  });

  it('W without R is reserved: it never reads back', () => {
    const t = hart({ noPmp: true }).reg('a1', NAPOT | W).code('csrw pmpcfg0, a1; csrr a0, pmpcfg0').run(2);
    expect(t.x('a0') & (R | W), 'R/W of entry 0').not.toBe(W);
  });

  it('a locked entry ignores writes to its pmpcfg byte and pmpaddr until reset', () => {
    pmp([[0, L | NAPOT | R, napot(DATA, 0x1000)]]).reg('a1', 0).reg('a2', 0x1234)
      .code('csrw pmpcfg0, a1; csrw pmpaddr0, a2; csrr a3, pmpcfg0; csrr a4, pmpaddr0').run(4)
      .expectRegs({ a3: L | NAPOT | R, a4: napot(DATA, 0x1000) });
  });

  it('a locked TOR entry also locks the address register below it', () => {
    pmp([[0, 0, DATA >>> 2], [1, L | TOR | R, (DATA + 0x1000) >>> 2]]).reg('a2', 0x1234)
      .code('csrw pmpaddr0, a2; csrr a4, pmpaddr0').run(2).expectReg('a4', DATA >>> 2);
  });
});

describe('PMP checks (3.7.1)', () => {
  it('with entries implemented but all OFF, S-mode cannot even fetch', () => {
    pmp().priv(Priv.S).code('nop').run(1).expectTrap({ cause: Exception.InstructionAccessFault, tval: CODE, epc: CODE });
  });

  it('with entries implemented but all OFF, M-mode is unrestricted', () => {
    pmp().mem32(DATA, 5).reg('a0', DATA).code('lw a1, 0(a0); sw a1, 4(a0)').run(2).expectReg('a1', 5).expectNoTrap();
  });

  it('S-mode fetches from an X region; a load outside every region faults', () => {
    pmp([CODE_X]).priv(Priv.S).reg('a0', DATA).code('nop; lw a1, 0(a0)').run(2)
      .expectTrap({ cause: Exception.LoadAccessFault, tval: DATA, epc: CODE + 4 });
  });

  it('X alone does not allow loads of the code', () => {
    pmp([CODE_X]).priv(Priv.U).reg('a0', CODE).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: CODE });
  });

  it.each([
    ['load from R', R, 'lw a1, 0(a0)', undefined],
    ['store to R', R, 'sw a1, 0(a0)', Exception.StoreAccessFault],
    ['store to RW', R | W, 'sw a1, 0(a0)', undefined],
    ['load from W-less X region', X, 'lw a1, 0(a0)', Exception.LoadAccessFault],
    ['AMO on R (needs W)', R, 'amoadd.w a1, a2, (a0)', Exception.StoreAccessFault],
    ['AMO on RW', R | W, 'amoadd.w a1, a2, (a0)', undefined],
    ['lr.w on R', R, 'lr.w a1, (a0)', undefined],
    ['sc.w on R', R, 'sc.w a1, a2, (a0)', Exception.StoreAccessFault],
  ] as const)('U-mode %s', (_, perms, src, cause) => {
    const t = pmp([CODE_X, [1, NAPOT | perms, napot(DATA, 0x1000)]]).priv(Priv.U).reg('a0', DATA + 8).code(src).run(1);
    if (cause === undefined) t.expectNoTrap();
    else t.expectTrap({ cause, tval: DATA + 8, epc: CODE });
  });

  it('the lowest-numbered matching entry decides, even if a later one would allow', () => {
    pmp([CODE_X, [1, NAPOT | R, napot(DATA, 0x1000)], [2, NAPOT | R | W | X, -1]]).priv(Priv.S).reg('a0', DATA)
      .code('sw a1, 0(a0)').run(1).expectTrap({ cause: Exception.StoreAccessFault, tval: DATA });
  });

  it('TOR matches [pmpaddr(i-1), pmpaddr(i)) and entry 0 starts at zero', () => {
    const t = () => pmp([CODE_X, [1, 0, DATA >>> 2], [2, TOR | R, (DATA + 0x100) >>> 2]]).priv(Priv.S);
    t().reg('a0', DATA + 0xfc).code('lw a1, 0(a0)').run(1).expectNoTrap();
    t().reg('a0', DATA + 0x100).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault });
    t().reg('a0', DATA - 4).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault });
  });

  it('NA4 matches exactly four bytes', () => {
    const t = () => pmp([CODE_X, [1, NA4 | R, (DATA + 8) >>> 2]]).priv(Priv.S);
    t().reg('a0', DATA + 8).code('lw a1, 0(a0)').run(1).expectNoTrap();
    t().reg('a0', DATA + 12).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault });
  });

  it('a misaligned access that leaves a region faults on the part outside it', () => {
    pmp([CODE_X, [1, NAPOT | R, napot(DATA, 0x1000)]]).priv(Priv.S).reg('a0', DATA + 0xffe).code('lw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.LoadAccessFault, tval: DATA + 0x1000, epc: CODE });
  });

  it('a locked entry applies to M-mode too', () => {
    pmp([[0, L | NAPOT | R, napot(DATA, 0x1000)]]).reg('a0', DATA).code('lw a1, 0(a0); sw a1, 0(a0)').run(2)
      .expectTrap({ cause: Exception.StoreAccessFault, tval: DATA, epc: CODE + 4 });
  });

  it('an unlocked entry does not restrict M-mode', () => {
    pmp([[0, NAPOT, napot(DATA, 0x1000)]]).reg('a0', DATA).code('sw a1, 0(a0)').run(1).expectNoTrap();
  });

  it('MPRV makes M-mode loads use the MPP privilege for PMP too', () => {
    pmp([[0, NAPOT | X, napot(DATA, 0x1000)]]).csr('mstatus', MStatus.MPRV | (Priv.S << 11)).reg('a0', DATA)
      .code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: DATA });
  });

  it('changing PMP takes effect at the next access (no stale permission in the TLB)', () => {
    pmp([CODE_X, [1, NAPOT | R | W, napot(DATA, 0x1000)]]).priv(Priv.S).reg('a0', DATA).code('lw a1, 0(a0); lw a1, 0(a0)').run(1)
      .csr('pmpcfg0', NAPOT | X) // entry 1 OFF now
      .run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: DATA, epc: CODE + 4 });
  });

  it('a region boundary inside a code page stops S-mode fetch exactly there', () => {
    pmp([[0, NAPOT | X, napot(CODE, 0x800)]]).priv(Priv.S).pc(CODE + 0x7f8).code('nop; c.nop; c.nop; nop', CODE + 0x7f8).run(4)
      .expectTrap({ cause: Exception.InstructionAccessFault, tval: CODE + 0x800, epc: CODE + 0x800 });
  });

  it('a 32-bit instruction straddling a region boundary inside a page faults', () => {
    pmp([[0, NAPOT | X, napot(CODE, 0x800)]]).priv(Priv.S).pc(CODE + 0x7fe).code('nop', CODE + 0x7fe).run(1)
      .expectTrap({ cause: Exception.InstructionAccessFault, epc: CODE + 0x7fe });
  });

  it('a region boundary inside a data page is checked on every access, not cached per page', () => {
    const t = pmp([CODE_X, [1, NAPOT | R, napot(DATA, 0x800)]]).priv(Priv.S).reg('a0', DATA + 0x7fc)
      .code('lw a1, 0(a0); lw a1, 0(a0); lw a1, 4(a0)').run(2).expectNoTrap();
    t.run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: DATA + 0x800, epc: CODE + 8 });
  });

  it('page-table walks are checked as S-mode reads', () => {
    pmp([[0, NAPOT | R | W | X, napot(CODE, 0x100000)], [1, NAPOT | R | W, napot(DATA, 0x1000)]])
      .map(0x00400000, CODE, 'rxa').map(0x40000000, DATA, 'rwa').sv32().priv(Priv.S).pc(0x00400000)
      .reg('a0', 0x40000000).code('lw a1, 0(a0)').run(1)
      // The tables at PT_ROOT lie outside both entries, so the walk for the very first fetch fails.
      .expectTrap({ cause: Exception.InstructionAccessFault, tval: 0x00400000, epc: 0x00400000 });
    expect(PT_ROOT).toBeGreaterThanOrEqual(CODE + 0x100000);
  });
});
