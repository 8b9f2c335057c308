#ifndef GOV_SERVICES_MEDIATION_MEDIATORS_H_
#define GOV_SERVICES_MEDIATION_MEDIATORS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/indicators/indicators.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

namespace gov::mediation {

// The mediators of governance.mediation.v1.MediationService (CreateMediator, ListMediators),
// over the registry. Who may call each is declared on the RPC (mediation.proto: mediators are
// registered by district_admin and street operators, read by everyone). Beyond that, a street
// operator registers mediators only with a body of its own streets (a street staffs its
// committee and community rooms; district-level bodies are the district's), and a caller
// reads the mediators of district-level bodies and of its streets' bodies, their names (marked
// personal in the schema) only when its roles see the disputes' personal data (DisputeKind).
class Mediators {
 public:
  // Not owned; must outlive the part.
  explicit Mediators(const Registries* registries);

  absl::Status Create(const auth::Principal& who, const mv1::CreateMediatorRequest& in,
                      mv1::CreateMediatorResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListMediatorsRequest& in,
                    mv1::ListMediatorsResponse* out);

 private:
  const Registries* const registries_;
};

// The row of a mediator to register with the body stored as `body` (the body's place, so that
// mediators are listed and counted by street like their bodies).
store::EntityRecord MediatorRow(const mv1::Mediator& mediator, const store::EntityRecord& body);

// A mediator `who` reads (of a district-level body or of a body of its streets; another
// street's is PERMISSION_DENIED), as `who` may see it; NOT_FOUND when unknown.
absl::StatusOr<mv1::Mediator> ReadMediator(const Registries& registries, const auth::Principal& who,
                                           const std::string& id);

// Mediators by body id, each body's by id: whom a dispute's life may assign (the demo loader,
// bench/bulk_load.cc).
using MediatorsByBody = absl::flat_hash_map<std::string, std::vector<mv1::Mediator>>;
absl::StatusOr<MediatorsByBody> AllMediatorsByBody(const registry::Registry& mediators);

// Number of full-time mediators per body id among the mediators of an indicator's context
// (their bodies' places), counting those registered by its last day.
absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FullTimeByBody(
    const registry::Registry& mediators, const indicators::EvalContext& ctx);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_MEDIATORS_H_
