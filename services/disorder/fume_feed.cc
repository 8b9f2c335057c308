#include "services/disorder/fume_feed.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/demo_random.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/disorder/complaints.h"
#include "services/disorder/objects.h"

// How the feed lies in the store's generic entity rows (track "disorder"):
//
// clang-format off
// | kind           | id      | street_id / community_id | parent_id        | key                  |
// |----------------|---------|--------------------------|------------------|----------------------|
// | "fume_state"   | FS-...  | the restaurant's         | the restaurant   | "PENDING" while its  |
// |                |         |                          |                  | episode has no       |
// |                |         |                          |                  | complaint, else ""   |
// | "fume_episode" | F-...   | the restaurant's         | the restaurant   | "PENDING" until its  |
// |                |         |                          |                  | complaint is stored, |
// |                |         |                          |                  | then "RAISED"        |
// clang-format on
//
// A restaurant's state (payload: FumeState — the last reading taken, the limit it was judged by,
// and its latest episode with the episode's id and complaint once raised) is created once
// (request id "fume-state/<restaurant>") and replaced only by compare-and-swap on its version:
// concurrent batches for one restaurant serialise on it, the loser re-reads and goes on from
// what the winner left. An episode's row (payload: FumeEpisode without its id) is created with
// request id "fume-episode/<restaurant>/<start, RFC 3339 UTC>" and its complaint is submitted
// with request id "fume-feed/<restaurant>/<start>": whoever completes an episode (the batch
// that started it, a concurrent batch, the upkeep after a crash) stores the same row and
// raises the same complaint.
//
// The order of an episode: (1) the state is swapped to one whose latest episode has no
// complaint (key "PENDING"); no later reading is applied to the restaurant until (2) the
// episode's row is recorded, (3) its complaint submitted, (4) the complaint's id stored on the
// row ("RAISED") and (5) on the state (key ""). A crash anywhere leaves a PENDING state or row
// that the next batch for the restaurant, or Sweep, completes; while PENDING the episode does
// not change, so every completion raises the same complaint.
namespace gov::disorder {
namespace {

using demo::Mix;
using demo::UnitInterval;

constexpr int kMaxReadings = 500;
constexpr double kMaxConcentration = 1000;
constexpr absl::Duration kMaxAhead = absl::Minutes(5);
constexpr absl::Duration kMaxAge = absl::Hours(24 * 7);
// Compare-and-swap attempts on a restaurant's state before its remaining readings are refused
// (ABORTED); only concurrent batches for the same restaurant contend.
constexpr int kAttempts = 32;
constexpr int kSweepLimit = 500;
constexpr char kPending[] = "PENDING";
constexpr char kRaised[] = "RAISED";
// The principal the feed raises complaints as (the history's actor).
constexpr char kFeedActor[] = "fume-feed";

const registry::Layout& StateLayout() {
  static const registry::Layout* layout =
      new registry::Layout{"disorder", "fume_state", "FS", "fume state"};
  return *layout;
}

const registry::Layout& EpisodeLayout() {
  static const registry::Layout* layout =
      new registry::Layout{"disorder", "fume_episode", "F", "fume episode"};
  return *layout;
}

std::string TimeKey(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string StateRequestId(const std::string& object_id) {
  return absl::StrCat("fume-state/", object_id);
}

std::string EpisodeRequestId(const std::string& object_id, absl::Time start) {
  return absl::StrCat("fume-episode/", object_id, "/", TimeKey(start));
}

std::string ComplaintRequestId(const std::string& object_id, absl::Time start) {
  return absl::StrCat("fume-feed/", object_id, "/", TimeKey(start));
}

bool Pending(const dv1::FumeState& state) {
  return state.has_current_episode() && state.current_episode().complaint_id().empty();
}

// ---- Rows ----

struct StateRow {
  store::EntityRecord row;
  dv1::FumeState state;
};

absl::StatusOr<StateRow> DecodeState(store::EntityRecord row) {
  StateRow out;
  if (!out.state.ParseFromString(row.payload)) {
    return absl::DataLossError(
        absl::StrCat("fume state ", row.id, ": stored payload is unreadable"));
  }
  out.row = std::move(row);
  return out;
}

absl::StatusOr<dv1::FumeEpisode> DecodeEpisode(const store::EntityRecord& row) {
  dv1::FumeEpisode episode;
  if (!episode.ParseFromString(row.payload)) {
    return absl::DataLossError(
        absl::StrCat("fume episode ", row.id, ": stored payload is unreadable"));
  }
  episode.set_id(row.id);
  return episode;
}

std::string EpisodePayload(dv1::FumeEpisode episode) {
  episode.clear_id();
  return SerializeStable(episode);
}

// "F-000042" before "F-000041"; a longer number is a larger one.
bool NewerId(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

// ---- Readings ----

struct Item {
  int index;
  absl::Time time;
  double concentration;
};

// What the readings of one compare-and-swap do to a restaurant's state.
struct Chunk {
  dv1::FumeState state;
  size_t end = 0;        // readings [start, end) belong to it
  bool changed = false;  // anything to store (not only stale readings)
  bool started = false;  // it starts an episode
  std::vector<dv1::FumeReadingOutcome> outcomes;
};

// Applies readings from `pos` on, oldest first, to `state`. A reading over the limit starts an
// episode unless the restaurant's last reading over the limit was less than `quiet` before it
// (exactly `quiet` before it starts a new one). A chunk changes at most one episode: it ends
// before a reading that would start an episode once it has started or extended one, so that the
// episode it leaves behind is the state's latest (and completed before the next one starts).
Chunk Simulate(const std::string& object_id, const dv1::FumeState& state,
               const std::vector<Item>& items, size_t pos, double limit, absl::Duration quiet) {
  Chunk chunk;
  chunk.state = state;
  chunk.end = pos;
  bool touched = false;
  for (size_t i = pos; i < items.size(); ++i) {
    const Item& item = items[i];
    dv1::FumeState& s = chunk.state;
    if (s.has_last_reading_time() && item.time <= FromTimestamp(s.last_reading_time())) {
      chunk.outcomes.push_back(dv1::FUME_READING_OUTCOME_STALE);
      chunk.end = i + 1;
      continue;
    }
    dv1::FumeReadingOutcome outcome = dv1::FUME_READING_OUTCOME_NORMAL;
    if (item.concentration > limit) {
      const bool continues =
          s.has_current_episode() &&
          item.time - FromTimestamp(s.current_episode().last_over_time()) < quiet;
      if (continues) {
        dv1::FumeEpisode* e = s.mutable_current_episode();
        *e->mutable_last_over_time() = ToTimestamp(item.time);
        e->set_peak_mg_m3(std::max(e->peak_mg_m3(), item.concentration));
        e->set_readings_over(e->readings_over() + 1);
        outcome = dv1::FUME_READING_OUTCOME_OVER_LIMIT;
      } else {
        if (touched) break;
        dv1::FumeEpisode* e = s.mutable_current_episode();
        e->Clear();
        e->set_object_id(object_id);
        *e->mutable_start_time() = ToTimestamp(item.time);
        *e->mutable_last_over_time() = ToTimestamp(item.time);
        e->set_peak_mg_m3(item.concentration);
        e->set_readings_over(1);
        outcome = dv1::FUME_READING_OUTCOME_EPISODE_STARTED;
        chunk.started = true;
      }
      touched = true;
    }
    *s.mutable_last_reading_time() = ToTimestamp(item.time);
    s.set_last_concentration_mg_m3(item.concentration);
    s.set_limit_mg_m3(limit);
    chunk.outcomes.push_back(outcome);
    chunk.changed = true;
    chunk.end = i + 1;
  }
  return chunk;
}

void Refuse(dv1::FumeReadingResult* result, const absl::Status& status) {
  result->set_code(static_cast<int32_t>(status.code()));
  result->set_message(std::string(status.message()));
  result->set_field(FieldOf(status));
  result->set_outcome(dv1::FUME_READING_OUTCOME_UNSPECIFIED);
  result->clear_episode_id();
  result->clear_complaint_id();
}

absl::Status ValidateReading(const dv1::FumeReading& r, const std::string& prefix, absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateId(r.object_id(), prefix + ".object_id"));
  const std::string time_field = prefix + ".read_time";
  if (!r.has_read_time()) return InvalidField(time_field, "required");
  // Within the Timestamp's own range (years 1..9999).
  if (r.read_time().nanos() < 0 || r.read_time().nanos() > 999999999 ||
      r.read_time().seconds() < -62135596800 || r.read_time().seconds() > 253402300799) {
    return InvalidField(time_field, "not a valid timestamp");
  }
  const absl::Time t = FromTimestamp(r.read_time());
  if (t > now + kMaxAhead) {
    return InvalidField(time_field, "more than 5 minutes ahead of the server's clock");
  }
  if (t < now - kMaxAge) return InvalidField(time_field, "older than 7 days");
  const double c = r.concentration_mg_m3();
  // Written so that NaN fails too.
  if (!(c >= 0 && c <= kMaxConcentration)) {
    return InvalidField(prefix + ".concentration_mg_m3",
                        absl::StrCat("must lie within 0..", kMaxConcentration, " mg/m³"));
  }
  return absl::OkStatus();
}

}  // namespace

struct FumeFeed::Impl {
  explicit Impl(const DisorderContext& c) : ctx(c) {
    if (ctx.registry == nullptr) return;
    auto& family = prometheus::BuildCounter()
                       .Name("governance_monitoring_readings_total")
                       .Help(
                           "Readings of the monitoring feeds, by track, feed and outcome (normal, "
                           "over_limit, episode_started, stale, refused).")
                       .Register(*ctx.registry);
    auto counter = [&](const char* outcome) {
      return &family.Add({{"track", kTrack}, {"feed", "fume"}, {"outcome", outcome}});
    };
    normal = counter("normal");
    over_limit = counter("over_limit");
    episode_started = counter("episode_started");
    stale = counter("stale");
    refused = counter("refused");
  }

  const DisorderContext ctx;
  prometheus::Counter* normal = nullptr;
  prometheus::Counter* over_limit = nullptr;
  prometheus::Counter* episode_started = nullptr;
  prometheus::Counter* stale = nullptr;
  prometheus::Counter* refused = nullptr;

  void Count(const dv1::FumeReadingResult& r) const {
    prometheus::Counter* c = nullptr;
    if (r.code() != 0) {
      c = refused;
    } else {
      switch (r.outcome()) {
        case dv1::FUME_READING_OUTCOME_NORMAL:
          c = normal;
          break;
        case dv1::FUME_READING_OUTCOME_OVER_LIMIT:
          c = over_limit;
          break;
        case dv1::FUME_READING_OUTCOME_EPISODE_STARTED:
          c = episode_started;
          break;
        case dv1::FUME_READING_OUTCOME_STALE:
          c = stale;
          break;
        default:
          break;
      }
    }
    if (c != nullptr) c->Increment();
  }

  double LimitOf(const dv1::MonitoredObject& object) const {
    return ctx.rules->FumeLimit(object.fume_monitor().limit_mg_m3());
  }

  // ---- State ----

  absl::StatusOr<std::optional<StateRow>> FindState(const std::string& object_id) const {
    store::EntityFilter filter;
    filter.track = StateLayout().track;
    filter.kind = StateLayout().kind;
    filter.parent_id = object_id;
    filter.limit = 1;
    GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, ctx.repo->ListEntities(filter));
    if (rows.empty()) return std::nullopt;
    GOV_ASSIGN_OR_RETURN(StateRow state, DecodeState(std::move(rows.front())));
    return state;
  }

  // The restaurant's state, created empty on its first reading (idempotently: concurrent first
  // batches get the one row).
  absl::StatusOr<StateRow> LoadState(const dv1::MonitoredObject& object) const {
    GOV_ASSIGN_OR_RETURN(std::optional<StateRow> found, FindState(object.id()));
    if (found.has_value()) return std::move(*found);
    store::EntityRecord row;
    row.street_id = object.region().street_id();
    row.community_id = object.region().community_id();
    row.parent_id = object.id();
    GOV_ASSIGN_OR_RETURN(store::EntityRecord created,
                         registry::Create(*ctx.repo, StateLayout(), std::move(row),
                                          ctx.clock->Now(), StateRequestId(object.id())));
    return DecodeState(std::move(created));
  }

  // Swaps the state's payload (ABORTED when another writer came first).
  absl::StatusOr<StateRow> SwapState(StateRow current, dv1::FumeState next) const {
    const int64_t version = current.row.version;
    current.row.payload = SerializeStable(next);
    current.row.key = Pending(next) ? kPending : "";
    current.row.update_time = ctx.clock->Now();
    GOV_ASSIGN_OR_RETURN(store::EntityRecord stored, ctx.repo->UpdateEntity(current.row, version));
    return StateRow{std::move(stored), std::move(next)};
  }

  // Step (5): the state's pending episode (the one starting when `raised` starts) takes the
  // episode's id and complaint. Nothing to do when another completion did it first.
  absl::Status MarkStateRaised(StateRow current, const dv1::FumeEpisode& raised) const {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      if (!Pending(current.state) || FromTimestamp(current.state.current_episode().start_time()) !=
                                         FromTimestamp(raised.start_time())) {
        return absl::OkStatus();
      }
      dv1::FumeState next = current.state;
      next.mutable_current_episode()->set_id(raised.id());
      next.mutable_current_episode()->set_complaint_id(raised.complaint_id());
      absl::StatusOr<StateRow> swapped = SwapState(current, std::move(next));
      if (swapped.ok()) return absl::OkStatus();
      if (!absl::IsAborted(swapped.status())) return swapped.status();
      GOV_ASSIGN_OR_RETURN(
          store::EntityRecord row,
          ctx.repo->GetEntity(StateLayout().track, StateLayout().kind, current.row.id));
      GOV_ASSIGN_OR_RETURN(current, DecodeState(std::move(row)));
    }
    return absl::AbortedError(absl::StrCat("fume state ", current.row.id, " kept changing"));
  }

  // ---- Episodes ----

  // Step (2): the episode's row, recorded once whoever records it (the stored row, possibly
  // with its complaint already, when it was recorded before).
  absl::StatusOr<store::EntityRecord> RecordEpisode(const dv1::MonitoredObject& object,
                                                    const dv1::FumeEpisode& pending) const {
    dv1::FumeEpisode episode = pending;
    episode.set_object_id(object.id());
    episode.clear_complaint_id();
    store::EntityRecord row;
    row.street_id = object.region().street_id();
    row.community_id = object.region().community_id();
    row.parent_id = object.id();
    row.key = kPending;
    row.payload = EpisodePayload(episode);
    return registry::Create(*ctx.repo, EpisodeLayout(), std::move(row), ctx.clock->Now(),
                            EpisodeRequestId(object.id(), FromTimestamp(pending.start_time())));
  }

  // Writes `apply` to the episode's row under compare-and-swap until it sticks; `apply`
  // returns false when the row needs no change.
  absl::StatusOr<dv1::FumeEpisode> EditEpisode(
      const std::string& id, const std::function<bool(dv1::FumeEpisode&)>& apply) const {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      GOV_ASSIGN_OR_RETURN(store::EntityRecord row,
                           ctx.repo->GetEntity(EpisodeLayout().track, EpisodeLayout().kind, id));
      GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, DecodeEpisode(row));
      if (!apply(episode)) return episode;
      const int64_t version = row.version;
      row.payload = EpisodePayload(episode);
      row.key = episode.complaint_id().empty() ? kPending : kRaised;
      row.update_time = ctx.clock->Now();
      absl::StatusOr<store::EntityRecord> stored = ctx.repo->UpdateEntity(row, version);
      if (stored.ok()) return episode;
      if (!absl::IsAborted(stored.status())) return stored.status();
    }
    return absl::AbortedError(absl::StrCat("fume episode ", id, " kept changing"));
  }

  // Step (4).
  absl::StatusOr<dv1::FumeEpisode> StoreComplaintId(const std::string& episode_id,
                                                    const std::string& complaint_id) const {
    return EditEpisode(episode_id, [&](dv1::FumeEpisode& e) {
      if (!e.complaint_id().empty()) return false;
      e.set_complaint_id(complaint_id);
      return true;
    });
  }

  // Brings a raised episode's row up to the state's account of it (the row follows the state;
  // a crash between the two leaves the row behind until this runs again).
  absl::Status SyncEpisodeRow(const dv1::FumeEpisode& latest) const {
    if (latest.id().empty()) return absl::OkStatus();
    return EditEpisode(latest.id(),
                       [&](dv1::FumeEpisode& e) {
                         if (e.readings_over() >= latest.readings_over()) return false;
                         const std::string complaint = e.complaint_id();
                         e = latest;
                         e.clear_id();
                         if (e.complaint_id().empty()) e.set_complaint_id(complaint);
                         return true;
                       })
        .status();
  }

  // Step (3): the episode's complaint, as the system, with the restaurant's place. The request
  // id makes it one complaint however often this runs. Its content is the episode as recorded
  // (which does not change until the complaint is stored) and the restaurant as it is now; when
  // the restaurant was edited between a first submission and a retry, the store refuses the
  // request id for other content and the complaint is found by the episode id it names.
  absl::StatusOr<std::string> Raise(const dv1::MonitoredObject& object,
                                    const dv1::FumeEpisode& episode, absl::Time recorded_at) const {
    const absl::Time start = FromTimestamp(episode.start_time());
    dv1::SubmitComplaintRequest request;
    request.set_request_id(ComplaintRequestId(object.id(), start));
    dv1::Complaint* c = request.mutable_complaint();
    c->set_category(dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
    c->set_channel(dv1::CHANNEL_MONITORING);
    *c->mutable_region() = object.region();
    if (object.has_location()) *c->mutable_location() = object.location();
    c->set_address(object.address());
    c->set_description(absl::StrFormat(
        "油烟在线监测超标：%s（设备 %s）自 %s 起油烟浓度超过限值 %.2f mg/m³，峰值 %.2f "
        "mg/m³（监测事件 %s，系统自动上报）",
        object.name(), object.fume_monitor().device_id(),
        absl::FormatTime("%Y-%m-%d %H:%M", start, cal::DistrictZone()), LimitOf(object),
        episode.peak_mg_m3(), episode.id()));
    dv1::SubmitComplaintResponse response;
    const absl::Status submitted =
        ctx.complaints->Submit(auth::SystemPrincipal(kFeedActor), request, &response);
    if (submitted.ok()) return response.complaint().id();
    if (!absl::IsAlreadyExists(submitted)) return submitted;
    return FindRaised(object, episode.id(), recorded_at);
  }

  // The monitoring complaint naming the episode, taken in after the episode was recorded.
  absl::StatusOr<std::string> FindRaised(const dv1::MonitoredObject& object,
                                         const std::string& episode_id,
                                         absl::Time recorded_at) const {
    store::CaseFilter filter;
    filter.track = kTrack;
    filter.street_id = object.region().street_id();
    filter.categories = {EnumKey(dv1::COMPLAINT_CATEGORY_COOKING_FUMES)};
    filter.created_from = recorded_at - absl::Seconds(1);
    filter.limit = 200;
    const std::string mark = absl::StrCat("监测事件 ", episode_id, "，");
    for (;;) {
      GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> page, ctx.repo->ListCases(filter));
      for (const store::CaseRecord& record : page) {
        dv1::Complaint complaint;
        if (complaint.ParseFromString(record.payload) &&
            complaint.channel() == dv1::CHANNEL_MONITORING &&
            absl::StrContains(complaint.description(), mark)) {
          return record.id;
        }
      }
      if (static_cast<int>(page.size()) < filter.limit) break;
      filter.after_create_time = page.back().create_time;
      filter.after_id = page.back().id;
    }
    return absl::InternalError(absl::StrCat("the complaint of fume episode ", episode_id,
                                            " was submitted with other content and is not found"));
  }

  // Steps (2) to (5) for the state's pending episode: the episode as raised.
  absl::StatusOr<dv1::FumeEpisode> Complete(const dv1::MonitoredObject& object,
                                            StateRow current) const {
    GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                         RecordEpisode(object, current.state.current_episode()));
    GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, DecodeEpisode(row));
    if (episode.complaint_id().empty()) {
      GOV_ASSIGN_OR_RETURN(const std::string complaint, Raise(object, episode, row.create_time));
      GOV_ASSIGN_OR_RETURN(episode, StoreComplaintId(episode.id(), complaint));
      log::Info("fume episode raised", {{"object", object.id()},
                                        {"episode", episode.id()},
                                        {"complaint", episode.complaint_id()},
                                        {"start", TimeKey(FromTimestamp(episode.start_time()))}});
    }
    GOV_RETURN_IF_ERROR(MarkStateRaised(std::move(current), episode));
    return episode;
  }

  // ---- Batches ----

  void FailRest(const std::vector<Item>& items, size_t pos, const absl::Status& status,
                dv1::RecordFumeReadingsResponse* out) const {
    for (size_t i = pos; i < items.size(); ++i) {
      Refuse(out->mutable_results(items[i].index), status);
    }
  }

  // One restaurant's readings of a batch, oldest first, chunk by chunk (see Simulate).
  void Apply(const dv1::MonitoredObject& object, const std::vector<Item>& items,
             dv1::RecordFumeReadingsResponse* out) const {
    const double limit = LimitOf(object);
    const absl::Duration quiet = ctx.rules->FumeQuiet();
    size_t pos = 0;
    int attempts = 0;
    while (pos < items.size()) {
      if (++attempts > kAttempts) {
        FailRest(items, pos,
                 absl::AbortedError(absl::StrCat("restaurant ", object.id(),
                                                 ": too many concurrent batches; send again")),
                 out);
        return;
      }
      absl::StatusOr<StateRow> current = LoadState(object);
      if (!current.ok()) return FailRest(items, pos, current.status(), out);
      if (Pending(current->state)) {
        // An episode left incomplete (a concurrent batch under way, or a crash): completed
        // before anything else is applied.
        absl::StatusOr<dv1::FumeEpisode> completed = Complete(object, *current);
        if (!completed.ok()) return FailRest(items, pos, completed.status(), out);
        continue;
      }
      Chunk chunk = Simulate(object.id(), current->state, items, pos, limit, quiet);
      if (chunk.changed) {
        if (chunk.started && current->state.has_current_episode()) {
          // The episode superseded: its row in its final form before the state forgets it.
          const absl::Status synced = SyncEpisodeRow(current->state.current_episode());
          if (!synced.ok()) return FailRest(items, pos, synced, out);
        }
        absl::StatusOr<StateRow> swapped = SwapState(*current, chunk.state);
        if (absl::IsAborted(swapped.status())) continue;
        if (!swapped.ok()) return FailRest(items, pos, swapped.status(), out);
        attempts = 0;
        dv1::FumeEpisode episode = chunk.state.current_episode();
        if (chunk.started) {
          absl::StatusOr<dv1::FumeEpisode> completed = Complete(object, *std::move(swapped));
          if (completed.ok()) {
            episode = *completed;
          } else {
            // The readings are taken; the episode is completed by the next batch or Sweep.
            log::Warn("fume episode not completed yet",
                      {{"object", object.id()}, {"error", completed.status().ToString()}});
          }
        } else if (std::any_of(chunk.outcomes.begin(), chunk.outcomes.end(),
                               [](auto o) { return o == dv1::FUME_READING_OUTCOME_OVER_LIMIT; })) {
          const absl::Status synced = SyncEpisodeRow(episode);
          if (!synced.ok()) {
            log::Warn("fume episode row behind its state",
                      {{"episode", episode.id()}, {"error", synced.ToString()}});
          }
        }
        for (size_t k = 0; k < chunk.outcomes.size(); ++k) {
          dv1::FumeReadingResult* r = out->mutable_results(items[pos + k].index);
          r->set_outcome(chunk.outcomes[k]);
          if (chunk.outcomes[k] == dv1::FUME_READING_OUTCOME_OVER_LIMIT ||
              chunk.outcomes[k] == dv1::FUME_READING_OUTCOME_EPISODE_STARTED) {
            r->set_episode_id(episode.id());
            r->set_complaint_id(episode.complaint_id());
          }
        }
      } else {
        attempts = 0;
        for (size_t k = 0; k < chunk.outcomes.size(); ++k) {
          out->mutable_results(items[pos + k].index)->set_outcome(chunk.outcomes[k]);
        }
      }
      pos = chunk.end;
    }
  }

  absl::StatusOr<std::vector<store::EntityRecord>> EpisodeRows(const std::string& object_id) const {
    store::EntityFilter filter;
    filter.track = EpisodeLayout().track;
    filter.kind = EpisodeLayout().kind;
    filter.parent_id = object_id;
    return store::ListAllEntities(*ctx.repo, std::move(filter));
  }
};

FumeFeed::FumeFeed(const DisorderContext& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
FumeFeed::~FumeFeed() = default;

// The monitoring platform (system) sends readings; district administrators may replay them (the
// method's declared access).
absl::Status FumeFeed::Record(const auth::Principal&, const dv1::RecordFumeReadingsRequest& in,
                              dv1::RecordFumeReadingsResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  if (in.readings_size() < 1 || in.readings_size() > kMaxReadings) {
    return InvalidField("readings", absl::StrCat("1 to ", kMaxReadings, " readings"));
  }
  const absl::Time now = ctx.clock->Now();
  std::map<std::string, absl::StatusOr<dv1::MonitoredObject>> objects;
  std::map<std::string, std::vector<Item>> by_object;
  for (int i = 0; i < in.readings_size(); ++i) {
    const dv1::FumeReading& reading = in.readings(i);
    dv1::FumeReadingResult* result = out->add_results();
    result->set_index(i);
    const std::string prefix = absl::StrCat("readings[", i, "]");
    if (absl::Status valid = ValidateReading(reading, prefix, now); !valid.ok()) {
      Refuse(result, valid);
      continue;
    }
    auto found = objects.find(reading.object_id());
    if (found == objects.end()) {
      found = objects.emplace(reading.object_id(), LoadObject(ctx, reading.object_id())).first;
    }
    const absl::StatusOr<dv1::MonitoredObject>& object = found->second;
    const std::string field = prefix + ".object_id";
    if (absl::IsNotFound(object.status())) {
      Refuse(result, FieldError(absl::StatusCode::kNotFound, field,
                                std::string(object.status().message())));
      continue;
    }
    if (!object.ok()) {
      Refuse(result, object.status());
      continue;
    }
    if (object->kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
      Refuse(result, FieldError(absl::StatusCode::kFailedPrecondition, field,
                                absl::StrCat("monitored object ", object->id(), " is a ",
                                             EnumKey(object->kind()), ", not a FUME_RESTAURANT")));
      continue;
    }
    if (object->status() != dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
      Refuse(result,
             FieldError(absl::StatusCode::kFailedPrecondition, field,
                        absl::StrCat("restaurant ", object->id(), " is ", EnumKey(object->status()),
                                     "; readings are taken from ACTIVE restaurants")));
      continue;
    }
    by_object[reading.object_id()].push_back(
        Item{i, FromTimestamp(reading.read_time()), reading.concentration_mg_m3()});
  }
  for (auto& [object_id, items] : by_object) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.time < b.time; });
    impl_->Apply(*objects.at(object_id), items, out);
  }
  for (const dv1::FumeReadingResult& r : out->results()) {
    impl_->Count(r);
    if (r.code() != 0) {
      out->set_failed_count(out->failed_count() + 1);
    } else if (r.outcome() == dv1::FUME_READING_OUTCOME_STALE) {
      out->set_stale_count(out->stale_count() + 1);
    } else {
      out->set_taken_count(out->taken_count() + 1);
      if (r.outcome() == dv1::FUME_READING_OUTCOME_EPISODE_STARTED) {
        out->set_episodes_started(out->episodes_started() + 1);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status FumeFeed::Episodes(const auth::Principal& who, const dv1::ListFumeEpisodesRequest& in,
                                dv1::ListFumeEpisodesResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_RETURN_IF_ERROR(ValidateId(in.object_id(), "object_id"));
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  const std::string binding = cases::PageBinding({"fume_episodes", in.object_id()});
  GOV_ASSIGN_OR_RETURN(const std::string after, cases::DecodeIdCursor(in.page_token(), binding));
  absl::StatusOr<store::EntityRecord> row =
      registry::LoadVisible(*ctx.repo, ObjectLayout(), who, in.object_id());
  if (absl::IsNotFound(row.status())) {
    return FieldError(absl::StatusCode::kNotFound, "object_id",
                      absl::StrCat("monitored object ", in.object_id(), " not found"));
  }
  GOV_RETURN_IF_ERROR(row.status());
  GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject object,
                       registry::Decode<dv1::MonitoredObject>(*row, ObjectLayout().noun));
  if (object.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "object_id",
                      absl::StrCat("monitored object ", object.id(), " is a ",
                                   EnumKey(object.kind()), ", not a FUME_RESTAURANT"));
  }
  // A restaurant's episodes (a few a day at most) are read whole and ordered newest first by
  // id: episodes of one restaurant are recorded in the order they start.
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, impl_->EpisodeRows(object.id()));
  std::sort(rows.begin(), rows.end(),
            [](const store::EntityRecord& a, const store::EntityRecord& b) {
              return NewerId(a.id, b.id);
            });
  // The state's account of its latest episode is ahead of the episode's row.
  GOV_ASSIGN_OR_RETURN(const std::optional<StateRow> state, impl_->FindState(object.id()));
  for (const store::EntityRecord& r : rows) {
    if (!after.empty() && !NewerId(after, r.id)) continue;
    if (out->episodes_size() == size) {
      out->set_next_page_token(cases::EncodePageToken(binding, {out->episodes().rbegin()->id()}));
      break;
    }
    GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, DecodeEpisode(r));
    if (state.has_value() && state->state.current_episode().id() == episode.id()) {
      episode = state->state.current_episode();
    }
    *out->add_episodes() = std::move(episode);
  }
  return absl::OkStatus();
}

absl::Status FumeFeed::AddState(dv1::MonitoredObject* object) const {
  if (object->kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) return absl::OkStatus();
  GOV_ASSIGN_OR_RETURN(const std::optional<StateRow> found, impl_->FindState(object->id()));
  if (!found.has_value() || !found->state.has_last_reading_time()) return absl::OkStatus();
  const dv1::FumeState& s = found->state;
  dv1::FumeState* state = object->mutable_fume_state();
  *state->mutable_last_reading_time() = s.last_reading_time();
  state->set_last_concentration_mg_m3(s.last_concentration_mg_m3());
  state->set_limit_mg_m3(impl_->LimitOf(*object));
  // Under way until the quiet period has passed since its last reading over the limit.
  if (s.has_current_episode() &&
      impl_->ctx.clock->Now() - FromTimestamp(s.current_episode().last_over_time()) <
          impl_->ctx.rules->FumeQuiet()) {
    *state->mutable_current_episode() = s.current_episode();
  }
  return absl::OkStatus();
}

// Completes (1) every state left with a pending episode, then (2) every episode row left
// without its complaint (its state, when it still names the episode, is marked too); up to
// kSweepLimit of each a run, the rest on the next. Runs on even when one fails; the first error
// is returned.
absl::Status FumeFeed::Sweep() {
  const Impl& impl = *impl_;
  const DisorderContext& ctx = impl.ctx;
  absl::Status first;
  auto note = [&first](const absl::Status& s, const std::string& id) {
    if (s.ok()) return;
    log::Warn("fume sweep: not completed", {{"id", id}, {"error", s.ToString()}});
    if (first.ok()) first = s;
  };

  store::EntityFilter states;
  states.track = StateLayout().track;
  states.kind = StateLayout().kind;
  states.key = kPending;
  states.limit = kSweepLimit;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> pending_states,
                       ctx.repo->ListEntities(states));
  for (store::EntityRecord& row : pending_states) {
    const std::string id = row.id;
    absl::StatusOr<StateRow> state = DecodeState(std::move(row));
    if (!state.ok()) {
      note(state.status(), id);
      continue;
    }
    if (!Pending(state->state)) continue;
    absl::StatusOr<dv1::MonitoredObject> object = LoadObject(ctx, state->row.parent_id);
    if (!object.ok()) {
      note(object.status(), id);
      continue;
    }
    note(impl.Complete(*object, *std::move(state)).status(), id);
  }

  store::EntityFilter episodes;
  episodes.track = EpisodeLayout().track;
  episodes.kind = EpisodeLayout().kind;
  episodes.key = kPending;
  episodes.limit = kSweepLimit;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> pending_rows,
                       ctx.repo->ListEntities(episodes));
  for (const store::EntityRecord& listed : pending_rows) {
    absl::Status done = [&]() -> absl::Status {
      GOV_ASSIGN_OR_RETURN(
          const store::EntityRecord row,
          ctx.repo->GetEntity(EpisodeLayout().track, EpisodeLayout().kind, listed.id));
      GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, DecodeEpisode(row));
      if (!episode.complaint_id().empty()) return absl::OkStatus();
      GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject object, LoadObject(ctx, row.parent_id));
      GOV_ASSIGN_OR_RETURN(const std::string complaint,
                           impl.Raise(object, episode, row.create_time));
      GOV_ASSIGN_OR_RETURN(episode, impl.StoreComplaintId(episode.id(), complaint));
      log::Info("fume episode raised by the sweep",
                {{"object", object.id()}, {"episode", episode.id()}, {"complaint", complaint}});
      GOV_ASSIGN_OR_RETURN(std::optional<StateRow> state, impl.FindState(object.id()));
      if (!state.has_value()) return absl::OkStatus();
      return impl.MarkStateRaised(*std::move(state), episode);
    }();
    note(done, listed.id);
  }
  return first;
}

// ---- Demo data ----

namespace {

// Restaurants with demo readings, days of readings, and the readings' interval.
constexpr int kDemoRestaurants = 12;
constexpr int kDemoDays = 3;
constexpr absl::Duration kDemoInterval = absl::Minutes(10);
constexpr int kDemoWorkers = 4;
constexpr char kDemoActor[] = "fume-demo";

// 0..1, the same for a restaurant and a time on every run.
double Unit(int restaurant, absl::Time t) {
  const uint64_t seed = Mix(static_cast<uint64_t>(restaurant) * 1000003u +
                            static_cast<uint64_t>(absl::ToUnixSeconds(t)));
  return UnitInterval(seed);
}

// The j-th demo restaurant's concentration at `t`: 0.3 to 1.3 mg/m³ (higher at meal times),
// under every limit; every third restaurant over the limit from 18:00 to 18:40 every other
// evening (one episode), every fourth from the second on at 12:00 and again at 12:30 every
// third day (one episode: the quiet period has not passed in between).
double DemoConcentration(int j, absl::Time t) {
  const absl::CivilMinute local = absl::ToCivilMinute(t, cal::DistrictZone());
  const int64_t day = absl::CivilDay(local) - absl::CivilDay(2020, 1, 1);
  const int hour = local.hour();
  const int minute = local.minute();
  const double u = Unit(j, t);
  if (j % 3 == 0 && (day + j) % 2 == 0 && hour == 18 && minute <= 40) return 2.4 + 1.2 * u;
  if (j % 4 == 1 && (day + j) % 3 == 0 && hour == 12 && (minute == 0 || minute == 30)) {
    return 2.2 + 0.8 * u;
  }
  const bool meal = (hour >= 11 && hour < 13) || (hour >= 17 && hour < 20);
  return 0.3 + 0.4 * u + (meal ? 0.6 : 0.0);
}

}  // namespace

absl::Status LoadFumeDemoData(const DisorderContext& ctx, FumeFeed& feed) {
  store::EntityFilter filter;
  filter.track = ObjectLayout().track;
  filter.kind = ObjectLayout().kind;
  filter.key = registry::KindStatusKey(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT),
                                       EnumKey(dv1::MONITORED_OBJECT_STATUS_ACTIVE));
  filter.limit = kDemoRestaurants;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> restaurants,
                       ctx.repo->ListEntities(filter));
  // Readings on the 10-minute marks of the last days, ending at the last mark before now.
  const int64_t interval = absl::ToInt64Seconds(kDemoInterval);
  const absl::Time end =
      absl::FromUnixSeconds(absl::ToUnixSeconds(ctx.clock->Now()) / interval * interval);
  const absl::Time begin = end - absl::Hours(24 * kDemoDays);
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  std::atomic<int64_t> taken{0};
  std::atomic<int64_t> stale{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> episodes{0};
  const absl::Status status = ParallelFor(
      static_cast<int>(restaurants.size()), kDemoWorkers, [&](int, int j) -> absl::Status {
        dv1::RecordFumeReadingsRequest request;
        for (absl::Time t = begin + kDemoInterval; t <= end; t += kDemoInterval) {
          dv1::FumeReading* r = request.add_readings();
          r->set_object_id(restaurants[j].id);
          *r->mutable_read_time() = ToTimestamp(t);
          r->set_concentration_mg_m3(DemoConcentration(j, t));
        }
        dv1::RecordFumeReadingsResponse response;
        GOV_RETURN_IF_ERROR(feed.Record(actor, request, &response));
        taken += response.taken_count();
        stale += response.stale_count();
        failed += response.failed_count();
        episodes += response.episodes_started();
        for (const dv1::FumeReadingResult& r : response.results()) {
          if (r.code() != 0) {
            return absl::Status(static_cast<absl::StatusCode>(r.code()),
                                absl::StrCat("demo fume reading: ", r.message()));
          }
        }
        return absl::OkStatus();
      });
  GOV_RETURN_IF_ERROR(status);
  log::Info("demo fume readings loaded", {{"restaurants", absl::StrCat(restaurants.size())},
                                          {"taken", absl::StrCat(taken.load())},
                                          {"stale", absl::StrCat(stale.load())},
                                          {"failed", absl::StrCat(failed.load())},
                                          {"episodes_started", absl::StrCat(episodes.load())}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
