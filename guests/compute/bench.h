/*
 * Shared helpers for the compute benchmarks (crc32, sort, matmul, sha256,
 * bytecode). Each benchmark is deterministic: no time, no input other than
 * an optional iteration count as the first real argument (see
 * ../common/args.h), so the same ELF serves as a quick test ("1") and as a
 * benchmark (no argument: the full size, 50-300 million instructions).
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>
#include <stdio.h>

#include "../common/args.h"

/* The iteration count: the first real argument if it is a positive number, else `full`. */
static inline unsigned long bench_iterations(int argc, char **argv, unsigned long full) {
  return guest_arg_count(argc, argv, 0, full);
}

/* Marsaglia's xorshift32: a fixed, seedable pseudo-random sequence (never seed with 0). */
static inline uint32_t xorshift32(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

/* Fills `buf` with pseudo-random bytes from `state`. */
static inline void fill_random(uint8_t *buf, uint32_t len, uint32_t *state) {
  for (uint32_t i = 0; i < len; i++) buf[i] = (uint8_t)(xorshift32(state) >> 24);
}

/* Reports a failed self-check and yields exit status 1. */
static inline int bench_fail(const char *name, const char *what) {
  printf("%s: FAILED: %s\n", name, what);
  return 1;
}

#endif
