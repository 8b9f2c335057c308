// The tripartite track's fee collection and property disputes end to end over gRPC on the real
// track (SQLite, or PostgreSQL as tripartite_fees_disputes_test_postgres) with a real
// redis-server and a fake clock: fee records graded at the rules file's thresholds, one a
// compound a month and corrected under the etag, the month's four-colour warning; disputes from
// opening to closing, refused when wrong, masked for the roles that do not see personal data,
// linked to backlog cases checked with a real backlog track; the joint meeting and the
// deliberation sessions on the kit's MeetingsService; the indicators against hand counts; the
// demo.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/meetings/meetings.h"
#include "common/registry/registry.h"
#include "common/track/track_base.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/backlog/v1/backlog.grpc.pb.h"
#include "governance/tripartite/v1/tripartite.grpc.pb.h"
#include "governance/v1/meetings.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/backlog/track.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/model.h"
#include "services/tripartite/track.h"
#include "tests/support/track_harness.h"

namespace gov::tripartite {
namespace {

namespace gv1 = ::governance::v1;
namespace bv1 = ::governance::backlog::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::ExpectPagesLikeEveryList;
using gov::testing::ExpectRefusals;
using gov::testing::ExpectRefused;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::PageCall;
using gov::testing::Refusal;
using gov::testing::Region;
using gov::testing::Year;
using ::testing::ElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator2[] = "tok-operator-gs02";
constexpr char kOfficer1[] = "tok-officer-gs01";
constexpr char kViewer[] = "tok-viewer";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "property-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kOperator2, "operator-gs02", auth::kStreetOperator, {"GS02"}},
      {kOfficer1, "officer-gs01", kOfficer, {"GS01"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

// The street of a community id ("GS01-C02" -> "GS01").
std::string StreetOf(const std::string& community) { return community.substr(0, 4); }

// A newest-first list's ids as keys that sort the list's way ("PD-000012" -> "999987"), for
// ExpectPagesLikeEveryList, which expects its items in ascending order.
std::string NewestFirstKey(const std::string& id) {
  int n = 0;
  for (const char c : id) {
    if (c >= '0' && c <= '9') n = n * 10 + (c - '0');
  }
  return absl::StrFormat("%06d", 999999 - n);
}

// The track with its own stubs; the fixtures below start it.
class TripartiteBase : public ::testing::Test {
 protected:
  explicit TripartiteBase(absl::Time now) : clock_(now) {}

  void Start() {
    const absl::Status started = h_.Start(track::Factory<TripartiteTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = tv1::TripartiteService::NewStub(h_.channel());
    meetings_ = gv1::MeetingsService::NewStub(h_.channel());
  }

  TripartiteTrack& track() { return static_cast<TripartiteTrack&>(h_.track()); }

  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  std::string Rid() { return absl::StrCat("rid-", ++counter_); }

  // ---- Compounds ----

  tv1::Compound NewCompound(const std::string& community = "GS01-C01", int households = 500) {
    tv1::RegisterCompoundRequest request;
    request.set_request_id(Rid());
    tv1::Compound* c = request.mutable_compound();
    c->set_name(absl::StrCat("和睦家园", counter_, "期"));
    *c->mutable_region() = Region(StreetOf(community), community);
    c->set_address("和睦路12号");
    c->set_households(households);
    c->set_property_company("演示物业服务有限公司");
    tv1::RegisterCompoundResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->RegisterCompound(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.compound();
  }

  tv1::Compound GetCompound(const std::string& id) {
    tv1::GetCompoundRequest request;
    request.set_id(id);
    tv1::GetCompoundResponse response;
    const Outcome o = Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub_->GetCompound(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.compound();
  }

  // ---- Fees ----

  tv1::RecordFeeCollectionRequest FeeRequest(const std::string& compound, const std::string& month,
                                             int64_t due, int64_t collected, int arrears = 0) {
    tv1::RecordFeeCollectionRequest request;
    request.set_request_id(Rid());
    tv1::FeeCollection* f = request.mutable_collection();
    f->set_compound_id(compound);
    f->set_month(month);
    f->set_due_yuan(due);
    f->set_collected_yuan(collected);
    f->set_households_in_arrears(arrears);
    return request;
  }

  Outcome TryRecord(const std::string& token, const tv1::RecordFeeCollectionRequest& request,
                    tv1::FeeCollection* out = nullptr) {
    tv1::RecordFeeCollectionResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->RecordFeeCollection(ctx, request, &response);
    });
    if (out != nullptr) *out = response.collection();
    return o;
  }

  tv1::FeeCollection Record(const tv1::RecordFeeCollectionRequest& request,
                            const std::string& token = kOfficer1) {
    tv1::FeeCollection out;
    const Outcome o = TryRecord(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // A record of `compound` for `month` at `rate_bp` (of 10000 yuan due).
  tv1::FeeCollection RecordAt(const std::string& compound, const std::string& month,
                              int64_t rate_bp, const std::string& token = kAdmin) {
    return Record(FeeRequest(compound, month, 10000, rate_bp), token);
  }

  Outcome TryListFees(const std::string& token, const tv1::ListFeeCollectionsRequest& request,
                      tv1::ListFeeCollectionsResponse* out) {
    return Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ListFeeCollections(ctx, request, out);
    });
  }

  std::vector<std::string> ListFeeIds(const tv1::ListFeeCollectionsRequest& request,
                                      const std::string& token = kAdmin) {
    tv1::ListFeeCollectionsResponse response;
    const Outcome o = TryListFees(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const tv1::FeeCollection& f : response.collections()) ids.push_back(f.id());
    return ids;
  }

  Outcome TryWarning(const std::string& token, const tv1::GetFeeWarningRequest& request,
                     tv1::GetFeeWarningResponse* out) {
    return Rpc(token,
               [&](grpc::ClientContext* ctx) { return stub_->GetFeeWarning(ctx, request, out); });
  }

  tv1::GetFeeWarningResponse Warning(const std::string& month, const std::string& token = kAdmin,
                                     const gv1::RegionRef& region = {}) {
    tv1::GetFeeWarningRequest request;
    request.set_month(month);
    *request.mutable_region() = region;
    tv1::GetFeeWarningResponse response;
    const Outcome o = TryWarning(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response;
  }

  // ---- Disputes ----

  tv1::OpenPropertyDisputeRequest DisputeRequest(
      const std::string& compound,
      tv1::DisputeCategory category = tv1::DISPUTE_CATEGORY_FEE_ARREARS, bool hard = false) {
    tv1::OpenPropertyDisputeRequest request;
    request.set_request_id(Rid());
    tv1::PropertyDispute* d = request.mutable_dispute();
    d->set_category(category);
    d->set_compound_id(compound);
    d->set_hard(hard);
    d->set_summary("业主以服务不到位为由拒缴物业费（测试）");
    d->add_parties("张某");
    d->add_parties("演示物业服务有限公司");
    d->set_households(2);
    return request;
  }

  Outcome TryOpen(const std::string& token, const tv1::OpenPropertyDisputeRequest& request,
                  tv1::PropertyDispute* out = nullptr) {
    tv1::OpenPropertyDisputeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->OpenPropertyDispute(ctx, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  tv1::PropertyDispute Open(const tv1::OpenPropertyDisputeRequest& request,
                            const std::string& token = kOfficer1) {
    tv1::PropertyDispute out;
    const Outcome o = TryOpen(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryGetDispute(const std::string& token, const std::string& id,
                        tv1::PropertyDispute* out = nullptr) {
    tv1::GetPropertyDisputeRequest request;
    request.set_id(id);
    tv1::GetPropertyDisputeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->GetPropertyDispute(ctx, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  tv1::PropertyDispute GetDispute(const std::string& id, const std::string& token = kAdmin) {
    tv1::PropertyDispute out;
    const Outcome o = TryGetDispute(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryRefer(const std::string& token, const tv1::PropertyDispute& d,
                   tv1::PropertyDispute* out = nullptr) {
    tv1::ReferPropertyDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_note("街道协调未果，提请联席会议");
    tv1::ReferPropertyDisputeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ReferPropertyDispute(ctx, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome TryResolve(const std::string& token, const tv1::PropertyDispute& d,
                     const std::string& meeting = "", tv1::PropertyDispute* out = nullptr,
                     const std::string& resolution = "达成分期缴费协议") {
    tv1::ResolvePropertyDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_resolution(resolution);
    request.set_joint_meeting_id(meeting);
    tv1::ResolvePropertyDisputeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ResolvePropertyDispute(ctx, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  Outcome TryClose(const std::string& token, const tv1::PropertyDispute& d,
                   const std::string& reason, tv1::PropertyDispute* out = nullptr) {
    tv1::ClosePropertyDisputeRequest request;
    request.set_id(d.id());
    request.set_etag(d.etag());
    request.set_reason(reason);
    tv1::ClosePropertyDisputeResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ClosePropertyDispute(ctx, request, &response);
    });
    if (out != nullptr) *out = response.dispute();
    return o;
  }

  tv1::PropertyDispute Refer(const tv1::PropertyDispute& d, const std::string& token = kOfficer1) {
    tv1::PropertyDispute out;
    const Outcome o = TryRefer(token, d, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  tv1::PropertyDispute Resolve(const tv1::PropertyDispute& d, const std::string& meeting = "",
                               const std::string& token = kOfficer1) {
    tv1::PropertyDispute out;
    const Outcome o = TryResolve(token, d, meeting, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  tv1::PropertyDispute Close(const tv1::PropertyDispute& d, const std::string& reason = "") {
    tv1::PropertyDispute out;
    const Outcome o = TryClose(kAdmin, d, reason, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  Outcome TryListDisputes(const std::string& token, const tv1::ListPropertyDisputesRequest& request,
                          tv1::ListPropertyDisputesResponse* out) {
    return Rpc(token, [&](grpc::ClientContext* ctx) {
      return stub_->ListPropertyDisputes(ctx, request, out);
    });
  }

  std::vector<std::string> ListDisputeIds(const tv1::ListPropertyDisputesRequest& request,
                                          const std::string& token = kAdmin) {
    tv1::ListPropertyDisputesResponse response;
    const Outcome o = TryListDisputes(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> ids;
    for (const tv1::PropertyDispute& d : response.disputes()) ids.push_back(d.id());
    return ids;
  }

  // ---- Meetings ----

  // A joint meeting about `dispute` held an hour ago in `street`, the three bodies present.
  gv1::CreateMeetingRequest JointMeeting(const std::string& dispute,
                                         const std::string& street = "GS01") {
    gv1::CreateMeetingRequest request;
    request.set_request_id(Rid());
    gv1::Meeting* m = request.mutable_meeting();
    m->set_kind(kJointMeeting);
    *m->mutable_hold_time() = ToTimestamp(clock_.Now() - absl::Hours(1));
    m->mutable_region()->set_street_id(street);
    m->set_title("物业纠纷联席会议");
    m->add_units_present("区人民法院");
    m->add_units_present("区住建局");
    m->add_units_present("区三方办");
    m->add_topics("欠费纠纷化解");
    m->add_decisions("由法院开展诉前调解");
    m->set_subject_id(dispute);
    for (const auto& [party, unit] :
         std::vector<std::pair<std::string, std::string>>{{kCourt, "区人民法院"},
                                                          {kHousingBureau, "区住建局"},
                                                          {kThreePartyOffice, "区三方办"}}) {
      gv1::Participant* p = m->add_participants();
      p->set_party(party);
      p->set_unit(unit);
      p->set_name("王某");
    }
    return request;
  }

  // A deliberation session about `compound` held an hour ago, its three parties present, with
  // two follow-ups.
  gv1::CreateMeetingRequest Deliberation(const tv1::Compound& compound) {
    gv1::CreateMeetingRequest request;
    request.set_request_id(Rid());
    gv1::Meeting* m = request.mutable_meeting();
    m->set_kind(kDeliberation);
    const absl::Time held = clock_.Now() - absl::Hours(1);
    *m->mutable_hold_time() = ToTimestamp(held);
    m->mutable_region()->set_street_id(compound.region().street_id());
    m->set_title("专题议事协商：停车秩序");
    m->add_units_present("社区党委");
    m->add_units_present("业主委员会");
    m->add_units_present("物业服务中心");
    m->add_topics("小区停车秩序");
    m->add_decisions("施划停车位并公示");
    m->set_subject_id(compound.id());
    for (const auto& [party, unit] :
         std::vector<std::pair<std::string, std::string>>{{kPartyBranch, "社区党委"},
                                                          {kOwners, "业主委员会"},
                                                          {kPropertyCompany, "物业服务中心"}}) {
      gv1::Participant* p = m->add_participants();
      p->set_party(party);
      p->set_unit(unit);
      p->set_name("李某");
    }
    for (int k = 0; k < 2; ++k) {
      gv1::FollowUp* f = m->add_follow_ups();
      f->set_action(k == 0 ? "施划停车位" : "公示停车管理办法");
      f->set_owner_unit("物业服务中心");
      *f->mutable_due_time() = ToTimestamp(held + absl::Hours(24 * 14));
    }
    return request;
  }

  Outcome TryMeeting(const std::string& token, const gv1::CreateMeetingRequest& request,
                     gv1::Meeting* out = nullptr) {
    gv1::CreateMeetingResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* ctx) {
      return meetings_->CreateMeeting(ctx, request, &response);
    });
    if (out != nullptr) *out = response.meeting();
    return o;
  }

  gv1::Meeting Meeting(const gv1::CreateMeetingRequest& request,
                       const std::string& token = kOperator1) {
    gv1::Meeting out;
    const Outcome o = TryMeeting(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return out;
  }

  // ---- Indicators ----

  gv1::Indicator Indicator(const std::string& id, const gv1::Period& period,
                           const gv1::RegionRef& region = {}) {
    return h_.Indicator(kAdmin, id, period, region);
  }

  int64_t Value(const std::string& id, const gv1::Period& period,
                const gv1::RegionRef& region = {}) {
    return h_.IndicatorValue(kAdmin, id, period, region);
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<tv1::TripartiteService::Stub> stub_;
  std::unique_ptr<gv1::MeetingsService::Stub> meetings_;
  int counter_ = 0;
};

class TripartiteFeesDisputesTest : public TripartiteBase {
 protected:
  TripartiteFeesDisputesTest() : TripartiteBase(Local(2026, 4, 15, 10, 0)) {}
  void SetUp() override { Start(); }
};

// ---- Fee collection ----

TEST_F(TripartiteFeesDisputesTest, FeeColoursFollowTheRulesFileAtItsThresholds) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const struct {
    const char* month;
    int64_t rate;
    gv1::Colour colour;
  } kCases[] = {
      {"2025-10", 5999, gv1::COLOUR_RED},    {"2025-11", 6000, gv1::COLOUR_YELLOW},
      {"2025-12", 7999, gv1::COLOUR_YELLOW}, {"2026-01", 8000, gv1::COLOUR_BLUE},
      {"2026-02", 8999, gv1::COLOUR_BLUE},   {"2026-03", 9000, gv1::COLOUR_GREEN},
      {"2026-04", 10000, gv1::COLOUR_GREEN},
  };
  for (const auto& k : kCases) {
    SCOPED_TRACE(k.month);
    const tv1::FeeCollection f = RecordAt(c.id(), k.month, k.rate, kOfficer1);
    EXPECT_TRUE(absl::StartsWith(f.id(), "FC-")) << f.id();
    EXPECT_EQ(f.collection_rate_bp(), k.rate);
    EXPECT_EQ(f.colour(), k.colour);
    EXPECT_EQ(f.compound_id(), c.id());
    EXPECT_EQ(f.month(), k.month);
    EXPECT_EQ(f.region().street_id(), "GS01");
    EXPECT_EQ(f.region().community_id(), "GS01-C01");
    EXPECT_EQ(f.etag(), "v1");
    EXPECT_EQ(FromTimestamp(f.create_time()), clock_.Now());
  }
  // Rounded half away from zero: 2 of 3 is 6667 basis points.
  const tv1::Compound other = NewCompound("GS01-C02");
  const tv1::FeeCollection thirds = Record(FeeRequest(other.id(), "2026-03", 3, 2));
  EXPECT_EQ(thirds.collection_rate_bp(), 6667);
  EXPECT_EQ(thirds.colour(), gv1::COLOUR_YELLOW);
  // Nothing collected is red; read back as stored.
  const tv1::FeeCollection none = Record(FeeRequest(other.id(), "2026-04", 800, 0, 500));
  EXPECT_EQ(none.collection_rate_bp(), 0);
  EXPECT_EQ(none.colour(), gv1::COLOUR_RED);
  tv1::GetFeeCollectionRequest get;
  get.set_id(none.id());
  tv1::GetFeeCollectionResponse got;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* ctx) {
                return stub_->GetFeeCollection(ctx, get, &got);
              }).status.ok());
  EXPECT_EQ(got.collection().SerializeAsString(), none.SerializeAsString());
  ExpectRefused(
      Rpc(kOperator2,
          [&](grpc::ClientContext* ctx) { return stub_->GetFeeCollection(ctx, get, &got); }),
      grpc::StatusCode::PERMISSION_DENIED, "");
  // The compound shows its last record's colour.
  const tv1::Compound shown = GetCompound(c.id());
  EXPECT_EQ(shown.fee_colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(shown.fee_month(), "2026-04");
}

TEST_F(TripartiteFeesDisputesTest, ABadFeeRecordIsRefusedNamingTheFieldAndWritesNothing) {
  const tv1::Compound c = NewCompound("GS01-C01", 300);
  const tv1::Compound gs02 = NewCompound("GS02-C01");
  const tv1::RecordFeeCollectionRequest valid = FeeRequest(c.id(), "2026-03", 100000, 85000, 20);
  using R = tv1::RecordFeeCollectionRequest;
  const std::vector<Refusal<R>> table = {
      {"no request id", [](R& r) { r.clear_request_id(); }, "request_id"},
      {"no compound", [](R& r) { r.mutable_collection()->clear_compound_id(); },
       "collection.compound_id"},
      {"unknown compound", [](R& r) { r.mutable_collection()->set_compound_id("CP-999999"); },
       "collection.compound_id"},
      {"no month", [](R& r) { r.mutable_collection()->clear_month(); }, "collection.month"},
      {"a day, not a month", [](R& r) { r.mutable_collection()->set_month("2026-03-01"); },
       "collection.month"},
      {"month 13", [](R& r) { r.mutable_collection()->set_month("2026-13"); }, "collection.month"},
      {"one digit", [](R& r) { r.mutable_collection()->set_month("2026-3"); }, "collection.month"},
      {"next month", [](R& r) { r.mutable_collection()->set_month("2026-05"); },
       "collection.month"},
      {"nothing due", [](R& r) { r.mutable_collection()->set_due_yuan(0); }, "collection.due_yuan"},
      {"too much due",
       [](R& r) {
         r.mutable_collection()->set_due_yuan(1'000'000'000'001);
         r.mutable_collection()->set_collected_yuan(0);
       },
       "collection.due_yuan"},
      {"more collected than due", [](R& r) { r.mutable_collection()->set_collected_yuan(100001); },
       "collection.collected_yuan"},
      {"negative collected", [](R& r) { r.mutable_collection()->set_collected_yuan(-1); },
       "collection.collected_yuan"},
      {"negative arrears", [](R& r) { r.mutable_collection()->set_households_in_arrears(-1); },
       "collection.households_in_arrears"},
      {"more in arrears than households",
       [](R& r) { r.mutable_collection()->set_households_in_arrears(301); },
       "collection.households_in_arrears"},
      {"another street's compound",
       [&](R& r) { r.mutable_collection()->set_compound_id(gs02.id()); }, "",
       grpc::StatusCode::PERMISSION_DENIED},
  };
  ExpectRefusals<R>(h_, valid, table, [&](const R& r) { return TryRecord(kOfficer1, r); });
  // Viewers and officers of other streets do not record.
  ExpectRefused(TryRecord(kViewer, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryRecord(kOperator2, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  // The top of the bounds is taken: 10^12 due, every household in arrears.
  EXPECT_TRUE(Record(valid).id().size() > 0);
  const tv1::FeeCollection top =
      Record(FeeRequest(c.id(), "2026-04", 1'000'000'000'000, 1'000'000'000'000, 300), kSystem);
  EXPECT_EQ(top.colour(), gv1::COLOUR_GREEN);
}

TEST_F(TripartiteFeesDisputesTest, OneRecordACompoundAMonthCorrectedUnderItsEtag) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const tv1::RecordFeeCollectionRequest first = FeeRequest(c.id(), "2026-03", 10000, 5500, 40);
  const tv1::FeeCollection f = Record(first);
  EXPECT_EQ(f.colour(), gv1::COLOUR_RED);

  // A retry is the same record.
  EXPECT_EQ(Record(first).SerializeAsString(), f.SerializeAsString());
  // Another record of the month: ALREADY_EXISTS, naming the one there.
  tv1::RecordFeeCollectionRequest second = FeeRequest(c.id(), "2026-03", 10000, 9100, 3);
  Outcome o = TryRecord(kOfficer1, second);
  ExpectRefused(o, grpc::StatusCode::ALREADY_EXISTS, "collection.month");
  EXPECT_THAT(o.status.error_message(), ::testing::HasSubstr(f.id()));
  // The first request's id with other figures: ALREADY_EXISTS too.
  tv1::RecordFeeCollectionRequest reused = second;
  reused.set_request_id(first.request_id());
  ExpectRefused(TryRecord(kOfficer1, reused), grpc::StatusCode::ALREADY_EXISTS, "collection.month");

  // A correction under the record's etag: the same record, the new figures and colour.
  second.set_etag(f.etag());
  tv1::FeeCollection corrected;
  o = TryRecord(kOfficer1, second, &corrected);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(corrected.id(), f.id());
  EXPECT_EQ(corrected.etag(), "v2");
  EXPECT_EQ(corrected.collection_rate_bp(), 9100);
  EXPECT_EQ(corrected.colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(corrected.households_in_arrears(), 3);
  EXPECT_EQ(corrected.create_time().seconds(), f.create_time().seconds());
  // Retried, it answers the record as corrected; other figures under the stale etag: ABORTED.
  EXPECT_EQ(Record(second).SerializeAsString(), corrected.SerializeAsString());
  tv1::RecordFeeCollectionRequest stale = FeeRequest(c.id(), "2026-03", 10000, 7000);
  stale.set_etag(f.etag());
  ExpectRefused(TryRecord(kOfficer1, stale), grpc::StatusCode::ABORTED, "");
  // No record of the month to correct.
  tv1::RecordFeeCollectionRequest nothing = FeeRequest(c.id(), "2026-02", 10000, 7000);
  nothing.set_etag("v1");
  ExpectInvalid(TryRecord(kOfficer1, nothing), "etag");

  // One record of the month, as corrected.
  tv1::ListFeeCollectionsRequest list;
  list.set_compound_id(c.id());
  EXPECT_THAT(ListFeeIds(list), ElementsAre(f.id()));
  EXPECT_EQ(GetCompound(c.id()).fee_colour(), gv1::COLOUR_GREEN);
}

TEST_F(TripartiteFeesDisputesTest, FeeRecordsAreListedByMonthColourCompoundAndRegion) {
  std::vector<std::string> red_march;
  std::vector<std::string> gs01;
  for (int i = 0; i < 7; ++i) {
    const std::string community = i < 5 ? "GS01-C01" : "GS02-C01";
    const tv1::Compound c = NewCompound(community);
    const tv1::FeeCollection march = RecordAt(c.id(), "2026-03", i % 2 == 0 ? 5000 : 9500);
    const tv1::FeeCollection april = RecordAt(c.id(), "2026-04", 5000);
    if (i % 2 == 0) red_march.push_back(march.id());
    if (i < 5) {
      gs01.push_back(march.id());
      gs01.push_back(april.id());
    }
  }
  std::sort(gs01.begin(), gs01.end());
  auto pages = [&](tv1::ListFeeCollectionsRequest filter, const std::string& token) -> PageCall {
    return [this, filter, token](int32_t size, const std::string& page_token,
                                 std::vector<std::string>* ids, std::string* next) {
      tv1::ListFeeCollectionsRequest request = filter;
      request.set_page_size(size);
      request.set_page_token(page_token);
      tv1::ListFeeCollectionsResponse response;
      const Outcome o = TryListFees(token, request, &response);
      for (const tv1::FeeCollection& f : response.collections()) ids->push_back(f.id());
      *next = response.next_page_token();
      return o;
    };
  };
  tv1::ListFeeCollectionsRequest red;
  red.set_month("2026-03");
  red.set_colour(gv1::COLOUR_RED);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(red, kViewer), 4), red_march);
  // An operator of GS01 sees its street's only.
  EXPECT_EQ(ExpectPagesLikeEveryList(pages({}, kOperator1), 10), gs01);
  tv1::ListFeeCollectionsRequest gs02;
  *gs02.mutable_region() = Region("GS02");
  EXPECT_EQ(ListFeeIds(gs02).size(), 4u);
  tv1::ListFeeCollectionsResponse refused;
  ExpectRefused(TryListFees(kOperator1, gs02, &refused), grpc::StatusCode::PERMISSION_DENIED, "");
  // A token of one filter is refused by another.
  tv1::ListFeeCollectionsRequest first_page = red;
  first_page.set_page_size(1);
  tv1::ListFeeCollectionsResponse response;
  ASSERT_TRUE(TryListFees(kAdmin, first_page, &response).status.ok());
  tv1::ListFeeCollectionsRequest other = first_page;
  other.set_colour(gv1::COLOUR_GREEN);
  other.set_page_token(response.next_page_token());
  ExpectInvalid(TryListFees(kAdmin, other, &response), "page_token");

  using L = tv1::ListFeeCollectionsRequest;
  ExpectRefusals<L>(
      h_, L{},
      {{"bad month", [](L& r) { r.set_month("March"); }, "month"},
       {"orange", [](L& r) { r.set_colour(gv1::COLOUR_ORANGE); }, "colour"},
       {"a grid", [](L& r) { *r.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); },
        "region.grid_id"},
       {"unknown street", [](L& r) { *r.mutable_region() = Region("GS99"); }, "region.street_id"},
       {"negative page size", [](L& r) { r.set_page_size(-1); }, "page_size"}},
      [&](const L& r) {
        tv1::ListFeeCollectionsResponse ignored;
        return TryListFees(kAdmin, r, &ignored);
      });
}

TEST_F(TripartiteFeesDisputesTest, TheWarningCountsAMonthsCompoundsInEachColour) {
  // March: GS01 red, yellow, yellow, green; GS02 blue. April: one GS01 compound only.
  const std::vector<std::pair<std::string, int64_t>> march = {{"GS01-C01", 4000},
                                                              {"GS01-C01", 6500},
                                                              {"GS01-C02", 7999},
                                                              {"GS01-C02", 9999},
                                                              {"GS02-C01", 8500}};
  std::vector<std::string> ids;
  for (const auto& [community, rate] : march) {
    const tv1::Compound c = NewCompound(community);
    RecordAt(c.id(), "2026-03", rate);
    ids.push_back(c.id());
  }
  RecordAt(ids[0], "2026-04", 9500);

  tv1::GetFeeWarningResponse w = Warning("2026-03");
  EXPECT_EQ(w.month(), "2026-03");
  EXPECT_EQ(w.compounds(), 5);
  ASSERT_EQ(w.bands_size(), 4);
  const struct {
    gv1::Colour colour;
    int64_t from;
    int64_t below;
    int compounds;
    int64_t share;
  } kBands[] = {{gv1::COLOUR_RED, 0, 6000, 1, 2000},
                {gv1::COLOUR_YELLOW, 6000, 8000, 2, 4000},
                {gv1::COLOUR_BLUE, 8000, 9000, 1, 2000},
                {gv1::COLOUR_GREEN, 9000, 0, 1, 2000}};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(w.bands(i).colour(), kBands[i].colour);
    EXPECT_EQ(w.bands(i).from_bp(), kBands[i].from);
    EXPECT_EQ(w.bands(i).below_bp(), kBands[i].below);
    EXPECT_EQ(w.bands(i).compounds(), kBands[i].compounds);
    EXPECT_EQ(w.bands(i).share_bp(), kBands[i].share);
  }
  EXPECT_EQ(w.thresholds_source(), gv1::TARGET_SOURCE_DISTRICT);
  EXPECT_EQ(w.thresholds_reason(), track().rules().data().fee_warning_reason());
  EXPECT_FALSE(w.thresholds_reason().empty());

  // A street's: GS01 alone, asked for or as its operator sees it.
  w = Warning("2026-03", kAdmin, Region("GS01"));
  EXPECT_EQ(w.compounds(), 4);
  EXPECT_EQ(w.bands(1).share_bp(), 5000);
  EXPECT_EQ(w.bands(2).compounds(), 0);
  EXPECT_EQ(Warning("2026-03", kOperator1).compounds(), 4);
  EXPECT_EQ(Warning("2026-03", kOperator2).bands(2).share_bp(), 10000);
  w = Warning("2026-03", kAdmin, Region("GS01", "GS01-C02"));
  EXPECT_EQ(w.compounds(), 2);
  // April: one compound, green; February: none.
  w = Warning("2026-04");
  EXPECT_EQ(w.compounds(), 1);
  EXPECT_EQ(w.bands(3).share_bp(), 10000);
  w = Warning("2026-02");
  EXPECT_EQ(w.compounds(), 0);
  for (const tv1::FeeBand& band : w.bands()) EXPECT_EQ(band.share_bp(), 0);

  tv1::GetFeeWarningRequest request;
  tv1::GetFeeWarningResponse ignored;
  ExpectInvalid(TryWarning(kAdmin, request, &ignored), "month");
  request.set_month("2026/03");
  ExpectInvalid(TryWarning(kAdmin, request, &ignored), "month");
  request.set_month("2026-03");
  *request.mutable_region() = Region("GS02");
  ExpectRefused(TryWarning(kOperator1, request, &ignored), grpc::StatusCode::PERMISSION_DENIED, "");
}

TEST_F(TripartiteFeesDisputesTest, FeeSharesGoByEachCompoundsLatestRecordOfThePeriod) {
  // A: red in January, green in March. B (GS02): yellow in February. C: blue last December only.
  const tv1::Compound a = NewCompound("GS01-C01");
  const tv1::Compound b = NewCompound("GS02-C01");
  const tv1::Compound c = NewCompound("GS01-C02");
  RecordAt(a.id(), "2026-01", 5000);
  RecordAt(a.id(), "2026-03", 9500);
  RecordAt(b.id(), "2026-02", 7000);
  RecordAt(c.id(), "2025-12", 8500);

  EXPECT_EQ(Value("fee_red_share", Year(2026)), 0);
  EXPECT_EQ(Value("fee_yellow_share", Year(2026)), 5000);
  EXPECT_EQ(Value("fee_blue_share", Year(2026)), 0);
  EXPECT_EQ(Value("fee_green_share", Year(2026)), 5000);
  EXPECT_EQ(Value("fee_red_share", Month(2026, 1)), 10000);
  EXPECT_EQ(Value("fee_green_share", Month(2026, 1)), 0);
  EXPECT_EQ(Value("fee_blue_share", Month(2025, 12)), 10000);
  EXPECT_EQ(Value("fee_green_share", Year(2026), Region("GS01")), 10000);
  EXPECT_EQ(Value("fee_yellow_share", Year(2026), Region("GS02")), 10000);
  EXPECT_EQ(Value("fee_blue_share", Year(2025)), 10000);
  // No record in April yet: no data; watched, without a target.
  const gv1::Indicator april = Indicator("fee_red_share", Month(2026, 4));
  EXPECT_FALSE(april.has_data());
  const gv1::Indicator red = Indicator("fee_red_share", Year(2026));
  EXPECT_EQ(red.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(red.unit(), gv1::INDICATOR_UNIT_BASIS_POINTS);
  EXPECT_EQ(red.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
  EXPECT_EQ(Indicator("fee_green_share", Year(2026)).direction(), gv1::DIRECTION_HIGHER_IS_BETTER);
}

// ---- Property disputes ----

TEST_F(TripartiteFeesDisputesTest, ADisputeGoesFromOpeningToClosingAsItsStatesAllow) {
  const tv1::Compound c = NewCompound("GS01-C02");
  const tv1::OpenPropertyDisputeRequest request = DisputeRequest(c.id());
  const tv1::PropertyDispute d = Open(request);
  EXPECT_TRUE(absl::StartsWith(d.id(), "PD-")) << d.id();
  EXPECT_EQ(d.status(), tv1::DISPUTE_STATUS_OPEN);
  EXPECT_EQ(d.category(), tv1::DISPUTE_CATEGORY_FEE_ARREARS);
  EXPECT_EQ(d.compound_id(), c.id());
  EXPECT_EQ(d.region().street_id(), "GS01");
  EXPECT_EQ(d.region().community_id(), "GS01-C02");
  EXPECT_FALSE(d.hard());
  EXPECT_THAT(d.parties(), ElementsAre("张某", "演示物业服务有限公司"));
  EXPECT_EQ(d.households(), 2);
  EXPECT_EQ(d.etag(), "v1");
  EXPECT_GT(FromTimestamp(d.due_time()), clock_.Now());
  EXPECT_TRUE(d.history().empty());

  // Idempotent: the same request is the same dispute; another under its id is ALREADY_EXISTS.
  EXPECT_EQ(Open(request).id(), d.id());
  tv1::OpenPropertyDisputeRequest other = request;
  other.mutable_dispute()->set_category(tv1::DISPUTE_CATEGORY_PARKING);
  ExpectRefused(TryOpen(kOfficer1, other), grpc::StatusCode::ALREADY_EXISTS, "");

  // Not resolved from joint review without the meeting; not closed unresolved without a reason.
  const tv1::PropertyDispute referred = Refer(d);
  EXPECT_EQ(referred.status(), tv1::DISPUTE_STATUS_JOINT_REVIEW);
  ExpectRefused(TryRefer(kOfficer1, referred), grpc::StatusCode::FAILED_PRECONDITION, "");
  ExpectRefused(TryRefer(kOfficer1, d), grpc::StatusCode::ABORTED, "");
  ExpectInvalid(TryResolve(kOfficer1, referred), "joint_meeting_id");
  ExpectInvalid(TryClose(kOperator1, referred, ""), "reason");
  // Officers do not close; another street's operator reaches nothing.
  ExpectRefused(TryClose(kOfficer1, referred, "转入诉讼"), grpc::StatusCode::PERMISSION_DENIED, "");
  ExpectRefused(TryClose(kOperator2, referred, "转入诉讼"), grpc::StatusCode::PERMISSION_DENIED,
                "");
  tv1::PropertyDispute closed;
  const Outcome o = TryClose(kOperator1, referred, "当事人已提起诉讼", &closed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(closed.status(), tv1::DISPUTE_STATUS_CLOSED);
  EXPECT_EQ(closed.close_reason(), "当事人已提起诉讼");
  EXPECT_FALSE(closed.has_due_time());
  for (const tv1::PropertyDispute* at : {&closed}) {
    ExpectRefused(TryRefer(kOfficer1, *at), grpc::StatusCode::FAILED_PRECONDITION, "");
    ExpectRefused(TryResolve(kOfficer1, *at), grpc::StatusCode::FAILED_PRECONDITION, "");
    ExpectRefused(TryClose(kAdmin, *at, "again"), grpc::StatusCode::FAILED_PRECONDITION, "");
  }

  // One resolved from OPEN without a meeting, then closed without a reason.
  const tv1::PropertyDispute second = Open(DisputeRequest(c.id(), tv1::DISPUTE_CATEGORY_PARKING));
  const tv1::PropertyDispute resolved = Resolve(second);
  EXPECT_EQ(resolved.status(), tv1::DISPUTE_STATUS_RESOLVED);
  EXPECT_EQ(resolved.resolution(), "达成分期缴费协议");
  EXPECT_TRUE(resolved.joint_meeting_id().empty());
  ExpectRefused(TryResolve(kOfficer1, resolved), grpc::StatusCode::FAILED_PRECONDITION, "");
  const tv1::PropertyDispute done = Close(resolved);
  EXPECT_EQ(done.status(), tv1::DISPUTE_STATUS_CLOSED);
  EXPECT_TRUE(done.close_reason().empty());

  // The history of each step, oldest first.
  const tv1::PropertyDispute read = GetDispute(closed.id());
  std::vector<std::string> actions;
  for (const gv1::CaseEvent& e : read.history()) actions.push_back(e.action());
  EXPECT_THAT(actions, ElementsAre("Create", kRefer, kClose));
  actions.clear();
  const tv1::PropertyDispute read_done = GetDispute(done.id());
  for (const gv1::CaseEvent& e : read_done.history()) actions.push_back(e.action());
  EXPECT_THAT(actions, ElementsAre("Create", kResolve, kClose));
}

TEST_F(TripartiteFeesDisputesTest, ABadDisputeIsRefusedNamingTheFieldAndWritesNothing) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const tv1::Compound gs02 = NewCompound("GS02-C01");
  const tv1::OpenPropertyDisputeRequest valid = DisputeRequest(c.id());
  using R = tv1::OpenPropertyDisputeRequest;
  const std::vector<Refusal<R>> table = {
      {"no request id", [](R& r) { r.clear_request_id(); }, "request_id"},
      {"no category", [](R& r) { r.mutable_dispute()->clear_category(); }, "dispute.category"},
      {"unknown category",
       [](R& r) { r.mutable_dispute()->set_category(static_cast<tv1::DisputeCategory>(99)); },
       "dispute.category"},
      {"no compound", [](R& r) { r.mutable_dispute()->clear_compound_id(); },
       "dispute.compound_id"},
      {"unknown compound", [](R& r) { r.mutable_dispute()->set_compound_id("CP-999999"); },
       "dispute.compound_id"},
      {"no summary", [](R& r) { r.mutable_dispute()->clear_summary(); }, "dispute.summary"},
      {"long summary", [](R& r) { r.mutable_dispute()->set_summary(std::string(2001, 'x')); },
       "dispute.summary"},
      {"empty party", [](R& r) { r.mutable_dispute()->add_parties(""); }, "dispute.parties[2]"},
      {"long party", [](R& r) { r.mutable_dispute()->set_parties(0, std::string(101, 'x')); },
       "dispute.parties[0]"},
      {"21 parties",
       [](R& r) {
         for (int i = 0; i < 19; ++i) r.mutable_dispute()->add_parties("业主");
       },
       "dispute.parties"},
      {"negative households", [](R& r) { r.mutable_dispute()->set_households(-1); },
       "dispute.households"},
      {"too many households", [](R& r) { r.mutable_dispute()->set_households(100001); },
       "dispute.households"},
      {"another street's compound", [&](R& r) { r.mutable_dispute()->set_compound_id(gs02.id()); },
       "", grpc::StatusCode::PERMISSION_DENIED},
      // No backlog track to ask here: cannot be checked now, nothing stored.
      {"a backlog case unchecked",
       [](R& r) { r.mutable_dispute()->set_backlog_case_id("K-000001"); }, "",
       grpc::StatusCode::UNAVAILABLE},
  };
  ExpectRefusals<R>(h_, valid, table, [&](const R& r) { return TryOpen(kOfficer1, r); });
  ExpectRefused(TryOpen(kViewer, valid), grpc::StatusCode::PERMISSION_DENIED, "");
  // The bounds themselves are taken.
  R bounds = valid;
  bounds.set_request_id(Rid());
  bounds.mutable_dispute()->set_summary(std::string(2000, 'x'));
  bounds.mutable_dispute()->set_households(100000);
  bounds.mutable_dispute()->clear_parties();
  for (int i = 0; i < 20; ++i) bounds.mutable_dispute()->add_parties(std::string(100, 'p'));
  EXPECT_EQ(Open(bounds, kSystem).parties_size(), 20);

  // The moves' own fields.
  const tv1::PropertyDispute d = Open(valid);
  tv1::PropertyDispute spoiled = d;
  spoiled.clear_etag();
  ExpectInvalid(TryRefer(kOfficer1, spoiled), "etag");
  spoiled = d;
  spoiled.clear_id();
  ExpectInvalid(TryResolve(kOfficer1, spoiled), "id");
  ExpectInvalid(TryResolve(kOfficer1, d, "", nullptr, ""), "resolution");
  ExpectInvalid(TryResolve(kOfficer1, d, "", nullptr, std::string(2001, 'x')), "resolution");
  ExpectInvalid(TryClose(kOperator1, d, std::string(2001, 'x')), "reason");
  spoiled = d;
  spoiled.set_id("PD-999999");
  ExpectRefused(TryRefer(kOfficer1, spoiled), grpc::StatusCode::NOT_FOUND, "");
}

TEST_F(TripartiteFeesDisputesTest, PartiesAreShownOnlyToTheRolesThatSeePersonalData) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const tv1::PropertyDispute d = Open(DisputeRequest(c.id()), kOperator1);
  for (const char* token : {kAdmin, kOperator1, kOfficer1, kSystem}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(GetDispute(d.id(), token).parties_size(), 2);
  }
  const tv1::PropertyDispute seen = GetDispute(d.id(), kViewer);
  EXPECT_TRUE(seen.parties().empty());
  EXPECT_EQ(seen.summary(), d.summary());
  tv1::ListPropertyDisputesRequest list;
  tv1::ListPropertyDisputesResponse listed;
  ASSERT_TRUE(TryListDisputes(kViewer, list, &listed).status.ok());
  ASSERT_EQ(listed.disputes_size(), 1);
  EXPECT_TRUE(listed.disputes(0).parties().empty());
  EXPECT_TRUE(listed.disputes(0).history().empty());
  ASSERT_TRUE(TryListDisputes(kOfficer1, list, &listed).status.ok());
  EXPECT_EQ(listed.disputes(0).parties_size(), 2);
  ExpectRefused(TryGetDispute(kOperator2, d.id()), grpc::StatusCode::PERMISSION_DENIED, "");
}

TEST_F(TripartiteFeesDisputesTest, DisputesAreListedNewestFirstByTheirFilters) {
  const tv1::Compound a = NewCompound("GS01-C01");
  const tv1::Compound b = NewCompound("GS02-C01");
  std::vector<std::string> hard;
  std::vector<std::string> all;
  std::vector<std::string> arrears_a;
  for (int i = 0; i < 9; ++i) {
    clock_.Advance(absl::Minutes(5));
    const bool is_hard = i % 3 != 1;
    const tv1::DisputeCategory category =
        i % 2 == 0 ? tv1::DISPUTE_CATEGORY_FEE_ARREARS : tv1::DISPUTE_CATEGORY_REPAIR_FUND;
    const tv1::Compound& in = i < 7 ? a : b;
    const tv1::PropertyDispute d = Open(DisputeRequest(in.id(), category, is_hard), kAdmin);
    EXPECT_EQ(d.hard(), is_hard);
    all.insert(all.begin(), d.id());
    if (is_hard) hard.insert(hard.begin(), d.id());
    if (i < 7 && i % 2 == 0) arrears_a.insert(arrears_a.begin(), d.id());
  }
  // Some non-hard ones newer than every hard one: the hard pages look past them.
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Minutes(5));
    all.insert(all.begin(), Open(DisputeRequest(a.id()), kAdmin).id());
  }
  EXPECT_EQ(ListDisputeIds({}), all);
  tv1::ListPropertyDisputesRequest request;
  request.set_compound_id(a.id());
  request.add_categories(tv1::DISPUTE_CATEGORY_FEE_ARREARS);
  std::vector<std::string> arrears_all_of_a = ListDisputeIds(request);
  EXPECT_EQ(arrears_all_of_a.size(), arrears_a.size() + 4);

  auto pages = [&](tv1::ListPropertyDisputesRequest filter, const std::string& token) -> PageCall {
    return [this, filter, token](int32_t size, const std::string& page_token,
                                 std::vector<std::string>* ids, std::string* next) {
      tv1::ListPropertyDisputesRequest r = filter;
      r.set_page_size(size);
      r.set_page_token(page_token);
      tv1::ListPropertyDisputesResponse response;
      const Outcome o = TryListDisputes(token, r, &response);
      for (const tv1::PropertyDispute& d : response.disputes()) {
        ids->push_back(NewestFirstKey(d.id()));
      }
      *next = response.next_page_token();
      return o;
    };
  };
  std::vector<std::string> hard_keys;
  for (const std::string& id : hard) hard_keys.push_back(NewestFirstKey(id));
  tv1::ListPropertyDisputesRequest hard_only;
  hard_only.set_hard_only(true);
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(hard_only, kAdmin), hard.size()), hard_keys);
  // The caller's streets: GS01's hard ones.
  std::vector<std::string> hard_gs01_keys;
  for (const std::string& id : hard) {
    if (GetDispute(id).region().street_id() == "GS01") hard_gs01_keys.push_back(NewestFirstKey(id));
  }
  EXPECT_EQ(ExpectPagesLikeEveryList(pages(hard_only, kOperator1), hard_gs01_keys.size()),
            hard_gs01_keys);
  std::vector<std::string> all_keys;
  for (const std::string& id : all) all_keys.push_back(NewestFirstKey(id));
  EXPECT_EQ(ExpectPagesLikeEveryList(pages({}, kViewer), all.size()), all_keys);
  // A token of the hard list is not one of the full list's, nor the other way round.
  tv1::ListPropertyDisputesRequest first = hard_only;
  first.set_page_size(2);
  tv1::ListPropertyDisputesResponse response;
  ASSERT_TRUE(TryListDisputes(kAdmin, first, &response).status.ok());
  tv1::ListPropertyDisputesRequest everything;
  everything.set_page_token(response.next_page_token());
  ExpectInvalid(TryListDisputes(kAdmin, everything, &response), "page_token");
  everything.set_page_token("");
  everything.set_page_size(2);
  ASSERT_TRUE(TryListDisputes(kAdmin, everything, &response).status.ok());
  hard_only.set_page_token(response.next_page_token());
  ExpectInvalid(TryListDisputes(kAdmin, hard_only, &response), "page_token");

  // By status, region and hardness together.
  const tv1::PropertyDispute newest_hard = GetDispute(hard.front());
  Resolve(newest_hard, "", kAdmin);
  tv1::ListPropertyDisputesRequest resolved;
  resolved.add_statuses(tv1::DISPUTE_STATUS_RESOLVED);
  resolved.set_hard_only(true);
  *resolved.mutable_region() = Region(newest_hard.region().street_id());
  EXPECT_THAT(ListDisputeIds(resolved), ElementsAre(newest_hard.id()));

  using L = tv1::ListPropertyDisputesRequest;
  ExpectRefusals<L>(
      h_, L{},
      {{"status 0", [](L& r) { r.add_statuses(tv1::DISPUTE_STATUS_UNSPECIFIED); }, "statuses[0]"},
       {"category 0", [](L& r) { r.add_categories(tv1::DISPUTE_CATEGORY_UNSPECIFIED); },
        "categories[0]"},
       {"a grid", [](L& r) { *r.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G01"); },
        "region.grid_id"},
       {"negative page size", [](L& r) { r.set_page_size(-1); }, "page_size"}},
      [&](const L& r) {
        tv1::ListPropertyDisputesResponse ignored;
        return TryListDisputes(kAdmin, r, &ignored);
      });
}

TEST_F(TripartiteFeesDisputesTest, ABacklogCaseCannotBeCheckedWithoutAPeer) {
  const tv1::Compound c = NewCompound("GS01-C01");
  tv1::OpenPropertyDisputeRequest request = DisputeRequest(c.id());
  request.mutable_dispute()->set_backlog_case_id("K-000001");
  const std::string before = h_.StoreSnapshot();
  ExpectRefused(TryOpen(kOfficer1, request), grpc::StatusCode::UNAVAILABLE, "");
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

// ---- The joint meeting ----

TEST_F(TripartiteFeesDisputesTest, AJointMeetingAboutADisputeResolvesIt) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const tv1::Compound gs02 = NewCompound("GS02-C01");
  tv1::PropertyDispute d =
      Refer(Open(DisputeRequest(c.id(), tv1::DISPUTE_CATEGORY_REPAIR_FUND, true)));
  const tv1::PropertyDispute elsewhere = Open(DisputeRequest(gs02.id()), kAdmin);
  const tv1::PropertyDispute another = Open(DisputeRequest(c.id()));

  // The meeting needs each of the three bodies and a dispute of its street for its subject.
  gv1::CreateMeetingRequest bad = JointMeeting(d.id());
  bad.mutable_meeting()->mutable_participants()->RemoveLast();
  ExpectInvalid(TryMeeting(kOperator1, bad), "meeting.participants");
  bad = JointMeeting(d.id());
  bad.mutable_meeting()->mutable_participants(0)->set_party(kOwners);
  ExpectInvalid(TryMeeting(kOperator1, bad), "meeting.participants[0].party");
  ExpectInvalid(TryMeeting(kOperator1, JointMeeting(c.id())), "meeting.subject_id");
  ExpectInvalid(TryMeeting(kOperator1, JointMeeting("PD-999999")), "meeting.subject_id");
  ExpectInvalid(TryMeeting(kAdmin, JointMeeting(elsewhere.id(), "GS01")), "meeting.subject_id");
  ExpectRefused(TryMeeting(kOperator1, JointMeeting(elsewhere.id(), "GS02")),
                grpc::StatusCode::PERMISSION_DENIED, "");
  bad = JointMeeting(d.id());
  bad.mutable_meeting()->clear_subject_id();
  ExpectInvalid(TryMeeting(kOperator1, bad), "meeting.subject_id");

  const gv1::Meeting meeting = Meeting(JointMeeting(d.id()));
  EXPECT_EQ(meeting.subject_id(), d.id());
  EXPECT_EQ(meeting.participants_size(), 3);
  const gv1::Meeting about_another = Meeting(JointMeeting(another.id()));
  const gv1::Meeting session = Meeting(Deliberation(c));
  // A district joint meeting (district_admin's) may be about any street's dispute.
  gv1::CreateMeetingRequest district = JointMeeting(elsewhere.id(), "");
  const gv1::Meeting district_meeting = Meeting(district, kAdmin);

  // Resolved by a joint meeting about it: not another's, not a session, not an unknown one.
  ExpectInvalid(TryResolve(kOfficer1, d, about_another.id()), "joint_meeting_id");
  ExpectInvalid(TryResolve(kOfficer1, d, session.id()), "joint_meeting_id");
  ExpectInvalid(TryResolve(kOfficer1, d, "MT-999999"), "joint_meeting_id");
  tv1::PropertyDispute resolved;
  const Outcome o = TryResolve(kOfficer1, d, meeting.id(), &resolved);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(resolved.status(), tv1::DISPUTE_STATUS_RESOLVED);
  EXPECT_EQ(resolved.joint_meeting_id(), meeting.id());
  EXPECT_EQ(GetDispute(d.id()).joint_meeting_id(), meeting.id());
  // An open one may name its meeting too, checked the same way.
  ExpectInvalid(TryResolve(kOfficer1, another, meeting.id()), "joint_meeting_id");
  EXPECT_EQ(Resolve(another, about_another.id()).joint_meeting_id(), about_another.id());
  EXPECT_EQ(Resolve(elsewhere, district_meeting.id(), kAdmin).joint_meeting_id(),
            district_meeting.id());

  // A closed dispute has no more meetings.
  Close(resolved);
  ExpectRefused(TryMeeting(kOperator1, JointMeeting(d.id())), grpc::StatusCode::FAILED_PRECONDITION,
                "");

  // The meetings about the dispute, by subject.
  gv1::ListMeetingsRequest list;
  list.set_subject_id(d.id());
  gv1::ListMeetingsResponse listed;
  ASSERT_TRUE(Rpc(kViewer, [&](grpc::ClientContext* ctx) {
                return meetings_->ListMeetings(ctx, list, &listed);
              }).status.ok());
  ASSERT_EQ(listed.meetings_size(), 1);
  EXPECT_EQ(listed.meetings(0).id(), meeting.id());
  EXPECT_TRUE(listed.meetings(0).participants(0).name().empty());  // masked for viewers
}

// ---- Deliberation sessions ----

TEST_F(TripartiteFeesDisputesTest, ADeliberationSessionIsHeldAboutACompoundAndFollowedUp) {
  const tv1::Compound c = NewCompound("GS01-C01");
  const tv1::Compound gs02 = NewCompound("GS02-C01");
  gv1::CreateMeetingRequest bad = Deliberation(c);
  bad.mutable_meeting()->mutable_participants()->RemoveLast();
  ExpectInvalid(TryMeeting(kOperator1, bad), "meeting.participants");
  bad = Deliberation(gs02);
  bad.mutable_meeting()->mutable_region()->set_street_id("GS01");
  ExpectInvalid(TryMeeting(kAdmin, bad), "meeting.subject_id");

  const gv1::Meeting m = Meeting(Deliberation(c));
  EXPECT_EQ(m.kind(), kDeliberation);
  EXPECT_EQ(m.open_follow_ups(), 2);
  gv1::CompleteFollowUpRequest complete;
  complete.set_meeting_id(m.id());
  complete.set_etag(m.etag());
  complete.set_number(1);
  complete.set_outcome("已施划停车位42个");
  gv1::CompleteFollowUpResponse completed;
  Outcome o = Rpc(kOperator1, [&](grpc::ClientContext* ctx) {
    return meetings_->CompleteFollowUp(ctx, complete, &completed);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(completed.meeting().open_follow_ups(), 1);
  EXPECT_EQ(completed.meeting().follow_ups(0).status(), gv1::FOLLOW_UP_STATUS_DONE);
  // Again under the old etag: ABORTED.
  o = Rpc(kOperator1, [&](grpc::ClientContext* ctx) {
    return meetings_->CompleteFollowUp(ctx, complete, &completed);
  });
  ExpectRefused(o, grpc::StatusCode::ABORTED, "");

  // Held this year, this month: the sessions counted for the district and the street.
  Meeting(Deliberation(gs02), kOperator2);
  EXPECT_EQ(Value("deliberation_sessions", Year(2026)), 2);
  EXPECT_EQ(Value("deliberation_sessions", Month(2026, 4), Region("GS01")), 1);
  EXPECT_EQ(Value("deliberation_sessions", Month(2026, 3)), 0);
}

// ---- Indicators ----

TEST_F(TripartiteFeesDisputesTest, TheDisputeIndicatorsAgreeWithHandCounts) {
  const tv1::Compound a = NewCompound("GS01-C01");
  const tv1::Compound b = NewCompound("GS02-C01");
  // December: a hard one opened, resolved on 5 January; a fee-arrears one opened.
  clock_.Set(Local(2025, 12, 10, 10, 0));
  const tv1::PropertyDispute h5 =
      Open(DisputeRequest(a.id(), tv1::DISPUTE_CATEGORY_REPAIR_FUND, true), kAdmin);
  Open(DisputeRequest(a.id()), kAdmin);
  clock_.Set(Local(2026, 1, 5, 10, 0));
  Resolve(h5, "", kAdmin);
  // February: H1 (GS02) opened and resolved after joint review.
  clock_.Set(Local(2026, 2, 10, 10, 0));
  tv1::PropertyDispute h1 =
      Refer(Open(DisputeRequest(b.id(), tv1::DISPUTE_CATEGORY_PARKING, true), kAdmin), kAdmin);
  clock_.Set(Local(2026, 2, 12, 10, 0));
  const gv1::Meeting m = Meeting(JointMeeting(h1.id(), "GS02"), kOperator2);
  h1 = Resolve(h1, m.id(), kAdmin);
  // March: H2 resolved; H3 closed unresolved; H4 resolved then closed; N1 (not hard) resolved;
  // two fee-arrears ones opened, one hard left open.
  clock_.Set(Local(2026, 3, 5, 10, 0));
  Resolve(Open(DisputeRequest(a.id(), tv1::DISPUTE_CATEGORY_PUBLIC_REVENUE, true), kAdmin), "",
          kAdmin);
  Close(Open(DisputeRequest(a.id(), tv1::DISPUTE_CATEGORY_OTHER, true), kAdmin), "转入诉讼");
  Close(Resolve(Open(DisputeRequest(a.id(), tv1::DISPUTE_CATEGORY_FEE_ARREARS, true), kAdmin), "",
                kAdmin));
  Resolve(Open(DisputeRequest(a.id(), tv1::DISPUTE_CATEGORY_SERVICE_QUALITY), kAdmin), "", kAdmin);
  Open(DisputeRequest(a.id()), kAdmin);
  Open(DisputeRequest(b.id(), tv1::DISPUTE_CATEGORY_COMPANY_CHANGE, true), kAdmin);
  clock_.Set(Local(2026, 4, 15, 10, 0));

  // Hard ones resolved: H5 (January), H1 (February), H2 and H4 (March).
  EXPECT_EQ(Value("hard_disputes_resolved", Year(2026)), 4);
  EXPECT_EQ(Value("hard_disputes_resolved", Month(2026, 1)), 1);
  EXPECT_EQ(Value("hard_disputes_resolved", Month(2026, 2)), 1);
  EXPECT_EQ(Value("hard_disputes_resolved", Month(2026, 3)), 2);
  EXPECT_EQ(Value("hard_disputes_resolved", Month(2026, 4)), 0);
  EXPECT_EQ(Value("hard_disputes_resolved", Year(2025)), 0);
  EXPECT_EQ(Value("hard_disputes_resolved", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Value("hard_disputes_resolved", Year(2026), Region("GS01", "GS01-C01")), 3);
  const gv1::Indicator district = Indicator("hard_disputes_resolved", Year(2026));
  EXPECT_EQ(district.target(), 20);
  EXPECT_EQ(district.target_kind(), gv1::TARGET_KIND_ABSOLUTE);
  EXPECT_EQ(district.target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(district.colour(), gv1::COLOUR_RED);
  EXPECT_EQ(Indicator("hard_disputes_resolved", Year(2026), Region("GS01")).target_kind(),
            gv1::TARGET_KIND_UNSPECIFIED);

  // Fee-arrears disputes opened: December's, March's two (one of them hard).
  EXPECT_EQ(Value("fee_arrears_disputes", Year(2026)), 2);
  EXPECT_EQ(Value("fee_arrears_disputes", Month(2025, 12)), 1);
  EXPECT_EQ(Value("fee_arrears_disputes", Year(2025)), 1);
  // Open now: December's arrears, March's arrears and the company change.
  EXPECT_EQ(Value("open_disputes", Year(2026)), 3);
  EXPECT_EQ(Value("open_disputes", Month(2026, 2)), 1);
  EXPECT_EQ(Value("open_disputes", Year(2026), Region("GS02")), 1);
  EXPECT_EQ(Indicator("open_disputes", Year(2026)).direction(), gv1::DIRECTION_LOWER_IS_BETTER);
}

// ---- Backlog cases, with a real backlog track ----

// The tripartite track beside a real backlog track it may ask: its peer token is a system token
// of the backlog harness.
class TripartiteBacklogTest : public TripartiteBase {
 protected:
  TripartiteBacklogTest() : TripartiteBase(Local(2026, 4, 15, 10, 0)) {}

  void SetUp() override {
    const absl::Status backlog_started =
        backlog_.Start(track::Factory<backlog::BacklogTrack>("backlog"));
    ASSERT_TRUE(backlog_started.ok()) << backlog_started;
    const std::string token_file = dir_.File("peer-token");
    gov::testing::WriteFile(token_file, std::string(kPeer) + "\n");
    h_.config().peers["backlog"] = backlog_.address();
    h_.config().peer_token_file = token_file;
    Start();
  }

  static constexpr char kPeer[] = "tok-peer-tripartite";

  // A backlog case registered on the backlog track; its id.
  std::string BacklogCase() {
    auto stub = bv1::BacklogService::NewStub(backlog_.channel());
    bv1::CreateBacklogCaseRequest request;
    request.set_request_id(Rid());
    bv1::BacklogCase* c = request.mutable_backlog_case();
    c->mutable_origin()->set_kind(bv1::ORIGIN_KIND_PETITION);
    c->mutable_origin()->set_reference("XF-2024-0117");
    *c->mutable_region() = Region("GS01", "GS01-C01");
    c->set_title("物业维修资金信访积案");
    c->set_summary("业主多年反映维修资金使用不公开（测试）");
    c->set_responsible_leader("王某（街道副书记）");
    c->add_task_force("街道三方办");
    bv1::Milestone* m = c->add_milestones();
    m->set_title("召开联席会议");
    *m->mutable_due_time() = ToTimestamp(clock_.Now() + absl::Hours(24 * 30));
    bv1::CreateBacklogCaseResponse response;
    const Outcome o = backlog_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
      return stub->CreateBacklogCase(ctx, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.backlog_case().id();
  }

  gov::testing::TempDir dir_;
  gov::testing::TrackHarness backlog_{
      "backlog",
      &clock_,
      {{kAdmin, "admin", auth::kDistrictAdmin, {}}, {kPeer, "tripartite-peer", auth::kSystem, {}}}};
};

TEST_F(TripartiteBacklogTest, ABacklogCaseIsCheckedWithTheBacklogTrackAndMakesTheDisputeHard) {
  const std::string backlog_case = BacklogCase();
  ASSERT_TRUE(absl::StartsWith(backlog_case, "K-")) << backlog_case;
  const tv1::Compound c = NewCompound("GS01-C01");
  tv1::OpenPropertyDisputeRequest request =
      DisputeRequest(c.id(), tv1::DISPUTE_CATEGORY_REPAIR_FUND);
  request.mutable_dispute()->set_backlog_case_id(backlog_case);
  const tv1::PropertyDispute d = Open(request);
  EXPECT_EQ(d.backlog_case_id(), backlog_case);
  EXPECT_TRUE(d.hard());
  tv1::ListPropertyDisputesRequest hard_only;
  hard_only.set_hard_only(true);
  EXPECT_THAT(ListDisputeIds(hard_only), ElementsAre(d.id()));

  const std::string before = h_.StoreSnapshot();
  // Unknown there: the caller's mistake, naming the field.
  request = DisputeRequest(c.id());
  request.mutable_dispute()->set_backlog_case_id("K-999999");
  ExpectInvalid(TryOpen(kOfficer1, request), "dispute.backlog_case_id");
  // A caller outside the compound's street learns nothing of the backlog case.
  request.mutable_dispute()->set_backlog_case_id(backlog_case);
  ExpectRefused(TryOpen(kOperator2, request), grpc::StatusCode::PERMISSION_DENIED, "");
  // The backlog track down: cannot be checked now, nothing stored.
  backlog_.Stop();
  ExpectRefused(TryOpen(kOfficer1, request), grpc::StatusCode::UNAVAILABLE, "");
  EXPECT_EQ(h_.StoreSnapshot(), before) << "a dispute was stored unchecked";
}

// ---- Demo data ----

class TripartiteDemoTest : public TripartiteBase {
 protected:
  TripartiteDemoTest() : TripartiteBase(Local(2026, 4, 15, 10, 0)) {}
  void SetUp() override { Start(); }
};

TEST_F(TripartiteDemoTest, TheDemoGivesEveryFeeAndDisputeIndicatorAValueThisYear) {
  const absl::Status loaded = track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;

  // Every compound's months of this year, in all four colours each month.
  for (const char* month : {"2026-01", "2026-02", "2026-03", "2026-04"}) {
    SCOPED_TRACE(month);
    const tv1::GetFeeWarningResponse w = Warning(month);
    EXPECT_GT(w.compounds(), 100);
    for (const tv1::FeeBand& band : w.bands()) EXPECT_GT(band.compounds(), 0);
  }
  EXPECT_EQ(Warning("2025-12").compounds(), 0);

  // The disputes: fee arrears many; the hard ones resolved this year counted by hand.
  std::vector<tv1::PropertyDispute> disputes;
  std::string token;
  do {
    tv1::ListPropertyDisputesRequest request;
    request.set_page_size(500);
    request.set_page_token(token);
    tv1::ListPropertyDisputesResponse response;
    ASSERT_TRUE(TryListDisputes(kAdmin, request, &response).status.ok());
    for (const tv1::PropertyDispute& d : response.disputes()) disputes.push_back(d);
    token = response.next_page_token();
  } while (!token.empty());
  std::map<tv1::DisputeStatus, int> statuses;
  int arrears_this_year = 0;
  int hard_resolved_this_year = 0;
  int by_joint_meeting = 0;
  for (const tv1::PropertyDispute& d : disputes) {
    ++statuses[d.status()];
    EXPECT_GE(FromTimestamp(d.create_time()), Local(2025, 4, 15, 0, 0)) << d.id();
    if (d.category() == tv1::DISPUTE_CATEGORY_FEE_ARREARS &&
        FromTimestamp(d.create_time()) >= Local(2026, 1, 1, 0, 0)) {
      ++arrears_this_year;
    }
    if (!d.joint_meeting_id().empty()) ++by_joint_meeting;
    if (!d.hard() || d.resolution().empty()) continue;
    const tv1::PropertyDispute read = GetDispute(d.id());
    for (const gv1::CaseEvent& e : read.history()) {
      if (e.action() == kResolve && FromTimestamp(e.time()) >= Local(2026, 1, 1, 0, 0)) {
        ++hard_resolved_this_year;
      }
    }
  }
  EXPECT_GE(disputes.size(), 150u);
  for (tv1::DisputeStatus s : {tv1::DISPUTE_STATUS_OPEN, tv1::DISPUTE_STATUS_JOINT_REVIEW,
                               tv1::DISPUTE_STATUS_RESOLVED, tv1::DISPUTE_STATUS_CLOSED}) {
    EXPECT_GT(statuses[s], 0) << tv1::DisputeStatus_Name(s);
  }
  EXPECT_GT(hard_resolved_this_year, 20);
  EXPECT_GE(by_joint_meeting, 12);

  const auto indicators = h_.Indicators(kAdmin, Year(2026));
  for (const char* id : {"fee_red_share", "fee_yellow_share", "fee_blue_share", "fee_green_share",
                         "hard_disputes_resolved", "fee_arrears_disputes", "open_disputes",
                         "deliberation_sessions"}) {
    SCOPED_TRACE(id);
    const auto it = indicators.find(id);
    ASSERT_NE(it, indicators.end());
    EXPECT_TRUE(it->second.has_data());
    EXPECT_GT(it->second.actual(), 0);
  }
  EXPECT_EQ(indicators.at("hard_disputes_resolved").actual(), hard_resolved_this_year);
  EXPECT_EQ(indicators.at("hard_disputes_resolved").colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(indicators.at("fee_arrears_disputes").actual(), arrears_this_year);
  EXPECT_EQ(indicators.at("open_disputes").actual(),
            statuses[tv1::DISPUTE_STATUS_OPEN] + statuses[tv1::DISPUTE_STATUS_JOINT_REVIEW]);
  EXPECT_GT(indicators.at("deliberation_sessions").actual(), 10);
  EXPECT_EQ(indicators.at("deliberation_sessions").colour(), gv1::COLOUR_GREEN);
  // Four shares of the same compounds, each rounded: 100 % within the roundings.
  EXPECT_NEAR(indicators.at("fee_red_share").actual() + indicators.at("fee_yellow_share").actual() +
                  indicators.at("fee_blue_share").actual() +
                  indicators.at("fee_green_share").actual(),
              10000, 2);

  // The sessions: about compounds, their follow-ups done in part.
  gv1::ListMeetingsRequest list;
  list.set_kind(kDeliberation);
  list.set_year(2026);
  list.set_page_size(100);
  gv1::ListMeetingsResponse sessions;
  ASSERT_TRUE(Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
                return meetings_->ListMeetings(ctx, list, &sessions);
              }).status.ok());
  EXPECT_EQ(sessions.meetings_size(), indicators.at("deliberation_sessions").actual());
  int done = 0;
  for (const gv1::Meeting& m : sessions.meetings()) {
    EXPECT_TRUE(absl::StartsWith(m.subject_id(), "CP-")) << m.id();
    EXPECT_EQ(m.participants_size(), 3);
    done += m.follow_ups_size() - m.open_follow_ups();
  }
  EXPECT_GT(done, 0);

  // A second load finds disputes and loads nothing.
  const std::string before = h_.StoreSnapshot();
  const registry::Registry meeting_rows(meetings::MeetingsLayout(kTrack), &h_.repo(), &h_.cache(),
                                        &clock_);
  const meetings::Meetings no_kinds(&meeting_rows, {}, &h_.regions(), &clock_);
  ASSERT_TRUE(
      LoadFeeAndDisputeDemo(track().deps(), track().rules(), track().engine(kTrack), &no_kinds)
          .ok());
  EXPECT_EQ(h_.StoreSnapshot(), before);
}

}  // namespace
}  // namespace gov::tripartite
