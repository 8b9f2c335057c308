#include "services/backlog/supervision.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/clock/district_time.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/validation.h"

namespace gov::backlog {
namespace {

// Who the sweep acts as (the history's actor).
constexpr char kSweeper[] = "backlog-supervision";

bv1::SupervisionLevel NextLevel(bv1::SupervisionLevel level) {
  return level == bv1::SUPERVISION_LEVEL_GENERAL ? bv1::SUPERVISION_LEVEL_KEY
                                                 : bv1::SUPERVISION_LEVEL_LISTED;
}

absl::Status ValidateDeadline(const google::protobuf::Timestamp& deadline, const std::string& field,
                              absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateTime(deadline, field));
  if (FromTimestamp(deadline) <= now) return InvalidField(field, "must lie ahead");
  return absl::OkStatus();
}

}  // namespace

Supervision::Supervision(cases::CaseEngine* notices, const Projects* projects, const Rules* rules,
                         const regions::RegionRegistry* regions, const Clock* clock)
    : notices_(notices), projects_(projects), rules_(rules), regions_(regions), clock_(clock) {}

absl::StatusOr<bv1::SupervisionNotice> Supervision::Present(const cases::Case& c,
                                                            const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(bv1::SupervisionNotice n, NoticeKind().FromCase(c, who));
  n.set_overdue(n.status() == bv1::NOTICE_STATUS_ISSUED &&
                clock_->Now() > FromTimestamp(n.deadline()));
  return n;
}

absl::Status Supervision::Issue(const auth::Principal& who,
                                const bv1::IssueSupervisionNoticeRequest& in,
                                bv1::IssueSupervisionNoticeResponse* out) {
  const absl::Time now = clock_->Now();
  const bv1::SupervisionNotice& given = in.notice();
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateId(given.project_id(), "notice.project_id"));
  GOV_RETURN_IF_ERROR(ValidateText(given.demand(), "notice.demand", kMaxText, true));
  GOV_RETURN_IF_ERROR(ValidateText(given.issued_by(), "notice.issued_by", kMaxName, true));
  GOV_RETURN_IF_ERROR(ValidateDeadline(given.deadline(), "notice.deadline", now));
  GOV_ASSIGN_OR_RETURN(const bv1::Project project, projects_->Supervised(given.project_id()));
  bv1::SupervisionNotice n;
  n.set_project_id(project.id());
  n.set_demand(given.demand());
  n.set_issued_by(given.issued_by());
  *n.mutable_deadline() = given.deadline();
  cases::NewCase input;
  input.category = project.id();
  input.street_id = project.region().street_id();
  input.community_id = project.region().community_id();
  input.unit_id = EnumKey(bv1::SUPERVISION_LEVEL_GENERAL);
  input.payload = NoticeKind().Payload(n);
  input.note = absl::StrCat("issued by ", given.issued_by());
  GOV_ASSIGN_OR_RETURN(
      const cases::Case created,
      notices_->Create(who, input, in.request_id(), cases::CaseEngine::RequestHash(input.payload)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_notice(), Present(created, who));
  return absl::OkStatus();
}

absl::Status Supervision::Get(const auth::Principal& who,
                              const bv1::GetSupervisionNoticeRequest& in,
                              bv1::GetSupervisionNoticeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, notices_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_notice(), Present(c, who));
  return absl::OkStatus();
}

absl::Status Supervision::List(const auth::Principal& who,
                               const bv1::ListSupervisionNoticesRequest& in,
                               bv1::ListSupervisionNoticesResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in, {.statuses = "statuses", .grids = false},
                                              *regions_, clock_->Now()));
  if (!bv1::SupervisionLevel_IsValid(in.level())) {
    return InvalidField("level", "not a SupervisionLevel");
  }
  if (in.level() != bv1::SUPERVISION_LEVEL_UNSPECIFIED) {
    request.filter.unit_id = EnumKey(in.level());
  }
  if (!in.project_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(in.project_id(), "project_id"));
    request.filter.categories = {in.project_id()};
  }
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, notices_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_notices(), Present(c, who));
  }
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Supervision::Answer(const auth::Principal& who,
                                 const bv1::AnswerSupervisionNoticeRequest& in,
                                 bv1::AnswerSupervisionNoticeResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.answer(), "answer", kMaxText, true));
  const std::string answer = in.answer();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      notices_->TransitionWithHistory(who, kAnswer, in.id(), in.etag(), answer,
                                      NoticeKind().Edit([&](bv1::SupervisionNotice& n) {
                                        n.set_answer(answer);
                                        return absl::OkStatus();
                                      })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_notice(), Present(moved, who));
  return absl::OkStatus();
}

absl::Status Supervision::Review(const auth::Principal& who,
                                 const bv1::ReviewSupervisionAnswerRequest& in,
                                 bv1::ReviewSupervisionAnswerResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, /*required=*/!in.accepted()));
  cases::Mutation mutation = nullptr;
  if (in.accepted()) {
    if (in.has_deadline()) return InvalidField("deadline", "only when the answer is sent back");
  } else {
    if (!in.has_deadline()) return InvalidField("deadline", "required when sent back");
    GOV_RETURN_IF_ERROR(ValidateDeadline(in.deadline(), "deadline", clock_->Now()));
    mutation = NoticeKind().Edit([deadline = in.deadline()](bv1::SupervisionNotice& n) {
      *n.mutable_deadline() = deadline;
      return absl::OkStatus();
    });
  }
  GOV_ASSIGN_OR_RETURN(const cases::Case moved, notices_->TransitionWithHistory(
                                                    who, in.accepted() ? kAcceptAnswer : kSendBack,
                                                    in.id(), in.etag(), in.note(), mutation));
  GOV_ASSIGN_OR_RETURN(*out->mutable_notice(), Present(moved, who));
  return absl::OkStatus();
}

absl::StatusOr<int> Supervision::Sweep() {
  const absl::Time now = clock_->Now();
  const auth::Principal system = auth::SystemPrincipal(kSweeper);
  cases::ListRequest request;
  request.filter.statuses = {kIssued};
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> issued,
                       cases::ListEvery(*notices_, system, std::move(request)));
  int escalated = 0;
  for (const cases::Case& row : issued) {
    GOV_ASSIGN_OR_RETURN(const bv1::SupervisionNotice n, NoticeKind().FromCase(row));
    bv1::SupervisionLevel level = n.level();
    absl::Time deadline = FromTimestamp(n.deadline());
    while (level != bv1::SUPERVISION_LEVEL_LISTED && deadline < now) {
      level = NextLevel(level);
      deadline += rules_->NoticeExtension();
    }
    if (level == n.level()) continue;
    const absl::Status moved =
        notices_
            ->Transition(
                system, kEscalate, row.record.id, row.etag(),
                absl::StrCat("to ", EnumKey(level), ", due ",
                             absl::FormatTime("%Y-%m-%d %H:%M", deadline, cal::DistrictZone())),
                NoticeKind().Edit([&](bv1::SupervisionNotice& edited) {
                  edited.set_level(level);
                  *edited.mutable_deadline() = ToTimestamp(deadline);
                  return absl::OkStatus();
                }))
            .status();
    // Answered or moved since it was read: the next sweep sees it as it is now.
    if (absl::IsAborted(moved) || absl::IsFailedPrecondition(moved)) continue;
    GOV_RETURN_IF_ERROR(moved);
    ++escalated;
  }
  if (escalated > 0)
    log::Info("supervision notices escalated", {{"escalated", absl::StrCat(escalated)}});
  return escalated;
}

}  // namespace gov::backlog
