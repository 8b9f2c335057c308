// The conformance suite (tests/support/conformance.h) for the policing track: its kinds of case
// (incidents, key-area listings, linkage tasks) and its registry of forces and assets, each
// created in street GS01. The published bulletins, the track's other registry, are not a kind of
// the suite: a bulletin is published once per finished period (publishing the period again
// returns it unchanged, with no request id), it is never moved, and it is a district-wide
// aggregate every role reads, another street's operator included.
//
// Bodies carry $RID, not $N, wherever a retry must send them again: the suite retries a create
// with the same $RID and a fresh $N, and a retry must be the same body to be the same item.
// Times are fixed days of 2026 before the suite's clock (the process start), never "now".

#include <string>
#include <vector>

#include "common/regions/regions.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/policing/track.h"
#include "tests/support/conformance.h"
#include "tests/support/test_support.h"

namespace gov::testing::conformance {
namespace {

constexpr char kService[] = "governance.policing.v1.PolicingService";

Kind PolicingKind(const std::string& name) {
  Kind kind;
  kind.track = "policing";
  kind.name = name;
  kind.service = kService;
  kind.factory = track::Factory<policing::PolicingTrack>("policing");
  kind.creator = "admin";
  return kind;
}

// Incidents, as the police platform reports them: idempotent by the platform's incident number
// ($RID here), the same number with other content is ALREADY_EXISTS. A theft (a police matter:
// no linkage task). An incident is a record, stored as RECORDED: nothing moves it.
Kind Incidents() {
  Kind kind = PolicingKind("incident");
  kind.create = {"IngestIncident",
                 R"({"incident": {"incidentNumber": "$RID",
                                  "type": "INCIDENT_TYPE_THEFT",
                                  "occurTime": "2026-06-15T02:00:00Z",
                                  "region": {"streetId": "$STREET",
                                             "communityId": "$COMMUNITY"},
                                  "summary": "Conformance incident $RID",
                                  "address": "Conformance road $RID"}})"};
  kind.create_other = {"IngestIncident",
                       R"({"incident": {"incidentNumber": "$RID",
                                        "type": "INCIDENT_TYPE_FIGHT",
                                        "occurTime": "2026-06-16T03:00:00Z",
                                        "region": {"streetId": "$STREET",
                                                   "communityId": "$COMMUNITY"},
                                        "summary": "Another conformance incident $RID"}})"};
  kind.item_field = "incident";
  kind.get = {"GetIncident", R"({"id": "$ID"})"};
  kind.list = {"ListIncidents", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "incidents";
  kind.move = {};
  kind.illegal = {};
  kind.creator = "system";
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

// The grids of GS01 with their communities, in the registry's order: a key area is listed once
// per area while open, so every fresh create lists another grid.
std::vector<std::pair<std::string, std::string>> GridsOfGs01() {
  std::vector<std::pair<std::string, std::string>> grids;
  auto regions = regions::RegionRegistry::LoadFile(testing::SourcePath("data/regions.json"));
  EXPECT_TRUE(regions.ok()) << regions.status();
  if (!regions.ok()) return grids;
  for (const auto* community : (*regions)->CommunitiesOf("GS01")) {
    for (const std::string& grid : community->grids()) grids.emplace_back(community->id(), grid);
  }
  return grids;
}

// Key areas listed by hand, each in a grid of its own ($AREA_COMMUNITY, $AREA_GRID): LISTED ->
// REMEDIATING by the plan. Every verb of a key area (SetRemediationPlan, DelistKeyArea) is
// allowed from LISTED and from REMEDIATING, so the created state refuses no move.
Kind KeyAreas() {
  Kind kind = PolicingKind("key_area");
  kind.create = {"DesignateKeyArea",
                 R"({"requestId": "$RID",
                     "region": {"streetId": "$STREET", "communityId": "$AREA_COMMUNITY",
                                "gridId": "$AREA_GRID"},
                     "reason": "Conformance listing $RID"})"};
  kind.create_other = {"DesignateKeyArea",
                       R"({"requestId": "$RID",
                           "region": {"streetId": "$STREET", "communityId": "$AREA_COMMUNITY",
                                      "gridId": "$AREA_GRID"},
                           "reason": "Another conformance listing $RID"})"};
  kind.per_create = [grids = GridsOfGs01()](int n) -> std::map<std::string, std::string> {
    if (grids.empty()) return {};
    const auto& [community, grid] = grids[static_cast<size_t>(n) % grids.size()];
    return {{"AREA_COMMUNITY", community}, {"AREA_GRID", grid}};
  };
  kind.item_field = "key_area";
  kind.get = {"GetKeyArea", R"({"id": "$ID"})"};
  kind.list = {"ListKeyAreas", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "key_areas";
  kind.move = {"SetRemediationPlan",
               R"({"id": "$ID", "etag": "$ETAG",
                   "plan": {"summary": "Conformance plan", "ownerUnit": "Conformance office",
                            "ownerName": "Conformance owner", "targetDate": "2027-03-31"}})"};
  kind.illegal = {};
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

// Linkage tasks: a call for help (non-police) on $STREET, dispatched by the routing table (LU01
// for assistance on GS01); asking for another unit is ALREADY_EXISTS. The incident occurred
// weeks before the suite's clock, out of the window of dispatch on ingestion, so its task is the
// dispatch's. DISPATCHED -> SIGNED is allowed; feedback before handling is not.
Kind LinkageTasks() {
  Kind kind = PolicingKind("linkage_task");
  kind.create = {"DispatchIncident", R"({"incidentId": "$EACH"})"};
  kind.create_other = {"DispatchIncident", R"({"incidentId": "$EACH", "unitId": "LU15"})"};
  kind.item_field = "task";
  kind.get = {"GetLinkageTask", R"({"id": "$ID"})"};
  kind.list = {"ListLinkageTasks", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "tasks";
  kind.move = {"SignLinkageTask", R"({"id": "$ID", "etag": "$ETAG"})"};
  kind.illegal = {"RecordLinkageFeedback",
                  R"({"id": "$ID", "etag": "$ETAG", "feedback": "Conformance feedback"})"};
  // A call for help of its own for every task (a task per incident).
  kind.prepare_each = {"IngestIncident",
                       R"({"incident": {"incidentNumber": "$RID",
                                   "type": "INCIDENT_TYPE_ASSISTANCE",
                                   "occurTime": "2026-06-15T02:00:00Z",
                                   "region": {"streetId": "$STREET",
                                              "communityId": "$COMMUNITY"},
                                   "summary": "Conformance call for help $RID"}})"};
  kind.prepare_each_field = "incident";
  return kind;
}

// Forces and assets: a steward squad of $COMMUNITY, registered retired (the one state an
// update may not leave: a retired asset stays retired), renamed as the move and put back in
// service as the refused one.
Kind Assets() {
  Kind kind = PolicingKind("asset");
  kind.create = {"RegisterAsset",
                 R"({"requestId": "$RID",
                     "asset": {"kind": "ASSET_KIND_STEWARD_SQUAD",
                               "name": "Conformance squad $RID",
                               "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                               "status": "ASSET_STATUS_RETIRED",
                               "inServiceDate": "2026-02-02", "members": 12}})"};
  kind.create_other = {"RegisterAsset",
                       R"({"requestId": "$RID",
                           "asset": {"kind": "ASSET_KIND_STEWARD_SQUAD",
                                     "name": "Another conformance squad $RID",
                                     "region": {"streetId": "$STREET",
                                                "communityId": "$COMMUNITY"},
                                     "status": "ASSET_STATUS_PLANNED", "members": 40}})"};
  kind.item_field = "asset";
  kind.get = {"GetAsset", R"({"id": "$ID"})"};
  kind.list = {"ListAssets", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "assets";
  kind.move = {"UpdateAsset",
               R"({"asset": {"id": "$ID", "etag": "$ETAG",
                             "kind": "ASSET_KIND_STEWARD_SQUAD",
                             "name": "Renamed conformance squad $N",
                             "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                             "status": "ASSET_STATUS_RETIRED",
                             "inServiceDate": "2026-02-02", "members": 10}})"};
  kind.illegal = {"UpdateAsset",
                  R"({"asset": {"id": "$ID", "etag": "$ETAG",
                                "kind": "ASSET_KIND_STEWARD_SQUAD",
                                "name": "Revived conformance squad $N",
                                "region": {"streetId": "$STREET",
                                           "communityId": "$COMMUNITY"},
                                "status": "ASSET_STATUS_IN_SERVICE",
                                "inServiceDate": "2026-03-02", "members": 12}})"};
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

std::vector<Kind> PolicingKinds() { return {Incidents(), KeyAreas(), LinkageTasks(), Assets()}; }

INSTANTIATE_TEST_SUITE_P(Policing, ConformanceTest, ::testing::ValuesIn(PolicingKinds()), KindName);

}  // namespace
}  // namespace gov::testing::conformance
