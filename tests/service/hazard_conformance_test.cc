// The conformance suite (tests/support/conformance.h) for the hazard track: its hazards (the one
// kind of case) and every registry: enterprises, their inspections, campaigns, the programmes'
// sites, elevators and accidents, created in street GS01.

#include <string>

#include "gtest/gtest.h"
#include "services/hazard/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

Kind HazardKindOf(const std::string& name) {
  Kind kind;
  kind.track = "hazard";
  kind.name = name;
  kind.service = "governance.hazard.v1.HazardService";
  kind.factory = track::Factory<hazard::HazardTrack>("hazard");
  kind.creator = "admin";
  return kind;
}

// Hazards: reported OPEN; the rectification is allowed, a verification before it is not.
Kind Hazards() {
  Kind kind = HazardKindOf("hazard");
  kind.create = {"ReportHazard",
                 R"({"requestId": "$RID",
                     "hazard": {"type": "HAZARD_TYPE_FIRE", "source": "HAZARD_SOURCE_GRID_PATROL",
                                "severity": "SEVERITY_GENERAL",
                                "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                                "description": "Conformance hazard $RID",
                                "reporter": "Grid member"}})"};
  kind.create_other = {"ReportHazard",
                       R"({"requestId": "$RID",
                           "hazard": {"type": "HAZARD_TYPE_GAS",
                                      "source": "HAZARD_SOURCE_REPORT",
                                      "severity": "SEVERITY_MAJOR",
                                      "region": {"streetId": "$STREET"},
                                      "description": "Another conformance hazard $RID"}})"};
  kind.item_field = "hazard";
  kind.get = {"GetHazard", R"({"id": "$ID"})"};
  kind.list = {"ListHazards", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "hazards";
  kind.move = {"RectifyHazard",
               R"({"id": "$ID", "etag": "$ETAG", "rectification": "conformance rectification"})"};
  kind.illegal = {"VerifyHazard", R"({"id": "$ID", "etag": "$ETAG", "accepted": true})"};
  return kind;
}

Kind Enterprises() {
  Kind kind = HazardKindOf("enterprise");
  kind.create = {"RegisterEnterprise",
                 R"({"requestId": "$RID",
                     "enterprise": {"name": "Conformance enterprise $RID",
                                    "sector": "SECTOR_MANUFACTURING",
                                    "region": {"streetId": "$STREET",
                                               "communityId": "$COMMUNITY"},
                                    "contact": "Safety officer"}})"};
  kind.create_other = {"RegisterEnterprise",
                       R"({"requestId": "$RID",
                           "enterprise": {"name": "Another conformance enterprise $RID",
                                          "sector": "SECTOR_RETAIL",
                                          "region": {"streetId": "$STREET"}}})"};
  kind.item_field = "enterprise";
  kind.get = {"GetEnterprise", R"({"id": "$ID"})"};
  kind.list = {"ListEnterprises", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "enterprises";
  return kind;
}

// Inspections of an enterprise made for them; read through their list (every inspection in the
// caller's streets: a list by another street's enterprise is refused whole).
Kind Inspections() {
  Kind kind = HazardKindOf("inspection");
  kind.prepare = {"RegisterEnterprise",
                  R"({"requestId": "conformance-inspected-enterprise",
                      "enterprise": {"name": "Inspected conformance enterprise",
                                     "sector": "SECTOR_WAREHOUSING",
                                     "region": {"streetId": "$STREET"}}})"};
  kind.prepare_field = "enterprise";
  kind.create = {"RecordInspection",
                 R"({"requestId": "$RID",
                     "inspection": {"enterpriseId": "$PREP", "day": "$TODAY",
                                    "inspector": "Inspector $RID",
                                    "findings": [{"type": "HAZARD_TYPE_FIRE",
                                                  "severity": "SEVERITY_GENERAL",
                                                  "description": "Blocked exit $RID"}]}})"};
  kind.create_other = {"RecordInspection",
                       R"({"requestId": "$RID",
                           "inspection": {"enterpriseId": "$PREP", "day": "$TODAY",
                                          "inspector": "Another inspector $RID"}})"};
  kind.item_field = "inspection";
  kind.get = {"ListInspections", R"({"pageSize": 500})"};
  kind.list = {"ListInspections", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "inspections";
  return kind;
}

Kind Campaigns() {
  Kind kind = HazardKindOf("campaign");
  kind.create = {"OpenCampaign",
                 R"({"requestId": "$RID",
                     "campaign": {"name": "Conformance campaign $RID", "type": "HAZARD_TYPE_FIRE_LANE",
                                  "streetId": "$STREET", "firstDay": "$TODAY",
                                  "lastDay": "2099-12-31"}})"};
  kind.create_other = {"OpenCampaign",
                       R"({"requestId": "$RID",
                           "campaign": {"name": "Another conformance campaign $RID",
                                        "type": "HAZARD_TYPE_GAS", "streetId": "$STREET",
                                        "firstDay": "$TODAY", "lastDay": "2099-06-30"}})"};
  kind.item_field = "campaign";
  kind.get = {"GetCampaign", R"({"id": "$ID"})"};
  kind.list = {"ListCampaigns", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "campaigns";
  return kind;
}

// Sites: a micro fire station is completed once.
Kind Sites() {
  Kind kind = HazardKindOf("site");
  kind.create = {"RegisterSite",
                 R"({"requestId": "$RID",
                     "site": {"kind": "SITE_KIND_MICRO_FIRE_STATION",
                              "name": "Conformance station $RID",
                              "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"}}})"};
  kind.create_other = {"RegisterSite",
                       R"({"requestId": "$RID",
                           "site": {"kind": "SITE_KIND_COMPOUND",
                                    "name": "Conformance compound $RID",
                                    "region": {"streetId": "$STREET",
                                               "communityId": "$COMMUNITY"}}})"};
  kind.item_field = "site";
  kind.get = {"GetSite", R"({"id": "$ID"})"};
  kind.list = {"ListSites", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "sites";
  kind.move = {"CompleteSite", R"({"id": "$ID", "etag": "$ETAG", "day": "$TODAY"})"};
  return kind;
}

Kind Elevators() {
  Kind kind = HazardKindOf("elevator");
  kind.create = {"RegisterElevator",
                 R"({"requestId": "$RID",
                     "elevator": {"registrationCode": "DT-$RID",
                                  "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                                  "residential": true}})"};
  kind.create_other = {"RegisterElevator",
                       R"({"requestId": "$RID",
                           "elevator": {"registrationCode": "X-$N",
                                        "region": {"streetId": "$STREET",
                                                   "communityId": "$COMMUNITY"}}})"};
  kind.item_field = "elevator";
  kind.get = {"GetElevator", R"({"id": "$ID"})"};
  kind.list = {"ListElevators", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "elevators";
  return kind;
}

Kind Accidents() {
  Kind kind = HazardKindOf("accident");
  kind.create = {"RecordAccident",
                 R"({"requestId": "$RID",
                     "accident": {"type": "ACCIDENT_TYPE_FIRE",
                                  "region": {"streetId": "$STREET"}, "day": "$TODAY",
                                  "description": "Conformance accident $RID"}})"};
  kind.create_other = {"RecordAccident",
                       R"({"requestId": "$RID",
                           "accident": {"type": "ACCIDENT_TYPE_WORK_SAFETY",
                                        "region": {"streetId": "$STREET"}, "day": "$TODAY",
                                        "description": "Another conformance accident $RID",
                                        "casualties": 1}})"};
  kind.item_field = "accident";
  kind.get = {"GetAccident", R"({"id": "$ID"})"};
  kind.list = {"ListAccidents", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "accidents";
  return kind;
}

INSTANTIATE_TEST_SUITE_P(Hazard, ConformanceTest,
                         ::testing::Values(Hazards(), Enterprises(), Inspections(), Campaigns(),
                                           Sites(), Elevators(), Accidents()),
                         KindName);

}  // namespace
}  // namespace gov::testing::conformance
