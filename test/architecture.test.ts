import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

/**
 * The layers of src/ and what each may import (docs/ARCHITECTURE.md). A layer
 * may always import its own files; everything else must be listed here.
 */
export const ALLOWED: Record<string, readonly string[]> = {
  isa: [],
  memory: [],
  elf: [],
  symbols: ['elf', 'isa'],
  host: [],
  hart: ['isa', 'memory'],
  machine: ['hart', 'memory', 'host', 'elf', 'isa'],
  monitor: ['machine', 'hart', 'memory', 'host', 'isa'],
  vm: ['monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  replay: ['vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  timeline: ['replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  debugger: ['timeline', 'symbols', 'replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  gdbstub: ['debugger', 'timeline', 'symbols', 'replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  api: ['replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  adapter: ['debugger', 'timeline', 'symbols', 'replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  cli: ['adapter', 'gdbstub', 'debugger', 'timeline', 'symbols', 'replay', 'vm', 'monitor', 'machine', 'hart', 'memory', 'host', 'elf', 'isa'],
  // The VS Code extension reaches the engine only through the DAP server.
  extension: ['adapter'],
};

/** The layer of a source file: its folder under src/, or "adapter" for adapter/src, "extension" for extension/src. */
function layerOf(file: string): string {
  const rel = relative(REPO, file).split(sep);
  return rel[0] === 'src' ? rel[1]! : rel[0]!;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('architecture', () => {
  const all = () => [...sources(join(REPO, 'src')), ...sources(join(REPO, 'adapter', 'src')), ...sources(join(REPO, 'extension', 'src'))];

  it('every source file lives in a known layer', () => {
    const layers = new Set(all().map(layerOf));
    expect([...layers].filter((l) => !(l in ALLOWED))).toEqual([]);
  });

  it('layers import only what docs/ARCHITECTURE.md allows', () => {
    const violations: string[] = [];
    for (const file of all()) {
      const layer = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = layerOf(join(file, '..', m[1]!));
        if (target !== layer && !(ALLOWED[layer] ?? []).includes(target)) {
          violations.push(`${relative(REPO, file)} imports ${m[1]} (layer ${target})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('the architecture document names every layer', () => {
    const doc = readFileSync(join(REPO, 'docs', 'ARCHITECTURE.md'), 'utf8');
    for (const layer of Object.keys(ALLOWED)) expect(doc).toContain(layer === 'adapter' || layer === 'extension' ? `${layer}/` : `src/${layer}/`);
  });
});
