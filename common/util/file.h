#ifndef GOV_COMMON_UTIL_FILE_H_
#define GOV_COMMON_UTIL_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace gov {

// Whole contents of a file. NOT_FOUND when it does not exist, UNAVAILABLE when it cannot be
// read; messages start with "<what> <path>: ".
absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& what);

// Reads a data file written as proto JSON (the formats in governance.config.v1) into
// `message`. Unknown fields are refused (a typo in a data file must not pass silently):
// INVALID_ARGUMENT "<what> <path>: <parser message>".
absl::Status LoadJsonFile(const std::string& path, const std::string& what,
                          google::protobuf::Message* message);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_FILE_H_
