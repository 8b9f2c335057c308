#include "common/util/validate.h"

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace gov {

absl::Status ValidateRequestId(std::string_view request_id, std::string_view field) {
  if (request_id.empty()) return InvalidField(field, "required");
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidField(field, absl::StrCat("at most ", kMaxRequestIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateId(std::string_view id, std::string_view field) {
  if (id.empty()) return InvalidField(field, "required");
  if (id.size() > kMaxIdLength) {
    return InvalidField(field, absl::StrCat("at most ", kMaxIdLength, " characters"));
  }
  return absl::OkStatus();
}

size_t CharCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    // Continuation bytes (10xxxxxx) do not start a code point.
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::Status ValidateText(std::string_view text, std::string_view field, size_t max,
                          bool required) {
  if (required && text.empty()) return InvalidField(field, "required");
  if (CharCount(text) > max) {
    return InvalidField(field, absl::StrCat("at most ", max, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace gov
