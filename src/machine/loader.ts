/**
 * Loads a program into the board like QEMU's `-kernel` with `-bios none`:
 * PT_LOAD segments at their physical addresses (p_paddr), the device tree at
 * the top of RAM (2 MiB aligned, below 3 GiB), and the reset ROM pointing at
 * the ELF entry. A `tohost` symbol enables HTIF.
 */
import { ElfFile } from '../elf/elf-file.js';
import { bootRom, BOOT_ROM_BASE } from './devices/boot-rom.js';
import { Htif } from './devices/htif.js';
import { encodeFdt } from './fdt.js';
import type { VirtBoard } from './virt-board.js';

/** A program that cannot be loaded as asked (a user mistake, reported in one line). */
export class LoadError extends Error {
  override readonly name = 'LoadError';
}

export interface LoadedProgram {
  readonly elf: ElfFile;
  readonly entry: number;
  readonly fdtAddress: number;
  /** Highest address occupied by a loaded segment (exclusive). */
  readonly imageEnd: number;
  readonly htif: Htif | undefined;
}

const MiB = 1024 * 1024;
export const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Loads `elf` into `board` and resets the hart to the boot ROM. */
export function loadProgram(board: VirtBoard, elf: ElfFile, options: { bootArgs?: string } = {}): LoadedProgram {
  const ram = board.ram;
  const ramEnd = ram.base + ram.size;
  const segments = elf.loadSegments();
  if (segments.length === 0) throw new LoadError(`${elf.name} has no loadable segments`);
  let imageEnd = ram.base;
  for (const [i, seg] of segments.entries()) {
    const start = seg.paddr;
    const end = seg.paddr + seg.memsz;
    if (!ram.contains(start, seg.memsz)) {
      throw new LoadError(
        `${elf.name}: segment ${i} (${hex(start)}-${hex(end)}) lies outside RAM (${hex(ram.base)}-${hex(ramEnd)}); ` +
          'link the program for RAM at 0x80000000, or give more --memory',
      );
    }
    imageEnd = Math.max(imageEnd, end);
  }
  const fdt = encodeFdt(board.deviceTree({ bootArgs: options.bootArgs }));
  const fdtAddress = deviceTreeAddress(ramEnd, fdt.length);
  if (fdtAddress < imageEnd) {
    throw new LoadError(`${elf.name} leaves no room for the device tree below ${hex(ramEnd)}; give more --memory`);
  }

  ram.clear();
  for (const seg of segments) {
    ram.write(seg.paddr, elf.bytes.subarray(seg.offset, seg.offset + seg.filesz));
  }
  ram.write(fdtAddress, fdt);
  board.bus.mapRom(BOOT_ROM_BASE, bootRom(elf.entry, fdtAddress));
  board.hart.reset(BOOT_ROM_BASE);
  board.hart.x[10] = board.hart.hartId;

  const tohost = elf.symbol('tohost');
  const fromhost = elf.symbol('fromhost');
  const htif = tohost !== undefined && ram.contains(tohost.value, 8)
    ? new Htif(ram, board, tohost.value, fromhost?.value)
    : undefined;
  return { elf, entry: elf.entry, fdtAddress, imageEnd, htif };
}

/** Where the boot ROM points a1: the device tree at the top of RAM (below 3 GiB), 2 MiB aligned, as QEMU places it. */
export function deviceTreeAddress(ramEnd: number, fdtLength: number): number {
  return alignDown(Math.min(ramEnd, 3072 * MiB) - fdtLength, 2 * MiB);
}

function alignDown(v: number, a: number): number {
  return Math.floor(v / a) * a;
}
