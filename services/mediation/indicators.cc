#include "services/mediation/indicators.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/util/status.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/mediators.h"
#include "services/mediation/model.h"
#include "services/mediation/trainings.h"

namespace gov::mediation {
namespace {

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

// The ends of a mediation: the states a dispute's outcome is read from.
const std::vector<std::string> kOutcomes = {"AGREED", "FAILED", "REFERRED_TO_COURT"};
// The plan's staffing floors (TRACKS.md §1).
constexpr int64_t kStreetCommitteeFullTime = 3;
constexpr int64_t kCommunityRoomFullTime = 1;

// Was a registry row there by the end of the evaluated period? Bodies and mediators count
// from the day they were registered, so past periods are not rewritten by later entries.
bool ExistedBy(const store::EntityRecord& row, const EvalContext& ctx) {
  return cal::LocalDay(row.create_time) <= ctx.days.last;
}

// Bodies of a kind without an industry (committees, rooms, micro-courts) in the context.
absl::StatusOr<std::vector<store::EntityRecord>> BodiesIn(const Registries* registries,
                                                          const EvalContext& ctx,
                                                          mv1::BodyKind kind) {
  return registries->bodies.RowsIn(ctx, BodyKey(kind, mv1::INDUSTRY_UNSPECIFIED));
}

// 微法庭覆盖率: street-level units with a street micro-court plus communities with their own,
// over all of them (11 + 95 for the district; the street and its communities for a street; the
// community alone for a community).
Measure MicroCourtCoverage(const Registries* registries) {
  return [registries](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> courts,
                         BodiesIn(registries, ctx, mv1::BODY_KIND_MICRO_COURT));
    absl::flat_hash_set<std::string> streets;
    absl::flat_hash_set<std::string> communities;
    for (const store::EntityRecord& court : courts) {
      if (!ExistedBy(court, ctx)) continue;
      if (court.community_id.empty()) {
        streets.insert(court.street_id);
      } else {
        communities.insert(court.community_id);
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
Measure StreetCommitteeStaffing(const Registries* registries) {
  return [registries](const EvalContext& ctx) -> absl::StatusOr<Value> {
    // A committee covers its whole street: for a community's context, its street's committee.
    EvalContext streets_ctx = ctx;
    streets_ctx.community_id.clear();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> committees,
                         BodiesIn(registries, streets_ctx, mv1::BODY_KIND_STREET_COMMITTEE));
    GOV_ASSIGN_OR_RETURN(const auto full_time, FullTimeByBody(registries->mediators, streets_ctx));
    absl::flat_hash_set<std::string> staffed;
    for (const store::EntityRecord& committee : committees) {
      if (!ExistedBy(committee, ctx)) continue;
      auto it = full_time.find(committee.id);
      if (it != full_time.end() && it->second >= kStreetCommitteeFullTime) {
        staffed.insert(committee.street_id);
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
Measure CommunityRoomStaffing(const Registries* registries) {
  return [registries](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rooms,
                         BodiesIn(registries, ctx, mv1::BODY_KIND_COMMUNITY_ROOM));
    GOV_ASSIGN_OR_RETURN(const auto full_time, FullTimeByBody(registries->mediators, ctx));
    absl::flat_hash_set<std::string> staffed;
    for (const store::EntityRecord& room : rooms) {
      if (!ExistedBy(room, ctx)) continue;
      auto it = full_time.find(room.id);
      if (it != full_time.end() && it->second >= kCommunityRoomFullTime) {
        staffed.insert(room.community_id);
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
Measure TrainingsYearToDate(const Registries* registries) {
  return [registries](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<mv1::TrainingSession> trainings,
                         TrainingsHeld(registries->trainings,
                                       absl::CivilDay(ctx.days.last.year(), 1, 1), ctx.days.last));
    const bool whole_district = ctx.street_id.empty() && ctx.streets.empty();
    const std::vector<std::string> scope = indicators::StreetsOf(ctx);
    const absl::flat_hash_set<std::string> streets(scope.begin(), scope.end());
    int64_t count = 0;
    for (const mv1::TrainingSession& training : trainings) {
      const std::string& street = training.street_id();
      if (whole_district || street.empty() || streets.contains(street)) ++count;
    }
    return Value{count, true};
  };
}

// Bodies of a kind, of any industry, registered by the end of the period in the context: a
// count the plan sets for the district (11 gold-medal teams, 11 red teams, 11 industry
// committees).
Measure BodiesRegistered(const Registries* registries, mv1::BodyKind kind) {
  return [registries, kind](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> bodies,
                         registries->bodies.RowsIn(ctx, BodyKindPrefix(kind), true));
    int64_t count = 0;
    for (const store::EntityRecord& body : bodies) count += ExistedBy(body, ctx) ? 1 : 0;
    return Value{count, true};
  };
}

// 培育1个以上的社会调解组织: the streets of the context with at least one social mediation
// organisation registered by the end of the period (a community's context: its street's).
Measure SocialOrganisationCoverage(const Registries* registries) {
  return [registries](const EvalContext& ctx) -> absl::StatusOr<Value> {
    EvalContext streets_ctx = ctx;
    streets_ctx.community_id.clear();
    GOV_ASSIGN_OR_RETURN(
        const std::vector<store::EntityRecord> organisations,
        registries->bodies.RowsIn(streets_ctx, BodyKindPrefix(mv1::BODY_KIND_SOCIAL_ORGANISATION),
                                  true));
    absl::flat_hash_set<std::string> covered;
    for (const store::EntityRecord& o : organisations) {
      if (ExistedBy(o, ctx)) covered.insert(o.street_id);
    }
    return indicators::StreetsCovered(ctx, covered);
  };
}

}  // namespace

std::vector<indicators::IndicatorSpec> MediationIndicators(const Registries* registries,
                                                           const meetings::Meetings* meetings) {
  std::vector<indicators::IndicatorSpec> specs;
  // 法院收案数同比: the court's intake must show zero growth (and decline) on last year.
  specs.push_back({.id = "court_intake_yoy",
                   .name_zh = "法院收案数同比",
                   .name_en = "Court case intake, year on year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .measure = indicators::RecordedFigure("court_intake")});
  // 诉前化解纠纷数: disputes whose mediation ended the period in agreement, each once (one
  // reopened and agreed again is one dispute), no fewer than last year.
  specs.push_back({.id = "resolved_before_court",
                   .name_zh = "诉前化解纠纷数",
                   .name_en = "Disputes resolved before court",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_CHANGE_VS_BASELINE,
                   .measure = indicators::CasesReaching(kOutcomes, {"AGREED"})});
  // 调解成功率: the disputes whose mediation ended in the period (agreed, failed, referred to
  // court), each once, and of them those whose last end of the period was an agreement. The plan
  // sets no number; 90% is the district's yardstick (考核"一把尺").
  specs.push_back({.id = "mediation_success_rate",
                   .name_zh = "调解成功率",
                   .name_en = "Mediation success rate",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .measure = indicators::Ratio(indicators::CasesReaching(kOutcomes, {"AGREED"}),
                                                indicators::CasesReaching(kOutcomes))});
  // 微法庭覆盖率: 100% of the 11 street-level units and the 95 communities.
  specs.push_back({.id = "micro_court_coverage",
                   .name_zh = "微法庭覆盖率",
                   .name_en = "Micro-court coverage",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .measure = MicroCourtCoverage(registries)});
  // Every street committee with at least 3 full-time mediators.
  specs.push_back({.id = "street_committee_mediators",
                   .name_zh = "街道调委会专职调解员达标率",
                   .name_en = "Street committees with at least 3 full-time mediators",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .measure = StreetCommitteeStaffing(registries)});
  // Every community mediation room with at least 1 full-time mediator.
  specs.push_back({.id = "community_room_mediators",
                   .name_zh = "社区调解室专职调解员达标率",
                   .name_en = "Community rooms with at least 1 full-time mediator",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .measure = CommunityRoomStaffing(registries)});
  // At least 4 backbone-mediator trainings a year (district and street level).
  specs.push_back({.id = "mediator_trainings",
                   .name_zh = "骨干调解员培训次数",
                   .name_en = "Backbone mediator trainings this year",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_ABSOLUTE,
                   .measure = TrainingsYearToDate(registries)});
  // 11支金牌调解员队伍 (street level), 11支红色调解员队伍 (industry level), and the industry
  // committees: the eight there were and the three new ones (finance, intellectual property,
  // commerce).
  specs.push_back(indicators::DistrictCount(
      "gold_medal_teams", "金牌调解员队伍数", "Street gold-medal mediator teams",
      BodiesRegistered(registries, mv1::BODY_KIND_GOLD_MEDAL_TEAM)));
  specs.push_back(indicators::DistrictCount("red_teams", "红色调解员队伍数",
                                            "Industry red mediator teams",
                                            BodiesRegistered(registries, mv1::BODY_KIND_RED_TEAM)));
  specs.push_back(indicators::DistrictCount(
      "industry_committees", "行业调委会数", "Industry mediation committees",
      BodiesRegistered(registries, mv1::BODY_KIND_INDUSTRY_COMMITTEE)));
  // At least one social mediation organisation in every street, graded on each street's row.
  specs.push_back(indicators::HigherRate("social_organisation_coverage", "社会调解组织街道覆盖率",
                                         "Streets with a social mediation organisation",
                                         SocialOrganisationCoverage(registries)));
  // 每月召开1次矛盾纠纷会商研判: the months so far with a consultation (the district's; a street's
  // row also counts its own).
  specs.push_back(indicators::HigherRate("consultation_every_month", "矛盾纠纷会商研判按月召开率",
                                         "Months with a dispute consultation meeting",
                                         meetings->HeldEveryMonth(kConsultation)));
  // 政府购买调解服务: the disputes resolved by the providers of purchased services (referred to
  // one at some time, ending the period agreed), and the share of those whose mediation ended
  // that ended agreed. The plan sets no number: watched, without a target.
  const std::vector<std::string> referred = {kReferToProvider};
  specs.push_back({.id = "purchased_service_resolved",
                   .name_zh = "政府购买服务化解纠纷数",
                   .name_en = "Disputes resolved through purchased mediation services",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .measure = indicators::CasesReaching(kOutcomes, {"AGREED"}, referred)});
  specs.push_back(
      {.id = "purchased_service_success_rate",
       .name_zh = "政府购买服务调解成功率",
       .name_en = "Success rate of purchased mediation services",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_HIGHER_IS_BETTER,
       .measure = indicators::Ratio(indicators::CasesReaching(kOutcomes, {"AGREED"}, referred),
                                    indicators::CasesReaching(kOutcomes, {}, referred))});
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

indicators::RankingSpec MediationRankings(const Bodies* bodies) {
  indicators::RankingSpec spec;
  spec.dimensions = {
      governance::v1::RANKING_DIMENSION_STREET, governance::v1::RANKING_DIMENSION_COMMUNITY,
      governance::v1::RANKING_DIMENSION_UNIT, governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) { return CategoryNameZh(key); };
  spec.unit_name = [bodies](const std::string& key) { return bodies->Name(key); };
  return spec;
}

}  // namespace gov::mediation
