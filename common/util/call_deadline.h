#ifndef GOV_COMMON_UTIL_CALL_DEADLINE_H_
#define GOV_COMMON_UTIL_CALL_DEADLINE_H_

#include "absl/time/time.h"

// The deadline of the call the calling thread serves, so that what the call does on its behalf
// — a call to another track — stops when the caller stops waiting: the server sets it around a
// handler (server::Handlers), peer calls take the sooner of it and their own (peers::Peers).
namespace gov {

// The deadline of the call the calling thread serves; absl::InfiniteFuture() outside a call.
absl::Time CallDeadline();

// Sets the calling thread's call deadline for the lifetime of the object, then restores the
// previous one. It must die on the thread that made it.
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline);
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

 private:
  absl::Time previous_;
};

}  // namespace gov

#endif  // GOV_COMMON_UTIL_CALL_DEADLINE_H_
