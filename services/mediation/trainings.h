#ifndef GOV_SERVICES_MEDIATION_TRAININGS_H_
#define GOV_SERVICES_MEDIATION_TRAININGS_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

namespace gov::mediation {

// The training sessions of governance.mediation.v1.MediationService (CreateTrainingSession,
// ListTrainingSessions), over the registry. Who may call each is declared on the RPC
// (mediation.proto: trainings are recorded by district_admin and street operators, read by
// everyone). Beyond that, a street operator records only street-level trainings of its own
// streets, and a caller reads district-level trainings and those of its streets.
class Trainings {
 public:
  // Nothing is owned; everything must outlive the part.
  Trainings(MediationRegistry* registry, const regions::RegionRegistry* regions,
            const Clock* clock);

  absl::Status Create(const auth::Principal& who, const mv1::CreateTrainingSessionRequest& in,
                      mv1::CreateTrainingSessionResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListTrainingSessionsRequest& in,
                    mv1::ListTrainingSessionsResponse* out);

 private:
  MediationRegistry* const registry_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_TRAININGS_H_
