#ifndef GOV_SERVICES_POLICING_KEY_AREAS_H_
#define GOV_SERVICES_POLICING_KEY_AREAS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/context.h"

// 挂牌整治 — key areas listed for remediation, as cases of their own store track
// ("policing_key_area", ids "K-…"): LISTED (the plan is due within the rules' working days)
// -> REMEDIATING (plan and owner set) -> DELISTED, with the full history. Listed and delisted
// by hand, and by rule from the bulletins (see Bulletins).
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr char kKeyAreaTrack[] = "policing_key_area";

// The key-area case spec (states, verbs, who may take them); the LISTED clock is
// `plan_working_days` working days.
cases::TrackSpec KeyAreaSpec(int plan_working_days);

class KeyAreas {
 public:
  explicit KeyAreas(const PolicingContext& ctx);
  ~KeyAreas();

  cases::CaseEngine& engine() { return *engine_; }

  // The RPCs, bound by the track (after the shared handler's authentication and the method's
  // declared access; the verbs' roles and the street scope are the engine's); `out` is filled
  // on success.
  absl::Status ListArea(const auth::Principal& who, const pv1::ListKeyAreaRequest& in,
                        pv1::ListKeyAreaResponse* out);
  absl::Status SetPlan(const auth::Principal& who, const pv1::SetRemediationPlanRequest& in,
                       pv1::SetRemediationPlanResponse* out);
  absl::Status Delist(const auth::Principal& who, const pv1::DelistKeyAreaRequest& in,
                      pv1::DelistKeyAreaResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetKeyAreaRequest& in,
                   pv1::GetKeyAreaResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListKeyAreasRequest& in,
                    pv1::ListKeyAreasResponse* out);

  // Carries out what a published bulletin decided by rule (its communities to list and to
  // delist), as the system; idempotent per (bulletin, community), so calling it again for the
  // same bulletin — after a crash between storing the bulletin and this, or from another
  // replica — changes nothing more.
  absl::Status ApplyBulletin(const pv1::Bulletin& bulletin);

  // Communities with a listing still open (LISTED or REMEDIATING), for the rule decisions.
  absl::StatusOr<std::vector<std::string>> OpenCommunities();

 private:
  // Bulletins read the open listings with the day from which bulletins count towards delisting
  // them (see OpenListing), which the API does not show.
  friend class Bulletins;

  // An open listing (LISTED or REMEDIATING) of a whole community.
  struct OpenListing {
    std::string id;
    std::string community_id;
    // Bulletins of periods starting on or after this day count towards delisting it by rule:
    // the day after the period of the bulletin that listed it, or the day it was listed by hand.
    absl::CivilDay counts_from;
  };
  absl::StatusOr<std::vector<OpenListing>> OpenCommunityListings();

  struct Impl;
  PolicingContext ctx_;
  std::unique_ptr<cases::CaseEngine> engine_;
  std::unique_ptr<Impl> impl_;
};

// Demo key areas, after the demo bulletins listed some by rule: plans for most open listings
// and one listing by hand; idempotent.
absl::Status LoadKeyAreaDemoData(KeyAreas& key_areas, const PolicingContext& ctx);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_KEY_AREAS_H_
