#include "services/mediation/trainings.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {
namespace {

std::string DayKey(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace

store::EntityRecord TrainingRow(const mv1::TrainingSession& training) {
  store::EntityRecord row;
  row.street_id = training.street_id();
  row.key = DayKey(cal::LocalDay(FromTimestamp(training.hold_time())));
  row.payload = ItemPayload(training);
  return row;
}

absl::StatusOr<std::vector<mv1::TrainingSession>> TrainingsHeld(const registry::Registry& trainings,
                                                                absl::CivilDay first,
                                                                absl::CivilDay last) {
  store::EntityFilter filter;
  // Keys are days; narrowing to the year when the range lies within one keeps the scan small.
  if (first.year() == last.year()) filter.key_prefix = absl::StrCat(first.year(), "-");
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       AllRows(trainings, std::move(filter)));
  const std::string from = DayKey(first);
  const std::string to = DayKey(last);
  std::vector<mv1::TrainingSession> out;
  for (const store::EntityRecord& row : rows) {
    if (row.key < from || row.key > to) continue;
    GOV_ASSIGN_OR_RETURN(mv1::TrainingSession training,
                         DecodeItem<mv1::TrainingSession>(trainings, row));
    out.push_back(std::move(training));
  }
  return out;
}

Trainings::Trainings(const Registries* registries, const regions::RegionRegistry* regions,
                     const Clock* clock)
    : registries_(registries), regions_(regions), clock_(clock) {}

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
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registries_->trainings.Create(TrainingRow(in.training()), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_training(),
                       DecodeItem<mv1::TrainingSession>(registries_->trainings, created));
  return absl::OkStatus();
}

// Ordered by hold time, which the store does not index (registry::ListPage pages by id):
// trainings are few (a handful per street and year), so the matching set is read whole and paged
// here, with a keyset cursor (hold time, id) that stays correct while trainings are added.
absl::Status Trainings::List(const auth::Principal& who, const mv1::ListTrainingSessionsRequest& in,
                             mv1::ListTrainingSessionsResponse* out) {
  if (in.year() != 0 && (in.year() < kMinYear || in.year() > kMaxYear)) {
    return InvalidField("year", absl::StrCat("0 (all) or ", kMinYear, "..", kMaxYear));
  }
  if (!in.street_id().empty() && !regions_->HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.street_id().empty()) GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.street_id()));
  std::vector<std::string> streets = VisibleStreets(who);
  const registry::Registry& trainings = registries_->trainings;
  const std::string binding =
      cases::PageBinding({"trainings", trainings.layout().track, absl::StrCat(in.year()),
                          in.street_id(), absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::optional<cases::RankKey> after,
                       cases::DecodeRankCursor(in.page_token(), binding));

  store::EntityFilter filter;
  filter.streets = std::move(streets);
  filter.street_id = in.street_id();
  if (in.year() != 0) filter.key_prefix = absl::StrCat(in.year(), "-");
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       AllRows(trainings, std::move(filter)));
  std::vector<std::pair<cases::RankKey, mv1::TrainingSession>> ranked;
  ranked.reserve(rows.size());
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(mv1::TrainingSession training,
                         DecodeItem<mv1::TrainingSession>(trainings, row));
    cases::RankKey key{absl::ToUnixNanos(FromTimestamp(training.hold_time())), training.id()};
    ranked.emplace_back(std::move(key), std::move(training));
  }
  out->set_next_page_token(
      cases::PageOfRanked(std::move(ranked), after, binding, size, out->mutable_trainings()));
  return absl::OkStatus();
}

}  // namespace gov::mediation
