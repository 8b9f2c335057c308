#ifndef GOV_SERVICES_BACKLOG_DEMO_DATA_H_
#define GOV_SERVICES_BACKLOG_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/server/track_main.h"
#include "services/backlog/rules.h"
#include "services/backlog/supervision.h"
#include "services/backlog/warnings.h"

// The backlog track's demo data (the track declares it: track.cc).
namespace gov::backlog {

// Fills an empty backlog store (nothing happens when any case exists) with an invented district
// backlog: about 60 cases listed over the last 14 months in every street, from petitions,
// complaints, disputes, re-screening and the mediation track's disputes (named by id, not
// checked: the loader writes through the engine), each with a plan of two to four milestones,
// most of them worked through to verification and closing, some sent back, the recent ones in
// progress with milestones overdue; 24 projects of the last year with their risk assessments (a
// few that need one left without, so not started), a third of them under supervision with their
// milestones and supervision notices (some left unanswered); two screening rounds (last
// quarter's, closed, its entries accepted as cases or dismissed; this month's, open, with
// entries undecided); then what the sweeps do: warnings raised and escalated for the overdue
// milestones, unanswered notices moved up.
// Deterministic: the same day gives the same data.
absl::Status LoadBacklogDemo(const server::TrackDeps& deps, const Rules& rules, Warnings& warnings,
                             Supervision& supervision);

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_DEMO_DATA_H_
