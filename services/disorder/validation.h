#ifndef GOV_SERVICES_DISORDER_VALIDATION_H_
#define GOV_SERVICES_DISORDER_VALIDATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "governance/disorder/v1/disorder.pb.h"

// The disorder track's input rules beyond the shared ones (common/util/validate.h): each refusal
// is INVALID_ARGUMENT naming the field, unless said otherwise. Output-only fields are never
// looked at.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// ---- Complaints ----

// A complaint as submitted: category and channel, the region (a known street, community and
// grid), coordinates, address (200), description (1 to 2000), the reporter's name (50) and
// phone (the shared rule; never echoed).
absl::Status ValidateNewComplaint(const dv1::Complaint& c, const regions::RegionRegistry& regions);

// ---- Findings ----

// A finding as recorded: category, region, coordinates, address (200), subject (1 to 100),
// description (1 to 2000), when it was found (the shared rule for past times at `now`), the
// complaint's id when given.
absl::Status ValidateNewFinding(const dv1::Enforcement& e, const regions::RegionRegistry& regions,
                                absl::Time now);

// ---- Monitored objects ----

// An object as registered or replaced: kind, name (1 to 100), region as the kind wants it (a
// community for parking blocks and noise communities, none for a demonstration street),
// coordinates, address (200), status, since_date (required when ACTIVE, from 2000, not after
// `today`), the fume monitor for a restaurant only (and required there), the wage systems for a
// construction site only, the control point's flags for a restaurant only (the first flag set on
// another kind is named, e.g. "object.control_point.repeat_complaint").
absl::Status ValidateObject(const dv1::MonitoredObject& object,
                            const regions::RegionRegistry& regions, absl::CivilDay today);
// Whether any flag of a control point is set.
inline bool AnyControlFlag(const dv1::ControlPoint& p) {
  return p.provincial_inspection() || p.municipal_inspection() || p.repeat_complaint();
}
// The filters of ListMonitoredObjects (page size and token apart): a control point filter with
// a kind other than FUME_RESTAURANT is refused naming "control_point".
absl::Status ValidateObjectList(const dv1::ListMonitoredObjectsRequest& in,
                                const regions::RegionRegistry& regions);

// ---- The fume feed ----

// One reading of a batch, named `prefix` ("readings[3]"): the object's id, when it was read (the
// shared rule for past times, and not older than 7 days), the concentration (0 to 1000 mg/m³).
absl::Status ValidateReading(const dv1::FumeReading& r, const std::string& prefix, absl::Time now);

// ---- Campaigns ----

// A strict "YYYY-MM"; nullopt for anything else.
std::optional<absl::CivilMonth> ParseMonth(std::string_view text);
std::string MonthText(absl::CivilMonth month);

// A campaign as planned: its month (from 2000-01, at most 12 months after `current`), category,
// title (1 to 100), plan (2000), 1 to 50 target areas (streets or communities, known, none twice
// and none inside another) and at most 200 monitored objects' ids, none twice. Whether the
// objects exist and lie in the areas is the part's check (it reads the registry).
absl::Status ValidateCampaign(const dv1::Campaign& c, const regions::RegionRegistry& regions,
                              absl::CivilMonth current);
// The results of CompleteCampaign: counts 0 to 100,000, fixed and penalised at most found, a
// summary of 1 to 2000.
absl::Status ValidateResults(const dv1::CompleteCampaignRequest& in);
// The filters of ListCampaigns (page size and token apart).
absl::Status ValidateCampaignList(const dv1::ListCampaignsRequest& in,
                                  const regions::RegionRegistry& regions);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_VALIDATION_H_
