/*
 * smc: self-modifying code, as JIT compilers, loaders and patchers write it
 * (Zifencei, Unprivileged spec chapter 3: a store followed by fence.i is
 * seen by later instruction fetches on this hart).
 *
 * All of it runs in M-mode from one 4 KiB page of RAM that the program fills
 * with instructions:
 *   1. a loop function rewritten between rounds of calls (each round runs it
 *      long enough for a translating emulator to have compiled it);
 *   2. a function that patches an instruction further down its own
 *      straight-line code, in the same page, on every call;
 *   3. compressed code written by halfword stores, then patched one byte at
 *      a time.
 * Every result is a sum that depends on which version of the code ran.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../common/csr.h"
#include "../common/encode.h"

static uint32_t code[1024] __attribute__((aligned(4096)));

/* Word offsets of the functions in the page. */
#define LOOP_AT 0
#define SELF_AT 64
#define COMPRESSED_AT 128

typedef uint32_t (*loop_fn)(uint32_t x, uint32_t n);
typedef uint32_t (*unary_fn)(uint32_t x);

/* loop(x, n): adds `step` to x, n times. */
static void write_loop(int32_t step) {
  uint32_t *f = &code[LOOP_AT];
  f[0] = addi(A0, A0, step);
  f[1] = addi(A1, A1, -1);
  f[2] = bne(A1, ZERO, -8);
  f[3] = ret();
}

/*
 * self(x): swaps the instruction at +24 with the word at +32, then runs it,
 * so calls alternate between x + 1 and x + 100.
 */
static void write_self(void) {
  uint32_t *f = &code[SELF_AT];
  f[0] = auipc(T0, 0);     /* t0 = self */
  f[1] = lw(T1, T0, 32);   /* the other version */
  f[2] = lw(T2, T0, 24);   /* the current version */
  f[3] = sw(T1, T0, 24);
  f[4] = sw(T2, T0, 32);
  f[5] = fence_i_insn();   /* order the store before the fetch of +24 */
  f[6] = addi(A0, A0, 1);  /* +24: patched on every call */
  f[7] = ret();
  f[8] = addi(A0, A0, 100); /* +32: data */
}

int main(void) {
  write_loop(3);
  write_self();
  fence_i();

  loop_fn loop = (loop_fn)(uintptr_t)&code[LOOP_AT];
  printf("smc: 1. a loop function rewritten between rounds of 1000 calls (x + step * 10)\n");
  for (int round = 0; round < 6; round++) {
    int32_t step = 3 + 7 * round;
    if (round > 0) {
      code[LOOP_AT] = addi(A0, A0, step);
      fence_i();
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 1000; i++) sum += loop(i, 10);
    printf("   round %d: step %ld, sum %lu\n", round, (long)step, (unsigned long)sum);
  }

  unary_fn self = (unary_fn)(uintptr_t)&code[SELF_AT];
  uint32_t sum = 0, hundreds = 0;
  for (uint32_t i = 0; i < 3000; i++) {
    uint32_t r = self(i) - i;
    sum += r;
    if (r == 100) hundreds++;
  }
  printf("smc: 2. a function patching its own next instructions: 3000 calls added %lu (%lu times 100)\n",
         (unsigned long)sum, (unsigned long)hundreds);

  volatile uint16_t *c = (volatile uint16_t *)&code[COMPRESSED_AT];
  c[0] = c_addi(A0, 5);
  c[1] = c_addi(A0, -2);
  c[2] = c_jr(RA);
  fence_i();
  unary_fn compressed = (unary_fn)(uintptr_t)&code[COMPRESSED_AT];
  sum = 0;
  for (uint32_t i = 0; i < 1000; i++) sum += compressed(i) - i;
  printf("smc: 3. compressed code written by halfwords (c.addi 5; c.addi -2; c.jr): 1000 calls added %lu\n",
         (unsigned long)sum);
  /* c.addi's imm[4:0] sits in bits 6:2: rewrite the low byte of the first instruction only. */
  volatile uint8_t *b = (volatile uint8_t *)&code[COMPRESSED_AT];
  b[0] = (uint8_t)(c_addi(A0, 9) & 0xff);
  fence_i();
  sum = 0;
  for (uint32_t i = 0; i < 1000; i++) sum += compressed(i) - i;
  printf("   after patching one byte (c.addi 9): 1000 calls added %lu\n", (unsigned long)sum);
  printf("smc: done\n");
  return 0;
}
