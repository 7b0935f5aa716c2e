/**
 * The framing of the GDB remote serial protocol (GDB manual, appendix "GDB
 * Remote Serial Protocol", sections "Overview" and "Packet Acknowledgment"):
 *
 *   $<payload>#<two hex digits: the sum of the payload bytes modulo 256>
 *
 * acknowledged with '+' (good) or '-' (please resend) until both sides agree
 * on QStartNoAckMode, plus the lone byte 0x03 for an interrupt (Ctrl-C).
 * Binary data escapes '#', '$', '}' and '*' as '}' followed by the byte XOR
 * 0x20; responses may be run-length encoded as 'X*N' (N - 29 more copies of X).
 *
 * Payloads are kept as latin1 strings: one character per byte, so binary data
 * survives unchanged.
 */

/** What the byte stream from a client holds, in order. */
export type WireEvent =
  | { readonly kind: 'packet'; readonly payload: string }
  /** A packet whose checksum does not match (the client should resend it). */
  | { readonly kind: 'bad-checksum'; readonly payload: string }
  /** A packet cut short or too long; dropped. */
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nak' }
  | { readonly kind: 'interrupt' };

const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d;
const STAR = 0x2a;
const ACK = 0x2b;
const NAK = 0x2d;
const INTERRUPT = 0x03;

/** The sum of the bytes of `text` modulo 256. */
export function checksum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) & 0xff;
  return sum;
}

/**
 * Splits a client's byte stream into packets, acknowledgments and interrupts.
 * Bytes outside a packet that mean nothing are skipped, so a stream of noise
 * resynchronises at the next '$'.
 */
export class PacketReader {
  private state: 'idle' | 'payload' | 'escape' | 'check1' | 'check2' = 'idle';
  private payload: number[] = [];
  private check = 0;

  /** `maxPayload`: a longer packet is dropped as malformed (the limit we advertise as PacketSize, plus slack). */
  constructor(private readonly maxPayload: number) {}

  /** Consumes bytes; returns what they complete. */
  feed(bytes: Uint8Array): WireEvent[] {
    const out: WireEvent[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case 'idle':
          if (b === DOLLAR) this.start();
          else if (b === ACK) out.push({ kind: 'ack' });
          else if (b === NAK) out.push({ kind: 'nak' });
          else if (b === INTERRUPT) out.push({ kind: 'interrupt' });
          break;
        case 'payload':
          if (b === HASH) {
            this.state = 'check1';
          } else if (b === DOLLAR) {
            // '$' never appears unescaped inside a packet: the previous one was cut short.
            out.push({ kind: 'malformed', reason: 'a packet was cut short by the start of another' });
            this.start();
          } else {
            this.take(b, out);
            if (b === ESCAPE && this.state === 'payload') this.state = 'escape';
          }
          break;
        case 'escape':
          // The byte after '}' is data, whatever it is; only '#' still ends the packet
          // (a dangling escape at the end is the client's mistake, not a reason to lose sync).
          if (b === HASH) this.state = 'check1';
          else {
            this.state = 'payload';
            this.take(b, out);
          }
          break;
        case 'check1':
        case 'check2': {
          const digit = hexDigit(b);
          if (digit < 0) {
            out.push({ kind: 'malformed', reason: `a checksum digit is not hexadecimal (byte 0x${b.toString(16)})` });
            this.state = 'idle';
            if (b === DOLLAR) this.start();
            break;
          }
          this.check = this.check * 16 + digit;
          if (this.state === 'check1') {
            this.state = 'check2';
            break;
          }
          const payload = Buffer.from(this.payload).toString('latin1');
          out.push(checksum(payload) === this.check ? { kind: 'packet', payload } : { kind: 'bad-checksum', payload });
          this.state = 'idle';
          break;
        }
      }
    }
    return out;
  }

  private start(): void {
    this.state = 'payload';
    this.payload = [];
    this.check = 0;
  }

  private take(b: number, out: WireEvent[]): void {
    if (this.payload.length >= this.maxPayload) {
      out.push({ kind: 'malformed', reason: `a packet is longer than ${this.maxPayload} bytes` });
      this.state = 'idle';
      this.payload = [];
      return;
    }
    this.payload.push(b);
  }
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

/** Frames a payload as a packet: `$payload#cs`. The payload must already be escaped or plain text. */
export function framePacket(payload: string): Buffer {
  return Buffer.from(`$${payload}#${checksum(payload).toString(16).padStart(2, '0')}`, 'latin1');
}

/** Escapes binary data for a packet ('#', '$', '}' and '*' become '}' and the byte XOR 0x20). */
export function escapeBinary(data: string): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    out += c === HASH || c === DOLLAR || c === ESCAPE || c === STAR ? String.fromCharCode(ESCAPE, c ^ 0x20) : data[i]!;
  }
  return out;
}

/** Undoes escapeBinary. */
export function unescapeBinary(data: string): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === ESCAPE && i + 1 < data.length) out += String.fromCharCode(data.charCodeAt(++i) ^ 0x20);
    else out += data[i]!;
  }
  return out;
}

/** Run lengths that can be sent: the count byte N = extra copies + 29 must be printable, not '#' or '$', and at most '|'. */
const MIN_EXTRA = 3;
const MAX_EXTRA = 0x7c - 29;
const forbiddenExtra = (n: number) => n + 29 === HASH || n + 29 === DOLLAR;

/**
 * Run-length encodes a text payload (hex digits, plain replies). Runs of 4 or
 * more identical characters become `c*N`; the two lengths whose count byte
 * would be '#' or '$' are sent one shorter. Only for text: binary payloads
 * carry literal '*' escaped, and are never encoded.
 */
export function encodeRunLength(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    let run = 1;
    while (i + run < text.length && text[i + run] === c && run - 1 < MAX_EXTRA) run++;
    let extra = run - 1;
    if (extra >= MIN_EXTRA) {
      while (forbiddenExtra(extra)) extra--;
      out += `${c}*${String.fromCharCode(extra + 29)}`;
      i += extra + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Expands run-length encoding in a text payload ('*' followed by the count byte). A dangling '*' is kept as is. */
export function expandRunLength(text: string): string {
  if (!text.includes('*')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*' && i > 0 && i + 1 < text.length) {
      const extra = text.charCodeAt(++i) - 29;
      if (extra > 0) out += out.at(-1)!.repeat(extra);
      continue;
    }
    out += c;
  }
  return out;
}

/** Hex of the UTF-8 bytes of a text (monitor output, thread names). */
export function textToHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** Bytes of a hex string, or undefined if it is not an even number of hex digits. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** A 32-bit value in target byte order (little-endian), as 8 hex digits. */
export function wordToHex(value: number): string {
  const v = value >>> 0;
  let out = '';
  for (let i = 0; i < 4; i++) out += ((v >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return out;
}

/** Parses an unsigned hexadecimal number (the protocol's addresses, lengths, register numbers); undefined if malformed. */
export function parseHex(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9a-fA-F]{1,13}$/.test(text)) return undefined;
  return parseInt(text, 16);
}
