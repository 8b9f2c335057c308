#include "services/policing/statistics.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/indicators/indicators.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/taxonomy.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

constexpr char kTotalName[] = "合计";

// The group of a count row; "" when it belongs to none (no community, unknown category).
std::string GroupKey(pv1::StatisticsGrouping grouping, const store::CountRow& row,
                     const IncidentTypeInfo* info) {
  switch (grouping) {
    case pv1::STATISTICS_GROUPING_STREET:
      return row.street_id;
    case pv1::STATISTICS_GROUPING_COMMUNITY:
      return row.community_id;
    case pv1::STATISTICS_GROUPING_TYPE:
      return info != nullptr ? pv1::IncidentType_Name(info->type) : "";
    case pv1::STATISTICS_GROUPING_CLASS:
      return info != nullptr ? pv1::IncidentClass_Name(info->incident_class) : "";
    default:
      return "";
  }
}

std::string GroupName(pv1::StatisticsGrouping grouping, const std::string& key,
                      const std::function<std::string(const std::string&)>& name_of) {
  switch (grouping) {
    case pv1::STATISTICS_GROUPING_TYPE: {
      pv1::IncidentType type = pv1::INCIDENT_TYPE_UNSPECIFIED;
      if (!pv1::IncidentType_Parse(key, &type)) return "";
      const IncidentTypeInfo* info = FindIncidentType(type);
      return info != nullptr ? std::string(info->name_zh) : "";
    }
    case pv1::STATISTICS_GROUPING_CLASS: {
      pv1::IncidentClass incident_class = pv1::INCIDENT_CLASS_UNSPECIFIED;
      if (!pv1::IncidentClass_Parse(key, &incident_class)) return "";
      return IncidentClassNameZh(incident_class);
    }
    default:
      return name_of ? name_of(key) : "";
  }
}

void SetCounts(int64_t count, int64_t last_year, pv1::StatisticsRow* row) {
  row->set_count(count);
  row->set_last_year_count(last_year);
  if (last_year > 0) {
    row->set_change_basis_points(indicators::RatioBasisPoints(count - last_year, last_year));
  }
}

}  // namespace

StatisticsRows CompareCounts(pv1::StatisticsGrouping grouping,
                             const std::vector<pv1::IncidentClass>& classes,
                             const std::vector<store::CountRow>& current,
                             const std::vector<store::CountRow>& last_year,
                             const std::function<std::string(const std::string&)>& name_of) {
  struct Counts {
    int64_t current = 0;
    int64_t last_year = 0;
  };
  absl::flat_hash_map<std::string, Counts> groups;
  Counts total;
  auto add = [&](const std::vector<store::CountRow>& rows, int64_t Counts::*period) {
    for (const store::CountRow& row : rows) {
      const IncidentTypeInfo* info = FindIncidentTypeByKey(row.category);
      if (!classes.empty() &&
          (info == nullptr ||
           std::find(classes.begin(), classes.end(), info->incident_class) == classes.end())) {
        continue;
      }
      total.*period += row.count;
      const std::string key = GroupKey(grouping, row, info);
      if (!key.empty()) groups[key].*period += row.count;
    }
  };
  add(current, &Counts::current);
  add(last_year, &Counts::last_year);

  std::vector<std::pair<std::string, Counts>> ordered;
  for (const auto& [key, counts] : groups) {
    if (counts.current != 0 || counts.last_year != 0) ordered.emplace_back(key, counts);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second.current != b.second.current ? a.second.current > b.second.current
                                                : a.first < b.first;
  });
  StatisticsRows out;
  out.rows.reserve(ordered.size());
  for (const auto& [key, counts] : ordered) {
    pv1::StatisticsRow& row = out.rows.emplace_back();
    row.set_key(key);
    row.set_name(GroupName(grouping, key, name_of));
    SetCounts(counts.current, counts.last_year, &row);
  }
  out.total.set_name(kTotalName);
  SetCounts(total.current, total.last_year, &out.total);
  return out;
}

absl::StatusOr<pv1::GetIncidentStatisticsResponse> IncidentStatistics::Compute(
    const auth::Principal& who, const pv1::GetIncidentStatisticsRequest& request) const {
  GOV_RETURN_IF_ERROR(ValidateStatisticsRequest(request));

  // The region against the caller's scope, as IndicatorsService resolves it.
  GOV_ASSIGN_OR_RETURN(const indicators::RegionScope scope,
                       indicators::ResolveRegionScope(who, request.region(), *regions_));
  store::CountQuery query;
  query.track = kTrack;
  query.street_id = scope.street_id;
  query.community_id = scope.community_id;
  query.streets = scope.streets;
  query.by_category = true;
  query.by_street = request.grouping() == pv1::STATISTICS_GROUPING_STREET;
  query.by_community = request.grouping() == pv1::STATISTICS_GROUPING_COMMUNITY;

  const absl::Time now = clock_->Now();
  pv1::GetIncidentStatisticsResponse response;
  *response.mutable_period() = cal::Normalize(request.period(), now);
  *response.mutable_last_year_period() = cal::SamePeriodLastYear(response.period());
  const cal::DayRange days = cal::Resolve(response.period(), now);
  const cal::DayRange last_days = cal::Resolve(response.last_year_period(), now);
  query.first = days.first;
  query.last = days.last;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> current, count_(query));
  query.first = last_days.first;
  query.last = last_days.last;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> last_year, count_(query));

  std::vector<pv1::IncidentClass> classes;
  for (int i = 0; i < request.classes_size(); ++i) classes.push_back(request.classes(i));
  StatisticsRows compared =
      CompareCounts(request.grouping(), classes, current, last_year,
                    [this](const std::string& id) { return regions_->NameOf(id); });
  for (pv1::StatisticsRow& row : compared.rows) *response.add_rows() = std::move(row);
  *response.mutable_total() = std::move(compared.total);
  return response;
}

}  // namespace gov::policing
