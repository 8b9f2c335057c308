#include "services/disorder/control_points.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/list_request.h"
#include "common/cases/repeats.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

// The principal the measure reads the complaints as: district-wide, for every region.
constexpr char kReader[] = "control-point-indicator";
// Complaints read at a time.

// Fume restaurants in force on a period's last day (ACTIVE, since_date on or before it).
const registry::InForce<dv1::MonitoredObject>& Restaurants() {
  static const auto* in_force = new registry::InForce<dv1::MonitoredObject>(
      ObjectLayout(),
      [](const dv1::MonitoredObject& o) -> const std::string& { return o.since_date(); });
  return *in_force;
}

// The cooking-fumes complaints taken in over `days` (district time) that count as repeats,
// anywhere in the district: a point's repeat may lie across a street's edge from it.
absl::StatusOr<std::vector<dv1::Complaint>> RepeatsIn(cases::CaseEngine& complaints,
                                                      const cal::DayRange& days) {
  cases::ListRequest request;
  request.filter.categories = {CategoryKey(dv1::COMPLAINT_CATEGORY_COOKING_FUMES)};
  request.filter.statuses = {kRepeat, kMerged};
  request.filter.created_from = absl::FromCivil(days.first, cal::DistrictZone());
  request.filter.created_to = absl::FromCivil(days.last + 1, cal::DistrictZone());
  GOV_ASSIGN_OR_RETURN(
      const std::vector<cases::Case> repeats,
      cases::ListEvery(complaints, auth::SystemPrincipal(kReader), std::move(request)));
  std::vector<dv1::Complaint> out;
  for (const cases::Case& c : repeats) {
    GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint, ComplaintKind().FromCase(c));
    out.push_back(std::move(complaint));
  }
  return out;
}

indicators::Measure PointsWithoutRepeat(const Rules* rules, cases::CaseEngine* complaints) {
  return
      [rules, complaints](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
        GOV_ASSIGN_OR_RETURN(
            const std::vector<dv1::MonitoredObject> restaurants,
            Restaurants().By(
                ctx, registry::KindStatusKey(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT),
                                             EnumKey(dv1::MONITORED_OBJECT_STATUS_ACTIVE))));
        std::vector<const dv1::MonitoredObject*> points;
        for (const dv1::MonitoredObject& r : restaurants) {
          if (AnyControlFlag(r.control_point())) points.push_back(&r);
        }
        if (points.empty()) return indicators::Share(0, 0);
        GOV_ASSIGN_OR_RETURN(const std::vector<dv1::Complaint> repeats,
                             RepeatsIn(*complaints, ctx.days));
        const double radius = rules->data().repeat_rule().radius_meters();
        int64_t clean = 0;
        for (const dv1::MonitoredObject* point : points) {
          bool repeated = false;
          for (const dv1::Complaint& c : repeats) {
            if (AtPlace(c, *point, radius)) {
              repeated = true;
              break;
            }
          }
          clean += repeated ? 0 : 1;
        }
        return indicators::Share(clean, static_cast<int64_t>(points.size()));
      };
}

}  // namespace

bool AtPlace(const dv1::Complaint& complaint, const dv1::MonitoredObject& point,
             double radius_meters) {
  if (complaint.has_location() && point.has_location()) {
    const cases::GeoPoint a{complaint.location().latitude(), complaint.location().longitude()};
    const cases::GeoPoint b{point.location().latitude(), point.location().longitude()};
    return cases::DistanceMeters(a, b) <= radius_meters;
  }
  const std::string& grid = point.region().grid_id();
  return !grid.empty() && complaint.region().grid_id() == grid;
}

std::vector<indicators::IndicatorSpec> ControlPointIndicators(const Rules& rules,
                                                              cases::CaseEngine* complaints) {
  std::vector<indicators::IndicatorSpec> specs;
  specs.push_back(indicators::HigherRate(
      "fume_control_points_without_repeat", "环保督查点和重复投诉点无重复投诉率",
      "Environmental inspection and repeat-complaint points without a repeat complaint",
      PointsWithoutRepeat(&rules, complaints)));
  return specs;
}

}  // namespace gov::disorder
