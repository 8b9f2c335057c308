#include "services/tripartite/disputes.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "governance/v1/meetings.pb.h"
#include "services/tripartite/validation.h"

// A property dispute is a case of the store track "tripartite" (DisputeSpec, DisputeKind;
// model.h): its category the DisputeCategory key, its unit the compound, its priority
// kHardPriority for a hard case; the payload keeps the rest. The writes answer with the dispute
// without its history (PropertyDispute.history is GetPropertyDispute's).
namespace gov::tripartite {
namespace {

namespace gv1 = ::governance::v1;

// The backlog track and the method that reads one of its cases.
constexpr char kBacklogTrack[] = "backlog";
constexpr char kBacklogGet[] = "governance.backlog.v1.BacklogService.GetBacklogCase";
// Who the track's own reads act as (the indicators' measures).
constexpr char kMeasurer[] = "tripartite-indicators";
// The most parties a dispute names, and households it concerns.
constexpr int kMaxParties = 20;
constexpr int64_t kMaxHouseholds = 100000;
// Disputes read per engine page while a list looks for the hard ones.
constexpr int kScanPage = 200;

absl::Status ValidateNewDispute(const tv1::PropertyDispute& d) {
  if (d.category() == tv1::DISPUTE_CATEGORY_UNSPECIFIED ||
      !tv1::DisputeCategory_IsValid(d.category())) {
    return InvalidField("dispute.category", "required: what the dispute is about");
  }
  GOV_RETURN_IF_ERROR(ValidateId(d.compound_id(), "dispute.compound_id"));
  if (!d.backlog_case_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(d.backlog_case_id(), "dispute.backlog_case_id"));
  }
  GOV_RETURN_IF_ERROR(ValidateText(d.summary(), "dispute.summary", kMaxText, /*required=*/true));
  if (d.parties_size() > kMaxParties) {
    return InvalidField("dispute.parties", absl::StrCat("at most ", kMaxParties));
  }
  for (int i = 0; i < d.parties_size(); ++i) {
    GOV_RETURN_IF_ERROR(ValidateText(d.parties(i), absl::StrCat("dispute.parties[", i, "]"),
                                     kMaxShort, /*required=*/true));
  }
  return ValidateRange(d.households(), 0, kMaxHouseholds, "dispute.households");
}

absl::Status ValidateMove(const std::string& id, const std::string& etag) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  return ValidateId(etag, "etag");
}

// The instant a district day begins.
absl::Time DayStart(absl::CivilDay day) { return absl::FromCivil(day, cal::DistrictZone()); }

// 化解疑难纠纷积案: the hard disputes of the context's region that reached RESOLVED within its
// days, each once (a dispute is resolved once: RESOLVED leads only to CLOSED). The engine's counts
// know no priority, so the hard ones are read: those opened by the period's end that are resolved
// or closed now, of them the hard ones resolved (a resolution is on record), and of those the ones
// whose history has the resolution within the days.
indicators::Measure HardDisputesResolved(cases::CaseEngine* engine) {
  return [engine](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    cases::ListRequest request;
    request.filter.statuses = {kResolved, kClosed};
    request.filter.street_id = ctx.street_id;
    request.filter.community_id = ctx.community_id;
    request.filter.created_to = DayStart(ctx.days.last + 1);
    auth::Principal reader = auth::SystemPrincipal(kMeasurer);
    reader.streets.insert(ctx.streets.begin(), ctx.streets.end());
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> settled,
                         cases::ListEvery(*engine, reader, std::move(request)));
    int64_t count = 0;
    for (const cases::Case& c : settled) {
      if (c.record.priority != kHardPriority) continue;
      GOV_ASSIGN_OR_RETURN(const tv1::PropertyDispute d, DisputeKind().FromCase(c));
      if (d.resolution().empty()) continue;  // closed unresolved
      // Resolved by its last change at the latest: one unchanged since before the days was
      // resolved before them.
      if (c.record.update_time < DayStart(ctx.days.first)) continue;
      GOV_ASSIGN_OR_RETURN(const cases::Case read,
                           engine->Get(reader, c.record.id, /*with_history=*/true));
      for (const store::HistoryRecord& event : read.history) {
        if (event.action == kResolve && ctx.days.Contains(cal::LocalDay(event.time))) {
          ++count;
          break;
        }
      }
    }
    return indicators::Value{count};
  };
}

}  // namespace

Disputes::Disputes(cases::CaseEngine* disputes, const Compounds* compounds,
                   const meetings::Meetings* meetings, const peers::Peers* peers,
                   const regions::RegionRegistry* regions, const Clock* clock)
    : disputes_(disputes),
      compounds_(compounds),
      meetings_(meetings),
      peers_(peers),
      regions_(regions),
      clock_(clock) {}

absl::Status Disputes::CheckBacklogCase(const std::string& id) const {
  if (peers_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("no peer calls configured: the backlog case ", id, " cannot be checked"));
  }
  const absl::Status found = peers_->CheckCase(kBacklogTrack, kBacklogGet, id);
  if (absl::IsNotFound(found)) {
    return InvalidField("dispute.backlog_case_id",
                        absl::StrCat("the backlog track has no case \"", id, "\""));
  }
  if (absl::IsUnavailable(found)) {
    return absl::UnavailableError(
        absl::StrCat("the backlog case ", id, " cannot be checked now: ", found.message()));
  }
  return found;
}

absl::Status Disputes::CheckJointMeeting(const auth::Principal& who, const std::string& meeting_id,
                                         const std::string& dispute_id) const {
  gv1::GetMeetingRequest request;
  request.set_id(meeting_id);
  gv1::GetMeetingResponse response;
  const absl::Status read = meetings_->Get(who, request, &response);
  if (absl::IsNotFound(read)) {
    return InvalidField("joint_meeting_id", absl::StrCat("no meeting \"", meeting_id, "\""));
  }
  GOV_RETURN_IF_ERROR(read);
  const gv1::Meeting& meeting = response.meeting();
  if (meeting.kind() != kJointMeeting) {
    return InvalidField("joint_meeting_id",
                        absl::StrCat("meeting ", meeting_id, " is a \"", meeting.kind(),
                                     "\" meeting, not a joint meeting (\"", kJointMeeting, "\")"));
  }
  if (meeting.subject_id() != dispute_id) {
    return InvalidField("joint_meeting_id",
                        absl::StrCat("joint meeting ", meeting_id, " was about ",
                                     meeting.subject_id(), ", not ", dispute_id));
  }
  return absl::OkStatus();
}

absl::Status Disputes::Open(const auth::Principal& who, const tv1::OpenPropertyDisputeRequest& in,
                            tv1::OpenPropertyDisputeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const tv1::PropertyDispute& given = in.dispute();
  GOV_RETURN_IF_ERROR(ValidateNewDispute(given));
  // The compound (within the caller's streets) before the other track is asked: a caller outside
  // the street learns nothing.
  GOV_ASSIGN_OR_RETURN(const tv1::Compound compound,
                       compounds_->Find(who, given.compound_id(), "dispute.compound_id"));
  if (!given.backlog_case_id().empty()) {
    GOV_RETURN_IF_ERROR(CheckBacklogCase(given.backlog_case_id()));
  }

  // What the caller says, and nothing of the output-only fields.
  tv1::PropertyDispute d;
  d.set_category(given.category());
  d.set_compound_id(compound.id());
  d.mutable_region()->set_street_id(compound.region().street_id());
  d.mutable_region()->set_community_id(compound.region().community_id());
  d.set_hard(given.hard() || !given.backlog_case_id().empty());
  d.set_backlog_case_id(given.backlog_case_id());
  d.set_summary(given.summary());
  *d.mutable_parties() = given.parties();
  d.set_households(given.households());

  cases::NewCase input;
  input.category = EnumKey(d.category());
  input.street_id = d.region().street_id();
  input.community_id = d.region().community_id();
  input.unit_id = d.compound_id();
  input.priority = d.hard() ? kHardPriority : 0;
  input.payload = DisputeKind().Payload(d);
  input.note = absl::StrCat("opened: ", EnumKey(d.category()), d.hard() ? ", hard" : "");
  GOV_ASSIGN_OR_RETURN(const cases::Case created,
                       disputes_->Create(who, input, in.request_id(),
                                         cases::CaseEngine::RequestHash(input.payload)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_dispute(),
                       DisputeKind().FromCase(cases::Case{created.record, {}}, who));
  return absl::OkStatus();
}

absl::Status Disputes::Get(const auth::Principal& who, const tv1::GetPropertyDisputeRequest& in,
                           tv1::GetPropertyDisputeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, disputes_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_dispute(), DisputeKind().FromCase(c, who));
  return absl::OkStatus();
}

// Newest first. The hard ones are the cases of priority kHardPriority, which the engine's filters
// do not know: they are read from the engine's pages of kScanPage, and the page token names the
// engine page the last one served came from (its token) and that dispute, bound to the filters
// and the caller's streets. The engine's keyset pages do not move under inserts (a new dispute is
// the newest), so the page is found again and the list goes on after that dispute.
absl::Status Disputes::List(const auth::Principal& who, const tv1::ListPropertyDisputesRequest& in,
                            tv1::ListPropertyDisputesResponse* out) const {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "statuses",
                                               .categories = "categories",
                                               .unit = "compound_id",
                                               .grids = false},
                                              *regions_, clock_->Now()));
  if (!in.hard_only()) {
    GOV_ASSIGN_OR_RETURN(const cases::ListResult page, disputes_->List(who, std::move(request)));
    GOV_ASSIGN_OR_RETURN(const std::vector<tv1::PropertyDispute> disputes,
                         DisputeKind().FromCases(page.cases, who));
    for (const tv1::PropertyDispute& d : disputes) *out->add_disputes() = d;
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  }

  const int size = request.page_size;
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  std::sort(streets.begin(), streets.end());
  std::vector<std::string> statuses = request.filter.statuses;
  std::vector<std::string> categories = request.filter.categories;
  std::sort(statuses.begin(), statuses.end());
  std::sort(categories.begin(), categories.end());
  const std::string binding =
      cases::PageBinding({"hard_disputes", request.filter.street_id, request.filter.community_id,
                          request.filter.unit_id, absl::StrJoin(statuses, ","),
                          absl::StrJoin(categories, ","), absl::StrJoin(streets, ",")});
  std::string token;
  std::string after_id;
  if (!request.page_token.empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(request.page_token, binding));
    if (cursor.size() != 2 || cursor[1].empty()) {
      return InvalidField("page_token", "invalid or from another query");
    }
    token = cursor[0];
    after_id = cursor[1];
  }

  std::vector<cases::Case> served;
  std::string served_from;  // the engine token of the page the last one served came from
  bool more = false;
  bool first_page = true;
  while (!more) {
    cases::ListRequest scan = request;
    scan.page_size = kScanPage;
    scan.page_token = token;
    GOV_ASSIGN_OR_RETURN(cases::ListResult page, disputes_->List(who, std::move(scan)));
    size_t start = 0;
    if (first_page && !after_id.empty()) {
      const auto it = std::find_if(page.cases.begin(), page.cases.end(),
                                   [&](const cases::Case& c) { return c.record.id == after_id; });
      if (it == page.cases.end()) {
        return InvalidField("page_token", "invalid or from another query");
      }
      start = static_cast<size_t>(it - page.cases.begin()) + 1;
    }
    first_page = false;
    for (size_t i = start; i < page.cases.size(); ++i) {
      cases::Case& c = page.cases[i];
      if (c.record.priority != kHardPriority) continue;
      if (static_cast<int>(served.size()) == size) {
        more = true;
        break;
      }
      served.push_back(std::move(c));
      served_from = token;
    }
    if (page.next_page_token.empty()) break;
    token = std::move(page.next_page_token);
  }
  GOV_ASSIGN_OR_RETURN(const std::vector<tv1::PropertyDispute> disputes,
                       DisputeKind().FromCases(served, who));
  for (const tv1::PropertyDispute& d : disputes) *out->add_disputes() = d;
  if (more) {
    out->set_next_page_token(
        cases::EncodePageToken(binding, {served_from, served.back().record.id}));
  }
  return absl::OkStatus();
}

absl::Status Disputes::Refer(const auth::Principal& who, const tv1::ReferPropertyDisputeRequest& in,
                             tv1::ReferPropertyDisputeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText));
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       disputes_->Transition(who, kRefer, in.id(), in.etag(), in.note()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_dispute(), DisputeKind().FromCase(moved, who));
  return absl::OkStatus();
}

// The request's own fields, then the meeting it names (read: a joint meeting about this dispute),
// then the step: from JOINT_REVIEW the meeting is required, judged on the state the step moves
// from.
absl::Status Disputes::Resolve(const auth::Principal& who,
                               const tv1::ResolvePropertyDisputeRequest& in,
                               tv1::ResolvePropertyDisputeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.resolution(), "resolution", kMaxText, /*required=*/true));
  const std::string meeting = in.joint_meeting_id();
  if (!meeting.empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(meeting, "joint_meeting_id"));
    GOV_RETURN_IF_ERROR(CheckJointMeeting(who, meeting, in.id()));
  }
  const std::string resolution = in.resolution();
  const cases::Mutation edit = DisputeKind().Edit([&](tv1::PropertyDispute& d) {
    d.set_resolution(resolution);
    d.set_joint_meeting_id(meeting);
    return absl::OkStatus();
  });
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      disputes_->Transition(who, kResolve, in.id(), in.etag(), resolution,
                            [&](store::CaseRecord& record) -> absl::Status {
                              if (record.status == kJointReview && meeting.empty()) {
                                return InvalidField(
                                    "joint_meeting_id",
                                    absl::StrCat("required: ", record.id,
                                                 " is under joint review, resolved by the "
                                                 "decision of a joint meeting about it"));
                              }
                              return edit(record);
                            }));
  GOV_ASSIGN_OR_RETURN(*out->mutable_dispute(), DisputeKind().FromCase(moved, who));
  return absl::OkStatus();
}

// A reason is required unless the dispute is resolved, judged on the state the step moves from;
// it is kept as the close reason when the dispute ends unresolved (and is the history's note
// either way).
absl::Status Disputes::Close(const auth::Principal& who, const tv1::ClosePropertyDisputeRequest& in,
                             tv1::ClosePropertyDisputeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxText));
  const std::string reason = in.reason();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      disputes_->Transition(
          who, kClose, in.id(), in.etag(), reason, [&](store::CaseRecord& record) -> absl::Status {
            if (record.status == kResolved) return absl::OkStatus();
            if (reason.empty()) {
              return InvalidField("reason", absl::StrCat("required: ", record.id, " is ",
                                                         record.status, ", not resolved"));
            }
            return DisputeKind().Edit([&](tv1::PropertyDispute& d) {
              d.set_close_reason(reason);
              return absl::OkStatus();
            })(record);
          }));
  GOV_ASSIGN_OR_RETURN(*out->mutable_dispute(), DisputeKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Disputes::JointMeetingSubject(const auth::Principal& who,
                                           const std::string& dispute_id,
                                           const std::string& street_id) const {
  absl::StatusOr<cases::Case> c = disputes_->Get(who, dispute_id, /*with_history=*/false);
  if (absl::IsNotFound(c.status())) {
    return InvalidField("meeting.subject_id",
                        absl::StrCat("no property dispute \"", dispute_id, "\""));
  }
  GOV_RETURN_IF_ERROR(c.status());
  if (!street_id.empty() && c->record.street_id != street_id) {
    return InvalidField("meeting.subject_id",
                        absl::StrCat("property dispute ", dispute_id, " is in street ",
                                     c->record.street_id, ", not the meeting's ", street_id));
  }
  if (c->record.status == kClosed) {
    return absl::FailedPreconditionError(
        absl::StrCat("property dispute ", dispute_id, " is closed"));
  }
  return absl::OkStatus();
}

std::vector<indicators::IndicatorSpec> DisputeIndicators(cases::CaseEngine* disputes) {
  std::vector<indicators::IndicatorSpec> specs;
  // 化解物业等疑难纠纷积案20个: the hard disputes resolved in the period.
  specs.push_back(indicators::DistrictCount("hard_disputes_resolved", "化解物业等疑难纠纷积案",
                                            "Hard property disputes resolved",
                                            HardDisputesResolved(disputes)));
  // Watched: the fee-arrears disputes opened in the period (物业费催缴).
  specs.push_back(
      {.id = "fee_arrears_disputes",
       .name_zh = "物业费催缴纠纷数",
       .name_en = "Fee-arrears disputes opened",
       .unit = gv1::INDICATOR_UNIT_COUNT,
       .direction = gv1::DIRECTION_UNSPECIFIED,
       .measure = indicators::CasesOpened({EnumKey(tv1::DISPUTE_CATEGORY_FEE_ARREARS)})});
  // Watched: the disputes opened by the period's end that are open or under joint review now.
  specs.push_back(
      {.id = "open_disputes",
       .name_zh = "未化解物业纠纷数",
       .name_en = "Property disputes not yet resolved",
       .unit = gv1::INDICATOR_UNIT_COUNT,
       .direction = gv1::DIRECTION_LOWER_IS_BETTER,
       .measure = indicators::SinceTheStart(indicators::CasesInStatus({kOpen, kJointReview}))});
  return specs;
}

}  // namespace gov::tripartite
