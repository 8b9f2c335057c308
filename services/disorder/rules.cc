#include "services/disorder/rules.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::disorder {
namespace {

bool KnownCategory(int category) {
  return category != dv1::COMPLAINT_CATEGORY_UNSPECIFIED &&
         dv1::ComplaintCategory_IsValid(category);
}

bool KnownUnit(const cv1::DisorderRules& data, const std::string& id) {
  return std::any_of(data.units().begin(), data.units().end(),
                     [&id](const cv1::DisorderUnit& u) { return u.id() == id; });
}

// The joint enforcement team, its categories and the units added to its complaints.
absl::Status CheckJoint(const cv1::DisorderRules& data) {
  if (!data.has_joint_enforcement()) return absl::OkStatus();
  const cv1::JointEnforcement& joint = data.joint_enforcement();
  const std::string& team = joint.team_unit_id();
  if (team.empty()) return InvalidField("joint_enforcement.team_unit_id", "required");
  if (!KnownUnit(data, team)) {
    return InvalidField("joint_enforcement.team_unit_id", "not a unit of `units`");
  }
  if (joint.categories().empty()) {
    return InvalidField("joint_enforcement.categories", "at least one category");
  }
  absl::flat_hash_set<int> categories;
  for (int i = 0; i < joint.categories_size(); ++i) {
    const int category = joint.categories(i);
    const std::string field = absl::StrCat("joint_enforcement.categories[", i, "]");
    if (!KnownCategory(category)) return InvalidField(field, "a complaint category");
    if (!categories.insert(category).second) return InvalidField(field, "a second time");
  }
  // The routes are where a complaint goes: those of the team's categories go to the team.
  for (int i = 0; i < data.routes_size(); ++i) {
    const cv1::DisorderRoute& route = data.routes(i);
    if (categories.contains(route.category()) && route.unit_id() != team) {
      return InvalidField(
          absl::StrCat("routes[", i, "].unit_id"),
          absl::StrCat(EnumKey(route.category()), " goes to the joint enforcement team ", team));
    }
  }
  if (joint.unit_ids().empty()) {
    return InvalidField("joint_enforcement.unit_ids", "at least one unit");
  }
  absl::flat_hash_set<std::string> units;
  for (int i = 0; i < joint.unit_ids_size(); ++i) {
    const std::string& id = joint.unit_ids(i);
    const std::string field = absl::StrCat("joint_enforcement.unit_ids[", i, "]");
    if (!KnownUnit(data, id)) return InvalidField(field, "not a unit of `units`");
    if (id == team) return InvalidField(field, "the team itself");
    if (!units.insert(id).second) return InvalidField(field, "a second time");
  }
  return absl::OkStatus();
}

absl::Status Check(const cv1::DisorderRules& data) {
  if (data.version().empty()) return InvalidField("version", "required");

  absl::flat_hash_set<int> with_sla;
  for (int i = 0; i < data.category_slas_size(); ++i) {
    const cv1::CategorySla& s = data.category_slas(i);
    const std::string field = absl::StrCat("category_slas[", i, "]");
    if (!KnownCategory(s.category())) {
      return InvalidField(absl::StrCat(field, ".category"), "a complaint category");
    }
    if (!with_sla.insert(s.category()).second) {
      return InvalidField(absl::StrCat(field, ".category"),
                          absl::StrCat("a second SLA for ", EnumKey(s.category())));
    }
    GOV_RETURN_IF_ERROR(
        ValidateRange(s.working_days(), 1, 60, absl::StrCat(field, ".working_days")));
  }
  for (dv1::ComplaintCategory category : AllCategories()) {
    if (!with_sla.contains(category)) {
      return InvalidField("category_slas", absl::StrCat("no SLA for ", EnumKey(category)));
    }
  }

  GOV_RETURN_IF_ERROR(ValidateRange(data.rework_working_days(), 1, 60, "rework_working_days"));
  GOV_RETURN_IF_ERROR(ValidateRange(data.callback_working_days(), 1, 30, "callback_working_days"));
  if (!data.has_repeat_rule()) return InvalidField("repeat_rule", "required");
  const cv1::RepeatRule& repeat = data.repeat_rule();
  GOV_RETURN_IF_ERROR(ValidateRange(repeat.window_days(), 1, 365, "repeat_rule.window_days"));
  GOV_RETURN_IF_ERROR(ValidateRange(repeat.radius_meters(), 1, 5000, "repeat_rule.radius_meters"));
  if (!data.has_fume_rule()) return InvalidField("fume_rule", "required");
  const cv1::FumeRule& fume = data.fume_rule();
  if (!(fume.limit_mg_m3() >= kMinFumeLimit && fume.limit_mg_m3() <= kMaxFumeLimit)) {
    return InvalidField("fume_rule.limit_mg_m3",
                        absl::StrCat(kMinFumeLimit, " to ", kMaxFumeLimit, " mg/m³"));
  }
  GOV_RETURN_IF_ERROR(ValidateRange(fume.quiet_minutes(), 5, 1440, "fume_rule.quiet_minutes"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(data.enforcement_working_days(), 1, 90, "enforcement_working_days"));
  GOV_RETURN_IF_ERROR(CheckJoint(data));
  absl::flat_hash_set<int> monthly;
  for (int i = 0; i < data.monthly_remediation_categories_size(); ++i) {
    const int category = data.monthly_remediation_categories(i);
    const std::string field = absl::StrCat("monthly_remediation_categories[", i, "]");
    if (!KnownCategory(category)) return InvalidField(field, "a complaint category");
    if (!monthly.insert(category).second) {
      return InvalidField(
          field,
          absl::StrCat(EnumKey(static_cast<dv1::ComplaintCategory>(category)), " a second time"));
    }
  }
  return absl::OkStatus();
}

// The units and routes as a routing table (common/routing): every category on every street.
absl::StatusOr<routing::RoutingTable> UnitTable(const cv1::DisorderRules& data,
                                                const regions::RegionRegistry& regions) {
  std::vector<routing::Unit> units;
  for (const cv1::DisorderUnit& u : data.units()) units.push_back({u.id(), u.name()});
  std::vector<routing::Route> routes;
  for (const cv1::DisorderRoute& r : data.routes()) {
    routes.push_back({r.category(), r.street_id(), r.unit_id()});
  }
  std::vector<int> categories;
  for (dv1::ComplaintCategory c : AllCategories()) categories.push_back(c);
  return routing::RoutingTable::Build(
      std::move(units), std::move(routes), categories,
      [](int c) { return EnumKey(static_cast<dv1::ComplaintCategory>(c)); }, regions,
      {"units", "routes", "category", "a complaint category"});
}

}  // namespace

const std::vector<dv1::ComplaintCategory>& AllCategories() {
  static const auto* categories = [] {
    auto* out = new std::vector<dv1::ComplaintCategory>;
    const google::protobuf::EnumDescriptor* d = dv1::ComplaintCategory_descriptor();
    for (int i = 0; i < d->value_count(); ++i) {
      const int number = d->value(i)->number();
      if (number != dv1::COMPLAINT_CATEGORY_UNSPECIFIED) {
        out->push_back(static_cast<dv1::ComplaintCategory>(number));
      }
    }
    std::sort(out->begin(), out->end());
    return out;
  }();
  return *categories;
}

std::string CategoryNameZh(dv1::ComplaintCategory category) {
  switch (category) {
    case dv1::COMPLAINT_CATEGORY_MUCK_TRUCK:
      return "渣土车";
    case dv1::COMPLAINT_CATEGORY_COOKING_FUMES:
      return "餐饮油烟";
    case dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT:
      return "保健品";
    case dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS:
      return "无证经营";
    case dv1::COMPLAINT_CATEGORY_MOBILE_STALL:
      return "流动摊贩";
    case dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE:
      return "市容环境";
    case dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING:
      return "非机动车停放";
    case dv1::COMPLAINT_CATEGORY_NOISE:
      return "噪声扰民";
    case dv1::COMPLAINT_CATEGORY_PREPAID_CARD:
      return "预付卡";
    case dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE:
      return "工地欠薪、文明施工";
    default:
      return EnumKey(category);
  }
}

Rules::Rules(cv1::DisorderRules data, routing::RoutingTable table)
    : data_(std::move(data)), table_(std::move(table)) {
  for (const cv1::DisorderUnit& u : data_.units()) {
    dv1::Unit unit;
    unit.set_id(u.id());
    unit.set_name(u.name());
    units_.push_back(std::move(unit));
  }
  std::sort(units_.begin(), units_.end(),
            [](const dv1::Unit& a, const dv1::Unit& b) { return a.id() < b.id(); });
  for (const int category : data_.monthly_remediation_categories()) {
    monthly_.push_back(static_cast<dv1::ComplaintCategory>(category));
  }
  if (monthly_.empty()) monthly_ = AllCategories();
  std::sort(monthly_.begin(), monthly_.end());
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::DisorderRules>(path, "disorder rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::DisorderRules data,
                                                        const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(Check(data));
  GOV_ASSIGN_OR_RETURN(routing::RoutingTable table, UnitTable(data, regions));
  return std::unique_ptr<Rules>(new Rules(std::move(data), std::move(table)));
}

const dv1::Unit* Rules::FindUnit(std::string_view id) const {
  auto it = std::lower_bound(units_.begin(), units_.end(), id,
                             [](const dv1::Unit& u, std::string_view key) { return u.id() < key; });
  if (it == units_.end() || it->id() != id) return nullptr;
  return &*it;
}

const dv1::Unit* Rules::Route(dv1::ComplaintCategory category, std::string_view street_id) const {
  const routing::Unit* unit = table_.Route(category, street_id);
  return unit == nullptr ? nullptr : FindUnit(unit->id);
}

cal::Sla Rules::CategorySla(dv1::ComplaintCategory category) const {
  for (const cv1::CategorySla& s : data_.category_slas()) {
    if (s.category() == category) return cal::Sla::WorkingDays(s.working_days());
  }
  return cal::Sla::None();
}

cal::Sla Rules::ReworkSla() const { return cal::Sla::WorkingDays(data_.rework_working_days()); }

cal::Sla Rules::CallbackSla() const { return cal::Sla::WorkingDays(data_.callback_working_days()); }

double Rules::FumeLimit(double own_limit) const {
  return own_limit > 0 ? own_limit : data_.fume_rule().limit_mg_m3();
}

absl::Duration Rules::FumeQuiet() const { return absl::Minutes(data_.fume_rule().quiet_minutes()); }

cal::Sla Rules::EnforcementSla() const {
  return cal::Sla::WorkingDays(data_.enforcement_working_days());
}

bool Rules::IsJointCategory(dv1::ComplaintCategory category) const {
  const auto& categories = data_.joint_enforcement().categories();
  return std::find(categories.begin(), categories.end(), category) != categories.end();
}

const dv1::Unit* Rules::JointUnit(std::string_view id) const {
  const auto& ids = data_.joint_enforcement().unit_ids();
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) return nullptr;
  return FindUnit(id);
}

cases::RepeatRule Rules::Repeats(std::vector<std::string> open_statuses) const {
  cases::RepeatRule rule;
  rule.window = absl::Hours(24) * data_.repeat_rule().window_days();
  rule.radius_meters = data_.repeat_rule().radius_meters();
  rule.open_statuses = std::move(open_statuses);
  return rule;
}

}  // namespace gov::disorder
