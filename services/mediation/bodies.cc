#include "services/mediation/bodies.h"

#include <utility>

#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {

Bodies::Bodies(MediationRegistry* registry, const regions::RegionRegistry* regions)
    : registry_(registry), regions_(regions) {}

// District administrators only: the declared access has decided already.
absl::Status Bodies::Create(const auth::Principal& /*who*/,
                            const mv1::CreateMediatingBodyRequest& in,
                            mv1::CreateMediatingBodyResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewBody(in.body(), *regions_));
  GOV_ASSIGN_OR_RETURN(*out->mutable_body(), registry_->CreateBody(in.body(), in.request_id()));
  return absl::OkStatus();
}

absl::Status Bodies::Get(const auth::Principal& who, const mv1::GetMediatingBodyRequest& in,
                         mv1::GetMediatingBodyResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(*out->mutable_body(), registry_->GetBody(who, in.id()));
  return absl::OkStatus();
}

absl::Status Bodies::List(const auth::Principal& who, const mv1::ListMediatingBodiesRequest& in,
                          mv1::ListMediatingBodiesResponse* out) {
  if (!mv1::BodyKind_IsValid(in.kind())) return InvalidField("kind", "not a body kind");
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "bodies cover streets and communities, not grids");
  }
  GOV_ASSIGN_OR_RETURN(MediationRegistry::BodyPage page, registry_->ListBodies(who, in));
  for (mv1::MediatingBody& body : page.bodies) *out->add_bodies() = std::move(body);
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::mediation
