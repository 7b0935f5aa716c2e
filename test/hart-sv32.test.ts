/**
 * Sv32 virtual memory (Privileged spec 1.12, chapter 4.3; mstatus MPRV, SUM
 * and MXR in 3.1.6.3 and 4.1.1.2; sfence.vma in 4.2.1): translation with
 * 4 KiB pages and 4 MiB megapages, every page-fault kind, hardware A/D
 * updates, MPRV, and what the TLB may and may not remember.
 */
import { describe, expect, it } from 'vitest';
import { MStatus, Pte } from '../src/hart/csr-bits.js';
import { Exception, Priv } from '../src/hart/trap.js';
import { word } from './support/encode.js';
import {
  CODE, DATA, hart, hex, M_HANDLER, PT_ROOT, pteFlags, S_HANDLER, SATP_SV32, UNMAPPED, type HartRunner,
} from './support/hart-runner.js';

const VA_CODE = 0x00400000;
const VA_DATA = 0x40000000;
/** A page whose permissions each test chooses. */
const VA_X = 0x40010000;
const PA_X = DATA + 0x10000;

/** Sv32 on, running at `p` from VA_CODE (two code pages mapped onto CODE), handlers identity-mapped. */
function sv32(p: Priv, codeFlags = p === Priv.U ? 'rxau' : 'rxa'): HartRunner {
  return hart()
    .map(VA_CODE, CODE, codeFlags).map(VA_CODE + 0x1000, CODE + 0x1000, codeFlags)
    .map(S_HANDLER, S_HANDLER, 'rxa')
    .sv32().priv(p).pc(VA_CODE);
}

const pte = (t: HartRunner, va: number, superpage = false): number => t.peek32(t.pteAddress(va, superpage));

describe('translation (4.3.2)', () => {
  it('translates loads and stores through a 4 KiB page', () => {
    sv32(Priv.S).map(VA_DATA, DATA, 'rwa').mem32(DATA + 0x124, 0xcafe).reg('a0', VA_DATA).reg('a2', 77)
      .code('lw a1, 0x124(a0); sw a2, 0x128(a0)').run(2).expectReg('a1', 0xcafe).expectMem32(DATA + 0x128, 77).expectNoTrap();
  });

  it('fetches through the code mapping: pc is virtual, auipc sees it', () => {
    sv32(Priv.S).code('auipc a0, 0').run(1).expectReg('a0', VA_CODE).expectPc(VA_CODE + 4);
  });

  it('two virtual pages can alias one physical page', () => {
    sv32(Priv.S).map(VA_DATA, DATA, 'rwa').map(VA_DATA + 0x5000, DATA, 'rwa').reg('a0', VA_DATA).reg('a1', VA_DATA + 0x5000).reg('a2', 9)
      .code('sw a2, 8(a0); lw a3, 8(a1)').run(2).expectReg('a3', 9);
  });

  it('translates through a 4 MiB megapage', () => {
    sv32(Priv.S).map(0xc0000000, 0x80000000, 'rwa', { superpage: true }).mem32(DATA + 0x10, 0x5151).reg('a0', 0xc0000000 + (DATA - 0x80000000))
      .code('lw a1, 0x10(a0)').run(1).expectReg('a1', 0x5151);
  });

  it('fetches from a megapage', () => {
    hart().map(0x00c00000, 0x80000000, 'rxa', { superpage: true }).sv32().priv(Priv.S).pc(0x00c00000 + 0x1234)
      .code('li a0, 3', CODE + 0x1234).run(1).expectReg('a0', 3);
  });

  it('a megapage whose PPN[0] is not zero is a misaligned superpage: page fault', () => {
    sv32(Priv.S).map(0xc0000000, 0x80001000, 'rwa', { superpage: true }).reg('a0', 0xc0000000)
      .code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadPageFault, tval: 0xc0000000, epc: VA_CODE });
  });

  it('with satp.MODE = Bare, S-mode addresses are physical', () => {
    hart().priv(Priv.S).mem32(DATA, 42).reg('a0', DATA).code('lw a1, 0(a0)').run(1).expectReg('a1', 42);
  });

  it('M-mode ignores satp', () => {
    hart().sv32().mem32(DATA, 42).reg('a0', DATA).code('lw a1, 0(a0)').run(1).expectReg('a1', 42).expectNoTrap();
  });

  it('U-mode runs from U pages', () => {
    sv32(Priv.U).map(VA_DATA, DATA, 'rwau').mem32(DATA, 5).reg('a0', VA_DATA).code('lw a1, 0(a0); sw a1, 4(a0)').run(2)
      .expectReg('a1', 5).expectMem32(DATA + 4, 5).expectNoTrap();
  });

  it('the page-table walk faults when a PTE is not in memory: access fault of the original kind', () => {
    sv32(Priv.S).mem32(PT_ROOT + ((VA_DATA >>> 22) << 2), (((UNMAPPED >>> 12) << 10) | Pte.V) | 0).reg('a0', VA_DATA)
      .code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: VA_DATA, epc: VA_CODE });
    hart().csr('satp', SATP_SV32 | (UNMAPPED >>> 12)).priv(Priv.S).pc(VA_CODE).run(1)
      .expectTrap({ cause: Exception.InstructionAccessFault, tval: VA_CODE, epc: VA_CODE });
  });

  it('a leaf pointing at nothing gives an access fault with the virtual address', () => {
    sv32(Priv.S).map(VA_DATA, UNMAPPED, 'rwa').reg('a0', VA_DATA).code('sw a1, 12(a0)').run(1)
      .expectTrap({ cause: Exception.StoreAccessFault, tval: VA_DATA + 12 });
  });
});

describe('page faults (4.3.2 steps 3-6)', () => {
  type Kind = 'load' | 'store' | 'fetch' | 'amo' | 'lr' | 'sc';
  const CAUSE: Record<Kind, Exception> = {
    load: Exception.LoadPageFault, lr: Exception.LoadPageFault, fetch: Exception.InstructionPageFault,
    store: Exception.StorePageFault, amo: Exception.StorePageFault, sc: Exception.StorePageFault,
  };
  const SRC: Record<Exclude<Kind, 'fetch'>, string> = {
    load: 'lw a1, 0(a0)', store: 'sw a1, 0(a0)', amo: 'amoadd.w a1, a2, (a0)', lr: 'lr.w a1, (a0)', sc: 'sc.w a1, a2, (a0)',
  };

  /** Performs one access of `kind` at VA_X (mapped with `flags`) from `priv`, with extra mstatus bits. */
  function access(p: Priv, flags: string | number, kind: Kind, status = 0, raw = false): HartRunner {
    const t = sv32(p).map(VA_X, PA_X, flags, { raw }).csr('mstatus', status).priv(p).reg('a0', VA_X).reg('a2', 1);
    if (kind === 'fetch') return t.code('jalr x0, 0(a0)').code('li a3, 1', PA_X).run(2);
    return t.code(SRC[kind]).run(1);
  }

  function expectFault(t: HartRunner, kind: Kind): void {
    t.expectTrap({ cause: CAUSE[kind], tval: VA_X, epc: kind === 'fetch' ? VA_X : VA_CODE });
  }

  function expectOk(t: HartRunner, kind: Kind): void {
    t.expectNoTrap();
    if (kind === 'fetch') t.expectReg('a3', 1);
  }

  // [description, priv, PTE letters (A and D pre-set), access, extra mstatus, faults?]
  const S = Priv.S, U = Priv.U;
  const cases: [string, Priv, string, Kind, number, boolean][] = [
    ['read-only: load', S, 'rad', 'load', 0, false],
    ['read-only: store', S, 'rad', 'store', 0, true],
    ['read-only: AMO', S, 'rad', 'amo', 0, true],
    ['read-only: lr.w', S, 'rad', 'lr', 0, false],
    ['read-only: sc.w', S, 'rad', 'sc', 0, true],
    ['read-only: fetch', S, 'rad', 'fetch', 0, true],
    ['read-write: load', S, 'rwad', 'load', 0, false],
    ['read-write: store', S, 'rwad', 'store', 0, false],
    ['read-write: AMO', S, 'rwad', 'amo', 0, false],
    ['read-write: fetch', S, 'rwad', 'fetch', 0, true],
    ['read-execute: fetch', S, 'rxad', 'fetch', 0, false],
    ['read-execute: store', S, 'rxad', 'store', 0, true],
    ['execute-only: fetch', S, 'xad', 'fetch', 0, false],
    ['execute-only: load', S, 'xad', 'load', 0, true],
    ['execute-only: load with MXR', S, 'xad', 'load', MStatus.MXR, false],
    ['execute-only: lr.w with MXR', S, 'xad', 'lr', MStatus.MXR, false],
    ['execute-only: store with MXR', S, 'xad', 'store', MStatus.MXR, true],
    ['read-write-execute: all three', S, 'rwxad', 'fetch', 0, false],
    ['W without R (reserved): load', S, 'wad', 'load', 0, true],
    ['W without R (reserved): store', S, 'wad', 'store', 0, true],
    ['W|X without R (reserved): fetch', S, 'wxad', 'fetch', 0, true],
    ['U page from U: load', U, 'rwxuad', 'load', 0, false],
    ['U page from U: store', U, 'rwxuad', 'store', 0, false],
    ['U page from U: fetch', U, 'rwxuad', 'fetch', 0, false],
    ['S page from U: load', U, 'rwxad', 'load', 0, true],
    ['S page from U: store', U, 'rwxad', 'store', 0, true],
    ['S page from U: fetch', U, 'rwxad', 'fetch', 0, true],
    ['U page from S, SUM=0: load', S, 'rwxuad', 'load', 0, true],
    ['U page from S, SUM=0: store', S, 'rwxuad', 'store', 0, true],
    ['U page from S, SUM=1: load', S, 'rwxuad', 'load', MStatus.SUM, false],
    ['U page from S, SUM=1: store', S, 'rwxuad', 'store', MStatus.SUM, false],
    ['U page from S, SUM=1: AMO', S, 'rwxuad', 'amo', MStatus.SUM, false],
    ['U page from S: fetch faults even with SUM=1', S, 'rwxuad', 'fetch', MStatus.SUM, true],
    ['U execute-only page from S with SUM and MXR: load', S, 'xuad', 'load', MStatus.SUM | MStatus.MXR, false],
    ['U execute-only page from U with MXR: load', U, 'xuad', 'load', MStatus.MXR, false],
    ['U execute-only page from U without MXR: load', U, 'xuad', 'load', 0, true],
  ];

  it.each(cases)('%s', (_, p, flags, kind, status, faults) => {
    const t = access(p, flags, kind, status);
    if (faults) expectFault(t, kind);
    else expectOk(t, kind);
  });

  it.each(['load', 'store', 'fetch', 'amo'] as const)('an invalid PTE (V = 0) faults on %s, whatever its other bits', (kind) => {
    expectFault(access(Priv.S, pteFlags('rwxad'), kind, 0, true), kind);
  });

  it('a pointer PTE at level 0 is a page fault (no more levels)', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rwad').reg('a0', VA_X);
    t.mem32(t.pteAddress(VA_X), (((PT_ROOT >>> 12) << 10) | Pte.V) | 0); // a non-leaf where a leaf must be
    t.code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadPageFault, tval: VA_X });
  });

  it('an unmapped level-1 entry is a page fault', () => {
    sv32(Priv.S).reg('a0', 0x7fc00000).code('sw a1, 0(a0)').run(1).expectTrap({ cause: Exception.StorePageFault, tval: 0x7fc00000 });
  });

  it('page faults can be delegated to S', () => {
    sv32(Priv.U).csr('medeleg', 1 << Exception.LoadPageFault).reg('a0', VA_X).code('lw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.LoadPageFault, tval: VA_X, epc: VA_CODE, mode: Priv.S });
  });

  it('a faulting store changes neither memory nor the PTE', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'ra').mem32(PA_X, 1).reg('a0', VA_X).reg('a1', 2).code('sw a1, 0(a0)').run(1);
    t.expectTrap({ cause: Exception.StorePageFault }).expectMem32(PA_X, 1);
    expect(hex(pte(t, VA_X))).toBe(hex(((PA_X >>> 12) << 10) | pteFlags('vra')));
  });
});

describe('A and D are set by hardware (4.3.1, 4.3.2 step 7)', () => {
  const leaf = (flags: string) => hex(((PA_X >>> 12) << 10) | pteFlags(`v${flags}`));

  it('a load sets A only', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw').reg('a0', VA_X).code('lw a1, 0(a0)').run(1).expectNoTrap();
    expect(hex(pte(t, VA_X))).toBe(leaf('rwa'));
  });

  it('a store sets A and D', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw').reg('a0', VA_X).code('sb a1, 3(a0)').run(1).expectNoTrap();
    expect(hex(pte(t, VA_X))).toBe(leaf('rwad'));
  });

  it('a load then a store to the same page sets D on the store (the TLB does not hide it)', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw').reg('a0', VA_X).code('lw a1, 0(a0); lw a1, 4(a0)').run(2);
    expect(hex(pte(t, VA_X))).toBe(leaf('rwa'));
    t.code('sw a1, 8(a0)', CODE + 8).run(1);
    expect(hex(pte(t, VA_X))).toBe(leaf('rwad'));
  });

  it('an AMO sets A and D', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw').reg('a0', VA_X).code('amoor.w a1, a2, (a0)').run(1).expectNoTrap();
    expect(hex(pte(t, VA_X))).toBe(leaf('rwad'));
  });

  it('a fetch sets A on the code page', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rx').reg('a0', VA_X).code('jalr x0, 0(a0)').code('nop', PA_X).run(2).expectNoTrap();
    expect(hex(pte(t, VA_X))).toBe(leaf('rxa'));
    expect(pte(t, VA_CODE) & Pte.A).toBe(Pte.A);
  });

  it('A and D already set are left alone (and G, U survive)', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rwgad').reg('a0', VA_X).code('sw a1, 0(a0)').run(1);
    expect(hex(pte(t, VA_X))).toBe(leaf('rwgad'));
  });

  it('a megapage PTE gets A and D', () => {
    const t = sv32(Priv.S).map(0xc0000000, 0x80000000, 'rw', { superpage: true }).reg('a0', 0xc0000000 + 0x100000)
      .code('sw a1, 0(a0)').run(1).expectNoTrap();
    expect(pte(t, 0xc0000000, true) & (Pte.A | Pte.D)).toBe(Pte.A | Pte.D);
  });

  it('non-leaf PTEs are not modified', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw').reg('a0', VA_X);
    const l1 = pte(t, VA_X, true);
    t.code('sw a1, 0(a0)').run(1);
    expect(hex(pte(t, VA_X, true))).toBe(hex(l1));
  });
});

describe('MPRV (3.1.6.3)', () => {
  const mprv = (mpp: Priv, extra = 0) => hart().map(VA_DATA, DATA, 'rwad').map(VA_X, PA_X, 'rwuad').sv32()
    .csr('mstatus', MStatus.MPRV | (mpp << 11) | extra).mem32(DATA, 11).mem32(PA_X, 22);

  it('MPP = S: M-mode loads and stores are translated; fetches are not', () => {
    mprv(Priv.S).reg('a0', VA_DATA).reg('a2', 5).code('lw a1, 0(a0); sw a2, 4(a0)').run(2)
      .expectReg('a1', 11).expectMem32(DATA + 4, 5).expectPc(CODE + 8).expectNoTrap();
  });

  it('MPP = U: a non-U page faults, into M-mode', () => {
    mprv(Priv.U).reg('a0', VA_DATA).code('lw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.LoadPageFault, tval: VA_DATA, epc: CODE });
  });

  it('MPP = U: a U page is accessible', () => {
    mprv(Priv.U).reg('a0', VA_X).code('lw a1, 0(a0)').run(1).expectReg('a1', 22);
  });

  it('MPP = S: SUM applies to U pages', () => {
    mprv(Priv.S).reg('a0', VA_X).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadPageFault, tval: VA_X });
    mprv(Priv.S, MStatus.SUM).reg('a0', VA_X).code('lw a1, 0(a0)').run(1).expectReg('a1', 22);
  });

  it('MPP = M: physical, as without MPRV', () => {
    mprv(Priv.M).reg('a0', DATA).code('lw a1, 0(a0)').run(1).expectReg('a1', 11);
  });

  it('applies to AMOs and LR/SC', () => {
    mprv(Priv.S).reg('a0', VA_DATA).reg('a2', 1).code('amoadd.w a1, a2, (a0); lr.w a3, (a0); sc.w a4, a2, (a0)').run(3)
      .expectRegs({ a1: 11, a3: 12, a4: 0 }).expectMem32(DATA, 1);
  });

  it('clearing MPRV takes effect at the next access', () => {
    mprv(Priv.S).reg('a0', VA_DATA).reg('a5', MStatus.MPRV).code('lw a1, 0(a0); csrc mstatus, a5; lw a2, 0(a0)').run(3)
      .expectTrap({ cause: Exception.LoadAccessFault, tval: VA_DATA, epc: CODE + 8 }).expectReg('a1', 11);
  });
});

describe('sfence.vma and what the TLB may remember (4.2.1)', () => {
  const cached = () => sv32(Priv.S).map(VA_DATA, DATA, 'rwad').mem32(DATA, 1).mem32(DATA + 0x1000, 2).reg('a0', VA_DATA)
    .code('lw a1, 0(a0); lw a2, 0(a0); sfence.vma; lw a3, 0(a0)').run(1).expectReg('a1', 1);

  it('a changed PTE is used after sfence.vma; before it, old or new are both allowed', () => {
    const t = cached().map(VA_DATA, DATA + 0x1000, 'rwad').run(1);
    expect([1, 2], 'a stale translation or the new one').toContain(t.x('a2'));
    t.run(2).expectReg('a3', 2);
  });

  it('an invalidated PTE faults after sfence.vma', () => {
    const t = cached();
    t.mem32(t.pteAddress(VA_DATA), 0).run(1).run(2)
      .expectTrap({ cause: Exception.LoadPageFault, tval: VA_DATA, epc: VA_CODE + 12 });
  });

  it('removing W faults the next store after sfence.vma', () => {
    sv32(Priv.S).map(VA_DATA, DATA, 'rwad').reg('a0', VA_DATA).code('sw a1, 0(a0); sfence.vma; sw a1, 0(a0)').run(1)
      .map(VA_DATA, DATA, 'rad').run(2).expectTrap({ cause: Exception.StorePageFault, tval: VA_DATA, epc: VA_CODE + 8 });
  });

  it('sfence.vma with an address operand flushes that address', () => {
    const t = sv32(Priv.S).map(VA_DATA, DATA, 'rwad').mem32(DATA, 1).mem32(DATA + 0x1000, 2).reg('a0', VA_DATA)
      .code('lw a1, 0(a0); sfence.vma a0, x0; lw a3, 0(a0)').run(1).map(VA_DATA, DATA + 0x1000, 'rwad').run(2);
    t.expectReg('a3', 2);
  });

  it('switching satp to other tables with sfence.vma uses the new tables', () => {
    const t = sv32(Priv.S).map(VA_DATA, DATA, 'rwad').mem32(DATA, 1).mem32(DATA + 0x1000, 2);
    // A second root: a copy of the first, with VA_DATA remapped.
    const root2 = PT_ROOT + 0x10000;
    t.bytes(root2, t.ram.read(PT_ROOT, 0x1000));
    const l0copy = root2 + 0x1000;
    const l1 = (VA_DATA >>> 22) << 2;
    t.bytes(l0copy, t.ram.read(((t.peek32(PT_ROOT + l1) >>> 10) << 12) >>> 0, 0x1000));
    t.mem32(root2 + l1, (((l0copy >>> 12) << 10) | Pte.V) | 0);
    t.mem32(l0copy + (((VA_DATA >>> 12) & 0x3ff) << 2), (((DATA + 0x1000) >>> 12) << 10) | pteFlags('vrwad'));
    t.reg('a0', VA_DATA).reg('a4', SATP_SV32 | (root2 >>> 12))
      .code('lw a1, 0(a0); csrw satp, a4; sfence.vma; lw a2, 0(a0)').run(4).expectRegs({ a1: 1, a2: 2 });
  });

  it('remapping the page of the running code takes effect after sfence.vma', () => {
    // The same sfence.vma sits at the same offset of both physical pages, so either may execute it.
    sv32(Priv.S).code('sfence.vma; li a0, 1').code('sfence.vma; li a0, 2', CODE + 0x3000).run(0)
      .map(VA_CODE, CODE + 0x3000, 'rxa').run(2).expectReg('a0', 2).expectPc(VA_CODE + 8);
  });

  it('changes to SUM take effect without sfence.vma (4.1.1.2)', () => {
    sv32(Priv.S).map(VA_X, PA_X, 'rwuad').csr('mstatus', MStatus.SUM).reg('a0', VA_X).reg('a5', MStatus.SUM)
      .code('lw a1, 0(a0); csrc sstatus, a5; lw a2, 0(a0)').run(3).expectTrap({ cause: Exception.LoadPageFault, tval: VA_X, epc: VA_CODE + 8 });
  });

  it('changes to MXR take effect without sfence.vma', () => {
    sv32(Priv.S).map(VA_X, PA_X, 'xad').csr('mstatus', MStatus.MXR).reg('a0', VA_X).reg('a5', MStatus.MXR)
      .code('lw a1, 0(a0); csrc sstatus, a5; lw a2, 0(a0)').run(3).expectTrap({ cause: Exception.LoadPageFault, tval: VA_X, epc: VA_CODE + 8 });
  });

  it('a translation cached in S-mode is not reused by U-mode for an S page', () => {
    const t = sv32(Priv.S).map(VA_DATA, DATA, 'rwad').map(VA_X, PA_X, 'rxuad').reg('a0', VA_DATA)
      .csr('sepc', VA_X).code('lw a1, 0(a0); sret').code('lw a2, 0(a0)', PA_X);
    t.run(3).expectTrap({ cause: Exception.LoadPageFault, tval: VA_DATA, epc: VA_X });
  });

  it('a fetch translation cached in S-mode is not reused by U-mode for an S page', () => {
    sv32(Priv.S).csr('sepc', VA_CODE + 0x100).code('sret').run(2)
      .expectTrap({ cause: Exception.InstructionPageFault, tval: VA_CODE + 0x100, epc: VA_CODE + 0x100 });
  });
});

describe('accesses that cross a page boundary (misaligned, emulated)', () => {
  /** VA_DATA and the next virtual page map to physical pages in the opposite order. */
  const split = () => sv32(Priv.S).map(VA_DATA, DATA + 0x3000, 'rw').map(VA_DATA + 0x1000, DATA + 0x1000, 'rw')
    .bytes(DATA + 0x3ffe, [0x11, 0x22]).bytes(DATA + 0x1000, [0x33, 0x44]).reg('a0', VA_DATA + 0xffe);

  it('a load reads each part through its own translation', () => {
    split().code('lw a1, 0(a0)').run(1).expectReg('a1', 0x44332211).expectNoTrap();
  });

  it('a store writes each part through its own translation and dirties both pages', () => {
    const t = split().reg('a1', 0xaabbccdd).code('sw a1, 0(a0)').run(1).expectNoTrap()
      .expectBytes(DATA + 0x3ffe, [0xdd, 0xcc]).expectBytes(DATA + 0x1000, [0xbb, 0xaa]);
    expect(pte(t, VA_DATA) & Pte.D).toBe(Pte.D);
    expect(pte(t, VA_DATA + 0x1000) & Pte.D).toBe(Pte.D);
  });

  it('a load whose second page is unmapped faults with tval = the address of the faulting part (3.1.16)', () => {
    sv32(Priv.S).map(VA_DATA, DATA, 'rwad').reg('a0', VA_DATA + 0xffe).code('lw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.LoadPageFault, tval: VA_DATA + 0x1000, epc: VA_CODE });
  });

  it('a store whose second page is read-only faults and leaves the first page unwritten', () => {
    sv32(Priv.S).map(VA_DATA, DATA, 'rwad').map(VA_DATA + 0x1000, DATA + 0x1000, 'rad').mem32(DATA + 0xffc, 0x01010101)
      .reg('a0', VA_DATA + 0xffe).reg('a1', -1).code('sw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.StorePageFault, tval: VA_DATA + 0x1000 }).expectMem32(DATA + 0xffc, 0x01010101);
  });

  it('a 32-bit instruction straddling two virtual pages is fetched through both translations', () => {
    const li = word('li a0, 1234');
    hart().map(VA_CODE, CODE, 'rxa').map(VA_CODE + 0x1000, CODE + 0x5000, 'rxa').sv32().priv(Priv.S).pc(VA_CODE + 0xffe)
      .mem16(CODE + 0xffe, li & 0xffff).mem16(CODE + 0x5000, li >>> 16).run(1).expectReg('a0', 1234).expectPc(VA_CODE + 0x1002);
  });

  it('when the second half is on an unmapped page: instruction page fault, epc = start, tval = the second page', () => {
    hart().map(VA_CODE, CODE, 'rxa').sv32().priv(Priv.S).pc(VA_CODE + 0xffe).code('li a0, 1234', CODE + 0xffe).run(1)
      .expectTrap({ cause: Exception.InstructionPageFault, epc: VA_CODE + 0xffe, tval: VA_CODE + 0x1000 });
  });
});

describe('code and virtual memory', () => {
  // The hart may keep using a stale fetch translation (4.2.1), so here it executes `csrr a0, mstatus` from the
  // old page, which is illegal in S. mtval must then hold that instruction (3.1.16: "the actual faulting
  // instruction"), not whatever a fresh walk finds at the same virtual address now.
  it('illegal-instruction tval is the instruction that ran, even through a stale translation', () => {
    const t = hart().map(VA_CODE, CODE, 'rxa').sv32().priv(Priv.S).pc(VA_CODE)
      .code('nop; csrr a0, mstatus').code('nop; nop', CODE + 0x3000).run(1);
    t.map(VA_CODE, CODE + 0x3000, 'rxa').run(1); // remapped without sfence.vma
    if (t.csrValue('mcause') === Exception.IllegalInstruction) {
      t.expectTrap({ cause: Exception.IllegalInstruction, epc: VA_CODE + 4, tval: word('csrr a0, mstatus') });
    } else {
      t.expectNoTrap(); // it used the new translation and ran the nop: also allowed
    }
  });


  it('a store through a data alias of a code page changes what the code page executes', () => {
    sv32(Priv.S).map(VA_DATA, CODE, 'rwad').reg('a0', VA_DATA + 8).reg('a1', word('li a2, 7'))
      .code('sw a1, 0(a0); nop; li a2, 1').run(3).expectReg('a2', 7);
  });

  it('an S-mode trap handler runs from stvec, a virtual address', () => {
    sv32(Priv.U).csr('medeleg', 1 << Exception.IllegalInstruction).words(CODE, 0xffffffff).code('li a0, 9', S_HANDLER).run(2)
      .expectReg('a0', 9).expectPriv(Priv.S);
  });

  it('mret into S-mode at a virtual address', () => {
    hart().map(VA_CODE, CODE, 'rxa').sv32().csr('mstatus', 1 << 11).csr('mepc', VA_CODE).code('li a0, 5').code('mret', M_HANDLER)
      .pc(M_HANDLER).run(2).expectReg('a0', 5).expectPriv(Priv.S).expectPc(VA_CODE + 4);
  });
});

describe('debugger translation (translateForDebugger) has no side effects', () => {
  it('translates like a load, without setting A', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rw');
    expect(t.hart.translateForDebugger(VA_X + 0x10)).toBe(PA_X + 0x10);
    expect(pte(t, VA_X) & Pte.A).toBe(0);
  });

  it('returns undefined where an access would fault, without trapping', () => {
    const t = sv32(Priv.S);
    expect(t.hart.translateForDebugger(VA_X)).toBeUndefined();
    t.expectNoTrap().expectPc(VA_CODE);
  });

  it('uses the fetch permission when asked for an instruction address', () => {
    const t = sv32(Priv.S).map(VA_X, PA_X, 'rwa');
    expect(t.hart.translateForDebugger(VA_X, true)).toBeUndefined();
    expect(t.hart.translateForDebugger(VA_CODE, true)).toBe(CODE);
  });

  it('follows MPRV for data, like the hart', () => {
    const t = hart().map(VA_DATA, DATA, 'rwa').sv32().csr('mstatus', MStatus.MPRV | (Priv.S << 11));
    expect(t.hart.translateForDebugger(VA_DATA)).toBe(DATA);
  });

  it('mnemonicAt reads through the fetch translation', () => {
    const t = sv32(Priv.S).code('mul a0, a1, a2');
    expect(t.hart.mnemonicAt(VA_CODE)).toBe('mul');
    expect(t.hart.mnemonicAt(VA_X)).toBeUndefined();
  });
});
