/**
 * The `timelineEvents` custom request, for timeline views: the machine events
 * of the open recording along the icount axis (inputs, traps, interrupts,
 * privilege changes, console output, the end). The engine's
 * MachineEventScanner computes them on a replayer of its own, so the
 * debugger's position does not move and stepping stays possible meanwhile.
 *
 * Arguments: `{ maxEvents?: number }`. Response body:
 * `{ events: [{ icount, kind, pc, summary, cause? }], scannedTo, end, live, complete, truncated }`,
 * where `end` is the recording's last icount (for a live session: the
 * furthest point reached, which grows as the session runs on).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugTarget } from '../../src/debugger/debug-target.js';
import { MachineEventScanner } from '../../src/timeline/machine-events.js';

export interface TimelineEventsBody {
  readonly events: readonly { readonly icount: number; readonly kind: string; readonly pc: string; readonly summary: string; readonly cause?: number }[];
  readonly scannedTo: number;
  readonly end: number;
  readonly live: boolean;
  readonly complete: boolean;
  readonly truncated: boolean;
}

const DEFAULT_MAX_EVENTS = 10_000;

export class TimelineEventsRequest {
  private scanner: MachineEventScanner | undefined;
  private scannerTarget: DebugTarget | undefined;
  private maxEvents = DEFAULT_MAX_EVENTS;

  /** `currentTarget` tells which target the session has now: a scan stops when it changes (the session ended). */
  constructor(private readonly currentTarget: () => DebugTarget | undefined) {}

  /** Answers one request; `respond` sends the response. */
  async answer(response: DebugProtocol.Response, args: Record<string, unknown> | undefined, respond: (r: DebugProtocol.Response) => void): Promise<void> {
    const target = this.currentTarget();
    const fail = (message: string) => {
      response.success = false;
      response.message = message;
      respond(response);
    };
    if (target === undefined) {
      fail('there is no recording to list events of: launch first');
      return;
    }
    const max = args?.['maxEvents'] === undefined ? DEFAULT_MAX_EVENTS : Number(args['maxEvents']);
    if (!Number.isSafeInteger(max) || max < 1) {
      fail('timelineEvents: "maxEvents" must be a positive integer');
      return;
    }
    if (this.scanner === undefined || this.scannerTarget !== target || max !== this.maxEvents) {
      this.scanner = new MachineEventScanner(target.timeline.contents, { maxEvents: max });
      this.scannerTarget = target;
      this.maxEvents = max;
    }
    const timeline = target.timeline;
    const end = Number.isFinite(timeline.end) ? timeline.end : timeline.furthest;
    const controller = new AbortController();
    try {
      const scan = await this.scanner.scanTo(end, {
        signal: controller.signal,
        progress: () => { if (this.currentTarget() !== target) controller.abort(); },
      });
      const body: TimelineEventsBody = {
        events: scan.events.map((e) => ({ icount: e.icount, kind: e.kind, pc: `0x${e.pc.toString(16).padStart(8, '0')}`, summary: e.summary, cause: e.cause })),
        scannedTo: scan.scannedTo,
        end,
        live: target.live,
        complete: scan.complete,
        truncated: scan.truncated,
      };
      response.body = body;
      respond(response);
    } catch (e) {
      fail(`could not list the recording's events: ${(e as Error).message}`);
    }
  }
}
