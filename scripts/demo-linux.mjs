// npm run demo:linux: boots the bundled Linux guest (guests/linux) under the
// built-in SBI, with its initramfs shell and the test disk, and gives you its
// console. Type `help`; `exit` powers it off (Ctrl-A X quits at any time).
// With --record FILE, the session is recorded (replay it with
// `npx retrovisor replay FILE`). Uses the built CLI in dist/.
import { main } from '../dist/src/cli/main.js';

const build = 'guests/linux/build';
const at = process.argv.indexOf('--record');
const command = at >= 0 && process.argv[at + 1] !== undefined ? ['record', '-o', process.argv[at + 1]] : ['run'];
process.stderr.write(`retrovisor ${command.join(' ')} --kernel ${build}/Image --initrd ${build}/initramfs.cpio --drive ${build}/disk.img --append "console=ttyS0 earlycon"\n`);
process.exitCode = await main(['node', 'retrovisor', ...command, '--stats',
  '--kernel', `${build}/Image`, '--initrd', `${build}/initramfs.cpio`, '--drive', `${build}/disk.img`, '--append', 'console=ttyS0 earlycon']);
