/**
 * `replay --bisect`: narrows a divergence that a state check found at the end
 * of a window (last matching check A, failing check B].
 *
 * An input divergence, or a check right after an input, already names its
 * instruction. For a periodic check the recording holds no finer data, so
 * bisect compares two executions of the window that must agree: the normal
 * run loop (traced: the same generated loop with a per-step hook and the same
 * control flow) and a reference that executes one instruction per call. The
 * first step after which their registers differ is the first differing
 * instruction: nondeterminism or a fast-path bug in the engine. If they agree
 * over the whole window, the engine is self-consistent there, and the
 * recording was made by a machine that behaved differently (another Retrovisor
 * version, or a changed input or image).
 */
import type { Hart } from '../hart/hart.js';
import { Divergence } from './divergence.js';
import type { RecordingReader } from './recording-file.js';
import { Replayer } from './replayer.js';

export interface BisectResult {
  /** The icount after the first differing step, or undefined when the executions agree. */
  readonly firstDiffering: number | undefined;
  readonly report: string;
}

interface Step {
  readonly digest: number;
  readonly pc: number;
}

function stepDigest(h: Hart): number {
  let d = 0x811c9dc5 ^ h.pc ^ (h.priv << 28);
  for (let i = 1; i < 32; i++) d = Math.imul(d ^ h.x[i]!, 0x01000193);
  return d;
}

/** Replays to `from`, then traces every step up to `to` (the failing check is expected and ignored). */
function traceWindow(reader: RecordingReader, from: number, to: number, stepping: boolean): { steps: Map<number, Step>; replayer: Replayer } {
  const r = new Replayer(reader);
  r.vm.board.onConsole = () => {};
  r.replay(from);
  const hart = r.vm.board.hart;
  const steps = new Map<number, Step>();
  hart.tracer = (h) => { steps.set(h.icount, { digest: stepDigest(h), pc: h.pc >>> 0 }); };
  try {
    if (!stepping) r.replay(to);
    else while (hart.icount < to) {
      const before = hart.icount;
      const outcome = r.replay(before + 1);
      if (hart.icount === before && outcome.stop.kind !== 'paused') break;
    }
  } catch (e) {
    if (!(e instanceof Divergence)) throw e;
  } finally {
    hart.tracer = undefined;
  }
  return { steps, replayer: r };
}

/** Bisects the window (lastGood, divergence.icount]. */
export function bisect(reader: RecordingReader, d: Divergence, lastGood: number): BisectResult {
  if (d.kind !== 'state' || d.detail.includes('the input took effect at icount')) {
    return { firstDiffering: d.icount, report: `bisect: the divergence is at an input; the report above names its instruction (icount ${d.icount})` };
  }
  const fast = traceWindow(reader, lastGood, d.icount, false);
  const reference = traceWindow(reader, lastGood, d.icount, true);
  let previousPc: number | undefined;
  for (let icount = lastGood + 1; icount <= d.icount; icount++) {
    const a = fast.steps.get(icount);
    const b = reference.steps.get(icount);
    if (a === undefined || b === undefined) continue; // a step the monitor took (ecall, semihosting): not traced
    if (a.digest !== b.digest || a.pc !== b.pc) {
      const at = previousPc === undefined ? `icount ${icount - 1}` : `icount ${icount - 1}, pc ${fast.replayer.vm.describeAddress(previousPc)}`;
      return {
        firstDiffering: icount,
        report: [
          `bisect: the run loop and the one-instruction-at-a-time reference first differ after the step at ${at}:`,
          `  the engine is not deterministic there. This is a Retrovisor bug: please report it with the recording.`,
        ].join('\n'),
      };
    }
    previousPc = a.pc;
  }
  return {
    firstDiffering: undefined,
    report: [
      `bisect: the run loop and the one-instruction-at-a-time reference agree over the whole window (${lastGood}, ${d.icount}];`,
      '  the engine is self-consistent there: the recording was made by a machine that behaved differently in that window',
      '  (another Retrovisor version, or a changed input or image).',
    ].join('\n'),
  };
}
