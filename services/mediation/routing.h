#ifndef GOV_SERVICES_MEDIATION_ROUTING_H_
#define GOV_SERVICES_MEDIATION_ROUTING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "governance/mediation/v1/mediation.pb.h"
#include "services/mediation/registry.h"

namespace gov::mediation {

// Where a hop of a routing chain looks for a body.
enum class Anchor {
  kCommunity,  // the dispute's community (skipped when the dispute names none)
  kStreet,     // the dispute's street, a street-level body (no community)
  kDistrict,   // a district-level body (no street)
};

// One candidate in a routing chain: a body of `kind` at `anchor`; with `by_industry` the body
// must serve the industry the dispute's category belongs to (industry committees).
struct Hop {
  mv1::BodyKind kind = mv1::BODY_KIND_UNSPECIFIED;
  Anchor anchor = Anchor::kStreet;
  bool by_industry = false;
};

// One row of the diversion board (矛调分流): disputes of `category` arriving by `channel`
// (UNSPECIFIED matches any) go to the first body found along `chain`.
struct RouteRule {
  mv1::DisputeCategory category = mv1::DISPUTE_CATEGORY_UNSPECIFIED;  // UNSPECIFIED = any
  mv1::IntakeChannel channel = mv1::INTAKE_CHANNEL_UNSPECIFIED;       // UNSPECIFIED = any
  std::vector<Hop> chain;
};

// The routing table, first matching rule wins (see routing.cc for the table and why).
const std::vector<RouteRule>& RoutingTable();

// The industry whose committee takes a category, INDUSTRY_UNSPECIFIED when none does.
mv1::Industry IndustryOf(mv1::DisputeCategory category);

// The body a dispute is routed to by the table.
struct Route {
  mv1::MediatingBody body;
  int hop = 0;  // position in the chain that matched (0 = the preferred body)
};

// Picks the mediating body for a dispute (category, channel and region of `dispute`) from the
// registry's bodies. FAILED_PRECONDITION "no mediating body ..." when no hop of the chain finds
// one.
class Router {
 public:
  // Not owned; must outlive the router.
  explicit Router(const registry::Registry* bodies) : bodies_(bodies) {}

  absl::StatusOr<Route> RouteDispute(const mv1::Dispute& dispute) const;

 private:
  const registry::Registry* bodies_;
};

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_ROUTING_H_
