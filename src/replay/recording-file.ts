/**
 * The `.rvr` recording file: the one module that reads and writes it. The
 * format is specified in docs/recording-format.md; keep the two in step, and
 * bump FORMAT_VERSION (while still reading or clearly refusing old files)
 * whenever the bytes change.
 *
 *   file   := magic header block*
 *   header := version:u16 flags:u16 length:u32 json crc32:u32
 *   block  := type:4 ascii, flags:u8, 3 reserved, rawLength:u32, storedLength:u32, crc32:u32, payload
 */
import { closeSync, openSync, readFileSync, writeSync, fsyncSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as lz4 from 'lz4js';
import { InputSource } from '../host/host-input.js';
import { ByteReader, ByteWriter, DecodeError, crc32 } from './bytes.js';

export const RECORDING_MAGIC = Uint8Array.of(0x52, 0x56, 0x52, 0x43, 0x0d, 0x0a, 0x1a, 0x0a); // "RVRC\r\n\x1a\n"
/**
 * Version of the bytes on disk. Bump it when they change. Version 2 added
 * kernel guests (header guest.kind, initrd, drive; IMAG roles kernel, initrd,
 * drive); version 1 files (ELF programs) are still read.
 */
export const FORMAT_VERSION = 2;
const BLOCK_HEADER_SIZE = 20;
/** Blocks larger than this are refused as damaged (a sane bound for fuzzed lengths). */
const MAX_BLOCK = 1 << 30;
/** The largest image (program, kernel, initrd, disk) a recording can embed: a block, less room for its metadata. */
export const MAX_IMAGE_BYTES = MAX_BLOCK - 64 * 1024;
const BLOCK_FLAG_LZ4 = 1;

/** A recording that cannot be used; the message says what is wrong and what to do. */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

export interface MachineConfig {
  readonly board: 'virt';
  readonly isa: string;
  readonly memory: number;
  readonly stepsPerTick: number;
  readonly timebaseHz: number;
}

export interface RecordingHeader {
  /** The Retrovisor version that wrote the file. */
  readonly producer: string;
  readonly machine: MachineConfig;
  readonly guest: {
    /** The program's file name as given to `record` (informational). */
    readonly program: string;
    /** SHA-256 of the program image, embedded in an IMAG block. */
    readonly image: string;
    /** Guest arguments as given (the command line itself is a recorded input). */
    readonly args: readonly string[];
    readonly bootArgs?: string;
    /** "kernel": `image` is a raw Linux Image booted under the built-in SBI (version 2). Absent: an ELF program. */
    readonly kind?: 'program' | 'kernel';
    /** SHA-256 of the kernel's initrd, embedded in an IMAG block (kernel guests). */
    readonly initrd?: string;
    /** SHA-256 of the disk image behind virtio-blk, embedded in an IMAG block (kernel guests). */
    readonly drive?: string;
  };
  /** Steps between periodic state checks. */
  readonly digestInterval: number;
  /** "virtual" (mtime follows icount) or "host" (mtime readings are inputs). */
  readonly clock: 'virtual' | 'host';
}

/** A compact check of the machine state: pc and 16-bit hashes of four state groups. */
export interface StateCheck {
  readonly pc: number;
  /** Hashes of: registers (x, pc, priv, counts), CSRs, devices and monitor, memory written since the last check. */
  readonly groups: readonly [number, number, number, number];
  /** x1..x31 (present on checks after input events, for divergence reports). */
  readonly registers?: Int32Array;
}

export interface RecordedEvent {
  readonly icount: number;
  readonly source: InputSource;
  /** pc of the instruction that asked (or at whose boundary console input arrived). */
  readonly pc: number;
  /** CRC-32 of the question for synchronous inputs (0 for console input). */
  readonly questionHash: number;
  readonly payload: Uint8Array;
  /** The state when the input arrived, before it took effect. */
  before?: StateCheck;
  /** The state right after the input took effect (at the next instruction boundary). */
  after?: StateCheck;
}

/**
 * The inputs of the icount range [start, end] (a later chunk may hold more
 * inputs at icount `end`), and the periodic checks at multiples of the
 * interval in (start, end].
 */
export interface EventChunk {
  readonly start: number;
  readonly end: number;
  readonly events: readonly RecordedEvent[];
  readonly periodic: readonly StateCheck[];
}

/** What an embedded image is: the ELF program, the kernel Image, its initrd, or the disk behind virtio-blk. */
export type ImageRole = 'program' | 'kernel' | 'initrd' | 'drive';

export interface ImageMeta {
  readonly role: ImageRole;
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export interface Footer {
  readonly finalIcount: number;
  /** How the recorded run ended ("exit", "fatal-trap", "deadlock", "limit", "quit"). */
  readonly stop: string;
  readonly exitStatus: number;
  /** SHA-256 of the full final state (registers, CSRs, devices, all of RAM). */
  readonly finalDigest: string;
  readonly eventCount: number;
}

export const enum BlockType {
  Image = 'IMAG',
  Events = 'EVNT',
  Checkpoint = 'CKPT',
  Footer = 'FOOT',
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------- writing

/** Writes a recording incrementally; each block is written to the OS as soon as it is complete. */
export class RecordingWriter {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Creates (or truncates) `path` and writes the header. */
  static create(path: string, header: RecordingHeader): RecordingWriter {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw new RecordingError(`cannot write ${path}: ${(e as Error).message}`);
    }
    const w = new RecordingWriter(fd);
    const json = new TextEncoder().encode(JSON.stringify(header));
    w.write(new ByteWriter().bytes(RECORDING_MAGIC).u16(FORMAT_VERSION).u16(0).u32(json.length).bytes(json).u32(crc32(json)).finish());
    return w;
  }

  private write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('recording already closed');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  private block(type: BlockType, raw: Uint8Array, compress: boolean): void {
    let stored = raw;
    let flags = 0;
    if (compress && raw.length > 64) {
      const packed = lz4.compress(raw);
      if (packed.length < raw.length) {
        stored = packed;
        flags = BLOCK_FLAG_LZ4;
      }
    }
    const head = new ByteWriter().bytes(new TextEncoder().encode(type)).u8(flags).u8(0).u8(0).u8(0)
      .u32(raw.length).u32(stored.length).u32(crc32(stored)).finish();
    const whole = new Uint8Array(head.length + stored.length);
    whole.set(head);
    whole.set(stored, head.length);
    this.write(whole);
  }

  /** Embeds a guest image (content-addressed by SHA-256). */
  writeImage(meta: ImageMeta, bytes: Uint8Array): void {
    const json = new TextEncoder().encode(JSON.stringify(meta));
    this.block(BlockType.Image, new ByteWriter().blob(json).bytes(bytes).finish(), true);
  }

  writeEvents(chunk: EventChunk): void {
    this.block(BlockType.Events, encodeChunk(chunk), true);
  }

  /** A checkpoint: opaque bytes produced by the time-travel layer, tagged with its icount. */
  writeCheckpoint(icount: number, data: Uint8Array): void {
    this.block(BlockType.Checkpoint, new ByteWriter().varint(icount).bytes(data).finish(), true);
  }

  writeFooter(footer: Footer): void {
    this.block(BlockType.Footer, new TextEncoder().encode(JSON.stringify(footer)), false);
  }

  /** Flushes to disk and closes. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function encodeCheck(w: ByteWriter, c: StateCheck): void {
  w.u32(c.pc);
  for (const g of c.groups) w.u16(g);
  if (c.registers === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    for (let i = 1; i < 32; i++) w.u32(c.registers[i]! >>> 0);
  }
}

function decodeCheck(r: ByteReader): StateCheck {
  const pc = r.u32();
  const groups = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const kind = r.u8();
  if (kind === 0) return { pc, groups };
  if (kind !== 1) throw new DecodeError(`bad state check kind ${kind}`);
  const registers = new Int32Array(32);
  for (let i = 1; i < 32; i++) registers[i] = r.u32();
  return { pc, groups, registers };
}

/** Event check flags: which state checks follow the event. */
const CHECK_AFTER = 1;
const CHECK_BEFORE = 2;

function encodeChunk(chunk: EventChunk): Uint8Array {
  const w = new ByteWriter().varint(chunk.start).varint(chunk.end).varint(chunk.events.length);
  let prev = chunk.start;
  for (const e of chunk.events) {
    w.varint(e.icount - prev).u8(e.source).u32(e.pc).u32(e.questionHash).blob(e.payload);
    prev = e.icount;
    w.u8((e.before === undefined ? 0 : CHECK_BEFORE) | (e.after === undefined ? 0 : CHECK_AFTER));
    if (e.before !== undefined) encodeCheck(w, e.before);
    if (e.after !== undefined) encodeCheck(w, e.after);
  }
  w.varint(chunk.periodic.length);
  for (const c of chunk.periodic) encodeCheck(w, c);
  return w.finish();
}

function decodeChunk(raw: Uint8Array): EventChunk {
  const r = new ByteReader(raw);
  const start = r.varint();
  const end = r.varint();
  if (end < start) throw new DecodeError('chunk ends before it starts');
  const n = r.varint();
  const events: RecordedEvent[] = [];
  let prev = start;
  for (let i = 0; i < n; i++) {
    const icount = prev + r.varint();
    const source = r.u8();
    if (source < InputSource.Console || source > InputSource.DebuggerWrite) throw new DecodeError(`unknown input source ${source}`);
    const event: RecordedEvent = { icount, source: source as InputSource, pc: r.u32(), questionHash: r.u32(), payload: r.blob().slice() };
    const checks = r.u8();
    if ((checks & ~(CHECK_BEFORE | CHECK_AFTER)) !== 0) throw new DecodeError('bad event check flags');
    if ((checks & CHECK_BEFORE) !== 0) event.before = decodeCheck(r);
    if ((checks & CHECK_AFTER) !== 0) event.after = decodeCheck(r);
    if (icount > end) throw new DecodeError(`event at ${icount} lies outside the chunk [${start}, ${end}]`);
    events.push(event);
    prev = icount;
  }
  const np = r.varint();
  const periodic: StateCheck[] = [];
  for (let i = 0; i < np; i++) periodic.push(decodeCheck(r));
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} unexpected bytes after the chunk`);
  return { start, end, events, periodic };
}

// ---------------------------------------------------------------- reading

export interface BlockRef {
  readonly type: string;
  readonly offset: number;
  /** Bytes the block occupies in the file after its 20-byte header. */
  readonly storedLength: number;
  readonly raw: Uint8Array;
}

/** A parsed recording. Construction validates the header and every complete block's checksum. */
export class RecordingReader {
  readonly header: RecordingHeader;
  readonly version: number;
  readonly blocks: readonly BlockRef[];
  /** True when the file ends without a footer (the recorder was killed); replay stops at the last chunk. */
  readonly incomplete: boolean;
  readonly footer: Footer | undefined;
  /** Bytes of a partial block at the end of the file, ignored. */
  readonly trailingBytes: number;

  constructor(readonly bytes: Uint8Array, readonly name = 'recording') {
    const fail = (what: string): never => {
      throw new RecordingError(`${name}: ${what}`);
    };
    if (bytes.length < RECORDING_MAGIC.length || !RECORDING_MAGIC.every((b, i) => bytes[i] === b)) {
      fail('not a Retrovisor recording (bad magic); .rvr files are written by `retrovisor record`');
    }
    const r = new ByteReader(bytes.subarray(RECORDING_MAGIC.length));
    let header: RecordingHeader | undefined;
    let version = 0;
    try {
      version = r.u16();
      if (version > FORMAT_VERSION) {
        fail(`was written by a newer Retrovisor (recording format ${version}; this one reads formats up to ${FORMAT_VERSION}); upgrade Retrovisor to replay it`);
      }
      if (version < 1) fail(`has an invalid format version ${version}`);
      r.u16();
      const json = r.bytes(r.u32());
      if (r.u32() !== crc32(json)) fail('header is damaged (checksum mismatch)');
      header = JSON.parse(new TextDecoder().decode(json)) as RecordingHeader;
    } catch (e) {
      if (e instanceof RecordingError) throw e;
      if (e instanceof DecodeError) fail('is truncated inside its header');
      fail(`header is damaged (${(e as Error).message})`);
    }
    this.version = version;
    this.header = validateHeader(header!, fail);

    const blocks: BlockRef[] = [];
    let pos = RECORDING_MAGIC.length + r.offset;
    let footer: Footer | undefined;
    let trailing = 0;
    while (pos < bytes.length) {
      if (bytes.length - pos < BLOCK_HEADER_SIZE) { trailing = bytes.length - pos; break; }
      const h = new ByteReader(bytes.subarray(pos, pos + BLOCK_HEADER_SIZE));
      const type = new TextDecoder().decode(h.bytes(4));
      const flags = h.u8();
      h.bytes(3);
      const rawLength = h.u32();
      const storedLength = h.u32();
      const crc = h.u32();
      if (!/^[A-Z]{4}$/.test(type) || rawLength > MAX_BLOCK || storedLength > MAX_BLOCK || (flags & ~BLOCK_FLAG_LZ4) !== 0) {
        fail(`block at offset ${pos} is damaged (bad block header)`);
      }
      if (pos + BLOCK_HEADER_SIZE + storedLength > bytes.length) { trailing = bytes.length - pos; break; }
      const stored = bytes.subarray(pos + BLOCK_HEADER_SIZE, pos + BLOCK_HEADER_SIZE + storedLength);
      if (crc32(stored) !== crc) fail(`${type} block at offset ${pos} is damaged (checksum mismatch)`);
      let raw = stored;
      if ((flags & BLOCK_FLAG_LZ4) !== 0) {
        try {
          raw = lz4.decompress(stored, rawLength);
        } catch {
          fail(`${type} block at offset ${pos} is damaged (cannot decompress)`);
        }
      }
      if (raw.length !== rawLength) fail(`${type} block at offset ${pos} is damaged (length mismatch)`);
      if (footer !== undefined) fail(`has data after its footer (offset ${pos})`);
      if (type === BlockType.Footer) {
        try {
          footer = JSON.parse(new TextDecoder().decode(raw)) as Footer;
        } catch {
          fail(`footer at offset ${pos} is damaged`);
        }
      }
      blocks.push({ type, offset: pos, storedLength, raw });
      pos += BLOCK_HEADER_SIZE + storedLength;
    }
    this.blocks = blocks;
    this.footer = footer;
    this.incomplete = footer === undefined;
    this.trailingBytes = trailing;
  }

  /** Reads and parses a recording file. */
  static open(path: string): RecordingReader {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new RecordingError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${(e as Error).message})`);
    }
    return new RecordingReader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  }

  /** The embedded program image (the ELF, or the kernel Image), verified against its SHA-256. */
  programImage(): { meta: ImageMeta; bytes: Uint8Array } {
    return this.image(this.header.guest.image, 'program image');
  }

  /** Every image the header names (program or kernel, initrd, drive), verified, in that order. */
  images(): { meta: ImageMeta; bytes: Uint8Array }[] {
    const g = this.header.guest;
    const out = [this.programImage()];
    if (g.initrd !== undefined) out.push(this.image(g.initrd, 'initrd'));
    if (g.drive !== undefined) out.push(this.image(g.drive, 'disk image'));
    return out;
  }

  /** The embedded image with this SHA-256, verified. */
  image(sha: string, what: string): { meta: ImageMeta; bytes: Uint8Array } {
    for (const b of this.blocks) {
      if (b.type !== BlockType.Image) continue;
      const r = new ByteReader(b.raw);
      let meta: ImageMeta;
      try {
        meta = JSON.parse(new TextDecoder().decode(r.blob())) as ImageMeta;
      } catch {
        throw new RecordingError(`${this.name}: embedded image at offset ${b.offset} is damaged`);
      }
      if (meta.sha256 !== sha) continue;
      const bytes = r.bytes(r.remaining);
      if (sha256(bytes) !== meta.sha256) {
        throw new RecordingError(`${this.name}: embedded image ${meta.name} does not match its SHA-256 (${meta.sha256.slice(0, 12)}...)`);
      }
      return { meta, bytes };
    }
    throw new RecordingError(`${this.name}: the ${what} ${sha.slice(0, 12)}... is not embedded (truncated recording?)`);
  }

  /** The event chunks, in order, decoded. */
  *chunks(): Generator<EventChunk> {
    for (const b of this.blocks) {
      if (b.type !== BlockType.Events) continue;
      try {
        yield decodeChunk(b.raw);
      } catch (e) {
        if (e instanceof DecodeError) throw new RecordingError(`${this.name}: EVNT block at offset ${b.offset} is malformed (${e.message})`);
        throw e;
      }
    }
  }

  /** Checkpoint blocks: icount and opaque data. */
  checkpoints(): { icount: number; data: Uint8Array }[] {
    return this.blocks.filter((b) => b.type === BlockType.Checkpoint).map((b) => {
      const r = new ByteReader(b.raw);
      const icount = r.varint();
      return { icount, data: r.bytes(r.remaining) };
    });
  }

  /** The last icount the recording covers: the footer's, or the end of the last complete chunk. */
  lastIcount(): number {
    if (this.footer !== undefined) return this.footer.finalIcount;
    let end = 0;
    for (const c of this.chunks()) end = c.end;
    return end;
  }
}

function validateHeader(h: RecordingHeader, fail: (what: string) => never): RecordingHeader {
  const m = h?.machine;
  if (typeof h !== 'object' || h === null || typeof m !== 'object' || m === null || typeof h.guest !== 'object' || h.guest === null) {
    fail('header is malformed');
  }
  if (m.board !== 'virt') fail(`needs a "${String(m.board)}" machine; this Retrovisor provides "virt"`);
  if (m.isa !== 'rv32imac_zicsr_zifencei') fail(`needs a hart with ISA ${String(m.isa)}; this Retrovisor provides rv32imac_zicsr_zifencei`);
  if (!Number.isSafeInteger(m.memory) || m.memory < 1 << 20 || m.memory % 4096 !== 0 || m.memory > 2 ** 31 - 4096) {
    fail(`has an invalid memory size ${String(m.memory)}`);
  }
  if (m.stepsPerTick !== 100 || m.timebaseHz !== 10_000_000) {
    fail(`needs virtual time of ${String(m.stepsPerTick)} steps per tick at ${String(m.timebaseHz)} Hz; this Retrovisor runs 100 at 10000000 Hz`);
  }
  if (!Number.isSafeInteger(h.digestInterval) || h.digestInterval < 1) fail('has an invalid state-check interval');
  const isHash = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  if (!isHash(h.guest.image)) fail('has an invalid program image hash');
  const kind = h.guest.kind;
  if (kind !== undefined && kind !== 'program' && kind !== 'kernel') fail(`has an unknown guest kind ${String(kind)}`);
  if (h.guest.initrd !== undefined && (kind !== 'kernel' || !isHash(h.guest.initrd))) fail('has an invalid initrd hash');
  if (h.guest.drive !== undefined && (kind !== 'kernel' || !isHash(h.guest.drive))) fail('has an invalid disk image hash');
  if (!Array.isArray(h.guest.args)) fail('has invalid guest arguments');
  if (h.clock !== 'virtual' && h.clock !== 'host') fail(`uses an unknown clock mode ${String(h.clock)}`);
  return h;
}
