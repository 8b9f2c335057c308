#include "services/mediation/registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"

namespace gov::mediation {
namespace {

std::string DayKey(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string RequestHashOf(const std::string& kind, const std::string& payload) {
  return cases::CaseEngine::RequestHash(absl::StrCat(kind, ":", payload));
}

// A list's street filter for `who`: PERMISSION_DENIED for a street outside its scope.
absl::Status CheckStreetFilter(const auth::Principal& who, const std::string& street_id) {
  if (street_id.empty() || who.CanAccessStreet(street_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("street \"", street_id, "\" is outside the caller's scope"));
}

absl::Status OutOfScope(const char* what, const store::EntityRecord& record) {
  return absl::PermissionDeniedError(absl::StrCat(
      what, " ", record.id, " is of street ", record.street_id, ", outside the caller's scope"));
}

// What `who` may see of a mediator.
mv1::Mediator ForReader(const auth::Principal& who, mv1::Mediator mediator) {
  if (!SeesPersonalData(who)) mediator.clear_name();
  return mediator;
}

}  // namespace

std::vector<std::string> VisibleStreets(const auth::Principal& who) {
  if (who.district_wide()) return {};
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  streets.emplace_back();
  std::sort(streets.begin(), streets.end());
  return streets;
}

bool SeesRow(const auth::Principal& who, const std::string& street_id) {
  return street_id.empty() || who.CanAccessStreet(street_id);
}

std::string BodyKey(mv1::BodyKind kind, mv1::Industry industry) {
  return absl::StrCat(EnumKey(kind), ":",
                      industry == mv1::INDUSTRY_UNSPECIFIED ? "" : EnumKey(industry));
}

std::string BodyKindPrefix(mv1::BodyKind kind) { return absl::StrCat(EnumKey(kind), ":"); }

absl::StatusOr<BodyRow> DecodeBody(store::EntityRecord record) {
  BodyRow row;
  if (!row.body.ParseFromString(record.payload)) {
    return absl::DataLossError(absl::StrCat("body ", record.id, ": stored payload is unreadable"));
  }
  row.body.set_id(record.id);
  *row.body.mutable_create_time() = ToTimestamp(record.create_time);
  row.record = std::move(record);
  return row;
}

absl::StatusOr<mv1::Mediator> DecodeMediator(const store::EntityRecord& record) {
  mv1::Mediator mediator;
  if (!mediator.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("mediator ", record.id, ": stored payload is unreadable"));
  }
  mediator.set_id(record.id);
  *mediator.mutable_create_time() = ToTimestamp(record.create_time);
  return mediator;
}

absl::StatusOr<TrainingRow> DecodeTraining(store::EntityRecord record) {
  TrainingRow row;
  if (!row.training.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("training ", record.id, ": stored payload is unreadable"));
  }
  row.training.set_id(record.id);
  row.record = std::move(record);
  return row;
}

absl::StatusOr<std::vector<BodyRow>> LoadBodies(store::Repository* repo, const std::string& track,
                                                mv1::BodyKind kind, const std::string& street_id,
                                                const std::string& community_id) {
  store::EntityFilter filter;
  filter.track = track;
  filter.kind = kBodyEntity;
  if (kind != mv1::BODY_KIND_UNSPECIFIED) filter.key_prefix = BodyKindPrefix(kind);
  filter.street_id = street_id;
  filter.community_id = community_id;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                       store::ListAllEntities(*repo, std::move(filter)));
  std::vector<BodyRow> rows;
  rows.reserve(records.size());
  for (store::EntityRecord& record : records) {
    GOV_ASSIGN_OR_RETURN(BodyRow row, DecodeBody(std::move(record)));
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FullTimeMediatorsByBody(
    store::Repository* repo, const std::string& track, std::optional<absl::CivilDay> until) {
  store::EntityFilter filter;
  filter.track = track;
  filter.kind = kMediatorEntity;
  filter.key = kFullTimeKey;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                       store::ListAllEntities(*repo, std::move(filter)));
  absl::flat_hash_map<std::string, int64_t> counts;
  for (const store::EntityRecord& record : records) {
    if (until.has_value() && cal::LocalDay(record.create_time) > *until) continue;
    ++counts[record.parent_id];
  }
  return counts;
}

absl::StatusOr<std::vector<TrainingRow>> LoadTrainings(store::Repository* repo,
                                                       const std::string& track,
                                                       absl::CivilDay first, absl::CivilDay last) {
  store::EntityFilter filter;
  filter.track = track;
  filter.kind = kTrainingEntity;
  // Keys are days; narrowing to the year when the range lies within one keeps the scan small.
  if (first.year() == last.year()) filter.key_prefix = absl::StrCat(first.year(), "-");
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                       store::ListAllEntities(*repo, std::move(filter)));
  const std::string from = DayKey(first);
  const std::string to = DayKey(last);
  std::vector<TrainingRow> rows;
  for (store::EntityRecord& record : records) {
    if (record.key < from || record.key > to) continue;
    GOV_ASSIGN_OR_RETURN(TrainingRow row, DecodeTraining(std::move(record)));
    rows.push_back(std::move(row));
  }
  return rows;
}

MediationRegistry::MediationRegistry(std::string track, store::Repository* repo,
                                     cache::Cache* cache, const Clock* clock)
    : track_(std::move(track)), repo_(repo), cache_(cache), clock_(clock) {}

std::string MediationRegistry::AggregateScope() const {
  // The case engine bumps the same scope after every case write, and the indicator engine
  // reads its cached results under it.
  return cache::AggregateScope(track_);
}

void MediationRegistry::AfterWrite() {
  if (cache_ != nullptr) cache_->BumpGeneration(AggregateScope());
}

absl::StatusOr<mv1::MediatingBody> MediationRegistry::WithMediatorCount(BodyRow row) {
  store::EntityFilter filter;
  filter.track = track_;
  filter.kind = kMediatorEntity;
  filter.parent_id = row.record.id;
  filter.key = kFullTimeKey;
  GOV_ASSIGN_OR_RETURN(const int64_t count, repo_->CountEntities(filter));
  row.body.set_full_time_mediators(static_cast<int32_t>(count));
  return std::move(row.body);
}

absl::StatusOr<mv1::MediatingBody> MediationRegistry::CreateBody(const mv1::MediatingBody& body,
                                                                 const std::string& request_id) {
  mv1::MediatingBody stored = body;
  stored.clear_id();
  stored.clear_full_time_mediators();
  stored.clear_create_time();

  const absl::Time now = clock_->Now();
  store::EntityRecord record;
  record.track = track_;
  record.kind = kBodyEntity;
  record.street_id = body.region().street_id();
  record.community_id = body.region().community_id();
  record.key = BodyKey(body.kind(), body.industry());
  record.create_time = now;
  record.update_time = now;
  record.payload = SerializeStable(stored);
  GOV_ASSIGN_OR_RETURN(
      store::EntityRecord created,
      repo_->CreateEntity(record, request_id, RequestHashOf(kBodyEntity, record.payload), "B"));
  AfterWrite();
  GOV_ASSIGN_OR_RETURN(BodyRow row, DecodeBody(std::move(created)));
  return WithMediatorCount(std::move(row));
}

absl::StatusOr<mv1::MediatingBody> MediationRegistry::GetBody(const auth::Principal& who,
                                                              const std::string& id) {
  GOV_ASSIGN_OR_RETURN(store::EntityRecord record, repo_->GetEntity(track_, kBodyEntity, id));
  if (!SeesRow(who, record.street_id)) return OutOfScope("body", record);
  GOV_ASSIGN_OR_RETURN(BodyRow row, DecodeBody(std::move(record)));
  return WithMediatorCount(std::move(row));
}

absl::StatusOr<MediationRegistry::BodyPage> MediationRegistry::ListBodies(
    const auth::Principal& who, const mv1::ListMediatingBodiesRequest& request) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(request.page_size()));
  GOV_RETURN_IF_ERROR(CheckStreetFilter(who, request.region().street_id()));
  std::vector<std::string> streets = VisibleStreets(who);
  const std::string binding =
      cases::PageBinding({"bodies", track_, EnumKey(request.kind()), request.region().street_id(),
                          request.region().community_id(), absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::string after,
                       cases::DecodeIdCursor(request.page_token(), binding));

  store::EntityFilter filter;
  filter.track = track_;
  filter.kind = kBodyEntity;
  if (request.kind() != mv1::BODY_KIND_UNSPECIFIED) {
    filter.key_prefix = BodyKindPrefix(request.kind());
  }
  filter.streets = std::move(streets);
  filter.street_id = request.region().street_id();
  filter.community_id = request.region().community_id();
  filter.after_id = after;
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records, repo_->ListEntities(filter));

  BodyPage page;
  if (static_cast<int>(records.size()) > size) {
    records.resize(size);
    page.next_page_token = cases::EncodePageToken(binding, {records.back().id});
  }
  for (store::EntityRecord& record : records) {
    GOV_ASSIGN_OR_RETURN(BodyRow row, DecodeBody(std::move(record)));
    GOV_ASSIGN_OR_RETURN(mv1::MediatingBody body, WithMediatorCount(std::move(row)));
    page.bodies.push_back(std::move(body));
  }
  return page;
}

absl::StatusOr<std::vector<mv1::MediatingBody>> MediationRegistry::BodiesAt(
    mv1::BodyKind kind, mv1::Industry industry, const std::string& street_id,
    const std::string& community_id) {
  store::EntityFilter filter;
  filter.track = track_;
  filter.kind = kBodyEntity;
  filter.key = BodyKey(kind, industry);
  // An empty filter field means "any", so exact placement (e.g. a street-level micro-court,
  // whose community is empty) is checked below.
  filter.street_id = street_id;
  filter.community_id = community_id;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                       store::ListAllEntities(*repo_, std::move(filter)));
  std::vector<mv1::MediatingBody> bodies;
  for (store::EntityRecord& record : records) {
    if (record.street_id != street_id || record.community_id != community_id) continue;
    GOV_ASSIGN_OR_RETURN(BodyRow row, DecodeBody(std::move(record)));
    bodies.push_back(std::move(row.body));
  }
  return bodies;
}

absl::StatusOr<mv1::Mediator> MediationRegistry::CreateMediator(const mv1::Mediator& mediator,
                                                                const std::string& request_id) {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord body,
                       repo_->GetEntity(track_, kBodyEntity, mediator.body_id()));
  mv1::Mediator stored = mediator;
  stored.clear_id();
  stored.clear_create_time();

  const absl::Time now = clock_->Now();
  store::EntityRecord record;
  record.track = track_;
  record.kind = kMediatorEntity;
  // The body's place, so mediators can be listed and counted by street like their bodies.
  record.street_id = body.street_id;
  record.community_id = body.community_id;
  record.parent_id = body.id;
  record.key = mediator.full_time() ? kFullTimeKey : kPartTimeKey;
  record.create_time = now;
  record.update_time = now;
  record.payload = SerializeStable(stored);
  GOV_ASSIGN_OR_RETURN(
      store::EntityRecord created,
      repo_->CreateEntity(record, request_id, RequestHashOf(kMediatorEntity, record.payload), "M"));
  AfterWrite();
  return DecodeMediator(created);
}

absl::StatusOr<mv1::Mediator> MediationRegistry::GetMediator(const auth::Principal& who,
                                                             const std::string& id) {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord record,
                       repo_->GetEntity(track_, kMediatorEntity, id));
  // The row carries its body's street, so this is the body's scope.
  if (!SeesRow(who, record.street_id)) return OutOfScope("mediator", record);
  GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator, DecodeMediator(record));
  return ForReader(who, std::move(mediator));
}

absl::StatusOr<MediationRegistry::MediatorPage> MediationRegistry::ListMediators(
    const auth::Principal& who, const mv1::ListMediatorsRequest& request) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(request.page_size()));
  if (!request.body_id().empty() && !who.district_wide()) {
    // The scope filter alone would answer with an empty page; another street's body is refused
    // as GetBody refuses it.
    absl::StatusOr<store::EntityRecord> body =
        repo_->GetEntity(track_, kBodyEntity, request.body_id());
    if (body.ok() && !SeesRow(who, body->street_id)) return OutOfScope("body", *body);
    if (!body.ok() && !absl::IsNotFound(body.status())) return body.status();
  }
  std::vector<std::string> streets = VisibleStreets(who);
  const std::string binding =
      cases::PageBinding({"mediators", track_, request.body_id(), absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::string after,
                       cases::DecodeIdCursor(request.page_token(), binding));

  store::EntityFilter filter;
  filter.track = track_;
  filter.kind = kMediatorEntity;
  filter.streets = std::move(streets);
  filter.parent_id = request.body_id();
  filter.after_id = after;
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records, repo_->ListEntities(filter));

  MediatorPage page;
  if (static_cast<int>(records.size()) > size) {
    records.resize(size);
    page.next_page_token = cases::EncodePageToken(binding, {records.back().id});
  }
  for (const store::EntityRecord& record : records) {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator, DecodeMediator(record));
    page.mediators.push_back(ForReader(who, std::move(mediator)));
  }
  return page;
}

absl::StatusOr<mv1::TrainingSession> MediationRegistry::CreateTraining(
    const mv1::TrainingSession& training, const std::string& request_id) {
  mv1::TrainingSession stored = training;
  stored.clear_id();

  const absl::Time now = clock_->Now();
  store::EntityRecord record;
  record.track = track_;
  record.kind = kTrainingEntity;
  record.street_id = training.street_id();
  record.key = DayKey(cal::LocalDay(FromTimestamp(training.hold_time())));
  record.create_time = now;
  record.update_time = now;
  record.payload = SerializeStable(stored);
  GOV_ASSIGN_OR_RETURN(
      store::EntityRecord created,
      repo_->CreateEntity(record, request_id, RequestHashOf(kTrainingEntity, record.payload), "T"));
  AfterWrite();
  GOV_ASSIGN_OR_RETURN(TrainingRow row, DecodeTraining(std::move(created)));
  return std::move(row.training);
}

absl::StatusOr<MediationRegistry::TrainingPage> MediationRegistry::ListTrainings(
    const auth::Principal& who, const mv1::ListTrainingSessionsRequest& request) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(request.page_size()));
  GOV_RETURN_IF_ERROR(CheckStreetFilter(who, request.street_id()));
  std::vector<std::string> streets = VisibleStreets(who);
  const std::string binding =
      cases::PageBinding({"trainings", track_, absl::StrCat(request.year()), request.street_id(),
                          absl::StrJoin(streets, ",")});

  // Ordered by hold time, which the store does not index: trainings are few (a handful per
  // street and year), so the matching set is read whole and paged here, with a keyset cursor
  // (hold time, id) that stays correct while trainings are added.
  std::optional<std::pair<int64_t, std::string>> after;
  if (!request.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(std::vector<std::string> cursor,
                         cases::DecodePageToken(request.page_token(), binding));
    int64_t nanos = 0;
    if (cursor.size() != 2 || !absl::SimpleAtoi(cursor[0], &nanos) || cursor[1].empty()) {
      return InvalidField("page_token", "invalid or from another query");
    }
    after.emplace(nanos, cursor[1]);
  }

  store::EntityFilter filter;
  filter.track = track_;
  filter.kind = kTrainingEntity;
  filter.streets = std::move(streets);
  filter.street_id = request.street_id();
  if (request.year() != 0) filter.key_prefix = absl::StrCat(request.year(), "-");
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                       store::ListAllEntities(*repo_, std::move(filter)));

  using SortKey = std::pair<int64_t, std::string>;
  std::vector<std::pair<SortKey, mv1::TrainingSession>> rows;
  rows.reserve(records.size());
  for (store::EntityRecord& record : records) {
    GOV_ASSIGN_OR_RETURN(TrainingRow row, DecodeTraining(std::move(record)));
    SortKey key{absl::ToUnixNanos(FromTimestamp(row.training.hold_time())), row.training.id()};
    if (after.has_value() && !(key > *after)) continue;
    rows.emplace_back(std::move(key), std::move(row.training));
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  TrainingPage page;
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    const SortKey& last = rows.back().first;
    page.next_page_token = cases::EncodePageToken(binding, {absl::StrCat(last.first), last.second});
  }
  for (auto& row : rows) page.trainings.push_back(std::move(row.second));
  return page;
}

std::string MediationRegistry::BodyName(const std::string& id) {
  {
    absl::MutexLock lock(&names_mu_);
    auto it = body_names_.find(id);
    if (it != body_names_.end()) return it->second;
  }
  absl::StatusOr<store::EntityRecord> record = repo_->GetEntity(track_, kBodyEntity, id);
  if (!record.ok()) return std::string();
  absl::StatusOr<BodyRow> row = DecodeBody(*std::move(record));
  if (!row.ok()) return std::string();
  absl::MutexLock lock(&names_mu_);
  body_names_[id] = row->body.name();
  return row->body.name();
}

}  // namespace gov::mediation
