#ifndef GOV_COMMON_STORE_DATA_KEYS_H_
#define GOV_COMMON_STORE_DATA_KEYS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The keys the stores encrypt what people wrote and who they are with (personal data at rest):
// AES-256-GCM, a fresh random 96-bit nonce a value, the value's place (what it is and whose
// track) authenticated with it, so a sealed value copied to another place does not open.
//
// A key ring is text, from a file (--data_keys_file) or the environment (GOV_DATA_KEYS), one key
// a line:
//
//   # the first key seals; every key opens
//   k2027-01 <44 characters: base64 of 32 random bytes>
//   k2026-07 <...>
//
// `openssl rand -base64 32` makes a key. Rotation: put a new key first and restart the replicas
// (new values are sealed with it, old ones still open with theirs), then re-seal what the old key
// sealed (`govbackup rekey`) and drop it from the ring once `govbackup keys` counts nothing
// under it.
//
// Sealed bytes (payload columns): "\0GE1", the key id's length (one byte), the key id, the
// nonce, the ciphertext, the 16-byte tag. A serialized protobuf message never starts with a zero
// byte (field number 0 does not exist), so a payload written before the ring existed is told
// apart and read as it is. Sealed text (note columns, which PostgreSQL keeps as text): "\x01" and
// the base64 of the sealed bytes; the suite refuses control characters in every text it accepts,
// so no note written by a caller starts that way.
namespace gov::store {

class DataKeys {
 public:
  // A ring from its text; `source` names it in errors ("--data_keys_file /etc/...").
  // INVALID_ARGUMENT naming the line: a malformed line, an id that is not 1..32 of
  // [A-Za-z0-9._-], a key that is not base64 of exactly 32 bytes, an id twice, no key at all.
  static absl::StatusOr<std::shared_ptr<const DataKeys>> Parse(absl::string_view text,
                                                               absl::string_view source);
  // Parse of a file's content; NOT_FOUND / PERMISSION_DENIED when it cannot be read.
  static absl::StatusOr<std::shared_ptr<const DataKeys>> LoadFile(const std::string& path);
  // The ring a process runs with: --data_keys_file when set, else GOV_DATA_KEYS when set, else
  // none (nullptr: values are stored as they are). Both set is INVALID_ARGUMENT.
  static absl::StatusOr<std::shared_ptr<const DataKeys>> FromSettings(const std::string& file);

  ~DataKeys();
  DataKeys(const DataKeys&) = delete;
  DataKeys& operator=(const DataKeys&) = delete;

  // The key that seals (the ring's first).
  const std::string& active_id() const;
  // Every key's id, the active one first.
  std::vector<std::string> ids() const;

  // `plain` sealed with the active key for `place` (e.g. "case/mediation").
  std::string Seal(absl::string_view plain, absl::string_view place) const;
  // The value `sealed` holds: DATA_LOSS when it is not whole or fails authentication for
  // `place`; FAILED_PRECONDITION naming the key when its key is not in the ring.
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view place) const;

  // Text forms of the same, for text columns.
  std::string SealText(absl::string_view plain, absl::string_view place) const;
  absl::StatusOr<std::string> OpenText(absl::string_view sealed, absl::string_view place) const;

  static bool IsSealed(absl::string_view value);
  static bool IsSealedText(absl::string_view value);
  // The key id of a sealed value (bytes or text form); nullopt for a value that is not sealed
  // (or not readable as sealed).
  static std::optional<std::string> KeyIdOf(absl::string_view value);

 private:
  struct Key;
  DataKeys();
  std::vector<Key> keys_;
};

// Opens a value of a payload column: sealed values with `keys` (FAILED_PRECONDITION when the
// process has no ring), others as they are.
absl::StatusOr<std::string> OpenStored(const DataKeys* keys, absl::string_view stored,
                                       absl::string_view place);
absl::StatusOr<std::string> OpenStoredText(const DataKeys* keys, absl::string_view stored,
                                           absl::string_view place);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_DATA_KEYS_H_
