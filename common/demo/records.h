#ifndef GOV_COMMON_DEMO_RECORDS_H_
#define GOV_COMMON_DEMO_RECORDS_H_

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/demo/random.h"

// The small parts of a demo record every track invents alike: times of the district's day,
// invented people, phone numbers and addresses that are obviously not real, and the principal a
// loader acts as.
namespace gov::demo {

// `day` at hour:minute:second, district time (Asia/Shanghai).
absl::Time LocalTime(absl::CivilDay day, int hour, int minute, int second = 0);

// "YYYY-MM-DD", as dates are written in requests and registry rows.
std::string DayText(absl::CivilDay day);

// The common surnames the demo's people are given.
inline constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈",
                                            "杨", "赵", "黄", "周", "吴"};

// A party as a case file names it: a surname and "某" ("张某").
std::string FormalName(Random& rng);

// A caller as an operator addresses them: a surname and "先生" or "女士" ("王先生").
std::string AddressedName(Random& rng);

// A mobile number: "13" and nine digits.
std::string MobilePhone(Random& rng);

// A number that is plainly a placeholder: "000-0000-" and four digits.
std::string PlaceholderPhone(Random& rng);

// An invented address near a place: "<place>演示路<1..299>号附近".
std::string Address(const std::string& place, Random& rng);

// The principal a demo loader acts as: `id` with the one role `role`, district-wide.
auth::Principal Actor(std::string id, std::string role);

}  // namespace gov::demo

#endif  // GOV_COMMON_DEMO_RECORDS_H_
