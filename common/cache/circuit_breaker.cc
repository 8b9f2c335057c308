#include "common/cache/circuit_breaker.h"

#include <algorithm>
#include <utility>

#include "common/log/log.h"
#include "prometheus/gauge.h"

namespace gov::cache {

CircuitBreaker::CircuitBreaker(int failure_threshold, absl::Duration open_interval,
                               const Clock* clock, prometheus::Gauge* open_gauge, std::string name)
    : failure_threshold_(std::max(1, failure_threshold)),
      open_interval_(std::max(open_interval, absl::ZeroDuration())),
      clock_(clock),
      open_gauge_(open_gauge),
      name_(std::move(name)) {
  if (open_gauge_ != nullptr) open_gauge_->Set(0);
}

CircuitBreaker::Admission CircuitBreaker::Admit() {
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case State::kClosed:
      return Admission::kAdmitted;
    case State::kOpen:
      if (clock_->Now() - opened_at_ < open_interval_) return Admission::kRejected;
      state_ = State::kHalfOpen;
      return Admission::kProbe;
    case State::kHalfOpen:
      return Admission::kRejected;
  }
  return Admission::kRejected;
}

void CircuitBreaker::RecordSuccess(Admission admission) {
  absl::MutexLock lock(&mu_);
  if (admission == Admission::kProbe) {
    state_ = State::kClosed;
    consecutive_failures_ = 0;
    if (open_gauge_ != nullptr) open_gauge_->Set(0);
    log::Info("cache circuit closed", {{"dependency", name_}});
    return;
  }
  if (admission == Admission::kAdmitted && state_ == State::kClosed) consecutive_failures_ = 0;
}

void CircuitBreaker::RecordFailure(Admission admission) {
  absl::MutexLock lock(&mu_);
  if (admission == Admission::kProbe) {
    OpenLocked();
    return;
  }
  if (admission != Admission::kAdmitted || state_ != State::kClosed) return;
  if (++consecutive_failures_ >= failure_threshold_) OpenLocked();
}

void CircuitBreaker::RecordAbandoned(Admission admission) {
  absl::MutexLock lock(&mu_);
  // opened_at_ is left as it was, so the next Admit() probes at once.
  if (admission == Admission::kProbe) state_ = State::kOpen;
}

bool CircuitBreaker::open() const {
  absl::MutexLock lock(&mu_);
  return state_ != State::kClosed;
}

void CircuitBreaker::OpenLocked() {
  const bool was_closed = state_ == State::kClosed;
  state_ = State::kOpen;
  opened_at_ = clock_->Now();
  consecutive_failures_ = 0;
  if (open_gauge_ != nullptr) open_gauge_->Set(1);
  if (was_closed) {
    log::Warn("cache circuit opened",
              {{"dependency", name_}, {"retry_after", absl::FormatDuration(open_interval_)}});
  }
}

}  // namespace gov::cache
