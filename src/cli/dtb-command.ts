/** `retrovisor dtb`: write the board's flattened device tree. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { NoHostInput } from '../host/host-input.js';
import { encodeFdt } from '../machine/fdt.js';
import { VirtBoard } from '../machine/virt-board.js';
import { UserError, parseSize } from './user-error.js';

export function registerDtb(program: Command): void {
  program
    .command('dtb')
    .description('write the virt board\'s device tree blob (check it with: dtc -I dtb -O dts virt.dtb)')
    .requiredOption('-o, --output <file>', 'where to write the .dtb')
    .option('-m, --memory <size>', 'guest RAM size', '128M')
    .option('--append <cmdline>', 'kernel command line for /chosen/bootargs')
    .option('--virtio', 'the board a Linux kernel boots on (--kernel): with its eight virtio-mmio slots')
    .action((opts: { output: string; memory: string; append?: string; virtio?: boolean }) => {
      const board = new VirtBoard({ memory: parseSize(opts.memory, '--memory'), virtio: opts.virtio === true ? {} : undefined }, new NoHostInput());
      try {
        writeFileSync(opts.output, encodeFdt(board.deviceTree({ bootArgs: opts.append })));
      } catch (e) {
        throw new UserError(`cannot write ${opts.output}: ${(e as Error).message}`);
      }
    });
}
