#ifndef GOV_SERVICES_POLICING_BULLETIN_PERIODS_H_
#define GOV_SERVICES_POLICING_BULLETIN_PERIODS_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "governance/config/v1/policing.pb.h"
#include "governance/v1/common.pb.h"

// The periods bulletins are published for — weeks, months and quarters — as the bulletins and
// the key-area rules walk them: their kind, their days, the one before and after, the order of a
// list of bulletins, and a period from its key (cal::PeriodKey).
namespace gov::policing {

// The kind of a week, month or quarter; nullopt for a year or an unset period.
std::optional<governance::config::v1::BulletinPeriodKind> BulletinKindOf(
    const governance::v1::Period& p);
// The period of `kind` containing `day`.
governance::v1::Period BulletinPeriodOf(governance::config::v1::BulletinPeriodKind kind,
                                        absl::CivilDay day);
// The days of a set period (never the "current month" of an unset one).
cal::DayRange PeriodDays(const governance::v1::Period& p);
// The period of the same kind before and after a week, month or quarter.
governance::v1::Period PreviousPeriod(const governance::v1::Period& p);
governance::v1::Period NextPeriod(const governance::v1::Period& p);
// True when `a` comes before `b` in a list of bulletins: newest period first (by the day it
// ends), of periods ending the same day the longer first.
bool ListedBefore(const governance::v1::Period& a, const governance::v1::Period& b);
// A bulletin's period from its key ("2026-W05", "2026-M11", "2026-Q4"); nullopt for anything
// else.
std::optional<governance::v1::Period> PeriodFromKey(const std::string& key);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_BULLETIN_PERIODS_H_
