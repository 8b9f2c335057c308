#include "common/demo/records.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock/district_time.h"

namespace gov::demo {

absl::Time LocalTime(absl::CivilDay day, int hour, int minute, int second) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second),
      cal::DistrictZone());
}

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormalName(Random& rng) { return absl::StrCat(rng.Pick(kSurnames), "某"); }

std::string AddressedName(Random& rng) {
  const char* surname = rng.Pick(kSurnames);
  return absl::StrCat(surname, rng.Percent(50) ? "先生" : "女士");
}

std::string MobilePhone(Random& rng) { return absl::StrFormat("13%09d", rng.Int(0, 999999999)); }

std::string PlaceholderPhone(Random& rng) {
  return absl::StrFormat("000-0000-%04d", rng.Int(0, 9999));
}

std::string Address(const std::string& place, Random& rng) {
  return absl::StrCat(place, "演示路", rng.Int(1, 299), "号附近");
}

auth::Principal Actor(std::string id, std::string role) {
  auth::Principal p;
  p.id = std::move(id);
  p.roles.insert(std::move(role));
  return p;
}

}  // namespace gov::demo
