// Wide-character functions: checked over their whole ranges in 4-byte wchar_t's, at the call,
// with the caller on top (ASan reports none of wcscmp, wcsncmp, wcschr, wcsrchr, wmem*).
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 wcslen 2>&1 | FileCheck %s --check-prefix=WCSLEN
// RUN: not %t2 wcslen 2>&1 | FileCheck %s --check-prefix=WCSLEN
// RUN: not %t0 wcsnlen 2>&1 | FileCheck %s --check-prefix=WCSNLEN
// RUN: not %t2 wcsnlen 2>&1 | FileCheck %s --check-prefix=WCSNLEN
// RUN: not %t0 wcscpy 2>&1 | FileCheck %s --check-prefix=WCSCPY
// RUN: not %t2 wcscpy 2>&1 | FileCheck %s --check-prefix=WCSCPY
// RUN: not %t0 wcsncpy 2>&1 | FileCheck %s --check-prefix=WCSNCPY
// RUN: not %t2 wcsncpy 2>&1 | FileCheck %s --check-prefix=WCSNCPY
// RUN: not %t0 wcscat 2>&1 | FileCheck %s --check-prefix=WCSCAT
// RUN: not %t2 wcscat 2>&1 | FileCheck %s --check-prefix=WCSCAT
// RUN: not %t0 wcsncat 2>&1 | FileCheck %s --check-prefix=WCSNCAT
// RUN: not %t2 wcsncat 2>&1 | FileCheck %s --check-prefix=WCSNCAT
// RUN: not %t0 wcscmp 2>&1 | FileCheck %s --check-prefix=WCSCMP
// RUN: not %t2 wcscmp 2>&1 | FileCheck %s --check-prefix=WCSCMP
// RUN: not %t0 wcsncmp 2>&1 | FileCheck %s --check-prefix=WCSNCMP
// RUN: not %t2 wcsncmp 2>&1 | FileCheck %s --check-prefix=WCSNCMP
// RUN: not %t0 wcschr 2>&1 | FileCheck %s --check-prefix=WCSCHR
// RUN: not %t2 wcschr 2>&1 | FileCheck %s --check-prefix=WCSCHR
// RUN: not %t0 wcsrchr 2>&1 | FileCheck %s --check-prefix=WCSRCHR
// RUN: not %t2 wcsrchr 2>&1 | FileCheck %s --check-prefix=WCSRCHR
// RUN: not %t0 wcsdup 2>&1 | FileCheck %s --check-prefix=WCSDUP
// RUN: not %t2 wcsdup 2>&1 | FileCheck %s --check-prefix=WCSDUP
// RUN: not %t0 wmemcpy 2>&1 | FileCheck %s --check-prefix=WMEMCPY
// RUN: not %t2 wmemcpy 2>&1 | FileCheck %s --check-prefix=WMEMCPY
// RUN: not %t0 wmemmove 2>&1 | FileCheck %s --check-prefix=WMEMMOVE
// RUN: not %t2 wmemmove 2>&1 | FileCheck %s --check-prefix=WMEMMOVE
// RUN: not %t0 wmemset 2>&1 | FileCheck %s --check-prefix=WMEMSET
// RUN: not %t2 wmemset 2>&1 | FileCheck %s --check-prefix=WMEMSET
// RUN: not %t0 wmemcmp 2>&1 | FileCheck %s --check-prefix=WMEMCMP
// RUN: not %t2 wmemcmp 2>&1 | FileCheck %s --check-prefix=WMEMCMP
#include "Inputs/libc_cases.h"
#include <wchar.h>

// A heap copy of `w` that has been freed.
static wchar_t *freed_wide(const wchar_t *w) {
  wchar_t *p = opaque(wcsdup(w));
  free(p);
  return opaque(p);
}

__attribute__((noinline)) static void t_wcslen(void) {
  wchar_t *w = freed_wide(L"abc");
  keep(wcslen(w));
  // WCSLEN: ERROR: ffisan: heap-use-after-free
  // WCSLEN: READ of size 16 at {{0x[0-9a-f]+}} thread T0
  // WCSLEN: #0 {{.*}} in wcslen ({{.*}})
  // WCSLEN: #1 {{.*}} in t_wcslen {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsnlen(void) {
  wchar_t *w = freed_wide(L"abcdef");
  keep(wcsnlen(w, 3));
  // WCSNLEN: ERROR: ffisan: heap-use-after-free
  // WCSNLEN: READ of size 12 at {{0x[0-9a-f]+}} thread T0
  // WCSNLEN: #0 {{.*}} in wcsnlen ({{.*}})
  // WCSNLEN: #1 {{.*}} in t_wcsnlen {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcscpy(void) {
  wchar_t *d = opaque(malloc(3 * sizeof(wchar_t)));
  wcscpy(d, opaque(L"abc"));
  // WCSCPY: ERROR: ffisan: heap-buffer-overflow
  // WCSCPY: WRITE of size 16 at {{0x[0-9a-f]+}} thread T0
  // WCSCPY: #0 {{.*}} in wcscpy ({{.*}})
  // WCSCPY: #1 {{.*}} in t_wcscpy {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

// wcsncpy pads with NULs up to n.
__attribute__((noinline)) static void t_wcsncpy(void) {
  wchar_t *d = opaque(malloc(3 * sizeof(wchar_t)));
  wcsncpy(d, opaque(L"a"), 5);
  // WCSNCPY: ERROR: ffisan: heap-buffer-overflow
  // WCSNCPY: WRITE of size 20 at {{0x[0-9a-f]+}} thread T0
  // WCSNCPY: #0 {{.*}} in wcsncpy ({{.*}})
  // WCSNCPY: #1 {{.*}} in t_wcsncpy {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcscat(void) {
  wchar_t *d = opaque(malloc(4 * sizeof(wchar_t)));
  wcscpy(d, L"ab");
  wcscat(d, opaque(L"cd"));
  // WCSCAT: ERROR: ffisan: heap-buffer-overflow
  // WCSCAT: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // WCSCAT: #0 {{.*}} in wcscat ({{.*}})
  // WCSCAT: #1 {{.*}} in t_wcscat {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsncat(void) {
  wchar_t *d = opaque(malloc(4 * sizeof(wchar_t)));
  wcscpy(d, L"ab");
  wcsncat(d, opaque(L"cdef"), 2);
  // WCSNCAT: ERROR: ffisan: heap-buffer-overflow
  // WCSNCAT: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // WCSNCAT: #0 {{.*}} in wcsncat ({{.*}})
  // WCSNCAT: #1 {{.*}} in t_wcsncat {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcscmp(void) {
  wchar_t *w = freed_wide(L"same");
  keep(wcscmp(w, opaque(L"samE")));
  // WCSCMP: ERROR: ffisan: heap-use-after-free
  // WCSCMP: READ of size 16 at {{0x[0-9a-f]+}} thread T0
  // WCSCMP: #0 {{.*}} in wcscmp ({{.*}})
  // WCSCMP: #1 {{.*}} in t_wcscmp {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsncmp(void) {
  wchar_t *w = freed_wide(L"same");
  keep(wcsncmp(w, opaque(L"same"), 2));
  // WCSNCMP: ERROR: ffisan: heap-use-after-free
  // WCSNCMP: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // WCSNCMP: #0 {{.*}} in wcsncmp ({{.*}})
  // WCSNCMP: #1 {{.*}} in t_wcsncmp {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

// Up to and including the match.
__attribute__((noinline)) static void t_wcschr(void) {
  wchar_t *w = freed_wide(L"abcd");
  keep((long)wcschr(w, L'b'));
  // WCSCHR: ERROR: ffisan: heap-use-after-free
  // WCSCHR: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // WCSCHR: #0 {{.*}} in wcschr ({{.*}})
  // WCSCHR: #1 {{.*}} in t_wcschr {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsrchr(void) {
  wchar_t *w = freed_wide(L"abcd");
  keep((long)wcsrchr(w, L'b'));
  // WCSRCHR: ERROR: ffisan: heap-use-after-free
  // WCSRCHR: READ of size 20 at {{0x[0-9a-f]+}} thread T0
  // WCSRCHR: #0 {{.*}} in wcsrchr ({{.*}})
  // WCSRCHR: #1 {{.*}} in t_wcsrchr {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsdup(void) {
  wchar_t *w = freed_wide(L"dup");
  free(wcsdup(w));
  // WCSDUP: ERROR: ffisan: heap-use-after-free
  // WCSDUP: READ of size 16 at {{0x[0-9a-f]+}} thread T0
  // WCSDUP: #0 {{.*}} in wcsdup ({{.*}})
  // WCSDUP: #1 {{.*}} in t_wcsdup {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wmemcpy(void) {
  wchar_t *d = opaque(malloc(2 * sizeof(wchar_t)));
  wmemcpy(d, opaque(L"abc"), 3);
  // WMEMCPY: ERROR: ffisan: heap-buffer-overflow
  // WMEMCPY: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // WMEMCPY: #0 {{.*}} in wmemcpy ({{.*}})
  // WMEMCPY: #1 {{.*}} in t_wmemcpy {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wmemmove(void) {
  wchar_t *w = freed_wide(L"abc");
  wchar_t d[4];
  wmemmove(opaque(d), w, 3);
  // WMEMMOVE: ERROR: ffisan: heap-use-after-free
  // WMEMMOVE: READ of size 12 at {{0x[0-9a-f]+}} thread T0
  // WMEMMOVE: #0 {{.*}} in wmemmove ({{.*}})
  // WMEMMOVE: #1 {{.*}} in t_wmemmove {{.*}}libc_wide_errors.c:[[@LINE-4]]
  keep(d[0]);
}

__attribute__((noinline)) static void t_wmemset(void) {
  wchar_t *d = opaque(malloc(2 * sizeof(wchar_t)));
  wmemset(d, L'x', 3);
  // WMEMSET: ERROR: ffisan: heap-buffer-overflow
  // WMEMSET: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // WMEMSET: #0 {{.*}} in wmemset ({{.*}})
  // WMEMSET: #1 {{.*}} in t_wmemset {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wmemcmp(void) {
  wchar_t *w = freed_wide(L"abc");
  keep(wmemcmp(w, opaque(L"abc"), 3));
  // WMEMCMP: ERROR: ffisan: heap-use-after-free
  // WMEMCMP: READ of size 12 at {{0x[0-9a-f]+}} thread T0
  // WMEMCMP: #0 {{.*}} in wmemcmp ({{.*}})
  // WMEMCMP: #1 {{.*}} in t_wmemcmp {{.*}}libc_wide_errors.c:[[@LINE-4]]
}

static const struct libc_case cases[] = {
    {"wcslen", t_wcslen},
    {"wcsnlen", t_wcsnlen},
    {"wcscpy", t_wcscpy},
    {"wcsncpy", t_wcsncpy},
    {"wcscat", t_wcscat},
    {"wcsncat", t_wcsncat},
    {"wcscmp", t_wcscmp},
    {"wcsncmp", t_wcsncmp},
    {"wcschr", t_wcschr},
    {"wcsrchr", t_wcsrchr},
    {"wcsdup", t_wcsdup},
    {"wmemcpy", t_wmemcpy},
    {"wmemmove", t_wmemmove},
    {"wmemset", t_wmemset},
    {"wmemcmp", t_wmemcmp},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
