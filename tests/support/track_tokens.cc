#include "tests/support/track_tokens.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/auth.h"

namespace gov::testing {

std::string TokenFileJson(const std::vector<TestToken>& tokens) {
  std::vector<std::string> entries;
  for (const TestToken& t : tokens) {
    std::vector<std::string> streets;
    for (const std::string& street : t.streets) streets.push_back(absl::StrCat("\"", street, "\""));
    entries.push_back(absl::StrCat("{\"sha256\": \"", auth::TokenAuthenticator::HashToken(t.token),
                                   "\", \"principal\": \"", t.principal, "\", \"roles\": [\"",
                                   t.role, "\"], \"streets\": [", absl::StrJoin(streets, ","),
                                   "], \"expires\": \"2099-01-01T00:00:00Z\"}"));
  }
  return absl::StrCat("{\"tokens\": [", absl::StrJoin(entries, ","), "]}");
}

}  // namespace gov::testing
