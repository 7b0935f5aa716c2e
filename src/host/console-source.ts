/** Where console input comes from in a live run: the terminal/pipe, or a script. */
export interface ConsoleSource {
  /** Takes up to `max` bytes available at `icount`. */
  take(icount: number, max: number): Uint8Array;
  /** Whether input can still arrive (for a blocked guest: whether waiting can help). */
  mayArrive(): boolean;
  /** The icount at which input is scheduled, if known. */
  nextIcount(): number | undefined;
  /** Resolves when input may have arrived. */
  wait(): Promise<void>;
  /** Sees the guest's console output (scripts wait for prompts). */
  observeOutput?(bytes: Uint8Array): void;
  close(): void;
}
