#ifndef GOV_COMMON_LOG_LOG_H_
#define GOV_COMMON_LOG_LOG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gov::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLevel(Level level);
bool ParseLevel(std::string_view text, Level* level);
// Service name stamped on every line.
void SetService(std::string_view service);

// One JSON line on stderr: {"ts":..., "level":..., "service":..., "msg":..., <fields>}.
// Fields are key/value strings; values are JSON-escaped. Never pass personal data (parties'
// names, phone numbers, reporters' contacts) as a field.
using Fields = std::vector<std::pair<std::string, std::string>>;
void Write(Level level, std::string_view msg, const Fields& fields = {});

inline void Info(std::string_view msg, const Fields& f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, const Fields& f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, const Fields& f = {}) { Write(Level::kError, msg, f); }
inline void Debug(std::string_view msg, const Fields& f = {}) { Write(Level::kDebug, msg, f); }

// A new random trace id (16 hex chars).
std::string NewTraceId();

// Metadata key carrying the trace id between services.
inline constexpr char kTraceHeader[] = "x-trace-id";

}  // namespace gov::log

#endif  // GOV_COMMON_LOG_LOG_H_
