// Hostile page tokens and stream positions (common/cases/page_token, ChangeStream positions) and
// the codec they and the cache entries are written in (common/cases/codec). The input's first
// byte picks what is fuzzed, the second a list's binding (the filters a token is bound to), the
// rest is the text:
//   0  a token as a caller sends it: DecodePageToken, DecodeIdCursor, DecodeRankCursor;
//   1  a token's payload, sealed here as the service seals it (the seal's key is not a secret,
//      so a caller can seal a payload of its own): the payload's parser behind the seal;
//   2  a cursor (parts separated by NUL): encoded, then decoded to the same cursor;
//   3  a change stream position as a caller sends it, and a position encoded and decoded back;
//   4  a cached case entry (DecodeCachedCase, DecodeCaseRecord): decoded, encoded, decoded again
//      to the same record.
// Findings besides crashes: a token accepted whose cursor does not encode to a token read back
// as the same cursor; a refusal that is not INVALID_ARGUMENT naming the field; a round trip that
// changes the cursor.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/cases/changes.h"
#include "common/cases/codec.h"
#include "common/cases/page_token.h"
#include "common/util/digest.h"
#include "common/util/status.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using gov::fuzz::Finding;

const std::vector<std::string>& Bindings() {
  static const auto* bindings = new std::vector<std::string>{
      gov::cases::PageBinding({"disputes", "GS01", "DISPUTE_STATE_RECEIVED"}),
      gov::cases::PageBinding({"mediators"}),
      gov::cases::PageBinding({""}),
      gov::cases::PageBinding({"meetings", "2026-03", "GS01-C01"}),
  };
  return *bindings;
}

// The seal of page_token.cc: HMAC-SHA256 under the fixed key, cut to 16 bytes.
std::string Seal(std::string_view payload) {
  static constexpr std::string_view kKey = "governance.page-token.v1";
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), md.data(), &size);
  return std::string(reinterpret_cast<const char*>(md.data()), 16);
}

std::string WebSafe(std::string_view raw) {
  return absl::WebSafeBase64Escape(absl::string_view(raw.data(), raw.size()));
}

void ExpectFieldRefusal(const absl::Status& status, const std::string& field,
                        const std::string& what) {
  if (status.code() != absl::StatusCode::kInvalidArgument || gov::FieldOf(status) != field) {
    Finding(
        absl::StrCat(what, ": refused as ", status.ToString(), ", not INVALID_ARGUMENT ", field));
  }
}

// A token the service accepted: its cursor encodes to a token that decodes to the same cursor.
void CheckToken(std::string_view token, const std::string& binding) {
  absl::StatusOr<std::vector<std::string>> cursor = gov::cases::DecodePageToken(token, binding);
  if (!cursor.ok()) {
    ExpectFieldRefusal(cursor.status(), "page_token", "DecodePageToken");
  } else {
    const std::string again = gov::cases::EncodePageToken(binding, *cursor);
    absl::StatusOr<std::vector<std::string>> back = gov::cases::DecodePageToken(again, binding);
    if (!back.ok() || *back != *cursor) Finding("an accepted token does not re-encode alike");
  }
  absl::StatusOr<std::string> id = gov::cases::DecodeIdCursor(token, binding);
  if (!id.ok()) {
    ExpectFieldRefusal(id.status(), "page_token", "DecodeIdCursor");
  } else if (token.empty() != id->empty()) {
    Finding("DecodeIdCursor: an empty id from a token, or an id from no token");
  }
  absl::StatusOr<std::optional<gov::cases::RankKey>> rank =
      gov::cases::DecodeRankCursor(token, binding);
  if (!rank.ok()) {
    ExpectFieldRefusal(rank.status(), "page_token", "DecodeRankCursor");
  } else if (rank->has_value() && (*rank)->id.empty()) {
    Finding("DecodeRankCursor: an empty id");
  }
}

std::vector<std::string> Parts(std::string_view text) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  for (absl::string_view part : absl::StrSplit(absl::string_view(text.data(), text.size()), '\0')) {
    parts.emplace_back(part);
  }
  return parts;
}

void CheckRoundTrip(std::string_view text, const std::string& binding) {
  std::vector<std::string> cursor = Parts(text);
  if (cursor.size() > 16) cursor.resize(16);
  const std::string token = gov::cases::EncodePageToken(binding, cursor);
  absl::StatusOr<std::vector<std::string>> back = gov::cases::DecodePageToken(token, binding);
  // A token is at most 4096 characters; a longer one is refused, never misread.
  if (!back.ok()) {
    if (token.size() <= 4096) Finding(absl::StrCat("a token made here is refused: ", token));
    return;
  }
  if (*back != cursor) Finding("a cursor changed on its way through a token");
  for (const std::string& other : Bindings()) {
    if (other != binding && gov::cases::DecodePageToken(token, other).ok()) {
      Finding("a token of one query accepted by another");
    }
  }
}

void CheckPosition(std::string_view text) {
  const std::string token(text);
  absl::StatusOr<std::string> position =
      gov::cases::ChangeStream::DecodePosition("mediation", token);
  if (!position.ok()) ExpectFieldRefusal(position.status(), "after", "DecodePosition");
  const std::string made = gov::cases::ChangeStream::EncodePosition("mediation", token);
  absl::StatusOr<std::string> back = gov::cases::ChangeStream::DecodePosition("mediation", made);
  if (!back.ok() || *back != token) Finding("a stream position changed on its way through");
  if (gov::cases::ChangeStream::DecodePosition("disorder", made).ok()) {
    Finding("a position of one kind accepted by another");
  }
}

void CheckCachedCase(std::string_view bytes) {
  absl::StatusOr<gov::cases::codec::CachedCase> cached = gov::cases::codec::DecodeCachedCase(bytes);
  if (cached.ok()) {
    const std::string again = gov::cases::codec::EncodeCachedCase(
        cached->record, cached->history.has_value() ? &*cached->history : nullptr);
    absl::StatusOr<gov::cases::codec::CachedCase> back = gov::cases::codec::DecodeCachedCase(again);
    if (!back.ok() ||
        gov::cases::codec::EncodeCachedCase(
            back->record, back->history.has_value() ? &*back->history : nullptr) != again) {
      Finding("a cached case changed on its way through the codec");
    }
  }
  absl::StatusOr<gov::store::CaseRecord> record = gov::cases::codec::DecodeCaseRecord(bytes);
  if (record.ok()) {
    const std::string again = gov::cases::codec::EncodeCaseRecord(*record);
    absl::StatusOr<gov::store::CaseRecord> back = gov::cases::codec::DecodeCaseRecord(again);
    if (!back.ok() || gov::cases::codec::EncodeCaseRecord(*back) != again) {
      Finding("a case record changed on its way through the codec");
    }
  }
}

std::string Input(uint8_t mode, uint8_t binding, std::string_view text) {
  return absl::StrCat(std::string(1, static_cast<char>(mode)),
                      std::string(1, static_cast<char>(binding)), std::string(text));
}

void WriteSeeds() {
  const std::vector<std::vector<std::string>> cursors = {
      {"D-000042"}, {"-1775005200000000000", "M-000007"}, {"2026-03-31T01:00:00Z", "D-000001"}, {}};
  for (size_t b = 0; b < Bindings().size(); ++b) {
    const auto binding = static_cast<uint8_t>(b);
    for (const std::vector<std::string>& cursor : cursors) {
      const std::string token = gov::cases::EncodePageToken(Bindings()[b], cursor);
      gov::fuzz::WriteSeed(Input(0, binding, token));
      std::string raw;
      absl::WebSafeBase64Unescape(token, &raw);
      gov::fuzz::WriteSeed(Input(1, binding, raw.substr(0, raw.size() - 16)));
      std::string joined;
      for (size_t i = 0; i < cursor.size(); ++i) {
        if (i > 0) joined.push_back('\0');
        joined += cursor[i];
      }
      gov::fuzz::WriteSeed(Input(2, binding, joined));
    }
  }
  gov::fuzz::WriteSeed(Input(3, 0, gov::cases::ChangeStream::EncodePosition("mediation", "42")));
  gov::fuzz::WriteSeed(Input(3, 0, "42"));
  gov::store::CaseRecord record;
  record.id = "D-000001";
  record.track = "mediation";
  record.status = "RECEIVED";
  record.version = 3;
  gov::fuzz::WriteSeed(Input(4, 0, gov::cases::codec::EncodeCaseRecord(record)));
  gov::fuzz::WriteSeed(Input(4, 0, gov::cases::codec::EncodeCachedCase(record, nullptr)));
  gov::fuzz::SeedsWritten("fuzz_page_token");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gov::fuzz::QuietLogs();
  if (!gov::fuzz::SeedsDir().empty()) WriteSeeds();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string& binding = Bindings()[data[1] % Bindings().size()];
  const std::string_view text = gov::fuzz::Bytes(data + 2, size - 2);
  switch (data[0] % 5) {
    case 0:
      CheckToken(text, binding);
      break;
    case 1: {
      const std::string token = WebSafe(absl::StrCat(std::string(text), Seal(text)));
      CheckToken(token, binding);
      break;
    }
    case 2:
      CheckRoundTrip(text, binding);
      break;
    case 3:
      CheckPosition(text);
      break;
    default:
      CheckCachedCase(text);
      break;
  }
  return 0;
}
