#ifndef GOV_SERVICES_MEDIATION_INDICATORS_H_
#define GOV_SERVICES_MEDIATION_INDICATORS_H_

#include <vector>

#include "common/indicators/indicators.h"
#include "common/meetings/meetings.h"
#include "services/mediation/bodies.h"
#include "services/mediation/registry.h"

// The mediation track's indicators (the plan's targets), outside figures and ranking
// dimensions, as the track declares them (track.cc).
namespace gov::mediation {

// The plan's targets as indicators, in the order they are listed; the registry's indicators
// count the rows of `registries`, the consultation's read `meetings` (neither owned; both must
// outlive the indicators).
std::vector<indicators::IndicatorSpec> MediationIndicators(const Registries* registries,
                                                           const meetings::Meetings* meetings);
// Figures recorded from outside the system (the court's monthly intake).
std::vector<indicators::FigureSpec> MediationFigures();
// Ranking dimensions and display names (bodies' names from `bodies`, not owned).
indicators::RankingSpec MediationRankings(const Bodies* bodies);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_INDICATORS_H_
