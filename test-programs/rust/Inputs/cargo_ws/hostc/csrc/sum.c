// Loads through a pointer: instrumented, this would need the ffisan runtime.
#include <stddef.h>

long c_sum(const long *values, size_t n) {
  long sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += values[i];
  return sum;
}
