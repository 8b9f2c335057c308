#ifndef GOV_COMMON_UTIL_VALIDATE_H_
#define GOV_COMMON_UTIL_VALIDATE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "google/protobuf/repeated_field.h"

namespace gov {

// Longest client-chosen request id accepted on creates (the idempotency key).
inline constexpr size_t kMaxRequestIdLength = 128;

// A create's request_id: required, at most kMaxRequestIdLength characters. INVALID_ARGUMENT
// naming `field` otherwise.
absl::Status ValidateRequestId(std::string_view request_id, std::string_view field = "request_id");

// Longest id a caller names: ids are the server's ("D-000042", "M-000001"); the bound refuses
// junk before it reaches the store.
inline constexpr size_t kMaxIdLength = 64;

// An id the caller names: required, at most kMaxIdLength bytes. INVALID_ARGUMENT naming `field`
// otherwise.
absl::Status ValidateId(std::string_view id, std::string_view field = "id");

// Unicode code points in valid UTF-8 (proto3 strings are checked to be UTF-8 on parse): what a
// person counts as characters, and what every length limit of the API is stated in.
size_t CharCount(std::string_view utf8);

// A free text of at most `max` characters (CharCount); `required` also refuses an empty one.
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateText(std::string_view text, std::string_view field, size_t max,
                          bool required = false);

// The keys (EnumKey) of a list's repeated enum filter, e.g. the statuses to list. The zero
// (UNSPECIFIED) value and numbers the enum does not know are INVALID_ARGUMENT naming
// "<field>[i]": "not <what>" (what: "a complaint status").
template <typename E>
absl::StatusOr<std::vector<std::string>> EnumFilterKeys(
    const google::protobuf::RepeatedField<int>& values, const std::string& field,
    const std::string& what) {
  const google::protobuf::EnumDescriptor* descriptor = google::protobuf::GetEnumDescriptor<E>();
  std::vector<std::string> keys;
  for (int i = 0; i < values.size(); ++i) {
    const int number = values.Get(i);
    if (number == 0 || descriptor->FindValueByNumber(number) == nullptr) {
      return InvalidField(absl::StrCat(field, "[", i, "]"), absl::StrCat("not ", what));
    }
    keys.push_back(EnumKey(descriptor, number));
  }
  return keys;
}

}  // namespace gov

#endif  // GOV_COMMON_UTIL_VALIDATE_H_
