// printf and scanf families: each %s/%ls/%n argument, the output buffer of sprintf and friends
// and the targets of scanf's conversions are checked at the call, with the caller on top.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 printf_s 2>&1 | FileCheck %s --check-prefix=PRINTF_S
// RUN: not %t2 printf_s 2>&1 | FileCheck %s --check-prefix=PRINTF_S
// RUN: not %t0 printf_star_precision 2>&1 | FileCheck %s --check-prefix=STAR
// RUN: not %t2 printf_star_precision 2>&1 | FileCheck %s --check-prefix=STAR
// RUN: not %t0 printf_positional 2>&1 | FileCheck %s --check-prefix=POSITIONAL
// RUN: not %t2 printf_positional 2>&1 | FileCheck %s --check-prefix=POSITIONAL
// RUN: not %t0 printf_n 2>&1 | FileCheck %s --check-prefix=PRINTF_N
// RUN: not %t2 printf_n 2>&1 | FileCheck %s --check-prefix=PRINTF_N
// RUN: not %t0 printf_ls 2>&1 | FileCheck %s --check-prefix=PRINTF_LS
// RUN: not %t2 printf_ls 2>&1 | FileCheck %s --check-prefix=PRINTF_LS
// RUN: not %t0 fprintf 2>&1 | FileCheck %s --check-prefix=FPRINTF
// RUN: not %t2 fprintf 2>&1 | FileCheck %s --check-prefix=FPRINTF
// RUN: not %t0 dprintf 2>&1 | FileCheck %s --check-prefix=DPRINTF
// RUN: not %t2 dprintf 2>&1 | FileCheck %s --check-prefix=DPRINTF
// RUN: not %t0 vfprintf 2>&1 | FileCheck %s --check-prefix=VFPRINTF
// RUN: not %t2 vfprintf 2>&1 | FileCheck %s --check-prefix=VFPRINTF
// RUN: not %t0 sprintf 2>&1 | FileCheck %s --check-prefix=SPRINTF
// RUN: not %t2 sprintf 2>&1 | FileCheck %s --check-prefix=SPRINTF
// RUN: not %t0 snprintf 2>&1 | FileCheck %s --check-prefix=SNPRINTF
// RUN: not %t2 snprintf 2>&1 | FileCheck %s --check-prefix=SNPRINTF
// RUN: not %t0 vsnprintf 2>&1 | FileCheck %s --check-prefix=VSNPRINTF
// RUN: not %t2 vsnprintf 2>&1 | FileCheck %s --check-prefix=VSNPRINTF
// RUN: not %t0 asprintf 2>&1 | FileCheck %s --check-prefix=ASPRINTF
// RUN: not %t2 asprintf 2>&1 | FileCheck %s --check-prefix=ASPRINTF
// RUN: not %t0 wprintf 2>&1 | FileCheck %s --check-prefix=WPRINTF
// RUN: not %t2 wprintf 2>&1 | FileCheck %s --check-prefix=WPRINTF
// RUN: not %t0 swprintf 2>&1 | FileCheck %s --check-prefix=SWPRINTF
// RUN: not %t2 swprintf 2>&1 | FileCheck %s --check-prefix=SWPRINTF
// RUN: not %t0 sscanf_s 2>&1 | FileCheck %s --check-prefix=SSCANF_S
// RUN: not %t2 sscanf_s 2>&1 | FileCheck %s --check-prefix=SSCANF_S
// RUN: not %t0 sscanf_width 2>&1 | FileCheck %s --check-prefix=SSCANF_WIDTH
// RUN: not %t2 sscanf_width 2>&1 | FileCheck %s --check-prefix=SSCANF_WIDTH
// RUN: not %t0 sscanf_d 2>&1 | FileCheck %s --check-prefix=SSCANF_D
// RUN: not %t2 sscanf_d 2>&1 | FileCheck %s --check-prefix=SSCANF_D
// RUN: not %t0 sscanf_input 2>&1 | FileCheck %s --check-prefix=SSCANF_INPUT
// RUN: not %t2 sscanf_input 2>&1 | FileCheck %s --check-prefix=SSCANF_INPUT
// RUN: echo 12345 | not %t0 scanf 2>&1 | FileCheck %s --check-prefix=SCANF
// RUN: echo 12345 | not %t2 scanf 2>&1 | FileCheck %s --check-prefix=SCANF
// RUN: not %t0 fscanf 2>&1 | FileCheck %s --check-prefix=FSCANF
// RUN: not %t2 fscanf 2>&1 | FileCheck %s --check-prefix=FSCANF
// RUN: not %t0 vsscanf 2>&1 | FileCheck %s --check-prefix=VSSCANF
// RUN: not %t2 vsscanf 2>&1 | FileCheck %s --check-prefix=VSSCANF
#include "Inputs/libc_cases.h"
#include <stdarg.h>
#include <wchar.h>

__attribute__((noinline)) static void t_printf_s(void) {
  char *s = freed_copy("hello");
  printf("[%s]\n", s);
  // PRINTF_S: ERROR: ffisan: heap-use-after-free
  // PRINTF_S: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // PRINTF_S: #0 {{.*}} in printf ({{.*}})
  // PRINTF_S: #1 {{.*}} in t_printf_s {{.*}}libc_format_errors.c:[[@LINE-4]]
  // PRINTF_S: freed by thread T0 here:
}

// Only the 3 characters a `*` precision lets through are read (ASan checks none of them).
__attribute__((noinline)) static void t_printf_star_precision(void) {
  char *s = freed_copy("hello");
  printf("[%.*s]\n", (int)(long)opaque((void *)3L), s);
  // STAR: ERROR: ffisan: heap-use-after-free
  // STAR: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // STAR: #0 {{.*}} in printf ({{.*}})
  // STAR: #1 {{.*}} in t_printf_star_precision {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_printf_positional(void) {
  char *s = freed_copy("positional");
  printf("%2$s %1$d\n", 7, s);
  // POSITIONAL: ERROR: ffisan: heap-use-after-free
  // POSITIONAL: READ of size 11 at {{0x[0-9a-f]+}} thread T0
  // POSITIONAL: #0 {{.*}} in printf ({{.*}})
  // POSITIONAL: #1 {{.*}} in t_printf_positional {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_printf_n(void) {
  int *count = opaque(malloc(sizeof(int)));
  free(count);
  printf("abc%n\n", count);
  // PRINTF_N: ERROR: ffisan: heap-use-after-free
  // PRINTF_N: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // PRINTF_N: #0 {{.*}} in printf ({{.*}})
  // PRINTF_N: #1 {{.*}} in t_printf_n {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_printf_ls(void) {
  wchar_t *w = opaque(wcsdup(L"wide"));
  free(w);
  printf("%ls\n", w);
  // PRINTF_LS: ERROR: ffisan: heap-use-after-free
  // PRINTF_LS: READ of size 20 at {{0x[0-9a-f]+}} thread T0
  // PRINTF_LS: #0 {{.*}} in printf ({{.*}})
  // PRINTF_LS: #1 {{.*}} in t_printf_ls {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fprintf(void) {
  char *s = freed_copy("stream");
  fprintf(stdout, "%d:%s\n", 1, s);
  // FPRINTF: ERROR: ffisan: heap-use-after-free
  // FPRINTF: READ of size 7 at {{0x[0-9a-f]+}} thread T0
  // FPRINTF: #0 {{.*}} in fprintf ({{.*}})
  // FPRINTF: #1 {{.*}} in t_fprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_dprintf(void) {
  char *s = freed_copy("fd");
  dprintf(1, "%s\n", s);
  // DPRINTF: ERROR: ffisan: heap-use-after-free
  // DPRINTF: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // DPRINTF: #0 {{.*}} in dprintf ({{.*}})
  // DPRINTF: #1 {{.*}} in t_dprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void log_line(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  vfprintf(stdout, format, ap);
  // VFPRINTF: ERROR: ffisan: heap-use-after-free
  // VFPRINTF: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // VFPRINTF: #0 {{.*}} in vfprintf ({{.*}})
  // VFPRINTF: #1 {{.*}} in log_line {{.*}}libc_format_errors.c:[[@LINE-4]]
  va_end(ap);
}

// The va_list's doubles and integers come from separate register areas: the string is the 3rd.
__attribute__((noinline)) static void t_vfprintf(void) {
  char *s = freed_copy("list");
  log_line("%f %d %s %f\n", 1.5, 2, s, 3.5);
  // VFPRINTF: #2 {{.*}} in t_vfprintf {{.*}}libc_format_errors.c:[[@LINE-1]]
  opaque(s); // not a tail call: t_vfprintf keeps its frame at -O2
}

// sprintf's output is checked over the length it returns, and its NUL.
__attribute__((noinline)) static void t_sprintf(void) {
  char *buf = opaque(malloc(8));
  sprintf(buf, "%s-%d", (char *)opaque("hello"), 12345);
  // SPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SPRINTF: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // SPRINTF: #0 {{.*}} in sprintf ({{.*}})
  // SPRINTF: #1 {{.*}} in t_sprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
  // SPRINTF: is located 0 bytes after 8-byte region
}

// snprintf writes no more than its size: here the size is wrong, and the output longer.
__attribute__((noinline)) static void t_snprintf(void) {
  char *buf = opaque(malloc(8));
  snprintf(buf, 10, "%s", (char *)opaque("0123456789abc"));
  // SNPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SNPRINTF: WRITE of size 10 at {{0x[0-9a-f]+}} thread T0
  // SNPRINTF: #0 {{.*}} in snprintf ({{.*}})
  // SNPRINTF: #1 {{.*}} in t_snprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static int format_into(char *buf, size_t n, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int r = vsnprintf(buf, n, format, ap);
  // VSNPRINTF: ERROR: ffisan: heap-buffer-overflow
  // VSNPRINTF: WRITE of size 10 at {{0x[0-9a-f]+}} thread T0
  // VSNPRINTF: #0 {{.*}} in vsnprintf ({{.*}})
  // VSNPRINTF: #1 {{.*}} in format_into {{.*}}libc_format_errors.c:[[@LINE-4]]
  va_end(ap);
  return r;
}

__attribute__((noinline)) static void t_vsnprintf(void) {
  char *buf = opaque(malloc(8));
  format_into(buf, 64, "%s:%d", (char *)opaque("answer"), 42);
}

__attribute__((noinline)) static void t_asprintf(void) {
  char **slot = opaque(malloc(sizeof(char *)));
  free(slot);
  asprintf(slot, "%d", 5);
  // ASPRINTF: ERROR: ffisan: heap-use-after-free
  // ASPRINTF: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // ASPRINTF: #0 {{.*}} in asprintf ({{.*}})
  // ASPRINTF: #1 {{.*}} in t_asprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

// ASan does not intercept wprintf.
__attribute__((noinline)) static void t_wprintf(void) {
  wchar_t *w = opaque(wcsdup(L"wide"));
  free(w);
  wprintf(L"%ls\n", w);
  // WPRINTF: ERROR: ffisan: heap-use-after-free
  // WPRINTF: READ of size 20 at {{0x[0-9a-f]+}} thread T0
  // WPRINTF: #0 {{.*}} in wprintf ({{.*}})
  // WPRINTF: #1 {{.*}} in t_wprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

// ASan does not intercept swprintf: 6 wide characters into room for 4.
__attribute__((noinline)) static void t_swprintf(void) {
  wchar_t *buf = opaque(malloc(4 * sizeof(wchar_t)));
  swprintf(buf, 64, L"%ls", (wchar_t *)opaque(L"hello"));
  // SWPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SWPRINTF: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // SWPRINTF: #0 {{.*}} in swprintf ({{.*}})
  // SWPRINTF: #1 {{.*}} in t_swprintf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

// An unbounded %s is checked over what it stored: "world" and its NUL into 4 bytes.
__attribute__((noinline)) static void t_sscanf_s(void) {
  char *word = opaque(malloc(4));
  int n;
  sscanf("12 world", "%d %s", &n, word);
  // SSCANF_S: ERROR: ffisan: heap-buffer-overflow
  // SSCANF_S: WRITE of size 6 at {{0x[0-9a-f]+}} thread T0
  // SSCANF_S: #0 {{.*}} in __isoc99_sscanf ({{.*}})
  // SSCANF_S: #1 {{.*}} in t_sscanf_s {{.*}}libc_format_errors.c:[[@LINE-4]]
}

// A %7s may store 8 bytes whatever this input is: its destination must hold them.
__attribute__((noinline)) static void t_sscanf_width(void) {
  char *word = opaque(malloc(4));
  sscanf("ab", "%7s", word);
  // SSCANF_WIDTH: ERROR: ffisan: heap-buffer-overflow
  // SSCANF_WIDTH: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // SSCANF_WIDTH: #0 {{.*}} in __isoc99_sscanf ({{.*}})
  // SSCANF_WIDTH: #1 {{.*}} in t_sscanf_width {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_sscanf_d(void) {
  long *value = opaque(malloc(sizeof(long)));
  free(value);
  sscanf("5 6", "%*d %ld", value);
  // SSCANF_D: ERROR: ffisan: heap-use-after-free
  // SSCANF_D: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // SSCANF_D: #0 {{.*}} in __isoc99_sscanf ({{.*}})
  // SSCANF_D: #1 {{.*}} in t_sscanf_d {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_sscanf_input(void) {
  char *input = freed_copy("42");
  int n;
  sscanf(input, "%d", &n);
  // SSCANF_INPUT: ERROR: ffisan: heap-use-after-free
  // SSCANF_INPUT: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // SSCANF_INPUT: #0 {{.*}} in __isoc99_sscanf ({{.*}})
  // SSCANF_INPUT: #1 {{.*}} in t_sscanf_input {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_scanf(void) {
  short *value = opaque(malloc(sizeof(short)));
  free(value);
  scanf("%hd", value);
  // SCANF: ERROR: ffisan: heap-use-after-free
  // SCANF: WRITE of size 2 at {{0x[0-9a-f]+}} thread T0
  // SCANF: #0 {{.*}} in __isoc99_scanf ({{.*}})
  // SCANF: #1 {{.*}} in t_scanf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fscanf(void) {
  char text[] = "3.5 x";
  FILE *in = fmemopen(text, strlen(text), "r");
  double *value = opaque(malloc(sizeof(double)));
  free(value);
  fscanf(in, "%lf", value);
  // FSCANF: ERROR: ffisan: heap-use-after-free
  // FSCANF: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // FSCANF: #0 {{.*}} in __isoc99_fscanf ({{.*}})
  // FSCANF: #1 {{.*}} in t_fscanf {{.*}}libc_format_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static int scan_list(const char *input, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int r = vsscanf(input, format, ap);
  // VSSCANF: ERROR: ffisan: heap-buffer-overflow
  // VSSCANF: WRITE of size 9 at {{0x[0-9a-f]+}} thread T0
  // VSSCANF: #0 {{.*}} in __isoc99_vsscanf ({{.*}})
  // VSSCANF: #1 {{.*}} in scan_list {{.*}}libc_format_errors.c:[[@LINE-4]]
  va_end(ap);
  return r;
}

__attribute__((noinline)) static void t_vsscanf(void) {
  int n;
  char *word = opaque(malloc(8));
  scan_list("7 overflow", "%d %[a-z]", &n, word);
}

static const struct libc_case cases[] = {
    {"printf_s", t_printf_s},     {"printf_star_precision", t_printf_star_precision},
    {"printf_positional", t_printf_positional},
    {"printf_n", t_printf_n},     {"printf_ls", t_printf_ls},
    {"fprintf", t_fprintf},       {"dprintf", t_dprintf},
    {"vfprintf", t_vfprintf},     {"sprintf", t_sprintf},
    {"snprintf", t_snprintf},     {"vsnprintf", t_vsnprintf},
    {"asprintf", t_asprintf},     {"wprintf", t_wprintf},
    {"swprintf", t_swprintf},     {"sscanf_s", t_sscanf_s},
    {"sscanf_width", t_sscanf_width}, {"sscanf_d", t_sscanf_d},
    {"sscanf_input", t_sscanf_input}, {"scanf", t_scanf},
    {"fscanf", t_fscanf},         {"vsscanf", t_vsscanf},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
