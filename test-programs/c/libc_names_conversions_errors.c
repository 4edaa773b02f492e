// The rest of glibc's fortified functions, checked at the call in their plain and `__*_chk`
// forms: readlink, readlinkat, gethostname, ttyname_r, ptsname_r, confstr, getgroups (what they
// store, after the call), poll and ppoll (the pollfd array, before), fgetws, and the multibyte
// and wide conversions. A libc hook's report starts with the libc function itself as frame #0,
// at its address in libc (ASan's interceptor frame), then the caller's line.
// RUN: %ffisan_cc -O0 %s -o %t0 && %ffisan_cc -O2 %s -o %t2
// RUN: not %t0 readlink 2>&1 | FileCheck %s --check-prefix=READLINK
// RUN: not %t2 readlink 2>&1 | FileCheck %s --check-prefix=READLINK
// RUN: not %t0 readlinkat 2>&1 | FileCheck %s --check-prefix=READLINKAT
// RUN: not %t2 readlinkat 2>&1 | FileCheck %s --check-prefix=READLINKAT
// RUN: not %t0 gethostname 2>&1 | FileCheck %s --check-prefix=GETHOSTNAME
// RUN: not %t2 gethostname 2>&1 | FileCheck %s --check-prefix=GETHOSTNAME
// RUN: not %t0 ptsname_r 2>&1 | FileCheck %s --check-prefix=PTSNAME_R
// RUN: not %t2 ptsname_r 2>&1 | FileCheck %s --check-prefix=PTSNAME_R
// RUN: not %t0 ttyname_r 2>&1 | FileCheck %s --check-prefix=TTYNAME_R
// RUN: not %t2 ttyname_r 2>&1 | FileCheck %s --check-prefix=TTYNAME_R
// RUN: not %t0 confstr 2>&1 | FileCheck %s --check-prefix=CONFSTR
// RUN: not %t2 confstr 2>&1 | FileCheck %s --check-prefix=CONFSTR
// RUN: not %t0 getgroups 2>&1 | FileCheck %s --check-prefix=GETGROUPS
// RUN: not %t2 getgroups 2>&1 | FileCheck %s --check-prefix=GETGROUPS
// RUN: not %t0 poll 2>&1 | FileCheck %s --check-prefix=POLL
// RUN: not %t2 poll 2>&1 | FileCheck %s --check-prefix=POLL
// RUN: not %t0 ppoll 2>&1 | FileCheck %s --check-prefix=PPOLL
// RUN: not %t2 ppoll 2>&1 | FileCheck %s --check-prefix=PPOLL
// RUN: not %t0 fgetws 2>&1 | FileCheck %s --check-prefix=FGETWS
// RUN: not %t2 fgetws 2>&1 | FileCheck %s --check-prefix=FGETWS
// RUN: not %t0 mbstowcs 2>&1 | FileCheck %s --check-prefix=MBSTOWCS
// RUN: not %t2 mbstowcs 2>&1 | FileCheck %s --check-prefix=MBSTOWCS
// RUN: not %t0 mbstowcs_measure 2>&1 | FileCheck %s --check-prefix=MBSTOWCS_MEASURE
// RUN: not %t2 mbstowcs_measure 2>&1 | FileCheck %s --check-prefix=MBSTOWCS_MEASURE
// RUN: not %t0 wcstombs 2>&1 | FileCheck %s --check-prefix=WCSTOMBS
// RUN: not %t2 wcstombs 2>&1 | FileCheck %s --check-prefix=WCSTOMBS
// RUN: not %t0 mbsrtowcs 2>&1 | FileCheck %s --check-prefix=MBSRTOWCS
// RUN: not %t2 mbsrtowcs 2>&1 | FileCheck %s --check-prefix=MBSRTOWCS
// RUN: not %t0 wcsrtombs 2>&1 | FileCheck %s --check-prefix=WCSRTOMBS
// RUN: not %t2 wcsrtombs 2>&1 | FileCheck %s --check-prefix=WCSRTOMBS
// RUN: not %t0 wcrtomb 2>&1 | FileCheck %s --check-prefix=WCRTOMB
// RUN: not %t2 wcrtomb 2>&1 | FileCheck %s --check-prefix=WCRTOMB
// RUN: not %t0 wctomb 2>&1 | FileCheck %s --check-prefix=WCTOMB
// RUN: not %t2 wctomb 2>&1 | FileCheck %s --check-prefix=WCTOMB
// RUN: not %t0 readlink_chk 2>&1 | FileCheck %s --check-prefix=READLINK_CHK
// RUN: not %t2 readlink_chk 2>&1 | FileCheck %s --check-prefix=READLINK_CHK
// RUN: not %t0 poll_chk 2>&1 | FileCheck %s --check-prefix=POLL_CHK
// RUN: not %t2 poll_chk 2>&1 | FileCheck %s --check-prefix=POLL_CHK
// RUN: not %t0 mbstowcs_chk 2>&1 | FileCheck %s --check-prefix=MBSTOWCS_CHK
// RUN: not %t2 mbstowcs_chk 2>&1 | FileCheck %s --check-prefix=MBSTOWCS_CHK
// RUN: not %t0 fgetws_chk 2>&1 | FileCheck %s --check-prefix=FGETWS_CHK
// RUN: not %t2 fgetws_chk 2>&1 | FileCheck %s --check-prefix=FGETWS_CHK
// The libc frame is in the JSON finding too, with the function's name on its own.
// RUN: env FFISAN_OPTIONS=json_path=%t.json not %t2 gethostname 2>/dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json
#include "Inputs/libc_cases.h"
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

ssize_t __readlink_chk(const char *, char *, size_t, size_t);
int __poll_chk(struct pollfd *, nfds_t, int, size_t);
size_t __mbstowcs_chk(wchar_t *, const char *, size_t, size_t);
wchar_t *__fgetws_chk(wchar_t *, size_t, int, FILE *);

// Hides a length from the optimiser.
static size_t hidden(size_t n) {
  __asm__ volatile("" : "+r"(n));
  return n;
}

// A new stream over a file holding `s`, not yet byte- or wide-oriented.
static FILE *temp_stream(const char *s) {
  FILE *f = tmpfile();
  if (!f || fputs(s, f) < 0 || fflush(f) != 0)
    abort();
  int fd = dup(fileno(f));
  lseek(fd, 0, SEEK_SET);
  return fdopen(fd, "r");
}

// The slave side of a new pseudo-terminal, opened.
static int pty_master(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    abort();
  return master;
}

__attribute__((noinline)) static void t_readlink(void) {
  char *buf = opaque(malloc(4));
  keep(readlink("/proc/self/exe", buf, 64));
  // READLINK: ERROR: ffisan: heap-buffer-overflow
  // READLINK: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // READLINK: #0 {{.*}} in readlink ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // READLINK: #1 {{.*}} in t_readlink {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
  // READLINK: SUMMARY: ffisan: heap-buffer-overflow {{.*}}libc_names_conversions_errors.c:[[@LINE-5]]
}

__attribute__((noinline)) static void t_readlinkat(void) {
  char *path = freed_copy("/proc/self/exe");
  char buf[64];
  keep(readlinkat(AT_FDCWD, path, buf, sizeof buf));
  // READLINKAT: ERROR: ffisan: heap-use-after-free
  // READLINKAT: READ of size 15 at {{0x[0-9a-f]+}} thread T0
  // READLINKAT: #0 {{.*}} in readlinkat ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // READLINKAT: #1 {{.*}} in t_readlinkat {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_gethostname(void) {
  char *name = opaque(malloc(256));
  free(name);
  keep(gethostname(name, 256));
  // GETHOSTNAME: ERROR: ffisan: heap-use-after-free
  // GETHOSTNAME: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // GETHOSTNAME: #0 {{.*}} in gethostname ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // GETHOSTNAME: #1 {{.*}} in t_gethostname {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
  // JSON: "kind":"heap-use-after-free"
  // JSON-SAME: "libc_function":"gethostname"
  // JSON-SAME: "stack":[{"pc":"0x{{[0-9a-f]+}}","function":"gethostname","file":null
  // JSON-SAME: {"pc":"0x{{[0-9a-f]+}}","function":"t_gethostname"
}

__attribute__((noinline)) static void t_ptsname_r(void) {
  char *buf = opaque(malloc(4));
  keep(ptsname_r(pty_master(), buf, 64));
  // PTSNAME_R: ERROR: ffisan: heap-buffer-overflow
  // PTSNAME_R: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // PTSNAME_R: #0 {{.*}} in ptsname_r ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // PTSNAME_R: #1 {{.*}} in t_ptsname_r {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_ttyname_r(void) {
  char slave[64];
  if (ptsname_r(pty_master(), slave, sizeof slave) != 0)
    abort();
  int fd = open(slave, O_RDWR | O_NOCTTY);
  char *buf = opaque(malloc(4));
  keep(ttyname_r(fd, buf, 64));
  // TTYNAME_R: ERROR: ffisan: heap-buffer-overflow
  // TTYNAME_R: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // TTYNAME_R: #0 {{.*}} in ttyname_r ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // TTYNAME_R: #1 {{.*}} in t_ttyname_r {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_confstr(void) {
  char *buf = opaque(malloc(4));
  keep(confstr(_CS_PATH, buf, 64));
  // CONFSTR: ERROR: ffisan: heap-buffer-overflow
  // CONFSTR: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // CONFSTR: #0 {{.*}} in confstr ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // CONFSTR: #1 {{.*}} in t_confstr {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_getgroups(void) {
  gid_t *list = opaque(malloc(64 * sizeof(gid_t)));
  free(list);
  if (getgroups(0, NULL) == 0)
    setgroups(1, (gid_t[]){0}); // a group to list, when run without one
  keep(getgroups(64, list));
  // GETGROUPS: ERROR: ffisan: heap-use-after-free
  // GETGROUPS: WRITE of size {{[0-9]+}} at {{0x[0-9a-f]+}} thread T0
  // GETGROUPS: #0 {{.*}} in getgroups ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // GETGROUPS: #1 {{.*}} in t_getgroups {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_poll(void) {
  struct pollfd *fds = opaque(malloc(sizeof(struct pollfd)));
  fds[0] = (struct pollfd){.fd = 0, .events = POLLIN};
  keep(poll(fds, 2, 0));
  // POLL: ERROR: ffisan: heap-buffer-overflow
  // POLL: WRITE of size 16 at {{0x[0-9a-f]+}} thread T0
  // POLL: #0 {{.*}} in poll ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // POLL: #1 {{.*}} in t_poll {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_ppoll(void) {
  struct pollfd fds = {.fd = 0, .events = POLLIN};
  struct timespec *timeout = opaque(malloc(sizeof(struct timespec)));
  free(timeout);
  keep(ppoll(&fds, 1, timeout, NULL));
  // PPOLL: ERROR: ffisan: heap-use-after-free
  // PPOLL: READ of size 16 at {{0x[0-9a-f]+}} thread T0
  // PPOLL: #0 {{.*}} in ppoll ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // PPOLL: #1 {{.*}} in t_ppoll {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fgetws(void) {
  wchar_t *w = opaque(malloc(2 * sizeof(wchar_t)));
  keep((long)fgetws(w, 16, temp_stream("hello")));
  // FGETWS: ERROR: ffisan: heap-buffer-overflow
  // FGETWS: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // FGETWS: #0 {{.*}} in fgetws ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // FGETWS: #1 {{.*}} in t_fgetws {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_mbstowcs(void) {
  wchar_t *w = opaque(malloc(2 * sizeof(wchar_t)));
  keep(mbstowcs(w, "hello", 16));
  // MBSTOWCS: ERROR: ffisan: heap-buffer-overflow
  // MBSTOWCS: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // MBSTOWCS: #0 {{.*}} in mbstowcs ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // MBSTOWCS: #1 {{.*}} in t_mbstowcs {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_mbstowcs_measure(void) {
  keep(mbstowcs(NULL, freed_copy("hello"), 0));
  // MBSTOWCS_MEASURE: ERROR: ffisan: heap-use-after-free
  // MBSTOWCS_MEASURE: READ of size 6 at {{0x[0-9a-f]+}} thread T0
  // MBSTOWCS_MEASURE: #0 {{.*}} in mbstowcs ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // MBSTOWCS_MEASURE: #1 {{.*}} in t_mbstowcs_measure {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcstombs(void) {
  char *s = opaque(malloc(3));
  keep(wcstombs(s, L"hello", 16));
  // WCSTOMBS: ERROR: ffisan: heap-buffer-overflow
  // WCSTOMBS: WRITE of size 6 at {{0x[0-9a-f]+}} thread T0
  // WCSTOMBS: #0 {{.*}} in wcstombs ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // WCSTOMBS: #1 {{.*}} in t_wcstombs {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_mbsrtowcs(void) {
  wchar_t *w = opaque(malloc(2 * sizeof(wchar_t)));
  const char *src = "hello";
  mbstate_t state = {0};
  keep(mbsrtowcs(w, &src, 16, &state));
  // MBSRTOWCS: ERROR: ffisan: heap-buffer-overflow
  // MBSRTOWCS: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // MBSRTOWCS: #0 {{.*}} in mbsrtowcs ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // MBSRTOWCS: #1 {{.*}} in t_mbsrtowcs {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcsrtombs(void) {
  const wchar_t **src = opaque(malloc(sizeof *src));
  free(src);
  char buf[16];
  keep(wcsrtombs(buf, src, sizeof buf, NULL));
  // WCSRTOMBS: ERROR: ffisan: heap-use-after-free
  // WCSRTOMBS: READ of size 8 at {{0x[0-9a-f]+}} thread T0
  // WCSRTOMBS: #0 {{.*}} in wcsrtombs ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // WCSRTOMBS: #1 {{.*}} in t_wcsrtombs {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wcrtomb(void) {
  char *s = opaque(malloc(1));
  free(s);
  keep(wcrtomb(s, L'a', NULL));
  // WCRTOMB: ERROR: ffisan: heap-use-after-free
  // WCRTOMB: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // WCRTOMB: #0 {{.*}} in wcrtomb ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // WCRTOMB: #1 {{.*}} in t_wcrtomb {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_wctomb(void) {
  char *s = opaque(malloc(1));
  free(s);
  keep(wctomb(s, L'a'));
  // WCTOMB: ERROR: ffisan: heap-use-after-free
  // WCTOMB: WRITE of size 1 at {{0x[0-9a-f]+}} thread T0
  // WCTOMB: #0 {{.*}} in wctomb ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // WCTOMB: #1 {{.*}} in t_wctomb {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

// A length past the buffer's: checked before glibc refuses it ("buffer overflow detected").
__attribute__((noinline)) static void t_readlink_chk(void) {
  char *buf = opaque(malloc(8));
  keep(__readlink_chk("/proc/self/exe", buf, hidden(64), 8));
  // READLINK_CHK: ERROR: ffisan: heap-buffer-overflow
  // READLINK_CHK: WRITE of size 64 at {{0x[0-9a-f]+}} thread T0
  // READLINK_CHK: #0 {{.*}} in __readlink_chk ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // READLINK_CHK: #1 {{.*}} in t_readlink_chk {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_poll_chk(void) {
  struct pollfd *fds = opaque(malloc(sizeof(struct pollfd)));
  fds[0] = (struct pollfd){.fd = 0, .events = POLLIN};
  keep(__poll_chk(fds, hidden(3), 0, sizeof(struct pollfd)));
  // POLL_CHK: ERROR: ffisan: heap-buffer-overflow
  // POLL_CHK: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // POLL_CHK: #0 {{.*}} in __poll_chk ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // POLL_CHK: #1 {{.*}} in t_poll_chk {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_mbstowcs_chk(void) {
  wchar_t *w = opaque(malloc(2 * sizeof(wchar_t)));
  keep(__mbstowcs_chk(w, "hello", hidden(16), 16));
  // MBSTOWCS_CHK: ERROR: ffisan: heap-buffer-overflow
  // MBSTOWCS_CHK: WRITE of size 24 at {{0x[0-9a-f]+}} thread T0
  // MBSTOWCS_CHK: #0 {{.*}} in __mbstowcs_chk ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // MBSTOWCS_CHK: #1 {{.*}} in t_mbstowcs_chk {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

__attribute__((noinline)) static void t_fgetws_chk(void) {
  wchar_t *w = opaque(malloc(16 * sizeof(wchar_t)));
  free(w);
  keep((long)__fgetws_chk(w, 16, hidden(16), temp_stream("hi")));
  // FGETWS_CHK: ERROR: ffisan: heap-use-after-free
  // FGETWS_CHK: WRITE of size 12 at {{0x[0-9a-f]+}} thread T0
  // FGETWS_CHK: #0 {{.*}} in __fgetws_chk ({{.*}}libc.so.6+0x{{[0-9a-f]+}})
  // FGETWS_CHK: #1 {{.*}} in t_fgetws_chk {{.*}}libc_names_conversions_errors.c:[[@LINE-4]]
}

int main(int argc, char **argv) {
  static const struct libc_case cases[] = {
      {"readlink", t_readlink},       {"readlinkat", t_readlinkat},
      {"gethostname", t_gethostname}, {"ptsname_r", t_ptsname_r},
      {"ttyname_r", t_ttyname_r},     {"confstr", t_confstr},
      {"getgroups", t_getgroups},     {"poll", t_poll},
      {"ppoll", t_ppoll},             {"fgetws", t_fgetws},
      {"mbstowcs", t_mbstowcs},       {"mbstowcs_measure", t_mbstowcs_measure},
      {"wcstombs", t_wcstombs},       {"mbsrtowcs", t_mbsrtowcs},
      {"wcsrtombs", t_wcsrtombs},     {"wcrtomb", t_wcrtomb},
      {"wctomb", t_wctomb},           {"readlink_chk", t_readlink_chk},
      {"poll_chk", t_poll_chk},       {"mbstowcs_chk", t_mbstowcs_chk},
      {"fgetws_chk", t_fgetws_chk},   {NULL, NULL},
  };
  return run_case(cases, argc, argv);
}
