/*
 * symbols: a guest for the symbols layer's tests. It has no output to speak
 * of; it exists to be stopped by gdb (through QEMU's gdbstub) and by
 * Retrovisor at the same places, so that both can be asked for the call
 * stack, the locals, the arguments and printed expressions, and must agree.
 * Built at -O0, -Og and -O2, and with DWARF 5 (gcc 12's default) and 4.
 */
#include <stdio.h>

#include "shapes.h"

const char g_message[] = "hello, symbols";
struct point g_points[4] = { { 1, 2 }, { 3, 4 }, { -5, 6 }, { 7, -8 } };
struct node g_nodes[3] = { { 10, 0, "ten" }, { 20, 0, "twenty" }, { 30, 0, "thirty" } };
int g_matrix[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
char g_buffer[16] = "abc";
unsigned char g_bytes[5] = { 1, 2, 3, 255, 0 };
short g_short = -7;
unsigned short g_ushort = 65535;
long long g_big = -1234567890123LL;
unsigned long long g_ubig = 0xfedcba9876543210ULL;
bool g_flag = true;
enum color g_color = BLUE;
enum flags g_flags = F_READ | F_EXEC;
enum flags g_odd_flags = (enum flags)9;
u32 g_typedefd = 0xdeadbeef;
volatile int g_counter;
const volatile int *g_cv_ptr = &g_counter;
int g_zeros[12];
shape_t g_shape = {
  .color = GREEN,
  .corner = { { 0, 0 }, { 10, 0 }, { 0, 10 } },
  .tag = { .u = 0x01020304 },
  .bits = { .kind = 5, .delta = -3, .count = 1000, .dirty = true },
  .label = "triangle",
};
static int s_calls;

__attribute__((noinline)) int add(int a, int b) {
  s_calls++;
  return a + b;
}

__attribute__((noinline)) int mul(int a, int b) {
  s_calls++;
  return a * b;
}

binop_t g_op = add;

static inline int square(int x) {
  return x * x;
}

__attribute__((noinline)) int leaf(int depth, struct point where) {
  g_counter += depth + where.x;
  return where.y - depth;
}

__attribute__((noinline)) int recurse(int depth, struct point p) {
  struct point next = { p.x + 1, p.y * 2 };
  if (depth == 0) return leaf(depth, next);
  int below = recurse(depth - 1, next);
  return below + square(depth);
}

__attribute__((noinline)) long long scale(long long v, short factor, unsigned char shift) {
  long long r = v * factor;
  return r >> shift;
}

__attribute__((noinline)) int area(const shape_t *s) {
  const struct point *a = &s->corner[0];
  const struct point *b = &s->corner[1];
  const struct point *c = &s->corner[2];
  int twice = (b->x - a->x) * (c->y - a->y) - (c->x - a->x) * (b->y - a->y);
  if (twice < 0) twice = -twice;
  return twice / 2;
}

__attribute__((noinline)) void fill(int *out, int n, int seed) {
  for (int i = 0; i < n; i++) {
    int v = seed * (i + 1);
    out[i] = v ^ (v >> 3);
  }
}

__attribute__((noinline)) int apply(binop_t op, int a, int b) {
  return op(a, b);
}

/* Reads every global, so that none is dropped by --gc-sections. */
__attribute__((noinline)) unsigned checksum_globals(void) {
  unsigned sum = (unsigned)g_points[3].y + (unsigned)g_matrix[1][2] + (unsigned char)g_buffer[0] + g_bytes[3];
  sum += (unsigned)g_ushort + (unsigned)g_ubig + g_flag + g_color + g_flags + g_odd_flags + g_typedefd;
  sum += (unsigned)*g_cv_ptr;
  return sum;
}

int main(void) {
  int squares[5];
  struct point origin = { 3, 4 };
  union word w = { .u = 0x11223344 };
  struct bits local_bits = { 1, -1, 7, false };
  const char *msg = g_message;
  int total = 0;

  link_nodes(g_nodes, 3);
  total += sum_list(g_nodes);
  total += longest_name(g_nodes);
  for (int i = 0; i < 5; i++) squares[i] = square(i + g_counter);
  total += recurse(3, origin);
  total += area(&g_shape);
  fill(g_zeros, 6, 7);
  total += apply(g_op, 2, 3);
  total += apply(mul, squares[2], w.byte[0]);
  total += (int)scale(g_big, g_short, 4);
  total += local_bits.count + (msg[0] == 'h');
  total += (int)checksum_globals();
  g_counter = total;
  printf("symbols: total %d, calls %d\n", total, s_calls);
  return 0;
}
