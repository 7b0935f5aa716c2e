/** The engine's state at an icount of a recording, from a replay of its own (what a debugger must show there). */
import { RecordingReader } from '../../src/replay/recording-file.js';
import { Replayer } from '../../src/replay/replayer.js';

export interface ReplayedState {
  /** x0-x31, unsigned. */
  readonly x: number[];
  readonly pc: number;
  csr(n: number): number;
  /** The 32-bit word at a physical address (a side-effect-free peek). */
  word(address: number): number;
}

export function straightReplay(file: string, icount: number): ReplayedState {
  const r = new Replayer(RecordingReader.open(file));
  r.vm.board.onConsole = () => {};
  r.replay(icount);
  const hart = r.vm.board.hart;
  return {
    x: Array.from(hart.x.subarray(0, 32), (v) => v >>> 0),
    pc: hart.pc >>> 0,
    csr: (n: number) => hart.peekCsr(n)! >>> 0,
    word: (address: number) => r.vm.board.bus.peek(address, 4)!,
  };
}
