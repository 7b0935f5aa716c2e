/**
 * A minimal DAP client over a socket for tests that need what the test
 * support library's DebugClient lacks: answering reverse requests
 * (runInTerminal) and seeing every message in order.
 */
import { connect, type Socket } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';

type Message = DebugProtocol.ProtocolMessage & Record<string, unknown>;

export class WireClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (r: DebugProtocol.Response) => void>();
  private listeners: ((m: Message) => void)[] = [];
  readonly messages: Message[] = [];
  /** Answers reverse requests (runInTerminal ...): return the response body, or throw to fail it. */
  onRequest: (r: DebugProtocol.Request) => Promise<unknown> = async (r) => { throw new Error(`unexpected request ${r.command}`); };

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => this.receive(d));
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new WireClient(s)));
      s.once('error', reject);
    });
  }

  private write(m: object): void {
    const json = JSON.stringify(m);
    this.socket.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const m = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.messages.push(m);
      for (const l of this.listeners) l(m);
      if (m.type === 'response') this.waiting.get((m as unknown as DebugProtocol.Response).request_seq)?.(m as unknown as DebugProtocol.Response);
      if (m.type === 'request') void this.answer(m as unknown as DebugProtocol.Request);
    }
  }

  private async answer(r: DebugProtocol.Request): Promise<void> {
    try {
      const body = await this.onRequest(r);
      this.write({ type: 'response', seq: this.seq++, request_seq: r.seq, command: r.command, success: true, body });
    } catch (e) {
      this.write({ type: 'response', seq: this.seq++, request_seq: r.seq, command: r.command, success: false, message: (e as Error).message });
    }
  }

  /** Sends a request; resolves with its response (failed ones too). */
  request(command: string, args?: object): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.write({ type: 'request', seq, command, arguments: args });
    });
  }

  /** The next event named `name` (or one already received when `past`), within `ms`. */
  event(name: string, ms = 10_000, test: (e: DebugProtocol.Event) => boolean = () => true): Promise<DebugProtocol.Event> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.listeners = this.listeners.filter((l) => l !== listener); reject(new Error(`no ${name} event in ${ms} ms`)); }, ms);
      const listener = (m: Message) => {
        const e = m as unknown as DebugProtocol.Event;
        if (m.type === 'event' && e.event === name && test(e)) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(e);
        }
      };
      this.listeners.push(listener);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
