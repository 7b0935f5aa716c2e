/** What devices may ask of the machine they sit in. */
import type { Mip } from '../hart/csr-bits.js';

export interface MachineContext {
  /** The current step count (the instant of the access being served). */
  icount(): number;
  /** Drives one of the hart's interrupt lines (CLINT: MSIP/MTIP; PLIC: MEIP/SEIP). */
  setHartInterrupt(line: Mip, level: boolean): void;
  /** A device changed something the run loop plans around (a timer deadline): re-plan at the next boundary. */
  replan(): void;
  /** The guest asked to power off (exit status) or reboot. */
  powerOff(status: number): void;
  reboot(): void;
  /** Guest console output (UART, HTIF console). */
  consoleOutput(bytes: Uint8Array): void;
}
