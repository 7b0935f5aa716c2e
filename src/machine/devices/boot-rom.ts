/**
 * The reset ROM at 0x1000, laid out like QEMU virt's
 * (hw/riscv/boot.c riscv_setup_rom_reset_vec, RV32 flavour):
 *
 *   auipc t0, 0          ; t0 = 0x1000
 *   addi  a2, t0, 0x28   ; a2 = &fw_dynamic_info
 *   csrr  a0, mhartid
 *   lw    a1, 0x20(t0)   ; a1 = device-tree address
 *   lw    t0, 0x18(t0)   ; t0 = entry
 *   jr    t0
 *   .word entry, 0, fdt, 0
 *   fw_dynamic_info: magic "OSBI", version 2, next_addr, next_mode, options, boot_hart
 */
export const BOOT_ROM_BASE = 0x1000;
export const BOOT_ROM_SIZE = 0xf000;

const RESET_VECTOR = [0x00000297, 0x02828613, 0xf1402573, 0x0202a583, 0x0182a283, 0x00028067];
const FW_DYNAMIC_MAGIC = 0x4942534f;
const FW_DYNAMIC_VERSION = 2;
/** next_mode of fw_dynamic_info: 1 = S-mode. */
const NEXT_MODE_S = 1;

/** Builds the ROM image that jumps to `entry` with a1 = `fdtAddress`. */
export function bootRom(entry: number, fdtAddress: number): Uint8Array {
  const rom = new Uint8Array(BOOT_ROM_SIZE);
  const words = new DataView(rom.buffer);
  const put = (i: number, v: number) => words.setUint32(i * 4, v >>> 0, true);
  RESET_VECTOR.forEach((w, i) => put(i, w));
  put(6, entry);
  put(7, 0);
  put(8, fdtAddress);
  put(9, 0);
  put(10, FW_DYNAMIC_MAGIC);
  put(11, FW_DYNAMIC_VERSION);
  put(12, entry);
  put(13, NEXT_MODE_S);
  put(14, 0);
  put(15, 0);
  return rom;
}
