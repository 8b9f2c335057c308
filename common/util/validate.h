#ifndef GOV_COMMON_UTIL_VALIDATE_H_
#define GOV_COMMON_UTIL_VALIDATE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace gov {

// Longest client-chosen request id accepted on creates (the idempotency key).
inline constexpr size_t kMaxRequestIdLength = 128;

// A create's request_id: required, at most kMaxRequestIdLength characters. INVALID_ARGUMENT
// naming `field` otherwise.
absl::Status ValidateRequestId(std::string_view request_id, std::string_view field = "request_id");

}  // namespace gov

#endif  // GOV_COMMON_UTIL_VALIDATE_H_
