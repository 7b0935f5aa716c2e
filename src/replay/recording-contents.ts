/**
 * A recording in memory: header, program image, the input log, the periodic
 * state checks and how it ended. Read from a .rvr file, or started empty for
 * a live session whose log grows while it is debugged (and can be saved).
 */
import { ElfFile } from '../elf/elf-file.js';
import type { GuestConfig } from '../vm/guest-vm.js';
import { STEPS_PER_TICK, TIMEBASE_HZ } from '../machine/clock.js';
import { ISA_STRING } from '../machine/virt-board.js';
import { DEFAULT_CHECK_INTERVAL } from './recorder.js';
import { RecordingError, RecordingWriter, sha256, type Footer, type ImageMeta, type RecordedEvent, type RecordingHeader, type RecordingReader, type StateCheck } from './recording-file.js';

export interface RecordingContents {
  readonly name: string;
  readonly header: RecordingHeader;
  /** The program (an ELF, or a kernel Image). */
  readonly image: { readonly meta: ImageMeta; readonly bytes: Uint8Array };
  /** Every embedded image the guest is built from: `image`, then a kernel's initrd and disk. */
  readonly images: readonly { readonly meta: ImageMeta; readonly bytes: Uint8Array }[];
  /** The input log, in order (grows in a live session). */
  readonly events: RecordedEvent[];
  /** Periodic state checks by icount (grows in a live session). */
  readonly periodic: Map<number, StateCheck>;
  readonly footer: Footer | undefined;
  /** The last icount the recording covers (Infinity for a live session). */
  readonly endIcount: number;
  /** Stored checkpoints. */
  readonly checkpoints: readonly { readonly icount: number; readonly data: Uint8Array }[];
  /** Whether the log grows from live input at its end. */
  readonly live: boolean;
}

/** The contents of a recording file. */
export function contentsOf(reader: RecordingReader): RecordingContents {
  const header = reader.header;
  const events: RecordedEvent[] = [];
  const periodic = new Map<number, StateCheck>();
  for (const chunk of reader.chunks()) {
    events.push(...chunk.events);
    let k = Math.floor(chunk.start / header.digestInterval) + 1;
    for (const check of chunk.periodic) {
      const icount = k * header.digestInterval;
      if (icount > chunk.end) throw new RecordingError(`${reader.name}: a chunk holds more state checks than its icount range allows`);
      periodic.set(icount, check);
      k++;
    }
  }
  const images = reader.images();
  return {
    name: reader.name, header, image: images[0]!, images, events, periodic, footer: reader.footer,
    endIcount: reader.lastIcount(), checkpoints: reader.checkpoints(), live: false,
  };
}

export interface LiveRecordingOptions {
  readonly elf: ElfFile;
  readonly programName: string;
  readonly args: readonly string[];
  readonly memory: number;
  readonly bootArgs?: string;
  readonly clock?: 'virtual' | 'host';
  readonly checkInterval?: number;
  readonly producer: string;
}

/** An empty recording for a live session of `elf`. */
export function liveContents(o: LiveRecordingOptions): RecordingContents {
  const image = o.elf.bytes;
  const header: RecordingHeader = {
    producer: o.producer,
    machine: { board: 'virt', isa: ISA_STRING, memory: o.memory, stepsPerTick: STEPS_PER_TICK, timebaseHz: TIMEBASE_HZ },
    guest: { program: o.programName, image: sha256(image), args: [...o.args], bootArgs: o.bootArgs },
    digestInterval: o.checkInterval ?? DEFAULT_CHECK_INTERVAL,
    clock: o.clock ?? 'virtual',
  };
  const main = { meta: { role: 'program' as const, name: o.programName, sha256: header.guest.image, size: image.length }, bytes: image };
  return {
    name: o.programName, header, image: main, images: [main],
    events: [], periodic: new Map(), footer: undefined, endIcount: Infinity, checkpoints: [], live: true,
  };
}

/** The guest a recording was made of: an ELF program, or a kernel with its initrd and disk. */
export function guestConfigOf(c: RecordingContents): GuestConfig {
  const h = c.header;
  const base = { memory: h.machine.memory, bootArgs: h.guest.bootArgs, clock: h.clock };
  if (h.guest.kind !== 'kernel') return { ...base, elf: new ElfFile(c.image.bytes, c.image.meta.name) };
  const find = (sha: string | undefined) => (sha === undefined ? undefined : c.images.find((i) => i.meta.sha256 === sha));
  const initrd = find(h.guest.initrd);
  const drive = find(h.guest.drive);
  return {
    ...base,
    kernel: {
      image: c.image.bytes, name: c.image.meta.name,
      initrd: initrd?.bytes, initrdName: initrd?.meta.name, drive: drive?.bytes, driveName: drive?.meta.name,
    },
  };
}

/**
 * Writes a (live) recording's log up to `upTo` to a file, with a footer for
 * the state there. Inputs and checks after `upTo` are left out.
 */
export function saveContents(c: RecordingContents, path: string, upTo: number, footer: Footer): void {
  const w = RecordingWriter.create(path, c.header);
  for (const image of c.images) w.writeImage(image.meta, image.bytes);
  w.writeEvents({
    start: 0,
    end: upTo,
    events: c.events.filter((e) => e.icount <= upTo),
    periodic: [...c.periodic.entries()].filter(([i]) => i <= upTo).sort((a, b) => a[0] - b[0]).map(([, p]) => p),
  });
  w.writeFooter(footer);
  w.close();
}
