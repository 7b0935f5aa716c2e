/**
 * Fills in launch configurations: F5 with no launch.json asks what to debug;
 * relative paths resolve against the workspace folder; a configuration with
 * neither a program nor a recording is refused with a message that says so.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

export const DEBUG_TYPE = 'retrovisor';

export class RetrovisorConfigurationProvider implements vscode.DebugConfigurationProvider {
  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.type === undefined && config.request === undefined && config.name === undefined) {
      const picked = await pickTarget();
      if (picked === undefined) return undefined;
      config = { ...picked };
    }
    if (config.program === undefined && config.recording === undefined) {
      await vscode.window.showErrorMessage('Retrovisor: this launch configuration needs "program" (a RISC-V ELF to record and debug) or "recording" (a .rvr file to replay).');
      return undefined;
    }
    config.cwd ??= folder?.uri.fsPath ?? (config.program !== undefined ? path.dirname(String(config.program)) : path.dirname(String(config.recording)));
    return config;
  }
}

/** The configuration for recording and debugging an ELF. */
export function programConfiguration(program: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Record and debug ${path.basename(program)}`, program, recordTo: recordingPathFor(program) };
}

/** The configuration for replaying a recording. */
export function recordingConfiguration(recording: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: `Replay ${path.basename(recording)}`, recording };
}

/** Where "Record and Debug Program" saves the recording: beside the program, as NAME.rvr. */
export function recordingPathFor(program: string): string {
  return path.join(path.dirname(program), `${path.basename(program).replace(/\.elf$/i, '')}.rvr`);
}

/** Asks for an ELF (dialog) to record and debug. */
export async function pickProgram(): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: 'Record and debug a RISC-V program', openLabel: 'Record and Debug', canSelectMany: false,
    filters: { 'RISC-V ELF': ['elf'], 'All files': ['*'] },
  });
  return uris?.[0]?.fsPath;
}

/** Asks for a .rvr recording (dialog). */
export async function pickRecording(): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: 'Open a Retrovisor recording', openLabel: 'Open Recording', canSelectMany: false,
    filters: { 'Retrovisor recording': ['rvr'] },
  });
  return uris?.[0]?.fsPath;
}

async function pickTarget(): Promise<vscode.DebugConfiguration | undefined> {
  const choice = await vscode.window.showQuickPick([
    { label: 'Record and debug a program…', detail: 'Run a RISC-V ELF, recorded as it goes', target: 'program' as const },
    { label: 'Replay a recording…', detail: 'Open a .rvr file', target: 'recording' as const },
  ], { title: 'Retrovisor: what to debug' });
  if (choice === undefined) return undefined;
  if (choice.target === 'program') {
    const program = await pickProgram();
    return program === undefined ? undefined : programConfiguration(program);
  }
  const recording = await pickRecording();
  return recording === undefined ? undefined : recordingConfiguration(recording);
}
