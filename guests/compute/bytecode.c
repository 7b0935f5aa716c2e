/*
 * bytecode: a small stack-machine interpreter running a loop program. The
 * program (assembled at start-up by the tiny assembler below) runs an
 * outer loop `iterations` times; each pass mixes 256 values into a hash
 * accumulator and counts primes by trial division in a subroutine. The
 * same computation is then done natively in C and the results compared.
 * This is the indirect-branch-heavy workload: a switch dispatch per op.
 *
 * usage: bytecode [iterations]   (default 1000)
 */
#include <stdint.h>
#include <stdio.h>

#include "bench.h"

#define FULL_ITERATIONS 1000u
#define INNER_COUNT 256

enum op {
  OP_HALT,
  OP_PUSH,  /* imm: push imm */
  OP_LOAD,  /* slot: push vars[slot] */
  OP_STORE, /* slot: vars[slot] = pop */
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_MOD, /* unsigned remainder; the program never divides by zero */
  OP_XOR,
  OP_SHR, /* logical shift right */
  OP_LT,  /* signed less-than: 1 or 0 */
  OP_LE,
  OP_JMP, /* target */
  OP_JZ,  /* target: jump if pop == 0 */
  OP_CALL, /* target: push the return address on the call stack */
  OP_RET,
};

enum slot { V_N, V_I, V_ACC, V_J, V_PRIMES, V_X, V_D, SLOT_COUNT };

#define CODE_MAX 256
#define STACK_MAX 64
#define CALL_MAX 16
#define LABEL_MAX 16

/* ---- the assembler: emits words into `code`, with forward labels patched at the end ---- */

static int32_t code[CODE_MAX];
static int code_len;
static int label_at[LABEL_MAX];
static struct { int at, label; } fixups[LABEL_MAX * 4];
static int fixup_count;

static void emit(enum op op) { code[code_len++] = op; }
static void emit_arg(enum op op, int32_t arg) {
  code[code_len++] = op;
  code[code_len++] = arg;
}
static void emit_jump(enum op op, int label) {
  code[code_len++] = op;
  fixups[fixup_count].at = code_len;
  fixups[fixup_count++].label = label;
  code[code_len++] = -1;
}
static void place(int label) { label_at[label] = code_len; }
static void link_labels(void) {
  for (int i = 0; i < fixup_count; i++) code[fixups[i].at] = label_at[fixups[i].label];
}

enum label { L_OUTER, L_INNER, L_INNER_DONE, L_DONE, L_IS_PRIME, L_TRIAL, L_TRIAL_LOOP, L_PRIME, L_NOT_PRIME };

/* vars[dst] = vars[dst] + delta */
static void emit_increment(enum slot dst, int32_t delta) {
  emit_arg(OP_LOAD, dst);
  emit_arg(OP_PUSH, delta);
  emit(OP_ADD);
  emit_arg(OP_STORE, dst);
}

static void assemble(void) {
  emit_arg(OP_PUSH, 1), emit_arg(OP_STORE, V_ACC);
  emit_arg(OP_PUSH, 0), emit_arg(OP_STORE, V_PRIMES);
  emit_arg(OP_PUSH, 0), emit_arg(OP_STORE, V_I);

  place(L_OUTER); /* while (i < n) */
  emit_arg(OP_LOAD, V_I), emit_arg(OP_LOAD, V_N), emit(OP_LT), emit_jump(OP_JZ, L_DONE);
  emit_arg(OP_PUSH, 0), emit_arg(OP_STORE, V_J);

  place(L_INNER); /* while (j < INNER_COUNT) */
  emit_arg(OP_LOAD, V_J), emit_arg(OP_PUSH, INNER_COUNT), emit(OP_LT), emit_jump(OP_JZ, L_INNER_DONE);
  /* acc = (acc * 33) ^ (j + i) */
  emit_arg(OP_LOAD, V_ACC), emit_arg(OP_PUSH, 33), emit(OP_MUL);
  emit_arg(OP_LOAD, V_J), emit_arg(OP_LOAD, V_I), emit(OP_ADD), emit(OP_XOR);
  /* acc = acc ^ (acc >> 13) */
  emit_arg(OP_STORE, V_ACC);
  emit_arg(OP_LOAD, V_ACC), emit_arg(OP_LOAD, V_ACC), emit_arg(OP_PUSH, 13), emit(OP_SHR), emit(OP_XOR);
  emit_arg(OP_STORE, V_ACC);
  emit_increment(V_J, 1);
  emit_jump(OP_JMP, L_INNER);

  place(L_INNER_DONE); /* primes += is_prime(i) */
  emit_arg(OP_LOAD, V_I), emit_jump(OP_CALL, L_IS_PRIME);
  emit_arg(OP_LOAD, V_PRIMES), emit(OP_ADD), emit_arg(OP_STORE, V_PRIMES);
  emit_increment(V_I, 1);
  emit_jump(OP_JMP, L_OUTER);

  place(L_DONE);
  emit(OP_HALT);

  /* is_prime(x): takes x on the stack, leaves 1 or 0. */
  place(L_IS_PRIME);
  emit_arg(OP_STORE, V_X);
  /* if (x < 2) not prime; JZ skips to the trial division when x >= 2 */
  emit_arg(OP_LOAD, V_X), emit_arg(OP_PUSH, 2), emit(OP_LT), emit_jump(OP_JZ, L_TRIAL);
  emit_jump(OP_JMP, L_NOT_PRIME);
  place(L_TRIAL); /* d = 2; while (d * d <= x) */
  emit_arg(OP_PUSH, 2), emit_arg(OP_STORE, V_D);
  place(L_TRIAL_LOOP);
  emit_arg(OP_LOAD, V_D), emit_arg(OP_LOAD, V_D), emit(OP_MUL), emit_arg(OP_LOAD, V_X), emit(OP_LE);
  emit_jump(OP_JZ, L_PRIME);
  /* if (x % d == 0) not prime: JZ jumps when the remainder is zero */
  emit_arg(OP_LOAD, V_X), emit_arg(OP_LOAD, V_D), emit(OP_MOD), emit_jump(OP_JZ, L_NOT_PRIME);
  emit_increment(V_D, 1);
  emit_jump(OP_JMP, L_TRIAL_LOOP);
  place(L_PRIME);
  emit_arg(OP_PUSH, 1), emit(OP_RET);
  place(L_NOT_PRIME);
  emit_arg(OP_PUSH, 0), emit(OP_RET);
}

/* ---- the interpreter ---- */

struct vm_result {
  int32_t vars[SLOT_COUNT];
  uint32_t ops; /* instructions executed */
  const char *error;
};

/* Runs `code` from address 0 with vars[V_N] = n until HALT or an error. */
static struct vm_result run(int32_t n) {
  struct vm_result r = {.vars = {[V_N] = n}};
  int32_t stack[STACK_MAX];
  int calls[CALL_MAX];
  int sp = 0, csp = 0, pc = 0;
  uint32_t ops = 0;
  for (;;) {
    ops++;
    int32_t op = code[pc++];
    int32_t x, y;
    switch (op) {
      case OP_HALT: r.ops = ops; return r;
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = r.vars[code[pc++]]; break;
      case OP_STORE: r.vars[code[pc++]] = stack[--sp]; break;
      case OP_ADD: y = stack[--sp], x = stack[--sp], stack[sp++] = (int32_t)((uint32_t)x + (uint32_t)y); break;
      case OP_SUB: y = stack[--sp], x = stack[--sp], stack[sp++] = (int32_t)((uint32_t)x - (uint32_t)y); break;
      case OP_MUL: y = stack[--sp], x = stack[--sp], stack[sp++] = (int32_t)((uint32_t)x * (uint32_t)y); break;
      case OP_MOD: y = stack[--sp], x = stack[--sp], stack[sp++] = (int32_t)((uint32_t)x % (uint32_t)y); break;
      case OP_XOR: y = stack[--sp], x = stack[--sp], stack[sp++] = x ^ y; break;
      case OP_SHR: y = stack[--sp], x = stack[--sp], stack[sp++] = (int32_t)((uint32_t)x >> (y & 31)); break;
      case OP_LT: y = stack[--sp], x = stack[--sp], stack[sp++] = x < y; break;
      case OP_LE: y = stack[--sp], x = stack[--sp], stack[sp++] = x <= y; break;
      case OP_JMP: pc = code[pc]; break;
      case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
      case OP_CALL:
        if (csp == CALL_MAX) { r.error = "call stack overflow"; return r; }
        calls[csp++] = pc + 1;
        pc = code[pc];
        break;
      case OP_RET:
        if (csp == 0) { r.error = "return with an empty call stack"; return r; }
        pc = calls[--csp];
        break;
      default: r.error = "bad opcode"; return r;
    }
    if (sp < 0 || sp >= STACK_MAX) { r.error = "operand stack out of bounds"; return r; }
  }
}

/* The same computation in C, to check the interpreter. */
static void native(int32_t n, uint32_t *acc_out, uint32_t *primes_out) {
  uint32_t acc = 1, primes = 0;
  for (int32_t i = 0; i < n; i++) {
    for (int32_t j = 0; j < INNER_COUNT; j++) {
      acc = (acc * 33u) ^ (uint32_t)(j + i);
      acc ^= acc >> 13;
    }
    int prime = i >= 2;
    for (int32_t d = 2; prime && d * d <= i; d++)
      if (i % d == 0) prime = 0;
    primes += (uint32_t)prime;
  }
  *acc_out = acc;
  *primes_out = primes;
}

int main(int argc, char **argv) {
  unsigned long iterations = bench_iterations(argc, argv, FULL_ITERATIONS);
  assemble();
  link_labels();
  printf("bytecode: program is %d words\n", code_len);

  struct vm_result r = run((int32_t)iterations);
  if (r.error) return bench_fail("bytecode", r.error);
  uint32_t acc, primes;
  native((int32_t)iterations, &acc, &primes);
  if ((uint32_t)r.vars[V_ACC] != acc || (uint32_t)r.vars[V_PRIMES] != primes)
    return bench_fail("bytecode", "the interpreter disagrees with the native computation");
  printf("bytecode: iterations=%lu ops=%lu acc=0x%08lx primes=%ld (matches native)\n", iterations,
         (unsigned long)r.ops, (unsigned long)(uint32_t)r.vars[V_ACC], (long)r.vars[V_PRIMES]);
  return 0;
}
