#include "services/mediation/routing.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/bodies.h"

namespace gov::mediation {
namespace {

using mv1::BODY_KIND_COMMUNITY_ROOM;
using mv1::BODY_KIND_COURT_CENTRE;
using mv1::BODY_KIND_INDUSTRY_COMMITTEE;
using mv1::BODY_KIND_MICRO_COURT;
using mv1::BODY_KIND_STREET_COMMITTEE;

constexpr Hop kCommunityRoom{BODY_KIND_COMMUNITY_ROOM, Anchor::kCommunity, false};
constexpr Hop kIndustryCommittee{BODY_KIND_INDUSTRY_COMMITTEE, Anchor::kDistrict, true};
constexpr Hop kStreetCommittee{BODY_KIND_STREET_COMMITTEE, Anchor::kStreet, false};
constexpr Hop kCommunityMicroCourt{BODY_KIND_MICRO_COURT, Anchor::kCommunity, false};
constexpr Hop kStreetMicroCourt{BODY_KIND_MICRO_COURT, Anchor::kStreet, false};
constexpr Hop kCourtCentre{BODY_KIND_COURT_CENTRE, Anchor::kDistrict, false};

// Which industry committee takes which category. Family disputes have a committee too
// (婚姻家庭调委会) but are first the community's business, see the table.
struct IndustryOfCategory {
  mv1::DisputeCategory category;
  mv1::Industry industry;
};
constexpr IndustryOfCategory kIndustries[] = {
    {mv1::DISPUTE_CATEGORY_FAMILY, mv1::INDUSTRY_FAMILY},
    {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, mv1::INDUSTRY_PROPERTY_MANAGEMENT},
    {mv1::DISPUTE_CATEGORY_LABOUR, mv1::INDUSTRY_LABOUR},
    {mv1::DISPUTE_CATEGORY_TRAFFIC, mv1::INDUSTRY_TRAFFIC},
    {mv1::DISPUTE_CATEGORY_MEDICAL, mv1::INDUSTRY_MEDICAL},
    {mv1::DISPUTE_CATEGORY_CONSUMER, mv1::INDUSTRY_CONSUMER},
    {mv1::DISPUTE_CATEGORY_FINANCE, mv1::INDUSTRY_FINANCE},
    {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, mv1::INDUSTRY_INTELLECTUAL_PROPERTY},
    {mv1::DISPUTE_CATEGORY_COMMERCE, mv1::INDUSTRY_COMMERCE},
};

std::string HopName(const Hop& hop, mv1::Industry industry) {
  std::string name = EnumKey(hop.kind);
  if (hop.by_industry) absl::StrAppend(&name, "(", EnumKey(industry), ")");
  switch (hop.anchor) {
    case Anchor::kCommunity:
      absl::StrAppend(&name, "@community");
      break;
    case Anchor::kStreet:
      absl::StrAppend(&name, "@street");
      break;
    case Anchor::kDistrict:
      absl::StrAppend(&name, "@district");
      break;
  }
  return name;
}

}  // namespace

// The diversion board (矛调分流 "一盘棋"). Each chain starts with the body closest to the
// dispute that has the expertise, and every chain ends with the street committee (every street
// has one) and then the court's pre-litigation centre, so a dispute is only unroutable when
// the registry lacks even those.
//
// | category / channel                      | chain                                              |
// |-----------------------------------------|----------------------------------------------------|
// | any, channel COURT_REFERRAL             | micro-court@community, micro-court@street,         |
// |                                         | court centre, street committee                     |
// | FAMILY                                  | community room, industry committee (FAMILY),       |
// |                                         | street committee, court centre                     |
// | NEIGHBOURHOOD                           | community room, street committee, court centre     |
// | PROPERTY_MANAGEMENT, LABOUR, TRAFFIC,   | industry committee of the category's industry,     |
// | MEDICAL, CONSUMER, FINANCE,             | street committee, court centre                     |
// | INTELLECTUAL_PROPERTY, COMMERCE         |                                                    |
// | CONTRACT, LAND_AND_HOUSING, OTHER       | street committee, court centre                     |
//
// Court referrals go to the micro-courts first because those are the court's own bodies fused
// with the street and community committees (诉前调解); the court centre is their fallback and
// the street committee comes last only for a district without court bodies.
const std::vector<RouteRule>& RoutingTable() {
  static const std::vector<RouteRule>* table = new std::vector<RouteRule>{
      {mv1::DISPUTE_CATEGORY_UNSPECIFIED,
       mv1::INTAKE_CHANNEL_COURT_REFERRAL,
       {kCommunityMicroCourt, kStreetMicroCourt, kCourtCentre, kStreetCommittee}},
      {mv1::DISPUTE_CATEGORY_FAMILY,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kCommunityRoom, kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kCommunityRoom, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_LABOUR,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_TRAFFIC,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_MEDICAL,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_CONSUMER,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_FINANCE,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_COMMERCE,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kIndustryCommittee, kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_CONTRACT,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kStreetCommittee, kCourtCentre}},
      {mv1::DISPUTE_CATEGORY_OTHER,
       mv1::INTAKE_CHANNEL_UNSPECIFIED,
       {kStreetCommittee, kCourtCentre}},
  };
  return *table;
}

mv1::Industry IndustryOf(mv1::DisputeCategory category) {
  for (const IndustryOfCategory& entry : kIndustries) {
    if (entry.category == category) return entry.industry;
  }
  return mv1::INDUSTRY_UNSPECIFIED;
}

absl::StatusOr<Route> Router::RouteDispute(const mv1::Dispute& dispute) const {
  const RouteRule* rule = nullptr;
  for (const RouteRule& candidate : RoutingTable()) {
    const bool category_matches = candidate.category == mv1::DISPUTE_CATEGORY_UNSPECIFIED ||
                                  candidate.category == dispute.category();
    const bool channel_matches = candidate.channel == mv1::INTAKE_CHANNEL_UNSPECIFIED ||
                                 candidate.channel == dispute.channel();
    if (category_matches && channel_matches) {
      rule = &candidate;
      break;
    }
  }
  if (rule == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("no mediating body: the routing table has no rule for category ",
                     EnumKey(dispute.category()), " and channel ", EnumKey(dispute.channel())));
  }

  const std::string& street = dispute.region().street_id();
  const std::string& community = dispute.region().community_id();
  const mv1::Industry industry = IndustryOf(dispute.category());
  std::vector<std::string> tried;
  for (size_t i = 0; i < rule->chain.size(); ++i) {
    const Hop& hop = rule->chain[i];
    if (hop.anchor == Anchor::kCommunity && community.empty()) continue;
    if (hop.by_industry && industry == mv1::INDUSTRY_UNSPECIFIED) continue;
    tried.push_back(HopName(hop, industry));
    std::string at_street;
    std::string at_community;
    switch (hop.anchor) {
      case Anchor::kCommunity:
        at_street = street;
        at_community = community;
        break;
      case Anchor::kStreet:
        at_street = street;
        break;
      case Anchor::kDistrict:
        break;
    }
    GOV_ASSIGN_OR_RETURN(
        std::vector<mv1::MediatingBody> bodies,
        BodiesAt(*bodies_, hop.kind, hop.by_industry ? industry : mv1::INDUSTRY_UNSPECIFIED,
                 at_street, at_community));
    if (!bodies.empty()) return Route{std::move(bodies.front()), static_cast<int>(i)};
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "no mediating body for a ", EnumKey(dispute.category()), " dispute via ",
      EnumKey(dispute.channel()), " in ", street, community.empty() ? "" : "/", community,
      " (tried ", absl::StrJoin(tried, ", "), "); register one or name body_id"));
}

}  // namespace gov::mediation
