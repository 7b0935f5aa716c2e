import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { guestPath, manifest } from './support/manifest.js';

/** Every example guest prints exactly its expected output and exits with its expected status (no toolchain needed). */
describe('example guests under retrovisor run', () => {
  const quick = manifest.guests.filter((g) => g.tier === 'quick');

  it.each(quick.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
    const args = ['run'];
    if (g.semihostRoot !== null) args.push('--semihost-root', guestPath(g.semihostRoot));
    args.push(guestPath(g.elf));
    if (g.args.length > 0) args.push('--', ...g.args);
    const r = await runCli(args, { input: Buffer.from(g.stdin, 'latin1'), cwd: g.semihostRoot === null ? undefined : guestPath(g.semihostRoot) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(g.expectedExitCode);
    const expected = g.expectedStdout ?? g.icountReference;
    if (expected !== undefined && expected !== null) {
      expect(r.stdoutBytes.toString('latin1')).toBe(readFileSync(guestPath(expected), 'latin1'));
    } else {
      // Host-dependent output: check its shape.
      expect(r.stdout).toMatch(/file says/);
    }
  });
});
