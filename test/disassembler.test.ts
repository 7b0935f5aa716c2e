/**
 * The disassembler against GNU objdump 2.40: every instruction line objdump
 * printed for every guest ELF (test/golden/symbols/objdump/) and for every
 * encoding of the ISA sweep (test/golden/symbols/sweep/) must come out of
 * src/isa/disassembler.ts, fed in objdump's order and with the symbols
 * layer's objdump-compatible symbolizer, character for character.
 * Regenerate the data with `node scripts/gen-symbols-golden.mjs`.
 *
 * objdump shows words the hart rejects as instructions in a few places
 * (test/isa-golden.test.ts lists them with their spec sections); there the
 * disassembler prints `.4byte`/`.2byte` like for any other illegal word, and
 * each such divergence is a rule below that must match at least one word.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../src/elf/elf-file.js';
import { csrName, Disassembler, disassembleOne } from '../src/isa/disassembler.js';
import { ElfSymbols } from '../src/symbols/elf-symbols.js';

const GOLDEN = new URL('./golden/symbols/', import.meta.url);
const REPO = new URL('../', import.meta.url);

/** One instruction line of objdump output. */
interface Line {
  readonly address: number;
  readonly bytes: string;
  readonly text: string;
  /** Index of the line in the file, to tell consecutive instructions from ones with something between. */
  readonly lineNo: number;
}

interface Listing {
  readonly sections: { name: string; lines: Line[] }[];
}

const INSN = /^ *([0-9a-f]+):\t([0-9a-f]{4}(?: [0-9a-f]{4})*|[0-9a-f]{8}) +\t(.*)$/;

/** objdump's instruction lines by section; data shown as `.word`/`.short`/hex dumps is skipped. */
function parseObjdump(text: string): Listing {
  const sections: Listing['sections'] = [];
  text.split('\n').forEach((raw, lineNo) => {
    const sec = /^Disassembly of section (\S+):$/.exec(raw);
    if (sec) { sections.push({ name: sec[1]!, lines: [] }); return; }
    const m = INSN.exec(raw);
    if (!m || sections.length === 0) return;
    const bytes = m[2]!;
    if (bytes.includes(' ')) return; // a hex dump of an object in a code section
    const text = m[3]!;
    if (/^\.(word|short|byte)\t/.test(text)) return; // $d mapping-symbol data
    sections[sections.length - 1]!.lines.push({ address: parseInt(m[1]!, 16), bytes, text, lineNo });
  });
  return { sections };
}

/** Words objdump decodes that the hart rejects (or the reverse), each with why: see isa-golden.test.ts. */
const DIVERGENCES: { name: string; applies: (bytes: string) => boolean; ours: (bytes: string) => string }[] = [
  {
    name: 'RV32 shift-immediate with shamt[5] = 1 (Unpriv 2.4.1: not an RV32I instruction)',
    applies: (b) => b.length === 8 && isShift32(parseInt(b, 16)),
    ours: (b) => `.4byte\t0x${parseInt(b, 16).toString(16)}`,
  },
  {
    name: 'RV32C shift with shamt[5] = 1 (RVC listing: RV32 custom)',
    applies: (b) => b.length === 4 && ((parseInt(b, 16) & 0xf003) === 0x1002 || (parseInt(b, 16) & 0xf803) === 0x9001),
    ours: (b) => `.2byte\t0x${parseInt(b, 16).toString(16)}`,
  },
  {
    name: 'C.ADDI16SP with nzimm = 0 (RVC listing: reserved)',
    applies: (b) => b === '6101',
    ours: () => '.2byte\t0x6101',
  },
  {
    name: 'URET and DRET (not in this hart: Privileged spec 3.3.2)',
    applies: (b) => b === '00200073' || b === '7b200073',
    ours: (b) => `.4byte\t0x${parseInt(b, 16).toString(16)}`,
  },
];

function isShift32(w: number): boolean {
  if ((w & 0x7f) !== 0x13) return false;
  const f3 = (w >>> 12) & 7, f7 = w >>> 25;
  return (f3 === 1 && f7 === 0x01) || (f3 === 5 && (f7 === 0x01 || f7 === 0x21));
}

interface Outcome { checked: number; mismatches: string[]; divergences: Map<string, number> }

/** Feeds every objdump instruction line of `listing` to one Disassembler, as objdump does, and compares. */
function compare(elfBytes: Uint8Array, listing: Listing, name: string): Outcome {
  const elf = new ElfFile(elfBytes, name);
  const syms = new ElfSymbols(elf);
  let sectionIndex = 0;
  const dis = new Disassembler({
    symbolize: (a) => syms.objdumpSymbolize(a, sectionIndex),
    globalPointer: syms.address('__global_pointer$'),
    privSpec: syms.privSpecVersion(),
  });
  const out: Outcome = { checked: 0, mismatches: [], divergences: new Map() };
  for (const section of listing.sections) {
    sectionIndex = elf.sections.findIndex((s) => s.name === section.name);
    const sec = elf.sections[sectionIndex]!;
    const data = elf.sectionData(sec);
    let prev: Line | undefined;
    let prevLength = 0;
    for (const line of section.lines) {
      const off = line.address - sec.addr;
      const lo = data[off]! | (data[off + 1]! << 8);
      const hi = (data[off + 2] ?? 0) | ((data[off + 3] ?? 0) << 8);
      dis.setArch(syms.archAt(line.address));
      const got = dis.next(line.address, lo, hi);
      out.checked++;
      const where = `${name} ${line.address.toString(16)} (${line.bytes})`;
      const rawHex = got.length === 2 ? lo.toString(16).padStart(4, '0') : ((hi << 16 | lo) >>> 0).toString(16).padStart(8, '0');
      if (rawHex !== line.bytes) out.mismatches.push(`${where}: length ${got.length}, bytes ${rawHex}`);
      // Instructions on consecutive lines must follow each other: our lengths split the bytes like objdump's.
      if (prev !== undefined && line.lineNo === prev.lineNo + 1 && prev.address + prevLength !== line.address) {
        out.mismatches.push(`${where}: follows ${prev.address.toString(16)} of length ${prevLength}`);
      }
      const rule = DIVERGENCES.find((d) => d.applies(line.bytes));
      if (rule !== undefined) {
        out.divergences.set(rule.name, (out.divergences.get(rule.name) ?? 0) + 1);
        if (got.text !== rule.ours(line.bytes)) out.mismatches.push(`${where}: rule "${rule.name}": ours "${got.text}"`);
      } else if (got.text !== line.text) {
        out.mismatches.push(`${where}: objdump "${line.text}", ours "${got.text}"`);
      }
      prev = line;
      prevLength = got.length;
    }
  }
  return out;
}

const objdumpFiles = readdirSync(new URL('objdump/', GOLDEN)).filter((f) => f.endsWith('.txt')).sort();

function elfPathFor(golden: string): URL {
  const firstLine = readFileSync(new URL(`objdump/${golden}`, GOLDEN), 'utf8').split('\n', 1)[0]!;
  const m = /objdump -d (\S+\.elf)$/.exec(firstLine);
  if (!m) throw new Error(`${golden}: no ELF path in its header`);
  return new URL(m[1]!, REPO);
}

describe('disassembler vs objdump -d of every guest', () => {
  let total = 0;
  for (const file of objdumpFiles) {
    it(file.replace(/\.txt$/, ''), () => {
      const listing = parseObjdump(readFileSync(new URL(`objdump/${file}`, GOLDEN), 'utf8'));
      const r = compare(readFileSync(elfPathFor(file)), listing, file);
      total += r.checked;
      expect(r.checked).toBeGreaterThan(10);
      expect(r.mismatches.slice(0, 20)).toEqual([]);
    });
  }
  it('covered tens of thousands of instructions', () => {
    expect(total).toBeGreaterThan(40_000);
  });
});

describe('disassembler vs objdump -d over every encoding (aliases, CSR names, comments)', () => {
  const seen = new Map<string, number>();
  for (const name of ['rv32', 'rvc']) {
    it(name, () => {
      const text = gunzipSync(readFileSync(new URL(`sweep/${name}.txt.gz`, GOLDEN))).toString('utf8');
      const listing = parseObjdump(text);
      const r = compare(readFileSync(new URL(`sweep/${name}.elf`, GOLDEN)), listing, name);
      for (const [k, v] of r.divergences) seen.set(k, (seen.get(k) ?? 0) + v);
      expect(r.checked).toBeGreaterThan(name === 'rv32' ? 36_000 : 65_000);
      expect(r.mismatches.slice(0, 30)).toEqual([]);
    });
  }
  it('every divergence rule is used', () => {
    for (const d of DIVERGENCES) expect(seen.get(d.name) ?? 0, d.name).toBeGreaterThan(0);
  });
});

describe('disassembler API', () => {
  it('prints targets through the symbolizer and a stateless one-off', () => {
    const d = disassembleOne(0x80000000, 0x006f, 0x0040, { symbolize: (a) => (a === 0x80000004 ? 'next' : undefined) });
    expect(d.text).toBe('j\t80000004 <next>');
    expect(d.target).toBe(0x80000004);
    expect(disassembleOne(0, 0x8082).text).toBe('ret');
  });
  it('names CSRs for the privileged spec in use', () => {
    expect(csrName(0x000, '1.11')).toBe('ustatus');
    expect(csrName(0x000, '1.12')).toBe('0x0');
    expect(csrName(0x30a, '1.12')).toBe('menvcfg');
    expect(csrName(0x30a, '1.11')).toBe('0x30a');
  });
});
