/** The guest manifest (guests/manifest.json): how to run each example guest and what it must print. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './cli.js';

export interface ManifestGuest {
  readonly name: string;
  readonly elf: string;
  readonly args: readonly string[];
  readonly stdin: string;
  readonly semihostRoot: string | null;
  readonly expectedStdout: string | null;
  readonly expectedExitCode: number;
  readonly hostInputs: boolean;
  readonly compareWithQemu: boolean;
  readonly tier: 'quick' | 'bench';
  readonly icountReference?: string;
}

export interface Manifest {
  readonly qemu: { readonly binary: string; readonly args: readonly string[]; readonly icountArgs: readonly string[] };
  readonly guests: readonly ManifestGuest[];
}

export const GUESTS_DIR = join(REPO, 'guests');
export const manifest = JSON.parse(readFileSync(join(GUESTS_DIR, 'manifest.json'), 'utf8')) as Manifest;

export function guestPath(rel: string): string {
  return join(GUESTS_DIR, rel);
}
