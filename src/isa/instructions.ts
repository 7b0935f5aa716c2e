/**
 * The one ISA table: every 32-bit RV32IMA + Zicsr + Zifencei + privileged
 * instruction, with its encoding and its semantics. Decode, execution (the
 * interpreter is generated from `exec`), disassembly and the tests all read it.
 * Compressed instructions live in compressed.ts and expand into these rows.
 *
 * The snippet language of `exec` (JavaScript statements, like Spike's insns/*.h):
 *   X[rs1], X[rs2]   source register values (int32)
 *   X[rd] = e        destination write; writes to x0 are discarded by decode
 *   RD, RS1          register *numbers* (RD is 32, a sink, when rd is x0)
 *   imm              the decoded immediate (shamt for shifts, CSR number for Zicsr)
 *   pc               this instruction's address; LEN its length (2 or 4)
 *   CHECK_TARGET(t)  instruction-address-misaligned check of a jump target
 *   LB/LBU/LH/LHU/LW(a)          loads (expressions)
 *   SB/SH/SW(a, v);              stores (statements)
 *   EXIT(reason)     stop and report a VM exit; the instruction has not retired
 *   this.*           hart methods for the rare paths (CSRs, AMOs, xRET ...)
 * Unless a row is `control`, the generator appends `pc = pc + LEN`. A `sync`
 * row's hart method may write X[RD] itself (Zicsr), and may change what the
 * translated code depends on (privilege, satp, mstatus): translated blocks
 * end after it.
 * Values are int32; Int32Array stores truncate, so `X[rd] = a + b` wraps.
 */
import { Format, type InstructionSpec, type Extension } from './types.js';

const R_MASK = 0xfe00707f;
const F3_MASK = 0x0000707f;
const OP_MASK = 0x0000007f;
const AMO_MASK = 0xf800707f;
const EXACT = 0xffffffff;

const OPC_LOAD = 0x03;
const OPC_MISC_MEM = 0x0f;
const OPC_OP_IMM = 0x13;
const OPC_AUIPC = 0x17;
const OPC_STORE = 0x23;
const OPC_AMO = 0x2f;
const OPC_OP = 0x33;
const OPC_LUI = 0x37;
const OPC_BRANCH = 0x63;
const OPC_JALR = 0x67;
const OPC_JAL = 0x6f;
const OPC_SYSTEM = 0x73;

const f3 = (n: number): number => n << 12;
const f7 = (n: number): number => n << 25;
const f5 = (n: number): number => n << 27;

function row(
  mnemonic: string,
  format: Format,
  match: number,
  mask: number,
  extension: Extension,
  exec: string,
  flags: { control?: boolean; sync?: boolean; condition?: string } = {},
): InstructionSpec {
  return { mnemonic, format, match: match >>> 0, mask: mask >>> 0, extension, exec, ...flags };
}

const branch = (name: string, funct3: number, cond: string): InstructionSpec =>
  row(name, Format.B, OPC_BRANCH | f3(funct3), F3_MASK, 'I',
    `if (${cond}) { const t = (pc + imm) | 0; CHECK_TARGET(t); pc = t; } else pc = (pc + LEN) | 0;`,
    { control: true, condition: cond });

const load = (name: string, funct3: number, macro: string): InstructionSpec =>
  row(name, Format.I, OPC_LOAD | f3(funct3), F3_MASK, 'I', `{ const a = (X[rs1] + imm) | 0; X[rd] = ${macro}(a); }`);

const store = (name: string, funct3: number, macro: string): InstructionSpec =>
  row(name, Format.S, OPC_STORE | f3(funct3), F3_MASK, 'I', `{ const a = (X[rs1] + imm) | 0; const v = X[rs2]; ${macro}(a, v); }`);

const opImm = (name: string, funct3: number, expr: string): InstructionSpec =>
  row(name, Format.I, OPC_OP_IMM | f3(funct3), F3_MASK, 'I', `X[rd] = ${expr};`);

const shiftImm = (name: string, funct3: number, funct7: number, expr: string): InstructionSpec =>
  row(name, Format.Shift, OPC_OP_IMM | f3(funct3) | f7(funct7), R_MASK, 'I', `X[rd] = ${expr};`);

const op = (name: string, funct3: number, funct7: number, ext: Extension, exec: string): InstructionSpec =>
  row(name, Format.R, OPC_OP | f3(funct3) | f7(funct7), R_MASK, ext, exec.includes(';') ? exec : `X[rd] = ${exec};`);

const amo = (name: string, funct5: number, amoOp: number): InstructionSpec =>
  row(name, Format.Amo, OPC_AMO | f3(2) | f5(funct5), AMO_MASK, 'A',
    `X[rd] = this.amo(${amoOp}, X[rs1], X[rs2], pc, ic);`);

const csr = (name: string, funct3: number, csrOp: number, immediate: boolean): InstructionSpec =>
  row(name, immediate ? Format.CsrImm : Format.Csr, OPC_SYSTEM | f3(funct3), F3_MASK, 'Zicsr',
    `{ const r = this.csrInstruction(${csrOp}, RD, ${immediate ? 'RS1' : 'X[rs1]'}, imm, RS1); if (r !== 0) EXIT(VmExit.HostCsr); }`,
    { sync: true });

/** Read-modify-write operations of the A extension (argument to Hart.amo). */
export const enum AmoOp { Swap, Add, Xor, And, Or, Min, Max, MinU, MaxU }
/** Zicsr operations (argument to Hart.csrInstruction). */
export const enum CsrOp { Write, Set, Clear }

export const INSTRUCTIONS: readonly InstructionSpec[] = [
  // ---- RV32I (Unprivileged spec chapter 2) ----
  row('lui', Format.U, OPC_LUI, OP_MASK, 'I', 'X[rd] = imm;'),
  row('auipc', Format.U, OPC_AUIPC, OP_MASK, 'I', 'X[rd] = pc + imm;'),
  row('jal', Format.J, OPC_JAL, OP_MASK, 'I',
    '{ const t = (pc + imm) | 0; CHECK_TARGET(t); X[rd] = pc + LEN; pc = t; }', { control: true }),
  row('jalr', Format.I, OPC_JALR, F3_MASK, 'I',
    '{ const t = (X[rs1] + imm) & -2; CHECK_TARGET(t); X[rd] = pc + LEN; pc = t; }', { control: true }),
  branch('beq', 0, 'X[rs1] === X[rs2]'),
  branch('bne', 1, 'X[rs1] !== X[rs2]'),
  branch('blt', 4, 'X[rs1] < X[rs2]'),
  branch('bge', 5, 'X[rs1] >= X[rs2]'),
  branch('bltu', 6, '(X[rs1] >>> 0) < (X[rs2] >>> 0)'),
  branch('bgeu', 7, '(X[rs1] >>> 0) >= (X[rs2] >>> 0)'),
  load('lb', 0, 'LB'),
  load('lh', 1, 'LH'),
  load('lw', 2, 'LW'),
  load('lbu', 4, 'LBU'),
  load('lhu', 5, 'LHU'),
  store('sb', 0, 'SB'),
  store('sh', 1, 'SH'),
  store('sw', 2, 'SW'),
  opImm('addi', 0, 'X[rs1] + imm'),
  opImm('slti', 2, 'X[rs1] < imm ? 1 : 0'),
  opImm('sltiu', 3, '(X[rs1] >>> 0) < (imm >>> 0) ? 1 : 0'),
  opImm('xori', 4, 'X[rs1] ^ imm'),
  opImm('ori', 6, 'X[rs1] | imm'),
  opImm('andi', 7, 'X[rs1] & imm'),
  shiftImm('slli', 1, 0x00, 'X[rs1] << imm'),
  shiftImm('srli', 5, 0x00, 'X[rs1] >>> imm'),
  shiftImm('srai', 5, 0x20, 'X[rs1] >> imm'),
  op('add', 0, 0x00, 'I', 'X[rs1] + X[rs2]'),
  op('sub', 0, 0x20, 'I', 'X[rs1] - X[rs2]'),
  op('sll', 1, 0x00, 'I', 'X[rs1] << (X[rs2] & 31)'),
  op('slt', 2, 0x00, 'I', 'X[rs1] < X[rs2] ? 1 : 0'),
  op('sltu', 3, 0x00, 'I', '(X[rs1] >>> 0) < (X[rs2] >>> 0) ? 1 : 0'),
  op('xor', 4, 0x00, 'I', 'X[rs1] ^ X[rs2]'),
  op('srl', 5, 0x00, 'I', 'X[rs1] >>> (X[rs2] & 31)'),
  op('sra', 5, 0x20, 'I', 'X[rs1] >> (X[rs2] & 31)'),
  op('or', 6, 0x00, 'I', 'X[rs1] | X[rs2]'),
  op('and', 7, 0x00, 'I', 'X[rs1] & X[rs2]'),
  // fence ignores fm/pred/succ (every access is already ordered on one hart);
  // fence.tso and pause are encodings of it.
  row('fence', Format.Fence, OPC_MISC_MEM | f3(0), F3_MASK, 'I', ''),
  row('ecall', Format.None, 0x00000073, EXACT, 'I', 'EXIT(VmExit.Ecall);', { control: true }),
  row('ebreak', Format.None, 0x00100073, EXACT, 'I', 'EXIT(VmExit.Ebreak);', { control: true }),

  // ---- Zifencei: instruction fetch is always coherent with stores here ----
  row('fence.i', Format.None, OPC_MISC_MEM | f3(1), F3_MASK, 'Zifencei', ''),

  // ---- M (chapter 7) ----
  op('mul', 0, 0x01, 'M', 'Math.imul(X[rs1], X[rs2])'),
  op('mulh', 1, 0x01, 'M', 'mulh(X[rs1], X[rs2])'),
  op('mulhsu', 2, 0x01, 'M', 'mulhsu(X[rs1], X[rs2])'),
  op('mulhu', 3, 0x01, 'M', 'mulhu(X[rs1], X[rs2])'),
  op('div', 4, 0x01, 'M',
    '{ const a = X[rs1], b = X[rs2]; X[rd] = b === 0 ? -1 : (a === -2147483648 && b === -1) ? a : (a / b) | 0; }'),
  op('divu', 5, 0x01, 'M',
    '{ const a = X[rs1] >>> 0, b = X[rs2] >>> 0; X[rd] = b === 0 ? -1 : (a / b) >>> 0; }'),
  op('rem', 6, 0x01, 'M',
    '{ const a = X[rs1], b = X[rs2]; X[rd] = b === 0 ? a : (a === -2147483648 && b === -1) ? 0 : a % b; }'),
  op('remu', 7, 0x01, 'M',
    '{ const a = X[rs1] >>> 0, b = X[rs2] >>> 0; X[rd] = b === 0 ? a : a % b; }'),

  // ---- A (chapter 8); aq/rl are free bits: one hart is sequentially consistent ----
  row('lr.w', Format.Lr, OPC_AMO | f3(2) | f5(0x02), 0xf9f0707f, 'A', 'X[rd] = this.loadReserved(X[rs1], pc, ic);'),
  row('sc.w', Format.Amo, OPC_AMO | f3(2) | f5(0x03), AMO_MASK, 'A',
    'X[rd] = this.storeConditional(X[rs1], X[rs2], pc, ic);'),
  amo('amoswap.w', 0x01, AmoOp.Swap),
  amo('amoadd.w', 0x00, AmoOp.Add),
  amo('amoxor.w', 0x04, AmoOp.Xor),
  amo('amoand.w', 0x0c, AmoOp.And),
  amo('amoor.w', 0x08, AmoOp.Or),
  amo('amomin.w', 0x10, AmoOp.Min),
  amo('amomax.w', 0x14, AmoOp.Max),
  amo('amominu.w', 0x18, AmoOp.MinU),
  amo('amomaxu.w', 0x1c, AmoOp.MaxU),

  // ---- Zicsr (chapter 9) ----
  csr('csrrw', 1, CsrOp.Write, false),
  csr('csrrs', 2, CsrOp.Set, false),
  csr('csrrc', 3, CsrOp.Clear, false),
  csr('csrrwi', 5, CsrOp.Write, true),
  csr('csrrsi', 6, CsrOp.Set, true),
  csr('csrrci', 7, CsrOp.Clear, true),

  // ---- Privileged (Privileged spec 3.3, 4.2.1) ----
  row('sret', Format.None, 0x10200073, EXACT, 'Priv', 'pc = this.sret();', { control: true, sync: true }),
  row('mret', Format.None, 0x30200073, EXACT, 'Priv', 'pc = this.mret();', { control: true, sync: true }),
  row('wfi', Format.None, 0x10500073, EXACT, 'Priv', '{ this.checkWfi(); EXIT(VmExit.Wfi); }', { control: true, sync: true }),
  row('sfence.vma', Format.Sfence, 0x12000073, 0xfe007fff, 'Priv', 'this.sfenceVma();', { sync: true }),
];

/** Index of a mnemonic in INSTRUCTIONS (throws on a typo: the table is fixed). */
export function opIndex(mnemonic: string): number {
  const i = INSTRUCTIONS.findIndex((s) => s.mnemonic === mnemonic);
  if (i < 0) throw new Error(`no instruction ${mnemonic} in the ISA table`);
  return i;
}
