/* The module the stress program dlopens and dlcloses from many threads at once: it allocates, formats
 * and frees strings and touches its own globals, so a runtime that tracks modules sees them come and go
 * while other threads allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char greeting[] = "ffisan stress plugin";
static unsigned char scratch_table[256];

uint64_t stress_plugin_work(uint64_t seed) {
  uint64_t hash = 1469598103934665603ULL ^ seed;
  char *joined = strdup(greeting);
  size_t length = strlen(joined);
  for (int i = 0; i < 32; i++) {
    char piece[48];
    int n = snprintf(piece, sizeof piece, "-%llu:%d", (unsigned long long)(seed % 9973), i);
    joined = realloc(joined, length + (size_t)n + 1);
    memcpy(joined + length, piece, (size_t)n + 1);
    length += (size_t)n;
  }
  for (size_t i = 0; i < length; i++) {
    /* Many threads run this at once: count atomically. */
    __atomic_fetch_add(&scratch_table[(unsigned char)joined[i]], 1, __ATOMIC_RELAXED);
    hash = (hash ^ (unsigned char)joined[i]) * 1099511628211ULL;
  }
  free(joined);
  return hash;
}
