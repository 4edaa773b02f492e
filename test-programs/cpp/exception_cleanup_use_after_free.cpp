// An exception unwinds through a frame whose cleanup (a unique_ptr's destructor) deletes the
// object the catch handler still points to: heap-use-after-free, the free stack going through
// the landing pad of the unwound frame.
// RUN: %ffisan_cxx -O0 %s -o %t && not %t 2>&1 | FileCheck %s
// RUN: %ffisan_cxx -O2 %s -o %t && not %t 2>&1 | FileCheck %s
#include <cstdio>
#include <memory>
#include <stdexcept>

struct Job {
  int id;
  int attempts;
};

Job *last_seen;
static void run(Job *raw);

int main() {
  try {
    run(new Job{42, 0});
  } catch (const std::exception &e) {
    printf("%s: job %d\n", e.what(), last_seen->id);
    // CHECK: ERROR: ffisan: heap-use-after-free on address
    // CHECK: READ of size 4 at {{.*}} thread T0 (domain: c)
    // CHECK-NEXT: #0 {{.*}} in main {{.*}}exception_cleanup_use_after_free.cpp:[[@LINE-3]]
    // CHECK: is located 0 bytes inside of 8-byte region
  }
  return 0;
}

__attribute__((noinline)) static void run(Job *raw) {
  std::unique_ptr<Job> job(raw);
  last_seen = job.get();
  job->attempts++;
  if (job->attempts > 0)
    throw std::runtime_error("job failed");
} // the unwinder runs ~unique_ptr here: delete job
// CHECK: freed by thread T0 here:
// CHECK-NEXT: #0 {{.*}} in operator delete(void*, unsigned long)
// CHECK: in run(Job*) {{.*}}exception_cleanup_use_after_free.cpp:[[@LINE-3]]
// CHECK-NEXT: in main {{.*}}exception_cleanup_use_after_free.cpp:20
