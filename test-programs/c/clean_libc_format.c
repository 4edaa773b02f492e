// printf and scanf families used correctly: every conversion, flags, `*` widths and precisions,
// positional arguments, %n, strings cut by their precision, scanf into buffers of exactly the
// size it stores, %ms, scansets, and a scan that stops early. No finding.
// RUN: %ffisan_cc -O0 %s -o %t && echo "17 input" | %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && echo "17 input" | %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void *opaque(void *p) {
  __asm__ volatile("" : "+r"(p)::"memory");
  return p;
}

static int format_into(char *buf, size_t n, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int r = vsnprintf(buf, n, format, ap);
  va_end(ap);
  return r;
}

static int scan_list(const char *input, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int r = vsscanf(input, format, ap);
  va_end(ap);
  return r;
}

int main(void) {
  // Exactly sized heap strings, some without a NUL where a precision stops before it.
  char *word = opaque(strdup("word"));
  char *unterminated = opaque(malloc(3));
  memcpy(unterminated, "abc", 3);
  wchar_t *wide = opaque(wcsdup(L"wide"));
  int count = 0;
  signed char small_count = 0;
  printf("%d %i %u %o %x %X %c %5.2f %e %g %a %Lf %p %% %s %.3s %ls %.2ls\n", -1, 2, 3u, 8, 255,
         255, 'z', 3.14159, 1e10, 0.5, 1.0, (long double)2.5, (void *)0, word, unterminated,
         wide, wide);
  // CHECK: -1 2 3 10 ff FF z  3.14 1.000000e+10 0.5 0x1p+0 2.500000 (nil) % word abc wide wi
  printf("%*d|%-*s|%.*s|%*.*f|%n%hhn\n", 4, 7, 6, word, 2, unterminated, 8, 3, 2.0, &count,
         &small_count);
  // CHECK: 7|word  |ab|   2.000|
  printf("%2$s %1$d %3$.*4$s\n", 9, word, unterminated, 1);
  // CHECK: word 9 a
  printf("%lld %ld %hd %zu %jd %td %s\n", 1LL, 2L, (short)3, (size_t)4, (intmax_t)5,
         (ptrdiff_t)6, (char *)0);
  // CHECK: 1 2 3 4 5 6 (null)
  printf("%d %d\n", count, small_count);
  // CHECK: 24 24

  // Outputs of exactly the length written.
  char *out = opaque(malloc(8));
  sprintf(out, "%s-%d", "abc", 12); // 6 characters and the NUL
  int needed = snprintf(out, 8, "%s", "a much longer text"); // cut at 8
  int listed = format_into(out, 8, "%d", 1234567);           // 7 and the NUL
  char *made = NULL;
  if (asprintf(&made, "%s=%d", word, needed) < 0)
    return 1;
  wchar_t *wout = opaque(malloc(6 * sizeof(wchar_t)));
  swprintf(wout, 6, L"%ls!", wide); // 5 wide characters and the NUL
  printf("%s %d %d %s %ls\n", out, needed, listed, made, wout);
  // CHECK: 1234567 18 7 word=18 wide!
  // stdout is byte-oriented by now: the wide output goes to a stream of its own.
  FILE *wide_out = fopen("/dev/null", "w");
  fwprintf(wide_out, L"%ls %s %d %.1ls\n", wide, word, 3, wide);
  fclose(wide_out);

  // scanf into exactly what each conversion stores.
  int i;
  long l;
  short h;
  double d;
  float f;
  char *exact = opaque(malloc(6)); // "hello" and its NUL
  char *bounded = opaque(malloc(4)); // %3s: at most 3 and the NUL
  char *letters = opaque(malloc(3)); // %3c: 3, no NUL
  char *allocated = NULL;
  int pos = 0;
  int got = sscanf("1 2 3 4.5 6.5 hello abcdef xyz heap", "%d %ld %hd %lf %f %s %3s%*s %3c %ms%n", &i,
                   &l, &h, &d, &f, exact, bounded, letters, &allocated, &pos);
  printf("%d %d %ld %hd %.1f %.1f %s %s %.3s %s %d\n", got, i, l, h, d, f, exact, bounded,
         letters, allocated, pos);
  // CHECK: 9 1 2 3 4.5 6.5 hello abc xyz heap 35
  char *set = opaque(malloc(4));
  int n2 = scan_list("abc,def", "%[a-z],", set);
  // A scan that stops early: the targets after the failing conversion are never written.
  int *never = opaque(malloc(sizeof(int)));
  free(never);
  int stopped = sscanf("5 x", "%d %d", &i, never);
  int from_stdin = 0;
  char *tail = opaque(malloc(6));
  int read_in = scanf("%d %5s", &from_stdin, tail);
  printf("%d %s %d %d %d %s\n", n2, set, stopped, read_in, from_stdin, tail);
  // CHECK: 1 abc 1 2 17 input
  free(word);
  free(unterminated);
  free(wide);
  free(out);
  free(made);
  free(wout);
  free(exact);
  free(bounded);
  free(letters);
  free(allocated);
  free(set);
  free(tail);
  return 0;
}
