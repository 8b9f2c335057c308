#ifndef GOV_SERVICES_MEDIATION_MEDIATORS_H_
#define GOV_SERVICES_MEDIATION_MEDIATORS_H_

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

namespace gov::mediation {

// The mediators of governance.mediation.v1.MediationService (CreateMediator, ListMediators),
// over the registry. Who may call each is declared on the RPC (mediation.proto: mediators are
// registered by district_admin and street operators, read by everyone). Beyond that, a street
// operator registers mediators only with a body of its own streets (a street staffs its
// committee and community rooms; district-level bodies are the district's), and a caller
// reads the mediators of district-level bodies and of its streets' bodies, names only for the
// roles that handle disputes.
class Mediators {
 public:
  // Not owned; must outlive the part.
  explicit Mediators(MediationRegistry* registry);

  absl::Status Create(const auth::Principal& who, const mv1::CreateMediatorRequest& in,
                      mv1::CreateMediatorResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListMediatorsRequest& in,
                    mv1::ListMediatorsResponse* out);

 private:
  MediationRegistry* const registry_;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_MEDIATORS_H_
