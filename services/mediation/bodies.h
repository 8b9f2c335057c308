#ifndef GOV_SERVICES_MEDIATION_BODIES_H_
#define GOV_SERVICES_MEDIATION_BODIES_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
  Bodies(const Registries* registries, const regions::RegionRegistry* regions);

  absl::Status Create(const auth::Principal& who, const mv1::CreateMediatingBodyRequest& in,
                      mv1::CreateMediatingBodyResponse* out);
  absl::Status Get(const auth::Principal& who, const mv1::GetMediatingBodyRequest& in,
                   mv1::GetMediatingBodyResponse* out);
  absl::Status List(const auth::Principal& who, const mv1::ListMediatingBodiesRequest& in,
                    mv1::ListMediatingBodiesResponse* out);

  // Display name of a body ("" when unknown), remembered once read: bodies are never renamed
  // (the rankings' unit names).
  std::string Name(const std::string& id) const;

 private:
  // The body with its number of full-time mediators.
  absl::StatusOr<mv1::MediatingBody> WithMediatorCount(mv1::MediatingBody body) const;

  const Registries* const registries_;
  const regions::RegionRegistry* const regions_;

  mutable absl::Mutex names_mu_;
  mutable absl::flat_hash_map<std::string, std::string> names_ ABSL_GUARDED_BY(names_mu_);
};

// The row of a body to register (place, key, payload).
store::EntityRecord BodyRow(const mv1::MediatingBody& body);

// A body `who` reads (district-level ones and those of its streets; another street's is
// PERMISSION_DENIED), without its mediator count; NOT_FOUND when unknown.
absl::StatusOr<mv1::MediatingBody> ReadBody(const Registries& registries,
                                            const auth::Principal& who, const std::string& id);

// Bodies of `kind` (and `industry`) placed exactly at the street and community given (""
// street: district-level; "" community: street-level), ordered by id (routing).
absl::StatusOr<std::vector<mv1::MediatingBody>> BodiesAt(const registry::Registry& bodies,
                                                         mv1::BodyKind kind, mv1::Industry industry,
                                                         const std::string& street_id,
                                                         const std::string& community_id);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_BODIES_H_
