#include "common/util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace gov {

absl::Status ParallelFor(int n, int workers, const std::function<absl::Status(int, int)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first;
  std::vector<std::thread> threads;
  for (int w = 0; w < std::max(1, workers); ++w) {
    threads.emplace_back([&, w] {
      for (int i = next++; i < n && !failed; i = next++) {
        absl::Status status = fn(w, i);
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          if (first.ok()) first = status;
          failed = true;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return first;
}

}  // namespace gov
