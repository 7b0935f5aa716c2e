/**
 * The A extension (Unprivileged spec 20191213, chapter 8): LR/SC
 * reservations, every AMO, and the misaligned and faulting cases.
 */
import { describe, expect, it } from 'vitest';
import { Exception } from '../src/hart/trap.js';
import { word } from './support/encode.js';
import { CODE, DATA, DEVICE, hart, M_HANDLER, UNMAPPED } from './support/hart-runner.js';

const MIN = -0x80000000;
const MAX = 0x7fffffff;

describe('LR/SC (8.2)', () => {
  const pair = () => hart().reg('a0', DATA).reg('a1', 0x1234).mem32(DATA, 77);

  it('sc.w succeeds after lr.w to the same address: rd = 0 and the store happens', () => {
    pair().code('lr.w a2, (a0); sc.w a3, a1, (a0)').run(2).expectRegs({ a2: 77, a3: 0 }).expectMem32(DATA, 0x1234);
  });

  it('sc.w fails without a reservation: rd = 1 (nonzero) and memory is unchanged', () => {
    pair().code('sc.w a3, a1, (a0)').run(1).expectReg('a3', 1).expectMem32(DATA, 77);
  });

  it('sc.w to another address fails, and clears the reservation', () => {
    pair().reg('a4', DATA + 4).code('lr.w a2, (a0); sc.w a3, a1, (a4); sc.w a5, a1, (a0)').run(3)
      .expectRegs({ a3: 1, a5: 1 }).expectMem32(DATA, 77).expectMem32(DATA + 4, 0);
  });

  it('a second sc.w fails: every sc.w clears the reservation', () => {
    pair().reg('a4', 99).code('lr.w a2, (a0); sc.w a3, a1, (a0); sc.w a5, a4, (a0)').run(3)
      .expectRegs({ a3: 0, a5: 1 }).expectMem32(DATA, 0x1234);
  });

  it('the most recent lr.w wins', () => {
    pair().reg('a4', DATA + 8).code('lr.w a2, (a0); lr.w a2, (a4); sc.w a3, a1, (a0)').run(3).expectReg('a3', 1).expectMem32(DATA, 77);
    pair().reg('a4', DATA + 8).code('lr.w a2, (a4); lr.w a2, (a0); sc.w a3, a1, (a0)').run(3).expectReg('a3', 0);
  });

  it('sc.w fails after a trap was taken between lr.w and sc.w', () => {
    // lr.w; an illegal instruction traps to a handler that skips it with mret; then sc.w.
    pair().code('lr.w a2, (a0); nop; sc.w a3, a1, (a0)')
      .words(CODE + 4, 0xffffffff)
      .code('csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0; mret', M_HANDLER)
      .run(1 + 1 + 4 + 1).expectPc(CODE + 12).expectReg('a3', 1).expectMem32(DATA, 77);
  });

  it('sc.w fails after an mret between lr.w and sc.w', () => {
    pair().reg('t0', CODE + 8).code('lr.w a2, (a0); mret; sc.w a3, a1, (a0)').csr('mstatus', 3 << 11).csr('mepc', CODE + 8)
      .run(3).expectReg('a3', 1).expectMem32(DATA, 77);
  });

  it('lr.w and sc.w with aq/rl bits behave the same', () => {
    pair().code('lr.w.aqrl a2, (a0); sc.w.rl a3, a1, (a0)').run(2).expectRegs({ a2: 77, a3: 0 }).expectMem32(DATA, 0x1234);
  });

  it('sc.w with rd = rs2 stores the old rs2 value', () => {
    pair().code('lr.w a2, (a0); sc.w a1, a1, (a0)').run(2).expectReg('a1', 0).expectMem32(DATA, 0x1234);
  });

  it('a retry loop completes (atomic increment)', () => {
    pair().code(`
    retry:
      lr.w t0, (a0)
      addi t0, t0, 1
      sc.w t1, t0, (a0)
      bnez t1, retry`).run(4).expectMem32(DATA, 78).expectReg('t1', 0);
  });
});

describe('AMOs (8.4)', () => {
  // [mnemonic, memory before, rs2, memory after]; rd always gets the old value.
  const cases: [string, number, number, number][] = [
    ['amoswap.w', 5, -9, -9],
    ['amoadd.w', 5, -9, -4],
    ['amoadd.w', MAX, 1, MIN],
    ['amoxor.w', 0x0ff0, 0x00ff, 0x0f0f],
    ['amoand.w', 0x0ff0, 0x00ff, 0x00f0],
    ['amoor.w', 0x0ff0, 0x00ff, 0x0fff],
    ['amomin.w', 5, -9, -9],
    ['amomin.w', -9, 5, -9],
    ['amomin.w', MIN, MAX, MIN],
    ['amomax.w', 5, -9, 5],
    ['amomax.w', -9, 5, 5],
    ['amomax.w', MIN, MAX, MAX],
    ['amominu.w', 5, -9, 5], // -9 is 0xfffffff7 unsigned
    ['amominu.w', -9, 5, 5],
    ['amominu.w', MIN, MAX, MAX],
    ['amomaxu.w', 5, -9, -9],
    ['amomaxu.w', -9, 5, -9],
    ['amomaxu.w', MIN, MAX, MIN],
    ['amomin.w', 7, 7, 7],
    ['amomaxu.w', 0, 0, 0],
  ];

  it.each(cases)('%s mem=%d rs2=%d -> mem=%d', (op, before, operand, after) => {
    hart().reg('a0', DATA).reg('a1', operand).mem32(DATA, before)
      .code(`${op} a2, a1, (a0)`).run(1).expectReg('a2', before).expectMem32(DATA, after).expectPc(CODE + 4);
  });

  it.each(['amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w', 'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w'])(
    '%s with aq, rl and aqrl executes the same', (op) => {
      for (const suffix of ['.aq', '.rl', '.aqrl']) {
        hart().reg('a0', DATA).reg('a1', 3).mem32(DATA, 12).code(`${op}${suffix} a2, a1, (a0)`).run(1)
          .expectReg('a2', 12).expectNoTrap();
      }
    });

  it('reads rs2 before writing rd when they alias', () => {
    hart().reg('a0', DATA).reg('a1', 10).mem32(DATA, 5).code('amoadd.w a1, a1, (a0)').run(1).expectReg('a1', 5).expectMem32(DATA, 15);
  });

  it('reads rs1 before writing rd when they alias', () => {
    hart().reg('a0', DATA).reg('a1', 10).mem32(DATA, 5).code('amoswap.w a0, a1, (a0)').run(1).expectReg('a0', 5).expectMem32(DATA, 10);
  });

  it('works on a device: one read, then one write', () => {
    const t = hart().reg('a0', DEVICE + 16).reg('a1', 2).mem32(DEVICE + 16, 40).code('amoadd.w a2, a1, (a0)').run(1)
      .expectReg('a2', 40).expectMem32(DEVICE + 16, 42);
    expect(t.device.log.slice(-2).map((a) => [a.offset, a.size, a.write])).toEqual([[16, 4, false], [16, 4, true]]);
  });
});

describe('misaligned and faulting atomics (8.2, 8.4; Privileged table 3.6)', () => {
  it.each([
    ['amoswap.w a2, a1, (a0)', 1],
    ['amoadd.w a2, a1, (a0)', 2],
    ['amomaxu.w a2, a1, (a0)', 3],
  ])('%s at +%d raises store/AMO address misaligned with tval = the address', (src, off) => {
    hart().reg('a0', DATA + off).reg('a2', 99).mem32(DATA, 0x11111111).mem32(DATA + 4, 0x22222222).code(src).run(1)
      .expectTrap({ cause: Exception.StoreMisaligned, tval: DATA + off, epc: CODE })
      .expectReg('a2', 99).expectMem32(DATA, 0x11111111).expectMem32(DATA + 4, 0x22222222);
  });

  it('lr.w misaligned raises load address misaligned', () => {
    hart().reg('a0', DATA + 2).code('lr.w a2, (a0)').run(1).expectTrap({ cause: Exception.LoadMisaligned, tval: DATA + 2, epc: CODE });
  });

  it('sc.w misaligned raises store/AMO address misaligned (even without a reservation)', () => {
    hart().reg('a0', DATA + 2).code('sc.w a2, a1, (a0)').run(1).expectTrap({ cause: Exception.StoreMisaligned, tval: DATA + 2, epc: CODE });
  });

  it('an AMO at an unmapped address raises a store/AMO access fault', () => {
    hart().reg('a0', UNMAPPED).code('amoor.w a2, a1, (a0)').run(1).expectTrap({ cause: Exception.StoreAccessFault, tval: UNMAPPED });
  });

  it('lr.w at an unmapped address raises a load access fault', () => {
    hart().reg('a0', UNMAPPED + 4).code('lr.w a2, (a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: UNMAPPED + 4 });
  });

  it('sc.w at an unmapped address with no reservation: fails or faults, but never stores', () => {
    const t = hart().reg('a0', UNMAPPED).reg('a2', 99).code('sc.w a2, a1, (a0)').run(1);
    if (t.hart.traps === 0) t.expectReg('a2', 1);
    else t.expectTrap({ cause: Exception.StoreAccessFault, tval: UNMAPPED });
  });
});

describe('reservations and device writes', () => {
  it('a write by a device (DMA) to the reserved word makes sc.w fail', () => {
    const t = hart().reg('a0', DATA).reg('a1', 5).code('lr.w a2, (a0); sc.w a3, a1, (a0)').run(1);
    t.bus.dmaObserver = (pa, len) => t.hart.noteExternalWrite(pa, len);
    t.bus.writeRam(DATA + 2, new Uint8Array([1]));
    t.run(1).expectReg('a3', 1);
  });

  it('a device write elsewhere keeps the reservation', () => {
    const t = hart().reg('a0', DATA).reg('a1', 5).code('lr.w a2, (a0); sc.w a3, a1, (a0)').run(1);
    t.hart.noteExternalWrite(DATA + 4, 4);
    t.run(1).expectReg('a3', 0);
  });

  it('encodes sc.w as the table says (sanity check of the encoder)', () => {
    expect(word('sc.w a3, a1, (a0)')).toBe(0x18b526af);
    expect(word('lr.w a2, (a0)')).toBe(0x1005262f);
  });
});
