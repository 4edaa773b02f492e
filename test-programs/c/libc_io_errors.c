// Stream and descriptor I/O: what libc or the kernel reads from the program is checked before
// the call, what it stores after it, over the length it reports, with the caller on top.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 puts 2>&1 | FileCheck %s --check-prefix=PUTS
// RUN: not %t2 puts 2>&1 | FileCheck %s --check-prefix=PUTS
// RUN: not %t0 fputs 2>&1 | FileCheck %s --check-prefix=FPUTS
// RUN: not %t2 fputs 2>&1 | FileCheck %s --check-prefix=FPUTS
// RUN: not %t0 fgets 2>&1 | FileCheck %s --check-prefix=FGETS
// RUN: not %t2 fgets 2>&1 | FileCheck %s --check-prefix=FGETS
// RUN: not %t0 fread 2>&1 | FileCheck %s --check-prefix=FREAD
// RUN: not %t2 fread 2>&1 | FileCheck %s --check-prefix=FREAD
// RUN: not %t0 fwrite 2>&1 | FileCheck %s --check-prefix=FWRITE
// RUN: not %t2 fwrite 2>&1 | FileCheck %s --check-prefix=FWRITE
// RUN: not %t0 getline 2>&1 | FileCheck %s --check-prefix=GETLINE
// RUN: not %t2 getline 2>&1 | FileCheck %s --check-prefix=GETLINE
// RUN: not %t0 getdelim 2>&1 | FileCheck %s --check-prefix=GETDELIM
// RUN: not %t2 getdelim 2>&1 | FileCheck %s --check-prefix=GETDELIM
// RUN: not %t0 read 2>&1 | FileCheck %s --check-prefix=READ
// RUN: not %t2 read 2>&1 | FileCheck %s --check-prefix=READ
// RUN: not %t0 pread 2>&1 | FileCheck %s --check-prefix=PREAD
// RUN: not %t2 pread 2>&1 | FileCheck %s --check-prefix=PREAD
// RUN: not %t0 write 2>&1 | FileCheck %s --check-prefix=WRITE
// RUN: not %t2 write 2>&1 | FileCheck %s --check-prefix=WRITE
// RUN: not %t0 pwrite 2>&1 | FileCheck %s --check-prefix=PWRITE
// RUN: not %t2 pwrite 2>&1 | FileCheck %s --check-prefix=PWRITE
// RUN: not %t0 send 2>&1 | FileCheck %s --check-prefix=SEND
// RUN: not %t2 send 2>&1 | FileCheck %s --check-prefix=SEND
// RUN: not %t0 recv 2>&1 | FileCheck %s --check-prefix=RECV
// RUN: not %t2 recv 2>&1 | FileCheck %s --check-prefix=RECV
// RUN: not %t0 sendto 2>&1 | FileCheck %s --check-prefix=SENDTO
// RUN: not %t2 sendto 2>&1 | FileCheck %s --check-prefix=SENDTO
// RUN: not %t0 recvfrom 2>&1 | FileCheck %s --check-prefix=RECVFROM
// RUN: not %t2 recvfrom 2>&1 | FileCheck %s --check-prefix=RECVFROM
// RUN: not %t0 readv 2>&1 | FileCheck %s --check-prefix=READV
// RUN: not %t2 readv 2>&1 | FileCheck %s --check-prefix=READV
// RUN: not %t0 writev 2>&1 | FileCheck %s --check-prefix=WRITEV
// RUN: not %t2 writev 2>&1 | FileCheck %s --check-prefix=WRITEV
#include "Inputs/libc_cases.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static FILE *input(const char *text) { return fmemopen((void *)text, strlen(text), "r"); }

static void pipe_with(int fds[2], const char *text) {
  if (pipe(fds) != 0 || write(fds[1], text, strlen(text)) < 0)
    exit(3);
}

static int file_with(const char *text) {
  int fd = fileno(tmpfile());
  if (write(fd, text, strlen(text)) < 0)
    exit(3);
  return fd;
}

__attribute__((noinline)) static void t_puts(void) {
  char *s = freed_copy("abc");
  puts(s);
  // PUTS: ERROR: ffisan: heap-use-after-free
  // PUTS: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // PUTS: #0 {{.*}} in puts ({{.*}})
  // PUTS: #1 {{.*}} in t_puts {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fputs(void) {
  char *s = freed_copy("abc");
  fputs(s, stdout);
  // FPUTS: ERROR: ffisan: heap-use-after-free
  // FPUTS: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // FPUTS: #0 {{.*}} in fputs ({{.*}})
  // FPUTS: #1 {{.*}} in t_fputs {{.*}}libc_io_errors.c:[[@LINE-4]]
}

// fgets is checked over the line it stored and its NUL.
__attribute__((noinline)) static void t_fgets(void) {
  FILE *in = input("hello world\n");
  char *buf = opaque(malloc(4));
  fgets(buf, 16, in);
  // FGETS: ERROR: ffisan: heap-buffer-overflow
  // FGETS: WRITE of size 13 at {{0x[0-9a-f]+}} thread T0
  // FGETS: #0 {{.*}} in fgets ({{.*}})
  // FGETS: #1 {{.*}} in t_fgets {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fread(void) {
  FILE *in = input("0123456789");
  char *buf = opaque(malloc(4));
  fread(buf, 1, 8, in);
  // FREAD: ERROR: ffisan: heap-buffer-overflow
  // FREAD: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // FREAD: #0 {{.*}} in fread ({{.*}})
  // FREAD: #1 {{.*}} in t_fread {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fwrite(void) {
  char *s = freed_copy("abc");
  fwrite(s, 1, 3, stdout);
  // FWRITE: ERROR: ffisan: heap-use-after-free
  // FWRITE: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // FWRITE: #0 {{.*}} in fwrite ({{.*}})
  // FWRITE: #1 {{.*}} in t_fwrite {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_getline(void) {
  FILE *in = input("line\n");
  char **slot = opaque(calloc(1, sizeof(char *)));
  size_t cap = 0;
  free(slot);
  getline(slot, &cap, in);
  // GETLINE: ERROR: ffisan: heap-use-after-free
  // GETLINE: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // At -O2 glibc's inline getline (bits/stdio.h, which calls __getdelim) is frame #0.
  // GETLINE: {{#[01]}} {{.*}} in t_getline {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_getdelim(void) {
  FILE *in = input("a,b");
  char *line = NULL;
  size_t *cap = opaque(calloc(1, sizeof(size_t)));
  free(cap);
  getdelim(&line, cap, ',', in);
  // GETDELIM: ERROR: ffisan: heap-use-after-free
  // GETDELIM: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // GETDELIM: #0 {{.*}} in getdelim ({{.*}})
  // GETDELIM: #1 {{.*}} in t_getdelim {{.*}}libc_io_errors.c:[[@LINE-4]]
}

// read is checked over the count it returned.
__attribute__((noinline)) static void t_read(void) {
  int fds[2];
  pipe_with(fds, "hello");
  char *buf = opaque(malloc(4));
  read(fds[0], buf, 16);
  // READ: ERROR: ffisan: heap-buffer-overflow
  // READ: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // READ: #0 {{.*}} in read ({{.*}})
  // READ: #1 {{.*}} in t_read {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_pread(void) {
  int fd = file_with("hello");
  char *buf = opaque(malloc(4));
  pread(fd, buf, 16, 0);
  // PREAD: ERROR: ffisan: heap-buffer-overflow
  // PREAD: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // PREAD: #0 {{.*}} in pread ({{.*}})
  // PREAD: #1 {{.*}} in t_pread {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_write(void) {
  char *s = freed_copy("abc");
  write(1, s, 3);
  // WRITE: ERROR: ffisan: heap-use-after-free
  // WRITE: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // WRITE: #0 {{.*}} in write ({{.*}})
  // WRITE: #1 {{.*}} in t_write {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_pwrite(void) {
  int fd = file_with("");
  char *s = freed_copy("abc");
  pwrite(fd, s, 3, 0);
  // PWRITE: ERROR: ffisan: heap-use-after-free
  // PWRITE: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // PWRITE: #0 {{.*}} in pwrite ({{.*}})
  // PWRITE: #1 {{.*}} in t_pwrite {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_send(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char *s = freed_copy("abc");
  send(sv[0], s, 4, 0);
  // SEND: ERROR: ffisan: heap-use-after-free
  // SEND: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // SEND: #0 {{.*}} in send ({{.*}})
  // SEND: #1 {{.*}} in t_send {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_recv(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  send(sv[0], "hello", 5, 0);
  char *buf = opaque(malloc(4));
  recv(sv[1], buf, 16, 0);
  // RECV: ERROR: ffisan: heap-buffer-overflow
  // RECV: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // RECV: #0 {{.*}} in recv ({{.*}})
  // RECV: #1 {{.*}} in t_recv {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_sendto(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  char *s = freed_copy("abc");
  sendto(sv[0], s, 4, 0, NULL, 0);
  // SENDTO: ERROR: ffisan: heap-use-after-free
  // SENDTO: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // SENDTO: #0 {{.*}} in sendto ({{.*}})
  // SENDTO: #1 {{.*}} in t_sendto {{.*}}libc_io_errors.c:[[@LINE-4]]
}

// The address buffer must hold the *len bytes the program says it has.
__attribute__((noinline)) static void t_recvfrom(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "x", 1, 0);
  char buf[4];
  struct sockaddr *from = opaque(malloc(4));
  socklen_t len = 16;
  recvfrom(sv[1], buf, sizeof buf, 0, from, &len);
  // RECVFROM: ERROR: ffisan: heap-buffer-overflow
  // RECVFROM: WRITE of size 16 at {{0x[0-9a-f]+}} thread T0
  // RECVFROM: #0 {{.*}} in recvfrom ({{.*}})
  // RECVFROM: #1 {{.*}} in t_recvfrom {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_readv(void) {
  int fds[2];
  pipe_with(fds, "hello");
  struct iovec iov = {opaque(malloc(4)), 16};
  readv(fds[0], &iov, 1);
  // READV: ERROR: ffisan: heap-buffer-overflow
  // READV: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // READV: #0 {{.*}} in readv ({{.*}})
  // READV: #1 {{.*}} in t_readv {{.*}}libc_io_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_writev(void) {
  struct iovec iov[2] = {{"ok", 2}, {freed_copy("abc"), 3}};
  writev(1, iov, 2);
  // WRITEV: ERROR: ffisan: heap-use-after-free
  // WRITEV: READ of size 3 at {{0x[0-9a-f]+}} thread T0
  // WRITEV: #0 {{.*}} in writev ({{.*}})
  // WRITEV: #1 {{.*}} in t_writev {{.*}}libc_io_errors.c:[[@LINE-4]]
}

static const struct libc_case cases[] = {
    {"puts", t_puts},
    {"fputs", t_fputs},
    {"fgets", t_fgets},
    {"fread", t_fread},
    {"fwrite", t_fwrite},
    {"getline", t_getline},
    {"getdelim", t_getdelim},
    {"read", t_read},
    {"pread", t_pread},
    {"write", t_write},
    {"pwrite", t_pwrite},
    {"send", t_send},
    {"recv", t_recv},
    {"sendto", t_sendto},
    {"recvfrom", t_recvfrom},
    {"readv", t_readv},
    {"writev", t_writev},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
