#ifndef GOV_COMMON_CLOCK_DISTRICT_TIME_H_
#define GOV_COMMON_CLOCK_DISTRICT_TIME_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// The district's local time: what days and periods are counted in (the store keys its counts by
// the local day; the calendar, SLAs and indicators work in it).
namespace gov::cal {

// The district's time zone (Asia/Shanghai; UTC+8 fixed if tzdata is missing).
absl::TimeZone DistrictZone();

// Local calendar day of an instant in the district.
absl::CivilDay LocalDay(absl::Time t);

}  // namespace gov::cal

#endif  // GOV_COMMON_CLOCK_DISTRICT_TIME_H_
