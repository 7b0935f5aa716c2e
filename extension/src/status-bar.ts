/** The status-bar item with the active session's instruction count; clicking it asks for one to go to. */
import * as vscode from 'vscode';
import { activeRetrovisorSession, formatIcount, type PositionTracker } from './position-tracker.js';

export class IcountStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly tracker: PositionTracker) {
    this.item = vscode.window.createStatusBarItem('retrovisor.icount', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Retrovisor Instruction Count';
    this.item.command = 'retrovisor.goToInstructionCount';
    this.subscriptions = [
      this.item,
      tracker.onDidChange(() => this.update()),
      vscode.debug.onDidChangeActiveDebugSession(() => this.update()),
    ];
    this.update();
  }

  private update(): void {
    const session = activeRetrovisorSession();
    const p = this.tracker.of(session);
    if (session === undefined || p === undefined) {
      this.item.hide();
      return;
    }
    const of = p.end === null ? `live, ${formatIcount(p.furthest)} so far` : `of ${formatIcount(p.end)}`;
    this.item.text = `$(history) icount ${formatIcount(p.icount)}`;
    this.item.tooltip = `Retrovisor: instruction ${formatIcount(p.icount)} ${of}, pc 0x${(p.pc >>> 0).toString(16).padStart(8, '0')}. Click to go to another instruction count.`;
    this.item.accessibilityInformation = { label: `Retrovisor instruction count ${p.icount}` };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
