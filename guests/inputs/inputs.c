/*
 * inputs: a guest whose output depends on the world outside it, for
 * record/replay. It reads
 *
 *  - the wall clock, twice: semihosting SYS_TIME (0x11, seconds since the
 *    epoch, through picolibc's time()) and the Goldfish RTC at 0x0010_1000
 *    (nanoseconds since the epoch; reading TIME_LOW at +0x00 latches
 *    TIME_HIGH at +0x04);
 *  - one line from the console: by default through fopen(":tt", "r"), i.e.
 *    semihosting SYS_OPEN of the special name ":tt" and SYS_READ (0x06) on
 *    that handle, which reports end of input as a read of 0 bytes. With
 *    --readc it reads picolibc's stdin instead, which takes one SYS_READC
 *    (0x07) per character: READC cannot report end of input, and QEMU 7.2
 *    returns 0 for every character (see README.md);
 *  - a host file: SYS_OPEN (0x01), SYS_FLEN (0x0c), SYS_READ and SYS_CLOSE
 *    (0x02) through fopen. picolibc passes the path to the host unchanged,
 *    so a relative path is resolved by the host: QEMU against its working
 *    directory, Retrovisor against its semihosting root.
 *
 * usage: inputs [--readc] [path]   (path defaults to data/input.txt)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../common/args.h"
#include "../common/virt.h"

#define DEFAULT_PATH "data/input.txt"
#define NS_PER_SECOND 1000000000ull
#define LINE_MAX_BYTES 128

static uint64_t rtc_read_ns(void) {
  uint32_t lo = mmio_read32(VIRT_RTC_BASE + RTC_TIME_LOW); /* latches the high word */
  uint32_t hi = mmio_read32(VIRT_RTC_BASE + RTC_TIME_HIGH);
  return (uint64_t)hi << 32 | lo;
}

static void print_time(const char *label, time_t t) {
  struct tm tm;
  char text[32];
  gmtime_r(&t, &tm);
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  printf("%s %lld (%s UTC)\n", label, (long long)t, text);
}

/*
 * Reads one line without its line ending; returns 0 at end of input.
 * Not fgets: picolibc 1.8's fgets returns NULL when end of input comes
 * before a newline, dropping the characters of an unterminated last line.
 */
static int read_line(FILE *f, char *line, size_t size) {
  size_t n = 0;
  int c = EOF;
  while (n + 1 < size && (c = getc(f)) != EOF && c != '\n') line[n++] = (char)c;
  line[n] = '\0';
  if (n > 0 && line[n - 1] == '\r') line[--n] = '\0'; /* terminals in raw mode send CR */
  return n > 0 || c == '\n';
}

int main(int argc, char **argv) {
  int next = 0;
  const char *first = guest_arg(argc, argv, 0);
  int use_readc = first != NULL && strcmp(first, "--readc") == 0;
  if (use_readc) next++;
  const char *path = guest_arg(argc, argv, next);
  if (path == NULL) path = DEFAULT_PATH;

  print_time("time is", time(NULL));
  print_time("rtc says", (time_t)(rtc_read_ns() / NS_PER_SECOND));

  printf("type a line: ");
  fflush(stdout);
  FILE *console = use_readc ? stdin : fopen(":tt", "r");
  if (console == NULL) {
    printf("cannot open the console: %s\n", strerror(errno));
    return 1;
  }
  char line[LINE_MAX_BYTES];
  if (read_line(console, line, sizeof line)) printf("you typed \"%s\"\n", line);
  else printf("no input: the console is at end of file\n");
  if (console != stdin) fclose(console);

  FILE *f = fopen(path, "r");
  if (f == NULL) {
    printf("cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  int lines = 0;
  while (read_line(f, line, sizeof line)) {
    printf("file says \"%s\"\n", line);
    lines++;
  }
  fclose(f);
  printf("%s: %d lines\n", path, lines);
  return 0;
}
