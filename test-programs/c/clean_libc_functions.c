// The intercepted wide-character, I/O, memory, number, string and system functions used
// correctly, at the edges of exact buffers: no finding.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

static void *opaque(void *p) {
  __asm__ volatile("" : "+r"(p)::"memory");
  return p;
}

static int compare_ints(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

static void wide(void) {
  wchar_t *w = opaque(malloc(6 * sizeof(wchar_t)));
  wcscpy(w, L"abc");
  wcscat(w, L"de"); // exactly 5 and the NUL
  wchar_t *n = opaque(malloc(3 * sizeof(wchar_t)));
  wcsncpy(n, w, 3); // 3, no NUL
  wchar_t *cat = opaque(malloc(4 * sizeof(wchar_t)));
  wcscpy(cat, L"x");
  wcsncat(cat, L"yzzz", 2);
  wchar_t *m = opaque(malloc(2 * sizeof(wchar_t)));
  wmemset(m, L'q', 2);
  wmemcpy(n, m, 2);
  wmemmove(n + 1, n, 2);
  wchar_t *d = wcsdup(w);
  printf("%zu %zu %d %d %d %d %d %ls %ls\n", wcslen(w), wcsnlen(n, 3), wcscmp(w, d),
         wcsncmp(n, L"qqq", 3), wmemcmp(m, L"qq", 2), (int)(wcschr(w, L'c') - w), wcsrchr(w, L'a') == w,
         d, cat);
  free(w);
  free(n);
  free(cat);
  free(m);
  free(d);
}
// CHECK: 5 3 0 0 0 2 1 abcde xyz

static void io(void) {
  char text[] = "first\nsecond,third";
  FILE *in = fmemopen(text, strlen(text), "r");
  char *line = opaque(malloc(7)); // "first\n" and the NUL
  fgets(line, 7, in);
  char *rest = NULL;
  size_t cap = 0;
  ssize_t got = getdelim(&rest, &cap, ',', in);
  char *four = opaque(malloc(4));
  size_t items = fread(four, 1, 4, in); // "thir": exactly 4
  fclose(in);
  int fds[2];
  if (pipe(fds) != 0)
    exit(1);
  write(fds[1], "pipe", 4);
  char *small = opaque(malloc(4));
  ssize_t r = read(fds[0], small, 64); // only the 4 written arrive
  struct iovec out[2] = {{"ab", 2}, {"cd", 2}};
  writev(fds[1], out, 2);
  char a[2], b[3];
  struct iovec iov[2] = {{a, 2}, {b, 3}};
  ssize_t rv = readv(fds[0], iov, 2); // 4 bytes: a full, 2 of b
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "sock", 4, 0);
  struct sockaddr_storage from;
  socklen_t len = sizeof from;
  char *dgram = opaque(malloc(4));
  ssize_t rf = recvfrom(sv[1], dgram, 4, 0, (struct sockaddr *)&from, &len);
  sendto(sv[0], "to", 2, 0, NULL, 0);
  ssize_t rc = recv(sv[1], dgram, 64, 0);
  int fd = fileno(tmpfile());
  pwrite(fd, "file", 4, 0);
  ssize_t pr = pread(fd, small, 64, 0);
  fputs("fputs ", stdout);
  fwrite("fwrite ", 1, 7, stdout);
  printf("%s%s %zd %zu %zd %zd %zd %zd %zd %.4s\n", line, rest, got, items, r, rv, rf, rc, pr,
         small);
  puts("puts");
  free(line);
  free(rest);
  free(four);
  free(small);
  free(dgram);
}
// CHECK: fputs fwrite first
// CHECK-NEXT: second, 7 4 4 4 4 2 4 file
// CHECK-NEXT: puts

static void memory_and_numbers(void) {
  char *s = opaque(malloc(6));
  memcpy(s, "ab,cd", 6);
  int *v = opaque(malloc(3 * sizeof(int)));
  v[0] = 3, v[1] = 1, v[2] = 2;
  qsort(v, 3, sizeof(int), compare_ints);
  int key = 2;
  int *found = bsearch(&key, v, 3, sizeof(int), compare_ints);
  char *exact = opaque(malloc(3)); // "12x", no NUL: strtol stops at x
  memcpy(exact, "12x", 3);
  char *end;
  long n = strtol(exact, &end, 10);
  char *tok = opaque(strdup("a, b,,c"));
  char *save;
  int tokens = 0;
  for (char *t = strtok_r(tok, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
    tokens++;
  char *tok2 = opaque(strdup("x;y"));
  strtok(tok2, ";");
  char *second = strtok(NULL, ";");
  printf("%d%d%d %d %ld %c %d %s %s %d %zu %zu %d %ld %lld %.2f %lu\n", v[0], v[1], v[2],
         (int)(found - v), n, *end, tokens, second, (char *)memchr(s, ',', 6),
         memrchr(s, 'a', 5) == s, strspn(s, "ab"), strcspn(s, ","), strcasecmp(s, "AB,CD"),
         atol("42"), atoll("43"), strtod("1.25", NULL) + atof("1"), strtoul("ff", NULL, 16));
  free(s);
  free(v);
  free(exact);
  free(tok);
  free(tok2);
}
// CHECK-NEXT: 123 1 12 x 3 y ,cd 1 2 2 0 42 43 2.25 255

static void system_calls(void) {
  char *cwd = opaque(malloc(PATH_MAX));
  char *resolved = opaque(malloc(PATH_MAX));
  struct stat *st = opaque(malloc(sizeof(struct stat)));
  int ok = getcwd(cwd, PATH_MAX) != NULL && realpath(".", resolved) != NULL &&
           stat("/", st) == 0 && lstat("/", st) == 0 && fstat(1, st) == 0 &&
           fstatat(AT_FDCWD, "/", st, 0) == 0 && stat("/no/such/file", opaque(NULL)) != 0;
  time_t *t = opaque(malloc(sizeof(time_t)));
  time(t);
  *t = 86400;
  struct tm *tm = opaque(malloc(sizeof(struct tm)));
  gmtime_r(t, tm);
  char *date = opaque(malloc(11)); // "1970-01-02" and its NUL
  size_t written = strftime(date, 11, "%Y-%m-%d", tm);
  char *c = opaque(malloc(26));
  ctime_r(t, c);
  localtime_r(t, tm);
  mktime(tm);
  gmtime(t);
  localtime(t);
  ctime(t);
  unsigned char *addr = opaque(malloc(4));
  inet_pton(AF_INET, "10.1.2.3", addr);
  char *text = opaque(malloc(9)); // "10.1.2.3" and its NUL
  inet_ntop(AF_INET, addr, text, 9);
  printf("%d %s %zu %s\n", ok && strcmp(cwd, resolved) == 0, date, written, text);
  free(cwd);
  free(resolved);
  free(st);
  free(t);
  free(tm);
  free(date);
  free(c);
  free(addr);
  free(text);
}
// CHECK-NEXT: 1 1970-01-02 10 10.1.2.3

int main(void) {
  wide();
  io();
  fflush(stdout);
  memory_and_numbers();
  system_calls();
  return 0;
}
