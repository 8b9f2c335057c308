// The conformance suite (tests/support/conformance.h) for the backlog track: its backlog cases,
// registered in street GS01, its projects, screening rounds and entries, and supervision notices.
// Its warnings are raised by the track's own sweep, never created through the API, so they have
// no create for the suite to run; backlog_test covers them.

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

// Screening rounds: a registry; an empty round closes, a closed one does not close again.
Kind ScreeningRounds() {
  Kind kind;
  kind.track = "backlog";
  kind.name = "screening_round";
  kind.service = "governance.backlog.v1.BacklogService";
  kind.factory = track::Factory<backlog::BacklogTrack>("backlog");
  kind.creator = "admin";
  kind.create = {"OpenScreeningRound",
                 R"({"requestId": "$RID",
                     "round": {"name": "Conformance round $RID", "streetId": "$STREET",
                               "firstDay": "$TODAY", "lastDay": "2099-12-31"}})"};
  kind.create_other = {"OpenScreeningRound",
                       R"({"requestId": "$RID",
                           "round": {"name": "Another conformance round $RID",
                                     "streetId": "$STREET", "firstDay": "$TODAY",
                                     "lastDay": "2099-06-30"}})"};
  kind.item_field = "round";
  kind.get = {"GetScreeningRound", R"({"id": "$ID"})"};
  kind.list = {"ListScreeningRounds", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "rounds";
  kind.move = {"CloseScreeningRound", R"({"id": "$ID", "etag": "$ETAG"})"};
  return kind;
}

// Screening entries, reported in a round made for them: dismissed with a reason; a new entry has
// no move its state refuses.
Kind ScreeningEntries() {
  Kind kind;
  kind.track = "backlog";
  kind.name = "screening_entry";
  kind.service = "governance.backlog.v1.BacklogService";
  kind.factory = track::Factory<backlog::BacklogTrack>("backlog");
  kind.creator = "admin";
  kind.prepare = {"OpenScreeningRound",
                  R"({"requestId": "conformance-entries-round",
                      "round": {"name": "Round of the conformance entries",
                                "streetId": "$STREET", "firstDay": "$TODAY",
                                "lastDay": "2099-12-31"}})"};
  kind.prepare_field = "round";
  kind.create = {"ReportScreeningEntry",
                 R"({"requestId": "$RID",
                     "entry": {"roundId": "$PREP",
                               "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                               "title": "Conformance entry $RID",
                               "summary": "What was found $RID", "reporter": "Screener"}})"};
  kind.create_other = {"ReportScreeningEntry",
                       R"({"requestId": "$RID",
                           "entry": {"roundId": "$PREP",
                                     "region": {"streetId": "$STREET",
                                                "communityId": "$COMMUNITY"},
                                     "title": "Another conformance entry $RID",
                                     "summary": "Something else $RID", "reporter": "Screener"}})"};
  kind.item_field = "entry";
  kind.get = {"GetScreeningEntry", R"({"id": "$ID"})"};
  kind.list = {"ListScreeningEntries", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "entries";
  kind.move = {"DismissScreeningEntry",
               R"({"id": "$ID", "etag": "$ETAG", "reason": "conformance dismissal"})"};
  return kind;
}

// Supervision notices on a supervised project made for them: answered; an answer is not
// reviewed before it is given.
Kind SupervisionNotices() {
  Kind kind;
  kind.track = "backlog";
  kind.name = "supervision_notice";
  kind.service = "governance.backlog.v1.BacklogService";
  kind.factory = track::Factory<backlog::BacklogTrack>("backlog");
  kind.creator = "admin";
  kind.prepare = {"RegisterProject",
                  R"({"requestId": "conformance-supervised-project",
                      "project": {"name": "Supervised conformance project",
                                  "type": "PROJECT_TYPE_OTHER",
                                  "region": {"streetId": "$STREET"},
                                  "ownerUnit": "Works bureau",
                                  "supervisor": "Supervision office"}})"};
  kind.prepare_field = "project";
  kind.create = {"IssueSupervisionNotice",
                 R"({"requestId": "$RID",
                     "notice": {"projectId": "$PREP", "demand": "Report progress $RID",
                                "issuedBy": "Supervision office",
                                "deadline": "2099-01-01T00:00:00Z"}})"};
  kind.create_other = {"IssueSupervisionNotice",
                       R"({"requestId": "$RID",
                           "notice": {"projectId": "$PREP", "demand": "Something else $RID",
                                      "issuedBy": "Supervision office",
                                      "deadline": "2099-02-01T00:00:00Z"}})"};
  kind.item_field = "notice";
  kind.get = {"GetSupervisionNotice", R"({"id": "$ID"})"};
  kind.list = {"ListSupervisionNotices", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "notices";
  kind.move = {"AnswerSupervisionNotice",
               R"({"id": "$ID", "etag": "$ETAG", "answer": "conformance answer"})"};
  kind.illegal = {"ReviewSupervisionAnswer", R"({"id": "$ID", "etag": "$ETAG", "accepted": true})"};
  return kind;
}

INSTANTIATE_TEST_SUITE_P(Backlog, ConformanceTest,
                         ::testing::Values(BacklogCases(), Projects(), ScreeningRounds(),
                                           ScreeningEntries(), SupervisionNotices()),
                         KindName);

}  // namespace
}  // namespace gov::testing::conformance
