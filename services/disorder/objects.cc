#include "services/disorder/objects.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/demo_random.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaints.h"
#include "services/disorder/fume_feed.h"

// How the registry lies in the store's generic entity rows (track "disorder"):
//
// clang-format off
// | kind     | id       | street_id / community_id             | parent_id | key               |
// |----------|----------|--------------------------------------|-----------|-------------------|
// | "object" | M-...    | the object's street and community    | ""        | "<KIND>/<STATUS>" |
// |          |          | ("" for a demonstration street)      |           |                   |
// clang-format on
//
// The key is the kind's and the status's enum keys, e.g. "FUME_RESTAURANT/ACTIVE"
// (common/registry's KindStatusKey). The payload is the MonitoredObject without id, etag, times
// and fume state (output only), which the row holds or the fume feed adds.
namespace gov::disorder {
namespace {

using demo::Mix;

using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_ABSOLUTE;
using governance::v1::TARGET_KIND_RATE;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

constexpr size_t kMaxName = 100;
constexpr size_t kMaxAddress = 200;
constexpr size_t kMaxDeviceId = 64;
constexpr int64_t kFullRate = 10000;  // 100% in basis points

constexpr dv1::MonitoredObjectKind kKinds[] = {
    dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT,      dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE,
    dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET, dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK,
    dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY,      dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION,
};

// ---- Storage ----

std::vector<std::string> KindKeys() {
  std::vector<std::string> keys;
  for (dv1::MonitoredObjectKind kind : kKinds) keys.push_back(EnumKey(kind));
  return keys;
}

std::string ObjectKey(dv1::MonitoredObjectKind kind, dv1::MonitoredObjectStatus status) {
  return registry::KindStatusKey(EnumKey(kind), EnumKey(status));
}

// The object as the caller describes it: output-only fields dropped, so that a retry matches
// whatever the service adds.
dv1::MonitoredObject Submitted(dv1::MonitoredObject object) {
  object.clear_id();
  object.clear_etag();
  object.clear_create_time();
  object.clear_update_time();
  object.clear_fume_state();
  return object;
}

absl::StatusOr<dv1::MonitoredObject> DecodeObject(const store::EntityRecord& row) {
  return registry::Decode<dv1::MonitoredObject>(row, ObjectLayout().noun);
}

store::EntityRecord ObjectRow(const dv1::MonitoredObject& object) {
  store::EntityRecord row;
  row.street_id = object.region().street_id();
  row.community_id = object.region().community_id();
  row.key = ObjectKey(object.kind(), object.status());
  row.payload = registry::Payload(Submitted(object));
  return row;
}

// Indicators read the registry: cached aggregates are stale after a write.
void AfterWrite(const DisorderContext& ctx) {
  if (ctx.cache != nullptr) ctx.cache->BumpGeneration(cache::AggregateScope(kTrack));
}

absl::CivilDay Today(const DisorderContext& ctx) { return cal::LocalDay(ctx.clock->Now()); }

// ---- Validation ----

absl::Status ValidateRegion(const dv1::MonitoredObject& object,
                            const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(object.region(), "object.region"));
  const std::string& community = object.region().community_id();
  switch (object.kind()) {
    case dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK:
    case dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY:
      if (community.empty()) {
        return InvalidField("object.region.community_id",
                            absl::StrCat("required for a ", EnumKey(object.kind())));
      }
      break;
    case dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET:
      if (!community.empty()) {
        return InvalidField("object.region.community_id",
                            "not given for a DEMONSTRATION_STREET (a whole street)");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

absl::Status ValidateLocation(const dv1::MonitoredObject& object) {
  if (!object.has_location()) return absl::OkStatus();
  return regions::ValidateLocation(object.location(), "object.location");
}

// Required when ACTIVE; when given, a real day not after today (district time).
absl::Status ValidateSinceDate(const dv1::MonitoredObject& object, absl::CivilDay today) {
  constexpr char kField[] = "object.since_date";
  const std::string& text = object.since_date();
  if (text.empty()) {
    if (object.status() == dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
      return InvalidField(kField, "required for an ACTIVE object");
    }
    return absl::OkStatus();
  }
  const std::optional<absl::CivilDay> day = cal::ParseDay(text);
  if (!day.has_value()) return InvalidField(kField, "not a date YYYY-MM-DD");
  if (*day > today) return InvalidField(kField, "after today (district time)");
  return absl::OkStatus();
}

absl::Status ValidateKindFields(const dv1::MonitoredObject& object) {
  if (object.kind() == dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    if (!object.has_fume_monitor()) {
      return InvalidField("object.fume_monitor", "required for a FUME_RESTAURANT");
    }
    const dv1::FumeMonitor& monitor = object.fume_monitor();
    GOV_RETURN_IF_ERROR(ValidateText(monitor.device_id(), "object.fume_monitor.device_id",
                                     kMaxDeviceId, /*required=*/true));
    const double limit = monitor.limit_mg_m3();
    if (limit != 0 && !(limit >= kMinFumeLimit && limit <= kMaxFumeLimit)) {
      return InvalidField(
          "object.fume_monitor.limit_mg_m3",
          absl::StrCat("0 (the rules' limit) or ", kMinFumeLimit, " to ", kMaxFumeLimit, " mg/m³"));
    }
  } else if (object.has_fume_monitor()) {
    return InvalidField("object.fume_monitor", "only for a FUME_RESTAURANT");
  }
  if (object.has_wage_systems() && object.kind() != dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE) {
    return InvalidField("object.wage_systems", "only for a CONSTRUCTION_SITE");
  }
  return absl::OkStatus();
}

// An object as registered or replaced; output-only fields are not looked at.
absl::Status ValidateObject(const dv1::MonitoredObject& object,
                            const regions::RegionRegistry& regions, absl::CivilDay today) {
  if (object.kind() == dv1::MONITORED_OBJECT_KIND_UNSPECIFIED ||
      !dv1::MonitoredObjectKind_IsValid(object.kind())) {
    return InvalidField("object.kind", "required: one of the monitored object kinds");
  }
  GOV_RETURN_IF_ERROR(ValidateText(object.name(), "object.name", kMaxName, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateRegion(object, regions));
  GOV_RETURN_IF_ERROR(ValidateLocation(object));
  GOV_RETURN_IF_ERROR(ValidateText(object.address(), "object.address", kMaxAddress));
  if (object.status() == dv1::MONITORED_OBJECT_STATUS_UNSPECIFIED ||
      !dv1::MonitoredObjectStatus_IsValid(object.status())) {
    return InvalidField("object.status", "required: one of the monitored object states");
  }
  GOV_RETURN_IF_ERROR(ValidateSinceDate(object, today));
  return ValidateKindFields(object);
}

// A restaurant's monitoring device is fitted at one restaurant at a time: ALREADY_EXISTS naming
// the field when another restaurant not removed has it. `self` (an update's own id) is not a
// conflict, nor is a stored restaurant identical to `object` on registration (`retry`): that is
// the registration's own first result when its request is retried (the store returns it by
// request id). The check reads the registry before the write, so two registrations of one
// device racing each other may both pass: best effort, not a store constraint; neither does it
// catch the very same restaurant registered twice under two request ids.
absl::Status CheckDeviceUnique(const DisorderContext& ctx, const dv1::MonitoredObject& object,
                               const std::string& self, bool retry) {
  if (object.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT ||
      object.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) {
    return absl::OkStatus();
  }
  store::EntityFilter filter;
  filter.track = ObjectLayout().track;
  filter.kind = ObjectLayout().kind;
  filter.key_prefix = registry::KindPrefix(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       store::ListAllEntities(*ctx.repo, std::move(filter)));
  const std::string payload = registry::Payload(Submitted(object));
  for (const store::EntityRecord& row : rows) {
    if (row.id == self || (retry && row.payload == payload)) continue;
    GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject other, DecodeObject(row));
    if (other.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) continue;
    if (other.fume_monitor().device_id() == object.fume_monitor().device_id()) {
      return FieldError(absl::StatusCode::kAlreadyExists, "object.fume_monitor.device_id",
                        absl::StrCat("device \"", object.fume_monitor().device_id(),
                                     "\" is fitted at restaurant ", row.id, " already"));
    }
  }
  return absl::OkStatus();
}

// ---- Lists ----

absl::Status ValidateListRequest(const dv1::ListMonitoredObjectsRequest& in,
                                 const regions::RegionRegistry& regions) {
  if (!dv1::MonitoredObjectKind_IsValid(in.kind())) {
    return InvalidField("kind", "not a monitored object kind");
  }
  if (!dv1::MonitoredObjectStatus_IsValid(in.status())) {
    return InvalidField("status", "not a monitored object state");
  }
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "monitored objects are listed by street or community");
  }
  return regions.Validate(in.region(), "region", /*require_street=*/false);
}

// ---- Indicators ----

// Objects of `kind` in the programme on the period's last day within the context's region:
// ACTIVE with a since_date on or before that day.
absl::StatusOr<std::vector<dv1::MonitoredObject>> ActiveBy(const EvalContext& ctx,
                                                           dv1::MonitoredObjectKind kind) {
  return registry::InForceBy<dv1::MonitoredObject>(
      ctx, ObjectLayout(), ObjectKey(kind, dv1::MONITORED_OBJECT_STATUS_ACTIVE),
      [](const dv1::MonitoredObject& o) -> const std::string& { return o.since_date(); });
}

Measure CountActive(dv1::MonitoredObjectKind kind) {
  return [kind](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<dv1::MonitoredObject> objects, ActiveBy(ctx, kind));
    return Value{static_cast<int64_t>(objects.size()), true};
  };
}

bool MeetsSixSystems(const dv1::WageSystems& w) {
  return w.real_name_management() && w.wage_special_account() && w.contractor_pays_wages() &&
         w.wage_deposit() && w.rights_information_board() && w.wage_payment_ledger();
}

// 根治欠薪六项制度落实率: active construction sites with all six systems, over the active sites
// (no data without any).
Measure SixSystemsRate() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<dv1::MonitoredObject> sites,
                         ActiveBy(ctx, dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE));
    int64_t meeting = 0;
    for (const dv1::MonitoredObject& site : sites) {
      meeting += MeetsSixSystems(site.wage_systems()) ? 1 : 0;
    }
    return indicators::Share(meeting, static_cast<int64_t>(sites.size()));
  };
}

}  // namespace

const registry::Layout& ObjectLayout() {
  static const registry::Layout* layout =
      new registry::Layout{"disorder", "object", "M", "monitored object"};
  return *layout;
}

// The counts' targets are the plan's district figures, the district's alone: a street or a
// community shows its own count, ungraded. The rate is graded the same everywhere.
std::vector<indicators::IndicatorSpec> ObjectIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  specs.push_back(indicators::DistrictCount(
      "fume_restaurants", "油烟在线监测餐饮单位数", "Restaurants with online fume monitoring", 150,
      CountActive(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT)));
  specs.push_back(indicators::DistrictCount(
      "construction_sites", "在建工地监管数", "Construction sites under supervision", 174,
      CountActive(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE)));
  specs.push_back(
      indicators::DistrictCount("demonstration_streets", "市容环境众包示范街数",
                                "Street-appearance crowdsourcing demonstration streets", 10,
                                CountActive(dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET)));
  specs.push_back(indicators::DistrictCount("parking_blocks", "非机动车停放重点区块数",
                                            "Key blocks for non-motor-vehicle parking", 10,
                                            CountActive(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK)));
  specs.push_back(indicators::DistrictCount(
      "noise_communities", "噪声治理重点社区数", "Key communities for noise control", 10,
      CountActive(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY)));
  specs.push_back(indicators::DistrictCount(
      "muck_road_sections", "渣土运输重点路段数", "Key road sections for muck-truck transport", 7,
      CountActive(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION)));
  specs.push_back({.id = "construction_six_systems_rate",
                   .name_zh = "在建工地根治欠薪六项制度落实率",
                   .name_en = "Construction sites with all six wage-arrears systems",
                   .unit = INDICATOR_UNIT_BASIS_POINTS,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .target_kind = TARGET_KIND_RATE,
                   .target = kFullRate,
                   .measure = SixSystemsRate()});
  return specs;
}

absl::StatusOr<dv1::MonitoredObject> LoadObject(const DisorderContext& ctx, const std::string& id) {
  absl::StatusOr<store::EntityRecord> row =
      ctx.repo->GetEntity(ObjectLayout().track, ObjectLayout().kind, id);
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError(absl::StrCat("monitored object ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return DecodeObject(*row);
}

struct MonitoredObjects::Impl {
  explicit Impl(const DisorderContext& c) : ctx(c) {}
  const DisorderContext ctx;
};

MonitoredObjects::MonitoredObjects(const DisorderContext& ctx)
    : impl_(std::make_unique<Impl>(ctx)) {}
MonitoredObjects::~MonitoredObjects() = default;

absl::Status MonitoredObjects::Register(const auth::Principal& who,
                                        const dv1::RegisterMonitoredObjectRequest& in,
                                        dv1::RegisterMonitoredObjectResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const dv1::MonitoredObject object = Submitted(in.object());
  GOV_RETURN_IF_ERROR(ValidateObject(object, *ctx.regions, Today(ctx)));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, object.region().street_id()));
  GOV_RETURN_IF_ERROR(CheckDeviceUnique(ctx, object, /*self=*/"", /*retry=*/true));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registry::Create(*ctx.repo, ObjectLayout(), ObjectRow(object),
                                        ctx.clock->Now(), in.request_id()));
  AfterWrite(ctx);
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), DecodeObject(created));
  return absl::OkStatus();
}

absl::Status MonitoredObjects::Update(const auth::Principal& who,
                                      const dv1::UpdateMonitoredObjectRequest& in,
                                      dv1::UpdateMonitoredObjectResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  const dv1::MonitoredObject next = Submitted(in.object());
  GOV_RETURN_IF_ERROR(ValidateId(in.object().id(), "object.id"));
  const std::string& id = in.object().id();
  const std::string& etag = in.object().etag();
  if (etag.empty()) return InvalidField("object.etag", "required");

  // The store is the truth an etag is compared with. Kind and place are checked against it
  // before the rest, which is validated for the kind.
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row,
                       registry::LoadVisible(*ctx.repo, ObjectLayout(), who, id));
  GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject current, DecodeObject(row));
  if (next.kind() != current.kind()) {
    return InvalidField("object.kind",
                        absl::StrCat("cannot change (is ", EnumKey(current.kind()), ")"));
  }
  GOV_RETURN_IF_ERROR(
      registry::CheckRegionUnchanged(current.region(), next.region(), "object.region"));
  GOV_RETURN_IF_ERROR(ValidateObject(next, *ctx.regions, Today(ctx)));
  if (etag != current.etag()) {
    return absl::AbortedError(
        absl::StrCat("monitored object ", id, " has changed (etag ", etag, " is not current)"));
  }
  if (current.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED &&
      next.status() != dv1::MONITORED_OBJECT_STATUS_REMOVED) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "object.status",
                      absl::StrCat("monitored object ", id, " is REMOVED; it stays removed"));
  }
  GOV_RETURN_IF_ERROR(CheckDeviceUnique(ctx, next, id, /*retry=*/false));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord updated,
                       registry::Replace(*ctx.repo, ObjectLayout(), std::move(row), etag,
                                         ObjectKey(next.kind(), next.status()),
                                         registry::Payload(next), ctx.clock->Now()));
  AfterWrite(ctx);
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), DecodeObject(updated));
  return absl::OkStatus();
}

absl::Status MonitoredObjects::Get(const auth::Principal& who,
                                   const dv1::GetMonitoredObjectRequest& in,
                                   dv1::GetMonitoredObjectResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  if (ctx.fume_feed == nullptr) return absl::InternalError("no fume feed");
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       registry::LoadVisible(*ctx.repo, ObjectLayout(), who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), DecodeObject(row));
  // A fume-monitored restaurant with its feed state.
  return ctx.fume_feed->AddState(out->mutable_object());
}

absl::Status MonitoredObjects::List(const auth::Principal& who,
                                    const dv1::ListMonitoredObjectsRequest& in,
                                    dv1::ListMonitoredObjectsResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateListRequest(in, *ctx.regions));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  const std::string kind =
      in.kind() == dv1::MONITORED_OBJECT_KIND_UNSPECIFIED ? "" : EnumKey(in.kind());
  const std::string status =
      in.status() == dv1::MONITORED_OBJECT_STATUS_UNSPECIFIED ? "" : EnumKey(in.status());
  store::EntityFilter base;
  base.track = ObjectLayout().track;
  base.kind = ObjectLayout().kind;
  base.street_id = in.region().street_id();
  base.community_id = in.region().community_id();
  GOV_ASSIGN_OR_RETURN(
      registry::Page page,
      registry::ListPage(
          *ctx.repo, who, registry::KindStatusFilters(base, KindKeys(), kind, status),
          {"objects", kind, status, in.region().street_id(), in.region().community_id()}, size,
          in.page_token()));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_objects(), DecodeObject(row));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

// ---- Demo data ----

namespace {

constexpr int kDemoWorkers = 4;
// The plan's objects, and how far short of the targets the demo registry stays: 146 restaurants
// (140 active), 170 construction sites (164 active, a few missing a system), 10 demonstration
// streets, 10 parking blocks (9 active), 10 noise communities, 7 muck road sections (6 active).
constexpr int kDemoRestaurants = 146;
constexpr int kDemoSites = 170;
constexpr int kDemoBlocks = 10;
constexpr int kDemoNoiseCommunities = 10;
constexpr int kDemoDemoStreets = 10;
constexpr int kDemoRoadSections = 7;

struct DemoItem {
  std::string request_id;
  dv1::MonitoredObject object;
};

// A grid of the district with its street's and community's positions (for coordinates laid out
// as the complaints' demo lays them: streets apart, communities and grids in blocks).
struct DemoGrid {
  const governance::config::v1::Street* street;
  int street_index;
  const governance::config::v1::Community* community;
  int community_index;
  std::string grid_id;  // "" for a community without grids
  int grid_index;
};

std::vector<DemoGrid> DemoGrids(const regions::RegionRegistry& regions) {
  std::vector<DemoGrid> out;
  const auto& streets = regions.streets();
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    for (int c = 0; c < streets[s]->communities_size(); ++c) {
      const auto& community = streets[s]->communities(c);
      if (community.grids_size() == 0) {
        out.push_back({streets[s], s, &community, c, "", 0});
        continue;
      }
      for (int g = 0; g < community.grids_size(); ++g) {
        out.push_back({streets[s], s, &community, c, community.grids(g), g});
      }
    }
  }
  return out;
}

// -0.5..0.5, the same on every run.
double Jitter(uint64_t seed) {
  return static_cast<double>(Mix(seed) >> 11) / static_cast<double>(uint64_t{1} << 53) - 0.5;
}

governance::v1::GeoPoint DemoPoint(const DemoGrid& g, uint64_t seed) {
  governance::v1::GeoPoint p;
  p.set_latitude(30.20 + 0.03 * (g.street_index / 4) + 0.004 * (g.community_index / 4) +
                 0.0009 * (g.grid_index + 1) + 0.00012 * Jitter(seed));
  p.set_longitude(120.10 + 0.04 * (g.street_index % 4) + 0.005 * (g.community_index % 4) +
                  0.00014 * Jitter(seed + 1));
  return p;
}

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

// Item `i` of a kind: active from a day spread over the last two years (so that earlier
// periods show fewer), or in the given state without a day.
class DemoBuilder {
 public:
  explicit DemoBuilder(absl::CivilDay today) : today_(today) {}

  dv1::MonitoredObject& Add(dv1::MonitoredObjectKind kind, int i, std::string name,
                            const governance::v1::RegionRef& region,
                            dv1::MonitoredObjectStatus status) {
    DemoItem item;
    item.request_id = absl::StrFormat("demo-object-%s-%04d", EnumKey(kind), i);
    item.object.set_kind(kind);
    item.object.set_name(std::move(name));
    *item.object.mutable_region() = region;
    item.object.set_status(status);
    if (status == dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
      item.object.set_since_date(
          DayText(today_ - (20 + (static_cast<int64_t>(i) * 41 + kind * 13) % 690)));
    }
    items_.push_back(std::move(item));
    return items_.back().object;
  }

  std::vector<DemoItem>& items() { return items_; }

 private:
  absl::CivilDay today_;
  std::vector<DemoItem> items_;
};

dv1::MonitoredObjectStatus ActiveUnless(bool short_of_plan, dv1::MonitoredObjectStatus otherwise) {
  return short_of_plan ? otherwise : dv1::MONITORED_OBJECT_STATUS_ACTIVE;
}

governance::v1::RegionRef RegionOf(const DemoGrid& g, bool with_community, bool with_grid) {
  governance::v1::RegionRef r;
  r.set_street_id(g.street->id());
  if (with_community) r.set_community_id(g.community->id());
  if (with_community && with_grid) r.set_grid_id(g.grid_id);
  return r;
}

constexpr const char* kCuisines[] = {"面馆", "川菜馆", "烧烤店", "火锅店", "小吃店",
                                     "酒家", "快餐店", "湘菜馆", "大排档", "家常菜馆"};

// Restaurants spread over the grids (a stride through them), 4 suspended for refitting and 2
// removed; every 25th with a stricter limit of its own.
void AddRestaurants(const std::vector<DemoGrid>& grids, DemoBuilder& b) {
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoRestaurants; ++i) {
    const DemoGrid& g = grids[(static_cast<int64_t>(i) * 37) % n];
    dv1::MonitoredObjectStatus status = dv1::MONITORED_OBJECT_STATUS_ACTIVE;
    if (i % 37 == 11) status = dv1::MONITORED_OBJECT_STATUS_SUSPENDED;
    if (i == 60 || i == 120) status = dv1::MONITORED_OBJECT_STATUS_REMOVED;
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT, i,
              absl::StrCat(g.community->name(), kCuisines[i % 10], i / 10 + 1, "号店"),
              RegionOf(g, true, !g.grid_id.empty()), status);
    *o.mutable_location() = DemoPoint(g, 1000 + i);
    o.set_address(absl::StrCat(g.community->name(), "美食街", 1 + (i * 7) % 180, "号"));
    o.mutable_fume_monitor()->set_device_id(absl::StrFormat("YY-%s-%04d", g.street->id(), i + 1));
    if (i % 25 == 7) o.mutable_fume_monitor()->set_limit_mg_m3(1.5);
  }
}

// Construction sites over the communities, 6 halted; of the active ones a few miss a system
// (the wage deposit every 17th, the rights board every 29th).
void AddSites(const std::vector<DemoGrid>& grids, DemoBuilder& b) {
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoSites; ++i) {
    const DemoGrid& g = grids[(static_cast<int64_t>(i) * 59 + 5) % n];
    dv1::MonitoredObject& o = b.Add(
        dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE, i,
        absl::StrCat(g.street->name(), i % 2 == 0 ? "安置房项目" : "综合体项目", i / 2 + 1, "标段"),
        RegionOf(g, true, false),
        ActiveUnless(i % 29 == 13, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    o.set_address(absl::StrCat(g.community->name(), "建设路", 1 + (i * 11) % 300, "号"));
    dv1::WageSystems* w = o.mutable_wage_systems();
    w->set_real_name_management(true);
    w->set_wage_special_account(true);
    w->set_contractor_pays_wages(true);
    w->set_wage_deposit(i % 17 != 3);
    w->set_rights_information_board(i % 29 != 20);
    w->set_wage_payment_ledger(true);
  }
}

void AddAreas(const std::vector<DemoGrid>& grids, const regions::RegionRegistry& regions,
              DemoBuilder& b) {
  const auto& streets = regions.streets();
  const int n = static_cast<int>(grids.size());
  for (int i = 0; i < kDemoDemoStreets && i < static_cast<int>(streets.size()); ++i) {
    governance::v1::RegionRef r;
    r.set_street_id(streets[i]->id());
    dv1::MonitoredObject& o = b.Add(dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET, i,
                                    absl::StrCat(streets[i]->name(), "市容环境众包示范街"), r,
                                    dv1::MONITORED_OBJECT_STATUS_ACTIVE);
    o.set_address(absl::StrCat(streets[i]->name(), "中心大街"));
  }
  for (int i = 0; i < kDemoBlocks; ++i) {
    const DemoGrid& g = grids[(static_cast<int64_t>(i) * 41 + 3) % n];
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK, i,
              absl::StrCat(g.community->name(), "地铁口非机动车停放区块"), RegionOf(g, true, false),
              ActiveUnless(i == kDemoBlocks - 1, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    *o.mutable_location() = DemoPoint(g, 2000 + i);
  }
  for (int i = 0; i < kDemoNoiseCommunities; ++i) {
    const DemoGrid& g = grids[(static_cast<int64_t>(i) * 43 + 17) % n];
    b.Add(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY, i,
          absl::StrCat(g.community->name(), "噪声治理重点社区"), RegionOf(g, true, false),
          dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  }
  for (int i = 0; i < kDemoRoadSections; ++i) {
    const auto* street = streets[(i * 3) % streets.size()];
    governance::v1::RegionRef r;
    r.set_street_id(street->id());
    dv1::MonitoredObject& o =
        b.Add(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION, i,
              absl::StrCat(street->name(), "渣土运输重点路段", i + 1), r,
              ActiveUnless(i == kDemoRoadSections - 1, dv1::MONITORED_OBJECT_STATUS_SUSPENDED));
    o.set_address(absl::StrCat(street->name(), "环城路段"));
  }
}

}  // namespace

absl::Status LoadObjectDemoData(const DisorderContext& ctx) {
  const std::vector<DemoGrid> grids = DemoGrids(*ctx.regions);
  if (grids.empty()) return absl::OkStatus();
  const absl::CivilDay today = Today(ctx);
  DemoBuilder builder(today);
  AddRestaurants(grids, builder);
  AddSites(grids, builder);
  AddAreas(grids, *ctx.regions, builder);
  const std::vector<DemoItem>& items = builder.items();

  // The demo's device ids are distinct by construction; the registration's device check is not
  // needed here.
  std::vector<registry::DemoRow> rows;
  for (const DemoItem& item : items) {
    GOV_RETURN_IF_ERROR(ValidateObject(item.object, *ctx.regions, today));
    rows.push_back({item.request_id, ObjectRow(item.object)});
  }
  absl::Status status =
      registry::LoadDemoRows(*ctx.repo, ObjectLayout(), rows, ctx.clock->Now(), kDemoWorkers);
  AfterWrite(ctx);
  return status;
}

}  // namespace gov::disorder
