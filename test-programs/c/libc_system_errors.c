// The system's out-parameters and inputs: paths, file status, time, addresses; inputs checked
// before the call, what libc fills after it (and only when it says it did), with the caller on top.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 getcwd 2>&1 | FileCheck %s --check-prefix=GETCWD
// RUN: not %t2 getcwd 2>&1 | FileCheck %s --check-prefix=GETCWD
// RUN: not %t0 realpath 2>&1 | FileCheck %s --check-prefix=REALPATH
// RUN: not %t2 realpath 2>&1 | FileCheck %s --check-prefix=REALPATH
// RUN: not %t0 realpath_out 2>&1 | FileCheck %s --check-prefix=REALPATH_OUT
// RUN: not %t2 realpath_out 2>&1 | FileCheck %s --check-prefix=REALPATH_OUT
// RUN: not %t0 stat 2>&1 | FileCheck %s --check-prefix=STAT
// RUN: not %t2 stat 2>&1 | FileCheck %s --check-prefix=STAT
// RUN: not %t0 lstat 2>&1 | FileCheck %s --check-prefix=LSTAT
// RUN: not %t2 lstat 2>&1 | FileCheck %s --check-prefix=LSTAT
// RUN: not %t0 fstat 2>&1 | FileCheck %s --check-prefix=FSTAT
// RUN: not %t2 fstat 2>&1 | FileCheck %s --check-prefix=FSTAT
// RUN: not %t0 fstatat 2>&1 | FileCheck %s --check-prefix=FSTATAT
// RUN: not %t2 fstatat 2>&1 | FileCheck %s --check-prefix=FSTATAT
// RUN: not %t0 time 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not %t2 time 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not %t0 localtime 2>&1 | FileCheck %s --check-prefix=LOCALTIME
// RUN: not %t2 localtime 2>&1 | FileCheck %s --check-prefix=LOCALTIME
// RUN: not %t0 gmtime 2>&1 | FileCheck %s --check-prefix=GMTIME
// RUN: not %t2 gmtime 2>&1 | FileCheck %s --check-prefix=GMTIME
// RUN: not %t0 localtime_r 2>&1 | FileCheck %s --check-prefix=LOCALTIME_R
// RUN: not %t2 localtime_r 2>&1 | FileCheck %s --check-prefix=LOCALTIME_R
// RUN: not %t0 gmtime_r 2>&1 | FileCheck %s --check-prefix=GMTIME_R
// RUN: not %t2 gmtime_r 2>&1 | FileCheck %s --check-prefix=GMTIME_R
// RUN: not %t0 ctime 2>&1 | FileCheck %s --check-prefix=CTIME
// RUN: not %t2 ctime 2>&1 | FileCheck %s --check-prefix=CTIME
// RUN: not %t0 ctime_r 2>&1 | FileCheck %s --check-prefix=CTIME_R
// RUN: not %t2 ctime_r 2>&1 | FileCheck %s --check-prefix=CTIME_R
// RUN: not %t0 mktime 2>&1 | FileCheck %s --check-prefix=MKTIME
// RUN: not %t2 mktime 2>&1 | FileCheck %s --check-prefix=MKTIME
// RUN: not %t0 strftime 2>&1 | FileCheck %s --check-prefix=STRFTIME
// RUN: not %t2 strftime 2>&1 | FileCheck %s --check-prefix=STRFTIME
// RUN: not %t0 inet_ntop 2>&1 | FileCheck %s --check-prefix=INET_NTOP
// RUN: not %t2 inet_ntop 2>&1 | FileCheck %s --check-prefix=INET_NTOP
// RUN: not %t0 inet_ntop_out 2>&1 | FileCheck %s --check-prefix=INET_NTOP_OUT
// RUN: not %t2 inet_ntop_out 2>&1 | FileCheck %s --check-prefix=INET_NTOP_OUT
// RUN: not %t0 inet_pton 2>&1 | FileCheck %s --check-prefix=INET_PTON
// RUN: not %t2 inet_pton 2>&1 | FileCheck %s --check-prefix=INET_PTON
#include "Inputs/libc_cases.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static time_t *freed_time(void) {
  time_t *t = opaque(calloc(1, sizeof(time_t)));
  free(t);
  return opaque(t);
}

// getcwd is checked over the path it stored: "/tmp" and its NUL into 4 bytes.
__attribute__((noinline)) static void t_getcwd(void) {
  chdir("/tmp");
  char *buf = opaque(malloc(4));
  keep((long)getcwd(buf, 4096));
  // GETCWD: ERROR: ffisan: heap-buffer-overflow
  // GETCWD: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // GETCWD: #0 {{.*}} in getcwd ({{.*}})
  // GETCWD: #1 {{.*}} in t_getcwd {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_realpath(void) {
  char *path = freed_copy("/tmp");
  char resolved[PATH_MAX];
  keep((long)realpath(path, resolved));
  // REALPATH: ERROR: ffisan: heap-use-after-free
  // REALPATH: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // REALPATH: #0 {{.*}} in realpath ({{.*}})
  // REALPATH: #1 {{.*}} in t_realpath {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_realpath_out(void) {
  char *resolved = opaque(malloc(4));
  keep((long)realpath("/tmp", resolved));
  // REALPATH_OUT: ERROR: ffisan: heap-buffer-overflow
  // REALPATH_OUT: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // REALPATH_OUT: #0 {{.*}} in realpath ({{.*}})
  // REALPATH_OUT: #1 {{.*}} in t_realpath_out {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_stat(void) {
  struct stat *st = opaque(malloc(sizeof(struct stat)));
  free(st);
  keep(stat("/", st));
  // STAT: ERROR: ffisan: heap-use-after-free
  // STAT: WRITE of size 144 at {{0x[0-9a-f]+}} thread T0
  // STAT: #0 {{.*}} in stat ({{.*}})
  // STAT: #1 {{.*}} in t_stat {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_lstat(void) {
  char *path = freed_copy("/");
  struct stat st;
  keep(lstat(path, &st));
  // LSTAT: ERROR: ffisan: heap-use-after-free
  // LSTAT: READ of size 2 at {{0x[0-9a-f]+}} thread T0
  // LSTAT: #0 {{.*}} in lstat ({{.*}})
  // LSTAT: #1 {{.*}} in t_lstat {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fstat(void) {
  struct stat *st = opaque(malloc(sizeof(struct stat) - 8));
  keep(fstat(0, st));
  // FSTAT: ERROR: ffisan: heap-buffer-overflow
  // FSTAT: WRITE of size 144 at {{0x[0-9a-f]+}} thread T0
  // FSTAT: #0 {{.*}} in fstat ({{.*}})
  // FSTAT: #1 {{.*}} in t_fstat {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fstatat(void) {
  struct stat *st = opaque(malloc(sizeof(struct stat)));
  free(st);
  keep(fstatat(AT_FDCWD, "/", st, 0));
  // FSTATAT: ERROR: ffisan: heap-use-after-free
  // FSTATAT: WRITE of size 144 at {{0x[0-9a-f]+}} thread T0
  // FSTATAT: #0 {{.*}} in fstatat ({{.*}})
  // FSTATAT: #1 {{.*}} in t_fstatat {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_time(void) {
  time_t *t = opaque(malloc(sizeof(time_t)));
  free(t);
  keep(time(t));
  // TIME: ERROR: ffisan: heap-use-after-free
  // TIME: WRITE of size 8 at {{0x[0-9a-f]+}} thread T0
  // TIME: #0 {{.*}} in time (linux-vdso.so.1+0x{{[0-9a-f]+}})
  // TIME: #1 {{.*}} in t_time {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_localtime(void) {
  time_t *t = freed_time();
  keep((long)localtime(t));
  // LOCALTIME: ERROR: ffisan: heap-use-after-free
  // LOCALTIME: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // LOCALTIME: #0 {{.*}} in localtime ({{.*}})
  // LOCALTIME: #1 {{.*}} in t_localtime {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_gmtime(void) {
  time_t *t = freed_time();
  keep((long)gmtime(t));
  // GMTIME: ERROR: ffisan: heap-use-after-free
  // GMTIME: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // GMTIME: #0 {{.*}} in gmtime ({{.*}})
  // GMTIME: #1 {{.*}} in t_gmtime {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_localtime_r(void) {
  time_t now = 0;
  struct tm *out = opaque(malloc(sizeof(struct tm) - 8));
  keep((long)localtime_r(&now, out));
  // LOCALTIME_R: ERROR: ffisan: heap-buffer-overflow
  // LOCALTIME_R: WRITE of size 56 at {{0x[0-9a-f]+}} thread T0
  // LOCALTIME_R: #0 {{.*}} in localtime_r ({{.*}})
  // LOCALTIME_R: #1 {{.*}} in t_localtime_r {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_gmtime_r(void) {
  time_t *t = freed_time();
  struct tm out;
  keep((long)gmtime_r(t, &out));
  // GMTIME_R: ERROR: ffisan: heap-use-after-free
  // GMTIME_R: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // GMTIME_R: #0 {{.*}} in gmtime_r ({{.*}})
  // GMTIME_R: #1 {{.*}} in t_gmtime_r {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_ctime(void) {
  time_t *t = freed_time();
  keep((long)ctime(t));
  // CTIME: ERROR: ffisan: heap-use-after-free
  // CTIME: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // CTIME: #0 {{.*}} in ctime ({{.*}})
  // CTIME: #1 {{.*}} in t_ctime {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_ctime_r(void) {
  time_t now = 0;
  char *buf = opaque(malloc(8));
  keep((long)ctime_r(&now, buf));
  // CTIME_R: ERROR: ffisan: heap-buffer-overflow
  // CTIME_R: WRITE of size 26 at {{0x[0-9a-f]+}} thread T0
  // CTIME_R: #0 {{.*}} in ctime_r ({{.*}})
  // CTIME_R: #1 {{.*}} in t_ctime_r {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_mktime(void) {
  struct tm *tm = opaque(calloc(1, sizeof(struct tm)));
  free(tm);
  keep(mktime(tm));
  // MKTIME: ERROR: ffisan: heap-use-after-free
  // MKTIME: READ of size 56 at {{0x[0-9a-f]+}} thread T0
  // MKTIME: #0 {{.*}} in mktime ({{.*}})
  // MKTIME: #1 {{.*}} in t_mktime {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_strftime(void) {
  time_t now = 0;
  struct tm tm;
  gmtime_r(&now, &tm);
  char *buf = opaque(malloc(4));
  keep(strftime(buf, 64, "%Y-%m-%d", &tm));
  // STRFTIME: ERROR: ffisan: heap-buffer-overflow
  // STRFTIME: WRITE of size 11 at {{0x[0-9a-f]+}} thread T0
  // STRFTIME: #0 {{.*}} in strftime ({{.*}})
  // STRFTIME: #1 {{.*}} in t_strftime {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_inet_ntop(void) {
  struct in_addr *a = opaque(malloc(sizeof *a));
  free(a);
  char text[INET_ADDRSTRLEN];
  keep((long)inet_ntop(AF_INET, a, text, sizeof text));
  // INET_NTOP: ERROR: ffisan: heap-use-after-free
  // INET_NTOP: READ of size 4 at {{0x[0-9a-f]+}} thread T0
  // INET_NTOP: #0 {{.*}} in inet_ntop ({{.*}})
  // INET_NTOP: #1 {{.*}} in t_inet_ntop {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_inet_ntop_out(void) {
  struct in_addr a = {htonl(0x7f000001)};
  char *text = opaque(malloc(4));
  keep((long)inet_ntop(AF_INET, &a, text, INET_ADDRSTRLEN));
  // INET_NTOP_OUT: ERROR: ffisan: heap-buffer-overflow
  // INET_NTOP_OUT: WRITE of size 10 at {{0x[0-9a-f]+}} thread T0
  // INET_NTOP_OUT: #0 {{.*}} in inet_ntop ({{.*}})
  // INET_NTOP_OUT: #1 {{.*}} in t_inet_ntop_out {{.*}}libc_system_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_inet_pton(void) {
  void *out = opaque(malloc(2));
  keep(inet_pton(AF_INET, "10.0.0.1", out));
  // INET_PTON: ERROR: ffisan: heap-buffer-overflow
  // INET_PTON: WRITE of size 4 at {{0x[0-9a-f]+}} thread T0
  // INET_PTON: #0 {{.*}} in inet_pton ({{.*}})
  // INET_PTON: #1 {{.*}} in t_inet_pton {{.*}}libc_system_errors.c:[[@LINE-4]]
}

static const struct libc_case cases[] = {
    {"getcwd", t_getcwd},
    {"realpath", t_realpath},
    {"realpath_out", t_realpath_out},
    {"stat", t_stat},
    {"lstat", t_lstat},
    {"fstat", t_fstat},
    {"fstatat", t_fstatat},
    {"time", t_time},
    {"localtime", t_localtime},
    {"gmtime", t_gmtime},
    {"localtime_r", t_localtime_r},
    {"gmtime_r", t_gmtime_r},
    {"ctime", t_ctime},
    {"ctime_r", t_ctime_r},
    {"mktime", t_mktime},
    {"strftime", t_strftime},
    {"inet_ntop", t_inet_ntop},
    {"inet_ntop_out", t_inet_ntop_out},
    {"inet_pton", t_inet_pton},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
