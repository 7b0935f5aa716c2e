/*
 * values: a guest for the expression evaluator's tests, with the C types the
 * symbols guest lacks: floating point (float, double, long double) in memory
 * and in registers, flexible and zero-length array members, anonymous
 * members, pointers to pointers, an array of function pointers, 8- and
 * 64-bit integers, an enum with negative values, signed char bit-fields. gdb
 * (through QEMU's gdbstub) and Retrovisor stop in it and print expressions
 * over them, and must agree. Built at -O0 and -O2.
 */
#include <stdint.h>
#include <stdio.h>

typedef struct {
  int16_t re, im;
} cplx16_t;

enum level { LOW = -2, MID = 0, HIGH = 2 };

struct packet {
  uint8_t kind;
  uint16_t len;
  char payload[];
};

struct packet_buffer {
  struct packet head;
  char bytes[12];
};

struct zero_tail {
  int n;
  int items[0];
};

struct mixed {
  double ratio;
  float scale;
  union {
    uint32_t word;
    uint8_t bytes[4];
  };
  struct {
    signed char lo : 4, hi : 4;
  };
  _Bool flags[3];
  enum level level;
};

double g_double = 3.25;
float g_float = -1.5f;
long double g_long_double = 2.0L / 3;
double g_doubles[4] = { 0.5, -0.25, 1e100, 1e-300 };
int8_t g_int8 = -100;
uint64_t g_u64 = 0x8000000000000001ULL;
int64_t g_i64 = INT64_MIN + 5;
struct packet_buffer g_packet = { { 7, 5, {} }, "hello" };
struct zero_tail g_zero_tail = { 3 };
struct mixed g_mixed = { 0.125, 2.5f, { .word = 0xa1b2c3d4 }, { -3, 5 }, { 1, 0, 1 }, LOW };
cplx16_t g_cplx[2] = { { 1, -1 }, { -32768, 32767 } };
const char *g_words[] = { "alpha", "beta", 0 };
const char **g_word_ptr = g_words;
char g_grid[3][4] = { "abc", "de", "" };
int (*g_ops[2])(int, int);
enum level g_level = HIGH;

static int plus(int a, int b) { return a + b; }
static int minus(int a, int b) { return a - b; }

__attribute__((noinline)) double mix(double x, float y, long double z, int n) {
  double sum = x * n + y;
  return sum + (double)z;
}

__attribute__((noinline)) int walk(const struct mixed *m, const char **words) {
  int count = 0;
  for (const char **w = words; *w != 0; w++) count += (*w)[0];
  return count + m->lo + m->hi + m->flags[0];
}

int main(void) {
  g_ops[0] = plus;
  g_ops[1] = minus;
  double local_d = mix(g_double, g_float, g_long_double, 3);
  int total = walk(&g_mixed, g_words);
  total += g_ops[1](g_ops[0](2, 3), 1) + g_packet.head.len + g_zero_tail.n + g_int8 + (int)g_u64 + (int)g_i64;
  total += g_cplx[1].re + g_grid[1][0] + g_level + (int)local_d;
  printf("values: total %d\n", total);
  return 0;
}
