/** Builds small ELF files in memory for loader, bad-input and symbols tests. */

export interface ElfSpec {
  /** 1 = 32-bit, 2 = 64-bit. */
  readonly cls?: number;
  readonly machine?: number;
  readonly type?: number;
  readonly entry?: number;
  /** Loadable segments: physical address and contents. */
  readonly segments?: readonly { readonly paddr: number; readonly data: Uint8Array; readonly memsz?: number }[];
  /**
   * Sections (after the null section; a .shstrtab is added last). Without
   * any, the file has no section header table.
   */
  readonly sections?: readonly ElfSectionSpec[];
}

export interface ElfSectionSpec {
  readonly name: string;
  readonly data: Uint8Array;
  /** SHT_* (default SHT_PROGBITS). */
  readonly type?: number;
  /** SHF_* (default none: a non-allocated section such as .debug_info). */
  readonly flags?: number;
  readonly addr?: number;
}

const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;

/** An ELF32 executable (or a header-only file of another class/machine). */
export function makeElf(spec: ElfSpec = {}): Uint8Array {
  const segs = spec.segments ?? [{ paddr: 0x80000000, data: new Uint8Array([0x73, 0x00, 0x10, 0x00]) }];
  const phoff = 52;
  const dataOff = phoff + 32 * segs.length;
  const segmentsEnd = dataOff + segs.reduce((n, s) => n + s.data.length, 0);
  const sections = spec.sections ?? [];
  // Section contents, then .shstrtab, then the section header table (4-byte aligned).
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const shstrtab: number[] = [];
  const nameOffsets = names.map((n) => {
    const at = shstrtab.length;
    for (const c of new TextEncoder().encode(n)) shstrtab.push(c);
    shstrtab.push(0);
    return at;
  });
  let cursor = segmentsEnd;
  const sectionOffsets = sections.map((s) => { const at = cursor; cursor += s.data.length; return at; });
  const shstrtabOffset = cursor;
  cursor += shstrtab.length;
  const shoff = sections.length === 0 ? 0 : (cursor + 3) & ~3;
  const total = sections.length === 0 ? segmentsEnd : shoff + 40 * names.length;
  const out = new Uint8Array(Math.max(total, 64));
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 1, 1, 1]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, spec.entry ?? segs[0]?.paddr ?? 0, true);
  dv.setUint32(28, phoff, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(42, 32, true);
  dv.setUint16(44, segs.length, true);
  dv.setUint16(46, 40, true);
  let off = dataOff;
  segs.forEach((s, i) => {
    const p = phoff + 32 * i;
    dv.setUint32(p, 1, true);
    dv.setUint32(p + 4, off, true);
    dv.setUint32(p + 8, s.paddr, true);
    dv.setUint32(p + 12, s.paddr, true);
    dv.setUint32(p + 16, s.data.length, true);
    dv.setUint32(p + 20, s.memsz ?? s.data.length, true);
    dv.setUint32(p + 24, 5, true);
    out.set(s.data, off);
    off += s.data.length;
  });
  if (sections.length > 0) {
    dv.setUint32(32, shoff, true);
    dv.setUint16(48, names.length, true);
    dv.setUint16(50, names.length - 1, true);
    const header = (index: number, type: number, flags: number, addr: number, offset: number, size: number): void => {
      const h = shoff + 40 * index;
      dv.setUint32(h, nameOffsets[index]!, true);
      dv.setUint32(h + 4, type, true);
      dv.setUint32(h + 8, flags, true);
      dv.setUint32(h + 12, addr, true);
      dv.setUint32(h + 16, offset, true);
      dv.setUint32(h + 20, size, true);
      dv.setUint32(h + 32, 1, true);
    };
    sections.forEach((s, i) => {
      out.set(s.data, sectionOffsets[i]!);
      header(i + 1, s.type ?? SHT_PROGBITS, s.flags ?? 0, s.addr ?? 0, sectionOffsets[i]!, s.data.length);
    });
    out.set(shstrtab, shstrtabOffset);
    header(names.length - 1, SHT_STRTAB, 0, 0, shstrtabOffset, shstrtab.length);
  }
  return out;
}
