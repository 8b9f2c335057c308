#ifndef GOV_SERVICES_TRIPARTITE_DEMO_DATA_H_
#define GOV_SERVICES_TRIPARTITE_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/cases/engine.h"
#include "common/meetings/meetings.h"
#include "common/server/track_main.h"
#include "services/tripartite/rules.h"

// The tripartite track's demo data (the track declares the loads: track.cc). Each load fills an
// empty store of its own kind (nothing happens when any item of it exists) with an invented
// district's, dated back from today and deterministic for a day. The compounds come first
// (CP-000001 onwards, every community of every street); the other loads find them by listing.
namespace gov::tripartite {

// demo_compounds.cc: the compounds, most with their three-party body set up over the last
// year; the hub's activities (trainings with their trainees among them) and the streets'
// highlights of this year.
absl::Status LoadCompoundDemo(const server::TrackDeps& deps, const Rules& rules);

// demo_committees.cc: owners' and supervisory committees at every step of their formation over
// the last year (most filed, some elected awaiting filing, a few withdrawn), some of the filed
// owners' committees designated model committees this year.
absl::Status LoadCommitteeDemo(const server::TrackDeps& deps, const Rules& rules,
                               cases::CaseEngine* committees);

// demo_fees_disputes.cc: every compound's fee collection for the months of this year (in all
// four colours), property disputes over the last year (fee arrears, hard cases among them, some
// referred to the joint meeting and resolved by its decision), the joint meetings about them and
// the deliberation sessions held in the compounds with their follow-ups.
absl::Status LoadFeeAndDisputeDemo(const server::TrackDeps& deps, const Rules& rules,
                                   cases::CaseEngine* disputes, const meetings::Meetings* meetings);

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_DEMO_DATA_H_
