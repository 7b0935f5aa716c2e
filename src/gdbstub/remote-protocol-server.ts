/**
 * The GDB remote protocol server: listens on a loopback TCP port and serves
 * one client at a time over one DebugTarget. The target outlives its
 * clients: a client that detaches or drops the connection leaves the
 * timeline where it was, and the next client continues from there (with no
 * breakpoints of the previous one). A client that kills the target (`k`,
 * `vKill`) stops the server.
 */
import * as net from 'node:net';
import type { DebugTarget } from '../debugger/debug-target.js';
import { RemoteSession } from './remote-session.js';

export interface ServerOptions {
  /** Diagnostics for the person running the server. */
  readonly log?: (line: string) => void;
}

export class RemoteProtocolServer {
  private readonly server: net.Server;
  private session: RemoteSession | undefined;
  /** The previous client's operations, finished before the next client is served. */
  private previous: Promise<void> = Promise.resolve();
  private readonly log: (line: string) => void;
  private stopping = false;
  /** Resolves when the server has stopped (killed by a client, or `close()`). */
  readonly closed: Promise<void>;

  constructor(private readonly target: DebugTarget, options: ServerOptions = {}) {
    this.log = options.log ?? (() => {});
    // Half-open: a client may send its packets and close its side, and still get the replies.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.closed = new Promise((resolve) => this.server.on('close', () => resolve()));
  }

  /** Starts listening on 127.0.0.1:port (0: any free port); resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    if (this.stopping || (this.session !== undefined && this.session.connected)) {
      this.log(`refused a second client from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: one client at a time`);
      socket.destroy();
      return;
    }
    this.log(`client connected from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    // The previous client may still be finishing an interrupted operation: serve this one after it.
    const session = new RemoteSession(this.target, socket, { log: this.log, onKill: () => { void this.close(); }, after: this.previous });
    this.session = session;
    this.previous = session.done;
    void session.done.then(() => this.log('client disconnected'));
  }

  /** Stops listening and disconnects the client. */
  async close(): Promise<void> {
    if (this.stopping) return this.closed;
    this.stopping = true;
    this.server.close();
    this.session?.disconnect();
    await this.previous;
    return this.closed;
  }
}
