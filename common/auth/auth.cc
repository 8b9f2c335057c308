#include "common/auth/auth.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log/log.h"
#include "common/util/digest.h"
#include "common/util/file.h"
#include "common/util/status.h"
#include "governance/config/v1/config.pb.h"

namespace gov::auth {

bool WorksCases(const Principal& who) {
  return who.HasAnyRole({kDistrictAdmin, kSystem, kStreetOperator});
}

bool ReadsCases(const Principal& who) { return WorksCases(who) || who.HasRole(kViewer); }

absl::Status Denied(const Principal& who, std::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat("principal ", who.id, " may not ", absl::string_view(what.data(), what.size())));
}

Principal SystemPrincipal(std::string id) {
  Principal p;
  p.id = std::move(id);
  p.roles = {kSystem};
  return p;
}

namespace {

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsLowerHexSha256(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}

struct FileId {
  int64_t mtime_ns = -1;
  int64_t size = -1;
  int64_t inode = -1;
};

absl::StatusOr<FileId> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    const std::string message = absl::StrCat("token file ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  return FileId{static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                static_cast<int64_t>(st.st_size), static_cast<int64_t>(st.st_ino)};
}

}  // namespace

bool Principal::HasAnyRole(const std::vector<std::string>& any) const {
  for (const std::string& role : any) {
    if (roles.contains(role)) return true;
  }
  return false;
}

bool Principal::CanAccessStreet(std::string_view street_id) const {
  if (district_wide()) return true;
  if (street_id.empty()) return false;
  return streets.contains(AsAbsl(street_id));
}

bool IsDistrictRole(std::string_view role) {
  return role == kDistrictAdmin || role == kViewer || role == kSystem || role == kAuditor;
}

bool IsValidRoleName(std::string_view role) {
  if (role.empty() || role.size() > 64 || !absl::ascii_islower(role.front())) return false;
  for (char c : role) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

TokenAuthenticator::TokenAuthenticator(std::string path, const Clock* clock)
    : path_(std::move(path)), clock_(clock) {}

absl::StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::Open(std::string path,
                                                                             const Clock* clock) {
  auto auth = std::unique_ptr<TokenAuthenticator>(new TokenAuthenticator(std::move(path), clock));
  absl::MutexLock lock(&auth->mu_);
  if (absl::Status st = auth->ReloadIfChangedLocked(); !st.ok()) return st;
  return auth;
}

std::string TokenAuthenticator::HashToken(std::string_view token) { return Sha256Hex(token); }

absl::Status TokenAuthenticator::ReloadIfChangedLocked() {
  const absl::Time now = clock_->Now();
  if (now - last_check_ < absl::Seconds(1)) return absl::OkStatus();
  last_check_ = now;

  absl::StatusOr<FileId> id = StatFile(path_);
  if (!id.ok()) {
    // Reported once; the tokens loaded last stay in force until the file is back.
    if (file_inode_ == -2) return absl::OkStatus();
    file_mtime_ns_ = file_size_ = file_inode_ = -2;
    return id.status();
  }
  if (id->mtime_ns == file_mtime_ns_ && id->size == file_size_ && id->inode == file_inode_) {
    return absl::OkStatus();
  }
  // Remembered before parsing so that a bad file is reported once, not at every look.
  file_mtime_ns_ = id->mtime_ns;
  file_size_ = id->size;
  file_inode_ = id->inode;

  governance::config::v1::TokenFile file;
  GOV_RETURN_IF_ERROR(LoadJsonFile(path_, "token file", &file));

  absl::flat_hash_map<std::string, Entry> by_hash;
  for (int i = 0; i < file.tokens_size(); ++i) {
    const governance::config::v1::TokenEntry& t = file.tokens(i);
    const std::string where = absl::StrCat("token file ", path_, ": tokens[", i, "]");
    const std::string hash = absl::AsciiStrToLower(t.sha256());
    if (!IsLowerHexSha256(hash)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".sha256: must be 64 hex digits (SHA-256 of the token)"));
    }
    Entry entry;
    if (t.principal().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".principal: required"));
    }
    entry.principal.id = t.principal();
    if (t.roles().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".roles: at least one required"));
    }
    for (const std::string& role : t.roles()) {
      if (!IsValidRoleName(role)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ".roles: \"", role, "\" is not a role name (lower-case letters, digits, _)"));
      }
      entry.principal.roles.insert(role);
    }
    for (const std::string& street : t.streets()) {
      if (street.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ".streets: empty street id"));
      }
      entry.principal.streets.insert(street);
    }
    // A street role without streets would silently act on the whole district.
    if (entry.principal.streets.empty()) {
      for (const std::string& role : t.roles()) {
        if (!IsDistrictRole(role)) {
          return absl::InvalidArgumentError(absl::StrCat(
              where, ".streets: required for a token with role \"", role,
              "\" (every role but district_admin, viewer, system and auditor acts on streets)"));
        }
      }
    }
    // Every credential ends: a leaked token must not work forever.
    if (t.expires().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".expires: required (RFC 3339)"));
    }
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, t.expires(), &entry.expires, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".expires: not RFC 3339 (", error, ")"));
    }
    if (!by_hash.emplace(hash, std::move(entry)).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".sha256: duplicate token"));
    }
  }
  by_hash_ = std::move(by_hash);
  log::Info("tokens loaded", {{"path", path_}, {"tokens", absl::StrCat(by_hash_.size())}});
  return absl::OkStatus();
}

absl::StatusOr<Principal> TokenAuthenticator::Authenticate(std::string_view authorization) {
  const absl::string_view header = absl::StripAsciiWhitespace(AsAbsl(authorization));
  if (header.empty()) return absl::UnauthenticatedError("missing authorization metadata");
  const size_t space = header.find(' ');
  const absl::string_view token = space == absl::string_view::npos
                                      ? absl::string_view()
                                      : absl::StripAsciiWhitespace(header.substr(space + 1));
  if (space == absl::string_view::npos ||
      !absl::EqualsIgnoreCase(header.substr(0, space), "bearer") || token.empty()) {
    return absl::UnauthenticatedError("authorization must be \"Bearer <token>\"");
  }
  const std::string hash = HashToken(std::string_view(token.data(), token.size()));

  absl::MutexLock lock(&mu_);
  if (absl::Status st = ReloadIfChangedLocked(); !st.ok()) {
    log::Error("token file not reloaded; previous tokens stay in force",
               {{"error", std::string(st.message())}});
  }
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return absl::UnauthenticatedError("unknown token");
  if (clock_->Now() >= it->second.expires) return absl::UnauthenticatedError("token expired");
  return it->second.principal;
}

}  // namespace gov::auth
