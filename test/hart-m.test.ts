/**
 * The M extension (Unprivileged spec 20191213, chapter 7), checked against
 * BigInt arithmetic on sign and boundary values, and the division special
 * cases of table 7.1.
 */
import { describe, expect, it } from 'vitest';
import { CODE, hart, hex } from './support/hart-runner.js';

const MIN = -0x80000000;
const MAX = 0x7fffffff;

/** Operands that exercise signs, carries between 16-bit halves, and the extremes. */
const VALUES = [0, 1, -1, 2, -2, 3, MIN, MAX, MIN + 1, MAX - 1, 0x10000, 0xffff, -0x10000, 0x12345678, 0xdeadbeef | 0, 0x7fff8001];

const s = (v: number): bigint => BigInt(v | 0);
const u = (v: number): bigint => BigInt(v >>> 0);
const low32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const high32 = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));

/** Reference semantics from the spec text, written with BigInt (truncating division toward zero). */
const REFERENCE: Record<string, (a: number, b: number) => number> = {
  mul: (a, b) => low32(s(a) * s(b)),
  mulh: (a, b) => high32(s(a) * s(b)),
  mulhsu: (a, b) => high32(s(a) * u(b)),
  mulhu: (a, b) => high32(u(a) * u(b)),
  div: (a, b) => (b === 0 ? -1 : a === MIN && b === -1 ? MIN : low32(s(a) / s(b))),
  divu: (a, b) => (b === 0 ? -1 : low32(u(a) / u(b))),
  rem: (a, b) => (b === 0 ? a : a === MIN && b === -1 ? 0 : low32(s(a) % s(b))),
  remu: (a, b) => (b === 0 ? a : low32(u(a) % u(b))),
};

describe('M extension against BigInt (7.1, 7.2)', () => {
  it.each(Object.keys(REFERENCE))('%s on every pair of boundary values', (op) => {
    const t = hart().code(`${op} a2, a0, a1`);
    const wrong: string[] = [];
    for (const a of VALUES) {
      for (const b of VALUES) {
        t.pc(CODE).reg('a0', a).reg('a1', b).run(1);
        const want = REFERENCE[op]!(a, b);
        if (t.x('a2') !== want) wrong.push(`${op} ${hex(a)}, ${hex(b)} = ${hex(t.x('a2'))}, want ${hex(want)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'])('%s on pseudo-random operands', (op) => {
    // A fixed xorshift sequence: deterministic, and unlike the table above it reaches arbitrary bit patterns.
    let state = 0x9e3779b9;
    const next = (): number => {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      return state | 0;
    };
    const t = hart().code(`${op} a2, a0, a1`);
    const wrong: string[] = [];
    for (let i = 0; i < 500; i++) {
      const a = next();
      const b = i % 7 === 0 ? next() >> 16 : next();
      t.pc(CODE).reg('a0', a).reg('a1', b).run(1);
      const want = REFERENCE[op]!(a, b);
      if (t.x('a2') !== want) wrong.push(`${op} ${hex(a)}, ${hex(b)} = ${hex(t.x('a2'))}, want ${hex(want)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('division special cases (table 7.1)', () => {
  it.each([
    ['div', 7, 0, -1],
    ['div', MIN, 0, -1],
    ['divu', 7, 0, 0xffffffff],
    ['divu', 0, 0, 0xffffffff],
    ['rem', 7, 0, 7],
    ['rem', -7, 0, -7],
    ['remu', 7, 0, 7],
    ['remu', -7, 0, -7],
    ['div', MIN, -1, MIN], // overflow: quotient = dividend
    ['rem', MIN, -1, 0], // overflow: remainder = 0
    ['divu', MIN, -1, 0], // no overflow unsigned: 0x80000000 / 0xffffffff = 0
    ['remu', MIN, -1, MIN],
  ])('%s %d, %d = %d', (op, a, b, result) => {
    hart().reg('a0', a).reg('a1', b).code(`${op} a2, a0, a1`).run(1).expectReg('a2', result).expectNoTrap().expectPc(CODE + 4);
  });

  it.each([
    ['div', -7, 2, -3], // rounds toward zero
    ['div', 7, -2, -3],
    ['rem', -7, 2, -1], // remainder has the sign of the dividend
    ['rem', 7, -2, 1],
    ['divu', -7, 2, 0x7ffffffc],
    ['remu', -7, 2, 1],
  ])('%s %d, %d = %d rounds toward zero', (op, a, b, result) => {
    hart().reg('a0', a).reg('a1', b).code(`${op} a2, a0, a1`).run(1).expectReg('a2', result);
  });

  it('does not trap on division by zero', () => {
    hart().code('div a2, a0, x0; rem a3, a0, x0').reg('a0', 5).run(2).expectRegs({ a2: -1, a3: 5 }).expectNoTrap();
  });
});

describe('M extension register aliasing', () => {
  it('reads both sources before writing rd (mulh a0, a0, a0)', () => {
    hart().reg('a0', MIN).code('mulh a0, a0, a0').run(1).expectReg('a0', 0x40000000);
  });

  it('mulh then mul give the full 64-bit product (7.1 recommended sequence)', () => {
    hart().reg('a0', 0x12345678).reg('a1', -0x456789ab).code('mulh a2, a0, a1; mul a3, a0, a1').run(2)
      .expectReg('a2', high32(s(0x12345678) * s(-0x456789ab))).expectReg('a3', low32(s(0x12345678) * s(-0x456789ab)));
  });
});
