// An integer division by zero (SIGFPE) and an access past the end of a file mapping (SIGBUS) are
// reported with their stacks.
// RUN: %ffisan_cc -O0 %s -o %t && not %t fpe 2>&1 | FileCheck --check-prefix=FPE %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t fpe 2>&1 | FileCheck --check-prefix=FPE %s
// RUN: %ffisan_cc -O0 %s -o %t && not %t bus %t.file 2>&1 | FileCheck --check-prefix=BUS %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t bus %t.file 2>&1 | FileCheck --check-prefix=BUS %s
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

__attribute__((noinline)) int divide(int a, int b) { return a / b; }
// FPE: ERROR: ffisan: SIGFPE on unknown address 0x{{[0-9a-f]+}} (pc 0x{{[0-9a-f]+}} bp
// FPE-NOT: The signal is caused
// FPE: #0 {{.*}} in divide {{.*}}deadly_sigfpe_sigbus.c:[[@LINE-3]]
// FPE: SUMMARY: ffisan: SIGFPE {{.*}}deadly_sigfpe_sigbus.c:[[@LINE-4]]{{.*}} in divide

__attribute__((noinline)) char read_page(const char *p) { return p[4096]; }
// BUS: ERROR: ffisan: SIGBUS on unknown address 0x{{[0-9a-f]+}} (pc
// BUS-NEXT: The signal is caused by a READ memory access (domain: c).
// BUS: #0 {{.*}} in read_page {{.*}}deadly_sigfpe_sigbus.c:[[@LINE-3]]
// BUS: #1 {{.*}} in main
// BUS: SUMMARY: ffisan: SIGBUS {{.*}}deadly_sigfpe_sigbus.c:[[@LINE-5]]{{.*}} in read_page

int main(int argc, char **argv) {
  if (strcmp(argv[1], "fpe") == 0) {
    volatile int zero = 0;
    return divide(argc, zero);
  }
  // A two-page mapping of a one-page file: the second page has no file behind it.
  int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ftruncate(fd, 4096) != 0)
    return 2;
  char *p = mmap(0, 8192, PROT_READ, MAP_SHARED, fd, 0);
  return read_page(p);
}
