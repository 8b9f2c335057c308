#include "common/cases/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/cases/codec.h"
#include "common/util/digest.h"
#include "common/util/status.h"

namespace gov::cases {

namespace {

constexpr char kTokenMagic[] = "pt1";
// Tokens must verify on every replica and across restarts, so the key is fixed rather than
// per process. It is not a secret (see the header): it only makes a hand-edited token fail.
constexpr std::string_view kSealKey = "governance.page-token.v1";
// Truncated HMAC: 128 bits is far beyond what accidental or casual edits can hit.
constexpr size_t kSealSize = 16;

std::string Seal(std::string_view payload) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), kSealKey.data(), static_cast<int>(kSealKey.size()),
           reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), md.data(),
           &size) == nullptr ||
      size < kSealSize) {
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(md.data()), kSealSize);
}

}  // namespace

std::string EncodePageToken(std::string_view binding, const std::vector<std::string>& cursor) {
  codec::Writer w;
  w.String(kTokenMagic);
  w.String(Sha256(binding));
  w.Int(static_cast<int64_t>(cursor.size()));
  for (const std::string& part : cursor) w.String(part);
  std::string payload = w.Release();
  payload += Seal(payload);
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token,
                                                         std::string_view binding,
                                                         std::string_view field) {
  const absl::Status invalid = InvalidField(field, "invalid or from another query");
  std::string raw;
  if (token.size() > 4096 ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw) ||
      raw.size() <= kSealSize) {
    return invalid;
  }
  const std::string_view payload(raw.data(), raw.size() - kSealSize);
  const std::string expected = Seal(payload);
  if (expected.size() != kSealSize ||
      CRYPTO_memcmp(expected.data(), raw.data() + payload.size(), kSealSize) != 0) {
    return invalid;
  }
  codec::Reader in(payload);
  std::string magic;
  std::string digest;
  int64_t count = 0;
  if (!in.String(&magic) || magic != kTokenMagic || !in.String(&digest) ||
      digest != Sha256(binding) || !in.Int(&count) || count < 0 || count > 16) {
    return invalid;
  }
  std::vector<std::string> cursor(static_cast<size_t>(count));
  for (std::string& part : cursor) {
    if (!in.String(&part)) return invalid;
  }
  if (!in.Done()) return invalid;
  return cursor;
}

absl::StatusOr<int> PageSize(int requested, std::string_view field, int default_size,
                             int max_size) {
  if (requested < 0) return InvalidField(field, "must not be negative");
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

std::string PageBinding(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) absl::StrAppend(&out, part.size(), ":", part, "|");
  return out;
}

absl::StatusOr<std::string> DecodeIdCursor(std::string_view token, std::string_view binding) {
  if (token.empty()) return std::string();
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> cursor, DecodePageToken(token, binding));
  if (cursor.size() != 1 || cursor[0].empty()) {
    return InvalidField("page_token", "invalid or from another query");
  }
  return cursor[0];
}

absl::StatusOr<std::optional<RankKey>> DecodeRankCursor(std::string_view token,
                                                        std::string_view binding) {
  if (token.empty()) return std::optional<RankKey>();
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> cursor, DecodePageToken(token, binding));
  RankKey key;
  if (cursor.size() != 2 || !absl::SimpleAtoi(cursor[0], &key.rank) || cursor[1].empty()) {
    return InvalidField("page_token", "invalid or from another query");
  }
  key.id = std::move(cursor[1]);
  return std::optional<RankKey>(std::move(key));
}

}  // namespace gov::cases
