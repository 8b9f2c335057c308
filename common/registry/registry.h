#ifndef GOV_COMMON_REGISTRY_REGISTRY_H_
#define GOV_COMMON_REGISTRY_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/store/repository.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "google/protobuf/message.h"
#include "governance/v1/common.pb.h"

// Registries of a track (policing's forces and assets, disorder's monitored objects and
// campaigns...) kept as the store's generic entity rows: one message per row, the row holding
// the id, version (the etag "v<version>"), times, street, community and an index key; the
// payload the message without those.
//
// The pieces every registry needs and that must behave alike across tracks: idempotent
// creation by request id, reads within the caller's streets, replacement under an etag, pages
// by id with tokens bound to the filters and the caller's scope, and "in force by a day" for
// indicators counted as of a period's last day.
namespace gov::cache {
class Cache;
}

namespace gov::registry {

// Where a registry lies in the entity rows.
struct Layout {
  std::string track;      // the store track, e.g. "policing"
  std::string kind;       // the entity kind, e.g. "asset"
  std::string id_prefix;  // ids "<prefix>-000042"
  std::string noun;       // for messages, e.g. "asset"
};

// "v<version>".
std::string Etag(int64_t version);

// Index keys "<KIND>/<STATUS>" of registries with a kind and a status (enum keys): the prefix
// "<KIND>/" lists a kind, the exact key a kind in a state.
std::string KindPrefix(const std::string& kind);
std::string KindStatusKey(const std::string& kind, const std::string& status);

// The store queries of a list by kind and status ("" = any) over `base`: one, or for a status
// across kinds one exact key per kind of `all_kinds`.
std::vector<store::EntityFilter> KindStatusFilters(const store::EntityFilter& base,
                                                   const std::vector<std::string>& all_kinds,
                                                   const std::string& kind,
                                                   const std::string& status);

// The first `limit` rows by id over the filters.
absl::StatusOr<std::vector<store::EntityRecord>> ListMerged(
    store::Repository& repo, const std::vector<store::EntityFilter>& filters, int limit);

// Stores a new row (track, kind and times set from `layout` and `now`; street, community,
// parent, key and payload from `row`), idempotent by request_id: the same payload again
// returns the stored row, another payload is ALREADY_EXISTS.
absl::StatusOr<store::EntityRecord> Create(store::Repository& repo, const Layout& layout,
                                           store::EntityRecord row, absl::Time now,
                                           const std::string& request_id);

// The row, when the principal's scope holds its street (PERMISSION_DENIED naming the street
// otherwise; rows of no street, i.e. district-wide ones, only for district-wide principals
// unless `district_rows_public`).
absl::StatusOr<store::EntityRecord> LoadVisible(store::Repository& repo, const Layout& layout,
                                                const auth::Principal& who, const std::string& id,
                                                bool district_rows_public = false);

// PERMISSION_DENIED unless the principal's scope holds the street.
absl::Status CheckStreet(const auth::Principal& who, const std::string& street_id);

// What a registry item is cannot move: INVALID_ARGUMENT "<field>.street_id" (community_id,
// grid_id) "cannot change (is "...")" when a part of the region differs.
absl::Status CheckRegionUnchanged(const governance::v1::RegionRef& was,
                                  const governance::v1::RegionRef& now, const std::string& field);

// ABORTED naming the item unless `etag` is the row's etag: for a write that must refuse a stale
// etag before it judges the item's state (Replace checks it again).
absl::Status CheckEtag(const Layout& layout, const store::EntityRecord& current,
                       const std::string& etag);

// Replaces `current` with a new key and payload when `etag` is its etag (ABORTED naming the
// item otherwise, and when another writer committed since `current` was read).
absl::StatusOr<store::EntityRecord> Replace(store::Repository& repo, const Layout& layout,
                                            store::EntityRecord current, const std::string& etag,
                                            std::string key, std::string payload, absl::Time now);

// One page of a list by id.
struct Page {
  std::vector<store::EntityRecord> rows;
  std::string next_page_token;
};

// A page over `filters` (their streets and after_id are set here: the caller's streets, and the
// cursor of `page_token`), at most `page_size` rows. The token is bound to `binding` (the
// list's filters, canonically encoded by the caller) and to the caller's streets.
// With `district_rows_public`, a street principal also gets the rows of no street (district-level
// items every caller may read), as LoadVisible does.
absl::StatusOr<Page> ListPage(store::Repository& repo, const auth::Principal& who,
                              std::vector<store::EntityFilter> filters,
                              const std::vector<std::string>& binding, int page_size,
                              const std::string& page_token, bool district_rows_public = false);

// ---- Demo data ----

// A registry item of a demo load: the row to store (street, community, parent, key, payload)
// under its request id.
struct DemoRow {
  std::string request_id;
  store::EntityRecord row;
};

// Stores a demo load's rows with `workers` threads, each idempotent by its request id: a row
// there already — loaded on an earlier day (demo dates move with today) or edited since — stays
// as it is. Logs "demo <noun>s ready" with the rows created and kept; the first error stops the
// rest. The caller validates the items before and bumps its aggregate generation after.
absl::Status LoadDemoRows(store::Repository& repo, const Layout& layout,
                          const std::vector<DemoRow>& rows, absl::Time now, int workers);

// ---- Messages ----
// A registry message's `id`, `etag`, `create_time` and `update_time` fields, those of them it
// has, are the row's; the payload is the rest.

// Reads the row into `msg` (DATA_LOSS naming the item when the payload is unreadable).
absl::Status DecodeInto(const store::EntityRecord& record, const std::string& noun,
                        google::protobuf::Message& msg);
// The payload of a message: without the row's fields.
std::string RowPayload(const google::protobuf::Message& msg);

template <typename Msg>
absl::StatusOr<Msg> Decode(const store::EntityRecord& record, const std::string& noun) {
  Msg msg;
  GOV_RETURN_IF_ERROR(DecodeInto(record, noun, msg));
  return msg;
}

template <typename Msg>
std::string Payload(const Msg& msg) {
  return RowPayload(msg);
}

// ---- Indicators ----

// Every row of `key` within the context's region (its street and community, or its streets).
// With `key_is_prefix`, every row whose key starts with `key` (KindPrefix: a kind of any status).
absl::StatusOr<std::vector<store::EntityRecord>> RowsInContext(const indicators::EvalContext& ctx,
                                                               const Layout& layout,
                                                               std::string key,
                                                               bool key_is_prefix = false);

// Items of `key` in force on the context's last day: those whose date (`since`, YYYY-MM-DD) is
// on or before it. Registries keep an item's present state, not its history: an item that left
// since does not count for the periods it was in.
template <typename Msg>
absl::StatusOr<std::vector<Msg>> InForceBy(
    const indicators::EvalContext& ctx, const Layout& layout, std::string key,
    const std::function<const std::string&(const Msg&)>& since) {
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       RowsInContext(ctx, layout, std::move(key)));
  std::vector<Msg> out;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(Msg msg, Decode<Msg>(row, layout.noun));
    const std::optional<absl::CivilDay> day = cal::ParseDay(since(msg));
    if (day.has_value() && *day <= ctx.days.last) out.push_back(std::move(msg));
  }
  return out;
}

// The measures a registry of items in force gives its track's indicators: one kind of item
// (its key: kind and status, e.g. "CAMERA_POINT/IN_SERVICE"), counted or graded as of a
// period's last day within the evaluated region. `since` names the item's date field.
template <typename Msg>
class InForce {
 public:
  using Since = std::function<const std::string&(const Msg&)>;
  using Test = std::function<bool(const Msg&)>;

  // `layout` must outlive the measures (the tracks' layouts are static).
  InForce(const Layout& layout, Since since) : layout_(&layout), since_(std::move(since)) {}

  // The items of `key` in force by the context's last day.
  absl::StatusOr<std::vector<Msg>> By(const indicators::EvalContext& ctx,
                                      const std::string& key) const {
    return InForceBy<Msg>(ctx, *layout_, key, since_);
  }

  // How many of them (those `keep` accepts, when given).
  indicators::Measure Count(std::string key, Test keep = nullptr) const {
    return [self = *this, key = std::move(key), keep = std::move(keep)](
               const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
      GOV_ASSIGN_OR_RETURN(const std::vector<Msg> items, self.By(ctx, key));
      int64_t count = 0;
      for (const Msg& item : items) count += (!keep || keep(item)) ? 1 : 0;
      return indicators::Value{count, true};
    };
  }

  // The share of the context's streets with at least one of them (a community's context: its
  // street), street-level items included.
  indicators::Measure StreetCoverage(std::string key) const {
    return [self = *this, key = std::move(key)](
               const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
      indicators::EvalContext streets = ctx;
      streets.community_id.clear();
      GOV_ASSIGN_OR_RETURN(const std::vector<Msg> items, self.By(streets, key));
      absl::flat_hash_set<std::string> covered;
      for (const Msg& item : items) covered.insert(item.region().street_id());
      return indicators::StreetsCovered(ctx, covered);
    };
  }

  // The share of them that `meets` accepts, in basis points; no data without any.
  indicators::Measure ShareMeeting(std::string key, Test meets) const {
    return [self = *this, key = std::move(key), meets = std::move(meets)](
               const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
      GOV_ASSIGN_OR_RETURN(const std::vector<Msg> items, self.By(ctx, key));
      int64_t meeting = 0;
      for (const Msg& item : items) meeting += meets(item) ? 1 : 0;
      return indicators::Share(meeting, static_cast<int64_t>(items.size()));
    };
  }

 private:
  const Layout* layout_;
  Since since_;
};

// ---- One registry of a track ----

// A registry of a track (policing's assets, disorder's monitored objects, mediation's bodies):
// the functions above bound to its layout, store and cache. Every write through it (Create,
// Replace, LoadDemo) makes the track's cached aggregates (indicators, rankings) stale itself, so
// no track has to remember to. Thread-safe; the store and cache must outlive it.
class Registry {
 public:
  // `aggregate_track`: the track whose aggregates its rows count in ("" = layout.track).
  Registry(Layout layout, store::Repository* repo, cache::Cache* cache, const Clock* clock,
           std::string aggregate_track = "");

  const Layout& layout() const { return layout_; }
  store::Repository& repo() const { return *repo_; }
  absl::Time Now() const { return clock_->Now(); }

  absl::StatusOr<store::EntityRecord> Create(store::EntityRecord row,
                                             const std::string& request_id) const;
  absl::StatusOr<store::EntityRecord> LoadVisible(const auth::Principal& who, const std::string& id,
                                                  bool district_rows_public = false) const;
  absl::StatusOr<store::EntityRecord> Replace(store::EntityRecord current, const std::string& etag,
                                              std::string key, std::string payload) const;
  absl::StatusOr<Page> ListPage(const auth::Principal& who,
                                std::vector<store::EntityFilter> filters,
                                const std::vector<std::string>& binding, int page_size,
                                const std::string& page_token,
                                bool district_rows_public = false) const;
  // Every row of the registry matching `filter` (its track and kind are the registry's), and
  // their number: for lookups over a whole registry (routing, counts of indicators).
  absl::StatusOr<std::vector<store::EntityRecord>> AllRows(store::EntityFilter filter) const;
  absl::StatusOr<int64_t> Count(store::EntityFilter filter) const;
  // One store page of the rows matching `filter` (its limit and after_id as set), and a row by
  // id (NOT_FOUND): the track's own reads, not scoped to a caller (LoadVisible is).
  absl::StatusOr<std::vector<store::EntityRecord>> Rows(store::EntityFilter filter) const;
  absl::StatusOr<store::EntityRecord> Get(const std::string& id) const;
  // LoadDemoRows with `workers` threads, then one invalidation.
  absl::Status LoadDemo(const std::vector<DemoRow>& rows, int workers) const;
  // Every row of `key` in an indicator's context; the items in force by its last day.
  absl::StatusOr<std::vector<store::EntityRecord>> RowsIn(const indicators::EvalContext& ctx,
                                                          std::string key,
                                                          bool key_is_prefix = false) const {
    return RowsInContext(ctx, layout_, std::move(key), key_is_prefix);
  }

  template <typename Msg>
  absl::StatusOr<Msg> Decode(const store::EntityRecord& record) const {
    return registry::Decode<Msg>(record, layout_.noun);
  }

 private:
  void Invalidate() const;

  Layout layout_;
  store::Repository* repo_;
  cache::Cache* cache_;
  const Clock* clock_;
  std::string aggregate_track_;
};

}  // namespace gov::registry

#endif  // GOV_COMMON_REGISTRY_REGISTRY_H_
