/**
 * The test encoder against the ISA table and decoder: every row encodes to a
 * word that decodes back to the same row and operands. The other hart tests
 * build their programs with this encoder, so it has to be right first.
 */
import { describe, expect, it } from 'vitest';
import { decode32 } from '../src/isa/decoder.js';
import { INSTRUCTIONS } from '../src/isa/instructions.js';
import { Format } from '../src/isa/types.js';
import { asm, encode, word, type Operands } from './support/encode.js';

/** Sample operands per format, and the Decoded fields they must produce. */
function sample(format: Format): { ops: Operands; rd: number; rs1: number; rs2: number; imm: number } {
  switch (format) {
    case Format.R: case Format.Amo: return { ops: { rd: 5, rs1: 6, rs2: 7 }, rd: 5, rs1: 6, rs2: 7, imm: 0 };
    case Format.Lr: return { ops: { rd: 5, rs1: 6 }, rd: 5, rs1: 6, rs2: 0, imm: 0 };
    case Format.I: return { ops: { rd: 5, rs1: 6, imm: -5 }, rd: 5, rs1: 6, rs2: 0, imm: -5 };
    case Format.S: return { ops: { rs1: 6, rs2: 7, imm: -5 }, rd: 0, rs1: 6, rs2: 7, imm: -5 };
    case Format.B: return { ops: { rs1: 6, rs2: 7, imm: -4094 }, rd: 0, rs1: 6, rs2: 7, imm: -4094 };
    case Format.U: return { ops: { rd: 5, imm: 0x12345 }, rd: 5, rs1: 0, rs2: 0, imm: 0x12345000 };
    case Format.J: return { ops: { rd: 5, imm: -0xffffe }, rd: 5, rs1: 0, rs2: 0, imm: -0xffffe };
    case Format.Shift: return { ops: { rd: 5, rs1: 6, imm: 31 }, rd: 5, rs1: 6, rs2: 0, imm: 31 };
    case Format.Csr: return { ops: { rd: 5, rs1: 6, csr: 0x340 }, rd: 5, rs1: 6, rs2: 0, imm: 0x340 };
    case Format.CsrImm: return { ops: { rd: 5, imm: 9, csr: 0x340 }, rd: 5, rs1: 9, rs2: 0, imm: 0x340 };
    case Format.Fence: return { ops: { pred: 0xa, succ: 0x5 }, rd: 0, rs1: 0, rs2: 0, imm: 0xa5 };
    case Format.Sfence: return { ops: { rs1: 6, rs2: 7 }, rd: 0, rs1: 6, rs2: 7, imm: 0 };
    case Format.None: return { ops: {}, rd: 0, rs1: 0, rs2: 0, imm: 0 };
  }
}

describe('the encoder agrees with the ISA table and the decoder', () => {
  it.each(INSTRUCTIONS.map((spec, i) => [spec.mnemonic, i] as const))('%s round-trips', (mnemonic, index) => {
    const s = sample(INSTRUCTIONS[index]!.format);
    const d = decode32(encode(mnemonic, s.ops));
    expect({ op: d.op, rd: d.rd, rs1: d.rs1, rs2: d.rs2, imm: d.imm, length: d.length })
      .toEqual({ op: index, rd: s.rd, rs1: s.rs1, rs2: s.rs2, imm: s.imm, length: 4 });
  });

  it.each([
    ['add a2, a0, a1', 0x00b50633],
    ['addi sp, sp, -16', 0xff010113],
    ['lw ra, 12(sp)', 0x00c12083],
    ['sw ra, 12(sp)', 0x00112623],
    ['lui a0, 0x80000', 0x80000537],
    ['jal ra, 0x100', 0x100000ef],
    ['beq a0, a1, -8', 0xfeb50ce3],
    ['csrrw a0, mscratch, a1', 0x34059573],
    ['csrrsi x0, mstatus, 8', 0x30046073],
    ['amoswap.w.aqrl a0, a1, (a2)', 0x0eb6252f],
    ['ecall', 0x00000073],
    ['mret', 0x30200073],
    ['sfence.vma', 0x12000073],
    ['fence', 0x0ff0000f],
    ['fence.i', 0x0000100f],
    ['srai a0, a0, 3', 0x40355513],
  ])('%s encodes as the GNU assembler does', (src, bits) => {
    expect(word(src) >>> 0).toBe(bits >>> 0);
  });

  it('rejects out-of-range operands', () => {
    expect(() => word('addi a0, a0, 2048')).toThrow(/out of range/);
    expect(() => word('beq a0, a0, 3')).toThrow(/multiple of 2/);
    expect(() => word('slli a0, a0, 32')).toThrow(/out of range/);
    expect(() => asm('c.lw a0, 0(a1)')).not.toThrow();
    expect(() => asm('c.lw a0, 0(sp)')).toThrow(/x8..x15/);
  });

  it('resolves labels forwards and backwards across 16- and 32-bit instructions', () => {
    const code = asm('top: c.nop; nop; beq x0, x0, top; j end; c.nop; end: nop', 0x1000);
    expect(code.map((c) => c.length)).toEqual([2, 4, 4, 4, 2, 4]);
    expect(decode32(code[2]!.bits).imm).toBe(-6);
    expect(decode32(code[3]!.bits).imm).toBe(6);
  });

  it('li expands to one or two instructions', () => {
    expect(asm('li a0, 2047')).toHaveLength(1);
    expect(asm('li a0, 0x1000')).toHaveLength(1);
    expect(asm('li a0, 0x1001')).toHaveLength(2);
  });
});
