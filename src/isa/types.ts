/** Shared shapes of the ISA table. */

/** Instruction formats (Unprivileged spec 2.2, 2.3) plus the operand layouts the disassembler needs. */
export const enum Format {
  R,
  I,
  S,
  B,
  U,
  J,
  /** Immediate shift: rd, rs1, shamt. */
  Shift,
  /** Zicsr with a register source: rd, csr, rs1. */
  Csr,
  /** Zicsr with a 5-bit immediate in the rs1 field: rd, csr, uimm. */
  CsrImm,
  /** A-extension read-modify-write: rd, rs2, (rs1). */
  Amo,
  /** lr.w: rd, (rs1). */
  Lr,
  /** fence pred, succ. */
  Fence,
  /** No operands (ecall, mret, wfi, fence.i ...). */
  None,
  /** sfence.vma rs1, rs2. */
  Sfence,
}

export type Extension = 'I' | 'M' | 'A' | 'C' | 'Zicsr' | 'Zifencei' | 'Priv';

/** One row of the 32-bit instruction table. */
export interface InstructionSpec {
  readonly mnemonic: string;
  readonly format: Format;
  readonly match: number;
  readonly mask: number;
  readonly extension: Extension;
  /**
   * Semantics in the table's snippet language (see instructions.ts). The
   * interpreter is generated from these snippets; so will be the translator.
   */
  readonly exec: string;
  /** The snippet sets `pc` itself (branches, jumps, xRET). */
  readonly control?: boolean;
  /** Branches: the condition of the snippet's `if` (the branch is taken when it holds). */
  readonly condition?: string;
  /** The snippet calls a hart method that needs `this.pc` and `this.icount` in sync. */
  readonly sync?: boolean;
}

/** One row of the compressed (RVC) table: an encoding and how it expands. */
export interface CompressedSpec {
  readonly mnemonic: string;
  readonly match: number;
  readonly mask: number;
  /**
   * The equivalent 32-bit instruction (Unprivileged spec 16: "each RVC
   * instruction expands into a single base instruction"), or `undefined` when
   * this particular bit pattern is reserved.
   */
  readonly expand: (h: number) => Expansion | undefined;
}

/** A decoded instruction in the shape every consumer uses. */
export interface Decoded {
  /** Index into INSTRUCTIONS, or -1 when the word is not a valid instruction. */
  readonly op: number;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  /** Immediate, shift amount, or CSR number, depending on the format. */
  readonly imm: number;
  /** Length in bytes: 2 (compressed) or 4. */
  readonly length: 2 | 4;
  /** The raw instruction bits (16 or 32). */
  readonly bits: number;
  /** For compressed instructions, the RVC table row; otherwise undefined. */
  readonly compressed?: CompressedSpec;
}

/** What an RVC encoding expands to: a base mnemonic and its operand fields. */
export interface Expansion {
  readonly mnemonic: string;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
}
