// Heavy use of the standard containers and strings (growth, rehash, node allocation, sized
// delete of every block), placement new into a buffer, arrays of objects with destructors (an
// array cookie before the objects), over-aligned types (aligned new and the sized, aligned
// delete), nothrow new, shared_ptr's control blocks, std::function and string streams: no finding.
// RUN: %ffisan_cxx -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cxx -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

struct alignas(64) CacheLine {
  long value[8];
};

struct WithDestructor {
  std::string text;
  WithDestructor() : text(20, 'w') {}
  ~WithDestructor() { text.clear(); }
};

struct Point {
  int x, y;
  Point(int x, int y) : x(x), y(y) {}
};

int main() {
  std::vector<std::string> words;
  for (int i = 0; i < 20000; i++)
    words.push_back("word-" + std::to_string(i * 7919 % 10007));
  std::map<std::string, int> counts;
  std::unordered_map<std::string, std::vector<int>> positions;
  for (size_t i = 0; i < words.size(); i++) {
    counts[words[i]]++;
    positions[words[i]].push_back((int)i);
  }
  std::set<int> lengths;
  std::list<std::string> longest;
  for (const auto &w : words) {
    lengths.insert((int)w.size());
    if (w.size() == 10)
      longest.push_back(w);
  }
  std::deque<long> window;
  long sum = 0;
  for (int i = 0; i < 100000; i++) {
    window.push_back(i);
    sum += i;
    if (window.size() > 1000) {
      sum -= window.front();
      window.pop_front();
    }
  }
  printf("words %zu distinct %zu lengths %zu longest %zu window sum %ld\n", words.size(),
         counts.size(), lengths.size(), longest.size(), sum);
  // CHECK: words 20000 distinct 10007 lengths 5 longest 14 window sum 99499500

  // Placement new into a stack buffer and into a malloc'd one; destroyed by hand.
  alignas(Point) unsigned char storage[sizeof(Point) * 4];
  Point *points = reinterpret_cast<Point *>(storage);
  for (int i = 0; i < 4; i++)
    new (&points[i]) Point(i, i * i);
  void *raw = malloc(sizeof(WithDestructor));
  WithDestructor *placed = new (raw) WithDestructor;
  printf("placed %s %d\n", placed->text.c_str(), points[3].y);
  // CHECK: placed wwwwwwwwwwwwwwwwwwww 9
  placed->~WithDestructor();
  free(raw);

  // Arrays of objects with destructors: new[] puts a cookie before them, delete[] finds it.
  WithDestructor *many = new WithDestructor[17];
  many[16].text += "!";
  delete[] many;

  // Over-aligned objects: aligned new, sized aligned delete; in a vector too.
  CacheLine *line = new CacheLine{};
  std::vector<CacheLine> lines(100);
  lines.resize(1000);
  printf("aligned %d %d\n", (int)((uintptr_t)line % 64), (int)((uintptr_t)lines.data() % 64));
  // CHECK: aligned 0 0
  delete line;
  CacheLine *line_array = new CacheLine[3];
  delete[] line_array;

  int *maybe = new (std::nothrow) int[1000];
  maybe[999] = 1;
  delete[] maybe;

  std::shared_ptr<std::vector<int>> shared = std::make_shared<std::vector<int>>(10, 1);
  std::weak_ptr<std::vector<int>> weak = shared;
  std::function<int(int)> add = [shared](int k) { return (*shared)[0] + k; };
  shared.reset();
  printf("function %d expired %d\n", add(41), (int)weak.expired());
  // CHECK: function 42 expired 0

  std::ostringstream out;
  for (int i = 0; i < 1000; i++)
    out << i << ',';
  std::string text = out.str();
  std::istringstream in(text);
  int value = 0, total = 0;
  char comma;
  while (in >> value >> comma)
    total += value;
  printf("stream %zu %d\n", text.size(), total);
  // CHECK: stream 3890 499500
  return 0;
}
