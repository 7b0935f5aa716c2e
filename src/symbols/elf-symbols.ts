/**
 * ELF-level symbol knowledge on top of ElfFile: which section holds an
 * address, address <-> symbol+offset, and the exact nearest-symbol rules GNU
 * objdump uses for `<symbol+off>` (so disassembly matches it byte for byte),
 * plus the RISC-V attributes that choose CSR names.
 *
 * The objdump rules (binutils 2.40 objdump.c, observed behaviour): symbols
 * are sorted by value, and among equal values functions before objects,
 * global before local, larger size first, then by name; FILE, SECTION and
 * undefined symbols and RISC-V mapping symbols ($x, $d) are never used. An
 * address takes the last symbol at or below it (preferring one in the section
 * being disassembled when several share that value), or, below every symbol,
 * the first one with a negative offset.
 */
import { SymbolType, type ElfFile, type ElfSymbol, type Section } from '../elf/elf-file.js';
import type { PrivSpecVersion } from '../isa/disassembler.js';

const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const SHN_COMMON = 0xfff2;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const STT_TLS = 6;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

/** A symbol in objdump's sorted table. */
interface SortedSymbol {
  readonly symbol: ElfSymbol;
  readonly index: number;
}

/** Whether a symbol name is a RISC-V mapping symbol ($x, $d, $xrv32i2p1...), psABI "Mapping Symbol". */
export function isMappingSymbol(name: string): boolean {
  return name === '$d' || name === '$x' || name.startsWith('$x') || name.startsWith('$d.');
}

/** A mapping-symbol region: code (`$x`) or data (`$d`) from `address` on, in one section. */
export interface MappingRegion {
  readonly address: number;
  readonly sectionIndex: number;
  readonly kind: 'code' | 'data';
}

export class ElfSymbols {
  private readonly sorted: SortedSymbol[];
  private readonly byName = new Map<string, ElfSymbol>();
  /** Function and object symbols with a size, by address, for symbol+offset lookups a debugger shows. */
  private readonly sized: ElfSymbol[];
  /** Symbols gdb turns into minimal symbols, by address. */
  private readonly gdbSymbols: ElfSymbol[];
  /** `$x<isa>` mapping symbols by address. */
  private readonly archSymbols: ElfSymbol[];

  constructor(readonly elf: ElfFile) {
    const useful = elf.symbols()
      .map((symbol, index) => ({ symbol, index }))
      .filter(({ symbol: s }) => s.name !== '' && s.type !== SymbolType.File && s.type !== SymbolType.Section &&
        s.sectionIndex !== SHN_UNDEF && s.sectionIndex !== SHN_COMMON);
    this.sorted = useful.sort((a, b) => compareSymbols(a.symbol, b.symbol));
    for (const { symbol } of this.sorted) {
      if (isMappingSymbol(symbol.name)) continue;
      const prev = this.byName.get(symbol.name);
      if (prev === undefined || (prev.bind === STB_LOCAL && symbol.bind !== STB_LOCAL)) this.byName.set(symbol.name, symbol);
    }
    this.gdbSymbols = elf.symbols()
      .filter((s) => s.name !== '' && s.type !== SymbolType.File && s.type !== SymbolType.Section &&
        s.sectionIndex !== SHN_UNDEF && s.sectionIndex < 0xff00 && !isMappingSymbol(s.name) && !s.name.startsWith('.L'))
      // gdb orders minimal symbols by address, then by name.
      .sort((a, b) => a.value - b.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.archSymbols = this.sorted.map((s) => s.symbol).filter((s) => s.name.startsWith('$xrv'));
    this.sized = elf.symbols()
      .filter((s) => (s.type === SymbolType.Func || s.type === SymbolType.Object) && s.sectionIndex !== SHN_UNDEF &&
        s.sectionIndex !== SHN_ABS && s.name !== '')
      .sort((a, b) => a.value - b.value || b.size - a.size);
  }

  /** The allocated section containing `address`, if any. */
  sectionAt(address: number): { section: Section; index: number } | undefined {
    const a = address >>> 0;
    const i = this.elf.sections.findIndex((s) => (s.flags & SHF_ALLOC) !== 0 && s.size > 0 && a >= s.addr && a < s.addr + s.size);
    return i < 0 ? undefined : { section: this.elf.sections[i]!, index: i };
  }

  /** The sections holding instructions (SHF_EXECINSTR), in file order. */
  codeSections(): { section: Section; index: number }[] {
    return this.elf.sections.map((section, index) => ({ section, index }))
      .filter(({ section }) => (section.flags & SHF_EXECINSTR) !== 0 && (section.flags & SHF_ALLOC) !== 0);
  }

  /** The address of a symbol by name (globals before locals; mapping symbols never). */
  address(name: string): number | undefined {
    return this.byName.get(name)?.value;
  }

  /** The symbol record by name. */
  symbol(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  /**
   * The function or object symbol whose extent [value, value + size) holds
   * `address` (the innermost, i.e. the one starting last), as name and offset.
   */
  containing(address: number): { name: string; offset: number; symbol: ElfSymbol } | undefined {
    const a = address >>> 0;
    let best: ElfSymbol | undefined;
    for (const s of this.sized) {
      if (s.value > a) break;
      if (a < s.value + Math.max(s.size, 1)) best = s;
    }
    return best === undefined ? undefined : { name: best.name, offset: a - best.value, symbol: best };
  }

  /**
   * objdump's `<symbol+0xoff>` text for `address` while disassembling the
   * section with index `sectionIndex` (the tie-break among equal values), or
   * undefined when the file has no usable symbol.
   */
  objdumpSymbolize(address: number, sectionIndex: number): string | undefined {
    const vma = address >>> 0;
    const syms = this.sorted;
    const n = syms.length;
    if (n === 0) return undefined;
    // Binary search over (min, max]: ends with the last symbol at or below vma, or index 0.
    let min = 0;
    let max = n;
    while (min + 1 < max) {
      const mid = (min + max) >> 1;
      const v = syms[mid]!.symbol.value;
      if (v > vma) max = mid;
      else if (v < vma) min = mid;
      else { min = mid; break; }
    }
    let place = min;
    const valueAt = (i: number): number => syms[i]!.symbol.value;
    while (place > 0 && valueAt(place) === valueAt(place - 1)) place--;
    // Prefer a valid symbol of the current section among those with this value.
    let i = place;
    while (i < max && valueAt(i) === valueAt(place)) {
      if (syms[i]!.symbol.sectionIndex === sectionIndex && valid(syms[i]!)) return format(syms[i]!.symbol, vma);
      i++;
    }
    if (!valid(syms[place]!)) {
      let found = -1;
      for (let j = i - 1; j >= 0; j--) {
        if (!valid(syms[j]!)) continue;
        if (found >= 0 && valueAt(j) !== valueAt(found)) break;
        found = j;
      }
      if (found < 0) {
        for (let j = place + 1; j < n; j++) if (valid(syms[j]!)) { found = j; break; }
      }
      if (found < 0) return undefined;
      place = found;
    }
    return format(syms[place]!.symbol, vma);
  }

  /**
   * gdb's `<symbol+offset>` for an address shown as a pointer: the closest
   * symbol at or below it in the same section (a sized symbol must contain
   * it, else the nearest zero-sized one above that symbol is used); data
   * symbols of size 0 are not used; GCC's `.N` suffixes of static locals
   * are dropped. Offsets are decimal. Addresses outside every section have none.
   */
  gdbSymbolize(address: number): string | undefined {
    const m = this.gdbMinimalSymbol(address);
    if (m === undefined) return undefined;
    const a = address >>> 0;
    return a === m.value ? m.name : `${m.name}+${a - m.value}`;
  }

  /** The minimal symbol gdb would name for `address` (see gdbSymbolize), with the `.N` suffix dropped. */
  gdbMinimalSymbol(address: number): { name: string; value: number } | undefined {
    const a = address >>> 0;
    const sec = this.sectionAt(a);
    if (sec === undefined) return undefined;
    const code = (sec.section.flags & SHF_EXECINSTR) !== 0;
    let bestZero: ElfSymbol | undefined;
    let chosen: ElfSymbol | undefined;
    const candidates = this.gdbSymbols.filter((s) => s.sectionIndex === sec.index && s.value <= a);
    for (let i = candidates.length - 1; i >= 0; i--) {
      const s = candidates[i]!;
      if (s.size === 0) {
        if (bestZero === undefined) bestZero = s;
        continue;
      }
      chosen = a < s.value + s.size ? s : bestZero;
      break;
    }
    chosen ??= bestZero;
    if (chosen === undefined) return undefined;
    if (chosen.size === 0 && !code) return undefined;
    return { name: chosen.name.replace(/\.[0-9]+$/, ''), value: chosen.value };
  }

  /** The RISC-V mapping-symbol regions ($x code, $d data), sorted by address. */
  mappingRegions(): MappingRegion[] {
    return this.elf.symbols()
      .filter((s) => isMappingSymbol(s.name) && s.sectionIndex !== SHN_UNDEF)
      .map((s) => ({ address: s.value, sectionIndex: s.sectionIndex, kind: s.name.startsWith('$d') ? 'data' as const : 'code' as const }))
      .sort((a, b) => a.address - b.address);
  }

  /**
   * The ISA string objdump uses at `address`: the last `$x<isa>` mapping
   * symbol at or below it (a bare `$x` keeps the ISA in effect), else the
   * file's Tag_RISCV_arch.
   */
  archAt(address: number): string | undefined {
    let arch = this.fileArch;
    for (const s of this.archSymbols) {
      if (s.value > address >>> 0) break;
      arch = s.name.slice(2);
    }
    return arch;
  }

  private get fileArch(): string | undefined {
    const a = readRiscvAttributes(this.elf).get(TAG_ARCH);
    return typeof a === 'string' ? a : undefined;
  }

  /** The privileged-spec version from .riscv.attributes (Tag_RISCV_priv_spec), default 1.12 as objdump assumes. */
  privSpecVersion(): PrivSpecVersion {
    const attrs = readRiscvAttributes(this.elf);
    const major = attrs.get(TAG_PRIV_SPEC);
    const minor = attrs.get(TAG_PRIV_SPEC_MINOR);
    if (major === 1 && typeof minor === 'number' && minor < 12) return '1.11';
    return '1.12';
  }
}

function valid(s: SortedSymbol): boolean {
  return !isMappingSymbol(s.symbol.name) && s.symbol.name !== '.L0 ';
}

function format(sym: ElfSymbol, vma: number): string {
  if (sym.value === vma) return sym.name;
  return sym.value > vma ? `${sym.name}-0x${(sym.value - vma).toString(16)}` : `${sym.name}+0x${(vma - sym.value).toString(16)}`;
}

/** objdump's symbol order for equal values: functions, objects, globals, larger sizes, non-dot names, then by name. */
function compareSymbols(a: ElfSymbol, b: ElfSymbol): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const fileLike = (s: ElfSymbol): boolean => s.name.length > 2 && s.name[s.name.length - 2] === '.' && /[oa]$/.test(s.name);
  const af = fileLike(a), bf = fileLike(b);
  if (af !== bf) return af ? 1 : -1;
  const isFunc = (s: ElfSymbol): boolean => s.type === SymbolType.Func;
  if (isFunc(a) !== isFunc(b)) return isFunc(a) ? -1 : 1;
  const isObj = (s: ElfSymbol): boolean => s.type === SymbolType.Object;
  if (isObj(a) !== isObj(b)) return isObj(a) ? -1 : 1;
  const isLocal = (s: ElfSymbol): boolean => s.bind === STB_LOCAL;
  if (isLocal(a) !== isLocal(b)) return isLocal(a) ? 1 : -1;
  const isGlobal = (s: ElfSymbol): boolean => s.bind === STB_GLOBAL;
  if (isGlobal(a) !== isGlobal(b)) return isGlobal(a) ? -1 : 1;
  if (a.size !== b.size) return a.size > b.size ? -1 : 1;
  const ad = a.name.startsWith('.'), bd = b.name.startsWith('.');
  if (ad !== bd) return ad ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const TAG_ARCH = 5;
const TAG_PRIV_SPEC = 8;
const TAG_PRIV_SPEC_MINOR = 10;

/**
 * The integer tags of the "riscv" subsection of .riscv.attributes (psABI
 * "RISC-V ELF Attributes": a version byte 'A', then subsections of
 * length + vendor name + Tag_File sub-subsections of ULEB128 tag/value pairs;
 * even tags take ULEB128 values, odd tags NUL-terminated strings).
 */
export function readRiscvAttributes(elf: ElfFile): Map<number, number | string> {
  const out = new Map<number, number | string>();
  const sec = elf.sections.find((s) => s.name === '.riscv.attributes');
  if (sec === undefined) return out;
  const b = elf.sectionData(sec);
  if (b[0] !== 0x41) return out;
  let p = 1;
  const u32 = (o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  const uleb = (): number => {
    let result = 0, shift = 0, byte: number;
    do { byte = b[p++]!; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return result;
  };
  while (p + 4 <= b.length) {
    const len = u32(p);
    const end = p + len;
    let q = p + 4;
    let vendor = '';
    while (q < end && b[q] !== 0) vendor += String.fromCharCode(b[q++]!);
    q++;
    if (vendor === 'riscv') {
      while (q < end) {
        const tag = b[q]!;
        const subLen = u32(q + 1);
        const subEnd = q + subLen;
        p = q + 5;
        if (tag === 1) {
          while (p < subEnd) {
            const t = uleb();
            if (t % 2 === 0) out.set(t, uleb());
            else {
              let s = '';
              while (p < subEnd && b[p] !== 0) s += String.fromCharCode(b[p++]!);
              p++;
              out.set(t, s);
            }
          }
        }
        q = subEnd;
      }
    }
    p = end;
    if (len === 0) break;
  }
  return out;
}

export { SHN_ABS, STT_TLS };
