/** `retrovisor index`: store checkpoints in a recording so opening and seeking it are instant. */
import type { Command } from 'commander';
import { indexRecording } from '../timeline/indexer.js';
import { parseCount } from './user-error.js';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('store checkpoints in a recording (replays it once), so the debugger opens it and seeks anywhere instantly')
    .argument('<recording>', 'a .rvr file (rewritten in place)')
    .option('--every <n>', 'instructions between checkpoints (default: 32 per recording, at most 50,000,000 apart)')
    .action((file: string, opts: { every?: string }) => {
      const every = opts.every === undefined ? undefined : parseCount(opts.every, '--every');
      const r = indexRecording(file, every === 0 ? undefined : every);
      process.stderr.write(`retrovisor: stored ${r.checkpoints} checkpoints (every ${r.every} instructions) in ${file}\n`);
    });
}
