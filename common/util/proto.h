#ifndef GOV_COMMON_UTIL_PROTO_H_
#define GOV_COMMON_UTIL_PROTO_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "governance/v1/common.pb.h"

namespace gov {

// Proto enums are stored and counted by key: the value name without the enum's prefix, e.g.
// DISPUTE_CATEGORY_FAMILY -> "FAMILY" (buf's ENUM_VALUE_PREFIX rule makes the prefix the enum's
// name in UPPER_SNAKE_CASE). Keys are what the engine's categories, statuses and count rows hold.
std::string EnumKey(const google::protobuf::EnumDescriptor* descriptor, int number);
// The number of a key; nullopt for an unknown key and for the zero (UNSPECIFIED) value.
std::optional<int> EnumNumber(const google::protobuf::EnumDescriptor* descriptor,
                              std::string_view key);

template <typename E>
std::string EnumKey(E value) {
  return EnumKey(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}
template <typename E>
std::optional<E> EnumFromKey(std::string_view key) {
  std::optional<int> n = EnumNumber(google::protobuf::GetEnumDescriptor<E>(), key);
  if (!n.has_value()) return std::nullopt;
  return static_cast<E>(*n);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// Deterministic serialization (map order fixed), for request hashes that must not change
// between a call and its retry.
std::string SerializeStable(const google::protobuf::Message& message);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_PROTO_H_
