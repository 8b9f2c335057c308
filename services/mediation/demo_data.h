#ifndef GOV_SERVICES_MEDIATION_DEMO_DATA_H_
#define GOV_SERVICES_MEDIATION_DEMO_DATA_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/server/track_main.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/mediators.h"
#include "services/mediation/purchased.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"

// All of the mediation track's demo data (the track declares it: track.cc), and the pieces of it
// that other loaders reuse.
namespace gov::mediation {

// Fills an empty mediation store with an invented but plausible district (nothing happens when
// any mediating body exists): the registry (committees, rooms, micro-courts, teams, industry
// committees, the court centre, their mediators; a few gaps so that not every indicator is
// green), this year's trainings, about 400 disputes over the last 14 months moved through the
// real state machine with backdated times, and the court's monthly intake for last year and
// this year. Parties are invented ("张某"), phones obviously fake ("000-0000-0001").
// Deterministic: the same day gives the same data. The registry goes through registries of its
// own on `deps` (with a clock set back before the oldest dispute), the disputes through engines
// of their own (clocks set to each step's moment), the court's intake through `indicators`.
absl::Status LoadMediationDemo(const server::TrackDeps& deps,
                               indicators::IndicatorEngine& indicators);

// ---- Purchased services and consultations (demo_meetings.cc) ----

// The providers of purchased mediation services (an association taking every category, two law
// offices with specialities) with a contract each in force from `first_day` to the end of the
// year two years later, registered through `registries`.
struct PurchasedDemo {
  std::string any_category_contract;  // the association's contract id
};
absl::StatusOr<PurchasedDemo> LoadPurchasedDemo(const Registries& registries,
                                                absl::CivilDay first_day);

// The monthly consultation meetings (会商研判) from January of last year to `now`: held on the
// 10th, but one month of last year missed; two follow-ups each, done a fortnight later (some
// late, the recent ones open).
absl::Status LoadConsultationDemo(const server::TrackDeps& deps, absl::Time now);

// ---- The pieces of the demo loader that other loaders reuse (bench/bulk_load.cc) ----
// (demo_disputes.cc)

// An invented dispute (as a caller of CreateDispute would send it) and when it was taken in.
struct InventedDispute {
  mv1::Dispute dispute;
  absl::Time created;
};

// Invents one dispute, determined by `seed`: category, channel and street weighted the way a
// district sees them (street weights from the regions file), mostly with a community and
// sometimes a grid, invented parties, an amount for monetary categories, taken in during office
// hours on one of the `span_days` days before `now` (never at or after `now`), or on `day` when
// given (for a loader that takes disputes in in order of time).
InventedDispute InventDispute(const regions::RegionRegistry& regions, absl::Time now, int span_days,
                              uint64_t seed, std::optional<absl::CivilDay> day = std::nullopt);

// A dispute just created (id, etag of version 1, intake time) to move on.
struct CreatedDispute {
  std::string id;
  std::string etag;
  absl::Time created;
  uint64_t seed = 0;  // picks the dispute's fate and the time between steps
};

// Moves a created dispute through a plausible life on `engine`, acting as `actor`, with
// `clock` (the engine's) set to the moment of each step: triage by the routing table, a
// mediator of the body (or, with `referrals`, sometimes a provider of purchased services),
// sessions, then agreement (most often), failure or referral to court,
// sometimes a reopening, and closing; a few are left untriaged or stuck in mediation so that
// SLA breaches exist. Stops where `now` would be passed, so recent disputes are still open.
// Referrals to purchased mediation services: the mutation referring a dispute under a contract
// that covers it (unset: no referrals).
struct Referrals {
  std::function<cases::Mutation()> refer;
};

absl::Status LiveDisputeLife(cases::CaseEngine* engine, FakeClock* clock, const Router* router,
                             const MediatorsByBody& mediators, const Referrals* referrals,
                             const auth::Principal& actor, absl::Time now,
                             const CreatedDispute& dispute);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_DEMO_DATA_H_
