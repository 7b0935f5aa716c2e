/**
 * RV32I, one instruction at a time (Unprivileged spec 20191213, chapter 2),
 * plus the EEI choices this hart makes: misaligned loads and stores are
 * emulated, fetch is coherent with stores (self-modifying code needs no
 * fence.i, but fence.i must still work).
 */
import { describe, expect, it } from 'vitest';
import { Exception } from '../src/hart/trap.js';
import { word } from './support/encode.js';
import { CODE, DATA, DEVICE, hart, UNMAPPED } from './support/hart-runner.js';

const MIN = -0x80000000;
const MAX = 0x7fffffff;

describe('RV32I register-register operations (2.4.2)', () => {
  it.each([
    ['add', 5, -3, 2],
    ['add', MAX, 1, MIN], // wraps, no overflow trap
    ['add', -1, -1, -2],
    ['sub', 5, 7, -2],
    ['sub', MIN, 1, MAX],
    ['sub', 0, MIN, MIN],
    ['and', 0xff00ff00, 0x0ff00ff0, 0x0f000f00],
    ['or', 0xff00ff00, 0x0ff00ff0, 0xfff0fff0],
    ['xor', 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0],
    ['slt', -1, 1, 1],
    ['slt', 1, -1, 0],
    ['slt', MIN, MAX, 1],
    ['slt', 7, 7, 0],
    ['sltu', -1, 1, 0], // 0xffffffff is the largest unsigned value
    ['sltu', 1, -1, 1],
    ['sltu', 0, 1, 1],
    ['sltu', 7, 7, 0],
    ['sll', 1, 31, MIN],
    ['sll', 0x12345678, 0, 0x12345678],
    ['sll', 1, 32, 1], // only rs2[4:0] is used
    ['sll', 1, 33, 2],
    ['sll', 1, -1, MIN], // -1 & 31 = 31
    ['srl', MIN, 31, 1],
    ['srl', -1, 0, -1],
    ['srl', -1, 1, MAX],
    ['srl', -1, 36, 0x0fffffff],
    ['sra', MIN, 31, -1],
    ['sra', MIN, 1, 0xc0000000],
    ['sra', MAX, 31, 0],
    ['sra', -16, 0x7fffffe2, -4], // shift by 2 after masking
  ])('%s %d, %d = %d', (op, a, b, result) => {
    hart().reg('a0', a).reg('a1', b).code(`${op} a2, a0, a1`).run(1).expectReg('a2', result).expectPc(CODE + 4);
  });

  it('reads both sources before writing rd when rd aliases them', () => {
    hart().reg('a0', 3).code('add a0, a0, a0; sub a0, a0, a0').run(1).expectReg('a0', 6).run(1).expectReg('a0', 0);
  });

  it('reads x0 as zero', () => {
    hart().reg('a0', 9).code('add a1, x0, a0; sub a2, x0, a0').run(2).expectReg('a1', 9).expectReg('a2', -9);
  });
});

describe('RV32I register-immediate operations (2.4.1)', () => {
  it.each([
    ['addi', 5, -3, 2],
    ['addi', MAX, 1, MIN],
    ['addi', 0, -2048, -2048],
    ['addi', 0, 2047, 2047],
    ['slti', -5, -4, 1],
    ['slti', -4, -5, 0],
    ['slti', MIN, 0, 1],
    ['sltiu', 0, 1, 1], // seqz
    ['sltiu', 5, 1, 0],
    ['sltiu', 5, -1, 1], // the immediate is sign-extended, then compared unsigned: 0xffffffff
    ['sltiu', -2, -1, 1],
    ['sltiu', -1, -1, 0],
    ['xori', 0x0f0f0f0f, -1, 0xf0f0f0f0], // not
    ['xori', 0x12345678, 0x7ff, 0x12345187],
    ['ori', 0x12340000, -2048, 0xfffff800],
    ['ori', 0, 0x555, 0x555],
    ['andi', -1, -2048, 0xfffff800],
    ['andi', 0x12345678, 0xff, 0x78],
  ])('%s %d, %d = %d', (op, a, imm, result) => {
    hart().reg('a0', a).code(`${op} a1, a0, ${imm}`).run(1).expectReg('a1', result);
  });

  it.each([
    ['slli', 0x12345678, 0, 0x12345678],
    ['slli', 0x12345678, 4, 0x23456780],
    ['slli', 3, 31, MIN],
    ['srli', MIN, 0, MIN],
    ['srli', MIN, 31, 1],
    ['srli', -1, 4, 0x0fffffff],
    ['srai', MIN, 0, MIN],
    ['srai', MIN, 31, -1],
    ['srai', MIN, 4, 0xf8000000],
    ['srai', MAX, 30, 1],
  ])('%s %d by %d = %d', (op, a, shamt, result) => {
    hart().reg('a0', a).code(`${op} a1, a0, ${shamt}`).run(1).expectReg('a1', result);
  });

  it('treats shamt[5] = 1 as illegal on RV32 (slli with imm[25] set)', () => {
    const bad = word('slli a1, a0, 1') | (1 << 25);
    hart().words(CODE, bad).run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: bad, epc: CODE });
  });

  it('treats srai with a wrong funct7 as illegal', () => {
    const bad = word('srai a1, a0, 1') | (1 << 31);
    hart().words(CODE, bad).run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: bad });
  });
});

describe('writes to x0 are discarded', () => {
  it.each([
    'addi x0, x0, 5',
    'add x0, a0, a0',
    'lui x0, 0x12345',
    'auipc x0, 1',
    'slli x0, a0, 3',
    'lw x0, 0(a1)',
    'csrrs x0, mscratch, x0',
    'amoswap.w x0, a0, (a1)',
    'lr.w x0, (a1)',
  ])('%s', (src) => {
    hart().reg('a0', 7).reg('a1', DATA).mem32(DATA, 0x55).csr('mscratch', 3)
      .code(src).run(1).expectReg('x0', 0).expectPc(CODE + 4)
      .code('add a2, x0, x0').pc(CODE).run(1).expectReg('a2', 0);
  });

  it('still performs the memory access of a load to x0 (it can fault)', () => {
    hart().reg('a1', UNMAPPED).code('lw x0, 0(a1)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: UNMAPPED });
  });

  it('jal x0 jumps without linking', () => {
    hart().code('jal x0, 16').run(1).expectPc(CODE + 16).expectReg('x0', 0);
  });
});

describe('lui and auipc (2.4.1)', () => {
  it.each([
    [0x12345, 0x12345000],
    [0xfffff, 0xfffff000],
    [0x80000, MIN],
    [0, 0],
  ])('lui %d', (imm, result) => {
    hart().reg('a0', -1).code(`lui a0, ${imm}`).run(1).expectReg('a0', result);
  });

  it.each([
    [0, CODE],
    [1, CODE + 0x1000],
    [0xfffff, CODE - 0x1000], // -4096
    [0x80000, 0], // 0x80000000 + 0x80000000 wraps to 0
  ])('auipc %d at CODE', (imm, result) => {
    hart().code(`auipc a0, ${imm}`).run(1).expectReg('a0', result);
  });

  it('auipc uses its own address', () => {
    hart().code('nop; nop; auipc a0, 2').run(3).expectReg('a0', CODE + 8 + 0x2000);
  });

  it('lui + addi build any constant (li)', () => {
    hart().code('li a0, 0x12345fff; li a1, -2049; li a2, 0x80000000').run(5)
      .expectRegs({ a0: 0x12345fff, a1: -2049, a2: MIN });
  });
});

describe('jal and jalr (2.5.1)', () => {
  it('jal links pc+4 and jumps forward', () => {
    hart().code('jal ra, 0x100').run(1).expectReg('ra', CODE + 4).expectPc(CODE + 0x100);
  });

  it('jal jumps backwards', () => {
    hart().code('nop; nop; jal a5, -8').run(3).expectReg('a5', CODE + 12).expectPc(CODE);
  });

  it('jal reaches ±1 MiB', () => {
    hart().code('jal t0, 0xffffe').run(1).expectPc(CODE + 0xffffe);
    hart().pc(CODE + 0x200000).code('jal t0, -0x100000', CODE + 0x200000).run(1).expectPc(CODE + 0x100000);
  });

  it('jalr jumps to rs1 + imm and links pc+4', () => {
    hart().reg('a0', CODE + 0x200).code('jalr ra, -16(a0)').run(1).expectReg('ra', CODE + 4).expectPc(CODE + 0x1f0);
  });

  it('jalr clears bit 0 of the target', () => {
    hart().reg('a0', CODE + 0x101).code('jalr ra, 0(a0)').run(1).expectPc(CODE + 0x100);
    hart().reg('a0', CODE + 0x100).code('jalr ra, 3(a0)').run(1).expectPc(CODE + 0x102);
  });

  it('jalr computes the target from the old rs1 when rd = rs1', () => {
    hart().reg('a0', CODE + 0x40).code('jalr a0, 8(a0)').run(1).expectPc(CODE + 0x48).expectReg('a0', CODE + 4);
  });

  it('jal and jalr wrap around the address space', () => {
    hart().reg('a0', -4).code('jalr ra, 8(a0)').run(1).expectPc(4);
  });

  it('calls and returns', () => {
    hart().code(`
      jal ra, func
      addi a1, a0, 1
      j done
    func:
      li a0, 41
      ret
    done:
      nop`).run(5).expectRegs({ a0: 41, a1: 42 }).expectPc(CODE + 20);
  });
});

describe('conditional branches (2.5.2)', () => {
  const cases: [string, number, number, boolean][] = [
    ['beq', 5, 5, true], ['beq', 5, -5, false],
    ['bne', 5, -5, true], ['bne', -1, -1, false],
    ['blt', -1, 0, true], ['blt', 0, -1, false], ['blt', 3, 3, false], ['blt', MIN, MAX, true],
    ['bge', 0, -1, true], ['bge', 3, 3, true], ['bge', -1, 0, false], ['bge', MAX, MIN, true],
    ['bltu', 0, -1, true], ['bltu', -1, 0, false], ['bltu', 3, 3, false], ['bltu', MAX, MIN, true],
    ['bgeu', -1, 0, true], ['bgeu', 3, 3, true], ['bgeu', 0, -1, false], ['bgeu', MIN, MAX, true],
  ];
  it.each(cases)('%s %d, %d taken=%s', (op, a, b, taken) => {
    hart().reg('a0', a).reg('a1', b).code(`${op} a0, a1, 0x40`).run(1).expectPc(taken ? CODE + 0x40 : CODE + 4);
  });

  it.each(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'])('%s branches backwards', (op) => {
    const [a, b] = op === 'bne' || op === 'blt' || op === 'bltu' ? [0, 1] : [1, 1];
    hart().reg('a0', a).reg('a1', b).pc(CODE + 0x800).code(`${op} a0, a1, -0x800`, CODE + 0x800).run(1).expectPc(CODE);
  });

  it('reaches ±4 KiB', () => {
    hart().code('beq x0, x0, 4094').run(1).expectPc(CODE + 4094);
    hart().pc(CODE + 0x1000).code('beq x0, x0, -4096', CODE + 0x1000).run(1).expectPc(CODE);
  });

  it('runs a counted loop', () => {
    hart().code(`
      li a0, 10
      li a1, 0
    loop:
      add a1, a1, a0
      addi a0, a0, -1
      bnez a0, loop
      nop`).run(2 + 3 * 10).expectReg('a1', 55).expectReg('a0', 0).expectPc(CODE + 20).expectIcount(32);
  });
});

describe('loads (2.6)', () => {
  const setup = () => hart().reg('a0', DATA + 8).bytes(DATA, [0x81, 0x82, 0x83, 0x84, 0x75, 0x76, 0x77, 0x78, 0xf0, 0x0f, 0xff, 0x7f]);
  it.each([
    ['lb', 0, 0xffffff81],
    ['lbu', 0, 0x81],
    ['lb', 4, 0x75],
    ['lbu', 10, 0xff],
    ['lh', 0, 0xffff8281],
    ['lhu', 0, 0x8281],
    ['lh', 4, 0x7675],
    ['lh', 10, 0x7fff],
    ['lw', 0, 0x84838281],
    ['lw', 4, 0x78777675],
    ['lw', 8, 0x7fff0ff0],
  ])('%s at DATA+%d', (op, off, value) => {
    setup().code(`${op} a1, ${off - 8}(a0)`).run(1).expectReg('a1', value);
  });

  it('adds a positive or negative offset to the base', () => {
    setup().reg('a0', DATA - 2040).code('lw a1, 2044(a0)').run(1).expectReg('a1', 0x78777675);
    setup().reg('a0', DATA + 2048).code('lbu a1, -2048(a0)').run(1).expectReg('a1', 0x81);
  });

  it('loads from a device', () => {
    const t = hart().reg('a0', DEVICE).mem32(DEVICE + 4, 0x8000fffe).code('lw a1, 4(a0); lh a2, 4(a0); lbu a3, 7(a0)').run(3)
      .expectRegs({ a1: 0x8000fffe, a2: -2, a3: 0x80 });
    expect(t.device.log.filter((a) => !a.write).map((a) => [a.offset, a.size])).toEqual([[4, 4], [4, 2], [7, 1]]);
  });

  it('raises a load access fault at an unmapped address, with tval = the address', () => {
    hart().reg('a0', UNMAPPED).code('lb a1, 3(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: UNMAPPED + 3, epc: CODE });
  });

  it('raises a load access fault past the end of RAM', () => {
    const end = CODE + (4 << 20);
    hart().reg('a0', end).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: end });
  });
});

describe('stores (2.6)', () => {
  it.each([
    ['sb', 0x11223344, [0x44, 0xee, 0xee, 0xee]],
    ['sh', 0x11223344, [0x44, 0x33, 0xee, 0xee]],
    ['sw', 0x11223344, [0x44, 0x33, 0x22, 0x11]],
  ])('%s writes only its width', (op, value, bytes) => {
    hart().reg('a0', DATA).reg('a1', value).bytes(DATA, [0xee, 0xee, 0xee, 0xee])
      .code(`${op} a1, 0(a0)`).run(1).expectBytes(DATA, bytes as number[]);
  });

  it('uses the S-type immediate, both signs', () => {
    hart().reg('a0', DATA).reg('a1', 7).code('sw a1, -4(a0); sw a1, 2044(a0)').run(2)
      .expectMem32(DATA - 4, 7).expectMem32(DATA + 2044, 7);
  });

  it('stores to a device with the access width', () => {
    const t = hart().reg('a0', DEVICE).reg('a1', 0xcafef00d).code('sw a1, 8(a0); sh a1, 12(a0); sb a1, 15(a0)').run(3);
    expect(t.device.log.map((a) => [a.offset, a.size, a.value, a.write])).toEqual([
      [8, 4, 0xcafef00d, true], [12, 2, 0xf00d, true], [15, 1, 0x0d, true],
    ]);
  });

  it('raises a store access fault at an unmapped address', () => {
    hart().reg('a0', UNMAPPED).code('sh a1, 6(a0)').run(1).expectTrap({ cause: Exception.StoreAccessFault, tval: UNMAPPED + 6, epc: CODE });
  });

  it('store then load round-trips through the TLB fast path many times', () => {
    hart().reg('a0', DATA).code(`
      li a1, 100
    loop:
      sw a1, 0(a0)
      lw a2, 0(a0)
      add a3, a3, a2
      addi a1, a1, -1
      bnez a1, loop`).run(1 + 5 * 100).expectReg('a3', 5050);
  });
});

describe('misaligned loads and stores are emulated (EEI choice, Unprivileged 2.6)', () => {
  const data = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99];
  it.each([
    ['lh', 1, 0x2211],
    ['lh', 7, 0xffff8877],
    ['lhu', 7, 0x8877],
    ['lw', 1, 0x44332211],
    ['lw', 2, 0x55443322],
    ['lw', 3, 0x66554433],
    ['lw', 6, 0x99887766],
  ])('%s at offset %d', (op, off, value) => {
    hart().reg('a0', DATA).bytes(DATA, data).code(`${op} a1, ${off}(a0)`).run(1).expectReg('a1', value).expectNoTrap();
  });

  it.each([
    ['sh', 1, [0x00, 0xdd, 0xcc, 0x33, 0x44]],
    ['sw', 1, [0x00, 0xdd, 0xcc, 0xbb, 0xaa]],
    ['sw', 3, [0x00, 0x11, 0x22, 0xdd, 0xcc, 0xbb, 0xaa, 0x77]],
  ])('%s at offset %d', (op, off, bytes) => {
    hart().reg('a0', DATA).reg('a1', 0xaabbccdd).bytes(DATA, data).code(`${op} a1, ${off}(a0)`).run(1)
      .expectBytes(DATA, bytes as number[]).expectNoTrap();
  });

  it('loads and stores across a page boundary', () => {
    const edge = DATA + 0x1000;
    hart().reg('a0', edge - 2).reg('a1', 0x01020304).code('sw a1, 0(a0); lw a2, 0(a0); lh a3, 1(a0)').run(3)
      .expectBytes(edge - 2, [4, 3, 2, 1]).expectReg('a2', 0x01020304).expectReg('a3', 0x0203);
  });

  it('splits a misaligned device access into bytes', () => {
    const t = hart().reg('a0', DEVICE).reg('a1', 0x44332211).code('sw a1, 1(a0); lw a2, 1(a0)').run(2).expectReg('a2', 0x44332211);
    expect(t.device.log.map((a) => [a.offset, a.size, a.write])).toEqual([
      [1, 1, true], [2, 1, true], [3, 1, true], [4, 1, true], [1, 1, false], [2, 1, false], [3, 1, false], [4, 1, false],
    ]);
  });

  it('faults with tval = the first unmapped byte when a misaligned load leaves RAM', () => {
    const end = CODE + (4 << 20);
    hart().reg('a0', end - 2).code('lw a1, 0(a0)').run(1).expectTrap({ cause: Exception.LoadAccessFault, tval: end, epc: CODE });
  });

  it('writes nothing when a misaligned store runs from RAM into unmapped space', () => {
    const end = CODE + (4 << 20);
    hart().mem32(end - 4, 0x11223344).reg('a0', end - 2).reg('a1', -1).code('sw a1, 0(a0)').run(1)
      .expectTrap({ cause: Exception.StoreAccessFault, tval: end, epc: CODE })
      .expectMem32(end - 4, 0x11223344);
  });
});

describe('fence and fence.i (2.7, chapter 3)', () => {
  it.each(['fence', 'fence iorw, iorw', 'fence r, w', 'fence.i'])('%s retires as a no-op', (src) => {
    hart().reg('a0', 1).code(src).run(1).expectPc(CODE + 4).expectReg('a0', 1).expectNoTrap().expectIcount(1);
  });

  it('fence.tso and pause (encodings of fence) retire', () => {
    const fenceTso = 0x8330000f;
    const pause = 0x0100000f;
    hart().words(CODE, fenceTso, pause).run(2).expectPc(CODE + 8).expectNoTrap();
  });

  it('fence.i after a store makes the new instruction visible', () => {
    hart().reg('a0', CODE + 12).reg('a1', word('li a2, 7')).code(`
      sw a1, 0(a0)
      fence.i
      nop
      li a2, 1`).run(4).expectReg('a2', 7);
  });
});

describe('self-modifying code', () => {
  it('re-executes a patched instruction that already ran', () => {
    // Runs `addi a2, a2, 1` once, patches it into `addi a2, a2, 100`, and jumps back to it.
    hart().reg('a0', CODE).reg('a1', word('addi a2, a2, 100')).code(`
    top:
      addi a2, a2, 1
      bnez a3, done
      sw a1, 0(a0)
      li a3, 1
      j top
    done:
      nop`).run(1 + 1 + 1 + 1 + 1 + 1 + 1).expectReg('a2', 101).expectPc(CODE + 20);
  });

  it('sees a store to the very next instruction without fence.i', () => {
    hart().reg('a0', CODE + 4).reg('a1', word('li a2, 42')).code('sw a1, 0(a0); li a2, 1').run(2).expectReg('a2', 42);
  });

  it('sees a byte store that turns one instruction into another', () => {
    // addi a2, x0, 1 -> addi a2, x0, 1 with rd changed: patch the low byte's rd bit (a2 = x12 -> x13 = a3).
    const before = word('addi a2, x0, 1');
    const after = word('addi a3, x0, 1');
    expect(before ^ after).toBe(1 << 7);
    hart().reg('a0', CODE + 4).reg('a1', after & 0xff).code('sb a1, 0(a0); addi a2, x0, 1').run(2).expectReg('a3', 1).expectReg('a2', 0);
  });

  it('sees code patched by an AMO', () => {
    hart().reg('a0', CODE + 8).reg('a1', word('li a5, 5')).code('amoswap.w a2, a1, (a0); nop; li a5, 1').run(3)
      .expectReg('a5', 5).expectReg('a2', word('li a5, 1'));
  });

  it('sees code patched by sc.w', () => {
    hart().reg('a0', CODE + 12).reg('a1', word('li a5, 5')).code('lr.w t0, (a0); sc.w t1, a1, (a0); nop; li a5, 1').run(4)
      .expectReg('t1', 0).expectReg('a5', 5);
  });

  it('sees code patched by a misaligned store (emulated byte by byte)', () => {
    // The 32-bit instruction at CODE + 6 is only 2-byte aligned (C is on), so the store patching it is misaligned.
    hart().reg('a0', CODE + 6).reg('a1', word('li a5, 5')).code('sw a1, 0(a0); c.nop; li a5, 1').run(3).expectReg('a5', 5);
  });

  it('keeps running correctly when code and data share a page', () => {
    hart().reg('a0', CODE + 0x100).code(`
      li a1, 20
    loop:
      sw a1, 0(a0)
      lw a2, 0(a0)
      add a3, a3, a2
      addi a1, a1, -1
      bnez a1, loop`).run(1 + 5 * 20).expectReg('a3', 210);
  });
});

describe('illegal 32-bit encodings', () => {
  it.each([
    ['an unknown major opcode (OP-FP)', 0x00000053],
    ['all ones', 0xffffffff],
    ['a 48-bit encoding prefix', 0x0000001f],
    ['LOAD with funct3 = 3 (ld, RV64)', 0x00003003],
    ['STORE with funct3 = 3 (sd, RV64)', 0x00003023],
    ['OP with an unknown funct7', 0x04000033],
    ['BRANCH funct3 = 2', 0x00002063],
    ['JALR funct3 = 1', 0x00001067],
    ['SYSTEM funct3 = 4', 0x00004073],
    ['ecall with rd set', 0x000000f3],
    ['AMO with funct3 = 3 (RV64 .d)', 0x0000302f],
    ['lr.w with rs2 set', 0x1005202f | (1 << 20)],
    ['uret (no N extension)', 0x00200073],
    ['dret (outside debug mode)', 0x7b200073],
    ['sfence.vma with rd set', 0x12000073 | (5 << 7)],
    ['wfi with rs1 set', 0x10500073 | (1 << 15)],
    ['mret with rd set', 0x30200073 | (1 << 7)],
    ['hfence.vvma (no H)', 0x22000073],
    ['sinval.vma (no Svinval)', 0x16000073],
  ])('%s', (_, bits) => {
    hart().words(CODE, bits).run(1).expectTrap({ cause: Exception.IllegalInstruction, tval: bits, epc: CODE }).expectIcount(1);
  });
});

describe('icount', () => {
  it('counts one step per retired instruction', () => {
    hart().code('nop; nop; nop; nop').run(3).expectIcount(3).expectPc(CODE + 12);
  });

  it('stops exactly at the budget and resumes', () => {
    const t = hart().code('addi a0, a0, 1; addi a0, a0, 1; addi a0, a0, 1');
    t.run(1).expectReg('a0', 1).run(0).expectReg('a0', 1).run(2).expectReg('a0', 3).expectIcount(3);
  });
});
