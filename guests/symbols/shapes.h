/*
 * Types shared by the symbols test program: one of each kind of C type the
 * debugger has to show (base types, typedefs, enums, bitfields, unions,
 * nested structs, arrays, pointers, function pointers, const/volatile).
 */
#ifndef SYMBOLS_SHAPES_H
#define SYMBOLS_SHAPES_H

#include <stdbool.h>
#include <stdint.h>

typedef unsigned int u32;

enum color { RED, GREEN = 5, BLUE };
enum flags { F_READ = 1, F_WRITE = 2, F_EXEC = 4 };

struct point {
  int x;
  int y;
};

struct bits {
  unsigned kind : 3;
  signed delta : 5;
  unsigned count : 12;
  bool dirty : 1;
};

union word {
  uint32_t u;
  int16_t half[2];
  uint8_t byte[4];
};

struct node {
  int value;
  struct node *next;
  const char *name;
};

typedef struct shape {
  enum color color;
  struct point corner[3];
  union word tag;
  struct bits bits;
  const char *label;
} shape_t;

typedef int (*binop_t)(int, int);

/* lists.c */
int sum_list(const struct node *head);
int longest_name(const struct node *head);
void link_nodes(struct node *nodes, int n);

#endif
