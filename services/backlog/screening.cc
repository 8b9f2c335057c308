#include "services/backlog/screening.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/validation.h"

namespace gov::backlog {
namespace {

constexpr char kCounter[] = "backlog-screening";

absl::Status ValidateNewRound(const bv1::ScreeningRound& r, const regions::RegionRegistry& regions,
                              absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateText(r.name(), "round.name", kMaxTitle, true));
  if (!r.street_id().empty() && !regions.HasStreet(r.street_id())) {
    return InvalidField("round.street_id", absl::StrCat("unknown street \"", r.street_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateDay(r.first_day(), "round.first_day"));
  GOV_RETURN_IF_ERROR(ValidateDay(r.last_day(), "round.last_day"));
  const absl::CivilDay first = *cal::ParseDay(r.first_day());
  const absl::CivilDay last = *cal::ParseDay(r.last_day());
  if (last < first) return InvalidField("round.last_day", "before first_day");
  if (last < today) return InvalidField("round.last_day", "in the past");
  return absl::OkStatus();
}

absl::Status ValidateNewEntry(const bv1::ScreeningEntry& e,
                              const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(ValidateId(e.round_id(), "entry.round_id"));
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "entry.region", /*require_street=*/true));
  if (e.region().community_id().empty()) {
    return InvalidField("entry.region.community_id", "required: the community that found it");
  }
  GOV_RETURN_IF_ERROR(ValidateText(e.title(), "entry.title", kMaxTitle, true));
  GOV_RETURN_IF_ERROR(ValidateText(e.summary(), "entry.summary", kMaxText, true));
  return ValidateText(e.reporter(), "entry.reporter", kMaxName, true);
}

// A district round (no street) is the district's to close.
absl::Status CheckRoundWriter(const auth::Principal& who, const std::string& street_id) {
  if (street_id.empty() && !who.district_wide()) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not act on a round of the whole district"));
  }
  return registry::CheckStreet(who, street_id);
}

}  // namespace

const registry::Layout& ScreeningRoundLayout() {
  static const auto* layout =
      new registry::Layout{kTrack, "screening_round", "SR", "screening round"};
  return *layout;
}

std::string Screening::CaseRequestId(const std::string& entry_id) {
  return absl::StrCat("screening:", entry_id);
}

Screening::Screening(const registry::Registry* rounds, cases::CaseEngine* entries,
                     cases::CaseEngine* backlog_cases, const BacklogCases* presenter,
                     const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock)
    : rounds_(rounds),
      entries_(entries),
      cases_(backlog_cases),
      presenter_(presenter),
      rules_(rules),
      regions_(regions),
      clock_(clock) {}

absl::StatusOr<bv1::ScreeningRound> Screening::WithCounts(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(bv1::ScreeningRound r, rounds_->Decode<bv1::ScreeningRound>(row));
  r.set_street_id(row.street_id);
  cases::ListRequest request;
  request.filter.categories = {row.id};
  GOV_ASSIGN_OR_RETURN(
      const std::vector<cases::Case> entries,
      cases::ListEvery(*entries_, auth::SystemPrincipal(kCounter), std::move(request)));
  r.set_entries(static_cast<int32_t>(entries.size()));
  for (const cases::Case& e : entries) {
    if (e.record.status == kAccepted) r.set_accepted(r.accepted() + 1);
    if (e.record.status == kDismissed) r.set_dismissed(r.dismissed() + 1);
    if (e.record.status == kReported) r.set_undecided(r.undecided() + 1);
  }
  return r;
}

absl::Status Screening::OpenRound(const auth::Principal& who,
                                  const bv1::OpenScreeningRoundRequest& in,
                                  bv1::OpenScreeningRoundResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewRound(in.round(), *regions_, cal::LocalDay(clock_->Now())));
  GOV_RETURN_IF_ERROR(CheckRoundWriter(who, in.round().street_id()));
  bv1::ScreeningRound r;
  r.set_name(in.round().name());
  r.set_first_day(in.round().first_day());
  r.set_last_day(in.round().last_day());
  r.set_status(bv1::SCREENING_ROUND_STATUS_OPEN);
  store::EntityRecord row;
  row.street_id = in.round().street_id();
  row.key = EnumKey(r.status());
  row.payload = registry::Payload(r);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       rounds_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_round(), WithCounts(created));
  return absl::OkStatus();
}

absl::Status Screening::GetRound(const auth::Principal& who,
                                 const bv1::GetScreeningRoundRequest& in,
                                 bv1::GetScreeningRoundResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       rounds_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_round(), WithCounts(row));
  return absl::OkStatus();
}

absl::Status Screening::ListRounds(const auth::Principal& who,
                                   const bv1::ListScreeningRoundsRequest& in,
                                   bv1::ListScreeningRoundsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!bv1::ScreeningRoundStatus_IsValid(in.status())) {
    return InvalidField("status", "not a ScreeningRoundStatus");
  }
  store::EntityFilter filter;
  filter.track = ScreeningRoundLayout().track;
  filter.kind = ScreeningRoundLayout().kind;
  if (in.status() != bv1::SCREENING_ROUND_STATUS_UNSPECIFIED) filter.key = EnumKey(in.status());
  GOV_ASSIGN_OR_RETURN(
      const registry::Page page,
      rounds_->ListPage(who, {std::move(filter)}, {"screening_rounds", EnumKey(in.status())}, size,
                        in.page_token(), /*district_rows_public=*/true));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_rounds(), WithCounts(row));
  }
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Screening::CloseRound(const auth::Principal& who,
                                   const bv1::CloseScreeningRoundRequest& in,
                                   bv1::CloseScreeningRoundResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row,
                       rounds_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
  GOV_RETURN_IF_ERROR(CheckRoundWriter(who, row.street_id));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(rounds_->layout(), row, in.etag()));
  GOV_ASSIGN_OR_RETURN(bv1::ScreeningRound r, WithCounts(row));
  if (r.status() != bv1::SCREENING_ROUND_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("round ", row.id, " is closed already"));
  }
  if (r.undecided() > 0) {
    return absl::FailedPreconditionError(absl::StrCat("round ", row.id, " has ", r.undecided(),
                                                      " entries not yet accepted or dismissed"));
  }
  r.set_status(bv1::SCREENING_ROUND_STATUS_CLOSED);
  r.clear_street_id();
  r.clear_entries();
  r.clear_accepted();
  r.clear_dismissed();
  r.clear_undecided();
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord replaced,
      rounds_->Replace(std::move(row), in.etag(), EnumKey(r.status()), registry::Payload(r)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_round(), WithCounts(replaced));
  return absl::OkStatus();
}

absl::Status Screening::Report(const auth::Principal& who,
                               const bv1::ReportScreeningEntryRequest& in,
                               bv1::ReportScreeningEntryResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  const bv1::ScreeningEntry& given = in.entry();
  GOV_RETURN_IF_ERROR(ValidateNewEntry(given, *regions_));
  const std::string& street = given.region().street_id();
  if (!who.CanAccessStreet(street)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not act on street ", street));
  }
  absl::StatusOr<store::EntityRecord> round = rounds_->Get(given.round_id());
  if (absl::IsNotFound(round.status())) {
    return InvalidField("entry.round_id",
                        absl::StrCat("unknown screening round \"", given.round_id(), "\""));
  }
  if (!round.ok()) return round.status();
  GOV_ASSIGN_OR_RETURN(const bv1::ScreeningRound r, rounds_->Decode<bv1::ScreeningRound>(*round));
  if (!round->street_id.empty() && round->street_id != street) {
    return InvalidField("entry.region.street_id",
                        absl::StrCat("round ", round->id, " screens street ", round->street_id));
  }
  if (r.status() != bv1::SCREENING_ROUND_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("round ", round->id, " is closed"));
  }
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  if (today < *cal::ParseDay(r.first_day()) || today > *cal::ParseDay(r.last_day())) {
    return absl::FailedPreconditionError(absl::StrCat("round ", round->id, " takes reports from ",
                                                      r.first_day(), " to ", r.last_day()));
  }
  bv1::ScreeningEntry e = given;
  e.clear_case_id();
  e.clear_dismissal_reason();
  cases::NewCase input;
  input.category = round->id;
  input.street_id = street;
  input.community_id = given.region().community_id();
  input.grid_id = given.region().grid_id();
  input.payload = ScreeningEntryKind().Payload(e);
  input.note = absl::StrCat("reported in round ", round->id);
  GOV_ASSIGN_OR_RETURN(
      const cases::Case created,
      entries_->Create(who, input, in.request_id(), cases::CaseEngine::RequestHash(input.payload)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_entry(), ScreeningEntryKind().FromCase(created, who));
  return absl::OkStatus();
}

absl::Status Screening::GetEntry(const auth::Principal& who,
                                 const bv1::GetScreeningEntryRequest& in,
                                 bv1::GetScreeningEntryResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, entries_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_entry(), ScreeningEntryKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Screening::ListEntries(const auth::Principal& who,
                                    const bv1::ListScreeningEntriesRequest& in,
                                    bv1::ListScreeningEntriesResponse* out) {
  GOV_ASSIGN_OR_RETURN(
      cases::ListRequest request,
      cases::ReadListRequest(in, {.statuses = "statuses"}, *regions_, clock_->Now()));
  if (!in.round_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(in.round_id(), "round_id"));
    request.filter.categories = {in.round_id()};
  }
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, entries_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<bv1::ScreeningEntry> entries,
                       ScreeningEntryKind().FromCases(page.cases, who));
  for (const bv1::ScreeningEntry& e : entries) *out->add_entries() = e;
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Screening::Accept(const auth::Principal& who,
                               const bv1::AcceptScreeningEntryRequest& in,
                               bv1::AcceptScreeningEntryResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  const absl::Time now = clock_->Now();
  // The plan is checked before anything is read: the case's other fields are the entry's.
  bv1::BacklogCase plan;
  plan.mutable_origin()->set_kind(bv1::ORIGIN_KIND_SCREENING);
  plan.mutable_region()->set_street_id(regions_->streets().front()->id());
  plan.set_title("plan");
  plan.set_summary("plan");
  plan.set_responsible_leader(in.responsible_leader());
  *plan.mutable_task_force() = in.task_force();
  *plan.mutable_milestones() = in.milestones();
  GOV_RETURN_IF_ERROR(ValidateNewCase(plan, *rules_, *regions_, now, /*at=*/""));

  // The entry as it stands: reported, at the caller's etag (refused before a case is made).
  GOV_ASSIGN_OR_RETURN(const cases::Case entry, entries_->Get(who, in.id(), false));
  if (entry.etag() != in.etag()) {
    return absl::AbortedError(absl::StrCat("screening entry ", in.id(), " changed (etag ",
                                           entry.etag(), "); read it again"));
  }
  if (entry.record.status != kReported) {
    return absl::FailedPreconditionError(
        absl::StrCat("screening entry ", in.id(), " is ", entry.record.status, ", not REPORTED"));
  }
  GOV_ASSIGN_OR_RETURN(const bv1::ScreeningEntry e, ScreeningEntryKind().FromCase(entry));
  bv1::BacklogCase c = std::move(plan);
  c.mutable_origin()->set_reference(e.id());
  *c.mutable_region() = e.region();
  c.set_title(e.title());
  c.set_summary(e.summary());
  const cases::NewCase input = NewBacklogCase(c);
  GOV_ASSIGN_OR_RETURN(const cases::Case created,
                       cases_->Create(who, input, CaseRequestId(e.id()),
                                      cases::CaseEngine::RequestHash(input.payload)));
  const std::string case_id = created.record.id;
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       entries_->TransitionWithHistory(
                           who, kAccept, in.id(), in.etag(), absl::StrCat("backlog case ", case_id),
                           ScreeningEntryKind().Edit([&](bv1::ScreeningEntry& edited) {
                             edited.set_case_id(case_id);
                             return absl::OkStatus();
                           })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_entry(), ScreeningEntryKind().FromCase(moved, who));
  GOV_ASSIGN_OR_RETURN(*out->mutable_backlog_case(), presenter_->Present(created, who));
  return absl::OkStatus();
}

absl::Status Screening::Dismiss(const auth::Principal& who,
                                const bv1::DismissScreeningEntryRequest& in,
                                bv1::DismissScreeningEntryResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxText, true));
  const std::string reason = in.reason();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      entries_->TransitionWithHistory(who, kDismiss, in.id(), in.etag(), reason,
                                      ScreeningEntryKind().Edit([&](bv1::ScreeningEntry& edited) {
                                        edited.set_dismissal_reason(reason);
                                        return absl::OkStatus();
                                      })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_entry(), ScreeningEntryKind().FromCase(moved, who));
  return absl::OkStatus();
}

}  // namespace gov::backlog
