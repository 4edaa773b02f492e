// A shared library built by cmake with CMAKE_CXX_COMPILER=ffisan-c++: it allocates, the
// program frees.
#include <string>
#include <vector>

std::vector<std::string> *make_names(int n) {
  auto *names = new std::vector<std::string>;
  for (int i = 0; i < n; i++)
    names->push_back("shape " + std::to_string(i));
  return names;
}

// No tail call, so make_buffer keeps its frame in the allocation stack.
__attribute__((disable_tail_calls)) char *make_buffer() { return new char[32]; }
