/*
 * Command-line arguments under picolibc's semihosting crt0.
 *
 * picolibc 1.8's crt0-semihost asks the host for the command line
 * (SYS_GET_CMDLINE, semihosting 0x15), splits it at spaces into argv[1..],
 * and sets argv[0] to the fixed string "program-name". QEMU answers
 * GET_CMDLINE with the -kernel file name followed by the -append string, so
 * under `qemu ... -kernel build/hello.elf -append "a b"` a program sees
 *
 *   argv = { "program-name", "build/hello.elf", "a", "b" }
 *
 * Retrovisor passes "<elf path> <args>" the same way. The helpers below
 * give a program its real arguments (argv[2..]) and the ELF's base name.
 */
#ifndef GUEST_ARGS_H
#define GUEST_ARGS_H

#include <stdlib.h>
#include <string.h>

/* Index of the first real argument: after picolibc's argv[0] and the host's program path. */
#define GUEST_FIRST_ARG 2

/* The number of real arguments. */
static inline int guest_argc(int argc) { return argc > GUEST_FIRST_ARG ? argc - GUEST_FIRST_ARG : 0; }

/* Real argument `i` (0-based), or NULL. */
static inline const char *guest_arg(int argc, char **argv, int i) {
  return i < guest_argc(argc) ? argv[GUEST_FIRST_ARG + i] : NULL;
}

/* Real argument `i` as a positive number, or `fallback` when absent or not a positive number. */
static inline unsigned long guest_arg_count(int argc, char **argv, int i, unsigned long fallback) {
  const char *s = guest_arg(argc, argv, i);
  if (s == NULL) return fallback;
  char *end;
  unsigned long v = strtoul(s, &end, 0);
  return (*end == '\0' && v > 0) ? v : fallback;
}

/* The last path component of `path` ("build/hello.elf" -> "hello.elf"). */
static inline const char *guest_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

#endif
