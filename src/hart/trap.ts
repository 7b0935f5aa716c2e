/** Trap causes, privilege levels and VM exits (Privileged spec 1.12, table 3.6). */

export const enum Priv {
  U = 0,
  S = 1,
  M = 3,
}

export const enum Exception {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  EcallFromM = 11,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

/** Interrupt numbers; bit n of mip/mie. */
export const enum Interrupt {
  SupervisorSoftware = 1,
  MachineSoftware = 3,
  SupervisorTimer = 5,
  MachineTimer = 7,
  SupervisorExternal = 9,
  MachineExternal = 11,
}

/** Why Hart.run returned. Zero is never an exit, so hart methods can return 0 for "carry on". */
export const enum VmExit {
  /** The step budget was reached. */
  Budget = 1,
  /** An `ecall`, not yet executed: the monitor emulates it or delivers the exception. */
  Ecall = 2,
  /** An `ebreak`, not yet executed: semihosting, a debugger, or the guest's own breakpoint trap. */
  Ebreak = 3,
  /** A legal `wfi`, not yet retired: the monitor advances time or waits for input. */
  Wfi = 4,
  /** A Zicsr instruction on a CSR whose value comes from outside the core (time, seed). */
  HostCsr = 5,
  /** The machine asked run() to return at this boundary (power-off, new timer deadline, a debugger). */
  Requested = 6,
  /** A trap whose handler cannot even start: it would loop forever. */
  FatalTrap = 7,
  /** A trap was just taken and trap reporting is on. */
  Trap = 8,
  /** The next instruction is at a debugger breakpoint (it has not executed). */
  Breakpoint = 9,
}

export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'environment call from U-mode',
  9: 'environment call from S-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};

export const INTERRUPT_NAMES: Readonly<Record<number, string>> = {
  1: 'supervisor software interrupt',
  3: 'machine software interrupt',
  5: 'supervisor timer interrupt',
  7: 'machine timer interrupt',
  9: 'supervisor external interrupt',
  11: 'machine external interrupt',
};

/** mcause bit 31: the trap is an interrupt. */
export const INTERRUPT_BIT = 0x80000000;

/** A human-readable name for an mcause/scause value. */
export function causeName(cause: number): string {
  const code = cause & 0x7fffffff;
  return ((cause & INTERRUPT_BIT) !== 0 ? INTERRUPT_NAMES[code] : EXCEPTION_NAMES[code]) ?? `cause ${cause >>> 0}`;
}
