#ifndef GOV_SERVICES_DISORDER_CAMPAIGNS_H_
#define GOV_SERVICES_DISORDER_CAMPAIGNS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/rules.h"

// 月度专项整治 — monthly remediation campaigns per category, as cases of their own store track
// ("disorder_campaign", ids "R-…", aggregated under "disorder"): PLANNED -> UNDER_WAY (with its
// start time) -> COMPLETED with results, or CANCELLED, every step in the history; target areas
// (streets or communities) and monitored objects; the effect read from the complaints' counts;
// the routine of a campaign in every month as an indicator.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// The campaigns' case spec: no clock in any state.
cases::TrackSpec CampaignSpec();

// 每月专项整治常态化率 (campaign_routine.cc): of the categories the rules put under routine
// monthly remediation, the share that had a campaign running or held in every month of the
// period so far — the months the kit judges (indicators::MonthsJudged: those over, and the
// month in progress once every routine category has its campaign in it, so a month is not
// failed before its end; no data while none is judged): a campaign of the category and that
// month, UNDER_WAY or COMPLETED (never
// CANCELLED, nor PLANNED), started by the month's last day in district time (a start recorded
// after its month was over does not make it run in its month). No data for a period that has
// not begun. A district target (the plan's 100 %); a street's or a community's row counts the
// campaigns with a target area in it, ungraded. `campaigns` is the campaigns' engine; both
// outlive the measure.
std::vector<indicators::IndicatorSpec> CampaignIndicators(const Rules& rules,
                                                          cases::CaseEngine* campaigns);

class Campaigns {
 public:
  // `engine`: the campaigns' (CampaignSpec); `objects`: the monitored objects' registry, where
  // the targets are looked up. Everything outlives the part.
  Campaigns(const server::TrackDeps& deps, cases::CaseEngine* engine,
            const registry::Registry* objects);

  // The RPCs (after the shared handler's authentication and the methods' declared access,
  // governance.v1.access); `out` is filled on success.
  absl::Status Plan(const auth::Principal& who, const dv1::PlanCampaignRequest& in,
                    dv1::PlanCampaignResponse* out);
  absl::Status Start(const auth::Principal& who, const dv1::StartCampaignRequest& in,
                     dv1::StartCampaignResponse* out);
  absl::Status Complete(const auth::Principal& who, const dv1::CompleteCampaignRequest& in,
                        dv1::CompleteCampaignResponse* out);
  absl::Status Cancel(const auth::Principal& who, const dv1::CancelCampaignRequest& in,
                      dv1::CancelCampaignResponse* out);
  absl::Status Get(const auth::Principal& who, const dv1::GetCampaignRequest& in,
                   dv1::GetCampaignResponse* out);
  absl::Status List(const auth::Principal& who, const dv1::ListCampaignsRequest& in,
                    dv1::ListCampaignsResponse* out);

 private:
  absl::CivilMonth CurrentMonth() const;
  // Every targeted object exists, is not REMOVED and lies in a street of the target areas.
  absl::Status CheckObjects(const dv1::Campaign& c) const;
  // Takes `verb` on the campaign for `who`, whose streets must hold every target area; `edit`
  // may refuse.
  absl::Status Move(const auth::Principal& who, const std::string& verb, const std::string& id,
                    const std::string& etag, const std::string& note,
                    std::function<absl::Status(dv1::Campaign&)> edit, dv1::Campaign* out) const;
  // The category's complaints taken in over `days` in the target areas.
  absl::StatusOr<int64_t> ComplaintsIn(const dv1::Campaign& c, const cal::DayRange& days) const;
  absl::Status FillEffect(dv1::Campaign* c) const;

  server::TrackDeps deps_;
  cases::CaseEngine* engine_;
  const registry::Registry* objects_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_CAMPAIGNS_H_
