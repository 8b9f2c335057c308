#ifndef GOV_SERVICES_MEDIATION_BODIES_H_
#define GOV_SERVICES_MEDIATION_BODIES_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/regions/regions.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

namespace gov::mediation {

// The mediating bodies of governance.mediation.v1.MediationService (CreateMediatingBody,
// GetMediatingBody, ListMediatingBodies), over the registry. Who may call each is declared on
// the RPC (mediation.proto: bodies are registered by district_admin, read by everyone); a
// caller reads district-level bodies and those of its streets (another street's body is
// PERMISSION_DENIED).
class Bodies {
 public:
  // Nothing is owned; everything must outlive the part.
  Bodies(MediationRegistry* registry, const regions::RegionRegistry* regions);

  absl::Status Create(const auth::Principal& who, const mv1::CreateMediatingBodyRequest& in,
                      mv1::CreateMediatingBodyResponse* out);
  absl::Status Get(const auth::Principal& who, const mv1::GetMediatingBodyRequest& in,
                   mv1::GetMediatingBodyResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListMediatingBodiesRequest& in,
                    mv1::ListMediatingBodiesResponse* out);

 private:
  MediationRegistry* const registry_;
  const regions::RegionRegistry* const regions_;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_BODIES_H_
