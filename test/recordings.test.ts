import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingReader } from '../src/replay/recording-file.js';
import { REPO, runCli } from './support/cli.js';

/**
 * The committed recordings are the compatibility promise: every one must keep
 * replaying exactly, final state included (scripts/make-recordings.sh made them).
 */
const dir = join(REPO, 'recordings');
const files = readdirSync(dir).filter((f) => f.endsWith('.rvr')).sort();

describe('committed recordings', () => {
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(6));

  it.each(files)('%s replays exactly, with --verify', async (file) => {
    const path = join(dir, file);
    const footer = RecordingReader.open(path).footer!;
    const r = await runCli(['replay', '--verify', path]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(footer.exitStatus);
    expect(r.stdoutBytes.toString('latin1')).toBe(readFileSync(path.replace(/\.rvr$/, '.stdout'), 'latin1'));
  });
});
