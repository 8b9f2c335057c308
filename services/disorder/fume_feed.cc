// The fume feed's batches of readings: validated, grouped by restaurant and applied to each
// restaurant's state under compare-and-swap.
#include "services/disorder/fume_feed.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"
#include "services/disorder/validation.h"

// Each episode's complaint is submitted with request id "fume-feed/<restaurant>/<start>":
// whoever completes an episode (the batch that started it, a concurrent batch, the upkeep after
// a crash) stores the same row (fume_rows.h) and raises the same complaint.
//
// The order of an episode: (1) the state is swapped to one whose latest episode has no
// complaint (key "PENDING"); no later reading is applied to the restaurant until (2) the
// episode's row is recorded, (3) its complaint submitted, (4) the complaint's id stored on the
// row ("RAISED") and (5) on the state (key ""). A crash anywhere leaves a PENDING state or row
// that the next batch for the restaurant, or Sweep, completes; while PENDING the episode does
// not change, so every completion raises the same complaint.
namespace gov::disorder {
namespace {

constexpr int kMaxReadings = 500;
// Compare-and-swap attempts on a restaurant's state before its remaining readings are refused
// (ABORTED); only concurrent batches for the same restaurant contend.
constexpr int kAttempts = 32;

using Item = FumeFeed::Reading;

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

void FailRest(const std::vector<Item>& items, size_t pos, const absl::Status& status,
              dv1::RecordFumeReadingsResponse* out) {
  for (size_t i = pos; i < items.size(); ++i) {
    Refuse(out->mutable_results(items[i].index), status);
  }
}

}  // namespace

FumeFeed::FumeFeed(const server::TrackDeps& deps, const Rules& rules, Complaints* complaints,
                   cases::CaseEngine* complaint_engine, const registry::Registry* objects)
    : deps_(deps),
      rules_(&rules),
      complaints_(complaints),
      complaint_engine_(complaint_engine),
      objects_(objects),
      rows_(deps) {
  if (deps.registry == nullptr) return;
  auto& family = prometheus::BuildCounter()
                     .Name("governance_monitoring_readings_total")
                     .Help(
                         "Readings of the monitoring feeds, by track, feed and outcome (normal, "
                         "over_limit, episode_started, stale, refused).")
                     .Register(*deps.registry);
  auto counter = [&](const char* outcome) {
    return &family.Add({{"track", kTrack}, {"feed", "fume"}, {"outcome", outcome}});
  };
  normal_ = counter("normal");
  over_limit_ = counter("over_limit");
  episode_started_ = counter("episode_started");
  stale_ = counter("stale");
  refused_ = counter("refused");
}

void FumeFeed::Count(const dv1::FumeReadingResult& r) const {
  prometheus::Counter* c = nullptr;
  if (r.code() != 0) {
    c = refused_;
  } else {
    switch (r.outcome()) {
      case dv1::FUME_READING_OUTCOME_NORMAL:
        c = normal_;
        break;
      case dv1::FUME_READING_OUTCOME_OVER_LIMIT:
        c = over_limit_;
        break;
      case dv1::FUME_READING_OUTCOME_EPISODE_STARTED:
        c = episode_started_;
        break;
      case dv1::FUME_READING_OUTCOME_STALE:
        c = stale_;
        break;
      default:
        break;
    }
  }
  if (c != nullptr) c->Increment();
}

double FumeFeed::LimitOf(const dv1::MonitoredObject& object) const {
  return rules_->FumeLimit(object.fume_monitor().limit_mg_m3());
}

// Chunk by chunk (see Simulate).
void FumeFeed::Apply(const dv1::MonitoredObject& object, const std::vector<Item>& items,
                     dv1::RecordFumeReadingsResponse* out) const {
  const double limit = LimitOf(object);
  const absl::Duration quiet = rules_->FumeQuiet();
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
    absl::StatusOr<StateRow> current = rows_.LoadState(object);
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
        const absl::Status synced = rows_.SyncEpisodeRow(current->state.current_episode());
        if (!synced.ok()) return FailRest(items, pos, synced, out);
      }
      absl::StatusOr<StateRow> swapped = rows_.SwapState(*current, chunk.state);
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
        const absl::Status synced = rows_.SyncEpisodeRow(episode);
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

// The monitoring platform (system) sends readings; district administrators may replay them (the
// method's declared access).
absl::Status FumeFeed::Record(const auth::Principal&, const dv1::RecordFumeReadingsRequest& in,
                              dv1::RecordFumeReadingsResponse* out) {
  if (in.readings_size() < 1 || in.readings_size() > kMaxReadings) {
    return InvalidField("readings", absl::StrCat("1 to ", kMaxReadings, " readings"));
  }
  const absl::Time now = deps_.clock->Now();
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
      found =
          objects.emplace(reading.object_id(), LoadObject(*objects_, reading.object_id())).first;
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
    Apply(*objects.at(object_id), items, out);
  }
  for (const dv1::FumeReadingResult& r : out->results()) {
    Count(r);
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

}  // namespace gov::disorder
