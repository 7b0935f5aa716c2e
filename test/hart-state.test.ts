/**
 * Hart state as plain data (STYLE rules 4 and 12): snapshot() copies the
 * architectural state, restore() reproduces execution exactly, and the
 * snapshot serializes to bytes deterministically.
 */
import { describe, expect, it } from 'vitest';
import { Hart, type HartSnapshot } from '../src/hart/hart.js';
import { MStatus, Mip } from '../src/hart/csr-bits.js';
import { Exception, Priv, VmExit } from '../src/hart/trap.js';
import { CODE, DATA, hart, M_HANDLER, RAM_BASE, RAM_SIZE, S_HANDLER, type HartRunner } from './support/hart-runner.js';

// ---------------------------------------------------------------- a deterministic byte form of HartSnapshot

/** Named fields in a fixed order; each is written as its name, a type tag, and little-endian bytes. */
const FIELDS = ['version', 'x', 'csr', 'pc', 'priv', 'icount', 'traps', 'reservation', 'lastTrapTarget', 'lastTrapStep'] as const;
const MAGIC = 'HART';

/** Serializes a snapshot: the magic, then per field its name, a tag ('i' int32 array, 'n' float64) and payload. */
function snapshotBytes(s: HartSnapshot): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode(MAGIC)];
  for (const name of FIELDS) {
    const v = s[name];
    const nameBytes = new TextEncoder().encode(name);
    parts.push(Uint8Array.of(nameBytes.length), nameBytes);
    if (v instanceof Int32Array) {
      const b = new Uint8Array(5 + v.length * 4);
      const view = new DataView(b.buffer);
      b[0] = 'i'.charCodeAt(0);
      view.setUint32(1, v.length, true);
      v.forEach((w, i) => view.setInt32(5 + 4 * i, w, true));
      parts.push(b);
    } else {
      const b = new Uint8Array(9);
      b[0] = 'n'.charCodeAt(0);
      new DataView(b.buffer).setFloat64(1, v, true); // icount can exceed 2^32; float64 is exact to 2^53
      parts.push(b);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function snapshotFromBytes(bytes: Uint8Array): HartSnapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder();
  if (dec.decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('not a hart snapshot');
  let o = 4;
  const fields: Record<string, number | Int32Array> = {};
  while (o < bytes.length) {
    const len = bytes[o++]!;
    const name = dec.decode(bytes.subarray(o, o + len));
    o += len;
    const tag = String.fromCharCode(bytes[o++]!);
    if (tag === 'i') {
      const n = view.getUint32(o, true);
      o += 4;
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt32(o + 4 * i, true);
      o += 4 * n;
      fields[name] = a;
    } else {
      fields[name] = view.getFloat64(o, true);
      o += 8;
    }
  }
  return fields as unknown as HartSnapshot;
}

// ---------------------------------------------------------------- a program that touches most of the state

/** S-mode with Sv32 off, traps delegated, an LR reservation, counters, a U-mode round trip and an interrupt. */
function busyProgram(): HartRunner {
  return hart()
    .csr('medeleg', 1 << Exception.IllegalInstruction).csr('mideleg', Mip.SSIP).csr('mie', Mip.SSIP | Mip.MTIP)
    .csr('mstatus', MStatus.SIE | (Priv.S << 11)).csr('mepc', CODE)
    .csr('mcounteren', -1).reg('s0', DATA).reg('sp', DATA + 0x800)
    .code(`
      li a0, 20
    loop:
      lw a1, 0(s0)
      add a1, a1, a0
      sw a1, 0(s0)
      amoadd.w a2, a0, (s0)
      lr.w a3, (s0)
      mul a4, a3, a0
      c.addi a0, -1
      bnez a0, loop
      csrr a5, cycle
      nop
    spin:
      j spin`)
    .words(CODE + 38, 0xffffffff) // over the nop: an illegal instruction, delegated to S
    .code(`
      csrr t0, scause
      bltz t0, irq
      csrr t0, sepc
      addi t0, t0, 4
      csrw sepc, t0
      csrsi sip, 2
      sret
    irq:
      csrci sip, 2
      sret`, S_HANDLER)
    .code('mret', M_HANDLER)
    .pc(M_HANDLER);
}

/** A second machine whose RAM is a copy of `t`'s and whose hart is restored from `t`'s snapshot. */
function cloneOf(t: HartRunner): HartRunner {
  const c = hart({ ramSize: RAM_SIZE });
  c.bytes(RAM_BASE, t.ram.read(RAM_BASE, RAM_SIZE));
  c.device.loadState(t.device.saveState());
  c.hart.restore(t.hart.snapshot());
  return c;
}

function expectSameState(a: HartRunner, b: HartRunner): void {
  expect(snapshotBytes(b.snapshot())).toEqual(snapshotBytes(a.snapshot()));
  expect(Buffer.from(b.ram.bytes).equals(Buffer.from(a.ram.bytes)), 'RAM').toBe(true);
}

describe('reset() (Privileged 3.4)', () => {
  it('enters M-mode at the reset vector with MIE and MPRV clear and the full misa', () => {
    const t = hart().csr('mstatus', MStatus.MIE | MStatus.MPRV | MStatus.SUM).priv(Priv.U).reg('a0', 3)
      .code('lr.w a1, (a2); nop').reg('a2', DATA).run(2);
    t.hart.reset(0x80001000);
    t.expectPriv(Priv.M).expectPc(0x80001000).expectIcount(0).expectReg('a0', 0)
      .expectStatus(MStatus.MIE | MStatus.MPRV, false).expectCsr('misa', 0x40141105);
    expect(t.hart.reservation).toBe(-1);
    expect(t.hart.traps).toBe(0);
    t.expectCsr('mcycle', 0).expectCsr('minstret', 0);
  });
});

describe('snapshot()', () => {
  it('is version 1 and holds x0..x31, the CSR slots and the scalars', () => {
    const s = hart().reg('a0', 5).snapshot();
    expect(s.version).toBe(1);
    expect(s.x).toHaveLength(32);
    expect(s.x[10]).toBe(5);
    expect(s.pc).toBe(CODE | 0);
    expect(s.priv).toBe(Priv.M);
    expect(s.reservation).toBe(-1);
  });

  it('is a copy: later execution does not change it', () => {
    const t = hart().code('li a0, 7; csrw mscratch, a0');
    const s = t.snapshot();
    const x = s.x.slice();
    const csr = s.csr.slice();
    t.run(2);
    expect(s.x).toEqual(x);
    expect(s.csr).toEqual(csr);
    expect(s.icount).toBe(0);
  });

  it('running the same program twice from reset gives equal snapshots', () => {
    const a = busyProgram().run(700);
    const b = busyProgram().run(700);
    expectSameState(a, b);
    expect(a.hart.traps, 'an illegal instruction and an S software interrupt').toBe(2);
    expect(a.csrValue('scause'), 'the last trap was the interrupt').toBe((0x80000000 | 1) | 0);
    a.expectPriv(Priv.S).expectMem32(DATA, 2 * (20 * 21) / 2);
  });
});

describe('restore()', () => {
  it.each([0, 1, 3, 50, 333, 601])('restoring into a fresh hart at step %d reproduces the rest of the run', (at) => {
    const original = busyProgram().run(at);
    const copy = cloneOf(original);
    expectSameState(original, copy);
    original.run(700 - at);
    copy.run(700 - at);
    expectSameState(original, copy);
  });

  it('rewinds the same hart: restore then re-run gives the same end state (seek)', () => {
    const t = busyProgram().run(200);
    const mid = t.snapshot();
    const ram = t.ram.read(RAM_BASE, RAM_SIZE);
    t.run(300);
    const end = snapshotBytes(t.snapshot());
    t.bytes(RAM_BASE, ram);
    t.hart.restore(mid);
    t.run(300);
    expect(snapshotBytes(t.snapshot())).toEqual(end);
  });

  it('keeps an LR reservation across a restore', () => {
    const t = hart().reg('a0', DATA).reg('a1', 9).code('lr.w a2, (a0); sc.w a3, a1, (a0)').run(1);
    cloneOf(t).run(1).expectReg('a3', 0).expectMem32(DATA, 9);
  });

  it('restores privilege and Sv32 state: translation works after restore', () => {
    const t = hart().map(0x00400000, CODE, 'rxa').map(0x40000000, DATA, 'rwa').sv32().priv(Priv.S).pc(0x00400000)
      .reg('a0', 0x40000000).mem32(DATA, 77).code('lw a1, 0(a0); lw a2, 0(a0)').run(1);
    cloneOf(t).run(1).expectReg('a2', 77).expectPriv(Priv.S).expectNoTrap();
  });

  it('restores instret and cycle (they derive from icount, traps and the counter bases)', () => {
    const t = hart().words(CODE, 0xffffffff).code('csrw mcycle, x0; nop; nop', M_HANDLER).run(3);
    const c = cloneOf(t);
    expect(c.csrValue('mcycle')).toBe(t.csrValue('mcycle'));
    expect(c.csrValue('minstret')).toBe(t.csrValue('minstret'));
  });

  it('restores a pending interrupt line (mip is state) and the interrupt is taken after restore', () => {
    const t = hart().csr('mie', Mip.MTIP).code('nop; nop').irq(Mip.MTIP).run(1).expectNoTrap();
    cloneOf(t).csr('mstatus', MStatus.MIE).run(1).expectTrap({ cause: (0x80000000 | 7) | 0, epc: CODE + 4 });
  });

  it('drops a pending host CSR request: run() re-executes the CSR instruction', () => {
    const t = hart().code('csrr a0, time').run(1, VmExit.HostCsr);
    const s = t.snapshot();
    t.hart.restore(s);
    expect(t.hart.hostCsr).toBeUndefined();
    t.run(1, VmExit.HostCsr).expectPc(CODE);
  });

  it('rejects an unknown snapshot version', () => {
    const s = hart().snapshot();
    expect(() => hart().hart.restore({ ...s, version: 2 as unknown as 1 })).toThrow(/version/);
  });

  it('invalidates decoded code: a restored hart runs what RAM holds now', () => {
    const t = hart().code('li a0, 1').run(1).expectReg('a0', 1);
    const s = t.snapshot();
    t.code('li a0, 2').hart.restore({ ...s, pc: CODE | 0 });
    t.run(1).expectReg('a0', 2);
  });

  it('a fresh Hart on the same Ram starts from reset, not from the old hart', () => {
    const t = hart().reg('a0', 5);
    const h = new Hart(t.bus);
    expect(h.x[10]).toBe(0);
    expect(h.pc).toBe(0);
  });
});

describe('snapshot serialization', () => {
  it('round-trips byte-identically through a fresh hart', () => {
    const t = busyProgram().run(437);
    const bytes = snapshotBytes(t.snapshot());
    const fresh = hart();
    fresh.hart.restore(snapshotFromBytes(bytes));
    expect(snapshotBytes(fresh.snapshot())).toEqual(bytes);
  });

  it('is deterministic: the same state gives the same bytes', () => {
    expect(snapshotBytes(busyProgram().run(123).snapshot())).toEqual(snapshotBytes(busyProgram().run(123).snapshot()));
  });

  it('differs when any field differs', () => {
    const base = busyProgram().run(10).snapshot();
    const b = snapshotBytes(base);
    const variants: HartSnapshot[] = [
      { ...base, pc: base.pc + 4 },
      { ...base, icount: base.icount + 1 },
      { ...base, traps: base.traps + 1 },
      { ...base, reservation: base.reservation + 4 },
      { ...base, priv: Priv.U },
      { ...base, x: Int32Array.from(base.x, (v, i) => (i === 31 ? v ^ 1 : v)) },
      { ...base, csr: Int32Array.from(base.csr, (v, i) => (i === 0 ? v ^ 1 : v)) },
    ];
    for (const v of variants) expect(snapshotBytes(v)).not.toEqual(b);
  });

  it('holds icount values above 2^32 exactly', () => {
    const s = { ...hart().snapshot(), icount: 2 ** 40 + 3 };
    expect(snapshotFromBytes(snapshotBytes(s)).icount).toBe(2 ** 40 + 3);
  });
});
