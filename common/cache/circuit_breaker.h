#ifndef GOV_COMMON_CACHE_CIRCUIT_BREAKER_H_
#define GOV_COMMON_CACHE_CIRCUIT_BREAKER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace prometheus {
class Gauge;
}

namespace gov::cache {

// A three-state circuit breaker guarding calls to a dependency that may be down.
//
//  closed    -> every call is admitted; `failure_threshold` consecutive failures open it.
//  open      -> every call is rejected (the caller must not touch the dependency) until
//               `open_interval` has passed on the injected clock.
//  half-open -> exactly one call (the probe) is admitted; its success closes the circuit, its
//               failure opens it for another `open_interval`. Other calls are rejected meanwhile.
//
// Usage: Admit(), and when the result is not kRejected, exactly one Record*() with that result.
// Only the probe moves an open circuit: a call admitted while closed that finishes after the
// circuit opened is ignored, so a burst of slow failures cannot keep extending the open period.
// Thread-safe.
class CircuitBreaker {
 public:
  enum class Admission {
    kRejected,  // do not call the dependency
    kAdmitted,  // circuit closed
    kProbe,     // the single half-open trial call
  };

  // `failure_threshold` below 1 counts as 1; `open_gauge` (may be null) is set to 1 while the
  // circuit is open or half-open, 0 while closed. `name` identifies the dependency in logs.
  CircuitBreaker(int failure_threshold, absl::Duration open_interval, const Clock* clock,
                 prometheus::Gauge* open_gauge, std::string name);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  Admission Admit();
  // The dependency answered.
  void RecordSuccess(Admission admission);
  // The dependency could not be reached or did not answer in time.
  void RecordFailure(Admission admission);
  // The call never reached the dependency (e.g. no local resource was free): says nothing about
  // its health. An abandoned probe lets the next call probe instead.
  void RecordAbandoned(Admission admission);

  // True while open or half-open.
  bool open() const;

 private:
  enum class State { kClosed, kOpen, kHalfOpen };

  void OpenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int failure_threshold_;
  const absl::Duration open_interval_;
  const Clock* const clock_;
  prometheus::Gauge* const open_gauge_;
  const std::string name_;

  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time opened_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace gov::cache

#endif  // GOV_COMMON_CACHE_CIRCUIT_BREAKER_H_
