/*
 * Instruction counting for the benchmarks: linked with -Wl,--wrap=main, so
 * picolibc's crt0 calls __wrap_main, which reads minstret (CSR 0xb02/0xb82)
 * around the real main and prints the difference. Under QEMU with
 * `-icount shift=0` minstret counts retired instructions exactly; without
 * -icount it follows the host clock and the number means nothing.
 */
#include <stdint.h>
#include <stdio.h>

#include "../common/csr.h"

int __real_main(int argc, char **argv);

/* minstret as one 64-bit number, re-reading the high half if the low half wrapped in between. */
static uint64_t read_minstret(void) {
  uint32_t hi, lo;
  do {
    hi = csr_read(minstreth);
    lo = csr_read(minstret);
  } while (hi != csr_read(minstreth));
  return (uint64_t)hi << 32 | lo;
}

int __wrap_main(int argc, char **argv) {
  uint64_t start = read_minstret();
  int status = __real_main(argc, argv);
  uint64_t end = read_minstret();
  printf("measure: main retired %llu instructions\n", (unsigned long long)(end - start));
  return status;
}
