// Memory searches, sorting, number parsers and the remaining string functions: checked over
// the bytes each reads and writes, at the call, with the caller on top.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 memchr 2>&1 | FileCheck %s --check-prefix=MEMCHR
// RUN: not %t2 memchr 2>&1 | FileCheck %s --check-prefix=MEMCHR
// RUN: not %t0 memrchr 2>&1 | FileCheck %s --check-prefix=MEMRCHR
// RUN: not %t2 memrchr 2>&1 | FileCheck %s --check-prefix=MEMRCHR
// RUN: not %t0 memmem 2>&1 | FileCheck %s --check-prefix=MEMMEM
// RUN: not %t2 memmem 2>&1 | FileCheck %s --check-prefix=MEMMEM
// RUN: not %t0 qsort 2>&1 | FileCheck %s --check-prefix=QSORT
// RUN: not %t2 qsort 2>&1 | FileCheck %s --check-prefix=QSORT
// RUN: not %t0 bsearch 2>&1 | FileCheck %s --check-prefix=BSEARCH
// RUN: not %t2 bsearch 2>&1 | FileCheck %s --check-prefix=BSEARCH
// RUN: not %t0 strtol 2>&1 | FileCheck %s --check-prefix=STRTOL
// RUN: not %t2 strtol 2>&1 | FileCheck %s --check-prefix=STRTOL
// RUN: not %t0 strtoul 2>&1 | FileCheck %s --check-prefix=STRTOUL
// RUN: not %t2 strtoul 2>&1 | FileCheck %s --check-prefix=STRTOUL
// RUN: not %t0 strtoll 2>&1 | FileCheck %s --check-prefix=STRTOLL
// RUN: not %t2 strtoll 2>&1 | FileCheck %s --check-prefix=STRTOLL
// RUN: not %t0 strtoull 2>&1 | FileCheck %s --check-prefix=STRTOULL
// RUN: not %t2 strtoull 2>&1 | FileCheck %s --check-prefix=STRTOULL
// RUN: not %t0 strtod 2>&1 | FileCheck %s --check-prefix=STRTOD
// RUN: not %t2 strtod 2>&1 | FileCheck %s --check-prefix=STRTOD
// RUN: not %t0 strtof 2>&1 | FileCheck %s --check-prefix=STRTOF
// RUN: not %t2 strtof 2>&1 | FileCheck %s --check-prefix=STRTOF
// RUN: not %t0 strtold 2>&1 | FileCheck %s --check-prefix=STRTOLD
// RUN: not %t2 strtold 2>&1 | FileCheck %s --check-prefix=STRTOLD
// RUN: not %t0 strtol_end 2>&1 | FileCheck %s --check-prefix=STRTOL_END
// RUN: not %t2 strtol_end 2>&1 | FileCheck %s --check-prefix=STRTOL_END
// RUN: not %t0 atoi 2>&1 | FileCheck %s --check-prefix=ATOI
// RUN: not %t2 atoi 2>&1 | FileCheck %s --check-prefix=ATOI
// RUN: not %t0 atol 2>&1 | FileCheck %s --check-prefix=ATOL
// RUN: not %t2 atol 2>&1 | FileCheck %s --check-prefix=ATOL
// RUN: not %t0 atoll 2>&1 | FileCheck %s --check-prefix=ATOLL
// RUN: not %t2 atoll 2>&1 | FileCheck %s --check-prefix=ATOLL
// RUN: not %t0 atof 2>&1 | FileCheck %s --check-prefix=ATOF
// RUN: not %t2 atof 2>&1 | FileCheck %s --check-prefix=ATOF
// RUN: not %t0 strspn 2>&1 | FileCheck %s --check-prefix=STRSPN
// RUN: not %t2 strspn 2>&1 | FileCheck %s --check-prefix=STRSPN
// RUN: not %t0 strcspn 2>&1 | FileCheck %s --check-prefix=STRCSPN
// RUN: not %t2 strcspn 2>&1 | FileCheck %s --check-prefix=STRCSPN
// RUN: not %t0 strpbrk 2>&1 | FileCheck %s --check-prefix=STRPBRK
// RUN: not %t2 strpbrk 2>&1 | FileCheck %s --check-prefix=STRPBRK
// RUN: not %t0 strcasecmp 2>&1 | FileCheck %s --check-prefix=STRCASECMP
// RUN: not %t2 strcasecmp 2>&1 | FileCheck %s --check-prefix=STRCASECMP
// RUN: not %t0 strncasecmp 2>&1 | FileCheck %s --check-prefix=STRNCASECMP
// RUN: not %t2 strncasecmp 2>&1 | FileCheck %s --check-prefix=STRNCASECMP
// RUN: not %t0 strtok_readonly 2>&1 | FileCheck %s --check-prefix=STRTOK_READONLY
// RUN: not %t2 strtok_readonly 2>&1 | FileCheck %s --check-prefix=STRTOK_READONLY
// RUN: not %t0 strtok 2>&1 | FileCheck %s --check-prefix=STRTOK
// RUN: not %t2 strtok 2>&1 | FileCheck %s --check-prefix=STRTOK
// RUN: not %t0 strtok_r 2>&1 | FileCheck %s --check-prefix=STRTOK_R
// RUN: not %t2 strtok_r 2>&1 | FileCheck %s --check-prefix=STRTOK_R
#include "Inputs/libc_cases.h"

static int compare_ints(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

// Up to and including the match.
__attribute__((noinline)) static void t_memchr(void) {
  char *s = freed_copy("abcdef");
  keep((long)memchr(s, 'c', 6));
  // MEMCHR: ERROR: ffisan: heap-use-after-free
  // MEMCHR: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // MEMCHR: #0 {{.*}} in memchr ({{.*}})
  // MEMCHR: #1 {{.*}} in t_memchr {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// From the last match to the end.
__attribute__((noinline)) static void t_memrchr(void) {
  char *s = freed_copy("abcdef");
  keep((long)memrchr(s, 'e', 6));
  // MEMRCHR: ERROR: ffisan: heap-use-after-free
  // MEMRCHR: READ of size 2 at {{0x[0-9a-f]+}} thread T0
  // MEMRCHR: #0 {{.*}} in memrchr ({{.*}})
  // MEMRCHR: #1 {{.*}} in t_memrchr {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_memmem(void) {
  char *s = freed_copy("haystack");
  keep((long)memmem(s, 8, "st", 2));
  // MEMMEM: ERROR: ffisan: heap-use-after-free
  // MEMMEM: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // MEMMEM: #0 {{.*}} in memmem ({{.*}})
  // MEMMEM: #1 {{.*}} in t_memmem {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// One element too many.
__attribute__((noinline)) static void t_qsort(void) {
  int *v = opaque(malloc(3 * sizeof(int)));
  v[0] = 3, v[1] = 1, v[2] = 2;
  qsort(v, 4, sizeof(int), compare_ints);
  // QSORT: ERROR: ffisan: heap-buffer-overflow
  // QSORT: WRITE of size 16 at {{0x[0-9a-f]+}} thread T0
  // QSORT: #0 {{.*}} in qsort ({{.*}})
  // QSORT: #1 {{.*}} in t_qsort {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_bsearch(void) {
  int *v = opaque(calloc(3, sizeof(int)));
  int key = 0;
  free(v);
  keep((long)bsearch(&key, v, 3, sizeof(int), compare_ints));
  // BSEARCH: ERROR: ffisan: heap-use-after-free
  // At -O2 glibc's bsearch is inline (bits/stdlib-bsearch.h): the comparator's own checked read
  // of the middle element reports it.
  // BSEARCH: READ of size {{12|4}} at {{0x[0-9a-f]+}} thread T0
  // BSEARCH: {{#[0-2]}} {{.*}} in t_bsearch {{.*}}libc_memory_errors.c:[[@LINE-5]]
}

// Up to the character that stopped the parse.
__attribute__((noinline)) static void t_strtol(void) {
  char *s = freed_copy("  -42x");
  char *end;
  keep(strtol(s, &end, 10));
  // STRTOL: ERROR: ffisan: heap-use-after-free
  // STRTOL: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // STRTOL: #0 {{.*}} in strtol ({{.*}})
  // STRTOL: #1 {{.*}} in t_strtol {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtoul(void) {
  char *s = freed_copy("ff");
  keep((long)strtoul(s, NULL, 16));
  // STRTOUL: ERROR: ffisan: heap-use-after-free
  // STRTOUL: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // STRTOUL: #0 {{.*}} in strtoul ({{.*}})
  // STRTOUL: #1 {{.*}} in t_strtoul {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtoll(void) {
  char *s = freed_copy("123");
  keep(strtoll(s, NULL, 0));
  // STRTOLL: ERROR: ffisan: heap-use-after-free
  // STRTOLL: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // STRTOLL: #0 {{.*}} in strtoll ({{.*}})
  // STRTOLL: #1 {{.*}} in t_strtoll {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtoull(void) {
  char *s = freed_copy("0x10");
  keep((long)strtoull(s, NULL, 0));
  // STRTOULL: ERROR: ffisan: heap-use-after-free
  // STRTOULL: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // STRTOULL: #0 {{.*}} in strtoull ({{.*}})
  // STRTOULL: #1 {{.*}} in t_strtoull {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtod(void) {
  char *s = freed_copy("2.5e3 rest");
  keep((long)strtod(s, NULL));
  // STRTOD: ERROR: ffisan: heap-use-after-free
  // STRTOD: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // STRTOD: #0 {{.*}} in strtod ({{.*}})
  // STRTOD: #1 {{.*}} in t_strtod {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtof(void) {
  char *s = freed_copy("1.5");
  keep((long)strtof(s, NULL));
  // STRTOF: ERROR: ffisan: heap-use-after-free
  // STRTOF: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // STRTOF: #0 {{.*}} in strtof ({{.*}})
  // STRTOF: #1 {{.*}} in t_strtof {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtold(void) {
  char *s = freed_copy("1.5");
  keep((long)strtold(s, NULL));
  // STRTOLD: ERROR: ffisan: heap-use-after-free
  // STRTOLD: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // STRTOLD: #0 {{.*}} in strtold ({{.*}})
  // STRTOLD: #1 {{.*}} in t_strtold {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// The end pointer's slot is written.
__attribute__((noinline)) static void t_strtol_end(void) {
  char *s = opaque(strdup("7"));
  char **end = opaque(malloc(sizeof(char *)));
  free(end);
  keep(strtol(s, end, 10));
  // STRTOL_END: ERROR: ffisan: heap-use-after-free
  // STRTOL_END: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // STRTOL_END: #0 {{.*}} in strtol ({{.*}})
  // STRTOL_END: #1 {{.*}} in t_strtol_end {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// At -O2 glibc's inline atoi (stdlib.h: strtol(s, NULL, 10)) is frame #0; atol, atoll, atof too.
__attribute__((noinline)) static void t_atoi(void) {
  char *s = freed_copy("99 bottles");
  keep(atoi(s));
  // ATOI: ERROR: ffisan: heap-use-after-free
  // ATOI: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // ATOI: {{#[01]}} {{.*}} in t_atoi {{.*}}libc_memory_errors.c:[[@LINE-3]]
}

__attribute__((noinline)) static void t_atol(void) {
  char *s = freed_copy("99");
  keep(atol(s));
  // ATOL: ERROR: ffisan: heap-use-after-free
  // ATOL: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // ATOL: {{#[01]}} {{.*}} in t_atol {{.*}}libc_memory_errors.c:[[@LINE-3]]
}

__attribute__((noinline)) static void t_atoll(void) {
  char *s = freed_copy("99");
  keep(atoll(s));
  // ATOLL: ERROR: ffisan: heap-use-after-free
  // ATOLL: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // ATOLL: {{#[01]}} {{.*}} in t_atoll {{.*}}libc_memory_errors.c:[[@LINE-3]]
}

__attribute__((noinline)) static void t_atof(void) {
  char *s = freed_copy("0.25");
  keep((long)(atof(s) * 4));
  // ATOF: ERROR: ffisan: heap-use-after-free
  // ATOF: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // ATOF: {{#[01]}} {{.*}} in t_atof {{.*}}libc_memory_errors.c:[[@LINE-3]]
}

__attribute__((noinline)) static void t_strspn(void) {
  char *s = freed_copy("aab!");
  keep(strspn(s, "ab"));
  // STRSPN: ERROR: ffisan: heap-use-after-free
  // STRSPN: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // STRSPN: #0 {{.*}} in strspn ({{.*}})
  // STRSPN: #1 {{.*}} in t_strspn {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strcspn(void) {
  char *s = freed_copy("xy,z");
  keep(strcspn(s, ","));
  // STRCSPN: ERROR: ffisan: heap-use-after-free
  // STRCSPN: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // STRCSPN: #0 {{.*}} in strcspn ({{.*}})
  // STRCSPN: #1 {{.*}} in t_strcspn {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strpbrk(void) {
  char *s = freed_copy("xy,z");
  keep((long)strpbrk(s, ",;"));
  // STRPBRK: ERROR: ffisan: heap-use-after-free
  // STRPBRK: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // STRPBRK: #0 {{.*}} in strpbrk ({{.*}})
  // STRPBRK: #1 {{.*}} in t_strpbrk {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strcasecmp(void) {
  char *s = freed_copy("Hello");
  keep(strcasecmp(s, "hello"));
  // STRCASECMP: ERROR: ffisan: heap-use-after-free
  // STRCASECMP: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // STRCASECMP: #0 {{.*}} in strcasecmp ({{.*}})
  // STRCASECMP: #1 {{.*}} in t_strcasecmp {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strncasecmp(void) {
  char *s = freed_copy("Hello");
  keep(strncasecmp(s, "help", 3));
  // STRNCASECMP: ERROR: ffisan: heap-use-after-free
  // STRNCASECMP: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // STRNCASECMP: #0 {{.*}} in strncasecmp ({{.*}})
  // STRNCASECMP: #1 {{.*}} in t_strncasecmp {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// strtok writes a NUL over the delimiter: into a string literal here (ASan: SEGV).
__attribute__((noinline)) static void t_strtok_readonly(void) {
  char *literal = opaque("a,b");
  keep((long)strtok(literal, ","));
  // STRTOK_READONLY: ERROR: ffisan: write-to-readonly
  // STRTOK_READONLY: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // STRTOK_READONLY: #0 {{.*}} in strtok ({{.*}})
  // STRTOK_READONLY: #1 {{.*}} in t_strtok_readonly {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

// A strtok(NULL) goes on in the string it was given first: freed since.
__attribute__((noinline)) static void t_strtok(void) {
  char *s = opaque(strdup("a,b"));
  keep((long)strtok(s, ","));
  free(s);
  keep((long)strtok(NULL, ","));
  // STRTOK: ERROR: ffisan: heap-use-after-free
  // STRTOK: READ of size 2 at {{0x[0-9a-f]+}} thread T0
  // STRTOK: #0 {{.*}} in strtok ({{.*}})
  // STRTOK: #1 {{.*}} in t_strtok {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strtok_r(void) {
  char *s = opaque(strdup("a,b,c"));
  char *save;
  keep((long)strtok_r(s, ",", &save));
  free(s);
  keep((long)strtok_r(NULL, ",", &save));
  // STRTOK_R: ERROR: ffisan: heap-use-after-free
  // STRTOK_R: READ of size 2 at {{0x[0-9a-f]+}} thread T0
  // STRTOK_R: #0 {{.*}} in strtok_r ({{.*}})
  // STRTOK_R: #1 {{.*}} in t_strtok_r {{.*}}libc_memory_errors.c:[[@LINE-4]]
}

static const struct libc_case cases[] = {
    {"memchr", t_memchr},
    {"memrchr", t_memrchr},
    {"memmem", t_memmem},
    {"qsort", t_qsort},
    {"bsearch", t_bsearch},
    {"strtol", t_strtol},
    {"strtoul", t_strtoul},
    {"strtoll", t_strtoll},
    {"strtoull", t_strtoull},
    {"strtod", t_strtod},
    {"strtof", t_strtof},
    {"strtold", t_strtold},
    {"strtol_end", t_strtol_end},
    {"atoi", t_atoi},
    {"atol", t_atol},
    {"atoll", t_atoll},
    {"atof", t_atof},
    {"strspn", t_strspn},
    {"strcspn", t_strcspn},
    {"strpbrk", t_strpbrk},
    {"strcasecmp", t_strcasecmp},
    {"strncasecmp", t_strncasecmp},
    {"strtok_readonly", t_strtok_readonly},
    {"strtok", t_strtok},
    {"strtok_r", t_strtok_r},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
