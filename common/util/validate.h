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

// Unicode code points in valid UTF-8 (proto3 strings are checked to be UTF-8 on parse): what a
// person counts as characters, and what every length limit of the API is stated in.
size_t CharCount(std::string_view utf8);

// A free text of at most `max` characters (CharCount); `required` also refuses an empty one.
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateText(std::string_view text, std::string_view field, size_t max,
                          bool required = false);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_VALIDATE_H_
