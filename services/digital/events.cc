#include "services/digital/events.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/util/field_path.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

// An event is a case of the store track "digital" (EventSpec, EventKind; model.h): its category
// is its type's key and the payload keeps the rest, where it was sent included (Dispatch). The
// owning track is called outside any write of this track: the call is idempotent there (the
// event's id is its request_id), so the event's own write after it may fail or never happen
// (a crash) and the next attempt finds the same case. The writes answer with the event without
// its history (Event.history is GetEvent's).
namespace gov::digital {
namespace {

using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::DIRECTION_UNSPECIFIED;
using governance::v1::INDICATOR_UNIT_COUNT;

constexpr size_t kMaxAddress = 200;
constexpr size_t kMaxDescription = 1000;
constexpr size_t kMaxSnapshotRef = 500;
constexpr size_t kMaxParty = 200;
constexpr size_t kMaxNote = 500;
// How long ago an event may have been detected to be taken in.
constexpr absl::Duration kMaxEventAge = absl::Hours(24 * 7);

// Who the track's own writes act as: the follower of the owning tracks' cases.
constexpr char kFollower[] = "digital-follower";

absl::Status ValidateNewEvent(const dv1::Event& e, const regions::RegionRegistry& regions,
                              absl::Time now) {
  if (e.type() == dv1::EVENT_TYPE_UNSPECIFIED || !dv1::EventType_IsValid(e.type())) {
    return InvalidField("event.type", "required: an event type");
  }
  if (e.source() == dv1::EVENT_SOURCE_UNSPECIFIED || !dv1::EventSource_IsValid(e.source())) {
    return InvalidField("event.source", "required: a camera or a grid patrol");
  }
  if (e.source() == dv1::EVENT_SOURCE_CAMERA) {
    if (e.camera_id().empty()) return InvalidField("event.camera_id", "required for a camera's");
    GOV_RETURN_IF_ERROR(ValidateId(e.camera_id(), "event.camera_id"));
  } else if (!e.camera_id().empty()) {
    return InvalidField("event.camera_id", "only for EVENT_SOURCE_CAMERA");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "event.region", /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(e.address(), "event.address", kMaxAddress));
  GOV_RETURN_IF_ERROR(
      ValidateText(e.description(), "event.description", kMaxDescription, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidatePastTime(e.detect_time(), "event.detect_time", now));
  if (FromTimestamp(e.detect_time()) < now - kMaxEventAge) {
    return InvalidField("event.detect_time", "more than 7 days ago");
  }
  return ValidateText(e.snapshot_ref(), "event.snapshot_ref", kMaxSnapshotRef);
}

// The case an owning track's create answered: its id and its status's key, read at the
// route's case_id_field and the `status` beside it (both checked when the rules were loaded).
struct CaseSeen {
  std::string id;
  std::string status;
};

absl::StatusOr<CaseSeen> ReadCase(const google::protobuf::Message& response,
                                  const std::string& case_id_field) {
  CaseSeen seen;
  GOV_ASSIGN_OR_RETURN(seen.id, GetStringPath(response, case_id_field));
  // The status beside the id (the rules checked that the case message has one).
  const size_t dot = case_id_field.rfind('.');
  const std::string status_field =
      dot == std::string::npos ? "status" : case_id_field.substr(0, dot + 1) + "status";
  GOV_ASSIGN_OR_RETURN(seen.status, GetEnumKeyPath(response, status_field));
  if (seen.id.empty()) {
    return absl::InternalError(absl::StrCat("the answer has no case id at ", case_id_field));
  }
  return seen;
}

// Only the events routed to `track` among `types` (all types when empty).
std::vector<std::string> TypesOf(const Rules& rules, const std::string& track,
                                 const std::vector<std::string>& types) {
  std::vector<std::string> out;
  for (const cv1::DispatchRoute& r : rules.data().routes()) {
    if (r.track() != track) continue;
    const std::string key = EnumKey(static_cast<dv1::EventType>(r.event_type()));
    if (types.empty() || std::find(types.begin(), types.end(), key) != types.end()) {
      out.push_back(key);
    }
  }
  return out;
}

}  // namespace

Events::Events(cases::CaseEngine* events, const registry::Registry* cameras, const Rules* rules,
               const peers::Peers* peers, const regions::RegionRegistry* regions,
               const Clock* clock)
    : events_(events),
      cameras_(cameras),
      rules_(rules),
      peers_(peers),
      regions_(regions),
      clock_(clock) {}

absl::Status Events::CheckCamera(dv1::Event& e) const {
  if (e.source() != dv1::EVENT_SOURCE_CAMERA) return absl::OkStatus();
  absl::StatusOr<store::EntityRecord> row = cameras_->Get(e.camera_id());
  if (absl::IsNotFound(row.status())) {
    return InvalidField("event.camera_id", absl::StrCat("unknown camera \"", e.camera_id(), "\""));
  }
  if (!row.ok()) return row.status();
  GOV_ASSIGN_OR_RETURN(const dv1::Camera camera, cameras_->Decode<dv1::Camera>(*row));
  if (camera.status() == dv1::CAMERA_STATUS_RETIRED) {
    return InvalidField("event.camera_id", absl::StrCat("camera ", row->id, " is retired"));
  }
  if (camera.region().street_id() != e.region().street_id()) {
    return InvalidField("event.region.street_id", absl::StrCat("camera ", row->id, " is in street ",
                                                               camera.region().street_id()));
  }
  if (e.region().community_id().empty()) *e.mutable_region() = camera.region();
  return absl::OkStatus();
}

absl::StatusOr<cases::Case> Events::TryDispatch(const auth::Principal& who, const cases::Case& c) {
  GOV_ASSIGN_OR_RETURN(const dv1::Event e, EventKind().FromCase(cases::Case{c.record, {}}));
  const cv1::DispatchRoute& route = rules_->Route(e.type());
  const int attempts = e.dispatch().attempts() + 1;

  absl::Status called;
  CaseSeen seen;
  if (peers_ == nullptr) {
    called = absl::UnavailableError("this service makes no peer calls");
  } else {
    std::unique_ptr<google::protobuf::Message> response;
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request =
        rules_->BuildRequest(e, &response);
    if (!request.ok()) {
      called = request.status();
    } else {
      called = peers_->Call(route.track(), route.method(), **request, response.get());
      if (called.ok()) {
        absl::StatusOr<CaseSeen> read = ReadCase(*response, route.case_id_field());
        if (read.ok()) {
          seen = *std::move(read);
        } else {
          called = read.status();
        }
      }
    }
  }

  const absl::Time now = clock_->Now();
  absl::StatusOr<cases::Case> moved;
  if (called.ok()) {
    moved = events_->Transition(who, kDispatch, c.record.id, c.etag(),
                                absl::StrCat("to ", route.track(), " ", seen.id),
                                EventKind().Edit([&](dv1::Event& edited) {
                                  dv1::Dispatch* d = edited.mutable_dispatch();
                                  d->set_track(route.track());
                                  d->set_method(route.method());
                                  d->set_case_id(seen.id);
                                  d->set_case_status(seen.status);
                                  *d->mutable_dispatch_time() = ToTimestamp(now);
                                  d->set_attempts(attempts);
                                  d->clear_last_error();
                                  d->clear_last_code();
                                  return absl::OkStatus();
                                }));
  } else {
    log::Warn("event not dispatched",
              {{"event", c.record.id}, {"track", route.track()}, {"error", called.ToString()}});
    const std::string error(called.message());
    const std::string code = absl::StatusCodeToString(called.code());
    moved = events_->Transition(who, kDispatchFailed, c.record.id, c.etag(),
                                absl::StrCat("to ", route.track(), ": ", error),
                                EventKind().Edit([&](dv1::Event& edited) {
                                  dv1::Dispatch* d = edited.mutable_dispatch();
                                  d->set_track(route.track());
                                  d->set_method(route.method());
                                  d->set_attempts(attempts);
                                  d->set_last_error(error);
                                  d->set_last_code(code);
                                  return absl::OkStatus();
                                }));
  }
  if (absl::IsAborted(moved.status()) || absl::IsFailedPrecondition(moved.status())) {
    // Another attempt wrote the event in between (a retry of the same report): it stands.
    return events_->Get(who, c.record.id, /*with_history=*/false);
  }
  if (!moved.ok()) return moved.status();
  if (called.ok() && rules_->Disposes(e.type(), seen.status)) {
    // Closed there at once (a case settled at intake): closed here too.
    GOV_RETURN_IF_ERROR(Settle(c.record.id, seen.status, now).status());
    return events_->Get(who, c.record.id, /*with_history=*/false);
  }
  return moved;
}

absl::Status Events::Report(const auth::Principal& who, const dv1::ReportEventRequest& in,
                            dv1::ReportEventResponse* out) {
  const absl::Time now = clock_->Now();
  const dv1::Event& given = in.event();
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewEvent(given, *regions_, now));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, given.region().street_id()));

  // What the caller says, and nothing of the output-only fields.
  dv1::Event e;
  e.set_type(given.type());
  e.set_source(given.source());
  e.set_camera_id(given.camera_id());
  *e.mutable_region() = given.region();
  e.set_address(given.address());
  e.set_description(given.description());
  *e.mutable_detect_time() = given.detect_time();
  e.set_snapshot_ref(given.snapshot_ref());
  GOV_RETURN_IF_ERROR(CheckCamera(e));

  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(e));
  const cases::NewCase input = NewEventCase(e, rules_->DisposalTime(e.type()), now);
  GOV_ASSIGN_OR_RETURN(cases::Case c, events_->Create(who, input, in.request_id(), hash));
  const bool created = c.created;
  // A retry of a report whose dispatch did not get through tries it again.
  if (c.record.status == kDetected) {
    GOV_ASSIGN_OR_RETURN(c, TryDispatch(who, c));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_event(), EventKind().FromCase(cases::Case{c.record, {}}, who));
  out->set_created(created);
  return absl::OkStatus();
}

absl::Status Events::Get(const auth::Principal& who, const dv1::GetEventRequest& in,
                         dv1::GetEventResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, events_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_event(), EventKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Events::List(const auth::Principal& who, const dv1::ListEventsRequest& in,
                          dv1::ListEventsResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "statuses",
                                               .categories = "types",
                                               .breached_only = "breached_only",
                                               .period = "period"},
                                              *regions_, clock_->Now()));
  if (!in.track().empty()) {
    if (config::FindTrack(in.track()) == nullptr) {
      return InvalidField("track", absl::StrCat("\"", in.track(), "\" is not a track"));
    }
    request.filter.categories = TypesOf(*rules_, in.track(), request.filter.categories);
    // No type goes there: nothing to list.
    if (request.filter.categories.empty()) return absl::OkStatus();
  }
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, events_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<dv1::Event> events,
                       EventKind().FromCases(page.cases, who));
  for (const dv1::Event& e : events) *out->add_events() = e;
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Events::Dispatch(const auth::Principal& who, const dv1::DispatchEventRequest& in,
                              dv1::DispatchEventResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(cases::Case c, events_->Get(who, in.id(), /*with_history=*/false));
  if (c.record.status == kDismissed) {
    return absl::FailedPreconditionError(absl::StrCat("event ", in.id(), " was dismissed"));
  }
  if (c.record.status == kDetected) {
    GOV_ASSIGN_OR_RETURN(c, TryDispatch(who, c));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_event(), EventKind().FromCase(cases::Case{c.record, {}}, who));
  return absl::OkStatus();
}

absl::Status Events::Dismiss(const auth::Principal& who, const dv1::DismissEventRequest& in,
                             dv1::DismissEventResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxNote, /*required=*/true));
  const std::string reason = in.reason();
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       events_->Transition(who, kDismiss, in.id(), in.etag(), reason,
                                           EventKind().Edit([&](dv1::Event& edited) {
                                             edited.set_dismiss_reason(reason);
                                             return absl::OkStatus();
                                           })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_event(), EventKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Events::RecordCoGovernance(const auth::Principal& who,
                                        const dv1::RecordCoGovernanceRequest& in,
                                        dv1::RecordCoGovernanceResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.co_governance().party(), "co_governance.party", kMaxParty,
                                   /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(in.co_governance().note(), "co_governance.note", kMaxNote));
  dv1::CoGovernance part;
  part.set_party(in.co_governance().party());
  part.set_note(in.co_governance().note());
  *part.mutable_record_time() = ToTimestamp(clock_->Now());
  const std::string id = in.id();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      events_->Transition(who, kCoGovern, id, in.etag(), part.party(),
                          EventKind().Edit([&](dv1::Event& edited) -> absl::Status {
                            if (edited.has_co_governance()) {
                              return absl::FailedPreconditionError(
                                  absl::StrCat("event ", id,
                                               ": the community's part is recorded "
                                               "already (",
                                               edited.co_governance().party(), ")"));
                            }
                            *edited.mutable_co_governance() = part;
                            return absl::OkStatus();
                          })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_event(), EventKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Events::DispatchWaiting() {
  const auth::Principal follower = auth::SystemPrincipal(kFollower);
  cases::ListRequest request;
  request.filter.statuses = {kDetected};
  GOV_ASSIGN_OR_RETURN(std::vector<cases::Case> waiting,
                       cases::ListEvery(*events_, follower, std::move(request)));
  // Newest first as listed: the oldest are tried first. An event its track refused is not
  // tried again here (DispatchEvent, once the cause is mended).
  std::reverse(waiting.begin(), waiting.end());
  absl::Status first;
  int tried = 0;
  for (const cases::Case& c : waiting) {
    if (tried == kDispatchesPerSweep) break;
    GOV_ASSIGN_OR_RETURN(const dv1::Event e, EventKind().FromCase(c));
    const std::string& code = e.dispatch().last_code();
    if (!code.empty() && code != absl::StatusCodeToString(absl::StatusCode::kUnavailable)) {
      continue;
    }
    ++tried;
    absl::StatusOr<cases::Case> moved = TryDispatch(follower, c);
    if (!moved.ok() && first.ok()) first = moved.status();
  }
  return first;
}

absl::StatusOr<dv1::Event> Events::Settle(const std::string& id, const std::string& case_status,
                                          absl::Time at) {
  const auth::Principal follower = auth::SystemPrincipal(kFollower);
  GOV_ASSIGN_OR_RETURN(const cases::Case c, events_->Get(follower, id, /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(const dv1::Event e, EventKind().FromCase(c));
  if (c.record.status != kDispatched || !rules_->Disposes(e.type(), case_status)) return e;
  const bool in_time = at <= c.record.due_time;
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      events_->Transition(
          follower, in_time ? kDispose : kDisposeLate, id, c.etag(),
          absl::StrCat(e.dispatch().track(), " ", e.dispatch().case_id(), " ", case_status),
          EventKind().Edit([&](dv1::Event& edited) {
            edited.mutable_dispatch()->set_case_status(case_status);
            edited.set_disposed_in_time(in_time);
            return absl::OkStatus();
          })));
  return EventKind().FromCase(moved);
}

// ---- Indicators ----

std::vector<indicators::IndicatorSpec> EventIndicators(cases::CaseEngine* /*events*/) {
  std::vector<indicators::IndicatorSpec> specs;
  // 城市管理场景月平均处置率达到90%以上: of the events closed in the period, the share closed by
  // their disposal deadline.
  specs.push_back(indicators::HigherRate(
      "disposal_rate", "城市管理场景处置率", "City Eye events disposed of in time",
      indicators::Ratio(indicators::CasesWithAction({kDispose}),
                        indicators::CasesWithAction({kDispose, kDisposeLate}))));
  // 共治率达到90%以上: of the events closed in the period, the share the community took part in.
  specs.push_back(indicators::HigherRate(
      "co_governance_rate", "城市管理场景共治率", "City Eye events handled with the community",
      indicators::Ratio(indicators::CasesReaching({kClosed}, {}, {kCoGovern}),
                        indicators::CasesReaching({kClosed}))));
  // Watched: the events taken in during the period.
  specs.push_back({.id = "events_reported",
                   .name_zh = "城市眼事件数",
                   .name_en = "City Eye events taken in",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_UNSPECIFIED,
                   .measure = indicators::CasesOpened()});
  // Watched: the events taken in by the period's end and not closed or dismissed now.
  specs.push_back(
      {.id = "events_open",
       .name_zh = "未办结城市眼事件数",
       .name_en = "City Eye events not yet disposed of",
       .unit = INDICATOR_UNIT_COUNT,
       .direction = DIRECTION_LOWER_IS_BETTER,
       .measure = indicators::SinceTheStart(indicators::CasesInStatus({kDetected, kDispatched}))});
  // Watched: those of them not yet with the track that must act.
  specs.push_back({.id = "events_undispatched",
                   .name_zh = "未派发城市眼事件数",
                   .name_en = "City Eye events not yet dispatched",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = indicators::SinceTheStart(indicators::CasesInStatus({kDetected}))});
  return specs;
}

}  // namespace gov::digital
