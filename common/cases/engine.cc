#include "common/cases/engine.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"
#include "common/cases/codec.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/digest.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gov::cases {

namespace {

// How long readers bypass a case's cache entry marked pending when its writer died after the
// commit (Cache::MarkPending): long enough for a commit on a loaded store, short enough that a
// crash costs little.
constexpr absl::Duration kPendingTtl = absl::Seconds(30);

constexpr char kCreateAction[] = "Create";
// Actor recorded for what the engine does on its own (breach marks).
constexpr char kSystemActor[] = "system";
constexpr int kBreachBatch = 200;

// Label value for a case that belongs to no street (a district-level case).
std::string StreetLabel(const std::string& street_id) {
  return street_id.empty() ? std::string("district") : street_id;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> SortedStreets(const absl::flat_hash_set<std::string>& streets) {
  return Sorted(std::vector<std::string>(streets.begin(), streets.end()));
}

// Canonical text of everything in a filter that selects rows (not the cursor, not the size),
// so a page token only continues the query it came from.
std::string FilterBinding(const store::CaseFilter& f) {
  codec::Writer w;
  w.String("cases");
  w.String(f.track);
  const std::vector<std::string> streets = Sorted(f.streets);
  w.Int(static_cast<int64_t>(streets.size()));
  for (const std::string& s : streets) w.String(s);
  w.String(f.street_id);
  w.String(f.community_id);
  w.String(f.grid_id);
  w.String(f.unit_id);
  const std::vector<std::string> statuses = Sorted(f.statuses);
  w.Int(static_cast<int64_t>(statuses.size()));
  for (const std::string& s : statuses) w.String(s);
  const std::vector<std::string> categories = Sorted(f.categories);
  w.Int(static_cast<int64_t>(categories.size()));
  for (const std::string& c : categories) w.String(c);
  w.Bool(f.sla_breached_only);
  w.Bool(f.created_from.has_value());
  w.Time(f.created_from.value_or(absl::InfinitePast()));
  w.Bool(f.created_to.has_value());
  w.Time(f.created_to.value_or(absl::InfinitePast()));
  return w.Release();
}

}  // namespace

struct CaseEngine::Metrics {
  explicit Metrics(prometheus::Registry* shared) {
    if (shared == nullptr) {
      own = std::make_shared<prometheus::Registry>();
      shared = own.get();
    }
    opened = &prometheus::BuildCounter()
                  .Name("governance_cases_opened_total")
                  .Help(
                      "Cases opened, by track, kind and street (retried creates are not "
                      "counted).")
                  .Register(*shared);
    breaches = &prometheus::BuildCounter()
                    .Name("governance_sla_breaches_total")
                    .Help("Cases whose SLA clock ran out in their current state.")
                    .Register(*shared);
    cases = &prometheus::BuildGauge()
                 .Name("governance_cases")
                 .Help("Cases by kind, current status and street (all cases ever opened).")
                 .Register(*shared);
  }

  std::shared_ptr<prometheus::Registry> own;  // only when no registry was given
  prometheus::Family<prometheus::Counter>* opened = nullptr;
  prometheus::Family<prometheus::Counter>* breaches = nullptr;
  prometheus::Family<prometheus::Gauge>* cases = nullptr;

  absl::Mutex mu;
  // (status, street label) series set by the last refresh, to zero those that disappear.
  absl::flat_hash_set<std::pair<std::string, std::string>> gauge_series ABSL_GUARDED_BY(mu);
};

prometheus::Labels CaseEngine::StreetLabels(std::string_view street) const {
  return {{"track", spec_.owner_track()},
          {"kind", spec_.case_kind},
          {"street", StreetLabel(std::string(street))}};
}

std::string Case::etag() const { return absl::StrCat("v", record.version); }

CaseEngine::CaseEngine(const TrackSpec& spec, store::Repository* repo, cache::Cache* cache,
                       const cal::WorkCalendar* calendar, const Clock* clock,
                       prometheus::Registry* registry)
    : spec_(spec),
      spec_status_(ValidateSpec(spec)),
      repo_(repo),
      cache_(cache),
      calendar_(calendar),
      clock_(clock),
      metrics_(std::make_shared<Metrics>(registry)) {
  if (!spec_status_.ok()) {
    log::Error("invalid track spec", {{"track", spec_.track}, {"error", spec_status_.ToString()}});
  }
}

absl::Status CaseEngine::ValidateSpec(const TrackSpec& spec) {
  auto bad = [&](std::string_view what) {
    return absl::InternalError(absl::StrCat("track spec \"", spec.track,
                                            "\": ", absl::string_view(what.data(), what.size())));
  };
  if (spec.track.empty()) return bad("track is empty");
  if (spec.id_prefix.empty()) return bad("id_prefix is empty");
  absl::flat_hash_set<std::string> states;
  for (const StateSpec& s : spec.states) {
    if (s.name.empty()) return bad("a state has no name");
    if (!states.insert(s.name).second) return bad(absl::StrCat("state ", s.name, " twice"));
    if (s.sla.active() && s.sla.amount <= 0) {
      return bad(absl::StrCat("state ", s.name, " has a non-positive SLA"));
    }
  }
  if (!states.contains(spec.initial_state)) {
    return bad(absl::StrCat("initial state \"", spec.initial_state, "\" is not a state"));
  }
  for (const std::string& s : spec.other_create_states) {
    if (!states.contains(s)) return bad(absl::StrCat("create state \"", s, "\" is not a state"));
  }
  absl::flat_hash_set<std::string> verbs;
  for (const TransitionSpec& t : spec.transitions) {
    if (t.verb.empty()) return bad("a transition has no verb");
    if (t.verb == kCreateAction || t.verb == kBreachAction) {
      return bad(absl::StrCat("verb ", t.verb, " is reserved for the engine"));
    }
    if (!verbs.insert(t.verb).second) return bad(absl::StrCat("verb ", t.verb, " twice"));
    for (const std::string& from : t.from) {
      if (!states.contains(from)) {
        return bad(absl::StrCat("verb ", t.verb, " from unknown state ", from));
      }
    }
    if (!t.to.empty() && !states.contains(t.to)) {
      return bad(absl::StrCat("verb ", t.verb, " to unknown state ", t.to));
    }
  }
  return absl::OkStatus();
}

const StateSpec* CaseEngine::FindState(std::string_view name) const {
  for (const StateSpec& s : spec_.states) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const TransitionSpec* CaseEngine::FindTransition(std::string_view verb) const {
  for (const TransitionSpec& t : spec_.transitions) {
    if (t.verb == verb) return &t;
  }
  return nullptr;
}

std::string CaseEngine::CaseKey(std::string_view id) const {
  return absl::StrCat(spec_.track, ":case:", absl::string_view(id.data(), id.size()));
}

std::string CaseEngine::RequestHash(std::string_view bytes) { return Sha256Hex(bytes); }

int64_t CaseEngine::CacheVersion(int64_t version, bool with_history) {
  return 2 * version + (with_history ? 1 : 0);
}

absl::StatusOr<store::CaseRecord> CaseEngine::StoreUpdate(const store::CaseRecord& current,
                                                          const store::CaseRecord& updated,
                                                          const store::HistoryRecord& event) {
  return WriteThrough(current, [&] { return repo_->UpdateCase(updated, current.version, event); });
}

absl::StatusOr<store::CaseRecord> CaseEngine::WriteThrough(
    const store::CaseRecord& current,
    const std::function<absl::StatusOr<store::CaseRecord>()>& write) {
  if (cache_ != nullptr) {
    cache_->MarkPending(CaseKey(current.id), CacheVersion(current.version + 1, false),
                        std::min(kPendingTtl, spec_.case_ttl));
  }
  absl::StatusOr<store::CaseRecord> stored = write();
  if (!stored.ok()) {
    // Not stored (or not known to be): the marker goes, and the next read fills the entry.
    if (cache_ != nullptr) cache_->Delete({CaseKey(current.id)});
    return stored.status();
  }
  AfterWrite(*stored);
  return stored;
}

void CaseEngine::AfterWrite(const store::CaseRecord& record) {
  if (cache_ == nullptr) return;
  cache_->PutVersioned(CaseKey(record.id), CacheVersion(record.version, false),
                       codec::EncodeCachedCase(record, nullptr), spec_.case_ttl);
  cache_->BumpGeneration(cache::AggregateScope(spec_.owner_track()));
}

absl::StatusOr<Case> CaseEngine::LoadCase(const std::string& id, bool with_history) {
  const std::string key = CaseKey(id);
  if (cache_ != nullptr) {
    if (std::optional<std::string> hit = cache_->GetVersioned(key); hit.has_value()) {
      absl::StatusOr<codec::CachedCase> cached = codec::DecodeCachedCase(*hit);
      if (cached.ok() && cached->record.track == spec_.track && cached->record.id == id &&
          (!with_history || cached->history.has_value())) {
        Case out;
        out.record = std::move(cached->record);
        if (cached->history.has_value()) out.history = std::move(*cached->history);
        return out;
      }
      // A foreign or old-format entry, or one without the history asked for: the store
      // answers and the refill below replaces it.
    }
  }
  Case out;
  GOV_ASSIGN_OR_RETURN(out.record, repo_->GetCase(spec_.track, id));
  if (with_history) {
    GOV_ASSIGN_OR_RETURN(out.history, repo_->GetHistory(spec_.track, id));
    // Every change the engine stores adds exactly one history entry, so a case at version v
    // has v entries. A write between the two reads makes the history longer: read the record
    // again so that both describe the same version.
    if (static_cast<int64_t>(out.history.size()) != out.record.version) {
      GOV_ASSIGN_OR_RETURN(out.record, repo_->GetCase(spec_.track, id));
      GOV_ASSIGN_OR_RETURN(out.history, repo_->GetHistory(spec_.track, id));
    }
  }
  if (cache_ != nullptr) {
    const bool consistent = static_cast<int64_t>(out.history.size()) == out.record.version;
    const bool cache_history = with_history && consistent;
    cache_->PutVersioned(
        key, CacheVersion(out.record.version, cache_history),
        codec::EncodeCachedCase(out.record, cache_history ? &out.history : nullptr),
        spec_.case_ttl);
  }
  return out;
}

absl::StatusOr<Case> CaseEngine::Create(const auth::Principal& who, const NewCase& input,
                                        const std::string& request_id,
                                        const std::string& request_hash) {
  GOV_RETURN_IF_ERROR(spec_status_);
  if (!who.HasRole(auth::kDistrictAdmin) && !who.HasAnyRole(spec_.create_roles)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not open ", spec_.track, " cases"));
  }
  if (!who.CanAccessStreet(input.street_id)) {
    return absl::PermissionDeniedError(
        absl::StrCat("street \"", input.street_id, "\" is outside the caller's scope"));
  }
  GOV_RETURN_IF_ERROR(ValidateRequestId(request_id));
  const absl::Time now = clock_->Now();
  if (input.occurred_at.has_value() && *input.occurred_at > now + kMaxOccurrenceSkew) {
    return InvalidField("occurred_at", "in the future");
  }

  const std::string& state = input.state.empty() ? spec_.initial_state : input.state;
  if (state != spec_.initial_state &&
      std::find(spec_.other_create_states.begin(), spec_.other_create_states.end(), state) ==
          spec_.other_create_states.end()) {
    return absl::InternalError(
        absl::StrCat(spec_.track, " cases may not be created in state ", state));
  }
  const StateSpec* initial = FindState(state);
  store::CaseRecord record;
  record.track = spec_.track;
  record.category = input.category;
  record.street_id = input.street_id;
  record.community_id = input.community_id;
  record.grid_id = input.grid_id;
  record.unit_id = input.unit_id;
  record.status = initial->name;
  record.priority = input.priority;
  // Counted and listed by when it happened; the intake itself (history, clock) is now.
  record.create_time = input.occurred_at.value_or(now);
  record.update_time = now;
  record.due_time = calendar_->DueTime(input.sla.value_or(initial->sla), now);
  record.payload = input.payload;

  store::HistoryRecord first;
  first.time = now;
  first.actor = who.id;
  first.action = kCreateAction;
  first.to_status = initial->name;
  first.note = input.note;

  GOV_ASSIGN_OR_RETURN(store::CreateCaseResult result,
                       repo_->CreateCase(record, first, request_id, request_hash, spec_.id_prefix));

  Case out;
  out.created = result.created;
  if (result.created) {
    metrics_->opened->Add(StreetLabels(record.street_id)).Increment();
    first.sequence = 1;
    out.history.push_back(std::move(first));
  } else {
    // A retry: the same hash means the same request, but the first call's case is what counts,
    // and it may have moved on since.
    if (!who.CanAccessStreet(result.record.street_id)) {
      return absl::PermissionDeniedError("the case of this request is outside the caller's scope");
    }
    GOV_ASSIGN_OR_RETURN(out.history, repo_->GetHistory(spec_.track, result.record.id));
  }
  out.record = std::move(result.record);
  AfterWrite(out.record);
  return out;
}

absl::StatusOr<Case> CaseEngine::Get(const auth::Principal& who, const std::string& id,
                                     bool with_history) {
  GOV_RETURN_IF_ERROR(spec_status_);
  if (id.empty()) return InvalidField("id", "required");
  GOV_ASSIGN_OR_RETURN(Case out, LoadCase(id, with_history));
  if (!who.CanAccessStreet(out.record.street_id)) {
    return absl::PermissionDeniedError(absl::StrCat("case ", id, " is outside the caller's scope"));
  }
  if (!with_history) out.history.clear();
  return out;
}

absl::StatusOr<Case> CaseEngine::TransitionWithHistory(
    const auth::Principal& who, const std::string& verb, const std::string& id,
    const std::string& etag, const std::string& note, const Mutation& mutation) {
  GOV_ASSIGN_OR_RETURN(Case moved, Transition(who, verb, id, etag, note, mutation));
  absl::StatusOr<Case> current = Get(who, id, /*with_history=*/true);
  if (current.ok()) {
    for (store::HistoryRecord& event : current->history) {
      if (event.sequence <= moved.record.version) moved.history.push_back(std::move(event));
    }
  } else {
    log::Warn("history unavailable after a write", {{"track", spec_.track},
                                                    {"id", id},
                                                    {"verb", verb},
                                                    {"error", current.status().ToString()}});
  }
  return moved;
}

absl::StatusOr<Case> CaseEngine::Transition(const auth::Principal& who, const std::string& verb,
                                            const std::string& id, const std::string& etag,
                                            const std::string& note, const Mutation& mutation) {
  GOV_RETURN_IF_ERROR(spec_status_);
  const TransitionSpec* t = FindTransition(verb);
  if (t == nullptr) {
    return absl::InternalError(absl::StrCat("track ", spec_.track, " has no verb ", verb));
  }
  if (!who.HasRole(auth::kDistrictAdmin) && !who.HasAnyRole(t->roles)) {
    return absl::PermissionDeniedError(absl::StrCat("principal ", who.id, " may not ", verb));
  }
  if (id.empty()) return InvalidField("id", "required");
  if (etag.empty()) return InvalidField("etag", "required");

  // The store, not the cache, is the truth an etag is compared with.
  GOV_ASSIGN_OR_RETURN(const store::CaseRecord current, repo_->GetCase(spec_.track, id));
  if (!who.CanAccessStreet(current.street_id)) {
    return absl::PermissionDeniedError(absl::StrCat("case ", id, " is outside the caller's scope"));
  }
  if (etag != absl::StrCat("v", current.version)) {
    return absl::AbortedError(
        absl::StrCat("case ", id, " has changed (etag ", etag, " is not current)"));
  }
  if (!t->from.empty() &&
      std::find(t->from.begin(), t->from.end(), current.status) == t->from.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot ", verb, " a case in state ", current.status));
  }

  store::CaseRecord updated = current;
  if (mutation) {
    GOV_RETURN_IF_ERROR(mutation(updated));
    if (updated.id != current.id || updated.track != current.track ||
        updated.status != current.status || updated.version != current.version ||
        updated.create_time != current.create_time) {
      return absl::InternalError(
          absl::StrCat("the mutation of ", verb, " changed a field the engine owns"));
    }
    if (updated.street_id != current.street_id && !who.CanAccessStreet(updated.street_id)) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", updated.street_id, "\" is outside the caller's scope"));
    }
  }

  const absl::Time now = clock_->Now();
  if (!t->to.empty()) {
    updated.status = t->to;
    if (t->restart_sla) {
      updated.due_time = calendar_->DueTime(FindState(t->to)->sla, now);
      updated.sla_breached = false;
    }
  }
  updated.update_time = now;

  store::HistoryRecord event;
  event.time = now;
  event.actor = who.id;
  event.action = verb;
  event.from_status = current.status;
  event.to_status = updated.status;
  event.note = note;

  Case out;
  GOV_ASSIGN_OR_RETURN(out.record, StoreUpdate(current, updated, event));
  return out;
}

absl::StatusOr<CaseEngine::Erasure> CaseEngine::ErasePersonalData(const auth::Principal& who,
                                                                  const std::string& id,
                                                                  const std::string& reason,
                                                                  const PersonalDataEraser& erase) {
  GOV_RETURN_IF_ERROR(spec_status_);
  if (id.empty()) return InvalidField("case_id", "required");
  // A write of the case between the read and the erasure makes the store refuse it (ABORTED):
  // read again and erase what that write left.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    GOV_ASSIGN_OR_RETURN(const store::CaseRecord current, repo_->GetCase(spec_.track, id));
    if (!who.CanAccessStreet(current.street_id)) {
      return absl::PermissionDeniedError(
          absl::StrCat("case ", id, " is outside the caller's scope"));
    }
    GOV_ASSIGN_OR_RETURN(const std::vector<store::HistoryRecord> history,
                         repo_->GetHistory(spec_.track, id));
    Erasure out;
    store::CaseRecord erased = current;
    GOV_ASSIGN_OR_RETURN(out.fields_cleared, erase(erased));
    if (erased.id != current.id || erased.track != current.track ||
        erased.status != current.status || erased.version != current.version ||
        erased.street_id != current.street_id || erased.community_id != current.community_id ||
        erased.unit_id != current.unit_id || erased.category != current.category) {
      return absl::InternalError("erasing personal data changed a field the engine owns");
    }
    for (const store::HistoryRecord& h : history) {
      // An earlier erasure's note is its reason, which names no one: it stays.
      if (!h.note.empty() && h.action != kErasePersonalData) ++out.notes_cleared;
    }
    if (out.fields_cleared == 0 && out.notes_cleared == 0) {
      out.erased.record = current;
      return out;
    }

    store::HistoryRecord event;
    event.time = clock_->Now();
    event.actor = who.id;
    event.action = kErasePersonalData;
    event.note = reason;
    absl::StatusOr<store::CaseRecord> stored = WriteThrough(current, [&] {
      return repo_->EraseCasePersonalData(spec_.track, id, erased.payload, current.version, event);
    });
    if (!stored.ok()) {
      if (absl::IsAborted(stored.status()) && attempt < kAttempts) continue;
      return stored.status();
    }
    out.erased.record = *std::move(stored);
    return out;
  }
}

absl::StatusOr<ListResult> CaseEngine::List(const auth::Principal& who, ListRequest request) {
  GOV_RETURN_IF_ERROR(spec_status_);
  GOV_ASSIGN_OR_RETURN(const int size, PageSize(request.page_size));
  store::CaseFilter filter = std::move(request.filter);
  filter.track = spec_.track;
  filter.after_create_time.reset();
  filter.after_id.clear();
  if (!who.district_wide()) {
    if (!filter.street_id.empty() && !who.CanAccessStreet(filter.street_id)) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", filter.street_id, "\" is outside the caller's scope"));
    }
    std::vector<std::string> allowed;
    if (filter.streets.empty()) {
      allowed = SortedStreets(who.streets);
    } else {
      for (const std::string& s : filter.streets) {
        if (who.CanAccessStreet(s)) allowed.push_back(s);
      }
      // An empty list means "all streets" to the store, so it must never reach it here.
      if (allowed.empty()) {
        return absl::PermissionDeniedError(
            "none of the streets asked for is in the caller's scope");
      }
    }
    filter.streets = Sorted(std::move(allowed));
  }

  const std::string binding = FilterBinding(filter);
  if (!request.page_token.empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         DecodePageToken(request.page_token, binding));
    int64_t nanos = 0;
    if (cursor.size() != 2 || !absl::SimpleAtoi(cursor[0], &nanos) || cursor[1].empty()) {
      return InvalidField("page_token", "invalid or from another query");
    }
    filter.after_create_time = absl::FromUnixNanos(nanos);
    filter.after_id = cursor[1];
  }
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::CaseRecord> rows, repo_->ListCases(filter));

  ListResult result;
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    const store::CaseRecord& last = rows.back();
    result.next_page_token =
        EncodePageToken(binding, {absl::StrCat(absl::ToUnixNanos(last.create_time)), last.id});
  }
  result.cases.reserve(rows.size());
  for (store::CaseRecord& row : rows) result.cases.push_back(Case{std::move(row), {}});
  return result;
}

absl::StatusOr<std::vector<store::CountRow>> CaseEngine::Counts(store::CountQuery query) const {
  query.track = spec_.track;
  return repo_->SumCases(query);
}

absl::StatusOr<int> CaseEngine::ScanBreaches() {
  GOV_RETURN_IF_ERROR(spec_status_);
  int marked = 0;
  for (;;) {
    const absl::Time now = clock_->Now();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> overdue,
                         repo_->ListOverdue(spec_.track, now, kBreachBatch));
    int progress = 0;
    for (const store::CaseRecord& c : overdue) {
      store::CaseRecord updated = c;
      updated.sla_breached = true;
      updated.update_time = now;
      store::HistoryRecord event;
      event.time = now;
      event.actor = kSystemActor;
      event.action = kBreachAction;
      event.from_status = c.status;
      event.to_status = c.status;
      absl::StatusOr<store::CaseRecord> stored = StoreUpdate(c, updated, event);
      if (absl::IsAborted(stored.status())) {
        // Changed meanwhile (perhaps with a new clock): the next scan looks at it again.
        continue;
      }
      if (!stored.ok()) return stored.status();
      ++progress;
      metrics_->breaches->Add(StreetLabels(c.street_id)).Increment();
    }
    marked += progress;
    // A short batch is the last; a batch where every case raced with a writer would only
    // come back the same, so it waits for the next scan.
    if (static_cast<int>(overdue.size()) < kBreachBatch || progress == 0) break;
  }
  if (marked > 0) {
    log::Info("sla breaches marked", {{"track", spec_.track}, {"count", absl::StrCat(marked)}});
  }
  return marked;
}

absl::Status CaseEngine::RefreshCaseGauges() {
  GOV_RETURN_IF_ERROR(spec_status_);
  store::CountQuery query;
  query.track = spec_.track;
  // Every day a case can have been opened on.
  query.first = absl::CivilDay(1970, 1, 1);
  query.last = absl::CivilDay(2999, 12, 31);
  query.by_street = true;
  query.by_status = true;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, repo_->SumCases(query));

  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> counts;
  for (const store::CountRow& row : rows) {
    counts[{row.status, StreetLabel(row.street_id)}] += row.count;
  }
  absl::MutexLock lock(&metrics_->mu);
  for (const auto& series : metrics_->gauge_series) {
    if (!counts.contains(series)) counts[series] = 0;
  }
  metrics_->gauge_series.clear();
  for (const auto& [series, count] : counts) {
    prometheus::Labels labels = StreetLabels(series.second);
    labels["status"] = series.first;
    metrics_->cases->Add(labels).Set(static_cast<double>(count));
    metrics_->gauge_series.insert(series);
    // The counters of every street with cases exist from here on, at 0 until something
    // happens, so that their rates read 0 rather than nothing (a track without clocks never
    // breaches).
    const prometheus::Labels street = StreetLabels(series.second);
    metrics_->opened->Add(street);
    metrics_->breaches->Add(street);
  }
  return absl::OkStatus();
}

absl::Status FilterByPeriod(const governance::v1::Period& period, absl::Time now,
                            store::CaseFilter& filter, std::string_view field) {
  if (period.year() == 0 && period.part_case() == governance::v1::Period::PART_NOT_SET) {
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(period, field));
  const cal::DayRange days = cal::Resolve(period, now);
  filter.created_from = absl::FromCivil(days.first, cal::DistrictZone());
  filter.created_to = absl::FromCivil(days.last + 1, cal::DistrictZone());
  return absl::OkStatus();
}

}  // namespace gov::cases
