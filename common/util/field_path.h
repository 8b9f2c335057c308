#ifndef GOV_COMMON_UTIL_FIELD_PATH_H_
#define GOV_COMMON_UTIL_FIELD_PATH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

// Fields of a message named by a dotted path of singular fields ("complaint.region": the field
// region of the message field complaint), for what is declared as data rather than code (the
// digital track's dispatch table fills in another track's request this way). Repeated fields
// and maps are not addressable.
//
//   GOV_RETURN_IF_ERROR(CheckFieldPath(*request.GetDescriptor(), "complaint.category",
//                                      FieldPathKind::kScalar));
//   GOV_RETURN_IF_ERROR(SetFieldPath(request, "complaint.category", "COMPLAINT_CATEGORY_NOISE"));
namespace gov {

// What the last field of a path must be.
enum class FieldPathKind {
  kScalar,   // a string, bool, number or enum (SetFieldPath's value is text)
  kString,   // a string
  kMessage,  // a message (of the type CheckFieldPath is given)
};

// The last field of `path` in `type`; INVALID_ARGUMENT naming the path and the part that is not
// a singular field (or whose type is not a message on the way, or not of `kind` at the end, or
// not of `message_type` when given).
absl::StatusOr<const google::protobuf::FieldDescriptor*> CheckFieldPath(
    const google::protobuf::Descriptor& type, const std::string& path, FieldPathKind kind,
    const google::protobuf::Descriptor* message_type = nullptr);

// Sets the scalar at `path` (creating the messages on the way) from text: an enum's value
// name (or its number), a string as it is, a bool as "true" or "false", a number in decimal.
// INVALID_ARGUMENT naming the path when the path or the value does not fit the field (the
// messages on the way may then have been created: a request that fails to build is dropped).
absl::Status SetFieldPath(google::protobuf::Message& message, const std::string& path,
                          const std::string& value);

// Sets the string at `path` (creating the messages on the way).
absl::Status SetStringPath(google::protobuf::Message& message, const std::string& path,
                           const std::string& value);

// The message at `path`, created if unset; INVALID_ARGUMENT when the path is not a message
// field of the message's type.
absl::StatusOr<google::protobuf::Message*> MutableMessagePath(google::protobuf::Message& message,
                                                              const std::string& path);

// The string at `path` ("" when a message on the way is unset).
absl::StatusOr<std::string> GetStringPath(const google::protobuf::Message& message,
                                          const std::string& path);

// The key (EnumKey: the value name without the enum's prefix) of the enum at `path` ("" when a
// message on the way is unset).
absl::StatusOr<std::string> GetEnumKeyPath(const google::protobuf::Message& message,
                                           const std::string& path);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_FIELD_PATH_H_
