/**
 * `retrovisor gdbserver`: serves the GDB remote protocol on a loopback port,
 * over a recording (replayed, with reverse execution) or over a guest ELF
 * run live and recorded as it goes (so it can be reversed too).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DebugTarget, TargetError } from '../debugger/debug-target.js';
import { RemoteProtocolServer } from '../gdbstub/remote-protocol-server.js';
import { ConsoleInput } from '../host/console-input.js';
import { ScriptedConsole } from '../host/console-script.js';
import type { ConsoleSource } from '../host/console-source.js';
import { LiveHost } from '../host/live-host.js';
import { RECORDING_MAGIC } from '../replay/recording-file.js';
import { SymbolsError } from '../symbols/symbols.js';
import { clockOf, semihostRootOf } from './run-command.js';
import { applyTranslationFlags } from './translation-flags.js';
import { UserError, parseCount, parseSize } from './user-error.js';

interface GdbserverOptions {
  readonly port: string;
  readonly input?: string;
  readonly memory: string;
  readonly semihostRoot?: string;
  readonly clock: string;
  readonly budget: string;
}

export function registerGdbserver(program: Command): void {
  program
    .command('gdbserver')
    .description('serve the GDB remote protocol on 127.0.0.1:PORT, with reverse execution, for a recording or a program run live')
    .argument('<target>', 'a .rvr recording to replay, or a guest ELF to run live (recorded as it runs)')
    .argument('[args...]', 'guest arguments for an ELF (after --)')
    .option('--port <n>', 'loopback TCP port to listen on (0: any free port; the port is printed on stderr)', '1234')
    .option('--input <file>', 'console input script for an ELF (default: stdin)')
    .option('-m, --memory <size>', 'guest RAM for an ELF', '128M')
    .option('--semihost-root <dir>', 'host files for an ELF (semihosting)')
    .option('--clock <mode>', 'guest time for an ELF: virtual or host', 'virtual')
    .option('--budget <size>', 'checkpoint memory budget', '512M')
    .addHelpText('after', `
In gdb (gdb-multiarch):   target remote :PORT
  then break, continue, stepi, reverse-stepi, reverse-continue, reverse-next,
  reverse-finish, watch, info registers, x, bt ... and:
  monitor when | monitor seek ICOUNT | monitor lastwrite ADDR | monitor help
The guest's console output appears here; a program's console input comes from
this terminal (Ctrl-A X quits) or from --input.
Memory and register writes are refused in a replay (its past is fixed); in a
live session they are made at the end of what has run, as recorded inputs.
The server stops when gdb kills the target ("kill"); detaching leaves it running
for the next connection.`)
    .action(async (target: string, args: string[], opts: GdbserverOptions) => {
      process.exitCode = await serveGdb(target, args, opts);
    });
}

async function serveGdb(file: string, args: readonly string[], opts: GdbserverOptions): Promise<number> {
  applyTranslationFlags({}); // RETROVISOR_JIT
  const port = parseCount(opts.port, '--port');
  if (port > 65535) throw new UserError(`--port must be at most 65535 (got ${port})`);
  let head: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file} is a directory, not a program or a recording`);
    head = readFileSync(file).subarray(0, RECORDING_MAGIC.length);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as { code?: string }).code;
    throw new UserError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(e as Error).message})`);
  }
  const isElf = head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  const isRecording = RECORDING_MAGIC.every((b, i) => head[i] === b);
  if (!isElf && !isRecording) throw new UserError(`${file} is neither a RISC-V ELF program nor a recording (.rvr, written by retrovisor record)`);
  let host: LiveHost | undefined;
  let console: ConsoleSource | undefined;
  let server: RemoteProtocolServer | undefined;
  if (isElf) {
    console = opts.input !== undefined ? ScriptedConsole.fromFile(opts.input) : new ConsoleInput(process.stdin, () => { void server?.close(); });
    host = new LiveHost({ semihostRoot: semihostRootOf(opts.semihostRoot), commandLine: [file, ...args].join(' '), console });
  }
  try {
    let target: DebugTarget;
    try {
      target = new DebugTarget({
        program: isElf ? path.resolve(file) : undefined,
        recording: isElf ? undefined : file,
        args,
        memory: parseSize(opts.memory, '--memory'),
        host,
        clock: isElf ? clockOf(opts.clock) : undefined,
        checkpointBudget: parseSize(opts.budget, '--budget'),
        sourceDirectories: [process.cwd()],
        // gdb on RISC-V expects watchpoints to trigger before the access and steps over it itself.
        watchTiming: 'pending',
        onOutput: (text, category) => { (category === 'stderr' ? process.stderr : process.stdout).write(Buffer.from(text, 'latin1')); },
      });
    } catch (e) {
      if (e instanceof TargetError || e instanceof SymbolsError) throw new UserError(e.message);
      throw e;
    }
    server = new RemoteProtocolServer(target, { log: (line) => process.stderr.write(`retrovisor: gdbserver: ${line}\n`) });
    let listening: number;
    try {
      listening = await server.listen(port);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UserError(code === 'EADDRINUSE' ? `port ${port} is in use: choose another with --port (0: any free port)` : `cannot listen on 127.0.0.1:${port} (${(e as Error).message})`);
    }
    process.stderr.write(`retrovisor: gdbserver for ${file} (${isElf ? 'live, recorded as it runs' : 'replay'}) listening on 127.0.0.1:${listening}; in gdb: target remote :${listening}\n`);
    await server.closed;
    return 0;
  } finally {
    host?.close();
  }
}
