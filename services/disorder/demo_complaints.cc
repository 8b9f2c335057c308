// The complaints' demo load: two years of invented complaints taken in through the intake at
// their past times, then moved along their planned lifecycles through the part's own steps.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
#include "services/disorder/demo_data.h"

namespace gov::disorder {
namespace {

using demo::Seed;
using demo::UnitInterval;

// The principal the demo takes complaints in and moves them as (the intake platform).
constexpr char kDemoActor[] = "disorder-demo";
// Days back from today the demo covers: two years.
constexpr int kDemoSpanDays = 730;
// Complaints a day across the district before repeats and duplicates.
constexpr double kDemoPerDay = 3.2;
// Streets load side by side (a street's complaints in order, so that a repeat finds the
// complaint it repeats); the store commits concurrent writes together.
constexpr int kDemoWorkers = 8;

struct DemoCategory {
  dv1::ComplaintCategory category;
  int weight;      // share of the complaints
  int repeat_pct;  // share followed by a repeat within the window
  bool visual;     // seen by City Eye cameras
  const char* texts[3];
};

const std::vector<DemoCategory>& DemoCategories() {
  static const auto* categories = new std::vector<DemoCategory>{
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK,
       6,
       5,
       true,
       {"渣土车沿路抛洒，路面泥土较多", "夜间渣土车超速行驶，噪声大", "渣土车未密闭运输"}},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES,
       14,
       12,
       false,
       {"饭店油烟直排，影响楼上住户", "烧烤店油烟扰民", "餐馆油烟净化器未开启"}},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT,
       5,
       4,
       false,
       {"有人在小区向老人推销保健品", "保健品讲座夸大宣传", "老人高价购买保健品，家属投诉"}},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS,
       10,
       5,
       false,
       {"无证经营小作坊", "无照经营的维修店占道", "住宅楼内无证经营餐饮"}},
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL,
       14,
       9,
       true,
       {"流动摊贩占道经营", "学校门口流动摊贩聚集", "夜市摊贩占用人行道"}},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE,
       16,
       5,
       true,
       {"路边垃圾堆放未清理", "店招破损存在隐患", "乱贴小广告"}},
      {dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING,
       12,
       6,
       true,
       {"共享单车乱停放堵塞人行道", "电动车停放占用盲道", "地铁口非机动车停放混乱"}},
      {dv1::COMPLAINT_CATEGORY_NOISE,
       12,
       10,
       false,
       {"夜间施工噪声扰民", "广场舞音响声音过大", "商铺外放音乐扰民"}},
      {dv1::COMPLAINT_CATEGORY_PREPAID_CARD,
       6,
       3,
       false,
       {"健身房关门，预付卡无法退费", "理发店预付卡拒绝退款", "培训机构停业，预付学费未退"}},
      {dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE,
       5,
       4,
       false,
       {"工地拖欠农民工工资", "工地围挡不规范、扬尘大", "工地夜间违规施工"}},
  };
  return *categories;
}

// The plan of one demo complaint: how it was taken in, and how far it gets.
struct DemoComplaint {
  dv1::SubmitComplaintRequest request;
  absl::Time at;
  // How far its lifecycle goes (see DemoNext): accepted, resolved this many times (once, or
  // again after each reopening), and the callbacks in order (unsatisfied ones reopen).
  bool accept = false;
  int resolutions = 0;
  std::vector<dv1::Satisfaction> callbacks;
  dv1::ResolutionOutcome outcome = dv1::RESOLUTION_OUTCOME_RESOLVED;
  // A duplicate the detection misses (no grid, no coordinates): the request id of the
  // complaint it is merged into.
  std::string merge_into;
  // Joint enforcement: the units added to it once it is being handled, and whether their steps
  // are done (always before a resolution).
  std::vector<std::string> joint_units;
  bool joint_done = false;
};

// Reports placed by coordinates lie within about 65 m of where their place lies.
constexpr double kDemoSpread = 0.0006;

dv1::ResolutionOutcome DemoOutcome(dv1::ComplaintCategory category, demo::Random& rng) {
  using O = dv1::ResolutionOutcome;
  switch (category) {
    case dv1::COMPLAINT_CATEGORY_PREPAID_CARD:
      return rng.Weighted<O>({{dv1::RESOLUTION_OUTCOME_MEDIATED, 60},
                              {dv1::RESOLUTION_OUTCOME_MEDIATION_FAILED, 30},
                              {dv1::RESOLUTION_OUTCOME_RESOLVED, 10}});
    case dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT:
    case dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS:
    case dv1::COMPLAINT_CATEGORY_MOBILE_STALL:
      return rng.Weighted<O>({{dv1::RESOLUTION_OUTCOME_PENALISED, 45},
                              {dv1::RESOLUTION_OUTCOME_RESOLVED, 45},
                              {dv1::RESOLUTION_OUTCOME_UNFOUNDED, 10}});
    default:
      return rng.Weighted<O>({{dv1::RESOLUTION_OUTCOME_RESOLVED, 80},
                              {dv1::RESOLUTION_OUTCOME_PENALISED, 10},
                              {dv1::RESOLUTION_OUTCOME_UNFOUNDED, 10}});
  }
}

// How far a complaint taken in `age_days` ago gets, from its request id (the same on every
// run): recent ones are still being handled; older ones are mostly closed after a satisfied
// callback, some after one or two reopenings, a few still wait for their callback or work.
void PlanLifecycle(DemoComplaint& c, int age_days) {
  demo::Random rng(demo::StableSeed(c.request.request_id()));
  c.outcome = DemoOutcome(c.request.complaint().category(), rng);
  const int roll = rng.Int(0, 99);
  const bool health = c.request.complaint().category() == dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT;
  auto closed = [&](int reopenings) {
    c.accept = true;
    c.resolutions = reopenings + 1;
    c.callbacks.assign(reopenings, dv1::SATISFACTION_UNSATISFIED);
    c.callbacks.push_back(rng.Percent(70) ? dv1::SATISFACTION_SATISFIED
                                          : dv1::SATISFACTION_BASICALLY_SATISFIED);
  };
  if (age_days < 2) {
    c.accept = roll >= 50;  // the rest wait at DISPATCHED
    return;
  }
  if (age_days < 10) {
    if (roll < 10) {
      c.accept = true;  // still being handled
    } else if (roll < 40) {
      c.accept = true;
      c.resolutions = 1;  // the callback is due
    } else {
      closed(0);
    }
    return;
  }
  if (roll < 2 && !health) {
    c.accept = true;  // left in HANDLING: overdue
  } else if (roll < 4) {
    c.accept = true;
    c.resolutions = 1;
  } else if (roll < 6) {
    // Reopened after an unsatisfied callback and being reworked.
    c.accept = true;
    c.resolutions = 1;
    c.callbacks = {dv1::SATISFACTION_UNSATISFIED};
  } else if (roll < 14) {
    closed(1);
  } else if (roll < 16) {
    closed(2);
  } else {
    closed(0);
  }
}

// Which units a complaint of the joint enforcement team gets (from its own draws, apart from
// the lifecycle's): of those taken on and not merged, about a third one unit, one in seven two,
// done before the resolution (half of those still in work are done already).
void PlanJoint(DemoComplaint& c, const Rules& rules) {
  const auto& units = rules.data().joint_enforcement().unit_ids();
  if (!rules.IsJointCategory(c.request.complaint().category()) || !c.accept ||
      !c.merge_into.empty() || units.empty()) {
    return;
  }
  demo::Random rng(demo::StableSeed(c.request.request_id() + "/joint"));
  const int roll = rng.Int(0, 99);
  const int count = roll < 35 ? 1 : roll < 50 ? 2 : 0;
  const int first = rng.Int(0, units.size() - 1);
  for (int k = 0; k < count && k < units.size(); ++k) {
    c.joint_units.push_back(units[(first + k * 3) % units.size()]);
  }
  c.joint_done = c.resolutions > 0 || rng.Percent(50);
}

// The complaints of one street, oldest first.
std::vector<DemoComplaint> PlanStreet(const governance::config::v1::Street& street, int s,
                                      double rate, absl::CivilDay first, absl::CivilDay today,
                                      absl::Time now) {
  const auto& categories = DemoCategories();
  std::vector<int> category_weights;
  for (const DemoCategory& category : categories) category_weights.push_back(category.weight);
  std::vector<DemoComplaint> out;
  demo::DailyStream stream(Seed(-1, s, 0));
  for (absl::CivilDay day = first; day <= today; ++day) {
    const int count = stream.Add(rate * (0.7 + 0.6 * UnitInterval(Seed(day - first, s, 1))));
    for (int k = 0; k < count; ++k) {
      demo::Random rng(Seed(day - absl::CivilDay(2020, 1, 1), s, 100 + k));
      const DemoCategory& category = categories[rng.WeightedIndex(category_weights)];
      dv1::Channel channel = rng.Weighted<dv1::Channel>({{dv1::CHANNEL_HOTLINE, 45},
                                                         {dv1::CHANNEL_GRID_MEMBER, 25},
                                                         {dv1::CHANNEL_APP, 20},
                                                         {dv1::CHANNEL_CITY_EYE, 10}});
      if (channel == dv1::CHANNEL_CITY_EYE && !category.visual) channel = dv1::CHANNEL_HOTLINE;
      if (category.category == dv1::COMPLAINT_CATEGORY_COOKING_FUMES && rng.Percent(20)) {
        channel = dv1::CHANNEL_MONITORING;  // the fume monitors
      }
      const int hour = rng.Int(7, 21);
      const int minute = rng.Int(0, 59);
      const int second = rng.Int(0, 59);
      const absl::Time at = demo::LocalTime(day, hour, minute, second);

      DemoComplaint c;
      c.at = at;
      c.request.set_request_id(absl::StrFormat("demo-%04d%02d%02d-%s-%d", day.year(), day.month(),
                                               day.day(), street.id(), k));
      dv1::Complaint& complaint = *c.request.mutable_complaint();
      complaint.set_category(category.category);
      complaint.set_channel(channel);
      // Always in a community; a repeat always in a grid, so that the detection can link it.
      const bool repeated = rng.Percent(category.repeat_pct);
      const demo::Place place = demo::DrawPlace(
          street, s, rng,
          {.community_percent = 100, .grid_percent = repeated ? 100 : 70, .busier_first = false});
      *complaint.mutable_region() = place.region();
      const bool located = channel == dv1::CHANNEL_APP || channel == dv1::CHANNEL_CITY_EYE ||
                           channel == dv1::CHANNEL_MONITORING || rng.Percent(20);
      if (located) *complaint.mutable_location() = demo::Point(place, kDemoSpread, rng);
      complaint.set_address(demo::Address(place.name, rng));
      complaint.set_description(absl::StrCat(rng.Pick(category.texts), "（演示数据）"));
      if (channel == dv1::CHANNEL_HOTLINE || channel == dv1::CHANNEL_APP) {
        complaint.mutable_reporter()->set_name(demo::AddressedName(rng));
        complaint.mutable_reporter()->set_phone(demo::MobilePhone(rng));
      }
      const bool duplicated = !repeated && place.community != nullptr && rng.Int(0, 199) < 3;
      const int follow_days = repeated ? rng.Int(1, 25) : rng.Int(0, 3);
      const int follow_minutes = rng.Int(30, 600);
      const int follow_channel = rng.Int(0, 2);
      if (at < now) out.push_back(c);

      if (!repeated && !duplicated) continue;
      // The same matter reported again: at the same place (a repeat the detection links) or,
      // for a duplicate, in the same community without grid or coordinates (merged by hand).
      DemoComplaint again = c;
      again.at = at + absl::Hours(24 * follow_days) + absl::Minutes(follow_minutes);
      if (again.at >= now || cal::LocalDay(again.at) > today) continue;
      again.request.set_request_id(
          absl::StrCat(c.request.request_id(), repeated ? "-repeat" : "-duplicate"));
      dv1::Complaint& next = *again.request.mutable_complaint();
      next.set_channel(follow_channel == 0 ? dv1::CHANNEL_APP : dv1::CHANNEL_HOTLINE);
      if (!category.visual && next.channel() == dv1::CHANNEL_APP) {
        next.set_channel(dv1::CHANNEL_HOTLINE);
      }
      next.set_description(
          absl::StrCat("再次反映：", category.texts[follow_channel], "（演示数据）"));
      if (repeated) {
        if (next.has_location()) {
          // A few metres from the first report.
          next.mutable_location()->set_latitude(next.location().latitude() + 0.00008);
        }
      } else {
        next.mutable_region()->clear_grid_id();
        next.clear_location();
        again.merge_into = c.request.request_id();
      }
      out.push_back(std::move(again));
    }
  }
  std::sort(out.begin(), out.end(), [](const DemoComplaint& a, const DemoComplaint& b) {
    return a.at != b.at ? a.at < b.at : a.request.request_id() < b.request.request_id();
  });
  for (DemoComplaint& c : out) PlanLifecycle(c, static_cast<int>(today - cal::LocalDay(c.at)));
  return out;
}

struct DemoCounts {
  std::atomic<int64_t> planned{0};
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> replayed{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> repeats{0};
  std::atomic<int64_t> merged{0};
  std::atomic<int64_t> steps{0};
};

// Takes a demo complaint one step towards its plan; false when it is there (or closed).
absl::StatusOr<bool> DemoNext(Complaints& complaints, const auth::Principal& actor,
                              const DemoComplaint& plan, const std::string& merge_into_id,
                              const dv1::Complaint& now, dv1::Complaint* next) {
  const int reopened = now.reopen_count();
  switch (now.status()) {
    case dv1::COMPLAINT_STATUS_DISPATCHED:
    case dv1::COMPLAINT_STATUS_HANDLING:
    case dv1::COMPLAINT_STATUS_RESOLVED:
      if (!merge_into_id.empty()) {
        dv1::MergeComplaintRequest request;
        request.set_id(now.id());
        request.set_etag(now.etag());
        request.set_into_id(merge_into_id);
        dv1::MergeComplaintResponse response;
        GOV_RETURN_IF_ERROR(complaints.Merge(actor, request, &response));
        *next = std::move(*response.mutable_complaint());
        return true;
      }
      break;
    default:
      return false;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_DISPATCHED && plan.accept) {
    dv1::AcceptComplaintRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    dv1::AcceptComplaintResponse response;
    GOV_RETURN_IF_ERROR(complaints.Accept(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_HANDLING) {
    for (size_t k = 0; k < plan.joint_units.size(); ++k) {
      const std::string& unit = plan.joint_units[k];
      if (unit == now.unit_id()) continue;  // routed to it (by an older routing table)
      const auto joint =
          std::find_if(now.joint_units().begin(), now.joint_units().end(),
                       [&unit](const dv1::JointUnit& j) { return j.unit_id() == unit; });
      if (joint == now.joint_units().end()) {
        dv1::AddJointUnitRequest request;
        request.set_id(now.id());
        request.set_etag(now.etag());
        request.set_request_id(absl::StrCat("demo-joint/", plan.request.request_id(), "/", k));
        request.set_unit_id(unit);
        request.set_note("渣土车联合执法，加派协同处置（演示数据）");
        dv1::AddJointUnitResponse response;
        GOV_RETURN_IF_ERROR(complaints.AddJointUnit(actor, request, &response));
        *next = std::move(*response.mutable_complaint());
        return true;
      }
      if (joint->status() == dv1::JOINT_STEP_STATUS_ASSIGNED && plan.joint_done) {
        dv1::CompleteJointStepRequest request;
        request.set_id(now.id());
        request.set_etag(now.etag());
        request.set_unit_id(unit);
        request.set_note("已配合完成现场查处（演示数据）");
        dv1::CompleteJointStepResponse response;
        GOV_RETURN_IF_ERROR(complaints.CompleteJointStep(actor, request, &response));
        *next = std::move(*response.mutable_complaint());
        return true;
      }
    }
  }
  if (now.status() == dv1::COMPLAINT_STATUS_HANDLING && reopened < plan.resolutions) {
    dv1::ResolveComplaintRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    request.set_outcome(plan.outcome);
    request.set_resolution(reopened == 0 ? "已到现场处置，问题已解决（演示数据）"
                                         : "复查后再次处置，问题已解决（演示数据）");
    dv1::ResolveComplaintResponse response;
    GOV_RETURN_IF_ERROR(complaints.Resolve(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  if (now.status() == dv1::COMPLAINT_STATUS_RESOLVED &&
      reopened < static_cast<int>(plan.callbacks.size())) {
    dv1::RecordCallbackRequest request;
    request.set_id(now.id());
    request.set_etag(now.etag());
    request.set_satisfaction(plan.callbacks[reopened]);
    request.set_note(plan.callbacks[reopened] == dv1::SATISFACTION_UNSATISFIED
                         ? "投诉人反映问题仍然存在（演示数据）"
                         : "投诉人认可处置结果（演示数据）");
    dv1::RecordCallbackResponse response;
    GOV_RETURN_IF_ERROR(complaints.Callback(actor, request, &response));
    *next = std::move(*response.mutable_complaint());
    return true;
  }
  return false;
}

}  // namespace

// The demo takes a street's complaints in oldest first at their past intake times (so that a
// repeat finds the complaint it repeats still open), then moves each towards its plan at the
// real "now": a restart replays the intake (request ids) and carries on from where each
// complaint stands.
absl::Status LoadComplaintDemo(Complaints& complaints, const server::TrackDeps& deps) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::CivilDay first = today - kDemoSpanDays;
  const auto& streets = deps.regions->streets();
  const std::vector<double> shares = demo::CommunityShares(*deps.regions);
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  DemoCounts counts;

  const absl::Status status =
      ParallelFor(static_cast<int>(streets.size()), kDemoWorkers, [&](int, int s) -> absl::Status {
        std::vector<DemoComplaint> plans =
            PlanStreet(*streets[s], s, kDemoPerDay * shares[s], first, today, now);
        for (DemoComplaint& plan : plans) PlanJoint(plan, complaints.rules());
        counts.planned += static_cast<int64_t>(plans.size());
        // Intake, oldest first.
        std::vector<std::optional<dv1::Complaint>> taken(plans.size());
        absl::flat_hash_map<std::string, std::string> ids;  // request id -> complaint id
        for (size_t i = 0; i < plans.size(); ++i) {
          absl::StatusOr<cases::Case> c = complaints.TakeIn(actor, plans[i].request, plans[i].at);
          if (absl::IsAlreadyExists(c.status())) {
            // Stored with other content by an older version of this loader: left as it is.
            counts.conflicts++;
            continue;
          }
          if (!c.ok()) return c.status();
          (c->created ? counts.created : counts.replayed)++;
          GOV_ASSIGN_OR_RETURN(taken[i], complaints.Summary(*c));
          ids[plans[i].request.request_id()] = c->record.id;
          if (taken[i]->status() == dv1::COMPLAINT_STATUS_REPEAT) counts.repeats++;
        }
        // Lifecycles.
        for (size_t i = 0; i < plans.size(); ++i) {
          if (!taken[i].has_value()) continue;
          std::string merge_into;
          if (!plans[i].merge_into.empty()) {
            auto it = ids.find(plans[i].merge_into);
            if (it != ids.end()) merge_into = it->second;
          }
          dv1::Complaint current = *taken[i];
          for (;;) {
            dv1::Complaint next;
            absl::StatusOr<bool> stepped =
                DemoNext(complaints, actor, plans[i], merge_into, current, &next);
            if (!stepped.ok() && !merge_into.empty() &&
                absl::IsFailedPrecondition(stepped.status())) {
              // The complaint it duplicates became a repeat itself: handled on its own.
              merge_into.clear();
              continue;
            }
            if (absl::IsAborted(stepped.status())) {
              // Changed since it was read (a later repeat recorded on it): read it again.
              dv1::GetComplaintRequest get;
              get.set_id(current.id());
              dv1::GetComplaintResponse read;
              GOV_RETURN_IF_ERROR(complaints.Get(actor, get, &read));
              current = std::move(*read.mutable_complaint());
              continue;
            }
            if (!stepped.ok()) return stepped.status();
            if (!*stepped) break;
            if (next.status() == dv1::COMPLAINT_STATUS_MERGED) counts.merged++;
            counts.steps++;
            current = std::move(next);
          }
        }
        return absl::OkStatus();
      });
  GOV_RETURN_IF_ERROR(status);
  log::Info("disorder demo data loaded", {{"planned", absl::StrCat(counts.planned.load())},
                                          {"created", absl::StrCat(counts.created.load())},
                                          {"replayed", absl::StrCat(counts.replayed.load())},
                                          {"conflicting", absl::StrCat(counts.conflicts.load())},
                                          {"repeats", absl::StrCat(counts.repeats.load())},
                                          {"merged", absl::StrCat(counts.merged.load())},
                                          {"steps", absl::StrCat(counts.steps.load())},
                                          {"now", absl::FormatTime(now)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
