#ifndef GOV_SERVICES_POLICING_KEY_AREAS_H_
#define GOV_SERVICES_POLICING_KEY_AREAS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/case_kind.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/rules.h"

// 挂牌整治 — key areas listed for remediation, as cases of their own store track
// ("policing_key_area", ids "K-…"): LISTED (the plan is due within the rules' working days)
// -> REMEDIATING (plan and owner set) -> DELISTED, with the full history. Listed and delisted
// by hand (the RPCs, key_areas.cc), and by rule from the bulletins (key_area_rules.cc).
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr char kKeyAreaTrack[] = "policing_key_area";

// The key-area case spec (states, verbs, who may take them); the LISTED clock is
// `plan_working_days` working days.
cases::TrackSpec KeyAreaSpec(int plan_working_days);

// A listing as a case: the case holds its id, region, state, listing time, plan clock, etag and
// history; the payload the rest (the decisions, the plan, the request_id and the day delisting by
// rule counts from). Key areas are the district's public remediation record: every role of the
// track reads a listing whole — the plan's owner and the free texts are personal data, but
// viewers have always read them with the history's notes (GetKeyArea and ListKeyAreas are open
// to every role), so the kind shows them to every role of the track; only a role the track does
// not know gets a listing without them.
const cases::CaseKind<pv1::KeyArea>& KeyAreaKind();

// Where the request_ids of DesignateKeyArea are claimed (entity rows "request" of the key areas'
// store track, ids "Q-…").
const registry::Layout& KeyAreaRequestLayout();

class KeyAreas {
 public:
  // The bulletin published for a period, if any.
  using PublishedBulletin =
      std::function<absl::StatusOr<std::optional<pv1::Bulletin>>(const governance::v1::Period&)>;

  // `listings` is the key areas' engine, `requests` the registry of the claimed request_ids;
  // everything outlives this.
  KeyAreas(cases::CaseEngine* listings, const registry::Registry* requests, const Rules* rules,
           const regions::RegionRegistry* regions, const Clock* clock)
      : listings_(listings), requests_(requests), rules_(rules), regions_(regions), clock_(clock) {}

  // The RPCs, bound by the track (after the shared handler's authentication and the method's
  // declared access; the verbs' roles and the street scope are the engine's); `out` is filled
  // on success.
  absl::Status Designate(const auth::Principal& who, const pv1::DesignateKeyAreaRequest& in,
                         pv1::DesignateKeyAreaResponse* out);
  absl::Status SetPlan(const auth::Principal& who, const pv1::SetRemediationPlanRequest& in,
                       pv1::SetRemediationPlanResponse* out);
  absl::Status Delist(const auth::Principal& who, const pv1::DelistKeyAreaRequest& in,
                      pv1::DelistKeyAreaResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetKeyAreaRequest& in,
                   pv1::GetKeyAreaResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListKeyAreasRequest& in,
                    pv1::ListKeyAreasResponse* out);

  // The key-area rules for a bulletin about to be published (key_area_rules.cc): for a bulletin
  // of the kind they read, decides which communities it lists and delists and writes them into
  // it; `published` finds the bulletins of the periods before.
  absl::Status Decide(pv1::Bulletin* bulletin, const PublishedBulletin& published);
  // Carries out what a published bulletin decided by rule (its communities to list and to
  // delist), as the system; idempotent per (bulletin, community), so calling it again for the
  // same bulletin — after a crash between storing the bulletin and this, or from another
  // replica — changes nothing more.
  absl::Status ApplyBulletin(const pv1::Bulletin& bulletin);

 private:
  // The area a listing is for: a whole community, or one grid (with its community and street).
  struct Area {
    std::string category;
    governance::v1::RegionRef region;
    std::string id;  // the community's or the grid's
    std::string name;
  };
  // An open listing (LISTED or REMEDIATING) of a whole community.
  struct OpenListing {
    std::string id;
    std::string community_id;
    // Bulletins of periods starting on or after this day count towards delisting it by rule.
    absl::CivilDay counts_from;
  };

  Area AreaOf(const governance::v1::RegionRef& region) const;
  // A listing as `who` reads it (see KeyAreaKind), with the late plan (see key_areas.cc).
  absl::StatusOr<pv1::KeyArea> Read(const cases::Case& c, const auth::Principal& who) const;
  // Every listing matching `filter`, newest first, as the system (the track's own upkeep).
  absl::StatusOr<std::vector<cases::Case>> Scan(store::CaseFilter filter) const;
  // Every listing of an area, open or not (an area has a handful at most).
  absl::StatusOr<std::vector<cases::Case>> AreaListings(const Area& area) const;
  absl::Status ClaimRequestId(const std::string& request_id, const std::string& hash) const;
  absl::StatusOr<cases::Case> CreateListing(const auth::Principal& who, const Area& area,
                                            const pv1::KeyArea& listing,
                                            const std::string& note) const;
  absl::StatusOr<cases::Case> CompletePlan(const auth::Principal& who, cases::Case listing,
                                           const pv1::RemediationPlan& plan) const;
  // key_area_rules.cc
  absl::StatusOr<std::vector<OpenListing>> OpenCommunityListings() const;
  absl::Status RuleList(const pv1::Bulletin& bulletin, const std::string& community) const;
  absl::Status RuleDelist(const pv1::Bulletin& bulletin, const std::string& community) const;

  cases::CaseEngine* const listings_;
  const registry::Registry* const requests_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// What key_areas.cc and key_area_rules.cc share.
namespace key_area_internal {

inline constexpr char kListed[] = "LISTED";
inline constexpr char kRemediating[] = "REMEDIATING";
inline constexpr char kDelisted[] = "DELISTED";
inline constexpr char kSetPlanVerb[] = "SetPlan";
inline constexpr char kDelistVerb[] = "Delist";
// Case categories: a whole community, or one grid of it.
inline constexpr char kCommunityArea[] = "COMMUNITY";
inline constexpr char kGridArea[] = "GRID";
// The principal the rules act as.
inline constexpr char kSystemId[] = "system";
// Attempts at a change that raced with another writer before giving up (ABORTED).
inline constexpr int kAttempts = 3;

inline bool IsOpen(const std::string& status) {
  return status == kListed || status == kRemediating;
}

// The delisting: by whom and why, and when.
cases::Mutation DelistMutation(pv1::KeyAreaDecision decision, std::string reason, absl::Time now);

}  // namespace key_area_internal
}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_KEY_AREAS_H_
