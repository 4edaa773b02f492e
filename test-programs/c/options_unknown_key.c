// An unknown FFISAN_OPTIONS key, or a bad value, is a one-line error naming what is valid, and exit 1.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: env FFISAN_OPTIONS=halt_on_error=0:foo=1 not %t 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: env FFISAN_OPTIONS=exitcode=abc not %t 2>&1 | FileCheck %s --check-prefix=INT
// RUN: env FFISAN_OPTIONS=managed_policy=sometimes not %t 2>&1 | FileCheck %s --check-prefix=POLICY
// RUN: env FFISAN_OPTIONS=symbolize=2 sh -c '%t; test $? -eq 1'
// RUN: env FFISAN_OPTIONS=verbosity=0::symbolize=1: %t | FileCheck %s --check-prefix=OK
#include <stdio.h>

int main(void) {
  puts("main ran");
  return 0;
}
// KEY: ffisan: error: unknown option 'foo' in FFISAN_OPTIONS (valid: halt_on_error, exitcode, log_path, json_path, suppressions, quarantine_size_mb, managed_policy, detect_stack_use_after_return, detect_stack_use_after_scope, symbolize, malloc_context_size, verbosity, detect_leaks, leak_check_at_exit, background_prefault, alloc_dealloc_mismatch, new_delete_type_mismatch, report_path_error, handle_segv, handle_sigbus, handle_sigfpe, handle_abort, use_sigaltstack, allow_user_poisoning, detect_container_overflow, help)
// KEY-NOT: main ran
// INT: ffisan: error: bad value 'abc' for option 'exitcode' in FFISAN_OPTIONS (expected an integer)
// INT-NOT: main ran
// POLICY: ffisan: error: bad value 'sometimes' for option 'managed_policy' in FFISAN_OPTIONS (expected window, strict or off)
// OK: main ran
