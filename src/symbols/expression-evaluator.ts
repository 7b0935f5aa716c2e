/**
 * Evaluates parsed C expressions over a stopped guest, as gdb's `print` does:
 * names through the scope (locals, statics, globals, functions, enumerators,
 * ELF symbols), objects in memory read lazily (so `&p->x` and `sizeof *p`
 * read nothing, and an unreadable member is reported at its own address),
 * casts with gdb's rules, `@` arrays, `sizeof`, and the operators of
 * c-arithmetic.ts with arrays and functions decayed to pointers where C
 * decays them.
 *
 * Evaluation never changes the guest: assignments, increments and function
 * calls are refused (they are evaluated only for their type, inside sizeof).
 */
import {
  arithmetic, complement, equal, isBool, isIntegral, isNumber, isStruct, isTrue, less, negate, pointerAdd, pointerDifference, positive,
  requireKnown, truthValue, type OperatorContext,
} from './c-arithmetic.js';
import { ExpressionError, type BinaryOperator, type Declarator, type Expr, type ParseScope, type TypeName } from './expression-parser.js';
import { parseFloatLiteral } from './floats.js';
import { alignOf, arrayOf, C_TYPES, elementOf, pointerTo, sizeOf, strip, typeName, type CType, type Member } from './types.js';
import {
  bitfieldValue, convertScalar, integerOf, isFloatType, optimizedOut, toBigUnsigned, valueAt, valueFromBigInt, valueFromBytes, ValueError,
  type Value,
} from './values.js';

/** What a name denotes where the expression is evaluated. */
export type NamedValue =
  | { readonly kind: 'variable' | 'function' | 'enumerator'; readonly value: Value }
  /** An ELF symbol without debug information: code is a function of unknown type, data has no type at all. */
  | { readonly kind: 'code-symbol' | 'data-symbol'; readonly name: string; readonly address: number };

/** The lookups the evaluator needs from the symbols of the program and the frame. */
export interface EvaluationScope extends ParseScope {
  /** The innermost thing named `name` here. */
  lookup(name: string): NamedValue | undefined;
  /** `function::name` (a static or local of that function) or `'file.c'::name`; throws with gdb's message when absent. */
  lookupScoped(scope: string, file: boolean, name: string): NamedValue;
  /** A parameter's value on entry to its function (`name@entry`); throws with gdb's message when unknown. */
  entryValue(name: string): Value;
  /** A typedef or a base type named in the debug information (`u32`, `_Bool`). */
  namedType(name: string): CType | undefined;
  /** A struct, union or enum type by tag. */
  taggedType(tag: 'struct' | 'union' | 'enum', name: string): CType | undefined;
  /** `$name`: a register (undefined: not a register, so a convenience variable, which is void). */
  register(name: string): Value | undefined;
  /** The name gdb gives register `n` (0-31: x0-x31) in messages. */
  registerName(n: number): string;
  /** Whether the program has a function of this name (gdb needs `malloc` to put literals in memory). */
  hasFunction(name: string): boolean;
  readMemory(address: number, length: number): Uint8Array | undefined;
}

/** The largest value gdb reads at once (its `max-value-size` default). */
const MAX_VALUE_SIZE = 65536;

const VOID_VALUE: Value = { type: C_TYPES.void, bytes: new Uint8Array(0), known: new Uint8Array(0) };
/** The type gdb gives data symbols without debug information: it cannot be read until cast. */
const UNTYPED_DATA: CType = { kind: 'typedef', name: '<data variable, no debug info>', target: () => C_TYPES.int };
/** The type of code symbols without debug information: a function returning int. */
const UNTYPED_CODE: CType = { kind: 'function', name: '<text variable, no debug info>', returns: () => C_TYPES.int, params: () => [], varargs: false, prototyped: false };

const INTEGER_TYPES = {
  int: C_TYPES.int, 'unsigned int': C_TYPES.unsignedInt, long: C_TYPES.long, 'unsigned long': C_TYPES.unsignedLong,
  'long long': C_TYPES.longLong, 'unsigned long long': C_TYPES.unsignedLongLong,
} as const;
const FLOAT_TYPES = { float: C_TYPES.float, double: C_TYPES.double, 'long double': C_TYPES.longDouble } as const;
const KEYWORD_TYPES: Readonly<Record<string, CType>> = {
  void: C_TYPES.void, char: C_TYPES.char, 'signed char': C_TYPES.signedChar, 'unsigned char': C_TYPES.unsignedChar,
  short: C_TYPES.short, 'unsigned short': C_TYPES.unsignedShort, ...INTEGER_TYPES, ...FLOAT_TYPES,
};

/** Objects in memory not read yet: their bytes are read when an operation needs them. */
const lazyObjects = new WeakSet<Value>();
/** Values of data symbols without a type, with the symbol's name for the message. */
const untypedSymbols = new WeakMap<Value, string>();

function lazyAt(type: CType, address: number): Value {
  const v: Value = { type, bytes: new Uint8Array(0), known: new Uint8Array(0), address: address >>> 0 };
  lazyObjects.add(v);
  return v;
}

function functionValue(type: CType, address: number): Value {
  return { type, bytes: new Uint8Array(0), known: new Uint8Array(0), address: address >>> 0 };
}

export class ExpressionEvaluator {
  /** Warnings gdb would print before the value (`left shift count >= width of type`). */
  readonly warnings: string[] = [];
  /** Inside sizeof: operands are evaluated for their type only (nothing is read, nothing refused). */
  private typeOnly = 0;

  constructor(private readonly scope: EvaluationScope) {}

  /** The value of an expression, read. */
  evaluate(e: Expr): Value {
    return this.fetch(this.eval(e));
  }

  /** The C type a type name denotes. */
  resolveType(t: TypeName): CType {
    let base: CType;
    switch (t.base.kind) {
      case 'keyword': base = KEYWORD_TYPES[t.base.name]!; break;
      case 'tag': {
        const found = this.scope.taggedType(t.base.tag, t.base.name);
        if (found === undefined) throw new ExpressionError(`No ${t.base.tag} type named ${t.base.name}.`);
        base = found;
        break;
      }
      case 'named': {
        const found = this.scope.namedType(t.base.name);
        if (found === undefined) throw new ExpressionError(`No symbol "${t.base.name}" in current context.`);
        base = found;
        break;
      }
    }
    for (const q of t.qualifiers) base = qualify(base, q);
    return this.applyDeclarator(t.declarator, base);
  }

  private applyDeclarator(d: Declarator, base: CType): CType {
    switch (d.kind) {
      case 'none': return base;
      case 'pointer': {
        let p = pointerTo(base);
        for (const q of d.qualifiers) p = qualify(p, q);
        return this.applyDeclarator(d.inner, p);
      }
      case 'array': return this.applyDeclarator(d.inner, arrayOf(base, d.count));
      case 'function': {
        const params = d.params.map((p) => this.resolveType(p));
        return this.applyDeclarator(d.inner, { kind: 'function', returns: () => base, params: () => params, varargs: d.varargs, prototyped: d.prototyped });
      }
    }
  }

  // ---- Reading ----------------------------------------------------------------------

  /** The value with its bytes: a lazy object is read now (an unreadable one is an error). */
  private fetch(v: Value): Value {
    const untyped = untypedSymbols.get(v);
    if (untyped !== undefined) throw new ExpressionError(`'${untyped}' has unknown type; cast it to its declared type`);
    if (!lazyObjects.has(v)) return v;
    const size = sizeOf(v.type);
    if (this.typeOnly > 0) return { type: v.type, bytes: new Uint8Array(size), known: new Uint8Array(size).fill(1), address: v.address! };
    if (size > MAX_VALUE_SIZE) throw new ExpressionError(`value requires ${size} bytes, which is more than max-value-size`);
    const read = valueAt(v.type, v.address!, this.scope);
    if (read.error !== undefined) throw new ExpressionError(read.error);
    return read;
  }

  /**
   * A value whose bytes an operation needs, all known. Inside sizeof, objects
   * behind pointers read as zeros, but gdb still computes with variables, so an
   * optimized-out one is still an error.
   */
  private known(v: Value): Value {
    return requireKnown(this.fetch(v));
  }

  /** How operators report here: gdb's warnings are kept (none inside sizeof, which computes nothing). */
  private get operators(): OperatorContext {
    return { warn: (m) => { if (this.typeOnly === 0) this.warnings.push(m); }, typeOnly: this.typeOnly > 0 };
  }

  /** A part of a value (a member or an element): lazy when the whole is. */
  private part(v: Value, type: CType, offset: number): Value {
    if (lazyObjects.has(v)) return lazyAt(type, v.address! + offset);
    const size = sizeOf(type);
    return {
      type, bytes: v.bytes.subarray(offset, offset + size), known: v.known.subarray(offset, offset + size),
      ...(v.address !== undefined ? { address: v.address + offset } : {}),
      ...(v.error !== undefined ? { error: v.error } : {}),
    };
  }

  // ---- Decay --------------------------------------------------------------------------

  /**
   * An array as a pointer to its first element, a function as a pointer to
   * it (C11 6.3.2.1); other values as they are.
   */
  private decay(v: Value): Value {
    const s = strip(v.type);
    if (s.kind === 'function') return valueFromBigInt(pointerTo(v.type), BigInt(v.address ?? 0));
    if (s.kind !== 'array') return v;
    if (v.address === undefined) {
      // gdb copies an array that is not in memory (a string literal) into the program with its malloc.
      if (v.register === undefined) {
        if (!this.scope.hasFunction('malloc')) throw new ExpressionError('evaluation of this expression requires the program to have a function "malloc".');
        throw new ExpressionError('evaluation of this expression requires calling malloc in the program, which is not done here: the recorded run cannot be changed');
      }
      throw new ExpressionError('Attempt to take address of value not located in memory.');
    }
    return valueFromBigInt(pointerTo(elementOf(s)), BigInt(v.address));
  }

  // ---- Expressions ----------------------------------------------------------------------

  private eval(e: Expr): Value {
    switch (e.kind) {
      case 'integer': return valueFromBigInt(INTEGER_TYPES[e.type], e.value);
      case 'float': {
        const type = FLOAT_TYPES[e.type];
        return valueFromBytes(type, parseFloatLiteral(e.text, sizeOf(type))!);
      }
      case 'char': return valueFromBigInt(C_TYPES.char, BigInt(e.value));
      case 'string': {
        const bytes = new Uint8Array(e.bytes.length + 1);
        bytes.set(e.bytes);
        return valueFromBytes(arrayOf(C_TYPES.char, bytes.length), bytes);
      }
      case 'name': return this.named(e.name, this.scope.lookup(e.name));
      case 'scoped': return this.named(e.name, this.scope.lookupScoped(e.scope, e.file, e.name));
      case 'register': return this.register(e.name);
      case 'entry': return this.scope.entryValue(e.name);
      case 'type': throw new ExpressionError('Attempt to use a type name as an expression');
      case 'unary': return this.unary(e.op, this.eval(e.operand));
      case 'deref': return this.deref(this.eval(e.operand));
      case 'address': return this.addressOf(e.operand);
      case 'sizeof': return this.sizeOf(e.operand);
      case 'alignof': {
        const align = alignOf(this.resolveType(e.type));
        if (align === 0) throw new ExpressionError('could not determine alignment of type');
        return valueFromBigInt(C_TYPES.int, BigInt(align));
      }
      case 'cast': return this.cast(this.resolveType(e.type), this.eval(e.operand));
      case 'at': {
        const type = this.resolveType(e.type);
        return this.objectAt(type, this.addressValue(this.eval(e.address)));
      }
      case 'binary': return this.binary(e.op, e.left, e.right);
      case 'conditional': return this.truth(this.eval(e.condition)) ? this.eval(e.then) : this.eval(e.otherwise);
      case 'comma': {
        this.eval(e.left);
        return this.eval(e.right);
      }
      case 'repeat': return this.repeat(this.eval(e.object), this.eval(e.count));
      case 'member': return this.member(this.eval(e.object), e.member, e.arrow);
      case 'index': return this.index(this.eval(e.array), this.eval(e.index));
      case 'call': return this.call(e.callee, e.args);
      case 'assign': {
        if (this.typeOnly > 0) return this.eval(e.target);
        throw new ExpressionError(`The assignment \`${e.op}' is not evaluated: an expression here only reads the program. ` +
          'Change a variable from the Variables view (setVariable) or with setExpression in a live session.');
      }
      case 'increment': {
        if (this.typeOnly > 0) return this.eval(e.operand);
        throw new ExpressionError(`The operator \`${e.op}' is not evaluated: it changes the program, and an expression here only reads it.`);
      }
    }
  }

  private named(name: string, found: NamedValue | undefined): Value {
    if (found === undefined) throw new ExpressionError(`No symbol "${name}" in current context.`);
    switch (found.kind) {
      case 'variable': case 'function': case 'enumerator': return found.value;
      case 'code-symbol': return functionValue(UNTYPED_CODE, found.address);
      case 'data-symbol': {
        const v = lazyAt(UNTYPED_DATA, found.address);
        untypedSymbols.set(v, found.name);
        return v;
      }
    }
  }

  private register(name: string): Value {
    if (/^\$?\d*$/.test(name)) throw new ExpressionError('Value history ($, $$, $N) is not kept: printed values are not numbered here.');
    return this.scope.register(name) ?? VOID_VALUE;
  }

  /** Whether a value is true as a condition (an array by its address). */
  private truth(v: Value): boolean {
    return isTrue(this.known(this.decay(v)));
  }

  /** sizeof, an int as in gdb: the operand is evaluated for its type only. */
  private sizeOf(operand: Expr | TypeName): Value {
    let type: CType;
    if ('base' in operand) {
      type = this.resolveType(operand);
    } else {
      this.typeOnly++;
      try {
        type = this.eval(operand).type;
      } finally {
        this.typeOnly--;
      }
      // A variable whose array type has no length (`extern char end[];`): gdb cannot tell its size (a flexible member is 0).
      const s = strip(type);
      if ((operand.kind === 'name' || operand.kind === 'scoped') && s.kind === 'array' && s.counts[0] === undefined) return optimizedOut(C_TYPES.int);
    }
    const s = strip(type);
    return valueFromBigInt(C_TYPES.int, BigInt(s.kind === 'void' || s.kind === 'function' ? 1 : sizeOf(s)));
  }

  private unary(op: '-' | '+' | '!' | '~', operand: Value): Value {
    if (isStruct(operand.type)) throw new ExpressionError(`Structure has no component named operator${op}.`);
    switch (op) {
      case '-': return negate(this.known(operand));
      case '+': return positive(this.known(operand));
      case '~': return complement(this.known(operand));
      case '!': return truthValue(!this.truth(operand));
    }
  }

  /** *v: the object a pointer points to; gdb also reads an int at an integer address. */
  private deref(v: Value): Value {
    if (isStruct(v.type)) throw new ExpressionError('Structure has no component named operator*.');
    const s = strip(v.type);
    if (s.kind === 'function') return v;
    if (s.kind === 'base' && isIntegral(s) && !isBool(s)) return this.objectAt(C_TYPES.int, this.addressValue(v));
    const p = this.decay(v);
    const ps = strip(p.type);
    if (ps.kind !== 'pointer') throw new ExpressionError('Attempt to take contents of a non-pointer value.');
    return this.objectAt(ps.target(), this.addressValue(p));
  }

  /** The object of `type` at `address` (a function is its code there; void cannot be read). */
  private objectAt(type: CType, address: number): Value {
    const s = strip(type);
    if (s.kind === 'void') throw new ExpressionError('Attempt to dereference a generic pointer.');
    if (s.kind === 'function') return functionValue(type, address);
    return lazyAt(type, address);
  }

  /** A pointer's or integer's value as an address. */
  private addressValue(v: Value): number {
    const p = this.known(this.decay(v));
    if (strip(p.type).kind === 'pointer') return Number(toBigUnsigned(p.bytes) & 0xffffffffn);
    if (isNumber(p.type) && !isFloatType(p.type)) return Number(BigInt.asUintN(32, integerOf(p)));
    throw new ExpressionError('Attempt to take contents of a non-pointer value.');
  }

  private addressOf(operand: Expr): Value {
    if (operand.kind === 'member') {
      const found = this.memberOf(this.eval(operand.object), operand.member, operand.arrow);
      // A bit-field's address is that of the storage unit holding it (gdb).
      if (found.bitFieldUnit !== undefined) return valueFromBigInt(pointerTo(found.value.type), BigInt(found.bitFieldUnit));
      return this.addressOfValue(found.value);
    }
    const v = this.eval(operand);
    if ((operand.kind === 'name' || operand.kind === 'scoped') && v.address === undefined && strip(v.type).kind !== 'function') {
      if (v.register !== undefined) throw new ExpressionError(`Address requested for identifier "${operand.name}" which is in register $${this.scope.registerName(v.register)}`);
      throw new ExpressionError(`Can't take address of "${operand.name}" which isn't an lvalue.`);
    }
    return this.addressOfValue(v);
  }

  private addressOfValue(v: Value): Value {
    const k = strip(v.type).kind;
    if (k === 'function') return this.decay(v);
    // An array not in memory (a string literal) would first be copied into the program, as decay does.
    if (k === 'array' && v.address === undefined) this.decay(v);
    if (v.address === undefined) throw new ExpressionError('Attempt to take address of value not located in memory.');
    return valueFromBigInt(pointerTo(v.type), BigInt(v.address));
  }

  /** `a.b` and `a->b`: gdb follows pointers (and decays arrays) for both. */
  private member(object: Value, name: string, arrow: boolean): Value {
    return this.memberOf(object, name, arrow).value;
  }

  /** A member, and for a bit-field in memory the address of its storage unit. */
  private memberOf(object: Value, name: string, arrow: boolean): { value: Value; bitFieldUnit?: number } {
    let v = object;
    for (let guard = 0; guard < 64; guard++) {
      const k = strip(v.type).kind;
      if (k !== 'array' && k !== 'pointer') break;
      v = this.deref(v);
    }
    const s = strip(v.type);
    if (s.kind !== 'struct' && s.kind !== 'union') {
      throw new ExpressionError(`Attempt to extract a component of a value that is not a structure${arrow ? ' pointer' : ''}.`);
    }
    const found = findMember(s.members(), name, 0);
    if (found === undefined) throw new ExpressionError(`There is no member named ${name}.`);
    const { member, offset } = found;
    if (member.bitSize === undefined) return { value: this.part(v, member.type, offset + member.offset) };
    const whole = this.fetch(v);
    const unit = Math.max(sizeOf(member.type), 1);
    const bitOffset = (offset + member.offset) * 8 + (member.bitOffset ?? 0);
    const value = bitfieldValue(whole, { ...member, offset: offset + member.offset });
    if (whole.address === undefined) return { value };
    return { value, bitFieldUnit: whole.address + Math.floor(bitOffset / (unit * 8)) * unit };
  }

  /** a[i]: an element of an array (in memory past its end too, as C and gdb allow), or *(p + i). */
  private index(array: Value, indexValue: Value): Value {
    if (isStruct(array.type)) throw new ExpressionError('Structure has no component named operator[].');
    if (isStruct(indexValue.type)) throw new ExpressionError("Can't do that binary op on that type");
    const s = strip(array.type);
    if (s.kind !== 'array' && s.kind !== 'pointer') {
      const name = s.kind === 'base' ? s.name : s.kind === 'enum' || s.kind === 'union' ? s.name : undefined;
      throw new ExpressionError(name === undefined ? 'cannot subscript requested type' : `cannot subscript something of type \`${name}'`);
    }
    const index = this.integerOperand(indexValue);
    if (s.kind === 'pointer') return this.deref(pointerAdd(this.known(array), index));
    const element = elementOf(s);
    const count = s.counts[0];
    const inBounds = count !== undefined && index >= 0n && index < BigInt(count);
    if (array.address === undefined) {
      // An array that is not in memory (a string literal, a register): only its own elements.
      if (!inBounds) throw new ExpressionError('no such vector element');
      return this.part(array, element, Number(index) * sizeOf(element));
    }
    if (inBounds) return this.part(array, element, Number(index) * sizeOf(element));
    return this.deref(pointerAdd(this.decay(array), index));
  }

  /** An integer operand (a floating-point one is truncated, as gdb does for indexes). */
  private integerOperand(v: Value): bigint {
    const k = this.known(v);
    if (isFloatType(k.type)) return integerOf(convertScalar(k, C_TYPES.longLong));
    if (strip(k.type).kind === 'pointer') return toBigUnsigned(k.bytes);
    return integerOf(k);
  }

  /** v@n: n objects like v, from v's address on (gdb's artificial arrays). */
  private repeat(object: Value, countValue: Value): Value {
    if (!isIntegral(countValue.type) || isBool(countValue.type)) {
      throw new ExpressionError('Non-integral right operand for "@" operator.');
    }
    const count = Number(BigInt.asIntN(32, integerOf(this.known(countValue))));
    if (object.address === undefined || strip(object.type).kind === 'function') throw new ExpressionError("Only values in memory can be extended with '@'.");
    if (count < 1) throw new ExpressionError(`Invalid number ${count} of repetitions.`);
    const type = arrayOf(object.type, count);
    const size = sizeOf(type);
    if (size > MAX_VALUE_SIZE) throw new ExpressionError(`value requires ${size} bytes, which is more than max-value-size`);
    return this.fetch(lazyAt(type, object.address));
  }

  private call(callee: Expr, args: readonly Expr[]): Value {
    if (this.typeOnly === 0) {
      throw new ExpressionError('Function calls are not evaluated: they would run code in the program, and an expression here only reads it.');
    }
    const f = this.eval(callee);
    for (const a of args) this.eval(a);
    let t = strip(f.type);
    if (t.kind === 'pointer') t = strip(t.target());
    if (t.kind !== 'function') throw new ExpressionError(`Cannot call a value of type ${typeName(f.type)}: it is not a function.`);
    const returns = t.returns();
    return { type: returns, bytes: new Uint8Array(sizeOf(returns)), known: new Uint8Array(sizeOf(returns)).fill(1) };
  }

  // ---- Operators ----------------------------------------------------------------------

  private binary(op: BinaryOperator, leftExpr: Expr, rightExpr: Expr): Value {
    if (op === '&&' || op === '||') {
      const left = this.eval(leftExpr);
      const leftTrue = isStruct(left.type) ? false : this.truth(left);
      // The right operand is evaluated only when it decides; gdb still looks at its type.
      const decides = op === '&&' ? leftTrue : !leftTrue;
      let right: Value;
      if (decides) {
        right = this.eval(rightExpr);
      } else {
        this.typeOnly++;
        try { right = this.eval(rightExpr); } finally { this.typeOnly--; }
      }
      this.refuseStructs(op, left, right);
      if (!decides) return truthValue(op === '||');
      return truthValue(this.truth(right));
    }
    const left = this.eval(leftExpr);
    const right = this.eval(rightExpr);
    this.refuseStructs(op, left, right);
    switch (op) {
      case '==': case '!=': {
        const same = equal(this.known(this.decay(left)), this.known(this.decay(right)));
        return truthValue(op === '==' ? same : !same);
      }
      case '<': case '>': case '<=': case '>=': {
        const a = this.known(this.decay(left));
        const b = this.known(this.decay(right));
        const result = op === '<' ? less(a, b) : op === '>' ? less(b, a) : op === '<=' ? !less(b, a) : !less(a, b);
        return truthValue(result);
      }
      case '+': case '-': {
        const a = this.pointerOperand(left), b = this.pointerOperand(right);
        if (op === '-' && a !== undefined && b !== undefined) return pointerDifference(a, b, this.operators.warn);
        if (a !== undefined && isIntegral(right.type)) return pointerAdd(a, op === '+' ? this.integerOperand(right) : -this.integerOperand(right));
        if (op === '+' && b !== undefined && isIntegral(left.type)) return pointerAdd(b, this.integerOperand(left));
        return arithmetic(op, this.known(left), this.known(right), this.operators);
      }
      default:
        return arithmetic(op, this.known(left), this.known(right), this.operators);
    }
  }

  /** gdb looks for a C++ operator on a struct operand, and C has none. */
  private refuseStructs(op: string, left: Value, right: Value): void {
    if (isStruct(left.type)) throw new ExpressionError(`Structure has no component named operator${op}.`);
    if (isStruct(right.type)) throw new ExpressionError("Can't do that binary op on that type");
  }

  /** A pointer, array or function operand of + or - as a pointer; undefined for others. */
  private pointerOperand(v: Value): Value | undefined {
    const k = strip(v.type).kind;
    if (k === 'pointer') return this.known(v);
    if (k === 'array' || k === 'function') return this.known(this.decay(v));
    return undefined;
  }

  /**
   * (type) v, with gdb's value_cast rules: numbers, enums and pointers
   * convert; an array or function decays first; to void gives void; a value
   * of the same size is reinterpreted; an object in memory of another size is
   * read again as the new type; anything else is an invalid cast.
   */
  private cast(type: CType, value: Value): Value {
    if (value.type === type) return value;
    const t = strip(type);
    // (T[]) v: as many elements as fit in v.
    if (t.kind === 'array' && t.counts[0] === undefined) {
      const element = elementOf(t);
      const n = sizeOf(element) > 0 ? Math.floor(sizeOf(value.type) / sizeOf(element)) : 0;
      return this.cast(arrayOf(element, n), value);
    }
    if (untypedSymbols.has(value)) return this.objectAt(type, value.address!);
    let v = value;
    const vk = strip(v.type).kind;
    if (vk === 'array' || vk === 'function') v = this.decay(v);
    const s = strip(v.type);
    if (t.kind === 'void') return { type, bytes: new Uint8Array(0), known: new Uint8Array(0) };
    const toInteger = (t.kind === 'base' && !isFloatType(t)) || t.kind === 'enum';
    if ((isFloatType(t) && isNumber(s)) || (toInteger && (isNumber(s) || s.kind === 'pointer'))) return this.convert(this.known(v), type);
    if (t.kind === 'pointer' && isIntegral(s)) {
      const n = integerOf(this.known(v));
      if (n >= 1n << 32n || n <= -(1n << 32n)) this.operators.warn('value truncated');
      return valueFromBigInt(type, n);
    }
    if (s.kind !== 'void' && sizeOf(t) === sizeOf(s)) {
      // The same bytes seen as the new type.
      return lazyObjects.has(v) ? lazyAt(type, v.address!) : { ...v, type };
    }
    if (v.address !== undefined) return this.objectAt(type, v.address);
    throw new ExpressionError('Invalid cast.');
  }

  private convert(v: Value, type: CType): Value {
    try {
      return convertScalar(v, type);
    } catch (e) {
      if (e instanceof ValueError) throw new ExpressionError(e.message);
      throw e;
    }
  }
}

function qualify(t: CType, qualifier: 'const' | 'volatile' | 'restrict'): CType {
  return { kind: 'qualified', qualifier, target: () => t };
}

/** A member by name, looking into anonymous structs and unions; `offset` is where the member's container starts. */
function findMember(members: readonly Member[], name: string, base: number): { member: Member; offset: number } | undefined {
  for (const m of members) if (m.name === name) return { member: m, offset: base };
  for (const m of members) {
    if (m.name !== undefined) continue;
    const s = strip(m.type);
    if (s.kind === 'struct' || s.kind === 'union') {
      const inner = findMember(s.members(), name, base + m.offset);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
