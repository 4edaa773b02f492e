// Objects from operator new whose last pointer is lost are leaks like malloc's, with operator new
// as frame #0: the lost head direct, the node only it reaches indirect. Strings a global vector
// holds (libstdc++'s own allocations through new) are not.
// RUN: %ffisan_cxx -O0 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t -lpthread && not %t 2>&1 | FileCheck %s
#include <string>
#include <vector>
#include "../c/Inputs/leak_helpers.h"

struct Node {
  Node *next;
  long value;
};

static std::vector<std::string> kept;

__attribute__((noinline)) static void lose_list() {
  Node *head = new Node{nullptr, 1};
  // CHECK: Direct leak of 16 byte(s) in 1 object(s) allocated from:
  // CHECK-NEXT: #0 {{.*}} in operator new(unsigned long)
  // CHECK-NEXT: #1 {{.*}} in lose_list() {{.*}}leak_new_list.cpp:[[@LINE-3]]
  head->next = new Node{nullptr, 2};
  // CHECK: Indirect leak of 16 byte(s) in 1 object(s) allocated from:
  // CHECK-NEXT: #0 {{.*}} in operator new(unsigned long)
  // CHECK-NEXT: #1 {{.*}} in lose_list() {{.*}}leak_new_list.cpp:[[@LINE-3]]
  consume(head);
}

int main() {
  kept.push_back(std::string(100, 'x'));
  on_a_thread(lose_list);
  return 0;
}
// CHECK-NOT: leak of 101
// CHECK: SUMMARY: ffisan: 32 byte(s) leaked in 2 allocation(s).
