#ifndef GOV_SERVICES_POLICING_TAXONOMY_H_
#define GOV_SERVICES_POLICING_TAXONOMY_H_

#include <string>
#include <string_view>
#include <vector>

#include "governance/policing/v1/policing.pb.h"

// 治安治理 — the policing track's vocabulary: its name and the police platform's incident
// taxonomy (警情类别), which every part counts, routes and names incidents by.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// The track, and the store track its incidents are kept under.
inline constexpr char kTrack[] = "policing";

// One row of the incident taxonomy: the class a type belongs to, whether it is property crime
// (侵财案件), and its Chinese name.
struct IncidentTypeInfo {
  pv1::IncidentType type;
  pv1::IncidentClass incident_class;
  bool property_crime;
  const char* name_zh;
};

// The taxonomy, one row per IncidentType but UNSPECIFIED, in enum order (see taxonomy.cc).
const std::vector<IncidentTypeInfo>& IncidentTypes();
// The row of a type; nullptr for UNSPECIFIED and unknown values.
const IncidentTypeInfo* FindIncidentType(pv1::IncidentType type);
// The row of a case category (the type's key, e.g. "THEFT"); nullptr when unknown.
const IncidentTypeInfo* FindIncidentTypeByKey(std::string_view key);
// Chinese name of a class ("刑事警情"); "" for UNSPECIFIED and unknown values.
std::string IncidentClassNameZh(pv1::IncidentClass incident_class);
// Chinese name of a case category ("THEFT" -> "盗窃"); the key itself when unknown.
std::string CategoryNameZh(const std::string& key);
// Case categories (type keys) of the types of any of `classes`, in enum order.
std::vector<std::string> CategoriesOfClasses(const std::vector<pv1::IncidentClass>& classes);
// Case categories of the property-crime types, in enum order.
std::vector<std::string> PropertyCrimeCategories();
// True for the types of the non-police class (the linkage units' work).
bool IsNonPolice(pv1::IncidentType type);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_TAXONOMY_H_
