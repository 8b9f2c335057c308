#ifndef GOV_COMMON_AUTH_AUTH_H_
#define GOV_COMMON_AUTH_AUTH_H_

#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace gov::auth {

// The roles every track shares. A track declares roles of its own beside them (mediation's
// "mediator"); which roles may call a method is declared on the method in the schema
// (governance.v1.access, enforced by server::Handlers).
inline constexpr char kDistrictAdmin[] = "district_admin";    // everything, whole district
inline constexpr char kStreetOperator[] = "street_operator";  // cases of its streets
inline constexpr char kViewer[] = "viewer";  // read-only; aggregates and case lists
inline constexpr char kSystem[] = "system";  // internal systems feeding data (court, police)
// Reads the record of who read personal data (PersonalDataService), besides what every caller
// may read (masked).
inline constexpr char kAuditor[] = "auditor";

// True for the shared roles that act for the whole district unless a token narrows them
// (district_admin, viewer, system, auditor). Every other role acts on streets: a token with one
// must name its streets.
bool IsDistrictRole(std::string_view role);
// Role names are lower-case identifiers ("street_operator"): [a-z][a-z0-9_]*, at most 64.
bool IsValidRoleName(std::string_view role);

// Who is calling: from a bearer token.
struct Principal;
// The roles that work a track's cases and see their details: district_admin, system (the
// platforms feeding the track) and street_operator (within its streets: the case engine and
// the registries keep it there).
bool WorksCases(const Principal& who);
// WorksCases, or a viewer (aggregates and lists, without private details).
bool ReadsCases(const Principal& who);
// PERMISSION_DENIED "principal <id> may not <what>".
absl::Status Denied(const Principal& who, std::string_view what);

// The service acting on its own (upkeep, rules, demo loading), e.g. "linkage-dispatcher":
// role system, district-wide. The id is what the history records as the actor.
Principal SystemPrincipal(std::string id);

struct Principal {
  std::string id;
  absl::flat_hash_set<std::string> roles;
  // Streets in scope; empty means the whole district.
  absl::flat_hash_set<std::string> streets;

  // (Debian's abseil has its own string_view, so the lookup key is converted.)
  bool HasRole(std::string_view role) const {
    return roles.contains(absl::string_view(role.data(), role.size()));
  }
  bool HasAnyRole(const std::vector<std::string>& any) const;
  bool district_wide() const { return streets.empty(); }
  // True when the street is in scope ("" — a district-level object — only for district-wide
  // principals).
  bool CanAccessStreet(std::string_view street_id) const;
};

// Checks bearer tokens against a token file (proto JSON of governance.config.v1.TokenFile):
// each entry holds the SHA-256 of a token, its principal, roles, street scope and expiry.
// The file is re-read when its modification time or size changes (checked at most once a
// second on lookups), so tokens can be rotated without a restart.
class TokenAuthenticator {
 public:
  static absl::StatusOr<std::unique_ptr<TokenAuthenticator>> Open(std::string path,
                                                                  const Clock* clock);

  // UNAUTHENTICATED for a missing, malformed, unknown or expired token.
  // `authorization` is the raw metadata value ("Bearer <token>").
  absl::StatusOr<Principal> Authenticate(std::string_view authorization);

  // Hex SHA-256 of a token, as stored in the file.
  static std::string HashToken(std::string_view token);

 private:
  TokenAuthenticator(std::string path, const Clock* clock);
  // Re-reads the file when it changed since the last look (at most one look a second). An
  // error is returned once per change that could not be loaded; the tokens then stay as they
  // were.
  absl::Status ReloadIfChangedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  struct Entry {
    Principal principal;
    absl::Time expires = absl::InfiniteFuture();
  };

  const std::string path_;
  const Clock* clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> by_hash_ ABSL_GUARDED_BY(mu_);
  int64_t file_mtime_ns_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t file_size_ ABSL_GUARDED_BY(mu_) = -1;
  // A swapped-in file (rename, ConfigMap symlink flip) may keep mtime and size.
  int64_t file_inode_ ABSL_GUARDED_BY(mu_) = -1;
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace gov::auth

#endif  // GOV_COMMON_AUTH_AUTH_H_
