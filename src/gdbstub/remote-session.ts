/**
 * One client of the GDB remote serial protocol: reads packets from a byte
 * stream, answers them from a DebugTarget, and runs resumes (continue, step,
 * and their reverse forms) as cancellable timeline operations.
 *
 * Packets are handled one at a time, in order; while a resume runs, only the
 * interrupt byte (Ctrl-C) acts at once, and further packets wait. Anything a
 * client sends, however malformed, gets an answer the protocol allows (an
 * empty reply for what we do not support, `E` for what we refuse or cannot
 * parse) and never ends the session; only `k`, `vKill`, `D` or a closed
 * connection do.
 *
 * The machine's past is fixed: memory and register writes are refused in a
 * replay, and in a live session anywhere but at the end of what has run,
 * where they are made as logged inputs so the recording still replays (the
 * refusal goes to the server's log, and to clients that accept `E.text`).
 */
import type { Duplex } from 'node:stream';
import { TargetError, type DebugTarget } from '../debugger/debug-target.js';
import { WatchKind } from '../memory/ram-watch.js';
import { Divergence } from '../replay/divergence.js';
import type { Control, Stop } from '../timeline/timeline.js';
import { MonitorCommands } from './monitor-commands.js';
import {
  PacketReader, encodeRunLength, escapeBinary, expandRunLength, framePacket, hexToBytes, parseHex, textToHex, unescapeBinary, wordToHex,
} from './packet-codec.js';
import { PointType, THREAD_ID, stopReply, type ClientWatchpoint, type StopContext } from './stop-reply.js';
import { FIRST_CSR_REGNUM, G_PACKET_REGISTERS, PC_REGNUM, PRIV_REGNUM, memoryMapXml, targetDescription } from './target-description.js';

/** The largest packet we accept and send (advertised as PacketSize, in hex). */
export const PACKET_SIZE = 0x4000;
/** The most bytes one `m` reply carries (two hex digits each, within PACKET_SIZE). */
const MAX_READ = 0x1000;

/** Replies that mean an error (the numbers carry no meaning for gdb beyond "failed"). */
const E_MALFORMED = 'E01';
const E_REFUSED = 'E02';
const E_UNREADABLE = 'E03';
const E_NO_SUCH = 'E04';

/** A resume: which way, and how far. */
type Motion = 'continue' | 'step' | 'reverse-continue' | 'reverse-step';

export interface SessionOptions {
  /** Diagnostics for the person running the server (refused writes, bad packets, errors). */
  readonly log?: (line: string) => void;
  /** Called when the client kills the target (`k`, `vKill`): the server should stop. */
  readonly onKill?: () => void;
  /** Packets wait until this resolves (the previous client's last operation has stopped). */
  readonly after?: Promise<void>;
}

export class RemoteSession {
  private readonly reader = new PacketReader(PACKET_SIZE * 2);
  private readonly queue: string[] = [];
  private busy = false;
  /** Whether packets may be handled yet (see SessionOptions.after). */
  private started = false;
  private ackMode = true;
  private closed = false;
  /** The last packet sent, for a client that asks for it again with '-'. */
  private lastSent: Buffer | undefined;
  /** The operation in progress (a resume or a monitor command), cancellable with Ctrl-C. */
  private running: { readonly controller: AbortController; interrupted: boolean } | undefined;
  private lastStop: Stop | undefined;
  /** Whether the last stop came from the client's Ctrl-C (reported again by `?`). */
  private lastInterrupted = false;
  private client = { swbreak: false, hwbreak: false, errorMessages: false };
  private readonly softwareBreakpoints = new Map<number, number>();
  private readonly hardwareBreakpoints = new Map<number, number>();
  private readonly watchpoints: ClientWatchpoint[] = [];
  private readonly monitor: MonitorCommands;
  private readonly documents: ReadonlyMap<string, string>;
  private readonly memoryMap: string;
  private readonly log: (line: string) => void;
  private readonly onKill: () => void;
  /** The client closed its side: answer what it sent, then close ours. */
  private inputEnded = false;
  /** What to do once the packet being handled is done (the client went away meanwhile). */
  private whenIdle: (() => void) | undefined;
  private settle: () => void = () => {};
  /** Resolves once the connection is closed and any running operation has stopped. */
  readonly done: Promise<void>;

  constructor(private readonly target: DebugTarget, private readonly stream: Duplex, options: SessionOptions = {}) {
    this.log = options.log ?? (() => {});
    this.onKill = options.onKill ?? (() => {});
    this.monitor = new MonitorCommands(target);
    this.documents = targetDescription(target.readableCsrs());
    this.memoryMap = memoryMapXml(target.memoryRegions());
    this.done = new Promise((resolve) => { this.settle = resolve; });
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('close', () => this.disconnected());
    stream.on('end', () => {
      this.inputEnded = true;
      if (!this.busy && this.started) this.close();
    });
    stream.on('error', () => this.disconnected());
    void (options.after ?? Promise.resolve()).then(() => {
      this.started = true;
      void this.pump();
    });
  }

  /** Whether the client is still connected and may send more (a client that closed its side only waits for answers). */
  get connected(): boolean {
    return !this.closed && !this.inputEnded;
  }

  // ------------------------------------------------------------ the wire

  private receive(chunk: Buffer): void {
    for (const event of this.reader.feed(chunk)) {
      switch (event.kind) {
        case 'packet':
          if (this.ackMode) this.writeRaw(Buffer.from('+'));
          this.queue.push(event.payload);
          break;
        case 'bad-checksum':
          this.log(`a packet with a bad checksum was dropped: ${preview(event.payload)}`);
          if (this.ackMode) this.writeRaw(Buffer.from('-'));
          break;
        case 'malformed':
          this.log(`a malformed packet was dropped: ${event.reason}`);
          if (this.ackMode) this.writeRaw(Buffer.from('-'));
          break;
        case 'nak':
          if (this.ackMode && this.lastSent !== undefined) this.writeRaw(this.lastSent);
          break;
        case 'ack':
          break;
        case 'interrupt':
          this.interrupt();
          break;
      }
      // Packets run in order; a packet arriving while one runs waits its turn.
      void this.pump();
    }
  }

  private interrupt(): void {
    if (this.running === undefined) return;
    this.running.interrupted = true;
    this.running.controller.abort();
  }

  private writeRaw(bytes: Buffer): void {
    if (this.closed) return;
    this.stream.write(bytes);
  }

  /** Sends a reply packet (text: the caller keeps '#', '$', '}' and '*' out of it, or escapes binary data). */
  private send(payload: string): void {
    const packet = framePacket(payload);
    this.lastSent = packet;
    this.writeRaw(packet);
  }

  /** Sends console output to gdb (only while a resume or a monitor command runs, as the protocol allows). */
  private sendOutput(text: string): void {
    if (text !== '') this.send(`O${textToHex(text)}`);
  }

  private disconnected(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.interrupt();
    const finish = () => {
      // A new client starts with no breakpoints, watchpoints or catchpoints of this one.
      this.target.setInstructionBreakpoints([]);
      this.target.setWatchpoints([]);
      this.monitor.reset();
      this.settle();
    };
    if (!this.busy) finish();
    else this.whenIdle = finish;
  }

  /** Ends the session after what was sent has been written. */
  private close(): void {
    // Closed for good once the last reply is written, whether or not the client closes its side.
    this.stream.end(() => this.stream.destroy());
    this.disconnected();
  }

  /** Drops the connection now (the server is stopping), unless the session is already ending on its own. */
  disconnect(): void {
    if (this.closed) return;
    this.stream.destroy();
    this.disconnected();
  }

  private async pump(): Promise<void> {
    if (this.busy || !this.started) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const payload = this.queue.shift()!;
        let reply: string | undefined;
        try {
          reply = await this.handle(payload);
        } catch (e) {
          // A bug must not end the session: say so, and answer with an error.
          this.log(`internal error on packet ${preview(payload)}: ${(e as Error).stack ?? String(e)}`);
          reply = E_MALFORMED;
        }
        if (reply !== undefined) this.send(reply);
      }
    } finally {
      this.busy = false;
      const idle = this.whenIdle;
      this.whenIdle = undefined;
      idle?.();
      if (this.inputEnded && !this.closed && this.queue.length === 0) this.close();
    }
  }

  // ------------------------------------------------------------ packets

  /** Answers one packet; undefined sends nothing (as for `k`). */
  private async handle(raw: string): Promise<string | undefined> {
    // Binary packets carry escaped data; everything else may be run-length encoded.
    const binary = raw.startsWith('X') || raw.startsWith('vFile:pwrite') || raw.startsWith('vFlashWrite');
    const p = binary ? raw : expandRunLength(raw);
    const first = p[0];
    switch (first) {
      case undefined: return '';
      case '?': return this.stopPacket(this.lastStop ?? this.here(), this.lastInterrupted);
      case 'g': return p.length === 1 ? encodeRunLength(this.allRegisters()) : E_MALFORMED;
      case 'G': return this.writeRegisters(p.slice(1));
      case 'p': return this.readRegister(p.slice(1));
      case 'P': return this.writeRegister(p.slice(1));
      case 'm': return this.readMemory(p.slice(1));
      case 'M': return this.writeMemory(p.slice(1), false);
      case 'X': return this.writeMemory(p.slice(1), true);
      case 'Z': return this.point(p.slice(1), true);
      case 'z': return this.point(p.slice(1), false);
      case 'c': case 's': case 'C': case 'S': return this.legacyResume(first, p.slice(1));
      case 'b':
        if (p === 'bc') return this.resume('reverse-continue');
        if (p === 'bs') return this.resume('reverse-step');
        return '';
      case 'H': return this.selectThread(p.slice(2)) ? 'OK' : E_NO_SUCH;
      case 'T': return this.selectThread(p.slice(1)) ? 'OK' : E_NO_SUCH;
      case 'k':
        this.log('the client killed the target');
        this.close();
        this.onKill();
        return undefined;
      case 'D':
        this.send('OK');
        this.log('the client detached');
        this.close();
        return undefined;
      case 'q': case 'Q': return this.query(p);
      case 'v': return this.vPacket(p);
      default: return '';
    }
  }

  private query(p: string): Promise<string> | string | undefined {
    const [name, ...rest] = p.split(/[:,]/);
    switch (name) {
      case 'qSupported': return this.supported(p.slice('qSupported:'.length));
      case 'QStartNoAckMode':
        // The OK still travels with acknowledgments; everything after it without.
        this.send('OK');
        this.ackMode = false;
        return undefined;
      case 'qXfer': return this.transfer(p);
      case 'qAttached': return '1';
      case 'qC': return `QC${THREAD_ID.toString(16)}`;
      case 'qfThreadInfo': return `m${THREAD_ID.toString(16)}`;
      case 'qsThreadInfo': return 'l';
      case 'qThreadExtraInfo': {
        if (!this.selectThread(rest[0] ?? '')) return E_NO_SUCH;
        return textToHex(`hart 0, ${'US?M'[this.target.privilege]}-mode, icount ${this.target.icount}`);
      }
      case 'qSymbol': return 'OK';
      case 'qRcmd': return this.monitorCommand(rest[0] ?? '');
      default: return '';
    }
  }

  private supported(features: string): string {
    const offered = new Set(features.split(';'));
    this.client = { swbreak: offered.has('swbreak+'), hwbreak: offered.has('hwbreak+'), errorMessages: offered.has('error-message+') };
    return [
      `PacketSize=${PACKET_SIZE.toString(16)}`,
      'QStartNoAckMode+',
      'qXfer:features:read+',
      'qXfer:memory-map:read+',
      'swbreak+',
      'hwbreak+',
      'ReverseContinue+',
      'ReverseStep+',
    ].join(';');
  }

  private vPacket(p: string): Promise<string> | string | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) return this.vCont(p.slice('vCont;'.length));
    if (p === 'vCtrlC') {
      this.interrupt();
      return 'OK';
    }
    if (p === 'vKill' || p.startsWith('vKill;')) {
      this.send('OK');
      this.log('the client killed the target');
      this.close();
      this.onKill();
      return undefined;
    }
    // vMustReplyEmpty, vRun, vAttach, vFile, ...: not supported, which an empty reply says.
    return '';
  }

  // ------------------------------------------------------------ threads

  /** Accepts the one thread's ids: 1, 0 (any), -1 (all), and the multiprocess forms p1.1, p1.0, p1.-1, p-1. */
  private selectThread(id: string): boolean {
    const m = /^(?:p([0-9a-f]+|-1)(?:\.([0-9a-f]+|-1))?|([0-9a-f]+|-1))$/i.exec(id);
    if (m === null) return false;
    const threadOk = (t: string | undefined) => t === undefined || t === '-1' || /^0+$/.test(t) || parseInt(t, 16) === THREAD_ID;
    if (m[3] !== undefined) return threadOk(m[3]);
    return threadOk(m[1]) && threadOk(m[2]);
  }

  // ------------------------------------------------------------ registers

  private allRegisters(): string {
    const r = this.target.registers();
    let out = '';
    for (let i = 0; i < G_PACKET_REGISTERS - 1; i++) out += wordToHex(r.x[i]!);
    return out + wordToHex(r.pc);
  }

  private readRegister(args: string): string {
    const n = parseHex(args);
    if (n === undefined) return E_MALFORMED;
    const r = this.target.registers();
    if (n < 32) return encodeRunLength(wordToHex(r.x[n]!));
    if (n === PC_REGNUM) return wordToHex(r.pc);
    if (n === PRIV_REGNUM) return wordToHex(this.target.privilege);
    if (n >= FIRST_CSR_REGNUM && n < FIRST_CSR_REGNUM + 4096) {
      const v = this.target.readCsr(n - FIRST_CSR_REGNUM);
      return v === undefined ? E_NO_SUCH : encodeRunLength(wordToHex(v));
    }
    return E_NO_SUCH;
  }

  /** `G`: x0..x31 and the pc; only the registers that change are written. */
  private writeRegisters(hex: string): string {
    const bytes = hexToBytes(hex);
    if (bytes === undefined || bytes.length !== G_PACKET_REGISTERS * 4) return E_MALFORMED;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const wanted = Array.from({ length: G_PACKET_REGISTERS }, (_, i) => view.getUint32(4 * i, true));
    const now = this.target.registers();
    const current = [...now.x, now.pc];
    return this.changing(() => {
      if (wanted[0] !== 0) this.target.writeRegister(0, wanted[0]!);
      const changed = wanted.flatMap((v, i) => (v !== current[i] ? [i] : []));
      if (changed.length > 0 && !this.target.writable) this.target.refuseWrite('the registers');
      for (const i of changed) this.target.writeRegister(i === G_PACKET_REGISTERS - 1 ? PC_REGNUM : i, wanted[i]!);
    });
  }

  /** `P n=value`: x1..x31 and the pc can change (in a live session, at its end); CSRs and priv cannot. */
  private writeRegister(args: string): string {
    const m = /^([0-9a-f]+)=([0-9a-f]{8})$/i.exec(args);
    const n = parseHex(m?.[1]);
    const bytes = hexToBytes(m?.[2] ?? '');
    if (n === undefined || bytes === undefined) return E_MALFORMED;
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    if (n > PC_REGNUM) {
      const name = n === PRIV_REGNUM ? 'priv' : n >= FIRST_CSR_REGNUM && n < FIRST_CSR_REGNUM + 4096 ? `CSR 0x${(n - FIRST_CSR_REGNUM).toString(16)}` : undefined;
      if (name === undefined) return E_NO_SUCH;
      return this.failed(new TargetError(`cannot change ${name}: CSRs and the privilege level are read-only in the debugger`));
    }
    return this.changing(() => this.target.writeRegister(n, value));
  }

  /** Runs a change to the machine: OK, or the refusal (a replay's past is fixed; a live run changes only at its end). */
  private changing(change: () => void): string {
    try {
      change();
      return 'OK';
    } catch (e) {
      if (e instanceof TargetError) return this.failed(e);
      throw e;
    }
  }

  /** An error the person at gdb should read: logged, and in the reply for clients that take `E.text`. */
  private failed(e: TargetError): string {
    this.log(`refused: ${e.message}`);
    return this.client.errorMessages ? `E.${protocolText(e.message)}` : E_REFUSED;
  }


  // ------------------------------------------------------------ memory

  private readMemory(args: string): string {
    const m = /^([0-9a-f]+),([0-9a-f]+)$/i.exec(args);
    const address = parseHex(m?.[1]);
    const length = parseHex(m?.[2]);
    if (address === undefined || length === undefined || address > 0xffffffff) return E_MALFORMED;
    const count = Math.min(length, MAX_READ, 2 ** 32 - address);
    if (count === 0) return '';
    const r = this.target.readMemory(address, count);
    // A read cut short by an unreadable byte returns what could be read (the protocol allows fewer bytes).
    if (r.data.length === 0) return E_UNREADABLE;
    return encodeRunLength(Buffer.from(r.data).toString('hex'));
  }

  private writeMemory(args: string, binary: boolean): string {
    const colon = args.indexOf(':');
    const m = /^([0-9a-f]+),([0-9a-f]+)$/i.exec(colon < 0 ? args : args.slice(0, colon));
    const address = parseHex(m?.[1]);
    const length = parseHex(m?.[2]);
    if (colon < 0 || address === undefined || length === undefined) return E_MALFORMED;
    const data = binary ? Buffer.from(unescapeBinary(args.slice(colon + 1)), 'latin1') : hexToBytes(args.slice(colon + 1));
    if (data === undefined || data.length !== length) return E_MALFORMED;
    // gdb probes for X with a write of nothing: that changes nothing, so it is fine everywhere.
    if (length === 0) return 'OK';
    return this.changing(() => { this.target.writeMemory(address, data); });
  }

  // ------------------------------------------------------------ breakpoints and watchpoints

  private point(args: string, insert: boolean): string {
    const m = /^([0-4]),([0-9a-f]+),([0-9a-f]+)(;.*)?$/i.exec(args);
    const address = parseHex(m?.[2]);
    const kind = parseHex(m?.[3]);
    if (m === null || address === undefined || kind === undefined || address > 0xffffffff) return E_MALFORMED;
    const type = Number(m[1]) as PointType;
    if (type === PointType.Software || type === PointType.Hardware) {
      const table = type === PointType.Software ? this.softwareBreakpoints : this.hardwareBreakpoints;
      // Counted: a client may insert the same address twice (two breakpoints at one place).
      const n = table.get(address) ?? 0;
      if (insert) table.set(address, n + 1);
      else if (n <= 1) table.delete(address);
      else table.set(address, n - 1);
      const addresses = new Set([...this.softwareBreakpoints.keys(), ...this.hardwareBreakpoints.keys()]);
      this.target.setInstructionBreakpoints([...addresses].map((a) => ({ address: a })));
      return 'OK';
    }
    // Watchpoints: kind is the length in bytes.
    if (kind < 1 || address + kind > 2 ** 32) return E_MALFORMED;
    const w: ClientWatchpoint = { type, address, length: kind };
    if (insert) this.watchpoints.push(w);
    else {
      const i = this.watchpoints.findIndex((x) => x.type === type && x.address === address && x.length === kind);
      if (i >= 0) this.watchpoints.splice(i, 1);
    }
    this.target.setWatchpoints(this.watchpoints.map((x) => ({
      address: x.address, length: x.length,
      kind: x.type === PointType.Write ? WatchKind.Write : x.type === PointType.Read ? WatchKind.Read : WatchKind.Access,
    })));
    return 'OK';
  }

  // ------------------------------------------------------------ resuming

  /** `c [addr]`, `s [addr]`, `C sig[;addr]`, `S sig[;addr]`: the signal means nothing to this machine; a new pc would rewrite history. */
  private legacyResume(command: string, args: string): Promise<string> | string {
    let addressText = args;
    if (command === 'C' || command === 'S') {
      const m = /^[0-9a-f]{1,2}(?:;([0-9a-f]+))?$/i.exec(args);
      if (m === null) return E_MALFORMED;
      addressText = m[1] ?? '';
    }
    if (addressText !== '') {
      const address = parseHex(addressText);
      if (address === undefined || address > 0xffffffff) return E_MALFORMED;
      if (address !== this.target.pc) {
        const moved = this.changing(() => this.target.writeRegister(PC_REGNUM, address));
        if (moved !== 'OK') return moved;
      }
    }
    return this.resume(command === 'c' || command === 'C' ? 'continue' : 'step');
  }

  /** `vCont;ACTION[:THREAD];...`: the first action that applies to our thread decides. */
  private vCont(actions: string): Promise<string> | string {
    for (const action of actions.split(';')) {
      const m = /^([cCsS])([0-9a-f]{1,2})?(?::(.+))?$/.exec(action);
      if (m === null) return E_MALFORMED;
      if ((m[1] === 'C' || m[1] === 'S') !== (m[2] !== undefined)) return E_MALFORMED;
      if (m[3] !== undefined && !this.selectThread(m[3])) continue;
      return this.resume(m[1] === 'c' || m[1] === 'C' ? 'continue' : 'step');
    }
    return E_MALFORMED;
  }

  /** Runs a resume to its stop; Ctrl-C cancels it. */
  private async resume(motion: Motion): Promise<string> {
    const run = { controller: new AbortController(), interrupted: false };
    this.running = run;
    const control: Control = { signal: run.controller.signal };
    let stop: Stop;
    try {
      switch (motion) {
        case 'continue': stop = await this.target.continue(control); break;
        case 'step': stop = await this.target.step('in', 'instruction', control); break;
        case 'reverse-continue': stop = await this.target.reverseContinue(control); break;
        case 'reverse-step': stop = await this.target.stepBack('in', 'instruction', control); break;
      }
    } catch (e) {
      const message = e instanceof Divergence ? `the replay diverged from the recording:\n${e.report || e.message}` : (e as Error).message;
      this.log(message);
      this.sendOutput(`retrovisor: ${message}\n`);
      stop = this.here();
    } finally {
      this.running = undefined;
    }
    this.lastStop = stop;
    this.lastInterrupted = run.interrupted;
    if (stop.kind === 'exit' || stop.kind === 'trap' || stop.kind === 'interrupt' || stop.kind === 'privilege') {
      this.sendOutput(`retrovisor: ${stop.detail} (icount ${stop.icount})\n`);
    }
    return this.stopPacket(stop, run.interrupted);
  }

  private here(): Stop {
    return { kind: 'step', icount: this.target.icount, pc: this.target.pc, detail: '' };
  }

  private stopPacket(stop: Stop, interrupted = false): string {
    const context: StopContext = {
      swbreak: this.client.swbreak,
      hwbreak: this.client.hwbreak,
      softwareBreakpoints: new Set(this.softwareBreakpoints.keys()),
      hardwareBreakpoints: new Set(this.hardwareBreakpoints.keys()),
      watchpoints: this.watchpoints,
      registers: this.target.registers(),
    };
    // The stop is reported where the timeline is now (a seek may have moved it since).
    return stopReply({ ...stop, pc: this.target.pc }, context, interrupted);
  }

  // ------------------------------------------------------------ qXfer and monitor

  /** `qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH`: a window of a document, `m` if more follows, `l` if it is the last. */
  private transfer(p: string): string {
    const m = /^qXfer:([^:]+):read:([^:]*):([0-9a-f]+),([0-9a-f]+)$/i.exec(p);
    if (m === null) return /^qXfer:(features|memory-map):/.test(p) ? E_MALFORMED : '';
    const [, object, annex] = m;
    const offset = parseHex(m[3]);
    const length = parseHex(m[4]);
    let document: string | undefined;
    if (object === 'features') document = this.documents.get(annex!);
    else if (object === 'memory-map') document = annex === '' ? this.memoryMap : undefined;
    else return '';
    if (document === undefined || offset === undefined || length === undefined || length === 0) return 'E00';
    if (offset > document.length) return 'E01';
    const chunk = document.slice(offset, offset + Math.min(length, PACKET_SIZE / 2));
    return `${offset + chunk.length < document.length ? 'm' : 'l'}${escapeBinary(chunk)}`;
  }

  private async monitorCommand(hex: string): Promise<string> {
    const bytes = hexToBytes(hex);
    if (bytes === undefined) return E_MALFORMED;
    const run = { controller: new AbortController(), interrupted: false };
    this.running = run;
    try {
      const result = await this.monitor.execute(Buffer.from(bytes).toString('utf8'), { signal: run.controller.signal });
      if (result.moved !== undefined) {
        this.lastStop = result.moved;
        this.lastInterrupted = false;
      }
      this.sendOutput(result.lines.map((l) => `${l}\n`).join(''));
    } finally {
      this.running = undefined;
    }
    return 'OK';
  }
}

/** A short printable excerpt of a packet for the log. */
function preview(payload: string): string {
  const text = payload.length > 60 ? `${payload.slice(0, 60)}...` : payload;
  return JSON.stringify(text);
}

/** Text for an `E.` reply: one line, without the characters packets reserve. */
function protocolText(message: string): string {
  return message.replace(/[\r\n]+/g, ' ').replace(/[#$}*]/g, '?');
}
