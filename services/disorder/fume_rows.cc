#include "services/disorder/fume_rows.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/proto.h"
#include "common/util/status.h"

namespace gov::disorder {
namespace {

// Compare-and-swap attempts on a row before giving up (ABORTED); only concurrent batches for
// the same restaurant contend.
constexpr int kAttempts = 32;

registry::Layout StateLayout() { return {"disorder", "fume_state", "FS", "fume state"}; }
registry::Layout EpisodeLayout() { return {"disorder", "fume_episode", "F", "fume episode"}; }

std::string StateRequestId(const std::string& object_id) {
  return absl::StrCat("fume-state/", object_id);
}

std::string EpisodeRequestId(const std::string& object_id, absl::Time start) {
  return absl::StrCat("fume-episode/", object_id, "/", FumeTimeKey(start));
}

std::string EpisodePayload(dv1::FumeEpisode episode) {
  episode.clear_id();
  return SerializeStable(episode);
}

}  // namespace

std::string FumeTimeKey(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

bool Pending(const dv1::FumeState& state) {
  return state.has_current_episode() && state.current_episode().complaint_id().empty();
}

// No cache: the rows count in no aggregate, so their writes invalidate none.
FumeRows::FumeRows(const server::TrackDeps& deps)
    : states_(StateLayout(), deps.repo, /*cache=*/nullptr, deps.clock),
      episodes_(EpisodeLayout(), deps.repo, /*cache=*/nullptr, deps.clock) {}

absl::StatusOr<StateRow> FumeRows::DecodeState(store::EntityRecord row) {
  StateRow out;
  if (!out.state.ParseFromString(row.payload)) {
    return absl::DataLossError(
        absl::StrCat("fume state ", row.id, ": stored payload is unreadable"));
  }
  out.row = std::move(row);
  return out;
}

absl::StatusOr<dv1::FumeEpisode> FumeRows::DecodeEpisode(const store::EntityRecord& row) {
  dv1::FumeEpisode episode;
  if (!episode.ParseFromString(row.payload)) {
    return absl::DataLossError(
        absl::StrCat("fume episode ", row.id, ": stored payload is unreadable"));
  }
  episode.set_id(row.id);
  return episode;
}

absl::StatusOr<std::optional<StateRow>> FumeRows::FindState(const std::string& object_id) const {
  store::EntityFilter filter;
  filter.parent_id = object_id;
  filter.limit = 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, states_.Rows(std::move(filter)));
  if (rows.empty()) return std::nullopt;
  GOV_ASSIGN_OR_RETURN(StateRow state, DecodeState(std::move(rows.front())));
  return state;
}

absl::StatusOr<StateRow> FumeRows::LoadState(const dv1::MonitoredObject& object) const {
  GOV_ASSIGN_OR_RETURN(std::optional<StateRow> found, FindState(object.id()));
  if (found.has_value()) return std::move(*found);
  store::EntityRecord row;
  row.street_id = object.region().street_id();
  row.community_id = object.region().community_id();
  row.parent_id = object.id();
  GOV_ASSIGN_OR_RETURN(store::EntityRecord created,
                       states_.Create(std::move(row), StateRequestId(object.id())));
  return DecodeState(std::move(created));
}

absl::StatusOr<StateRow> FumeRows::SwapState(StateRow current, dv1::FumeState next) const {
  const std::string etag = registry::Etag(current.row.version);
  std::string key = Pending(next) ? kFumePending : "";
  GOV_ASSIGN_OR_RETURN(
      store::EntityRecord stored,
      states_.Replace(std::move(current.row), etag, std::move(key), SerializeStable(next)));
  return StateRow{std::move(stored), std::move(next)};
}

absl::Status FumeRows::MarkStateRaised(StateRow current, const dv1::FumeEpisode& raised) const {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (!Pending(current.state) || FromTimestamp(current.state.current_episode().start_time()) !=
                                       FromTimestamp(raised.start_time())) {
      return absl::OkStatus();
    }
    dv1::FumeState next = current.state;
    next.mutable_current_episode()->set_id(raised.id());
    next.mutable_current_episode()->set_complaint_id(raised.complaint_id());
    const std::string id = current.row.id;
    absl::StatusOr<StateRow> swapped = SwapState(std::move(current), std::move(next));
    if (swapped.ok()) return absl::OkStatus();
    if (!absl::IsAborted(swapped.status())) return swapped.status();
    GOV_ASSIGN_OR_RETURN(store::EntityRecord row, states_.Get(id));
    GOV_ASSIGN_OR_RETURN(current, DecodeState(std::move(row)));
  }
  return absl::AbortedError(absl::StrCat("fume state ", current.row.id, " kept changing"));
}

absl::StatusOr<std::vector<store::EntityRecord>> FumeRows::PendingStates(int limit) const {
  store::EntityFilter filter;
  filter.key = kFumePending;
  filter.limit = limit;
  return states_.Rows(std::move(filter));
}

absl::StatusOr<store::EntityRecord> FumeRows::RecordEpisode(const dv1::MonitoredObject& object,
                                                            const dv1::FumeEpisode& pending) const {
  dv1::FumeEpisode episode = pending;
  episode.set_object_id(object.id());
  episode.clear_complaint_id();
  store::EntityRecord row;
  row.street_id = object.region().street_id();
  row.community_id = object.region().community_id();
  row.parent_id = object.id();
  row.key = kFumePending;
  row.payload = EpisodePayload(episode);
  return episodes_.Create(std::move(row),
                          EpisodeRequestId(object.id(), FromTimestamp(pending.start_time())));
}

absl::StatusOr<store::EntityRecord> FumeRows::EpisodeRow(const std::string& id) const {
  return episodes_.Get(id);
}

absl::StatusOr<std::vector<store::EntityRecord>> FumeRows::EpisodeRows(
    const std::string& object_id) const {
  store::EntityFilter filter;
  filter.parent_id = object_id;
  return episodes_.AllRows(std::move(filter));
}

absl::StatusOr<std::vector<store::EntityRecord>> FumeRows::PendingEpisodes(int limit) const {
  store::EntityFilter filter;
  filter.key = kFumePending;
  filter.limit = limit;
  return episodes_.Rows(std::move(filter));
}

absl::StatusOr<dv1::FumeEpisode> FumeRows::EditEpisode(
    const std::string& id, const std::function<bool(dv1::FumeEpisode&)>& apply) const {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(store::EntityRecord row, episodes_.Get(id));
    GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, DecodeEpisode(row));
    if (!apply(episode)) return episode;
    const std::string etag = registry::Etag(row.version);
    std::string key = episode.complaint_id().empty() ? kFumePending : kFumeRaised;
    absl::StatusOr<store::EntityRecord> stored =
        episodes_.Replace(std::move(row), etag, std::move(key), EpisodePayload(episode));
    if (stored.ok()) return episode;
    if (!absl::IsAborted(stored.status())) return stored.status();
  }
  return absl::AbortedError(absl::StrCat("fume episode ", id, " kept changing"));
}

absl::StatusOr<dv1::FumeEpisode> FumeRows::StoreComplaintId(const std::string& episode_id,
                                                            const std::string& complaint_id) const {
  return EditEpisode(episode_id, [&](dv1::FumeEpisode& e) {
    if (!e.complaint_id().empty()) return false;
    e.set_complaint_id(complaint_id);
    return true;
  });
}

absl::Status FumeRows::SyncEpisodeRow(const dv1::FumeEpisode& latest) const {
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

}  // namespace gov::disorder
