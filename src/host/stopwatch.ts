/** Wall-clock stopwatch for reports (--stats, benchmarks, progress). Never feeds the guest. */
export class Stopwatch {
  private readonly start = process.hrtime.bigint();

  /** Seconds since the stopwatch was created. */
  seconds(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e9;
  }
}
