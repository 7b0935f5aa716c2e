/*
 * sort: sorts 16384 pseudo-random 32-bit integers from a fixed linear
 * congruential generator, once with an in-place quicksort and once with a
 * bottom-up merge sort, per iteration. Checks that both results are sorted
 * and identical, and folds them into a checksum. Branchy code with many
 * loads and stores, unlike the straight-line crc32 and sha256.
 *
 * usage: sort [iterations]   (default 24)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define COUNT 16384u
#define FULL_ITERATIONS 24u
/* Below this many elements quicksort hands the range to insertion sort. */
#define INSERTION_CUTOFF 16

static int32_t original[COUNT];
static int32_t quick[COUNT];
static int32_t merged[COUNT];
static int32_t scratch[COUNT];

/* The LCG from Numerical Recipes (a = 1664525, c = 1013904223, m = 2^32). */
static uint32_t lcg_next(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

static void insertion_sort(int32_t *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    int32_t v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(int32_t *a, int i, int j) {
  int32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/* Quicksort with a median-of-three pivot; recurses into the smaller half so the stack stays O(log n). */
static void quicksort(int32_t *a, int lo, int hi) {
  while (hi - lo > INSERTION_CUTOFF) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    int32_t pivot = a[mid];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

/* Bottom-up merge sort of a[0..n) using tmp, ping-ponging between the two buffers. */
static void merge_sort(int32_t *a, int32_t *tmp, uint32_t n) {
  int32_t *src = a, *dst = tmp;
  for (uint32_t width = 1; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n;
      uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int32_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != a) memcpy(a, src, n * sizeof a[0]);
}

static int is_sorted(const int32_t *a, uint32_t n) {
  for (uint32_t i = 1; i < n; i++)
    if (a[i - 1] > a[i]) return 0;
  return 1;
}

int main(int argc, char **argv) {
  unsigned long iterations = bench_iterations(argc, argv, FULL_ITERATIONS);
  uint32_t state = 20240229u;
  uint32_t checksum = 0;

  for (unsigned long it = 0; it < iterations; it++) {
    for (uint32_t i = 0; i < COUNT; i++) original[i] = (int32_t)lcg_next(&state);
    memcpy(quick, original, sizeof quick);
    memcpy(merged, original, sizeof merged);

    quicksort(quick, 0, (int)COUNT - 1);
    merge_sort(merged, scratch, COUNT);

    if (!is_sorted(quick, COUNT)) return bench_fail("sort", "quicksort output is not sorted");
    if (!is_sorted(merged, COUNT)) return bench_fail("sort", "merge sort output is not sorted");
    if (memcmp(quick, merged, sizeof quick) != 0) return bench_fail("sort", "quicksort and merge sort disagree");

    /* Position-weighted sum: any misplaced element changes it. */
    for (uint32_t i = 0; i < COUNT; i++) checksum = checksum * 31u + (uint32_t)quick[i] * (i + 1u);
  }
  printf("sort: iterations=%lu count=%u min=%ld max=%ld checksum=0x%08lx\n", iterations, COUNT,
         (long)quick[0], (long)quick[COUNT - 1], (unsigned long)checksum);
  return 0;
}
