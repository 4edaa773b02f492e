// A program's __asan_on_error is called as a finding is about to be reported, and the callback
// given to __asan_set_error_report_callback gets the report's whole text after it is printed.
// RUN: %ffisan_cc -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cc -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void __asan_on_error(void) { fprintf(stderr, "on_error called\n"); }

static void keep_report(const char *text) {
  fprintf(stderr, "callback got %zu bytes, summary: %s", strlen(text), strstr(text, "SUMMARY"));
}

int main(void) {
  __asan_set_error_report_callback(keep_report);
  char *volatile p = malloc(8);
  free(p);
  return p[1];
  // CHECK: on_error called
  // CHECK-NEXT: ERROR: ffisan: heap-use-after-free
  // CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}error_report_callback_on_error.c:[[@LINE-3]]
  // CHECK-NEXT: callback got {{[0-9]+}} bytes, summary: SUMMARY: ffisan: heap-use-after-free {{.*}}error_report_callback_on_error.c:[[@LINE-4]]{{.*}} in main
}
