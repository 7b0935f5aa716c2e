/**
 * The whole machine at one instant, except RAM contents (the checkpoint store
 * keeps those incrementally): hart, devices and clocks, monitor, the position
 * in the input log, and the dirty-page bookkeeping of state checks. Restoring
 * it and the RAM of the same instant reproduces a straight replay exactly.
 * Debugger breakpoints and watchpoints are never part of it.
 */
import type { HartSnapshot } from '../hart/hart.js';
import type { StateRecord } from '../machine/device.js';
import type { Replayer } from './replayer.js';
import type { GuestVm } from '../vm/guest-vm.js';

/** The state checks subscribe first to a guest's dirty-page tracker (CheckedRun). */
export const STATE_CHECK_CONSUMER = 0;

export interface MachineState {
  readonly icount: number;
  readonly hart: HartSnapshot;
  readonly board: StateRecord;
  readonly monitor: StateRecord;
  /** Inputs consumed from the recording. */
  readonly inputPosition: number;
  /** RAM pages written since the last state check (the state checks' dirty-page consumer). */
  readonly dirty: readonly number[];
  /** Which RAM pages were written since load (all others are zero). */
  readonly touched: Uint8Array;
}

/** Captures the state of a replay at its current instruction boundary. */
export function captureState(r: Replayer): MachineState {
  return captureVmState(r.vm, r.host.consumed);
}

/** Captures the state of any guest; `inputPosition` is the number of inputs it has received. */
export function captureVmState(vm: GuestVm, inputPosition: number): MachineState {
  return {
    icount: vm.board.hart.icount,
    hart: vm.board.hart.snapshot(),
    board: vm.board.saveState(),
    monitor: vm.monitor.saveState(),
    inputPosition,
    dirty: vm.board.ram.dirty.save(STATE_CHECK_CONSUMER),
    touched: vm.board.ram.touched.slice(),
  };
}

/**
 * Restores everything but RAM contents (restore those first, without dirty
 * bookkeeping). `rewrittenPages`, when known, are the RAM pages whose bytes
 * that replaced: the hart keeps its decoded code for the others.
 */
export function restoreState(r: Replayer, s: MachineState, rewrittenPages?: Iterable<number>): void {
  const vm = r.vm;
  vm.board.loadState(s.board);
  vm.monitor.loadState(s.monitor);
  r.host.consumed = s.inputPosition;
  vm.board.ram.touched.set(s.touched);
  vm.board.ram.dirty.load(STATE_CHECK_CONSUMER, s.dirty);
  vm.board.hart.restore(s.hart, rewrittenPages);
}
