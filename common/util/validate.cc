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

}  // namespace gov
