#ifndef GOV_COMMON_LOG_LOG_H_
#define GOV_COMMON_LOG_LOG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gov::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Lines below `level` are dropped (default kInfo).
void SetLevel(Level level);
// "debug", "info", "warn" (or "warning"), "error", any case. False (and `level` untouched)
// for anything else.
bool ParseLevel(std::string_view text, Level* level);
// Service name stamped on every line.
void SetService(std::string_view service);

// One JSON line on stderr: {"ts":..., "level":..., "service":..., "msg":..., <fields>}, written
// with a single fwrite so lines of concurrent threads never interleave. "ts" is RFC 3339 UTC
// with milliseconds. Fields are key/value strings; keys and values are JSON-escaped. A field
// whose key is one of the fixed keys (ts, level, service, msg) is written as "_<key>" so it
// cannot shadow them. Lines below the level set with SetLevel (default info) are dropped. Never
// pass personal data (parties' names, phone numbers, reporters' contacts) as a field.
using Fields = std::vector<std::pair<std::string, std::string>>;
void Write(Level level, std::string_view msg, const Fields& fields = {});

inline void Info(std::string_view msg, const Fields& f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, const Fields& f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, const Fields& f = {}) { Write(Level::kError, msg, f); }
inline void Debug(std::string_view msg, const Fields& f = {}) { Write(Level::kDebug, msg, f); }

// A new random trace id (16 hex chars).
std::string NewTraceId();

// The trace id of the call the calling thread is serving, "" outside a call. Write() adds it
// to every line as "trace_id" (unless the line names one itself), so all lines of one call
// can be found together.
std::string ThreadTraceId();

// Sets the calling thread's trace id for the lifetime of the object, then restores the
// previous one. Not movable: it must die on the thread that made it.
class ScopedTraceId {
 public:
  explicit ScopedTraceId(std::string_view trace_id);
  ~ScopedTraceId();
  ScopedTraceId(const ScopedTraceId&) = delete;
  ScopedTraceId& operator=(const ScopedTraceId&) = delete;

 private:
  std::string previous_;
};

// Metadata key carrying the trace id between services.
inline constexpr char kTraceHeader[] = "x-trace-id";

}  // namespace gov::log

#endif  // GOV_COMMON_LOG_LOG_H_
