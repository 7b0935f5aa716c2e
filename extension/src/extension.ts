/**
 * The Retrovisor extension: a debugger type (`retrovisor`) whose adapter is
 * the project's DAP server, commands for recording, replaying and reverse
 * stepping, a Timeline view of the recording, and the instruction count in
 * the status bar.
 */
import * as vscode from 'vscode';
import { RetrovisorAdapterFactory } from './adapter-factory.js';
import { registerCommands } from './commands.js';
import { DEBUG_TYPE, RetrovisorConfigurationProvider } from './configuration-provider.js';
import { PositionTracker } from './position-tracker.js';
import { IcountStatusBar } from './status-bar.js';
import { TIMELINE_VIEW_ID, TimelineViewProvider } from './timeline-view.js';

export function activate(context: vscode.ExtensionContext): void {
  const tracker = new PositionTracker();
  const timeline = new TimelineViewProvider(context.extensionUri, tracker);
  context.subscriptions.push(
    tracker,
    timeline,
    new IcountStatusBar(tracker),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new RetrovisorAdapterFactory(context.extensionUri)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new RetrovisorConfigurationProvider()),
    vscode.window.registerWebviewViewProvider(TIMELINE_VIEW_ID, timeline),
    ...registerCommands(tracker),
  );
}

export function deactivate(): void {}
