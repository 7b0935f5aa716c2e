/** A replay that no longer follows its recording, and the report that explains where. */
import type { RecordedEvent } from './recording-file.js';

export type DivergenceKind =
  /** The guest asked for an input the log does not hold (other kind, other icount, other request). */
  | 'input'
  /** A state check differs. */
  | 'state'
  /** The run ended differently (earlier, later, other exit status, other final state). */
  | 'end';

export class Divergence extends Error {
  override readonly name = 'Divergence';
  /** Filled in by the replayer: the full human-readable report. */
  report = '';

  constructor(readonly kind: DivergenceKind, readonly icount: number, readonly detail: string, readonly expected?: RecordedEvent) {
    super(detail);
  }
}
