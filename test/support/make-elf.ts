/** Builds small ELF files in memory for loader and bad-input tests. */

export interface ElfSpec {
  /** 1 = 32-bit, 2 = 64-bit. */
  readonly cls?: number;
  readonly machine?: number;
  readonly type?: number;
  readonly entry?: number;
  /** Loadable segments: physical address and contents. */
  readonly segments?: readonly { readonly paddr: number; readonly data: Uint8Array; readonly memsz?: number }[];
}

/** An ELF32 executable (or a header-only file of another class/machine). */
export function makeElf(spec: ElfSpec = {}): Uint8Array {
  const segs = spec.segments ?? [{ paddr: 0x80000000, data: new Uint8Array([0x73, 0x00, 0x10, 0x00]) }];
  const phoff = 52;
  const dataOff = phoff + 32 * segs.length;
  const total = dataOff + segs.reduce((n, s) => n + s.data.length, 0);
  const out = new Uint8Array(Math.max(total, 64));
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 1, 1, 1]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, spec.entry ?? segs[0]?.paddr ?? 0, true);
  dv.setUint32(28, phoff, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(42, 32, true);
  dv.setUint16(44, segs.length, true);
  dv.setUint16(46, 40, true);
  let off = dataOff;
  segs.forEach((s, i) => {
    const p = phoff + 32 * i;
    dv.setUint32(p, 1, true);
    dv.setUint32(p + 4, off, true);
    dv.setUint32(p + 8, s.paddr, true);
    dv.setUint32(p + 12, s.paddr, true);
    dv.setUint32(p + 16, s.data.length, true);
    dv.setUint32(p + 20, s.memsz ?? s.data.length, true);
    dv.setUint32(p + 24, 5, true);
    out.set(s.data, off);
    off += s.data.length;
  });
  return out;
}
