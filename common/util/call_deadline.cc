#include "common/util/call_deadline.h"

#include <atomic>
#include <cstdint>

namespace gov {
namespace {

thread_local absl::Time current_deadline = absl::InfiniteFuture();
thread_local uint64_t current_serial = 0;
std::atomic<uint64_t> next_serial{1};

}  // namespace

absl::Time CallDeadline() { return current_deadline; }

uint64_t CallSerial() { return current_serial; }

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline, bool unary)
    : previous_(current_deadline), previous_serial_(current_serial) {
  current_deadline = deadline;
  current_serial = unary ? next_serial.fetch_add(1, std::memory_order_relaxed) : 0;
}

ScopedCallDeadline::~ScopedCallDeadline() {
  current_deadline = previous_;
  current_serial = previous_serial_;
}

}  // namespace gov
