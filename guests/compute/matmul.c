/*
 * matmul: integer matrix multiplication C = A x B of 64x64 matrices of
 * 32-bit integers (wrapping arithmetic), `iterations` times. After each
 * product A takes C's values (reduced to small numbers) so every iteration
 * depends on the previous one. Exercises the M extension's mul and the
 * load-heavy inner loop; B is transposed first so both inner-loop operands
 * are walked sequentially.
 *
 * usage: matmul [iterations]   (default 60)
 */
#include <stdint.h>
#include <stdio.h>

#include "bench.h"

#define N 64
#define FULL_ITERATIONS 60u

static int32_t a[N][N], b_t[N][N], c[N][N];

int main(int argc, char **argv) {
  unsigned long iterations = bench_iterations(argc, argv, FULL_ITERATIONS);
  uint32_t seed = 0xC0FFEEu;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (int32_t)(xorshift32(&seed) % 201u) - 100;
      b_t[j][i] = (int32_t)(xorshift32(&seed) % 201u) - 100; /* stored transposed: b_t[j][i] = B[i][j] */
    }

  for (unsigned long it = 0; it < iterations; it++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int32_t sum = 0;
        for (int k = 0; k < N; k++) sum += a[i][k] * b_t[j][k];
        c[i][j] = sum;
      }
    /* Feed the product back, kept in [-100, 100] so products never overflow into noise. */
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) a[i][j] = (int32_t)((uint32_t)c[i][j] % 201u) - 100;
  }

  uint32_t checksum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) checksum = (checksum ^ (uint32_t)c[i][j]) * 16777619u; /* FNV-1a step */
  printf("matmul: iterations=%lu n=%d c[0][0]=%ld c[%d][%d]=%ld checksum=0x%08lx\n", iterations, N,
         (long)c[0][0], N - 1, N - 1, (long)c[N - 1][N - 1], (unsigned long)checksum);
  return 0;
}
