#include "common/util/call_deadline.h"

namespace gov {
namespace {

thread_local absl::Time current_deadline = absl::InfiniteFuture();

}  // namespace

absl::Time CallDeadline() { return current_deadline; }

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline) : previous_(current_deadline) {
  current_deadline = deadline;
}

ScopedCallDeadline::~ScopedCallDeadline() { current_deadline = previous_; }

}  // namespace gov
