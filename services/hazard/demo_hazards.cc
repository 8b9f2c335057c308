#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/district_time.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/hazard/demo_data.h"
#include "services/hazard/hazards.h"
#include "services/hazard/model.h"

// The hazards' demo: the fire-lane campaign of this year with its findings in every street, and
// in every street the hazards of the last year found by grid patrol, reports and failed food
// samples, each through its life as the track's own parts take it (so that the verbs, clocks
// and counts are the real ones) on a local clock set to the time of each step.
namespace gov::hazard {
namespace {

constexpr char kLoader[] = "demo-loader";
// Hazards found in each street over the last year, besides the campaign's.
constexpr int kPerStreet = 12;
constexpr int kSpanDays = 365;
// The campaign's findings in each street.
constexpr int kCampaignFindings = 2;

struct Found {
  hv1::HazardType type;
  const char* description;
};

constexpr Found kPatrolFindings[] = {
    {hv1::HAZARD_TYPE_FIRE, "演示数据：楼道堆放杂物，电动自行车在楼道内停放充电"},
    {hv1::HAZARD_TYPE_FIRE_LANE, "演示数据：小区消防车通道被私家车长期占用"},
    {hv1::HAZARD_TYPE_GAS, "演示数据：沿街餐饮店液化气钢瓶与灶具未保持安全距离"},
    {hv1::HAZARD_TYPE_SHOP_DWELLING, "演示数据：沿街店铺内住人，集经营、仓储、居住于一体"},
    {hv1::HAZARD_TYPE_TRAFFIC, "演示数据：工程车未密闭运输，沿路抛洒"},
    {hv1::HAZARD_TYPE_ELEVATOR, "演示数据：住宅电梯维保记录缺失，安全标志过期"},
};

constexpr Found kReportFindings[] = {
    {hv1::HAZARD_TYPE_FIRE, "演示数据：群众反映商场安全出口被锁闭"},
    {hv1::HAZARD_TYPE_GAS, "演示数据：群众反映老旧小区燃气立管锈蚀"},
    {hv1::HAZARD_TYPE_FOOD_DRUG, "演示数据：群众反映菜市场熟食摊无证经营"},
    {hv1::HAZARD_TYPE_WORK_SAFETY, "演示数据：群众反映厂房有限空间作业无防护"},
    {hv1::HAZARD_TYPE_ELEVATOR, "演示数据：群众反映小区电梯频繁困人"},
};

constexpr const char* kFailedSamples[] = {
    "演示数据：抽检不合格，散装白酒甲醇超标",
    "演示数据：抽检不合格，蔬菜农药残留超标",
    "演示数据：抽检不合格，熟肉制品菌落总数超标",
    "演示数据：抽检不合格，中药饮片性状不符合规定",
};

constexpr const char* kCampaignFindingsText[] = {
    "演示数据：消防车通道标线被遮挡，车辆违停",
    "演示数据：登高操作场地设置固定障碍物",
    "演示数据：消防车通道被私设地锁占用",
};

constexpr const char* kRectifications[] = {
    "演示数据：已清理完毕，落实专人巡查",
    "演示数据：已责令整改并现场复核",
    "演示数据：已更换设施，建立台账",
};

constexpr const char* kAgencies[] = {"区公安分局", "区公安分局食药环侦大队"};

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// One hazard from its finding through rectification (in time or late, perhaps rejected once),
// verification and closing, as far as today allows; a few handed over to criminal investigation
// the day after they were found, some left open.
class HazardLife {
 public:
  HazardLife(Hazards* part, FakeClock* clock, absl::Time now, uint64_t seed)
      : part_(part), clock_(clock), now_(now), rng_(seed) {}

  demo::Random& rng() { return rng_; }

  absl::Status Run(const hv1::ReportHazardRequest& report, absl::Time found, bool hand_over) {
    clock_->Set(found);
    hv1::ReportHazardResponse reported;
    GOV_RETURN_IF_ERROR(part_->Report(Loader(), report, &reported));
    h_ = reported.hazard();
    if (h_.etag() != "v1") return absl::OkStatus();  // loaded before, moved on since
    const absl::Time deadline = FromTimestamp(h_.deadline());
    const int deadline_days = static_cast<int>((deadline - found) / absl::Hours(24));

    if (hand_over) {
      const absl::Time at = found + absl::Hours(24 + rng_.Int(1, 6));
      if (at >= now_) return absl::OkStatus();
      clock_->Set(at);
      hv1::HandOverHazardRequest request;
      request.set_id(h_.id());
      request.set_etag(h_.etag());
      request.mutable_handover()->set_agency(rng_.Pick(kAgencies));
      request.mutable_handover()->set_reference(
          absl::StrFormat("公（刑）移字〔%d〕%04d号", cal::LocalDay(at).year(), rng_.Int(1, 9999)));
      hv1::HandOverHazardResponse response;
      GOV_RETURN_IF_ERROR(part_->HandOver(Loader(), request, &response));
      h_ = response.hazard();
    }
    if (rng_.Percent(10)) return absl::OkStatus();  // stalled: overdue once its deadline passes

    // Rectified mostly in time, one in eight after the deadline.
    absl::Time t =
        rng_.Percent(88)
            ? found + absl::Hours(24 * rng_.Int(2, std::max(2, deadline_days - 1)) + rng_.Int(0, 8))
            : deadline + absl::Hours(24 * rng_.Int(1, 20) + rng_.Int(0, 8));
    GOV_RETURN_IF_ERROR(Rectify(t));
    if (done_) return absl::OkStatus();
    t += absl::Hours(24 * rng_.Int(1, 4) + rng_.Int(0, 6));
    if (rng_.Percent(12)) {  // rejected once, rectified again
      GOV_RETURN_IF_ERROR(Verify(t, false));
      if (done_) return absl::OkStatus();
      t += absl::Hours(24 * rng_.Int(2, 8) + rng_.Int(0, 6));
      GOV_RETURN_IF_ERROR(Rectify(t));
      if (done_) return absl::OkStatus();
      t += absl::Hours(24 * rng_.Int(1, 4) + rng_.Int(0, 6));
    }
    GOV_RETURN_IF_ERROR(Verify(t, true));
    if (done_) return absl::OkStatus();
    t += absl::Hours(24 * rng_.Int(1, 10) + rng_.Int(0, 6));
    if (t >= now_ || !rng_.Percent(85)) return absl::OkStatus();
    clock_->Set(t);
    hv1::CloseHazardRequest request;
    request.set_id(h_.id());
    request.set_etag(h_.etag());
    request.set_note("演示数据：整改到位，销号");
    hv1::CloseHazardResponse response;
    return part_->Close(Loader(), request, &response);
  }

 private:
  // Each step happens at `at` unless that is not past yet (then the hazard stays as it is).
  absl::Status Rectify(absl::Time at) {
    if (at >= now_) {
      done_ = true;
      return absl::OkStatus();
    }
    clock_->Set(at);
    hv1::RectifyHazardRequest request;
    request.set_id(h_.id());
    request.set_etag(h_.etag());
    request.set_rectification(rng_.Pick(kRectifications));
    hv1::RectifyHazardResponse response;
    GOV_RETURN_IF_ERROR(part_->Rectify(Loader(), request, &response));
    h_ = response.hazard();
    return absl::OkStatus();
  }

  absl::Status Verify(absl::Time at, bool accepted) {
    if (at >= now_) {
      done_ = true;
      return absl::OkStatus();
    }
    clock_->Set(at);
    hv1::VerifyHazardRequest request;
    request.set_id(h_.id());
    request.set_etag(h_.etag());
    request.set_accepted(accepted);
    request.set_note(accepted ? "演示数据：复查合格" : "演示数据：复查未通过，整改不彻底");
    hv1::VerifyHazardResponse response;
    GOV_RETURN_IF_ERROR(part_->Verify(Loader(), request, &response));
    h_ = response.hazard();
    return absl::OkStatus();
  }

  Hazards* part_;
  FakeClock* clock_;
  const absl::Time now_;
  demo::Random rng_;
  hv1::Hazard h_;
  bool done_ = false;
};

// The campaign of this year (打通"生命通道"): for the whole district, from 75 days back (or the
// first of January) for 60 days.
absl::StatusOr<hv1::Campaign> OpenFireLaneCampaign(Campaigns& campaigns, FakeClock& clock,
                                                   absl::Time now) {
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::CivilDay first = std::max(absl::CivilDay(today.year(), 1, 1), today - 75);
  clock.Set(std::min(demo::LocalTime(first, 9, 0), now));
  hv1::OpenCampaignRequest request;
  request.set_request_id("demo-campaign-fire-lane");
  hv1::Campaign* c = request.mutable_campaign();
  c->set_name("打通\"生命通道\"集中攻坚行动");
  c->set_type(hv1::HAZARD_TYPE_FIRE_LANE);
  c->set_first_day(demo::DayText(first));
  c->set_last_day(demo::DayText(first + 60));
  hv1::OpenCampaignResponse response;
  GOV_RETURN_IF_ERROR(campaigns.Open(Loader(), request, &response));
  return response.campaign();
}

}  // namespace

absl::Status LoadHazardDemo(const server::TrackDeps& deps, const Rules& rules,
                            cases::CaseEngine* hazards) {
  const absl::Time now = deps.clock->Now();
  FakeClock clock(now);
  const registry::Registry campaign_rows(CampaignLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t campaigns_stored, campaign_rows.Count({}));
  if (campaigns_stored > 0) {
    log::Info("demo data skipped: campaigns are stored", {{"track", kTrack}});
    return absl::OkStatus();
  }
  const registry::Registry enterprise_rows(EnterpriseLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry inspection_rows(InspectionLayout(), deps.repo, deps.cache, &clock);
  cases::CaseEngine engine(HazardSpec(rules), deps.repo, deps.cache, deps.calendar, &clock,
                           nullptr);
  const Enterprises enterprises(&enterprise_rows, &inspection_rows, &engine, &rules, deps.regions,
                                &clock);
  Hazards part(&engine, &enterprises, &campaign_rows, &rules, deps.regions, &clock);
  Campaigns campaigns(&campaign_rows, &engine, deps.regions, &clock);

  GOV_ASSIGN_OR_RETURN(const hv1::Campaign campaign, OpenFireLaneCampaign(campaigns, clock, now));
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::CivilDay campaign_first = *cal::ParseDay(campaign.first_day());
  int loaded = 0;
  const regions::RegionRegistry& regions = *deps.regions;
  for (int s = 0; s < regions.street_count(); ++s) {
    const demo::Street& street = *regions.streets()[s];
    // The campaign's findings, in its first weeks.
    for (int k = 0; k < kCampaignFindings; ++k) {
      HazardLife life(&part, &clock, now,
                      demo::StableSeed(absl::StrCat("hazard-campaign-", street.id(), "-", k)));
      demo::Random& rng = life.rng();
      const absl::CivilDay day =
          campaign_first + rng.Int(0, std::min(20, static_cast<int>(today - campaign_first)));
      const absl::Time found = demo::LocalTime(day, rng.Int(9, 16), rng.Int(0, 59));
      if (found >= now) continue;
      hv1::ReportHazardRequest report;
      report.set_request_id(absl::StrCat("demo-hazard-campaign-", street.id(), "-", k));
      hv1::Hazard* h = report.mutable_hazard();
      h->set_type(hv1::HAZARD_TYPE_FIRE_LANE);
      h->set_source(hv1::HAZARD_SOURCE_CAMPAIGN);
      h->set_campaign_id(campaign.id());
      h->set_severity(rng.Percent(10) ? hv1::SEVERITY_MAJOR : hv1::SEVERITY_GENERAL);
      *h->mutable_region() =
          demo::DrawPlace(street, s, rng, {.community_percent = 100, .grid_percent = 40}).region();
      h->set_description(rng.Pick(kCampaignFindingsText));
      h->set_reporter("街道消防工作站联合检查组");
      GOV_RETURN_IF_ERROR(life.Run(report, found, /*hand_over=*/false));
      ++loaded;
    }
    // The year's hazards: grid patrol, reports and failed samples.
    for (int i = 0; i < kPerStreet; ++i) {
      HazardLife life(&part, &clock, now,
                      demo::StableSeed(absl::StrCat("hazard-", street.id(), "-", i)));
      demo::Random& rng = life.rng();
      const absl::Time found =
          demo::LocalTime(today - rng.Int(1, kSpanDays), rng.Int(8, 17), rng.Int(0, 59));
      const hv1::HazardSource source =
          rng.Weighted<hv1::HazardSource>({{hv1::HAZARD_SOURCE_GRID_PATROL, 50},
                                           {hv1::HAZARD_SOURCE_REPORT, 30},
                                           {hv1::HAZARD_SOURCE_SAMPLING, 20}});
      hv1::ReportHazardRequest report;
      report.set_request_id(absl::StrCat("demo-hazard-", street.id(), "-", i));
      hv1::Hazard* h = report.mutable_hazard();
      h->set_source(source);
      h->set_severity(rng.Percent(15) ? hv1::SEVERITY_MAJOR : hv1::SEVERITY_GENERAL);
      if (source == hv1::HAZARD_SOURCE_GRID_PATROL) {
        const Found& f = rng.Pick(kPatrolFindings);
        h->set_type(f.type);
        h->set_description(f.description);
        h->set_reporter(absl::StrCat("网格员", demo::FormalName(rng)));
        *h->mutable_region() =
            demo::DrawPlace(street, s, rng, {.community_percent = 100, .grid_percent = 80})
                .region();
      } else if (source == hv1::HAZARD_SOURCE_REPORT) {
        const Found& f = rng.Pick(kReportFindings);
        h->set_type(f.type);
        h->set_description(f.description);
        h->set_reporter(demo::AddressedName(rng));
        *h->mutable_region() =
            demo::DrawPlace(street, s, rng, {.community_percent = 80}).community_region();
      } else {
        h->set_type(hv1::HAZARD_TYPE_FOOD_DRUG);
        h->set_description(rng.Pick(kFailedSamples));
        h->set_reporter("区市场监管局食品抽检");
        *h->mutable_region() =
            demo::DrawPlace(street, s, rng, {.community_percent = 80}).community_region();
      }
      // 行刑衔接: some failed samples, work-safety and major hazards go to the police.
      const bool grave = source == hv1::HAZARD_SOURCE_SAMPLING ||
                         h->type() == hv1::HAZARD_TYPE_WORK_SAFETY ||
                         h->severity() == hv1::SEVERITY_MAJOR;
      const bool hand_over = rng.Percent(grave ? 20 : 0);
      GOV_RETURN_IF_ERROR(life.Run(report, found, hand_over));
      ++loaded;
    }
  }
  // The open hazards past their deadline flagged now, as the periodic scan would.
  GOV_ASSIGN_OR_RETURN(const int breached, hazards->ScanBreaches());
  log::Info("demo data loaded", {{"track", kTrack},
                                 {"hazards", absl::StrCat(loaded)},
                                 {"campaign", campaign.id()},
                                 {"breached", absl::StrCat(breached)}});
  return absl::OkStatus();
}

}  // namespace gov::hazard
