#!/usr/bin/env node
/**
 * Regenerates the ISA golden data in test/golden/isa/ with GNU binutils, so the
 * decoder tests compare src/isa against an independent implementation without
 * needing the toolchain at test time.
 *
 *   node scripts/gen-isa-golden.mjs
 *
 * Needs riscv64-unknown-elf-{as,ld,objdump} on PATH (binutils 2.40 made the
 * committed files); set RISCV_PREFIX to use another triple. The output is
 * deterministic: operands come from a fixed-seed generator, so re-running with
 * the same binutils rewrites identical files.
 *
 * Files written (formats are described in each file's header):
 *   rv32.tsv       32-bit words: every RV32IMA/Zicsr/Zifencei/privileged
 *                  mnemonic over many operands, hand-picked edge encodings, and
 *                  a sweep over every (opcode, funct3, funct7).
 *   rvc.tsv        every 16-bit halfword (low bits != 11) objdump decodes;
 *                  halfwords not listed are ones objdump rejects.
 *   csr-names.tsv  the CSR names objdump prints, with their numbers, so a
 *                  test can turn `csrrw x1,mstatus,x2` back into 0x300.
 *
 * The tests interpret objdump's text themselves; this script only runs the
 * tools and strips what does not describe the instruction (comments, symbols).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = process.env.RISCV_PREFIX ?? 'riscv64-unknown-elf-';
const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'golden', 'isa');

/** The hart's ISA without C, so `as` never compresses; zihintpause makes objdump name `pause`. */
const MARCH_32 = 'rv32ima_zicsr_zifencei_zihintpause';
/** With C, and without F/D: objdump reads this from .riscv.attributes, so c.flw/c.fld... are rejected. */
const MARCH_16 = 'rv32imac_zicsr_zifencei';
/** Link address: far enough from 0 that no branch or jump target below wraps. */
const TEXT_BASE = 0x200000;
/**
 * Privileged spec version for CSR names. `as` records its default (1.11) in
 * .riscv.attributes only when a source names a CSR instruction, and objdump
 * falls back to its newest (1.12) otherwise, so the version is pinned on both.
 */
const PRIV_SPEC = '1.12';
/** -z: do not collapse runs of zero bytes into "...", every halfword gets a line. */
const OBJDUMP_FLAGS = ['-d', '-z', '-M', `no-aliases,numeric,priv-spec=${PRIV_SPEC}`];

// ---- Deterministic operands --------------------------------------------------

/** xorshift32 with a fixed seed: the golden files must not change between runs. */
let rngState = 0x5eed1234;
function random32() {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return rngState >>> 0;
}
/** A random integer in [lo, hi]. */
const randomIn = (lo, hi) => lo + (random32() % (hi - lo + 1));
const x = (n) => `x${n}`;

/**
 * `count` register triples in which every register appears in every position
 * at least once (a rotation), followed by random triples.
 */
function registerTriples(count) {
  const out = [];
  for (let i = 0; i < 32; i++) out.push([i, (i * 7 + 3) % 32, (i * 13 + 5) % 32]);
  while (out.length < count) out.push([randomIn(0, 31), randomIn(0, 31), randomIn(0, 31)]);
  return out;
}

/** Boundary values of a signed `width`-bit field scaled by `align`, plus powers of two and random values. */
function signedImmediates(width, align, randomCount) {
  const max = 2 ** (width - 1) - align;
  const min = -(2 ** (width - 1));
  const set = new Set([min, min + align, -align, 0, align, max - align, max]);
  for (let p = Math.log2(align); p < width - 1; p++) {
    set.add(2 ** p);
    set.add(-(2 ** p));
  }
  for (let i = 0; i < randomCount; i++) set.add(randomIn(min / align, max / align) * align);
  return [...set];
}

/** One line per (operands, immediate), cycling registers so each appears in each position. */
function withImmediates(immediates, minLines, line) {
  const regs = registerTriples(Math.max(minLines, immediates.length));
  return regs.map((r, i) => line(r, immediates[i % immediates.length]));
}

// ---- Section 1: every mnemonic, assembled by `as` ------------------------------

function mnemonicSection() {
  const lines = [];
  const add = (...l) => lines.push(...l);

  const rOps = ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
    'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'];
  for (const op of rOps) add(...registerTriples(64).map(([d, s1, s2]) => `${op} ${x(d)}, ${x(s1)}, ${x(s2)}`));

  const imm12 = () => signedImmediates(12, 1, 16);
  for (const op of ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi']) {
    add(...withImmediates(imm12(), 48, ([d, s1], imm) => `${op} ${x(d)}, ${x(s1)}, ${imm}`));
  }
  for (const op of ['lb', 'lh', 'lw', 'lbu', 'lhu', 'jalr']) {
    add(...withImmediates(imm12(), 48, ([d, s1], imm) => `${op} ${x(d)}, ${imm}(${x(s1)})`));
  }
  for (const op of ['sb', 'sh', 'sw']) {
    add(...withImmediates(imm12(), 48, ([, s1, s2], imm) => `${op} ${x(s2)}, ${imm}(${x(s1)})`));
  }
  // Every shift amount, twice, with different registers.
  const shamts = [...Array(32).keys(), ...Array(32).keys()];
  for (const op of ['slli', 'srli', 'srai']) {
    add(...withImmediates(shamts, 64, ([d, s1], sh) => `${op} ${x(d)}, ${x(s1)}, ${sh}`));
  }
  // Branch and jump targets relative to this instruction (`.`): both signs, the extremes.
  for (const op of ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']) {
    add(...withImmediates(signedImmediates(13, 2, 16), 48, ([, s1, s2], off) => `${op} ${x(s1)}, ${x(s2)}, .${off < 0 ? '' : '+'}${off}`));
  }
  add(...withImmediates(signedImmediates(21, 2, 24), 48, ([d], off) => `jal ${x(d)}, .${off < 0 ? '' : '+'}${off}`));
  const imm20 = [0, 1, 2, 0x7fffe, 0x7ffff, 0x80000, 0x80001, 0xffffe, 0xfffff];
  for (let p = 0; p < 20; p++) imm20.push(2 ** p);
  for (let i = 0; i < 16; i++) imm20.push(randomIn(0, 0xfffff));
  for (const op of ['lui', 'auipc']) {
    add(...withImmediates(imm20, 48, ([d], imm) => `${op} ${x(d)}, 0x${imm.toString(16)}`));
  }

  // A: every aq/rl combination over several register choices.
  const ordering = ['', '.aq', '.rl', '.aqrl'];
  const amos = ['sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w',
    'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w'];
  for (const op of amos) {
    for (const ord of ordering) {
      add(...registerTriples(40).slice(-8).map(([d, s1, s2]) => `${op}${ord} ${x(d)}, ${x(s2)}, (${x(s1)})`));
    }
  }
  for (const ord of ordering) add(...registerTriples(40).slice(-8).map(([d, s1]) => `lr.w${ord} ${x(d)}, (${x(s1)})`));
  // Register cycling for A as well, without ordering bits.
  add(...registerTriples(32).map(([d, s1, s2]) => `amoadd.w ${x(d)}, ${x(s2)}, (${x(s1)})`));
  add(...registerTriples(32).map(([d, s1]) => `lr.w ${x(d)}, (${x(s1)})`));

  // Zicsr: csrrs over all 4096 CSR numbers; the other five over a spread of them.
  for (let csr = 0; csr < 4096; csr++) add(`csrrs ${x(randomIn(0, 31))}, 0x${csr.toString(16)}, ${x(randomIn(0, 31))}`);
  const someCsrs = [0x000, 0x001, 0x002, 0x003, 0x015, 0x100, 0x104, 0x105, 0x106, 0x140, 0x141, 0x142, 0x143,
    0x144, 0x180, 0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x306, 0x310, 0x340, 0x341, 0x342, 0x343, 0x344,
    0x7a0, 0x7b0, 0xb00, 0xb02, 0xb80, 0xc00, 0xc01, 0xc02, 0xc1f, 0xc80, 0xc9f, 0xf11, 0xf14, 0xfff];
  for (let i = 0; i < 22; i++) someCsrs.push(randomIn(0, 0xfff));
  for (const op of ['csrrw', 'csrrc']) {
    add(...withImmediates(someCsrs, 64, ([d, s1], csr) => `${op} ${x(d)}, 0x${csr.toString(16)}, ${x(s1)}`));
  }
  for (const op of ['csrrwi', 'csrrsi', 'csrrci']) {
    // The rotation's second register number doubles as the 5-bit immediate, covering 0..31.
    add(...withImmediates(someCsrs, 64, ([d, uimm], csr) => `${op} ${x(d)}, 0x${csr.toString(16)}, ${uimm}`));
  }
  // objdump prints `csrrw x0,cycle,x0` as `unimp` even with no-aliases; keep one on purpose.
  add('csrrw x0, 0xc00, x0');

  // fence: every pred/succ pair. `as` spells a set only when it is non-empty, so
  // pairs with an empty set go through .insn (fm = 0, rd = rs1 = 0 like `as`).
  const sets = ['', 'w', 'r', 'rw', 'o', 'ow', 'or', 'orw', 'i', 'iw', 'ir', 'irw', 'io', 'iow', 'ior', 'iorw'];
  for (let pred = 0; pred < 16; pred++) {
    for (let succ = 0; succ < 16; succ++) {
      add(pred && succ ? `fence ${sets[pred]}, ${sets[succ]}` : `.insn i MISC_MEM, 0, x0, x0, ${(pred << 4) | succ}`);
    }
  }
  add('fence', 'fence.tso', 'pause', 'fence.i', 'ecall', 'ebreak', 'sret', 'mret', 'wfi');
  add(...registerTriples(40).map(([, s1, s2]) => `sfence.vma ${x(s1)}, ${x(s2)}`));
  return lines;
}

// ---- Section 2: hand-picked encodings `as` will not produce from a mnemonic ----

/** [word, why it is here]; the test decides which side is right. */
const EDGE_WORDS = [
  [0x02011093, 'slli x1,x2 with inst[25] = 1 (shamt 32): RV32I has 5-bit shift amounts'],
  [0x02015093, 'srli with inst[25] = 1'],
  [0x42015093, 'srai with inst[25] = 1'],
  [0x7e015093, 'srai-like with funct7 = 0111111'],
  [0x0ff0f08f, 'fence iorw,iorw with rd = rs1 = x1 (reserved fields, Unpriv 2.7)'],
  [0x9ff0000f, 'fence with fm = 1001 (reserved fm, Unpriv 2.7)'],
  [0x8ff0000f, 'fence with fm = 1000 but pred/succ != rw,rw (not fence.tso)'],
  [0x833000af, 'fence.tso bits with rd = x1'],
  [0x0100008f, 'pause bits with rd = x1'],
  [0xfff0900f, 'fence.i with imm, rs1 and rd set (reserved fields, Zifencei)'],
  [0x0000108f, 'fence.i with rd = x1'],
  [0x0000200f, 'MISC-MEM funct3 = 2 (unassigned here)'],
  [0x00008073, 'ecall with rs1 = x1'],
  [0x000000f3, 'ecall with rd = x1'],
  [0x00100473, 'ebreak with rd = x8'],
  [0x00200073, 'uret (N extension, not implemented)'],
  [0x7b200073, 'dret (debug mode, not implemented)'],
  [0x30200473, 'mret with rd = x8'],
  [0x10500573, 'wfi with rd = x10'],
  [0x10208073, 'sret with rs1 = x1'],
  [0x120000f3, 'sfence.vma with rd = x1'],
  [0x12001073, 'sfence.vma bits with funct3 = 1: that is csrrw x0, 0x120, x0'],
  [0x102120af, 'lr.w with rs2 = x2'],
  [0x100120af, 'lr.w with rs2 = x0 (valid)'],
  [0x0000306f, 'jal x0 with odd-looking bits (valid: every J pattern is jal)'],
  [0x00001067, 'jalr with funct3 = 1'],
  [0x00002063, 'branch funct3 = 2'],
  [0x00003003, 'load funct3 = 3 (ld, RV64 only)'],
  [0x00006003, 'load funct3 = 6 (lwu, RV64 only)'],
  [0x00003023, 'store funct3 = 3 (sd, RV64 only)'],
  [0x0000301b, 'OP-IMM-32 (RV64 only)'],
  [0x0000003b, 'OP-32 (RV64 only)'],
  [0x0000302f, 'AMO funct3 = 3 (.d, RV64 only)'],
  [0x0000202f, 'AMO funct5 = 00000 (amoadd.w x0,x0,(x0))'],
  [0x2800202f, 'AMO funct5 = 00101 (unassigned)'],
  [0x00004073, 'SYSTEM funct3 = 4 (unassigned)'],
  [0x00000013, 'addi x0,x0,0 (nop)'],
  [0x00000033, 'add x0,x0,x0'],
  [0xffffff83, 'load funct3 = 7 with every other bit set'],
];

// ---- Section 3: one word per (major opcode, funct3, funct7) --------------------

/** Major opcodes of 32-bit instructions (inst[1:0] = 11, inst[4:2] != 111). */
function majorOpcodes() {
  const out = [];
  for (let op = 3; op < 128; op += 4) if (((op >>> 2) & 7) !== 7) out.push(op);
  return out;
}

function sweepWords() {
  const words = [];
  for (const opc of majorOpcodes()) {
    for (let f3 = 0; f3 < 8; f3++) {
      for (let f7 = 0; f7 < 128; f7++) {
        // Random rd/rs1/rs2, but x0 one time in four each, so fields that must
        // be zero (lr.w rs2, sfence.vma rd, SYSTEM rd/rs1) are zero sometimes.
        const field = () => (random32() % 4 === 0 ? 0 : randomIn(1, 31));
        const w = (f7 << 25) | (field() << 20) | (field() << 15) | (f3 << 12) | (field() << 7) | opc;
        words.push(w >>> 0);
      }
    }
  }
  return words;
}

// ---- Running the tools ---------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'isa-golden-'));

function tool(name, args) {
  try {
    return execFileSync(`${PREFIX}${name}`, args, { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (err) {
    throw new Error(`${PREFIX}${name} ${args.join(' ')} failed:\n${err.stderr ?? err.message}`);
  }
}

/** One disassembled instruction: address, the bytes objdump showed (hex), and its text. */
function disassemble(name, source, march) {
  writeFileSync(join(tmp, `${name}.s`), source);
  tool('as', [`-march=${march}`, '-mabi=ilp32', `-mpriv-spec=${PRIV_SPEC}`, '-mno-relax', '-o', `${name}.o`, `${name}.s`]);
  // Branches to `.+n` leave relocations in the object; linking resolves them so
  // the words objdump reads are final.
  tool('ld', ['-m', 'elf32lriscv', '--no-relax', `-Ttext=0x${TEXT_BASE.toString(16)}`, '-e', `0x${TEXT_BASE.toString(16)}`,
    '-o', `${name}.elf`, `${name}.o`]);
  const out = tool('objdump', [...OBJDUMP_FLAGS, `${name}.elf`]);
  const rows = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t(.*)$/.exec(line);
    if (!m) continue;
    const text = m[3]
      .replace(/\s+#.*$/, '') // address comments (`# 7ff <...>`)
      .replace(/\s*<[^>]*>/g, '') // symbol names after targets
      .trim()
      .replace(/\s+/, '\t'); // mnemonic<TAB>operands
    rows.push({ address: parseInt(m[1], 16), bytes: m[2], text });
  }
  return rows;
}

const header = (lines) => lines.map((l) => `# ${l}`).join('\n') + '\n';
const binutils = tool('objdump', ['--version']).split('\n')[0];
const hex8 = (n) => (n >>> 0).toString(16).padStart(8, '0');
const hex4 = (n) => n.toString(16).padStart(4, '0');

/** An assembly file; `rvc` says whether the C extension is enabled (.option rvc). */
function program(body, rvc) {
  return [`\t.option ${rvc ? 'rvc' : 'norvc'}`, '\t.text', ...body.map((l) => `\t${l}`), ''].join('\n');
}

function rv32Section(name, body) {
  const rows = disassemble(name, program(body, false), MARCH_32);
  if (rows.length !== body.length) throw new Error(`${name}: ${body.length} source lines but ${rows.length} instructions`);
  return rows.map((r) => {
    if (r.bytes.length !== 8) throw new Error(`${name}: unexpected ${r.bytes.length / 2}-byte instruction at ${r.address.toString(16)}`);
    return `${r.address.toString(16)}\t${r.bytes}\t${r.text}`;
  });
}

function writeRv32() {
  const mnemonics = rv32Section('mnemonics', mnemonicSection());
  const edge = rv32Section('edge', EDGE_WORDS.map(([w]) => `.insn 0x${hex8(w)}`));
  const sweep = rv32Section('sweep', sweepWords().map((w) => `.insn 0x${hex8(w)}`));
  const text =
    header([
      `Golden RV32 decodes from ${binutils}.`,
      `Words assembled by GNU as -march=${MARCH_32} -mpriv-spec=${PRIV_SPEC} (no C: nothing is compressed),`,
      `linked at 0x${TEXT_BASE.toString(16)}, disassembled with objdump ${OBJDUMP_FLAGS.join(' ')}.`,
      'Regenerate: node scripts/gen-isa-golden.mjs (do not edit by hand).',
      'Columns: address, word (hex), mnemonic, operands (objdump text; `# ...` comments and <symbols> removed).',
      'Branch and jump operands are absolute target addresses; `.4byte` means objdump rejected the word.',
      'Sections: mnemonics = every instruction from its mnemonic, many operands;',
      '  edge = hand-picked words (reserved fields, RV64-only and removed encodings);',
      '  sweep = one word per (major opcode, funct3, funct7) with random registers.',
    ]) +
    ['@mnemonics', ...mnemonics, '@edge', ...edge, '@sweep', ...sweep, ''].join('\n');
  writeFileSync(join(OUT_DIR, 'rv32.tsv'), text);
  return { mnemonics: mnemonics.length, edge: edge.length, sweep: sweep.length };
}

function writeRvc() {
  // Halfword v sits at address TEXT_BASE + 2v. Values whose low bits are 11
  // would start a 32-bit instruction, so a c.nop holds their place.
  const body = [];
  for (let v = 0; v < 0x10000; v++) body.push(`.insn 0x${hex4((v & 3) === 3 ? 0x0001 : v)}`);
  const rows = disassemble('rvc', program(body, true), MARCH_16);
  if (rows.length !== 0x10000) throw new Error(`rvc: expected 65536 halfwords, got ${rows.length}`);
  const valid = [];
  let rejected = 0;
  for (const r of rows) {
    const v = (r.address - TEXT_BASE) / 2;
    if ((v & 3) === 3) continue;
    if (r.bytes !== hex4(v)) throw new Error(`rvc: halfword ${hex4(v)} disassembled as bytes ${r.bytes}`);
    if (r.text.startsWith('.2byte')) rejected++;
    else valid.push(`${hex4(v)}\t${r.text}`);
  }
  // If objdump did not pick the arch up from .riscv.attributes it would assume
  // F/D and decode these as c.fld / c.flw, and the golden data would be wrong.
  for (const fpOnly of [0x2000, 0x6000, 0xa002, 0xe002]) {
    if (!rows[fpOnly].text.startsWith('.2byte')) throw new Error(`rvc: objdump decoded ${hex4(fpOnly)} as ${rows[fpOnly].text}; is F/D in the arch?`);
  }
  const text =
    header([
      `Golden RVC decodes from ${binutils}: every halfword whose low two bits are not 11.`,
      `Assembled with .insn by GNU as -march=${MARCH_16} (objdump reads that arch, without F/D,`,
      `from .riscv.attributes), disassembled with objdump ${OBJDUMP_FLAGS.join(' ')}.`,
      'Regenerate: node scripts/gen-isa-golden.mjs (do not edit by hand).',
      'Columns: halfword (hex), mnemonic, operands. Only halfwords objdump decodes are listed;',
      `the other ${rejected} (printed as .2byte) are ones objdump rejects.`,
      `Halfword v was at address 0x${TEXT_BASE.toString(16)} + 2*v: branch and jump operands are absolute targets.`,
    ]) +
    [`@base\t${TEXT_BASE.toString(16)}`, ...valid, ''].join('\n');
  writeFileSync(join(OUT_DIR, 'rvc.tsv'), text);
  return { valid: valid.length, rejected };
}

function writeCsrNames() {
  const body = [];
  for (let csr = 0; csr < 4096; csr++) body.push(`csrrs x0, 0x${csr.toString(16)}, x0`);
  const rows = disassemble('csr', program(body, false), MARCH_32);
  const lines = [];
  const seen = new Map();
  rows.forEach((r, csr) => {
    const name = r.text.split('\t')[1]?.split(',')[1];
    if (name === undefined) throw new Error(`csr 0x${csr.toString(16)}: unexpected ${r.text}`);
    if (/^0x[0-9a-f]+$/.test(name)) return; // printed as a number: nothing to map
    if (seen.has(name)) throw new Error(`CSR name ${name} printed for both 0x${seen.get(name).toString(16)} and 0x${csr.toString(16)}`);
    seen.set(name, csr);
    lines.push(`${csr.toString(16).padStart(3, '0')}\t${name}`);
  });
  const text =
    header([
      `CSR names printed by ${binutils} (objdump ${OBJDUMP_FLAGS.join(' ')}),`,
      'from `csrrs x0, N, x0` for every N; numbers it prints as hex are not listed.',
      'Regenerate: node scripts/gen-isa-golden.mjs (do not edit by hand).',
      'Columns: CSR number (hex), name.',
    ]) + [...lines, ''].join('\n');
  writeFileSync(join(OUT_DIR, 'csr-names.tsv'), text);
  return { named: lines.length };
}

try {
  const rv32 = writeRv32();
  const rvc = writeRvc();
  const csr = writeCsrNames();
  console.log(`wrote ${OUT_DIR}: rv32 ${JSON.stringify(rv32)}, rvc ${JSON.stringify(rvc)}, csr ${JSON.stringify(csr)}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
