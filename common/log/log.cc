#include "common/log/log.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gov::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

absl::Mutex g_service_mu(absl::kConstInit);
std::string* g_service ABSL_GUARDED_BY(g_service_mu) = nullptr;

thread_local std::string t_trace_id;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

// Appends `text` as a JSON string literal. Bytes >= 0x80 pass through: the text is UTF-8.
void AppendQuoted(std::string* out, std::string_view text) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

bool IsFixedKey(std::string_view key) {
  return key == "ts" || key == "level" || key == "service" || key == "msg";
}

std::string Service() {
  absl::ReaderMutexLock lock(&g_service_mu);
  return g_service == nullptr ? std::string() : *g_service;
}

}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool ParseLevel(std::string_view text, Level* level) {
  const std::string lower = absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
  if (lower == "debug") {
    *level = Level::kDebug;
  } else if (lower == "info") {
    *level = Level::kInfo;
  } else if (lower == "warn" || lower == "warning") {
    *level = Level::kWarn;
  } else if (lower == "error") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

void SetService(std::string_view service) {
  absl::MutexLock lock(&g_service_mu);
  // Never freed: lines may be written during static destruction.
  if (g_service == nullptr) g_service = new std::string();
  g_service->assign(service);
}

void Write(Level level, std::string_view msg, const Fields& fields) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(160 + msg.size());
  absl::StrAppend(&line, "{\"ts\":\"",
                  absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                  "\",\"level\":\"", LevelName(level), "\",\"service\":");
  AppendQuoted(&line, Service());
  line.append(",\"msg\":");
  AppendQuoted(&line, msg);
  bool has_trace_id = false;
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendQuoted(&line, IsFixedKey(key) ? absl::StrCat("_", key) : key);
    line.push_back(':');
    AppendQuoted(&line, value);
    if (key == "trace_id") has_trace_id = true;
  }
  if (!has_trace_id && !t_trace_id.empty()) {
    line.append(",\"trace_id\":");
    AppendQuoted(&line, t_trace_id);
  }
  line.append("}\n");
  // One call on the unbuffered stderr: glibc holds the stream lock for the whole line.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string NewTraceId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

std::string ThreadTraceId() { return t_trace_id; }

ScopedTraceId::ScopedTraceId(std::string_view trace_id) : previous_(std::move(t_trace_id)) {
  t_trace_id.assign(trace_id);
}

ScopedTraceId::~ScopedTraceId() { t_trace_id = std::move(previous_); }

}  // namespace gov::log
