/**
 * Where the Debug Adapter Protocol server runs: inside the extension host
 * (inline, the default: nothing to install), as a separate Node.js process
 * (the adapter bundled with the extension, or a `retrovisor` command), or at
 * a loopback port where `retrovisor dap --port N` already listens.
 */
import * as vscode from 'vscode';
import { RetrovisorSession } from '../../adapter/src/session.js';

export type AdapterMode = 'inline' | 'process' | 'server';

export class RetrovisorAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionUri: vscode.Uri) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const settings = vscode.workspace.getConfiguration('retrovisor');
    const mode = settings.get<AdapterMode>('adapter', 'inline');
    switch (mode) {
      case 'process': {
        const command = settings.get<string>('adapterCommand', '').trim();
        if (command !== '') return new vscode.DebugAdapterExecutable(command, ['dap']);
        // The bundled adapter, run by the Node.js that runs VS Code's extension host
        // (Electron's binary in desktop VS Code: ELECTRON_RUN_AS_NODE makes it plain Node).
        const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'adapter.js').fsPath;
        return new vscode.DebugAdapterExecutable(process.execPath, [script], { env: { ELECTRON_RUN_AS_NODE: '1' } });
      }
      case 'server':
        return new vscode.DebugAdapterServer(settings.get<number>('adapterPort', 4711), '127.0.0.1');
      default:
        return new vscode.DebugAdapterInlineImplementation(new RetrovisorSession());
    }
  }
}
