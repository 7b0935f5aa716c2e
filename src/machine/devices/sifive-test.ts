/**
 * SiFive test finisher (QEMU virt at 0x0010_0000): a 32-bit write of
 * 0x5555 powers off with status 0, (code << 16) | 0x3333 with status `code`,
 * and 0x7777 resets the machine.
 */
import { BusError, type AccessSize } from '../../memory/physical-memory.js';
import type { Device, StateRecord } from '../device.js';
import type { MachineContext } from '../machine-context.js';

export const enum TestFinisher {
  Fail = 0x3333,
  Pass = 0x5555,
  Reset = 0x7777,
}

export class SifiveTest implements Device {
  readonly name = 'test';
  readonly size = 0x1000;

  constructor(private readonly ctx: MachineContext) {}

  read(): number {
    return 0;
  }

  peek(): number {
    return 0;
  }

  /** 16- and 32-bit writes are valid (as on QEMU); a byte write is an access fault. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size === 1) throw new BusError(offset);
    if (offset !== 0) return;
    const status = value & 0xffff;
    const code = (value >>> 16) & 0xffff;
    if (status === TestFinisher.Pass) this.ctx.powerOff(0);
    else if (status === TestFinisher.Fail) this.ctx.powerOff(code);
    else if (status === TestFinisher.Reset) this.ctx.reboot();
  }

  saveState(): StateRecord {
    return { version: 1 };
  }

  loadState(): void {}
}
