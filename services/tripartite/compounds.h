#ifndef GOV_SERVICES_TRIPARTITE_COMPOUNDS_H_
#define GOV_SERVICES_TRIPARTITE_COMPOUNDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/meetings/meetings.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/tripartite/model.h"

// Residential compounds (住宅小区) and their three-party coordination bodies (三方协同机构, the
// plan: one in every compound). A compound as read shows where its owners' and supervisory
// committees stand (from the committees' cases) and the colour of its last fee record (from the
// fee rows, whose parent it is): computed on read, never stored twice.
namespace gov::tripartite {

class Compounds {
 public:
  // Nothing is owned; everything outlives the part. `fees` is the fee records' registry
  // (FeeLayout), `committees` the committees' engine.
  Compounds(const registry::Registry* compounds, const registry::Registry* fees,
            cases::CaseEngine* committees, const regions::RegionRegistry* regions,
            const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Register(const auth::Principal& who, const tv1::RegisterCompoundRequest& in,
                        tv1::RegisterCompoundResponse* out) const;
  absl::Status Get(const auth::Principal& who, const tv1::GetCompoundRequest& in,
                   tv1::GetCompoundResponse* out) const;
  absl::Status List(const auth::Principal& who, const tv1::ListCompoundsRequest& in,
                    tv1::ListCompoundsResponse* out) const;
  absl::Status SetUpThreePartyBody(const auth::Principal& who,
                                   const tv1::SetUpThreePartyBodyRequest& in,
                                   tv1::SetUpThreePartyBodyResponse* out) const;

  // The compound `id` as stored (id, region, times; nothing computed), for the other parts'
  // checks of a compound named in a request: INVALID_ARGUMENT naming `field` for a malformed id
  // or when there is none such; PERMISSION_DENIED when it lies outside `who`'s streets.
  absl::StatusOr<tv1::Compound> Find(const auth::Principal& who, const std::string& id,
                                     const std::string& field) const;

  // The subject check of a deliberation session (meetings::Kind::subject): the compound exists,
  // `who` may see it, and it lies in the meeting's street when one is given.
  meetings::SubjectCheck DeliberationSubject() const;

  const registry::Registry& compounds() const { return *compounds_; }

 private:
  friend std::vector<indicators::IndicatorSpec> CompoundIndicators(const Compounds* compounds);

  // The compound of a row as stored (id, etag and times from the row).
  absl::StatusOr<tv1::Compound> Stored(const store::EntityRecord& row) const;
  // The compounds of rows as read: with their committees' standing and their last fee record.
  absl::StatusOr<std::vector<tv1::Compound>> Shown(
      const std::vector<store::EntityRecord>& rows) const;
  absl::StatusOr<tv1::Compound> ShownOne(const store::EntityRecord& row) const;

  const registry::Registry* const compounds_;
  const registry::Registry* const fees_;
  cases::CaseEngine* const committees_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The compounds' indicators: three_party_coverage (the plan's "one in every compound", a rate
// against 100 %: compounds registered by the period's end with a body set up by then, over all
// of them, in the context's street or community).
std::vector<indicators::IndicatorSpec> CompoundIndicators(const Compounds* compounds);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_COMPOUNDS_H_
