// Built by cmake with CMAKE_CXX_COMPILER=ffisan-c++: clean, or (with an argument) a buffer the
// library made with new[] given back with delete.
#include <cstdio>
#include <string>
#include <vector>

std::vector<std::string> *make_names(int n);
char *make_buffer();

int main(int argc, char **) {
  std::vector<std::string> *names = make_names(100);
  printf("%zu names, last %s\n", names->size(), names->back().c_str());
  delete names;
  char *buffer = make_buffer();
  if (argc > 1)
    delete buffer;
  else
    delete[] buffer;
  return 0;
}
