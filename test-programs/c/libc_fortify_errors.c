// _FORTIFY_SOURCE: glibc's headers turn the calls ffisan checks into __memcpy_chk, __sprintf_chk,
// __printf_chk...; each gets its plain function's check, reported at the program's line (where the
// header's inline wrapper is a frame of its own, it names the function the program called). A length
// glibc refuses (__read_chk asking for more than the buffer) is checked before glibc aborts.
// RUN: %ffisan_cc -O2 -D_FORTIFY_SOURCE=2 %s -o %t2 && %ffisan_cc -O2 -D_FORTIFY_SOURCE=3 %s -o %t3
// RUN: llvm-nm %t2 | FileCheck %s --check-prefix=SYMS
// RUN: llvm-nm %t3 | FileCheck %s --check-prefix=SYMS
// RUN: not %t2 memcpy 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: not %t3 memcpy 2>&1 | FileCheck %s --check-prefix=MEMCPY
// RUN: not %t2 memmove 2>&1 | FileCheck %s --check-prefix=MEMMOVE
// RUN: not %t3 memmove 2>&1 | FileCheck %s --check-prefix=MEMMOVE
// RUN: not %t2 mempcpy 2>&1 | FileCheck %s --check-prefix=MEMPCPY
// RUN: not %t3 mempcpy 2>&1 | FileCheck %s --check-prefix=MEMPCPY
// RUN: not %t2 memset 2>&1 | FileCheck %s --check-prefix=MEMSET
// RUN: not %t3 memset 2>&1 | FileCheck %s --check-prefix=MEMSET
// RUN: not %t2 strcpy 2>&1 | FileCheck %s --check-prefix=STRCPY
// RUN: not %t3 strcpy 2>&1 | FileCheck %s --check-prefix=STRCPY
// RUN: not %t2 stpcpy 2>&1 | FileCheck %s --check-prefix=STPCPY
// RUN: not %t3 stpcpy 2>&1 | FileCheck %s --check-prefix=STPCPY
// RUN: not %t2 strncpy 2>&1 | FileCheck %s --check-prefix=STRNCPY
// RUN: not %t3 strncpy 2>&1 | FileCheck %s --check-prefix=STRNCPY
// RUN: not %t2 stpncpy 2>&1 | FileCheck %s --check-prefix=STPNCPY
// RUN: not %t3 stpncpy 2>&1 | FileCheck %s --check-prefix=STPNCPY
// RUN: not %t2 strcat 2>&1 | FileCheck %s --check-prefix=STRCAT
// RUN: not %t3 strcat 2>&1 | FileCheck %s --check-prefix=STRCAT
// RUN: not %t2 strncat 2>&1 | FileCheck %s --check-prefix=STRNCAT
// RUN: not %t3 strncat 2>&1 | FileCheck %s --check-prefix=STRNCAT
// RUN: not %t2 wmemcpy 2>&1 | FileCheck %s --check-prefix=WMEMCPY
// RUN: not %t3 wmemcpy 2>&1 | FileCheck %s --check-prefix=WMEMCPY
// RUN: not %t2 wmemmove 2>&1 | FileCheck %s --check-prefix=WMEMMOVE
// RUN: not %t3 wmemmove 2>&1 | FileCheck %s --check-prefix=WMEMMOVE
// RUN: not %t2 wmemset 2>&1 | FileCheck %s --check-prefix=WMEMSET
// RUN: not %t3 wmemset 2>&1 | FileCheck %s --check-prefix=WMEMSET
// RUN: not %t2 printf 2>&1 | FileCheck %s --check-prefix=PRINTF
// RUN: not %t3 printf 2>&1 | FileCheck %s --check-prefix=PRINTF
// RUN: not %t2 fprintf 2>&1 | FileCheck %s --check-prefix=FPRINTF
// RUN: not %t3 fprintf 2>&1 | FileCheck %s --check-prefix=FPRINTF
// RUN: not %t2 dprintf 2>&1 | FileCheck %s --check-prefix=DPRINTF
// RUN: not %t3 dprintf 2>&1 | FileCheck %s --check-prefix=DPRINTF
// RUN: not %t2 asprintf 2>&1 | FileCheck %s --check-prefix=ASPRINTF
// RUN: not %t3 asprintf 2>&1 | FileCheck %s --check-prefix=ASPRINTF
// RUN: not %t2 vprintf 2>&1 | FileCheck %s --check-prefix=VPRINTF
// RUN: not %t3 vprintf 2>&1 | FileCheck %s --check-prefix=VPRINTF
// RUN: not %t2 vfprintf 2>&1 | FileCheck %s --check-prefix=VFPRINTF
// RUN: not %t3 vfprintf 2>&1 | FileCheck %s --check-prefix=VFPRINTF
// RUN: not %t2 sprintf 2>&1 | FileCheck %s --check-prefix=SPRINTF
// RUN: not %t3 sprintf 2>&1 | FileCheck %s --check-prefix=SPRINTF
// RUN: not %t2 vsprintf 2>&1 | FileCheck %s --check-prefix=VSPRINTF
// RUN: not %t3 vsprintf 2>&1 | FileCheck %s --check-prefix=VSPRINTF
// RUN: not %t2 snprintf 2>&1 | FileCheck %s --check-prefix=SNPRINTF
// RUN: not %t3 snprintf 2>&1 | FileCheck %s --check-prefix=SNPRINTF
// RUN: not %t2 vsnprintf 2>&1 | FileCheck %s --check-prefix=VSNPRINTF
// RUN: not %t3 vsnprintf 2>&1 | FileCheck %s --check-prefix=VSNPRINTF
// RUN: not %t2 wprintf 2>&1 | FileCheck %s --check-prefix=WPRINTF
// RUN: not %t3 wprintf 2>&1 | FileCheck %s --check-prefix=WPRINTF
// RUN: not %t2 fwprintf 2>&1 | FileCheck %s --check-prefix=FWPRINTF
// RUN: not %t3 fwprintf 2>&1 | FileCheck %s --check-prefix=FWPRINTF
// RUN: not %t2 swprintf 2>&1 | FileCheck %s --check-prefix=SWPRINTF
// RUN: not %t3 swprintf 2>&1 | FileCheck %s --check-prefix=SWPRINTF
// RUN: not %t2 read_chk 2>&1 | FileCheck %s --check-prefix=READ_CHK
// RUN: not %t3 read_chk 2>&1 | FileCheck %s --check-prefix=READ_CHK
// RUN: not %t2 pread_chk 2>&1 | FileCheck %s --check-prefix=PREAD_CHK
// RUN: not %t3 pread_chk 2>&1 | FileCheck %s --check-prefix=PREAD_CHK
// RUN: not %t2 recv_chk 2>&1 | FileCheck %s --check-prefix=RECV_CHK
// RUN: not %t3 recv_chk 2>&1 | FileCheck %s --check-prefix=RECV_CHK
// RUN: not %t2 recvfrom_chk 2>&1 | FileCheck %s --check-prefix=RECVFROM_CHK
// RUN: not %t3 recvfrom_chk 2>&1 | FileCheck %s --check-prefix=RECVFROM_CHK
// RUN: not %t2 fread_chk 2>&1 | FileCheck %s --check-prefix=FREAD_CHK
// RUN: not %t3 fread_chk 2>&1 | FileCheck %s --check-prefix=FREAD_CHK
// RUN: not %t2 fgets_chk 2>&1 | FileCheck %s --check-prefix=FGETS_CHK
// RUN: not %t3 fgets_chk 2>&1 | FileCheck %s --check-prefix=FGETS_CHK
// RUN: not %t2 getcwd_chk 2>&1 | FileCheck %s --check-prefix=GETCWD_CHK
// RUN: not %t3 getcwd_chk 2>&1 | FileCheck %s --check-prefix=GETCWD_CHK
// RUN: not %t2 realpath_chk 2>&1 | FileCheck %s --check-prefix=REALPATH_CHK
// RUN: not %t3 realpath_chk 2>&1 | FileCheck %s --check-prefix=REALPATH_CHK
// RUN: not %t2 wcscpy_chk 2>&1 | FileCheck %s --check-prefix=WCSCPY_CHK
// RUN: not %t3 wcscpy_chk 2>&1 | FileCheck %s --check-prefix=WCSCPY_CHK
// RUN: not %t2 wcscat_chk 2>&1 | FileCheck %s --check-prefix=WCSCAT_CHK
// RUN: not %t3 wcscat_chk 2>&1 | FileCheck %s --check-prefix=WCSCAT_CHK
// RUN: not %t2 wcsncpy_chk 2>&1 | FileCheck %s --check-prefix=WCSNCPY_CHK
// RUN: not %t3 wcsncpy_chk 2>&1 | FileCheck %s --check-prefix=WCSNCPY_CHK
// What clang-22 kept as __*_chk calls (the explicit ones below aside; vprintf is __vfprintf_chk
// on stdout, and wmemset's wrapper, like read's, stays the plain call):
// SYMS-DAG: U __memcpy_chk
// SYMS-DAG: U __memmove_chk
// SYMS-DAG: U __mempcpy_chk
// SYMS-DAG: U __memset_chk
// SYMS-DAG: U __strcpy_chk
// SYMS-DAG: U __stpcpy_chk
// SYMS-DAG: U __strncpy_chk
// SYMS-DAG: U __stpncpy_chk
// SYMS-DAG: U __strcat_chk
// SYMS-DAG: U __strncat_chk
// SYMS-DAG: U __wmemcpy_chk
// SYMS-DAG: U __wmemmove_chk
// SYMS-DAG: U __printf_chk
// SYMS-DAG: U __fprintf_chk
// SYMS-DAG: U __dprintf_chk
// SYMS-DAG: U __asprintf_chk
// SYMS-DAG: U __vfprintf_chk
// SYMS-DAG: U __sprintf_chk
// SYMS-DAG: U __vsprintf_chk
// SYMS-DAG: U __snprintf_chk
// SYMS-DAG: U __vsnprintf_chk
// SYMS-DAG: U __wprintf_chk
// SYMS-DAG: U __fwprintf_chk
// SYMS-DAG: U __swprintf_chk
#include "Inputs/libc_cases.h"
#include <limits.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wchar.h>

// glibc's own declarations of the __*_chk functions its headers would call.
ssize_t __read_chk(int, void *, size_t, size_t);
ssize_t __pread_chk(int, void *, size_t, off_t, size_t);
ssize_t __recv_chk(int, void *, size_t, size_t, int);
ssize_t __recvfrom_chk(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
size_t __fread_chk(void *, size_t, size_t, size_t, FILE *);
char *__fgets_chk(char *, size_t, int, FILE *);
char *__getcwd_chk(char *, size_t, size_t);
char *__realpath_chk(const char *, char *, size_t);
wchar_t *__wcscpy_chk(wchar_t *, const wchar_t *, size_t);
wchar_t *__wcscat_chk(wchar_t *, const wchar_t *, size_t);
wchar_t *__wcsncpy_chk(wchar_t *, const wchar_t *, size_t, size_t);

// A length the optimiser cannot see, so the call keeps its __*_chk form.
static size_t hidden(size_t n) {
  __asm__ volatile("" : "+r"(n));
  return n;
}

static wchar_t *freed_wide(const wchar_t *s) {
  wchar_t *p = opaque(wcsdup(s));
  free(p);
  return opaque(p);
}

static void pipe_with(int fds[2], const char *s) {
  if (pipe(fds) != 0 || write(fds[1], s, strlen(s)) < 0)
    abort();
}

static void socket_pair_with(int fds[2], const char *s) {
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 || write(fds[1], s, strlen(s)) < 0)
    abort();
}

static int temp_file(const char *s) {
  FILE *f = tmpfile();
  if (!f || fputs(s, f) < 0 || fflush(f) != 0)
    abort();
  int fd = dup(fileno(f));
  lseek(fd, 0, SEEK_SET);
  return fd;
}

__attribute__((noinline)) static void call_vprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap); // VA-LINE
  va_end(ap);
}

__attribute__((noinline)) static void call_vfprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
}

__attribute__((noinline)) static void call_vsprintf(const char *fmt, ...) {
  char *p = malloc(8);
  va_list ap;
  va_start(ap, fmt);
  keep(vsprintf(p, fmt, ap));
  va_end(ap);
}

__attribute__((noinline)) static void call_vsnprintf(size_t n, const char *fmt, ...) {
  char *p = malloc(8);
  va_list ap;
  va_start(ap, fmt);
  keep(vsnprintf(p, n, fmt, ap));
  va_end(ap);
}

__attribute__((noinline)) static void t_memcpy(void) {
  char *p = malloc(8);
  memcpy(p, "0123456789ab", hidden(12));
  // MEMCPY: ERROR: ffisan: heap-buffer-overflow
  // MEMCPY: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // MEMCPY: #0 {{.*}} in memcpy {{.*}}string_fortified.h
  // MEMCPY: #1 {{.*}} in t_memcpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // MEMCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_memcpy
}

__attribute__((noinline)) static void t_memmove(void) {
  char *p = malloc(8);
  memmove(p, "0123456789ab", hidden(12));
  // MEMMOVE: ERROR: ffisan: heap-buffer-overflow
  // MEMMOVE: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // MEMMOVE: #0 {{.*}} in memmove {{.*}}string_fortified.h
  // MEMMOVE: #1 {{.*}} in t_memmove {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // MEMMOVE: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_memmove
}

__attribute__((noinline)) static void t_mempcpy(void) {
  char *p = malloc(8);
  keep((long)mempcpy(p, "0123456789ab", hidden(12)));
  // MEMPCPY: ERROR: ffisan: heap-buffer-overflow
  // MEMPCPY: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // MEMPCPY: #0 {{.*}} in mempcpy {{.*}}string_fortified.h
  // MEMPCPY: #1 {{.*}} in t_mempcpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // MEMPCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_mempcpy
}

__attribute__((noinline)) static void t_memset(void) {
  char *p = malloc(8);
  memset(p, 'x', hidden(12));
  // MEMSET: ERROR: ffisan: heap-buffer-overflow
  // MEMSET: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // MEMSET: #0 {{.*}} in memset {{.*}}string_fortified.h
  // MEMSET: #1 {{.*}} in t_memset {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // MEMSET: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_memset
}

__attribute__((noinline)) static void t_strcpy(void) {
  char *p = malloc(8);
  strcpy(p, opaque("0123456789ab"));
  // STRCPY: ERROR: ffisan: heap-buffer-overflow
  // STRCPY: WRITE of size 13 at {{0x[0-9a-f]+}} thread T0
  // STRCPY: #0 {{.*}} in strcpy {{.*}}string_fortified.h
  // STRCPY: #1 {{.*}} in t_strcpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STRCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_strcpy
}

__attribute__((noinline)) static void t_stpcpy(void) {
  char *p = malloc(8);
  keep((long)stpcpy(p, opaque("0123456789ab")));
  // STPCPY: ERROR: ffisan: heap-buffer-overflow
  // STPCPY: WRITE of size 13 at {{0x[0-9a-f]+}} thread T0
  // STPCPY: #0 {{.*}} in stpcpy {{.*}}string_fortified.h
  // STPCPY: #1 {{.*}} in t_stpcpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STPCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_stpcpy
}

__attribute__((noinline)) static void t_strncpy(void) {
  char *p = malloc(8);
  strncpy(p, "abc", hidden(12));
  // STRNCPY: ERROR: ffisan: heap-buffer-overflow
  // STRNCPY: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // STRNCPY: #0 {{.*}} in strncpy {{.*}}string_fortified.h
  // STRNCPY: #1 {{.*}} in t_strncpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STRNCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_strncpy
}

__attribute__((noinline)) static void t_stpncpy(void) {
  char *p = malloc(8);
  keep((long)stpncpy(p, "abc", hidden(12)));
  // STPNCPY: ERROR: ffisan: heap-buffer-overflow
  // STPNCPY: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // STPNCPY: #0 {{.*}} in stpncpy {{.*}}string_fortified.h
  // STPNCPY: #1 {{.*}} in t_stpncpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STPNCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_stpncpy
}

__attribute__((noinline)) static void t_strcat(void) {
  char *p = malloc(8);
  strcpy(p, opaque("abcd"));
  strcat(p, opaque("efgh"));
  // STRCAT: ERROR: ffisan: heap-buffer-overflow
  // STRCAT: WRITE of size 5 at {{0x[0-9a-f]+}} thread T0
  // STRCAT: #0 {{.*}} in strcat {{.*}}string_fortified.h
  // STRCAT: #1 {{.*}} in t_strcat {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STRCAT: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_strcat
}

__attribute__((noinline)) static void t_strncat(void) {
  char *p = malloc(8);
  strcpy(p, opaque("abcd"));
  strncat(p, opaque("efghij"), hidden(6));
  // STRNCAT: ERROR: ffisan: heap-buffer-overflow
  // STRNCAT: WRITE of size 7 at {{0x[0-9a-f]+}} thread T0
  // STRNCAT: #0 {{.*}} in strncat {{.*}}string_fortified.h
  // STRNCAT: #1 {{.*}} in t_strncat {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // STRNCAT: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_strncat
}

__attribute__((noinline)) static void t_wmemcpy(void) {
  wchar_t *w = malloc(16);
  wmemcpy(w, L"0123456789", hidden(6));
  // WMEMCPY: ERROR: ffisan: heap-buffer-overflow
  // WMEMCPY: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WMEMCPY: #0 {{.*}} in wmemcpy {{.*}}wchar2.h
  // WMEMCPY: #1 {{.*}} in t_wmemcpy {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WMEMCPY: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wmemcpy
}

__attribute__((noinline)) static void t_wmemmove(void) {
  wchar_t *w = malloc(16);
  wmemmove(w, L"0123456789", hidden(6));
  // WMEMMOVE: ERROR: ffisan: heap-buffer-overflow
  // WMEMMOVE: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WMEMMOVE: #0 {{.*}} in wmemmove {{.*}}wchar2.h
  // WMEMMOVE: #1 {{.*}} in t_wmemmove {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WMEMMOVE: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wmemmove
}

__attribute__((noinline)) static void t_wmemset(void) {
  wchar_t *w = malloc(16);
  wmemset(w, L'x', hidden(6));
  // WMEMSET: ERROR: ffisan: heap-buffer-overflow
  // WMEMSET: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WMEMSET: #0 {{.*}} in wmemset ({{.*}})
  // WMEMSET: #1 {{.*}} in t_wmemset {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WMEMSET: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wmemset
}

__attribute__((noinline)) static void t_printf(void) {
  char *s = freed_copy("freed");
  printf("%s\n", s);
  // PRINTF: ERROR: ffisan: heap-use-after-free
  // PRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // PRINTF: #0 {{.*}} in __printf_chk ({{.*}})
  // PRINTF: #1 {{.*}} in t_printf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // PRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_printf
}

__attribute__((noinline)) static void t_fprintf(void) {
  char *s = freed_copy("freed");
  fprintf(stdout, "%s\n", s);
  // FPRINTF: ERROR: ffisan: heap-use-after-free
  // FPRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // FPRINTF: #0 {{.*}} in __fprintf_chk ({{.*}})
  // FPRINTF: #1 {{.*}} in t_fprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // FPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_fprintf
}

__attribute__((noinline)) static void t_dprintf(void) {
  char *s = freed_copy("freed");
  dprintf(1, "%s\n", s);
  // DPRINTF: ERROR: ffisan: heap-use-after-free
  // DPRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // DPRINTF: #0 {{.*}} in __dprintf_chk ({{.*}})
  // DPRINTF: #1 {{.*}} in t_dprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // DPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_dprintf
}

__attribute__((noinline)) static void t_asprintf(void) {
  char *s = freed_copy("freed");
  char *out;
  keep(asprintf(&out, "%s", s));
  // ASPRINTF: ERROR: ffisan: heap-use-after-free
  // ASPRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // ASPRINTF: #0 {{.*}} in __asprintf_chk ({{.*}})
  // ASPRINTF: #1 {{.*}} in t_asprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // ASPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_asprintf
}

__attribute__((noinline)) static void t_vprintf(void) {
  char *s = freed_copy("freed");
  call_vprintf("%s\n", s);
  keep(0); // not a tail call: this frame stays in the stack
  // VPRINTF: ERROR: ffisan: heap-use-after-free
  // VPRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // VPRINTF: #0 {{.*}} in vprintf {{.*}}stdio2.h
  // VPRINTF: #1 {{.*}} in call_vprintf {{.*}}libc_fortify_errors.c
  // VPRINTF: #2 {{.*}} in t_vprintf {{.*}}libc_fortify_errors.c:[[@LINE-6]]
  // VPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:{{[0-9]+}}:{{[0-9]+}} in call_vprintf
}

__attribute__((noinline)) static void t_vfprintf(void) {
  char *s = freed_copy("freed");
  call_vfprintf("%s\n", s);
  keep(0); // not a tail call: this frame stays in the stack
  // VFPRINTF: ERROR: ffisan: heap-use-after-free
  // VFPRINTF: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // VFPRINTF: #0 {{.*}} in vfprintf {{.*}}stdio2.h
  // VFPRINTF: #1 {{.*}} in call_vfprintf {{.*}}libc_fortify_errors.c
  // VFPRINTF: #2 {{.*}} in t_vfprintf {{.*}}libc_fortify_errors.c:[[@LINE-6]]
  // VFPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:{{[0-9]+}}:{{[0-9]+}} in call_vfprintf
}

__attribute__((noinline)) static void t_sprintf(void) {
  char *p = malloc(8);
  keep(sprintf(p, "%s", (char *)opaque("0123456789ab")));
  // SPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SPRINTF: WRITE of size 13 at {{0x[0-9a-f]+}} thread T0
  // SPRINTF: #0 {{.*}} in __sprintf_chk ({{.*}})
  // SPRINTF: #1 {{.*}} in t_sprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // SPRINTF: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_sprintf
}

__attribute__((noinline)) static void t_vsprintf(void) {
  call_vsprintf("%s", (char *)opaque("0123456789ab"));
  keep(0); // not a tail call: this frame stays in the stack
  // VSPRINTF: ERROR: ffisan: heap-buffer-overflow
  // VSPRINTF: WRITE of size 13 at {{0x[0-9a-f]+}} thread T0
  // VSPRINTF: #0 {{.*}} in vsprintf {{.*}}stdio2.h
  // VSPRINTF: #1 {{.*}} in call_vsprintf {{.*}}libc_fortify_errors.c
  // VSPRINTF: #2 {{.*}} in t_vsprintf {{.*}}libc_fortify_errors.c:[[@LINE-6]]
  // VSPRINTF: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:{{[0-9]+}}:{{[0-9]+}} in call_vsprintf
}

__attribute__((noinline)) static void t_snprintf(void) {
  char *p = malloc(8);
  keep(snprintf(p, hidden(12), "%s", "ab"));
  // SNPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SNPRINTF: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // SNPRINTF: #0 {{.*}} in __snprintf_chk ({{.*}})
  // SNPRINTF: #1 {{.*}} in t_snprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // SNPRINTF: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_snprintf
}

__attribute__((noinline)) static void t_vsnprintf(void) {
  call_vsnprintf(hidden(12), "%s", "ab");
  keep(0); // not a tail call: this frame stays in the stack
  // VSNPRINTF: ERROR: ffisan: heap-buffer-overflow
  // VSNPRINTF: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // VSNPRINTF: #0 {{.*}} in vsnprintf {{.*}}stdio2.h
  // VSNPRINTF: #1 {{.*}} in call_vsnprintf {{.*}}libc_fortify_errors.c
  // VSNPRINTF: #2 {{.*}} in t_vsnprintf {{.*}}libc_fortify_errors.c:[[@LINE-6]]
  // VSNPRINTF: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:{{[0-9]+}}:{{[0-9]+}} in call_vsnprintf
}

__attribute__((noinline)) static void t_wprintf(void) {
  wchar_t *s = freed_wide(L"freed");
  wprintf(L"%ls\n", s);
  // WPRINTF: ERROR: ffisan: heap-use-after-free
  // WPRINTF: READ of size 24 at {{0x[0-9a-f]+}} thread T0
  // WPRINTF: #0 {{.*}} in __wprintf_chk ({{.*}})
  // WPRINTF: #1 {{.*}} in t_wprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wprintf
}

__attribute__((noinline)) static void t_fwprintf(void) {
  wchar_t *s = freed_wide(L"freed");
  fwprintf(stdout, L"%ls\n", s);
  // FWPRINTF: ERROR: ffisan: heap-use-after-free
  // FWPRINTF: READ of size 24 at {{0x[0-9a-f]+}} thread T0
  // FWPRINTF: #0 {{.*}} in __fwprintf_chk ({{.*}})
  // FWPRINTF: #1 {{.*}} in t_fwprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // FWPRINTF: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_fwprintf
}

__attribute__((noinline)) static void t_swprintf(void) {
  wchar_t *w = malloc(16);
  keep(swprintf(w, hidden(6), L"%ls", L"ab"));
  // SWPRINTF: ERROR: ffisan: heap-buffer-overflow
  // SWPRINTF: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // SWPRINTF: #0 {{.*}} in __swprintf_chk ({{.*}})
  // SWPRINTF: #1 {{.*}} in t_swprintf {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // SWPRINTF: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_swprintf
}

__attribute__((noinline)) static void t_read_chk(void) {
  char *p = malloc(8);
  int fds[2];
  pipe_with(fds, "hello");
  keep(__read_chk(fds[0], p, hidden(12), 8));
  // READ_CHK: ERROR: ffisan: heap-buffer-overflow
  // READ_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // READ_CHK: #0 {{.*}} in __read_chk ({{.*}})
  // READ_CHK: #1 {{.*}} in t_read_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // READ_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_read_chk
}

__attribute__((noinline)) static void t_pread_chk(void) {
  char *p = malloc(8);
  int fd = temp_file("hello");
  keep(__pread_chk(fd, p, hidden(12), 0, 8));
  // PREAD_CHK: ERROR: ffisan: heap-buffer-overflow
  // PREAD_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // PREAD_CHK: #0 {{.*}} in __pread_chk ({{.*}})
  // PREAD_CHK: #1 {{.*}} in t_pread_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // PREAD_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_pread_chk
}

__attribute__((noinline)) static void t_recv_chk(void) {
  char *p = malloc(8);
  int fds[2];
  socket_pair_with(fds, "hello");
  keep(__recv_chk(fds[0], p, hidden(12), 8, 0));
  // RECV_CHK: ERROR: ffisan: heap-buffer-overflow
  // RECV_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // RECV_CHK: #0 {{.*}} in __recv_chk ({{.*}})
  // RECV_CHK: #1 {{.*}} in t_recv_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // RECV_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_recv_chk
}

__attribute__((noinline)) static void t_recvfrom_chk(void) {
  char *p = malloc(8);
  int fds[2];
  socket_pair_with(fds, "hello");
  keep(__recvfrom_chk(fds[0], p, hidden(12), 8, 0, 0, 0));
  // RECVFROM_CHK: ERROR: ffisan: heap-buffer-overflow
  // RECVFROM_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // RECVFROM_CHK: #0 {{.*}} in __recvfrom_chk ({{.*}})
  // RECVFROM_CHK: #1 {{.*}} in t_recvfrom_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // RECVFROM_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_recvfrom_chk
}

__attribute__((noinline)) static void t_fread_chk(void) {
  char *p = malloc(8);
  FILE *f = fdopen(temp_file("0123456789ab"), "r");
  keep(__fread_chk(p, 8, 1, hidden(12), f));
  // FREAD_CHK: ERROR: ffisan: heap-buffer-overflow
  // FREAD_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // FREAD_CHK: #0 {{.*}} in __fread_chk ({{.*}})
  // FREAD_CHK: #1 {{.*}} in t_fread_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // FREAD_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_fread_chk
}

__attribute__((noinline)) static void t_fgets_chk(void) {
  char *p = freed_copy("0123456");
  FILE *f = fdopen(temp_file("hello\n"), "r");
  keep((long)__fgets_chk(p, 8, 8, f));
  // FGETS_CHK: ERROR: ffisan: heap-use-after-free
  // FGETS_CHK: WRITE of size 7 at {{0x[0-9a-f]+}} thread T0
  // FGETS_CHK: #0 {{.*}} in __fgets_chk ({{.*}})
  // FGETS_CHK: #1 {{.*}} in t_fgets_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // FGETS_CHK: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_fgets_chk
}

__attribute__((noinline)) static void t_getcwd_chk(void) {
  char *p = malloc(8);
  keep((long)__getcwd_chk(p, hidden(64), 8));
  // GETCWD_CHK: ERROR: ffisan: heap-buffer-overflow
  // GETCWD_CHK: WRITE of size 64 at {{0x[0-9a-f]+}} thread T0
  // GETCWD_CHK: #0 {{.*}} in __getcwd_chk ({{.*}})
  // GETCWD_CHK: #1 {{.*}} in t_getcwd_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // GETCWD_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_getcwd_chk
}

__attribute__((noinline)) static void t_realpath_chk(void) {
  char *path = freed_copy("/tmp");
  char resolved[PATH_MAX];
  keep((long)__realpath_chk(path, resolved, sizeof resolved));
  // REALPATH_CHK: ERROR: ffisan: heap-use-after-free
  // REALPATH_CHK: READ of size 5 at {{0x[0-9a-f]+}} thread T0
  // REALPATH_CHK: #0 {{.*}} in __realpath_chk ({{.*}})
  // REALPATH_CHK: #1 {{.*}} in t_realpath_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // REALPATH_CHK: SUMMARY: ffisan: heap-use-after-free {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_realpath_chk
}

__attribute__((noinline)) static void t_wcscpy_chk(void) {
  wchar_t *w = malloc(16);
  keep((long)__wcscpy_chk(w, opaque(L"0123456"), 4));
  // WCSCPY_CHK: ERROR: ffisan: heap-buffer-overflow
  // WCSCPY_CHK: WRITE of size 32 at {{0x[0-9a-f]+}} thread T0
  // WCSCPY_CHK: #0 {{.*}} in __wcscpy_chk ({{.*}})
  // WCSCPY_CHK: #1 {{.*}} in t_wcscpy_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WCSCPY_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wcscpy_chk
}

__attribute__((noinline)) static void t_wcscat_chk(void) {
  wchar_t *w = malloc(16);
  w[0] = L'a';
  w[1] = 0;
  keep((long)__wcscat_chk(w, opaque(L"bcdef"), 4));
  // WCSCAT_CHK: ERROR: ffisan: heap-buffer-overflow
  // WCSCAT_CHK: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WCSCAT_CHK: #0 {{.*}} in __wcscat_chk ({{.*}})
  // WCSCAT_CHK: #1 {{.*}} in t_wcscat_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WCSCAT_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wcscat_chk
}

__attribute__((noinline)) static void t_wcsncpy_chk(void) {
  wchar_t *w = malloc(16);
  keep((long)__wcsncpy_chk(w, L"ab", hidden(6), 4));
  // WCSNCPY_CHK: ERROR: ffisan: heap-buffer-overflow
  // WCSNCPY_CHK: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // WCSNCPY_CHK: #0 {{.*}} in __wcsncpy_chk ({{.*}})
  // WCSNCPY_CHK: #1 {{.*}} in t_wcsncpy_chk {{.*}}libc_fortify_errors.c:[[@LINE-4]]
  // WCSNCPY_CHK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_fortify_errors.c:[[@LINE-5]]:{{[0-9]+}} in t_wcsncpy_chk
}

static const struct libc_case cases[] = {
    {"memcpy", t_memcpy},
    {"memmove", t_memmove},
    {"mempcpy", t_mempcpy},
    {"memset", t_memset},
    {"strcpy", t_strcpy},
    {"stpcpy", t_stpcpy},
    {"strncpy", t_strncpy},
    {"stpncpy", t_stpncpy},
    {"strcat", t_strcat},
    {"strncat", t_strncat},
    {"wmemcpy", t_wmemcpy},
    {"wmemmove", t_wmemmove},
    {"wmemset", t_wmemset},
    {"printf", t_printf},
    {"fprintf", t_fprintf},
    {"dprintf", t_dprintf},
    {"asprintf", t_asprintf},
    {"vprintf", t_vprintf},
    {"vfprintf", t_vfprintf},
    {"sprintf", t_sprintf},
    {"vsprintf", t_vsprintf},
    {"snprintf", t_snprintf},
    {"vsnprintf", t_vsnprintf},
    {"wprintf", t_wprintf},
    {"fwprintf", t_fwprintf},
    {"swprintf", t_swprintf},
    {"read_chk", t_read_chk},
    {"pread_chk", t_pread_chk},
    {"recv_chk", t_recv_chk},
    {"recvfrom_chk", t_recvfrom_chk},
    {"fread_chk", t_fread_chk},
    {"fgets_chk", t_fgets_chk},
    {"getcwd_chk", t_getcwd_chk},
    {"realpath_chk", t_realpath_chk},
    {"wcscpy_chk", t_wcscpy_chk},
    {"wcscat_chk", t_wcscat_chk},
    {"wcsncpy_chk", t_wcsncpy_chk},
    {0, 0}};

int main(int argc, char **argv) { return run_case(cases, argc, argv); }
