#include "common/registry/registry.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "absl/strings/str_join.h"
#include "common/cache/cache.h"
#include "common/cases/engine.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/parallel.h"
#include "google/protobuf/timestamp.pb.h"

namespace gov::registry {

std::string Etag(int64_t version) { return absl::StrCat("v", version); }

std::string KindPrefix(const std::string& kind) { return absl::StrCat(kind, "/"); }

std::string KindStatusKey(const std::string& kind, const std::string& status) {
  return absl::StrCat(kind, "/", status);
}

std::vector<store::EntityFilter> KindStatusFilters(const store::EntityFilter& base,
                                                   const std::vector<std::string>& all_kinds,
                                                   const std::string& kind,
                                                   const std::string& status) {
  if (kind.empty() && status.empty()) return {base};
  std::vector<store::EntityFilter> filters;
  if (status.empty()) {
    filters.push_back(base);
    filters.back().key_prefix = KindPrefix(kind);
    return filters;
  }
  for (const std::string& k : all_kinds) {
    if (!kind.empty() && k != kind) continue;
    filters.push_back(base);
    filters.back().key = KindStatusKey(k, status);
  }
  return filters;
}

absl::StatusOr<std::vector<store::EntityRecord>> ListMerged(
    store::Repository& repo, const std::vector<store::EntityFilter>& filters, int limit) {
  std::vector<store::EntityRecord> rows;
  for (store::EntityFilter filter : filters) {
    filter.limit = limit;
    GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> part, repo.ListEntities(filter));
    for (store::EntityRecord& row : part) rows.push_back(std::move(row));
  }
  if (filters.size() > 1) {
    std::sort(
        rows.begin(), rows.end(),
        [](const store::EntityRecord& a, const store::EntityRecord& b) { return a.id < b.id; });
  }
  if (static_cast<int>(rows.size()) > limit) rows.resize(limit);
  return rows;
}

absl::StatusOr<store::EntityRecord> Create(store::Repository& repo, const Layout& layout,
                                           store::EntityRecord row, absl::Time now,
                                           const std::string& request_id) {
  row.track = layout.track;
  row.kind = layout.kind;
  row.id.clear();
  row.version = 0;
  row.create_time = now;
  row.update_time = now;
  // The hash covers what the item is (its payload, which holds its place), not when it was
  // sent: a retry is recognised.
  const std::string hash =
      cases::CaseEngine::RequestHash(absl::StrCat(layout.kind, ":", row.payload));
  return repo.CreateEntity(row, request_id, hash, layout.id_prefix);
}

absl::StatusOr<store::EntityRecord> LoadVisible(store::Repository& repo, const Layout& layout,
                                                const auth::Principal& who, const std::string& id,
                                                bool district_rows_public) {
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, repo.GetEntity(layout.track, layout.kind, id));
  if (row.street_id.empty() && district_rows_public) return row;
  if (!who.CanAccessStreet(row.street_id)) {
    if (row.street_id.empty()) {
      return absl::PermissionDeniedError(
          absl::StrCat(layout.noun, " ", id, " is district-wide, outside the caller's scope"));
    }
    return absl::PermissionDeniedError(absl::StrCat(layout.noun, " ", id, " is of street ",
                                                    row.street_id, ", outside the caller's scope"));
  }
  return row;
}

absl::Status CheckStreet(const auth::Principal& who, const std::string& street_id) {
  if (who.CanAccessStreet(street_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("street \"", street_id, "\" is outside the caller's scope"));
}

absl::Status CheckRegionUnchanged(const governance::v1::RegionRef& was,
                                  const governance::v1::RegionRef& now, const std::string& field) {
  const struct {
    const std::string& was;
    const std::string& now;
    const char* part;
  } parts[] = {{was.street_id(), now.street_id(), "street_id"},
               {was.community_id(), now.community_id(), "community_id"},
               {was.grid_id(), now.grid_id(), "grid_id"}};
  for (const auto& p : parts) {
    if (p.was != p.now) {
      return InvalidField(absl::StrCat(field, ".", p.part),
                          absl::StrCat("cannot change (is \"", p.was, "\")"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckEtag(const Layout& layout, const store::EntityRecord& current,
                       const std::string& etag) {
  if (etag != Etag(current.version)) {
    return absl::AbortedError(absl::StrCat(layout.noun, " ", current.id, " has changed (etag ",
                                           etag, " is not current)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<store::EntityRecord> Replace(store::Repository& repo, const Layout& layout,
                                            store::EntityRecord current, const std::string& etag,
                                            std::string key, std::string payload, absl::Time now) {
  GOV_RETURN_IF_ERROR(CheckEtag(layout, current, etag));
  const int64_t version = current.version;
  current.key = std::move(key);
  current.payload = std::move(payload);
  current.update_time = now;
  absl::StatusOr<store::EntityRecord> updated = repo.UpdateEntity(current, version);
  if (absl::IsAborted(updated.status())) {
    return absl::AbortedError(absl::StrCat(layout.noun, " ", current.id,
                                           " was changed by another request; read it again"));
  }
  return updated;
}

absl::StatusOr<Page> ListPage(store::Repository& repo, const auth::Principal& who,
                              std::vector<store::EntityFilter> filters,
                              const std::vector<std::string>& binding, int page_size,
                              const std::string& page_token, bool district_rows_public) {
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  // "" (rows of no street) sorts first and binds the token like any street.
  if (district_rows_public && !streets.empty()) streets.push_back("");
  std::sort(streets.begin(), streets.end());
  std::string parts;
  for (const std::string& part : binding) absl::StrAppend(&parts, part.size(), ":", part, "|");
  const std::string bound = cases::PageBinding({parts, absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::string after, cases::DecodeIdCursor(page_token, bound));
  for (store::EntityFilter& filter : filters) {
    filter.streets = streets;  // empty (everything) for a district-wide principal
    filter.after_id = after;
  }
  Page page;
  GOV_ASSIGN_OR_RETURN(page.rows, ListMerged(repo, filters, page_size + 1));
  if (static_cast<int>(page.rows.size()) > page_size) {
    page.rows.resize(page_size);
    page.next_page_token = cases::EncodePageToken(bound, {page.rows.back().id});
  }
  return page;
}

absl::StatusOr<std::vector<store::EntityRecord>> RowsInContext(const indicators::EvalContext& ctx,
                                                               const Layout& layout,
                                                               std::string key,
                                                               bool key_is_prefix) {
  store::EntityFilter filter;
  filter.track = layout.track;
  filter.kind = layout.kind;
  (key_is_prefix ? filter.key_prefix : filter.key) = std::move(key);
  filter.street_id = ctx.street_id;
  filter.community_id = ctx.community_id;
  if (ctx.street_id.empty()) filter.streets = ctx.streets;
  return store::ListAllEntities(*ctx.repo, std::move(filter));
}

absl::Status LoadDemoRows(store::Repository& repo, const Layout& layout,
                          const std::vector<DemoRow>& rows, absl::Time now, int workers) {
  store::EntityFilter all;
  all.track = layout.track;
  all.kind = layout.kind;
  GOV_ASSIGN_OR_RETURN(const int64_t before, repo.CountEntities(all));
  std::atomic<int> kept{0};
  GOV_RETURN_IF_ERROR(
      ParallelFor(static_cast<int>(rows.size()), workers, [&](int, int i) -> absl::Status {
        absl::StatusOr<store::EntityRecord> stored =
            Create(repo, layout, rows[i].row, now, rows[i].request_id);
        if (absl::IsAlreadyExists(stored.status())) {
          ++kept;
          return absl::OkStatus();
        }
        return stored.status();
      }));
  GOV_ASSIGN_OR_RETURN(const int64_t after, repo.CountEntities(all));
  log::Info(absl::StrCat("demo ", layout.noun, "s ready"),
            {{"track", layout.track},
             {"items", absl::StrCat(rows.size())},
             {"created", absl::StrCat(after - before)},
             {"kept_from_earlier_loads", absl::StrCat(kept.load())}});
  return absl::OkStatus();
}

Registry::Registry(Layout layout, store::Repository* repo, cache::Cache* cache, const Clock* clock,
                   std::string aggregate_track)
    : layout_(std::move(layout)),
      repo_(repo),
      cache_(cache),
      clock_(clock),
      aggregate_track_(aggregate_track.empty() ? layout_.track : std::move(aggregate_track)) {}

void Registry::Invalidate() const {
  if (cache_ != nullptr) cache_->BumpGeneration(cache::AggregateScope(aggregate_track_));
}

absl::StatusOr<store::EntityRecord> Registry::Create(store::EntityRecord row,
                                                     const std::string& request_id) const {
  absl::StatusOr<store::EntityRecord> created =
      registry::Create(*repo_, layout_, std::move(row), clock_->Now(), request_id);
  if (created.ok()) Invalidate();
  return created;
}

absl::StatusOr<store::EntityRecord> Registry::LoadVisible(const auth::Principal& who,
                                                          const std::string& id,
                                                          bool district_rows_public) const {
  return registry::LoadVisible(*repo_, layout_, who, id, district_rows_public);
}

absl::StatusOr<store::EntityRecord> Registry::Replace(store::EntityRecord current,
                                                      const std::string& etag, std::string key,
                                                      std::string payload) const {
  absl::StatusOr<store::EntityRecord> replaced = registry::Replace(
      *repo_, layout_, std::move(current), etag, std::move(key), std::move(payload), clock_->Now());
  if (replaced.ok()) Invalidate();
  return replaced;
}

absl::StatusOr<Page> Registry::ListPage(const auth::Principal& who,
                                        std::vector<store::EntityFilter> filters,
                                        const std::vector<std::string>& binding, int page_size,
                                        const std::string& page_token,
                                        bool district_rows_public) const {
  return registry::ListPage(*repo_, who, std::move(filters), binding, page_size, page_token,
                            district_rows_public);
}

absl::StatusOr<std::vector<store::EntityRecord>> Registry::AllRows(
    store::EntityFilter filter) const {
  filter.track = layout_.track;
  filter.kind = layout_.kind;
  return store::ListAllEntities(*repo_, std::move(filter));
}

absl::StatusOr<std::vector<store::EntityRecord>> Registry::Rows(store::EntityFilter filter) const {
  filter.track = layout_.track;
  filter.kind = layout_.kind;
  return repo_->ListEntities(filter);
}

absl::StatusOr<store::EntityRecord> Registry::Get(const std::string& id) const {
  return repo_->GetEntity(layout_.track, layout_.kind, id);
}

absl::StatusOr<int64_t> Registry::Count(store::EntityFilter filter) const {
  filter.track = layout_.track;
  filter.kind = layout_.kind;
  return repo_->CountEntities(filter);
}

namespace {

// The row's fields a registry message may have, and whether this one has them.
void SetIfPresent(google::protobuf::Message& msg, const char* name, const std::string& value) {
  const google::protobuf::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(name);
  if (f != nullptr && f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
      !f->is_repeated()) {
    msg.GetReflection()->SetString(&msg, f, value);
  }
}
void SetTimeIfPresent(google::protobuf::Message& msg, const char* name, absl::Time t) {
  const google::protobuf::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(name);
  if (f != nullptr && !f->is_repeated() &&
      f->message_type() == google::protobuf::Timestamp::descriptor()) {
    msg.GetReflection()->MutableMessage(&msg, f)->CopyFrom(ToTimestamp(t));
  }
}

}  // namespace

absl::Status DecodeInto(const store::EntityRecord& record, const std::string& noun,
                        google::protobuf::Message& msg) {
  if (!msg.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat(noun, " ", record.id, ": stored payload is unreadable"));
  }
  SetIfPresent(msg, "id", record.id);
  SetIfPresent(msg, "etag", Etag(record.version));
  SetTimeIfPresent(msg, "create_time", record.create_time);
  SetTimeIfPresent(msg, "update_time", record.update_time);
  return absl::OkStatus();
}

std::string RowPayload(const google::protobuf::Message& msg) {
  std::unique_ptr<google::protobuf::Message> stored(msg.New());
  stored->CopyFrom(msg);
  for (const char* name : {"id", "etag", "create_time", "update_time"}) {
    const google::protobuf::FieldDescriptor* f = stored->GetDescriptor()->FindFieldByName(name);
    if (f != nullptr) stored->GetReflection()->ClearField(stored.get(), f);
  }
  return SerializeStable(*stored);
}

absl::Status Registry::LoadDemo(const std::vector<DemoRow>& rows, int workers) const {
  absl::Status loaded = LoadDemoRows(*repo_, layout_, rows, clock_->Now(), workers);
  Invalidate();
  return loaded;
}

}  // namespace gov::registry
