#include "services/digital/scenarios.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::digital {
namespace {

constexpr size_t kMaxName = 200;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxOwnerUnit = 100;
constexpr size_t kMaxReason = 2000;

// Rows a list reads from the store at a time while it filters them.
constexpr int kListChunk = 200;

// The row key of a stage: the stage's key ("TRIAL").
std::string StageKey(dv1::ScenarioStage stage) { return EnumKey(stage); }

// A move's day: required, a day, not after today.
absl::Status ValidateMoveDay(const std::string& day, absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateDay(day, "day"));
  if (*cal::ParseDay(day) > today) return InvalidField("day", "in the future");
  return absl::OkStatus();
}

// A move's own fields (id, etag, day), before the scenario is read.
absl::Status ValidateMove(const std::string& id, const std::string& etag, const std::string& day,
                          absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  GOV_RETURN_IF_ERROR(ValidateId(etag, "etag"));
  return ValidateMoveDay(day, today);
}

absl::Status ValidateNewScenario(const dv1::Scenario& s, const regions::RegionRegistry& regions,
                                 absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateText(s.name(), "scenario.name", kMaxName, /*required=*/true));
  if (s.placement() == dv1::PLACEMENT_UNSPECIFIED || !dv1::Placement_IsValid(s.placement())) {
    return InvalidField("scenario.placement", "required: in-wall or out-wall");
  }
  GOV_RETURN_IF_ERROR(
      ValidateText(s.description(), "scenario.description", kMaxDescription, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateText(s.owner_unit(), "scenario.owner_unit", kMaxOwnerUnit, /*required=*/true));
  if (!s.origin_street_id().empty() && !regions.HasStreet(s.origin_street_id())) {
    return InvalidField("scenario.origin_street_id",
                        absl::StrCat("unknown street \"", s.origin_street_id(), "\""));
  }
  if (!s.pilot_community_id().empty() && !regions.HasCommunity(s.pilot_community_id())) {
    return InvalidField("scenario.pilot_community_id",
                        absl::StrCat("unknown community \"", s.pilot_community_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateDay(s.launch_day(), "scenario.launch_day"));
  if (*cal::ParseDay(s.launch_day()) > today) {
    return InvalidField("scenario.launch_day", "in the future");
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION: the scenario's stage does not allow the move.
absl::Status StageRefuses(const std::string& id, const dv1::Scenario& s, const char* move) {
  return absl::FailedPreconditionError(
      absl::StrCat("scenario ", id, " is ", EnumKey(s.stage()), "; ", move));
}

// INVALID_ARGUMENT "day" when `day` is before the scenario's day `since` (of `what`).
absl::Status NotBefore(const std::string& day, const std::string& since, const char* what) {
  const std::optional<absl::CivilDay> from = cal::ParseDay(since);
  if (from.has_value() && *cal::ParseDay(day) < *from) {
    return InvalidField("day", absl::StrCat("before the scenario's ", what, " on ", since));
  }
  return absl::OkStatus();
}

bool RolledOutTo(const dv1::Scenario& s, const std::string& street_id) {
  return std::any_of(s.rollouts().begin(), s.rollouts().end(),
                     [&](const dv1::Rollout& r) { return r.street_id() == street_id; });
}

// Whether a scenario passes a list's filters (the stage is the row key's).
struct ListFilter {
  dv1::Placement placement = dv1::PLACEMENT_UNSPECIFIED;
  std::string street_id;
  std::string pilot_community_id;

  bool Keeps(const dv1::Scenario& s) const {
    if (placement != dv1::PLACEMENT_UNSPECIFIED && s.placement() != placement) return false;
    if (!pilot_community_id.empty() && s.pilot_community_id() != pilot_community_id) return false;
    if (!street_id.empty() && s.origin_street_id() != street_id && !RolledOutTo(s, street_id)) {
      return false;
    }
    return true;
  }
};

}  // namespace

Scenarios::Scenarios(const registry::Registry* scenarios, const regions::RegionRegistry* regions,
                     const Clock* clock)
    : scenarios_(scenarios), regions_(regions), clock_(clock) {}

absl::CivilDay Scenarios::Today() const { return cal::LocalDay(clock_->Now()); }

absl::Status Scenarios::Read(const auth::Principal& who, const std::string& id,
                             store::EntityRecord* row, dv1::Scenario* scenario) const {
  GOV_ASSIGN_OR_RETURN(*row, scenarios_->LoadVisible(who, id, /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(*scenario, scenarios_->Decode<dv1::Scenario>(*row));
  return absl::OkStatus();
}

absl::StatusOr<dv1::Scenario> Scenarios::Store(store::EntityRecord row, const std::string& etag,
                                               const dv1::Scenario& scenario) const {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord replaced,
                       scenarios_->Replace(std::move(row), etag, StageKey(scenario.stage()),
                                           registry::Payload(scenario)));
  return scenarios_->Decode<dv1::Scenario>(replaced);
}

// ---- The RPCs ----

absl::Status Scenarios::Create(const auth::Principal&, const dv1::CreateScenarioRequest& in,
                               dv1::CreateScenarioResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const dv1::Scenario& given = in.scenario();
  GOV_RETURN_IF_ERROR(ValidateNewScenario(given, *regions_, Today()));
  // The scenario as the caller describes it, PLANNED: output fields dropped, so that a retry
  // matches the first request's payload (idempotent by request_id; ALREADY_EXISTS for another
  // scenario under the same request_id).
  dv1::Scenario s;
  s.set_name(given.name());
  s.set_placement(given.placement());
  s.set_description(given.description());
  s.set_owner_unit(given.owner_unit());
  s.set_origin_street_id(given.origin_street_id());
  s.set_pilot_community_id(given.pilot_community_id());
  s.set_launch_day(given.launch_day());
  s.set_stage(dv1::SCENARIO_STAGE_PLANNED);
  store::EntityRecord row;
  row.key = StageKey(s.stage());
  row.payload = registry::Payload(s);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       scenarios_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_scenario(), scenarios_->Decode<dv1::Scenario>(created));
  return absl::OkStatus();
}

absl::Status Scenarios::Get(const auth::Principal& who, const dv1::GetScenarioRequest& in,
                            dv1::GetScenarioResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  store::EntityRecord row;
  return Read(who, in.id(), &row, out->mutable_scenario());
}

// By id over every scenario (of the stage asked: the row key), the other filters applied to the
// rows read, a chunk at a time; the token is bound to the filters (every caller lists the same
// scenarios).
absl::Status Scenarios::List(const auth::Principal&, const dv1::ListScenariosRequest& in,
                             dv1::ListScenariosResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!dv1::ScenarioStage_IsValid(in.stage())) return InvalidField("stage", "not a stage");
  if (!dv1::Placement_IsValid(in.placement())) return InvalidField("placement", "not a placement");
  if (!in.street_id().empty() && !regions_->HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  if (!in.pilot_community_id().empty() && !regions_->HasCommunity(in.pilot_community_id())) {
    return InvalidField("pilot_community_id",
                        absl::StrCat("unknown community \"", in.pilot_community_id(), "\""));
  }
  const std::string stage =
      in.stage() == dv1::SCENARIO_STAGE_UNSPECIFIED ? "" : StageKey(in.stage());
  const std::string placement =
      in.placement() == dv1::PLACEMENT_UNSPECIFIED ? "" : EnumKey(in.placement());
  const std::string binding =
      cases::PageBinding({"scenarios", stage, placement, in.street_id(), in.pilot_community_id()});
  store::EntityFilter filter;
  filter.key = stage;
  GOV_ASSIGN_OR_RETURN(filter.after_id, cases::DecodeIdCursor(in.page_token(), binding));
  filter.limit = kListChunk;
  const ListFilter keep{in.placement(), in.street_id(), in.pilot_community_id()};

  bool more = false;
  while (!more) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, scenarios_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(dv1::Scenario s, scenarios_->Decode<dv1::Scenario>(row));
      if (!keep.Keeps(s)) continue;
      if (out->scenarios_size() == size) {
        more = true;
        break;
      }
      *out->add_scenarios() = std::move(s);
    }
    if (static_cast<int>(rows.size()) < filter.limit) break;
    filter.after_id = rows.back().id;
  }
  if (more) {
    out->set_next_page_token(
        cases::EncodePageToken(binding, {out->scenarios(out->scenarios_size() - 1).id()}));
  }
  return absl::OkStatus();
}

// Each move: the request's own fields first (INVALID_ARGUMENT, nothing read); then, with the
// scenario read, the etag (ABORTED), whether its stage allows the move (FAILED_PRECONDITION) and
// the day against the day of the stage it leaves (INVALID_ARGUMENT naming "day").

absl::Status Scenarios::StartTrial(const auth::Principal& who,
                                   const dv1::StartScenarioTrialRequest& in,
                                   dv1::StartScenarioTrialResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag(), in.day(), Today()));
  store::EntityRecord row;
  dv1::Scenario s;
  GOV_RETURN_IF_ERROR(Read(who, in.id(), &row, &s));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(scenarios_->layout(), row, in.etag()));
  if (s.stage() != dv1::SCENARIO_STAGE_PLANNED) {
    return StageRefuses(row.id, s, "only a PLANNED scenario starts its trial");
  }
  GOV_RETURN_IF_ERROR(NotBefore(in.day(), s.launch_day(), "launch"));
  s.set_stage(dv1::SCENARIO_STAGE_TRIAL);
  s.set_trial_day(in.day());
  GOV_ASSIGN_OR_RETURN(*out->mutable_scenario(), Store(std::move(row), in.etag(), s));
  return absl::OkStatus();
}

absl::Status Scenarios::CompleteTrial(const auth::Principal& who,
                                      const dv1::CompleteScenarioTrialRequest& in,
                                      dv1::CompleteScenarioTrialResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateMove(in.id(), in.etag(), in.day(), Today()));
  store::EntityRecord row;
  dv1::Scenario s;
  GOV_RETURN_IF_ERROR(Read(who, in.id(), &row, &s));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(scenarios_->layout(), row, in.etag()));
  if (s.stage() != dv1::SCENARIO_STAGE_TRIAL) {
    return StageRefuses(row.id, s, "only a scenario on TRIAL completes its trial");
  }
  GOV_RETURN_IF_ERROR(NotBefore(in.day(), s.trial_day(), "trial start"));
  s.set_stage(dv1::SCENARIO_STAGE_OPERATING);
  s.set_operating_day(in.day());
  GOV_ASSIGN_OR_RETURN(*out->mutable_scenario(), Store(std::move(row), in.etag(), s));
  return absl::OkStatus();
}

// A street once: not the one it was developed in, not one it was rolled out to before
// (FAILED_PRECONDITION naming "street_id").
absl::Status Scenarios::RollOut(const auth::Principal& who, const dv1::RollOutScenarioRequest& in,
                                dv1::RollOutScenarioResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  if (in.street_id().empty()) return InvalidField("street_id", "required");
  if (!regions_->HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateMoveDay(in.day(), Today()));
  store::EntityRecord row;
  dv1::Scenario s;
  GOV_RETURN_IF_ERROR(Read(who, in.id(), &row, &s));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(scenarios_->layout(), row, in.etag()));
  if (s.stage() != dv1::SCENARIO_STAGE_OPERATING) {
    return StageRefuses(row.id, s, "only a scenario in OPERATING is rolled out");
  }
  if (in.street_id() == s.origin_street_id()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "street_id",
                      absl::StrCat("scenario ", row.id, " was developed in street ", in.street_id(),
                                   "; it is rolled out to others"));
  }
  for (const dv1::Rollout& r : s.rollouts()) {
    if (r.street_id() != in.street_id()) continue;
    return FieldError(absl::StatusCode::kFailedPrecondition, "street_id",
                      absl::StrCat("scenario ", row.id, " was rolled out to street ",
                                   in.street_id(), " on ", r.day()));
  }
  GOV_RETURN_IF_ERROR(NotBefore(in.day(), s.operating_day(), "going into operation"));
  dv1::Rollout* rollout = s.add_rollouts();
  rollout->set_street_id(in.street_id());
  rollout->set_day(in.day());
  GOV_ASSIGN_OR_RETURN(*out->mutable_scenario(), Store(std::move(row), in.etag(), s));
  return absl::OkStatus();
}

// The reason is required of the caller; the scenario has no field that keeps it.
absl::Status Scenarios::Retire(const auth::Principal& who, const dv1::RetireScenarioRequest& in,
                               dv1::RetireScenarioResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  store::EntityRecord row;
  dv1::Scenario s;
  GOV_RETURN_IF_ERROR(Read(who, in.id(), &row, &s));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(scenarios_->layout(), row, in.etag()));
  if (s.stage() == dv1::SCENARIO_STAGE_RETIRED) {
    return StageRefuses(row.id, s, "retired already");
  }
  s.set_stage(dv1::SCENARIO_STAGE_RETIRED);
  s.set_retire_day(absl::FormatCivilTime(Today()));
  s.set_retire_reason(in.reason());
  GOV_ASSIGN_OR_RETURN(*out->mutable_scenario(), Store(std::move(row), in.etag(), s));
  return absl::OkStatus();
}

// ---- Indicators ----

namespace {

bool InDays(const indicators::EvalContext& ctx, const std::string& day) {
  const std::optional<absl::CivilDay> d = cal::ParseDay(day);
  return d.has_value() && ctx.days.Contains(*d);
}

bool ByLastDay(const indicators::EvalContext& ctx, const std::string& day) {
  const std::optional<absl::CivilDay> d = cal::ParseDay(day);
  return d.has_value() && *d <= ctx.days.last;
}

// Whether `street_id` is one of the context's streets (a street context's one, a principal's
// several).
bool OfStreets(const indicators::EvalContext& ctx, const std::string& street_id) {
  if (street_id.empty()) return false;
  if (!ctx.street_id.empty()) return street_id == ctx.street_id;
  return std::find(ctx.streets.begin(), ctx.streets.end(), street_id) != ctx.streets.end();
}

// Whether a scenario counts in the context (scenarios.h): every one for the district; a
// community's pilot's for a community; below the district otherwise those developed in the
// context's streets, or with `by_pilot` those of a pilot community in them.
bool Counts(const indicators::EvalContext& ctx, const regions::RegionRegistry& regions,
            const dv1::Scenario& s, bool by_pilot) {
  if (!ctx.community_id.empty()) return s.pilot_community_id() == ctx.community_id;
  if (ctx.street_id.empty() && ctx.streets.empty()) return true;
  if (by_pilot) {
    return !s.pilot_community_id().empty() &&
           OfStreets(ctx, regions.StreetOfCommunity(s.pilot_community_id()));
  }
  return OfStreets(ctx, s.origin_street_id());
}

using Test = std::function<bool(const indicators::EvalContext&, const dv1::Scenario&)>;

// The scenarios of `key` ("" = every stage) counting in the context that `test` accepts.
indicators::Measure CountOf(const registry::Registry* scenarios,
                            const regions::RegionRegistry* regions, std::string key, bool by_pilot,
                            Test test) {
  return [scenarios, regions, key = std::move(key), by_pilot, test = std::move(test)](
             const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    store::EntityFilter filter;
    filter.key = key;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         scenarios->AllRows(std::move(filter)));
    int64_t count = 0;
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const dv1::Scenario s, scenarios->Decode<dv1::Scenario>(row));
      if (Counts(ctx, *regions, s, by_pilot) && test(ctx, s)) ++count;
    }
    return indicators::Value{count};
  };
}

// 拓展围墙内外新场景: launched in the period.
bool Launched(const indicators::EvalContext& ctx, const dv1::Scenario& s) {
  return InDays(ctx, s.launch_day());
}

// 围墙内延伸场景推广落地: an in-wall scenario of a street rolled out to another in the period.
bool InWallRolledOut(const indicators::EvalContext& ctx, const dv1::Scenario& s) {
  if (s.placement() != dv1::PLACEMENT_IN_WALL || s.origin_street_id().empty()) return false;
  return std::any_of(s.rollouts().begin(), s.rollouts().end(), [&](const dv1::Rollout& r) {
    return r.street_id() != s.origin_street_id() && InDays(ctx, r.day());
  });
}

// 完成新拓展场景试运行: its trial completed in the period (retired since or not).
bool TrialCompleted(const indicators::EvalContext& ctx, const dv1::Scenario& s) {
  return InDays(ctx, s.operating_day());
}

// A pilot's scenario in operation by the period's last day (the OPERATING rows: not retired).
bool PilotOperating(const indicators::EvalContext& ctx, const dv1::Scenario& s) {
  return !s.pilot_community_id().empty() && ByLastDay(ctx, s.operating_day());
}

}  // namespace

std::vector<indicators::IndicatorSpec> ScenarioIndicators(const Scenarios* scenarios) {
  const registry::Registry* registry = scenarios->scenarios_;
  const regions::RegionRegistry* regions = scenarios->regions_;
  return {
      // 拓展9类围墙内外新场景应用.
      indicators::DistrictCount("new_scenarios", "围墙内外新场景拓展数",
                                "New in-wall and out-wall application scenarios",
                                CountOf(registry, regions, "", false, Launched)),
      // 围墙内延伸场景推广落地 (4).
      indicators::DistrictCount("in_wall_rolled_out", "围墙内延伸场景推广落地数",
                                "In-wall scenarios rolled out to other streets",
                                CountOf(registry, regions, "", false, InWallRolledOut)),
      // 完成5个新拓展场景试运行.
      indicators::DistrictCount("trials_completed", "新拓展场景完成试运行数",
                                "Scenarios whose trial run was completed",
                                CountOf(registry, regions, "", false, TrialCompleted)),
      // Watched: the future-community pilots' scenarios in operation at the period's end.
      {.id = "pilot_scenarios_operating",
       .name_zh = "未来社区试点场景运行数",
       .name_en = "Future-community pilot scenarios in operation",
       .unit = governance::v1::INDICATOR_UNIT_COUNT,
       .direction = governance::v1::DIRECTION_HIGHER_IS_BETTER,
       .measure = CountOf(registry, regions, StageKey(dv1::SCENARIO_STAGE_OPERATING), true,
                          PilotOperating)},
  };
}

}  // namespace gov::digital
