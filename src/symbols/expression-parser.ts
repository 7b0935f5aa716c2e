/**
 * The expressions `print` accepts: variables, registers ($pc, $a0), integer
 * literals, members (. and ->), indexing, dereference (*), address-of (&),
 * unary minus and parentheses. A small recursive-descent parser; evaluation
 * is the Symbols object's job.
 */

export type Expr =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'register'; readonly name: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'member'; readonly object: Expr; readonly member: string; readonly arrow: boolean }
  | { readonly kind: 'index'; readonly array: Expr; readonly index: Expr }
  | { readonly kind: 'deref'; readonly pointer: Expr }
  | { readonly kind: 'address'; readonly object: Expr }
  | { readonly kind: 'negate'; readonly operand: Expr };

/** A user's expression that does not parse: the message says what is wrong. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

const TOKEN = /\s*(->|0x[0-9a-fA-F]+|[0-9]+|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|[.[\]()*&-])/y;

export function parseExpression(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new ExpressionError(`A syntax error in expression, near \`${text.slice(pos).trim()}'.`);
    tokens.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new ExpressionError('A syntax error in expression, near `\'.');
    return t;
  };
  const expect = (t: string): void => {
    if (take() !== t) throw new ExpressionError(`A syntax error in expression: expected ${t}.`);
  };
  const unary = (): Expr => {
    const t = peek();
    if (t === '*') { i++; return { kind: 'deref', pointer: unary() }; }
    if (t === '&') { i++; return { kind: 'address', object: unary() }; }
    if (t === '-') { i++; return { kind: 'negate', operand: unary() }; }
    return postfix(primary());
  };
  const primary = (): Expr => {
    const t = take();
    if (t === '(') { const e = unary(); expect(')'); return e; }
    if (t.startsWith('$')) return { kind: 'register', name: t.slice(1) };
    if (/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) return { kind: 'number', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'name', name: t };
    throw new ExpressionError(`A syntax error in expression, near \`${t}'.`);
  };
  const postfix = (e: Expr): Expr => {
    for (;;) {
      const t = peek();
      if (t === '.' || t === '->') {
        i++;
        const member = take();
        if (!/^[A-Za-z_]/.test(member)) throw new ExpressionError(`A syntax error in expression, near \`${member}'.`);
        e = { kind: 'member', object: e, member, arrow: t === '->' };
      } else if (t === '[') {
        i++;
        const index = unary();
        expect(']');
        e = { kind: 'index', array: e, index };
      } else {
        return e;
      }
    }
  };
  const e = unary();
  if (i < tokens.length) throw new ExpressionError(`A syntax error in expression, near \`${tokens.slice(i).join(' ')}'.`);
  return e;
}
