#ifndef GOV_SERVICES_MEDIATION_PURCHASED_H_
#define GOV_SERVICES_MEDIATION_PURCHASED_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

// 政府购买调解服务 — the platform of government-purchased mediation services: the providers
// (law offices, mediation associations) and their contracts (period, scope, amount), kept in the
// registry as district-level rows every caller reads, and the referral of a triaged dispute to
// a provider under a contract in force (ReferToProvider, a move of the dispute: see Disputes).
//
// Rows: kind "provider" (ids "SP-…", key the provider kind), kind "contract" (ids "SC-…",
// parent_id the provider, key the first day in force). Neither is ever replaced.
namespace gov::mediation {

class PurchasedServices {
 public:
  // Nothing is owned; everything must outlive the part.
  PurchasedServices(const Registries* registries, const Clock* clock);

  // The RPCs (district_admin registers, as declared; every caller reads).
  absl::Status CreateProvider(const auth::Principal& who,
                              const mv1::CreateServiceProviderRequest& in,
                              mv1::CreateServiceProviderResponse* out);
  absl::Status ListProviders(const auth::Principal& who, const mv1::ListServiceProvidersRequest& in,
                             mv1::ListServiceProvidersResponse* out);
  absl::Status CreateContract(const auth::Principal& who,
                              const mv1::CreateServiceContractRequest& in,
                              mv1::CreateServiceContractResponse* out);
  absl::Status ListContracts(const auth::Principal& who, const mv1::ListServiceContractsRequest& in,
                             mv1::ListServiceContractsResponse* out);

  // The mutation of ReferToProvider, run by the engine after its checks (role, scope, etag,
  // state): the contract named by the request (unknown: INVALID_ARGUMENT "contract_id") must be
  // in force today and cover the dispute's category (FAILED_PRECONDITION otherwise); the
  // dispute then records its provider and contract.
  cases::Mutation ReferUnder(std::string contract_id) const;

  // The contract and provider by id (NOT_FOUND when unknown).
  absl::StatusOr<mv1::ServiceContract> Contract(const std::string& id) const;
  absl::StatusOr<mv1::ServiceProvider> Provider(const std::string& id) const;

 private:
  const Registries* const registries_;
  const Clock* const clock_;
};

// Does the contract cover `category` (its categories, else its provider's specialities, else
// every category) and is it in force on `day`?
bool Covers(const mv1::ServiceContract& contract, const mv1::ServiceProvider& provider,
            mv1::DisputeCategory category);
bool InForceOn(const mv1::ServiceContract& contract, absl::CivilDay day);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_PURCHASED_H_
