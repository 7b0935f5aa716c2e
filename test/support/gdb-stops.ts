/**
 * Stops recorded by scripts/gen-symbols-golden.mjs (gdb-multiarch driving
 * QEMU's gdbstub): what gdb printed there, and the registers and RAM it saw,
 * replayed into a `Machine` so that the symbols layer can be asked the same.
 */
import { inflateRawSync } from 'node:zlib';
import type { ElfFile } from '../../src/elf/elf-file.js';
import { SegmentType } from '../../src/elf/elf-file.js';
import { ABI_NAMES } from '../../src/isa/disassembler.js';
import { PC_REGISTER, type Machine } from '../../src/symbols/symbols.js';

export interface GdbCommand { command: string; output: string }
export interface GdbStop { at: string; hit: string; commands: GdbCommand[]; memory: { address: number; deflated: string }[] }
export interface GdbGolden { elf: string; args: string; stops: GdbStop[] }

/** A Machine over what gdb saw: its registers, the ELF's loaded bytes, and the RAM dumped at the stop. */
export function machineFor(elf: ElfFile, stop: GdbStop): Machine {
  const regs = new Array<number>(33).fill(0);
  const info = stop.commands.find((c) => c.command === 'info registers')!.output;
  for (const line of info.split('\n')) {
    const m = /^(\w+)\s+(0x[0-9a-f]+)/.exec(line);
    if (!m) continue;
    const name = m[1] === 'fp' ? 's0' : m[1]!;
    const n = name === 'pc' ? PC_REGISTER : ABI_NAMES.indexOf(name);
    if (n >= 0) regs[n] = parseInt(m[2]!, 16);
  }
  const regions: { address: number; bytes: Uint8Array }[] = stop.memory.map((m) => ({ address: m.address, bytes: inflateRawSync(Buffer.from(m.deflated, 'base64')) }));
  for (const seg of elf.segments) {
    if (seg.type !== SegmentType.Load || seg.filesz === 0) continue;
    regions.push({ address: seg.paddr, bytes: elf.bytes.subarray(seg.offset, seg.offset + seg.filesz) });
    if (seg.vaddr !== seg.paddr) regions.push({ address: seg.vaddr, bytes: elf.bytes.subarray(seg.offset, seg.offset + seg.filesz) });
  }
  return {
    readRegister: (n) => regs[n]!,
    readMemory: (address, length) => {
      for (const r of regions) {
        if (address >= r.address && address + length <= r.address + r.bytes.length) return r.bytes.subarray(address - r.address, address - r.address + length);
      }
      return undefined;
    },
  };
}
