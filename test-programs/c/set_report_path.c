// __sanitizer_set_report_path sends text reports to PATH.PID from then on, and
// __sanitizer_get_report_path names that file; __sanitizer_set_report_fd to a descriptor.
// RUN: %ffisan_cc -O0 %s -o %t && rm -rf %t.dir && mkdir %t.dir
// RUN: not %t %t.dir/report 2>&1 | FileCheck --check-prefix=STDERR %s
// RUN: cat %t.dir/report.* | FileCheck %s
// RUN: not %t - 2>/dev/null | FileCheck %s
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (strcmp(argv[1], "-") == 0) {
    __sanitizer_set_report_fd((void *)1);
  } else {
    __sanitizer_set_report_path(argv[1]);
    fprintf(stderr, "report path: %s\n", __sanitizer_get_report_path());
  }
  fflush(stdout);
  char *volatile p = malloc(8);
  return p[8];
}
// STDERR: report path: {{.*}}report.{{[0-9]+}}
// STDERR-NOT: ffisan
// CHECK: ERROR: ffisan: heap-buffer-overflow
// CHECK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}set_report_path.c:21
