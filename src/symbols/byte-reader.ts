/**
 * A cursor over little-endian DWARF data (DWARF 5 section 7: LEB128 numbers,
 * the 32-bit DWARF format, 4-byte addresses on RV32). Values beyond 2^53 are
 * not expected in RV32 debug info; 64-bit fields are read as numbers.
 */

/** A user-facing problem with debug information (malformed or unsupported DWARF). */
export class DwarfError extends Error {
  override readonly name = 'DwarfError';
}

export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, public offset = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new DwarfError(`debug information is truncated (reading ${n} bytes at offset 0x${this.offset.toString(16)})`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  i8(): number {
    return (this.u8() << 24) >> 24;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  i16(): number {
    return (this.u16() << 16) >> 16;
  }

  u24(): number {
    return this.u16() | (this.u8() << 16);
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  i32(): number {
    return this.u32() | 0;
  }

  /** A 64-bit value; exact below 2^53, which covers every RV32 address and size. */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi * 0x100000000 + lo;
  }

  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  }

  sleb(): number {
    let result = 0;
    let scale = 1;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    if (b & 0x40) result -= scale;
    return result;
  }

  /** A NUL-terminated UTF-8 string. */
  cstr(): string {
    let end = this.offset;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    const s = new TextDecoder().decode(this.bytes.subarray(this.offset, end));
    this.offset = end + 1;
    return s;
  }

  bytesOf(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8). */
  unsigned(size: number): number {
    switch (size) {
      case 1: return this.u8();
      case 2: return this.u16();
      case 4: return this.u32();
      case 8: return this.u64();
      default: throw new DwarfError(`unsupported ${size}-byte field in debug information`);
    }
  }

  /** The unit length of the 32-bit DWARF format; the 64-bit format is rejected. */
  unitLength(): number {
    const len = this.u32();
    if (len === 0xffffffff) throw new DwarfError('64-bit DWARF is not supported (RV32 guests use the 32-bit format)');
    if (len >= 0xfffffff0) throw new DwarfError(`reserved DWARF unit length 0x${len.toString(16)}`);
    return len;
  }
}

/** The NUL-terminated string at `offset` of a string section. */
export function stringAt(section: Uint8Array | undefined, offset: number): string {
  if (section === undefined || offset >= section.length) throw new DwarfError(`string offset 0x${offset.toString(16)} is outside its section`);
  let end = offset;
  while (end < section.length && section[end] !== 0) end++;
  return new TextDecoder().decode(section.subarray(offset, end));
}
