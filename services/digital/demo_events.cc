// The City Eye's demo events: the last days' detections in every street, of every type, from
// the streets' cameras and from grid patrols; a few dismissed as false detections, the rest
// taken in DETECTED. The dispatch sweep then sends them to the tracks that must act once those
// answer (each with the event's id as its request_id there, as a live event would be sent).

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/clock/district_time.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/digital/demo_data.h"
#include "services/digital/model.h"

namespace gov::digital {
namespace {

constexpr char kPlatform[] = "demo-city-eye";

// Events a street sees in a day, at most, and the days back they cover.
constexpr int kPerStreetDay = 3;
constexpr int kDays = 6;
// Of a hundred events, this many are seen by grid patrols (the rest by cameras), and this many
// dismissed as false detections.
constexpr int kPatrolPercent = 30;
constexpr int kDismissedPercent = 6;

struct TypePlan {
  dv1::EventType type;
  int weight;
  const char* what;
};

constexpr TypePlan kTypes[] = {
    {dv1::EVENT_TYPE_MOBILE_STALL, 22, "流动摊贩占道经营"},
    {dv1::EVENT_TYPE_OUT_OF_SHOP, 18, "店铺出店经营，占用人行道"},
    {dv1::EVENT_TYPE_EXPOSED_RUBBISH, 20, "暴露垃圾堆放未清运"},
    {dv1::EVENT_TYPE_NON_MOTOR_PARKING, 20, "非机动车乱停放，堵塞盲道"},
    {dv1::EVENT_TYPE_MUCK_TRUCK, 6, "渣土车未密闭，沿路抛洒"},
    {dv1::EVENT_TYPE_FIRE_LANE_BLOCKED, 8, "车辆占用消防通道"},
    {dv1::EVENT_TYPE_SMOKE_FIRE, 1, "识别到烟雾，疑似明火"},
    {dv1::EVENT_TYPE_EBIKE_INDOORS, 5, "电动车进楼道充电"},
};

// A camera of the platform in `street` that is not retired, drawn among the first cameras
// (their ids are the registry's sequence); "" when none is found in a few draws.
std::string CameraIn(const registry::Registry& cameras, const std::string& street,
                     int64_t camera_count, demo::Random& rng) {
  for (int tries = 0; tries < 40 && camera_count > 0; ++tries) {
    const std::string id = absl::StrFormat("CE-%06d", rng.Int(1, static_cast<int>(camera_count)));
    absl::StatusOr<store::EntityRecord> row = cameras.Get(id);
    if (!row.ok() || row->street_id != street) continue;
    absl::StatusOr<dv1::Camera> camera = cameras.Decode<dv1::Camera>(*row);
    if (camera.ok() && camera->status() != dv1::CAMERA_STATUS_RETIRED) return id;
  }
  return "";
}

}  // namespace

absl::Status LoadEventDemo(const server::TrackDeps& deps, const Rules& rules,
                           cases::CaseEngine* events) {
  const absl::Time now = deps.clock->Now();
  const auth::Principal platform = demo::Actor(kPlatform, auth::kSystem);
  cases::ListRequest any;
  any.page_size = 1;
  GOV_ASSIGN_OR_RETURN(const cases::ListResult some, events->List(platform, std::move(any)));
  if (!some.cases.empty()) {
    log::Info("demo events skipped: the store has events", {{"track", kTrack}});
    return absl::OkStatus();
  }
  const registry::Registry cameras(CameraLayout(), deps.repo, deps.cache, deps.clock);
  GOV_ASSIGN_OR_RETURN(const int64_t camera_count, cameras.Count({}));

  std::vector<int> weights;
  for (const TypePlan& plan : kTypes) weights.push_back(plan.weight);
  demo::Random rng(demo::StableSeed("digital-events"));
  const absl::CivilDay today = cal::LocalDay(now);
  int n = 0;
  int dismissed = 0;
  for (int s = 0; s < deps.regions->street_count(); ++s) {
    const governance::config::v1::Street& street = *deps.regions->streets()[s];
    for (int back = kDays; back >= 0; --back) {
      const absl::CivilDay day = today - back;
      for (int k = rng.Int(0, kPerStreetDay); k > 0; --k, ++n) {
        const absl::Time detected = demo::LocalTime(day, rng.Int(7, 21), rng.Int(0, 59));
        if (detected > now) continue;
        const TypePlan& plan = kTypes[rng.WeightedIndex(weights)];
        const demo::Place place =
            demo::DrawPlace(street, s, rng, {.community_percent = 100, .grid_percent = 60});
        dv1::Event e;
        e.set_type(plan.type);
        *e.mutable_region() = place.region();
        std::string camera;
        if (!rng.Percent(kPatrolPercent)) {
          camera = CameraIn(cameras, street.id(), camera_count, rng);
        }
        e.set_source(camera.empty() ? dv1::EVENT_SOURCE_GRID_PATROL : dv1::EVENT_SOURCE_CAMERA);
        e.set_camera_id(camera);
        e.set_address(demo::Address(place.name, rng));
        e.set_description(absl::StrCat("演示数据：", plan.what));
        *e.mutable_detect_time() = ToTimestamp(detected);
        if (!camera.empty()) {
          e.set_snapshot_ref(absl::StrFormat("cityeye://snapshot/%s/%d", camera, n));
        }
        const cases::NewCase input = NewEventCase(e, rules.DisposalTime(e.type()), now);
        GOV_ASSIGN_OR_RETURN(const cases::Case c,
                             events->Create(platform, input, absl::StrFormat("demo-event-%05d", n),
                                            cases::CaseEngine::RequestHash(SerializeStable(e))));
        if (!rng.Percent(kDismissedPercent)) continue;
        const auth::Principal op = demo::Actor("demo-operator", auth::kDistrictAdmin);
        GOV_RETURN_IF_ERROR(events
                                ->Transition(op, kDismiss, c.record.id, c.etag(),
                                             "演示数据：误识别，无需处置",
                                             EventKind().Edit([](dv1::Event& edited) {
                                               edited.set_dismiss_reason("演示数据：误识别");
                                               return absl::OkStatus();
                                             }))
                                .status());
        ++dismissed;
      }
    }
  }
  log::Info(
      "demo events loaded",
      {{"track", kTrack}, {"events", absl::StrCat(n)}, {"dismissed", absl::StrCat(dismissed)}});
  return absl::OkStatus();
}

}  // namespace gov::digital
