/**
 * The names a compilation unit declares at file scope, by kind, for name
 * lookups in expressions: variables, functions, typedefs and base types,
 * enumerators, and struct/union/enum tags (C11 6.2.3: tags are a name space
 * of their own). Also the names a block (a function body or a lexical block)
 * declares for types and enumerators.
 */
import { dieName, type Die, type Unit } from './debug-info.js';
import { At, Tag } from './dwarf-constants.js';
import { typeFromDie, type CType } from './types.js';

export type TagKind = 'struct' | 'union' | 'enum';

const TAG_OF: ReadonlyMap<number, TagKind> = new Map([[Tag.StructureType, 'struct'], [Tag.UnionType, 'union'], [Tag.EnumerationType, 'enum']]);

/** Type names and enumerators declared directly in a scope entry (a unit's root, a subprogram, a block). */
export interface ScopeNames {
  readonly typedefs: ReadonlyMap<string, Die>;
  readonly enumerators: ReadonlyMap<string, { readonly type: Die; readonly value: number }>;
  readonly tags: ReadonlyMap<string, Die>;
}

const cache = new WeakMap<Die, ScopeNames>();

/** The typedefs, base types, enumerators and tags declared directly in `scope` (cached). */
export function scopeNames(scope: Die): ScopeNames {
  const cached = cache.get(scope);
  if (cached !== undefined) return cached;
  const typedefs = new Map<string, Die>();
  const enumerators = new Map<string, { type: Die; value: number }>();
  const tags = new Map<string, Die>();
  for (const d of scope.children) {
    const name = dieName(d);
    if ((d.tag === Tag.Typedef || d.tag === Tag.BaseType) && name !== undefined && !typedefs.has(name)) typedefs.set(name, d);
    const tag = TAG_OF.get(d.tag);
    if (tag !== undefined && name !== undefined) {
      const key = `${tag} ${name}`;
      const prev = tags.get(key);
      // A definition wins over a declaration.
      if (prev === undefined || (prev.attrs.has(At.Declaration) && !d.attrs.has(At.Declaration))) tags.set(key, d);
    }
    if (d.tag === Tag.EnumerationType) {
      for (const e of d.children) {
        const en = dieName(e);
        if (e.tag === Tag.Enumerator && en !== undefined && !enumerators.has(en)) {
          enumerators.set(en, { type: d, value: e.unit.constant(e.attrs.get(At.ConstValue)) ?? 0 });
        }
      }
    }
  }
  const names = { typedefs, enumerators, tags };
  cache.set(scope, names);
  return names;
}

/** A struct, union or enum tag declared in `scope`, as a type. */
export function taggedTypeIn(scope: Die, tag: TagKind, name: string): { type: CType; declaration: boolean } | undefined {
  const d = scopeNames(scope).tags.get(`${tag} ${name}`);
  return d === undefined ? undefined : { type: typeFromDie(d), declaration: d.attrs.has(At.Declaration) };
}

/** The file-scope entries of every unit, the unit of `preferred` first. */
export function unitsFrom(units: readonly Unit[], preferred: Unit | undefined): Unit[] {
  return preferred === undefined ? [...units] : [preferred, ...units.filter((u) => u !== preferred)];
}
