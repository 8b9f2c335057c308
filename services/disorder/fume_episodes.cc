// The fume feed's episodes: completing one (its row, its complaint, the marks on the row and the
// state), the upkeep that completes what a crash left, and the reads (a restaurant's episodes,
// its state).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaints.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/kinds.h"
#include "services/disorder/objects.h"

namespace gov::disorder {
namespace {

constexpr int kSweepLimit = 500;
// The principal the feed raises complaints as (the history's actor).
constexpr char kFeedActor[] = "fume-feed";
// Cases read at a time when looking for a complaint raised before.
constexpr int kFindBatch = 200;

std::string ComplaintRequestId(const std::string& object_id, absl::Time start) {
  return absl::StrCat("fume-feed/", object_id, "/", FumeTimeKey(start));
}

// "F-000042" before "F-000041"; a longer number is a larger one.
bool NewerId(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

}  // namespace

absl::StatusOr<dv1::FumeEpisode> FumeFeed::Complete(const dv1::MonitoredObject& object,
                                                    StateRow current) const {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       rows_.RecordEpisode(object, current.state.current_episode()));
  GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, FumeRows::DecodeEpisode(row));
  if (episode.complaint_id().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::string complaint, Raise(object, episode, row.create_time));
    GOV_ASSIGN_OR_RETURN(episode, rows_.StoreComplaintId(episode.id(), complaint));
    log::Info("fume episode raised", {{"object", object.id()},
                                      {"episode", episode.id()},
                                      {"complaint", episode.complaint_id()},
                                      {"start", FumeTimeKey(FromTimestamp(episode.start_time()))}});
  }
  GOV_RETURN_IF_ERROR(rows_.MarkStateRaised(std::move(current), episode));
  return episode;
}

// As the system, with the restaurant's place. The request id makes it one complaint however
// often this runs. Its content is the episode as recorded (which does not change until the
// complaint is stored) and the restaurant as it is now; when the restaurant was edited between a
// first submission and a retry, the store refuses the request id for other content and the
// complaint is found by the episode id it names.
absl::StatusOr<std::string> FumeFeed::Raise(const dv1::MonitoredObject& object,
                                            const dv1::FumeEpisode& episode,
                                            absl::Time recorded_at) const {
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
      complaints_->Submit(auth::SystemPrincipal(kFeedActor), request, &response);
  if (submitted.ok()) return response.complaint().id();
  if (!absl::IsAlreadyExists(submitted)) return submitted;
  return FindRaised(object, episode.id(), recorded_at);
}

absl::StatusOr<std::string> FumeFeed::FindRaised(const dv1::MonitoredObject& object,
                                                 const std::string& episode_id,
                                                 absl::Time recorded_at) const {
  cases::ListRequest request;
  request.filter.street_id = object.region().street_id();
  request.filter.categories = {EnumKey(dv1::COMPLAINT_CATEGORY_COOKING_FUMES)};
  request.filter.created_from = recorded_at - absl::Seconds(1);
  request.page_size = kFindBatch;
  const auth::Principal feed = auth::SystemPrincipal(kFeedActor);
  const std::string mark = absl::StrCat("监测事件 ", episode_id, "，");
  do {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page, complaint_engine_->List(feed, request));
    for (const cases::Case& c : page.cases) {
      const absl::StatusOr<dv1::Complaint> complaint = ComplaintKind().FromCase(c);
      if (complaint.ok() && complaint->channel() == dv1::CHANNEL_MONITORING &&
          absl::StrContains(complaint->description(), mark)) {
        return c.record.id;
      }
    }
    request.page_token = std::move(page.next_page_token);
  } while (!request.page_token.empty());
  return absl::InternalError(absl::StrCat("the complaint of fume episode ", episode_id,
                                          " was submitted with other content and is not found"));
}

absl::Status FumeFeed::Episodes(const auth::Principal& who, const dv1::ListFumeEpisodesRequest& in,
                                dv1::ListFumeEpisodesResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.object_id(), "object_id"));
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  const std::string binding = cases::PageBinding({"fume_episodes", in.object_id()});
  GOV_ASSIGN_OR_RETURN(const std::string after, cases::DecodeIdCursor(in.page_token(), binding));
  absl::StatusOr<store::EntityRecord> row = objects_->LoadVisible(who, in.object_id());
  if (absl::IsNotFound(row.status())) {
    return FieldError(absl::StatusCode::kNotFound, "object_id",
                      absl::StrCat("monitored object ", in.object_id(), " not found"));
  }
  GOV_RETURN_IF_ERROR(row.status());
  GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject object,
                       objects_->Decode<dv1::MonitoredObject>(*row));
  if (object.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "object_id",
                      absl::StrCat("monitored object ", object.id(), " is a ",
                                   EnumKey(object.kind()), ", not a FUME_RESTAURANT"));
  }
  // A restaurant's episodes (a few a day at most) are read whole and ordered newest first by
  // id: episodes of one restaurant are recorded in the order they start.
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, rows_.EpisodeRows(object.id()));
  std::sort(rows.begin(), rows.end(),
            [](const store::EntityRecord& a, const store::EntityRecord& b) {
              return NewerId(a.id, b.id);
            });
  // The state's account of its latest episode is ahead of the episode's row.
  GOV_ASSIGN_OR_RETURN(const std::optional<StateRow> state, rows_.FindState(object.id()));
  for (const store::EntityRecord& r : rows) {
    if (!after.empty() && !NewerId(after, r.id)) continue;
    if (out->episodes_size() == size) {
      out->set_next_page_token(cases::EncodePageToken(binding, {out->episodes().rbegin()->id()}));
      break;
    }
    GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, FumeRows::DecodeEpisode(r));
    if (state.has_value() && state->state.current_episode().id() == episode.id()) {
      episode = state->state.current_episode();
    }
    *out->add_episodes() = std::move(episode);
  }
  return absl::OkStatus();
}

absl::Status FumeFeed::AddState(dv1::MonitoredObject* object) const {
  if (object->kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) return absl::OkStatus();
  GOV_ASSIGN_OR_RETURN(const std::optional<StateRow> found, rows_.FindState(object->id()));
  if (!found.has_value() || !found->state.has_last_reading_time()) return absl::OkStatus();
  const dv1::FumeState& s = found->state;
  dv1::FumeState* state = object->mutable_fume_state();
  *state->mutable_last_reading_time() = s.last_reading_time();
  state->set_last_concentration_mg_m3(s.last_concentration_mg_m3());
  state->set_limit_mg_m3(LimitOf(*object));
  // Under way until the quiet period has passed since its last reading over the limit.
  if (s.has_current_episode() &&
      deps_.clock->Now() - FromTimestamp(s.current_episode().last_over_time()) <
          rules_->FumeQuiet()) {
    *state->mutable_current_episode() = s.current_episode();
  }
  return absl::OkStatus();
}

// Completes (1) every state left with a pending episode, then (2) every episode row left
// without its complaint (its state, when it still names the episode, is marked too); up to
// kSweepLimit of each a run, the rest on the next. Runs on even when one fails; the first error
// is returned.
absl::Status FumeFeed::Sweep() {
  absl::Status first;
  auto note = [&first](const absl::Status& s, const std::string& id) {
    if (s.ok()) return;
    log::Warn("fume sweep: not completed", {{"id", id}, {"error", s.ToString()}});
    if (first.ok()) first = s;
  };

  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> pending_states,
                       rows_.PendingStates(kSweepLimit));
  for (store::EntityRecord& row : pending_states) {
    const std::string id = row.id;
    absl::StatusOr<StateRow> state = FumeRows::DecodeState(std::move(row));
    if (!state.ok()) {
      note(state.status(), id);
      continue;
    }
    if (!Pending(state->state)) continue;
    absl::StatusOr<dv1::MonitoredObject> object = LoadObject(*objects_, state->row.parent_id);
    if (!object.ok()) {
      note(object.status(), id);
      continue;
    }
    note(Complete(*object, *std::move(state)).status(), id);
  }

  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> pending_rows,
                       rows_.PendingEpisodes(kSweepLimit));
  for (const store::EntityRecord& listed : pending_rows) {
    absl::Status done = [&]() -> absl::Status {
      GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, rows_.EpisodeRow(listed.id));
      GOV_ASSIGN_OR_RETURN(dv1::FumeEpisode episode, FumeRows::DecodeEpisode(row));
      if (!episode.complaint_id().empty()) return absl::OkStatus();
      GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject object, LoadObject(*objects_, row.parent_id));
      GOV_ASSIGN_OR_RETURN(const std::string complaint, Raise(object, episode, row.create_time));
      GOV_ASSIGN_OR_RETURN(episode, rows_.StoreComplaintId(episode.id(), complaint));
      log::Info("fume episode raised by the sweep",
                {{"object", object.id()}, {"episode", episode.id()}, {"complaint", complaint}});
      GOV_ASSIGN_OR_RETURN(std::optional<StateRow> state, rows_.FindState(object.id()));
      if (!state.has_value()) return absl::OkStatus();
      return rows_.MarkStateRaised(*std::move(state), episode);
    }();
    note(done, listed.id);
  }
  return first;
}

}  // namespace gov::disorder
