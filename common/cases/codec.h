#ifndef GOV_COMMON_CASES_CODEC_H_
#define GOV_COMMON_CASES_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/repository.h"

namespace gov::cases::codec {

// A minimal self-delimiting binary encoding for values the engine keeps outside the store
// (cached cases, page tokens): strings are a varint length then the bytes; integers are zigzag
// varints. No field names: a format is a fixed sequence, guarded by a leading magic string, so
// an entry written by another format version is rejected rather than misread.
class Writer {
 public:
  void String(std::string_view s);
  void Int(int64_t v);
  void Bool(bool b) { Int(b ? 1 : 0); }
  // Instants with the infinite past/future kept exactly (nanosecond precision otherwise).
  void Time(absl::Time t);
  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  void Varint(uint64_t v);
  std::string out_;
};

// Reads what a Writer wrote, in the same order. Every method returns false on malformed or
// truncated input, after which the reader stays failed.
class Reader {
 public:
  explicit Reader(std::string_view data) : in_(data) {}
  bool String(std::string* s);
  bool Int(int64_t* v);
  bool Bool(bool* b);
  bool Time(absl::Time* t);
  // True when everything was read and nothing failed.
  bool Done() const { return ok_ && in_.empty(); }

 private:
  bool Varint(uint64_t* v);
  std::string_view in_;
  bool ok_ = true;
};

// A case record as stored in the cache. Decode fails (DATA_LOSS) on anything but a complete
// entry of this format version.
std::string EncodeCaseRecord(const store::CaseRecord& record);
absl::StatusOr<store::CaseRecord> DecodeCaseRecord(std::string_view data);

// A case as the engine caches it: the record, and its history when the entry was filled by a
// read that wanted it (writers cache the record alone; the history of a case only grows with its
// version, so record and history stored together are one consistent snapshot).
struct CachedCase {
  store::CaseRecord record;
  std::optional<std::vector<store::HistoryRecord>> history;
};
std::string EncodeCachedCase(const store::CaseRecord& record,
                             const std::vector<store::HistoryRecord>* history);
absl::StatusOr<CachedCase> DecodeCachedCase(std::string_view data);

}  // namespace gov::cases::codec

#endif  // GOV_COMMON_CASES_CODEC_H_
