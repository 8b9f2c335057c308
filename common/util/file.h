#ifndef GOV_COMMON_UTIL_FILE_H_
#define GOV_COMMON_UTIL_FILE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/util/status.h"
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

// A track's rules file (data/<track>.json): read into its proto `Data` and built into the
// track's immutable `Rules` by `Rules::FromProto(data, args...)`, which checks it. Every error
// names the file: "<what> <path>: <field>: <reason>".
template <typename Rules, typename Data, typename... Args>
absl::StatusOr<std::unique_ptr<Rules>> LoadRulesFile(const std::string& path,
                                                     const std::string& what, Args&&... args) {
  Data data;
  absl::Status read = LoadJsonFile(path, what, &data);
  if (!read.ok()) return read;
  absl::StatusOr<std::unique_ptr<Rules>> rules =
      Rules::FromProto(std::move(data), std::forward<Args>(args)...);
  if (!rules.ok()) return Annotate(rules.status(), what + " " + path);
  return rules;
}

}  // namespace gov

#endif  // GOV_COMMON_UTIL_FILE_H_
