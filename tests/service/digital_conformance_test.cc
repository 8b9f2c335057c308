// The conformance suite (tests/support/conformance.h) for the digital track: its registries, the
// City Eye's cameras (created in street GS01) and the application scenarios (the district's,
// read by every caller), and its kind of case, the City Eye's events.

#include <string>

#include "gtest/gtest.h"
#include "services/digital/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

Kind DigitalKindOf(const std::string& name) {
  Kind kind;
  kind.track = "digital";
  kind.name = name;
  kind.service = "governance.digital.v1.DigitalService";
  kind.factory = track::Factory<digital::DigitalTrack>("digital");
  kind.creator = "admin";
  return kind;
}

// Cameras: registered online; taken offline is allowed, set online again while online is not.
Kind Cameras() {
  Kind kind = DigitalKindOf("camera");
  kind.create = {"RegisterCamera",
                 R"({"requestId": "$RID",
                     "camera": {"feedCode": "CF-$RID", "name": "Conformance camera $RID",
                                "kind": "CAMERA_KIND_FIXED",
                                "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                                "location": "Conformance road", "connectDay": "$TODAY"}})"};
  kind.create_other = {"RegisterCamera",
                       R"({"requestId": "$RID",
                           "camera": {"feedCode": "X-$N", "name": "Another conformance camera",
                                      "kind": "CAMERA_KIND_PTZ",
                                      "region": {"streetId": "$STREET"},
                                      "connectDay": "$TODAY"}})"};
  kind.item_field = "camera";
  kind.get = {"GetCamera", R"({"id": "$ID"})"};
  kind.list = {"ListCameras", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "cameras";
  kind.move = {"SetCameraStatus",
               R"({"id": "$ID", "etag": "$ETAG", "status": "CAMERA_STATUS_OFFLINE",
                   "note": "Conformance fault"})"};
  kind.illegal = {"SetCameraStatus",
                  R"({"id": "$ID", "etag": "$ETAG", "status": "CAMERA_STATUS_ONLINE"})"};
  return kind;
}

// Scenarios: the district's, read by every caller; a planned one may start its trial, not
// complete it.
Kind Scenarios() {
  Kind kind = DigitalKindOf("scenario");
  kind.create = {"CreateScenario",
                 R"({"requestId": "$RID",
                     "scenario": {"name": "Conformance scenario $RID",
                                  "placement": "PLACEMENT_IN_WALL",
                                  "description": "Conformance scenario", "ownerUnit": "Office",
                                  "originStreetId": "$STREET", "launchDay": "$TODAY"}})"};
  kind.create_other = {"CreateScenario",
                       R"({"requestId": "$RID",
                           "scenario": {"name": "Another conformance scenario $RID",
                                        "placement": "PLACEMENT_OUT_WALL",
                                        "description": "Another", "ownerUnit": "Office",
                                        "launchDay": "$TODAY"}})"};
  kind.item_field = "scenario";
  kind.get = {"GetScenario", R"({"id": "$ID"})"};
  kind.list = {"ListScenarios", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "scenarios";
  kind.move = {"StartScenarioTrial", R"({"id": "$ID", "etag": "$ETAG", "day": "$TODAY"})"};
  kind.illegal = {"CompleteScenarioTrial", R"({"id": "$ID", "etag": "$ETAG", "day": "$TODAY"})"};
  kind.district_readable = true;
  return kind;
}

// City Eye events: taken in by a grid patrol (no owning track to reach here: DETECTED, for the
// sweep); dismissed from DETECTED, while the community's part needs a dispatched event.
Kind Events() {
  Kind kind = DigitalKindOf("event");
  kind.create = {"ReportEvent",
                 R"({"requestId": "$RID",
                     "event": {"type": "EVENT_TYPE_MOBILE_STALL",
                               "source": "EVENT_SOURCE_GRID_PATROL",
                               "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                               "address": "Conformance road", "description": "A stall $RID",
                               "detectTime": "$NOW"}})"};
  kind.create_other = {"ReportEvent",
                       R"({"requestId": "$RID",
                           "event": {"type": "EVENT_TYPE_EXPOSED_RUBBISH",
                                     "source": "EVENT_SOURCE_GRID_PATROL",
                                     "region": {"streetId": "$STREET"},
                                     "description": "Rubbish", "detectTime": "$NOW"}})"};
  kind.item_field = "event";
  kind.get = {"GetEvent", R"({"id": "$ID"})"};
  kind.list = {"ListEvents", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "events";
  kind.move = {"DismissEvent", R"({"id": "$ID", "etag": "$ETAG", "reason": "A false detection"})"};
  kind.illegal = {"RecordCoGovernance",
                  R"({"id": "$ID", "etag": "$ETAG", "coGovernance": {"party": "Residents"}})"};
  return kind;
}

INSTANTIATE_TEST_SUITE_P(Digital, ConformanceTest,
                         ::testing::Values(Cameras(), Scenarios(), Events()), KindName);

}  // namespace
}  // namespace gov::testing::conformance
