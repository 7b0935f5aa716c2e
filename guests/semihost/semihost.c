/*
 * semihost: every semihosting call Retrovisor implements, made through the
 * raw RISC-V semihosting sequence (the RISC-V Semihosting specification:
 * `slli x0,x0,0x1f; ebreak; srai x0,x0,7`, uncompressed, operation in a0,
 * parameter in a1, result in a0), never through picolibc's wrappers. The
 * operations and their parameter blocks are those of the Arm "Semihosting
 * for AArch32 and AArch64" specification, version 2.
 *
 * It prints one line per check: the call, what was asked, and what came
 * back. Results that differ from run to run (times, the program's path,
 * handle numbers) are printed as relations ("advances by at least ...",
 * "a handle"), so the output is fixed for a fixed semihosting root. The
 * root is expected to hold
 *
 *   data.txt      "0123456789abcdefghijklmnopqrstuvwxyz\n" (37 bytes)
 *   escape        a symbolic link to a directory outside the root that holds
 *                 secret.txt (the test creates it in a copy of root/)
 *
 * and the guest leaves it as it found it: the files it creates
 * (scratch.txt, renamed as renamed.txt) are removed again.
 *
 * Console input: READC and READ on ":tt" read from the console; give it a
 * line such as "xyz\n" on stdin. With the argument `noconsole` those reads
 * are skipped (QEMU 7.2 blocks in READC when the semihosting console is
 * multiplexed with the UART, see README.md).
 *
 * With the argument `links` it also renames and removes link.txt, a
 * symbolic link to data.txt that the root must then hold, and checks that
 * data.txt survives (see check_links).
 *
 * It ends with SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit and status 42.
 *
 * usage: semihost [noconsole] [links] [words...]   (any order; GET_CMDLINE echoes them all)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../common/args.h"
#include "../common/csr.h"
#include "../common/virt.h"

/* Operation numbers (Arm semihosting v2, "Semihosting operations"). */
enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITEC = 0x03,
  SYS_WRITE0 = 0x04,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_READC = 0x07,
  SYS_ISERROR = 0x08,
  SYS_ISTTY = 0x09,
  SYS_SEEK = 0x0a,
  SYS_FLEN = 0x0c,
  SYS_REMOVE = 0x0e,
  SYS_RENAME = 0x0f,
  SYS_CLOCK = 0x10,
  SYS_TIME = 0x11,
  SYS_ERRNO = 0x13,
  SYS_GET_CMDLINE = 0x15,
  SYS_HEAPINFO = 0x16,
  SYS_EXIT_EXTENDED = 0x20,
  SYS_ELAPSED = 0x30,
  SYS_TICKFREQ = 0x31,
};

/* SYS_OPEN modes: the index of the fopen() mode string (see SYS_OPEN). */
enum { MODE_R = 0, MODE_W = 4, MODE_A = 8 };

/* ADP_Stopped_ApplicationExit: the reason code of a normal exit (see SYS_EXIT). */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define EXIT_STATUS 42

/* Linux errno numbers, which both Retrovisor and QEMU report through SYS_ERRNO. */
#define ERR_ENOENT 2
#define ERR_EBADF 9
#define ERR_EACCES 13

/* A handle no host ever gave out. */
#define BAD_HANDLE 999u

/* 2020-01-01T00:00:00Z: SYS_TIME must be later than this. */
#define TIME_2020 1577836800L

/* Sleep for the CLOCK/ELAPSED checks: 50 ms of mtime, i.e. 5 centiseconds. */
#define SLEEP_TICKS (VIRT_TIMEBASE_HZ / 20u)
#define SLEEP_CENTISECONDS 5

/*
 * The semihosting call. Not inlined, so there is exactly one copy of the
 * sequence; `.option norvc` keeps the three instructions 4 bytes each (the
 * host recognises them by their 32-bit encodings), and `.balign 16` keeps
 * them on one page as the RISC-V semihosting spec asks.
 */
static long __attribute__((noinline)) semihost(uint32_t op, const volatile void *param) {
  register uint32_t a0 __asm__("a0") = op;
  register const volatile void *a1 __asm__("a1") = param;
  __asm__ volatile(".option push\n\t"
                   ".option norvc\n\t"
                   ".balign 16\n\t"
                   "slli x0, x0, 0x1f\n\t"
                   "ebreak\n\t"
                   "srai x0, x0, 7\n\t"
                   ".option pop"
                   : "+r"(a0)
                   : "r"(a1)
                   : "memory");
  return (long)a0;
}

static long sys_errno(void) { return semihost(SYS_ERRNO, 0); }

/* ---- output: formatted with picolibc's vsnprintf, written with SYS_WRITE0 ---- */

static void say(const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  semihost(SYS_WRITE0, line);
}

static const char *errno_name(long e) {
  switch (e) {
  case 0: return "none";
  case ERR_ENOENT: return "ENOENT";
  case 7: return "E2BIG";
  case ERR_EBADF: return "EBADF";
  case ERR_EACCES: return "EACCES";
  case 14: return "EFAULT";
  case 17: return "EEXIST";
  case 21: return "EISDIR";
  case 22: return "EINVAL";
  case 29: return "ESPIPE";
  case 38: return "ENOSYS";
  default: return "?";
  }
}

/* "errno N (NAME)", read right after the failing call. */
static const char *errno_text(void) {
  static char text[32];
  long e = sys_errno();
  snprintf(text, sizeof text, "errno %ld (%s)", e, errno_name(e));
  return text;
}

/* A result that is -1 on failure (OPEN, CLOSE, SEEK, FLEN, ISTTY, GET_CMDLINE): the value, or -1 and errno. */
static void say_result(const char *what, long r) {
  if (r == -1) say("%s: -1, %s\n", what, errno_text());
  else say("%s: %ld\n", what, r);
}

/* OPEN's result: "a handle" (the number is the host's business), or -1 and errno. */
static void say_open(const char *what, long h) {
  if (h == -1) say("%s: -1, %s\n", what, errno_text());
  else if (h > 0) say("%s: a handle\n", what);
  else say("%s: %ld (neither a handle nor -1)\n", what, h);
}

/* REMOVE and RENAME: 0, or a host-specific nonzero code (see SYS_REMOVE, SYS_RENAME) and errno. */
static void say_status(const char *what, long r) {
  if (r == 0) say("%s: 0\n", what);
  else say("%s: nonzero, %s\n", what, errno_text());
}

/* Bytes as a C string literal body: printable ASCII as is, the rest escaped. */
static const char *quoted(const uint8_t *bytes, size_t n) {
  static char text[160];
  size_t o = 0;
  for (size_t i = 0; i < n && o + 5 < sizeof text; i++) {
    uint8_t c = bytes[i];
    if (c == '\n') o += (size_t)snprintf(text + o, sizeof text - o, "\\n");
    else if (c == '"' || c == '\\') o += (size_t)snprintf(text + o, sizeof text - o, "\\%c", c);
    else if (c >= 0x20 && c < 0x7f) text[o++] = (char)c;
    else o += (size_t)snprintf(text + o, sizeof text - o, "\\x%02x", c);
  }
  text[o] = '\0';
  return text;
}

/* ---- the calls, with their parameter blocks ---- */

static long sys_open(const char *name, uint32_t mode) {
  uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, (uint32_t)strlen(name)};
  return semihost(SYS_OPEN, block);
}

static long sys_close(uint32_t handle) {
  uint32_t block[1] = {handle};
  return semihost(SYS_CLOSE, block);
}

static long sys_write(uint32_t handle, const void *buf, uint32_t len) {
  uint32_t block[3] = {handle, (uint32_t)(uintptr_t)buf, len};
  return semihost(SYS_WRITE, block);
}

static long sys_read(uint32_t handle, void *buf, uint32_t len) {
  uint32_t block[3] = {handle, (uint32_t)(uintptr_t)buf, len};
  return semihost(SYS_READ, block);
}

static long sys_istty(uint32_t handle) {
  uint32_t block[1] = {handle};
  return semihost(SYS_ISTTY, block);
}

static long sys_iserror(long status) {
  uint32_t block[1] = {(uint32_t)status};
  return semihost(SYS_ISERROR, block);
}

static long sys_seek(uint32_t handle, uint32_t position) {
  uint32_t block[2] = {handle, position};
  return semihost(SYS_SEEK, block);
}

static long sys_flen(uint32_t handle) {
  uint32_t block[1] = {handle};
  return semihost(SYS_FLEN, block);
}

static long sys_remove(const char *name) {
  uint32_t block[2] = {(uint32_t)(uintptr_t)name, (uint32_t)strlen(name)};
  return semihost(SYS_REMOVE, block);
}

static long sys_rename(const char *from, const char *to) {
  uint32_t block[4] = {(uint32_t)(uintptr_t)from, (uint32_t)strlen(from), (uint32_t)(uintptr_t)to, (uint32_t)strlen(to)};
  return semihost(SYS_RENAME, block);
}

static uint64_t sys_elapsed(void) {
  uint32_t ticks[2] = {0, 0};
  long r = semihost(SYS_ELAPSED, ticks);
  if (r != 0) say("ELAPSED: returned %ld\n", r);
  return (uint64_t)ticks[1] << 32 | ticks[0];
}

/* ---- the checks ---- */

static void check_console_output(void) {
  static const char writec_line[] = "WRITEC: this line came one character at a time\n";
  for (const char *p = writec_line; *p != '\0'; p++) semihost(SYS_WRITEC, p);
  semihost(SYS_WRITE0, "WRITE0: this line came in one call\n");
}

static void check_tt(void) {
  long in = sys_open(":tt", MODE_R);
  long out = sys_open(":tt", MODE_W);
  long err = sys_open(":tt", MODE_A);
  say_open("OPEN \":tt\" r (stdin)", in);
  say_open("OPEN \":tt\" w (stdout)", out);
  say_open("OPEN \":tt\" a (stderr)", err);
  say("OPEN \":tt\": three different handles: %s\n", in != out && out != err && in != err ? "yes" : "no");

  /* The first half of this line is the WRITE under test; the result completes it. */
  static const char head[] = "WRITE \":tt\" w: ";
  long r = sys_write((uint32_t)out, head, sizeof head - 1);
  say("returned %ld (bytes not written)\n", r);
  static const char to_stderr[] = "semihost: this line went to stderr through WRITE on \":tt\" opened \"a\"\n";
  r = sys_write((uint32_t)err, to_stderr, sizeof to_stderr - 1);
  say("WRITE \":tt\" a: returned %ld (bytes not written; the text went to stderr)\n", r);

  say_result("ISTTY \":tt\" r", sys_istty((uint32_t)in));
  say_result("ISTTY \":tt\" w", sys_istty((uint32_t)out));
  say_result("ISTTY \":tt\" a", sys_istty((uint32_t)err));
  say_result("ISTTY bad handle", sys_istty(BAD_HANDLE));

  say_result("CLOSE \":tt\" r", sys_close((uint32_t)in));
  say_result("CLOSE \":tt\" w", sys_close((uint32_t)out));
  say_result("CLOSE \":tt\" a", sys_close((uint32_t)err));
  say_result("CLOSE \":tt\" w again", sys_close((uint32_t)out));
  say_result("CLOSE bad handle", sys_close(BAD_HANDLE));
}

static void check_console_input(void) {
  long c = semihost(SYS_READC, 0);
  if (c >= 0x20 && c < 0x7f) say("READC: '%c'\n", (int)c);
  else say("READC: %ld\n", c);

  long in = sys_open(":tt", MODE_R);
  uint8_t buf[16];
  long r = sys_read((uint32_t)in, buf, sizeof buf);
  say("READ \":tt\" %u bytes: returned %ld, read \"%s\"\n", (unsigned)sizeof buf, r,
      r >= 0 && r <= (long)sizeof buf ? quoted(buf, sizeof buf - (size_t)r) : "");
  r = sys_read((uint32_t)in, buf, sizeof buf);
  say("READ \":tt\" at end of input: returned %ld (= length: end of file)\n", r);
  sys_close((uint32_t)in);

  c = semihost(SYS_READC, 0);
  say("READC at end of input: %ld\n", c);
}

static void check_features(void) {
  long h = sys_open(":semihosting-features", MODE_R);
  say_open("OPEN \":semihosting-features\" r", h);
  say_result("ISTTY \":semihosting-features\"", sys_istty((uint32_t)h));
  say_result("FLEN \":semihosting-features\"", sys_flen((uint32_t)h));
  uint8_t buf[8];
  memset(buf, 0, sizeof buf);
  long r = sys_read((uint32_t)h, buf, 5);
  say("READ \":semihosting-features\" 5 bytes: returned %ld, read \"%s\"\n", r, quoted(buf, 5));
  say("  magic SHFB: %s; byte 0: EXIT_EXTENDED %s, STDOUT_STDERR %s\n", memcmp(buf, "SHFB", 4) == 0 ? "yes" : "no",
      buf[4] & 1 ? "yes" : "no", buf[4] & 2 ? "yes" : "no");
  r = sys_read((uint32_t)h, buf, 1);
  say("READ \":semihosting-features\" past the end: returned %ld (= length: end of file)\n", r);
  say_result("SEEK \":semihosting-features\" to 4", sys_seek((uint32_t)h, 4));
  buf[0] = 0;
  r = sys_read((uint32_t)h, buf, 1);
  say("READ \":semihosting-features\" after the seek: returned %ld, read \"%s\"\n", r, quoted(buf, 1));
  say_result("CLOSE \":semihosting-features\"", sys_close((uint32_t)h));
  say_open("OPEN \":semihosting-features\" w", sys_open(":semihosting-features", MODE_W));
}

static void check_reading(void) {
  long h = sys_open("data.txt", MODE_R);
  say_open("OPEN \"data.txt\" r", h);
  say_result("ISTTY \"data.txt\"", sys_istty((uint32_t)h));
  say_result("FLEN \"data.txt\"", sys_flen((uint32_t)h));

  uint8_t buf[40];
  long r = sys_read((uint32_t)h, buf, 16);
  say("READ \"data.txt\" 16 bytes: returned %ld, read \"%s\"\n", r, r >= 0 && r <= 16 ? quoted(buf, 16 - (size_t)r) : "");
  r = sys_read((uint32_t)h, buf, 32);
  say("READ \"data.txt\" 32 bytes (partial, at the end): returned %ld, read \"%s\"\n", r,
      r >= 0 && r <= 32 ? quoted(buf, 32 - (size_t)r) : "");
  r = sys_read((uint32_t)h, buf, 8);
  say("READ \"data.txt\" at end of file: returned %ld%s\n", r, r == 8 ? " (= length: end of file)" : "");

  say_result("SEEK \"data.txt\" to 10", sys_seek((uint32_t)h, 10));
  r = sys_read((uint32_t)h, buf, 5);
  say("READ \"data.txt\" 5 bytes after the seek: returned %ld, read \"%s\"\n", r, r >= 0 && r <= 5 ? quoted(buf, 5 - (size_t)r) : "");
  say_result("SEEK \"data.txt\" to its end", sys_seek((uint32_t)h, 37));
  r = sys_read((uint32_t)h, buf, 4);
  say("READ \"data.txt\" after seeking to the end: returned %ld\n", r);

  r = sys_write((uint32_t)h, "abc", 3);
  say("WRITE \"data.txt\" opened r: returned %ld (bytes not written of 3), %s\n", r, errno_text());
  say_result("CLOSE \"data.txt\"", sys_close((uint32_t)h));

  r = sys_read(BAD_HANDLE, buf, 4);
  say("READ bad handle: returned %ld, %s\n", r, errno_text());
  r = sys_write(BAD_HANDLE, "abcd", 4);
  say("WRITE bad handle: returned %ld, %s\n", r, errno_text());
  say_result("SEEK bad handle", sys_seek(BAD_HANDLE, 0));
  say_result("FLEN bad handle", sys_flen(BAD_HANDLE));
}

static void check_refused_opens(void) {
  say_open("OPEN \"missing.txt\" r", sys_open("missing.txt", MODE_R));
  say_open("OPEN \"../escape\" r", sys_open("../escape", MODE_R));
  say_open("OPEN \"/etc/passwd\" r", sys_open("/etc/passwd", MODE_R));
  say_open("OPEN \"escape/secret.txt\" r (a symlink out of the root)", sys_open("escape/secret.txt", MODE_R));
  say_open("OPEN \"escape/created.txt\" w (a new file through the symlink)", sys_open("escape/created.txt", MODE_W));
  uint32_t unmapped[3] = {0, MODE_R, 8}; /* nothing is mapped at address 0 on virt */
  say_result("OPEN with the name at an unmapped address", semihost(SYS_OPEN, unmapped));
}

static void check_writing(void) {
  static const char first[] = "hello, host file\n";
  static const char second[] = "appended\n";
  long h = sys_open("scratch.txt", MODE_W);
  say_open("OPEN \"scratch.txt\" w", h);
  long r = sys_write((uint32_t)h, first, sizeof first - 1);
  say("WRITE \"scratch.txt\" %u bytes: returned %ld (bytes not written)\n", (unsigned)(sizeof first - 1), r);
  say_result("FLEN \"scratch.txt\"", sys_flen((uint32_t)h));
  say_result("CLOSE \"scratch.txt\"", sys_close((uint32_t)h));

  h = sys_open("scratch.txt", MODE_A);
  say_open("OPEN \"scratch.txt\" a", h);
  r = sys_write((uint32_t)h, second, sizeof second - 1);
  say("WRITE \"scratch.txt\" %u bytes: returned %ld (bytes not written)\n", (unsigned)(sizeof second - 1), r);
  say_result("FLEN \"scratch.txt\" after appending", sys_flen((uint32_t)h));
  say_result("CLOSE \"scratch.txt\"", sys_close((uint32_t)h));

  h = sys_open("scratch.txt", MODE_R);
  say_open("OPEN \"scratch.txt\" r", h);
  uint8_t buf[64];
  r = sys_read((uint32_t)h, buf, sizeof buf);
  say("READ \"scratch.txt\" %u bytes: returned %ld, read \"%s\"\n", (unsigned)sizeof buf, r,
      r >= 0 && r <= (long)sizeof buf ? quoted(buf, sizeof buf - (size_t)r) : "");
  say_result("CLOSE \"scratch.txt\"", sys_close((uint32_t)h));
}

static void check_rename_remove(void) {
  say_status("RENAME \"scratch.txt\" -> \"renamed.txt\"", sys_rename("scratch.txt", "renamed.txt"));
  say_open("OPEN \"scratch.txt\" r after the rename", sys_open("scratch.txt", MODE_R));
  long h = sys_open("renamed.txt", MODE_R);
  say_open("OPEN \"renamed.txt\" r", h);
  say_result("FLEN \"renamed.txt\"", sys_flen((uint32_t)h));
  say_result("CLOSE \"renamed.txt\"", sys_close((uint32_t)h));

  say_status("RENAME \"missing.txt\" -> \"other.txt\"", sys_rename("missing.txt", "other.txt"));
  say_status("RENAME \"renamed.txt\" -> \"../stolen.txt\"", sys_rename("renamed.txt", "../stolen.txt"));
  say_status("RENAME \"escape/secret.txt\" -> \"stolen.txt\"", sys_rename("escape/secret.txt", "stolen.txt"));

  say_status("REMOVE \"renamed.txt\"", sys_remove("renamed.txt"));
  say_status("REMOVE \"renamed.txt\" again", sys_remove("renamed.txt"));
  say_status("REMOVE \"../victim.txt\"", sys_remove("../victim.txt"));
  say_status("REMOVE \"escape/secret.txt\"", sys_remove("escape/secret.txt"));
  say_status("REMOVE \"/nonexistent-retrovisor/file\"", sys_remove("/nonexistent-retrovisor/file"));
}

/*
 * REMOVE and RENAME name a directory entry: on a symbolic link they act on
 * the link, not on the file it points to (POSIX remove(), rename(); QEMU
 * calls those). Needs link.txt -> data.txt in the root (argument `links`).
 */
static void check_links(void) {
  say_status("RENAME \"link.txt\" -> \"link2.txt\" (a symlink to data.txt)", sys_rename("link.txt", "link2.txt"));
  long h = sys_open("data.txt", MODE_R);
  say_open("OPEN \"data.txt\" r after renaming the link", h);
  if (h > 0) sys_close((uint32_t)h);
  say_status("REMOVE \"link2.txt\"", sys_remove("link2.txt"));
  h = sys_open("data.txt", MODE_R);
  say_open("OPEN \"data.txt\" r after removing the link", h);
  say_result("FLEN \"data.txt\"", sys_flen((uint32_t)h));
  if (h > 0) sys_close((uint32_t)h);
  say_open("OPEN \"link2.txt\" r", sys_open("link2.txt", MODE_R));
}

static void check_iserror(void) {
  static const long statuses[] = {0, 5, -1, -13};
  for (unsigned i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    say("ISERROR %ld: %ld\n", statuses[i], sys_iserror(statuses[i]));
  }
}

static void check_cmdline(void) {
  static char buf[256];
  uint32_t block[2] = {(uint32_t)(uintptr_t)buf, sizeof buf};
  long r = semihost(SYS_GET_CMDLINE, block);
  size_t len = strlen(buf);
  const char *space = strchr(buf, ' ');
  say_result("GET_CMDLINE 256-byte buffer", r);
  say("  length word = strlen: %s; after the program path: \"%s\"\n", block[1] == len ? "yes" : "no",
      space != NULL ? space + 1 : "");

  block[0] = (uint32_t)(uintptr_t)buf;
  block[1] = (uint32_t)len + 1;
  say_result("GET_CMDLINE buffer of exactly length + 1", semihost(SYS_GET_CMDLINE, block));
  block[0] = (uint32_t)(uintptr_t)buf;
  block[1] = (uint32_t)len;
  say_result("GET_CMDLINE buffer of length (no room for the NUL)", semihost(SYS_GET_CMDLINE, block));
  block[0] = (uint32_t)(uintptr_t)buf;
  block[1] = 4;
  say_result("GET_CMDLINE 4-byte buffer", semihost(SYS_GET_CMDLINE, block));
}

static void check_heapinfo(void) {
  extern char _end[];
  uint32_t info[4] = {0, 0, 0, 0};
  uint32_t *pointer = info;
  long r = semihost(SYS_HEAPINFO, &pointer);
  uint32_t heap_base = info[0], heap_limit = info[1], stack_base = info[2], stack_limit = info[3];
  uint32_t sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  say("HEAPINFO: returned %ld\n", r);
  say("  heap base < heap limit: %s\n", heap_base < heap_limit ? "yes" : "no");
  say("  stack limit < stack base: %s\n", stack_limit < stack_base ? "yes" : "no");
  say("  heap limit <= stack base: %s\n", heap_limit <= stack_base ? "yes" : "no");
  say("  heap base at or after the program's end: %s\n", heap_base >= (uint32_t)(uintptr_t)_end ? "yes" : "no");
  say("  sp between stack limit and stack base: %s\n", sp >= stack_limit && sp <= stack_base ? "yes" : "no");
  say("  all four in RAM: %s\n",
      heap_base >= VIRT_DRAM_BASE && heap_limit >= VIRT_DRAM_BASE && stack_base >= VIRT_DRAM_BASE && stack_limit >= VIRT_DRAM_BASE
          ? "yes"
          : "no");
}

static uint64_t read_mtime(void) {
  uint32_t hi, lo;
  do {
    hi = mmio_read32(CLINT_MTIME_HI);
    lo = mmio_read32(CLINT_MTIME_LO);
  } while (hi != mmio_read32(CLINT_MTIME_HI));
  return (uint64_t)hi << 32 | lo;
}

static void write_mtimecmp(uint64_t deadline) {
  mmio_write32(CLINT_MTIMECMP_LO(0), 0xffffffffu);
  mmio_write32(CLINT_MTIMECMP_HI(0), (uint32_t)(deadline >> 32));
  mmio_write32(CLINT_MTIMECMP_LO(0), (uint32_t)deadline);
}

/*
 * Sleeps SLEEP_TICKS of mtime with wfi: mie.MTIE on and mstatus.MIE off, so
 * the pending timer ends wfi without trapping (Privileged spec 3.3.3).
 * Retrovisor skips virtual time to the deadline; QEMU sleeps for real.
 */
static void sleep_with_wfi(void) {
  write_mtimecmp(read_mtime() + SLEEP_TICKS);
  csr_set(mie, MIP_MTIP);
  while ((csr_read(mip) & MIP_MTIP) == 0) wfi();
  csr_clear(mie, MIP_MTIP);
  write_mtimecmp(UINT64_MAX);
}

static void check_time(void) {
  long t1 = semihost(SYS_TIME, 0);
  long t2 = semihost(SYS_TIME, 0);
  say("TIME: after 2020-01-01: %s; a second call not earlier: %s\n", t1 > TIME_2020 ? "yes" : "no", t2 >= t1 ? "yes" : "no");

  long freq = semihost(SYS_TICKFREQ, 0);
  say("TICKFREQ: %ld\n", freq);

  long c1 = semihost(SYS_CLOCK, 0);
  uint64_t m1 = read_mtime();
  uint64_t e1 = sys_elapsed();
  uint64_t m2 = read_mtime();
  uint64_t e2 = sys_elapsed();
  sleep_with_wfi();
  long c2 = semihost(SYS_CLOCK, 0);
  uint64_t e3 = sys_elapsed();
  say("CLOCK: not negative: %s; advances by at least %d cs over a %d ms wfi sleep: %s\n", c1 >= 0 ? "yes" : "no",
      SLEEP_CENTISECONDS, SLEEP_CENTISECONDS * 10, c2 - c1 >= SLEEP_CENTISECONDS ? "yes" : "no");
  say("ELAPSED: a second call not earlier: %s; advances by at least tickfreq/20 over the sleep: %s\n", e2 >= e1 ? "yes" : "no",
      freq > 0 && e3 - e2 >= (uint64_t)freq / 20 ? "yes" : "no");
  if (freq == (long)VIRT_TIMEBASE_HZ) {
    say("ELAPSED: counts the timebase (between two CLINT mtime reads): %s\n", m1 <= e1 && e1 <= m2 ? "yes" : "no");
  } else {
    say("ELAPSED: has its own clock (tickfreq is not the %u Hz timebase)\n", (unsigned)VIRT_TIMEBASE_HZ);
  }
}

/* Whether one of the real arguments is `word`. */
static int has_arg(int argc, char **argv, const char *word) {
  for (int i = 0; i < guest_argc(argc); i++) {
    if (strcmp(guest_arg(argc, argv, i), word) == 0) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int console = !has_arg(argc, argv, "noconsole");

  check_console_output();
  check_tt();
  if (console) check_console_input();
  else say("READC, READ \":tt\": skipped (noconsole)\n");
  check_features();
  check_reading();
  check_refused_opens();
  check_writing();
  check_rename_remove();
  if (has_arg(argc, argv, "links")) check_links();
  check_iserror();
  check_cmdline();
  check_heapinfo();
  check_time();

  say("EXIT_EXTENDED: status %d\n", EXIT_STATUS);
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, EXIT_STATUS};
  semihost(SYS_EXIT_EXTENDED, block);
  say("still running after EXIT_EXTENDED\n");
  return 1;
}
