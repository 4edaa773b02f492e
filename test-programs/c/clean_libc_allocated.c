// Buffers allocated inside libc (strdup, strndup, asprintf, getline, open_memstream) are used
// and then freed by the program: no finding.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char *d = strdup("duplicate");
  d[0] = 'D';
  char *n = strndup("truncated text", 5);
  n[4] = '!';

  char *fmt = NULL;
  if (asprintf(&fmt, "%s-%d", d, 42) < 0)
    return 1;
  fmt[0] = 'd';

  char text[] = "first line\nsecond line\n";
  FILE *in = fmemopen(text, strlen(text), "r");
  char *line = NULL;
  size_t cap = 0;
  int lines = 0;
  while (getline(&line, &cap, in) > 0) {
    line[0] = (char)(line[0] & ~0x20);
    lines++;
  }
  fclose(in);

  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  for (int i = 0; i < 1000; i++)
    fprintf(out, "%d,", i);
  fclose(out);
  buf[0] = '#';

  printf("%s %s %s %d %zu %c\n", d, n, fmt, lines, len, buf[0]);
  // CHECK: Duplicate trun! duplicate-42 2 3890 #
  free(d);
  free(n);
  free(fmt);
  free(line);
  free(buf);
  return 0;
}
