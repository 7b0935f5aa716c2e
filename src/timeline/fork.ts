/**
 * Alternate futures: from any point of a replay, continue live with new input
 * and record the new run as a recording that shares the original's prefix
 * (its inputs and checks up to the fork point are copied, so the new file
 * replays from boot). The original recording and timeline are not touched.
 */
import type { HostInput } from '../host/host-input.js';
import { captureState } from '../replay/machine-state.js';
import { guestConfigOf } from '../replay/recording-contents.js';
import { Recorder } from '../replay/recorder.js';
import type { Timeline } from './timeline.js';

export interface ForkOptions {
  /** Where to write the new recording. */
  readonly output: string;
  /** Where the new inputs come from (a live host with a console script, stdin...). */
  readonly source: HostInput;
}

/** A recorder positioned at the timeline's current icount; run it (live) and finish it. */
export function forkRecorder(timeline: Timeline, options: ForkOptions): Recorder {
  const replayer = timeline.replayer;
  const { events, periodic } = replayer.prefix();
  const header = timeline.contents.header;
  const guest = guestConfigOf(timeline.contents);
  return new Recorder({
    output: options.output,
    elf: guest.elf,
    kernel: guest.kernel,
    programName: header.guest.program,
    args: header.guest.args,
    memory: header.machine.memory,
    bootArgs: header.guest.bootArgs,
    checkInterval: header.digestInterval,
    clock: header.clock,
    source: options.source,
    prefix: { header, events, periodic, state: captureState(replayer), ram: replayer.vm.board.ram.bytes },
  });
}
