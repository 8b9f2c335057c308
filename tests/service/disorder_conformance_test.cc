// The conformance suite (tests/support/conformance.h) for the disorder track: its kinds of case
// (complaints, enforcement findings, campaigns) and its registry (monitored objects; the fume
// feed's rows are internal to it), each created in street GS01. The harness loads the rules of
// data/disorder.json by itself.
//
// Names and texts carry $RID, not $N: the suite retries a create with the same $RID and a fresh
// $N, and a retry must be the same body to be the same item; $RID is fresh for every other
// create, so no two items share a name either.
//
// Times in the requests are fixed days of January 2026, in the past of the harness clock. A
// campaign is planned for the month of the suite's clock ($MONTH; StartCampaign is refused
// before the month's first day).
//
// Complaints are given a street and a community but neither a grid nor coordinates: the repeat
// detection places a complaint by its grid or its coordinates only, so none of the suite's many
// complaints is taken for a repeat of another (which would close it at intake, as REPEAT). The
// test at the end checks that they come in DISPATCHED.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/disorder/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

namespace dv1 = ::governance::disorder::v1;

constexpr char kService[] = "governance.disorder.v1.DisorderService";

Kind DisorderKind(const std::string& name) {
  Kind kind;
  kind.track = "disorder";
  kind.name = name;
  kind.service = kService;
  kind.factory = track::Factory<disorder::DisorderTrack>("disorder");
  kind.creator = "admin";
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

// Complaints: taken in as DISPATCHED (routed by the rules' table to GS01-ZF); DISPATCHED ->
// HANDLING (AcceptComplaint) is allowed, a callback before the complaint is RESOLVED is not.
Kind Complaints() {
  Kind kind = DisorderKind("complaint");
  kind.create = {"SubmitComplaint",
                 R"({"requestId": "$RID",
                     "complaint": {"category": "COMPLAINT_CATEGORY_STREET_APPEARANCE",
                                   "channel": "CHANNEL_HOTLINE",
                                   "region": {"streetId": "$STREET",
                                              "communityId": "$COMMUNITY"},
                                   "address": "Conformance road $RID",
                                   "description": "Conformance complaint $RID",
                                   "reporter": {"name": "Reporter $RID",
                                                "phone": "000-0000-0001"}}})"};
  kind.create_other = {"SubmitComplaint",
                       R"({"requestId": "$RID",
                           "complaint": {"category": "COMPLAINT_CATEGORY_MOBILE_STALL",
                                         "channel": "CHANNEL_APP",
                                         "region": {"streetId": "$STREET",
                                                    "communityId": "$COMMUNITY"},
                                         "description": "Another conformance complaint $RID"}})"};
  kind.item_field = "complaint";
  kind.get = {"GetComplaint", R"({"id": "$ID"})"};
  kind.list = {"ListComplaints", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "complaints";
  kind.move = {"AcceptComplaint", R"({"id": "$ID", "etag": "$ETAG"})"};
  kind.illegal = {"RecordCallback",
                  R"({"id": "$ID", "etag": "$ETAG", "satisfaction": "SATISFACTION_SATISFIED",
                      "note": "conformance callback"})"};
  return kind;
}

// Monitored objects: a registry. A construction site (no monitoring device, whose uniqueness
// would refuse the second of two sites). The move replaces the whole object under its etag;
// kind and place stay. Its one refused move (a REMOVED object made anything else) needs a
// REMOVED object, which the suite's create does not make: none is declared.
Kind MonitoredObjects() {
  Kind kind = DisorderKind("monitored_object");
  kind.create = {"RegisterMonitoredObject",
                 R"({"requestId": "$RID",
                     "object": {"kind": "MONITORED_OBJECT_KIND_CONSTRUCTION_SITE",
                                "name": "Conformance site $RID",
                                "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                                "address": "Conformance road $RID",
                                "status": "MONITORED_OBJECT_STATUS_ACTIVE",
                                "sinceDate": "2026-01-05",
                                "wageSystems": {"realNameManagement": true,
                                                "wageSpecialAccount": true}}})"};
  kind.create_other = {"RegisterMonitoredObject",
                       R"({"requestId": "$RID",
                           "object": {"kind": "MONITORED_OBJECT_KIND_CONSTRUCTION_SITE",
                                      "name": "Another conformance site $RID",
                                      "region": {"streetId": "$STREET",
                                                 "communityId": "$COMMUNITY"},
                                      "status": "MONITORED_OBJECT_STATUS_ACTIVE",
                                      "sinceDate": "2026-01-06"}})"};
  kind.item_field = "object";
  kind.get = {"GetMonitoredObject", R"({"id": "$ID"})"};
  kind.list = {"ListMonitoredObjects", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "objects";
  kind.move = {"UpdateMonitoredObject",
               R"({"object": {"id": "$ID", "etag": "$ETAG",
                              "kind": "MONITORED_OBJECT_KIND_CONSTRUCTION_SITE",
                              "name": "Conformance site (updated) $N",
                              "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                              "status": "MONITORED_OBJECT_STATUS_SUSPENDED",
                              "sinceDate": "2026-01-05",
                              "wageSystems": {"realNameManagement": true,
                                              "wageSpecialAccount": true,
                                              "wageDeposit": true}}})"};
  kind.illegal = {};
  return kind;
}

// Enforcement findings: recorded as FOUND; FOUND -> PENALISED is allowed. Every verb goes from
// FOUND, so a new finding has no refused move: none is declared.
Kind Enforcements() {
  Kind kind = DisorderKind("enforcement");
  kind.create = {"RecordEnforcement",
                 R"({"requestId": "$RID",
                     "enforcement": {"category": "COMPLAINT_CATEGORY_MOBILE_STALL",
                                     "region": {"streetId": "$STREET",
                                                "communityId": "$COMMUNITY"},
                                     "address": "Conformance road $RID",
                                     "subject": "Stall $RID",
                                     "description": "Conformance finding $RID",
                                     "foundTime": "2026-01-05T02:00:00Z"}})"};
  kind.create_other = {"RecordEnforcement",
                       R"({"requestId": "$RID",
                           "enforcement": {"category": "COMPLAINT_CATEGORY_UNLICENSED_BUSINESS",
                                           "region": {"streetId": "$STREET"},
                                           "subject": "Shop $RID",
                                           "description": "Another conformance finding $RID",
                                           "foundTime": "2026-01-06T02:00:00Z"}})"};
  kind.item_field = "enforcement";
  kind.get = {"GetEnforcement", R"({"id": "$ID"})"};
  kind.list = {"ListEnforcements", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "enforcements";
  kind.move = {"PenaliseEnforcement",
               R"({"id": "$ID", "etag": "$ETAG", "decisionNumber": "CONF-$N",
                   "fineYuan": 500, "note": "conformance penalty"})"};
  kind.illegal = {};
  return kind;
}

// Campaigns of the current month targeting street GS01: planned as PLANNED; PLANNED ->
// UNDER_WAY (StartCampaign, from the month's first day) is allowed, PLANNED -> COMPLETED is not.
// Campaigns are district plans every caller reads whatever its streets (GetCampaign and
// ListCampaigns by design); only callers of the target streets move them.
Kind Campaigns() {
  Kind kind = DisorderKind("campaign");
  const std::string plan = R"({"requestId": "$RID",
                               "campaign": {"month": "$MONTH",
                                            "category": "COMPLAINT_CATEGORY_NOISE",
                                            "title": "Conformance campaign $RID",
                                            "plan": "Night patrols",
                                            "targetAreas": [{"streetId": "$STREET"}]}})";
  const std::string other = R"({"requestId": "$RID",
                                "campaign": {"month": "$MONTH",
                                             "category": "COMPLAINT_CATEGORY_MOBILE_STALL",
                                             "title": "Another conformance campaign $RID",
                                             "targetAreas": [{"streetId": "$STREET",
                                                              "communityId": "$COMMUNITY"}]}})";
  kind.create = {"PlanCampaign", plan};
  kind.create_other = {"PlanCampaign", other};
  kind.item_field = "campaign";
  kind.get = {"GetCampaign", R"({"id": "$ID"})"};
  kind.list = {"ListCampaigns", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "campaigns";
  kind.move = {"StartCampaign", R"({"id": "$ID", "etag": "$ETAG"})"};
  kind.district_readable = true;
  kind.illegal = {"CompleteCampaign",
                  R"({"id": "$ID", "etag": "$ETAG",
                      "results": {"inspections": 10, "problemsFound": 2, "problemsFixed": 1,
                                  "penalised": 1, "summary": "conformance results"}})"};
  return kind;
}

std::vector<Kind> DisorderKinds() {
  return {Complaints(), MonitoredObjects(), Enforcements(), Campaigns()};
}

INSTANTIATE_TEST_SUITE_P(Disorder, ConformanceTest, ::testing::ValuesIn(DisorderKinds()), KindName);

// The suite's complaints are not repeats: each is taken in DISPATCHED (not closed at intake as a
// REPEAT of another), with either body.
TEST(DisorderConformanceKinds, ComplaintsAreTakenInDispatchedNotAsRepeats) {
  const Kind kind = Complaints();
  for (const Call* call : {&kind.create, &kind.create, &kind.create_other, &kind.create}) {
    const Result r = Invoke(kind, *call, kAdmin);
    ASSERT_TRUE(r.ok()) << call->method << ": " << Describe(r.outcome);
    const auto* response = dynamic_cast<const dv1::SubmitComplaintResponse*>(r.response.get());
    ASSERT_NE(response, nullptr);
    EXPECT_TRUE(response->created());
    EXPECT_EQ(response->complaint().status(), dv1::COMPLAINT_STATUS_DISPATCHED)
        << response->complaint().id() << " repeats " << response->complaint().repeat_of();
    EXPECT_TRUE(response->complaint().repeat_of().empty());
  }
}

}  // namespace
}  // namespace gov::testing::conformance
