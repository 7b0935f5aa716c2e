/*
 * The kernel's nolibc (Linux 6.1) implements every wrapper in sys.h and
 * stops with #error when a system call number is missing. RV32 has only the
 * time64 system calls, so the old ones nolibc knows are absent. They are
 * defined here as -1: the kernel answers -ENOSYS, so a wrapper we do not use
 * compiles and fails loudly if it is ever called. The shell uses the time64
 * calls (clock_gettime64) and _llseek through its own wrappers instead.
 */
#ifndef RETROVISOR_RV32_SYSCALLS_H
#define RETROVISOR_RV32_SYSCALLS_H

#include <asm/unistd.h>

#if __riscv_xlen == 32
#ifndef __NR_lseek
#define __NR_lseek (-1)          /* rv32: _llseek (__NR_llseek), with a 64-bit offset */
#endif
#ifndef __NR_gettimeofday
#define __NR_gettimeofday (-1)   /* rv32: clock_gettime64 */
#endif
#ifndef __NR_poll
#define __NR_poll (-1)           /* rv32: ppoll_time64 */
#endif
#ifndef __NR_select
#define __NR_select (-1)         /* rv32: pselect6_time64 */
#endif
#ifndef __NR_wait4
#define __NR_wait4 (-1)          /* rv32: waitid */
#endif
#ifndef __NR_stat
#define __NR_stat (-1)           /* rv32: statx */
#endif
#endif

#endif
