// _FORTIFY_SOURCE's __*_chk calls used correctly, at the edges of exact buffers: each gets its
// plain function's check and none is a finding; a length equal to the destination's is not one
// glibc refuses, and sprintf's output exactly filling its buffer is not an overflow.
// RUN: %ffisan_cc -O2 -D_FORTIFY_SOURCE=2 %s -o %t2 && %t2 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -D_FORTIFY_SOURCE=3 %s -o %t3 && %t3 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O1 -D_FORTIFY_SOURCE=2 %s -o %t1 && %t1 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: llvm-nm %t2 | FileCheck %s --check-prefix=SYMS
// SYMS-DAG: U __memcpy_chk
// SYMS-DAG: U __strcpy_chk
// SYMS-DAG: U __strcat_chk
// SYMS-DAG: U __strncpy_chk
// SYMS-DAG: U __printf_chk
// SYMS-DAG: U __sprintf_chk
// SYMS-DAG: U __snprintf_chk
// SYMS-DAG: U __vsnprintf_chk
// SYMS-DAG: U __swprintf_chk
// SYMS-DAG: U __wmemcpy_chk
// SYMS-DAG: U __read_chk
// SYMS-DAG: U __fgets_chk
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wchar.h>

ssize_t __read_chk(int, void *, size_t, size_t);
ssize_t __pread_chk(int, void *, size_t, off_t, size_t);
ssize_t __recv_chk(int, void *, size_t, size_t, int);
ssize_t __recvfrom_chk(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
size_t __fread_chk(void *, size_t, size_t, size_t, FILE *);
char *__fgets_chk(char *, size_t, int, FILE *);
char *__getcwd_chk(char *, size_t, size_t);
char *__realpath_chk(const char *, char *, size_t);
wchar_t *__wcscpy_chk(wchar_t *, const wchar_t *, size_t);

static size_t hidden(size_t n) {
  __asm__ volatile("" : "+r"(n));
  return n;
}

static void *opaque(void *p) {
  __asm__ volatile("" : "+r"(p)::"memory");
  return p;
}

static int temp_file(const char *s) {
  FILE *f = tmpfile();
  if (!f || fputs(s, f) < 0 || fflush(f) != 0)
    abort();
  int fd = dup(fileno(f));
  lseek(fd, 0, SEEK_SET);
  return fd;
}

static int format_into(char *p, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(p, n, fmt, ap);
  va_end(ap);
  return r;
}

static void strings(void) {
  char *p = malloc(8);
  memcpy(p, "0123456", hidden(8));
  memmove(p + 1, p, hidden(7));
  memset(p, 'a', hidden(7));
  strcpy(p, opaque("abcdefg"));
  strncpy(p, "abc", hidden(8));
  strcat(p, opaque("defg"));
  char *q = malloc(8);
  strcpy(q, opaque("ab"));
  strncat(q, opaque("cdefghij"), hidden(5));
  printf("%s %s ", p, q);
  printf("%zu\n", (size_t)(stpcpy(q, opaque("xyz")) - q));
  wchar_t *w = malloc(4 * sizeof(wchar_t));
  wmemcpy(w, L"abc", hidden(4));
  wmemset(w, L'z', hidden(3));
  __wcscpy_chk(w, opaque(L"wxy"), 4);
  printf("%ls\n", w);
  free(p);
  free(q);
  free(w);
}
// CHECK: abcdefg abcdefg 3
// CHECK-NEXT: wxy

static void formatted(void) {
  char *p = malloc(8);
  int n = sprintf(p, "%s%d", (char *)opaque("abc"), 1234); // 7 characters and the NUL
  int m = snprintf(p, hidden(8), "%s", "a longer string than 8");
  char *q = malloc(8);
  int k = format_into(q, hidden(8), "%d", 42);
  wchar_t *w = malloc(4 * sizeof(wchar_t));
  int l = swprintf(w, hidden(4), L"%ls", L"abc");
  fprintf(stdout, "%d %d %s %d %s %d %ls\n", n, m, p, k, q, l, w);
  free(p);
  free(q);
  free(w);
}
// CHECK-NEXT: 7 22 a longe 2 42 3 abc

static void descriptors(void) {
  char *p = malloc(8);
  int fd = temp_file("0123456789ab");
  ssize_t got = __read_chk(fd, p, hidden(8), 8);
  got += __pread_chk(fd, p, hidden(8), 4, 8);
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 || write(fds[1], "hello world", 11) != 11)
    abort();
  got += __recv_chk(fds[0], p, hidden(4), 8, 0);
  got += __recvfrom_chk(fds[0], p, hidden(8), 8, 0, NULL, NULL);
  FILE *f = fdopen(temp_file("line one\nx"), "r");
  char *line = malloc(8);
  char *s = __fgets_chk(line, 8, 8, f); // 7 characters and the NUL
  size_t items = __fread_chk(p, 8, 1, hidden(8), f);
  char *cwd = malloc(PATH_MAX);
  char *resolved = malloc(PATH_MAX);
  int same = __getcwd_chk(cwd, PATH_MAX, PATH_MAX) && __realpath_chk(".", resolved, PATH_MAX) &&
             strcmp(cwd, resolved) == 0;
  printf("%zd %s %zu %d\n", got, s, items, same);
  fclose(f);
  close(fd);
  close(fds[0]);
  close(fds[1]);
  free(p);
  free(line);
  free(cwd);
  free(resolved);
}
// CHECK-NEXT: 27 line on 3 1

int main(void) {
  strings();
  formatted();
  descriptors();
  return 0;
}
