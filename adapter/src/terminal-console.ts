/**
 * The guest console in the editor's integrated terminal: the adapter listens
 * on a loopback port and asks the client (runInTerminal) to start
 * `terminal-client.js`, which connects and pipes the terminal to the guest.
 * Output produced before the terminal connects is kept and sent on connect.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { QueueConsole } from './queue-console.js';

export class TerminalConsole {
  /** What the guest reads: bytes typed in the terminal. */
  readonly input = new QueueConsole();
  private readonly token = randomBytes(16).toString('hex');
  private socket: Socket | undefined;
  private pending: Buffer[] = [];
  private closed = false;

  private constructor(private readonly server: Server, readonly port: number) {
    server.on('connection', (s) => this.accept(s));
  }

  /** Starts listening on 127.0.0.1 (an ephemeral port). */
  static async open(): Promise<TerminalConsole> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new TerminalConsole(server, (server.address() as { port: number }).port);
  }

  /** The command the client runs in its terminal (node and the client script). */
  command(): string[] {
    return [process.execPath, fileURLToPath(new URL('./terminal-client.js', import.meta.url)), String(this.port), this.token];
  }

  private accept(s: Socket): void {
    if (this.socket !== undefined || this.closed) {
      s.destroy();
      return;
    }
    let authenticated = false;
    let header = '';
    s.on('data', (data: Buffer) => {
      if (!authenticated) {
        header += data.toString('latin1');
        const nl = header.indexOf('\n');
        if (nl < 0) {
          if (header.length > 100) s.destroy();
          return;
        }
        if (header.slice(0, nl) !== this.token) {
          s.destroy();
          return;
        }
        authenticated = true;
        this.socket = s;
        for (const b of this.pending) s.write(b);
        this.pending = [];
        const rest = header.slice(nl + 1);
        if (rest.length > 0) this.input.push(rest);
        return;
      }
      this.input.push(data.toString('latin1'));
    });
    s.on('close', () => { if (this.socket === s) this.socket = undefined; });
    s.on('error', () => s.destroy());
  }

  /** Guest output to the terminal. */
  write(text: string): void {
    const b = Buffer.from(text, 'latin1');
    if (this.socket !== undefined) this.socket.write(b);
    else if (!this.closed) this.pending.push(b);
  }

  close(): void {
    this.closed = true;
    this.socket?.end();
    this.server.close();
    this.input.close();
  }
}
