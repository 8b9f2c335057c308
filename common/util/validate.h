#ifndef GOV_COMMON_UTIL_VALIDATE_H_
#define GOV_COMMON_UTIL_VALIDATE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"

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

// The input rules every track shares. Each returns INVALID_ARGUMENT naming `field` (InvalidField)
// and never quotes the value (it may be personal data).

// Text a person or a system may send: valid UTF-8 without NUL or other control characters
// (U+0000-U+001F but tab, line feed and carriage return; U+007F-U+009F). Both stores then hold
// the same text: PostgreSQL refuses NUL and invalid UTF-8 that SQLite would keep.
absl::Status ValidateTextCharacters(std::string_view text, std::string_view field);

// Every string field of a request, nested messages, repeated and map fields included, by the
// rule above, naming the first offending field by its path ("dispute.parties[1].name"). The
// RPC binding (server::RpcService) runs it on every request before the handler.
absl::Status ValidateMessageText(const google::protobuf::Message& message);

// A free text of at most `max` characters (CharCount); `required` also refuses an empty one.
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateText(std::string_view text, std::string_view field, size_t max,
                          bool required = false);

// A phone number as people write it: 5 to 20 characters, digits with an optional leading '+',
// '-' or spaces between them, at least 5 digits. Enough to catch a name typed into the field
// without pretending to know every numbering plan. Empty is accepted (optional fields); the
// caller requires it where it must be given.
absl::Status ValidatePhone(std::string_view phone, std::string_view field);

// How far past the server's clock a time reported by another system may lie (the clocks of the
// police platform, a patrol's handset): the one allowance for "when it happened" times.
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

// A time given in a request (a due time, a planned day): set, and a valid Timestamp between
// 2000-01-01 and 2100-01-01.
absl::Status ValidateTime(const google::protobuf::Timestamp& time, std::string_view field);

// When something happened: ValidateTime, and not after now + kMaxClockSkew ("in the future").
absl::Status ValidatePastTime(const google::protobuf::Timestamp& time, std::string_view field,
                              absl::Time now);

// A number a rules file or a request sets within [lo, hi]: "<lo> to <hi>" otherwise.
absl::Status ValidateRange(int64_t value, int64_t lo, int64_t hi, std::string_view field);

// A calendar day "YYYY-MM-DD" (a real date, years 2000-2099); `required` also refuses "".
absl::Status ValidateDay(std::string_view day, std::string_view field, bool required = true);

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
