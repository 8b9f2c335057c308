#include "services/tripartite/compounds.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/tripartite/validation.h"

namespace gov::tripartite {
namespace {

// The row keys of compounds: whether the three-party body is set up.
constexpr char kBody[] = "body";
constexpr char kNoBody[] = "no_body";

constexpr int kMaxHouseholds = 100000;

// The principal the part reads the committees' cases as (their standing is shown to every
// caller who may see the compound).
constexpr char kReader[] = "tripartite-compounds";

absl::Status ValidateNewCompound(const tv1::Compound& c, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(ValidateText(c.name(), "compound.name", kMaxName, /*required=*/true));
  if (!c.region().grid_id().empty()) {
    return InvalidField("compound.region.grid_id", "compounds are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(c.region(), "compound.region", /*require_street=*/true));
  if (c.region().community_id().empty()) {
    return InvalidField("compound.region.community_id",
                        "required: the community the compound is in");
  }
  GOV_RETURN_IF_ERROR(ValidateText(c.address(), "compound.address", kMaxName));
  GOV_RETURN_IF_ERROR(ValidateRange(c.households(), 1, kMaxHouseholds, "compound.households"));
  return ValidateText(c.property_company(), "compound.property_company", kMaxName);
}

// The committee statuses a compound shows: forming (applied, preparatory, elected) or filed.
bool Shows(const std::string& status) {
  return status == kApplied || status == kPreparatory || status == kElected || status == kFiled;
}

tv1::CommitteeStanding StandingOf(const std::string& status) {
  return status == kFiled ? tv1::COMMITTEE_STANDING_FILED : tv1::COMMITTEE_STANDING_FORMING;
}

// Where a compound's two committees stand.
struct CommitteeView {
  std::string owners_id;
  std::string owners_status;
  std::string supervisory_id;
  std::string supervisory_status;
};

// The committees of the compounds of `rows`: one list of the live committees of each street
// among them (of the one compound when a street has only one of them), newest first, so that a
// compound shows its newest committee of each type when, against the rule, it has two.
absl::StatusOr<absl::flat_hash_map<std::string, CommitteeView>> CommitteesOf(
    cases::CaseEngine& committees, const std::vector<store::EntityRecord>& rows) {
  absl::flat_hash_map<std::string, std::vector<const store::EntityRecord*>> by_street;
  absl::flat_hash_set<std::string> ids;
  for (const store::EntityRecord& row : rows) {
    by_street[row.street_id].push_back(&row);
    ids.insert(row.id);
  }
  std::vector<std::string> streets;
  for (const auto& [street, of_street] : by_street) streets.push_back(street);
  std::sort(streets.begin(), streets.end());
  absl::flat_hash_map<std::string, CommitteeView> out;
  const auth::Principal reader = auth::SystemPrincipal(kReader);
  for (const std::string& street : streets) {
    const std::vector<const store::EntityRecord*>& of_street = by_street[street];
    cases::ListRequest request;
    request.filter.street_id = street;
    if (of_street.size() == 1) request.filter.unit_id = of_street.front()->id;
    request.filter.statuses = {kApplied, kPreparatory, kElected, kFiled};
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> found,
                         cases::ListEvery(committees, reader, std::move(request)));
    for (const cases::Case& c : found) {
      const store::CaseRecord& r = c.record;
      if (!ids.contains(r.unit_id) || !Shows(r.status)) continue;
      CommitteeView& view = out[r.unit_id];
      const bool owners = r.category == EnumKey(tv1::COMMITTEE_TYPE_OWNERS);
      const bool supervisory = r.category == EnumKey(tv1::COMMITTEE_TYPE_SUPERVISORY);
      if (owners && view.owners_id.empty()) {
        view.owners_id = r.id;
        view.owners_status = r.status;
      } else if (supervisory && view.supervisory_id.empty()) {
        view.supervisory_id = r.id;
        view.supervisory_status = r.status;
      }
    }
  }
  return out;
}

}  // namespace

Compounds::Compounds(const registry::Registry* compounds, const registry::Registry* fees,
                     cases::CaseEngine* committees, const regions::RegionRegistry* regions,
                     const Clock* clock)
    : compounds_(compounds),
      fees_(fees),
      committees_(committees),
      regions_(regions),
      clock_(clock) {}

// ---- Reading ----

absl::StatusOr<tv1::Compound> Compounds::Stored(const store::EntityRecord& row) const {
  return compounds_->Decode<tv1::Compound>(row);
}

absl::StatusOr<std::vector<tv1::Compound>> Compounds::Shown(
    const std::vector<store::EntityRecord>& rows) const {
  GOV_ASSIGN_OR_RETURN(const auto committees, CommitteesOf(*committees_, rows));
  std::vector<tv1::Compound> out;
  out.reserve(rows.size());
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(tv1::Compound c, Stored(row));
    c.clear_owners_committee();
    c.clear_owners_committee_id();
    c.clear_supervisory_committee();
    c.clear_supervisory_committee_id();
    c.clear_fee_colour();
    c.clear_fee_month();
    const auto view = committees.find(row.id);
    if (view != committees.end()) {
      if (!view->second.owners_id.empty()) {
        c.set_owners_committee(StandingOf(view->second.owners_status));
        c.set_owners_committee_id(view->second.owners_id);
      }
      if (!view->second.supervisory_id.empty()) {
        c.set_supervisory_committee(StandingOf(view->second.supervisory_status));
        c.set_supervisory_committee_id(view->second.supervisory_id);
      }
    }
    // The last fee record: the latest month among the compound's rows (keyed by month).
    store::EntityFilter of_compound;
    of_compound.parent_id = row.id;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> fee_rows,
                         fees_->AllRows(std::move(of_compound)));
    const store::EntityRecord* last = nullptr;
    for (const store::EntityRecord& fee : fee_rows) {
      if (last == nullptr || fee.key > last->key) last = &fee;
    }
    if (last != nullptr) {
      GOV_ASSIGN_OR_RETURN(const tv1::FeeCollection fee, fees_->Decode<tv1::FeeCollection>(*last));
      c.set_fee_colour(fee.colour());
      c.set_fee_month(fee.month().empty() ? last->key : fee.month());
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<tv1::Compound> Compounds::ShownOne(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(std::vector<tv1::Compound> shown, Shown({row}));
  return std::move(shown.front());
}

absl::StatusOr<tv1::Compound> Compounds::Find(const auth::Principal& who, const std::string& id,
                                              const std::string& field) const {
  GOV_RETURN_IF_ERROR(ValidateId(id, field));
  absl::StatusOr<store::EntityRecord> row = compounds_->Get(id);
  if (absl::IsNotFound(row.status())) {
    return InvalidField(field, absl::StrCat("unknown compound \"", id, "\""));
  }
  if (!row.ok()) return row.status();
  if (!who.CanAccessStreet(row->street_id)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "compound ", id, " is of street ", row->street_id, ", outside the caller's scope"));
  }
  return Stored(*row);
}

meetings::SubjectCheck Compounds::DeliberationSubject() const {
  return [this](const auth::Principal& who, const std::string& subject_id,
                const std::string& street_id) -> absl::Status {
    constexpr char kField[] = "meeting.subject_id";
    GOV_ASSIGN_OR_RETURN(const tv1::Compound c, Find(who, subject_id, kField));
    if (!street_id.empty() && c.region().street_id() != street_id) {
      return InvalidField(
          kField, absl::StrCat("compound ", subject_id, " is of street ", c.region().street_id(),
                               ", not the meeting's ", street_id));
    }
    return absl::OkStatus();
  };
}

// ---- The RPCs ----

absl::Status Compounds::Register(const auth::Principal& who, const tv1::RegisterCompoundRequest& in,
                                 tv1::RegisterCompoundResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateNewCompound(in.compound(), *regions_));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.compound().region().street_id()));
  // The compound as the caller describes it, without a body: output fields dropped, so that a
  // retry matches the first request's payload (idempotent by request_id; ALREADY_EXISTS for
  // another compound under the same request_id).
  const tv1::Compound& given = in.compound();
  tv1::Compound c;
  c.set_name(given.name());
  c.mutable_region()->set_street_id(given.region().street_id());
  c.mutable_region()->set_community_id(given.region().community_id());
  c.set_address(given.address());
  c.set_households(given.households());
  c.set_property_company(given.property_company());
  store::EntityRecord row;
  row.street_id = c.region().street_id();
  row.community_id = c.region().community_id();
  row.key = kNoBody;
  row.payload = registry::Payload(c);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       compounds_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_compound(), ShownOne(created));
  return absl::OkStatus();
}

absl::Status Compounds::Get(const auth::Principal& who, const tv1::GetCompoundRequest& in,
                            tv1::GetCompoundResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, compounds_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_compound(), ShownOne(row));
  return absl::OkStatus();
}

// By id within the caller's streets (and the region's; without a body: the index key); the token
// is bound to the filters and the caller's streets.
absl::Status Compounds::List(const auth::Principal& who, const tv1::ListCompoundsRequest& in,
                             tv1::ListCompoundsResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "compounds are listed by street or community");
  }
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (in.region().street_id().empty() && !in.region().community_id().empty()) {
    return InvalidField("region.street_id", "required with a community");
  }
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter filter;
  filter.track = compounds_->layout().track;
  filter.kind = compounds_->layout().kind;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  if (in.without_body_only()) filter.key = kNoBody;
  GOV_ASSIGN_OR_RETURN(const registry::Page page,
                       compounds_->ListPage(who, {filter},
                                            {"compounds", filter.street_id, filter.community_id,
                                             in.without_body_only() ? kNoBody : ""},
                                            size, in.page_token()));
  out->set_next_page_token(page.next_page_token);
  GOV_ASSIGN_OR_RETURN(std::vector<tv1::Compound> shown, Shown(page.rows));
  for (tv1::Compound& c : shown) *out->add_compounds() = std::move(c);
  return absl::OkStatus();
}

// The request's own fields first; then, with the compound read, its registration day
// (INVALID_ARGUMENT), the etag (ABORTED) and whether the body is set up already
// (FAILED_PRECONDITION).
absl::Status Compounds::SetUpThreePartyBody(const auth::Principal& who,
                                            const tv1::SetUpThreePartyBodyRequest& in,
                                            tv1::SetUpThreePartyBodyResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateDay(in.day(), "day"));
  const absl::CivilDay day = *cal::ParseDay(in.day());
  if (day > cal::LocalDay(clock_->Now())) return InvalidField("day", "in the future");
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, compounds_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(tv1::Compound c, Stored(row));
  const absl::CivilDay registered = cal::LocalDay(row.create_time);
  if (day < registered) {
    return InvalidField("day", absl::StrCat("before the compound's registration on ",
                                            absl::FormatCivilTime(registered)));
  }
  GOV_RETURN_IF_ERROR(registry::CheckEtag(compounds_->layout(), row, in.etag()));
  if (c.three_party_body()) {
    return absl::FailedPreconditionError(absl::StrCat("compound ", row.id,
                                                      " has its three-party body set up already"
                                                      " (on ",
                                                      c.three_party_body_day(), ")"));
  }
  c.set_three_party_body(true);
  c.set_three_party_body_day(in.day());
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord replaced,
                       compounds_->Replace(std::move(row), in.etag(), kBody, registry::Payload(c)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_compound(), ShownOne(replaced));
  return absl::OkStatus();
}

// ---- Indicators ----

namespace {

// Of the compounds registered by the context's last day (their row's creation, local day), the
// share with a body set up by that day; no data without any.
indicators::Measure ThreePartyCoverage(const registry::Registry* compounds) {
  return [compounds](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         compounds->RowsIn(ctx, "", /*key_is_prefix=*/true));
    int64_t registered = 0;
    int64_t covered = 0;
    for (const store::EntityRecord& row : rows) {
      if (cal::LocalDay(row.create_time) > ctx.days.last) continue;
      ++registered;
      if (row.key != kBody) continue;
      GOV_ASSIGN_OR_RETURN(const tv1::Compound c, compounds->Decode<tv1::Compound>(row));
      const std::optional<absl::CivilDay> day = cal::ParseDay(c.three_party_body_day());
      covered += c.three_party_body() && day.has_value() && *day <= ctx.days.last ? 1 : 0;
    }
    return indicators::Share(covered, registered);
  };
}

}  // namespace

std::vector<indicators::IndicatorSpec> CompoundIndicators(const Compounds* compounds) {
  return {
      // 建立健全住宅小区三方协同机构 (every compound one): the compounds registered by the
      // period's end with their body set up by then.
      indicators::HigherRate("three_party_coverage", "住宅小区三方协同机构覆盖率",
                             "Residential compounds with a three-party coordination body",
                             ThreePartyCoverage(compounds->compounds_)),
  };
}

}  // namespace gov::tripartite
