#include "services/policing/bulletin_grading.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/grading/colour_grading.h"
#include "common/indicators/indicators.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/policing/bulletin_periods.h"
#include "services/policing/taxonomy.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kDistrictName[] = "全区";
// The principal the hot areas are read as: the server's own, district-wide.
constexpr char kSystemId[] = "system";
// Incidents read per page when the hot areas are counted.
constexpr int kScanPage = 500;

// Incidents per type (IncidentType values).
using TypeCounts = absl::flat_hash_map<int, int64_t>;

// The `n` most frequent types, most first, ties in enum order.
void AddDominantTypes(const TypeCounts& counts, int n,
                      google::protobuf::RepeatedPtrField<pv1::TypeCount>* out) {
  std::vector<std::pair<int, int64_t>> ordered;
  for (const auto& [type, count] : counts) {
    if (count > 0) ordered.emplace_back(type, count);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (static_cast<int>(ordered.size()) > n) ordered.resize(n);
  for (const auto& [type, count] : ordered) {
    pv1::TypeCount* entry = out->Add();
    entry->set_type(static_cast<pv1::IncidentType>(type));
    const IncidentTypeInfo* info = FindIncidentType(entry->type());
    if (info != nullptr) entry->set_name(info->name_zh);
    entry->set_count(count);
  }
}

// The metrics a bulletin grading may name (see BulletinGrading in the rules proto); the change
// is left out when last year had none, so that conditions on it do not hold.
grading::Metrics MetricsOf(const pv1::BulletinEntry& entry) {
  grading::Metrics metrics;
  metrics[kMetricCount] = entry.count();
  metrics[kMetricLastYearCount] = entry.last_year_count();
  if (entry.has_change_basis_points()) metrics[kMetricChange] = entry.change_basis_points();
  metrics[kMetricShare] = entry.share_basis_points();
  return metrics;
}

// One graded entry. `row` holds the counts and the change (CompareCounts), null for an area
// without incidents this year or last; `grading` is null for the district, which is not graded.
pv1::BulletinEntry MakeEntry(gv1::RegionRef region, std::string name, const pv1::StatisticsRow* row,
                             int64_t district_count, const TypeCounts* types,
                             const gv1::ColourGrading* grading, int dominant_types) {
  pv1::BulletinEntry entry;
  *entry.mutable_region() = std::move(region);
  entry.set_name(std::move(name));
  if (row != nullptr) {
    entry.set_count(row->count());
    entry.set_last_year_count(row->last_year_count());
    if (row->has_change_basis_points()) entry.set_change_basis_points(row->change_basis_points());
  }
  entry.set_share_basis_points(indicators::RatioBasisPoints(entry.count(), district_count));
  if (grading != nullptr) entry.set_colour(grading::Grade(*grading, MetricsOf(entry)));
  if (types != nullptr) AddDominantTypes(*types, dominant_types, entry.mutable_dominant_types());
  return entry;
}

// Every street or every community by descending count, ties by id.
void SortEntries(std::vector<pv1::BulletinEntry>& entries, bool communities) {
  auto id = [communities](const pv1::BulletinEntry& e) -> const std::string& {
    return communities ? e.region().community_id() : e.region().street_id();
  };
  std::sort(entries.begin(), entries.end(), [&id](const auto& a, const auto& b) {
    return a.count() != b.count() ? a.count() > b.count() : id(a) < id(b);
  });
}

}  // namespace

// Incidents of a period by street, community and type, from the counts the store keeps with
// the cases (as GetIncidentStatistics reads them).
absl::StatusOr<std::vector<store::CountRow>> BulletinGrading::Counts(
    const gv1::Period& period) const {
  const cal::DayRange days = PeriodDays(period);
  store::CountQuery query;
  query.track = kTrack;
  query.first = days.first;
  query.last = days.last;
  query.by_street = true;
  query.by_community = true;
  query.by_category = true;
  return count_(query);
}

void BulletinGrading::AddEntries(cv1::BulletinPeriodKind kind,
                                 const std::vector<store::CountRow>& current,
                                 const std::vector<store::CountRow>& last_year,
                                 pv1::Bulletin* bulletin) const {
  const auto name_of = [this](const std::string& id) { return regions_->NameOf(id); };
  const StatisticsRows streets =
      CompareCounts(pv1::STATISTICS_GROUPING_STREET, {}, current, last_year, name_of);
  const StatisticsRows communities =
      CompareCounts(pv1::STATISTICS_GROUPING_COMMUNITY, {}, current, last_year, name_of);
  absl::flat_hash_map<std::string, const pv1::StatisticsRow*> rows;
  for (const pv1::StatisticsRow& row : streets.rows) rows[row.key()] = &row;
  for (const pv1::StatisticsRow& row : communities.rows) rows[row.key()] = &row;
  // Types per district (""), street and community: ids are unique across the levels.
  absl::flat_hash_map<std::string, TypeCounts> types;
  for (const store::CountRow& row : current) {
    const IncidentTypeInfo* info = FindIncidentTypeByKey(row.category);
    if (info == nullptr) continue;
    types[""][info->type] += row.count;
    if (!row.street_id.empty()) types[row.street_id][info->type] += row.count;
    if (!row.community_id.empty()) types[row.community_id][info->type] += row.count;
  }
  auto find = [](const auto& map, const std::string& key) {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  };
  const int dominant = rules_->dominant_types();
  const int64_t district = streets.total.count();
  *bulletin->mutable_district() = MakeEntry({}, kDistrictName, &streets.total, district,
                                            find(types, std::string()), nullptr, dominant);

  const gv1::ColourGrading& street_grading = rules_->Grading(kind, cv1::BULLETIN_LEVEL_STREET);
  const gv1::ColourGrading& community_grading =
      rules_->Grading(kind, cv1::BULLETIN_LEVEL_COMMUNITY);
  std::vector<pv1::BulletinEntry> street_entries;
  std::vector<pv1::BulletinEntry> community_entries;
  for (const governance::config::v1::Street* street : regions_->streets()) {
    gv1::RegionRef region;
    region.set_street_id(street->id());
    const auto row = rows.find(street->id());
    street_entries.push_back(MakeEntry(region, street->name(),
                                       row == rows.end() ? nullptr : row->second, district,
                                       find(types, street->id()), &street_grading, dominant));
    for (const governance::config::v1::Community& community : street->communities()) {
      region.set_community_id(community.id());
      const auto crow = rows.find(community.id());
      community_entries.push_back(
          MakeEntry(region, community.name(), crow == rows.end() ? nullptr : crow->second, district,
                    find(types, community.id()), &community_grading, dominant));
    }
  }
  SortEntries(street_entries, /*communities=*/false);
  SortEntries(community_entries, /*communities=*/true);
  for (pv1::BulletinEntry& e : street_entries) *bulletin->add_streets() = std::move(e);
  for (pv1::BulletinEntry& e : community_entries) *bulletin->add_communities() = std::move(e);
  AddDominantTypes(types[""], dominant, bulletin->mutable_dominant_types());
  *bulletin->mutable_street_grading() = street_grading;
  *bulletin->mutable_community_grading() = community_grading;
}

// The grids with the most incidents. The store keeps no counts per grid, so the period's
// incidents are read (pages of the incidents' engine, newest first) and counted here.
absl::Status BulletinGrading::AddHotAreas(const gv1::Period& period,
                                          pv1::Bulletin* bulletin) const {
  struct Grid {
    std::string street_id;
    std::string community_id;
    int64_t count = 0;
    TypeCounts types;
  };
  absl::flat_hash_map<std::string, Grid> grids;
  const cal::DayRange days = PeriodDays(period);
  cases::ListRequest request;
  request.filter.created_from = absl::FromCivil(days.first, cal::DistrictZone());
  request.filter.created_to = absl::FromCivil(days.last + 1, cal::DistrictZone());
  request.page_size = kScanPage;
  const auth::Principal system = auth::SystemPrincipal(kSystemId);
  for (;;) {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page, incidents_->List(system, request));
    for (const cases::Case& c : page.cases) {
      const store::CaseRecord& record = c.record;
      if (record.grid_id.empty()) continue;
      Grid& grid = grids[record.grid_id];
      grid.street_id = record.street_id;
      grid.community_id = record.community_id;
      ++grid.count;
      const IncidentTypeInfo* info = FindIncidentTypeByKey(record.category);
      if (info != nullptr) ++grid.types[info->type];
    }
    if (page.next_page_token.empty()) break;
    request.page_token = std::move(page.next_page_token);
  }

  std::vector<std::pair<std::string, const Grid*>> ordered;
  ordered.reserve(grids.size());
  for (const auto& [id, grid] : grids) ordered.emplace_back(id, &grid);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second->count != b.second->count ? a.second->count > b.second->count
                                              : a.first < b.first;
  });
  if (static_cast<int>(ordered.size()) > rules_->hot_areas()) {
    ordered.resize(rules_->hot_areas());
  }
  for (const auto& [id, grid] : ordered) {
    pv1::HotArea* hot = bulletin->add_hot_areas();
    hot->mutable_region()->set_street_id(grid->street_id);
    hot->mutable_region()->set_community_id(grid->community_id);
    hot->mutable_region()->set_grid_id(id);
    const std::string community = regions_->NameOf(grid->community_id);
    hot->set_name(community.empty() ? id : absl::StrCat(community, " ", id));
    hot->set_count(grid->count);
    google::protobuf::RepeatedPtrField<pv1::TypeCount> top;
    AddDominantTypes(grid->types, 1, &top);
    if (!top.empty()) hot->set_dominant_type(top[0].type());
  }
  return absl::OkStatus();
}

absl::StatusOr<pv1::Bulletin> BulletinGrading::Compose(const std::string& publisher,
                                                       const gv1::Period& period,
                                                       absl::Time now) const {
  pv1::Bulletin bulletin;
  *bulletin.mutable_period() = period;
  *bulletin.mutable_last_year_period() = cal::SamePeriodLastYear(period);
  *bulletin.mutable_publish_time() = ToTimestamp(now);
  bulletin.set_published_by(publisher);
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> current, Counts(period));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> last_year,
                       Counts(bulletin.last_year_period()));
  AddEntries(*BulletinKindOf(period), current, last_year, &bulletin);
  GOV_RETURN_IF_ERROR(AddHotAreas(period, &bulletin));
  bulletin.set_rules_version(rules_->version());
  return bulletin;
}

}  // namespace gov::policing
