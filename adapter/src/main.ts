/**
 * Starts the Debug Adapter Protocol server: over stdio (VS Code launches it
 * this way), or listening on a loopback TCP port (--port N) for other editors,
 * one session per connection.
 */
import * as net from 'node:net';
import { RetrovisorSession } from './session.js';

/** Serves DAP on stdio. */
export function serveStdio(): void {
  const session = new RetrovisorSession();
  session.setRunAsServer(false);
  session.start(process.stdin, process.stdout);
}

/** Serves DAP on 127.0.0.1:port; resolves with the server once listening (port 0: any free port). */
export function serveTcp(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      const session = new RetrovisorSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
