// The conformance suite (tests/support/conformance.h) for the backlog track: its backlog cases,
// registered in street GS01, and its projects. Its warnings are raised by the track's own sweep,
// never created through the API, so they have no create for the suite to run; backlog_test covers
// them.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/backlog/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

// Backlog cases: registered IN_PROGRESS; a progress report is allowed, a verification of a case
// not resolved is not.
Kind BacklogCases() {
  Kind kind;
  kind.track = "backlog";
  kind.name = "backlog_case";
  kind.service = "governance.backlog.v1.BacklogService";
  kind.factory = track::Factory<backlog::BacklogTrack>("backlog");
  kind.creator = "admin";
  kind.create = {"CreateBacklogCase",
                 R"({"requestId": "$RID",
                     "backlogCase": {"origin": {"kind": "ORIGIN_KIND_PETITION",
                                                "reference": "XF-$RID"},
                                     "region": {"streetId": "$STREET",
                                                "communityId": "$COMMUNITY"},
                                     "title": "Conformance backlog case $RID",
                                     "summary": "What the case is about $RID",
                                     "responsibleLeader": "Leader $RID",
                                     "taskForce": ["Street office", "Petition bureau"],
                                     "milestones": [{"title": "Plan agreed",
                                                     "dueTime": "2099-06-01T00:00:00Z"}]}})"};
  kind.create_other = {"CreateBacklogCase",
                       R"({"requestId": "$RID",
                           "backlogCase": {"origin": {"kind": "ORIGIN_KIND_COMPLAINT"},
                                           "region": {"streetId": "$STREET"},
                                           "title": "Another conformance case $RID",
                                           "summary": "Something else $RID",
                                           "responsibleLeader": "Other leader $RID",
                                           "taskForce": ["Street office"],
                                           "milestones": [{"title": "Visit",
                                                           "dueTime": "2099-07-01T00:00:00Z"}]}})"};
  kind.item_field = "backlog_case";
  kind.get = {"GetBacklogCase", R"({"id": "$ID"})"};
  kind.list = {"ListBacklogCases", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "backlog_cases";
  kind.move = {"ReportProgress",
               R"({"id": "$ID", "etag": "$ETAG", "note": "conformance progress"})"};
  kind.illegal = {"VerifyBacklogCase",
                  R"({"id": "$ID", "etag": "$ETAG", "accepted": true, "note": "early"})"};
  return kind;
}

// Projects: a registry; a project that needs no assessment may start, starting it twice may not.
Kind Projects() {
  Kind kind;
  kind.track = "backlog";
  kind.name = "project";
  kind.service = "governance.backlog.v1.BacklogService";
  kind.factory = track::Factory<backlog::BacklogTrack>("backlog");
  kind.creator = "admin";
  kind.create = {"RegisterProject",
                 R"({"requestId": "$RID",
                     "project": {"name": "Conformance project $RID",
                                 "type": "PROJECT_TYPE_OTHER",
                                 "region": {"streetId": "$STREET"},
                                 "investmentFen": "100000",
                                 "ownerUnit": "Works bureau"}})"};
  kind.create_other = {"RegisterProject",
                       R"({"requestId": "$RID",
                           "project": {"name": "Another conformance project $RID",
                                       "type": "PROJECT_TYPE_DEMOLITION",
                                       "region": {"streetId": "$STREET"},
                                       "ownerUnit": "Works bureau"}})"};
  kind.item_field = "project";
  kind.get = {"GetProject", R"({"id": "$ID"})"};
  kind.list = {"ListProjects", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "projects";
  kind.move = {"StartProject", R"({"id": "$ID", "etag": "$ETAG"})"};
  return kind;
}

INSTANTIATE_TEST_SUITE_P(Backlog, ConformanceTest, ::testing::Values(BacklogCases(), Projects()),
                         KindName);

}  // namespace
}  // namespace gov::testing::conformance
