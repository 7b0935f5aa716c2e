/**
 * Follows where each Retrovisor debug session is on its timeline, from the
 * adapter's `retrovisor.position` event (sent after every stop), for the
 * status bar and the timeline view.
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './configuration-provider.js';

export interface Position {
  /** Instructions (steps) executed so far: where the session is. */
  readonly icount: number;
  readonly pc: number;
  /** The recording's last icount (null for a live session, which can run on). */
  readonly end: number | null;
  /** The furthest icount reached (a live session's recording ends here). */
  readonly furthest: number;
}

export class PositionTracker implements vscode.Disposable {
  private readonly positions = new Map<string, Position>();
  private readonly changed = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly subscriptions: vscode.Disposable[];
  /** Fires when a session's position changes. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscriptions = [
      this.changed,
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== DEBUG_TYPE || e.event !== 'retrovisor.position') return;
        const b = e.body as { icount: number; pc: number; end: number | null; furthest: number };
        // JSON has no Infinity: a live session's end arrives as null.
        this.positions.set(e.session.id, { icount: b.icount, pc: b.pc, end: typeof b.end === 'number' ? b.end : null, furthest: b.furthest });
        this.changed.fire(e.session);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.positions.delete(s.id)) this.changed.fire(s);
      }),
    ];
  }

  /** The last known position of a session. */
  of(session: vscode.DebugSession | undefined): Position | undefined {
    return session === undefined ? undefined : this.positions.get(session.id);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/** The active debug session, if it is a Retrovisor one. */
export function activeRetrovisorSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  return s?.type === DEBUG_TYPE ? s : undefined;
}

/** 1234567 -> "1,234,567". */
export function formatIcount(n: number): string {
  return Math.trunc(n).toLocaleString('en-US');
}
