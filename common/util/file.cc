#include "common/util/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace gov {

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    const std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  std::string contents;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) contents.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(err)));
  }
  return contents;
}

absl::Status LoadJsonFile(const std::string& path, const std::string& what,
                          google::protobuf::Message* message) {
  absl::StatusOr<std::string> contents = ReadFile(path, what);
  if (!contents.ok()) return contents.status();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(*contents, message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": ", std::string(parsed.message())));
  }
  return absl::OkStatus();
}

}  // namespace gov
