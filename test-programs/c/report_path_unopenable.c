// A log_path or json_path that cannot be opened stops the program at start with the OS's reason
// (a CI that reads the report must not get a run without one; ASan stops too); with
// report_path_error=warn the program runs, says so, and reports go to stderr. A run without
// findings leaves no file behind.
// RUN: %ffisan_cc -O0 %s -o %t && rm -rf %t.dir && mkdir %t.dir
// RUN: env FFISAN_OPTIONS=log_path=%t.dir/missing/report not %t 2>&1 | FileCheck --check-prefix=LOG %s
// RUN: env FFISAN_OPTIONS=json_path=%t.dir/missing/r.jsonl not %t 2>&1 | FileCheck --check-prefix=JSON %s
// RUN: env FFISAN_OPTIONS=json_path=%t/r.jsonl not %t 2>&1 | FileCheck --check-prefix=NOTDIR %s
// RUN: env FFISAN_OPTIONS=log_path=%t.dir/missing/report:report_path_error=warn not %t bad 2>&1 | FileCheck --check-prefix=WARN %s
// RUN: env FFISAN_OPTIONS=log_path=%t.dir/report:json_path=%t.dir/r.%%p.jsonl %t && ls %t.dir | count 0
// RUN: env FFISAN_OPTIONS=report_path_error=sometimes not %t 2>&1 | FileCheck --check-prefix=VALUE %s
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  (void)argv;
  fprintf(stderr, "main ran\n");
  char *volatile p = malloc(4);
  free(p);
  return argc > 1 ? p[0] : 0;
}
// LOG: ffisan: error: cannot open log_path '{{.*}}missing/report.{{[0-9]+}}': No such file or directory (report_path_error=warn goes on without it)
// LOG-NOT: main ran
// JSON: ffisan: error: cannot open json_path '{{.*}}missing/r.jsonl': No such file or directory
// JSON-NOT: main ran
// NOTDIR: ffisan: error: cannot open json_path '{{.*}}.tmp/r.jsonl': Not a directory
// WARN: ffisan: warning: cannot open log_path '{{.*}}missing/report.{{[0-9]+}}': No such file or directory
// WARN: main ran
// WARN: ffisan: warning: cannot open log_path '{{.*}}missing/report.{{[0-9]+}}': No such file or directory; reports go to stderr
// WARN: ERROR: ffisan: heap-use-after-free
// VALUE: ffisan: error: bad value 'sometimes' for option 'report_path_error' in FFISAN_OPTIONS (expected fatal or warn)
