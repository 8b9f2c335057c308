#include "common/store/data_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/util/file.h"

namespace gov::store {
namespace {

constexpr absl::string_view kMagic("\0GE1", 4);
constexpr char kTextMark = '\x01';
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxIdBytes = 32;

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

struct CipherCtx {
  CipherCtx() : ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
  CipherCtx(const CipherCtx&) = delete;
  CipherCtx& operator=(const CipherCtx&) = delete;
  EVP_CIPHER_CTX* ctx;
};

// The parts of a sealed value; views into it.
struct Parts {
  absl::string_view id;
  absl::string_view nonce;
  absl::string_view ciphertext;
  absl::string_view tag;
};

std::optional<Parts> Split(absl::string_view sealed) {
  if (!absl::ConsumePrefix(&sealed, kMagic) || sealed.empty()) return std::nullopt;
  const size_t id_len = static_cast<unsigned char>(sealed[0]);
  sealed.remove_prefix(1);
  if (id_len == 0 || id_len > kMaxIdBytes || sealed.size() < id_len + kNonceBytes + kTagBytes) {
    return std::nullopt;
  }
  Parts p;
  p.id = sealed.substr(0, id_len);
  sealed.remove_prefix(id_len);
  p.nonce = sealed.substr(0, kNonceBytes);
  sealed.remove_prefix(kNonceBytes);
  p.ciphertext = sealed.substr(0, sealed.size() - kTagBytes);
  p.tag = sealed.substr(sealed.size() - kTagBytes);
  return p;
}

std::optional<std::string> TextToSealed(absl::string_view text) {
  if (text.empty() || text[0] != kTextMark) return std::nullopt;
  std::string bytes;
  if (!absl::Base64Unescape(text.substr(1), &bytes)) return std::nullopt;
  return bytes;
}

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

struct DataKeys::Key {
  std::string id;
  std::array<unsigned char, kKeyBytes> bytes{};
};

DataKeys::DataKeys() = default;

DataKeys::~DataKeys() {
  for (Key& k : keys_) OPENSSL_cleanse(k.bytes.data(), k.bytes.size());
}

absl::StatusOr<std::shared_ptr<const DataKeys>> DataKeys::Parse(absl::string_view text,
                                                                absl::string_view source) {
  std::shared_ptr<DataKeys> ring(new DataKeys());
  absl::flat_hash_set<std::string> seen;
  int line_no = 0;
  // Lines, each cut at '#' (neither ids nor base64 hold one), each holding entries separated by
  // ';' (a whole ring in one environment variable).
  std::vector<absl::string_view> entries;
  std::vector<int> entry_lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    for (absl::string_view entry : absl::StrSplit(line, ';')) {
      entry = absl::StripAsciiWhitespace(entry);
      if (entry.empty()) continue;
      entries.push_back(entry);
      entry_lines.push_back(line_no);
    }
  }
  for (size_t e = 0; e < entries.size(); ++e) {
    const absl::string_view line = entries[e];
    line_no = entry_lines[e];
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": line ", line_no, ": ", why,
                       " (each entry is \"<key id> <base64 of 32 random bytes>\", e.g. from "
                       "`openssl rand -base64 32`)"));
    };
    if (fields.size() != 2) return bad("not two fields");
    if (!ValidId(fields[0])) return bad("the key id is not 1 to 32 of A-Z a-z 0-9 . _ -");
    if (!seen.insert(std::string(fields[0])).second) {
      return bad(absl::StrCat("key id \"", fields[0], "\" is given twice"));
    }
    std::string raw;
    if (!absl::Base64Unescape(fields[1], &raw) || raw.size() != kKeyBytes) {
      OPENSSL_cleanse(raw.data(), raw.size());
      return bad(absl::StrCat("the key of \"", fields[0], "\" is not base64 of 32 bytes"));
    }
    Key key;
    key.id = std::string(fields[0]);
    std::memcpy(key.bytes.data(), raw.data(), kKeyBytes);
    OPENSSL_cleanse(raw.data(), raw.size());
    ring->keys_.push_back(std::move(key));
  }
  if (ring->keys_.empty()) return absl::InvalidArgumentError(absl::StrCat(source, ": no key"));
  return std::shared_ptr<const DataKeys>(std::move(ring));
}

absl::StatusOr<std::shared_ptr<const DataKeys>> DataKeys::LoadFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "data keys file");
  if (!text.ok()) return text.status();
  auto ring = Parse(*text, absl::StrCat("data keys file ", path));
  OPENSSL_cleanse(text->data(), text->size());
  return ring;
}

absl::StatusOr<std::shared_ptr<const DataKeys>> DataKeys::FromSettings(const std::string& file) {
  const char* env = std::getenv("GOV_DATA_KEYS");
  if (!file.empty() && env != nullptr) {
    return absl::InvalidArgumentError(
        "both --data_keys_file (GOV_DATA_KEYS_FILE) and GOV_DATA_KEYS are set: give the key "
        "ring once");
  }
  if (!file.empty()) return LoadFile(file);
  if (env != nullptr) return Parse(env, "GOV_DATA_KEYS");
  return std::shared_ptr<const DataKeys>();
}

const std::string& DataKeys::active_id() const { return keys_.front().id; }

std::vector<std::string> DataKeys::ids() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const Key& k : keys_) out.push_back(k.id);
  return out;
}

std::string DataKeys::Seal(absl::string_view plain, absl::string_view place) const {
  const Key& key = keys_.front();
  std::array<unsigned char, kNonceBytes> nonce{};
  // RAND_bytes fails only when the system's entropy source does; sealing without a fresh nonce
  // would break GCM's guarantees, so the process stops instead.
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) std::abort();

  std::string out;
  out.reserve(kMagic.size() + 1 + key.id.size() + kNonceBytes + plain.size() + kTagBytes);
  out.append(kMagic.data(), kMagic.size());
  out.push_back(static_cast<char>(key.id.size()));
  out.append(key.id);
  out.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  const size_t body = out.size();
  out.resize(body + plain.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + body);

  CipherCtx c;
  int len = 0;
  int final_len = 0;
  const bool ok =
      c.ctx != nullptr &&
      EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, key.bytes.data(), nonce.data()) == 1 &&
      EVP_EncryptUpdate(c.ctx, nullptr, &len, U(place), static_cast<int>(place.size())) == 1 &&
      EVP_EncryptUpdate(c.ctx, dst, &len, U(plain), static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(c.ctx, dst + len, &final_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + plain.size()) == 1;
  // AES-GCM with a valid key and nonce cannot fail short of memory running out.
  if (!ok) std::abort();
  return out;
}

absl::StatusOr<std::string> DataKeys::Open(absl::string_view sealed,
                                           absl::string_view place) const {
  std::optional<Parts> p = Split(sealed);
  if (!p.has_value()) {
    return absl::DataLossError(absl::StrCat("a sealed value of ", place, " is cut short"));
  }
  const Key* key = nullptr;
  for (const Key& k : keys_) {
    if (k.id == p->id) key = &k;
  }
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a value of ", place, " is sealed with data key \"", p->id,
                     "\", which is not in the key ring (--data_keys_file / GOV_DATA_KEYS)"));
  }
  std::string out(p->ciphertext.size(), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  std::array<unsigned char, kTagBytes> tag{};
  std::memcpy(tag.data(), p->tag.data(), kTagBytes);
  CipherCtx c;
  int len = 0;
  int final_len = 0;
  const bool ok =
      c.ctx != nullptr &&
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, key->bytes.data(), U(p->nonce)) == 1 &&
      EVP_DecryptUpdate(c.ctx, nullptr, &len, U(place), static_cast<int>(place.size())) == 1 &&
      EVP_DecryptUpdate(c.ctx, dst, &len, U(p->ciphertext),
                        static_cast<int>(p->ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(c.ctx, dst + len, &final_len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::DataLossError(absl::StrCat("a sealed value of ", place, " (data key \"", p->id,
                                            "\") fails authentication"));
  }
  return out;
}

std::string DataKeys::SealText(absl::string_view plain, absl::string_view place) const {
  return absl::StrCat(absl::string_view(&kTextMark, 1), absl::Base64Escape(Seal(plain, place)));
}

absl::StatusOr<std::string> DataKeys::OpenText(absl::string_view sealed,
                                               absl::string_view place) const {
  std::optional<std::string> bytes = TextToSealed(sealed);
  if (!bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("a sealed text of ", place, " is not base64"));
  }
  return Open(*bytes, place);
}

bool DataKeys::IsSealed(absl::string_view value) { return absl::StartsWith(value, kMagic); }

bool DataKeys::IsSealedText(absl::string_view value) {
  return !value.empty() && value[0] == kTextMark;
}

std::optional<std::string> DataKeys::KeyIdOf(absl::string_view value) {
  std::optional<std::string> bytes;
  if (IsSealedText(value)) {
    bytes = TextToSealed(value);
    if (!bytes.has_value()) return std::nullopt;
    value = *bytes;
  }
  std::optional<Parts> p = Split(value);
  if (!p.has_value()) return std::nullopt;
  return std::string(p->id);
}

absl::StatusOr<std::string> OpenStored(const DataKeys* keys, absl::string_view stored,
                                       absl::string_view place) {
  if (!DataKeys::IsSealed(stored)) return std::string(stored);
  if (keys == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a value of ", place,
                     " is sealed, and this process has no data keys (--data_keys_file / "
                     "GOV_DATA_KEYS)"));
  }
  return keys->Open(stored, place);
}

absl::StatusOr<std::string> OpenStoredText(const DataKeys* keys, absl::string_view stored,
                                           absl::string_view place) {
  if (!DataKeys::IsSealedText(stored)) return std::string(stored);
  if (keys == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a value of ", place,
                     " is sealed, and this process has no data keys (--data_keys_file / "
                     "GOV_DATA_KEYS)"));
  }
  return keys->OpenText(stored, place);
}

}  // namespace gov::store
