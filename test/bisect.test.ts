import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { record, replay, Divergence } from '../src/api/index.js';
import { Hart } from '../src/hart/hart.js';
import { bisect } from '../src/replay/bisect.js';
import { RecordingReader } from '../src/replay/recording-file.js';
import { Replayer } from '../src/replay/replayer.js';
import { REPO } from './support/cli.js';
import { rewriteRecording } from './support/rewrite-recording.js';

const dir = mkdtempSync(join(tmpdir(), 'rv-bisect-'));
const original = join(dir, 'crc32.rvr');

beforeAll(async () => {
  await record({ program: join(REPO, 'guests', 'build', 'crc32.elf'), args: ['1'], output: original, checkInterval: 100_000 });
});

function divergenceOf(file: string): { d: Divergence; lastGood: number } {
  const r = new Replayer(RecordingReader.open(file));
  r.vm.board.onConsole = () => {};
  try {
    r.replay();
  } catch (e) {
    if (e instanceof Divergence) return { d: e, lastGood: r.lastGood };
    throw e;
  }
  throw new Error('no divergence');
}

describe('replay --bisect', () => {
  it('reports a self-consistent engine when the recording itself differs', () => {
    const copy = join(dir, 'tampered-check.rvr');
    rewriteRecording(original, copy, {
      chunk: (c) => ({ ...c, periodic: c.periodic.map((p, i) => (i === 3 ? { ...p, groups: [p.groups[0] ^ 1, p.groups[1], p.groups[2], p.groups[3]] as const } : p)) }),
    });
    const { d, lastGood } = divergenceOf(copy);
    expect(d.icount).toBe(400_000);
    expect(lastGood).toBe(300_000);
    const result = bisect(RecordingReader.open(copy), d, lastGood);
    expect(result.firstDiffering).toBeUndefined();
    expect(result.report).toMatch(/agree over the whole window \(300000, 400000\]/);
  });

  it('finds the exact instruction where the fast path departs from the reference', () => {
    // Inject a fast-path-only fault: when one run() call crosses icount 234,567, a register is corrupted.
    const BAD = 234_567;
    const run = Hart.prototype.run;
    Hart.prototype.run = function (this: Hart, budgetEnd: number) {
      const start = this.icount;
      if (start < BAD && budgetEnd > BAD + 1) {
        const exit = run.call(this, BAD + 1);
        if (this.icount === BAD + 1) this.x[9] = (this.x[9]! + 1) | 0;
        return this.icount < budgetEnd && exit === 1 ? run.call(this, budgetEnd) : exit;
      }
      return run.call(this, budgetEnd);
    };
    try {
      const { d, lastGood } = divergenceOf(original);
      expect(lastGood).toBe(200_000);
      const result = bisect(RecordingReader.open(original), d, lastGood);
      // The corruption lands between run() calls at icount BAD + 1, so the first step that shows it ends at BAD + 2.
      expect(result.firstDiffering).toBe(BAD + 2);
      expect(result.report).toMatch(new RegExp(`first differ after the step at icount ${BAD + 1}, pc 0x[0-9a-f]+ \\(\\w+`));
    } finally {
      Hart.prototype.run = run;
    }
    expect(() => replay(original)).not.toThrow();
  });
});
