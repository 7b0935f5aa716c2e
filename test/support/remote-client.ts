/**
 * A small GDB remote protocol client for tests, written independently of
 * src/gdbstub: it frames packets, acknowledges replies (until no-ack mode),
 * collects `O` console output, and exposes everything it received so tests
 * can check acknowledgments and retransmissions byte by byte.
 */
import * as net from 'node:net';

export interface Reply {
  /** The final reply's payload (run-length encoding expanded unless raw was asked for). */
  readonly payload: string;
  /** Console output sent before it in `O` packets, decoded. */
  readonly output: string;
}

const sum = (s: string) => [...s].reduce((a, c) => (a + c.charCodeAt(0)) & 0xff, 0);

/** `$payload#cs` for a payload. */
export function frame(payload: string): string {
  return `$${payload}#${sum(payload).toString(16).padStart(2, '0')}`;
}

/** Expands `X*N` runs (N - 29 more copies). */
export function expandRle(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '*' && i + 1 < s.length) out += out.at(-1)!.repeat(s.charCodeAt(++i) - 29);
    else out += s[i];
  }
  return out;
}

export class RemoteClient {
  /** Every byte received, as latin1 text. */
  received = '';
  /** Where parsing of `received` has got to. */
  private cursor = 0;
  ackMode = true;
  /** Acknowledgments seen from the server ('+' and '-'), in order. */
  readonly acks: string[] = [];
  /** Packets with a wrong checksum from the server (should stay empty). */
  readonly corrupt: string[] = [];
  private readonly packets: string[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.received += b.toString('latin1');
      this.parse();
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RemoteClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RemoteClient(s)));
      s.once('error', reject);
    });
  }

  private parse(): void {
    for (;;) {
      const rest = this.received.slice(this.cursor);
      const m = /^([^$]*?)\$([^#]*)#([0-9a-fA-F]{2})/s.exec(rest);
      const lead = m === null ? rest : m[1]!;
      for (const c of lead) if (c === '+' || c === '-') this.acks.push(c);
      if (m === null) {
        // Keep an unfinished packet for later; acks before it are consumed.
        const start = rest.indexOf('$');
        this.cursor += start < 0 ? rest.length : start;
        return;
      }
      this.cursor += m[0].length;
      if (sum(m[2]!) !== parseInt(m[3]!, 16)) {
        this.corrupt.push(m[2]!);
        continue;
      }
      if (this.ackMode) this.socket.write('+');
      this.packets.push(m[2]!);
    }
  }

  /** Sends bytes as they are. */
  sendRaw(text: string | Buffer): void {
    this.socket.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /** Sends one framed packet. */
  send(payload: string): void {
    this.sendRaw(frame(payload));
  }

  /** The next packet from the server (raw payload), or undefined on timeout or a closed connection. */
  async next(timeoutMs = 10_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.packets.length === 0) {
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
      this.waiter = undefined;
    }
    return this.packets.shift();
  }

  /** Waits for the final reply to a request, gathering `O` output before it. */
  async reply(timeoutMs = 10_000, raw = false): Promise<Reply> {
    let output = '';
    for (;;) {
      const p = await this.next(timeoutMs);
      if (p === undefined) throw new Error(`no reply (connection ${this.closed ? 'closed' : 'open'}); received so far: ${JSON.stringify(this.received.slice(-200))}`);
      if (/^O[0-9a-f]+$/.test(p) && p.length > 1) {
        output += Buffer.from(p.slice(1), 'hex').toString('utf8');
        continue;
      }
      return { payload: raw ? p : expandRle(p), output };
    }
  }

  /** Sends a packet and returns the final reply's payload. */
  async request(payload: string, timeoutMs?: number): Promise<string> {
    this.send(payload);
    return (await this.reply(timeoutMs)).payload;
  }

  /** Sends a monitor command; returns its output and final reply. */
  async monitor(command: string): Promise<Reply> {
    this.send(`qRcmd,${Buffer.from(command).toString('hex')}`);
    return this.reply();
  }

  /** Packets received and not yet read. */
  get pending(): number {
    return this.packets.length;
  }

  close(): void {
    this.socket.destroy();
  }
}
