/**
 * The guest console in the editor's integrated terminal: the adapter asks the
 * client to run its terminal client (runInTerminal), which connects back; what
 * is typed there reaches the guest and the guest's output appears there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO } from './support/cli.js';
import { WireClient } from './support/dap-wire.js';

/** The adapter as users run it for other editors: `retrovisor dap --port 0`, in its own process. */
let server: ChildProcess | undefined;
let client: WireClient | undefined;
let terminal: ChildProcess | undefined;

afterEach(() => {
  terminal?.kill();
  client?.close();
  server?.kill();
  terminal = client = server = undefined;
});

async function session(supportsTerminal: boolean): Promise<WireClient> {
  server = spawn(process.execPath, [CLI, 'dap', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    server!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m !== null) resolve(Number(m[1]));
    });
    server!.on('exit', () => reject(new Error(`the adapter exited: ${err}`)));
  });
  client = await WireClient.connect(port);
  const init = await client.request('initialize', { adapterID: 'retrovisor', pathFormat: 'path', linesStartAt1: true, supportsRunInTerminalRequest: supportsTerminal });
  expect(init.success).toBe(true);
  return client;
}

describe('console "integratedTerminal"', () => {
  it('runs the terminal client in the editor and connects it to the guest console both ways', async () => {
    const c = await session(true);
    let screen = '';
    let asked: DebugProtocol.RunInTerminalRequestArguments | undefined;
    c.onRequest = async (r) => {
      expect(r.command).toBe('runInTerminal');
      asked = r.arguments as DebugProtocol.RunInTerminalRequestArguments;
      const [cmd, ...args] = asked.args;
      terminal = spawn(cmd!, args, { cwd: asked.cwd, stdio: ['pipe', 'pipe', 'inherit'] });
      terminal.stdout!.on('data', (d: Buffer) => { screen += d.toString('latin1'); });
      return { processId: terminal.pid };
    };
    const launched = await c.request('launch', { program: join(REPO, 'guests', 'build', 'uart-echo.elf'), console: 'integratedTerminal' });
    expect(launched.success).toBe(true);
    expect(asked?.kind).toBe('integrated');
    expect(asked?.title).toBe('Retrovisor: uart-echo.elf');
    await c.request('configurationDone');
    const until = async (text: string) => {
      for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
      expect(screen).toContain(text);
    };
    await until('uart-echo: type text');
    terminal!.stdin!.write('hi there\r');
    await until('HI THERE\r\n');
    const stopped = c.event('stopped');
    terminal!.stdin!.write('q');
    expect((await stopped).body.description).toMatch(/exited with status 0/);
    await until("got 'q' after 9 bytes, powering off");
    // Guest output went to the terminal, not to the debug console.
    const outputs = c.messages.filter((m) => m.type === 'event' && (m as unknown as DebugProtocol.Event).event === 'output')
      .map((m) => (m as unknown as DebugProtocol.OutputEvent).body);
    expect(outputs.filter((o) => o.category === 'stdout')).toEqual([]);
  });

  it('falls back to the debug console, and says so, when the editor cannot run a terminal', async () => {
    const c = await session(false);
    const launched = await c.request('launch', { program: join(REPO, 'guests', 'build', 'hello.elf'), console: 'integratedTerminal' });
    expect(launched.success).toBe(true);
    const stopped = c.event('stopped');
    await c.request('configurationDone');
    await stopped;
    const outputs = c.messages.filter((m) => m.type === 'event' && (m as unknown as DebugProtocol.Event).event === 'output')
      .map((m) => (m as unknown as DebugProtocol.OutputEvent).body);
    expect(outputs.some((o) => o.category === 'console' && /cannot run a terminal for the guest console; using the debug console/.test(o.output))).toBe(true);
    expect(outputs.filter((o) => o.category === 'stdout').map((o) => o.output).join('')).toContain('Hello');
  });
});
