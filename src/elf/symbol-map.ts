/** Address-to-symbol lookup over an ELF's function and object symbols. */
import { SymbolType, type ElfFile, type ElfSymbol } from './elf-file.js';

export class SymbolMap {
  private readonly sorted: ElfSymbol[];

  /** The symbols of `elf`; none without one (a raw kernel Image has no symbol table). */
  constructor(elf: ElfFile | undefined) {
    this.sorted = (elf?.symbols() ?? [])
      .filter((s) => (s.type === SymbolType.Func || s.type === SymbolType.Object || s.type === SymbolType.NoType) &&
        // Not undefined (0) or reserved section indices (SHN_ABS 0xfff1, SHN_COMMON ...): those are not code or data addresses.
        s.name.length > 0 && s.sectionIndex !== 0 && s.sectionIndex < 0xff00 && !s.name.startsWith('$') && !s.name.startsWith('.L'))
      .sort((a, b) => a.value - b.value);
  }

  /** The symbol containing `address` (or the nearest one below it), as `name+0xoff`. */
  describe(address: number): string | undefined {
    const a = address >>> 0;
    let lo = 0;
    let hi = this.sorted.length - 1;
    let best: ElfSymbol | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.sorted[mid]!;
      if (s.value <= a) { best = s; lo = mid + 1; } else hi = mid - 1;
    }
    if (best === undefined) return undefined;
    if (best.size > 0 && a >= best.value + best.size) return undefined;
    const off = a - best.value;
    return off === 0 ? best.name : `${best.name}+0x${off.toString(16)}`;
  }

  /** The address of a symbol by name. */
  address(name: string): number | undefined {
    return this.sorted.find((s) => s.name === name)?.value;
  }
}
