#ifndef GOV_COMMON_CASES_CALENDAR_H_
#define GOV_COMMON_CASES_CALENDAR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock/district_time.h"
#include "governance/config/v1/config.pb.h"
#include "governance/v1/common.pb.h"

namespace gov::cal {

// A period resolved to its days, both inclusive.
struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;
  bool Contains(absl::CivilDay d) const { return d >= first && d <= last; }
};

// Checks a period (year 2000..2100; month 1..12, week 1..53 valid for the ISO year,
// quarter 1..4). Errors are INVALID_ARGUMENT naming `field`.
absl::Status ValidatePeriod(const governance::v1::Period& p, std::string_view field);
// Days of a valid period. An unset period (year 0) means the month containing `now`.
DayRange Resolve(const governance::v1::Period& p, absl::Time now);
// The period with year 0 replaced by the current month.
governance::v1::Period Normalize(const governance::v1::Period& p, absl::Time now);
// The same period one year earlier (ISO week n of the previous ISO year; week 53 -> 52 when
// the previous year has none).
governance::v1::Period SamePeriodLastYear(const governance::v1::Period& p);
// The period of the same length just before a normalised one: the month, ISO week, quarter or
// year before.
governance::v1::Period PreviousPeriod(const governance::v1::Period& p);
// The same calendar day one year earlier; 29 February gives 28 February.
absl::CivilDay SameDayLastYear(absl::CivilDay day);
// A period's days as far as `today`: up to today when today falls inside them, else all.
DayRange ToDate(const DayRange& days, absl::CivilDay today);
// Whole year containing the period (for year-to-date targets).
governance::v1::Period YearOf(const governance::v1::Period& p);
// Stable text key: "2026", "2026-M11", "2026-W05", "2026-Q4".
std::string PeriodKey(const governance::v1::Period& p);

// A strict "YYYY-MM-DD" date (absl::ParseCivilTime also takes signs, spaces and short years,
// which in a request or a hand-edited file are more likely typos than intent); nullopt for
// anything else and for dates that do not exist (2026-02-30).
std::optional<absl::CivilDay> ParseDay(std::string_view s);
// Month / week / quarter / year periods containing a day (cache invalidation uses them).
governance::v1::Period MonthOf(absl::CivilDay d);
governance::v1::Period WeekOf(absl::CivilDay d);
governance::v1::Period QuarterOf(absl::CivilDay d);

// How an SLA clock counts.
struct Sla {
  enum class Kind { kNone, kCalendarHours, kWorkingDays };
  Kind kind = Kind::kNone;
  int amount = 0;
  static Sla None() { return {}; }
  static Sla Hours(int h) { return {Kind::kCalendarHours, h}; }
  static Sla WorkingDays(int d) { return {Kind::kWorkingDays, d}; }
  bool active() const { return kind != Kind::kNone; }
};

// Working days per the holiday calendar (proto JSON of governance.config.v1.HolidayCalendar,
// data/holidays.json): Monday-Friday unless a holiday; Saturday/Sunday only if a make-up
// working day (调休).
class WorkCalendar {
 public:
  static absl::StatusOr<std::unique_ptr<WorkCalendar>> LoadFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<WorkCalendar>> FromProto(
      const governance::config::v1::HolidayCalendar& data);

  bool IsWorkingDay(absl::CivilDay d) const;

  // When an SLA that starts at `start` runs out:
  //  - calendar hours: start + amount hours;
  //  - working days: the end (24:00 local) of the amount-th working day after the day of
  //    `start` (the start day itself does not count, whatever the hour).
  // kNone gives absl::InfiniteFuture().
  absl::Time DueTime(const Sla& sla, absl::Time start) const;

 private:
  WorkCalendar() = default;
  absl::flat_hash_set<absl::CivilDay> holidays_;
  absl::flat_hash_set<absl::CivilDay> makeup_;
};

}  // namespace gov::cal

#endif  // GOV_COMMON_CASES_CALENDAR_H_
