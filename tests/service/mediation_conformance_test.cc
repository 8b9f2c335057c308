// The conformance suite (tests/support/conformance.h) for the mediation track: its kind of case
// (disputes) and its registries (mediating bodies, mediators, training sessions), each created in
// street GS01.
//
// Names and texts carry $RID, not $N: the suite retries a create with the same $RID and a fresh
// $N, and a retry must be the same body to be the same item; $RID is fresh for every other
// create, so no two items share a name either.

#include <string>
#include <vector>

#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/mediation/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

constexpr char kService[] = "governance.mediation.v1.MediationService";

// A street mediation committee of $STREET, made by admin: what a dispute is triaged to and what
// a mediator works for.
Call StreetCommittee() {
  return {"CreateMediatingBody",
          R"({"requestId": "$RID",
              "body": {"kind": "BODY_KIND_STREET_COMMITTEE",
                       "name": "Conformance committee $RID",
                       "region": {"streetId": "$STREET"}}})"};
}

Kind MediationKind(const std::string& name) {
  Kind kind;
  kind.track = "mediation";
  kind.name = name;
  kind.service = kService;
  kind.factory = track::Factory<mediation::MediationTrack>("mediation");
  kind.creator = "admin";
  return kind;
}

// Disputes: taken in as RECEIVED; RECEIVED -> TRIAGED is allowed, RECEIVED -> CLOSED is not.
Kind Disputes() {
  Kind kind = MediationKind("dispute");
  kind.create = {"CreateDispute",
                 R"({"requestId": "$RID",
                     "dispute": {"category": "DISPUTE_CATEGORY_NEIGHBOURHOOD",
                                 "channel": "INTAKE_CHANNEL_WALK_IN",
                                 "region": {"streetId": "$STREET", "communityId": "$COMMUNITY"},
                                 "summary": "Conformance dispute $RID",
                                 "parties": [{"role": "PARTY_ROLE_APPLICANT",
                                              "name": "Applicant $RID",
                                              "phone": "000-0000-0001"},
                                             {"role": "PARTY_ROLE_RESPONDENT",
                                              "name": "Respondent $RID"}]}})"};
  kind.create_other = {"CreateDispute",
                       R"({"requestId": "$RID",
                           "dispute": {"category": "DISPUTE_CATEGORY_FAMILY",
                                       "channel": "INTAKE_CHANNEL_HOTLINE",
                                       "region": {"streetId": "$STREET",
                                                  "communityId": "$COMMUNITY"},
                                       "summary": "Another conformance dispute $RID",
                                       "parties": [{"role": "PARTY_ROLE_APPLICANT",
                                                    "name": "Other applicant $RID"}]}})"};
  kind.item_field = "dispute";
  kind.get = {"GetDispute", R"({"id": "$ID"})"};
  kind.list = {"ListDisputes", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "disputes";
  kind.move = {"TriageDispute",
               R"({"id": "$ID", "etag": "$ETAG", "bodyId": "$PREP",
                   "note": "conformance triage"})"};
  kind.illegal = {"CloseDispute", R"({"id": "$ID", "etag": "$ETAG", "note": "conformance close"})"};
  kind.prepare = StreetCommittee();
  kind.prepare_field = "body";
  return kind;
}

// Mediating bodies: a registry, no moves.
Kind MediatingBodies() {
  Kind kind = MediationKind("mediating_body");
  kind.create = {"CreateMediatingBody",
                 R"({"requestId": "$RID",
                     "body": {"kind": "BODY_KIND_STREET_COMMITTEE",
                              "name": "Conformance committee $RID",
                              "region": {"streetId": "$STREET"}}})"};
  kind.create_other = {"CreateMediatingBody",
                       R"({"requestId": "$RID",
                           "body": {"kind": "BODY_KIND_COMMUNITY_ROOM",
                                    "name": "Conformance room $RID",
                                    "region": {"streetId": "$STREET",
                                               "communityId": "$COMMUNITY"}}})"};
  kind.item_field = "body";
  kind.get = {"GetMediatingBody", R"({"id": "$ID"})"};
  kind.list = {"ListMediatingBodies", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "bodies";
  kind.move = {};
  kind.illegal = {};
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

// Mediators of a street committee of GS01 (a mediator's street is its body's). The API has no
// GetMediator: the closest read is ListMediators of the mediator's body, which another street's
// operator is refused (PERMISSION_DENIED, as GetMediatingBody refuses the body).
Kind Mediators() {
  Kind kind = MediationKind("mediator");
  kind.create = {"CreateMediator",
                 R"({"requestId": "$RID",
                     "mediator": {"bodyId": "$PREP", "name": "Mediator $RID",
                                  "fullTime": true}})"};
  kind.create_other = {"CreateMediator",
                       R"({"requestId": "$RID",
                           "mediator": {"bodyId": "$PREP", "name": "Other mediator $RID",
                                        "fullTime": false}})"};
  kind.item_field = "mediator";
  kind.get = {"ListMediators", R"({"bodyId": "$PREP", "pageSize": 500})"};
  kind.list = {"ListMediators", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "mediators";
  kind.move = {};
  kind.illegal = {};
  kind.prepare = StreetCommittee();
  kind.prepare_field = "body";
  return kind;
}

// Street-level training sessions of GS01. The API has no GetTrainingSession: the closest read is
// ListTrainingSessions of the street, which another street's operator is refused
// (PERMISSION_DENIED).
Kind TrainingSessions() {
  Kind kind = MediationKind("training_session");
  kind.create = {"CreateTrainingSession",
                 R"({"requestId": "$RID",
                     "training": {"level": "TRAINING_LEVEL_STREET", "streetId": "$STREET",
                                  "holdTime": "2026-03-04T02:00:00Z",
                                  "topic": "Conformance training $RID", "attendees": 12}})"};
  kind.create_other = {"CreateTrainingSession",
                       R"({"requestId": "$RID",
                           "training": {"level": "TRAINING_LEVEL_STREET", "streetId": "$STREET",
                                        "holdTime": "2026-03-05T02:00:00Z",
                                        "topic": "Other conformance training $RID",
                                        "attendees": 30}})"};
  kind.item_field = "training";
  kind.get = {"ListTrainingSessions", R"({"streetId": "$STREET", "pageSize": 500})"};
  kind.list = {"ListTrainingSessions", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "trainings";
  kind.move = {};
  kind.illegal = {};
  kind.prepare = {};
  kind.prepare_field = "";
  return kind;
}

std::vector<Kind> MediationKinds() {
  return {Disputes(), MediatingBodies(), Mediators(), TrainingSessions()};
}

INSTANTIATE_TEST_SUITE_P(Mediation, ConformanceTest, ::testing::ValuesIn(MediationKinds()),
                         KindName);

}  // namespace
}  // namespace gov::testing::conformance
