/**
 * IEEE 754 binary32, binary64 and binary128 (RV32's float, double and long
 * double) as the debugger reads, computes, converts and prints them. Values
 * are their little-endian bytes, so nothing is lost on the way: a NaN keeps
 * its sign and payload (gdb prints them: `-nan(0x8000000000000)`) and a long
 * double keeps its 113 bits.
 *
 * Results are exact and rounded once, to nearest even. gdb computes with the
 * host's floating point (x86-64 here), so an operation on a NaN gives that
 * NaN made quiet, and an invalid operation on numbers (0/0, inf - inf) gives
 * the x86 default NaN, which is negative.
 *
 * Printing is %g with 9, 17 or 36 significant digits (gdb's choice for 24,
 * 53 and 113 bits of mantissa), from the exact binary value, as glibc does.
 */

const FRACTION_BITS: Readonly<Record<number, number>> = { 4: 23, 8: 52, 16: 112 };
const EXPONENT_BITS: Readonly<Record<number, number>> = { 4: 8, 8: 11, 16: 15 };
/** Significant decimal digits gdb prints for each size (%.9g, %.17g, %.36Lg). */
const PRINT_DIGITS: Readonly<Record<number, number>> = { 4: 9, 8: 17, 16: 36 };

/** Whether a floating-point type of this many bytes can be read and written here. */
export function isFloatSize(size: number): boolean {
  return FRACTION_BITS[size] !== undefined;
}

/** A value's IEEE fields. */
interface Fields {
  readonly negative: boolean;
  readonly exponent: number;
  readonly fraction: bigint;
  readonly fractionBits: number;
  readonly exponentBits: number;
}

function fields(bytes: Uint8Array): Fields {
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

function assemble(size: number, negative: boolean, exponent: bigint, fraction: bigint): Uint8Array {
  const out = new Uint8Array(size);
  let raw = ((negative ? 1n : 0n) << BigInt(size * 8 - 1)) | (exponent << BigInt(FRACTION_BITS[size]!)) | fraction;
  for (let i = 0; i < size; i++) { out[i] = Number(raw & 0xffn); raw >>= 8n; }
  return out;
}

type Kind = 'zero' | 'finite' | 'infinity' | 'nan';

function kindOf(f: Fields): Kind {
  if (f.exponent === (1 << f.exponentBits) - 1) return f.fraction === 0n ? 'infinity' : 'nan';
  return f.exponent === 0 && f.fraction === 0n ? 'zero' : 'finite';
}

/** A finite value exactly: (-1)^negative * significand * 2^exponent2. */
interface Exact {
  readonly negative: boolean;
  readonly significand: bigint;
  readonly exponent2: number;
}

function exactOf(f: Fields): Exact {
  const bias = (1 << (f.exponentBits - 1)) - 1;
  if (f.exponent === 0) return { negative: f.negative, significand: f.fraction, exponent2: 1 - bias - f.fractionBits };
  return { negative: f.negative, significand: f.fraction | (1n << BigInt(f.fractionBits)), exponent2: f.exponent - bias - f.fractionBits };
}

/** numerator/denominator (both > 0, or a zero numerator) rounded once to the format of `size`, with a sign. */
function fromRational(size: number, negative: boolean, numerator: bigint, denominator: bigint): Uint8Array {
  const fractionBits = FRACTION_BITS[size]!;
  const exponentBits = EXPONENT_BITS[size]!;
  if (numerator === 0n) return assemble(size, negative, 0n, 0n);
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
  if (biased >= maxExponent) return assemble(size, negative, BigInt(maxExponent), 0n);
  // A normal number's implicit bit lands in the exponent field; a subnormal's is 0 (or carries into 1).
  const raw = (BigInt(Math.max(biased - 1, 0)) << BigInt(fractionBits)) + q;
  return assemble(size, negative, raw >> BigInt(fractionBits), raw & ((1n << BigInt(fractionBits)) - 1n));
}

function fromExact(size: number, x: Exact): Uint8Array {
  return x.exponent2 >= 0
    ? fromRational(size, x.negative, x.significand << BigInt(x.exponent2), 1n)
    : fromRational(size, x.negative, x.significand, 1n << BigInt(-x.exponent2));
}

/** A quiet NaN of `size` bytes with the sign and (leading) payload bits of `from`, as x86 converts NaNs. */
function quietNaN(size: number, from: Fields): Uint8Array {
  const fractionBits = FRACTION_BITS[size]!;
  const shift = fractionBits - from.fractionBits;
  const fraction = (shift >= 0 ? from.fraction << BigInt(shift) : from.fraction >> BigInt(-shift)) | (1n << BigInt(fractionBits - 1));
  return assemble(size, from.negative, BigInt((1 << EXPONENT_BITS[size]!) - 1), fraction);
}

/** The x86-64 default NaN: what an invalid operation on non-NaN operands gives. */
function defaultNaN(size: number): Uint8Array {
  return assemble(size, true, BigInt((1 << EXPONENT_BITS[size]!) - 1), 1n << BigInt(FRACTION_BITS[size]! - 1));
}

/** A JavaScript number as a value of `size` bytes (a NaN is the default NaN). */
export function floatFromNumber(size: number, x: number): Uint8Array {
  if (Number.isNaN(x)) return defaultNaN(size);
  const d = new Uint8Array(8);
  new DataView(d.buffer).setFloat64(0, x, true);
  return size === 8 ? d : floatConvert(d, size);
}

/** The value as a JavaScript number (a long double rounded to the nearest double). */
export function floatToNumber(bytes: Uint8Array): number {
  if (bytes.length === 4) return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
  if (bytes.length === 8) return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
  return new DataView(floatConvert(bytes, 8).buffer).getFloat64(0, true);
}

/** A value converted to the format of `size` bytes (exact when wider, rounded once when narrower). */
export function floatConvert(bytes: Uint8Array, size: number): Uint8Array {
  const f = fields(bytes);
  switch (kindOf(f)) {
    case 'nan': return quietNaN(size, f);
    case 'infinity': return assemble(size, f.negative, BigInt((1 << EXPONENT_BITS[size]!) - 1), 0n);
    case 'zero': return assemble(size, f.negative, 0n, 0n);
    case 'finite': return fromExact(size, exactOf(f));
  }
}

/** The integer `n` as a floating-point value of `size` bytes (rounded once). */
export function floatFromInteger(size: number, n: bigint): Uint8Array {
  return fromRational(size, n < 0n, n < 0n ? -n : n, 1n);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** gdb's conversion to a 64-bit integer: toward zero, saturating, a NaN to the largest value. */
export function floatToInteger(bytes: Uint8Array): bigint {
  const f = fields(bytes);
  const kind = kindOf(f);
  if (kind === 'nan') return INT64_MAX;
  if (kind === 'infinity') return f.negative ? INT64_MIN : INT64_MAX;
  if (kind === 'zero') return 0n;
  const x = exactOf(f);
  const magnitude = x.exponent2 >= 0 ? x.significand << BigInt(x.exponent2) : x.significand >> BigInt(-x.exponent2);
  const n = x.negative ? -magnitude : magnitude;
  return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
}

/** Whether the value is zero (either sign). */
export function floatIsZero(bytes: Uint8Array): boolean {
  return kindOf(fields(bytes)) === 'zero';
}

/** The value as a rational: sign, numerator, denominator (finite values only). */
function rational(x: Exact): { numerator: bigint; denominator: bigint } {
  const magnitude = x.negative ? -x.significand : x.significand;
  return x.exponent2 >= 0 ? { numerator: magnitude << BigInt(x.exponent2), denominator: 1n } : { numerator: magnitude, denominator: 1n << BigInt(-x.exponent2) };
}

/** a op b for two values of one format, as IEEE 754 defines it (with x86's NaNs). */
export function floatArithmetic(op: '+' | '-' | '*' | '/', a: Uint8Array, b: Uint8Array): Uint8Array {
  const size = a.length;
  const fa = fields(a), fb = fields(b);
  const ka = kindOf(fa), kb = kindOf(fb);
  if (ka === 'nan') return quietNaN(size, fa);
  if (kb === 'nan') return quietNaN(size, fb);
  if (ka === 'finite' && kb === 'finite') {
    const x = rational(exactOf(fa)), y = rational(exactOf(fb));
    let numerator: bigint, denominator: bigint;
    switch (op) {
      case '+': numerator = x.numerator * y.denominator + y.numerator * x.denominator; denominator = x.denominator * y.denominator; break;
      case '-': numerator = x.numerator * y.denominator - y.numerator * x.denominator; denominator = x.denominator * y.denominator; break;
      case '*': numerator = x.numerator * y.numerator; denominator = x.denominator * y.denominator; break;
      case '/': numerator = x.numerator * y.denominator; denominator = x.denominator * y.numerator; break;
    }
    if (denominator < 0n) { numerator = -numerator; denominator = -denominator; }
    // An exact zero sum is +0 when rounding to nearest.
    return fromRational(size, numerator < 0n, numerator < 0n ? -numerator : numerator, denominator);
  }
  // Zeros and infinities: the double result has the right class and sign, except x +- 0, which is x.
  const dx = floatToNumber(a), dy = floatToNumber(b);
  const r = op === '+' ? dx + dy : op === '-' ? dx - dy : op === '*' ? dx * dy : dx / dy;
  if (Number.isNaN(r)) return defaultNaN(size);
  if (Number.isFinite(r) && r !== 0) return ka === 'finite' ? a.slice() : op === '-' ? floatArithmetic('*', b, floatFromNumber(size, -1)) : b.slice();
  return floatFromNumber(size, r);
}

/** -1, 0 or 1 as a compares with b (of any formats), or NaN when unordered. */
export function floatCompare(a: Uint8Array, b: Uint8Array): number {
  const fa = fields(a), fb = fields(b);
  const ka = kindOf(fa), kb = kindOf(fb);
  if (ka === 'nan' || kb === 'nan') return NaN;
  if (ka !== 'finite' || kb !== 'finite') {
    // Against a zero or an infinity, only a finite number's sign matters.
    const rank = (k: Kind, f: Fields): number => (k === 'zero' ? 0 : (f.negative ? -1 : 1) * (k === 'infinity' ? 2 : 1));
    const x = rank(ka, fa), y = rank(kb, fb);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = rational(exactOf(fa)), y = rational(exactOf(fb));
  const d = x.numerator * y.denominator - y.numerator * x.denominator;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The number as gdb prints a value of `bytes` (a float, double or long double). */
export function formatFloatBytes(bytes: Uint8Array): string {
  if (!isFloatSize(bytes.length)) return '<invalid float value>';
  const f = fields(bytes);
  const sign = f.negative ? '-' : '';
  switch (kindOf(f)) {
    case 'infinity': return `${sign}inf`;
    case 'nan': return `${sign}nan(0x${nanPayload(f)})`;
    case 'zero': return `${sign}0`;
    case 'finite': {
      const x = exactOf(f);
      return sign + formatG(x.significand, x.exponent2, PRINT_DIGITS[bytes.length]!);
    }
  }
}

/** A NaN's fraction as gdb writes it: the leading bits that do not fill 32, in hex, then each 32 bits as 8 hex digits. */
function nanPayload(f: Fields): string {
  const first = f.fractionBits % 32 || 32;
  let rest = f.fractionBits - first;
  let text = (f.fraction >> BigInt(rest)).toString(16);
  while (rest > 0) {
    rest -= 32;
    text += ((f.fraction >> BigInt(rest)) & 0xffffffffn).toString(16).padStart(8, '0');
  }
  return text;
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
    const scale = 10n ** BigInt(text.length - digits);
    let q = mantissa / scale;
    const twice = 2n * (mantissa % scale);
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
 * double: the exact value rounded once, as strtod does. gdb also takes an
 * exponent without digits (`1e`, `1e+`) as zero. Undefined when the text is
 * not a number.
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
  return fromRational(size, false, numerator, denominator);
}
