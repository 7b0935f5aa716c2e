/**
 * RISC-V semihosting (the ARM semihosting interface v2 reached through the
 * `slli x0,x0,0x1f; ebreak; srai x0,x0,7` sequence): the guest's a0 holds the
 * operation, a1 a parameter block (or value), and the result goes to a0.
 *
 * Console handles (":tt") write to the machine's console and read console
 * input; host files are confined below --semihost-root and every answer about
 * them comes through the host-input door, as do TIME and GET_CMDLINE. CLOCK,
 * ELAPSED and TICKFREQ are virtual time.
 */
import * as os from 'node:os';
import type { VirtualClock } from '../machine/clock.js';
import { TIMEBASE_HZ } from '../machine/clock.js';
import { field, type StateRecord } from '../machine/device.js';
import type { WallClock } from '../machine/wall-clock.js';
import { decodeFsResponse, encodeFsRequest, type FsRequest, type FsResponse } from '../host/file-system.js';
import { InputSource, type HostInput } from '../host/host-input.js';
import { GuestFault, type GuestMemory } from './guest-memory.js';

export const enum SemihostOp {
  Open = 0x01,
  Close = 0x02,
  WriteC = 0x03,
  Write0 = 0x04,
  Write = 0x05,
  Read = 0x06,
  ReadC = 0x07,
  IsError = 0x08,
  IsTty = 0x09,
  Seek = 0x0a,
  Flen = 0x0c,
  TmpNam = 0x0d,
  Remove = 0x0e,
  Rename = 0x0f,
  Clock = 0x10,
  Time = 0x11,
  System = 0x12,
  Errno = 0x13,
  GetCmdline = 0x15,
  HeapInfo = 0x16,
  Exit = 0x18,
  ExitExtended = 0x20,
  Elapsed = 0x30,
  TickFreq = 0x31,
}

/** ADP_Stopped_ApplicationExit: the reason code of a normal exit. */
const APPLICATION_EXIT = 0x20026;
/** ":semihosting-features" contents: magic "SHFB", then feature byte 0 (EXIT_EXTENDED, STDOUT_STDERR). */
const FEATURES = new Uint8Array([0x53, 0x48, 0x46, 0x42, 0x03]);
const EBADF = os.constants.errno.EBADF;
const EFAULT = os.constants.errno.EFAULT;
const EINVAL = os.constants.errno.EINVAL;
const ENOSYS = os.constants.errno.ENOSYS;

const enum HandleKind {
  Stdin,
  Stdout,
  Stderr,
  Features,
  HostFile,
}

interface Handle {
  kind: HandleKind;
  /** Host-file id for HostFile; read position for Features. */
  value: number;
}

/** What a semihosting call asks of the monitor. */
export type SemihostResult =
  | { readonly kind: 'done'; readonly value: number }
  | { readonly kind: 'exit'; readonly status: number }
  /** The call needs console input that has not arrived: retry later at the same instruction. */
  | { readonly kind: 'wait-console' };

export interface SemihostEnvironment {
  readonly memory: GuestMemory;
  readonly host: () => HostInput;
  readonly clock: VirtualClock;
  readonly wallClock: WallClock;
  /** Guest console output; `error` selects the stderr stream. */
  readonly output: (bytes: Uint8Array, error: boolean) => void;
  /** The four HEAPINFO words: heap base, heap limit, stack base, stack limit. */
  readonly heapInfo: () => readonly [number, number, number, number];
}

export class Semihosting {
  private handles = new Map<number, Handle>();
  private nextHandle = 1;
  private errno = 0;

  constructor(private readonly env: SemihostEnvironment) {}

  /** Performs operation `op` with parameter `param` at `icount`. */
  call(op: number, param: number, icount: number): SemihostResult {
    try {
      return this.dispatch(op, param >>> 0, icount);
    } catch (e) {
      if (e instanceof GuestFault) {
        this.errno = EFAULT;
        return done(-1);
      }
      throw e;
    }
  }

  private args(param: number, n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.env.memory.readU32((param + 4 * i) >>> 0));
    return out;
  }

  private fs(icount: number, req: FsRequest): FsResponse {
    const answer = this.env.host().ask(icount, InputSource.FileSystem, encodeFsRequest(req));
    const res = decodeFsResponse(answer);
    if (res.result < 0) this.errno = res.errno;
    return res;
  }

  private dispatch(op: number, param: number, icount: number): SemihostResult {
    const mem = this.env.memory;
    switch (op) {
      case SemihostOp.Open: {
        const [namePtr, mode, len] = this.args(param, 3) as [number, number, number];
        const name = new TextDecoder().decode(mem.read(namePtr, len));
        return done(this.open(name, mode, icount));
      }
      case SemihostOp.Close: {
        const [h] = this.args(param, 1) as [number];
        const handle = this.handles.get(h);
        if (handle === undefined) return this.fail(EBADF);
        this.handles.delete(h);
        if (handle.kind === HandleKind.HostFile) return done(this.fs(icount, { op: 'close', handle: handle.value }).result);
        return done(0);
      }
      case SemihostOp.WriteC:
        this.env.output(mem.read(param, 1), false);
        return done(0);
      case SemihostOp.Write0:
        this.env.output(mem.readCString(param, 1 << 20), false);
        return done(0);
      case SemihostOp.Write: {
        const [h, buf, len] = this.args(param, 3) as [number, number, number];
        const handle = this.handles.get(h);
        if (handle === undefined) return this.fail(EBADF, len);
        const data = mem.read(buf, len);
        if (handle.kind === HandleKind.Stdout || handle.kind === HandleKind.Stderr) {
          this.env.output(data, handle.kind === HandleKind.Stderr);
          return done(0);
        }
        if (handle.kind !== HandleKind.HostFile) return this.fail(EBADF, len);
        const res = this.fs(icount, { op: 'write', handle: handle.value, data });
        return done(res.result < 0 ? len : len - res.result); // bytes NOT written
      }
      case SemihostOp.Read: {
        const [h, buf, len] = this.args(param, 3) as [number, number, number];
        const handle = this.handles.get(h);
        if (handle === undefined) return this.fail(EBADF, len);
        let data: Uint8Array;
        if (handle.kind === HandleKind.Stdin) {
          if (len === 0) return done(0);
          data = this.env.host().readConsole(icount, len);
          if (data.length === 0 && this.env.host().consoleMayArrive()) return { kind: 'wait-console' };
        } else if (handle.kind === HandleKind.Features) {
          data = FEATURES.subarray(handle.value, handle.value + len);
          handle.value += data.length;
        } else if (handle.kind === HandleKind.HostFile) {
          const res = this.fs(icount, { op: 'read', handle: handle.value, length: len });
          if (res.result < 0) return done(len);
          data = res.data ?? new Uint8Array(0);
        } else {
          return this.fail(EBADF, len);
        }
        mem.write(buf, data);
        return done(len - data.length); // bytes NOT read; == len means end of file
      }
      case SemihostOp.ReadC: {
        const b = this.env.host().readConsole(icount, 1);
        if (b.length === 0) return this.env.host().consoleMayArrive() ? { kind: 'wait-console' } : done(-1);
        return done(b[0]!);
      }
      case SemihostOp.IsError:
        return done((this.args(param, 1)[0]! | 0) < 0 ? 1 : 0);
      case SemihostOp.IsTty: {
        const handle = this.handles.get(this.args(param, 1)[0]!);
        if (handle === undefined) return this.fail(EBADF);
        return done(handle.kind <= HandleKind.Stderr ? 1 : 0);
      }
      case SemihostOp.Seek: {
        const [h, pos] = this.args(param, 2) as [number, number];
        const handle = this.handles.get(h);
        if (handle === undefined) return this.fail(EBADF);
        if (handle.kind === HandleKind.Features) {
          if (pos > FEATURES.length) return this.fail(EINVAL);
          handle.value = pos;
          return done(0);
        }
        if (handle.kind !== HandleKind.HostFile) return this.fail(EINVAL);
        return done(this.fs(icount, { op: 'seek', handle: handle.value, position: pos }).result);
      }
      case SemihostOp.Flen: {
        const handle = this.handles.get(this.args(param, 1)[0]!);
        if (handle === undefined) return this.fail(EBADF);
        if (handle.kind === HandleKind.Features) return done(FEATURES.length);
        if (handle.kind !== HandleKind.HostFile) return this.fail(EINVAL);
        return done(this.fs(icount, { op: 'flen', handle: handle.value }).result);
      }
      case SemihostOp.Remove: {
        const [ptr, len] = this.args(param, 2) as [number, number];
        const res = this.fs(icount, { op: 'remove', path: new TextDecoder().decode(mem.read(ptr, len)) });
        return done(res.result < 0 ? res.errno : 0);
      }
      case SemihostOp.Rename: {
        const [a, alen, b, blen] = this.args(param, 4) as [number, number, number, number];
        const dec = new TextDecoder();
        const res = this.fs(icount, { op: 'rename', from: dec.decode(mem.read(a, alen)), to: dec.decode(mem.read(b, blen)) });
        return done(res.result < 0 ? res.errno : 0);
      }
      case SemihostOp.Clock:
        return done(Math.floor((this.env.clock.read(icount) * 100) / TIMEBASE_HZ)); // centiseconds of guest time
      case SemihostOp.Time:
        return done(Number(this.env.wallClock.nowNs(icount) / 1_000_000_000n));
      case SemihostOp.Errno:
        return done(this.errno);
      case SemihostOp.GetCmdline: {
        const [buf, size] = this.args(param, 2) as [number, number];
        const cmdline = this.env.host().ask(icount, InputSource.CommandLine, new Uint8Array(0));
        if (cmdline.length + 1 > size) return this.fail(EINVAL);
        const out = new Uint8Array(cmdline.length + 1);
        out.set(cmdline);
        mem.write(buf, out);
        mem.writeU32((param + 4) >>> 0, cmdline.length);
        return done(0);
      }
      case SemihostOp.HeapInfo: {
        const block = mem.readU32(param);
        this.env.heapInfo().forEach((v, i) => mem.writeU32((block + 4 * i) >>> 0, v));
        return done(0);
      }
      case SemihostOp.Exit:
        // On 32-bit targets the parameter is the reason code itself (no exit status).
        return { kind: 'exit', status: param === APPLICATION_EXIT ? 0 : 1 };
      case SemihostOp.ExitExtended: {
        const [reason, subcode] = this.args(param, 2) as [number, number];
        return { kind: 'exit', status: reason === APPLICATION_EXIT ? subcode | 0 : 1 };
      }
      case SemihostOp.Elapsed: {
        const ticks = this.env.clock.read(icount);
        mem.writeU32(param, ticks % 0x100000000);
        mem.writeU32((param + 4) >>> 0, Math.floor(ticks / 0x100000000));
        return done(0);
      }
      case SemihostOp.TickFreq:
        return done(TIMEBASE_HZ);
      default:
        // SYS_TMPNAM and SYS_SYSTEM (running host commands) are deliberately not offered.
        return this.fail(ENOSYS);
    }
  }

  private open(name: string, mode: number, icount: number): number {
    if (name === ':tt') {
      const kind = mode < 4 ? HandleKind.Stdin : mode < 8 ? HandleKind.Stdout : HandleKind.Stderr;
      return this.addHandle({ kind, value: 0 });
    }
    if (name === ':semihosting-features') {
      if (mode > 1) return this.failValue(EINVAL);
      return this.addHandle({ kind: HandleKind.Features, value: 0 });
    }
    const res = this.fs(icount, { op: 'open', path: name, mode });
    if (res.result < 0) return -1;
    return this.addHandle({ kind: HandleKind.HostFile, value: res.result });
  }

  private addHandle(h: Handle): number {
    const n = this.nextHandle++;
    this.handles.set(n, h);
    return n;
  }

  private failValue(errno: number): number {
    this.errno = errno;
    return -1;
  }

  private fail(errno: number, value = -1): SemihostResult {
    this.errno = errno;
    return done(value);
  }

  saveState(): StateRecord {
    const list: number[] = [];
    for (const [n, h] of this.handles) list.push(n, h.kind, h.value);
    return { version: 1, handles: list, nextHandle: this.nextHandle, errno: this.errno };
  }

  loadState(state: StateRecord): void {
    const list = field<readonly number[]>(state, 'handles', 'array');
    this.handles = new Map();
    for (let i = 0; i + 2 < list.length; i += 3) this.handles.set(list[i]!, { kind: list[i + 1]! as HandleKind, value: list[i + 2]! });
    this.nextHandle = field<number>(state, 'nextHandle', 'number');
    this.errno = field<number>(state, 'errno', 'number');
  }
}

function done(value: number): SemihostResult {
  return { kind: 'done', value };
}
