/**
 * The built-in SBI (RISC-V Supervisor Binary Interface, spec v1.0.0): the
 * firmware a supervisor-mode kernel calls with `ecall`. There is no firmware
 * inside the guest: an `ecall` from S-mode is a VM exit, and this class
 * answers it in TypeScript (paravirtualization; the SBI calls are the
 * hypercalls).
 *
 * Served: BASE, TIME, sPI (IPI), RFENCE, HSM (one hart), SRST, and the
 * legacy console putchar/getchar. Every other extension or function answers
 * SBI_ERR_NOT_SUPPORTED. Calling convention (SBI spec 3): a7 = extension
 * ID, a6 = function ID, a0-a5 = arguments; a0 = error, a1 = value. The
 * legacy extensions (SBI spec 5) return their value in a0 only.
 *
 * The timer is what firmware would do with the CLINT's mtimecmp: the
 * supervisor's deadline is kept here, and when virtual time reaches it the
 * SBI sets mip.STIP as M-mode software would (Privileged spec 3.1.9). It is
 * part of the saved state, like a device register.
 */
import { Mip } from '../hart/csr-bits.js';
import type { Hart } from '../hart/hart.js';
import { Csr } from '../isa/csr.js';
import type { HostInput } from '../host/host-input.js';
import type { VirtualClock } from '../machine/clock.js';
import { field, type StateRecord } from '../machine/device.js';

/** Extension IDs (SBI spec 3, and the chapters per extension). */
export const enum SbiExtension {
  LegacySetTimer = 0x00,
  LegacyConsolePutchar = 0x01,
  LegacyConsoleGetchar = 0x02,
  Base = 0x10,
  /** "TIME" */
  Time = 0x54494d45,
  /** "sPI" */
  Ipi = 0x735049,
  /** "RFNC" */
  Rfence = 0x52464e43,
  /** "HSM" */
  Hsm = 0x48534d,
  /** "SRST" */
  Srst = 0x53525354,
}

/** Standard SBI error codes (SBI spec 3, table 1). */
export const enum SbiError {
  Success = 0,
  Failed = -1,
  NotSupported = -2,
  InvalidParam = -3,
  Denied = -4,
  InvalidAddress = -5,
  AlreadyAvailable = -6,
  AlreadyStarted = -7,
  AlreadyStopped = -8,
}

const enum BaseFunction {
  GetSpecVersion = 0,
  GetImplId = 1,
  GetImplVersion = 2,
  ProbeExtension = 3,
  GetMvendorid = 4,
  GetMarchid = 5,
  GetMimpid = 6,
}

const enum RfenceFunction {
  RemoteFenceI = 0,
  RemoteSfenceVma = 1,
  RemoteSfenceVmaAsid = 2,
  // 3-6 are the hypervisor fences: there is no H extension.
}

const enum HsmFunction {
  HartStart = 0,
  HartStop = 1,
  HartGetStatus = 2,
  HartSuspend = 3,
}

/** HSM hart states (SBI spec 9, table 2). */
const HART_STARTED = 0;

const enum SrstType {
  Shutdown = 0,
  ColdReboot = 1,
  WarmReboot = 2,
}

const enum SrstReason {
  None = 0,
  SystemFailure = 1,
}

/** SBI spec v1.0: major 1 in bits 30:24, minor 0 in bits 23:0. */
export const SBI_SPEC_VERSION = 1 << 24;
/**
 * Implementation ID. The registered IDs (SBI spec 3.2: 0 BBL, 1 OpenSBI,
 * ...) belong to others; this one is outside the registered range and reads
 * "RVis" in ASCII, so nobody mistakes it for theirs.
 */
export const SBI_IMPL_ID = 0x52566973;
/** Implementation version: Retrovisor 0.1.0 as major << 16 | minor << 8 | patch. */
export const SBI_IMPL_VERSION = 0x000100;

/** The legacy getchar's "no character" answer. */
const NO_CHARACTER = -1;

/** What the SBI may ask of the machine around it. */
export interface SbiMachine {
  readonly hart: Hart;
  readonly clock: VirtualClock;
  /** The host-input door (legacy getchar is a console input). */
  host(): HostInput;
  /** Guest console output (legacy putchar). */
  consoleOutput(bytes: Uint8Array): void;
  /** SRST: power off with an exit status, or reboot. */
  powerOff(status: number): void;
  reboot(): void;
}

/** The outcome of one SBI call, for traces and tests. */
export interface SbiResult {
  readonly error: number;
  readonly value: number;
}

export class Sbi {
  /** The supervisor timer's deadline in mtime ticks, as two exact 32-bit halves (TIME set_timer). */
  private timerSet = false;
  private timerLo = 0;
  private timerHi = 0;

  constructor(private readonly machine: SbiMachine) {}

  /**
   * Serves the `ecall` at the hart's pc (from S-mode): reads a0-a7, writes
   * the result registers and retires the instruction.
   */
  call(icount: number): void {
    const hart = this.machine.hart;
    const x = hart.x;
    const eid = x[17]! >>> 0;
    const fid = x[16]! >>> 0;
    const args = [x[10]! >>> 0, x[11]! >>> 0, x[12]! >>> 0, x[13]! >>> 0, x[14]! >>> 0, x[15]! >>> 0] as const;
    if (eid === SbiExtension.LegacyConsolePutchar) {
      this.machine.consoleOutput(Uint8Array.of(args[0] & 0xff));
      x[10] = 0;
    } else if (eid === SbiExtension.LegacyConsoleGetchar) {
      const bytes = this.machine.host().readConsole(icount, 1);
      x[10] = bytes.length === 0 ? NO_CHARACTER : bytes[0]!;
    } else {
      const r = this.dispatch(eid, fid, args, icount);
      x[10] = r.error;
      x[11] = r.value;
    }
    hart.retire(4);
  }

  private dispatch(eid: number, fid: number, a: readonly number[], icount: number): SbiResult {
    switch (eid) {
      case SbiExtension.Base: return this.base(fid, a[0]!);
      case SbiExtension.Time: return fid === 0 ? this.setTimer(a[0]!, a[1]!, icount) : notSupported();
      case SbiExtension.Ipi: return fid === 0 ? this.sendIpi(a[0]!, a[1]!) : notSupported();
      case SbiExtension.Rfence: return this.rfence(fid, a[0]!, a[1]!);
      case SbiExtension.Hsm: return this.hsm(fid, a[0]!);
      case SbiExtension.Srst: return fid === 0 ? this.systemReset(a[0]!, a[1]!) : notSupported();
      default: return notSupported();
    }
  }

  private base(fid: number, arg: number): SbiResult {
    switch (fid) {
      case BaseFunction.GetSpecVersion: return ok(SBI_SPEC_VERSION);
      case BaseFunction.GetImplId: return ok(SBI_IMPL_ID);
      case BaseFunction.GetImplVersion: return ok(SBI_IMPL_VERSION);
      case BaseFunction.ProbeExtension: return ok(Sbi.implements(arg) ? 1 : 0);
      case BaseFunction.GetMvendorid: return ok(this.machine.hart.peekCsr(Csr.mvendorid) ?? 0);
      case BaseFunction.GetMarchid: return ok(this.machine.hart.peekCsr(Csr.marchid) ?? 0);
      case BaseFunction.GetMimpid: return ok(this.machine.hart.peekCsr(Csr.mimpid) ?? 0);
      default: return notSupported();
    }
  }

  /** Whether probe_extension reports `eid` (the legacy extensions count: they are served). */
  static implements(eid: number): boolean {
    switch (eid) {
      case SbiExtension.Base: case SbiExtension.Time: case SbiExtension.Ipi: case SbiExtension.Rfence:
      case SbiExtension.Hsm: case SbiExtension.Srst:
      case SbiExtension.LegacyConsolePutchar: case SbiExtension.LegacyConsoleGetchar:
        return true;
      default:
        return false;
    }
  }

  /** TIME set_timer: the next supervisor timer event, in mtime ticks; clears a pending one (SBI spec 6.1). */
  private setTimer(lo: number, hi: number, icount: number): SbiResult {
    this.timerSet = true;
    this.timerLo = lo;
    this.timerHi = hi;
    this.update(icount);
    return ok(0);
  }

  /** Whether the hart ids named by (mask, base) are all ours; base -1 means every hart (SBI spec 3). */
  private targetsValid(mask: number, base: number): boolean {
    if (base === 0xffffffff) return true;
    const hartId = this.machine.hart.hartId;
    for (let bit = 0; bit < 32; bit++) {
      if (((mask >>> bit) & 1) !== 0 && base + bit !== hartId) return false;
    }
    return true;
  }

  private targetsUs(mask: number, base: number): boolean {
    const hartId = this.machine.hart.hartId;
    return base === 0xffffffff || (hartId >= base && hartId - base < 32 && ((mask >>> (hartId - base)) & 1) !== 0);
  }

  /** sPI send_ipi: a supervisor software interrupt for each named hart (SBI spec 7.1). */
  private sendIpi(mask: number, base: number): SbiResult {
    if (!this.targetsValid(mask, base)) return fail(SbiError.InvalidParam);
    if (this.targetsUs(mask, base)) this.machine.hart.setPendingBySoftware(Mip.SSIP, true);
    return ok(0);
  }

  /**
   * RFENCE (SBI spec 8). With one hart, a remote fence is a local one:
   * sfence.vma flushes every cached translation; fence.i needs nothing,
   * because instruction fetch here is always coherent with stores.
   */
  private rfence(fid: number, mask: number, base: number): SbiResult {
    if (fid !== RfenceFunction.RemoteFenceI && fid !== RfenceFunction.RemoteSfenceVma && fid !== RfenceFunction.RemoteSfenceVmaAsid) {
      return notSupported();
    }
    if (!this.targetsValid(mask, base)) return fail(SbiError.InvalidParam);
    if (fid !== RfenceFunction.RemoteFenceI && this.targetsUs(mask, base)) this.machine.hart.flushTlb();
    return ok(0);
  }

  /** HSM with one hart: it is always started (SBI spec 9). Starting and stopping come with more harts. */
  private hsm(fid: number, hartId: number): SbiResult {
    const ours = hartId === this.machine.hart.hartId;
    switch (fid) {
      case HsmFunction.HartStart: return fail(ours ? SbiError.AlreadyAvailable : SbiError.InvalidParam);
      case HsmFunction.HartGetStatus: return ours ? ok(HART_STARTED) : fail(SbiError.InvalidParam);
      case HsmFunction.HartStop:
      case HsmFunction.HartSuspend:
      default:
        return notSupported();
    }
  }

  /**
   * SRST system_reset (SBI spec 10): shutdown powers off with exit status 0,
   * or 1 when the reason is a system failure; the reboots restart the board.
   */
  private systemReset(type: number, reason: number): SbiResult {
    if (type === SrstType.Shutdown) {
      this.machine.powerOff(reason === SrstReason.SystemFailure ? 1 : 0);
      return ok(0);
    }
    if (type === SrstType.ColdReboot || type === SrstType.WarmReboot) {
      this.machine.reboot();
      return ok(0);
    }
    return fail(SbiError.InvalidParam);
  }

  // ---- the supervisor timer ----

  private get timerDeadline(): number {
    return this.timerSet ? this.timerHi * 0x100000000 + this.timerLo : Infinity;
  }

  /** The icount at which the supervisor timer fires (Infinity if it does not), for the run loop. */
  nextDeadline(now: number): number {
    const clock = this.machine.clock;
    return clock.mtime(now) >= this.timerDeadline ? Infinity : clock.icountWhen(this.timerDeadline, now);
  }

  /** Sets or clears mip.STIP for the time at `icount`, as firmware does on its machine timer interrupt. */
  update(icount: number): void {
    this.machine.hart.setPendingBySoftware(Mip.STIP, this.machine.clock.mtime(icount) >= this.timerDeadline);
  }

  /** The supervisor timer's deadline in mtime ticks (undefined if none), for debuggers. */
  get timer(): number | undefined {
    return this.timerDeadline === Infinity ? undefined : this.timerDeadline;
  }

  saveState(): StateRecord {
    return { version: 1, timerSet: this.timerSet, timerLo: this.timerLo, timerHi: this.timerHi };
  }

  loadState(state: StateRecord): void {
    this.timerSet = field<boolean>(state, 'timerSet', 'boolean');
    this.timerLo = field<number>(state, 'timerLo', 'number');
    this.timerHi = field<number>(state, 'timerHi', 'number');
  }
}

function ok(value: number): SbiResult {
  return { error: SbiError.Success, value };
}

function fail(error: SbiError): SbiResult {
  return { error, value: 0 };
}

function notSupported(): SbiResult {
  return fail(SbiError.NotSupported);
}
