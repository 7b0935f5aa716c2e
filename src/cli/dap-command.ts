/** `retrovisor dap`: the Debug Adapter Protocol server, on stdio or a loopback port. */
import type { Command } from 'commander';
import { serveStdio, serveTcp } from '../../adapter/src/main.js';
import { applyTranslationFlags } from './translation-flags.js';
import { parseCount } from './user-error.js';

export function registerDap(program: Command): void {
  program
    .command('dap')
    .description('serve the Debug Adapter Protocol: on stdio (for VS Code), or on 127.0.0.1:PORT for other editors')
    .option('--port <n>', 'listen on this loopback TCP port instead of stdio (0: any free port, printed on stderr)')
    .action(async (opts: { port?: string }) => {
      applyTranslationFlags({}); // RETROVISOR_JIT
      if (opts.port === undefined) {
        serveStdio();
        await new Promise<void>((resolve) => process.stdin.on('close', () => resolve()));
        return;
      }
      const server = await serveTcp(parseCount(opts.port, '--port'));
      const address = server.address();
      process.stderr.write(`retrovisor: DAP server listening on 127.0.0.1:${typeof address === 'object' && address !== null ? address.port : opts.port}\n`);
      await new Promise<void>((resolve) => server.on('close', () => resolve()));
    });
}
