/**
 * State checks: what the recorder logs and the replayer compares to detect
 * divergence. A check is the pc plus four 16-bit hashes (registers, CSRs,
 * devices, memory written since the previous check), so a mismatch says which
 * part of the machine went wrong; checks after input events also carry the
 * registers themselves. The full digest (SHA-256 over everything, all of RAM
 * included) marks the end of a run and backs --dump-state.
 */
import { createHash } from 'node:crypto';
import type { GuestVm } from '../vm/guest-vm.js';
import type { StateCheck } from './recording-file.js';

const PAGE_WORDS = 1024;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function fold(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) & 0xffff;
}

function hashBytes(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = mix(h, bytes[i]!);
  return h;
}

/** Device, clock and monitor state as bytes (named fields, stable order). */
export function deviceStateBytes(vm: GuestVm): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([vm.board.saveState(), vm.monitor.saveState()], (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
}

/** Computes a state check; `pages` are the RAM pages written since the previous check. */
export function stateCheck(vm: GuestVm, pages: readonly number[], withRegisters: boolean): StateCheck {
  const hart = vm.board.hart;
  let regs = 0x12345678;
  for (let i = 1; i < 32; i++) regs = mix(regs, hart.x[i]!);
  regs = mix(mix(mix(mix(regs, hart.pc), hart.priv), hart.icount % 0x100000000), Math.floor(hart.icount / 0x100000000));
  regs = mix(mix(regs, hart.traps), hart.reservation);
  let csrs = 0x2468ace0;
  for (let i = 0; i < hart.csr.length; i++) csrs = mix(csrs, hart.csr[i]!);
  const devices = hashBytes(0x13579bdf, deviceStateBytes(vm));
  let memory = 0x0f1e2d3c;
  const words = vm.board.ram.i32;
  for (const p of pages) {
    memory = mix(memory, p);
    const base = p * PAGE_WORDS;
    for (let i = base; i < base + PAGE_WORDS; i++) memory = mix(memory, words[i]!);
  }
  return {
    pc: hart.pc >>> 0,
    groups: [fold(regs), fold(csrs), fold(devices), fold(memory)],
    registers: withRegisters ? hart.x.slice(0, 32) : undefined,
  };
}

export const STATE_GROUPS = ['registers', 'CSRs', 'devices', 'memory'] as const;

/**
 * SHA-256 over the whole machine state: registers, CSRs, devices, monitor and
 * RAM. Pages never written since the program was loaded are zero, so RAM is
 * hashed as the list of written pages (index and contents), which identifies
 * its contents as well as hashing every byte, at a fraction of the cost.
 */
export function fullDigest(vm: GuestVm): string {
  const hart = vm.board.hart;
  const h = createHash('sha256');
  const s = hart.snapshot();
  h.update(new Uint8Array(s.x.buffer, s.x.byteOffset, s.x.byteLength));
  h.update(new Uint8Array(s.csr.buffer, s.csr.byteOffset, s.csr.byteLength));
  h.update(JSON.stringify([s.pc, s.priv, s.icount, s.traps, s.reservation]));
  h.update(deviceStateBytes(vm));
  const ram = vm.board.ram;
  const index = new Uint8Array(4);
  for (let p = 0; p < ram.touched.length; p++) {
    if (ram.touched[p] === 0) continue;
    new DataView(index.buffer).setUint32(0, p, true);
    h.update(index);
    h.update(ram.bytes.subarray(p * 4096, p * 4096 + 4096));
  }
  return h.digest('hex');
}
