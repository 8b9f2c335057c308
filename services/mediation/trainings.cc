#include "services/mediation/trainings.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {

Trainings::Trainings(MediationRegistry* registry, const regions::RegionRegistry* regions,
                     const Clock* clock)
    : registry_(registry), regions_(regions), clock_(clock) {}

absl::Status Trainings::Create(const auth::Principal& who,
                               const mv1::CreateTrainingSessionRequest& in,
                               mv1::CreateTrainingSessionResponse* out) {
  // Below district_admin (the declared access let only street operators through), decided on
  // the level and street as given, before they are validated: a street outside the scope
  // (unknown or not) and anything but a street-level training are refused alike.
  if (!who.HasRole(auth::kDistrictAdmin) && (in.training().level() != mv1::TRAINING_LEVEL_STREET ||
                                             !who.CanAccessStreet(in.training().street_id()))) {
    return absl::PermissionDeniedError(absl::StrCat(
        "principal ", who.id, " may only record street-level trainings of its own streets"));
  }
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewTraining(in.training(), clock_->Now(), *regions_));
  GOV_ASSIGN_OR_RETURN(*out->mutable_training(),
                       registry_->CreateTraining(in.training(), in.request_id()));
  return absl::OkStatus();
}

absl::Status Trainings::List(const auth::Principal& who, const mv1::ListTrainingSessionsRequest& in,
                             mv1::ListTrainingSessionsResponse* out) {
  if (in.year() != 0 && (in.year() < kMinYear || in.year() > kMaxYear)) {
    return InvalidField("year", absl::StrCat("0 (all) or ", kMinYear, "..", kMaxYear));
  }
  if (!in.street_id().empty() && !regions_->HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  GOV_ASSIGN_OR_RETURN(MediationRegistry::TrainingPage page, registry_->ListTrainings(who, in));
  for (mv1::TrainingSession& training : page.trainings) {
    *out->add_trainings() = std::move(training);
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::mediation
