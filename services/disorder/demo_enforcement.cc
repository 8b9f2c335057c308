// The findings' demo load: two years of findings recorded at their past found times, concluded
// at the real "now" as planned.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/demo_data.h"

namespace gov::disorder {
namespace {

using demo::Seed;
using demo::UnitInterval;

// The principal the demo records and concludes findings as (the enforcement platform).
constexpr char kDemoActor[] = "enforcement-demo";
// Days back from today the demo covers (two years and a day, so that the same period of last
// year is complete for every period of this year).
constexpr int kDemoSpanDays = 731;
// Findings are independent of one another: they load side by side.
constexpr int kDemoWorkers = 8;
// The golden ratio's fraction, for the findings' draws (PlanEnds).
constexpr double kPhi = 0.6180339887498949;

struct DemoCategory {
  dv1::ComplaintCategory category;
  double per_day;  // district-wide findings a day
  // Shares of the findings: not confirmed; and penalised among the confirmed ones last year
  // (and before) and this year.
  double not_confirmed;
  double penalised_last_year;
  double penalised_this_year;
  const char* subjects[3];
  const char* texts[3];
};

// By their shares, stalls +39% on last year (on target) and businesses +26% (short of it);
// every confirmed health-supplement sale penalised. The findings still under investigation
// pull the latest weeks' rates down.
const std::vector<DemoCategory>& DemoCategories() {
  static const auto* categories = new std::vector<DemoCategory>{
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL,
       1.6,
       0.08,
       0.46,
       0.64,
       {"流动水果摊", "流动小吃摊", "占道早餐摊"},
       {"巡查发现流动摊贩占道经营", "学校门口流动摊贩聚集经营", "夜间流动摊贩占用人行道"}},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS,
       1.0,
       0.10,
       0.50,
       0.63,
       {"无证小餐饮店", "无照维修店", "无证食品加工小作坊"},
       {"现场检查未能出示营业执照", "住宅楼内无证经营餐饮", "无照经营并占道堆放物品"}},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT,
       0.3,
       0.15,
       1.0,
       1.0,
       {"保健品会销点", "保健品体验店", "流动保健品推销人员"},
       {"以讲座名义向老年人推销保健品", "虚假宣传保健品疗效", "未经许可销售保健品"}},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES,
       0.4,
       0.10,
       0.40,
       0.45,
       {"烧烤店", "中餐馆", "快餐店"},
       {"油烟净化设施未正常使用", "油烟直排", "露天烧烤"}},
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK,
       0.25,
       0.05,
       0.55,
       0.60,
       {"渣土运输车辆", "工程运输车", "渣土车"},
       {"未密闭运输沿路抛洒", "无准运证运输渣土", "车身不洁带泥上路"}},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE,
       0.5,
       0.10,
       0.30,
       0.35,
       {"沿街商铺", "临街餐馆", "便利店"},
       {"跨门经营", "违规设置户外广告", "乱堆乱放影响市容"}},
  };
  return *categories;
}

// Rates accumulate from this day, so that what a day holds never depends on the span loaded.
constexpr absl::CivilDay kEpoch(2020, 1, 1);

// What becomes of a demo finding.
enum class DemoEnd { kFound, kPenalised, kCorrected, kNotConfirmed };

struct DemoFinding {
  dv1::RecordEnforcementRequest request;
  absl::Time at;
  int category = 0;  // index into DemoCategories()
  bool open = false;
  bool this_year = false;
  DemoEnd end = DemoEnd::kFound;
  int64_t fine = 0;  // when penalised
};

// The findings of one street and category from kEpoch to now: the last days' findings may still
// be under investigation, and a few older ones were left open. Their other ends are decided
// across the district (PlanEnds).
void PlanStream(const governance::config::v1::Street& street, int s, int c, double per_day,
                absl::CivilDay today, absl::Time now, std::vector<DemoFinding>& out) {
  const DemoCategory& category = DemoCategories()[c];
  demo::DailyStream stream(Seed(-1, s, c));
  for (absl::CivilDay day = kEpoch; day <= today; ++day) {
    const int count = stream.Add(per_day * (0.6 + 0.8 * UnitInterval(Seed(day - kEpoch, s, c))));
    for (int k = 0; k < count; ++k) {
      demo::Random rng(Seed(day - kEpoch, s, 100 * c + k + 1));
      const int hour = rng.Int(8, 20);
      const int minute = rng.Int(0, 59);
      const int second = rng.Int(0, 59);
      const absl::Time at = demo::LocalTime(day, hour, minute, second);
      if (at > now) continue;

      DemoFinding f;
      f.at = at;
      f.category = c;
      f.this_year = day.year() == today.year();
      f.request.set_request_id(absl::StrFormat("demo-enf-%04d%02d%02d-%s-%s-%d", day.year(),
                                               day.month(), day.day(), street.id(),
                                               CategoryKey(category.category), k));
      dv1::Enforcement& e = *f.request.mutable_enforcement();
      e.set_category(category.category);
      const demo::Place place = demo::DrawPlace(
          street, s, rng, {.community_percent = 100, .grid_percent = 60, .busier_first = false});
      *e.mutable_region() = place.region();
      e.set_address(demo::Address(place.name, rng));
      e.set_subject(rng.Pick(category.subjects));
      e.set_description(absl::StrCat(rng.Pick(category.texts), "（演示数据）"));
      *e.mutable_found_time() = ToTimestamp(at);

      const int age_days = static_cast<int>(today - day);
      const double open_roll = rng.Unit();
      f.open = (age_days < 3 && open_roll < 0.6) || (age_days < 10 && open_roll < 0.25) ||
               open_roll < 0.005;
      // Fines of 200 to 5000 yuan in steps of 100; one in ten a penalty without a fine.
      const bool without_fine = rng.Percent(10);
      const int hundreds = rng.Int(2, 50);
      f.fine = without_fine ? 0 : 100 * hundreds;
      out.push_back(std::move(f));
    }
  }
}

// The ends of the findings: a category's findings across the district, in the order they were
// found from kEpoch on, draw frac(k * kPhi) in turn for their outcome, so that the outcomes of
// any stretch of time come close to the category's shares (and a finding's draw never depends on
// the span loaded).
void PlanEnds(std::vector<DemoFinding>& findings) {
  std::vector<std::vector<DemoFinding*>> by_category(DemoCategories().size());
  for (DemoFinding& f : findings) by_category[f.category].push_back(&f);
  for (size_t c = 0; c < by_category.size(); ++c) {
    std::vector<DemoFinding*>& stream = by_category[c];
    std::sort(stream.begin(), stream.end(), [](const DemoFinding* a, const DemoFinding* b) {
      return a->at != b->at ? a->at < b->at : a->request.request_id() < b->request.request_id();
    });
    const DemoCategory& category = DemoCategories()[c];
    double draw = UnitInterval(Seed(-2, 0, static_cast<int64_t>(c)));
    for (DemoFinding* f : stream) {
      draw += kPhi;
      draw -= std::floor(draw);
      const double penalised =
          f->this_year ? category.penalised_this_year : category.penalised_last_year;
      if (f->open) {
        f->end = DemoEnd::kFound;
      } else if (draw < category.not_confirmed) {
        f->end = DemoEnd::kNotConfirmed;
      } else if (draw < category.not_confirmed + (1 - category.not_confirmed) * penalised) {
        f->end = DemoEnd::kPenalised;
      } else {
        f->end = DemoEnd::kCorrected;
      }
    }
  }
}

struct DemoCounts {
  std::atomic<int64_t> planned{0};
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> replayed{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> concluded{0};
};

// Concludes a recorded demo finding as planned (nothing when it stands elsewhere already).
absl::Status Conclude(Enforcements& enforcements, const auth::Principal& actor,
                      const DemoFinding& plan, const dv1::Enforcement& finding, bool* done) {
  *done = false;
  if (finding.status() != dv1::ENFORCEMENT_STATUS_FOUND || plan.end == DemoEnd::kFound) {
    return absl::OkStatus();
  }
  if (plan.end == DemoEnd::kPenalised) {
    dv1::PenaliseEnforcementRequest request;
    request.set_id(finding.id());
    request.set_etag(finding.etag());
    const absl::CivilDay day = cal::LocalDay(FromTimestamp(finding.found_time()));
    request.set_decision_number(
        absl::StrFormat("演示综执罚决字〔%04d〕%s", day.year(), finding.id()));
    request.set_fine_yuan(plan.fine);
    request.set_note("已依法立案查处（演示数据）");
    dv1::PenaliseEnforcementResponse penalised;
    GOV_RETURN_IF_ERROR(enforcements.Penalise(actor, request, &penalised));
  } else {
    dv1::CloseEnforcementRequest request;
    request.set_id(finding.id());
    request.set_etag(finding.etag());
    if (plan.end == DemoEnd::kCorrected) {
      request.set_outcome(dv1::ENFORCEMENT_STATUS_CORRECTED);
      request.set_note("经教育劝导已自行整改（演示数据）");
    } else {
      request.set_outcome(dv1::ENFORCEMENT_STATUS_NOT_CONFIRMED);
      request.set_note("现场核查未发现违法行为（演示数据）");
    }
    dv1::CloseEnforcementResponse closed;
    GOV_RETURN_IF_ERROR(enforcements.Close(actor, request, &closed));
  }
  *done = true;
  return absl::OkStatus();
}

}  // namespace

// The demo records every finding at its past found time (through Record, which counts it by
// then) and concludes it at the real "now": a restart replays the recordings (request ids) and
// concludes only what is still FOUND against its plan.
absl::Status LoadEnforcementDemo(Enforcements& enforcements, const server::TrackDeps& deps) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  const auto& streets = deps.regions->streets();
  const std::vector<double> shares = demo::CommunityShares(*deps.regions);
  const int n_categories = static_cast<int>(DemoCategories().size());

  std::vector<DemoFinding> all;
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    for (int c = 0; c < n_categories; ++c) {
      PlanStream(*streets[s], s, c, DemoCategories()[c].per_day * shares[s], today, now, all);
    }
  }
  PlanEnds(all);
  const absl::Time from = absl::FromCivil(today - kDemoSpanDays, cal::DistrictZone());
  std::vector<DemoFinding> plans;
  for (DemoFinding& f : all) {
    if (f.at >= from) plans.push_back(std::move(f));
  }

  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  DemoCounts counts;
  counts.planned = static_cast<int64_t>(plans.size());
  GOV_RETURN_IF_ERROR(
      ParallelFor(static_cast<int>(plans.size()), kDemoWorkers, [&](int, int i) -> absl::Status {
        const DemoFinding& plan = plans[i];
        dv1::RecordEnforcementResponse recorded;
        const absl::Status status = enforcements.Record(actor, plan.request, &recorded);
        if (absl::IsAlreadyExists(status)) {
          // Stored with other content by an older version of this loader: left as it is.
          counts.conflicts++;
          return absl::OkStatus();
        }
        GOV_RETURN_IF_ERROR(status);
        (recorded.created() ? counts.created : counts.replayed)++;
        bool done = false;
        GOV_RETURN_IF_ERROR(Conclude(enforcements, actor, plan, recorded.enforcement(), &done));
        if (done) counts.concluded++;
        return absl::OkStatus();
      }));
  log::Info("enforcement demo data loaded", {{"planned", absl::StrCat(counts.planned.load())},
                                             {"created", absl::StrCat(counts.created.load())},
                                             {"replayed", absl::StrCat(counts.replayed.load())},
                                             {"conflicting", absl::StrCat(counts.conflicts.load())},
                                             {"concluded", absl::StrCat(counts.concluded.load())},
                                             {"now", absl::FormatTime(now)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
