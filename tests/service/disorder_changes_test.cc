// The change stream of a track's cases (governance.v1.CaseChangesService.WatchCaseChanges, served
// by the track kit) on the real disorder track behind the real server over gRPC on loopback, on
// SQLite and on PostgreSQL: every change of the complaints from the first, in order, with what
// the case is; new changes live (the server polls the store); resuming after a position and from
// now; a street operator's streets only; the refusals (kind, after, from_now, token, role); and a
// drain that ends an open stream promptly with UNAVAILABLE.

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/changes.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/changes.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/kinds.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Outcome;

constexpr char kAdmin[] = "tok-admin";
constexpr char kHotline[] = "tok-hotline";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kViewer[] = "tok-viewer";
// A role of the disorder track that the change stream is not for.
constexpr char kMediator1[] = "tok-mediator-gs01";

// One WatchCaseChanges stream, read on a thread of its own into a list that the test waits on.
// The stream has a deadline of 15 s, so that a stream that never ends cannot hang the test.
class Watcher {
 public:
  Watcher(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
          const gv1::WatchCaseChangesRequest& request)
      : stub_(gv1::CaseChangesService::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    if (!token.empty()) context_.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    reader_ = stub_->WatchCaseChanges(&context_, request);
    thread_ = std::thread([this] {
      gv1::WatchCaseChangesResponse response;
      while (reader_->Read(&response)) {
        absl::MutexLock lock(&mu_);
        EXPECT_GT(response.changes_size(), 0) << "a message without changes";
        for (const gv1::CaseChange& c : response.changes()) changes_.push_back(c);
      }
      const grpc::Status status = reader_->Finish();
      absl::MutexLock lock(&mu_);
      end_.status = status;
      const auto& trailers = context_.GetServerTrailingMetadata();
      if (auto it = trailers.find("gov-field"); it != trailers.end()) {
        end_.field.assign(it->second.data(), it->second.size());
      }
      ended_at_ = absl::Now();
      ended_ = true;
    });
  }
  ~Watcher() {
    context_.TryCancel();
    thread_.join();
  }

  // The changes so far once there are `n` (or the stream ended, or `timeout` passed).
  std::vector<gv1::CaseChange> Await(size_t n, absl::Duration timeout = absl::Seconds(5)) {
    absl::MutexLock lock(&mu_);
    n_ = n;
    mu_.AwaitWithTimeout(absl::Condition(this, &Watcher::Enough), timeout);
    return changes_;
  }
  // How the stream ended, once it has (a failure, and UNKNOWN, when it runs after `timeout`).
  Outcome End(absl::Duration timeout = absl::Seconds(5)) {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(&ended_), timeout)) {
      ADD_FAILURE() << "the stream did not end within " << timeout;
      return Outcome{grpc::Status(grpc::StatusCode::UNKNOWN, "still running"), ""};
    }
    return end_;
  }
  // "running", or how the stream ended: for assertion messages.
  std::string State() {
    absl::MutexLock lock(&mu_);
    return ended_ ? Describe(end_) : "running";
  }
  absl::Time ended_at() {
    absl::MutexLock lock(&mu_);
    return ended_at_;
  }

 private:
  bool Enough() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ended_ || changes_.size() >= n_; }

  std::unique_ptr<gv1::CaseChangesService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<gv1::WatchCaseChangesResponse>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<gv1::CaseChange> changes_ ABSL_GUARDED_BY(mu_);
  size_t n_ ABSL_GUARDED_BY(mu_) = 0;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  Outcome end_ ABSL_GUARDED_BY(mu_);
  absl::Time ended_at_ ABSL_GUARDED_BY(mu_);
};

gv1::WatchCaseChangesRequest From(const std::string& after, const std::string& kind = "complaint") {
  gv1::WatchCaseChangesRequest r;
  r.set_kind(kind);
  r.set_after(after);
  return r;
}

gv1::WatchCaseChangesRequest FromNow() {
  gv1::WatchCaseChangesRequest r = From("");
  r.set_from_now(true);
  return r;
}

// "C-000001 Create" for each change, for comparisons.
std::vector<std::string> Steps(const std::vector<gv1::CaseChange>& changes) {
  std::vector<std::string> out;
  for (const gv1::CaseChange& c : changes) {
    out.push_back(absl::StrCat(c.case_id(), " ", c.action()));
  }
  return out;
}

class DisorderChangesTest : public ::testing::Test {
 protected:
  DisorderChangesTest() : clock_(Local(2026, 6, 1, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kHotline, "hotline-12345", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
    };
  }

  dv1::Complaint Submit(dv1::ComplaintCategory category, const std::string& street,
                        const std::string& request_id) {
    dv1::SubmitComplaintRequest request;
    request.set_request_id(request_id);
    dv1::Complaint* c = request.mutable_complaint();
    c->set_category(category);
    c->set_channel(dv1::CHANNEL_HOTLINE);
    c->mutable_region()->set_street_id(street);
    c->mutable_region()->set_community_id(absl::StrCat(street, "-C01"));
    c->set_address("和睦路 1 号");
    c->set_description("楼下商铺夜间噪声扰民（测试）");
    dv1::SubmitComplaintResponse response;
    const Outcome o = h_.Rpc(kHotline, [&](grpc::ClientContext* ctx) {
      return stub_->SubmitComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << request_id << " " << Describe(o);
    EXPECT_TRUE(response.created()) << request_id;
    return response.complaint();
  }

  dv1::Complaint Accept(const dv1::Complaint& c) {
    dv1::AcceptComplaintRequest request;
    request.set_id(c.id());
    request.set_etag(c.etag());
    dv1::AcceptComplaintResponse response;
    const Outcome o = h_.Rpc(kHotline, [&](grpc::ClientContext* ctx) {
      return stub_->AcceptComplaint(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << c.id() << " " << Describe(o);
    return response.complaint();
  }

  // Two complaints (GS01 noise at 10:00, GS02 mobile stall at 10:00), the first accepted at
  // 11:00: three changes. Returns the two.
  std::vector<dv1::Complaint> TwoComplaintsOneAccepted() {
    const dv1::Complaint a = Submit(dv1::COMPLAINT_CATEGORY_NOISE, "GS01", "changes-a");
    const dv1::Complaint b = Submit(dv1::COMPLAINT_CATEGORY_MOBILE_STALL, "GS02", "changes-b");
    clock_.Advance(absl::Hours(1));
    Accept(a);
    return {a, b};
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
};

TEST_F(DisorderChangesTest, FromTheFirstEveryChangeInOrderWithTheCase) {
  const absl::Time submitted = clock_.Now();
  const std::vector<dv1::Complaint> c = TwoComplaintsOneAccepted();
  const std::string a = c[0].id(), b = c[1].id();
  std::vector<gv1::CaseChange> first;
  for (const char* token : {kAdmin, kHotline, kViewer}) {
    SCOPED_TRACE(token);
    Watcher w(h_.channel(), token, From(""));
    const std::vector<gv1::CaseChange> got = w.Await(3);
    ASSERT_EQ(got.size(), 3u) << w.State();
    EXPECT_EQ(Steps(got),
              (std::vector<std::string>{absl::StrCat(a, " Create"), absl::StrCat(b, " Create"),
                                        absl::StrCat(a, " Accept")}));
    struct Want {
      int64_t sequence;
      std::string from, to, street, category, request_id;
      absl::Time time;
    };
    const std::vector<Want> want = {
        {1, "", "DISPATCHED", "GS01", "NOISE", "changes-a", submitted},
        {1, "", "DISPATCHED", "GS02", "MOBILE_STALL", "changes-b", submitted},
        {2, "DISPATCHED", "HANDLING", "GS01", "NOISE", "changes-a", submitted + absl::Hours(1)},
    };
    std::set<std::string> positions;
    for (size_t i = 0; i < got.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(got[i].kind(), "complaint");
      EXPECT_EQ(got[i].sequence(), want[i].sequence);
      EXPECT_EQ(got[i].from_status(), want[i].from);
      EXPECT_EQ(got[i].to_status(), want[i].to);
      EXPECT_EQ(got[i].region().street_id(), want[i].street);
      EXPECT_EQ(got[i].region().community_id(), absl::StrCat(want[i].street, "-C01"));
      EXPECT_EQ(got[i].category(), want[i].category);
      EXPECT_EQ(got[i].request_id(), want[i].request_id);
      EXPECT_EQ(FromTimestamp(got[i].time()), want[i].time);
      EXPECT_FALSE(got[i].position().empty());
      positions.insert(got[i].position());
    }
    EXPECT_EQ(positions.size(), 3u) << "every change has a position of its own";
    // Nothing more comes while nothing changes.
    EXPECT_EQ(w.Await(4, absl::Milliseconds(700)).size(), 3u);
    if (first.empty()) first = got;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].position(), first[i].position()) << "the same stream for every caller";
    }
  }
  // "" is the track's first kind: the complaints.
  Watcher w(h_.channel(), kAdmin, From("", ""));
  const std::vector<gv1::CaseChange> got = w.Await(3);
  ASSERT_EQ(got.size(), 3u) << w.State();
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kind(), "complaint");
    EXPECT_EQ(got[i].position(), first[i].position());
  }
}

TEST_F(DisorderChangesTest, NewChangesComeLive) {
  TwoComplaintsOneAccepted();
  Watcher w(h_.channel(), kAdmin, From(""));
  ASSERT_EQ(w.Await(3).size(), 3u) << w.State();
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const absl::Time start = absl::Now();
    const dv1::Complaint live =
        Submit(dv1::COMPLAINT_CATEGORY_NOISE, "GS01", absl::StrCat("changes-live-", i));
    const std::vector<gv1::CaseChange> got = w.Await(4 + i, absl::Seconds(4));
    const absl::Duration took = absl::Now() - start;
    ASSERT_EQ(got.size(), 4u + i) << "the new complaint did not come within 4 s";
    EXPECT_LT(took, absl::Seconds(2)) << "the store is polled every 200 ms";
    EXPECT_EQ(got.back().case_id(), live.id());
    EXPECT_EQ(got.back().action(), "Create");
    EXPECT_EQ(got.back().request_id(), absl::StrCat("changes-live-", i));
  }
}

TEST_F(DisorderChangesTest, ResumesAfterAPositionOrFromNow) {
  TwoComplaintsOneAccepted();
  std::vector<gv1::CaseChange> all;
  {
    Watcher w(h_.channel(), kAdmin, From(""));
    all = w.Await(3);
    ASSERT_EQ(all.size(), 3u) << w.State();
  }
  // After the 2nd change: the 3rd only.
  Watcher after2(h_.channel(), kAdmin, From(all[1].position()));
  std::vector<gv1::CaseChange> got = after2.Await(2, absl::Seconds(2));
  ASSERT_EQ(got.size(), 1u) << after2.State();
  EXPECT_EQ(got[0].case_id(), all[2].case_id());
  EXPECT_EQ(got[0].action(), "Accept");
  EXPECT_EQ(got[0].position(), all[2].position());
  // After the last: nothing until a new change.
  Watcher after3(h_.channel(), kAdmin, From(all[2].position()));
  EXPECT_EQ(after3.Await(1, absl::Milliseconds(700)).size(), 0u);
  // From now: only what is made after the call (given time to start before the change).
  Watcher now(h_.channel(), kAdmin, FromNow());
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(now.Await(1, absl::Milliseconds(200)).size(), 0u) << "from now, not from the first";

  const dv1::Complaint next = Submit(dv1::COMPLAINT_CATEGORY_NOISE, "GS02", "changes-next");
  for (Watcher* w : {&after3, &now}) {
    got = w->Await(1);
    ASSERT_EQ(got.size(), 1u) << w->State();
    EXPECT_EQ(Steps(got), std::vector<std::string>{absl::StrCat(next.id(), " Create")});
    EXPECT_EQ(w->Await(2, absl::Milliseconds(500)).size(), 1u) << "nothing else";
  }
  got = after2.Await(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].case_id(), next.id());
  EXPECT_EQ(got[1].position(), now.Await(1)[0].position());
}

TEST_F(DisorderChangesTest, AStreetOperatorSeesItsStreetsOnly) {
  const std::vector<dv1::Complaint> c = TwoComplaintsOneAccepted();
  Watcher w(h_.channel(), kOperator1, From(""));
  std::vector<gv1::CaseChange> got = w.Await(2);
  ASSERT_EQ(got.size(), 2u) << w.State();
  EXPECT_EQ(Steps(got), (std::vector<std::string>{absl::StrCat(c[0].id(), " Create"),
                                                  absl::StrCat(c[0].id(), " Accept")}));
  // Live: a GS02 complaint is left out; the GS01 one after it comes (so the GS02 one was seen
  // and passed over, not still to come).
  const dv1::Complaint other = Submit(dv1::COMPLAINT_CATEGORY_NOISE, "GS02", "changes-gs02");
  const dv1::Complaint mine = Submit(dv1::COMPLAINT_CATEGORY_NOISE, "GS01", "changes-gs01");
  got = w.Await(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].case_id(), mine.id());
  EXPECT_EQ(w.Await(4, absl::Milliseconds(500)).size(), 3u);
  for (const gv1::CaseChange& change : got) {
    EXPECT_EQ(change.region().street_id(), "GS01") << change.case_id();
    EXPECT_NE(change.case_id(), c[1].id());
    EXPECT_NE(change.case_id(), other.id());
  }
  // A district-wide stream has all five.
  Watcher all(h_.channel(), kViewer, From(""));
  EXPECT_EQ(all.Await(5).size(), 5u);
}

TEST_F(DisorderChangesTest, Refusals) {
  TwoComplaintsOneAccepted();
  std::string position;
  {
    Watcher w(h_.channel(), kAdmin, From(""));
    const std::vector<gv1::CaseChange> got = w.Await(3);
    ASSERT_EQ(got.size(), 3u) << w.State();
    position = got[0].position();
  }
  struct Row {
    std::string what;
    std::string token;
    gv1::WatchCaseChangesRequest request;
    grpc::StatusCode code;
    std::string field;
  };
  gv1::WatchCaseChangesRequest both = From(position);
  both.set_from_now(true);
  const std::vector<Row> rows = {
      {"no such kind", kAdmin, From("", "nosuch"), grpc::StatusCode::INVALID_ARGUMENT, "kind"},
      {"not a position", kAdmin, From("garbage"), grpc::StatusCode::INVALID_ARGUMENT, "after"},
      {"a position of another kind", kAdmin, From(position, "enforcement"),
       grpc::StatusCode::INVALID_ARGUMENT, "after"},
      // The kind's own envelope around a store position the store never gave (as a position
      // of the other backend would be): refused naming "after" like any other bad position.
      {"a store position not given", kAdmin,
       From(cases::ChangeStream::EncodePosition(kTrack, "not-a-position")),
       grpc::StatusCode::INVALID_ARGUMENT, "after"},
      {"a position and from now", kAdmin, both, grpc::StatusCode::INVALID_ARGUMENT, "from_now"},
      {"no token", "", From(""), grpc::StatusCode::UNAUTHENTICATED, ""},
      {"a role not allowed", kMediator1, From(""), grpc::StatusCode::PERMISSION_DENIED, ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    Watcher w(h_.channel(), row.token, row.request);
    ExpectRefused(w.End(), row.code, row.field);
    EXPECT_EQ(w.Await(1, absl::ZeroDuration()).size(), 0u) << "a refused stream gives nothing";
  }
  // The enforcement stream itself is served (and has no changes yet).
  Watcher enforcement(h_.channel(), kAdmin, From("", "enforcement"));
  EXPECT_EQ(enforcement.Await(1, absl::Milliseconds(500)).size(), 0u);
  EXPECT_EQ(enforcement.State(), "running");
}

TEST_F(DisorderChangesTest, ADrainEndsAnOpenStreamPromptlyWithUnavailable) {
  TwoComplaintsOneAccepted();
  Watcher w(h_.channel(), kAdmin, From(""));
  ASSERT_EQ(w.Await(3).size(), 3u) << w.State();
  const absl::Time start = absl::Now();
  h_.Stop();
  const absl::Duration stop_took = absl::Now() - start;
  const Outcome o = w.End(absl::Seconds(10));
  EXPECT_EQ(o.code(), grpc::StatusCode::UNAVAILABLE) << Describe(o);
  EXPECT_LT(w.ended_at() - start, absl::Seconds(5)) << "the stream waited for the drain deadline";
  EXPECT_LT(stop_took, absl::Seconds(10)) << "the drain waited for the stream (deadline 20 s)";
}

}  // namespace
}  // namespace gov::disorder
