/**
 * The semihosting host-file protocol: each file operation the guest asks for
 * becomes one FileSystem input (question and answer), so a recording holds
 * everything the guest learned from host files and replays without them.
 */

export type FsRequest =
  | { readonly op: 'open'; readonly path: string; readonly mode: number }
  | { readonly op: 'close'; readonly handle: number }
  | { readonly op: 'read'; readonly handle: number; readonly length: number }
  | { readonly op: 'write'; readonly handle: number; readonly data: Uint8Array }
  | { readonly op: 'seek'; readonly handle: number; readonly position: number }
  | { readonly op: 'flen'; readonly handle: number }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'rename'; readonly from: string; readonly to: string };

/** The answer: `result` as the semihosting call returns it (-1 on error, with `errno`), plus data for reads. */
export interface FsResponse {
  readonly result: number;
  readonly errno: number;
  readonly data?: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Question bytes: a JSON header, then the raw data of a write. */
export function encodeFsRequest(req: FsRequest): Uint8Array {
  const { data, ...rest } = req as FsRequest & { data?: Uint8Array };
  const header = enc.encode(JSON.stringify(data === undefined ? rest : { ...rest, dataLength: data.length }));
  return concatWithLength(header, data ?? new Uint8Array(0));
}

export function decodeFsRequest(bytes: Uint8Array): FsRequest {
  const [header, data] = splitWithLength(bytes);
  const obj = JSON.parse(dec.decode(header)) as Record<string, unknown>;
  if (obj['op'] === 'write') {
    return { op: 'write', handle: Number(obj['handle']), data };
  }
  return obj as unknown as FsRequest;
}

export function encodeFsResponse(res: FsResponse): Uint8Array {
  return concatWithLength(enc.encode(JSON.stringify({ result: res.result, errno: res.errno })), res.data ?? new Uint8Array(0));
}

export function decodeFsResponse(bytes: Uint8Array): FsResponse {
  const [header, data] = splitWithLength(bytes);
  const obj = JSON.parse(dec.decode(header)) as { result: number; errno: number };
  return { result: obj.result, errno: obj.errno, data };
}

function concatWithLength(header: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + header.length + data.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(data, 4 + header.length);
  return out;
}

function splitWithLength(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  if (bytes.length < 4) throw new RangeError('file-system message too short');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + n > bytes.length) throw new RangeError('file-system message header overruns it');
  return [bytes.subarray(4, 4 + n), bytes.subarray(4 + n)];
}
