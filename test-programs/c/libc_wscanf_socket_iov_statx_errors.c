// The wide scanf family, the socket calls that return an address through (addr, *len), preadv/
// pwritev and statx: checked at the call, with the caller on top. A wide scanf's targets after the
// call (as scanf's); the address buffer before it, *len bytes by the program's own account (as
// recvfrom's); preadv's buffers after it over the count returned; statx's 256-byte struct on success.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: echo hello | not %t0 wscanf 2>&1 | FileCheck %s --check-prefix=WSCANF
// RUN: echo hello | not %t2 wscanf 2>&1 | FileCheck %s --check-prefix=WSCANF
// RUN: not %t0 fwscanf 2>&1 | FileCheck %s --check-prefix=FWSCANF
// RUN: not %t2 fwscanf 2>&1 | FileCheck %s --check-prefix=FWSCANF
// RUN: not %t0 swscanf 2>&1 | FileCheck %s --check-prefix=SWSCANF
// RUN: not %t2 swscanf 2>&1 | FileCheck %s --check-prefix=SWSCANF
// RUN: not %t0 swscanf_narrow 2>&1 | FileCheck %s --check-prefix=SWSCANF_NARROW
// RUN: not %t2 swscanf_narrow 2>&1 | FileCheck %s --check-prefix=SWSCANF_NARROW
// RUN: echo 42 | not %t0 vwscanf 2>&1 | FileCheck %s --check-prefix=VWSCANF
// RUN: echo 42 | not %t2 vwscanf 2>&1 | FileCheck %s --check-prefix=VWSCANF
// RUN: not %t0 vfwscanf 2>&1 | FileCheck %s --check-prefix=VFWSCANF
// RUN: not %t2 vfwscanf 2>&1 | FileCheck %s --check-prefix=VFWSCANF
// RUN: not %t0 vswscanf 2>&1 | FileCheck %s --check-prefix=VSWSCANF
// RUN: not %t2 vswscanf 2>&1 | FileCheck %s --check-prefix=VSWSCANF
// RUN: not %t0 accept 2>&1 | FileCheck %s --check-prefix=ACCEPT
// RUN: not %t2 accept 2>&1 | FileCheck %s --check-prefix=ACCEPT
// RUN: not %t0 accept4 2>&1 | FileCheck %s --check-prefix=ACCEPT4
// RUN: not %t2 accept4 2>&1 | FileCheck %s --check-prefix=ACCEPT4
// RUN: not %t0 getsockname 2>&1 | FileCheck %s --check-prefix=GETSOCKNAME
// RUN: not %t2 getsockname 2>&1 | FileCheck %s --check-prefix=GETSOCKNAME
// RUN: not %t0 getpeername 2>&1 | FileCheck %s --check-prefix=GETPEERNAME
// RUN: not %t2 getpeername 2>&1 | FileCheck %s --check-prefix=GETPEERNAME
// RUN: not %t0 preadv 2>&1 | FileCheck %s --check-prefix=PREADV
// RUN: not %t2 preadv 2>&1 | FileCheck %s --check-prefix=PREADV
// RUN: not %t0 preadv2 2>&1 | FileCheck %s --check-prefix=PREADV2
// RUN: not %t2 preadv2 2>&1 | FileCheck %s --check-prefix=PREADV2
// RUN: not %t0 pwritev 2>&1 | FileCheck %s --check-prefix=PWRITEV
// RUN: not %t2 pwritev 2>&1 | FileCheck %s --check-prefix=PWRITEV
// RUN: not %t0 pwritev2 2>&1 | FileCheck %s --check-prefix=PWRITEV2
// RUN: not %t2 pwritev2 2>&1 | FileCheck %s --check-prefix=PWRITEV2
// RUN: not %t0 statx 2>&1 | FileCheck %s --check-prefix=STATX
// RUN: not %t2 statx 2>&1 | FileCheck %s --check-prefix=STATX
// RUN: not %t0 statx_path 2>&1 | FileCheck %s --check-prefix=STATX_PATH
// RUN: not %t2 statx_path 2>&1 | FileCheck %s --check-prefix=STATX_PATH
#include "Inputs/libc_cases.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <wchar.h>

static wchar_t *freed_wide(const wchar_t *s) {
  wchar_t *p = opaque(wcsdup(s));
  free(p);
  return opaque(p);
}

static int temp_file(const char *s) {
  FILE *f = tmpfile();
  if (!f || fputs(s, f) < 0 || fflush(f) != 0)
    abort();
  int fd = dup(fileno(f));
  lseek(fd, 0, SEEK_SET);
  return fd;
}

// A listening socket with `pending` connections waiting, so accept never blocks.
static int listening_socket(int pending) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "ffisan-%d", (int)getpid());
  socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr.sun_path + 1);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) != 0 || listen(listener, 4) != 0)
    abort();
  for (int i = 0; i < pending; i++) {
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&addr, len) != 0)
      abort();
  }
  return listener;
}

__attribute__((noinline)) static void call_vwscanf(const wchar_t *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  keep(vwscanf(fmt, ap));
  va_end(ap);
}

__attribute__((noinline)) static void call_vfwscanf(const wchar_t *fmt, ...) {
  FILE *f = fdopen(temp_file("x"), "r");
  va_list ap;
  va_start(ap, fmt);
  keep(vfwscanf(f, fmt, ap));
  va_end(ap);
}

__attribute__((noinline)) static void call_vswscanf(const wchar_t *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  keep(vswscanf(L"123456789012", fmt, ap));
  va_end(ap);
}

__attribute__((noinline)) static void t_wscanf(void) {
  wchar_t *w = malloc(2 * sizeof(wchar_t));
  keep(wscanf(L"%ls", w));
  // WSCANF: ERROR: ffisan: heap-buffer-overflow
  // WSCANF: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WSCANF: #0 {{.*}} in __isoc99_wscanf ({{.*}})
  // WSCANF: #1 {{.*}} in t_wscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fwscanf(void) {
  wchar_t *w = malloc(4 * sizeof(wchar_t));
  FILE *f = fdopen(temp_file("12345"), "r");
  keep(fwscanf(f, L"%5ls", w));
  // FWSCANF: ERROR: ffisan: heap-buffer-overflow
  // FWSCANF: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // FWSCANF: #0 {{.*}} in __isoc99_fwscanf ({{.*}})
  // FWSCANF: #1 {{.*}} in t_fwscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_swscanf(void) {
  wchar_t *in = freed_wide(L"12");
  int i;
  keep(swscanf(in, L"%d", &i));
  // SWSCANF: ERROR: ffisan: heap-use-after-free
  // SWSCANF: READ of size 12 at {{0x[0-9a-f]+}} thread T0
  // SWSCANF: #0 {{.*}} in __isoc99_swscanf ({{.*}})
  // SWSCANF: #1 {{.*}} in t_swscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_swscanf_narrow(void) {
  char *p = malloc(4);
  keep(swscanf(L"hello", L"%s", p));
  // SWSCANF_NARROW: ERROR: ffisan: heap-buffer-overflow
  // SWSCANF_NARROW: WRITE of size 6 at {{0x[0-9a-f]+}} thread T0
  // SWSCANF_NARROW: #0 {{.*}} in __isoc99_swscanf ({{.*}})
  // SWSCANF_NARROW: #1 {{.*}} in t_swscanf_narrow {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_vwscanf(void) {
  int *i = opaque(malloc(sizeof(int)));
  free(i);
  call_vwscanf(L"%d", i);
  keep(0); // not a tail call: this frame stays in the stack
  // VWSCANF: ERROR: ffisan: heap-use-after-free
  // VWSCANF: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // VWSCANF: #0 {{.*}} in __isoc99_vwscanf ({{.*}})
  // VWSCANF: #1 {{.*}} in call_vwscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c
  // VWSCANF: #2 {{.*}} in t_vwscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-6]]
}

__attribute__((noinline)) static void t_vfwscanf(void) {
  wchar_t *c = opaque(malloc(sizeof(wchar_t)));
  free(c);
  call_vfwscanf(L"%lc", c);
  keep(0); // not a tail call: this frame stays in the stack
  // VFWSCANF: ERROR: ffisan: heap-use-after-free
  // VFWSCANF: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // VFWSCANF: #0 {{.*}} in __isoc99_vfwscanf ({{.*}})
  // VFWSCANF: #1 {{.*}} in call_vfwscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c
  // VFWSCANF: #2 {{.*}} in t_vfwscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-6]]
}

__attribute__((noinline)) static void t_vswscanf(void) {
  long *l = opaque(malloc(4));
  call_vswscanf(L"%ld", l);
  keep(0); // not a tail call: this frame stays in the stack
  // VSWSCANF: ERROR: ffisan: heap-buffer-overflow
  // VSWSCANF: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // VSWSCANF: #0 {{.*}} in __isoc99_vswscanf ({{.*}})
  // VSWSCANF: #1 {{.*}} in call_vswscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c
  // VSWSCANF: #2 {{.*}} in t_vswscanf {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-6]]
}

__attribute__((noinline)) static void t_accept(void) {
  int listener = listening_socket(1);
  struct sockaddr_un *addr = opaque(malloc(4));
  socklen_t len = sizeof(struct sockaddr_un);
  keep(accept(listener, (struct sockaddr *)addr, &len));
  // ACCEPT: ERROR: ffisan: heap-buffer-overflow
  // ACCEPT: WRITE of size 110 at {{0x[0-9a-f]+}} thread T0
  // ACCEPT: #0 {{.*}} in accept ({{.*}})
  // ACCEPT: #1 {{.*}} in t_accept {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_accept4(void) {
  int listener = listening_socket(1);
  struct sockaddr_un addr;
  socklen_t *len = opaque(malloc(sizeof(socklen_t)));
  free(len);
  keep(accept4(listener, (struct sockaddr *)&addr, len, SOCK_CLOEXEC));
  // ACCEPT4: ERROR: ffisan: heap-use-after-free
  // ACCEPT4: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // ACCEPT4: #0 {{.*}} in accept4 ({{.*}})
  // ACCEPT4: #1 {{.*}} in t_accept4 {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_getsockname(void) {
  int fds[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
  struct sockaddr_un *addr = opaque(malloc(4));
  socklen_t len = sizeof(struct sockaddr_un);
  keep(getsockname(fds[0], (struct sockaddr *)addr, &len));
  // GETSOCKNAME: ERROR: ffisan: heap-buffer-overflow
  // GETSOCKNAME: WRITE of size 110 at {{0x[0-9a-f]+}} thread T0
  // GETSOCKNAME: #0 {{.*}} in getsockname ({{.*}})
  // GETSOCKNAME: #1 {{.*}} in t_getsockname {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_getpeername(void) {
  int fds[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
  struct sockaddr_un *addr = opaque(malloc(sizeof *addr));
  free(addr);
  socklen_t len = sizeof(struct sockaddr_un);
  keep(getpeername(fds[0], (struct sockaddr *)addr, &len));
  // GETPEERNAME: ERROR: ffisan: heap-use-after-free
  // GETPEERNAME: WRITE of size 110 at {{0x[0-9a-f]+}} thread T0
  // GETPEERNAME: #0 {{.*}} in getpeername ({{.*}})
  // GETPEERNAME: #1 {{.*}} in t_getpeername {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_preadv(void) {
  int fd = temp_file("hello");
  struct iovec iov = {opaque(malloc(4)), 16};
  keep(preadv(fd, &iov, 1, 0));
  // PREADV: ERROR: ffisan: heap-buffer-overflow
  // PREADV: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // PREADV: #0 {{.*}} in preadv ({{.*}})
  // PREADV: #1 {{.*}} in t_preadv {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_preadv2(void) {
  int fd = temp_file("hello");
  struct iovec iov[2] = {{opaque(malloc(2)), 2}, {opaque(malloc(2)), 16}};
  keep(preadv2(fd, iov, 2, 0, 0));
  // PREADV2: ERROR: ffisan: heap-buffer-overflow
  // PREADV2: WRITE of size 3 at {{0x[0-9a-f]+}} thread T0
  // PREADV2: #0 {{.*}} in preadv2 ({{.*}})
  // PREADV2: #1 {{.*}} in t_preadv2 {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_pwritev(void) {
  int fd = temp_file("");
  struct iovec iov[2] = {{"ok", 2}, {freed_copy("abc"), 3}};
  keep(pwritev(fd, iov, 2, 0));
  // PWRITEV: ERROR: ffisan: heap-use-after-free
  // PWRITEV: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // PWRITEV: #0 {{.*}} in pwritev ({{.*}})
  // PWRITEV: #1 {{.*}} in t_pwritev {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_pwritev2(void) {
  int fd = temp_file("");
  struct iovec *iov = opaque(malloc(sizeof *iov));
  free(iov);
  keep(pwritev2(fd, iov, 1, 0, 0));
  // PWRITEV2: ERROR: ffisan: heap-use-after-free
  // PWRITEV2: READ of size 16 at {{0x[0-9a-f]+}} thread T0
  // PWRITEV2: #0 {{.*}} in pwritev2 ({{.*}})
  // PWRITEV2: #1 {{.*}} in t_pwritev2 {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_statx(void) {
  struct statx *sx = opaque(malloc(128));
  keep(statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS, sx));
  // STATX: ERROR: ffisan: heap-buffer-overflow
  // STATX: WRITE of size 256 at {{0x[0-9a-f]+}} thread T0
  // STATX: #0 {{.*}} in statx ({{.*}})
  // STATX: #1 {{.*}} in t_statx {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_statx_path(void) {
  char *path = freed_copy("/tmp");
  struct statx sx;
  keep(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx));
  // STATX_PATH: ERROR: ffisan: heap-use-after-free
  // STATX_PATH: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // STATX_PATH: #0 {{.*}} in statx ({{.*}})
  // STATX_PATH: #1 {{.*}} in t_statx_path {{.*}}libc_wscanf_socket_iov_statx_errors.c:[[@LINE-4]]
}

static const struct libc_case cases[] = {
    {"wscanf", t_wscanf},
    {"fwscanf", t_fwscanf},
    {"swscanf", t_swscanf},
    {"swscanf_narrow", t_swscanf_narrow},
    {"vwscanf", t_vwscanf},
    {"vfwscanf", t_vfwscanf},
    {"vswscanf", t_vswscanf},
    {"accept", t_accept},
    {"accept4", t_accept4},
    {"getsockname", t_getsockname},
    {"getpeername", t_getpeername},
    {"preadv", t_preadv},
    {"preadv2", t_preadv2},
    {"pwritev", t_pwritev},
    {"pwritev2", t_pwritev2},
    {"statx", t_statx},
    {"statx_path", t_statx_path},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
