#include "services/backlog/cases.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/milestones.h"
#include "services/backlog/validation.h"

namespace gov::backlog {
namespace {

absl::Status ValidateMove(const std::string& id, const std::string& etag) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  return ValidateId(etag, "etag");
}

}  // namespace

cases::NewCase NewBacklogCase(bv1::BacklogCase c) {
  c.clear_resolution();
  c.clear_progress_reports();
  c.clear_overdue_milestones();
  OpenPlan(*c.mutable_milestones());
  cases::NewCase input;
  input.category = EnumKey(c.origin().kind());
  input.street_id = c.region().street_id();
  input.community_id = c.region().community_id();
  input.grid_id = c.region().grid_id();
  input.payload = BacklogCaseKind().Payload(c);
  input.note = absl::StrCat("registered from ", EnumKey(c.origin().kind()));
  return input;
}

void MarkOverdue(bv1::BacklogCase& c, absl::Time now) {
  c.set_overdue_milestones(MarkOverdue(*c.mutable_milestones(), now));
}

BacklogCases::BacklogCases(cases::CaseEngine* engine, Warnings* warnings, const Rules* rules,
                           const peers::Peers* peers, const regions::RegionRegistry* regions,
                           const Clock* clock)
    : engine_(engine),
      warnings_(warnings),
      rules_(rules),
      peers_(peers),
      regions_(regions),
      clock_(clock) {}

absl::StatusOr<bv1::BacklogCase> BacklogCases::Present(const cases::Case& c,
                                                       const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(bv1::BacklogCase out, BacklogCaseKind().FromCase(c, who));
  MarkOverdue(out, clock_->Now());
  return out;
}

absl::Status BacklogCases::CheckOrigin(const bv1::Origin& origin) const {
  if (origin.kind() != bv1::ORIGIN_KIND_TRACK_CASE) return absl::OkStatus();
  const cv1::CaseReference* ref = rules_->FindReference(origin.track());
  if (ref == nullptr) return absl::InternalError("origin track not in the rules");
  if (peers_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("no peer calls configured: ", origin.track(), " cannot be asked"));
  }
  const absl::Status found = peers_->CheckCase(origin.track(), ref->method(), origin.case_id());
  if (absl::IsNotFound(found)) {
    return InvalidField(
        "backlog_case.origin.case_id",
        absl::StrCat(origin.track(), " has no ", ref->noun(), " \"", origin.case_id(), "\""));
  }
  if (absl::IsUnavailable(found)) {
    return absl::UnavailableError(absl::StrCat("the ", ref->noun(), " ", origin.case_id(),
                                               " cannot be checked now: ", found.message()));
  }
  return found;
}

absl::Status BacklogCases::Create(const auth::Principal& who,
                                  const bv1::CreateBacklogCaseRequest& in,
                                  bv1::CreateBacklogCaseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewCase(in.backlog_case(), *rules_, *regions_, clock_->Now()));
  // Scope before the other track is asked: a caller outside the street learns nothing.
  const std::string& street = in.backlog_case().region().street_id();
  if (!who.CanAccessStreet(street)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not act on street ", street));
  }
  GOV_RETURN_IF_ERROR(CheckOrigin(in.backlog_case().origin()));
  const cases::NewCase input = NewBacklogCase(in.backlog_case());
  GOV_ASSIGN_OR_RETURN(
      const cases::Case created,
      engine_->Create(who, input, in.request_id(), cases::CaseEngine::RequestHash(input.payload)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_backlog_case(), Present(created, who));
  return absl::OkStatus();
}

absl::Status BacklogCases::Get(const auth::Principal& who, const bv1::GetBacklogCaseRequest& in,
                               bv1::GetBacklogCaseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_backlog_case(), Present(c, who));
  return absl::OkStatus();
}

absl::Status BacklogCases::List(const auth::Principal& who, const bv1::ListBacklogCasesRequest& in,
                                bv1::ListBacklogCasesResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in, {.statuses = "statuses", .period = "period"},
                                              *regions_, clock_->Now()));
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, engine_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_backlog_cases(), Present(c, who));
  }
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status BacklogCases::Move(const auth::Principal& who, const char* verb, const std::string& id,
                                const std::string& etag, const std::string& note,
                                const cases::Mutation& mutation, bv1::BacklogCase* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       engine_->TransitionWithHistory(who, verb, id, etag, note, mutation));
  GOV_ASSIGN_OR_RETURN(*out, Present(moved, who));
  return absl::OkStatus();
}

absl::Status BacklogCases::ReportProgress(const auth::Principal& who,
                                          const bv1::ReportProgressRequest& in,
                                          bv1::ReportProgressResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, true));
  return Move(who, kReport, in.id(), in.etag(), in.note(),
              BacklogCaseKind().Edit([](bv1::BacklogCase& c) {
                c.set_progress_reports(c.progress_reports() + 1);
                return absl::OkStatus();
              }),
              out->mutable_backlog_case());
}

absl::Status BacklogCases::CompleteMilestone(const auth::Principal& who,
                                             const bv1::CompleteMilestoneRequest& in,
                                             bv1::CompleteMilestoneResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  if (in.number() < 1) return InvalidField("number", "a milestone's number, from 1");
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, true));
  const absl::Time now = clock_->Now();
  const int number = in.number();
  const std::string note = in.note();
  GOV_RETURN_IF_ERROR(Move(who, kCompleteMilestone, in.id(), in.etag(), in.note(),
                           BacklogCaseKind().Edit([&](bv1::BacklogCase& c) -> absl::Status {
                             return CompleteInPlan(*c.mutable_milestones(),
                                                   absl::StrCat("case ", c.id()), number, note,
                                                   now);
                           }),
                           out->mutable_backlog_case()));
  // Its warning is cleared now; should that fail, the warnings' sweep clears it.
  const absl::Status cleared = warnings_->ClearFor(in.id(), number, "milestone done");
  if (!cleared.ok()) {
    log::Warn("warning not cleared with its milestone",
              {{"id", in.id()}, {"error", cleared.ToString()}});
  }
  return absl::OkStatus();
}

absl::Status BacklogCases::Resolve(const auth::Principal& who,
                                   const bv1::ResolveBacklogCaseRequest& in,
                                   bv1::ResolveBacklogCaseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.resolution(), "resolution", kMaxText, true));
  const std::string resolution = in.resolution();
  return Move(
      who, kResolve, in.id(), in.etag(), in.resolution(),
      BacklogCaseKind().Edit([&](bv1::BacklogCase& c) -> absl::Status {
        for (const bv1::Milestone& m : c.milestones()) {
          if (m.status() != bv1::MILESTONE_STATUS_DONE) {
            return absl::FailedPreconditionError(absl::StrCat(
                "milestone ", m.number(), " (", m.title(), ") of ", c.id(), " is not done"));
          }
        }
        c.set_resolution(resolution);
        return absl::OkStatus();
      }),
      out->mutable_backlog_case());
}

absl::Status BacklogCases::Verify(const auth::Principal& who,
                                  const bv1::VerifyBacklogCaseRequest& in,
                                  bv1::VerifyBacklogCaseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText, /*required=*/!in.accepted()));
  return Move(who, in.accepted() ? kVerify : kSendBack, in.id(), in.etag(), in.note(), nullptr,
              out->mutable_backlog_case());
}

absl::Status BacklogCases::Close(const auth::Principal& who, const bv1::CloseBacklogCaseRequest& in,
                                 bv1::CloseBacklogCaseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag()));
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText));
  return Move(who, kClose, in.id(), in.etag(), in.note(), nullptr, out->mutable_backlog_case());
}

}  // namespace gov::backlog
