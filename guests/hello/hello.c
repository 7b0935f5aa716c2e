/*
 * hello: the smallest guest. Greets, lists its command line, and returns 3
 * from main so that the exit-code path is exercised end to end: picolibc's
 * crt0 passes main's result to exit(), which ends in the semihosting call
 * SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit and the status; QEMU
 * and Retrovisor turn that into the process exit status.
 *
 * Output goes through picolibc's stdio to semihosting SYS_WRITE (0x05).
 */
#include <stdio.h>

#include "../common/args.h"

#define HELLO_EXIT_CODE 3

int main(int argc, char **argv) {
  printf("Hello from a RISC-V guest!\n");
  printf("argc = %d\n", argc);
  /* argv[0] is picolibc's placeholder; argv[1] is the program path from the host (see args.h). */
  if (argc > 0) printf("argv[0] = \"%s\" (picolibc's placeholder)\n", argv[0]);
  if (argc > 1) printf("argv[1] = \".../%s\" (the host's program path, shown by base name)\n", guest_basename(argv[1]));
  for (int i = 0; i < guest_argc(argc); i++) printf("arg %d = \"%s\"\n", i + 1, guest_arg(argc, argv, i));
  printf("exiting with status %d\n", HELLO_EXIT_CODE);
  return HELLO_EXIT_CODE;
}
