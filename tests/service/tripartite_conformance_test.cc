// The conformance suite (tests/support/conformance.h) for the tripartite track: its two kinds of
// case (owners' committees, property disputes), every registry (compounds, hub activities,
// highlights, fee records) and its deliberation sessions (the kit's MeetingsService), created in
// street GS01.

#include <map>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "gtest/gtest.h"
#include "services/tripartite/track.h"
#include "tests/support/conformance.h"

namespace gov::testing::conformance {
namespace {

Kind TripartiteKindOf(const std::string& name) {
  Kind kind;
  kind.track = "tripartite";
  kind.name = name;
  kind.service = "governance.tripartite.v1.TripartiteService";
  kind.factory = track::Factory<tripartite::TripartiteTrack>("tripartite");
  kind.creator = "admin";
  return kind;
}

// A compound of its own for an item (one committee of a type, one fee record a month, a
// compound).
constexpr char kCompound[] = R"({"requestId": "$RID",
                                 "compound": {"name": "Conformance compound $RID",
                                              "region": {"streetId": "$STREET",
                                                         "communityId": "$COMMUNITY"},
                                              "households": 300,
                                              "propertyCompany": "Conformance property"}})";

// Compounds: the three-party body is set up once.
Kind Compounds() {
  Kind kind = TripartiteKindOf("compound");
  kind.create = {"RegisterCompound", kCompound};
  kind.create_other = {"RegisterCompound",
                       R"({"requestId": "$RID",
                           "compound": {"name": "Another conformance compound $RID",
                                        "region": {"streetId": "$STREET",
                                                   "communityId": "$COMMUNITY"},
                                        "households": 120}})"};
  kind.item_field = "compound";
  kind.get = {"GetCompound", R"({"id": "$ID"})"};
  kind.list = {"ListCompounds", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "compounds";
  kind.move = {"SetUpThreePartyBody", R"({"id": "$ID", "etag": "$ETAG", "day": "$TODAY"})"};
  return kind;
}

Kind HubActivities() {
  Kind kind = TripartiteKindOf("hub_activity");
  kind.create = {"RecordHubActivity",
                 R"({"requestId": "$RID",
                     "activity": {"service": "HUB_SERVICE_RECEPTION",
                                  "heldTime": "$NOW", "region": {"streetId": "$STREET"},
                                  "title": "Conformance reception $RID", "attendance": 12}})"};
  kind.create_other = {"RecordHubActivity",
                       R"({"requestId": "$RID",
                           "activity": {"service": "HUB_SERVICE_TRAINING",
                                        "heldTime": "$NOW", "region": {"streetId": "$STREET"},
                                        "title": "Conformance training $RID",
                                        "trainees": [{"name": "Trainee",
                                                      "role": "TRAINEE_ROLE_BACKBONE"}]}})"};
  kind.item_field = "activity";
  kind.get = {"GetHubActivity", R"({"id": "$ID"})"};
  kind.list = {"ListHubActivities", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "activities";
  return kind;
}

// Highlights: one a street a year, so each create takes a year of its own; every caller reads
// them.
Kind Highlights() {
  Kind kind = TripartiteKindOf("highlight");
  kind.create = {"DesignateHighlight",
                 R"({"requestId": "$RID",
                     "highlight": {"streetId": "$STREET", "year": $HIGHLIGHT_YEAR,
                                   "name": "Conformance brand $RID",
                                   "description": "Conformance highlight"}})"};
  kind.create_other = {"DesignateHighlight",
                       R"({"requestId": "$RID",
                           "highlight": {"streetId": "$STREET", "year": $HIGHLIGHT_YEAR,
                                         "name": "Another conformance brand $RID",
                                         "description": "Another highlight"}})"};
  // Years back from this one, a year for each create.
  kind.per_create = [](int n) -> std::map<std::string, std::string> {
    const int year = static_cast<int>(cal::LocalDay(absl::Now()).year());
    return {{"HIGHLIGHT_YEAR", absl::StrFormat("%d", year - n)}};
  };
  kind.item_field = "highlight";
  kind.get = {"GetHighlight", R"({"id": "$ID"})"};
  kind.list = {"ListHighlights", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "highlights";
  kind.district_readable = true;
  return kind;
}

// Owners' committees: applied for in a compound of their own; the preparatory group may be
// formed, the filing before the election may not.
Kind Committees() {
  Kind kind = TripartiteKindOf("committee");
  kind.prepare_each = {"RegisterCompound", kCompound};
  kind.prepare_each_field = "compound";
  kind.create = {"ApplyCommittee",
                 R"({"requestId": "$RID",
                     "committee": {"type": "COMMITTEE_TYPE_OWNERS", "compoundId": "$EACH",
                                   "note": "Conformance application $RID"}})"};
  kind.create_other = {"ApplyCommittee",
                       R"({"requestId": "$RID",
                           "committee": {"type": "COMMITTEE_TYPE_SUPERVISORY",
                                         "compoundId": "$EACH"}})"};
  kind.item_field = "committee";
  kind.get = {"GetCommittee", R"({"id": "$ID"})"};
  kind.list = {"ListCommittees", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "committees";
  kind.move = {"FormPreparatoryGroup",
               R"({"id": "$ID", "etag": "$ETAG",
                   "members": [{"name": "Member A", "seat": "MEMBER_SEAT_CHAIR"},
                               {"name": "Member B", "seat": "MEMBER_SEAT_MEMBER"},
                               {"name": "Member C", "seat": "MEMBER_SEAT_MEMBER"},
                               {"name": "Member D", "seat": "MEMBER_SEAT_MEMBER"},
                               {"name": "Member E", "seat": "MEMBER_SEAT_MEMBER"}]})"};
  kind.illegal = {"FileCommittee",
                  R"({"id": "$ID", "etag": "$ETAG", "filingNumber": "Conformance filing"})"};
  return kind;
}

// Fee records: one a compound a month, so each in a compound of its own.
Kind FeeRecords() {
  Kind kind = TripartiteKindOf("fee_record");
  kind.prepare_each = {"RegisterCompound", kCompound};
  kind.prepare_each_field = "compound";
  kind.create = {"RecordFeeCollection",
                 R"({"requestId": "$RID",
                     "collection": {"compoundId": "$EACH", "month": "$MONTH",
                                    "dueYuan": "1000000", "collectedYuan": "850000",
                                    "householdsInArrears": 20}})"};
  kind.create_other = {"RecordFeeCollection",
                       R"({"requestId": "$RID",
                           "collection": {"compoundId": "$EACH", "month": "$MONTH",
                                          "dueYuan": "1000000", "collectedYuan": "500000"}})"};
  kind.item_field = "collection";
  kind.get = {"GetFeeCollection", R"({"id": "$ID"})"};
  kind.list = {"ListFeeCollections", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "collections";
  return kind;
}

// Property disputes: opened in a compound; the referral to the joint meeting is allowed.
Kind Disputes() {
  Kind kind = TripartiteKindOf("property_dispute");
  kind.prepare = {"RegisterCompound",
                  R"({"requestId": "conformance-dispute-compound",
                      "compound": {"name": "Disputed conformance compound",
                                   "region": {"streetId": "$STREET",
                                              "communityId": "$COMMUNITY"},
                                   "households": 500}})"};
  kind.prepare_field = "compound";
  kind.create = {"OpenPropertyDispute",
                 R"({"requestId": "$RID",
                     "dispute": {"category": "DISPUTE_CATEGORY_FEE_ARREARS",
                                 "compoundId": "$PREP", "summary": "Conformance arrears $RID",
                                 "parties": ["Owner A"], "households": 3}})"};
  kind.create_other = {"OpenPropertyDispute",
                       R"({"requestId": "$RID",
                           "dispute": {"category": "DISPUTE_CATEGORY_PARKING",
                                       "compoundId": "$PREP", "hard": true,
                                       "summary": "Another conformance dispute $RID"}})"};
  kind.item_field = "dispute";
  kind.get = {"GetPropertyDispute", R"({"id": "$ID"})"};
  kind.list = {"ListPropertyDisputes", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "disputes";
  kind.move = {"ReferPropertyDispute", R"({"id": "$ID", "etag": "$ETAG", "note": "To the joint"})"};
  return kind;
}

// Deliberation sessions (the kit's MeetingsService): about a compound of the street, its three
// parties present.
Kind DeliberationSessions() {
  Kind kind = TripartiteKindOf("deliberation");
  kind.service = "governance.v1.MeetingsService";
  kind.prepare = {"RegisterCompound",
                  R"({"requestId": "conformance-deliberation-compound",
                      "compound": {"name": "Deliberating conformance compound",
                                   "region": {"streetId": "$STREET",
                                              "communityId": "$COMMUNITY"},
                                   "households": 800}})",
                  "governance.tripartite.v1.TripartiteService"};
  kind.prepare_field = "compound";
  kind.create = {"CreateMeeting",
                 R"({"requestId": "$RID",
                     "meeting": {"kind": "deliberation", "holdTime": "$NOW",
                                 "region": {"streetId": "$STREET"}, "subjectId": "$PREP",
                                 "title": "Conformance session $RID",
                                 "unitsPresent": ["Community", "Owners", "Property"],
                                 "topics": ["Parking"],
                                 "participants": [
                                   {"party": "party_branch", "unit": "Community party branch"},
                                   {"party": "owners", "unit": "Owners' committee"},
                                   {"party": "property_company", "unit": "Property company"}]}})"};
  kind.create_other = {"CreateMeeting",
                       R"({"requestId": "$RID",
                           "meeting": {"kind": "deliberation", "holdTime": "$NOW",
                                       "region": {"streetId": "$STREET"}, "subjectId": "$PREP",
                                       "title": "Another conformance session $RID",
                                       "unitsPresent": ["Community"], "topics": ["Greening"],
                                       "participants": [
                                         {"party": "party_branch", "unit": "Branch"},
                                         {"party": "owners", "unit": "Owners"},
                                         {"party": "property_company", "unit": "Company"}]}})"};
  kind.item_field = "meeting";
  kind.get = {"GetMeeting", R"({"id": "$ID"})"};
  kind.list = {"ListMeetings", R"({"pageSize": $SIZE, "pageToken": "$TOKEN"})"};
  kind.list_field = "meetings";
  return kind;
}

INSTANTIATE_TEST_SUITE_P(Tripartite, ConformanceTest,
                         ::testing::Values(Compounds(), HubActivities(), Highlights(), Committees(),
                                           FeeRecords(), Disputes(), DeliberationSessions()),
                         KindName);

}  // namespace
}  // namespace gov::testing::conformance
