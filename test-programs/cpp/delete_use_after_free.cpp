// A member read after delete: heap-use-after-free, freed by operator delete (the sized one clang
// calls), allocated by operator new, with demangled method names in the stacks.
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>

struct Account {
  long id;
  long balance;
  __attribute__((noinline)) long read_balance() const { return balance; }
};

namespace bank {
int closed; // counted after the delete, so the delete is no tail call at -O2
__attribute__((noinline)) Account *open(long id) { return new Account{id, 100}; }
__attribute__((noinline)) void close(Account *a) { delete a; closed++; }
} // namespace bank

int main() {
  Account *a = bank::open(7);
  bank::close(a);
  printf("%ld\n", a->read_balance());
  // CHECK: ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]]
  // CHECK: READ of size 8 at [[ADDR]] thread T0 (domain: c)
  // CHECK: #0 {{.*}} in Account::read_balance() const {{.*}}delete_use_after_free.cpp:10
  // CHECK: #1 {{.*}} in main {{.*}}delete_use_after_free.cpp:[[@LINE-4]]
  // CHECK: [[ADDR]] is located 8 bytes inside of 16-byte region
  // CHECK: freed by thread T0 here:
  // CHECK: #0 {{.*}} in operator delete(void*, unsigned long)
  // CHECK: #1 {{.*}} in bank::close(Account*) {{.*}}delete_use_after_free.cpp:16
  // CHECK: #2 {{.*}} in main {{.*}}delete_use_after_free.cpp:[[@LINE-10]]
  // CHECK: previously allocated by thread T0 here:
  // CHECK: #0 {{.*}} in operator new(unsigned long)
  // CHECK: #1 {{.*}} in bank::open(long) {{.*}}delete_use_after_free.cpp:15
  // CHECK: #2 {{.*}} in main {{.*}}delete_use_after_free.cpp:[[@LINE-15]]
  // CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}delete_use_after_free.cpp:10:{{[0-9]+}} in Account::read_balance() const
  return 0;
}
