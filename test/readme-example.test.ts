/**
 * The README's library example, as written there, importing the package by
 * its name (package.json "exports"): it must keep working.
 */
import { readFileSync, rmSync } from 'node:fs';
import { expect, test } from 'vitest';
import { record, replay } from 'retrovisor';
import { REPO } from './support/cli.js';

test('the firmware echoes what it is sent', async () => {
  const run = await record({
    program: 'guests/build/uart-echo.elf',
    input: 'at 0 "abc\\n"\nat 0 "q"\n',
    output: 'echo.rvr',
  });
  expect(run.stdout).toContain('ABC');
  expect(run.exitStatus).toBe(0);

  const again = replay('echo.rvr');         // throws Divergence (with .report) if it does not follow the recording
  expect(again.stdout).toBe(run.stdout);
  expect(again.digest).toBe(run.digest);    // SHA-256 of the full final state
  rmSync('echo.rvr');
});

test('matches the README text', () => {
  const readme = readFileSync(`${REPO}README.md`, 'utf8');
  expect(readme).toContain("import { record, replay } from 'retrovisor';");
  expect(readme).toContain(`input: 'at 0 "abc\\\\n"\\nat 0 "q"\\n',`);
});
