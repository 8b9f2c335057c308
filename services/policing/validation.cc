#include "services/policing/validation.h"

#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/bulletin_periods.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;

// ---- Assets ----

bool NeedsCommunity(pv1::AssetKind kind) {
  return kind == pv1::ASSET_KIND_VOLUNTEER_TEAM || kind == pv1::ASSET_KIND_SMART_COMPOUND;
}

// A grid's staff stands in its grid; the other kinds may name one (a camera point's grid) or not.
bool NeedsGrid(pv1::AssetKind kind) { return kind == pv1::ASSET_KIND_GRID_STAFF; }

bool HasMembers(pv1::AssetKind kind) {
  return kind == pv1::ASSET_KIND_STEWARD_SQUAD || kind == pv1::ASSET_KIND_VOLUNTEER_TEAM;
}

absl::Status ValidateRegion(const pv1::Asset& asset, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(asset.region(), "asset.region"));
  if (NeedsCommunity(asset.kind()) && asset.region().community_id().empty()) {
    return InvalidField("asset.region.community_id",
                        absl::StrCat("required for a ", EnumKey(asset.kind())));
  }
  if (NeedsGrid(asset.kind()) && asset.region().grid_id().empty()) {
    return InvalidField("asset.region.grid_id",
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
  GOV_RETURN_IF_ERROR(ValidateDay(text, kField));
  // Not after today, with no allowance: the status says the asset is (or was) in service, and
  // the indicators count it in service from this day on, so a day to come would count it early.
  const std::optional<absl::CivilDay> day = cal::ParseDay(text);  // set: a day by ValidateDay
  if (day.has_value() && *day > today) {
    return InvalidField(kField, "after today (district time)");
  }
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
  if (asset.has_grid_staffing() && asset.kind() != pv1::ASSET_KIND_GRID_STAFF) {
    return InvalidField("asset.grid_staffing", "only for grids' staff");
  }
  return absl::OkStatus();
}

}  // namespace

// ---- Incidents ----

absl::Status ValidateIncidentNumber(const std::string& number, const std::string& field) {
  if (number.empty()) return InvalidField(field, "required");
  if (number.size() > kMaxIncidentNumber) {
    return InvalidField(field, absl::StrCat("at most ", kMaxIncidentNumber, " characters"));
  }
  for (char c : number) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return InvalidField(field, "only letters, digits, '-' and '_'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateIncident(const pv1::Incident& incident, const std::string& field,
                              absl::Time now, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(
      ValidateIncidentNumber(incident.incident_number(), absl::StrCat(field, ".incident_number")));
  if (incident.type() == pv1::INCIDENT_TYPE_UNSPECIFIED) {
    return InvalidField(absl::StrCat(field, ".type"), "required");
  }
  if (!pv1::IncidentType_IsValid(incident.type())) {
    return InvalidField(absl::StrCat(field, ".type"), "not an incident type");
  }
  // The shared rule for when something happened: the platform's clock may run up to
  // kMaxClockSkew ahead, as the engine allows for the occurrence (cases::kMaxOccurrenceSkew).
  GOV_RETURN_IF_ERROR(
      ValidatePastTime(incident.occur_time(), absl::StrCat(field, ".occur_time"), now));
  GOV_RETURN_IF_ERROR(regions.Validate(incident.region(), absl::StrCat(field, ".region")));
  GOV_RETURN_IF_ERROR(
      ValidateText(incident.summary(), absl::StrCat(field, ".summary"), kMaxSummary));
  return ValidateText(incident.address(), absl::StrCat(field, ".address"), kMaxAddress);
}

absl::Status ValidateStatisticsRequest(const pv1::GetIncidentStatisticsRequest& in) {
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "period"));
  if (in.grouping() == pv1::STATISTICS_GROUPING_UNSPECIFIED) {
    return InvalidField("grouping", "required");
  }
  if (!pv1::StatisticsGrouping_IsValid(in.grouping())) {
    return InvalidField("grouping", "not a statistics grouping");
  }
  GOV_RETURN_IF_ERROR(
      EnumFilterKeys<pv1::IncidentClass>(in.classes(), "classes", "an incident class").status());
  return absl::OkStatus();
}

// ---- Bulletins ----

absl::Status ValidateBulletinPeriod(const gv1::Period& p, const std::string& field) {
  if (p.year() == 0 && p.part_case() == gv1::Period::PART_NOT_SET) {
    return InvalidField(field, "required: a week, month or quarter");
  }
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(p, field));
  if (!BulletinKindOf(p).has_value()) {
    return InvalidField(field, "a week, month or quarter (bulletins are not published for years)");
  }
  return absl::OkStatus();
}

// ---- Key areas ----

absl::Status ValidateKeyArea(const gv1::RegionRef& region, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(region, "region", /*require_street=*/true));
  if (region.community_id().empty()) {
    return InvalidField("region.community_id", "required: a community, or a grid within it");
  }
  return absl::OkStatus();
}

absl::Status ValidatePlan(const pv1::RemediationPlan& plan, const std::string& field) {
  GOV_RETURN_IF_ERROR(ValidateText(plan.summary(), field + ".summary", kMaxPlanSummary, true));
  GOV_RETURN_IF_ERROR(ValidateText(plan.owner_unit(), field + ".owner_unit", kMaxOwnerUnit, true));
  GOV_RETURN_IF_ERROR(ValidateText(plan.owner_name(), field + ".owner_name", kMaxOwnerName, true));
  // A target: any real day, future ones included.
  return ValidateDay(plan.target_date(), field + ".target_date", /*required=*/false);
}

// ---- Assets ----

absl::Status ValidateAsset(const pv1::Asset& asset, const regions::RegionRegistry& regions,
                           absl::CivilDay today) {
  if (asset.kind() == pv1::ASSET_KIND_UNSPECIFIED) return InvalidField("asset.kind", "required");
  if (!pv1::AssetKind_IsValid(asset.kind())) {
    return InvalidField("asset.kind", "not an asset kind");
  }
  GOV_RETURN_IF_ERROR(ValidateText(asset.name(), "asset.name", kMaxAssetName, /*required=*/true));
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

absl::Status ValidateAssetList(const pv1::ListAssetsRequest& in,
                               const regions::RegionRegistry& regions) {
  if (!pv1::AssetKind_IsValid(in.kind())) return InvalidField("kind", "not an asset kind");
  if (!pv1::AssetStatus_IsValid(in.status())) return InvalidField("status", "not an asset status");
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "assets are listed by street or community");
  }
  return regions.Validate(in.region(), "region", /*require_street=*/false);
}

}  // namespace gov::policing
