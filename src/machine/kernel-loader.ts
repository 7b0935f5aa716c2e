/**
 * Boots a Linux kernel the way firmware would (OpenSBI's "jump" mode, QEMU
 * virt's memory layout), with the monitor's built-in SBI standing in for the
 * firmware:
 *
 * - the raw Image (arch/riscv/boot/Image) at the start of RAM plus the load
 *   offset its header gives (4 MiB on RV32: 0x8040_0000; the kernel ignores
 *   RAM below its load address);
 * - the initrd at half of RAM (at most 128 MiB in), as QEMU places it;
 * - the device tree at the top of RAM, 2 MiB aligned, naming bootargs and the
 *   initrd in /chosen;
 * - the hart in S-mode at the Image's first instruction with a0 = hart id,
 *   a1 = device-tree address and satp = 0, and M-mode left as firmware leaves
 *   it: S-mode exceptions and interrupts delegated, the counters readable,
 *   PMP allowing everything.
 *
 * The Image header is described in the kernel's
 * Documentation/riscv/boot-image-header.rst.
 */
import { MStatus } from '../hart/csr-bits.js';
import { Exception, Interrupt, Priv } from '../hart/trap.js';
import { Csr } from '../isa/csr.js';
import { encodeFdt } from './fdt.js';
import { LoadError, deviceTreeAddress, hex } from './loader.js';
import type { VirtBoard } from './virt-board.js';

export const IMAGE_HEADER_SIZE = 64;
/** "RISCV\0\0\0" at offset 48 (deprecated, still written) and "RSC\x05" at offset 56. */
const MAGIC = 'RISCV';
const MAGIC2 = 0x05435352;
/** Load offsets from the start of RAM: a PMD, 4 MiB with Sv32 and 2 MiB with Sv39 (arch/riscv/kernel/head.S). */
const RV32_LOAD_OFFSET = 0x400000;
const RV64_LOAD_OFFSET = 0x200000;

const MiB = 1024 * 1024;

/** What the Image header says. */
export interface LinuxImageHeader {
  /** Where to load the Image, from the start of RAM. */
  readonly loadOffset: number;
  /** Bytes the kernel occupies once loaded (its .bss included). */
  readonly imageSize: number;
  /** Header version as major.minor. */
  readonly version: string;
}

/** What a kernel boot needs: the Image, an optional initrd, and the kernel command line. */
export interface KernelBoot {
  readonly kernel: Uint8Array;
  /** The Image's name for messages. */
  readonly name: string;
  readonly initrd?: Uint8Array;
  readonly bootArgs?: string;
}

export interface LoadedKernel {
  readonly header: LinuxImageHeader;
  readonly entry: number;
  readonly fdtAddress: number;
  /** The end of the loaded kernel (its .bss included). */
  readonly imageEnd: number;
  readonly initrd: { readonly start: number; readonly end: number } | undefined;
}

/**
 * M-mode's delegation, as firmware leaves it: every exception an S-mode
 * kernel handles itself (everything but the ecalls from S and M, which are
 * SBI calls or impossible), and the supervisor interrupts.
 */
export const FIRMWARE_MEDELEG =
  (1 << Exception.InstructionMisaligned) | (1 << Exception.InstructionAccessFault) | (1 << Exception.IllegalInstruction) |
  (1 << Exception.Breakpoint) | (1 << Exception.LoadMisaligned) | (1 << Exception.LoadAccessFault) |
  (1 << Exception.StoreMisaligned) | (1 << Exception.StoreAccessFault) | (1 << Exception.EcallFromU) |
  (1 << Exception.InstructionPageFault) | (1 << Exception.LoadPageFault) | (1 << Exception.StorePageFault);
export const FIRMWARE_MIDELEG = (1 << Interrupt.SupervisorSoftware) | (1 << Interrupt.SupervisorTimer) | (1 << Interrupt.SupervisorExternal);
/** cycle, time and instret readable from S-mode (the kernel decides about U-mode through scounteren). */
export const FIRMWARE_MCOUNTEREN = 0b111;
/** PMP entry 0: NAPOT over the whole 32-bit physical space, read, write and execute. */
const PMP_ALL_ADDR = 0xffffffff;
const PMP_NAPOT_RWX = 0x1f;

/** Reads and checks a RISC-V Linux Image header; throws LoadError naming what is wrong. */
export function parseLinuxImage(bytes: Uint8Array, name: string): LinuxImageHeader {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    throw new LoadError(`${name} is an ELF file (vmlinux?); --kernel takes the raw Image (arch/riscv/boot/Image), and ELF programs run without --kernel`);
  }
  if (bytes.length < IMAGE_HEADER_SIZE) {
    throw new LoadError(`${name} is truncated: ${bytes.length} bytes, shorter than the ${IMAGE_HEADER_SIZE}-byte header of a RISC-V Linux Image`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder('latin1').decode(bytes.subarray(48, 48 + MAGIC.length));
  if (view.getUint32(56, true) !== MAGIC2 && magic !== MAGIC) {
    throw new LoadError(`${name} is not a RISC-V Linux Image (no "RSC\\x05" magic at offset 56); give arch/riscv/boot/Image`);
  }
  const loadOffset = Number(view.getBigUint64(8, true));
  const imageSize = Number(view.getBigUint64(16, true));
  const version = view.getUint32(36, true);
  if (loadOffset === RV64_LOAD_OFFSET) {
    throw new LoadError(`${name} is a Linux Image for RV64 (load offset 2 MiB; an RV32 kernel's is 4 MiB): this machine is RV32, build the kernel with CONFIG_ARCH_RV32I`);
  }
  if (loadOffset !== RV32_LOAD_OFFSET) {
    throw new LoadError(`${name} has load offset ${hex(loadOffset)} in its header; an RV32 Linux Image has 0x00400000`);
  }
  if (bytes.length === IMAGE_HEADER_SIZE) throw new LoadError(`${name} is truncated: it holds only the ${IMAGE_HEADER_SIZE}-byte Image header`);
  if (imageSize !== 0 && bytes.length > imageSize) {
    throw new LoadError(`${name} is ${bytes.length} bytes, longer than the ${imageSize} bytes its header says the kernel occupies: not an intact Linux Image`);
  }
  return { loadOffset, imageSize: imageSize === 0 ? bytes.length : imageSize, version: `${version >>> 16}.${version & 0xffff}` };
}

/** Loads a kernel (and initrd, and device tree) into `board` and starts the hart in S-mode at its entry. */
export function loadKernel(board: VirtBoard, boot: KernelBoot): LoadedKernel {
  const header = parseLinuxImage(boot.kernel, boot.name);
  const ram = board.ram;
  const ramEnd = ram.base + ram.size;
  const entry = ram.base + header.loadOffset;
  const imageEnd = entry + header.imageSize;
  if (imageEnd > ramEnd) {
    throw new LoadError(`${boot.name} needs RAM up to ${hex(imageEnd)} but RAM ends at ${hex(ramEnd)}; give more --memory`);
  }
  let initrd: { start: number; end: number } | undefined;
  if (boot.initrd !== undefined) {
    const start = Math.max(alignUp(imageEnd, 4096), ram.base + Math.min(ram.size / 2, 128 * MiB));
    initrd = { start, end: start + boot.initrd.length };
  }
  const fdt = encodeFdt(board.deviceTree({ bootArgs: boot.bootArgs, initrd }));
  const fdtAddress = deviceTreeAddress(ramEnd, fdt.length);
  const below = initrd?.end ?? imageEnd;
  if (fdtAddress < below) {
    throw new LoadError(`${boot.name}${initrd === undefined ? '' : ' and its initrd'} leave no room for the device tree below ${hex(ramEnd)}; give more --memory`);
  }

  ram.clear();
  ram.write(entry, boot.kernel);
  if (initrd !== undefined) ram.write(initrd.start, boot.initrd!);
  ram.write(fdtAddress, fdt);
  enterSupervisor(board, entry, fdtAddress);
  return { header, entry, fdtAddress, imageEnd, initrd };
}

/** Resets the hart, sets M-mode up as firmware leaves it, and starts S-mode at `entry`. */
function enterSupervisor(board: VirtBoard, entry: number, fdtAddress: number): void {
  const hart = board.hart;
  hart.reset(entry);
  hart.writeCsr(Csr.medeleg, FIRMWARE_MEDELEG);
  hart.writeCsr(Csr.mideleg, FIRMWARE_MIDELEG);
  hart.writeCsr(Csr.mcounteren, FIRMWARE_MCOUNTEREN);
  hart.writeCsr(Csr.pmpaddr0, PMP_ALL_ADDR);
  hart.writeCsr(Csr.pmpcfg0, PMP_NAPOT_RWX);
  // As after an mret to S-mode: MPP = U, MPIE set, interrupts enabled in S-mode only by the kernel.
  hart.writeCsr(Csr.mstatus, MStatus.MPIE);
  hart.x[10] = hart.hartId;
  hart.x[11] = fdtAddress;
  hart.priv = Priv.S;
  hart.stateChanged();
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
