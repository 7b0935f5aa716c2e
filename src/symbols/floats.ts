/**
 * IEEE 754 binary32, binary64 and binary128 (RV32's float, double and long
 * double) as the debugger reads, computes and prints them.
 *
 * JavaScript numbers drop a NaN's sign and payload, and gdb shows both
 * (`-nan(0x8000000000000)`), so a number travels as a `FloatNumber` that
 * keeps them. gdb computes with the host's floating point (x86-64 here): an
 * operation on a NaN returns that NaN made quiet, and an invalid operation on
 * numbers (0/0, inf - inf) returns the x86 default NaN, which is negative.
 *
 * Printing is %g with 9, 17 or 36 significant digits (gdb's choice for 24,
 * 53 and 113 bits of mantissa), rounded from the exact binary value, half to
 * even, as glibc's printf does.
 */

/** A floating-point number; for a NaN, its sign and its fraction bits as a binary64 would hold them (52 bits). */
export interface FloatNumber {
  readonly x: number;
  readonly nan?: { readonly negative: boolean; readonly fraction: bigint };
}

const FRACTION_BITS: Readonly<Record<number, number>> = { 4: 23, 8: 52, 16: 112 };
const EXPONENT_BITS: Readonly<Record<number, number>> = { 4: 8, 8: 11, 16: 15 };
/** Significant decimal digits gdb prints for each size (%.9g, %.17g, %.36Lg). */
const PRINT_DIGITS: Readonly<Record<number, number>> = { 4: 9, 8: 17, 16: 36 };
/** The quiet bit of a binary64 NaN's fraction. */
const QUIET = 1n << 51n;

/** Whether a floating-point type of this many bytes can be read and written here. */
export function isFloatSize(size: number): boolean {
  return FRACTION_BITS[size] !== undefined;
}

/** The x86-64 default NaN, what an invalid operation on non-NaN operands returns. */
export const DEFAULT_NAN: FloatNumber = { x: NaN, nan: { negative: true, fraction: QUIET } };

/** The IEEE fields of `bytes` (little-endian): sign, biased exponent, fraction. */
function fields(bytes: Uint8Array): { negative: boolean; exponent: number; fraction: bigint; fractionBits: number; exponentBits: number } {
  const size = bytes.length;
  const fractionBits = FRACTION_BITS[size]!;
  const exponentBits = EXPONENT_BITS[size]!;
  let raw = 0n;
  for (let i = size - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(bytes[i]!);
  return {
    negative: (raw >> BigInt(size * 8 - 1)) === 1n,
    exponent: Number((raw >> BigInt(fractionBits)) & ((1n << BigInt(exponentBits)) - 1n)),
    fraction: raw & ((1n << BigInt(fractionBits)) - 1n),
    fractionBits, exponentBits,
  };
}

/** Reads a float, double or long double (a long double is rounded to the nearest double). */
export function decodeFloat(bytes: Uint8Array): FloatNumber {
  const size = bytes.length;
  if (size === 4 || size === 8) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
    const x = size === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true);
    if (!Number.isNaN(x)) return { x };
  }
  const f = fields(bytes);
  const maxExponent = (1 << f.exponentBits) - 1;
  if (f.exponent === maxExponent && f.fraction !== 0n) {
    const shift = BigInt(52 - f.fractionBits);
    return { x: NaN, nan: { negative: f.negative, fraction: shift >= 0n ? f.fraction << shift : f.fraction >> -shift } };
  }
  const { significand, exponent2 } = exactValue(bytes);
  const magnitude = exponent2 >= 0 ? Number(significand << BigInt(exponent2)) : scaleDown(significand, -exponent2);
  return { x: f.negative ? -magnitude : magnitude };
}

/** significand / 2^shift rounded once to a double. */
function scaleDown(significand: bigint, shift: number): number {
  if (significand === 0n) return 0;
  // Keep 64 bits plus a sticky bit, so that the one rounding below is the only one.
  const length = significand.toString(2).length;
  const drop = Math.max(0, length - 64);
  const kept = (significand >> BigInt(drop)) | ((significand & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n);
  let x = Number(kept);
  let e = drop - shift;
  while (e < -1000) { x /= 2 ** 1000; e += 1000; }
  return x * 2 ** e;
}

/** Writes `f` as a float, double or long double of `size` bytes. */
export function encodeFloat(size: number, f: FloatNumber): Uint8Array {
  const out = new Uint8Array(size);
  if (Number.isNaN(f.x)) {
    const nan = f.nan ?? DEFAULT_NAN.nan!;
    const fractionBits = FRACTION_BITS[size]!;
    const exponentBits = EXPONENT_BITS[size]!;
    const shift = BigInt(52 - fractionBits);
    let fraction = shift >= 0n ? nan.fraction >> shift : nan.fraction << -shift;
    if (fraction === 0n) fraction = 1n << BigInt(fractionBits - 1);
    const raw = ((nan.negative ? 1n : 0n) << BigInt(size * 8 - 1)) | (((1n << BigInt(exponentBits)) - 1n) << BigInt(fractionBits)) | fraction;
    writeLittle(out, raw);
    return out;
  }
  const dv = new DataView(out.buffer);
  if (size === 4) { dv.setFloat32(0, f.x, true); return out; }
  if (size === 8) { dv.setFloat64(0, f.x, true); return out; }
  // binary128 holds every double exactly.
  const d = new Uint8Array(8);
  new DataView(d.buffer).setFloat64(0, f.x, true);
  const src = fields(d);
  let exponent = 0;
  let fraction = 0n;
  if (src.exponent === 0x7ff) {
    exponent = 0x7fff;
  } else if (src.exponent !== 0 || src.fraction !== 0n) {
    // Normalize (a double's subnormals are normal numbers in binary128).
    let e = src.exponent === 0 ? -1022 : src.exponent - 1023;
    let significand = src.exponent === 0 ? src.fraction : src.fraction | (1n << 52n);
    while ((significand & (1n << 52n)) === 0n) { significand <<= 1n; e--; }
    exponent = e + 16383;
    fraction = (significand & ((1n << 52n) - 1n)) << 60n;
  }
  writeLittle(out, ((src.negative ? 1n : 0n) << 127n) | (BigInt(exponent) << 112n) | fraction);
  return out;
}

function writeLittle(out: Uint8Array, raw: bigint): void {
  let v = raw;
  for (let i = 0; i < out.length; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
}

/** A finite value's magnitude as significand * 2^exponent2. */
function exactValue(bytes: Uint8Array): { significand: bigint; exponent2: number } {
  const f = fields(bytes);
  const bias = (1 << (f.exponentBits - 1)) - 1;
  if (f.exponent === 0) return { significand: f.fraction, exponent2: 1 - bias - f.fractionBits };
  return { significand: f.fraction | (1n << BigInt(f.fractionBits)), exponent2: f.exponent - bias - f.fractionBits };
}

/** The number a NaN-returning operation on `operands` gives: the first NaN operand made quiet, or the default NaN. */
export function nanResult(...operands: FloatNumber[]): FloatNumber {
  for (const o of operands) {
    if (Number.isNaN(o.x)) return { x: NaN, nan: { negative: o.nan?.negative ?? false, fraction: (o.nan?.fraction ?? 0n) | QUIET } };
  }
  return DEFAULT_NAN;
}

/** Rounds to the nearest float (binary32) when `size` is 4. */
export function roundTo(size: number, f: FloatNumber): FloatNumber {
  if (Number.isNaN(f.x)) return nanResult(f);
  return size === 4 ? { x: Math.fround(f.x) } : f;
}

/** The nearest number of the floating type of `size` bytes to the integer `n` (one rounding, to nearest even). */
export function floatFromBigInt(size: number, n: bigint): FloatNumber {
  if (size !== 4) return { x: Number(n) };
  const magnitude = n < 0n ? -n : n;
  const length = magnitude.toString(2).length;
  // 26 bits with the rest folded into a sticky bit round to 24 exactly once.
  const drop = Math.max(0, length - 26);
  const kept = (magnitude >> BigInt(drop)) | ((magnitude & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n);
  const x = Math.fround(Number(kept) * 2 ** drop);
  return { x: n < 0n ? -x : x };
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** gdb's conversion to a 64-bit integer: toward zero, saturating, NaN to the largest value. */
export function floatToBigInt(f: FloatNumber): bigint {
  if (Number.isNaN(f.x)) return INT64_MAX;
  if (f.x >= 2 ** 63) return INT64_MAX;
  if (f.x < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f.x));
}

/** The number as gdb prints a value of `bytes` (a float, double or long double). */
export function formatFloatBytes(bytes: Uint8Array): string {
  const size = bytes.length;
  if (!isFloatSize(size)) return '<invalid float value>';
  const f = fields(bytes);
  const sign = f.negative ? '-' : '';
  if (f.exponent === (1 << f.exponentBits) - 1) {
    return f.fraction === 0n ? `${sign}inf` : `${sign}nan(0x${f.fraction.toString(16)})`;
  }
  const { significand, exponent2 } = exactValue(bytes);
  if (significand === 0n) return `${sign}0`;
  return sign + formatG(significand, exponent2, PRINT_DIGITS[size]!);
}

/** printf's %.{digits}g of significand * 2^exponent2, from the exact value. */
function formatG(significand: bigint, exponent2: number, digits: number): string {
  // The exact value as mantissa * 10^exponent10.
  let mantissa: bigint;
  let exponent10: number;
  if (exponent2 >= 0) { mantissa = significand << BigInt(exponent2); exponent10 = 0; } else { mantissa = significand * 5n ** BigInt(-exponent2); exponent10 = exponent2; }
  let text = mantissa.toString();
  let leading = text.length - 1 + exponent10;
  if (text.length > digits) {
    const cut = BigInt(text.length - digits);
    const scale = 10n ** cut;
    let q = mantissa / scale;
    const r = mantissa % scale;
    const twice = 2n * r;
    if (twice > scale || (twice === scale && (q & 1n) === 1n)) q += 1n;
    text = q.toString();
    if (text.length > digits) { text = text.slice(0, digits); leading++; }
  } else {
    text = text.padEnd(digits, '0');
  }
  const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (leading < -4 || leading >= digits) {
    const body = trim(`${text[0]}.${text.slice(1)}`);
    return `${body}e${leading < 0 ? '-' : '+'}${String(Math.abs(leading)).padStart(2, '0')}`;
  }
  if (leading < 0) return trim(`0.${'0'.repeat(-leading - 1)}${text}`);
  return trim(`${text.slice(0, leading + 1)}.${text.slice(leading + 1)}`);
}

/**
 * The bytes of a floating-point literal (decimal `1.5e3`, `.5`, `1.e`, or
 * hexadecimal `0x1.8p1`, without its suffix) as a float, double or long
 * double: the exact value rounded once, to nearest even, as strtod does.
 * gdb also takes an exponent without digits (`1e`, `1e+`) as zero.
 * Undefined when the text is not a number.
 */
export function parseFloatLiteral(text: string, size: number): Uint8Array | undefined {
  let numerator: bigint;
  let denominator = 1n;
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?)(\d*))?$/.exec(text);
  if (hex !== null) {
    const digits = (hex[1] ?? '') + (hex[2] ?? '');
    if (digits === '') return undefined;
    const exponent = (hex[3] === '-' ? -1 : 1) * Number(hex[4] === undefined || hex[4] === '' ? 0 : hex[4]) - 4 * (hex[2] ?? '').length;
    numerator = BigInt(`0x${digits}`);
    if (exponent >= 0) numerator <<= BigInt(exponent); else denominator <<= BigInt(-exponent);
  } else {
    const dec = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d*))?$/.exec(text);
    if (dec === null) return undefined;
    const digits = (dec[1] ?? '') + (dec[2] ?? '');
    if (digits === '') return undefined;
    const exponent = (dec[3] === '-' ? -1 : 1) * Number(dec[4] === undefined || dec[4] === '' ? 0 : dec[4]) - (dec[2] ?? '').length;
    numerator = BigInt(digits);
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent); else denominator = 10n ** BigInt(-exponent);
  }
  const out = new Uint8Array(size);
  writeLittle(out, roundRational(numerator, denominator, FRACTION_BITS[size]!, EXPONENT_BITS[size]!));
  return out;
}

/** The IEEE encoding (sign 0) of numerator/denominator rounded to nearest even. */
function roundRational(numerator: bigint, denominator: bigint, fractionBits: number, exponentBits: number): bigint {
  if (numerator === 0n) return 0n;
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  // 2^e <= numerator/denominator < 2^(e+1)
  let e = numerator.toString(2).length - denominator.toString(2).length;
  const below = e >= 0 ? numerator < denominator << BigInt(e) : numerator << BigInt(-e) < denominator;
  if (below) e--;
  const scale = Math.max(e, 1 - bias);
  const k = fractionBits - scale;
  const num = k >= 0 ? numerator << BigInt(k) : numerator;
  const den = k >= 0 ? denominator : denominator << BigInt(-k);
  let q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  let biased = scale + bias;
  if (q >> BigInt(fractionBits + 1) !== 0n) { q >>= 1n; biased++; }
  if (biased >= maxExponent) return BigInt(maxExponent) << BigInt(fractionBits);
  // A normal number's implicit bit lands in the exponent field; a subnormal's is 0 (or carries into 1).
  return (BigInt(Math.max(biased - 1, 0)) << BigInt(fractionBits)) + q;
}
