#ifndef GOV_SERVICES_MEDIATION_REGISTRY_H_
#define GOV_SERVICES_MEDIATION_REGISTRY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/clock/clock.h"
#include "common/store/repository.h"
#include "common/util/status.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/model.h"

namespace gov::mediation {

// How the registry lies in the store's generic entity rows (track "mediation"):
//
// clang-format off
// | kind       | id    | street_id / community_id          | parent_id | key                     |
// |------------|-------|-----------------------------------|-----------|-------------------------|
// | "body"     | B-... | the body's place ("" = district)  | ""        | "<KIND>:<INDUSTRY>"     |
// | "mediator" | M-... | copied from the mediator's body   | body id   | "full_time"/"part_time" |
// | "training" | T-... | organising street ("" = district) | ""        | local hold day          |
// clang-format on
//
// A body's key starts with its kind, so "MICRO_COURT:" lists micro-courts and
// "INDUSTRY_COMMITTEE:FINANCE" finds the finance committee; a training's key, its local hold
// day as "YYYY-MM-DD", makes a year a key prefix ("2026-"). Payloads are the proto messages without
// the fields the row already holds (id, create_time, full_time_mediators).
inline constexpr char kBodyEntity[] = "body";
inline constexpr char kMediatorEntity[] = "mediator";
inline constexpr char kTrainingEntity[] = "training";
inline constexpr char kFullTimeKey[] = "full_time";
inline constexpr char kPartTimeKey[] = "part_time";

// Key of a body row, and the key prefix of every body of a kind.
std::string BodyKey(mv1::BodyKind kind, mv1::Industry industry);
std::string BodyKindPrefix(mv1::BodyKind kind);

// A body as stored, decoded.
struct BodyRow {
  store::EntityRecord record;
  mv1::MediatingBody body;  // with id and create_time; full_time_mediators not filled
};

// A training as stored, decoded.
struct TrainingRow {
  store::EntityRecord record;
  mv1::TrainingSession training;  // with id
};

// Who reads which rows. District-level rows (street_id "": industry committees, the court
// centre, red teams, their mediators, district trainings) serve every street, so every caller
// reads them; a row of a street is read by the principals whose scope holds the street.

// The streets filter (EntityFilter::streets) of `who`'s reads: its streets and "" (the store
// matches "" literally, so district-level rows stay in), sorted; empty (no restriction) for a
// district-wide principal.
std::vector<std::string> VisibleStreets(const auth::Principal& who);
// True when `who` may read a registry row placed at `street_id` ("" = district-level).
bool SeesRow(const auth::Principal& who, const std::string& street_id);

// Reads over the registry as functions of the repository, shared by the registry service and
// by the indicator measures (which only see an EvalContext). Each reads every matching row in
// pages (store::ListAllEntities); the registry is small (hundreds of rows for a district).
// Bodies of a kind (UNSPECIFIED = all kinds) whose rows match street_id / community_id when
// those are non-empty, ordered by id.
absl::StatusOr<std::vector<BodyRow>> LoadBodies(store::Repository* repo, const std::string& track,
                                                mv1::BodyKind kind, const std::string& street_id,
                                                const std::string& community_id);
// Number of full-time mediators per body id, counting only mediators registered on or before
// `until` (local day) when given.
absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FullTimeMediatorsByBody(
    store::Repository* repo, const std::string& track, std::optional<absl::CivilDay> until);
// Trainings whose hold day lies in [first, last], ordered by id.
absl::StatusOr<std::vector<TrainingRow>> LoadTrainings(store::Repository* repo,
                                                       const std::string& track,
                                                       absl::CivilDay first, absl::CivilDay last);

// A registry lookup by an id the caller gave (the body to triage to, the mediator to assign, a
// new mediator's body): unknown is the caller's mistake, so INVALID_ARGUMENT naming `field` rather
// than NOT_FOUND (which would read as "the dispute is not there"); any other answer as it is.
template <typename T>
absl::StatusOr<T> Referenced(absl::StatusOr<T> found, const std::string& field,
                             const std::string& what, const std::string& id) {
  if (absl::IsNotFound(found.status())) {
    return InvalidField(field, absl::StrCat("unknown ", what, " \"", id, "\""));
  }
  return found;
}

// Decoders of stored rows (DATA_LOSS when a payload is unreadable).
absl::StatusOr<BodyRow> DecodeBody(store::EntityRecord record);
absl::StatusOr<mv1::Mediator> DecodeMediator(const store::EntityRecord& record);
absl::StatusOr<TrainingRow> DecodeTraining(store::EntityRecord record);

// The registry of mediating bodies, mediators and training sessions over the store's entity
// rows: idempotent creates, reads, keyset-paged lists with opaque tokens, and invalidation of
// the track's cached aggregates on every write (the registry feeds indicators). Input is
// validated by the caller (validation.h). Reads are for a principal and keep to what it may
// see (VisibleStreets, SeesRow; mediators' names only for roles that handle disputes); who
// may write is the RPCs' business (bodies.h, mediators.h, trainings.h). Thread-safe.
class MediationRegistry {
 public:
  MediationRegistry(std::string track, store::Repository* repo, cache::Cache* cache,
                    const Clock* clock);

  const std::string& track() const { return track_; }

  // Registers a body (idempotent by request_id; ALREADY_EXISTS when the id was used for
  // another body).
  absl::StatusOr<mv1::MediatingBody> CreateBody(const mv1::MediatingBody& body,
                                                const std::string& request_id);
  // A body with its full-time mediator count; NOT_FOUND when unknown, PERMISSION_DENIED when
  // it is a body of a street outside `who`'s scope.
  absl::StatusOr<mv1::MediatingBody> GetBody(const auth::Principal& who, const std::string& id);

  struct BodyPage {
    std::vector<mv1::MediatingBody> bodies;
    std::string next_page_token;
  };
  // Bodies `who` sees, by id, filtered by kind and place (region must be valid; not checked
  // here). A street outside `who`'s scope is PERMISSION_DENIED. Page tokens are bound to the
  // filter and the scope.
  absl::StatusOr<BodyPage> ListBodies(const auth::Principal& who,
                                      const mv1::ListMediatingBodiesRequest& request);

  // Bodies of `kind` (and `industry`) placed exactly at the street and community given (""
  // street: district-level; "" community: street-level), ordered by id.
  absl::StatusOr<std::vector<mv1::MediatingBody>> BodiesAt(mv1::BodyKind kind,
                                                           mv1::Industry industry,
                                                           const std::string& street_id,
                                                           const std::string& community_id);

  // Registers a mediator with an existing body (idempotent by request_id).
  absl::StatusOr<mv1::Mediator> CreateMediator(const mv1::Mediator& mediator,
                                               const std::string& request_id);
  // NOT_FOUND when unknown, PERMISSION_DENIED when the mediator's body is of a street outside
  // `who`'s scope; the name is cleared unless `who` handles disputes (SeesPersonalData).
  absl::StatusOr<mv1::Mediator> GetMediator(const auth::Principal& who, const std::string& id);

  struct MediatorPage {
    std::vector<mv1::Mediator> mediators;
    std::string next_page_token;
  };
  // Mediators `who` sees, by id, optionally of one body (a body of a street outside the scope
  // is PERMISSION_DENIED; an unknown one has none); names as for GetMediator.
  absl::StatusOr<MediatorPage> ListMediators(const auth::Principal& who,
                                             const mv1::ListMediatorsRequest& request);

  // Records a training (idempotent by request_id).
  absl::StatusOr<mv1::TrainingSession> CreateTraining(const mv1::TrainingSession& training,
                                                      const std::string& request_id);

  struct TrainingPage {
    std::vector<mv1::TrainingSession> trainings;
    std::string next_page_token;
  };
  // Trainings `who` sees by (hold time, id), filtered by year and street (a street outside the
  // scope is PERMISSION_DENIED).
  absl::StatusOr<TrainingPage> ListTrainings(const auth::Principal& who,
                                             const mv1::ListTrainingSessionsRequest& request);

  // Display name of a body ("" when unknown), remembered once read: bodies are never renamed.
  std::string BodyName(const std::string& id);

  // The cache scope of the track's aggregates (indicators, rankings), bumped on every write.
  std::string AggregateScope() const;

 private:
  // After a committed registry write: cached indicators are computed from the registry.
  void AfterWrite();
  absl::StatusOr<mv1::MediatingBody> WithMediatorCount(BodyRow row);

  const std::string track_;
  store::Repository* const repo_;
  cache::Cache* const cache_;
  const Clock* const clock_;

  absl::Mutex names_mu_;
  absl::flat_hash_map<std::string, std::string> body_names_ ABSL_GUARDED_BY(names_mu_);
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_REGISTRY_H_
