/**
 * The C expressions `print`, watches, hovers and breakpoint conditions take,
 * parsed as gdb's C parser (c-exp.y) parses them: every C operator with C's
 * precedence and associativity, literals with C's typing rules, casts and
 * `sizeof` over type names, and gdb's own forms: `$registers`, `value@count`
 * (an artificial array), `param@entry`, `{type} address`,
 * `function::variable` and `'file.c'::variable`, and single-quoted names.
 *
 * Like gdb, the parser asks the scope what a name is (a type name changes the
 * grammar: `(u32) x` is a cast, `(x) - 1` is not), and reports unknown names
 * and tags as it meets them. Evaluation is expression-evaluator.ts's job.
 * Error messages are gdb's.
 */
import { parseFloatLiteral } from './floats.js';

export type UnaryOperator = '-' | '+' | '!' | '~';
export type BinaryOperator = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '>' | '<=' | '>=' | '==' | '!=' | '&' | '^' | '|' | '&&' | '||';
export type AssignmentOperator = '=' | '*=' | '/=' | '%=' | '+=' | '-=' | '<<=' | '>>=' | '&=' | '^=' | '|=';

/** The C type an integer literal has (RV32: long is as wide as int). */
export type IntegerLiteralType = 'int' | 'unsigned int' | 'long' | 'unsigned long' | 'long long' | 'unsigned long long';
export type FloatLiteralType = 'float' | 'double' | 'long double';

export type Expr =
  | { readonly kind: 'integer'; readonly value: bigint; readonly type: IntegerLiteralType }
  | { readonly kind: 'float'; readonly text: string; readonly type: FloatLiteralType }
  | { readonly kind: 'char'; readonly value: number }
  | { readonly kind: 'string'; readonly bytes: Uint8Array }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'scoped'; readonly scope: string; readonly file: boolean; readonly name: string }
  | { readonly kind: 'register'; readonly name: string }
  | { readonly kind: 'entry'; readonly name: string }
  | { readonly kind: 'type'; readonly type: TypeName }
  | { readonly kind: 'unary'; readonly op: UnaryOperator; readonly operand: Expr }
  | { readonly kind: 'deref'; readonly operand: Expr }
  | { readonly kind: 'address'; readonly operand: Expr }
  | { readonly kind: 'sizeof'; readonly operand: Expr | TypeName }
  | { readonly kind: 'alignof'; readonly type: TypeName }
  | { readonly kind: 'cast'; readonly type: TypeName; readonly operand: Expr }
  | { readonly kind: 'at'; readonly type: TypeName; readonly address: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly then: Expr; readonly otherwise: Expr }
  | { readonly kind: 'comma'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'repeat'; readonly object: Expr; readonly count: Expr }
  | { readonly kind: 'member'; readonly object: Expr; readonly member: string; readonly arrow: boolean }
  | { readonly kind: 'index'; readonly array: Expr; readonly index: Expr }
  | { readonly kind: 'call'; readonly callee: Expr; readonly args: readonly Expr[] }
  | { readonly kind: 'assign'; readonly op: AssignmentOperator; readonly target: Expr; readonly value: Expr }
  | { readonly kind: 'increment'; readonly op: '++' | '--'; readonly prefix: boolean; readonly operand: Expr };

/** A type name as written in a cast or `sizeof`: the specifiers, then the abstract declarator. */
export interface TypeName {
  readonly base: TypeSpecifier;
  readonly qualifiers: readonly Qualifier[];
  readonly declarator: Declarator;
}

export type Qualifier = 'const' | 'volatile' | 'restrict';

export type TypeSpecifier =
  /** C's keyword types, normalized: `unsigned long`, `long long`, `signed char`, `double`, `void` ... */
  | { readonly kind: 'keyword'; readonly name: string }
  | { readonly kind: 'tag'; readonly tag: 'struct' | 'union' | 'enum'; readonly name: string }
  /** A typedef name, or a base type the program's debug information names (`_Bool`). */
  | { readonly kind: 'named'; readonly name: string };

/**
 * The derivations of an abstract declarator, from the base type outwards:
 * `int *[4]` is an array of 4 pointers, `int (*)[4]` a pointer to an array.
 */
export type Declarator =
  | { readonly kind: 'none' }
  | { readonly kind: 'pointer'; readonly qualifiers: readonly Qualifier[]; readonly inner: Declarator }
  | { readonly kind: 'array'; readonly count: number | undefined; readonly inner: Declarator }
  | { readonly kind: 'function'; readonly params: readonly TypeName[]; readonly varargs: boolean; readonly prototyped: boolean; readonly inner: Declarator };

/** What the parser needs to know about names where the expression is evaluated. */
export interface ParseScope {
  /** A type (typedef or a debug-information base type name), a function, something else with a value, or nothing. */
  classify(name: string): 'type' | 'function' | 'value' | 'unknown';
  /** Whether `struct NAME`, `union NAME` or `enum NAME` is a type here. */
  hasTag(tag: 'struct' | 'union' | 'enum', name: string): boolean;
}

/** A user's expression that does not parse: the message is gdb's. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/** A scope that knows no types and takes every name for a value (for parsing without a program). */
export const OPEN_SCOPE: ParseScope = { classify: () => 'value', hasTag: () => true };

type Token =
  | { readonly kind: 'integer'; readonly value: bigint; readonly type: IntegerLiteralType; readonly start: number }
  | { readonly kind: 'float'; readonly text: string; readonly type: FloatLiteralType; readonly start: number }
  | { readonly kind: 'char'; readonly value: number; readonly start: number }
  | { readonly kind: 'string'; readonly bytes: readonly number[]; readonly start: number }
  | { readonly kind: 'name'; readonly text: string; readonly quoted: boolean; readonly start: number }
  | { readonly kind: 'dollar'; readonly text: string; readonly start: number }
  | { readonly kind: 'entry'; readonly start: number }
  | { readonly kind: 'punct'; readonly text: string; readonly start: number }
  | { readonly kind: 'end'; readonly start: number };

const PUNCTUATORS = ['<<=', '>>=', '...', '->', '++', '--', '&&', '||', '::', '<<', '>>', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '=', '?', ':', ',', '.', '[', ']', '(', ')', '{', '}', '@'];
const ASSIGNMENT_OPERATORS: ReadonlySet<string> = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);
const TYPE_KEYWORDS: ReadonlySet<string> = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'struct', 'union', 'enum', 'const', 'volatile', 'restrict', '__restrict']);
const INT_MAX = (1n << 31n) - 1n;
const UINT_MAX = (1n << 32n) - 1n;
const LLONG_MAX = (1n << 63n) - 1n;
const ULLONG_MAX = (1n << 64n) - 1n;

/** Binary operators by precedence, loosest first (c-exp.y's %left lines; `@` sits between the shifts and + -). */
const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['@'], ['+', '-'], ['*', '/', '%'],
];

const isIdentStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

/** The tokens of an expression, read on demand as gdb's lexer reads them (so errors come in gdb's order). */
class Lexer {
  private pos = 0;
  private parenDepth = 0;

  constructor(readonly text: string) {}

  next(): Token {
    const s = this.text;
    while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++;
    const start = this.pos;
    if (start >= s.length) return { kind: 'end', start };
    const c = s[start]!;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[start + 1] ?? ''))) return this.number(start);
    if (c === "'" || c === '"') return this.quoted(start);
    if (c === '$') {
      let end = start + 1;
      while (end < s.length && isIdentChar(s[end]!)) end++;
      this.pos = end;
      return { kind: 'dollar', text: s.slice(start + 1, end), start };
    }
    if (isIdentStart(c)) {
      let end = start;
      while (end < s.length && isIdentChar(s[end]!)) end++;
      this.pos = end;
      return { kind: 'name', text: s.slice(start, end), quoted: false, start };
    }
    if (c === '@') {
      // `@entry` (gdb allows blanks after the @) is one token: a parameter's value on entry.
      const m = /^@\s*entry(?![A-Za-z0-9_$])/.exec(s.slice(start));
      if (m !== null) { this.pos = start + m[0].length; return { kind: 'entry', start }; }
    }
    if (c === ')' && this.parenDepth === 0) return { kind: 'end', start };
    const p = PUNCTUATORS.find((op) => s.startsWith(op, start));
    if (p === undefined) throw new ExpressionError(`Invalid character '${c}' in expression.`);
    if (p === '(') this.parenDepth++;
    if (p === ')') this.parenDepth--;
    this.pos = start + p.length;
    return { kind: 'punct', text: p, start };
  }

  /** A number as gdb's lexer delimits it: letters, digits, one dot, and a sign right after an exponent letter. */
  private number(start: number): Token {
    const s = this.text;
    let p = start;
    let hex = false;
    if (s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X')) { p += 2; hex = true; }
    let dot = false, exponentE = false, exponentP = false;
    for (;; p++) {
      const ch = s[p] ?? '';
      if (!hex && !exponentE && !exponentP && (ch === 'e' || ch === 'E')) { dot = exponentE = true; continue; }
      if (!exponentE && !exponentP && (ch === 'p' || ch === 'P')) { dot = exponentP = true; continue; }
      if (!dot && ch === '.') { dot = true; continue; }
      if ((ch === '-' || ch === '+') && ((exponentE && /[eE]/.test(s[p - 1]!)) || (exponentP && /[pP]/.test(s[p - 1]!)))) continue;
      if (!/[0-9A-Za-z]/.test(ch)) break;
    }
    this.pos = p;
    const text = s.slice(start, p);
    return dot ? floatToken(text, start) : integerToken(text, start);
  }

  /** A character literal, a single-quoted name, or a string literal. */
  private quoted(start: number): Token {
    const s = this.text;
    const quote = s[start]!;
    const chars: number[] = [];
    let p = start + 1;
    for (;;) {
      if (p >= s.length) throw new ExpressionError(quote === "'" ? 'Unmatched single quote.' : 'Unterminated string in expression.');
      const ch = s[p]!;
      if (ch === quote) { p++; break; }
      if (ch === '\\') {
        const { code, end } = escape(s, p + 1, quote);
        chars.push(code & 0xff);
        p = end;
        continue;
      }
      const bytes = new TextEncoder().encode(String.fromCodePoint(s.codePointAt(p)!));
      chars.push(...bytes);
      p += String.fromCodePoint(s.codePointAt(p)!).length;
    }
    this.pos = p;
    if (quote === '"') return { kind: 'string', bytes: chars, start };
    if (chars.length === 0) throw new ExpressionError('A character constant must contain at least one character.');
    // gdb reads 'name' (three characters or more) as a quoted symbol name.
    if (chars.length > 2) return { kind: 'name', text: s.slice(start + 1, p - 1), quoted: true, start };
    if (chars.length > 1) throw new ExpressionError('Invalid character constant.');
    return { kind: 'char', value: chars[0]!, start };
  }
}

/** One escape sequence after a backslash at `p`, inside `quote`s: its character code and where it ends. */
function escape(s: string, p: number, quote: string): { code: number; end: number } {
  const c = s[p];
  if (c === undefined) throw new ExpressionError(quote === "'" ? 'Unmatched single quote.' : 'Unterminated string in expression.');
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
  if (simple[c] !== undefined) return { code: simple[c]!, end: p + 1 };
  if (c === 'x') {
    let end = p + 1;
    while (end < s.length && /[0-9a-fA-F]/.test(s[end]!)) end++;
    if (end === p + 1) throw new ExpressionError('\\x escape without a following hex digit');
    return { code: Number(BigInt(`0x${s.slice(p + 1, end)}`) & 0xffn), end };
  }
  if (/[0-7]/.test(c)) {
    let end = p;
    while (end < s.length && end < p + 3 && /[0-7]/.test(s[end]!)) end++;
    return { code: parseInt(s.slice(p, end), 8), end };
  }
  // gdb keeps the character of an unknown escape (\q is q).
  return { code: s.codePointAt(p)!, end: p + String.fromCodePoint(s.codePointAt(p)!).length };
}

/** A floating literal: its digits and its type from the suffix (f: float, l: long double; a hex literal's f is a digit). */
function floatToken(text: string, start: number): Token {
  let body = text;
  let type: FloatLiteralType = 'double';
  if (/[fF]$/.test(body) && !/^0[xX]/.test(text)) { type = 'float'; body = body.slice(0, -1); } else if (/[lL]$/.test(body)) { type = 'long double'; body = body.slice(0, -1); }
  if (parseFloatLiteral(body, 8) === undefined) throw new ExpressionError(`Invalid number "${text}".`);
  return { kind: 'float', text: body, type, start };
}

/**
 * An integer literal's value and type: gdb reads digits in the base of the
 * prefix (0x, 0b, 0t or 0d for decimal, 0 for octal) with u and l suffixes in
 * any order, and then types it by C's rules (C11 6.4.4.1) on RV32.
 */
function integerToken(text: string, start: number): Token {
  const invalid = (): never => { throw new ExpressionError(`Invalid number "${text}".`); };
  let p = 0;
  let base = 10n;
  if (/^0[xX]/.test(text)) { base = 16n; p = 2; } else if (/^0[bB]/.test(text)) { base = 2n; p = 2; } else if (/^0[tTdD]/.test(text)) { base = 10n; p = 2; } else if (text.length > 1 && text[0] === '0') { base = 8n; p = 1; }
  if (p === text.length && base !== 8n) invalid();
  let n = 0n;
  let longs = 0, unsigned = false, suffix = false;
  for (; p < text.length; p++) {
    const c = text[p]!.toLowerCase();
    if (c === 'l') { longs++; suffix = true; continue; }
    if (c === 'u') { unsigned = true; suffix = true; continue; }
    const digit = /[0-9]/.test(c) ? BigInt(c.charCodeAt(0) - 48) : base > 10n && /[a-f]/.test(c) ? BigInt(c.charCodeAt(0) - 87) : undefined;
    if (digit === undefined || digit >= base || suffix) invalid();
    // gdb's overflow test: a digit that does not make the 64-bit value grow is an overflow.
    const next = BigInt.asUintN(64, n * base + digit!);
    if (!(n === 0n && next === 0n) && n >= next) throw new ExpressionError('Numeric constant too large.');
    n = next;
  }
  const decimal = base === 10n;
  const candidates: IntegerLiteralType[] = [];
  if (!unsigned && longs === 0) candidates.push('int');
  if ((unsigned || !decimal) && longs === 0) candidates.push('unsigned int');
  if (!unsigned && longs <= 1) candidates.push('long');
  if ((unsigned || !decimal) && longs <= 1) candidates.push('unsigned long');
  if (!unsigned) candidates.push('long long');
  if (unsigned || !decimal) candidates.push('unsigned long long');
  const max: Record<IntegerLiteralType, bigint> = {
    int: INT_MAX, 'unsigned int': UINT_MAX, long: INT_MAX, 'unsigned long': UINT_MAX, 'long long': LLONG_MAX, 'unsigned long long': ULLONG_MAX,
  };
  // A decimal constant too large for long long is unsigned long long in gdb (C leaves it without a type).
  const type = candidates.find((t) => n <= max[t]) ?? 'unsigned long long';
  return { kind: 'integer', value: n, type, start };
}

/**
 * Parses an expression. `scope` says which names are types (and which exist);
 * without one every name is taken for a variable.
 */
export function parseExpression(text: string, scope: ParseScope = OPEN_SCOPE): Expr {
  return new Parser(text, scope).parseAll();
}

class Parser {
  private readonly lexer: Lexer;
  private lookahead: Token | undefined;

  constructor(private readonly text: string, private readonly scope: ParseScope) {
    this.lexer = new Lexer(text);
  }

  parseAll(): Expr {
    // A type name is an expression only on its own (`ptype int`'s form; printing it is an error).
    const e: Expr = this.startsTypeName() ? { kind: 'type', type: this.typeName() } : this.comma();
    const end = this.peek();
    if (end.kind !== 'end') this.syntaxError(end);
    if (end.start < this.text.length) throw new ExpressionError('Junk after end of expression.');
    return e;
  }

  private peek(): Token {
    return (this.lookahead ??= this.lexer.next());
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private isPunct(text: string, t: Token = this.peek()): boolean {
    return t.kind === 'punct' && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.take();
    return true;
  }

  private expect(text: string): void {
    if (!this.accept(text)) this.syntaxError(this.peek());
  }

  /** gdb's yacc message: the input from the offending token on. */
  private syntaxError(t: Token): never {
    throw new ExpressionError(`A syntax error in expression, near \`${this.text.slice(t.start)}'.`);
  }

  private comma(): Expr {
    // gdb's grammar takes an `@` that opens an expression and fails at the token after it.
    if (this.isPunct('@')) {
      this.take();
      this.syntaxError(this.peek());
    }
    let e = this.assignment();
    while (this.accept(',')) e = { kind: 'comma', left: e, right: this.assignment() };
    return e;
  }

  /** Assignments (right to left) over the conditional operator. */
  private assignment(): Expr {
    const left = this.conditional();
    const t = this.peek();
    if (t.kind === 'punct' && ASSIGNMENT_OPERATORS.has(t.text)) {
      this.take();
      return { kind: 'assign', op: t.text as AssignmentOperator, target: left, value: this.assignment() };
    }
    return left;
  }

  /** `a ? b : c`, right to left; the middle operand is an assignment expression (no comma), as in gdb. */
  private conditional(): Expr {
    const condition = this.binary(0);
    if (!this.accept('?')) return condition;
    const then = this.assignment();
    this.expect(':');
    const otherwise = this.assignment();
    return { kind: 'conditional', condition, then, otherwise };
  }

  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !BINARY_LEVELS[level]!.includes(t.text)) return left;
      this.take();
      const right = this.binary(level + 1);
      left = t.text === '@' ? { kind: 'repeat', object: left, count: right } : { kind: 'binary', op: t.text as BinaryOperator, left, right };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct') {
      switch (t.text) {
        case '-': case '+': case '!': case '~':
          this.take();
          return { kind: 'unary', op: t.text, operand: this.unary() };
        case '*': this.take(); return { kind: 'deref', operand: this.unary() };
        case '&': this.take(); return { kind: 'address', operand: this.unary() };
        case '++': case '--': this.take(); return { kind: 'increment', op: t.text, prefix: true, operand: this.unary() };
        case '{': {
          // gdb's {TYPE} ADDRESS: the object of that type at that address.
          this.take();
          const type = this.typeName();
          this.expect('}');
          return { kind: 'at', type, address: this.unary() };
        }
        case '(': {
          this.take();
          if (this.startsTypeName()) {
            const type = this.typeName();
            this.expect(')');
            return { kind: 'cast', type, operand: this.unary() };
          }
          const inner = this.comma();
          this.expect(')');
          return this.postfix(inner);
        }
      }
    }
    if (t.kind === 'name' && !t.quoted && t.text === 'sizeof') {
      this.take();
      if (this.isPunct('(')) {
        this.take();
        if (this.startsTypeName()) {
          const type = this.typeName();
          this.expect(')');
          // gdb's grammar lets postfix operators follow: `sizeof(int)[0]` subscripts the size.
          return this.postfix({ kind: 'sizeof', operand: type });
        }
        const inner = this.comma();
        this.expect(')');
        return { kind: 'sizeof', operand: this.postfix(inner) };
      }
      return { kind: 'sizeof', operand: this.unary() };
    }
    if (t.kind === 'name' && !t.quoted && t.text === '_Alignof') {
      this.take();
      this.expect('(');
      const type = this.typeName();
      this.expect(')');
      return this.postfix({ kind: 'alignof', type });
    }
    return this.postfix(this.primary());
  }

  private postfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') return e;
      if (t.text === '.' || t.text === '->') {
        this.take();
        const m = this.take();
        if (m.kind !== 'name' || m.quoted) this.syntaxError(m);
        e = { kind: 'member', object: e, member: m.text, arrow: t.text === '->' };
      } else if (t.text === '[') {
        this.take();
        const index = this.comma();
        this.expect(']');
        e = { kind: 'index', array: e, index };
      } else if (t.text === '(') {
        this.take();
        const args: Expr[] = [];
        if (!this.accept(')')) {
          do args.push(this.assignment()); while (this.accept(','));
          this.expect(')');
        }
        e = { kind: 'call', callee: e, args };
      } else if (t.text === '++' || t.text === '--') {
        this.take();
        e = { kind: 'increment', op: t.text, prefix: false, operand: e };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.take();
    switch (t.kind) {
      case 'integer': return { kind: 'integer', value: t.value, type: t.type };
      case 'float': return { kind: 'float', text: t.text, type: t.type };
      case 'char': return { kind: 'char', value: t.value };
      case 'string': {
        // Adjacent string literals are one string.
        const bytes = [...t.bytes];
        while (this.peek().kind === 'string') bytes.push(...(this.take() as Extract<Token, { kind: 'string' }>).bytes);
        return { kind: 'string', bytes: Uint8Array.from(bytes) };
      }
      case 'dollar': return { kind: 'register', name: t.text };
      case 'name': return this.named(t);
      default: this.syntaxError(t);
    }
  }

  /** A name in an expression: a variable, `name@entry`, `scope::name`, or a type used where a value belongs. */
  private named(t: Extract<Token, { kind: 'name' }>): Expr {
    if (!t.quoted && TYPE_KEYWORDS.has(t.text)) this.syntaxError(t);
    const next = this.peek();
    if (next.kind === 'entry') {
      this.take();
      return { kind: 'entry', name: t.text };
    }
    const what = this.scope.classify(t.text);
    // function::name and 'file'::name; a file is known by its quotes (the scope checks that it exists).
    if (this.isPunct('::', next) && (t.quoted || what === 'function' || what === 'unknown')) {
      if (what === 'unknown' && !t.quoted) throw new ExpressionError(`No symbol "${t.text}" in current context.`);
      this.take();
      const member = this.take();
      if (member.kind !== 'name') this.syntaxError(member);
      return { kind: 'scoped', scope: t.text, file: what !== 'function', name: member.text };
    }
    // A type name inside an expression: gdb's grammar fails at the token after it.
    if (what === 'type' && !t.quoted) this.syntaxError(next);
    if (what === 'unknown') throw new ExpressionError(`No symbol "${t.text}" in current context.`);
    return { kind: 'name', name: t.text };
  }

  // ---- Type names ----------------------------------------------------------------

  /** Whether the next token starts a type name (after `(` or `sizeof (`). */
  private startsTypeName(): boolean {
    const t = this.peek();
    if (t.kind !== 'name' || t.quoted) return false;
    return TYPE_KEYWORDS.has(t.text) || this.scope.classify(t.text) === 'type';
  }

  private typeName(): TypeName {
    const first = this.take();
    if (first.kind !== 'name' || first.quoted) this.syntaxError(first);
    return this.typeNameFrom(first);
  }

  /** specifier-qualifier-list abstract-declarator? (C11 6.7.7), the first word already read. */
  private typeNameFrom(first: Extract<Token, { kind: 'name' }>): TypeName {
    const qualifiers: Qualifier[] = [];
    const words: string[] = [];
    let base: TypeSpecifier | undefined;
    const isSpecifier = (t: Token): t is Extract<Token, { kind: 'name' }> =>
      t.kind === 'name' && !t.quoted && (TYPE_KEYWORDS.has(t.text) || (base === undefined && words.length === 0 && this.scope.classify(t.text) === 'type'));
    if (!isSpecifier(first)) this.syntaxError(first);
    for (let word: Extract<Token, { kind: 'name' }> | undefined = first; word !== undefined;) {
      const w = word.text;
      if (w === 'const' || w === 'volatile' || w === 'restrict' || w === '__restrict') {
        qualifiers.push(w === '__restrict' ? 'restrict' : w);
      } else if (w === 'struct' || w === 'union' || w === 'enum') {
        if (base !== undefined || words.length > 0) this.syntaxError(word);
        const tag = this.take();
        if (tag.kind !== 'name') this.syntaxError(tag);
        if (!this.scope.hasTag(w, tag.text)) throw new ExpressionError(`No ${w} type named ${tag.text}.`);
        base = { kind: 'tag', tag: w, name: tag.text };
      } else if (TYPE_KEYWORDS.has(w)) {
        if (base !== undefined || !keywordsCanCombine([...words, w])) this.syntaxError(word);
        words.push(w);
      } else {
        base = { kind: 'named', name: w };
      }
      const next = this.peek();
      word = isSpecifier(next) ? (this.take() as Extract<Token, { kind: 'name' }>) : undefined;
    }
    if (base === undefined) {
      if (words.length === 0) this.syntaxError(this.peek());
      base = { kind: 'keyword', name: keywordType(words) };
    }
    return { base, qualifiers, declarator: this.abstractDeclarator() };
  }

  /** pointer? direct-abstract-declarator? */
  private abstractDeclarator(): Declarator {
    if (this.accept('*')) {
      const qualifiers: Qualifier[] = [];
      for (let t = this.peek(); t.kind === 'name' && ['const', 'volatile', 'restrict', '__restrict'].includes(t.text); t = this.peek()) {
        this.take();
        qualifiers.push(t.text === '__restrict' ? 'restrict' : (t.text as Qualifier));
      }
      return { kind: 'pointer', qualifiers, inner: this.abstractDeclarator() };
    }
    let core: Declarator = { kind: 'none' };
    const t = this.peek();
    if (this.isPunct('(', t)) {
      // `(*)` or `([3])` groups a declarator; otherwise `(` opens a parameter list.
      this.take();
      const after = this.peek();
      if (this.isPunct('*', after) || this.isPunct('(', after) || this.isPunct('[', after)) {
        core = this.abstractDeclarator();
        this.expect(')');
      } else {
        return this.suffixes(this.parameters(), core);
      }
    }
    return this.suffixes(undefined, core);
  }

  /** Array and function suffixes, applied to the type before `core` (the part in parentheses). */
  private suffixes(first: Declarator | undefined, core: Declarator): Declarator {
    const parts: (Omit<Extract<Declarator, { kind: 'array' }>, 'inner'> | Omit<Extract<Declarator, { kind: 'function' }>, 'inner'>)[] = [];
    if (first !== undefined) parts.push(first as Extract<Declarator, { kind: 'function' }>);
    for (;;) {
      if (this.accept('[')) {
        let count: number | undefined;
        const t = this.peek();
        if (t.kind === 'integer') { this.take(); count = Number(t.value); }
        this.expect(']');
        parts.push({ kind: 'array', count });
      } else if (this.accept('(')) {
        parts.push(this.parameters());
      } else {
        break;
      }
    }
    // `int [2][3]`: the last suffix is applied first (an array of 2 arrays of 3).
    let d = core;
    for (let i = 0; i < parts.length; i++) d = { ...parts[i]!, inner: d } as Declarator;
    return d;
  }

  /** A parameter list after its `(`: type names, `void`, or `...`. */
  private parameters(): Extract<Declarator, { kind: 'function' }> {
    const params: TypeName[] = [];
    let varargs = false;
    if (!this.accept(')')) {
      do {
        if (this.accept('...')) { varargs = true; break; }
        params.push(this.typeName());
      } while (this.accept(','));
      this.expect(')');
    }
    const isVoid = params.length === 1 && params[0]!.base.kind === 'keyword' && params[0]!.base.name === 'void' && params[0]!.declarator.kind === 'none';
    return { kind: 'function', params: isVoid ? [] : params, varargs, prototyped: params.length > 0 || varargs, inner: { kind: 'none' } };
  }
}

const KEYWORD_TYPES: readonly (readonly string[])[] = [
  ['void'], ['float'], ['long', 'double'], ['signed', 'char'], ['unsigned', 'char'],
  ['signed', 'short', 'int'], ['unsigned', 'short', 'int'], ['signed', 'long', 'long', 'int'], ['unsigned', 'long', 'long', 'int'],
];

/** Whether type keywords (`unsigned long`, not yet `int`) can still be part of one C type (in any order but `double long`, as in gdb). */
function keywordsCanCombine(words: readonly string[]): boolean {
  if (words.indexOf('long') > words.indexOf('double') && words.includes('double')) return false;
  const fits = (combo: readonly string[]): boolean => {
    const left = [...combo];
    for (const w of words) {
      const i = left.indexOf(w);
      if (i < 0) return false;
      left.splice(i, 1);
    }
    return true;
  };
  return KEYWORD_TYPES.some(fits);
}

/** The C type a complete list of type keywords names, as gdb spells it (`long unsigned int` is `unsigned long`). */
function keywordType(words: readonly string[]): string {
  const has = (w: string): boolean => words.includes(w);
  const longs = words.filter((w) => w === 'long').length;
  if (has('void')) return 'void';
  if (has('float')) return 'float';
  if (has('double')) return longs > 0 ? 'long double' : 'double';
  if (has('char')) return has('signed') ? 'signed char' : has('unsigned') ? 'unsigned char' : 'char';
  const prefix = has('unsigned') ? 'unsigned ' : '';
  if (has('short')) return `${prefix}short`;
  if (longs === 2) return `${prefix}long long`;
  if (longs === 1) return `${prefix}long`;
  return `${prefix}int`;
}
