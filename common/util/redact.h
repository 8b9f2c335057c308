#ifndef GOV_COMMON_UTIL_REDACT_H_
#define GOV_COMMON_UTIL_REDACT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gov {

// A database URL with any password replaced by "***": URIs (postgresql://user:secret@host/db, and
// a password=... query parameter) and libpq key=value strings (password=secret,
// password='s e c'). What the configuration shows and the logs carry of --database_url.
std::string RedactDatabaseUrl(absl::string_view url);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_REDACT_H_
