/**
 * Stop replies (GDB manual, "Stop Reply Packets"): how a timeline stop is
 * told to gdb. Every stop is a `T` packet for thread 1 with the signal gdb
 * expects (SIGTRAP for breakpoints, watchpoints, steps and history ends,
 * SIGINT for an interrupt), the reason when there is one, and the pc, ra, sp
 * and fp expedited so gdb can show the frame without another round trip.
 */
import type { Stop } from '../timeline/timeline.js';
import { wordToHex } from './packet-codec.js';
import { PC_REGNUM } from './target-description.js';

export const SIGINT = 2;
export const SIGTRAP = 5;
/** The one thread: the hart. */
export const THREAD_ID = 1;

/** The Z packet types, as the protocol numbers them. */
export const enum PointType {
  Software = 0,
  Hardware = 1,
  Write = 2,
  Read = 3,
  Access = 4,
}

/** A watchpoint inserted by the client (Z2, Z3, Z4). */
export interface ClientWatchpoint {
  readonly type: PointType.Write | PointType.Read | PointType.Access;
  readonly address: number;
  readonly length: number;
}

/** What a stop reply needs besides the stop itself. */
export interface StopContext {
  /** The client asked for swbreak/hwbreak stop reasons in qSupported. */
  readonly swbreak: boolean;
  readonly hwbreak: boolean;
  /** Breakpoint addresses inserted with Z0 and Z1. */
  readonly softwareBreakpoints: ReadonlySet<number>;
  readonly hardwareBreakpoints: ReadonlySet<number>;
  readonly watchpoints: readonly ClientWatchpoint[];
  /** x0..x31 and the pc at the stop. */
  readonly registers: { readonly x: readonly number[]; readonly pc: number };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** The stop reason for a watchpoint stop: which kind of watchpoint the access matched, and the watched address it touched. */
export function watchReason(access: NonNullable<Stop['access']>, watchpoints: readonly ClientWatchpoint[]): string | undefined {
  const start = access.address >>> 0;
  const end = start + access.size;
  const order = access.write ? [PointType.Write, PointType.Access] : [PointType.Read, PointType.Access];
  for (const type of order) {
    const w = watchpoints.find((p) => p.type === type && p.address < end && start < p.address + p.length);
    if (w === undefined) continue;
    const name = type === PointType.Write ? 'watch' : type === PointType.Read ? 'rwatch' : 'awatch';
    return `${name}:${Math.max(start, w.address).toString(16)}`;
  }
  return undefined;
}

/** The `T` packet for a stop; `interrupted` when the client's Ctrl-C cancelled the operation. */
export function stopReply(stop: Stop, context: StopContext, interrupted = false): string {
  let signal = SIGTRAP;
  let reason: string | undefined;
  switch (stop.kind) {
    case 'breakpoint': {
      const reasons = [];
      if (context.swbreak && context.softwareBreakpoints.has(stop.pc)) reasons.push('swbreak:');
      if (context.hwbreak && context.hardwareBreakpoints.has(stop.pc)) reasons.push('hwbreak:');
      reason = reasons.length > 0 ? reasons.join(';') : undefined;
      break;
    }
    case 'watchpoint':
      reason = stop.access === undefined ? undefined : watchReason(stop.access, context.watchpoints);
      break;
    case 'start':
      reason = 'replaylog:begin';
      break;
    case 'end':
    case 'exit':
      // An exited guest is the end of its history: gdb can still go back from there.
      reason = 'replaylog:end';
      break;
    case 'cancelled':
      signal = interrupted ? SIGINT : SIGTRAP;
      break;
    default:
      break;
  }
  const r = context.registers;
  const expedited = [[PC_REGNUM, r.pc], [1, r.x[1]!], [2, r.x[2]!], [8, r.x[8]!]] as const;
  return `T${hex2(signal)}${reason === undefined ? '' : `${reason};`}thread:${THREAD_ID.toString(16)};` +
    expedited.map(([n, v]) => `${hex2(n)}:${wordToHex(v)};`).join('');
}
