#include "common/cases/calendar.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::cal {
namespace {

using governance::v1::Period;
using ::testing::HasSubstr;

Period Year(int y) {
  Period p;
  p.set_year(y);
  return p;
}
Period Month(int y, int m) {
  Period p = Year(y);
  p.set_month(m);
  return p;
}
Period Week(int y, int w) {
  Period p = Year(y);
  p.set_week(w);
  return p;
}
Period Quarter(int y, int q) {
  Period p = Year(y);
  p.set_quarter(q);
  return p;
}

// An instant given in district local time.
using gov::testing::Local;

std::string Str(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M %z", t, DistrictZone()); }

void ExpectRange(const Period& p, absl::CivilDay first, absl::CivilDay last) {
  const DayRange r = Resolve(p, absl::UnixEpoch());
  EXPECT_EQ(r.first, first) << PeriodKey(p);
  EXPECT_EQ(r.last, last) << PeriodKey(p);
}

void ExpectSame(const Period& a, const Period& b) {
  EXPECT_EQ(PeriodKey(a), PeriodKey(b));
  EXPECT_EQ(a.part_case(), b.part_case());
}

TEST(PeriodTest, ZoneIsShanghai) {
  // 2026-03-31 16:30 UTC is already 1 April in the district.
  EXPECT_EQ(
      LocalDay(absl::FromCivil(absl::CivilSecond(2026, 3, 31, 16, 30, 0), absl::UTCTimeZone())),
      absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(
      LocalDay(absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 59, 0), absl::UTCTimeZone())),
      absl::CivilDay(2026, 3, 31));
}

TEST(PeriodTest, ResolvesMonthsQuartersAndYears) {
  ExpectRange(Year(2026), absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31));
  ExpectRange(Month(2024, 2), absl::CivilDay(2024, 2, 1), absl::CivilDay(2024, 2, 29));
  ExpectRange(Month(2026, 2), absl::CivilDay(2026, 2, 1), absl::CivilDay(2026, 2, 28));
  ExpectRange(Month(2026, 12), absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 31));
  ExpectRange(Quarter(2026, 1), absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 3, 31));
  ExpectRange(Quarter(2026, 2), absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 6, 30));
  ExpectRange(Quarter(2026, 4), absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 12, 31));
}

TEST(PeriodTest, ResolvesIsoWeeks) {
  // Week 1 holds 4 January, so it can start in the previous calendar year.
  ExpectRange(Week(2026, 1), absl::CivilDay(2025, 12, 29), absl::CivilDay(2026, 1, 4));
  ExpectRange(Week(2026, 5), absl::CivilDay(2026, 1, 26), absl::CivilDay(2026, 2, 1));
  ExpectRange(Week(2021, 1), absl::CivilDay(2021, 1, 4), absl::CivilDay(2021, 1, 10));
  // 2020 and 2026 have 53 weeks; the last runs into the next calendar year.
  ExpectRange(Week(2020, 53), absl::CivilDay(2020, 12, 28), absl::CivilDay(2021, 1, 3));
  ExpectRange(Week(2026, 53), absl::CivilDay(2026, 12, 28), absl::CivilDay(2027, 1, 3));
  ExpectRange(Week(2025, 52), absl::CivilDay(2025, 12, 22), absl::CivilDay(2025, 12, 28));
}

TEST(PeriodTest, UnsetPeriodIsTheCurrentLocalMonth) {
  // 2026-03-31 20:00 UTC is 1 April 04:00 in the district: April, not March.
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 3, 31, 20, 0, 0), absl::UTCTimeZone());
  ExpectSame(Normalize(Period(), now), Month(2026, 4));
  const DayRange r = Resolve(Period(), now);
  EXPECT_EQ(r.first, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(r.last, absl::CivilDay(2026, 4, 30));
  EXPECT_TRUE(r.Contains(absl::CivilDay(2026, 4, 30)));
  EXPECT_FALSE(r.Contains(absl::CivilDay(2026, 5, 1)));
  EXPECT_FALSE(r.Contains(absl::CivilDay(2026, 3, 31)));
  // A set period is left alone.
  ExpectSame(Normalize(Quarter(2025, 1), now), Quarter(2025, 1));
  ExpectSame(Normalize(Year(2024), now), Year(2024));
}

TEST(PeriodTest, DayToPeriod) {
  ExpectSame(MonthOf(absl::CivilDay(2026, 11, 30)), Month(2026, 11));
  ExpectSame(QuarterOf(absl::CivilDay(2026, 3, 31)), Quarter(2026, 1));
  ExpectSame(QuarterOf(absl::CivilDay(2026, 4, 1)), Quarter(2026, 2));
  ExpectSame(QuarterOf(absl::CivilDay(2026, 12, 31)), Quarter(2026, 4));
  ExpectSame(WeekOf(absl::CivilDay(2025, 12, 29)), Week(2026, 1));
  ExpectSame(WeekOf(absl::CivilDay(2025, 12, 28)), Week(2025, 52));
  ExpectSame(WeekOf(absl::CivilDay(2021, 1, 3)), Week(2020, 53));
  ExpectSame(WeekOf(absl::CivilDay(2027, 1, 1)), Week(2026, 53));
  ExpectSame(WeekOf(absl::CivilDay(2024, 12, 30)), Week(2025, 1));
  ExpectSame(WeekOf(absl::CivilDay(2026, 2, 1)), Week(2026, 5));
  ExpectSame(WeekOf(absl::CivilDay(2026, 2, 2)), Week(2026, 6));
}

// Every day of the supported years lies in the week, month and quarter that WeekOf/MonthOf/
// QuarterOf name, those are valid, and consecutive ISO weeks tile the time line.
TEST(PeriodTest, DayToPeriodRoundTripsOverAllSupportedYears) {
  absl::CivilDay expected_week_start(2000, 1, 3);  // Monday of 2000-W01
  for (absl::CivilDay d(2000, 1, 3); d <= absl::CivilDay(2100, 12, 26); ++d) {
    for (const Period& p : {WeekOf(d), MonthOf(d), QuarterOf(d)}) {
      ASSERT_TRUE(ValidatePeriod(p, "p").ok()) << PeriodKey(p);
      ASSERT_TRUE(Resolve(p, absl::UnixEpoch()).Contains(d)) << PeriodKey(p) << " " << d;
    }
    if (absl::GetWeekday(d) == absl::Weekday::monday) {
      const DayRange w = Resolve(WeekOf(d), absl::UnixEpoch());
      ASSERT_EQ(w.first, expected_week_start) << d;
      ASSERT_EQ(w.last, d + 6);
      expected_week_start = d + 7;
    }
  }
}

TEST(PeriodTest, ValidatesAndNamesTheField) {
  EXPECT_TRUE(ValidatePeriod(Period(), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Year(2000), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Year(2100), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Month(2026, 12), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Week(2020, 53), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Week(2026, 53), "period").ok());
  EXPECT_TRUE(ValidatePeriod(Quarter(2026, 4), "period").ok());

  struct Case {
    Period period;
    std::string field;
  };
  const Case cases[] = {
      {Year(1999), "req.period.year"},          {Year(2101), "req.period.year"},
      {Month(0, 3), "req.period.year"},         {Month(2026, 0), "req.period.month"},
      {Month(2026, 13), "req.period.month"},    {Week(2026, 0), "req.period.week"},
      {Week(2021, 53), "req.period.week"},      {Week(2025, 53), "req.period.week"},
      {Week(2026, 54), "req.period.week"},      {Quarter(2026, 0), "req.period.quarter"},
      {Quarter(2026, 5), "req.period.quarter"}, {Month(2026, -1), "req.period.month"},
  };
  for (const Case& c : cases) {
    const absl::Status st = ValidatePeriod(c.period, "req.period");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.period.ShortDebugString();
    EXPECT_EQ(FieldOf(st), c.field) << c.period.ShortDebugString();
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.field + ": "));
  }
}

TEST(PeriodTest, Keys) {
  EXPECT_EQ(PeriodKey(Year(2026)), "2026");
  EXPECT_EQ(PeriodKey(Month(2026, 11)), "2026-M11");
  EXPECT_EQ(PeriodKey(Month(2026, 1)), "2026-M01");
  EXPECT_EQ(PeriodKey(Week(2026, 5)), "2026-W05");
  EXPECT_EQ(PeriodKey(Week(2026, 53)), "2026-W53");
  EXPECT_EQ(PeriodKey(Quarter(2026, 4)), "2026-Q4");
}

TEST(PeriodTest, SamePeriodLastYearAndYearOf) {
  ExpectSame(SamePeriodLastYear(Month(2026, 1)), Month(2025, 1));
  ExpectSame(SamePeriodLastYear(Quarter(2026, 4)), Quarter(2025, 4));
  ExpectSame(SamePeriodLastYear(Year(2026)), Year(2025));
  ExpectSame(SamePeriodLastYear(Week(2026, 5)), Week(2025, 5));
  // 2025 has no week 53.
  ExpectSame(SamePeriodLastYear(Week(2026, 53)), Week(2025, 52));
  ExpectSame(SamePeriodLastYear(Week(2021, 52)), Week(2020, 52));
  ExpectSame(YearOf(Week(2026, 1)), Year(2026));
  ExpectSame(YearOf(Month(2026, 11)), Year(2026));
  ExpectSame(YearOf(Quarter(2025, 2)), Year(2025));
}

TEST(PeriodTest, PreviousPeriodIsTheOneJustBeforeOfTheSameLength) {
  ExpectSame(PreviousPeriod(Month(2026, 3)), Month(2026, 2));
  ExpectSame(PreviousPeriod(Month(2026, 1)), Month(2025, 12));
  ExpectSame(PreviousPeriod(Quarter(2026, 1)), Quarter(2025, 4));
  ExpectSame(PreviousPeriod(Quarter(2026, 3)), Quarter(2026, 2));
  ExpectSame(PreviousPeriod(Year(2026)), Year(2025));
  ExpectSame(PreviousPeriod(Week(2026, 10)), Week(2026, 9));
  // Week 1 follows the last week of the ISO year before: 52 or 53 weeks (2020 and 2026 have 53).
  ExpectSame(PreviousPeriod(Week(2021, 1)), Week(2020, 53));
  ExpectSame(PreviousPeriod(Week(2027, 1)), Week(2026, 53));
  ExpectSame(PreviousPeriod(Week(2026, 1)), Week(2025, 52));
}

// ---------------------------------------------------------------------------------------------
// Working days

std::unique_ptr<WorkCalendar> Shipped() {
  auto cal = WorkCalendar::LoadFile(gov::testing::SourcePath("data/holidays.json"));
  EXPECT_TRUE(cal.ok()) << cal.status();
  return cal.ok() ? std::move(cal).value() : nullptr;
}

TEST(WorkCalendarTest, ShippedDataIsVersionedAndCoversItsYears) {
  std::ifstream in(gov::testing::SourcePath("data/holidays.json"));
  std::stringstream text;
  text << in.rdbuf();
  governance::config::v1::HolidayCalendar data;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &data).ok());
  EXPECT_TRUE(std::regex_match(data.version(), std::regex("20[0-9]{2}\\.[0-9]+")))
      << data.version();
  for (const char* year : {"2024", "2025", "2026"}) {
    int holidays = 0;
    for (const std::string& d : data.holidays()) holidays += d.rfind(year, 0) == 0 ? 1 : 0;
    // Seven festivals; the legal minimum is 13 days off (11 before 2025).
    EXPECT_GE(holidays, 11) << year;
  }
  ASSERT_NE(Shipped(), nullptr);
}

TEST(WorkCalendarTest, ShippedHolidaysAndMakeUpDays) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  // National Day and Mid-Autumn 2025: 1-8 October off, Sunday 28 Sep and Saturday 11 Oct worked.
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2025, 9, 26)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2025, 9, 27)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2025, 9, 28)));
  for (absl::CivilDay d(2025, 10, 1); d <= absl::CivilDay(2025, 10, 8); ++d) {
    EXPECT_FALSE(cal->IsWorkingDay(d)) << d;
  }
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2025, 10, 9)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2025, 10, 11)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2025, 10, 12)));
  // Spring Festival 2024 and 2026 with their make-up weekends.
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2024, 2, 4)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2024, 2, 12)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2024, 2, 18)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2026, 2, 14)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2026, 2, 23)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2026, 2, 28)));
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2026, 1, 4)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2026, 1, 2)));
  // Ordinary weeks.
  EXPECT_TRUE(cal->IsWorkingDay(absl::CivilDay(2025, 9, 24)));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2025, 9, 21)));
}

TEST(WorkingDaysTest, FromFridayEveningBeforeSpringFestival) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  // Friday 24 Jan 2025; Sunday 26 Jan is worked; 28 Jan - 4 Feb off; Saturday 8 Feb worked.
  const absl::Time start = Local(2025, 1, 24, 19, 30);
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(1), start)), Str(Local(2025, 1, 27)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(2), start)), Str(Local(2025, 1, 28)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(3), start)), Str(Local(2025, 2, 6)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(5), start)), Str(Local(2025, 2, 8)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(6), start)), Str(Local(2025, 2, 9)));
}

TEST(WorkingDaysTest, FromFridayEveningBeforeNationalDay) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  const absl::Time start = Local(2025, 9, 26, 20, 0);
  // The make-up Sunday is the first working day.
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(1), start)), Str(Local(2025, 9, 29)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(3), start)), Str(Local(2025, 10, 1)));
  // The fourth is Thursday 9 October, after the eight days off.
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(4), start)), Str(Local(2025, 10, 10)));
}

TEST(WorkingDaysTest, StartingOnAHoliday) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  const absl::Time start = Local(2025, 10, 3, 10, 0);
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(1), start)), Str(Local(2025, 10, 10)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(3), start)), Str(Local(2025, 10, 12)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(4), start)), Str(Local(2025, 10, 14)));
}

TEST(WorkingDaysTest, StartDayIsTheLocalDayAndNeverCounts) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  // 00:30 on the make-up Sunday is still Saturday in UTC; the local day (Sunday) is the start
  // day and does not count, so the first working day is Monday.
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(1), Local(2025, 9, 28, 0, 30))),
            Str(Local(2025, 9, 30)));
  // 23:59 on a Monday: Tuesday is the first working day.
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(1), Local(2025, 9, 22, 23, 59))),
            Str(Local(2025, 9, 24)));
  // Zero (or a negative amount) runs out at the end of the start day.
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(0), Local(2025, 9, 22, 9, 0))),
            Str(Local(2025, 9, 23)));
  EXPECT_EQ(Str(cal->DueTime(Sla::WorkingDays(-5), Local(2025, 9, 22, 9, 0))),
            Str(Local(2025, 9, 23)));
}

TEST(WorkingDaysTest, CalendarHoursIgnoreHolidaysAndCrossMidnight) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  EXPECT_EQ(Str(cal->DueTime(Sla::Hours(4), Local(2025, 9, 30, 22, 30))),
            Str(Local(2025, 10, 1, 2, 30)));
  EXPECT_EQ(cal->DueTime(Sla::Hours(72), Local(2025, 10, 1, 9, 15)), Local(2025, 10, 4, 9, 15));
  EXPECT_EQ(cal->DueTime(Sla::None(), Local(2025, 10, 1)), absl::InfiniteFuture());
}

TEST(WorkingDaysTest, HugeAmountsAreClipped) {
  auto cal = Shipped();
  ASSERT_NE(cal, nullptr);
  const absl::Time start = Local(2026, 1, 5, 9, 0);
  const absl::Time due = cal->DueTime(Sla::WorkingDays(1 << 30), start);
  EXPECT_EQ(due, cal->DueTime(Sla::WorkingDays(3650), start));
  EXPECT_GT(due, start + absl::Hours(24 * 365 * 10));
  EXPECT_LT(due, start + absl::Hours(24 * 365 * 20));
  EXPECT_EQ(cal->DueTime(Sla::Hours(1 << 30), start), start + absl::Hours(3650 * 24));
}

TEST(WorkingDaysTest, EmptyCalendarIsMondayToFriday) {
  auto cal = WorkCalendar::FromProto(governance::config::v1::HolidayCalendar());
  ASSERT_TRUE(cal.ok()) << cal.status();
  // Friday 2025-10-03 (a holiday in the real calendar) counts as an ordinary Friday here.
  EXPECT_TRUE((*cal)->IsWorkingDay(absl::CivilDay(2025, 10, 3)));
  EXPECT_FALSE((*cal)->IsWorkingDay(absl::CivilDay(2025, 10, 4)));
  EXPECT_EQ(Str((*cal)->DueTime(Sla::WorkingDays(1), Local(2025, 10, 3, 18, 0))),
            Str(Local(2025, 10, 7)));
}

absl::Status LoadText(const std::string& json) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("holidays.json");
  gov::testing::WriteFile(path, json);
  return WorkCalendar::LoadFile(path).status();
}

TEST(WorkCalendarTest, LoadsAValidFile) {
  EXPECT_TRUE(LoadText(R"({"version": "t", "holidays": ["2025-10-01"],
                           "makeupWorkdays": ["2025-10-11"]})")
                  .ok());
  // The proto field names are accepted too.
  EXPECT_TRUE(LoadText(R"({"makeup_workdays": ["2025-10-11"]})").ok());
}

TEST(WorkCalendarTest, RejectsBadFiles) {
  gov::testing::TempDir dir;
  const auto missing = WorkCalendar::LoadFile(dir.File("nope.json"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();

  struct Case {
    const char* json;
    const char* mention;
  };
  const Case cases[] = {
      {"not json", "holiday calendar"},
      {R"({"holiday": ["2025-10-01"]})", "holiday"},
      {R"({"holidays": ["2025-10-01", "2025-02-30"]})", "holidays[1]"},
      {R"({"holidays": ["2025-10-1"]})", "holidays[0]"},
      {R"({"holidays": [" 2025-10-01"]})", "holidays[0]"},
      {R"({"holidays": ["2025/10/01"]})", "holidays[0]"},
      {R"({"holidays": ["2025-10-01", "2025-10-01"]})", "holidays[1]"},
      {R"({"makeupWorkdays": ["2025-13-01"]})", "makeup_workdays[0]"},
      // Both a holiday and a make-up day.
      {R"({"holidays": ["2025-10-04"], "makeupWorkdays": ["2025-10-11", "2025-10-04"]})",
       "makeup_workdays[1]"},
      // A make-up day on a Wednesday.
      {R"({"makeupWorkdays": ["2025-10-08"]})", "makeup_workdays[0]"},
  };
  for (const Case& c : cases) {
    const absl::Status st = LoadText(c.json);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.json << " -> " << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.mention)) << c.json;
    EXPECT_THAT(std::string(st.message()), HasSubstr("holidays.json")) << c.json;
  }
}

}  // namespace
}  // namespace gov::cal
