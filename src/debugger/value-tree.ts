/**
 * Values as trees for variable views: a struct or union expands into its
 * members, an array into its elements, a pointer into what it points to.
 */
import { strip, sizeOf, typeName, type CType } from '../symbols/types.js';
import { bitfieldValue, isOptimizedOut, subValue, toNumber, valueAt, type MemoryReader, type Value } from '../symbols/values.js';

export interface Child {
  readonly name: string;
  readonly value: Value;
  /** The C expression for this child, relative to its parent's (for evaluateName). */
  readonly path: (parent: string) => string;
}

/** Most elements an array node lists (the rest are reachable through expressions). */
export const MAX_ELEMENTS = 1000;

/** Whether a value has children to show. */
export function expandable(v: Value): boolean {
  if (isOptimizedOut(v) || v.error !== undefined) return false;
  const t = strip(v.type);
  if (t.kind === 'struct' || t.kind === 'union') return !t.declaration && t.members().length > 0;
  if (t.kind === 'array') return (t.counts[0] ?? 0) > 0;
  if (t.kind === 'pointer') {
    const target = strip(t.target());
    return target.kind !== 'void' && target.kind !== 'function' && toNumber(v) !== 0;
  }
  return false;
}

/** The children of a value (members, elements, or the pointee). */
export function childrenOf(v: Value, mem: MemoryReader): Child[] {
  const t = strip(v.type);
  if (t.kind === 'struct' || t.kind === 'union') {
    return t.members().map((m, i) => {
      const name = m.name ?? `<anonymous ${i}>`;
      const value = m.bitSize !== undefined ? bitfieldValue(v, m) : subValue(v, m.type, m.offset);
      return { name, value, path: (p: string) => `${p}.${name}` };
    });
  }
  if (t.kind === 'array') {
    const count = Math.min(t.counts[0] ?? 0, MAX_ELEMENTS);
    const inner: CType = t.counts.length > 1 ? { kind: 'array', element: t.element, counts: t.counts.slice(1) } : t.element();
    const size = sizeOf(inner);
    const out: Child[] = [];
    for (let i = 0; i < count; i++) out.push({ name: `[${i}]`, value: subValue(v, inner, i * size, size), path: (p: string) => `${p}[${i}]` });
    return out;
  }
  if (t.kind === 'pointer') {
    const target = t.target();
    return [{ name: `*${typeName(v.type)}`, value: valueAt(target, toNumber(v) >>> 0, mem), path: (p: string) => `*${p}` }];
  }
  return [];
}
