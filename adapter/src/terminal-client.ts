/**
 * Runs in the editor's integrated terminal (started by the adapter through
 * runInTerminal): connects to the adapter's guest console and pipes the
 * terminal to it, keys as typed (raw mode), until the debug session ends.
 * Usage: node terminal-client.js PORT TOKEN
 */
import { connect } from 'node:net';

const [port, token] = process.argv.slice(2);
if (port === undefined || token === undefined || !/^\d+$/.test(port)) {
  process.stderr.write('usage: terminal-client PORT TOKEN (started by the Retrovisor debug adapter)\n');
  process.exit(2);
}
const socket = connect(Number(port), '127.0.0.1', () => {
  socket.write(`${token}\n`);
  process.stdout.write('[Retrovisor guest console: what you type goes to the guest; it closes with the debug session]\r\n');
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (d) => socket.write(d));
});
socket.on('data', (d) => process.stdout.write(d));
const end = () => {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.exit(0);
};
socket.on('close', end);
socket.on('error', (e) => {
  process.stderr.write(`retrovisor: the guest console is not reachable (${e.message})\n`);
  process.exit(1);
});
