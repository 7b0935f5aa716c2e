/**
 * C's operators on values, with gdb's semantics where gdb chooses (RV32
 * types): integer promotions and the usual arithmetic conversions (C11
 * 6.3.1), 64-bit integers as bigints, floating point in the promoted type,
 * pointer arithmetic scaled by the target's size, comparisons of numbers and
 * pointers, and the truth of a value.
 *
 * The operands are values already read (arrays and functions already decayed
 * to pointers where C decays them: the evaluator does that, as it knows where
 * values live). Errors a user can cause are ExpressionErrors with gdb's
 * words; warnings gdb prints and goes on (shift counts) go to `warn`.
 */
import { Ate } from './dwarf-constants.js';
import { ExpressionError, type BinaryOperator } from './expression-parser.js';
import { floatArithmetic, floatCompare, floatConvert, floatFromInteger, floatFromNumber, floatIsZero } from './floats.js';
import { C_TYPES, isUnsignedType, sizeOf, strip, typeName, type CType } from './types.js';
import { integerOf, isFloatType, isOptimizedOut, toBigUnsigned, valueFromBigInt, valueFromBytes, type Value } from './values.js';

export type Warn = (message: string) => void;

/** How an operator reports: warnings go to `warn`; for `typeOnly` (inside sizeof) a division by zero is no error. */
export interface OperatorContext {
  readonly warn: Warn;
  readonly typeOnly?: boolean;
}

/** gdb's integral types: integers, characters, booleans and enums. */
export function isIntegral(t: CType): boolean {
  const s = strip(t);
  return (s.kind === 'base' && s.encoding !== Ate.Float) || s.kind === 'enum';
}

/** A number: integral or floating point. */
export function isNumber(t: CType): boolean {
  return isIntegral(t) || isFloatType(t);
}

/** Whether a type is C's _Bool. */
export function isBool(t: CType): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.encoding === Ate.Boolean;
}

/** Whether a type is a struct (gdb looks for C++ operators on structs, and reports that C has none). */
export function isStruct(t: CType): boolean {
  return strip(t).kind === 'struct';
}

/** A value's bytes must all be known for arithmetic. */
export function requireKnown(v: Value): Value {
  if (v.error !== undefined && isOptimizedOut(v)) throw new ExpressionError(v.error);
  if (v.known.some((k) => k === 0)) throw new ExpressionError('value has been optimized out');
  return v;
}

/** C's integer promotion for a unary operand: integral types narrower than int become int. */
export function promoteUnary(v: Value): Value {
  if (isIntegral(v.type) && sizeOf(v.type) < sizeOf(C_TYPES.int)) return valueFromBigInt(C_TYPES.int, integerOf(v));
  return v;
}

/** The type both operands of a binary operator are converted to (gdb's binop_promote), or undefined for two booleans. */
function promotedType(a: CType, b: CType): CType | undefined {
  if (isFloatType(a) || isFloatType(b)) {
    if (!isFloatType(a)) return b;
    if (!isFloatType(b)) return a;
    return sizeOf(b) > sizeOf(a) ? b : a;
  }
  if (isBool(a) && isBool(b)) return undefined;
  const intSize = sizeOf(C_TYPES.int);
  let size1 = sizeOf(a), unsigned1 = isUnsignedType(a);
  let size2 = sizeOf(b), unsigned2 = isUnsignedType(b);
  if (size1 < intSize) { size1 = intSize; unsigned1 = false; }
  if (size2 < intSize) { size2 = intSize; unsigned2 = false; }
  const size = Math.max(size1, size2);
  const unsigned = size1 > size2 ? unsigned1 : size2 > size1 ? unsigned2 : unsigned1 || unsigned2;
  if (size <= intSize) return unsigned ? C_TYPES.unsignedInt : C_TYPES.int;
  if (size <= sizeOf(C_TYPES.long)) return unsigned ? C_TYPES.unsignedLong : C_TYPES.long;
  return unsigned ? C_TYPES.unsignedLongLong : C_TYPES.longLong;
}

/** An integral value's number in `type` (its bits truncated or extended to the type). */
function integerIn(v: Value, type: CType): bigint {
  const bits = sizeOf(type) * 8;
  const n = integerOf(v);
  return isUnsignedType(type) ? BigInt.asUintN(bits, n) : BigInt.asIntN(bits, n);
}

/** A number as a floating-point value of `size` bytes (converted with one rounding). */
function floatIn(v: Value, size: number): Uint8Array {
  return isFloatType(v.type) ? floatConvert(v.bytes, size) : floatFromInteger(size, integerOf(v));
}

const INTEGER_ONLY = new Set<BinaryOperator>(['%', '<<', '>>', '&', '|', '^']);

/**
 * An arithmetic or bitwise operator on two numbers: + - * / % << >> & | ^.
 * Operands are converted to their promoted type first; shifts take the
 * promoted left operand's type (C11 6.5.7).
 */
export function arithmetic(op: BinaryOperator, a: Value, b: Value, context: OperatorContext): Value {
  if (!isNumber(a.type) || !isNumber(b.type)) throw new ExpressionError('Argument to arithmetic operation not a number or boolean.');
  requireKnown(a);
  requireKnown(b);
  const type = promotedType(a.type, b.type);
  if (type === undefined) return booleanOperation(op, a, b);
  if (isFloatType(type)) {
    if (INTEGER_ONLY.has(op)) throw new ExpressionError('Integer-only operation on floating point number.');
    if (op !== '+' && op !== '-' && op !== '*' && op !== '/') throw new ExpressionError(`Invalid binary operation ${op} on floating point numbers.`);
    const size = sizeOf(type);
    return valueFromBytes(type, floatArithmetic(op, floatIn(a, size), floatIn(b, size)));
  }
  if (op === '<<' || op === '>>') return shift(op, a, b, context.warn);
  const x = integerIn(a, type), y = integerIn(b, type);
  let r: bigint;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': case '%':
      if (y === 0n) {
        if (!context.typeOnly) throw new ExpressionError('Division by zero');
        r = 0n;
        break;
      }
      // BigInt division truncates toward zero and the remainder takes the dividend's sign, as in C.
      r = op === '/' ? x / y : x % y;
      break;
    case '&': r = x & y; break;
    case '|': r = x | y; break;
    case '^': r = x ^ y; break;
    default: throw new ExpressionError(`Invalid binary operation ${op} on integers.`);
  }
  return valueFromBigInt(type, r);
}

/** Two booleans: only the bitwise operators keep them booleans (gdb). */
function booleanOperation(op: BinaryOperator, a: Value, b: Value): Value {
  const x = integerOf(a), y = integerOf(b);
  switch (op) {
    case '&': return valueFromBigInt(a.type, x & y);
    case '|': return valueFromBigInt(a.type, x | y);
    case '^': return valueFromBigInt(a.type, x ^ y);
    default: throw new ExpressionError('Invalid operation on booleans.');
  }
}

/**
 * A shift. A negative count or one at least as wide as the result is
 * undefined in C; gdb warns and gives 0 (or -1 for a right shift of a
 * negative number).
 */
function shift(op: '<<' | '>>', a: Value, b: Value, warn: Warn): Value {
  const type = promoteUnary(a).type;
  const bits = sizeOf(type) * 8;
  const x = integerIn(a, type);
  const count = integerOf(b);
  const direction = op === '<<' ? 'left' : 'right';
  const invalid = (message: string): Value => {
    warn(message);
    return valueFromBigInt(type, op === '>>' && x < 0n ? -1n : 0n);
  };
  if (!isUnsignedType(b.type) && count < 0n) return invalid(`${direction} shift count is negative`);
  if (count >= BigInt(bits)) return invalid(`${direction} shift count >= width of type`);
  return valueFromBigInt(type, op === '<<' ? x << count : x >> count);
}

/** Pointer + integer: the address moves by whole elements of the pointed-to type (C11 6.5.6). */
export function pointerAdd(pointer: Value, n: bigint): Value {
  const s = strip(pointer.type);
  if (s.kind !== 'pointer') throw new ExpressionError('Argument to arithmetic operation not a number or boolean.');
  requireKnown(pointer);
  const size = elementSize(s.target());
  return valueFromBigInt(pointer.type, toBigUnsigned(pointer.bytes) + n * BigInt(size));
}

/** The size pointer arithmetic steps by: void and functions step by 1 as in gdb (and GNU C). */
function elementSize(target: CType): number {
  const t = strip(target);
  if (t.kind === 'void' || t.kind === 'function') return 1;
  const size = sizeOf(t);
  if (size === 0) throw new ExpressionError(`Cannot perform pointer math on incomplete type "${typeName(target)}", try casting to a known type, or void *.`);
  return size;
}

/** Pointer - pointer: the number of elements between them, a long. */
export function pointerDifference(a: Value, b: Value, warn: Warn): Value {
  const ta = strip(a.type), tb = strip(b.type);
  if (ta.kind !== 'pointer' || tb.kind !== 'pointer') throw new ExpressionError('Argument to arithmetic operation not a number or boolean.');
  requireKnown(a);
  requireKnown(b);
  let size = sizeOf(ta.target());
  if (size !== sizeOf(tb.target())) {
    throw new ExpressionError("First argument of `-' is a pointer and second argument is neither\nan integer nor a pointer of the same type.");
  }
  if (size === 0) {
    warn('Type size unknown, assuming 1. Try casting to a known type, or void *.');
    size = 1;
  }
  return valueFromBigInt(C_TYPES.long, (toBigUnsigned(a.bytes) - toBigUnsigned(b.bytes)) / BigInt(size));
}

/** An integral value as an address (a negative number as the 64-bit address gdb makes of it). */
function asAddress(v: Value): bigint {
  return strip(v.type).kind === 'pointer' ? toBigUnsigned(v.bytes) : BigInt.asUintN(64, integerOf(v));
}

/** `a == b` as gdb decides it: numbers by value, a pointer and an integer by address, otherwise equal bytes of one kind of type. */
export function equal(a: Value, b: Value): boolean {
  requireKnown(a);
  requireKnown(b);
  const int1 = isIntegral(a.type), int2 = isIntegral(b.type);
  if (int1 && int2) {
    const type = promotedType(a.type, b.type);
    return type === undefined ? integerOf(a) === integerOf(b) : integerIn(a, type) === integerIn(b, type);
  }
  if (isNumber(a.type) && isNumber(b.type)) return compareFloats(a, b) === 0;
  const ta = strip(a.type), tb = strip(b.type);
  if ((ta.kind === 'pointer' && int2) || (tb.kind === 'pointer' && int1)) return asAddress(a) === asAddress(b);
  if (sameKind(ta, tb) && a.bytes.length === b.bytes.length) return a.bytes.every((x, i) => x === b.bytes[i]);
  throw new ExpressionError('Invalid type combination in equality test.');
}

/** `a < b` as gdb decides it: numbers by value, pointers (and a pointer with an integer) by address. */
export function less(a: Value, b: Value): boolean {
  requireKnown(a);
  requireKnown(b);
  const int1 = isIntegral(a.type), int2 = isIntegral(b.type);
  if (int1 && int2) {
    const type = promotedType(a.type, b.type);
    if (type === undefined) throw new ExpressionError('Invalid operation on booleans.');
    return integerIn(a, type) < integerIn(b, type);
  }
  if (isNumber(a.type) && isNumber(b.type)) return compareFloats(a, b) === -1;
  const ta = strip(a.type), tb = strip(b.type);
  if ((ta.kind === 'pointer' && (tb.kind === 'pointer' || int2)) || (tb.kind === 'pointer' && int1)) return asAddress(a) < asAddress(b);
  throw new ExpressionError('Invalid type combination in ordering comparison.');
}

/** -1, 0 or 1, or NaN when unordered, in the promoted floating type. */
function compareFloats(a: Value, b: Value): number {
  const size = sizeOf(promotedType(a.type, b.type)!);
  return floatCompare(floatIn(a, size), floatIn(b, size));
}

/** gdb's type codes, for comparing values byte by byte: only values of one code compare. */
function sameKind(a: CType, b: CType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'base' && b.kind === 'base') return (a.encoding === Ate.Float) === (b.encoding === Ate.Float) && (a.encoding === Ate.Boolean) === (b.encoding === Ate.Boolean);
  return true;
}

/** Whether a value is true in a condition (nonzero; a floating-point value by value, so -0.0 is false). */
export function isTrue(v: Value): boolean {
  requireKnown(v);
  if (isFloatType(v.type)) return !floatIsZero(v.bytes);
  return v.bytes.some((b) => b !== 0);
}

/**
 * Whether a value read as a condition holds (a breakpoint condition): an
 * array or function by its address, which C decays it to; otherwise isTrue.
 */
export function conditionHolds(v: Value): boolean {
  const k = strip(v.type).kind;
  if ((k === 'array' || k === 'function') && v.address !== undefined) return v.address !== 0;
  return isTrue(v);
}

/**
 * Unary minus: 0 - v in v's own (promoted) type, as gdb computes it; so an
 * enum stays an enum (-LOW is HIGH when LOW is -2 and HIGH 2), and -0.0 is +0.
 */
export function negate(v: Value): Value {
  const p = requireKnown(promoteUnary(v));
  if (!isNumber(p.type)) throw new ExpressionError('Argument to negate operation not a number.');
  if (isFloatType(p.type)) return valueFromBytes(p.type, floatArithmetic('-', floatFromNumber(sizeOf(p.type), 0), p.bytes));
  return valueFromBigInt(p.type, -integerOf(p));
}

/** Unary plus: the (promoted) value. */
export function positive(v: Value): Value {
  const p = promoteUnary(v);
  if (!isNumber(p.type)) throw new ExpressionError('Argument to positive operation not a number.');
  requireKnown(p);
  return valueFromBytes(p.type, p.bytes.slice());
}

/** ~v in v's (promoted) type (an enum stays an enum, as in gdb). */
export function complement(v: Value): Value {
  const p = promoteUnary(v);
  if (!isIntegral(p.type)) throw new ExpressionError('Argument to complement operation not an integer, boolean.');
  requireKnown(p);
  return valueFromBigInt(p.type, ~integerOf(p));
}

/** A C truth value: 1 or 0 as an int. */
export function truthValue(b: boolean): Value {
  return valueFromBigInt(C_TYPES.int, b ? 1n : 0n);
}
