#include "common/clock/district_time.h"

namespace gov::cal {

absl::TimeZone DistrictZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    // Asia/Shanghai has had no daylight saving since 1991, so UTC+8 is exact where tzdata is
    // missing (minimal containers).
    if (!absl::LoadTimeZone("Asia/Shanghai", &tz)) tz = absl::FixedTimeZone(8 * 60 * 60);
    return tz;
  }();
  return zone;
}

absl::CivilDay LocalDay(absl::Time t) { return absl::ToCivilDay(t, DistrictZone()); }

}  // namespace gov::cal
