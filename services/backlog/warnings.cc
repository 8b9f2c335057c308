#include "services/backlog/warnings.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/validation.h"

namespace gov::backlog {
namespace {

// Who the sweep acts as (the history's actor).
constexpr char kSweeper[] = "backlog-warnings";

bv1::WarningLevel NextLevel(bv1::WarningLevel level) {
  return level == bv1::WARNING_LEVEL_COMMUNITY ? bv1::WARNING_LEVEL_STREET
                                               : bv1::WARNING_LEVEL_DISTRICT;
}

// Every case of `engine` in `statuses` (and `categories`), as the sweep reads them.
absl::StatusOr<std::vector<cases::Case>> AllIn(cases::CaseEngine& engine,
                                               std::vector<std::string> statuses,
                                               std::vector<std::string> categories = {}) {
  cases::ListRequest request;
  request.filter.statuses = std::move(statuses);
  request.filter.categories = std::move(categories);
  return cases::ListEvery(engine, auth::SystemPrincipal(kSweeper), std::move(request));
}

}  // namespace

Warnings::Warnings(cases::CaseEngine* warnings, cases::CaseEngine* backlog_cases,
                   const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock)
    : warnings_(warnings), cases_(backlog_cases), rules_(rules), regions_(regions), clock_(clock) {}

absl::Status Warnings::Get(const auth::Principal& who, const bv1::GetWarningRequest& in,
                           bv1::GetWarningResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, warnings_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_warning(), WarningKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Warnings::List(const auth::Principal& who, const bv1::ListWarningsRequest& in,
                            bv1::ListWarningsResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in, {.statuses = "statuses", .grids = false},
                                              *regions_, clock_->Now()));
  if (!bv1::WarningLevel_IsValid(in.level())) return InvalidField("level", "not a WarningLevel");
  if (in.level() != bv1::WARNING_LEVEL_UNSPECIFIED) request.filter.unit_id = EnumKey(in.level());
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, warnings_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<bv1::Warning> warnings,
                       WarningKind().FromCases(page.cases, who));
  for (const bv1::Warning& w : warnings) *out->add_warnings() = w;
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Warnings::Move(const auth::Principal& who, const char* verb, const std::string& id,
                            const std::string& etag, const std::string& note,
                            const cases::Mutation& mutation, bv1::Warning* out) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  GOV_RETURN_IF_ERROR(ValidateId(etag, "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(note, "note", kMaxText, /*required=*/verb == kClear));
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       warnings_->Transition(who, verb, id, etag, note, mutation));
  GOV_ASSIGN_OR_RETURN(*out, WarningKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Warnings::Acknowledge(const auth::Principal& who,
                                   const bv1::AcknowledgeWarningRequest& in,
                                   bv1::AcknowledgeWarningResponse* out) {
  return Move(who, kAcknowledge, in.id(), in.etag(), in.note(), nullptr, out->mutable_warning());
}

absl::Status Warnings::Clear(const auth::Principal& who, const bv1::ClearWarningRequest& in,
                             bv1::ClearWarningResponse* out) {
  return Move(who, kClear, in.id(), in.etag(), in.note(), nullptr, out->mutable_warning());
}

absl::Status Warnings::ClearFor(const std::string& case_id, int milestone, const std::string& why) {
  GOV_ASSIGN_OR_RETURN(
      const std::vector<cases::Case> open,
      AllIn(*warnings_, {kRaised, kAcknowledged}, {WarningKey(case_id, milestone)}));
  const auth::Principal system = auth::SystemPrincipal(kSweeper);
  for (const cases::Case& w : open) {
    GOV_RETURN_IF_ERROR(
        warnings_->Transition(system, kClear, w.record.id, w.etag(), why, nullptr).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<Warnings::SweepResult> Warnings::Sweep() {
  SweepResult result;
  const absl::Time now = clock_->Now();
  const auth::Principal system = auth::SystemPrincipal(kSweeper);

  // The cases in progress, by id.
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> in_progress, AllIn(*cases_, {kInProgress}));
  absl::flat_hash_map<std::string, bv1::BacklogCase> by_id;
  for (const cases::Case& c : in_progress) {
    GOV_ASSIGN_OR_RETURN(bv1::BacklogCase backlog_case, BacklogCaseKind().FromCase(c));
    by_id.emplace(c.record.id, std::move(backlog_case));
  }

  // Raise: one warning per overdue open milestone, from the moment it fell due (so a warning
  // raised late stands where it would have stood).
  for (const auto& [id, c] : by_id) {
    for (const bv1::Milestone& m : c.milestones()) {
      if (m.status() == bv1::MILESTONE_STATUS_DONE || FromTimestamp(m.due_time()) >= now) continue;
      bv1::Warning w;
      w.set_case_id(id);
      w.set_milestone(m.number());
      w.set_milestone_title(m.title());
      *w.mutable_due_time() = m.due_time();
      *w.mutable_region() = c.region();
      w.set_level(c.region().community_id().empty() ? bv1::WARNING_LEVEL_STREET
                                                    : bv1::WARNING_LEVEL_COMMUNITY);
      *w.mutable_level_time() = m.due_time();
      cases::NewCase input;
      input.category = WarningKey(id, m.number());
      input.street_id = c.region().street_id();
      input.community_id = c.region().community_id();
      input.unit_id = EnumKey(w.level());
      input.payload = WarningKind().Payload(w);
      input.note = absl::StrCat("milestone ", m.number(), " overdue");
      GOV_ASSIGN_OR_RETURN(
          const cases::Case raised,
          warnings_->Create(system, input, absl::StrCat("warn:", WarningKey(id, m.number())),
                            cases::CaseEngine::RequestHash(input.payload)));
      result.raised += raised.created ? 1 : 0;
    }
  }

  // Escalate or clear the open ones.
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> open,
                       AllIn(*warnings_, {kRaised, kAcknowledged}));
  for (const cases::Case& row : open) {
    GOV_ASSIGN_OR_RETURN(const bv1::Warning w, WarningKind().FromCase(row));
    const auto it = by_id.find(w.case_id());
    const bool case_open = it != by_id.end();
    const bool done =
        case_open && w.milestone() >= 1 && w.milestone() <= it->second.milestones_size() &&
        it->second.milestones(w.milestone() - 1).status() == bv1::MILESTONE_STATUS_DONE;
    if (!case_open || done) {
      GOV_RETURN_IF_ERROR(
          warnings_
              ->Transition(system, kClear, row.record.id, row.etag(),
                           case_open ? "milestone done" : "case no longer in progress", nullptr)
              .status());
      ++result.cleared;
      continue;
    }
    const absl::Time due = FromTimestamp(w.level_time()) + rules_->TimeAtLevel(w.level());
    if (w.level() == bv1::WARNING_LEVEL_DISTRICT || now < due) continue;
    const bv1::WarningLevel next = NextLevel(w.level());
    GOV_RETURN_IF_ERROR(warnings_
                            ->Transition(system, kEscalate, row.record.id, row.etag(),
                                         absl::StrCat("to ", EnumKey(next)),
                                         WarningKind().Edit([&](bv1::Warning& edited) {
                                           edited.set_level(next);
                                           *edited.mutable_level_time() = ToTimestamp(due);
                                           return absl::OkStatus();
                                         }))
                            .status());
    ++result.escalated;
  }
  if (result.raised + result.escalated + result.cleared > 0) {
    log::Info("warnings swept", {{"raised", absl::StrCat(result.raised)},
                                 {"escalated", absl::StrCat(result.escalated)},
                                 {"cleared", absl::StrCat(result.cleared)}});
  }
  return result;
}

}  // namespace gov::backlog
