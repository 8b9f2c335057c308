#ifndef GOV_SERVICES_HAZARD_DEMO_DATA_H_
#define GOV_SERVICES_HAZARD_DEMO_DATA_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/server/track_main.h"
#include "services/hazard/accidents.h"
#include "services/hazard/elevators.h"
#include "services/hazard/enterprises.h"
#include "services/hazard/hazards.h"
#include "services/hazard/rules.h"
#include "services/hazard/sites.h"

// The hazard track's demo data (the track declares the loads: track.cc). Each load fills an
// empty store of its own kind (nothing happens when any item of it exists) with an invented
// district's, dated back from today and deterministic for a day.
namespace gov::hazard {

// demo_enterprises.cc: the enterprises of every sector in every street, graded at registration,
// inspected over the last year (their findings opened as hazards, some of them rectified,
// verified and closed since, a few late) and graded again.
absl::Status LoadEnterpriseDemo(const server::TrackDeps& deps, const Rules& rules,
                                cases::CaseEngine* hazards);

// demo_hazards.cc: hazards found by grid patrol, reports, food sampling and the fire-lane
// campaign over the last year, through rectification, verification and closing (some late,
// some rejected once, some open), and a few handed over to criminal investigation.
absl::Status LoadHazardDemo(const server::TrackDeps& deps, const Rules& rules,
                            cases::CaseEngine* hazards);

// demo_programmes.cc: the programmes' sites (compounds, micro fire stations, shop-dwellings,
// restaurants, traffic stations, construction vehicles) most of them done, elevators with their
// policies and renewals, and the accidents of the last year.
absl::Status LoadProgrammeDemo(const server::TrackDeps& deps, const Rules& rules);

// demo_spot_checks.cc: the traffic police's e-bike spot checks per street, every month of this
// year so far (violations and those notified, riders observed and those wearing a helmet),
// recorded as figures (idempotent by their request ids).
absl::Status LoadSpotCheckDemo(indicators::IndicatorEngine& engine,
                               const regions::RegionRegistry& regions, absl::Time now);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_DEMO_DATA_H_
