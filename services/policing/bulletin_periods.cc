#include "services/policing/bulletin_periods.h"

#include "absl/strings/numbers.h"
#include "absl/time/time.h"

namespace gov::policing {
namespace {

namespace cv1 = ::governance::config::v1;
namespace gv1 = ::governance::v1;

// Of periods ending the same day, the longer is listed first.
int Rank(const gv1::Period& p) {
  switch (p.part_case()) {
    case gv1::Period::kQuarter:
      return 0;
    case gv1::Period::kMonth:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

std::optional<cv1::BulletinPeriodKind> BulletinKindOf(const gv1::Period& p) {
  switch (p.part_case()) {
    case gv1::Period::kWeek:
      return cv1::BULLETIN_PERIOD_KIND_WEEK;
    case gv1::Period::kMonth:
      return cv1::BULLETIN_PERIOD_KIND_MONTH;
    case gv1::Period::kQuarter:
      return cv1::BULLETIN_PERIOD_KIND_QUARTER;
    case gv1::Period::PART_NOT_SET:
      break;
  }
  return std::nullopt;
}

gv1::Period BulletinPeriodOf(cv1::BulletinPeriodKind kind, absl::CivilDay day) {
  switch (kind) {
    case cv1::BULLETIN_PERIOD_KIND_WEEK:
      return cal::WeekOf(day);
    case cv1::BULLETIN_PERIOD_KIND_QUARTER:
      return cal::QuarterOf(day);
    default:
      return cal::MonthOf(day);
  }
}

cal::DayRange PeriodDays(const gv1::Period& p) { return cal::Resolve(p, absl::UnixEpoch()); }

gv1::Period PreviousPeriod(const gv1::Period& p) {
  return BulletinPeriodOf(*BulletinKindOf(p), PeriodDays(p).first - 1);
}

gv1::Period NextPeriod(const gv1::Period& p) {
  return BulletinPeriodOf(*BulletinKindOf(p), PeriodDays(p).last + 1);
}

bool ListedBefore(const gv1::Period& a, const gv1::Period& b) {
  const absl::CivilDay a_last = PeriodDays(a).last;
  const absl::CivilDay b_last = PeriodDays(b).last;
  if (a_last != b_last) return a_last > b_last;
  return Rank(a) < Rank(b);
}

std::optional<gv1::Period> PeriodFromKey(const std::string& key) {
  if (key.size() < 7 || key[4] != '-') return std::nullopt;
  int year = 0;
  int number = 0;
  if (!absl::SimpleAtoi(key.substr(0, 4), &year) || !absl::SimpleAtoi(key.substr(6), &number)) {
    return std::nullopt;
  }
  gv1::Period p;
  p.set_year(year);
  switch (key[5]) {
    case 'W':
      p.set_week(number);
      break;
    case 'M':
      p.set_month(number);
      break;
    case 'Q':
      p.set_quarter(number);
      break;
    default:
      return std::nullopt;
  }
  if (!cal::ValidatePeriod(p, "period").ok() || cal::PeriodKey(p) != key) return std::nullopt;
  return p;
}

}  // namespace gov::policing
