#ifndef GOV_SERVICES_TRIPARTITE_HUB_H_
#define GOV_SERVICES_TRIPARTITE_HUB_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/model.h"

// The three-party hub (三方综合体): its activities (party-building guidance, reception,
// coordination, trainings with their trainees, guidance, showcase) and the streets' "one street,
// one brand" highlights (一街一品).
namespace gov::tripartite {

class Hub {
 public:
  // Nothing is owned; everything outlives the part.
  Hub(const registry::Registry* activities, const registry::Registry* highlights,
      const Compounds* compounds, const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status RecordActivity(const auth::Principal& who, const tv1::RecordHubActivityRequest& in,
                              tv1::RecordHubActivityResponse* out) const;
  absl::Status GetActivity(const auth::Principal& who, const tv1::GetHubActivityRequest& in,
                           tv1::GetHubActivityResponse* out) const;
  absl::Status ListActivities(const auth::Principal& who, const tv1::ListHubActivitiesRequest& in,
                              tv1::ListHubActivitiesResponse* out) const;
  absl::Status DesignateHighlight(const auth::Principal& who,
                                  const tv1::DesignateHighlightRequest& in,
                                  tv1::DesignateHighlightResponse* out) const;
  absl::Status GetHighlight(const auth::Principal& who, const tv1::GetHighlightRequest& in,
                            tv1::GetHighlightResponse* out) const;
  absl::Status ListHighlights(const auth::Principal& who, const tv1::ListHighlightsRequest& in,
                              tv1::ListHighlightsResponse* out) const;

 private:
  friend std::vector<indicators::IndicatorSpec> HubIndicators(const Hub* hub);

  // An activity as `who` reads it (trainees' names cleared for roles that do not see personal
  // data), and a highlight as read (its designated day the row's creation).
  absl::StatusOr<tv1::HubActivity> ActivityShown(const store::EntityRecord& row,
                                                 const auth::Principal& who) const;
  absl::StatusOr<tv1::Highlight> HighlightShown(const store::EntityRecord& row) const;
  // Each compound of `ids` registered, visible to `who` and in `street_id` when one is given
  // (INVALID_ARGUMENT naming "<field>[i]" otherwise).
  absl::Status CheckCompounds(const auth::Principal& who,
                              const google::protobuf::RepeatedPtrField<std::string>& ids,
                              const std::string& field, const std::string& street_id) const;

  const registry::Registry* const activities_;
  const registry::Registry* const highlights_;
  const Compounds* const compounds_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The hub's indicators: members_trained (the plan's 30 committee chairs and three-party
// backbones: the distinct people trained in the period, a district count), highlights (the
// plan's 10: highlights of the period's year designated by its end, a district count) and
// hub_activities (watched: the activities held in the period).
std::vector<indicators::IndicatorSpec> HubIndicators(const Hub* hub);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_HUB_H_
