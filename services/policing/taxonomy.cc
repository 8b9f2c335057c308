#include "services/policing/taxonomy.h"

#include <algorithm>
#include <optional>

#include "common/util/proto.h"

namespace gov::policing {
namespace {

// clang-format off
// The taxonomy of the police platform's incident types (TRACKS.md §2): criminal (刑事),
// public-order (治安), other police matters and non-police calls (非警务), and which types are
// property crime (侵财: theft, burglary, robbery, fraud).
const std::vector<IncidentTypeInfo>& Taxonomy() {
  static const auto* table = new std::vector<IncidentTypeInfo>{
      // type                                  class                                 property  name
      {pv1::INCIDENT_TYPE_THEFT,              pv1::INCIDENT_CLASS_CRIMINAL,     true,  "盗窃"},
      {pv1::INCIDENT_TYPE_BURGLARY,           pv1::INCIDENT_CLASS_CRIMINAL,     true,  "入室盗窃"},
      {pv1::INCIDENT_TYPE_ROBBERY,            pv1::INCIDENT_CLASS_CRIMINAL,     true,  "抢劫抢夺"},
      {pv1::INCIDENT_TYPE_TELECOM_FRAUD,      pv1::INCIDENT_CLASS_CRIMINAL,     true,  "电信网络诈骗"},
      {pv1::INCIDENT_TYPE_FRAUD,              pv1::INCIDENT_CLASS_CRIMINAL,     true,  "其他诈骗"},
      {pv1::INCIDENT_TYPE_VIOLENCE,           pv1::INCIDENT_CLASS_CRIMINAL,     false, "故意伤害"},
      {pv1::INCIDENT_TYPE_ORGANISED_CRIME,    pv1::INCIDENT_CLASS_CRIMINAL,     false, "涉黑涉恶涉枪涉爆"},
      {pv1::INCIDENT_TYPE_OTHER_CRIMINAL,     pv1::INCIDENT_CLASS_CRIMINAL,     false, "其他刑事"},
      {pv1::INCIDENT_TYPE_FIGHT,              pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "打架斗殴"},
      {pv1::INCIDENT_TYPE_VICE,               pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "黄赌毒"},
      {pv1::INCIDENT_TYPE_DISTURBANCE,        pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "扰乱秩序"},
      {pv1::INCIDENT_TYPE_OTHER_PUBLIC_ORDER, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false, "其他治安"},
      {pv1::INCIDENT_TYPE_TRAFFIC,            pv1::INCIDENT_CLASS_OTHER_POLICE, false, "交通类"},
      {pv1::INCIDENT_TYPE_ASSISTANCE,         pv1::INCIDENT_CLASS_NON_POLICE,   false, "求助类"},
      {pv1::INCIDENT_TYPE_DISPUTE,            pv1::INCIDENT_CLASS_NON_POLICE,   false, "纠纷类"},
      {pv1::INCIDENT_TYPE_MUNICIPAL,          pv1::INCIDENT_CLASS_NON_POLICE,   false, "市政类"},
  };
  return *table;
}
// clang-format on

struct ClassName {
  pv1::IncidentClass incident_class;
  const char* name_zh;
};

constexpr ClassName kClassNames[] = {
    {pv1::INCIDENT_CLASS_CRIMINAL, "刑事警情"},
    {pv1::INCIDENT_CLASS_PUBLIC_ORDER, "治安警情"},
    {pv1::INCIDENT_CLASS_OTHER_POLICE, "其他警务"},
    {pv1::INCIDENT_CLASS_NON_POLICE, "非警务警情"},
};

}  // namespace

const std::vector<IncidentTypeInfo>& IncidentTypes() { return Taxonomy(); }

const IncidentTypeInfo* FindIncidentType(pv1::IncidentType type) {
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (info.type == type) return &info;
  }
  return nullptr;
}

const IncidentTypeInfo* FindIncidentTypeByKey(std::string_view key) {
  const std::optional<pv1::IncidentType> type = EnumFromKey<pv1::IncidentType>(key);
  return type.has_value() ? FindIncidentType(*type) : nullptr;
}

std::string IncidentClassNameZh(pv1::IncidentClass incident_class) {
  for (const ClassName& entry : kClassNames) {
    if (entry.incident_class == incident_class) return entry.name_zh;
  }
  return "";
}

std::string CategoryNameZh(const std::string& key) {
  const IncidentTypeInfo* info = FindIncidentTypeByKey(key);
  return info != nullptr ? std::string(info->name_zh) : key;
}

std::vector<std::string> CategoriesOfClasses(const std::vector<pv1::IncidentClass>& classes) {
  std::vector<std::string> out;
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (std::find(classes.begin(), classes.end(), info.incident_class) != classes.end()) {
      out.push_back(EnumKey(info.type));
    }
  }
  return out;
}

std::vector<std::string> PropertyCrimeCategories() {
  std::vector<std::string> out;
  for (const IncidentTypeInfo& info : Taxonomy()) {
    if (info.property_crime) out.push_back(EnumKey(info.type));
  }
  return out;
}

bool IsNonPolice(pv1::IncidentType type) {
  const IncidentTypeInfo* info = FindIncidentType(type);
  return info != nullptr && info->incident_class == pv1::INCIDENT_CLASS_NON_POLICE;
}

}  // namespace gov::policing
