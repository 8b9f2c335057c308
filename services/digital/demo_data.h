#ifndef GOV_SERVICES_DIGITAL_DEMO_DATA_H_
#define GOV_SERVICES_DIGITAL_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/cases/engine.h"
#include "common/server/track_main.h"
#include "services/digital/rules.h"

// The digital track's demo data (the track declares the loads: track.cc). Each load fills an
// empty store of its own kind (nothing happens when any item of it exists) with an invented
// district's, dated back from today and deterministic for a day.
namespace gov::digital {

// demo_cameras.cc: the City Eye's cameras in every street, connected over the last years (more
// than 400 this year), most online, some offline, a few retired.
absl::Status LoadCameraDemo(const server::TrackDeps& deps);

// demo_scenarios.cc: in-wall and out-wall scenarios launched over the last year at every
// stage, one street's in-wall scenarios rolled out to others, and the future-community pilot's.
absl::Status LoadScenarioDemo(const server::TrackDeps& deps);

// demo_events.cc: City Eye events of the last days in every street, of every type, from cameras
// and grid patrols, a few dismissed as false detections; the rest taken in DETECTED, for the
// dispatch sweep to send to their tracks once those answer.
absl::Status LoadEventDemo(const server::TrackDeps& deps, const Rules& rules,
                           cases::CaseEngine* events);

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_DEMO_DATA_H_
