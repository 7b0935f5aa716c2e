/**
 * `retrovisor index`: replays a recording and stores full checkpoints in it
 * (CKPT blocks), so opening it and seeking anywhere later is instant. The file
 * is rewritten next to the original and renamed over it.
 */
import { renameSync } from 'node:fs';
import { RecordingReader, RecordingWriter } from '../replay/recording-file.js';
import { Replayer } from '../replay/replayer.js';
import { fullDigest } from '../replay/state-check.js';
import { encodeCheckpoint } from '../replay/checkpoint-file.js';
import { captureState } from '../replay/machine-state.js';

/** Default spacing of stored checkpoints: 32 per recording, at least every 50,000,000 steps. */
export function defaultCheckpointSpacing(end: number): number {
  return Math.max(1_000_000, Math.min(50_000_000, Math.ceil(end / 32)));
}

export interface IndexResult {
  readonly checkpoints: number;
  readonly every: number;
}

/** Adds stored checkpoints every `every` steps (replacing any it had). */
export function indexRecording(path: string, every?: number, progress?: (icount: number, end: number) => void): IndexResult {
  const reader = RecordingReader.open(path);
  const replayer = new Replayer(reader);
  replayer.vm.board.onConsole = () => {};
  const end = replayer.endIcount;
  const spacing = every ?? defaultCheckpointSpacing(end);
  const stored: { icount: number; data: Uint8Array }[] = [];
  for (let at = spacing; at < end; at += spacing) {
    replayer.replay(at);
    progress?.(at, end);
    stored.push({ icount: at, data: encodeCheckpoint(captureState(replayer), replayer.vm.board.ram.bytes, fullDigest(replayer.vm)) });
  }
  const tmp = `${path}.indexing`;
  const w = RecordingWriter.create(tmp, reader.header);
  for (const image of reader.images()) w.writeImage(image.meta, image.bytes);
  let next = 0;
  for (const chunk of reader.chunks()) {
    while (next < stored.length && stored[next]!.icount <= chunk.start) {
      w.writeCheckpoint(stored[next]!.icount, stored[next]!.data);
      next++;
    }
    w.writeEvents(chunk);
  }
  for (; next < stored.length; next++) w.writeCheckpoint(stored[next]!.icount, stored[next]!.data);
  if (reader.footer !== undefined) w.writeFooter(reader.footer);
  w.close();
  renameSync(tmp, path);
  return { checkpoints: stored.length, every: spacing };
}
