/**
 * The Recorder: runs a guest with a RecordingHostInput behind the door and
 * writes the .rvr file as it goes — header and embedded image first, then an
 * event chunk whenever flush() is called (the CLI flushes at least once a
 * second), then the footer. A recorder killed mid-run leaves a file that
 * replays up to its last complete chunk.
 */
import type { ElfFile } from '../elf/elf-file.js';
import type { HostInput } from '../host/host-input.js';
import { STEPS_PER_TICK, TIMEBASE_HZ } from '../machine/clock.js';
import { ISA_STRING } from '../machine/virt-board.js';
import type { StopReason } from '../monitor/monitor.js';
import { GuestVm, type KernelGuest } from '../vm/guest-vm.js';
import { CheckedRun } from './checked-run.js';
import { RecordingHostInput } from './host-strategies.js';
import { MAX_IMAGE_BYTES, RecordingError, RecordingWriter, sha256, type RecordedEvent, type RecordingHeader, type StateCheck } from './recording-file.js';
import { STATE_CHECK_CONSUMER, type MachineState } from './machine-state.js';
import { encodeCheckpoint } from './checkpoint-file.js';
import { captureVmState } from './machine-state.js';
import { fullDigest } from './state-check.js';

export const PRODUCER = 'retrovisor 0.1.0';
export const DEFAULT_CHECK_INTERVAL = 1_000_000;

export interface RecorderOptions {
  /** Where to write the recording. */
  readonly output: string;
  /** The guest: an ELF program... */
  readonly elf?: ElfFile;
  /** ...or a Linux kernel (its Image, initrd and disk are embedded in the recording). */
  readonly kernel?: KernelGuest;
  /** The program's name as the user gave it (informational). */
  readonly programName: string;
  readonly args: readonly string[];
  readonly memory: number;
  readonly bootArgs?: string;
  /** Steps between periodic state checks (default 1,000,000). */
  readonly checkInterval?: number;
  /** Where inputs really come from (live host, a script). */
  readonly source: HostInput;
  /** Guest time: "virtual" (default) or "host" (every reading of the host clock is recorded). */
  readonly clock?: 'virtual' | 'host';
  /** Store a full checkpoint in the recording every this many steps (none by default). */
  readonly checkpointEvery?: number;
  /**
   * Start from the middle of another recording (a fork): its inputs and checks
   * up to the state's icount are copied, and the run continues from `state`.
   */
  readonly prefix?: RecordingPrefix;
}

/** What a fork takes from the recording it leaves. */
export interface RecordingPrefix {
  readonly header: RecordingHeader;
  readonly events: readonly RecordedEvent[];
  readonly periodic: readonly StateCheck[];
  readonly state: MachineState;
  /** RAM at the fork point. */
  readonly ram: Uint8Array;
}

/** How a recorded run ended, as written in the footer. */
export function stopName(stop: StopReason): string {
  return stop.kind === 'target' ? 'limit' : stop.kind;
}

export class Recorder {
  readonly vm: GuestVm;
  readonly host: RecordingHostInput;
  readonly header: RecordingHeader;
  private readonly writer: RecordingWriter;
  private readonly run: CheckedRun;
  private chunkStart = 0;
  private chunkEvents: RecordedEvent[] = [];
  private chunkPeriodic: StateCheck[] = [];
  private eventCount = 0;
  private finished = false;
  private readonly checkpointEvery: number | undefined;

  constructor(options: RecorderOptions) {
    const k = options.kernel;
    const image = k?.image ?? options.elf?.bytes;
    if (image === undefined) throw new Error('a recording needs an ELF program or a kernel');
    for (const [what, bytes] of [[options.programName, image], [k?.initrdName ?? 'the initrd', k?.initrd], [k?.driveName ?? 'the disk image', k?.drive]] as const) {
      if (bytes !== undefined && bytes.length > MAX_IMAGE_BYTES) {
        throw new RecordingError(`${what} is ${bytes.length} bytes; a recording embeds it, and holds images up to ${MAX_IMAGE_BYTES} bytes`);
      }
    }
    const guest: RecordingHeader['guest'] = k === undefined
      ? { program: options.programName, image: sha256(image), args: [...options.args], bootArgs: options.bootArgs }
      : {
        program: options.programName, image: sha256(image), args: [...options.args], bootArgs: options.bootArgs, kind: 'kernel',
        ...(k.initrd === undefined ? {} : { initrd: sha256(k.initrd) }),
        ...(k.drive === undefined ? {} : { drive: sha256(k.drive) }),
      };
    this.header = options.prefix !== undefined ? { ...options.prefix.header, producer: PRODUCER } : {
      producer: PRODUCER,
      machine: { board: 'virt', isa: ISA_STRING, memory: options.memory, stepsPerTick: STEPS_PER_TICK, timebaseHz: TIMEBASE_HZ },
      guest,
      digestInterval: options.checkInterval ?? DEFAULT_CHECK_INTERVAL,
      clock: options.clock ?? 'virtual',
    };
    this.host = new RecordingHostInput(options.source, () => this.vm.board.hart.pc, (e) => {
      this.chunkEvents.push(e);
      this.eventCount++;
      this.run.noteEvent(e);
    });
    this.vm = new GuestVm({ elf: options.elf, kernel: k, memory: options.memory, bootArgs: options.bootArgs, clock: this.header.clock }, this.host);
    this.run = new CheckedRun(this.vm, this.header.digestInterval, {
      beforeEvent: (event, check) => { event.before = check; },
      afterEvent: (event, check) => { event.after = check; },
      periodic: (_icount, check) => { this.chunkPeriodic.push(check); },
    });
    this.checkpointEvery = options.checkpointEvery;
    this.writer = RecordingWriter.create(options.output, this.header);
    this.writer.writeImage({ role: k === undefined ? 'program' : 'kernel', name: options.programName, sha256: this.header.guest.image, size: image.length }, image);
    if (k?.initrd !== undefined) {
      this.writer.writeImage({ role: 'initrd', name: k.initrdName ?? 'initrd', sha256: this.header.guest.initrd!, size: k.initrd.length }, k.initrd);
    }
    if (k?.drive !== undefined) {
      this.writer.writeImage({ role: 'drive', name: k.driveName ?? 'drive', sha256: this.header.guest.drive!, size: k.drive.length }, k.drive);
    }
    if (options.prefix !== undefined) this.continueFrom(options.prefix);
  }

  /** Copies a prefix's inputs and checks, and puts the machine in the prefix's final state. */
  private continueFrom(p: RecordingPrefix): void {
    const at = p.state.icount;
    this.writer.writeEvents({ start: 0, end: at, events: p.events, periodic: p.periodic });
    this.eventCount = p.events.length;
    this.chunkStart = at;
    const vm = this.vm;
    const ram = vm.board.ram;
    ram.clear();
    for (let page = 0; page < p.state.touched.length; page++) {
      if (p.state.touched[page] !== 0) ram.bytes.set(p.ram.subarray(page * 4096, (page + 1) * 4096), page * 4096);
    }
    vm.board.loadState(p.state.board);
    vm.monitor.loadState(p.state.monitor);
    ram.touched.set(p.state.touched);
    ram.dirty.load(STATE_CHECK_CONSUMER, p.state.dirty);
    vm.board.hart.restore(p.state.hart);
  }

  /** Runs (recording) until icount reaches `target` or the guest stops; stores checkpoints on the way. */
  runUntil(target: number): StopReason {
    const every = this.checkpointEvery;
    if (every === undefined) return this.run.runUntil(target);
    for (;;) {
      const hart = this.vm.board.hart;
      const next = (Math.floor(hart.icount / every) + 1) * every;
      const stop = this.run.runUntil(Math.min(target, next));
      if (hart.icount === next && stop.kind === 'target') {
        const state = captureVmState(this.vm, this.host.events.length);
        this.writer.writeCheckpoint(next, encodeCheckpoint(state, this.vm.board.ram.bytes, fullDigest(this.vm)));
        this.checkpoints++;
      }
      if (stop.kind !== 'target' || hart.icount >= target) return stop;
    }
  }

  /** Checkpoints stored so far. */
  checkpoints = 0;

  /** Writes the inputs and checks gathered since the last flush as one chunk. */
  flush(): void {
    const end = this.vm.board.hart.icount;
    this.writer.writeEvents({ start: this.chunkStart, end, events: this.chunkEvents, periodic: this.chunkPeriodic });
    this.chunkStart = end;
    this.chunkEvents = [];
    this.chunkPeriodic = [];
  }

  /** Writes the last chunk and the footer (`end`: how the run ended), and closes the file. */
  finish(end: string, exitStatus: number): void {
    if (this.finished) return;
    this.finished = true;
    this.flush();
    this.writer.writeFooter({
      finalIcount: this.vm.board.hart.icount,
      stop: end,
      exitStatus,
      finalDigest: fullDigest(this.vm),
      eventCount: this.eventCount,
    });
    this.writer.close();
  }
}
