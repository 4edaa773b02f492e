// The wide scanf family into exact buffers, accept/accept4/getsockname/getpeername with exact
// address buffers, preadv/pwritev (and their 2 forms) over exact iovecs, statx into its struct:
// no finding.
// RUN: %ffisan_cc -O0 %s -o %t && echo 'word 42 x' | %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && echo 'word 42 x' | %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <wchar.h>

static int temp_file(const char *s) {
  FILE *f = tmpfile();
  if (!f || fputs(s, f) < 0 || fflush(f) != 0)
    abort();
  int fd = dup(fileno(f));
  lseek(fd, 0, SEEK_SET);
  return fd;
}

static int scan_wide(const wchar_t *in, const wchar_t *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vswscanf(in, fmt, ap);
  va_end(ap);
  return n;
}

static void wide_scanf(void) {
  wchar_t *word = malloc(5 * sizeof(wchar_t)); // "word" and its NUL
  int *n = malloc(sizeof(int));
  int got = wscanf(L"%4ls %d", word, n);
  char *narrow = malloc(6); // "hello" and its NUL
  wchar_t *c = malloc(sizeof(wchar_t));
  got += swscanf(L"hello z", L"%s %lc", narrow, c);
  long *l = malloc(sizeof(long));
  got += scan_wide(L"1234567890123", L"%ld", l);
  FILE *f = fdopen(temp_file("abc 7"), "r");
  wchar_t *abc = malloc(4 * sizeof(wchar_t));
  short *h = malloc(sizeof(short));
  got += fwscanf(f, L"%3ls %hd", abc, h);
  printf("%d %ls %d %s %lc %ld %ls %hd\n", got, word, *n, narrow, (wint_t)*c, *l, abc, *h);
  fclose(f);
  free(word);
  free(n);
  free(narrow);
  free(c);
  free(l);
  free(abc);
  free(h);
}
// CHECK: 7 word 42 hello z 1234567890123 abc 7

static void sockets(void) {
  struct sockaddr_un named = {.sun_family = AF_UNIX};
  snprintf(named.sun_path + 1, sizeof named.sun_path - 1, "ffisan-clean-%d", (int)getpid());
  socklen_t named_len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(named.sun_path + 1);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0 || bind(listener, (struct sockaddr *)&named, named_len) != 0 ||
      listen(listener, 4) != 0)
    abort();
  for (int i = 0; i < 3; i++) {
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&named, named_len) != 0)
      abort();
  }
  struct sockaddr_un *addr = malloc(sizeof *addr);
  socklen_t *len = malloc(sizeof *len);
  *len = sizeof *addr;
  int a = accept(listener, (struct sockaddr *)addr, len);
  *len = sizeof *addr;
  int b = accept4(listener, (struct sockaddr *)addr, len, SOCK_CLOEXEC);
  *len = sizeof *addr;
  int ok = getsockname(listener, (struct sockaddr *)addr, len) == 0 && *len == named_len;
  *len = sizeof *addr;
  ok &= getpeername(a, (struct sockaddr *)addr, len) == 0;
  int c = accept(listener, NULL, NULL); // no address asked for: nothing to check
  printf("%d %d\n", a >= 0 && b >= 0 && c >= 0, ok);
  close(a);
  close(c);
  close(b);
  close(listener);
  free(addr);
  free(len);
}
// CHECK-NEXT: 1 1

static void vectors_and_statx(void) {
  int fd = temp_file("");
  char *hello = malloc(5);
  memcpy(hello, "hello", 5);
  struct iovec *out = malloc(2 * sizeof *out);
  out[0] = (struct iovec){hello, 5};
  out[1] = (struct iovec){" world", 6};
  ssize_t n = pwritev(fd, out, 2, 0);
  n += pwritev2(fd, out, 1, 11, 0);
  char *a = malloc(3), *b = malloc(20);
  struct iovec *in = malloc(2 * sizeof *in);
  in[0] = (struct iovec){a, 3};
  in[1] = (struct iovec){b, 20}; // the file holds 16 bytes: 13 land here
  n += preadv(fd, in, 2, 0);
  n += preadv2(fd, in, 1, 6, 0);
  struct statx *sx = malloc(sizeof *sx);
  int st = statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, sx);
  printf("%zd %.3s %.13s %d %llu\n", n, a, b, st, (unsigned long long)sx->stx_size);
  close(fd);
  free(hello);
  free(out);
  free(a);
  free(b);
  free(in);
  free(sx);
}
// CHECK-NEXT: 35 wor lo worldhello 0 16

int main(void) {
  wide_scanf();
  fflush(stdout);
  sockets();
  fflush(stdout);
  vectors_and_statx();
  return 0;
}
