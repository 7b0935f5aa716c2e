/**
 * The C expression parser on its own: precedence and associativity (C11
 * 6.5, with gdb's `@` between the shifts and + -), literals and their C
 * types, type names in casts and sizeof, gdb's forms, and the errors in gdb's
 * words at gdb's positions. (What gdb prints for whole expressions is in
 * symbols-expressions.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseExpression, type Declarator, type Expr, type ParseScope, type TypeName } from '../src/symbols/expression-parser.js';

/** A program with a typedef `u32`, a function `add`, variables `a` to `p` and `x`, and tags `point`, `color`. */
const SCOPE: ParseScope = {
  classify: (name) => (name === 'u32' || name === '_Bool' ? 'type' : name === 'add' ? 'function' : /^([a-p]|x|arr)$/.test(name) ? 'value' : 'unknown'),
  hasTag: (tag, name) => (tag === 'struct' && name === 'point') || (tag === 'enum' && name === 'color'),
};

function typeText(t: TypeName): string {
  const base = t.base.kind === 'keyword' ? t.base.name : t.base.kind === 'tag' ? `${t.base.tag} ${t.base.name}` : t.base.name;
  const q = t.qualifiers.length > 0 ? `${t.qualifiers.join(' ')} ` : '';
  const d = (x: Declarator): string => {
    switch (x.kind) {
      case 'none': return '';
      case 'pointer': return `ptr${x.qualifiers.map((k) => `-${k}`).join('')}(${d(x.inner)})`;
      case 'array': return `array${x.count ?? ''}(${d(x.inner)})`;
      case 'function': return `fn[${x.params.map(typeText).join(',')}${x.varargs ? ',...' : ''}${x.prototyped ? '' : '?'}](${d(x.inner)})`;
    }
  };
  const decl = d(t.declarator);
  return `${q}${base}${decl === '' ? '' : ` ${decl}`}`;
}

/** The tree as a prefix expression: (op operand...). */
function show(e: Expr): string {
  switch (e.kind) {
    case 'integer': return `${e.value}:${e.type}`;
    case 'float': return `${e.text}:${e.type}`;
    case 'char': return `'${e.value}'`;
    case 'string': return JSON.stringify(new TextDecoder().decode(e.bytes));
    case 'name': return e.name;
    case 'scoped': return `${e.file ? 'file' : 'fn'}:${e.scope}::${e.name}`;
    case 'register': return `$${e.name}`;
    case 'entry': return `${e.name}@entry`;
    case 'type': return `<${typeText(e.type)}>`;
    case 'unary': return `(${e.op} ${show(e.operand)})`;
    case 'deref': return `(* ${show(e.operand)})`;
    case 'address': return `(& ${show(e.operand)})`;
    case 'sizeof': return `(sizeof ${'base' in e.operand ? `<${typeText(e.operand)}>` : show(e.operand)})`;
    case 'alignof': return `(alignof <${typeText(e.type)}>)`;
    case 'cast': return `(cast <${typeText(e.type)}> ${show(e.operand)})`;
    case 'at': return `({} <${typeText(e.type)}> ${show(e.address)})`;
    case 'binary': return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'conditional': return `(? ${show(e.condition)} ${show(e.then)} ${show(e.otherwise)})`;
    case 'comma': return `(, ${show(e.left)} ${show(e.right)})`;
    case 'repeat': return `(@ ${show(e.object)} ${show(e.count)})`;
    case 'member': return `(${e.arrow ? '->' : '.'} ${show(e.object)} ${e.member})`;
    case 'index': return `([] ${show(e.array)} ${show(e.index)})`;
    case 'call': return `(call ${show(e.callee)}${e.args.map((a) => ` ${show(a)}`).join('')})`;
    case 'assign': return `(${e.op} ${show(e.target)} ${show(e.value)})`;
    case 'increment': return `(${e.prefix ? 'pre' : 'post'}${e.op} ${show(e.operand)})`;
  }
}

const parse = (text: string): string => show(parseExpression(text, SCOPE));
const error = (text: string): string => {
  try {
    parseExpression(text, SCOPE);
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

describe('expression parser', () => {
  it('orders binary operators by C precedence', () => {
    expect(parse('a + b * c')).toBe('(+ a (* b c))');
    expect(parse('a * b + c')).toBe('(+ (* a b) c)');
    expect(parse('a << b + c')).toBe('(<< a (+ b c))');
    expect(parse('a < b == c > d')).toBe('(== (< a b) (> c d))');
    expect(parse('a & b == c')).toBe('(& a (== b c))');
    expect(parse('a | b ^ c & d')).toBe('(| a (^ b (& c d)))');
    expect(parse('a || b && c')).toBe('(|| a (&& b c))');
    expect(parse('a && b | c')).toBe('(&& a (| b c))');
    expect(parse('a ? b : c || d')).toBe('(? a b (|| c d))');
    expect(parse('a, b = c ? d : e')).toBe('(, a (= b (? c d e)))');
  });

  it('associates left to right, except the conditional, assignments and unary operators', () => {
    expect(parse('a - b - c')).toBe('(- (- a b) c)');
    expect(parse('a / b % c')).toBe('(% (/ a b) c)');
    expect(parse('a << b >> c')).toBe('(>> (<< a b) c)');
    expect(parse('a, b, c')).toBe('(, (, a b) c)');
    expect(parse('a ? b : c ? d : e')).toBe('(? a b (? c d e))');
    expect(parse('a = b += c')).toBe('(= a (+= b c))');
    expect(parse('- - a')).toBe('(- (- a))');
    expect(parse('~-!*&a')).toBe('(~ (- (! (* (& a)))))');
  });

  it("puts gdb's @ between the shifts and + -", () => {
    expect(parse('*p@4')).toBe('(@ (* p) 4:int)');
    expect(parse('arr[0]@1+2')).toBe('(@ ([] arr 0:int) (+ 1:int 2:int))');
    expect(parse('a@2 << 1')).toBe('(<< (@ a 2:int) 1:int)');
    expect(parse('a@b@c')).toBe('(@ (@ a b) c)');
  });

  it('binds postfix operators tighter than prefix ones', () => {
    expect(parse('-a.b')).toBe('(- (. a b))');
    expect(parse('*p++')).toBe('(* (post++ p))');
    expect(parse('&a->b[1].c')).toBe('(& (. ([] (-> a b) 1:int) c))');
    expect(parse('++a--')).toBe('(pre++ (post-- a))');
    expect(parse('add(a, b + 1)(c)')).toBe('(call (call add a (+ b 1:int)) c)');
    expect(parse('sizeof a + 1')).toBe('(+ (sizeof a) 1:int)');
    expect(parse('sizeof (a)[1]')).toBe('(sizeof ([] a 1:int))');
    expect(parse('sizeof(int)[0]')).toBe('([] (sizeof <int>) 0:int)');
    expect(parse('(a)->b')).toBe('(-> a b)');
  });

  it('types integer literals by C rules on RV32 (long is int-sized)', () => {
    expect(parse('42')).toBe('42:int');
    expect(parse('2147483647')).toBe('2147483647:int');
    expect(parse('2147483648')).toBe('2147483648:long long');
    expect(parse('0x80000000')).toBe('2147483648:unsigned int');
    expect(parse('037777777777')).toBe('4294967295:unsigned int');
    expect(parse('0b101')).toBe('5:int');
    expect(parse('0t99')).toBe('99:int');
    expect(parse('7u')).toBe('7:unsigned int');
    expect(parse('7UL')).toBe('7:unsigned long');
    expect(parse('7lu')).toBe('7:unsigned long');
    expect(parse('7ll')).toBe('7:long long');
    expect(parse('0x80000000l')).toBe('2147483648:unsigned long');
    expect(parse('4294967296u')).toBe('4294967296:unsigned long long');
    expect(parse('9223372036854775808')).toBe('9223372036854775808:unsigned long long');
    expect(parse('0xffffffffffffffff')).toBe('18446744073709551615:unsigned long long');
  });

  it('reads character, floating and string literals', () => {
    expect(parse("'a'")).toBe("'97'");
    expect(parse("'\\n'")).toBe("'10'");
    expect(parse("'\\0'")).toBe("'0'");
    expect(parse("'\\x41'")).toBe("'65'");
    expect(parse("'\\101'")).toBe("'65'");
    expect(parse("'\\e'")).toBe("'27'");
    expect(parse("'\\''")).toBe("'39'");
    expect(parse('1.5')).toBe('1.5:double');
    expect(parse('.5f')).toBe('.5:float');
    expect(parse('1e-3L')).toBe('1e-3:long double');
    expect(parse('0x1.8p1')).toBe('0x1.8p1:double');
    expect(parse('"ab" "c\\td"')).toBe('"abc\\td"');
  });

  it('parses type names: keywords in any order, qualifiers, tags, typedefs and abstract declarators', () => {
    expect(parse('(long unsigned int)a')).toBe('(cast <unsigned long> a)');
    expect(parse('(long long unsigned)a')).toBe('(cast <unsigned long long> a)');
    expect(parse('(short)a')).toBe('(cast <short> a)');
    expect(parse('(signed char)a')).toBe('(cast <signed char> a)');
    expect(parse('(unsigned)a')).toBe('(cast <unsigned int> a)');
    expect(parse('(long double)a')).toBe('(cast <long double> a)');
    expect(parse('(int const)a')).toBe('(cast <const int> a)');
    expect(parse('(struct point *)a')).toBe('(cast <struct point ptr()> a)');
    expect(parse('(enum color)a')).toBe('(cast <enum color> a)');
    expect(parse('(u32)a')).toBe('(cast <u32> a)');
    expect(parse('(_Bool)a')).toBe('(cast <_Bool> a)');
    expect(parse('(int *[3])a')).toBe('(cast <int ptr(array3())> a)');
    expect(parse('(int (*)[3])a')).toBe('(cast <int array3(ptr())> a)');
    expect(parse('(int [2][3])a')).toBe('(cast <int array3(array2())> a)');
    expect(parse('(int (*)(int, char *))a')).toBe('(cast <int fn[int,char ptr()](ptr())> a)');
    expect(parse('(void (*)())a')).toBe('(cast <void fn[?](ptr())> a)');
    expect(parse('(int (*)(void))a')).toBe('(cast <int fn[](ptr())> a)');
    expect(parse('(int (*)(int, ...))a')).toBe('(cast <int fn[int,...](ptr())> a)');
    expect(parse('(const char * const *)a')).toBe('(cast <const char ptr-const(ptr())> a)');
    expect(parse('sizeof(struct point)')).toBe('(sizeof <struct point>)');
    expect(parse('_Alignof(u32 *)')).toBe('(alignof <u32 ptr()>)');
    expect(parse('{int} a')).toBe('({} <int> a)');
  });

  it('tells a cast from a parenthesized expression by what the name is', () => {
    expect(parse('(a) - 1')).toBe('(- a 1:int)');
    expect(parse('(u32) - 1')).toBe('(cast <u32> (- 1:int))');
    expect(parse('(a)(b)')).toBe('(call a b)');
    expect(parse('u32')).toBe('<u32>');
    expect(parse('struct point *')).toBe('<struct point ptr()>');
  });

  it("reads gdb's own forms", () => {
    expect(parse('$pc + $a0')).toBe('(+ $pc $a0)');
    expect(parse('a@entry')).toBe('a@entry');
    expect(parse('a @ entry')).toBe('a@entry');
    expect(parse('add::x')).toBe('fn:add::x');
    expect(parse("'lists.c'::x")).toBe('file:lists.c::x');
    expect(parse("'arr'")).toBe('arr');
  });

  it("reports syntax errors as gdb does, near the rest of the input from the offending token", () => {
    expect(error('1 +')).toBe("A syntax error in expression, near `'.");
    expect(error('1 2 3')).toBe("A syntax error in expression, near `2 3'.");
    expect(error('(1 2)')).toBe("A syntax error in expression, near `2)'.");
    expect(error(')')).toBe("A syntax error in expression, near `)'.");
    expect(error('(a))')).toBe('Junk after end of expression.');
    expect(error('1 ? 2')).toBe("A syntax error in expression, near `'.");
    expect(error('1 ? 2, 3 : 4')).toBe("A syntax error in expression, near `, 3 : 4'.");
    expect(error('a.')).toBe("A syntax error in expression, near `'.");
    expect(error('u32 + 1')).toBe("A syntax error in expression, near `+ 1'.");
    expect(error('1 + u32')).toBe("A syntax error in expression, near `'.");
    expect(error('1 + int')).toBe("A syntax error in expression, near `int'.");
    expect(error('sizeof int')).toBe("A syntax error in expression, near `int'.");
    expect(error('(long char)1')).toBe("A syntax error in expression, near `char)1'.");
    expect(error('(double long)1')).toBe("A syntax error in expression, near `long)1'.");
    expect(error('(struct)0')).toBe("A syntax error in expression, near `)0'.");
    expect(error('a::b')).toBe("A syntax error in expression, near `::b'.");
  });

  it('reports lexical errors and unknown names in the order gdb meets them', () => {
    expect(error('1 # 2')).toBe("Invalid character '#' in expression.");
    expect(error("'a")).toBe('Unmatched single quote.');
    expect(error('"abc')).toBe('Unterminated string in expression.');
    expect(error("''")).toBe('A character constant must contain at least one character.');
    expect(error("'ab'")).toBe('Invalid character constant.');
    expect(error("'\\x'")).toBe('\\x escape without a following hex digit');
    expect(error('08')).toBe('Invalid number "08".');
    expect(error('0x')).toBe('Invalid number "0x".');
    expect(error('1.5d')).toBe('Invalid number "1.5d".');
    expect(error('123abc')).toBe('Invalid number "123abc".');
    expect(error('18446744073709551616')).toBe('Numeric constant too large.');
    expect(error('0x10000000000000000')).toBe('Numeric constant too large.');
    expect(error('nosuch + 1')).toBe('No symbol "nosuch" in current context.');
    expect(error('nosuch 1')).toBe('No symbol "nosuch" in current context.');
    expect(error('a + nosuch #')).toBe("Invalid character '#' in expression.");
    expect(error('(struct nosuch *)0')).toBe('No struct type named nosuch.');
    expect(error('(union point *)0')).toBe('No union type named point.');
    expect(error('nosuch::x')).toBe('No symbol "nosuch" in current context.');
  });
});
