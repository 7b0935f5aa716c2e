import { describe, expect, it } from 'vitest';
import { Mip } from '../src/hart/csr-bits.js';
import { Plic } from '../src/machine/devices/plic.js';
import { FakeContext } from './support/fake-context.js';

const PRIORITY = (s: number) => 4 * s;
const ENABLE = (ctx: number) => 0x2000 + 0x80 * ctx;
const THRESHOLD = (ctx: number) => 0x200000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => 0x200004 + 0x1000 * ctx;

function plic() {
  const ctx = new FakeContext();
  return { p: new Plic(ctx), ctx };
}

describe('PLIC', () => {
  it('raises MEIP for an enabled source with priority above the threshold, and claims it', () => {
    const { p, ctx } = plic();
    p.write(PRIORITY(10), 4, 1);
    p.write(ENABLE(0), 4, 1 << 10);
    p.setLine(10, true);
    expect(ctx.line(Mip.MEIP)).toBe(true);
    expect(p.read(0x1000, 4)).toBe(1 << 10);
    expect(p.read(CLAIM(0), 4)).toBe(10);
    expect(ctx.line(Mip.MEIP)).toBe(false);
    expect(p.read(CLAIM(0), 4)).toBe(0); // claimed: not pending until completed
  });

  it('re-pends a level-triggered source that is still high at completion', () => {
    const { p, ctx } = plic();
    p.write(PRIORITY(10), 4, 1);
    p.write(ENABLE(0), 4, 1 << 10);
    p.setLine(10, true);
    p.read(CLAIM(0), 4);
    p.write(CLAIM(0), 4, 10);
    expect(ctx.line(Mip.MEIP)).toBe(true);
    p.read(CLAIM(0), 4);
    p.setLine(10, false);
    p.write(CLAIM(0), 4, 10);
    expect(ctx.line(Mip.MEIP)).toBe(false);
  });

  it('picks the highest priority, and the lowest ID on ties', () => {
    const { p } = plic();
    p.write(ENABLE(0), 4, (1 << 3) | (1 << 5) | (1 << 7));
    p.write(PRIORITY(3), 4, 2);
    p.write(PRIORITY(5), 4, 5);
    p.write(PRIORITY(7), 4, 5);
    for (const s of [3, 5, 7]) p.setLine(s, true);
    expect(p.read(CLAIM(0), 4)).toBe(5);
    expect(p.read(CLAIM(0), 4)).toBe(7);
    expect(p.read(CLAIM(0), 4)).toBe(3);
  });

  it('masks by threshold, priority 0 and enables, per context', () => {
    const { p, ctx } = plic();
    p.write(PRIORITY(10), 4, 3);
    p.write(ENABLE(1), 4, 1 << 10);
    p.setLine(10, true);
    expect(ctx.line(Mip.MEIP)).toBe(false);
    expect(ctx.line(Mip.SEIP)).toBe(true);
    p.write(THRESHOLD(1), 4, 3);
    expect(ctx.line(Mip.SEIP)).toBe(false);
    p.write(THRESHOLD(1), 4, 2);
    expect(ctx.line(Mip.SEIP)).toBe(true);
    p.write(PRIORITY(10), 4, 0);
    expect(ctx.line(Mip.SEIP)).toBe(false);
  });

  it('limits priorities to 3 bits and source 0 to nothing', () => {
    const { p } = plic();
    p.write(PRIORITY(1), 4, 0xff);
    expect(p.read(PRIORITY(1), 4)).toBe(7);
    p.write(PRIORITY(0), 4, 5);
    expect(p.read(PRIORITY(0), 4)).toBe(0);
    p.write(ENABLE(0), 4, 0xffffffff);
    expect(p.read(ENABLE(0), 4)).toBe(0xfffffffe);
  });

  it('does not claim through peek', () => {
    const { p } = plic();
    p.write(PRIORITY(10), 4, 1);
    p.write(ENABLE(0), 4, 1 << 10);
    p.setLine(10, true);
    expect(p.peek(CLAIM(0), 4)).toBeUndefined();
    expect(p.read(CLAIM(0), 4)).toBe(10);
  });

  it('round-trips its state', () => {
    const { p } = plic();
    p.write(PRIORITY(10), 4, 1);
    p.write(ENABLE(0), 4, 1 << 10);
    p.setLine(10, true);
    const { p: q, ctx } = plic();
    q.loadState(p.saveState());
    expect(ctx.line(Mip.MEIP)).toBe(true);
    expect(q.read(CLAIM(0), 4)).toBe(10);
  });
});
