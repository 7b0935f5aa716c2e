/**
 * ELF32 little-endian RISC-V reader (System V gABI, RISC-V psABI): header,
 * program headers, section headers and the symbol table. Hand-written because
 * it is small, needs no dependencies and must give precise errors for bad
 * input (see README "Why some parts are hand-written").
 */

/** A user-facing problem with an ELF file (not a bug): the CLI prints its message. */
export class ElfError extends Error {
  override readonly name = 'ElfError';
}

export const enum SegmentType {
  Load = 1,
}

export const enum SectionType {
  Null = 0,
  ProgBits = 1,
  SymTab = 2,
  StrTab = 3,
  NoBits = 8,
}

export const enum SymbolType {
  NoType = 0,
  Object = 1,
  Func = 2,
  Section = 3,
  File = 4,
}

export interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
}

export interface Section {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: SymbolType;
  readonly bind: number;
  readonly sectionIndex: number;
}

const EM_RISCV = 243;
const ET_EXEC = 2;
const ET_DYN = 3;

export class ElfFile {
  readonly entry: number;
  readonly type: number;
  readonly flags: number;
  readonly segments: readonly Segment[];
  readonly sections: readonly Section[];
  private symbolCache: readonly ElfSymbol[] | undefined;
  private readonly view: DataView;

  /** Parses `bytes`; `name` is used in error messages. Throws ElfError for anything that is not an RV32 ELF. */
  constructor(readonly bytes: Uint8Array, readonly name = 'input') {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
      throw new ElfError(`${name} is not an ELF file (no \\x7fELF magic)`);
    }
    if (bytes.length < 52) throw new ElfError(`${name} is truncated: its ELF header is incomplete`);
    const cls = bytes[4];
    if (cls === 2) throw new ElfError(`${name} is a 64-bit ELF; Retrovisor runs 32-bit RISC-V (RV32) programs`);
    if (cls !== 1) throw new ElfError(`${name} has an invalid ELF class ${cls}`);
    if (bytes[5] !== 1) throw new ElfError(`${name} is big-endian; RISC-V ELF files are little-endian`);
    const machine = this.u16(18);
    if (machine !== EM_RISCV) throw new ElfError(`${name} is an ELF for machine ${machine} (${machineName(machine)}), not RISC-V`);
    this.type = this.u16(16);
    if (this.type !== ET_EXEC && this.type !== ET_DYN) {
      throw new ElfError(`${name} is not an executable (ELF type ${this.type}); link it first`);
    }
    this.entry = this.u32(24);
    this.flags = this.u32(36);
    this.segments = this.readSegments();
    this.sections = this.readSections();
  }

  private u16(off: number): number {
    return this.view.getUint16(off, true);
  }

  private u32(off: number): number {
    return this.view.getUint32(off, true);
  }

  private checkRange(off: number, len: number, what: string): void {
    if (off < 0 || len < 0 || off + len > this.bytes.length) {
      throw new ElfError(`${this.name} is truncated: ${what} lies outside the file (offset ${off}, ${len} bytes, file is ${this.bytes.length} bytes)`);
    }
  }

  private readSegments(): Segment[] {
    const phoff = this.u32(28);
    const phentsize = this.u16(42);
    const phnum = this.u16(44);
    if (phnum === 0) return [];
    if (phentsize < 32) throw new ElfError(`${this.name} has a bad program header size ${phentsize}`);
    this.checkRange(phoff, phentsize * phnum, 'the program header table');
    const out: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      const seg: Segment = {
        type: this.u32(o),
        offset: this.u32(o + 4),
        vaddr: this.u32(o + 8),
        paddr: this.u32(o + 12),
        filesz: this.u32(o + 16),
        memsz: this.u32(o + 20),
        flags: this.u32(o + 24),
      };
      if (seg.type === SegmentType.Load) {
        this.checkRange(seg.offset, seg.filesz, `segment ${i}`);
        if (seg.memsz < seg.filesz) throw new ElfError(`${this.name}: segment ${i} has memsz < filesz`);
      }
      out.push(seg);
    }
    return out;
  }

  private readSections(): Section[] {
    const shoff = this.u32(32);
    const shentsize = this.u16(46);
    const shnum = this.u16(48);
    const shstrndx = this.u16(50);
    if (shoff === 0 || shnum === 0) return [];
    if (shentsize < 40) throw new ElfError(`${this.name} has a bad section header size ${shentsize}`);
    this.checkRange(shoff, shentsize * shnum, 'the section header table');
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      raw.push({
        nameOff: this.u32(o),
        type: this.u32(o + 4),
        flags: this.u32(o + 8),
        addr: this.u32(o + 12),
        offset: this.u32(o + 16),
        size: this.u32(o + 20),
        link: this.u32(o + 24),
        info: this.u32(o + 28),
        entsize: this.u32(o + 36),
      });
    }
    const strtab = raw[shstrndx];
    return raw.map((s) => {
      if (s.type !== SectionType.NoBits && s.type !== SectionType.Null) this.checkRange(s.offset, s.size, 'a section');
      const name = strtab !== undefined ? this.cString(strtab.offset + s.nameOff, strtab.offset + strtab.size) : '';
      return { name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size, link: s.link, info: s.info, entsize: s.entsize };
    });
  }

  private cString(off: number, limit: number): string {
    let end = off;
    const max = Math.min(limit, this.bytes.length);
    while (end < max && this.bytes[end] !== 0) end++;
    return new TextDecoder().decode(this.bytes.subarray(off, end));
  }

  /** The PT_LOAD segments, in file order. */
  loadSegments(): Segment[] {
    return this.segments.filter((s) => s.type === SegmentType.Load && s.memsz > 0);
  }

  /** The first section with this name. */
  section(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The contents of a section (empty for NOBITS). */
  sectionData(section: Section): Uint8Array {
    if (section.type === SectionType.NoBits) return new Uint8Array(0);
    return this.bytes.subarray(section.offset, section.offset + section.size);
  }

  /** Every symbol of .symtab (empty if the file is stripped). */
  symbols(): readonly ElfSymbol[] {
    if (this.symbolCache !== undefined) return this.symbolCache;
    const out: ElfSymbol[] = [];
    const symtab = this.sections.find((s) => s.type === SectionType.SymTab);
    if (symtab !== undefined) {
      const strtab = this.sections[symtab.link];
      const entsize = symtab.entsize || 16;
      for (let o = symtab.offset; o + 16 <= symtab.offset + symtab.size; o += entsize) {
        const info = this.bytes[o + 12]!;
        out.push({
          name: strtab !== undefined ? this.cString(strtab.offset + this.u32(o), strtab.offset + strtab.size) : '',
          value: this.u32(o + 4),
          size: this.u32(o + 8),
          type: (info & 0xf) as SymbolType,
          bind: info >>> 4,
          sectionIndex: this.u16(o + 14),
        });
      }
    }
    this.symbolCache = out;
    return out;
  }

  /** The value of the first symbol with this name. */
  symbol(name: string): ElfSymbol | undefined {
    return this.symbols().find((s) => s.name === name);
  }
}

function machineName(machine: number): string {
  switch (machine) {
    case 3: return 'x86';
    case 40: return 'ARM';
    case 62: return 'x86-64';
    case 183: return 'AArch64';
    case 8: return 'MIPS';
    default: return 'unknown';
  }
}
