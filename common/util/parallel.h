#ifndef GOV_COMMON_UTIL_PARALLEL_H_
#define GOV_COMMON_UTIL_PARALLEL_H_

#include <functional>

#include "absl/status/status.h"

namespace gov {

// Runs fn(worker, i) for every i in [0, n), in increasing order of i as workers free up, on
// `workers` threads (at least one). The first error stops the rest from starting and is
// returned; work already started finishes. For bulk jobs such as demo data loads.
absl::Status ParallelFor(int n, int workers, const std::function<absl::Status(int, int)>& fn);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_PARALLEL_H_
