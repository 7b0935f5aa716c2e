/**
 * The RVC table (Unprivileged spec chapter 16, RV32C only): each encoding and
 * the base instruction it expands into. F/D loads and stores (c.flw, c.fld ...)
 * are absent because this hart has no floating point; their encodings, like
 * every reserved pattern, decode as illegal.
 */
import {
  cAddi16spImm, cAddi4spnImm, cBImm, cImm6, cJImm, cLuiImm, cLwImm, cLwspImm, cRd, cRs1p, cRs2, cRs2p,
  cShamt, cSwspImm,
} from './fields.js';
import type { CompressedSpec, Expansion } from './types.js';

const SP = 2;
const RA = 1;

function x(mnemonic: string, rd: number, rs1: number, rs2: number, imm: number): Expansion {
  return { mnemonic, rd, rs1, rs2, imm };
}

function c(mnemonic: string, match: number, mask: number, expand: CompressedSpec['expand']): CompressedSpec {
  return { mnemonic, match, mask, expand };
}

// Masks: quadrant [1:0] and funct3 [15:13], plus the extra selector bits each row needs.
// Where the spec carves one encoding out of another (c.jr out of c.mv, c.ebreak
// and c.jalr out of c.add, c.addi16sp out of c.lui) the carved-out row has the
// strictly larger mask, and the decoder prefers the most specific match.
const Q_F3 = 0xe003;

export const COMPRESSED: readonly CompressedSpec[] = [
  // ---- Quadrant 0 ----
  c('c.addi4spn', 0x0000, Q_F3, (h) => {
    const imm = cAddi4spnImm(h);
    return imm === 0 ? undefined : x('addi', cRs2p(h), SP, 0, imm); // nzuimm = 0 is reserved (and 0x0000 illegal)
  }),
  c('c.lw', 0x4000, Q_F3, (h) => x('lw', cRs2p(h), cRs1p(h), 0, cLwImm(h))),
  c('c.sw', 0xc000, Q_F3, (h) => x('sw', 0, cRs1p(h), cRs2p(h), cLwImm(h))),

  // ---- Quadrant 1 ----
  // c.nop is c.addi with rd = x0; nonzero immediates there and imm = 0 with rd != 0 are HINTs.
  c('c.addi', 0x0001, Q_F3, (h) => x('addi', cRd(h), cRd(h), 0, cImm6(h))),
  c('c.jal', 0x2001, Q_F3, (h) => x('jal', RA, 0, 0, cJImm(h))),
  c('c.li', 0x4001, Q_F3, (h) => x('addi', cRd(h), 0, 0, cImm6(h))),
  c('c.addi16sp', 0x6101, 0xef83, (h) => {
    const imm = cAddi16spImm(h);
    return imm === 0 ? undefined : x('addi', SP, SP, 0, imm);
  }),
  // c.lui: rd = x2 is c.addi16sp (its mask is more specific, so it wins); nzimm = 0 is reserved.
  c('c.lui', 0x6001, Q_F3, (h) => {
    const imm = cLuiImm(h);
    return imm === 0 ? undefined : x('lui', cRd(h), 0, 0, imm);
  }),
  // RV32C: shamt[5] = 1 is reserved for custom use (NSE), so it decodes as illegal.
  c('c.srli', 0x8001, 0xec03, (h) => (cShamt(h) & 32 ? undefined : x('srli', cRs1p(h), cRs1p(h), 0, cShamt(h)))),
  c('c.srai', 0x8401, 0xec03, (h) => (cShamt(h) & 32 ? undefined : x('srai', cRs1p(h), cRs1p(h), 0, cShamt(h)))),
  c('c.andi', 0x8801, 0xec03, (h) => x('andi', cRs1p(h), cRs1p(h), 0, cImm6(h))),
  c('c.sub', 0x8c01, 0xfc63, (h) => x('sub', cRs1p(h), cRs1p(h), cRs2p(h), 0)),
  c('c.xor', 0x8c21, 0xfc63, (h) => x('xor', cRs1p(h), cRs1p(h), cRs2p(h), 0)),
  c('c.or', 0x8c41, 0xfc63, (h) => x('or', cRs1p(h), cRs1p(h), cRs2p(h), 0)),
  c('c.and', 0x8c61, 0xfc63, (h) => x('and', cRs1p(h), cRs1p(h), cRs2p(h), 0)),
  c('c.j', 0xa001, Q_F3, (h) => x('jal', 0, 0, 0, cJImm(h))),
  c('c.beqz', 0xc001, Q_F3, (h) => x('beq', 0, cRs1p(h), 0, cBImm(h))),
  c('c.bnez', 0xe001, Q_F3, (h) => x('bne', 0, cRs1p(h), 0, cBImm(h))),

  // ---- Quadrant 2 ----
  c('c.slli', 0x0002, Q_F3, (h) => (cShamt(h) & 32 ? undefined : x('slli', cRd(h), cRd(h), 0, cShamt(h)))),
  c('c.lwsp', 0x4002, Q_F3, (h) => (cRd(h) === 0 ? undefined : x('lw', cRd(h), SP, 0, cLwspImm(h)))),
  c('c.jr', 0x8002, 0xf07f, (h) => (cRd(h) === 0 ? undefined : x('jalr', 0, cRd(h), 0, 0))),
  c('c.mv', 0x8002, 0xf003, (h) => x('add', cRd(h), 0, cRs2(h), 0)),
  c('c.ebreak', 0x9002, 0xffff, () => x('ebreak', 0, 0, 0, 0)),
  c('c.jalr', 0x9002, 0xf07f, (h) => x('jalr', RA, cRd(h), 0, 0)),
  c('c.add', 0x9002, 0xf003, (h) => x('add', cRd(h), cRd(h), cRs2(h), 0)),
  c('c.swsp', 0xc002, Q_F3, (h) => x('sw', 0, SP, cRs2(h), cSwspImm(h))),
];
