#include "common/cases/calendar.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/util/file.h"
#include "common/util/status.h"

namespace gov::cal {

namespace {

using governance::v1::Period;

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;
// An SLA longer than ten years is a configuration mistake; clipping keeps DueTime O(n) with a
// small n whatever the caller passes.
constexpr int kMaxSlaDays = 3650;

// Monday of ISO week 1 of ISO year `year` (the week holding 4 January).
absl::CivilDay IsoWeekOneMonday(int year) {
  return absl::PrevWeekday(absl::CivilDay(year, 1, 4) + 1, absl::Weekday::monday);
}

int IsoWeeksInYear(int year) {
  return static_cast<int>((IsoWeekOneMonday(year + 1) - IsoWeekOneMonday(year)) / 7);
}

Period MakePeriod(int year) {
  Period p;
  p.set_year(year);
  return p;
}

bool ParseIsoDay(std::string_view s, absl::CivilDay* out) {
  const std::optional<absl::CivilDay> day = ParseDay(s);
  if (!day.has_value()) return false;
  *out = *day;
  return true;
}

}  // namespace

std::optional<absl::CivilDay> ParseDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  auto num = [&](int pos, int len) {
    int v = 0;
    for (int i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  const absl::CivilDay day(y, m, d);
  // CivilDay normalizes (2025-02-30 -> 2025-03-02); a changed field means no such date.
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

absl::Status ValidatePeriod(const Period& p, std::string_view field) {
  // The unset period stands for "the current month" (see Normalize), so it is valid input.
  if (p.year() == 0 && p.part_case() == Period::PART_NOT_SET) return absl::OkStatus();
  if (p.year() < kMinYear || p.year() > kMaxYear) {
    return InvalidField(std::string(field) + ".year",
                        absl::StrFormat("must be %d..%d, got %d", kMinYear, kMaxYear, p.year()));
  }
  switch (p.part_case()) {
    case Period::kMonth:
      if (p.month() < 1 || p.month() > 12) {
        return InvalidField(std::string(field) + ".month",
                            absl::StrFormat("must be 1..12, got %d", p.month()));
      }
      break;
    case Period::kWeek: {
      const int weeks = IsoWeeksInYear(p.year());
      if (p.week() < 1 || p.week() > weeks) {
        return InvalidField(
            std::string(field) + ".week",
            absl::StrFormat("ISO year %d has weeks 1..%d, got %d", p.year(), weeks, p.week()));
      }
      break;
    }
    case Period::kQuarter:
      if (p.quarter() < 1 || p.quarter() > 4) {
        return InvalidField(std::string(field) + ".quarter",
                            absl::StrFormat("must be 1..4, got %d", p.quarter()));
      }
      break;
    case Period::PART_NOT_SET:
      break;
  }
  return absl::OkStatus();
}

DayRange Resolve(const Period& period, absl::Time now) {
  const Period p = Normalize(period, now);
  const int y = p.year();
  switch (p.part_case()) {
    case Period::kMonth: {
      const absl::CivilMonth m(y, p.month());
      return {absl::CivilDay(m), absl::CivilDay(m + 1) - 1};
    }
    case Period::kWeek: {
      const absl::CivilDay first = IsoWeekOneMonday(y) + 7 * (p.week() - 1);
      return {first, first + 6};
    }
    case Period::kQuarter: {
      const absl::CivilMonth first(y, 3 * (p.quarter() - 1) + 1);
      return {absl::CivilDay(first), absl::CivilDay(first + 3) - 1};
    }
    case Period::PART_NOT_SET:
      break;
  }
  return {absl::CivilDay(y, 1, 1), absl::CivilDay(y, 12, 31)};
}

Period Normalize(const Period& p, absl::Time now) {
  if (p.year() == 0 && p.part_case() == Period::PART_NOT_SET) return MonthOf(LocalDay(now));
  return p;
}

Period PreviousPeriod(const Period& p) {
  // The day before the period's first: its days are those of the period before.
  const absl::CivilDay before = Resolve(p, absl::UnixEpoch()).first - 1;
  switch (p.part_case()) {
    case Period::kMonth:
      return MonthOf(before);
    case Period::kWeek:
      return WeekOf(before);
    case Period::kQuarter:
      return QuarterOf(before);
    case Period::PART_NOT_SET:
      break;
  }
  return MakePeriod(p.year() - 1);
}

Period SamePeriodLastYear(const Period& p) {
  // Only an unvalidated period can be here; decrementing it would overflow.
  if (p.year() == std::numeric_limits<int32_t>::min()) return p;
  Period out = p;
  out.set_year(p.year() - 1);
  if (p.part_case() == Period::kWeek && p.week() == 53 && IsoWeeksInYear(out.year()) < 53) {
    out.set_week(52);
  }
  return out;
}

absl::CivilDay SameDayLastYear(absl::CivilDay day) {
  const int day_of_month = day.month() == 2 && day.day() == 29 ? 28 : day.day();
  return absl::CivilDay(day.year() - 1, day.month(), day_of_month);
}

DayRange ToDate(const DayRange& days, absl::CivilDay today) {
  if (days.Contains(today)) return {days.first, today};
  return days;
}

Period YearOf(const Period& p) { return MakePeriod(p.year()); }

std::string PeriodKey(const Period& p) {
  switch (p.part_case()) {
    case Period::kMonth:
      return absl::StrFormat("%04d-M%02d", p.year(), p.month());
    case Period::kWeek:
      return absl::StrFormat("%04d-W%02d", p.year(), p.week());
    case Period::kQuarter:
      return absl::StrFormat("%04d-Q%d", p.year(), p.quarter());
    case Period::PART_NOT_SET:
      break;
  }
  return absl::StrFormat("%04d", p.year());
}

Period MonthOf(absl::CivilDay d) {
  Period p = MakePeriod(static_cast<int>(d.year()));
  p.set_month(d.month());
  return p;
}

Period WeekOf(absl::CivilDay d) {
  // The ISO week belongs to the year of its Thursday.
  const absl::CivilDay thursday = absl::PrevWeekday(d + 1, absl::Weekday::monday) + 3;
  Period p = MakePeriod(static_cast<int>(thursday.year()));
  p.set_week((absl::GetYearDay(thursday) - 1) / 7 + 1);
  return p;
}

Period QuarterOf(absl::CivilDay d) {
  Period p = MakePeriod(static_cast<int>(d.year()));
  p.set_quarter((d.month() - 1) / 3 + 1);
  return p;
}

absl::StatusOr<std::unique_ptr<WorkCalendar>> WorkCalendar::LoadFile(const std::string& path) {
  governance::config::v1::HolidayCalendar data;
  GOV_RETURN_IF_ERROR(LoadJsonFile(path, "holiday calendar", &data));
  auto calendar = FromProto(data);
  if (!calendar.ok()) return Annotate(calendar.status(), absl::StrCat("holiday calendar ", path));
  return calendar;
}

absl::StatusOr<std::unique_ptr<WorkCalendar>> WorkCalendar::FromProto(
    const governance::config::v1::HolidayCalendar& data) {
  std::unique_ptr<WorkCalendar> cal(new WorkCalendar());
  for (int i = 0; i < data.holidays_size(); ++i) {
    absl::CivilDay day;
    if (!ParseIsoDay(data.holidays(i), &day)) {
      return InvalidField(
          absl::StrCat("holidays[", i, "]"),
          absl::StrCat("\"", absl::CEscape(data.holidays(i)), "\" is not a date YYYY-MM-DD"));
    }
    if (!cal->holidays_.insert(day).second) {
      return InvalidField(absl::StrCat("holidays[", i, "]"),
                          absl::StrCat(data.holidays(i), " is listed twice"));
    }
  }
  for (int i = 0; i < data.makeup_workdays_size(); ++i) {
    const std::string field = absl::StrCat("makeup_workdays[", i, "]");
    absl::CivilDay day;
    if (!ParseIsoDay(data.makeup_workdays(i), &day)) {
      return InvalidField(field, absl::StrCat("\"", absl::CEscape(data.makeup_workdays(i)),
                                              "\" is not a date YYYY-MM-DD"));
    }
    const absl::Weekday wd = absl::GetWeekday(day);
    // A make-up day on a weekday would change nothing: most likely a mistyped date.
    if (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday) {
      return InvalidField(field,
                          absl::StrCat(data.makeup_workdays(i), " is not a Saturday or Sunday"));
    }
    if (cal->holidays_.contains(day)) {
      return InvalidField(field,
                          absl::StrCat(data.makeup_workdays(i), " is also listed as a holiday"));
    }
    if (!cal->makeup_.insert(day).second) {
      return InvalidField(field, absl::StrCat(data.makeup_workdays(i), " is listed twice"));
    }
  }
  return cal;
}

bool WorkCalendar::IsWorkingDay(absl::CivilDay d) const {
  if (makeup_.contains(d)) return true;
  if (holidays_.contains(d)) return false;
  const absl::Weekday wd = absl::GetWeekday(d);
  return wd != absl::Weekday::saturday && wd != absl::Weekday::sunday;
}

absl::Time WorkCalendar::DueTime(const Sla& sla, absl::Time start) const {
  switch (sla.kind) {
    case Sla::Kind::kNone:
      return absl::InfiniteFuture();
    case Sla::Kind::kCalendarHours:
      return start + absl::Hours(std::clamp(sla.amount, 0, kMaxSlaDays * 24));
    case Sla::Kind::kWorkingDays: {
      const int amount = std::clamp(sla.amount, 0, kMaxSlaDays);
      absl::CivilDay day = LocalDay(start);
      // Terminates: holidays are a finite set, so working days keep coming.
      for (int counted = 0; counted < amount;) {
        ++day;
        if (IsWorkingDay(day)) ++counted;
      }
      return absl::FromCivil(day + 1, DistrictZone());
    }
  }
  return absl::InfiniteFuture();
}

}  // namespace gov::cal
