import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './support/cli.js';

/**
 * Our conformance programs (guests/conformance, riscv-tests style) run through
 * `retrovisor run`: HTIF tohost reports 1 for a pass (exit 0) or (n << 1) | 1
 * when case n fails (exit n).
 */
const dir = join(REPO, 'guests', 'conformance', 'build');
const programs = readdirSync(dir).filter((f) => f.endsWith('.elf')).sort();

describe('conformance programs', () => {
  it('are all present', () => {
    expect(programs.length).toBeGreaterThanOrEqual(29);
  });

  it.each(programs)('%s passes', async (elf) => {
    const r = await runCli(['run', '--max-insns', '50000000', join(dir, elf)]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
