#include "services/hazard/elevators.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/hazard/validation.h"

namespace gov::hazard {
namespace {

// The registration code of a use certificate (使用登记证编号), in characters.
constexpr size_t kMaxRegistrationCode = 40;
// The longest a policy may run: its last day at most this many years after its first.
constexpr int kMaxPolicyYears = 5;
// Elevators read per store page while a list looks for uninsured ones.
constexpr int kScanPage = 500;

// The row keys of elevators.
constexpr char kResidential[] = "RESIDENTIAL";
constexpr char kOther[] = "OTHER";

std::string ElevatorKey(bool residential) { return residential ? kResidential : kOther; }

absl::Status ValidateNewElevator(const hv1::Elevator& e, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(ValidateText(e.registration_code(), "elevator.registration_code",
                                   kMaxRegistrationCode, /*required=*/true));
  if (!e.region().grid_id().empty()) {
    return InvalidField("elevator.region.grid_id", "elevators are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "elevator.region", /*require_street=*/true));
  if (e.region().community_id().empty()) {
    return InvalidField("elevator.region.community_id",
                        "required: the community the elevator is in");
  }
  return ValidateText(e.address(), "elevator.address", kMaxName);
}

absl::Status ValidatePolicy(const hv1::InsurancePolicy& p) {
  GOV_RETURN_IF_ERROR(ValidateText(p.insurer(), "policy.insurer", kMaxShort, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateDay(p.first_day(), "policy.first_day"));
  GOV_RETURN_IF_ERROR(ValidateDay(p.last_day(), "policy.last_day"));
  const absl::CivilDay first = *cal::ParseDay(p.first_day());
  const absl::CivilDay last = *cal::ParseDay(p.last_day());
  if (last < first) return InvalidField("policy.last_day", "before the first day");
  // 29 February plus five years is 1 March.
  const absl::CivilDay limit(first.year() + kMaxPolicyYears, first.month(), first.day());
  if (last > limit) {
    return InvalidField("policy.last_day",
                        absl::StrCat("more than ", kMaxPolicyYears, " years after the first day"));
  }
  return absl::OkStatus();
}

absl::CivilDay FirstDay(const hv1::InsurancePolicy& p) { return *cal::ParseDay(p.first_day()); }
absl::CivilDay LastDay(const hv1::InsurancePolicy& p) { return *cal::ParseDay(p.last_day()); }

bool Covers(const hv1::InsurancePolicy& p, absl::CivilDay day) {
  return FirstDay(p) <= day && day <= LastDay(p);
}

bool SamePolicy(const hv1::InsurancePolicy& a, const hv1::InsurancePolicy& b) {
  return a.insurer() == b.insurer() && a.first_day() == b.first_day() &&
         a.last_day() == b.last_day();
}

// An elevator's policies by first day (then last day), each marked a renewal when it starts
// after an earlier policy of the elevator ended, by at most `grace_days` days after that one's
// last day (the grace days are those after the last day: with 30, a policy from the day after
// to the 30th day after renews it; from the 31st it is a new insurance). Policies never overlap
// (RecordInsurance refuses it), so the earlier policy is the one before.
void OrderAndMarkRenewals(std::vector<hv1::InsurancePolicy>& policies, int grace_days) {
  std::sort(policies.begin(), policies.end(),
            [](const hv1::InsurancePolicy& a, const hv1::InsurancePolicy& b) {
              return std::make_pair(a.first_day(), a.last_day()) <
                     std::make_pair(b.first_day(), b.last_day());
            });
  std::optional<absl::CivilDay> ended;  // the latest last day of the policies before
  for (hv1::InsurancePolicy& p : policies) {
    const absl::CivilDay first = FirstDay(p);
    p.set_renewal(ended.has_value() && first > *ended && first - *ended <= grace_days);
    ended = ended.has_value() ? std::max(*ended, LastDay(p)) : LastDay(p);
  }
}

// The policies of the rows (policy rows of any elevators), by elevator, each elevator's ordered
// and marked as OrderAndMarkRenewals does.
absl::StatusOr<absl::flat_hash_map<std::string, std::vector<hv1::InsurancePolicy>>> ByElevator(
    const registry::Registry& policies, const std::vector<store::EntityRecord>& rows,
    int grace_days) {
  absl::flat_hash_map<std::string, std::vector<hv1::InsurancePolicy>> out;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(hv1::InsurancePolicy p, policies.Decode<hv1::InsurancePolicy>(row));
    out[row.parent_id].push_back(std::move(p));
  }
  for (auto& [id, list] : out) OrderAndMarkRenewals(list, grace_days);
  return out;
}

// 新增电梯参保: the elevators whose first policy starts within the context's days (with
// YearToDate: from 1 January of the year up to the period's last day), within its region.
indicators::Measure NewlyInsured(const registry::Registry* policies) {
  return [policies](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         policies->RowsIn(ctx, "", /*key_is_prefix=*/true));
    absl::flat_hash_map<std::string, absl::CivilDay> first_insured;
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const hv1::InsurancePolicy p,
                           policies->Decode<hv1::InsurancePolicy>(row));
      const absl::CivilDay first = FirstDay(p);
      auto [it, inserted] = first_insured.try_emplace(row.parent_id, first);
      if (!inserted) it->second = std::min(it->second, first);
    }
    int64_t count = 0;
    for (const auto& [id, first] : first_insured) count += ctx.days.Contains(first) ? 1 : 0;
    return indicators::Value{count, true};
  };
}

// 住宅电梯续保率: of the residential elevators' policies whose last day lies in the context's
// days, those whose renewal is decided — renewed (the elevator's next policy is a renewal of it:
// it starts within the rules' grace days after that last day), or not and the grace days over by
// today — the share renewed. A policy still within its grace days and not renewed yet counts
// neither way (it may still be); no data without any decided.
indicators::Measure RenewalRate(const registry::Registry* elevators,
                                const registry::Registry* policies, const Rules* rules) {
  return [elevators, policies,
          rules](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> residential_rows,
                         elevators->RowsIn(ctx, kResidential));
    absl::flat_hash_set<std::string> residential;
    for (const store::EntityRecord& row : residential_rows) residential.insert(row.id);
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         policies->RowsIn(ctx, "", /*key_is_prefix=*/true));
    const int grace = rules->renewal_grace_days();
    GOV_ASSIGN_OR_RETURN(const auto by_elevator, ByElevator(*policies, rows, grace));
    const absl::CivilDay today = cal::LocalDay(ctx.now);
    int64_t decided = 0;
    int64_t renewed = 0;
    for (const auto& [id, list] : by_elevator) {
      if (!residential.contains(id)) continue;
      for (size_t i = 0; i < list.size(); ++i) {
        const absl::CivilDay last = LastDay(list[i]);
        if (!ctx.days.Contains(last)) continue;
        const bool was_renewed = i + 1 < list.size() && list[i + 1].renewal();
        if (!was_renewed && today - last <= grace) continue;  // may still be renewed
        ++decided;
        renewed += was_renewed ? 1 : 0;
      }
    }
    return indicators::Share(renewed, decided);
  };
}

}  // namespace

Elevators::Elevators(const registry::Registry* elevators, const registry::Registry* policies,
                     const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock)
    : elevators_(elevators), policies_(policies), rules_(rules), regions_(regions), clock_(clock) {}

absl::StatusOr<std::vector<hv1::InsurancePolicy>> Elevators::PoliciesOf(
    const std::string& id) const {
  store::EntityFilter filter;
  filter.parent_id = id;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       policies_->AllRows(std::move(filter)));
  std::vector<hv1::InsurancePolicy> out;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(hv1::InsurancePolicy p, policies_->Decode<hv1::InsurancePolicy>(row));
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<hv1::Elevator> Elevators::WithPolicies(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(hv1::Elevator e, elevators_->Decode<hv1::Elevator>(row));
  GOV_ASSIGN_OR_RETURN(std::vector<hv1::InsurancePolicy> policies, PoliciesOf(row.id));
  OrderAndMarkRenewals(policies, rules_->renewal_grace_days());
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  e.clear_policies();
  bool insured = false;
  for (hv1::InsurancePolicy& p : policies) {
    insured = insured || Covers(p, today);
    *e.add_policies() = std::move(p);
  }
  e.set_insured_now(insured);
  return e;
}

absl::Status Elevators::Register(const auth::Principal& who, const hv1::RegisterElevatorRequest& in,
                                 hv1::RegisterElevatorResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateNewElevator(in.elevator(), *regions_));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.elevator().region().street_id()));
  // The elevator as the caller describes it: output fields dropped, so that a retry matches the
  // first request's payload.
  hv1::Elevator e;
  e.set_registration_code(in.elevator().registration_code());
  *e.mutable_region() = in.elevator().region();
  e.set_address(in.elevator().address());
  e.set_residential(in.elevator().residential());
  store::EntityRecord row;
  row.street_id = e.region().street_id();
  row.community_id = e.region().community_id();
  row.key = ElevatorKey(e.residential());
  row.payload = registry::Payload(e);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       elevators_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_elevator(), WithPolicies(created));
  return absl::OkStatus();
}

absl::Status Elevators::Get(const auth::Principal& who, const hv1::GetElevatorRequest& in,
                            hv1::GetElevatorResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, elevators_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_elevator(), WithPolicies(row));
  return absl::OkStatus();
}

// By id, within the caller's streets. With uninsured_only the elevators insured today are
// known from one read of the region's policies, and the elevators are read page by page from
// the token's id until the page is full; the token is bound to the filters and the streets.
absl::Status Elevators::List(const auth::Principal& who, const hv1::ListElevatorsRequest& in,
                             hv1::ListElevatorsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "elevators are listed by street or community");
  }
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter scope;
  scope.street_id = in.region().street_id();
  scope.community_id = in.region().community_id();
  scope.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(scope.streets.begin(), scope.streets.end());
  const std::string binding = cases::PageBinding(
      {"elevators", in.region().street_id(), in.region().community_id(),
       in.uninsured_only() ? "uninsured" : "", absl::StrJoin(scope.streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::string after, cases::DecodeIdCursor(in.page_token(), binding));

  absl::flat_hash_set<std::string> insured;
  if (in.uninsured_only()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, policies_->AllRows(scope));
    const absl::CivilDay today = cal::LocalDay(clock_->Now());
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const hv1::InsurancePolicy p,
                           policies_->Decode<hv1::InsurancePolicy>(row));
      if (Covers(p, today)) insured.insert(row.parent_id);
    }
  }
  std::vector<store::EntityRecord> page;
  store::EntityFilter filter = scope;
  filter.after_id = after;
  filter.limit = in.uninsured_only() ? kScanPage : size + 1;
  while (static_cast<int>(page.size()) <= size) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, elevators_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      if (insured.contains(row.id)) continue;
      page.push_back(row);
      if (static_cast<int>(page.size()) > size) break;
    }
    if (static_cast<int>(rows.size()) < filter.limit) break;
    filter.after_id = rows.back().id;
  }
  if (static_cast<int>(page.size()) > size) {
    page.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {page.back().id}));
  }
  for (const store::EntityRecord& row : page) {
    GOV_ASSIGN_OR_RETURN(*out->add_elevators(), WithPolicies(row));
  }
  return absl::OkStatus();
}

// A policy identical to one on record (insurer and days) is answered with the elevator as it
// is and nothing written: it is a retry of the request that recorded it (whose request_id the
// registry's create would answer with the same row), or the same policy sent again under another
// request_id, which must not be stored twice. Any other overlap is FAILED_PRECONDITION. The
// overlap is judged on a read before the write: two overlapping policies recorded at the same
// moment may both pass (best effort, not a store constraint).
absl::Status Elevators::RecordInsurance(const auth::Principal& who,
                                        const hv1::RecordElevatorInsuranceRequest& in,
                                        hv1::RecordElevatorInsuranceResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateId(in.elevator_id(), "elevator_id"));
  GOV_RETURN_IF_ERROR(ValidatePolicy(in.policy()));
  absl::StatusOr<store::EntityRecord> elevator = elevators_->LoadVisible(who, in.elevator_id());
  if (absl::IsNotFound(elevator.status())) {
    return InvalidField("elevator_id", absl::StrCat("unknown elevator \"", in.elevator_id(), "\""));
  }
  if (!elevator.ok()) return elevator.status();

  hv1::InsurancePolicy policy;
  policy.set_insurer(in.policy().insurer());
  policy.set_first_day(in.policy().first_day());
  policy.set_last_day(in.policy().last_day());
  GOV_ASSIGN_OR_RETURN(const std::vector<hv1::InsurancePolicy> recorded, PoliciesOf(elevator->id));
  for (const hv1::InsurancePolicy& other : recorded) {
    if (SamePolicy(other, policy)) {
      GOV_ASSIGN_OR_RETURN(*out->mutable_elevator(), WithPolicies(*elevator));
      return absl::OkStatus();
    }
  }
  for (const hv1::InsurancePolicy& other : recorded) {
    if (FirstDay(policy) <= LastDay(other) && FirstDay(other) <= LastDay(policy)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "elevator ", elevator->id, " is insured from ", other.first_day(), " to ",
          other.last_day(), " by ", other.insurer(), " already; a policy may not overlap another"));
    }
  }
  store::EntityRecord row;
  row.street_id = elevator->street_id;
  row.community_id = elevator->community_id;
  row.parent_id = elevator->id;
  row.key = policy.first_day();
  row.payload = registry::Payload(policy);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       policies_->Create(std::move(row), in.request_id()));
  // The registry tells requests apart by the policy alone: the same policy under the same
  // request_id for another elevator is another request.
  if (created.parent_id != elevator->id) {
    return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                      absl::StrCat("used before for a policy of elevator ", created.parent_id));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_elevator(), WithPolicies(*elevator));
  return absl::OkStatus();
}

std::vector<indicators::IndicatorSpec> ElevatorIndicators(const Elevators* elevators) {
  const registry::Registry* policies = elevators->policies_;
  return {
      // 新增1000台电梯参保促安全: elevators first insured in the year, up to the period's end.
      indicators::DistrictCount("elevators_newly_insured", "新增参保电梯",
                                "Elevators newly insured",
                                indicators::YearToDate(NewlyInsured(policies))),
      // 住宅电梯续保率达到90%.
      indicators::HigherRate("residential_elevator_renewal_rate", "住宅电梯续保率",
                             "Residential elevator policies renewed",
                             RenewalRate(&elevators->elevators(), policies, &elevators->rules())),
  };
}

}  // namespace gov::hazard
