// Code that takes its AddressSanitizer path when clang says ASan is on, as ffisan cc's clang does:
// the poisoning macros link (the runtime provides them), a function it lacks does not.
#include <sanitizer/asan_interface.h>

int main(void) {
  char buf[64];
  ASAN_POISON_MEMORY_REGION(buf, 8);
  ASAN_UNPOISON_MEMORY_REGION(buf, 8);
  return __asan_get_report_pc() != 0;
}
