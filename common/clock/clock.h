#ifndef GOV_COMMON_CLOCK_CLOCK_H_
#define GOV_COMMON_CLOCK_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gov {

// Source of "now". Services use SystemClock; tests inject a FakeClock so SLA and period logic
// never depends on the wall clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static const SystemClock* Get() {
    static const SystemClock* clock = new SystemClock();
    return clock;
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mu_);
    now_ = now;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gov

#endif  // GOV_COMMON_CLOCK_CLOCK_H_
