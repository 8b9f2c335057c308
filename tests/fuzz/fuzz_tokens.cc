// Hostile token files and authorization metadata (common/auth: TokenAuthenticator). The input is
// "<authorization value>\n<token file>[\0<token file written over it later>]": the first file is
// opened, then the authorization value and the tokens fuzz-token-1..3 (whose hashes the seeds
// hold) are authenticated; with a second file, it replaces the first a little later (the
// authenticator reloads a changed file) and the tokens are authenticated again. Seeds: token
// files as scripts/run.sh writes them (data of every role, street scopes, expiries).
//
// Findings besides crashes: a principal authenticated without an id or a role, with a role
// that is not a role name, or with a street role but no streets (acting on the whole district);
// a refusal that is not UNAUTHENTICATED.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using gov::fuzz::Finding;

const absl::Time kNow = absl::FromUnixSeconds(1775005200);
std::string* path = nullptr;

void CheckPrincipal(const absl::StatusOr<gov::auth::Principal>& who) {
  if (!who.ok()) {
    if (who.status().code() != absl::StatusCode::kUnauthenticated) {
      Finding(absl::StrCat("refused as ", who.status().ToString()));
    }
    return;
  }
  if (who->id.empty()) Finding("a principal without an id");
  if (who->roles.empty()) Finding("a principal without a role");
  for (const std::string& role : who->roles) {
    if (!gov::auth::IsValidRoleName(role)) Finding(absl::StrCat("role \"", role, "\" accepted"));
    if (who->district_wide() && !gov::auth::IsDistrictRole(role)) {
      Finding(absl::StrCat("role ", role, " acting on the whole district"));
    }
  }
  for (const std::string& street : who->streets) {
    if (street.empty()) Finding("an empty street in scope");
  }
}

void AuthenticateAll(gov::auth::TokenAuthenticator& auth, std::string_view header) {
  CheckPrincipal(auth.Authenticate(header));
  for (int i = 1; i <= 3; ++i) {
    CheckPrincipal(auth.Authenticate(absl::StrCat("Bearer fuzz-token-", i)));
  }
}

std::string Entry(int token, const std::string& role, const std::vector<std::string>& streets,
                  const std::string& expires) {
  std::vector<std::string> quoted;
  for (const std::string& s : streets) quoted.push_back(absl::StrCat("\"", s, "\""));
  return absl::StrCat("{\"sha256\": \"",
                      gov::auth::TokenAuthenticator::HashToken(absl::StrCat("fuzz-token-", token)),
                      "\", \"principal\": \"p-", token, "\", \"roles\": [\"", role,
                      "\"], \"streets\": [", absl::StrJoin(quoted, ", "), "], \"expires\": \"",
                      expires, "\"}");
}

void WriteSeeds() {
  const std::string file1 =
      absl::StrCat("{\"tokens\": [", Entry(1, "district_admin", {}, "2027-04-01T00:00:00Z"), ", ",
                   Entry(2, "street_operator", {"GS01", "GS02"}, "2026-04-01T09:00:00+08:00"), ", ",
                   Entry(3, "mediator", {"GS01"}, "2099-12-31T23:59:59.999Z"), "]}");
  const std::string file2 =
      absl::StrCat("{\"tokens\": [", Entry(1, "viewer", {}, "2027-04-01T00:00:00Z"), ", ",
                   Entry(3, "system", {}, "2027-04-01T00:00:00Z"), "]}");
  gov::fuzz::WriteSeed(absl::StrCat("Bearer fuzz-token-1\n", file1));
  gov::fuzz::WriteSeed(absl::StrCat("bearer  fuzz-token-2 \n", file1, std::string(1, '\0'), file2));
  gov::fuzz::WriteSeed(absl::StrCat("Basic Zm9vOmJhcg==\n", file2));
  gov::fuzz::WriteSeed("\n{\"tokens\": []}");
  gov::fuzz::SeedsWritten("fuzz_tokens");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gov::fuzz::QuietLogs();
  path = new std::string(absl::StrCat(gov::fuzz::ScratchDir(), "/tokens.json"));
  if (!gov::fuzz::SeedsDir().empty()) WriteSeeds();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = gov::fuzz::Bytes(data, size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view header = input.substr(0, newline);
  std::string_view first = input.substr(newline + 1);
  std::string_view second;
  bool replaced = false;
  if (const size_t nul = first.find('\0'); nul != std::string_view::npos) {
    second = first.substr(nul + 1);
    first = first.substr(0, nul);
    replaced = true;
  }
  gov::fuzz::WriteFileOrDie(*path, first);
  gov::FakeClock clock(kNow);
  auto opened = gov::auth::TokenAuthenticator::Open(*path, &clock);
  if (!opened.ok()) {
    if (opened.status().code() != absl::StatusCode::kInvalidArgument) {
      Finding(absl::StrCat("a token file refused as ", opened.status().ToString()));
    }
    return 0;
  }
  AuthenticateAll(**opened, header);
  if (replaced) {
    // Written beside and renamed over, as a rotation does: a new inode.
    const std::string next = absl::StrCat(*path, ".next");
    gov::fuzz::WriteFileOrDie(next, second);
    if (std::rename(next.c_str(), path->c_str()) != 0) Finding("rename failed");
    clock.Advance(absl::Seconds(2));
    AuthenticateAll(**opened, header);
  }
  return 0;
}
