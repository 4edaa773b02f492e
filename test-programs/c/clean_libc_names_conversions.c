// readlink, gethostname, ttyname_r, ptsname_r, confstr, getgroups, poll, ppoll, fgetws and the
// multibyte and wide conversions used correctly, in exact buffers and with truncation: no report.
// RUN: %ffisan_cc -O0 %s -o %t0 && %t0 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t2 && %t2 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 -D_FORTIFY_SOURCE=2 %s -o %tf && %tf 2>&1 | FileCheck --implicit-check-not=ffisan %s
// CHECK: done
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

static void keep(long v) { __asm__ volatile("" ::"r"(v)); }

int main(void) {
  // readlink stores no NUL: a buffer of exactly the link's length is enough.
  char target[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", target, sizeof target);
  char *exact = malloc(n);
  if (readlink("/proc/self/exe", exact, n) != n || memcmp(exact, target, n) != 0)
    return 1;
  free(exact);
  char link[8];
  keep(readlinkat(AT_FDCWD, "/proc/self/exe", link, sizeof link)); // truncated to 8

  char host[HOST_NAME_MAX + 1];
  keep(gethostname(host, sizeof host));
  char *tiny_host = malloc(2);
  keep(gethostname(tiny_host, 2)); // too small: an error or a truncated name, within 2 bytes
  free(tiny_host);

  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    return 1;
  char *slave = malloc(64);
  if (ptsname_r(master, slave, 64) != 0)
    return 1;
  int fd = open(slave, O_RDWR | O_NOCTTY);
  char *name = malloc(strlen(slave) + 1);
  if (ttyname_r(fd, name, strlen(slave) + 1) != 0 || strcmp(name, slave) != 0)
    return 1;
  char small[4];
  keep(ttyname_r(fd, small, sizeof small)); // ERANGE, nothing stored
  free(name);
  free(slave);

  size_t need = confstr(_CS_PATH, NULL, 0);
  char *path = malloc(need);
  keep(confstr(_CS_PATH, path, need));
  char cut[3];
  keep(confstr(_CS_PATH, cut, sizeof cut)); // truncated, NUL-terminated within 3
  free(path);

  int groups = getgroups(0, NULL);
  gid_t *list = malloc((groups + 1) * sizeof(gid_t));
  keep(getgroups(groups, list));
  free(list);

  struct pollfd *fds = malloc(2 * sizeof(struct pollfd));
  fds[0] = (struct pollfd){.fd = master, .events = POLLOUT};
  fds[1] = (struct pollfd){.fd = fd, .events = POLLOUT};
  keep(poll(fds, 2, 0));
  struct timespec zero = {0, 0};
  keep(ppoll(fds, 2, &zero, NULL));
  free(fds);

  FILE *f = tmpfile();
  fputws(L"hello\n", f);
  rewind(f);
  wchar_t *line = malloc(7 * sizeof(wchar_t));
  if (!fgetws(line, 7, f) || wcscmp(line, L"hello\n") != 0) // "hello\n" and its NUL
    return 1;
  free(line);
  fclose(f);

  setlocale(LC_ALL, "C.UTF-8");
  wchar_t *w = malloc(6 * sizeof(wchar_t));
  keep(mbstowcs(w, "hello", 6));
  keep(mbstowcs(w, "hello world", 3)); // stops at 3, no NUL
  keep(mbstowcs(NULL, "h\xc3\xa9llo", 0));
  char *s = malloc(6);
  keep(wcstombs(s, L"hello", 6));
  keep(wcstombs(s, L"h\u00e9llo", 6)); // 6 bytes: the NUL does not fit
  keep(wcstombs(NULL, L"hello", 0));
  const char *src = "hello";
  mbstate_t state = {0};
  keep(mbsrtowcs(w, &src, 6, &state));
  src = "hello world";
  keep(mbsrtowcs(w, &src, 2, &state));
  const wchar_t *wsrc = L"hello";
  keep(wcsrtombs(s, &wsrc, 6, NULL));
  char mb[MB_LEN_MAX];
  keep(wcrtomb(mb, L'\u00e9', &state));
  keep(wctomb(mb, L'a'));
  keep(wctomb(NULL, 0));
  free(s);
  free(w);
  puts("done");
  return 0;
}
