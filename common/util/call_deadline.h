#ifndef GOV_COMMON_UTIL_CALL_DEADLINE_H_
#define GOV_COMMON_UTIL_CALL_DEADLINE_H_

#include <cstdint>

#include "absl/time/time.h"

// The deadline of the call the calling thread serves, so that what the call does on its behalf
// — a call to another track — stops when the caller stops waiting: the server sets it around a
// handler (server::Handlers), peer calls take the sooner of it and their own (peers::Peers).
namespace gov {

// The deadline of the call the calling thread serves; absl::InfiniteFuture() outside a call.
absl::Time CallDeadline();

// Identifies the unary call the calling thread serves: unique in the process, 0 outside a
// unary call (upkeep threads, server streams). A component that bounds what one call may spend
// on it in total (the cache's Redis allowance, common/cache) keys its accounting by it.
uint64_t CallSerial();

// Sets the calling thread's call deadline (and, for a unary call, a new call serial) for the
// lifetime of the object, then restores the previous ones. It must die on the thread that made
// it. A server stream is one long call: `unary` false leaves its serial 0, so nothing is
// accounted across its whole life.
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline, bool unary = true);
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

 private:
  absl::Time previous_;
  uint64_t previous_serial_;
};

}  // namespace gov

#endif  // GOV_COMMON_UTIL_CALL_DEADLINE_H_
