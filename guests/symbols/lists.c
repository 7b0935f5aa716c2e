/* A second compilation unit: linked lists walked with loops and blocks. */
#include <string.h>

#include "shapes.h"

int sum_list(const struct node *head) {
  int total = 0;
  for (const struct node *n = head; n != 0; n = n->next) {
    int v = n->value;
    total += v;
  }
  return total;
}

int longest_name(const struct node *head) {
  int best = 0;
  while (head != 0) {
    {
      int len = (int)strlen(head->name);
      if (len > best) best = len;
    }
    head = head->next;
  }
  return best;
}

void link_nodes(struct node *nodes, int n) {
  for (int i = 0; i + 1 < n; i++) nodes[i].next = &nodes[i + 1];
  nodes[n - 1].next = 0;
}
