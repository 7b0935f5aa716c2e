/** Rewrites a recording with changes (for divergence and damage tests), keeping every checksum valid. */
import { RecordingReader, RecordingWriter, type EventChunk, type RecordingHeader } from '../../src/replay/recording-file.js';

export interface Rewrite {
  header?: (h: RecordingHeader) => RecordingHeader;
  chunk?: (c: EventChunk, index: number) => EventChunk;
  image?: (bytes: Uint8Array) => Uint8Array;
}

export function rewriteRecording(from: string, to: string, rw: Rewrite): void {
  const r = RecordingReader.open(from);
  const header = rw.header?.(structuredClone(r.header)) ?? r.header;
  const w = RecordingWriter.create(to, header);
  const img = r.programImage();
  w.writeImage(img.meta, rw.image?.(img.bytes.slice()) ?? img.bytes);
  let i = 0;
  for (const c of r.chunks()) w.writeEvents(rw.chunk?.(c, i++) ?? c);
  if (r.footer !== undefined) w.writeFooter(r.footer);
  w.close();
}
