#include "common/cases/codec.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "common/util/status.h"

namespace gov::cases::codec {

namespace {

// Bumped whenever the field sequence of a cached case changes; old entries then read as
// misses instead of being misread.
constexpr char kCaseMagic[] = "gov.case.1";

constexpr int64_t kInfiniteFuture = std::numeric_limits<int64_t>::max();
constexpr int64_t kInfinitePast = std::numeric_limits<int64_t>::min();

}  // namespace

void Writer::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::String(std::string_view s) {
  Varint(s.size());
  out_.append(s.data(), s.size());
}

void Writer::Int(int64_t v) {
  Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void Writer::Time(absl::Time t) {
  if (t == absl::InfiniteFuture()) {
    Int(kInfiniteFuture);
  } else if (t == absl::InfinitePast()) {
    Int(kInfinitePast);
  } else {
    Int(absl::ToUnixNanos(t));
  }
}

bool Reader::Varint(uint64_t* v) {
  if (!ok_) return false;
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) break;
    const auto byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  ok_ = false;
  return false;
}

bool Reader::String(std::string* s) {
  uint64_t size = 0;
  if (!Varint(&size)) return false;
  if (size > in_.size()) {
    ok_ = false;
    return false;
  }
  s->assign(in_.data(), size);
  in_.remove_prefix(size);
  return true;
}

bool Reader::Int(int64_t* v) {
  uint64_t raw = 0;
  if (!Varint(&raw)) return false;
  *v = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return true;
}

bool Reader::Bool(bool* b) {
  int64_t v = 0;
  if (!Int(&v)) return false;
  if (v != 0 && v != 1) {
    ok_ = false;
    return false;
  }
  *b = v == 1;
  return true;
}

bool Reader::Time(absl::Time* t) {
  int64_t v = 0;
  if (!Int(&v)) return false;
  if (v == kInfiniteFuture) {
    *t = absl::InfiniteFuture();
  } else if (v == kInfinitePast) {
    *t = absl::InfinitePast();
  } else {
    *t = absl::FromUnixNanos(v);
  }
  return true;
}

std::string EncodeCaseRecord(const store::CaseRecord& r) {
  Writer w;
  w.String(kCaseMagic);
  w.String(r.track);
  w.String(r.id);
  w.String(r.category);
  w.String(r.street_id);
  w.String(r.community_id);
  w.String(r.grid_id);
  w.String(r.unit_id);
  w.String(r.status);
  w.Int(r.priority);
  w.Time(r.create_time);
  w.Time(r.update_time);
  w.Time(r.due_time);
  w.Bool(r.sla_breached);
  w.Int(r.version);
  w.String(r.payload);
  return w.Release();
}

absl::StatusOr<store::CaseRecord> DecodeCaseRecord(std::string_view data) {
  Reader in(data);
  std::string magic;
  store::CaseRecord r;
  int64_t priority = 0;
  const bool read = in.String(&magic) && magic == kCaseMagic && in.String(&r.track) &&
                    in.String(&r.id) && in.String(&r.category) && in.String(&r.street_id) &&
                    in.String(&r.community_id) && in.String(&r.grid_id) && in.String(&r.unit_id) &&
                    in.String(&r.status) && in.Int(&priority) && in.Time(&r.create_time) &&
                    in.Time(&r.update_time) && in.Time(&r.due_time) && in.Bool(&r.sla_breached) &&
                    in.Int(&r.version) && in.String(&r.payload) && in.Done();
  if (!read || priority < std::numeric_limits<int32_t>::min() ||
      priority > std::numeric_limits<int32_t>::max()) {
    return absl::DataLossError("malformed cached case");
  }
  r.priority = static_cast<int32_t>(priority);
  return r;
}

namespace {
constexpr char kCachedCaseMagic[] = "gov.cached-case.v1";
}  // namespace

std::string EncodeCachedCase(const store::CaseRecord& record,
                             const std::vector<store::HistoryRecord>* history) {
  Writer w;
  w.String(kCachedCaseMagic);
  w.String(EncodeCaseRecord(record));
  w.Bool(history != nullptr);
  if (history != nullptr) {
    w.Int(static_cast<int64_t>(history->size()));
    for (const store::HistoryRecord& h : *history) {
      w.Int(h.sequence);
      w.Time(h.time);
      w.String(h.actor);
      w.String(h.action);
      w.String(h.from_status);
      w.String(h.to_status);
      w.String(h.note);
    }
  }
  return w.Release();
}

absl::StatusOr<CachedCase> DecodeCachedCase(std::string_view data) {
  Reader in(data);
  std::string magic;
  std::string record_bytes;
  bool has_history = false;
  if (!in.String(&magic) || magic != kCachedCaseMagic || !in.String(&record_bytes) ||
      !in.Bool(&has_history)) {
    return absl::DataLossError("malformed cached case");
  }
  CachedCase out;
  GOV_ASSIGN_OR_RETURN(out.record, DecodeCaseRecord(record_bytes));
  if (has_history) {
    int64_t count = 0;
    if (!in.Int(&count) || count < 0 || count > (int64_t{1} << 20)) {
      return absl::DataLossError("malformed cached case history");
    }
    // Grown as the entries are read, not sized by the count: a short entry claiming many
    // records is refused at its end, without a large allocation first.
    std::vector<store::HistoryRecord> history;
    for (int64_t i = 0; i < count; ++i) {
      store::HistoryRecord& h = history.emplace_back();
      if (!in.Int(&h.sequence) || !in.Time(&h.time) || !in.String(&h.actor) ||
          !in.String(&h.action) || !in.String(&h.from_status) || !in.String(&h.to_status) ||
          !in.String(&h.note)) {
        return absl::DataLossError("malformed cached case history");
      }
    }
    out.history = std::move(history);
  }
  if (!in.Done()) return absl::DataLossError("malformed cached case");
  return out;
}

}  // namespace gov::cases::codec
