// npm start: the bundled example. Runs a guest, records an interactive guest
// with scripted console input, shows what the recording holds, and replays it
// exactly (verifying the final state). Uses the built CLI in dist/.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../dist/src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'retrovisor-demo-'));
const rvr = join(dir, 'uart-echo.rvr');
const say = (text) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);

say('retrovisor run guests/build/crc32.elf -- 2   (a compute guest: CRC-32 on the virt board)');
let code = await main(['node', 'retrovisor', 'run', '--stats', 'guests/build/crc32.elf', '--', '2']);
if (code !== 0) process.exit(code);

say(`retrovisor record --input recordings/inputs/uart-echo.script -o ${rvr} guests/build/uart-echo.elf`);
code = await main(['node', 'retrovisor', 'record', '--input', 'recordings/inputs/uart-echo.script', '-o', rvr, 'guests/build/uart-echo.elf']);
if (code !== 0) process.exit(code);

say(`retrovisor info ${rvr}`);
code = await main(['node', 'retrovisor', 'info', rvr]);
if (code !== 0) process.exit(code);

say(`retrovisor replay --verify ${rvr}   (same output, same final state, no input needed)`);
code = await main(['node', 'retrovisor', 'replay', '--verify', rvr]);
process.exitCode = code;
