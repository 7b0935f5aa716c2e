/**
 * The lockstep checker (`--check-jit`): runs every block twice, once on the
 * real hart (translated, or interpreted where the dispatcher interprets) and
 * once interpreted on a reference hart, and compares the two after each
 * block.
 *
 * The reference is a second Hart over its own copy of RAM. Before each step
 * it takes the real hart's registers, CSRs, load and fetch TLBs (whatever the
 * monitor did between steps is in them); it then runs the interpreter to the
 * icount the real hart reached, and the checker compares registers, pc,
 * privilege, icount, trap counters, the reservation, every CSR but the
 * device-driven interrupt lines, the VM exit, and every RAM page the
 * reference wrote. The real hart's device accesses during the step are
 * recorded and replayed to the reference (devices see each access once),
 * which must make the same accesses in the same order. The real hart runs
 * unchained (every translated block returns to the dispatcher), so each
 * block is one step.
 *
 * The reference's RAM follows the real one by executing the same steps;
 * writes made through Ram.write (devices, the loader, the monitor) are
 * mirrored as they happen (so a block that reads such bytes before a device
 * writes them in the same block could be reported falsely; no device on the
 * board does that), and a reset, a checkpoint restore or a traced run
 * resynchronises all of RAM. A stray write by the real hart to a page the
 * reference did not write is caught by the full comparison of all written
 * RAM every FULL_COMPARE_STEPS steps and by verifyMemory().
 */
import { BusError, type AccessSize, type PhysicalMemory } from '../memory/physical-memory.js';
import { PAGE_SHIFT, PAGE_SIZE, Ram } from '../memory/ram.js';
import { Hart } from './hart.js';
import type { TranslatedStepObserver } from './hart.js';
import { VmExit } from './trap.js';
import type { TranslationOptions } from './translation-cache.js';

/** Steps between two comparisons of all written RAM. */
export const FULL_COMPARE_STEPS = 1 << 20;

/** A translated block and the interpreter disagreed: a translator bug. */
export class LockstepMismatch extends Error {
  constructor(readonly icount: number, readonly pc: number, readonly differences: readonly string[]) {
    super(`lockstep check failed at pc 0x${(pc >>> 0).toString(16).padStart(8, '0')}, icount ${icount}: ` +
      `${differences.join('\n  ')}`);
    this.name = 'LockstepMismatch';
  }
}

/** One device access (not RAM) made by the checked hart. */
interface DeviceAccess {
  readonly write: boolean;
  readonly paddr: number;
  readonly size: AccessSize;
  readonly value: number;
  /** The access raised a bus error. */
  readonly fault: boolean;
}

/** Interposed in front of the real hart's devices: passes every access on and records it. */
class RecordedDevices implements PhysicalMemory {
  readonly log: DeviceAccess[] = [];
  recording = false;

  constructor(readonly inner: PhysicalMemory) {}

  get ram(): Ram {
    return this.inner.ram;
  }

  load(paddr: number, size: AccessSize): number {
    try {
      const value = this.inner.load(paddr, size);
      if (this.recording) this.log.push({ write: false, paddr, size, value, fault: false });
      return value;
    } catch (e) {
      if (this.recording && e instanceof BusError) this.log.push({ write: false, paddr, size, value: 0, fault: true });
      throw e;
    }
  }

  store(paddr: number, size: AccessSize, value: number): void {
    try {
      this.inner.store(paddr, size, value);
      if (this.recording) this.log.push({ write: true, paddr, size, value, fault: false });
    } catch (e) {
      if (this.recording && e instanceof BusError) this.log.push({ write: true, paddr, size, value, fault: true });
      throw e;
    }
  }

  romPage(paddr: number): Uint8Array | undefined {
    return this.inner.romPage(paddr);
  }

  peek(paddr: number, size: AccessSize): number | undefined {
    return this.inner.peek(paddr, size);
  }

  mapped(paddr: number, size: AccessSize): boolean {
    return this.inner.mapped(paddr, size);
  }
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** The reference hart's devices: the real hart's recorded accesses, answered again in order. */
class ReplayedDevices implements PhysicalMemory {
  private next = 0;
  /** Differences found (an access the real hart did not make, or made otherwise). */
  readonly problems: string[] = [];

  constructor(readonly ram: Ram, private readonly real: RecordedDevices) {}

  rewind(): void {
    this.next = 0;
    this.problems.length = 0;
  }

  /** Recorded accesses the reference has not made. */
  get unconsumed(): number {
    return this.real.log.length - this.next;
  }

  private take(write: boolean, paddr: number, size: AccessSize, value: number): DeviceAccess | undefined {
    const a = this.real.log[this.next];
    const what = `${write ? 'store' : 'load'} of ${size} bytes at ${hex(paddr)}${write ? ` (value ${hex(value)})` : ''}`;
    if (a === undefined) {
      this.problems.push(`the interpreter made a device ${what} that the translated block did not make`);
      return undefined;
    }
    this.next++;
    if (a.write !== write || a.paddr !== paddr || a.size !== size || (write && a.value !== value)) {
      this.problems.push(`device access ${this.next}: the interpreter made a ${what}, the translated block a ` +
        `${a.write ? 'store' : 'load'} of ${a.size} bytes at ${hex(a.paddr)}${a.write ? ` (value ${hex(a.value)})` : ''}`);
    }
    return a;
  }

  load(paddr: number, size: AccessSize): number {
    const a = this.take(false, paddr, size, 0);
    if (a === undefined || a.fault) throw new BusError(paddr);
    return a.value;
  }

  store(paddr: number, size: AccessSize, value: number): void {
    const a = this.take(true, paddr, size, value);
    if (a === undefined || a.fault) throw new BusError(paddr);
  }

  romPage(paddr: number): Uint8Array | undefined {
    return this.real.romPage(paddr);
  }

  peek(paddr: number, size: AccessSize): number | undefined {
    return this.real.peek(paddr, size);
  }

  mapped(paddr: number, size: AccessSize): boolean {
    return this.real.mapped(paddr, size);
  }
}

/** What a lockstep check has covered so far. */
export interface LockstepStats {
  /** Translated blocks compared with the interpreter. */
  readonly blocks: number;
  /** Steps (instructions and traps) in those blocks. */
  readonly steps: number;
}

export class LockstepChecker implements TranslatedStepObserver {
  private readonly reference: Hart;
  private readonly devices: RecordedDevices;
  private readonly replayed: ReplayedDevices;
  private readonly referencePages: number;
  /** The reference's RAM must be brought up to the real one in full (start, reset, restore, traced runs). */
  private resync = true;
  private start = 0;
  private startPc = 0;
  private checkedBlocks = 0;
  private checkedSteps = 0;
  /** icount of the last full comparison of RAM. */
  private lastFullCompare = 0;

  /**
   * Attaches a checker to `hart`: turns translation on (unchained, with the
   * given threshold) and checks every block from now on.
   */
  constructor(private readonly hart: Hart, translation: Pick<TranslationOptions, 'hotThreshold'> = {}) {
    this.devices = new RecordedDevices(hart.memory);
    hart.memory = this.devices;
    const ram = hart.ram;
    this.replayed = new ReplayedDevices(new Ram(ram.base, ram.size), this.devices);
    this.reference = new Hart(this.replayed, { hartId: hart.hartId, translation: { enabled: false } });
    this.referencePages = this.replayed.ram.dirty.subscribe();
    ram.writeObserver = (paddr, data) => {
      if (!this.resync) this.replayed.ram.write(paddr, data);
    };
    hart.setTranslation({ hotThreshold: translation.hotThreshold, enabled: true, unchained: true });
    hart.translatedStepObserver = this;
  }

  /** Translated blocks and steps compared so far. */
  get stats(): LockstepStats {
    return { blocks: this.checkedBlocks, steps: this.checkedSteps };
  }

  stateReplaced(): void {
    this.resync = true;
  }

  beforeStep(real: Hart): void {
    if (this.resync) {
      this.resync = false;
      const ram = real.ram, ref = this.replayed.ram;
      for (let p = 0; p < ram.touched.length; p++) {
        if (ram.touched[p] !== 0 || ref.touched[p] !== 0) this.copyPage(p);
      }
      this.lastFullCompare = real.icount;
    }
    this.replayed.ram.dirty.collect(this.referencePages);
    this.reference.copyStateFrom(real);
    this.start = real.icount;
    this.startPc = real.pc;
    this.devices.log.length = 0;
    this.devices.recording = true;
  }

  afterStep(real: Hart, exit: number, translated: boolean): void {
    this.devices.recording = false;
    const target = real.icount;
    const ref = this.reference;
    this.replayed.rewind();
    const differences: string[] = [];
    let refExit: number = VmExit.Budget;
    while (ref.icount < target) {
      refExit = ref.run(target);
      if (refExit !== VmExit.Budget && refExit !== VmExit.Requested && refExit !== VmExit.Trap) break;
    }
    // A VM exit at an instruction (ecall, wfi, a host CSR, a trap with no usable handler) must be where the interpreter
    // stops too. (The reference has no breakpoints: a breakpoint stop is compared as a budget stop.)
    const stopped = exit === VmExit.Ecall || exit === VmExit.Ebreak || exit === VmExit.Wfi || exit === VmExit.HostCsr ||
      exit === VmExit.FatalTrap;
    if (stopped && ref.icount === target && refExit !== exit) refExit = ref.run(target + 1);
    if (stopped && refExit !== exit) differences.push(`VM exit: ${exitName(exit)} vs ${exitName(refExit)}`);
    if (this.replayed.problems.length > 0) differences.push(...this.replayed.problems);
    if (this.replayed.unconsumed > 0) differences.push(`${this.replayed.unconsumed} device access(es) made only by the checked hart`);
    if (!real.sameState(ref, true)) {
      const d = real.stateDifferences(ref, true);
      // Fatal-trap reports and host-CSR requests are objects: equal ones are not a difference.
      if (d.length > 0) differences.push(...d);
    }
    for (const p of this.replayed.ram.dirty.collect(this.referencePages)) this.comparePage(p, differences);
    if (differences.length > 0) this.fail(translated, differences);
    if (translated) {
      this.checkedBlocks++;
      this.checkedSteps += target - this.start;
    }
    if (real.icount - this.lastFullCompare >= FULL_COMPARE_STEPS) this.verifyMemory();
  }

  /** Compares all RAM either hart has written; throws LockstepMismatch on a difference. */
  verifyMemory(): void {
    const since = this.lastFullCompare;
    this.lastFullCompare = this.hart.icount;
    if (this.resync) return;
    const differences: string[] = [];
    const ram = this.hart.ram, ref = this.replayed.ram;
    for (let p = 0; p < ram.touched.length; p++) {
      if (ram.touched[p] !== 0 || ref.touched[p] !== 0) this.comparePage(p, differences);
    }
    if (differences.length > 0) {
      throw new LockstepMismatch(this.hart.icount, this.hart.pc,
        [`RAM written between icount ${since} and ${this.hart.icount} differs:`, ...differences]);
    }
  }

  private fail(translated: boolean, differences: string[]): never {
    throw new LockstepMismatch(this.start, this.startPc, [
      `${translated ? 'the translated block' : 'an interpreted block (a checker or dispatcher bug)'} from icount ${this.start} ` +
        `to ${this.hart.icount}; checked hart vs interpreter:`,
      ...differences,
    ]);
  }

  private copyPage(page: number): void {
    const ram = this.hart.ram;
    const off = page << PAGE_SHIFT;
    this.replayed.ram.write(ram.base + off, ram.bytes.subarray(off, off + PAGE_SIZE));
  }

  private comparePage(page: number, out: string[]): void {
    const a = this.hart.ram.i32, b = this.replayed.ram.i32;
    const first = (page << PAGE_SHIFT) >>> 2;
    for (let w = first; w < first + PAGE_SIZE / 4; w++) {
      if (a[w] === b[w]) continue;
      const bytes = this.hart.ram.bytes, other = this.replayed.ram.bytes;
      let i = w * 4;
      while (bytes[i] === other[i]) i++;
      out.push(`memory at ${hex(this.hart.ram.base + i)}: 0x${bytes[i]!.toString(16).padStart(2, '0')} vs 0x${other[i]!.toString(16).padStart(2, '0')}`);
      return;
    }
  }
}

function exitName(exit: number): string {
  const names: Record<number, string> = {
    [VmExit.Budget]: 'budget', [VmExit.Ecall]: 'ecall', [VmExit.Ebreak]: 'ebreak', [VmExit.Wfi]: 'wfi',
    [VmExit.HostCsr]: 'host CSR', [VmExit.Requested]: 'requested', [VmExit.FatalTrap]: 'fatal trap',
    [VmExit.Trap]: 'trap', [VmExit.Breakpoint]: 'breakpoint',
  };
  return names[exit] ?? `exit ${exit}`;
}
