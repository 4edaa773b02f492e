// std::thread workers that allocate, hand objects to each other and free what others made;
// thread_local objects whose destructors free heap memory at each thread's exit (and the main
// thread's at exit); static objects destroyed after main returns; std::async and a
// condition variable: no finding, and every destructor ran.
// RUN: %ffisan_cxx -O0 %s -o %t -pthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cxx -O2 %s -o %t -pthread && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

static std::atomic<int> tls_destroyed;

struct PerThread {
  std::vector<std::string> log;
  std::unique_ptr<int[]> scratch{new int[64]};
  ~PerThread() {
    log.clear(); // frees the strings on the exiting thread
    tls_destroyed++;
  }
};

thread_local PerThread per_thread;

// Destroyed after main returns, after the main thread's thread_local: frees a map of strings.
struct Registry {
  std::map<std::string, std::vector<int>> entries;
  ~Registry() {
    size_t n = entries.size();
    entries.clear();
    printf("registry destroyed with %zu entries, %d thread_locals destroyed\n", n,
           tls_destroyed.load());
  }
};
static Registry registry;
static std::mutex registry_lock;

// Objects made on one thread and destroyed on another.
static std::mutex box_lock;
static std::condition_variable box_ready;
static std::vector<std::unique_ptr<std::string>> box;

static void producer(int id) {
  for (int i = 0; i < 500; i++) {
    per_thread.log.push_back("item " + std::to_string(i));
    per_thread.scratch[i % 64] = i;
    auto s = std::make_unique<std::string>(100 + i % 50, char('a' + id));
    std::lock_guard<std::mutex> g(box_lock);
    box.push_back(std::move(s));
    box_ready.notify_one();
  }
  std::lock_guard<std::mutex> g(registry_lock);
  registry.entries["producer " + std::to_string(id)] = std::vector<int>(id + 1, id);
}

static size_t consumer(int expected) {
  size_t bytes = 0;
  for (int taken = 0; taken < expected; taken++) {
    std::unique_lock<std::mutex> g(box_lock);
    box_ready.wait(g, [] { return !box.empty(); });
    std::unique_ptr<std::string> s = std::move(box.back());
    box.pop_back();
    g.unlock();
    bytes += s->size(); // freed here, on the consumer thread
  }
  return bytes;
}

int main() {
  per_thread.log.push_back("main");
  std::future<size_t> consumed = std::async(std::launch::async, consumer, 4 * 500);
  std::vector<std::thread> producers;
  for (int id = 0; id < 4; id++)
    producers.emplace_back(producer, id);
  for (auto &t : producers)
    t.join();
  printf("consumed %zu bytes\n", consumed.get());
  // CHECK: consumed 249000 bytes
  printf("thread_locals destroyed so far: %d\n", tls_destroyed.load());
  // CHECK: thread_locals destroyed so far: 4
  return 0;
}
// CHECK: registry destroyed with 4 entries, 5 thread_locals destroyed
