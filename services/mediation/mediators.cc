#include "services/mediation/mediators.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {

Mediators::Mediators(MediationRegistry* registry) : registry_(registry) {}

absl::Status Mediators::Create(const auth::Principal& who, const mv1::CreateMediatorRequest& in,
                               mv1::CreateMediatorResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewMediator(in.mediator()));
  // Another street's body is PERMISSION_DENIED here already; a district-level one is read by
  // everyone but staffed by the district only.
  GOV_ASSIGN_OR_RETURN(const mv1::MediatingBody body,
                       Referenced(registry_->GetBody(who, in.mediator().body_id()),
                                  "mediator.body_id", "mediating body", in.mediator().body_id()));
  if (!who.HasRole(auth::kDistrictAdmin) && !who.CanAccessStreet(body.region().street_id())) {
    return absl::PermissionDeniedError(
        absl::StrCat("body ", body.id(), " is outside the caller's streets"));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_mediator(),
                       registry_->CreateMediator(in.mediator(), in.request_id()));
  return absl::OkStatus();
}

absl::Status Mediators::List(const auth::Principal& who, const mv1::ListMediatorsRequest& in,
                             mv1::ListMediatorsResponse* out) {
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  GOV_ASSIGN_OR_RETURN(MediationRegistry::MediatorPage page, registry_->ListMediators(who, in));
  for (mv1::Mediator& mediator : page.mediators) *out->add_mediators() = std::move(mediator);
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::mediation
