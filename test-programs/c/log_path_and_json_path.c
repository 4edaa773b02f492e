// log_path writes the text report to PATH.PID (or expands %p), json_path one JSON line per finding.
// RUN: %clang -g -O0 %s -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: env FFISAN_OPTIONS=log_path=%t.dir/report not %t 2>&1 | FileCheck %s --check-prefix=STDERR --allow-empty
// RUN: cat %t.dir/report.* | FileCheck %s
// RUN: env FFISAN_OPTIONS=log_path=%t.dir/log.%%p.txt:json_path=%t.dir/findings.%%p.jsonl not %t
// RUN: cat %t.dir/log.*.txt | FileCheck %s
// RUN: cat %t.dir/findings.*.jsonl | FileCheck %s --check-prefix=JSON
// RUN: env FFISAN_OPTIONS=log_path=stdout not %t 2>/dev/null | FileCheck %s
#include <stdint.h>
#include <stdlib.h>

// The inline check the pass would emit, called by hand.
void __ffisan_slow_access(uint64_t addr, uint64_t size, uint32_t flags);

char *volatile chunk;

int main(void) {
  chunk = malloc(24);
  free(chunk);
  __ffisan_slow_access((uint64_t)(chunk + 3), 2, 1);
  return 0;
}
// STDERR-NOT: ffisan
// CHECK: =={{[0-9]+}}==ERROR: ffisan: heap-use-after-free on address [[ADDR:0x[0-9a-f]+]] at pc
// CHECK: WRITE of size 2 at [[ADDR]] thread T0 (domain: c)
// CHECK: is located 3 bytes inside of 24-byte region
// CHECK: SUMMARY: ffisan: heap-use-after-free {{.*}}log_path_and_json_path.c:21:{{[0-9]+}} in main
// JSON: {"version":1,"kind":"heap-use-after-free","access":"write","size":2,"address":"[[ADDR:0x[0-9a-f]+]]","pc":"0x{{[0-9a-f]+}}","region":"freed","region_name":"24-byte chunk","region_lo":"0x{{[0-9a-f]+}}","region_hi":"0x{{[0-9a-f]+}}","domain":"c","thread":0,"window_open":false,"pid":{{[0-9]+}},"stack":[{"pc":"0x{{[0-9a-f]+}}","function":"main","file":"{{.*}}log_path_and_json_path.c","line":21,"column":{{[0-9]+}},"module":"{{.*}}log_path_and_json_path.c.tmp"}{{.*}}],"alloc_stack":[{"pc":"0x{{[0-9a-f]+}}","function":"malloc","file":null,"line":0,"column":0,"module":"{{.*}}libffisan_rt.so"},{{.*}}"line":19,{{.*}}],"alloc_thread":0,"free_stack":[{{.*}}"function":"free"{{.*}}"line":20,{{.*}}],"free_thread":0}
