#include "services/policing/bulletins.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/grading/colour_grading.h"
#include "common/indicators/indicators.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/statistics.h"
#include "services/policing/track.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kBulletinKind[] = "bulletin";
constexpr char kIdPrefix[] = "B";
constexpr char kDistrictName[] = "全区";
constexpr char kSystemId[] = "system";
// Rows read per store round trip when a whole set is read.
constexpr int kScanPage = 500;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
// The first year a period may lie in (cal::ValidatePeriod).
constexpr int kFirstYear = 2000;

// Incidents per type (IncidentType values).
using TypeCounts = absl::flat_hash_map<int, int64_t>;

// ---- Periods ----

std::optional<cv1::BulletinPeriodKind> KindOf(const gv1::Period& p) {
  switch (p.part_case()) {
    case gv1::Period::kWeek:
      return cv1::BULLETIN_PERIOD_KIND_WEEK;
    case gv1::Period::kMonth:
      return cv1::BULLETIN_PERIOD_KIND_MONTH;
    case gv1::Period::kQuarter:
      return cv1::BULLETIN_PERIOD_KIND_QUARTER;
    case gv1::Period::PART_NOT_SET:
      break;
  }
  return std::nullopt;
}

gv1::Period PeriodOf(cv1::BulletinPeriodKind kind, absl::CivilDay day) {
  switch (kind) {
    case cv1::BULLETIN_PERIOD_KIND_WEEK:
      return cal::WeekOf(day);
    case cv1::BULLETIN_PERIOD_KIND_QUARTER:
      return cal::QuarterOf(day);
    default:
      return cal::MonthOf(day);
  }
}

// The days of a set period (never the "current month" of an unset one).
cal::DayRange Days(const gv1::Period& p) { return cal::Resolve(p, absl::UnixEpoch()); }

gv1::Period Previous(const gv1::Period& p) { return PeriodOf(*KindOf(p), Days(p).first - 1); }
gv1::Period Next(const gv1::Period& p) { return PeriodOf(*KindOf(p), Days(p).last + 1); }

// Of periods ending the same day, the longer is listed first.
int Rank(const gv1::Period& p) {
  switch (p.part_case()) {
    case gv1::Period::kQuarter:
      return 0;
    case gv1::Period::kMonth:
      return 1;
    default:
      return 2;
  }
}

// True when `a` comes before `b` in a list of bulletins, newest period first.
bool ListedBefore(const gv1::Period& a, const gv1::Period& b) {
  const absl::CivilDay a_last = Days(a).last;
  const absl::CivilDay b_last = Days(b).last;
  if (a_last != b_last) return a_last > b_last;
  return Rank(a) < Rank(b);
}

// A bulletin's period from its key (cal::PeriodKey: "2026-W05", "2026-M11", "2026-Q4");
// nullopt for anything else.
std::optional<gv1::Period> PeriodFromKey(const std::string& key) {
  if (key.size() < 7 || key[4] != '-') return std::nullopt;
  int year = 0;
  int number = 0;
  if (!absl::SimpleAtoi(key.substr(0, 4), &year) || !absl::SimpleAtoi(key.substr(6), &number)) {
    return std::nullopt;
  }
  gv1::Period p;
  p.set_year(year);
  switch (key[5]) {
    case 'W':
      p.set_week(number);
      break;
    case 'M':
      p.set_month(number);
      break;
    case 'Q':
      p.set_quarter(number);
      break;
    default:
      return std::nullopt;
  }
  if (!cal::ValidatePeriod(p, "period").ok() || cal::PeriodKey(p) != key) return std::nullopt;
  return p;
}

// A period a bulletin may be for: a valid week, month or quarter.
absl::Status ValidateBulletinPeriod(const gv1::Period& p, const std::string& field) {
  if (p.year() == 0 && p.part_case() == gv1::Period::PART_NOT_SET) {
    return InvalidField(field, "required: a week, month or quarter");
  }
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(p, field));
  if (!KindOf(p).has_value()) {
    return InvalidField(field, "a week, month or quarter (bulletins are not published for years)");
  }
  return absl::OkStatus();
}

// The key-letter prefix of a ListBulletins period_kind filter ("" for all).
absl::StatusOr<std::string> KindKeyLetter(const std::string& kind) {
  if (kind.empty()) return std::string();
  if (kind == "week") return std::string("W");
  if (kind == "month") return std::string("M");
  if (kind == "quarter") return std::string("Q");
  return InvalidField("period_kind", "one of \"week\", \"month\", \"quarter\", or empty for all");
}

// ---- Content ----

absl::StatusOr<pv1::Bulletin> DecodeBulletin(const store::EntityRecord& record) {
  pv1::Bulletin bulletin;
  if (!bulletin.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("bulletin ", record.id, ": stored payload is unreadable"));
  }
  bulletin.set_id(record.id);
  return bulletin;
}

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

struct Bulletins::Impl {
  PolicingContext ctx;
  KeyAreas* key_areas;

  // What publishing a period came to.
  struct Published {
    pv1::Bulletin bulletin;
    bool already = false;  // it had been published before
    bool created = false;  // this call stored it
  };

  absl::StatusOr<std::optional<pv1::Bulletin>> FindByKey(const std::string& key) const;
  absl::StatusOr<Published> PublishPeriod(const auth::Principal& who,
                                          const gv1::Period& period) const;
  absl::StatusOr<pv1::Bulletin> Compose(const auth::Principal& who, const gv1::Period& period,
                                        absl::Time now) const;
  absl::StatusOr<std::vector<store::CountRow>> Counts(const gv1::Period& period) const;
  void AddEntries(cv1::BulletinPeriodKind kind, const std::vector<store::CountRow>& current,
                  const std::vector<store::CountRow>& last_year, pv1::Bulletin* bulletin) const;
  absl::Status AddHotAreas(const gv1::Period& period, pv1::Bulletin* bulletin) const;
  absl::Status DecideKeyAreas(pv1::Bulletin* bulletin) const;
  absl::StatusOr<Published> Store(const pv1::Bulletin& bulletin, absl::Time now) const;
  absl::StatusOr<int> PublishAll(std::vector<gv1::Period> periods, bool stop_at_error) const;
};

absl::StatusOr<std::optional<pv1::Bulletin>> Bulletins::Impl::FindByKey(
    const std::string& key) const {
  store::EntityFilter filter;
  filter.track = kTrack;
  filter.kind = kBulletinKind;
  filter.key = key;
  filter.limit = 1;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> records,
                       ctx.repo->ListEntities(filter));
  if (records.empty()) return std::optional<pv1::Bulletin>();
  GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, DecodeBulletin(records.front()));
  return std::optional<pv1::Bulletin>(std::move(bulletin));
}

// Incidents of a period by street, community and type, from the counts the store keeps with
// the cases (as GetIncidentStatistics reads them).
absl::StatusOr<std::vector<store::CountRow>> Bulletins::Impl::Counts(
    const gv1::Period& period) const {
  const cal::DayRange days = Days(period);
  store::CountQuery query;
  query.track = kTrack;
  query.first = days.first;
  query.last = days.last;
  query.by_street = true;
  query.by_community = true;
  query.by_category = true;
  return ctx.repo->SumCases(query);
}

void Bulletins::Impl::AddEntries(cv1::BulletinPeriodKind kind,
                                 const std::vector<store::CountRow>& current,
                                 const std::vector<store::CountRow>& last_year,
                                 pv1::Bulletin* bulletin) const {
  const auto name_of = [this](const std::string& id) { return ctx.regions->NameOf(id); };
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
  const int dominant = ctx.rules->dominant_types();
  const int64_t district = streets.total.count();
  *bulletin->mutable_district() = MakeEntry({}, kDistrictName, &streets.total, district,
                                            find(types, std::string()), nullptr, dominant);

  const gv1::ColourGrading& street_grading = ctx.rules->Grading(kind, cv1::BULLETIN_LEVEL_STREET);
  const gv1::ColourGrading& community_grading =
      ctx.rules->Grading(kind, cv1::BULLETIN_LEVEL_COMMUNITY);
  std::vector<pv1::BulletinEntry> street_entries;
  std::vector<pv1::BulletinEntry> community_entries;
  for (const governance::config::v1::Street* street : ctx.regions->streets()) {
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
// incidents are read (keyset pages, newest first) and counted here.
absl::Status Bulletins::Impl::AddHotAreas(const gv1::Period& period,
                                          pv1::Bulletin* bulletin) const {
  struct Grid {
    std::string street_id;
    std::string community_id;
    int64_t count = 0;
    TypeCounts types;
  };
  absl::flat_hash_map<std::string, Grid> grids;
  const cal::DayRange days = Days(period);
  store::CaseFilter filter;
  filter.track = kTrack;
  filter.created_from = absl::FromCivil(days.first, cal::DistrictZone());
  filter.created_to = absl::FromCivil(days.last + 1, cal::DistrictZone());
  filter.limit = kScanPage;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> page, ctx.repo->ListCases(filter));
    for (const store::CaseRecord& record : page) {
      if (record.grid_id.empty()) continue;
      Grid& grid = grids[record.grid_id];
      grid.street_id = record.street_id;
      grid.community_id = record.community_id;
      ++grid.count;
      const IncidentTypeInfo* info = FindIncidentTypeByKey(record.category);
      if (info != nullptr) ++grid.types[info->type];
    }
    if (static_cast<int>(page.size()) < kScanPage) break;
    filter.after_create_time = page.back().create_time;
    filter.after_id = page.back().id;
  }

  std::vector<std::pair<std::string, const Grid*>> ordered;
  ordered.reserve(grids.size());
  for (const auto& [id, grid] : grids) ordered.emplace_back(id, &grid);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second->count != b.second->count ? a.second->count > b.second->count
                                              : a.first < b.first;
  });
  if (static_cast<int>(ordered.size()) > ctx.rules->hot_areas()) {
    ordered.resize(ctx.rules->hot_areas());
  }
  for (const auto& [id, grid] : ordered) {
    pv1::HotArea* hot = bulletin->add_hot_areas();
    hot->mutable_region()->set_street_id(grid->street_id);
    hot->mutable_region()->set_community_id(grid->community_id);
    hot->mutable_region()->set_grid_id(id);
    const std::string community = ctx.regions->NameOf(grid->community_id);
    hot->set_name(community.empty() ? id : absl::StrCat(community, " ", id));
    hot->set_count(grid->count);
    google::protobuf::RepeatedPtrField<pv1::TypeCount> top;
    AddDominantTypes(grid->types, 1, &top);
    if (!top.empty()) hot->set_dominant_type(top[0].type());
  }
  return absl::OkStatus();
}

absl::StatusOr<pv1::Bulletin> Bulletins::Impl::Compose(const auth::Principal& who,
                                                       const gv1::Period& period,
                                                       absl::Time now) const {
  pv1::Bulletin bulletin;
  *bulletin.mutable_period() = period;
  *bulletin.mutable_last_year_period() = cal::SamePeriodLastYear(period);
  *bulletin.mutable_publish_time() = ToTimestamp(now);
  bulletin.set_published_by(who.id);
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> current, Counts(period));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> last_year,
                       Counts(bulletin.last_year_period()));
  AddEntries(*KindOf(period), current, last_year, &bulletin);
  GOV_RETURN_IF_ERROR(AddHotAreas(period, &bulletin));
  bulletin.set_rules_version(ctx.rules->version());
  return bulletin;
}

// The key-area rules, for a bulletin of the kind they read: communities red in it and in the
// bulletins of the (list_after_red - 1) periods before, and not listed, are listed; listed ones
// blue in it and in the (delist_after_blue - 1) before, all of periods that count for the
// listing (see KeyAreas::OpenListing), are delisted. Runs are of consecutive periods: a period
// without a bulletin ends one.
absl::Status Bulletins::Impl::DecideKeyAreas(pv1::Bulletin* bulletin) const {
  const cv1::KeyAreaRules& rules = ctx.rules->key_area_rules();
  if (KindOf(bulletin->period()) != rules.period_kind()) return absl::OkStatus();
  const int list_after = rules.list_after_red();
  const int delist_after = rules.delist_after_blue();

  // The colours of the communities in this bulletin and in the ones before, newest first.
  std::vector<absl::flat_hash_map<std::string, gv1::Colour>> colours;
  std::vector<gv1::Period> periods;
  auto add = [&colours, &periods](const pv1::Bulletin& b) {
    auto& by_community = colours.emplace_back();
    for (const pv1::BulletinEntry& e : b.communities()) {
      by_community[e.region().community_id()] = e.colour();
    }
    periods.push_back(b.period());
  };
  add(*bulletin);
  gv1::Period period = bulletin->period();
  while (static_cast<int>(colours.size()) < std::max(list_after, delist_after)) {
    period = Previous(period);
    GOV_ASSIGN_OR_RETURN(const std::optional<pv1::Bulletin> before,
                         FindByKey(cal::PeriodKey(period)));
    if (!before.has_value()) break;
    add(*before);
  }
  auto in_a_row = [&colours](const std::string& community, gv1::Colour colour, int n) {
    if (static_cast<int>(colours.size()) < n) return false;
    for (int i = 0; i < n; ++i) {
      const auto it = colours[i].find(community);
      if (it == colours[i].end() || it->second != colour) return false;
    }
    return true;
  };

  GOV_ASSIGN_OR_RETURN(const std::vector<KeyAreas::OpenListing> open,
                       key_areas->OpenCommunityListings());
  absl::flat_hash_map<std::string, absl::CivilDay> counts_from;
  for (const KeyAreas::OpenListing& listing : open) {
    counts_from[listing.community_id] = listing.counts_from;
  }
  std::vector<std::string> listed;
  std::vector<std::string> delisted;
  for (const pv1::BulletinEntry& entry : bulletin->communities()) {
    const std::string& community = entry.region().community_id();
    const auto it = counts_from.find(community);
    if (it == counts_from.end()) {
      if (in_a_row(community, gv1::COLOUR_RED, list_after)) listed.push_back(community);
    } else if (in_a_row(community, gv1::COLOUR_BLUE, delist_after) &&
               Days(periods[delist_after - 1]).first >= it->second) {
      delisted.push_back(community);
    }
  }
  std::sort(listed.begin(), listed.end());
  std::sort(delisted.begin(), delisted.end());
  for (std::string& c : listed) bulletin->add_communities_listed(std::move(c));
  for (std::string& c : delisted) bulletin->add_communities_delisted(std::move(c));
  return absl::OkStatus();
}

// Stores a composed bulletin, once per period: the store keeps one bulletin per request_id
// "bulletin:<period key>", so of publishers racing for a period one stores it and the others
// (whose content differs at least by the publish time) get ALREADY_EXISTS and read the stored one.
absl::StatusOr<Bulletins::Impl::Published> Bulletins::Impl::Store(const pv1::Bulletin& bulletin,
                                                                  absl::Time now) const {
  store::EntityRecord record;
  record.track = kTrack;
  record.kind = kBulletinKind;
  record.key = cal::PeriodKey(bulletin.period());
  record.create_time = now;
  record.update_time = now;
  record.payload = SerializeStable(bulletin);
  absl::StatusOr<store::EntityRecord> stored =
      ctx.repo->CreateEntity(record, absl::StrCat("bulletin:", record.key),
                             cases::CaseEngine::RequestHash(record.payload), kIdPrefix);
  Published out;
  if (absl::IsAlreadyExists(stored.status())) {
    GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> first, FindByKey(record.key));
    if (!first.has_value()) {
      return absl::InternalError(absl::StrCat("bulletin ", record.key, " vanished"));
    }
    out.bulletin = std::move(*first);
    out.already = true;
    return out;
  }
  if (!stored.ok()) return stored.status();
  GOV_ASSIGN_OR_RETURN(out.bulletin, DecodeBulletin(*stored));
  out.created = true;
  return out;
}

absl::StatusOr<Bulletins::Impl::Published> Bulletins::Impl::PublishPeriod(
    const auth::Principal& who, const gv1::Period& period) const {
  const std::string key = cal::PeriodKey(period);
  GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> stored, FindByKey(key));
  Published out;
  if (stored.has_value()) {
    out.bulletin = std::move(*stored);
    out.already = true;
  } else {
    const absl::Time now = ctx.clock->Now();
    GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, Compose(who, period, now));
    GOV_RETURN_IF_ERROR(DecideKeyAreas(&bulletin));
    GOV_ASSIGN_OR_RETURN(out, Store(bulletin, now));
    if (out.created) {
      log::Info("bulletin published",
                {{"period", key},
                 {"id", out.bulletin.id()},
                 {"listed", absl::StrCat(out.bulletin.communities_listed_size())},
                 {"delisted", absl::StrCat(out.bulletin.communities_delisted_size())}});
    }
  }
  // What the bulletin decided is carried out now, and again whenever its period is published
  // again: the key areas apply it idempotently, so a failure between storing the bulletin and
  // this heals on the next publication (the server's upkeep publishes the last periods again).
  GOV_RETURN_IF_ERROR(key_areas->ApplyBulletin(out.bulletin));
  return out;
}

absl::StatusOr<int> Bulletins::Impl::PublishAll(std::vector<gv1::Period> periods,
                                                bool stop_at_error) const {
  // Oldest first, by the day the period ends (of those ending the same day, the shorter first),
  // so that each bulletin of the key-area kind finds the ones before it.
  std::sort(periods.begin(), periods.end(),
            [](const gv1::Period& a, const gv1::Period& b) { return ListedBefore(b, a); });
  const auth::Principal system = auth::SystemPrincipal(kSystemId);
  int stored = 0;
  absl::Status first;
  for (const gv1::Period& period : periods) {
    absl::StatusOr<Published> published = PublishPeriod(system, period);
    if (published.ok()) {
      if (published->created) ++stored;
      continue;
    }
    if (stop_at_error) return published.status();
    if (first.ok()) first = published.status();
  }
  if (!first.ok()) return first;
  return stored;
}

Bulletins::Bulletins(const PolicingContext& ctx, KeyAreas* key_areas)
    : impl_(std::make_unique<Impl>(Impl{ctx, key_areas})) {}
Bulletins::~Bulletins() = default;

absl::Status Bulletins::Publish(const auth::Principal& who, const pv1::PublishBulletinRequest& in,
                                pv1::PublishBulletinResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateBulletinPeriod(in.period(), "period"));
  const absl::CivilDay today = cal::LocalDay(impl_->ctx.clock->Now());
  const absl::CivilDay last = Days(in.period()).last;
  if (last >= today) {
    return absl::FailedPreconditionError(absl::StrCat(cal::PeriodKey(in.period()),
                                                      " is not over yet (its last day is ",
                                                      absl::FormatCivilTime(last), ")"));
  }
  GOV_ASSIGN_OR_RETURN(Impl::Published published, impl_->PublishPeriod(who, in.period()));
  *out->mutable_bulletin() = std::move(published.bulletin);
  out->set_already_published(published.already);
  return absl::OkStatus();
}

absl::Status Bulletins::Get(const auth::Principal&, const pv1::GetBulletinRequest& in,
                            pv1::GetBulletinResponse* out) {
  switch (in.key_case()) {
    case pv1::GetBulletinRequest::kId: {
      GOV_RETURN_IF_ERROR(ValidateId(in.id()));
      GOV_ASSIGN_OR_RETURN(const store::EntityRecord record,
                           impl_->ctx.repo->GetEntity(kTrack, kBulletinKind, in.id()));
      GOV_ASSIGN_OR_RETURN(*out->mutable_bulletin(), DecodeBulletin(record));
      return absl::OkStatus();
    }
    case pv1::GetBulletinRequest::kPeriod: {
      GOV_RETURN_IF_ERROR(ValidateBulletinPeriod(in.period(), "period"));
      const std::string key = cal::PeriodKey(in.period());
      GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> found, impl_->FindByKey(key));
      if (!found.has_value()) {
        return absl::NotFoundError(absl::StrCat("no bulletin published for ", key));
      }
      *out->mutable_bulletin() = std::move(*found);
      return absl::OkStatus();
    }
    case pv1::GetBulletinRequest::KEY_NOT_SET:
      break;
  }
  return InvalidField("id", "required: an id or a period");
}

// Newest period first. Keys begin with the year (the ISO year for weeks), and every period of a
// key year ends after every period of the key years before (ISO week 1 holds 4 January, so a
// week of one year never ends before 4 January of it), so the bulletins are read one key year
// at a time, newest first, ordered within it; the page token holds the key of the last one
// served.
absl::Status Bulletins::List(const auth::Principal&, const pv1::ListBulletinsRequest& in,
                             pv1::ListBulletinsResponse* out) {
  GOV_ASSIGN_OR_RETURN(
      const int size, cases::PageSize(in.page_size(), "page_size", kDefaultPageSize, kMaxPageSize));
  GOV_ASSIGN_OR_RETURN(const std::string letter, KindKeyLetter(in.period_kind()));
  const std::string binding = absl::StrCat("bulletins|", in.period_kind());
  std::optional<gv1::Period> after;
  if (!in.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(in.page_token(), binding));
    if (cursor.size() == 1) after = PeriodFromKey(cursor[0]);
    if (!after.has_value()) return InvalidField("page_token", "invalid or from another query");
  }

  std::vector<std::pair<gv1::Period, store::EntityRecord>> page;
  const int newest =
      after.has_value() ? after->year() : cal::LocalDay(impl_->ctx.clock->Now()).year();
  for (int year = newest; year >= kFirstYear && static_cast<int>(page.size()) <= size; --year) {
    store::EntityFilter filter;
    filter.track = kTrack;
    filter.kind = kBulletinKind;
    filter.key_prefix = absl::StrFormat("%04d-%s", year, letter);
    filter.limit = kScanPage;
    std::vector<std::pair<gv1::Period, store::EntityRecord>> rows;
    for (;;) {
      GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records,
                           impl_->ctx.repo->ListEntities(filter));
      const bool last = static_cast<int>(records.size()) < kScanPage;
      if (!records.empty()) filter.after_id = records.back().id;
      for (store::EntityRecord& record : records) {
        std::optional<gv1::Period> period = PeriodFromKey(record.key);
        if (!period.has_value()) continue;
        if (after.has_value() && !ListedBefore(*after, *period)) continue;
        rows.emplace_back(std::move(*period), std::move(record));
      }
      if (last) break;
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return ListedBefore(a.first, b.first); });
    for (auto& row : rows) {
      if (static_cast<int>(page.size()) > size) break;
      page.push_back(std::move(row));
    }
  }
  if (static_cast<int>(page.size()) > size) {
    page.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {cal::PeriodKey(page.back().first)}));
  }
  for (const auto& [period, record] : page) {
    GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, DecodeBulletin(record));
    bulletin.clear_streets();
    bulletin.clear_communities();
    bulletin.clear_hot_areas();
    *out->add_bulletins() = std::move(bulletin);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Bulletins::PublishDue() {
  const absl::CivilDay today = cal::LocalDay(impl_->ctx.clock->Now());
  std::vector<gv1::Period> periods;
  for (cv1::BulletinPeriodKind kind :
       {cv1::BULLETIN_PERIOD_KIND_WEEK, cv1::BULLETIN_PERIOD_KIND_MONTH,
        cv1::BULLETIN_PERIOD_KIND_QUARTER}) {
    periods.push_back(Previous(PeriodOf(kind, today)));
  }
  // Independent periods: each is tried even when another fails.
  return impl_->PublishAll(std::move(periods), /*stop_at_error=*/false);
}

absl::StatusOr<int> Bulletins::PublishSince(absl::CivilDay first) {
  const absl::CivilDay today = cal::LocalDay(impl_->ctx.clock->Now());
  // Monday of ISO week 1 of the first year periods may lie in.
  first = std::max(first, absl::CivilDay(kFirstYear, 1, 3));
  std::vector<gv1::Period> periods;
  for (cv1::BulletinPeriodKind kind :
       {cv1::BULLETIN_PERIOD_KIND_WEEK, cv1::BULLETIN_PERIOD_KIND_MONTH,
        cv1::BULLETIN_PERIOD_KIND_QUARTER}) {
    for (gv1::Period p = PeriodOf(kind, first); Days(p).last < today; p = Next(p)) {
      periods.push_back(p);
    }
  }
  // In order: a bulletin missing in the middle would break the key-area runs of the later ones.
  return impl_->PublishAll(std::move(periods), /*stop_at_error=*/true);
}

}  // namespace gov::policing
