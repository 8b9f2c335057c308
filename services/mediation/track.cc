#include "services/mediation/track.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/util/status.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "services/mediation/demo_data.h"

namespace gov::mediation {
namespace {

using cal::Sla;
using cases::StateClass;
using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::DIRECTION_LOWER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_ABSOLUTE;
using governance::v1::TARGET_KIND_CHANGE_VS_BASELINE;
using governance::v1::TARGET_KIND_RATE;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

// The roles the track knows besides district_admin: the shared ones and its own. The access
// declared on the RPCs (mediation.proto, and the shared IndicatorsService) names only these.
const std::vector<std::string>& TrackRoles() {
  static const auto* roles =
      new std::vector<std::string>{auth::kStreetOperator, auth::kViewer, auth::kSystem, kMediator};
  return *roles;
}

constexpr int64_t kFullRate = 10000;  // 100% in basis points
// The plan's staffing floors (TRACKS.md §1).
constexpr int64_t kStreetCommitteeFullTime = 3;
constexpr int64_t kCommunityRoomFullTime = 1;

// Was a registry row there by the end of the evaluated period? Bodies and mediators count
// from the day they were registered, so past periods are not rewritten by later entries.
bool ExistedBy(const store::EntityRecord& record, const EvalContext& ctx) {
  return cal::LocalDay(record.create_time) <= ctx.days.last;
}

// 微法庭覆盖率: street-level units with a street micro-court plus communities with their own,
// over all of them (11 + 95 for the district; the street and its communities for a street; the
// community alone for a community).
Measure MicroCourtCoverage() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<BodyRow> courts,
                         LoadBodies(ctx.repo, ctx.track, mv1::BODY_KIND_MICRO_COURT, ctx.street_id,
                                    ctx.community_id));
    absl::flat_hash_set<std::string> streets;
    absl::flat_hash_set<std::string> communities;
    for (const BodyRow& court : courts) {
      if (!ExistedBy(court.record, ctx)) continue;
      if (court.record.community_id.empty()) {
        streets.insert(court.record.street_id);
      } else {
        communities.insert(court.record.community_id);
      }
    }
    int64_t units = 0;
    int64_t covered = 0;
    if (ctx.community_id.empty()) {
      for (const std::string& street : indicators::StreetsOf(ctx)) {
        ++units;
        covered += streets.contains(street) ? 1 : 0;
      }
    }
    for (const std::string& community : indicators::CommunitiesOf(ctx)) {
      ++units;
      covered += communities.contains(community) ? 1 : 0;
    }
    return indicators::Share(covered, units);
  };
}

// 街道调委会专职调解员达标率: streets whose mediation committee has at least 3 full-time
// mediators, over the streets of the context.
Measure StreetCommitteeStaffing() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(
        const std::vector<BodyRow> committees,
        LoadBodies(ctx.repo, ctx.track, mv1::BODY_KIND_STREET_COMMITTEE, ctx.street_id, ""));
    GOV_ASSIGN_OR_RETURN(const auto full_time,
                         FullTimeMediatorsByBody(ctx.repo, ctx.track, ctx.days.last));
    absl::flat_hash_set<std::string> staffed;
    for (const BodyRow& committee : committees) {
      if (!ExistedBy(committee.record, ctx)) continue;
      auto it = full_time.find(committee.record.id);
      if (it != full_time.end() && it->second >= kStreetCommitteeFullTime) {
        staffed.insert(committee.record.street_id);
      }
    }
    const std::vector<std::string> streets = indicators::StreetsOf(ctx);
    int64_t covered = 0;
    for (const std::string& street : streets) covered += staffed.contains(street) ? 1 : 0;
    return indicators::Share(covered, static_cast<int64_t>(streets.size()));
  };
}

// 社区调解室专职调解员达标率: communities whose mediation room has at least one full-time
// mediator, over the communities of the context.
Measure CommunityRoomStaffing() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<BodyRow> rooms,
                         LoadBodies(ctx.repo, ctx.track, mv1::BODY_KIND_COMMUNITY_ROOM,
                                    ctx.street_id, ctx.community_id));
    GOV_ASSIGN_OR_RETURN(const auto full_time,
                         FullTimeMediatorsByBody(ctx.repo, ctx.track, ctx.days.last));
    absl::flat_hash_set<std::string> staffed;
    for (const BodyRow& room : rooms) {
      if (!ExistedBy(room.record, ctx)) continue;
      auto it = full_time.find(room.record.id);
      if (it != full_time.end() && it->second >= kCommunityRoomFullTime) {
        staffed.insert(room.record.community_id);
      }
    }
    const std::vector<std::string> communities = indicators::CommunitiesOf(ctx);
    int64_t covered = 0;
    for (const std::string& c : communities) covered += staffed.contains(c) ? 1 : 0;
    return indicators::Share(covered, static_cast<int64_t>(communities.size()));
  };
}

// 骨干调解员培训次数: trainings held from 1 January of the period's year to the period's end.
// District-level trainings count everywhere; a street's own trainings count for that street,
// for a scope of several streets that includes it, and for the district. Each training counts
// once, however many streets of the context it serves.
Measure TrainingsYearToDate() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<TrainingRow> trainings,
                         LoadTrainings(ctx.repo, ctx.track,
                                       absl::CivilDay(ctx.days.last.year(), 1, 1), ctx.days.last));
    const bool whole_district = ctx.street_id.empty() && ctx.streets.empty();
    const std::vector<std::string> scope = indicators::StreetsOf(ctx);
    const absl::flat_hash_set<std::string> streets(scope.begin(), scope.end());
    int64_t count = 0;
    for (const TrainingRow& row : trainings) {
      const std::string& street = row.training.street_id();
      if (whole_district || street.empty() || streets.contains(street)) ++count;
    }
    return Value{count, true};
  };
}

}  // namespace

// The dispute state machine. SLAs are working days (the holiday calendar's, with make-up
// days), from entering the state. A dispute is taken in (created) as RECEIVED (1 wd) by a
// street operator, a mediator or an internal system (the court's referrals); then ("op" is
// street_operator):
//
// clang-format off
// | verb            | from                              | to                   | who          |
// |-----------------|-----------------------------------|----------------------|--------------|
// | Triage          | RECEIVED                          | TRIAGED (2 wd)       | op           |
// | AssignMediator  | TRIAGED                           | IN_MEDIATION (15 wd) | op           |
// | RecordSession   | IN_MEDIATION                      | (stays, clock on)    | mediator, op |
// | RecordAgreement | IN_MEDIATION                      | AGREED               | mediator, op |
// | RecordFailure   | IN_MEDIATION                      | FAILED               | mediator, op |
// | ReferToCourt    | TRIAGED, IN_MEDIATION, FAILED     | REFERRED_TO_COURT    | op           |
// | Close           | AGREED, FAILED, REFERRED_TO_COURT | CLOSED               | op           |
// | Reopen          | AGREED, FAILED, CLOSED            | IN_MEDIATION (15 wd) | op           |
// clang-format on
//
// district_admin may take every verb (the engine's rule). The access declared on the RPCs
// (mediation.proto) names the same roles per RPC; mediation_test checks that they agree.
const cases::TrackSpec& MediationSpec() {
  static const cases::TrackSpec* spec = [] {
    const std::string op = auth::kStreetOperator;
    const std::string mediator = kMediator;
    auto* s = new cases::TrackSpec;
    s->track = kTrack;
    s->case_kind = "dispute";
    s->id_prefix = "D";
    s->initial_state = "RECEIVED";
    s->states = {
        {"RECEIVED", StateClass::kOpen, Sla::WorkingDays(1)},
        {"TRIAGED", StateClass::kOpen, Sla::WorkingDays(2)},
        {"IN_MEDIATION", StateClass::kOpen, Sla::WorkingDays(15)},
        {"AGREED", StateClass::kResolved, Sla::None()},
        {"FAILED", StateClass::kResolved, Sla::None()},
        {"REFERRED_TO_COURT", StateClass::kClosed, Sla::None()},
        {"CLOSED", StateClass::kClosed, Sla::None()},
    };
    s->transitions = {
        {kTriage, {"RECEIVED"}, "TRIAGED", {op}},
        {kAssignMediator, {"TRIAGED"}, "IN_MEDIATION", {op}},
        {kRecordSession, {"IN_MEDIATION"}, "", {mediator, op}, /*restart_sla=*/false},
        {kRecordAgreement, {"IN_MEDIATION"}, "AGREED", {mediator, op}},
        {kRecordFailure, {"IN_MEDIATION"}, "FAILED", {mediator, op}},
        {kReferToCourt, {"TRIAGED", "IN_MEDIATION", "FAILED"}, "REFERRED_TO_COURT", {op}},
        {kClose, {"AGREED", "FAILED", "REFERRED_TO_COURT"}, "CLOSED", {op}},
        {kReopen, {"AGREED", "FAILED", "CLOSED"}, "IN_MEDIATION", {op}},
    };
    s->create_roles = {op, mediator, auth::kSystem};
    return s;
  }();
  return *spec;
}

std::vector<indicators::IndicatorSpec> MediationIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  // 法院收案数同比: the court's intake must show zero growth (and decline) on last year.
  specs.push_back({.id = "court_intake_yoy",
                   .name_zh = "法院收案数同比",
                   .name_en = "Court case intake, year on year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = 0,
                   .measure = indicators::RecordedFigure("court_intake")});
  // 诉前化解纠纷数: disputes settled by agreement before court, no fewer than last year.
  specs.push_back({.id = "resolved_before_court",
                   .name_zh = "诉前化解纠纷数",
                   .name_en = "Disputes resolved before court",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .target = 0,
                   .measure = indicators::EventsInto({"AGREED"})});
  // 调解成功率: agreements over all ends of mediation (agreed, failed, referred to court) in
  // the period. The plan sets no number; 90% is the district's yardstick (考核"一把尺").
  specs.push_back({.id = "mediation_success_rate",
                   .name_zh = "调解成功率",
                   .name_en = "Mediation success rate",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = 9000,
                   .measure = indicators::Ratio(
                       indicators::EventsInto({"AGREED"}),
                       indicators::EventsInto({"AGREED", "FAILED", "REFERRED_TO_COURT"}))});
  // 微法庭覆盖率: 100% of the 11 street-level units and the 95 communities.
  specs.push_back({.id = "micro_court_coverage",
                   .name_zh = "微法庭覆盖率",
                   .name_en = "Micro-court coverage",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = MicroCourtCoverage()});
  // Every street committee with at least 3 full-time mediators.
  specs.push_back({.id = "street_committee_mediators",
                   .name_zh = "街道调委会专职调解员达标率",
                   .name_en = "Street committees with at least 3 full-time mediators",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = StreetCommitteeStaffing()});
  // Every community mediation room with at least 1 full-time mediator.
  specs.push_back({.id = "community_room_mediators",
                   .name_zh = "社区调解室专职调解员达标率",
                   .name_en = "Community rooms with at least 1 full-time mediator",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = CommunityRoomStaffing()});
  // At least 4 backbone-mediator trainings a year (district and street level).
  specs.push_back({.id = "mediator_trainings",
                   .name_zh = "骨干调解员培训次数",
                   .name_en = "Backbone mediator trainings this year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_ABSOLUTE,
                   .target = 4,
                   .measure = TrainingsYearToDate()});
  return specs;
}

std::vector<indicators::FigureSpec> MediationFigures() {
  return {{.id = "court_intake",
           .description =
               "法院收案数: civil and commercial cases the district court took in during "
               "the period, from the court's monthly report; per street where the "
               "court attributes them",
           .per_street = true}};
}

indicators::RankingSpec MediationRankings(MediationRegistry* registry) {
  indicators::RankingSpec spec;
  spec.dimensions = {
      governance::v1::RANKING_DIMENSION_STREET, governance::v1::RANKING_DIMENSION_COMMUNITY,
      governance::v1::RANKING_DIMENSION_UNIT, governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) { return CategoryNameZh(key); };
  spec.unit_name = [registry](const std::string& key) { return registry->BodyName(key); };
  return spec;
}

MediationTrack::MediationTrack(const server::TrackDeps& deps) : deps_(deps) {
  engine_ = std::make_unique<cases::CaseEngine>(MediationSpec(), deps.repo, deps.cache,
                                                deps.calendar, deps.clock, deps.registry);
  registry_ = std::make_unique<MediationRegistry>(kTrack, deps.repo, deps.cache, deps.clock);
  router_ = std::make_unique<Router>(registry_.get());
  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      kTrack, MediationIndicators(), MediationFigures(), MediationRankings(registry_.get()),
      deps.repo, deps.cache, deps.regions, deps.clock, deps.registry);
  disputes_ = std::make_unique<Disputes>(engine_.get(), registry_.get(), router_.get(),
                                         deps.regions, deps.clock);
  bodies_ = std::make_unique<Bodies>(registry_.get(), deps.regions);
  mediators_ = std::make_unique<Mediators>(registry_.get());
  trainings_ = std::make_unique<Trainings>(registry_.get(), deps.regions, deps.clock);

  // Who may call each method is declared on it in mediation.proto.
  rpc_ = std::make_unique<server::RpcService>(mv1::MediationService::service_full_name(),
                                              deps.handlers, TrackRoles());
  rpc_->Bind("CreateDispute", disputes_.get(), &Disputes::Create)
      .Bind("GetDispute", disputes_.get(), &Disputes::Get)
      .Bind("ListDisputes", disputes_.get(), &Disputes::List)
      .Bind("TriageDispute", disputes_.get(), &Disputes::Triage)
      .Bind("AssignMediator", disputes_.get(), &Disputes::AssignMediator)
      .Bind("RecordSession", disputes_.get(), &Disputes::RecordSession)
      .Bind("RecordOutcome", disputes_.get(), &Disputes::RecordOutcome)
      .Bind("ReferToCourt", disputes_.get(), &Disputes::ReferToCourt)
      .Bind("CloseDispute", disputes_.get(), &Disputes::Close)
      .Bind("ReopenDispute", disputes_.get(), &Disputes::Reopen)
      .Bind("CreateMediatingBody", bodies_.get(), &Bodies::Create)
      .Bind("GetMediatingBody", bodies_.get(), &Bodies::Get)
      .Bind("ListMediatingBodies", bodies_.get(), &Bodies::List)
      .Bind("CreateMediator", mediators_.get(), &Mediators::Create)
      .Bind("ListMediators", mediators_.get(), &Mediators::List)
      .Bind("CreateTrainingSession", trainings_.get(), &Trainings::Create)
      .Bind("ListTrainingSessions", trainings_.get(), &Trainings::List);
  indicators_service_ =
      indicators::MakeIndicatorsService(indicators_.get(), deps.handlers, TrackRoles());
}

std::vector<server::RpcService*> MediationTrack::Services() {
  return {rpc_.get(), indicators_service_.get()};
}

absl::Status MediationTrack::LoadDemoData() {
  DemoDeps demo;
  demo.repo = deps_.repo;
  demo.cache = deps_.cache;
  demo.regions = deps_.regions;
  demo.calendar = deps_.calendar;
  demo.clock = deps_.clock;
  demo.indicators = indicators_.get();
  return LoadMediationDemoData(demo);
}

absl::Status MediationTrack::ScanBreaches() { return engine_->ScanBreaches().status(); }

absl::Status MediationTrack::RefreshGauges() {
  absl::Status indicators = indicators_->RefreshGauges();
  absl::Status cases = engine_->RefreshCaseGauges();
  return indicators.ok() ? cases : indicators;
}

absl::StatusOr<std::unique_ptr<server::Track>> MakeMediationTrack(const server::TrackDeps& deps) {
  if (deps.repo == nullptr || deps.regions == nullptr || deps.calendar == nullptr ||
      deps.clock == nullptr || deps.handlers == nullptr) {
    return absl::InvalidArgumentError("mediation track: incomplete dependencies");
  }
  GOV_RETURN_IF_ERROR(cases::CaseEngine::ValidateSpec(MediationSpec()));
  return std::make_unique<MediationTrack>(deps);
}

}  // namespace gov::mediation
