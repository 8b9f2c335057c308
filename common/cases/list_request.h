#ifndef GOV_COMMON_CASES_LIST_REQUEST_H_
#define GOV_COMMON_CASES_LIST_REQUEST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/regions/regions.h"
#include "google/protobuf/message.h"

// A list of cases as its request asks for it: every track's List<Cases> request reads its page,
// region, period and filters the same way, so the reading is written once. The request's fields
// are found by name (the schema's conventions: `page_size`, `page_token`, `region`, and the
// filters a list declares below); the track keeps only what is its own (a unit id checked
// against its rules, how a case is shown).
namespace gov::cases {

// The filter fields of a list request, by name ("" = the list has no such filter).
struct ListFields {
  // An enum field, repeated ("statuses", "states") or single (0 = any): the statuses.
  std::string statuses = {};
  // An enum field, repeated ("categories", "types") or single ("category"): the categories.
  std::string categories = {};
  // A string field naming the responsible unit ("unit_id", "body_id"): the unit (checked, when
  // the track has a directory of units, by the track before).
  std::string unit = {};
  // A bool field: only the cases whose current clock ran out.
  std::string breached_only = {};
  // A governance.v1.Period field: the cases opened (or that happened) in it (FilterByPeriod).
  std::string period = {};
  // Whether a region may name a grid (false for cases kept per street and community).
  bool grids = true;
};

// The engine's ListRequest of `request`: `page_size` checked (PageSize), `page_token` as given,
// the `region` field (when the message has one) validated against `regions` (a grid refused
// unless `fields.grids`), the period resolved at `now`, and every enum value known and not zero
// (INVALID_ARGUMENT naming the field, "statuses[1]"), as enum keys. A name in `fields` that the
// message does not have, or of another type, is INTERNAL (a mistake in the track).
absl::StatusOr<ListRequest> ReadListRequest(const google::protobuf::Message& request,
                                            const ListFields& fields,
                                            const regions::RegionRegistry& regions, absl::Time now);

// Every case `request` selects (its filter; page size and token are set here), read page by page
// as `who`: for a track's own passes over a kind (a sweep, a count), not for an RPC's answer.
absl::StatusOr<std::vector<Case>> ListEvery(CaseEngine& engine, const auth::Principal& who,
                                            ListRequest request);

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_LIST_REQUEST_H_
