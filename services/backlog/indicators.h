#ifndef GOV_SERVICES_BACKLOG_INDICATORS_H_
#define GOV_SERVICES_BACKLOG_INDICATORS_H_

#include <vector>

#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "services/backlog/projects.h"

// The backlog track's indicators (the plan's 积案全面清零 and what watches the way there) and
// its ranking dimensions, as the track declares them (track.cc).
namespace gov::backlog {

// `cases` is the backlog cases' engine (overdue milestones are read from the cases in progress),
// `projects` the projects' part (assessment coverage); both outlive the indicators.
std::vector<indicators::IndicatorSpec> BacklogIndicators(cases::CaseEngine* cases,
                                                         const Projects* projects);
indicators::RankingSpec BacklogRankings();

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_INDICATORS_H_
