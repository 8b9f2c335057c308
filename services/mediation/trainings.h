#ifndef GOV_SERVICES_MEDIATION_TRAININGS_H_
#define GOV_SERVICES_MEDIATION_TRAININGS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
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
// streets, and a caller reads district-level trainings and those of its streets, by hold time.
class Trainings {
 public:
  // Nothing is owned; everything must outlive the part.
  Trainings(const Registries* registries, const regions::RegionRegistry* regions,
            const Clock* clock);

  absl::Status Create(const auth::Principal& who, const mv1::CreateTrainingSessionRequest& in,
                      mv1::CreateTrainingSessionResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListTrainingSessionsRequest& in,
                    mv1::ListTrainingSessionsResponse* out);

 private:
  const Registries* const registries_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The row of a training to record (street, hold day as key, payload).
store::EntityRecord TrainingRow(const mv1::TrainingSession& training);

// Trainings whose hold day (district time) lies in [first, last], ordered by id.
absl::StatusOr<std::vector<mv1::TrainingSession>> TrainingsHeld(const registry::Registry& trainings,
                                                                absl::CivilDay first,
                                                                absl::CivilDay last);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_TRAININGS_H_
