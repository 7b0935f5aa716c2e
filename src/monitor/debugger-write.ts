/**
 * A debugger's change to the guest (a register, the pc, or RAM) as an input
 * event. A live session that a user edits stays replayable: the change is
 * logged at the instruction boundary where it was made (InputSource
 * DebuggerWrite) and applied by this same code when a replay reaches it.
 *
 * Payload: kind:u8, then for a register `register:u8 value:u32` (1-31 are
 * x1-x31, 32 is the pc), for memory `physicalAddress:u32 bytes...` (RAM only).
 */
import type { VirtBoard } from '../machine/virt-board.js';

export const PC_REGISTER_INDEX = 32;

export type DebuggerWrite =
  | { readonly kind: 'register'; readonly register: number; readonly value: number }
  | { readonly kind: 'memory'; readonly address: number; readonly bytes: Uint8Array };

const KIND_REGISTER = 1;
const KIND_MEMORY = 2;

/** A debugger write that cannot be applied (a bad payload, or memory outside RAM). */
export class DebuggerWriteError extends Error {}

export function encodeDebuggerWrite(w: DebuggerWrite): Uint8Array {
  if (w.kind === 'register') {
    if (!Number.isInteger(w.register) || w.register < 1 || w.register > PC_REGISTER_INDEX) throw new DebuggerWriteError(`no writable register ${w.register}`);
    const b = new Uint8Array(6);
    const view = new DataView(b.buffer);
    b[0] = KIND_REGISTER;
    b[1] = w.register;
    view.setUint32(2, w.value >>> 0, true);
    return b;
  }
  const b = new Uint8Array(5 + w.bytes.length);
  b[0] = KIND_MEMORY;
  new DataView(b.buffer).setUint32(1, w.address >>> 0, true);
  b.set(w.bytes, 5);
  return b;
}

export function decodeDebuggerWrite(payload: Uint8Array): DebuggerWrite {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload[0] === KIND_REGISTER && payload.length === 6 && payload[1]! >= 1 && payload[1]! <= PC_REGISTER_INDEX) {
    return { kind: 'register', register: payload[1]!, value: view.getUint32(2, true) };
  }
  if (payload[0] === KIND_MEMORY && payload.length > 5) {
    return { kind: 'memory', address: view.getUint32(1, true), bytes: payload.subarray(5) };
  }
  throw new DebuggerWriteError(`a debugger write with a malformed payload (${payload.length} bytes, kind ${payload[0]})`);
}

/** Applies a write to the board, as the debugger did when it was made. */
export function applyDebuggerWrite(board: VirtBoard, payload: Uint8Array): void {
  const w = decodeDebuggerWrite(payload);
  const hart = board.hart;
  if (w.kind === 'register') {
    if (w.register === PC_REGISTER_INDEX) hart.pc = w.value | 0;
    else hart.x[w.register] = w.value | 0;
    return;
  }
  if (!board.bus.ram.contains(w.address, w.bytes.length)) {
    throw new DebuggerWriteError(`a debugger write to 0x${w.address.toString(16)} (${w.bytes.length} bytes) is outside RAM`);
  }
  board.bus.writeRam(w.address, w.bytes);
}
