// The City Eye's demo: cameras in every community of every street, and a pan-tilt-zoom camera
// over each street's main crossing, connected over this year and the two before (more than the
// plan's 400 this year); most online, some offline, a few retired. Each written through the
// track's own part, as the platform would, on a clock of the loader's own set to when it
// happened.

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/clock/district_time.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/status.h"
#include "services/digital/cameras.h"
#include "services/digital/demo_data.h"
#include "services/digital/model.h"

namespace gov::digital {
namespace {

constexpr char kLoader[] = "demo-loader";

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

// The community cameras connected this year (more than the plan's 400), and in each of the two
// years before.
constexpr int kThisYear = 432;
constexpr int kEachEarlierYear = 120;

// Of a hundred cameras, this many are offline now and this many retired; the rest are online.
constexpr int kOfflinePercent = 9;
constexpr int kRetiredPercent = 4;

struct KindPlan {
  dv1::CameraKind kind;
  int weight;
};

constexpr KindPlan kKinds[] = {
    {dv1::CAMERA_KIND_FIXED, 50},
    {dv1::CAMERA_KIND_PTZ, 12},
    {dv1::CAMERA_KIND_COMPOUND, 32},
    {dv1::CAMERA_KIND_MOBILE, 6},
};

constexpr const char* kFixedSpots[] = {"路口",     "主干道",   "公交站",
                                       "菜场门口", "学校门口", "公园入口"};
constexpr const char* kPtzSpots[] = {"制高点", "十字路口", "广场"};
constexpr const char* kCompoundSpots[] = {"小区东门", "小区西门", "小区南门", "单元门口",
                                          "地下车库入口"};
constexpr const char* kMobileSpots[] = {"巡逻车", "执法记录仪"};

const char* Spot(dv1::CameraKind kind, demo::Random& rng) {
  switch (kind) {
    case dv1::CAMERA_KIND_PTZ:
      return rng.Pick(kPtzSpots);
    case dv1::CAMERA_KIND_COMPOUND:
      return rng.Pick(kCompoundSpots);
    case dv1::CAMERA_KIND_MOBILE:
      return rng.Pick(kMobileSpots);
    default:
      return rng.Pick(kFixedSpots);
  }
}

// The platform's code of a feed: 20 digits after the national video-network scheme (GB/T 28181):
// the district's administrative code, the street and community, the device type (132, a network
// camera) and a serial number.
std::string FeedCode(const demo::Place& place, int n) {
  return absl::StrFormat("330105%02d%02d132%07d", place.street_index + 1, place.community_index + 1,
                         n + 1);
}

// A day of `year` up to `today`, drawn.
absl::CivilDay DayOf(int year, absl::CivilDay today, demo::Random& rng) {
  const absl::CivilDay first(year, 1, 1);
  const absl::CivilDay last = std::min(absl::CivilDay(year, 12, 31), today);
  return first + rng.Int(0, static_cast<int>(last - first));
}

// Registers one camera connected on `day`, then moves it offline or retires it (on a later day
// up to today) as drawn.
absl::Status LoadCamera(const Cameras& part, FakeClock& clock, const demo::Place& place,
                        const governance::v1::RegionRef& region, dv1::CameraKind kind,
                        absl::CivilDay day, absl::Time now, int n, demo::Random& rng) {
  const auth::Principal loader = Loader();
  const absl::CivilDay today = cal::LocalDay(now);
  clock.Set(std::min(demo::LocalTime(day, rng.Int(9, 17), rng.Int(0, 59)), now));
  dv1::RegisterCameraRequest request;
  request.set_request_id(absl::StrFormat("demo-camera-%04d", n));
  dv1::Camera* c = request.mutable_camera();
  c->set_feed_code(FeedCode(place, n));
  c->set_name(absl::StrFormat("%s%s%02d", place.name, Spot(kind, rng), n % 100));
  c->set_kind(kind);
  *c->mutable_region() = region;
  c->set_location(demo::Address(place.name, rng));
  c->set_connect_day(demo::DayText(day));
  dv1::RegisterCameraResponse registered;
  GOV_RETURN_IF_ERROR(part.Register(loader, request, &registered));

  const int draw = rng.Int(0, 99);
  if (draw >= kOfflinePercent + kRetiredPercent) return absl::OkStatus();
  const absl::CivilDay moved = day + rng.Int(0, static_cast<int>(today - day));
  clock.Set(std::max(std::min(demo::LocalTime(moved, rng.Int(8, 20), rng.Int(0, 59)), now),
                     FromTimestamp(registered.camera().create_time())));
  dv1::SetCameraStatusRequest change;
  change.set_id(registered.camera().id());
  change.set_etag(registered.camera().etag());
  const bool retired = draw >= kOfflinePercent;
  change.set_status(retired ? dv1::CAMERA_STATUS_RETIRED : dv1::CAMERA_STATUS_OFFLINE);
  change.set_note(retired ? "演示数据：设备老化，拆除" : "演示数据：网络中断，待维修");
  dv1::SetCameraStatusResponse changed;
  return part.SetStatus(loader, change, &changed);
}

}  // namespace

absl::Status LoadCameraDemo(const server::TrackDeps& deps) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry cameras(CameraLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(const int64_t existing, cameras.Count({}));
  if (existing > 0) {
    log::Info("demo cameras skipped: the store has cameras", {{"track", kTrack}});
    return absl::OkStatus();
  }
  const Cameras part(&cameras, deps.regions, &clock);
  const std::vector<demo::Place> communities = demo::AllCommunities(*deps.regions);
  if (communities.empty()) {
    return absl::FailedPreconditionError("no communities to place cameras in");
  }

  std::vector<int> weights;
  for (const KindPlan& plan : kKinds) weights.push_back(plan.weight);
  demo::Random rng(demo::StableSeed("digital-cameras"));
  int n = 0;
  // The community cameras, dealt round the communities so that every one has a few of each year:
  // this year's first, then last year's, then the year before's.
  const int total = kThisYear + 2 * kEachEarlierYear;
  for (; n < total; ++n) {
    const demo::Place& place = communities[static_cast<size_t>(n) % communities.size()];
    const int year = n < kThisYear                      ? today.year()
                     : n < kThisYear + kEachEarlierYear ? today.year() - 1
                                                        : today.year() - 2;
    governance::v1::RegionRef region = place.community_region();
    if (place.community != nullptr && place.community->grids_size() > 0 && rng.Percent(50)) {
      region.set_grid_id(place.community->grids(rng.Int(0, place.community->grids_size() - 1)));
    }
    const dv1::CameraKind kind = kKinds[rng.WeightedIndex(weights)].kind;
    GOV_RETURN_IF_ERROR(
        LoadCamera(part, clock, place, region, kind, DayOf(year, today, rng), now, n, rng));
  }
  // A pan-tilt-zoom camera over each street's main crossing, connected two years ago.
  for (int s = 0; s < deps.regions->street_count(); ++s, ++n) {
    const demo::Place place = demo::StreetPlace(*deps.regions->streets()[s], s);
    GOV_RETURN_IF_ERROR(LoadCamera(part, clock, place, place.street_region(), dv1::CAMERA_KIND_PTZ,
                                   DayOf(today.year() - 2, today, rng), now, n, rng));
  }
  log::Info("demo cameras loaded", {{"track", kTrack}, {"cameras", absl::StrCat(n)}});
  return absl::OkStatus();
}

}  // namespace gov::digital
