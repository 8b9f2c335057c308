#include "services/mediation/demo_data.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/cases/engine.h"
#include "common/log/log.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/model.h"
#include "services/mediation/mutations.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"
#include "services/mediation/track.h"

namespace gov::mediation {
namespace {

constexpr char kLoader[] = "demo-loader";
constexpr char kSource[] = "demo data (invented figures)";
constexpr int kDisputes = 400;
// Disputes spread over this many days back from today (about 14 months).
constexpr int kSpanDays = 425;
// The registry predates the oldest dispute, so every past period sees it.
constexpr int kRegistryAgeDays = kSpanDays + 30;
// Threads moving disputes: the store commits concurrent writes together.
constexpr int kWorkers = 8;

// Gaps left on purpose so that the registry indicators are not all green (by position in the
// regions file, so they exist in any district data).
constexpr int kStreetWithTwoMediators = 4;                   // the 5th street's committee
constexpr int kStreetsWithUncoveredCommunity[] = {2, 6, 9};  // their last community: no court
constexpr int kStreetsWithUnstaffedRoom[] = {1, 7};          // their first room: part-time only

using Rng = std::mt19937_64;

int Uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
const T& Weighted(Rng& rng, const std::vector<std::pair<T, int>>& choices) {
  int total = 0;
  for (const auto& c : choices) total += c.second;
  int pick = Uniform(rng, 0, total - 1);
  for (const auto& c : choices) {
    if (pick < c.second) return c.first;
    pick -= c.second;
  }
  return choices.back().first;
}

auth::Principal Loader() {
  auth::Principal p;
  p.id = kLoader;
  p.roles.insert(auth::kDistrictAdmin);
  return p;
}

absl::Time LocalTime(absl::CivilDay day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute),
                         cal::DistrictZone());
}

// ---- Registry ----

struct IndustryBody {
  mv1::Industry industry;
  const char* committee;
  const char* team;
};

// 8 existing industry committees and the 3 new ones (finance, IP, commerce).
constexpr IndustryBody kIndustryBodies[] = {
    {mv1::INDUSTRY_LABOUR, "区劳动争议人民调解委员会", "区劳动争议红色调解员队伍"},
    {mv1::INDUSTRY_MEDICAL, "区医疗纠纷人民调解委员会", "区医疗纠纷红色调解员队伍"},
    {mv1::INDUSTRY_TRAFFIC, "区道路交通事故人民调解委员会", "区交通事故红色调解员队伍"},
    {mv1::INDUSTRY_PROPERTY_MANAGEMENT, "区物业纠纷人民调解委员会", "区物业纠纷红色调解员队伍"},
    {mv1::INDUSTRY_CONSUMER, "区消费纠纷人民调解委员会", "区消费纠纷红色调解员队伍"},
    {mv1::INDUSTRY_FAMILY, "区婚姻家庭纠纷人民调解委员会", "区婚姻家庭红色调解员队伍"},
    {mv1::INDUSTRY_OTHER, "区旅游纠纷人民调解委员会", "区旅游纠纷红色调解员队伍"},
    {mv1::INDUSTRY_OTHER, "区教育纠纷人民调解委员会", "区教育纠纷红色调解员队伍"},
    {mv1::INDUSTRY_FINANCE, "区金融纠纷人民调解委员会", "区金融纠纷红色调解员队伍"},
    {mv1::INDUSTRY_INTELLECTUAL_PROPERTY, "区知识产权纠纷人民调解委员会",
     "区知识产权红色调解员队伍"},
    {mv1::INDUSTRY_COMMERCE, "区商事纠纷人民调解委员会", "区商事纠纷红色调解员队伍"},
};

// A body to register and the mediators it gets.
struct BodyPlan {
  mv1::MediatingBody body;
  int full_time = 0;
  int part_time = 0;
  std::string label;  // for request ids and mediator names, e.g. "GS01-committee"
};

mv1::MediatingBody Body(mv1::BodyKind kind, std::string name, std::string street,
                        std::string community, mv1::Industry industry = mv1::INDUSTRY_UNSPECIFIED) {
  mv1::MediatingBody body;
  body.set_kind(kind);
  body.set_name(std::move(name));
  body.mutable_region()->set_street_id(std::move(street));
  body.mutable_region()->set_community_id(std::move(community));
  body.set_industry(industry);
  return body;
}

bool Contains(const int* begin, const int* end, int value) {
  return std::find(begin, end, value) != end;
}

std::vector<BodyPlan> PlanRegistry(const regions::RegionRegistry& regions) {
  std::vector<BodyPlan> plans;
  const auto& streets = regions.streets();
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    const auto& street = *streets[s];
    const std::string& id = street.id();
    const std::string& name = street.name();
    plans.push_back(
        {Body(mv1::BODY_KIND_STREET_COMMITTEE, absl::StrCat(name, "人民调解委员会"), id, ""),
         s == kStreetWithTwoMediators ? 2 : 3, 1, absl::StrCat(id, "-committee")});
    plans.push_back(
        {Body(mv1::BODY_KIND_GOLD_MEDAL_TEAM, absl::StrCat(name, "金牌调解员队伍"), id, ""), 0, 2,
         absl::StrCat(id, "-gold")});
    plans.push_back({Body(mv1::BODY_KIND_MICRO_COURT, absl::StrCat(name, "微法庭"), id, ""), 0, 1,
                     absl::StrCat(id, "-court")});
    plans.push_back(
        {Body(mv1::BODY_KIND_SOCIAL_ORGANISATION, absl::StrCat(name, "律师调解工作室"), id, ""), 0,
         1, absl::StrCat(id, "-social")});
    const int n = street.communities_size();
    for (int c = 0; c < n; ++c) {
      const auto& community = street.communities(c);
      const bool unstaffed = c == 0 && Contains(std::begin(kStreetsWithUnstaffedRoom),
                                                std::end(kStreetsWithUnstaffedRoom), s);
      plans.push_back({Body(mv1::BODY_KIND_COMMUNITY_ROOM,
                            absl::StrCat(community.name(), "人民调解室"), id, community.id()),
                       unstaffed ? 0 : 1, unstaffed ? 1 : 0,
                       absl::StrCat(community.id(), "-room")});
      const bool uncovered = c == n - 1 && Contains(std::begin(kStreetsWithUncoveredCommunity),
                                                    std::end(kStreetsWithUncoveredCommunity), s);
      if (!uncovered) {
        plans.push_back({Body(mv1::BODY_KIND_MICRO_COURT, absl::StrCat(community.name(), "微法庭"),
                              id, community.id()),
                         0, 1, absl::StrCat(community.id(), "-court")});
      }
    }
  }
  int i = 0;
  for (const IndustryBody& industry : kIndustryBodies) {
    ++i;
    plans.push_back(
        {Body(mv1::BODY_KIND_INDUSTRY_COMMITTEE, industry.committee, "", "", industry.industry), 1,
         1, absl::StrCat("industry", i, "-committee")});
    plans.push_back({Body(mv1::BODY_KIND_RED_TEAM, industry.team, "", "", industry.industry), 0, 2,
                     absl::StrCat("industry", i, "-red")});
  }
  plans.push_back(
      {Body(mv1::BODY_KIND_COURT_CENTRE, "区人民法院诉前调解中心", "", ""), 2, 0, "court-centre"});
  return plans;
}

// ---- Disputes ----

struct DisputePlan {
  mv1::Dispute dispute;
  absl::Time created;
  uint64_t seed = 0;
  std::string id;    // once created
  std::string etag;  // once created
};

const char* const kSurnames[] = {"张", "李", "王", "赵", "陈", "刘", "杨", "黄", "周", "吴"};

bool IsMonetary(mv1::DisputeCategory c) {
  switch (c) {
    case mv1::DISPUTE_CATEGORY_LABOUR:
    case mv1::DISPUTE_CATEGORY_CONTRACT:
    case mv1::DISPUTE_CATEGORY_TRAFFIC:
    case mv1::DISPUTE_CATEGORY_MEDICAL:
    case mv1::DISPUTE_CATEGORY_CONSUMER:
    case mv1::DISPUTE_CATEGORY_FINANCE:
    case mv1::DISPUTE_CATEGORY_COMMERCE:
      return true;
    default:
      return false;
  }
}

std::vector<DisputePlan> PlanDisputes(const regions::RegionRegistry& regions, absl::Time now) {
  std::vector<DisputePlan> plans;
  plans.reserve(kDisputes);
  for (int i = 0; i < kDisputes; ++i) {
    DisputePlan plan;
    plan.seed = 0x6d656469ULL * 1000003ULL + static_cast<uint64_t>(i);
    InventedDispute invented = InventDispute(regions, now, kSpanDays, plan.seed);
    plan.dispute = std::move(invented.dispute);
    plan.created = invented.created;
    plans.push_back(std::move(plan));
  }
  // Ids in order of intake, the oldest dispute first.
  std::stable_sort(plans.begin(), plans.end(), [](const DisputePlan& a, const DisputePlan& b) {
    return a.created < b.created;
  });
  return plans;
}

// Moves one dispute through its life on the engine of one worker, whose clock is set to the
// moment of each step; stops where the present is reached, so recent disputes are still open.
class DisputeLife {
 public:
  DisputeLife(cases::CaseEngine* engine, FakeClock* clock, const Router* router,
              const MediatorsByBody* mediators, const auth::Principal* actor, absl::Time now,
              const CreatedDispute& dispute)
      : engine_(engine),
        clock_(clock),
        router_(router),
        mediators_(mediators),
        actor_(actor),
        now_(now),
        id_(dispute.id),
        etag_(dispute.etag),
        rng_(dispute.seed ^ 0x5eedULL),
        t_(dispute.created) {}

  absl::Status Run() {
    const int fate = Uniform(rng_, 0, 99);
    if (fate == 0) return absl::OkStatus();  // never triaged: an SLA breach to look at
    if (!After(absl::Hours(Uniform(rng_, 1, 6)))) return absl::OkStatus();
    GOV_RETURN_IF_ERROR(Move(kTriage, "", RouteTo(std::nullopt, router_)));
    if (fate <= 3) {  // the parties insist on going to court
      if (!After(absl::Hours(Uniform(rng_, 20, 48)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(Move(kReferToCourt, "当事人坚持诉讼", nullptr));
      return MaybeClose(100);
    }
    if (!After(absl::Hours(Uniform(rng_, 2, 30)))) return absl::OkStatus();
    auto found = mediators_->find(unit_);
    if (found == mediators_->end() || found->second.empty()) return absl::OkStatus();
    const mv1::Mediator& mediator =
        found->second[Uniform(rng_, 0, static_cast<int>(found->second.size()) - 1)];
    GOV_RETURN_IF_ERROR(Move(kAssignMediator, "", AssignTo(mediator)));

    const int sessions = Uniform(rng_, 1, 3);
    for (int s = 0; s < sessions; ++s) {
      if (!After(absl::Hours(Uniform(rng_, 20, 96)))) return absl::OkStatus();
      mv1::MediationSession session;
      *session.mutable_hold_time() = ToTimestamp(t_ - absl::Hours(1));
      session.set_location(s == 0 ? "调解室" : "现场");
      session.set_note("演示数据：调解会");
      GOV_RETURN_IF_ERROR(Move(kRecordSession, session.location(), AddSession(session)));
    }
    if (fate <= 7) return absl::OkStatus();  // still being mediated, past its SLA
    if (!After(absl::Hours(Uniform(rng_, 4, 72)))) return absl::OkStatus();
    if (fate <= 21) {
      GOV_RETURN_IF_ERROR(Move(kRecordFailure, "调解不成", SetOutcome("演示数据：调解不成")));
      if (Uniform(rng_, 0, 99) < 60) {
        if (!After(absl::Hours(Uniform(rng_, 20, 72)))) return absl::OkStatus();
        GOV_RETURN_IF_ERROR(Move(kReferToCourt, "引导诉讼", nullptr));
        return MaybeClose(70);
      }
      return MaybeClose(100);
    }
    if (fate <= 29) {
      GOV_RETURN_IF_ERROR(Move(kReferToCourt, "转诉前调解不成，移送法院", nullptr));
      return MaybeClose(70);
    }
    GOV_RETURN_IF_ERROR(
        Move(kRecordAgreement, "达成调解协议", SetOutcome("演示数据：双方达成调解协议")));
    if (fate >= 97) {  // the agreement was not performed
      if (!After(absl::Hours(Uniform(rng_, 120, 480)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(Move(kReopen, "协议未履行，重新调解", ResumeMediation()));
      if (!After(absl::Hours(Uniform(rng_, 48, 144)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(
          Move(kRecordAgreement, "达成调解协议", SetOutcome("演示数据：重新达成调解协议")));
    }
    return MaybeClose(85);
  }

 private:
  // Advances the dispute's time; false once that would be in the future.
  bool After(absl::Duration d) {
    t_ += d;
    if (t_ >= now_) return false;
    clock_->Set(t_);
    return true;
  }

  absl::Status MaybeClose(int percent) {
    if (Uniform(rng_, 0, 99) >= percent) return absl::OkStatus();
    if (!After(absl::Hours(Uniform(rng_, 20, 120)))) return absl::OkStatus();
    return Move(kClose, "结案", nullptr);
  }

  absl::Status Move(const char* verb, const std::string& note, const cases::Mutation& mutation) {
    GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                         engine_->Transition(*actor_, verb, id_, etag_, note, mutation));
    etag_ = moved.etag();
    unit_ = moved.record.unit_id;
    return absl::OkStatus();
  }

  cases::CaseEngine* engine_;
  FakeClock* clock_;
  const Router* router_;
  const MediatorsByBody* mediators_;
  const auth::Principal* actor_;
  const absl::Time now_;
  const std::string id_;
  std::string etag_;
  Rng rng_;
  absl::Time t_;
  std::string unit_;
};

// ---- Figures and trainings ----

// The court's monthly intake last year; this year runs a few percent lower.
constexpr int kMonthlyIntake[12] = {380, 300, 420, 410, 400, 430, 445, 440, 425, 390, 430, 450};

absl::Status RecordIntake(indicators::IndicatorEngine* engine, int year, int month, int64_t value) {
  governance::v1::RecordFigureRequest request;
  request.set_request_id(absl::StrFormat("demo-court_intake-%04d-%02d", year, month));
  governance::v1::Figure* figure = request.mutable_figure();
  figure->set_figure_id("court_intake");
  figure->mutable_period()->set_year(year);
  figure->mutable_period()->set_month(month);
  figure->set_value(value);
  figure->set_source(kSource);
  return engine->RecordFigure(Loader(), request).status();
}

}  // namespace

absl::Status LoadMediationDemoData(const DemoDeps& deps) {
  store::EntityFilter any_body;
  any_body.track = kTrack;
  any_body.kind = kBodyEntity;
  GOV_ASSIGN_OR_RETURN(const int64_t bodies_present, deps.repo->CountEntities(any_body));
  if (bodies_present > 0) {
    log::Info("demo data skipped: the registry is not empty", {{"track", kTrack}});
    return absl::OkStatus();
  }

  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);

  // The registry, registered before the oldest dispute (FakeClock as a settable clock: the
  // loader replays the past).
  FakeClock registry_clock(LocalTime(today - kRegistryAgeDays, 9, 0));
  MediationRegistry registry(kTrack, deps.repo, deps.cache, &registry_clock);
  const std::vector<BodyPlan> body_plans = PlanRegistry(*deps.regions);
  std::vector<mv1::MediatingBody> bodies(body_plans.size());
  // Sequential, so the ids follow the plan (B-1 is the first street's committee).
  for (size_t i = 0; i < body_plans.size(); ++i) {
    GOV_ASSIGN_OR_RETURN(
        bodies[i],
        registry.CreateBody(body_plans[i].body, absl::StrCat("demo-body-", body_plans[i].label)));
  }
  struct MediatorPlan {
    mv1::Mediator mediator;
    std::string request_id;
  };
  std::vector<MediatorPlan> mediator_plans;
  for (size_t i = 0; i < body_plans.size(); ++i) {
    const BodyPlan& plan = body_plans[i];
    for (int k = 0; k < plan.full_time + plan.part_time; ++k) {
      MediatorPlan m;
      m.mediator.set_body_id(bodies[i].id());
      m.mediator.set_full_time(k < plan.full_time);
      m.mediator.set_name(absl::StrCat("调解员-", plan.label, "-", k + 1));
      m.request_id = absl::StrCat("demo-mediator-", plan.label, "-", k + 1);
      mediator_plans.push_back(std::move(m));
    }
  }
  MediatorsByBody mediators;
  for (const MediatorPlan& m : mediator_plans) {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator created, registry.CreateMediator(m.mediator, m.request_id));
    mediators[created.body_id()].push_back(std::move(created));
  }

  // Trainings: four last year, three so far this year (one short of the target).
  const int year = static_cast<int>(today.year());
  for (int k = 0; k < 7; ++k) {
    const bool this_year = k >= 4;
    const int index = this_year ? k - 4 : k;
    absl::Time hold =
        LocalTime(absl::CivilDay(this_year ? year : year - 1, 1, 1) + 20 + 75 * index, 14, 0);
    if (hold >= now) hold = now - absl::Hours(3 - index);
    mv1::TrainingSession training;
    training.set_level(index == 1 ? mv1::TRAINING_LEVEL_STREET : mv1::TRAINING_LEVEL_DISTRICT);
    if (index == 1) training.set_street_id(deps.regions->streets().front()->id());
    *training.mutable_hold_time() = ToTimestamp(hold);
    training.set_topic(index == 1 ? "街道骨干调解员业务培训" : "全区骨干调解员培训");
    training.set_attendees(index == 1 ? 35 : 120);
    GOV_RETURN_IF_ERROR(
        registry.CreateTraining(training, absl::StrCat("demo-training-", k)).status());
  }

  // Disputes: created in order of intake (ids follow time), then moved on in parallel.
  std::vector<DisputePlan> disputes = PlanDisputes(*deps.regions, now);
  FakeClock intake_clock(now);
  cases::CaseEngine intake(MediationSpec(), deps.repo, deps.cache, deps.calendar, &intake_clock,
                           nullptr);
  for (size_t i = 0; i < disputes.size(); ++i) {
    DisputePlan& plan = disputes[i];
    intake_clock.Set(plan.created);
    const cases::NewCase input = NewDisputeCase(plan.dispute);
    GOV_ASSIGN_OR_RETURN(const cases::Case created,
                         intake.Create(Loader(), input, absl::StrCat("demo-dispute-", i),
                                       cases::CaseEngine::RequestHash(input.payload)));
    plan.id = created.record.id;
    plan.etag = created.etag();
  }

  const Router router(&registry);
  std::vector<std::unique_ptr<FakeClock>> clocks;
  std::vector<std::unique_ptr<cases::CaseEngine>> engines;
  for (int w = 0; w < kWorkers; ++w) {
    clocks.push_back(std::make_unique<FakeClock>(now));
    engines.push_back(std::make_unique<cases::CaseEngine>(
        MediationSpec(), deps.repo, deps.cache, deps.calendar, clocks.back().get(), nullptr));
  }
  const auth::Principal loader = Loader();
  GOV_RETURN_IF_ERROR(ParallelFor(static_cast<int>(disputes.size()), kWorkers, [&](int w, int i) {
    const DisputePlan& plan = disputes[i];
    return LiveDisputeLife(engines[w].get(), clocks[w].get(), &router, mediators, loader, now,
                           {plan.id, plan.etag, plan.created, plan.seed});
  }));

  // The court's intake: every month of last year, and this year's months that are over.
  const int this_month = static_cast<int>(today.month());
  for (int m = 1; m <= 12; ++m) {
    GOV_RETURN_IF_ERROR(RecordIntake(deps.indicators, year - 1, m, kMonthlyIntake[m - 1]));
  }
  for (int m = 1; m < this_month; ++m) {
    // Down 1-4% on last year, except February, up 2%: not every month is green.
    const int64_t base = kMonthlyIntake[m - 1];
    const int64_t value = m == 2 ? base * 102 / 100 : base * (99 - (m % 4)) / 100;
    GOV_RETURN_IF_ERROR(RecordIntake(deps.indicators, year, m, value));
  }

  log::Info("demo data loaded", {{"track", kTrack},
                                 {"bodies", absl::StrCat(bodies.size())},
                                 {"mediators", absl::StrCat(mediator_plans.size())},
                                 {"disputes", absl::StrCat(disputes.size())}});
  return absl::OkStatus();
}

InventedDispute InventDispute(const regions::RegionRegistry& regions, absl::Time now, int span_days,
                              uint64_t seed, std::optional<absl::CivilDay> day) {
  static const std::vector<std::pair<mv1::DisputeCategory, int>> categories = {
      {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, 20},
      {mv1::DISPUTE_CATEGORY_FAMILY, 14},
      {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, 14},
      {mv1::DISPUTE_CATEGORY_LABOUR, 10},
      {mv1::DISPUTE_CATEGORY_CONTRACT, 10},
      {mv1::DISPUTE_CATEGORY_TRAFFIC, 8},
      {mv1::DISPUTE_CATEGORY_CONSUMER, 8},
      {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING, 5},
      {mv1::DISPUTE_CATEGORY_MEDICAL, 3},
      {mv1::DISPUTE_CATEGORY_FINANCE, 3},
      {mv1::DISPUTE_CATEGORY_COMMERCE, 2},
      {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, 1},
      {mv1::DISPUTE_CATEGORY_OTHER, 2},
  };
  static const std::vector<std::pair<mv1::IntakeChannel, int>> channels = {
      {mv1::INTAKE_CHANNEL_WALK_IN, 35},
      {mv1::INTAKE_CHANNEL_HOTLINE, 25},
      {mv1::INTAKE_CHANNEL_GRID, 25},
      {mv1::INTAKE_CHANNEL_COURT_REFERRAL, 15},
  };
  // Busier streets first in the file get more disputes; the park (last) the fewest.
  std::vector<std::pair<int, int>> streets;
  const int street_count = regions.street_count();
  for (int s = 0; s < street_count; ++s) {
    streets.emplace_back(s, regions.streets()[s]->communities_size() + 2 * ((s * 7) % 5));
  }

  Rng rng(seed);
  const mv1::DisputeCategory category = Weighted(rng, categories);
  const mv1::IntakeChannel channel = Weighted(rng, channels);
  const auto& street = *regions.streets()[Weighted(rng, streets)];

  InventedDispute out;
  mv1::Dispute& d = out.dispute;
  d.set_category(category);
  d.set_channel(channel);
  d.mutable_region()->set_street_id(street.id());
  if (street.communities_size() > 0 && Uniform(rng, 0, 99) < 85) {
    const auto& community = street.communities(Uniform(rng, 0, street.communities_size() - 1));
    d.mutable_region()->set_community_id(community.id());
    if (community.grids_size() > 0 && Uniform(rng, 0, 99) < 40) {
      d.mutable_region()->set_grid_id(community.grids(Uniform(rng, 0, community.grids_size() - 1)));
    }
  }
  d.set_summary(
      absl::StrCat("演示数据：", CategoryNameZh(EnumKey(category)), "，双方协商未果，申请调解。"));
  mv1::Party* applicant = d.add_parties();
  applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
  applicant->set_name(absl::StrCat(kSurnames[Uniform(rng, 0, 9)], "某"));
  applicant->set_phone(absl::StrFormat("000-0000-%04d", Uniform(rng, 0, 9999)));
  mv1::Party* respondent = d.add_parties();
  respondent->set_role(mv1::PARTY_ROLE_RESPONDENT);
  respondent->set_name(category == mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT
                           ? std::string("某物业服务公司")
                           : absl::StrCat(kSurnames[Uniform(rng, 0, 9)], "某"));
  if (IsMonetary(category)) d.set_amount_fen(int64_t{Uniform(rng, 10, 2000)} * 100 * 100);

  // Drawn even when the day is given, so that the rest of the dispute is the same either way.
  const absl::CivilDay drawn = cal::LocalDay(now) - Uniform(rng, 0, span_days);
  out.created = LocalTime(day.value_or(drawn), Uniform(rng, 8, 17), Uniform(rng, 0, 59));
  if (out.created >= now) out.created = now - absl::Minutes(Uniform(rng, 30, 600));
  return out;
}

cases::NewCase NewDisputeCase(const mv1::Dispute& dispute) {
  cases::NewCase input;
  input.category = EnumKey(dispute.category());
  input.street_id = dispute.region().street_id();
  input.community_id = dispute.region().community_id();
  input.grid_id = dispute.region().grid_id();
  input.payload = SerializeStable(dispute);
  input.note = absl::StrCat("taken in via ", EnumKey(dispute.channel()));
  return input;
}

absl::Status LiveDisputeLife(cases::CaseEngine* engine, FakeClock* clock, const Router* router,
                             const MediatorsByBody& mediators, const auth::Principal& actor,
                             absl::Time now, const CreatedDispute& dispute) {
  return DisputeLife(engine, clock, router, &mediators, &actor, now, dispute).Run();
}

}  // namespace gov::mediation
