import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { guestPath, manifest } from './support/manifest.js';
import { hasTool } from './support/tools.js';

/**
 * Differential test against QEMU (CI installs qemu-system-misc): every guest
 * whose output does not depend on host inputs prints byte-identical console
 * output and exits with the same status under QEMU's virt board and under
 * `retrovisor run`.
 */
function qemu(args: readonly string[], input: string): Promise<{ status: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(manifest.qemu.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out) });
    });
    child.stdin.end(Buffer.from(input, 'latin1'));
  });
}

const guests = manifest.guests.filter((g) => g.compareWithQemu && !g.hostInputs);

describe('Retrovisor against QEMU virt', () => {
  const available = hasTool(manifest.qemu.binary);

  it.each(guests.map((g) => [g.name, g] as const))('%s prints the same and exits the same', async (_name, g) => {
    if (!available) return;
    const elf = guestPath(g.elf);
    const q = await qemu([...manifest.qemu.args, '-kernel', elf, ...(g.args.length > 0 ? ['-append', g.args.join(' ')] : [])], g.stdin);
    const r = await runCli(['run', elf, ...(g.args.length > 0 ? ['--', ...g.args] : [])], { input: Buffer.from(g.stdin, 'latin1') });
    expect(r.stdoutBytes.toString('latin1')).toBe(q.stdout.toString('latin1'));
    expect(r.status).toBe(q.status);
  });
});
