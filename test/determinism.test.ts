import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

/** STYLE rule 9: host time and randomness enter only through src/host. */
const FORBIDDEN = /\b(Date\.now|Math\.random|performance\.now|process\.hrtime|new Date\(\s*\)|crypto\.random|randomFillSync|randomBytes|getRandomValues)\b/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('determinism', () => {
  it('reads the host clock and randomness only in src/host', () => {
    const offenders = sources(join(REPO, 'src'))
      .filter((p) => !relative(REPO, p).startsWith(join('src', 'host')))
      .flatMap((p) => readFileSync(p, 'utf8').split('\n').map((line, i) => ({ p, line, i }))
        .filter(({ line }) => FORBIDDEN.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//'))
        .map(({ p, i, line }) => `${relative(REPO, p)}:${i + 1}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });
});
