#include "services/policing/assets.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/track.h"
#include "services/policing/validation.h"

// How the registry lies in the store's generic entity rows (track "policing"):
//
// clang-format off
// | kind    | id       | street_id / community_id             | parent_id | key               |
// |---------|----------|--------------------------------------|-----------|-------------------|
// | "asset" | A-...    | the asset's street and community ("" | ""        | "<KIND>/<STATUS>" |
// |         |          | when the asset is street-level)      |           |                   |
// clang-format on
//
// The key is the kind's and the status's enum keys, e.g. "CAMERA_POINT/IN_SERVICE": the key
// prefix "CAMERA_POINT/" lists a kind, the exact key a kind in a state, and a state across kinds
// is one exact key per kind. The payload is the Asset without id, etag and times, which the row
// holds (etag "v<version>").
namespace gov::policing {
namespace {

using governance::v1::DIRECTION_HIGHER_IS_BETTER;
using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
using governance::v1::INDICATOR_UNIT_COUNT;
using governance::v1::TARGET_KIND_ABSOLUTE;
using governance::v1::TARGET_KIND_RATE;
using indicators::EvalContext;
using indicators::Measure;
using indicators::Value;

constexpr char kAssetEntity[] = "asset";
constexpr char kIdPrefix[] = "A";
constexpr size_t kMaxName = 100;
constexpr int32_t kMaxMembers = 10000;
constexpr int64_t kFullRate = 10000;  // 100% in basis points

constexpr pv1::AssetKind kKinds[] = {
    pv1::ASSET_KIND_STEWARD_SQUAD,      pv1::ASSET_KIND_VOLUNTEER_TEAM,
    pv1::ASSET_KIND_NON_POLICE_STATION, pv1::ASSET_KIND_SMART_COMPOUND,
    pv1::ASSET_KIND_CAMERA_POINT,       pv1::ASSET_KIND_GUARD_UNIT,
};

// ---- Storage ----

const registry::Layout& AssetLayout() {
  static const registry::Layout* layout =
      new registry::Layout{kTrack, kAssetEntity, kIdPrefix, "asset"};
  return *layout;
}

std::string AssetKey(pv1::AssetKind kind, pv1::AssetStatus status) {
  return registry::KindStatusKey(EnumKey(kind), EnumKey(status));
}

absl::StatusOr<pv1::Asset> DecodeAsset(const store::EntityRecord& record) {
  return registry::Decode<pv1::Asset>(record, "asset");
}

// Cached indicators are computed from the registry.
void AfterWrite(const PolicingContext& ctx) {
  if (ctx.cache != nullptr) ctx.cache->BumpGeneration(cache::AggregateScope(kTrack));
}

// ---- Validation ----

bool NeedsCommunity(pv1::AssetKind kind) {
  return kind == pv1::ASSET_KIND_VOLUNTEER_TEAM || kind == pv1::ASSET_KIND_SMART_COMPOUND;
}

bool HasMembers(pv1::AssetKind kind) {
  return kind == pv1::ASSET_KIND_STEWARD_SQUAD || kind == pv1::ASSET_KIND_VOLUNTEER_TEAM;
}

absl::Status ValidateRegion(const pv1::Asset& asset, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(asset.region(), "asset.region"));
  if (NeedsCommunity(asset.kind()) && asset.region().community_id().empty()) {
    return InvalidField("asset.region.community_id",
                        absl::StrCat("required for a ", EnumKey(asset.kind())));
  }
  return absl::OkStatus();
}

// Required in service (from that day on), optional once retired, refused before.
absl::Status ValidateInServiceDate(const pv1::Asset& asset, absl::CivilDay today) {
  constexpr char kField[] = "asset.in_service_date";
  const std::string& text = asset.in_service_date();
  const bool dated =
      asset.status() == pv1::ASSET_STATUS_IN_SERVICE || asset.status() == pv1::ASSET_STATUS_RETIRED;
  if (!dated) {
    if (text.empty()) return absl::OkStatus();
    return InvalidField(kField, "only for assets in service or retired");
  }
  if (text.empty()) {
    if (asset.status() == pv1::ASSET_STATUS_RETIRED) return absl::OkStatus();
    return InvalidField(kField, "required for an asset in service");
  }
  const std::optional<absl::CivilDay> day = cal::ParseDay(text);
  if (!day.has_value()) return InvalidField(kField, "not a date YYYY-MM-DD");
  if (day->year() < kMinYear) {
    return InvalidField(kField, absl::StrCat("before ", kMinYear, "-01-01"));
  }
  if (*day > today) return InvalidField(kField, "after today (district time)");
  return absl::OkStatus();
}

absl::Status ValidateKindFields(const pv1::Asset& asset) {
  if (asset.members() < 0 || asset.members() > kMaxMembers) {
    return InvalidField("asset.members", absl::StrCat("must be 0..", kMaxMembers));
  }
  if (asset.members() > 0 && !HasMembers(asset.kind())) {
    return InvalidField("asset.members", "only squads and volunteer teams have members");
  }
  if (asset.kind() == pv1::ASSET_KIND_CAMERA_POINT) {
    if (asset.camera_work() == pv1::CAMERA_WORK_UNSPECIFIED) {
      return InvalidField("asset.camera_work", "required for a camera point");
    }
    if (!pv1::CameraWork_IsValid(asset.camera_work())) {
      return InvalidField("asset.camera_work", "not a camera work");
    }
  } else if (asset.camera_work() != pv1::CAMERA_WORK_UNSPECIFIED) {
    return InvalidField("asset.camera_work", "only for camera points");
  }
  if (asset.has_guard_standards() && asset.kind() != pv1::ASSET_KIND_GUARD_UNIT) {
    return InvalidField("asset.guard_standards", "only for guard units");
  }
  return absl::OkStatus();
}

// An asset as registered or replaced; output fields (id, etag, times) are not looked at.
absl::Status ValidateAsset(const pv1::Asset& asset, const regions::RegionRegistry& regions,
                           absl::CivilDay today) {
  if (asset.kind() == pv1::ASSET_KIND_UNSPECIFIED) return InvalidField("asset.kind", "required");
  if (!pv1::AssetKind_IsValid(asset.kind())) {
    return InvalidField("asset.kind", "not an asset kind");
  }
  GOV_RETURN_IF_ERROR(ValidateText(asset.name(), "asset.name", kMaxName, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateRegion(asset, regions));
  if (asset.status() == pv1::ASSET_STATUS_UNSPECIFIED) {
    return InvalidField("asset.status", "required");
  }
  if (!pv1::AssetStatus_IsValid(asset.status())) {
    return InvalidField("asset.status", "not an asset status");
  }
  GOV_RETURN_IF_ERROR(ValidateInServiceDate(asset, today));
  return ValidateKindFields(asset);
}

// ---- Access ----

// Who may write is declared on the methods (policing.proto); what a caller reaches is its
// streets' assets.
absl::StatusOr<store::EntityRecord> LoadVisible(const PolicingContext& ctx,
                                                const auth::Principal& who, const std::string& id) {
  return registry::LoadVisible(*ctx.repo, AssetLayout(), who, id);
}

absl::CivilDay Today(const PolicingContext& ctx) { return cal::LocalDay(ctx.clock->Now()); }

// An asset's row: its place, its kind and status as the key, and the payload.
store::EntityRecord AssetRow(const pv1::Asset& asset) {
  store::EntityRecord row;
  row.street_id = asset.region().street_id();
  row.community_id = asset.region().community_id();
  row.key = AssetKey(asset.kind(), asset.status());
  row.payload = registry::Payload(asset);
  return row;
}

// Stores a validated asset, idempotent by request_id (ALREADY_EXISTS when the id was used for
// other content). The caller bumps the aggregate generation.
absl::StatusOr<store::EntityRecord> CreateAsset(const PolicingContext& ctx, const pv1::Asset& asset,
                                                const std::string& request_id) {
  return registry::Create(*ctx.repo, AssetLayout(), AssetRow(asset), ctx.clock->Now(), request_id);
}

// Kind and place are what an asset is; the rest of it may be replaced.
absl::Status CheckUnchangeable(const pv1::Asset& current, const pv1::Asset& next) {
  if (next.kind() != current.kind()) {
    return InvalidField("asset.kind",
                        absl::StrCat("cannot change (is ", EnumKey(current.kind()), ")"));
  }
  return registry::CheckRegionUnchanged(current.region(), next.region(), "asset.region");
}

// ---- Lists ----

absl::Status ValidateListRequest(const pv1::ListAssetsRequest& in,
                                 const regions::RegionRegistry& regions) {
  if (!pv1::AssetKind_IsValid(in.kind())) return InvalidField("kind", "not an asset kind");
  if (!pv1::AssetStatus_IsValid(in.status())) return InvalidField("status", "not an asset status");
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "assets are listed by street or community");
  }
  return regions.Validate(in.region(), "region", /*require_street=*/false);
}

// The kinds' keys, for lists of a status across kinds.
std::vector<std::string> KindKeys() {
  std::vector<std::string> keys;
  for (pv1::AssetKind kind : kKinds) keys.push_back(EnumKey(kind));
  return keys;
}

// ---- Indicators ----

// Assets of `kind` in service on the period's last day within the context's region: status
// IN_SERVICE with an in-service date on or before that day. Retired assets never count, also
// not for periods they served in: the registry keeps an asset's present state, not its history.
absl::StatusOr<std::vector<pv1::Asset>> InServiceBy(const EvalContext& ctx, pv1::AssetKind kind) {
  return registry::InForceBy<pv1::Asset>(
      ctx, AssetLayout(), AssetKey(kind, pv1::ASSET_STATUS_IN_SERVICE),
      [](const pv1::Asset& asset) -> const std::string& { return asset.in_service_date(); });
}

Measure CountInService(pv1::AssetKind kind, std::function<bool(const pv1::Asset&)> keep = nullptr) {
  return [kind, keep = std::move(keep)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<pv1::Asset> assets, InServiceBy(ctx, kind));
    int64_t count = 0;
    for (const pv1::Asset& asset : assets) count += (!keep || keep(asset)) ? 1 : 0;
    return Value{count, true};
  };
}

std::function<bool(const pv1::Asset&)> CameraWorkIs(pv1::CameraWork work) {
  return [work](const pv1::Asset& asset) { return asset.camera_work() == work; };
}

// 志愿者队伍覆盖率: communities of the context with a volunteer team in service.
Measure VolunteerTeamCoverage() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<pv1::Asset> teams,
                         InServiceBy(ctx, pv1::ASSET_KIND_VOLUNTEER_TEAM));
    absl::flat_hash_set<std::string> covered;
    for (const pv1::Asset& team : teams) covered.insert(team.region().community_id());
    const std::vector<std::string> communities = indicators::CommunitiesOf(ctx);
    int64_t count = 0;
    for (const std::string& community : communities) count += covered.contains(community) ? 1 : 0;
    return indicators::Share(count, static_cast<int64_t>(communities.size()));
  };
}

bool MeetsFiveUnifications(const pv1::GuardStandards& g) {
  return g.uniform() && g.training() && g.equipment() && g.management() && g.assessment();
}

// 楼宇门卫"五统一"达标率: guard units in service meeting all five, over the guard units in
// service (no data without any).
Measure FiveUnificationsRate() {
  return [](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<pv1::Asset> units,
                         InServiceBy(ctx, pv1::ASSET_KIND_GUARD_UNIT));
    int64_t meeting = 0;
    for (const pv1::Asset& unit : units) {
      meeting += MeetsFiveUnifications(unit.guard_standards()) ? 1 : 0;
    }
    return indicators::Share(meeting, static_cast<int64_t>(units.size()));
  };
}

indicators::IndicatorSpec RateSpec(std::string id, std::string name_zh, std::string name_en,
                                   Measure measure) {
  return {.id = std::move(id),
          .name_zh = std::move(name_zh),
          .name_en = std::move(name_en),
          .unit = INDICATOR_UNIT_BASIS_POINTS,
          .direction = DIRECTION_HIGHER_IS_BETTER,
          .target_kind = TARGET_KIND_RATE,
          .target = kFullRate,
          .measure = std::move(measure)};
}

// ---- Demo data ----

constexpr int kDemoWorkers = 4;
// The plan's targets, and how far short of them the demo registry stays.
constexpr int kDemoNewCameras = 567;
constexpr int kDemoNewCamerasInService = 530;
constexpr int kDemoUpgradedCameras = 300;
constexpr int kDemoCompounds = 120;
constexpr int kDemoStations = 10;
constexpr int kDemoGuardUnits = 80;

struct DemoPlace {
  const governance::config::v1::Street* street;
  const governance::config::v1::Community* community;
};

struct DemoItem {
  std::string request_id;
  pv1::Asset asset;
};

std::vector<DemoPlace> DemoCommunities(const regions::RegionRegistry& regions) {
  std::vector<DemoPlace> out;
  for (const governance::config::v1::Street* street : regions.streets()) {
    for (const governance::config::v1::Community* community : regions.CommunitiesOf(street->id())) {
      out.push_back({street, community});
    }
  }
  return out;
}

// Item `i` of a kind: in service from a day spread over the last two years (so that past
// periods show less), or in the given earlier state.
class DemoBuilder {
 public:
  explicit DemoBuilder(absl::CivilDay today) : today_(today) {}

  void Add(pv1::AssetKind kind, int i, const DemoPlace& place, bool street_level, std::string name,
           pv1::AssetStatus status, pv1::Asset extra = {}) {
    DemoItem item;
    item.request_id = absl::StrFormat("demo-asset-%s-%04d", EnumKey(kind), i);
    item.asset = std::move(extra);
    item.asset.set_kind(kind);
    item.asset.set_name(std::move(name));
    item.asset.mutable_region()->set_street_id(place.street->id());
    if (!street_level) item.asset.mutable_region()->set_community_id(place.community->id());
    item.asset.set_status(status);
    if (status == pv1::ASSET_STATUS_IN_SERVICE) {
      const absl::CivilDay day = today_ - (15 + (static_cast<int64_t>(i) * 37 + kind * 11) % 700);
      item.asset.set_in_service_date(
          absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day()));
    }
    items_.push_back(std::move(item));
  }

  std::vector<DemoItem>& items() { return items_; }

 private:
  absl::CivilDay today_;
  std::vector<DemoItem> items_;
};

pv1::AssetStatus InServiceUnless(bool short_of_plan, pv1::AssetStatus otherwise) {
  return short_of_plan ? otherwise : pv1::ASSET_STATUS_IN_SERVICE;
}

// 95 squads, one per community, 88 in service and 7 being formed; a volunteer team in 90 of
// the 95 communities (the other 5 planned).
void AddDemoForces(const std::vector<DemoPlace>& places, DemoBuilder& b) {
  for (int c = 0; c < static_cast<int>(places.size()); ++c) {
    pv1::Asset squad;
    squad.set_members(8 + c % 7);
    b.Add(pv1::ASSET_KIND_STEWARD_SQUAD, c, places[c], false,
          absl::StrCat(places[c].community->name(), "平安运河管家队"),
          InServiceUnless(c % 13 == 6, pv1::ASSET_STATUS_BUILDING), squad);
    pv1::Asset team;
    team.set_members(20 + (c * 13) % 40);
    b.Add(pv1::ASSET_KIND_VOLUNTEER_TEAM, c, places[c], false,
          absl::StrCat(places[c].community->name(), "平安志愿者队伍"),
          InServiceUnless(c % 19 == 7, pv1::ASSET_STATUS_PLANNED), team);
  }
}

// 10 stations (one per street, the last planned), 120 compounds (112 in service), 567 new
// camera points (530 in service) and 300 upgraded ones, 80 guard units of which 16 miss a
// standard.
void AddDemoFacilities(const std::vector<DemoPlace>& places, const regions::RegionRegistry& regions,
                       DemoBuilder& b) {
  const int n = static_cast<int>(places.size());
  for (int s = 0; s < kDemoStations && s < regions.street_count(); ++s) {
    const DemoPlace place{regions.streets()[s], nullptr};
    b.Add(pv1::ASSET_KIND_NON_POLICE_STATION, s, place, true,
          absl::StrCat(place.street->name(), "非警务警情处置站"),
          InServiceUnless(s == kDemoStations - 1, pv1::ASSET_STATUS_PLANNED));
  }
  for (int j = 0; j < kDemoCompounds; ++j) {
    b.Add(pv1::ASSET_KIND_SMART_COMPOUND, j, places[j % n], false,
          absl::StrCat(places[j % n].community->name(), j < n ? "智安小区" : "智安小区二区"),
          InServiceUnless(j % 15 == 14, pv1::ASSET_STATUS_BUILDING));
  }
  for (int p = 0; p < kDemoNewCameras + kDemoUpgradedCameras; ++p) {
    const bool is_new = p < kDemoNewCameras;
    const DemoPlace& place = places[p % n];
    pv1::Asset point;
    point.set_camera_work(is_new ? pv1::CAMERA_WORK_NEW : pv1::CAMERA_WORK_UPGRADED);
    if (place.community->grids_size() > 0) {
      point.mutable_region()->set_grid_id(
          place.community->grids(p % place.community->grids_size()));
    }
    b.Add(pv1::ASSET_KIND_CAMERA_POINT, p, place, false,
          absl::StrFormat("%s智能监控点位%03d", place.community->name(), p / n + 1),
          InServiceUnless(is_new && p >= kDemoNewCamerasInService, pv1::ASSET_STATUS_BUILDING),
          point);
  }
  for (int g = 0; g < kDemoGuardUnits; ++g) {
    pv1::Asset unit;
    pv1::GuardStandards* s = unit.mutable_guard_standards();
    s->set_uniform(true);
    s->set_training(g % 8 != 3);
    s->set_equipment(true);
    s->set_management(true);
    s->set_assessment(g % 10 != 7);
    b.Add(pv1::ASSET_KIND_GUARD_UNIT, g, places[g % n], false,
          absl::StrCat(places[g % n].community->name(), "楼宇门卫"), pv1::ASSET_STATUS_IN_SERVICE,
          unit);
  }
}

}  // namespace

// The targets are the plan's, for the district. The counts' targets are the district's alone:
// a street, several streets or a community show their own count, ungraded. The rates are
// graded the same everywhere.
std::vector<indicators::IndicatorSpec> AssetIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  specs.push_back(indicators::DistrictCount("steward_squads", "平安运河管家队伍数",
                                            "Canal safety steward squads", 95,
                                            CountInService(pv1::ASSET_KIND_STEWARD_SQUAD)));
  specs.push_back(RateSpec("volunteer_team_coverage", "社区志愿者队伍覆盖率",
                           "Communities with a volunteer team", VolunteerTeamCoverage()));
  specs.push_back(indicators::DistrictCount("non_police_stations", "非警务警情处置站数",
                                            "Non-police incident handling stations", 10,
                                            CountInService(pv1::ASSET_KIND_NON_POLICE_STATION)));
  specs.push_back(indicators::DistrictCount("smart_compounds", "智安小区数",
                                            "Smart-security compounds", 120,
                                            CountInService(pv1::ASSET_KIND_SMART_COMPOUND)));
  specs.push_back(indicators::DistrictCount(
      "new_camera_points", "新建智能监控点位数", "New smart camera points", 567,
      CountInService(pv1::ASSET_KIND_CAMERA_POINT, CameraWorkIs(pv1::CAMERA_WORK_NEW))));
  specs.push_back(indicators::DistrictCount(
      "upgraded_camera_points", "改造智能监控点位数", "Upgraded smart camera points", 300,
      CountInService(pv1::ASSET_KIND_CAMERA_POINT, CameraWorkIs(pv1::CAMERA_WORK_UPGRADED))));
  specs.push_back(RateSpec("guard_five_unifications_rate", "楼宇门卫\"五统一\"达标率",
                           "Building guard units meeting the five unifications",
                           FiveUnificationsRate()));
  return specs;
}

struct Assets::Impl {
  explicit Impl(const PolicingContext& c) : ctx(c) {}
  const PolicingContext ctx;
};

Assets::Assets(const PolicingContext& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
Assets::~Assets() = default;

absl::Status Assets::Register(const auth::Principal& who, const pv1::RegisterAssetRequest& in,
                              pv1::RegisterAssetResponse* out) {
  const PolicingContext& ctx = impl_->ctx;
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateAsset(in.asset(), *ctx.regions, Today(ctx)));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.asset().region().street_id()));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       CreateAsset(ctx, in.asset(), in.request_id()));
  AfterWrite(ctx);
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), DecodeAsset(created));
  return absl::OkStatus();
}

absl::Status Assets::Update(const auth::Principal& who, const pv1::UpdateAssetRequest& in,
                            pv1::UpdateAssetResponse* out) {
  const PolicingContext& ctx = impl_->ctx;
  const pv1::Asset& next = in.asset();
  GOV_RETURN_IF_ERROR(ValidateId(next.id(), "asset.id"));
  if (next.etag().empty()) return InvalidField("asset.etag", "required");

  // The store, not a cache, is the truth an etag is compared with. Kind and place are checked
  // against it before the rest, which is validated for the kind.
  GOV_ASSIGN_OR_RETURN(store::EntityRecord record, LoadVisible(ctx, who, next.id()));
  GOV_ASSIGN_OR_RETURN(const pv1::Asset current, DecodeAsset(record));
  GOV_RETURN_IF_ERROR(CheckUnchangeable(current, next));
  GOV_RETURN_IF_ERROR(ValidateAsset(next, *ctx.regions, Today(ctx)));
  if (next.etag() != current.etag()) {
    return absl::AbortedError(
        absl::StrCat("asset ", next.id(), " has changed (etag ", next.etag(), " is not current)"));
  }
  if (current.status() == pv1::ASSET_STATUS_RETIRED && next.status() != pv1::ASSET_STATUS_RETIRED) {
    return absl::FailedPreconditionError(
        absl::StrCat("asset ", next.id(), " is retired; a retired asset stays retired"));
  }
  // ABORTED when another update committed since the read.
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord updated,
                       registry::Replace(*ctx.repo, AssetLayout(), std::move(record), next.etag(),
                                         AssetKey(next.kind(), next.status()),
                                         registry::Payload(next), ctx.clock->Now()));
  AfterWrite(ctx);
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), DecodeAsset(updated));
  return absl::OkStatus();
}

absl::Status Assets::Get(const auth::Principal& who, const pv1::GetAssetRequest& in,
                         pv1::GetAssetResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord record, LoadVisible(impl_->ctx, who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), DecodeAsset(record));
  return absl::OkStatus();
}

absl::Status Assets::List(const auth::Principal& who, const pv1::ListAssetsRequest& in,
                          pv1::ListAssetsResponse* out) {
  const PolicingContext& ctx = impl_->ctx;
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateListRequest(in, *ctx.regions));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter base;
  base.track = kTrack;
  base.kind = kAssetEntity;
  base.street_id = in.region().street_id();
  base.community_id = in.region().community_id();
  GOV_ASSIGN_OR_RETURN(registry::Page page,
                       registry::ListPage(*ctx.repo, who,
                                          registry::KindStatusFilters(
                                              base, KindKeys(), in.kind() ? EnumKey(in.kind()) : "",
                                              in.status() ? EnumKey(in.status()) : ""),
                                          {"assets", EnumKey(in.kind()), EnumKey(in.status()),
                                           in.region().street_id(), in.region().community_id()},
                                          size, in.page_token()));
  out->set_next_page_token(page.next_page_token);
  for (const store::EntityRecord& record : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_assets(), DecodeAsset(record));
  }
  return absl::OkStatus();
}

absl::Status LoadAssetDemoData(const PolicingContext& ctx) {
  const std::vector<DemoPlace> places = DemoCommunities(*ctx.regions);
  if (places.empty()) return absl::OkStatus();
  const absl::CivilDay today = Today(ctx);
  DemoBuilder builder(today);
  AddDemoForces(places, builder);
  AddDemoFacilities(places, *ctx.regions, builder);
  const std::vector<DemoItem>& items = builder.items();

  std::vector<registry::DemoRow> rows;
  for (const DemoItem& item : items) {
    GOV_RETURN_IF_ERROR(ValidateAsset(item.asset, *ctx.regions, today));
    rows.push_back({item.request_id, AssetRow(item.asset)});
  }
  absl::Status status =
      registry::LoadDemoRows(*ctx.repo, AssetLayout(), rows, ctx.clock->Now(), kDemoWorkers);
  AfterWrite(ctx);
  return status;
}

}  // namespace gov::policing
