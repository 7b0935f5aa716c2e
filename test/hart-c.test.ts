/**
 * The C extension (Unprivileged spec 20191213, chapter 16, RV32C): every
 * compressed instruction expands to its base instruction (16.1 "each RVC
 * instruction expands into a single base instruction") and executes like it,
 * immediates bit by bit, HINTs, and the reserved encodings.
 */
import { describe, expect, it } from 'vitest';
import { decode16, decode32 } from '../src/isa/decoder.js';
import { INSTRUCTIONS } from '../src/isa/instructions.js';
import { Exception, VmExit } from '../src/hart/trap.js';
import { regNumber, rvc, word } from './support/encode.js';
import { CODE, DATA, hart, hex, type HartRunner } from './support/hart-runner.js';

const SP = DATA + 0x800;

/** A state every equivalence case starts from: distinct register values, patterned memory around DATA and SP. */
function start(): HartRunner {
  const t = hart().regs({
    sp: SP, s0: 0xf0000001, s1: DATA, a0: 0x12345678, a1: -0x55, a5: 0x0f0f0f0f, t0: 7, t6: 1, ra: 0x11,
  });
  const pattern = Array.from({ length: 0x1000 }, (_, i) => (i * 37 + 11) & 0xff);
  return t.bytes(DATA, pattern);
}

/** The fields of a decoded instruction that define what it does. */
function shape(d: ReturnType<typeof decode16>): Record<string, string | number> {
  return { mnemonic: d.op < 0 ? 'illegal' : INSTRUCTIONS[d.op]!.mnemonic, rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm };
}

describe('every compressed instruction expands to and executes like its base form', () => {
  // [name, compressed halfword, equivalent 32-bit instruction]
  const cases: [string, number, string][] = [
    ['c.addi4spn s0, sp, 1020', rvc.addi4spn(8, 1020), 'addi s0, sp, 1020'],
    ['c.addi4spn a5, sp, 4', rvc.addi4spn(15, 4), 'addi a5, sp, 4'],
    ['c.lw a0, 124(s1)', rvc.lw(10, 124, 9), 'lw a0, 124(s1)'],
    ['c.lw s0, 0(s1)', rvc.lw(8, 0, 9), 'lw s0, 0(s1)'],
    ['c.sw a0, 64(s1)', rvc.sw(10, 64, 9), 'sw a0, 64(s1)'],
    ['c.sw a5, 4(s1)', rvc.sw(15, 4, 9), 'sw a5, 4(s1)'],
    ['c.nop', rvc.nop(), 'addi x0, x0, 0'],
    ['c.addi a0, -32', rvc.addi(10, -32), 'addi a0, a0, -32'],
    ['c.addi t6, 31', rvc.addi(31, 31), 'addi t6, t6, 31'],
    ['c.li a0, -1', rvc.li(10, -1), 'addi a0, x0, -1'],
    ['c.li ra, 31', rvc.li(1, 31), 'addi ra, x0, 31'],
    ['c.addi16sp -512', rvc.addi16sp(-512), 'addi sp, sp, -512'],
    ['c.addi16sp 496', rvc.addi16sp(496), 'addi sp, sp, 496'],
    ['c.lui a0, -1', rvc.lui(10, -1), 'lui a0, 0xfffff'],
    ['c.lui t0, 31', rvc.lui(5, 31), 'lui t0, 31'],
    ['c.lui s0, -32', rvc.lui(8, -32), 'lui s0, 0xfffe0'],
    ['c.srli s0, 31', rvc.srli(8, 31), 'srli s0, s0, 31'],
    ['c.srli a5, 4', rvc.srli(15, 4), 'srli a5, a5, 4'],
    ['c.srai s0, 1', rvc.srai(8, 1), 'srai s0, s0, 1'],
    ['c.srai s0, 31', rvc.srai(8, 31), 'srai s0, s0, 31'],
    ['c.andi a5, -16', rvc.andi(15, -16), 'andi a5, a5, -16'],
    ['c.andi a0, 31', rvc.andi(10, 31), 'andi a0, a0, 31'],
    ['c.sub a0, s0', rvc.sub(10, 8), 'sub a0, a0, s0'],
    ['c.xor a0, a1', rvc.xor(10, 11), 'xor a0, a0, a1'],
    ['c.or a5, s1', rvc.or(15, 9), 'or a5, a5, s1'],
    ['c.and s0, a5', rvc.and(8, 15), 'and s0, s0, a5'],
    ['c.slli a0, 31', rvc.slli(10, 31), 'slli a0, a0, 31'],
    ['c.slli t6, 1', rvc.slli(31, 1), 'slli t6, t6, 1'],
    ['c.lwsp a0, 252(sp)', rvc.lwsp(10, 252), 'lw a0, 252(sp)'],
    ['c.lwsp ra, 0(sp)', rvc.lwsp(1, 0), 'lw ra, 0(sp)'],
    ['c.swsp a0, 252(sp)', rvc.swsp(10, 252), 'sw a0, 252(sp)'],
    ['c.swsp x0, 8(sp)', rvc.swsp(0, 8), 'sw x0, 8(sp)'],
    ['c.mv a0, a1', rvc.mv(10, 11), 'add a0, x0, a1'],
    ['c.mv t6, sp', rvc.mv(31, 2), 'add t6, x0, sp'],
    ['c.add a0, a1', rvc.add(10, 11), 'add a0, a0, a1'],
    ['c.add sp, t6', rvc.add(2, 31), 'add sp, sp, t6'],
  ];

  it.each(cases)('%s', (_, half, base) => {
    expect(shape(decode16(half)), 'decoded expansion').toEqual(shape(decode32(word(base))));
    const c = start().halfwords(CODE, half).run(1).expectNoTrap();
    const b = start().code(base).run(1).expectNoTrap();
    expect([...c.hart.x.slice(0, 32)].map(hex), 'registers').toEqual([...b.hart.x.slice(0, 32)].map(hex));
    expect([...c.ram.read(DATA, 0x1000)], 'memory').toEqual([...b.ram.read(DATA, 0x1000)]);
    c.expectPc(CODE + 2);
  });

  // Control transfers: same target as the base form; the link (if any) is pc + 2, not pc + 4.
  it.each([
    ['c.j 0x7fe', rvc.j(0x7fe), 'jal x0, 0x7fe', CODE + 0x7fe, undefined],
    ['c.j -0x800', rvc.j(-0x800), 'jal x0, -0x800', CODE - 0x800, undefined],
    ['c.jal 0x40', rvc.jal(0x40), 'jal ra, 0x40', CODE + 0x40, 'ra'],
    ['c.jal -2', rvc.jal(-2), 'jal ra, -2', CODE - 2, 'ra'],
    ['c.jr a0', rvc.jr(10), 'jalr x0, 0(a0)', 0x12345678, undefined],
    ['c.jalr a0', rvc.jalr(10), 'jalr ra, 0(a0)', 0x12345678, 'ra'],
    ['c.beqz s1 (not taken)', rvc.beqz(9, 0x20), 'beq s1, x0, 0x20', CODE + 2, undefined],
    ['c.bnez s1 (taken)', rvc.bnez(9, 0x20), 'bne s1, x0, 0x20', CODE + 0x20, undefined],
    ['c.bnez s1, -256', rvc.bnez(9, -256), 'bne s1, x0, -256', CODE - 256, undefined],
  ] as const)('%s', (_, half, base, target, link) => {
    expect(shape(decode16(half)), 'decoded expansion').toEqual(shape(decode32(word(base))));
    const t = start().halfwords(CODE, half).run(1).expectPc(target).expectNoTrap();
    if (link !== undefined) t.expectReg(link, CODE + 2);
  });

  it('c.beqz is taken on zero', () => {
    start().reg('s1', 0).halfwords(CODE, rvc.beqz(9, 0x20)).run(1).expectPc(CODE + 0x20);
  });

  it('c.jalr ra jumps to the old ra and links pc + 2', () => {
    start().reg('ra', CODE + 0x100).halfwords(CODE, rvc.jalr(1)).run(1).expectPc(CODE + 0x100).expectReg('ra', CODE + 2);
  });

  it('c.jr clears bit 0 of the target, as jalr does', () => {
    start().reg('a0', CODE + 0x101).halfwords(CODE, rvc.jr(10)).run(1).expectPc(CODE + 0x100);
  });

  it('c.ebreak is an ebreak exit; delivered, it is a breakpoint at its own pc', () => {
    start().pc(CODE + 2).halfwords(CODE, rvc.nop(), rvc.ebreak()).run(1, VmExit.Ebreak).expectPc(CODE + 2).expectIcount(0)
      .deliverEbreak().expectTrap({ cause: Exception.Breakpoint, epc: CODE + 2, tval: CODE + 2 });
  });
});

describe('compressed immediates, one bit at a time (16.3-16.5)', () => {
  const bitValues = (bits: number[], sign?: number): number[] => [...bits.map((b) => 1 << b), ...(sign === undefined ? [] : [-(1 << sign)])];

  it.each(bitValues([2, 3, 4, 5, 6, 7, 8, 9]))('c.addi4spn nzuimm %d', (imm) => {
    expect(decode16(rvc.addi4spn(10, imm)).imm).toBe(imm);
    start().halfwords(CODE, rvc.addi4spn(10, imm)).run(1).expectReg('a0', SP + imm);
  });

  it.each(bitValues([4, 5, 6, 7, 8], 9))('c.addi16sp nzimm %d', (imm) => {
    expect(decode16(rvc.addi16sp(imm)).imm).toBe(imm);
    start().halfwords(CODE, rvc.addi16sp(imm)).run(1).expectReg('sp', SP + imm);
  });

  it.each(bitValues([2, 3, 4, 5, 6, 7]))('c.lwsp uimm %d', (imm) => {
    expect(decode16(rvc.lwsp(10, imm)).imm).toBe(imm);
    const t = start().mem32(SP + imm, 0xabcd0000 + imm).halfwords(CODE, rvc.lwsp(10, imm)).run(1);
    t.expectReg('a0', 0xabcd0000 + imm);
  });

  it.each(bitValues([2, 3, 4, 5, 6, 7]))('c.swsp uimm %d', (imm) => {
    expect(decode16(rvc.swsp(10, imm)).imm).toBe(imm);
    start().halfwords(CODE, rvc.swsp(10, imm)).run(1).expectMem32(SP + imm, 0x12345678);
  });

  it.each(bitValues([2, 3, 4, 5, 6]))('c.lw and c.sw uimm %d', (imm) => {
    expect(decode16(rvc.lw(10, imm, 9)).imm).toBe(imm);
    expect(decode16(rvc.sw(10, imm, 9)).imm).toBe(imm);
    start().halfwords(CODE, rvc.sw(10, imm, 9), rvc.lw(11, imm, 9)).run(2).expectMem32(DATA + imm, 0x12345678).expectReg('a1', 0x12345678);
  });

  it.each(bitValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 11))('c.j and c.jal offset %d', (off) => {
    expect(decode16(rvc.j(off)).imm).toBe(off);
    expect(decode16(rvc.jal(off)).imm).toBe(off);
    start().pc(CODE + 0x1000).halfwords(CODE + 0x1000, rvc.jal(off)).run(1).expectPc(CODE + 0x1000 + off).expectReg('ra', CODE + 0x1002);
  });

  it.each(bitValues([1, 2, 3, 4, 5, 6, 7], 8))('c.beqz and c.bnez offset %d', (off) => {
    expect(decode16(rvc.beqz(8, off)).imm).toBe(off);
    expect(decode16(rvc.bnez(8, off)).imm).toBe(off);
    start().pc(CODE + 0x1000).reg('s0', 0).halfwords(CODE + 0x1000, rvc.beqz(8, off)).run(1).expectPc(CODE + 0x1000 + off);
  });

  it.each([1, 2, 4, 8, 16, 31])('c.slli, c.srli and c.srai shamt %d', (shamt) => {
    start().reg('a0', -0x7fff0000).reg('s0', -0x7fff0000).reg('s1', -0x7fff0000)
      .halfwords(CODE, rvc.slli(10, shamt), rvc.srli(8, shamt), rvc.srai(9, shamt)).run(3)
      .expectRegs({ a0: -0x7fff0000 << shamt, s0: -0x7fff0000 >>> shamt, s1: -0x7fff0000 >> shamt });
  });

  it.each([-32, -1, 1, 16, 31])('c.li, c.addi and c.andi imm %d', (imm) => {
    start().reg('a0', 100).reg('a5', 0x5a5a5a5a)
      .halfwords(CODE, rvc.li(11, imm), rvc.addi(10, imm), rvc.andi(15, imm)).run(3)
      .expectRegs({ a1: imm, a0: 100 + imm, a5: 0x5a5a5a5a & imm });
  });

  it.each([1, -1, 16, -32, 31])('c.lui %d', (imm) => {
    start().halfwords(CODE, rvc.lui(11, imm)).run(1).expectReg('a1', imm << 12);
  });
});

describe('HINTs execute as no-ops (16.7 table 16.7)', () => {
  it.each([
    ['c.nop with a nonzero immediate', rvc.addi(0, 5)],
    ['c.addi a0, 0', rvc.addi(10, 0)],
    ['c.li x0, 5', rvc.li(0, 5)],
    ['c.lui x0, 1', rvc.lui(0, 1)],
    ['c.mv x0, a0', rvc.mv(0, 10)],
    ['c.add x0, a0', rvc.add(0, 10)],
    ['c.slli x0, 3', rvc.slli(0, 3)],
    ['c.slli a0, 0', rvc.slli(10, 0)],
    ['c.srli s0, 0', rvc.srli(8, 0)],
    ['c.srai s0, 0', rvc.srai(8, 0)],
  ])('%s', (_, half) => {
    const before = start();
    const regs = [...before.hart.x.slice(0, 32)];
    before.halfwords(CODE, half).run(1).expectNoTrap().expectPc(CODE + 2);
    expect([...before.hart.x.slice(0, 32)]).toEqual(regs);
  });
});

describe('reserved and unsupported compressed encodings are illegal, tval = the 16-bit pattern', () => {
  it.each([
    ['the all-zero halfword', 0x0000],
    ['c.addi4spn with nzuimm = 0', rvc.addi4spn(10, 0)],
    ['c.lwsp with rd = x0', rvc.lwsp(0, 4)],
    ['c.jr with rs1 = x0', rvc.jr(0)],
    ['c.addi16sp with nzimm = 0', rvc.addi16sp(0)],
    ['c.lui with nzimm = 0', rvc.lui(10, 0)],
    ['c.srli with shamt[5] = 1 (RV32 NSE)', rvc.srli(8, 32)],
    ['c.srai with shamt[5] = 1', rvc.srai(8, 33)],
    ['c.slli with shamt[5] = 1', rvc.slli(10, 32)],
    ['c.subw (RV64 only)', 0x9c01 | (2 << 7) | (3 << 2)],
    ['c.addw (RV64 only)', 0x9c21 | (2 << 7) | (3 << 2)],
    ['reserved CA funct2 = 10 with bit 12 set', 0x9c41],
    ['reserved CA funct2 = 11 with bit 12 set', 0x9c61],
    ['quadrant 0 funct3 = 100 (reserved)', 0x8000 | (1 << 2)],
    ['c.fld (no D)', 0x2000 | (1 << 7) | (1 << 2)],
    ['c.flw (no F)', 0x6000 | (1 << 7) | (1 << 2)],
    ['c.fsd (no D)', 0xa000 | (1 << 7) | (1 << 2)],
    ['c.fsw (no F)', 0xe000 | (1 << 7) | (1 << 2)],
    ['c.fldsp (no D)', 0x2002 | (10 << 7)],
    ['c.flwsp (no F)', 0x6002 | (10 << 7)],
    ['c.fsdsp (no D)', 0xa002 | (10 << 2)],
    ['c.fswsp (no F)', 0xe002 | (10 << 2)],
  ])('%s', (_, half) => {
    // Follow the halfword with a 32-bit nop so any "upper half" a buggy decoder might read is not zero.
    start().halfwords(CODE, half, 0x0013, 0x0000).run(1)
      .expectTrap({ cause: Exception.IllegalInstruction, tval: half, epc: CODE }).expectReg('a0', 0x12345678);
  });
});

describe('mixed 16- and 32-bit code', () => {
  it('runs 32-bit instructions at 2-byte-aligned addresses', () => {
    hart().code('c.li a0, 1; addi a0, a0, 2; c.addi a0, 4; addi a0, a0, 8; c.nop').run(5).expectReg('a0', 15).expectPc(CODE + 14);
  });

  it('branches from a compressed instruction to a 32-bit one and back', () => {
    hart().code(`
      c.li a0, 3
    loop:
      addi a1, a1, 1
      c.addi a0, -1
      c.bnez a0, loop
      c.nop`).run(1 + 3 * 3).expectRegs({ a0: 0, a1: 3 }).expectPc(CODE + 10);
  });

  it('executes a 32-bit instruction that straddles a page boundary', () => {
    const at = CODE + 0xffe;
    hart().pc(at).code('li a0, 1234; c.nop', at).run(2).expectReg('a0', 1234).expectPc(at + 6);
  });

  it('re-decodes a page-straddling instruction after its second half is patched', () => {
    const at = CODE + 0xffe;
    const patched = word('li a0, 99');
    const t = hart().pc(at).code('li a0, 1234', at).run(1).expectReg('a0', 1234);
    t.mem16(at + 2, patched >>> 16).pc(at).run(1).expectReg('a0', 99);
  });

  it('a compressed instruction at the last halfword of a page', () => {
    const at = CODE + 0xffe;
    hart().pc(at).code('c.li a0, 7; c.addi a0, 1', at).run(2).expectReg('a0', 8).expectPc(at + 4);
  });
});

describe('encoder sanity', () => {
  it.each([
    ['c.addi4spn', rvc.addi4spn(regNumber('s0'), 16), 0x0800],
    ['c.nop', rvc.nop(), 0x0001],
    ['c.ebreak', rvc.ebreak(), 0x9002],
    ['c.jr ra', rvc.jr(1), 0x8082],
    ['c.li a0, 0', rvc.li(10, 0), 0x4501],
    ['c.addi16sp -16', rvc.addi16sp(-16), 0x717d],
    ['c.lwsp ra, 12(sp)', rvc.lwsp(1, 12), 0x40b2],
    ['c.swsp ra, 12(sp)', rvc.swsp(1, 12), 0xc606],
  ])('%s encodes as objdump shows it', (_, half, bits) => {
    expect(hex(half)).toBe(hex(bits));
  });
});
