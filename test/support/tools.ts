/**
 * External tools some tests use (dtc, QEMU, the cross toolchain, gdb). Locally
 * they are optional; CI sets RETROVISOR_REQUIRE_TOOLS=1 and installs them, and
 * then a missing tool fails the test run instead of quietly narrowing it.
 */
import { spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
  if (!found && process.env['RETROVISOR_REQUIRE_TOOLS'] === '1') {
    throw new Error(`${name} is required (RETROVISOR_REQUIRE_TOOLS=1) but not installed`);
  }
  return found;
}
