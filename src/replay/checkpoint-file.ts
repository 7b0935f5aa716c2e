/**
 * Checkpoints stored in a recording (CKPT blocks): a full machine state and
 * every RAM page written so far, LZ4-compressed page by page, with the SHA-256
 * digest of the full state so each is verified when used. Versioned, named
 * fields; typed arrays as binary blobs (STYLE rule 12).
 *
 *   data := version:u16 jsonLength:varint json pages:varint (page:u32 blob)*
 */
import * as lz4 from 'lz4js';
import { ByteReader, ByteWriter, DecodeError } from './bytes.js';
import type { HartSnapshot } from '../hart/hart.js';
import type { StateRecord } from '../machine/device.js';
import type { MachineState } from './machine-state.js';

const CHECKPOINT_VERSION = 1;
const PAGE = 4096;

/** A persisted checkpoint, decoded. */
export interface StoredCheckpoint {
  readonly state: MachineState;
  readonly pages: Map<number, Uint8Array>;
  readonly digest: string;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') }
      : v instanceof Int32Array ? { $i32: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v);
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['$bytes'] === 'string') return new Uint8Array(Buffer.from(o['$bytes'], 'base64'));
      if (typeof o['$i32'] === 'string') {
        const b = Buffer.from(o['$i32'], 'base64');
        return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      }
    }
    return v;
  });
}

/** Encodes a checkpoint of `state` with the given RAM bytes (every touched page is stored). */
export function encodeCheckpoint(state: MachineState, ram: Uint8Array, digest: string): Uint8Array {
  const w = new ByteWriter().u16(CHECKPOINT_VERSION);
  const json = new TextEncoder().encode(toJson({ digest, state }));
  w.blob(json);
  const pages: number[] = [];
  for (let p = 0; p < state.touched.length; p++) if (state.touched[p] !== 0) pages.push(p);
  w.varint(pages.length);
  for (const p of pages) w.u32(p).blob(lz4.compress(ram.subarray(p * PAGE, (p + 1) * PAGE)));
  return w.finish();
}

/** Decodes a stored checkpoint; throws DecodeError when it is malformed. */
export function decodeCheckpoint(data: Uint8Array): StoredCheckpoint {
  const r = new ByteReader(data);
  const version = r.u16();
  if (version !== CHECKPOINT_VERSION) throw new DecodeError(`unknown checkpoint version ${version}`);
  let parsed: { digest: string; state: MachineState & { hart: HartSnapshot; board: StateRecord; monitor: StateRecord } };
  try {
    parsed = fromJson(new TextDecoder().decode(r.blob())) as typeof parsed;
  } catch {
    throw new DecodeError('checkpoint state is not valid JSON');
  }
  const s = parsed.state;
  if (typeof parsed.digest !== 'string' || typeof s !== 'object' || !(s.touched instanceof Uint8Array) ||
    !(s.hart?.x instanceof Int32Array) || !(s.hart?.csr instanceof Int32Array) ||
    !Array.isArray(s.dirty) || !s.dirty.every((p) => Number.isInteger(p) && p >= 0 && p < s.touched.length)) {
    throw new DecodeError('checkpoint state is incomplete');
  }
  const n = r.varint();
  const pages = new Map<number, Uint8Array>();
  for (let i = 0; i < n; i++) {
    const page = r.u32();
    let bytes: Uint8Array;
    try {
      bytes = lz4.decompress(r.blob(), PAGE);
    } catch {
      throw new DecodeError(`checkpoint page ${page} cannot be decompressed`);
    }
    if (bytes.length !== PAGE || page >= s.touched.length) throw new DecodeError(`checkpoint page ${page} is malformed`);
    pages.set(page, bytes);
  }
  return { state: s, pages, digest: parsed.digest };
}
