// Globals used right up to their edges, legitimately: a pointer one past the end compared but not
// read, container_of from a member back to a global struct, a flexible array member initialised
// in place, memcpy into a struct's tail, a table walked to its end through an unsized extern
// declaration defined in another file, string literals read to their NUL. No report.
// RUN: %ffisan_cc -O0 %s %S/Inputs/global_table.c -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
// RUN: %ffisan_cc -O2 %s %S/Inputs/global_table.c -o %t && %t 2>&1 | FileCheck %s --implicit-check-not=ffisan
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct node {
  int key;
  char tag[5];
  long link;
};
struct node nodes[4] = {{1, "a", 0}, {2, "b", 0}, {3, "c", 0}, {4, "d", 0}};

struct flex {
  int n;
  int items[];
} flex = {3, {10, 20, 30}};

struct packet {
  int kind;
  char payload[11];
} packet;

extern int squares[]; // 8 entries, Inputs/global_table.c
extern const int squares_count;

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

__attribute__((noinline)) int sum_keys(struct node *begin, struct node *end) {
  int s = 0;
  for (struct node *n = begin; n != end; n++) // `end` is one past the last: compared, not read
    s += n->key;
  return s;
}

__attribute__((noinline)) struct node *owner(char *tag) { return container_of(tag, struct node, tag); }

int main(void) {
  int s = sum_keys(nodes, nodes + 4);
  s += owner(nodes[3].tag)->key;
  for (int i = 0; i < flex.n; i++)
    s += flex.items[i];
  memcpy(packet.payload + 6, "tail", 5); // the last 5 bytes of the struct
  s += (int)strlen(packet.payload + 6);
  for (int i = 0; i < squares_count; i++)
    s += squares[i];
  const char *words[] = {"one", "three", "seven"};
  for (int i = 0; i < 3; i++)
    s += (int)strlen(words[i]);
  printf("sum %d\n", s);
  // CHECK: sum 231
  return 0;
}
