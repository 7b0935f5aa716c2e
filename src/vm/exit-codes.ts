/** Process exit codes of runs (documented in the README). Guest exit statuses pass through (0-255). */
export const enum ExitCode {
  /** A replay diverged from its recording. */
  Divergence = 122,
  /** The guest deadlocked: it waits for an interrupt nothing can raise. */
  Deadlock = 123,
  /** --max-insns was reached before the guest exited. */
  InstructionLimit = 124,
  /** Bad input: missing or invalid file, bad option, damaged recording. */
  UsageError = 125,
  /** The guest took a trap it has no handler for, or ran into unmapped memory. */
  GuestFault = 126,
  /** The user quit with Ctrl-A X. */
  Quit = 130,
  /** A bug in Retrovisor itself. */
  InternalError = 70,
}
