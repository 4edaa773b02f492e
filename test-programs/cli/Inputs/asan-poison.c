// Code that takes its AddressSanitizer path when clang says ASan is on, as ffisan cc's clang does.
#include <sanitizer/asan_interface.h>

int main(void) {
  char buf[64];
  ASAN_POISON_MEMORY_REGION(buf, 8);
  return 0;
}
