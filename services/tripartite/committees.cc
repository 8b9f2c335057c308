#include "services/tripartite/committees.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/tripartite/validation.h"

// A committee is a case of the store track "tripartite_committee" (CommitteeSpec, CommitteeKind;
// model.h): its category is its type's key ("OWNERS", "SUPERVISORY"), its unit the compound, its
// street and community the compound's; the payload keeps the type, the note, the preparatory
// group, the members elected, the election day, the filing number and the model years. The
// writes answer with the committee without its history (Committee.history is GetCommittee's).
//
// Members: a preparatory group (筹备组) has from the rules file's preparatory_min to
// preparatory_max members, each MEMBER_SEAT_MEMBER or, for its leader, MEMBER_SEAT_CHAIR (at
// most one; a group may have none); an elected committee the rules file's number for its type
// (odd when the rules ask it), every seat given (chair, vice-chair, member) and exactly one
// chair. In both, every name is 1 to 50 characters and no name comes twice (compared without
// surrounding blanks).
namespace gov::tripartite {
namespace {

using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_COUNT;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;
using Members = google::protobuf::RepeatedPtrField<tv1::CommitteeMember>;

// Who the part's own reads act as (the one-per-compound rule, the indicators' measures).
constexpr char kChecker[] = "tripartite-committees";
constexpr char kMeasurer[] = "tripartite-committee-indicators";

// The note of a committee's Create event: the request that applied for it, so that a retry is
// told from another application for the same compound.
constexpr char kRequestMark[] = "request_id ";
// The engine's action of a case's first event.
constexpr char kCreateAction[] = "Create";

// The states in which a committee holds its compound's place for its type: applied for, forming
// or filed.
bool HoldsCompound(const std::string& status) {
  return status == kApplied || status == kPreparatory || status == kElected || status == kFiled;
}

std::string TypeNoun(tv1::CommitteeType type) {
  return type == tv1::COMMITTEE_TYPE_SUPERVISORY ? "a supervisory committee"
                                                 : "an owners' committee";
}

enum class Group { kPreparatory, kElected };

// The number of members: from `min` to `max`, odd when `odd`. INVALID_ARGUMENT "members".
absl::Status CheckCount(int n, int min, int max, bool odd, const std::string& what) {
  if (n < min || n > max) {
    return InvalidField("members", absl::StrCat(what, " has ", min, " to ", max, " members",
                                                odd ? ", an odd number" : "", "; ", n, " given"));
  }
  if (odd && n % 2 == 0) {
    return InvalidField("members",
                        absl::StrCat(what, " has an odd number of members; ", n, " given"));
  }
  return absl::OkStatus();
}

// Names and seats (the count is CheckCount's), as the file's comment says.
absl::Status CheckMembers(const Members& members, Group group) {
  absl::flat_hash_set<std::string> names;
  int chairs = 0;
  for (int i = 0; i < members.size(); ++i) {
    const tv1::CommitteeMember& m = members.Get(i);
    const std::string at = absl::StrCat("members[", i, "]");
    GOV_RETURN_IF_ERROR(
        ValidateText(m.name(), absl::StrCat(at, ".name"), kMaxPerson, /*required=*/true));
    const std::string name(absl::StripAsciiWhitespace(m.name()));
    if (name.empty()) return InvalidField(absl::StrCat(at, ".name"), "required");
    if (!names.insert(name).second) {
      return InvalidField(absl::StrCat(at, ".name"), "named twice: every member once");
    }
    const tv1::MemberSeat seat = m.seat();
    if (group == Group::kPreparatory) {
      if (seat != tv1::MEMBER_SEAT_MEMBER && seat != tv1::MEMBER_SEAT_CHAIR) {
        return InvalidField(absl::StrCat(at, ".seat"),
                            "a preparatory group's members are MEMBER_SEAT_MEMBER, its leader "
                            "MEMBER_SEAT_CHAIR");
      }
    } else if (seat == tv1::MEMBER_SEAT_UNSPECIFIED || !tv1::MemberSeat_IsValid(seat)) {
      return InvalidField(absl::StrCat(at, ".seat"), "required: chair, vice-chair or member");
    }
    if (seat == tv1::MEMBER_SEAT_CHAIR && ++chairs > 1) {
      return InvalidField(absl::StrCat(at, ".seat"), "a second chair: there is one");
    }
  }
  if (group == Group::kElected && chairs == 0) {
    return InvalidField("members", "no chair: exactly one member is MEMBER_SEAT_CHAIR");
  }
  return absl::OkStatus();
}

// The members as stored: name, seat and party membership, nothing else.
Members CopyMembers(const Members& given) {
  Members out;
  for (const tv1::CommitteeMember& m : given) {
    tv1::CommitteeMember* kept = out.Add();
    kept->set_name(m.name());
    kept->set_seat(m.seat());
    kept->set_party_member(m.party_member());
  }
  return out;
}

// Committees elected and not filed whose filing was due before now, in the context's region (a
// present state: the same for every period).
Measure FilingsOverdue(cases::CaseEngine* engine) {
  return [engine](const EvalContext& ctx) -> absl::StatusOr<Value> {
    cases::ListRequest request;
    request.filter.statuses = {kElected};
    request.filter.street_id = ctx.street_id;
    request.filter.community_id = ctx.community_id;
    // The context's streets (several for a principal of several) as the reader's scope.
    auth::Principal reader = auth::SystemPrincipal(kMeasurer);
    reader.streets.insert(ctx.streets.begin(), ctx.streets.end());
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> elected,
                         cases::ListEvery(*engine, reader, std::move(request)));
    int64_t overdue = 0;
    for (const cases::Case& c : elected) {
      if (c.record.due_time < ctx.now) ++overdue;
    }
    return Value{overdue};
  };
}

}  // namespace

Committees::Committees(cases::CaseEngine* committees, const Compounds* compounds,
                       const Rules* rules, const regions::RegionRegistry* regions,
                       const Clock* clock)
    : committees_(committees),
      compounds_(compounds),
      rules_(rules),
      regions_(regions),
      clock_(clock) {}

// Read, then created: two applications of different requests for one compound and type at the
// same moment may both pass the read and both be stored (the store keeps no constraint across
// cases); the rule holds for every application that comes after a stored one.
absl::Status Committees::CheckCompoundFree(const std::string& compound_id, tv1::CommitteeType type,
                                           const std::string& request_id) const {
  const std::string type_key = EnumKey(type);
  const auth::Principal reader = auth::SystemPrincipal(kChecker);
  cases::ListRequest request;
  request.filter.unit_id = compound_id;
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> all,
                       cases::ListEvery(*committees_, reader, std::move(request)));
  const auto holder = std::find_if(all.begin(), all.end(), [&](const cases::Case& c) {
    return c.record.category == type_key && HoldsCompound(c.record.status);
  });
  if (holder == all.end()) return absl::OkStatus();
  // A retry of the request that applied for one of the compound's committees: the engine
  // answers it with that committee (ALREADY_EXISTS when the request id came with other content).
  const std::string mark = absl::StrCat(kRequestMark, request_id);
  for (const cases::Case& c : all) {
    GOV_ASSIGN_OR_RETURN(const cases::Case read,
                         committees_->Get(reader, c.record.id, /*with_history=*/true));
    if (!read.history.empty() && read.history.front().action == kCreateAction &&
        read.history.front().note == mark) {
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(absl::StrCat("compound ", compound_id, " has ",
                                                    TypeNoun(type), " already: ", holder->record.id,
                                                    " (", holder->record.status, ")"));
}

absl::Status Committees::Apply(const auth::Principal& who, const tv1::ApplyCommitteeRequest& in,
                               tv1::ApplyCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  const tv1::Committee& given = in.committee();
  if (given.type() == tv1::COMMITTEE_TYPE_UNSPECIFIED ||
      !tv1::CommitteeType_IsValid(given.type())) {
    return InvalidField("committee.type", "required: owners' or supervisory committee");
  }
  GOV_RETURN_IF_ERROR(ValidateId(given.compound_id(), "committee.compound_id"));
  GOV_RETURN_IF_ERROR(ValidateText(given.note(), "committee.note", kMaxText));
  GOV_ASSIGN_OR_RETURN(const tv1::Compound compound,
                       compounds_->Find(who, given.compound_id(), "committee.compound_id"));

  // What the caller says, and nothing of the output-only fields.
  tv1::Committee c;
  c.set_type(given.type());
  c.set_compound_id(compound.id());
  c.set_note(given.note());
  GOV_RETURN_IF_ERROR(CheckCompoundFree(compound.id(), c.type(), in.request_id()));

  cases::NewCase input;
  input.category = EnumKey(c.type());
  input.street_id = compound.region().street_id();
  input.community_id = compound.region().community_id();
  input.unit_id = compound.id();
  input.payload = CommitteeKind().Payload(c);
  input.note = absl::StrCat(kRequestMark, in.request_id());
  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(c));
  GOV_ASSIGN_OR_RETURN(const cases::Case created,
                       committees_->Create(who, input, in.request_id(), hash));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(),
                       CommitteeKind().FromCase(cases::Case{created.record, {}}, who));
  return absl::OkStatus();
}

absl::Status Committees::Get(const auth::Principal& who, const tv1::GetCommitteeRequest& in,
                             tv1::GetCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, committees_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Committees::List(const auth::Principal& who, const tv1::ListCommitteesRequest& in,
                              tv1::ListCommitteesResponse* out) const {
  GOV_ASSIGN_OR_RETURN(
      cases::ListRequest request,
      cases::ReadListRequest(
          in, {.statuses = "statuses", .categories = "type", .unit = "compound_id", .grids = false},
          *regions_, clock_->Now()));
  GOV_ASSIGN_OR_RETURN(const cases::ListResult page, committees_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(const std::vector<tv1::Committee> committees,
                       CommitteeKind().FromCases(page.cases, who));
  for (const tv1::Committee& c : committees) *out->add_committees() = c;
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

absl::Status Committees::FormPreparatoryGroup(const auth::Principal& who,
                                              const tv1::FormPreparatoryGroupRequest& in,
                                              tv1::FormPreparatoryGroupResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(CheckCount(in.members_size(), rules_->data().preparatory_min(),
                                 rules_->data().preparatory_max(), /*odd=*/false,
                                 "a preparatory group"));
  GOV_RETURN_IF_ERROR(CheckMembers(in.members(), Group::kPreparatory));
  const Members group = CopyMembers(in.members());
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       committees_->Transition(who, kFormGroup, in.id(), in.etag(),
                                               absl::StrCat(group.size(), " members"),
                                               CommitteeKind().Edit([&group](tv1::Committee& c) {
                                                 *c.mutable_preparatory_group() = group;
                                                 return absl::OkStatus();
                                               })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(moved, who));
  return absl::OkStatus();
}

// What depends on the committee — the size of its type, its application's day — is checked on
// the committee as the transition reads it (after its etag and state), before anything is
// written; the rest before anything is read.
absl::Status Committees::Elect(const auth::Principal& who, const tv1::ElectCommitteeRequest& in,
                               tv1::ElectCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateDay(in.day(), "day"));
  const absl::CivilDay day = *cal::ParseDay(in.day());
  if (day > cal::LocalDay(clock_->Now())) return InvalidField("day", "in the future");
  // The bounds of every type here; the committee's own type's when it is read.
  int min = 0;
  int max = 0;
  for (const cv1::CommitteeSize& size : rules_->data().committee_sizes()) {
    min = min == 0 ? size.min_members() : std::min(min, size.min_members());
    max = std::max(max, size.max_members());
  }
  GOV_RETURN_IF_ERROR(CheckCount(in.members_size(), min, max, /*odd=*/false, "a committee"));
  GOV_RETURN_IF_ERROR(CheckMembers(in.members(), Group::kElected));
  const Members members = CopyMembers(in.members());
  const std::string day_text = in.day();
  const Rules& rules = *rules_;
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      committees_->Transition(
          who, kElect, in.id(), in.etag(),
          absl::StrCat("elected on ", day_text, ", ", members.size(), " members"),
          CommitteeKind().Edit([&](tv1::Committee& c) -> absl::Status {
            const cv1::CommitteeSize& size = rules.CommitteeSize(c.type());
            GOV_RETURN_IF_ERROR(CheckCount(members.size(), size.min_members(), size.max_members(),
                                           size.odd(), TypeNoun(c.type())));
            const absl::CivilDay applied = cal::LocalDay(FromTimestamp(c.create_time()));
            if (day < applied) {
              return InvalidField("day", absl::StrCat("before the application, on ",
                                                      absl::FormatCivilTime(applied)));
            }
            *c.mutable_members() = members;
            c.set_election_day(day_text);
            return absl::OkStatus();
          })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Committees::File(const auth::Principal& who, const tv1::FileCommitteeRequest& in,
                              tv1::FileCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(
      ValidateText(in.filing_number(), "filing_number", kMaxShort, /*required=*/true));
  const std::string number = in.filing_number();
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       committees_->Transition(who, kFile, in.id(), in.etag(), number,
                                               CommitteeKind().Edit([&number](tv1::Committee& c) {
                                                 c.set_filing_number(number);
                                                 return absl::OkStatus();
                                               })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Committees::Withdraw(const auth::Principal& who,
                                  const tv1::WithdrawCommitteeRequest& in,
                                  tv1::WithdrawCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxText, /*required=*/true));
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       committees_->Transition(who, kWithdraw, in.id(), in.etag(), in.reason()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(moved, who));
  return absl::OkStatus();
}

absl::Status Committees::DesignateModel(const auth::Principal& who,
                                        const tv1::DesignateModelCommitteeRequest& in,
                                        tv1::DesignateModelCommitteeResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateRange(in.year(), 2000, 2100, "year"));
  const int current_year = static_cast<int>(cal::LocalDay(clock_->Now()).year());
  if (in.year() > current_year) {
    return InvalidField("year", absl::StrCat("after the current year, ", current_year));
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxText, /*required=*/true));
  const int year = in.year();
  const std::string id = in.id();
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      committees_->Transition(
          who, kDesignateModel, id, in.etag(), absl::StrCat(year, ": ", in.reason()),
          CommitteeKind().Edit([&](tv1::Committee& c) -> absl::Status {
            if (c.type() != tv1::COMMITTEE_TYPE_OWNERS) {
              return absl::FailedPreconditionError(absl::StrCat(
                  id, " is a supervisory committee: only owners' committees are model ones"));
            }
            if (std::find(c.model_years().begin(), c.model_years().end(), year) !=
                c.model_years().end()) {
              return absl::FailedPreconditionError(
                  absl::StrCat(id, " is a model committee of ", year, " already"));
            }
            c.add_model_years(year);
            return absl::OkStatus();
          })));
  GOV_ASSIGN_OR_RETURN(*out->mutable_committee(), CommitteeKind().FromCase(moved, who));
  return absl::OkStatus();
}

// ---- Indicators ----

std::vector<indicators::IndicatorSpec> CommitteeIndicators(cases::CaseEngine* committees) {
  std::vector<indicators::IndicatorSpec> specs;
  // 成立住宅小区业委会、业主监督委员会50个: the committees of either type filed in the period,
  // each once. Counted by the File action, not by the events into FILED: a model designation is
  // an event from FILED into FILED too.
  specs.push_back(indicators::DistrictCount(
      "new_committees", "新成立业委会、业主监督委员会数",
      "Owners' and supervisory committees formed (filed)",
      indicators::OnTrack(kCommitteeTrack, indicators::CasesWithAction({kFile}))));
  // 打造示范型业委会20个: the designations made in the period.
  specs.push_back(indicators::DistrictCount(
      "model_committees", "示范型业委会数", "Model owners' committees designated",
      indicators::OnTrack(kCommitteeTrack, indicators::EventsWithAction({kDesignateModel}))));
  // Watched: the committees elected and not filed past the rules file's days, now.
  specs.push_back({.id = "filings_overdue",
                   .name_zh = "逾期未备案业委会数",
                   .name_en = "Committees elected and not filed in time",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = FilingsOverdue(committees)});
  return specs;
}

}  // namespace gov::tripartite
