/** A MachineContext that records what devices ask of the machine, for device unit tests. */
import type { Mip } from '../../src/hart/csr-bits.js';
import type { MachineContext } from '../../src/machine/machine-context.js';

export class FakeContext implements MachineContext {
  now = 0;
  lines = new Map<number, boolean>();
  replans = 0;
  power: { status: number } | 'reboot' | undefined;
  output: number[] = [];

  icount(): number {
    return this.now;
  }
  setHartInterrupt(line: Mip, level: boolean): void {
    this.lines.set(line, level);
  }
  replan(): void {
    this.replans++;
  }
  powerOff(status: number): void {
    this.power = { status };
  }
  reboot(): void {
    this.power = 'reboot';
  }
  consoleOutput(bytes: Uint8Array): void {
    this.output.push(...bytes);
  }
  line(bit: number): boolean {
    return this.lines.get(bit) ?? false;
  }
}
