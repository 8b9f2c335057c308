#ifndef GOV_SERVICES_DISORDER_DEMO_DATA_H_
#define GOV_SERVICES_DISORDER_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "services/disorder/campaigns.h"
#include "services/disorder/complaints.h"
#include "services/disorder/enforcement.h"
#include "services/disorder/fume_feed.h"

// The disorder track's demo data, loaded in this order (the track's Demo declarations): the
// monitored objects (the feed reads them), the complaints (the feed's episodes may repeat
// theirs), the complaints at the control points, the fume readings, the findings and the
// campaigns. Each load is deterministic and idempotent (request ids per item): a restart replays
// what is there and moves on only what its plan says and the clock allows. The objects, readings
// and campaigns are demo_data.cc's, the complaints demo_complaints.cc's (those at the control
// points demo_points.cc's), the findings demo_enforcement.cc's.
namespace gov::disorder {

// The plan's objects, a few short of the targets and a few sites missing a system.
absl::Status LoadObjectDemo(const registry::Registry& objects, const server::TrackDeps& deps);

// Two years of invented complaints over every category, channel and street (some with
// coordinates, some repeats), most resolved and called back.
absl::Status LoadComplaintDemo(Complaints& complaints, const server::TrackDeps& deps);

// Complaints at the restaurants under special control over the last 14 months: in some months
// at some of them a cooking-fumes complaint and a repeat of it a few days later at the same
// place, the first then closed (repeat-complaint points more often than inspection points).
absl::Status LoadControlPointDemo(Complaints& complaints, const registry::Registry& objects,
                                  const server::TrackDeps& deps);

// A few days of readings every 10 minutes for some of the restaurants, a few of them over the
// limit in episodes (replays are stale).
absl::Status LoadFumeDemo(FumeFeed& feed, const registry::Registry& objects,
                          const server::TrackDeps& deps);

// Findings over two years (last year's rate lower than this year's for stalls and businesses).
absl::Status LoadEnforcementDemo(Enforcements& enforcements, const server::TrackDeps& deps);

// Over the last year, a campaign a month for each category of the month's pair and for each
// of the demo's routine categories (cooking fumes, mobile stalls, noise), completed with
// results; this month's under way and next month's planned. Each started in its month (the
// start recorded after the fact).
absl::Status LoadCampaignDemo(Campaigns& campaigns, const server::TrackDeps& deps);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_DEMO_DATA_H_
