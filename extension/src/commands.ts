/**
 * The extension's commands: start sessions (record and debug a program, open
 * a recording) and the time-travel moves VS Code has no button for (reverse
 * step into and out, go to an instruction count), sent to the adapter as its
 * custom requests.
 */
import * as vscode from 'vscode';
import { pickProgram, pickRecording, programConfiguration, recordingConfiguration } from './configuration-provider.js';
import { activeRetrovisorSession, formatIcount, type PositionTracker } from './position-tracker.js';

/** The adapter's only thread: hart 0. */
const THREAD_ID = 1;

export function registerCommands(tracker: PositionTracker): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('retrovisor.recordAndDebug', async (uri?: vscode.Uri) => {
      const program = uri?.fsPath ?? await pickProgram();
      if (program === undefined) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program)), programConfiguration(program));
    }),
    vscode.commands.registerCommand('retrovisor.openRecording', async (uri?: vscode.Uri) => {
      const recording = uri?.fsPath ?? await pickRecording();
      if (recording === undefined) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(recording)), recordingConfiguration(recording));
    }),
    vscode.commands.registerCommand('retrovisor.reverseStepIn', () => request('reverseStepIn', { threadId: THREAD_ID })),
    vscode.commands.registerCommand('retrovisor.reverseStepOut', () => request('reverseStepOut', { threadId: THREAD_ID })),
    vscode.commands.registerCommand('retrovisor.goToInstructionCount', async (icount?: number) => {
      const session = activeRetrovisorSession();
      if (session === undefined) {
        void vscode.window.showInformationMessage('Retrovisor: start a Retrovisor debug session first.');
        return;
      }
      let target = icount;
      if (target === undefined) {
        const p = tracker.of(session);
        const last = p === undefined ? undefined : p.end ?? p.furthest;
        const text = await vscode.window.showInputBox({
          title: 'Retrovisor: Go to Instruction Count',
          prompt: last === undefined ? 'An instruction count' : `An instruction count from 0 to ${formatIcount(last)}`,
          value: p === undefined ? '' : String(p.icount),
          validateInput: (v) => (/^\s*[\d,_]+\s*$/.test(v) ? undefined : 'a whole number, like 12345'),
        });
        if (text === undefined) return;
        target = Number(text.replace(/[\s,_]/g, ''));
      }
      await request('seek', { icount: target });
    }),
    vscode.commands.registerCommand('retrovisor.showTimeline', () => vscode.commands.executeCommand('retrovisor.timeline.focus')),
  ];
}

async function request(command: string, args: Record<string, unknown>): Promise<void> {
  const session = activeRetrovisorSession();
  if (session === undefined) {
    void vscode.window.showInformationMessage('Retrovisor: start a Retrovisor debug session first.');
    return;
  }
  try {
    await session.customRequest(command, args);
  } catch (e) {
    void vscode.window.showErrorMessage(`Retrovisor: ${(e as Error).message}`);
  }
}
