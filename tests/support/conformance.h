#ifndef GOV_TESTS_SUPPORT_CONFORMANCE_H_
#define GOV_TESTS_SUPPORT_CONFORMANCE_H_

// The conformance suite: the contract every kind of case and every registry of every track keeps,
// driven over real gRPC against the real track (tests/support/track_harness), on the store the
// test binary runs on (SQLite, or PostgreSQL as <name>_postgres). A track instantiates it in
// tests/service/<track>_conformance_test.cc by declaring its kinds as data — which RPC creates,
// reads, lists and moves an item, with the requests as proto JSON — and gets:
//   - idempotent create: the same request_id gives the same item; another body under it is
//     ALREADY_EXISTS;
//   - a stale etag is ABORTED; a move the item's state does not allow is FAILED_PRECONDITION;
//   - stable paging: no duplicates and no gaps while items are inserted concurrently; a negative
//     page_size or a tampered page_token is INVALID_ARGUMENT naming it;
//   - street scope: a street's operator of another street neither reads it nor lists it;
//   - a viewer cannot write, and nothing is written; no token is UNAUTHENTICATED;
//   - Redis stopped: calls still answer from the store.
//
//   // tests/service/mediation_conformance_test.cc
//   INSTANTIATE_TEST_SUITE_P(Mediation, ConformanceTest,
//                            ::testing::ValuesIn(MediationKinds()), KindName);
//
// (The TEST_Ps live in conformance.cc, linked in with KindName and ConformanceTest.)
//
// Placeholders in the request templates: $RID (a fresh request id), $ID and $ETAG (of the item
// under test), $STREET and $COMMUNITY (GS01 and GS01-C01, where the suite creates its items),
// $N (a number unique to the call: not for what a retry must send again — $RID is the same in a
// retry and fresh otherwise), $SIZE and $TOKEN (paging), $PREP (Kind::prepare's item), $EACH
// (Kind::prepare_each's), $MONTH and $TODAY (the harness clock's month "YYYY-MM" and day
// "YYYY-MM-DD", in district time; the clock is fixed at the process's start), $NOW (an RFC 3339
// time an hour before that clock: something that took place). A kind
// without a Get RPC reads through its list: `get` may be a list call, and the item with $ID is
// taken from `list_field`.

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "common/server/track_main.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/track_harness.h"

namespace gov::testing::conformance {

// One call of a kind's contract: the method of the track's service and its request.
struct Call {
  std::string method;   // "CreateDispute"; "" = the kind has no such call
  std::string request;  // proto JSON with placeholders
  // The service of the method when it is not the kind's (a meeting's subject registered on the
  // track's own service); "" = Kind::service.
  std::string service = "";
  bool empty() const { return method.empty(); }
};

// A kind of case or registry item as the suite drives it.
struct Kind {
  std::string track;    // "mediation"
  std::string name;     // "dispute": the test name's suffix
  std::string service;  // "governance.mediation.v1.MediationService"
  server::TrackFactory factory;
  Call create;
  // The same request id with another body (ALREADY_EXISTS).
  Call create_other;
  // The field of the create, get and move responses that holds the item ("dispute").
  std::string item_field;
  Call get;
  Call list;               // takes $SIZE and $TOKEN
  std::string list_field;  // the repeated field of the list response ("disputes")
  // A move the created item allows (it takes $ID and $ETAG), and one it does not allow.
  Call move;
  Call illegal;
  // The token that creates (the suite's principals: admin, system; default admin).
  std::string creator = "admin";
  // Made once (as admin) before the kind's first test, for what its items need to exist
  // (a mediating body a dispute is triaged to): the item's id fills $PREP in every template.
  Call prepare;
  std::string prepare_field;  // the field of prepare's response holding that item
  // Made (as admin) for every fresh request id of a create, the same for its retries, for kinds
  // with one item per something (a linkage task per incident): its item's id fills $EACH.
  Call prepare_each;
  std::string prepare_each_field;
  // Further placeholder values for the n-th fresh request id of a create (n from 0; the same
  // for its retries), for kinds with one open item per place (a key area per grid).
  std::function<std::map<std::string, std::string>(int n)> per_create;
  // Items every caller reads by design (district plans): another street's operator reads the
  // item and lists it, but may not move it (PERMISSION_DENIED).
  bool district_readable = false;
};

// The tokens of the suite's harness: district_admin; street_operator of GS01 and of GS02;
// viewer and system of the district.
inline constexpr char kAdmin[] = "conf-admin";
inline constexpr char kOperator[] = "conf-op-gs01";
inline constexpr char kOtherOperator[] = "conf-op-gs02";
inline constexpr char kViewer[] = "conf-viewer";
inline constexpr char kSystem[] = "conf-system";

// The outcome of one call, with the item (`item_field`) of its response when there is one.
struct Result {
  Outcome outcome;
  std::unique_ptr<google::protobuf::Message> response;
  std::string id;    // the item's "id"
  std::string etag;  // the item's "etag"
  bool ok() const { return outcome.status.ok(); }
};

// The harness of a kind's track, shared by every test of that track in the binary (started on
// first use; its clock fixed at the process's start).
TrackHarness& HarnessFor(const Kind& kind);

// Calls `call` of `kind` as `token` ("" = none) with the placeholders filled from `values`
// (name without "$" → value; $N and $RID are filled fresh when not given).
Result Invoke(const Kind& kind, const Call& call, const std::string& token,
              std::map<std::string, std::string> values = {});

// Every id the list call returns for `token`, page by page with `page_size`; fails the test
// on an error. `between_pages` runs after each page (concurrent inserts).
std::vector<std::string> ListAll(const Kind& kind, const std::string& token, int page_size,
                                 const std::function<void()>& between_pages = nullptr);

// How gtest prints a kind: "mediation dispute".
void PrintTo(const Kind& kind, std::ostream* os);

// "mediation_dispute".
std::string KindName(const ::testing::TestParamInfo<Kind>& info);

class ConformanceTest : public ::testing::TestWithParam<Kind> {
 protected:
  const Kind& kind() const { return GetParam(); }
  // Creates an item as the kind's creator; fails the test unless it was created.
  Result CreateOne(const std::string& rid = "");
};

}  // namespace gov::testing::conformance

#endif  // GOV_TESTS_SUPPORT_CONFORMANCE_H_
