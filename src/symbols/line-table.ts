/**
 * .debug_line: the line-number programs (DWARF 5 section 6.2, and the
 * DWARF 4 header), run into rows of the line table. Each program is read
 * from its own header, so the whole section can be decoded without
 * .debug_info; file and directory tables of DWARF 5 may use DW_FORM_line_strp
 * (.debug_line_str), DW_FORM_strp, DW_FORM_string, and MD5 data16 fields.
 */
import { ByteReader, DwarfError, stringAt } from './byte-reader.js';
import { Form } from './dwarf-constants.js';

const enum Lns {
  Copy = 1, AdvancePc = 2, AdvanceLine = 3, SetFile = 4, SetColumn = 5, NegateStmt = 6, SetBasicBlock = 7,
  ConstAddPc = 8, FixedAdvancePc = 9, SetPrologueEnd = 10, SetEpilogueBegin = 11, SetIsa = 12,
}
const enum Lne { EndSequence = 1, SetAddress = 2, DefineFile = 3, SetDiscriminator = 4 }
const enum Lnct { Path = 1, DirectoryIndex = 2, Timestamp = 3, Size = 4, Md5 = 5 }

/** One row of a line table (DWARF 5 table 6.3 registers). */
export interface LineRow {
  readonly address: number;
  /** Index into the program's `files`. */
  readonly file: number;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly basicBlock: boolean;
  readonly endSequence: boolean;
  readonly prologueEnd: boolean;
  readonly epilogueBegin: boolean;
  readonly discriminator: number;
  /**
   * The location view number (as readelf counts it): rows at one address
   * are numbered 0, 1, 2...; it restarts when an opcode advances the address,
   * but not for DW_LNS_fixed_advance_pc (which assemblers use when they
   * cannot know whether the advance is zero, as with RISC-V relaxation).
   */
  readonly view: number;
}

export interface LineFile {
  readonly name: string;
  /** The directory as written in the table (may be relative to the compilation directory). */
  readonly directory: string;
  /** directory/name, or name when it is absolute or has no directory. */
  readonly path: string;
}

export interface LineProgram {
  /** Offset of the program in .debug_line (what DW_AT_stmt_list refers to). */
  readonly offset: number;
  readonly version: number;
  readonly directories: readonly string[];
  readonly files: readonly LineFile[];
  readonly rows: readonly LineRow[];
}

export interface LineSections {
  readonly line: Uint8Array;
  readonly lineStr?: Uint8Array;
  readonly str?: Uint8Array;
}

/** Decodes every line-number program in .debug_line, in section order. */
export function readLinePrograms(sections: LineSections): LineProgram[] {
  const out: LineProgram[] = [];
  const r = new ByteReader(sections.line);
  while (r.offset < sections.line.length) out.push(readProgram(r, sections));
  return out;
}

/** Decodes the program at `offset`. */
export function readLineProgramAt(sections: LineSections, offset: number): LineProgram {
  return readProgram(new ByteReader(sections.line, offset), sections);
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * Steps over one value of `form` in a line-number program header (the
 * forms DWARF 5 7.5.6 allows there, 32-bit DWARF), whatever content it
 * describes.
 */
function skipForm(r: ByteReader, form: number): void {
  switch (form) {
    case Form.Data1: case Form.Flag: case Form.Strx1: r.offset += 1; break;
    case Form.Data2: case Form.Strx2: r.offset += 2; break;
    case Form.Strx3: r.offset += 3; break;
    case Form.Data4: case Form.Strp: case Form.LineStrp: case Form.StrpSup: case Form.SecOffset: case Form.Strx4: r.offset += 4; break;
    case Form.Data8: r.offset += 8; break;
    case Form.Data16: r.offset += 16; break;
    case Form.Udata: case Form.Strx: r.uleb(); break;
    case Form.Sdata: r.sleb(); break;
    case Form.String: r.cstr(); break;
    case Form.Block1: r.offset += r.u8(); break;
    case Form.Block2: r.offset += r.u16(); break;
    case Form.Block4: r.offset += r.u32(); break;
    case Form.Block: r.offset += r.uleb(); break;
    default: throw new DwarfError(`unsupported form 0x${form.toString(16)} in a .debug_line entry`);
  }
  if (r.offset > r.bytes.length) throw new DwarfError('debug information is truncated (a .debug_line header entry runs past the section)');
}

function readProgram(r: ByteReader, sections: LineSections): LineProgram {
  const offset = r.offset;
  const length = r.unitLength();
  const end = r.offset + length;
  const version = r.u16();
  if (version < 2 || version > 5) throw new DwarfError(`unsupported .debug_line version ${version} at 0x${offset.toString(16)}`);
  if (version >= 5) {
    const addressSize = r.u8();
    r.u8(); // segment selector size
    if (addressSize !== 4) throw new DwarfError(`.debug_line at 0x${offset.toString(16)} has ${addressSize}-byte addresses; RV32 uses 4`);
  }
  const headerLength = r.u32();
  const programStart = r.offset + headerLength;
  const minInstLength = r.u8();
  const maxOps = version >= 4 ? r.u8() : 1;
  if (maxOps !== 1) throw new DwarfError('VLIW line tables (maximum_operations_per_instruction > 1) are not supported');
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  const standardLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(r.u8());

  const directories: string[] = [];
  const files: LineFile[] = [];
  const str = (form: number): string => {
    switch (form) {
      case Form.String: return r.cstr();
      case Form.LineStrp: return stringAt(sections.lineStr, r.u32());
      case Form.Strp: return stringAt(sections.str, r.u32());
      default: throw new DwarfError(`unsupported form 0x${form.toString(16)} for a path in .debug_line (strx and supplementary-file strings need a split or supplementary object)`);
    }
  };
  const num = (form: number): number => {
    switch (form) {
      case Form.Udata: return r.uleb();
      case Form.Data1: return r.u8();
      case Form.Data2: return r.u16();
      case Form.Data4: return r.u32();
      case Form.Data8: return r.u64();
      default: throw new DwarfError(`unsupported form 0x${form.toString(16)} for a directory index in .debug_line`);
    }
  };
  const readEntries = (): { path: string; dir: number }[] => {
    const formatCount = r.u8();
    const format: [number, number][] = [];
    for (let i = 0; i < formatCount; i++) format.push([r.uleb(), r.uleb()]);
    const count = r.uleb();
    const entries: { path: string; dir: number }[] = [];
    for (let i = 0; i < count; i++) {
      let path = '';
      let dir = 0;
      for (const [type, form] of format) {
        if (type === Lnct.Path) path = str(form);
        else if (type === Lnct.DirectoryIndex) dir = num(form);
        // Timestamps, sizes, MD5 digests and vendor-defined content (such as
        // LLVM's embedded source) are skipped by their form (DWARF 5 6.2.4.2).
        else skipForm(r, form);
      }
      entries.push({ path, dir });
    }
    return entries;
  };
  const addFile = (name: string, dirIndex: number): void => {
    const directory = directories[dirIndex] ?? '';
    files.push({ name, directory, path: joinPath(directory, name) });
  };

  if (version >= 5) {
    for (const d of readEntries()) directories.push(d.path);
    for (const f of readEntries()) addFile(f.path, f.dir);
  } else {
    // DWARF 4: directory 0 is the compilation directory (not listed), files count from 1.
    directories.push('');
    for (let s = r.cstr(); s !== ''; s = r.cstr()) directories.push(s);
    files.push({ name: '', directory: '', path: '' });
    for (let s = r.cstr(); s !== ''; s = r.cstr()) {
      const dir = r.uleb();
      r.uleb();
      r.uleb();
      addFile(s, dir);
    }
  }

  r.offset = programStart;
  const rows: LineRow[] = [];
  let address = 0, file = 1, line = 1, column = 0, isStmt = defaultIsStmt, basicBlock = false;
  let prologueEnd = false, epilogueBegin = false, discriminator = 0, view = 0;
  const reset = (): void => {
    address = 0; file = 1; line = 1; column = 0; isStmt = defaultIsStmt; basicBlock = false;
    prologueEnd = false; epilogueBegin = false; discriminator = 0; view = 0;
  };
  const emit = (endSequence: boolean): void => {
    rows.push({ address, file, line, column, isStmt, basicBlock, endSequence, prologueEnd, epilogueBegin, discriminator, view });
    view++;
    basicBlock = false; prologueEnd = false; epilogueBegin = false; discriminator = 0;
  };
  const advance = (delta: number): void => {
    address = (address + delta) >>> 0;
    if (delta !== 0) view = 0;
  };
  while (r.offset < end) {
    const op = r.u8();
    if (op >= opcodeBase) {
      const adjusted = op - opcodeBase;
      advance(Math.floor(adjusted / lineRange) * minInstLength);
      line += lineBase + (adjusted % lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = r.uleb();
        const next = r.offset + len;
        const sub = r.u8();
        if (sub === Lne.EndSequence) {
          emit(true);
          reset();
        } else if (sub === Lne.SetAddress) {
          address = r.unsigned(len - 1) >>> 0;
          view = 0;
        } else if (sub === Lne.DefineFile) {
          const name = r.cstr();
          const dir = r.uleb();
          addFile(name, dir);
        } else if (sub === Lne.SetDiscriminator) {
          discriminator = r.uleb();
        }
        r.offset = next;
        break;
      }
      case Lns.Copy: emit(false); break;
      case Lns.AdvancePc: advance(r.uleb() * minInstLength); break;
      case Lns.AdvanceLine: line += r.sleb(); break;
      case Lns.SetFile: file = r.uleb(); break;
      case Lns.SetColumn: column = r.uleb(); break;
      case Lns.NegateStmt: isStmt = !isStmt; break;
      case Lns.SetBasicBlock: basicBlock = true; break;
      case Lns.ConstAddPc: advance(Math.floor((255 - opcodeBase) / lineRange) * minInstLength); break;
      case Lns.FixedAdvancePc: address = (address + r.u16()) >>> 0; break;
      case Lns.SetPrologueEnd: prologueEnd = true; break;
      case Lns.SetEpilogueBegin: epilogueBegin = true; break;
      case Lns.SetIsa: r.uleb(); break;
      default:
        for (let i = 0; i < standardLengths[op]!; i++) r.uleb();
    }
  }
  r.offset = end;
  return { offset, version, directories, files, rows };
}
