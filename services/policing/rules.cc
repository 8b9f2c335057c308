#include "services/policing/rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grading/colour_grading.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/taxonomy.h"

namespace gov::policing {
namespace {

using governance::v1::Colour;
namespace pv1 = ::governance::policing::v1;

constexpr cv1::BulletinPeriodKind kKinds[] = {cv1::BULLETIN_PERIOD_KIND_WEEK,
                                              cv1::BULLETIN_PERIOD_KIND_MONTH,
                                              cv1::BULLETIN_PERIOD_KIND_QUARTER};
constexpr cv1::BulletinLevel kLevels[] = {cv1::BULLETIN_LEVEL_STREET,
                                          cv1::BULLETIN_LEVEL_COMMUNITY};

int Slot(cv1::BulletinPeriodKind kind, cv1::BulletinLevel level) {
  return (static_cast<int>(kind) - 1) * 2 + (static_cast<int>(level) - 1);
}

absl::Status Check(const cv1::PolicingRules& data) {
  if (data.version().empty()) return InvalidField("version", "required");
  bool seen[6] = {};
  for (int i = 0; i < data.bulletin_gradings_size(); ++i) {
    const cv1::BulletinGrading& g = data.bulletin_gradings(i);
    const std::string field = absl::StrCat("bulletin_gradings[", i, "]");
    if (g.period_kind() == cv1::BULLETIN_PERIOD_KIND_UNSPECIFIED) {
      return InvalidField(absl::StrCat(field, ".period_kind"), "required");
    }
    if (g.level() == cv1::BULLETIN_LEVEL_UNSPECIFIED) {
      return InvalidField(absl::StrCat(field, ".level"), "required");
    }
    const int slot = Slot(g.period_kind(), g.level());
    if (seen[slot]) {
      return InvalidField(field, "a second grading of the same period kind and level");
    }
    seen[slot] = true;
    GOV_RETURN_IF_ERROR(grading::Validate(
        g.grading(), {kMetricCount, kMetricLastYearCount, kMetricChange, kMetricShare},
        {governance::v1::COLOUR_RED, governance::v1::COLOUR_YELLOW, governance::v1::COLOUR_BLUE},
        absl::StrCat(field, ".grading")));
  }
  for (cv1::BulletinPeriodKind kind : kKinds) {
    for (cv1::BulletinLevel level : kLevels) {
      if (!seen[Slot(kind, level)]) {
        return InvalidField("bulletin_gradings",
                            absl::StrCat("no grading for ", cv1::BulletinPeriodKind_Name(kind),
                                         " / ", cv1::BulletinLevel_Name(level)));
      }
    }
  }
  GOV_RETURN_IF_ERROR(ValidateRange(data.hot_areas(), 1, 50, "hot_areas"));
  GOV_RETURN_IF_ERROR(ValidateRange(data.dominant_types(), 1, 10, "dominant_types"));
  if (!data.has_key_area_rules()) return InvalidField("key_area_rules", "required");
  const cv1::KeyAreaRules& k = data.key_area_rules();
  if (k.period_kind() == cv1::BULLETIN_PERIOD_KIND_UNSPECIFIED) {
    return InvalidField("key_area_rules.period_kind", "required");
  }
  GOV_RETURN_IF_ERROR(ValidateRange(k.list_after_red(), 1, 12, "key_area_rules.list_after_red"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(k.delist_after_blue(), 1, 12, "key_area_rules.delist_after_blue"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(k.plan_working_days(), 1, 60, "key_area_rules.plan_working_days"));

  return absl::OkStatus();
}

// The linkage units and routes as a routing table (common/routing): every non-police type on
// every street.
absl::StatusOr<routing::RoutingTable> LinkageTable(const cv1::PolicingRules& data,
                                                   const regions::RegionRegistry& regions) {
  std::vector<routing::Unit> units;
  for (const cv1::LinkageUnitSpec& u : data.linkage_units()) units.push_back({u.id(), u.name()});
  std::vector<routing::Route> routes;
  for (const cv1::LinkageRoute& r : data.linkage_routes()) {
    routes.push_back({r.type(), r.street_id(), r.unit_id()});
  }
  std::vector<int> non_police;
  for (const IncidentTypeInfo& info : IncidentTypes()) {
    if (info.incident_class == pv1::INCIDENT_CLASS_NON_POLICE) non_police.push_back(info.type);
  }
  return routing::RoutingTable::Build(
      std::move(units), std::move(routes), non_police,
      [](int type) { return EnumKey(static_cast<pv1::IncidentType>(type)); }, regions,
      {"linkage_units", "linkage_routes", "type", "a non-police incident type"});
}

}  // namespace

Rules::Rules(cv1::PolicingRules data, routing::RoutingTable table)
    : data_(std::move(data)), table_(std::move(table)) {
  for (const cv1::LinkageUnitSpec& u : data_.linkage_units()) {
    pv1::LinkageUnit unit;
    unit.set_id(u.id());
    unit.set_name(u.name());
    unit.set_kind(u.kind());
    units_.push_back(std::move(unit));
  }
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::PolicingRules>(path, "policing rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::PolicingRules data,
                                                        const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(Check(data));
  GOV_ASSIGN_OR_RETURN(routing::RoutingTable table, LinkageTable(data, regions));
  return std::unique_ptr<Rules>(new Rules(std::move(data), std::move(table)));
}

const governance::v1::ColourGrading& Rules::Grading(cv1::BulletinPeriodKind kind,
                                                    cv1::BulletinLevel level) const {
  for (const cv1::BulletinGrading& g : data_.bulletin_gradings()) {
    if (g.period_kind() == kind && g.level() == level) return g.grading();
  }
  return governance::v1::ColourGrading::default_instance();
}

const pv1::LinkageUnit* Rules::FindUnit(std::string_view id) const {
  for (const pv1::LinkageUnit& u : units_) {
    if (u.id() == id) return &u;
  }
  return nullptr;
}

const pv1::LinkageUnit* Rules::Route(pv1::IncidentType type, std::string_view street_id) const {
  const routing::Unit* unit = table_.Route(type, street_id);
  return unit == nullptr ? nullptr : FindUnit(unit->id);
}

}  // namespace gov::policing
