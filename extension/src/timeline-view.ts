/**
 * The Timeline view (in Run and Debug): the open recording's machine events —
 * inputs, traps, interrupts, privilege changes, console output — along the
 * icount axis, with the session's position marked. Clicking an event (or a
 * place on the axis) seeks there. The events come from the adapter's
 * `timelineEvents` request; the drawing is media/timeline.js in a webview.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { activeRetrovisorSession, type PositionTracker } from './position-tracker.js';

export const TIMELINE_VIEW_ID = 'retrovisor.timeline';

interface TimelineEvents {
  readonly events: readonly { icount: number; kind: string; pc: string; summary: string }[];
  readonly scannedTo: number;
  readonly end: number;
  readonly live: boolean;
  readonly complete: boolean;
  readonly truncated: boolean;
}

type FromWebview = { type: 'ready' } | { type: 'seek'; icount: number };

export class TimelineViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** Events per session id, as last received. */
  private readonly events = new Map<string, TimelineEvents>();
  /** The events the webview shows (it redraws only when they change). */
  private posted: TimelineEvents | undefined;
  /** Sessions with a timelineEvents request in flight. */
  private readonly fetching = new Map<string, object>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly tracker: PositionTracker) {
    this.subscriptions = [
      tracker.onDidChange((session) => this.positionChanged(session)),
      vscode.debug.onDidChangeActiveDebugSession(() => this.postAll()),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.events.delete(s.id);
        this.fetching.delete(s.id);
        this.postAll();
      }),
    ];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((m: FromWebview) => this.received(m));
    view.onDidChangeVisibility(() => { if (view.visible) this.postAll(true); });
    view.onDidDispose(() => { if (this.view === view) this.view = undefined; });
  }

  private received(m: FromWebview): void {
    if (m.type === 'ready') {
      this.postAll(true);
      return;
    }
    if (m.type === 'seek' && Number.isSafeInteger(m.icount) && m.icount >= 0) {
      void vscode.commands.executeCommand('retrovisor.goToInstructionCount', m.icount);
    }
  }

  private positionChanged(session: vscode.DebugSession): void {
    if (session === activeRetrovisorSession()) this.postAll();
  }

  /** Asks the adapter for a session's events (one request at a time per session). */
  private fetch(session: vscode.DebugSession): void {
    const request = {};
    this.fetching.set(session.id, request);
    const maxEvents = vscode.workspace.getConfiguration('retrovisor').get<number>('timeline.maxEvents', 10_000);
    this.post({ type: 'status', text: 'Finding the recording’s events…' });
    session.customRequest('timelineEvents', { maxEvents }).then(
      (body: TimelineEvents) => {
        if (this.fetching.get(session.id) !== request) return; // the session ended meanwhile
        this.fetching.delete(session.id);
        this.events.set(session.id, body);
        this.postAll();
      },
      (e: Error) => {
        if (this.fetching.get(session.id) !== request) return;
        this.fetching.delete(session.id);
        this.post({ type: 'status', text: `Could not list the recording’s events: ${e.message}` });
      },
    );
  }

  /** Sends the active session's events (when they changed, or `all`) and position to the webview. */
  private postAll(all = false): void {
    const session = activeRetrovisorSession();
    if (session === undefined) {
      this.posted = undefined;
      this.post({ type: 'none' });
      return;
    }
    const events = this.events.get(session.id);
    const p = this.tracker.of(session);
    if (events !== undefined && (all || events !== this.posted)) {
      this.posted = events;
      this.post({ type: 'events', session: session.name, ...events });
    }
    if (p !== undefined) this.post({ type: 'position', icount: p.icount, end: p.end, furthest: p.furthest });
    // Events are found by replaying the recording: only for a view someone can see. A replay's
    // are fetched once; a live session's again when its recording grew past them.
    const stale = events === undefined || (events.live && p !== undefined && p.furthest > events.end);
    if (this.view?.visible === true && p !== undefined && stale && !this.fetching.has(session.id)) this.fetch(session);
  }

  private post(message: Record<string, unknown>): void {
    void this.view?.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Retrovisor Timeline</title>
</head>
<body>
<div id="status" class="status">Start a Retrovisor debug session to see its timeline.</div>
<div id="timeline" hidden>
  <div id="summary" class="summary"></div>
  <div id="lanes" class="lanes" role="group" aria-label="Events along the instruction count"></div>
  <div id="axis" class="axis"></div>
  <div id="filters" class="filters" role="group" aria-label="Show event kinds"></div>
  <ol id="list" class="list" aria-label="Events"></ol>
</div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
