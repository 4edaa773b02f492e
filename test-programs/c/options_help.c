// help=1 lists every option with its default and meaning, then the program runs normally.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: env FFISAN_OPTIONS=help=1 %t 2>&1 | FileCheck %s
#include <stdio.h>

int main(void) {
  puts("main ran");
  return 0;
}
// CHECK: Available FFISAN_OPTIONS
// CHECK-NEXT: halt_on_error {{ *}}default 1 {{.*}}stop at the first finding
// CHECK-NEXT: exitcode {{ *}}default 1
// CHECK-NEXT: log_path {{ *}}default "stderr"
// CHECK-NEXT: json_path {{ *}}default ""
// CHECK-NEXT: suppressions {{ *}}default ""
// CHECK-NEXT: quarantine_size_mb {{ *}}default 256
// CHECK-NEXT: managed_policy {{ *}}default window
// CHECK-NEXT: detect_stack_use_after_return {{ *}}default 1
// CHECK-NEXT: detect_stack_use_after_scope {{ *}}default 1
// CHECK-NEXT: symbolize {{ *}}default 1
// CHECK-NEXT: malloc_context_size {{ *}}default 16
// CHECK-NEXT: verbosity {{ *}}default 0
// CHECK-NEXT: detect_leaks {{ *}}default 1 {{.*}}LeakSanitizer
// CHECK-NEXT: leak_check_at_exit {{ *}}default 1
// CHECK-NEXT: background_prefault {{ *}}default 1 {{.*}}helper thread
// CHECK-NEXT: alloc_dealloc_mismatch {{ *}}default 1 {{.*}}wrong family
// CHECK-NEXT: new_delete_type_mismatch {{ *}}default 1 {{.*}}sized or aligned delete
// CHECK-NEXT: report_path_error {{ *}}default fatal {{.*}}cannot be opened
// CHECK-NEXT: handle_segv {{ *}}default 1 {{.*}}SIGSEGV
// CHECK-NEXT: handle_sigbus {{ *}}default 1 {{.*}}SIGBUS
// CHECK-NEXT: handle_sigfpe {{ *}}default 1 {{.*}}SIGFPE
// CHECK-NEXT: handle_abort {{ *}}default 0 {{.*}}SIGABRT
// CHECK-NEXT: use_sigaltstack {{ *}}default 1 {{.*}}stack overflow
// CHECK-NEXT: allow_user_poisoning {{ *}}default 1 {{.*}}__asan_poison_memory_region
// CHECK-NEXT: detect_container_overflow {{ *}}default 1 {{.*}}std::vector
// CHECK-NEXT: help {{ *}}default 0
// CHECK: main ran
