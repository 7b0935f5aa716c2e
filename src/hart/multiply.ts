/** High halves of 32x32-bit products (M extension), exact without BigInt. */

/** Upper 32 bits of the unsigned 64-bit product, as int32. */
export function mulhu(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)) | 0;
}

/** Upper 32 bits of the signed x signed product. */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** Upper 32 bits of the signed x unsigned product. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}
