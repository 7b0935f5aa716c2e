/**
 * What names mean in an expression evaluated in a frame, looked up in gdb's
 * order: the frame's blocks from the innermost out (variables, parameters,
 * local typedefs and enumerators), then the file scope of the frame's unit,
 * then the program's globals and functions, then types and enumerators of
 * other units, and last the ELF symbols (which have no type).
 */
import type { Die, Unit } from './debug-info.js';
import { At, Op, Tag } from './dwarf-constants.js';
import type { EvaluationScope, NamedValue } from './expression-evaluator.js';
import { ExpressionError } from './expression-parser.js';
import type { Frame, FunctionInfo, Machine, Symbols } from './symbols.js';
import { typeFromDie, type CType } from './types.js';
import { scopeNames, taggedTypeIn, unitsFrom, type TagKind } from './unit-names.js';
import { valueFromNumber } from './values.js';

/** gdb's names for x0-x31 on RISC-V (x8 is fp). */
const GDB_REGISTER_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

/** What a name resolves to before its value is read. */
type Resolved =
  | { readonly kind: 'variable'; readonly die: Die; readonly level: number }
  | { readonly kind: 'function'; readonly fn: FunctionInfo }
  | { readonly kind: 'external'; readonly name: string }
  | { readonly kind: 'enumerator'; readonly type: Die; readonly value: number }
  | { readonly kind: 'type'; readonly type: CType }
  | { readonly kind: 'code-symbol' | 'data-symbol'; readonly name: string; readonly address: number };

/** The scope an expression in frame `level` is evaluated in. */
export function frameScope(symbols: Symbols, frames: readonly Frame[], level: number, machine: Machine): EvaluationScope {
  const frame = frames[level];
  const unit = frame?.scope?.unit ?? (frame === undefined ? undefined : symbols.unitAt(frame.lookupPc));
  const resolved = new Map<string, Resolved | undefined>();
  const resolve = (name: string): Resolved | undefined => {
    if (!resolved.has(name)) resolved.set(name, resolveName(symbols, name, frames, level, unit));
    return resolved.get(name);
  };
  const valueOf = (r: Resolved | undefined): NamedValue | undefined => {
    if (r === undefined || r.kind === 'type') return undefined;
    switch (r.kind) {
      case 'variable': return { kind: 'variable', value: symbols.variableValue(r.die, frames, r.level, machine) };
      case 'function': return { kind: 'function', value: symbols.functionValue(r.fn) };
      case 'external': return { kind: 'variable', value: symbols.externalVariable(r.name, machine)! };
      case 'enumerator': return { kind: 'enumerator', value: valueFromNumber(typeFromDie(r.type), r.value) };
      default: return r;
    }
  };
  const tagged = (tag: TagKind, name: string): CType | undefined => {
    let declaration: CType | undefined;
    for (const block of symbols.frameBlocks(frames, level)) {
      const t = taggedTypeIn(block, tag, name);
      if (t !== undefined) return t.type;
    }
    for (const u of unitsFrom(symbols.info.units, unit)) {
      const t = taggedTypeIn(u.root, tag, name);
      if (t === undefined) continue;
      if (!t.declaration) return t.type;
      declaration ??= t.type;
    }
    return declaration;
  };
  return {
    classify: (name) => {
      const r = resolve(name);
      return r === undefined ? 'unknown' : r.kind === 'type' ? 'type' : r.kind === 'function' || r.kind === 'code-symbol' ? 'function' : 'value';
    },
    hasTag: (tag, name) => tagged(tag, name) !== undefined,
    lookup: (name) => valueOf(resolve(name)),
    lookupScoped: (scope, file, name) => {
      const found = valueOf(resolveScoped(symbols, scope, file, name, frames, level));
      if (found === undefined) throw new ExpressionError(`No symbol "${name}" in specified context.`);
      return found;
    },
    entryValue: (name) => {
      const die = symbols.localVariable(name, frames, level);
      if (die === undefined || die.tag !== Tag.FormalParameter) throw new ExpressionError(`@entry can be used only for function parameters, not for "${name}"`);
      return symbols.parameterEntryValue(die, frames, level, machine);
    },
    namedType: (name) => {
      const r = resolve(name);
      return r?.kind === 'type' ? r.type : undefined;
    },
    taggedType: tagged,
    register: (name) => symbols.registerValue(name, frames, level, machine),
    registerName: (n) => GDB_REGISTER_NAMES[n] ?? `x${n}`,
    hasFunction: (name) => symbols.functionsNamed(name).length > 0 || symbols.elfSymbols.symbol(name) !== undefined,
    readMemory: (address, length) => machine.readMemory(address >>> 0, length),
  };
}

function resolveName(symbols: Symbols, name: string, frames: readonly Frame[], level: number, unit: Unit | undefined): Resolved | undefined {
  // The frame's blocks, innermost first: a variable, or a type or enumerator declared there.
  const local = symbols.localVariable(name, frames, level);
  const blocks = symbols.frameBlocks(frames, level);
  for (const block of blocks) {
    if (local !== undefined && isWithin(local, block)) return { kind: 'variable', die: local, level };
    const declared = typeOrEnumerator(block, name);
    if (declared !== undefined) return declared;
  }
  if (local !== undefined) return { kind: 'variable', die: local, level };
  // The frame's file scope, then the program's.
  if (unit !== undefined) {
    const v = symbols.fileVariable(unit, name);
    if (v !== undefined) return { kind: 'variable', die: v, level };
    const fn = symbols.functionsNamed(name).find((f) => f.die.unit === unit);
    if (fn !== undefined) return { kind: 'function', fn };
    const declared = typeOrEnumerator(unit.root, name);
    if (declared !== undefined) return declared;
  }
  const global = symbols.globalVariable(name);
  if (global !== undefined) return { kind: 'variable', die: global, level };
  const fn = symbols.functionsNamed(name)[0];
  if (fn !== undefined) return { kind: 'function', fn };
  if (symbols.externalVariable(name, NO_MEMORY) !== undefined) return { kind: 'external', name };
  for (const u of symbols.info.units) {
    const declared = typeOrEnumerator(u.root, name);
    if (declared !== undefined) return declared;
  }
  return elfSymbol(symbols, name);
}

/** Whether `die` is declared directly in `block` (or in a range-less block inside it). */
function isWithin(die: Die, block: Die): boolean {
  for (let p = die.parent; p !== undefined; p = p.parent) {
    if (p === block) return true;
    if (p.tag !== Tag.LexicalBlock) return false;
  }
  return false;
}

function typeOrEnumerator(scope: Die, name: string): Resolved | undefined {
  const names = scopeNames(scope);
  const t = names.typedefs.get(name);
  if (t !== undefined) return { kind: 'type', type: typeFromDie(t) };
  const e = names.enumerators.get(name);
  if (e !== undefined) return { kind: 'enumerator', type: e.type, value: e.value };
  return undefined;
}

/** An ELF symbol without debug information: code if it lies in an executable section. */
function elfSymbol(symbols: Symbols, name: string): Resolved | undefined {
  const s = symbols.elfSymbols.symbol(name);
  if (s === undefined) return undefined;
  const section = symbols.elf.sections[s.sectionIndex];
  const code = section !== undefined && (section.flags & SHF_EXECINSTR) !== 0;
  return { kind: code ? 'code-symbol' : 'data-symbol', name, address: s.value };
}

const SHF_EXECINSTR = 0x4;

/** For asking whether a declaration exists without reading it. */
const NO_MEMORY: Machine = { readMemory: () => undefined, readRegister: () => 0 };

/** `function::name` and `'file'::name`, with gdb's errors. */
function resolveScoped(symbols: Symbols, scope: string, file: boolean, name: string, frames: readonly Frame[], level: number): Resolved {
  const notHere = (): never => { throw new ExpressionError(`No symbol "${name}" in specified context.`); };
  const fn = file ? undefined : symbols.functionsNamed(scope)[0];
  if (fn !== undefined) {
    const die = symbols.functionVariable(fn, name);
    if (die === undefined) return notHere();
    // An automatic variable needs a frame of that function; a static does not.
    const running = frames.findIndex((f) => !f.inline && f.scope === fn.die);
    if (running >= 0) return { kind: 'variable', die, level: running };
    if (isStatic(die)) return { kind: 'variable', die, level };
    throw new ExpressionError(`No frame is currently executing in block ${scope}.`);
  }
  // The units whose line tables name the file (a header too); its statics first, then the program's globals and functions.
  const units = symbols.unitsNamingFile(scope);
  if (units.length === 0) throw new ExpressionError(`No symbol "${scope}" in current context.`);
  for (const u of units) {
    const v = symbols.fileVariable(u, name);
    if (v !== undefined) return { kind: 'variable', die: v, level };
    const f = symbols.functionsNamed(name).find((x) => x.die.unit === u);
    if (f !== undefined) return { kind: 'function', fn: f };
  }
  const global = symbols.globalVariable(name);
  if (global !== undefined) return { kind: 'variable', die: global, level };
  const f = symbols.functionsNamed(name)[0];
  if (f !== undefined) return { kind: 'function', fn: f };
  return notHere();
}

/** A variable at a fixed address (DW_OP_addr): it needs no frame. */
function isStatic(die: Die): boolean {
  const loc = die.attrs.get(At.Location)?.value;
  return loc instanceof Uint8Array && (loc[0] === Op.Addr || loc[0] === Op.Addrx);
}

