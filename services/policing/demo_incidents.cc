// The demo's incidents: invented deterministically day by day, and ingested as the police
// platform would send them.

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/cases/calendar.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/parallel.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/policing/demo_data.h"
#include "services/policing/incidents.h"
#include "services/policing/taxonomy.h"

namespace gov::policing {
namespace {

using demo::UnitInterval;

constexpr char kLoader[] = "demo-loader";
// Days back from today the demo covers (two years and a day, so that the same period of last
// year is complete for every period of this year).
constexpr int kSpanDays = 731;
// Rates accumulate from this day, so that what a day holds never depends on the span asked.
constexpr absl::CivilDay kEpoch(2020, 1, 1);
// The district's incidents a day around the reference day, before season and weekday.
constexpr double kIncidentsPerDay = 14.0;
constexpr absl::CivilDay kReferenceDay(2025, 7, 1);
// Yearly trends: most streets down, the rising ones up, telecom fraud up on its street's trend.
constexpr double kFallingTrend = -0.095;
constexpr double kRisingTrend = 0.06;
constexpr double kTelecomFraudExtra = 0.12;
// Streets (by position in the regions file) whose incidents rise, so that not every street
// meets the target.
constexpr int kRisingStreets[] = {2, 7};
constexpr int kWorkers = 16;

// Shares of the types in all incidents (110 calls: about half non-police).
struct TypeShare {
  pv1::IncidentType type;
  double share;
  bool night;  // mostly at night
};
constexpr TypeShare kTypeShares[] = {
    {pv1::INCIDENT_TYPE_THEFT, 0.080, false},
    {pv1::INCIDENT_TYPE_BURGLARY, 0.020, true},
    {pv1::INCIDENT_TYPE_ROBBERY, 0.005, true},
    {pv1::INCIDENT_TYPE_TELECOM_FRAUD, 0.050, false},
    {pv1::INCIDENT_TYPE_FRAUD, 0.020, false},
    {pv1::INCIDENT_TYPE_VIOLENCE, 0.015, true},
    {pv1::INCIDENT_TYPE_ORGANISED_CRIME, 0.003, true},
    {pv1::INCIDENT_TYPE_OTHER_CRIMINAL, 0.017, false},
    {pv1::INCIDENT_TYPE_FIGHT, 0.050, true},
    {pv1::INCIDENT_TYPE_VICE, 0.015, true},
    {pv1::INCIDENT_TYPE_DISTURBANCE, 0.060, true},
    {pv1::INCIDENT_TYPE_OTHER_PUBLIC_ORDER, 0.035, false},
    {pv1::INCIDENT_TYPE_TRAFFIC, 0.180, false},
    {pv1::INCIDENT_TYPE_ASSISTANCE, 0.200, false},
    {pv1::INCIDENT_TYPE_DISPUTE, 0.170, false},
    {pv1::INCIDENT_TYPE_MUNICIPAL, 0.080, false},
};
constexpr int kTypes = static_cast<int>(std::size(kTypeShares));

// Month factors (quiet around the Spring Festival, busy in summer), mean about 1.
constexpr double kSeason[12] = {0.93, 0.84, 0.96, 1.00, 1.03, 1.06,
                                1.10, 1.10, 1.03, 1.00, 0.97, 0.98};
// Hour weights of the day and the night profiles.
constexpr int kDayHours[24] = {1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8,
                               8, 7, 7, 7, 8, 8, 8, 7, 6, 4, 3, 2};
constexpr int kNightHours[24] = {8, 8, 7, 5, 3, 2, 1, 1, 1, 2, 2, 2,
                                 2, 2, 2, 2, 3, 3, 4, 5, 7, 8, 9, 9};

// The seed of a day (from kEpoch), a street, a type and an item of it.
uint64_t Seed(int64_t day, int street, int type, int k) {
  return demo::Seed(static_cast<uint64_t>(day), static_cast<uint64_t>(street),
                    static_cast<uint64_t>(type) << 16 | static_cast<uint64_t>(k));
}

double Weekday(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::friday:
      return 1.08;
    case absl::Weekday::saturday:
      return 1.10;
    case absl::Weekday::sunday:
      return 1.00;
    default:
      return 0.955;
  }
}

// The k-th incident of a type in a street on a day.
pv1::Incident Invent(const governance::config::v1::Street& street, int street_index,
                     const TypeShare& type, absl::CivilDay day, int k) {
  demo::Random rng(Seed(day - kEpoch, street_index, static_cast<int>(type.type), k));
  pv1::Incident incident;
  incident.set_incident_number(absl::StrFormat("DEMO-%04d%02d%02d-%02d%02d-%d", day.year(),
                                               day.month(), day.day(), street_index + 1,
                                               static_cast<int>(type.type), k));
  incident.set_type(type.type);
  const int hour = rng.WeightedIndex(type.night ? kNightHours : kDayHours);
  const int minute = rng.Int(0, 59);
  const int second = rng.Int(0, 59);
  *incident.mutable_occur_time() = ToTimestamp(demo::LocalTime(day, hour, minute, second));
  // Mostly in a community, the first communities of a street the busier ones; often a grid.
  const demo::Place place =
      demo::DrawPlace(street, street_index, rng,
                      {.community_percent = 92, .grid_percent = 65, .busier_first = true});
  *incident.mutable_region() = place.region();
  const IncidentTypeInfo* info = FindIncidentType(type.type);
  incident.set_summary(
      absl::StrCat("演示数据：", info != nullptr ? info->name_zh : "", "警情，民警已到场处置。"));
  incident.set_address(demo::Address(place.name, rng));
  return incident;
}

auth::Principal Loader() { return demo::Actor(kLoader, auth::kSystem); }

// What a load did.
struct LoadCounts {
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> replayed{0};
  std::atomic<int64_t> conflicts{0};
};

// Ingests `incidents` on kWorkers threads, oldest first; the first error stops the rest. A
// number stored with other content (demo data of an older version of this loader) keeps the
// stored incident and is counted.
absl::Status IngestAll(cases::CaseEngine& engine, const regions::RegionRegistry& regions,
                       const Clock& clock, const std::vector<pv1::Incident>& incidents,
                       LoadCounts& counts) {
  const auth::Principal loader = Loader();
  return ParallelFor(static_cast<int>(incidents.size()), kWorkers, [&](int, int i) -> absl::Status {
    absl::StatusOr<cases::Case> ingested =
        IngestIncident(engine, regions, clock, loader, incidents[i], "incident");
    if (ingested.ok()) {
      (ingested->created ? counts.created : counts.replayed)++;
    } else if (absl::IsAlreadyExists(ingested.status())) {
      counts.conflicts++;
    } else {
      return ingested.status();
    }
    return absl::OkStatus();
  });
}

}  // namespace

std::vector<pv1::Incident> DemoIncidents(const regions::RegionRegistry& regions,
                                         absl::CivilDay first, absl::CivilDay last,
                                         absl::Time now) {
  const auto& streets = regions.streets();
  const int n = static_cast<int>(streets.size());
  // Street weights: its communities, and a busier or quieter character.
  std::vector<double> weight(n);
  double total_weight = 0;
  for (int s = 0; s < n; ++s) {
    weight[s] = streets[s]->communities_size() + (s * 5) % 7;
    total_weight += weight[s];
  }
  // Growth per year of each street and type, as the exponent of e per day.
  std::vector<std::array<double, kTypes>> growth(n);
  for (int s = 0; s < n; ++s) {
    const bool rising = std::find(std::begin(kRisingStreets), std::end(kRisingStreets), s) !=
                        std::end(kRisingStreets);
    const double street_trend = rising ? kRisingTrend : kFallingTrend;
    for (int t = 0; t < kTypes; ++t) {
      double factor = 1 + street_trend;
      if (kTypeShares[t].type == pv1::INCIDENT_TYPE_TELECOM_FRAUD) factor *= 1 + kTelecomFraudExtra;
      growth[s][t] = std::log(factor) / 365.2425;
    }
  }

  std::vector<pv1::Incident> out;
  if (total_weight <= 0) return out;
  // Each stream starts at its own phase: streams of proportional rates would otherwise pass
  // whole numbers on the same days, and their rounding would add up instead of evening out.
  std::vector<demo::DailyStream> streams;  // street s, type t at s * kTypes + t
  for (int s = 0; s < n; ++s) {
    for (int t = 0; t < kTypes; ++t) streams.emplace_back(Seed(-1, s, t, 0xffff));
  }
  for (absl::CivilDay day = kEpoch; day <= last; ++day) {
    const double days_from_reference = static_cast<double>(day - kReferenceDay);
    const double calendar = kIncidentsPerDay * kSeason[day.month() - 1] * Weekday(day);
    for (int s = 0; s < n; ++s) {
      // A per-day jitter of +-20%: busy and quiet days, evened out over a month.
      const double jitter = 0.8 + 0.4 * UnitInterval(Seed(day - kEpoch, s, 0xffff, 0xffff));
      const double street_rate = calendar * jitter * weight[s] / total_weight;
      for (int t = 0; t < kTypes; ++t) {
        const int count = streams[s * kTypes + t].Add(street_rate * kTypeShares[t].share *
                                                      std::exp(growth[s][t] * days_from_reference));
        if (day < first) continue;
        for (int k = 0; k < count; ++k) {
          pv1::Incident incident = Invent(*streets[s], s, kTypeShares[t], day, k);
          if (FromTimestamp(incident.occur_time()) < now) out.push_back(std::move(incident));
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const pv1::Incident& a, const pv1::Incident& b) {
    const absl::Time ta = FromTimestamp(a.occur_time());
    const absl::Time tb = FromTimestamp(b.occur_time());
    return ta != tb ? ta < tb : a.incident_number() < b.incident_number();
  });
  return out;
}

absl::Status LoadIncidentDemoData(cases::CaseEngine& incidents, const CountIncidents& count,
                                  const regions::RegionRegistry& regions, const Clock& clock) {
  const absl::Time now = clock.Now();
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::CivilDay first = std::max(today - kSpanDays, kEpoch);
  const std::vector<pv1::Incident> planned = DemoIncidents(regions, first, today, now);

  // Month by month: the incidents of the months the store does not hold in full yet.
  std::vector<pv1::Incident> missing;
  int months_complete = 0;
  for (size_t begin = 0; begin < planned.size();) {
    const absl::CivilMonth month(cal::LocalDay(FromTimestamp(planned[begin].occur_time())));
    size_t end = begin;
    while (end < planned.size() &&
           absl::CivilMonth(cal::LocalDay(FromTimestamp(planned[end].occur_time()))) == month) {
      ++end;
    }
    store::CountQuery query;
    query.track = kTrack;
    query.first = std::max(absl::CivilDay(month), first);
    query.last = std::min(absl::CivilDay(month + 1) - 1, today);
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, count(query));
    int64_t stored = 0;
    for (const store::CountRow& row : rows) stored += row.count;
    if (stored >= static_cast<int64_t>(end - begin)) {
      ++months_complete;
    } else {
      missing.insert(missing.end(), planned.begin() + static_cast<std::ptrdiff_t>(begin),
                     planned.begin() + static_cast<std::ptrdiff_t>(end));
    }
    begin = end;
  }
  if (missing.empty()) {
    log::Info("demo data present", {{"track", kTrack},
                                    {"incidents", absl::StrCat(planned.size())},
                                    {"months", absl::StrCat(months_complete)}});
    return absl::OkStatus();
  }

  LoadCounts counts;
  GOV_RETURN_IF_ERROR(IngestAll(incidents, regions, clock, missing, counts));
  log::Info("demo data loaded", {{"track", kTrack},
                                 {"planned", absl::StrCat(planned.size())},
                                 {"created", absl::StrCat(counts.created.load())},
                                 {"replayed", absl::StrCat(counts.replayed.load())},
                                 {"conflicting", absl::StrCat(counts.conflicts.load())},
                                 {"months_already_complete", absl::StrCat(months_complete)}});
  return absl::OkStatus();
}

}  // namespace gov::policing
