// Annotated std::vectors used within size() report nothing: growing, shrinking, insert, erase,
// clear, shrink_to_fit, copies, moves and vectors of odd-sized elements, whose last granule is
// shared with the next element's bytes.
// RUN: %ffisan_cxx -D_GLIBCXX_SANITIZE_VECTOR -D_GLIBCXX_SANITIZE_STD_ALLOCATOR -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cxx -D_GLIBCXX_SANITIZE_VECTOR -D_GLIBCXX_SANITIZE_STD_ALLOCATOR -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <cstdio>
#include <string>
#include <vector>

struct odd {
  char c[3];
};

int main() {
  long sum = 0;
  std::vector<int> v;
  for (int i = 0; i < 1000; i++)
    v.push_back(i);
  v.erase(v.begin() + 10, v.begin() + 500);
  v.insert(v.begin() + 3, 7, 42);
  v.resize(300);
  v.shrink_to_fit();
  for (int x : v)
    sum += x;
  std::vector<int> copy = v, moved = std::move(copy);
  for (size_t i = 0; i < moved.size(); i++)
    sum += moved[i];
  v.clear();
  v.reserve(64);
  v.push_back(5);
  sum += v.back();
  std::vector<odd> odds;
  for (int i = 0; i < 17; i++) {
    odds.push_back(odd{{char(i), char(i), char(i)}});
    sum += odds.back().c[2];
  }
  odds.pop_back();
  for (const odd &o : odds)
    sum += o.c[0];
  std::vector<std::string> words{"annotated", "vectors", "stay", "quiet"};
  words.emplace_back(40, 'x');
  for (auto &w : words)
    sum += (long)w.size();
  std::printf("sum %ld\n", sum);
  // CHECK: sum 363810
  return 0;
}
