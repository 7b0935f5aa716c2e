/*
 * /init of Retrovisor's Linux guest: a tiny shell, written against the
 * kernel's nolibc (tools/include/nolibc), so the userland is one static
 * binary with no C library.
 *
 * It mounts /proc, /sys and /dev, prints a banner and reads commands from
 * the console. Every command reads something real: kernel files, the block
 * device (virtio-blk), the entropy source (virtio-rng), the real-time clock
 * (Goldfish RTC). `exit` powers the machine off through the kernel.
 */
#include "nolibc.h"
#include <linux/rtc.h>
#include <linux/reboot.h>

#define LINE_MAX 256
#define MAX_WORDS 16
#define SECTOR_SIZE 512
#define SIEVE_MAX 1000000

static char line[LINE_MAX];
static unsigned char sector[SECTOR_SIZE];
static unsigned char sieve[SIEVE_MAX + 1];
static char io_buffer[4096];

static void put_hex_byte(unsigned char b)
{
	static const char digits[] = "0123456789abcdef";
	char s[2] = { digits[b >> 4], digits[b & 15] };

	write(1, s, 2);
}

static void put_two_digits(int v)
{
	char s[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	write(1, s, 2);
}

/* Parses a decimal number; returns -1 if `s` is not one. */
static long parse_number(const char *s)
{
	long v = 0;

	if (*s == 0)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Seeks with a 64-bit offset: RV32 has _llseek, not lseek. */
static int seek_to(int fd, unsigned long long offset)
{
	long long result;

	return my_syscall5(__NR_llseek, fd, (unsigned long)(offset >> 32), (unsigned long)offset, &result, SEEK_SET);
}

static void cmd_help(void)
{
	puts("commands:\n"
	     "  echo WORDS...   print the words\n"
	     "  cat FILE...     print files (try /proc/cpuinfo, /proc/interrupts)\n"
	     "  ls [DIR]        list a directory\n"
	     "  date            read the real-time clock (/dev/rtc0)\n"
	     "  rng [N]         read N random bytes from the hardware RNG (/dev/hwrng)\n"
	     "  disk [SECTOR]   dump a sector of the disk (/dev/vda)\n"
	     "  compute [N]     count the primes below N\n"
	     "  exit            power off");
}

static void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			putchar(' ');
		fputs(argv[i], stdout);
	}
	putchar('\n');
}

static void cmd_cat(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY, 0);
		ssize_t n;

		if (fd < 0) {
			printf("cat: %s: error %d\n", argv[i], errno);
			continue;
		}
		while ((n = read(fd, io_buffer, sizeof(io_buffer))) > 0)
			write(1, io_buffer, n);
		close(fd);
	}
}

static void cmd_ls(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";
	int fd = open(dir, O_RDONLY | O_DIRECTORY, 0);
	int n;

	if (fd < 0) {
		printf("ls: %s: error %d\n", dir, errno);
		return;
	}
	while ((n = getdents64(fd, (struct linux_dirent64 *)io_buffer, sizeof(io_buffer))) > 0) {
		for (int off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(io_buffer + off);

			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
				printf("%s%s\n", d->d_name, d->d_type == DT_DIR ? "/" : "");
			off += d->d_reclen;
		}
	}
	close(fd);
}

static void cmd_date(void)
{
	struct rtc_time t;
	int fd = open("/dev/rtc0", O_RDONLY, 0);

	if (fd < 0) {
		printf("date: /dev/rtc0: error %d\n", errno);
		return;
	}
	if (ioctl(fd, RTC_RD_TIME, &t) < 0) {
		printf("date: RTC_RD_TIME: error %d\n", errno);
	} else {
		printf("%d-", t.tm_year + 1900);
		put_two_digits(t.tm_mon + 1);
		putchar('-');
		put_two_digits(t.tm_mday);
		putchar(' ');
		put_two_digits(t.tm_hour);
		putchar(':');
		put_two_digits(t.tm_min);
		putchar(':');
		put_two_digits(t.tm_sec);
		puts(" UTC");
	}
	close(fd);
}

static void cmd_rng(int argc, char **argv)
{
	long count = argc > 1 ? parse_number(argv[1]) : 16;
	int fd;
	ssize_t n;

	if (count < 1 || count > (long)sizeof(io_buffer)) {
		puts("rng: N must be between 1 and 4096");
		return;
	}
	fd = open("/dev/hwrng", O_RDONLY, 0);
	if (fd < 0) {
		printf("rng: /dev/hwrng: error %d\n", errno);
		return;
	}
	for (long got = 0; got < count; got += n) {
		n = read(fd, io_buffer + got, count - got);
		if (n <= 0) {
			printf("rng: read: error %d\n", errno);
			close(fd);
			return;
		}
	}
	close(fd);
	for (long i = 0; i < count; i++) {
		put_hex_byte(io_buffer[i]);
		if (i % 32 == 31 || i == count - 1)
			putchar('\n');
	}
}

static void cmd_disk(int argc, char **argv)
{
	long number = argc > 1 ? parse_number(argv[1]) : 0;
	int fd;
	ssize_t n;

	if (number < 0) {
		puts("disk: SECTOR must be a number");
		return;
	}
	fd = open("/dev/vda", O_RDONLY, 0);
	if (fd < 0) {
		printf("disk: /dev/vda: error %d\n", errno);
		return;
	}
	if (seek_to(fd, (unsigned long long)number * SECTOR_SIZE) < 0 ||
	    (n = read(fd, sector, SECTOR_SIZE)) != SECTOR_SIZE) {
		printf("disk: cannot read sector %d\n", (int)number);
		close(fd);
		return;
	}
	close(fd);
	/* The first 128 bytes as hex and text, then a checksum of the whole sector. */
	for (int row = 0; row < 128; row += 16) {
		for (int i = 0; i < 16; i++) {
			put_hex_byte(sector[row + i]);
			putchar(' ');
		}
		putchar(' ');
		for (int i = 0; i < 16; i++) {
			unsigned char c = sector[row + i];

			putchar(c >= 32 && c < 127 ? c : '.');
		}
		putchar('\n');
	}
	unsigned int sum = 0;
	for (int i = 0; i < SECTOR_SIZE; i++)
		sum = sum * 31 + sector[i];
	printf("sector %d checksum %x\n", (int)number, sum);
}

static void cmd_compute(int argc, char **argv)
{
	long limit = argc > 1 ? parse_number(argv[1]) : 100000;
	long count = 0, largest = 0;

	if (limit < 2 || limit > SIEVE_MAX) {
		puts("compute: N must be between 2 and 1000000");
		return;
	}
	memset(sieve, 1, limit);
	for (long i = 2; i < limit; i++) {
		if (!sieve[i])
			continue;
		count++;
		largest = i;
		if (i > limit / i)
			continue; /* i * i would pass the limit (and overflow) */
		for (long j = i * i; j < limit; j += i)
			sieve[j] = 0;
	}
	printf("%d primes below %d, the largest %d\n", (int)count, (int)limit, (int)largest);
}

static void power_off(void)
{
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	printf("exit: power off failed: error %d\n", errno);
}

/* Splits `s` in place into words; returns how many. */
static int split(char *s, char **words)
{
	int n = 0;

	while (*s && n < MAX_WORDS) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			*s++ = 0;
		if (*s == 0)
			break;
		words[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
	}
	return n;
}

static void run(int argc, char **argv)
{
	const char *c = argv[0];

	if (strcmp(c, "help") == 0)
		cmd_help();
	else if (strcmp(c, "echo") == 0)
		cmd_echo(argc, argv);
	else if (strcmp(c, "cat") == 0)
		cmd_cat(argc, argv);
	else if (strcmp(c, "ls") == 0)
		cmd_ls(argc, argv);
	else if (strcmp(c, "date") == 0)
		cmd_date();
	else if (strcmp(c, "rng") == 0)
		cmd_rng(argc, argv);
	else if (strcmp(c, "disk") == 0)
		cmd_disk(argc, argv);
	else if (strcmp(c, "compute") == 0)
		cmd_compute(argc, argv);
	else if (strcmp(c, "exit") == 0)
		power_off();
	else
		printf("%s: unknown command (try help)\n", c);
}

int main(void)
{
	char *words[MAX_WORDS];

	mount("proc", "/proc", "proc", 0, 0);
	mount("sysfs", "/sys", "sysfs", 0, 0);
	mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
	puts("\nRetrovisor Linux shell. Type \"help\" for commands.");
	for (;;) {
		ssize_t n;
		int argc;

		fputs("# ", stdout);
		n = read(0, line, sizeof(line) - 1);
		if (n <= 0) {
			/* End of input: there is nobody left to type, so power off. */
			putchar('\n');
			power_off();
			return 0;
		}
		line[n] = 0;
		argc = split(line, words);
		if (argc > 0)
			run(argc, words);
	}
}
