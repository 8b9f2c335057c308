#ifndef GOV_SERVICES_MEDIATION_REGISTRY_H_
#define GOV_SERVICES_MEDIATION_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/model.h"

// The mediation registry (mediating bodies, mediators, training sessions) on common/registry:
// one registry::Registry per kind of item. What is mediation's own (bodies' names for the
// rankings, full-time mediators per body, routing's lookups, trainings by hold time) is in
// bodies.h, mediators.h and trainings.h.
namespace gov::mediation {

// How the registry lies in the store's generic entity rows (track "mediation"), unchanged since
// the registry was the track's own code, so that an existing store reads as before:
//
// clang-format off
// | kind       | id    | street_id / community_id          | parent_id | key                     |
// |------------|-------|-----------------------------------|-----------|-------------------------|
// | "body"     | B-... | the body's place ("" = district)  | ""        | "<KIND>:<INDUSTRY>"     |
// | "mediator" | M-... | copied from the mediator's body   | body id   | "full_time"/"part_time" |
// | "training" | T-... | organising street ("" = district) | ""        | local hold day          |
// | "provider" | SP-...| "" (district)                     | ""        | provider kind key       |
// | "contract" | SC-...| "" (district)                     | provider  | first day in force      |
// clang-format on
//
// A body's key starts with its kind, so "MICRO_COURT:" lists micro-courts and
// "INDUSTRY_COMMITTEE:FINANCE" finds the finance committee; a training's key, its local hold
// day as "YYYY-MM-DD", makes a year a key prefix ("2026-"). Payloads are the proto messages
// without the fields the row already holds (id, create_time; full_time_mediators is counted).
inline constexpr char kBodyEntity[] = "body";
inline constexpr char kMediatorEntity[] = "mediator";
inline constexpr char kTrainingEntity[] = "training";
inline constexpr char kProviderEntity[] = "provider";
inline constexpr char kContractEntity[] = "contract";
inline constexpr char kFullTimeKey[] = "full_time";
inline constexpr char kPartTimeKey[] = "part_time";

// Key of a body row, and the key prefix of every body of a kind.
std::string BodyKey(mv1::BodyKind kind, mv1::Industry industry);
std::string BodyKindPrefix(mv1::BodyKind kind);

// The track's registries. Every write through them makes the track's cached aggregates
// (indicators, rankings) stale. Input is validated by the parts (validation.h) before.
struct Registries {
  // Nothing is owned; everything must outlive the registries. `clock` stamps the rows.
  Registries(store::Repository* repo, cache::Cache* cache, const Clock* clock);

  registry::Registry bodies;
  registry::Registry mediators;
  registry::Registry trainings;
  // The purchased mediation services' providers and contracts (purchased.h).
  registry::Registry providers;
  registry::Registry contracts;
};

// Who reads which rows. District-level rows (street_id "": industry committees, the court
// centre, red teams, their mediators, district trainings) serve every street, so every caller
// reads them; a row of a street is read by the principals whose scope holds the street. Single
// rows: Registry::LoadVisible(who, id, /*district_rows_public=*/true).

// `who` for a registry list (registry::ListPage keeps a caller to its own streets): its streets
// and "" (the store matches "" literally, so district-level rows stay in); a district-wide
// principal as it is.
auth::Principal WithDistrictRows(const auth::Principal& who);
// The streets filter (EntityFilter::streets) of WithDistrictRows(who), sorted; empty (no
// restriction) for a district-wide principal.
std::vector<std::string> VisibleStreets(const auth::Principal& who);

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

// A registry item from its row, and the payload of an item: what registry::Decode<Msg> and
// registry::Payload<Msg> do, for the fields the message has. Those two need an etag, a
// create_time and an update_time on the message; mediation's items are never replaced and have
// no etag nor update_time (a training no create_time either), and the API stays as it is.
// DATA_LOSS naming the item when a payload is unreadable.
template <typename Msg>
absl::StatusOr<Msg> DecodeItem(const registry::Registry& registry, const store::EntityRecord& row) {
  Msg msg;
  if (!msg.ParseFromString(row.payload)) {
    return absl::DataLossError(
        absl::StrCat(registry.layout().noun, " ", row.id, ": stored payload is unreadable"));
  }
  msg.set_id(row.id);
  if constexpr (requires { msg.set_etag(""); }) msg.set_etag(registry::Etag(row.version));
  if constexpr (requires { msg.mutable_create_time(); }) {
    *msg.mutable_create_time() = ToTimestamp(row.create_time);
  }
  if constexpr (requires { msg.mutable_update_time(); }) {
    *msg.mutable_update_time() = ToTimestamp(row.update_time);
  }
  return msg;
}

template <typename Msg>
std::string ItemPayload(Msg msg) {
  msg.clear_id();
  if constexpr (requires { msg.clear_etag(); }) msg.clear_etag();
  if constexpr (requires { msg.clear_create_time(); }) msg.clear_create_time();
  if constexpr (requires { msg.clear_update_time(); }) msg.clear_update_time();
  return SerializeStable(msg);
}

// Every row of a registry matching `filter` (its track and kind are the registry's), by id.
absl::StatusOr<std::vector<store::EntityRecord>> AllRows(const registry::Registry& registry,
                                                         store::EntityFilter filter);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_REGISTRY_H_
