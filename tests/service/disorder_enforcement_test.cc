// Enforcement findings (执法查处) end to end: the real disorder track behind the real server over
// gRPC on loopback, on a SQLite file and a real redis-server, with the rules of data/disorder.json
// and a fake clock starting at Monday 1 June 2026 10:00 in the district's time zone. The
// investigation's clock runs on the fake clock; the breach scan is run by hand.

#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/track.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "tok-admin";
constexpr char kPlatform[] = "tok-platform";
constexpr char kOperator3[] = "tok-operator-gs03";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kMediator3[] = "tok-mediator-gs03";
constexpr char kViewer[] = "tok-viewer";

constexpr dv1::ComplaintCategory kStalls = dv1::COMPLAINT_CATEGORY_MOBILE_STALL;
constexpr dv1::ComplaintCategory kBusiness = dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS;
constexpr dv1::ComplaintCategory kHealth = dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT;
constexpr dv1::ComplaintCategory kNoise = dv1::COMPLAINT_CATEGORY_NOISE;

constexpr dv1::EnforcementStatus kFound = dv1::ENFORCEMENT_STATUS_FOUND;
constexpr dv1::EnforcementStatus kPenalised = dv1::ENFORCEMENT_STATUS_PENALISED;
constexpr dv1::EnforcementStatus kCorrected = dv1::ENFORCEMENT_STATUS_CORRECTED;
constexpr dv1::EnforcementStatus kNotConfirmed = dv1::ENFORCEMENT_STATUS_NOT_CONFIRMED;

dv1::Enforcement NewFinding(dv1::ComplaintCategory category, const std::string& street,
                            absl::Time found, const std::string& community = "",
                            const std::string& grid = "") {
  dv1::Enforcement e;
  e.set_category(category);
  e.mutable_region()->set_street_id(street);
  e.mutable_region()->set_community_id(community);
  e.mutable_region()->set_grid_id(grid);
  e.set_address("和睦路 1 号");
  e.set_subject("流动水果摊");
  e.set_description("巡查发现占道经营（测试）");
  *e.mutable_found_time() = ToTimestamp(found);
  return e;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<std::string> Actions(const dv1::Enforcement& e) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& event : e.history()) out.push_back(event.action());
  return out;
}

std::vector<std::string> Ids(const std::vector<dv1::Enforcement>& findings) {
  std::vector<std::string> out;
  for (const dv1::Enforcement& e : findings) out.push_back(e.id());
  return out;
}

class EnforcementTest : public ::testing::Test {
 protected:
  EnforcementTest() : clock_(Local(2026, 6, 1, 10, 0)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kPlatform, "enforcement-platform", auth::kSystem, {}},
        {kOperator3, "operator-gs03", auth::kStreetOperator, {"GS03"}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kMediator3, "mediator-gs03", "mediator", {"GS03"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }
  const Rules& rules() { return track().rules(); }
  absl::Time Due(const cal::Sla& sla, absl::Time start) {
    return h_.calendar().DueTime(sla, start);
  }

  // ---- RPCs ----

  Outcome TryRecord(const std::string& token, const std::string& request_id,
                    const dv1::Enforcement& finding,
                    dv1::RecordEnforcementResponse* out = nullptr) {
    dv1::RecordEnforcementRequest request;
    request.set_request_id(request_id);
    *request.mutable_enforcement() = finding;
    dv1::RecordEnforcementResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordEnforcement(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Enforcement* out = nullptr) {
    dv1::GetEnforcementRequest request;
    request.set_id(id);
    dv1::GetEnforcementResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetEnforcement(c, request, &response);
    });
    if (out != nullptr) *out = response.enforcement();
    return o;
  }

  Outcome TryList(const std::string& token, const dv1::ListEnforcementsRequest& request,
                  dv1::ListEnforcementsResponse* out = nullptr) {
    dv1::ListEnforcementsResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListEnforcements(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TryPenalise(const std::string& token, const std::string& id, const std::string& etag,
                      const std::string& decision, int64_t fine, const std::string& note,
                      dv1::Enforcement* out = nullptr) {
    dv1::PenaliseEnforcementRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_decision_number(decision);
    request.set_fine_yuan(fine);
    request.set_note(note);
    dv1::PenaliseEnforcementResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->PenaliseEnforcement(c, request, &response);
    });
    if (out != nullptr) *out = response.enforcement();
    return o;
  }

  Outcome TryClose(const std::string& token, const std::string& id, const std::string& etag,
                   dv1::EnforcementStatus outcome, const std::string& note,
                   dv1::Enforcement* out = nullptr) {
    dv1::CloseEnforcementRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_outcome(outcome);
    request.set_note(note);
    dv1::CloseEnforcementResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->CloseEnforcement(c, request, &response);
    });
    if (out != nullptr) *out = response.enforcement();
    return o;
  }

  // ---- Steps that must succeed ----

  dv1::Enforcement Record(const dv1::Enforcement& finding, const std::string& request_id,
                          const std::string& token = kPlatform) {
    dv1::RecordEnforcementResponse response;
    Outcome o = TryRecord(token, request_id, finding, &response);
    EXPECT_TRUE(o.status.ok()) << request_id << " " << Describe(o);
    EXPECT_TRUE(response.created()) << request_id;
    return response.enforcement();
  }
  dv1::Enforcement Get(const std::string& id, const std::string& token = kAdmin) {
    dv1::Enforcement e;
    Outcome o = TryGet(token, id, &e);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return e;
  }
  dv1::Enforcement Penalise(const std::string& id, int64_t fine = 500,
                            const std::string& token = kPlatform) {
    dv1::Enforcement e;
    Outcome o = TryPenalise(token, id, Get(id).etag(), "综执罚决字〔2026〕1号", fine, "", &e);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return e;
  }
  dv1::Enforcement Close(const std::string& id, dv1::EnforcementStatus outcome,
                         const std::string& token = kPlatform) {
    dv1::Enforcement e;
    Outcome o = TryClose(token, id, Get(id).etag(), outcome, "已核查", &e);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return e;
  }
  // Records a finding and takes it to `end`.
  std::string Finding(dv1::ComplaintCategory category, const std::string& street, absl::Time found,
                      dv1::EnforcementStatus end, const std::string& request_id) {
    const std::string id = Record(NewFinding(category, street, found), request_id).id();
    if (end == kPenalised) Penalise(id);
    if (end == kCorrected || end == kNotConfirmed) Close(id, end);
    return id;
  }

  std::vector<dv1::Enforcement> ListAll(dv1::ListEnforcementsRequest request = {},
                                        const std::string& token = kAdmin, int page_size = 500) {
    std::vector<dv1::Enforcement> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      dv1::ListEnforcementsResponse response;
      Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      all.insert(all.end(), response.enforcements().begin(), response.enforcements().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  int ScanBreaches() {
    absl::StatusOr<int> marked = track().engine(kEnforcementTrack)->ScanBreaches();
    EXPECT_TRUE(marked.ok()) << marked.status();
    return marked.value_or(-1);
  }

  std::map<std::string, gv1::Indicator> Indicators(gv1::Period period,
                                                   const std::string& street = "") {
    gv1::RegionRef region;
    region.set_street_id(street);
    return h_.Indicators(kAdmin, period, region);
  }
  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
};

TEST(EnforcementSpecTest, TheSpecIsValid) {
  absl::StatusOr<std::unique_ptr<regions::RegionRegistry>> regions =
      regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
  ASSERT_TRUE(regions.ok()) << regions.status();
  absl::StatusOr<std::unique_ptr<Rules>> rules =
      Rules::LoadFile(gov::testing::SourcePath("data/disorder.json"), **regions);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const cases::TrackSpec spec = EnforcementSpec(**rules);
  EXPECT_TRUE(cases::CaseEngine::ValidateSpec(spec).ok());
  EXPECT_EQ(spec.track, "disorder_enforcement");
  EXPECT_EQ(spec.owner_track(), "disorder");
  std::set<std::string> ids;
  for (const indicators::IndicatorSpec& s : EnforcementIndicators()) ids.insert(s.id);
  EXPECT_THAT(ids, ElementsAre("health_supplement_penalise_rate", "mobile_stall_penalise_rate_yoy",
                               "unlicensed_business_penalise_rate_yoy"));
}

// ---- Lifecycle ----

TEST_F(EnforcementTest, RecordPenaliseAndReadWithHistory) {
  const absl::Time t0 = clock_.Now();
  const absl::Time found = t0 - absl::Hours(50);  // Saturday 30 May, 08:00
  dv1::Enforcement finding = NewFinding(kStalls, "GS03", found, "GS03-C01", "GS03-C01-G01");
  finding.mutable_location()->set_latitude(30.25);
  finding.mutable_location()->set_longitude(120.12);
  // Output-only fields are ignored.
  finding.set_status(kPenalised);
  finding.set_id("E-424242");
  finding.set_decision_number("x");
  dv1::RecordEnforcementResponse recorded;
  Outcome o = TryRecord(kOperator3, "life-1", finding, &recorded);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(recorded.created());
  const dv1::Enforcement& e = recorded.enforcement();
  EXPECT_THAT(e.id(), ::testing::StartsWith("E-"));
  EXPECT_NE(e.id(), "E-424242");
  EXPECT_EQ(e.status(), kFound);
  EXPECT_EQ(e.category(), kStalls);
  EXPECT_EQ(e.region().street_id(), "GS03");
  EXPECT_EQ(e.region().community_id(), "GS03-C01");
  EXPECT_EQ(e.region().grid_id(), "GS03-C01-G01");
  EXPECT_DOUBLE_EQ(e.location().latitude(), 30.25);
  EXPECT_EQ(e.subject(), "流动水果摊");
  EXPECT_EQ(e.address(), "和睦路 1 号");
  EXPECT_EQ(FromTimestamp(e.found_time()), found);
  // The investigation's clock runs from the recording.
  EXPECT_EQ(FromTimestamp(e.due_time()), Due(rules().EnforcementSla(), t0));
  EXPECT_FALSE(e.sla_breached());
  EXPECT_TRUE(e.decision_number().empty());
  EXPECT_EQ(e.etag(), "v1");
  EXPECT_EQ(e.history_size(), 0);  // only GetEnforcement carries the history

  clock_.Advance(absl::Hours(3));
  dv1::Enforcement penalised;
  o = TryPenalise(kOperator3, e.id(), e.etag(), "运综执罚决字〔2026〕第15号", 2000, "没收工具",
                  &penalised);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(penalised.status(), kPenalised);
  EXPECT_EQ(penalised.decision_number(), "运综执罚决字〔2026〕第15号");
  EXPECT_EQ(penalised.fine_yuan(), 2000);
  EXPECT_EQ(penalised.close_note(), "没收工具");
  EXPECT_FALSE(penalised.has_due_time());
  EXPECT_EQ(penalised.etag(), "v2");
  EXPECT_EQ(FromTimestamp(penalised.found_time()), found);

  const dv1::Enforcement read = Get(e.id(), kViewer);
  EXPECT_THAT(Actions(read), ElementsAre("Create", "Penalise"));
  EXPECT_EQ(read.history(0).actor(), "operator-gs03");
  EXPECT_EQ(read.history(0).to_status(), "FOUND");
  EXPECT_EQ(FromTimestamp(read.history(0).time()), t0);
  EXPECT_EQ(read.history(1).from_status(), "FOUND");
  EXPECT_EQ(read.history(1).to_status(), "PENALISED");
  EXPECT_THAT(read.history(1).note(), HasSubstr("第15号"));
  EXPECT_THAT(read.history(1).note(), HasSubstr("没收工具"));
  EXPECT_EQ(read.fine_yuan(), 2000);
  EXPECT_EQ(read.etag(), "v2");

  // Concluded: nothing more to do.
  o = TryPenalise(kAdmin, e.id(), read.etag(), "X-1", 0, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryClose(kAdmin, e.id(), read.etag(), kCorrected, "已整改");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  EXPECT_EQ(Get(e.id()).etag(), "v2");
}

TEST_F(EnforcementTest, CloseAsCorrectedOrNotConfirmed) {
  const absl::Time found = clock_.Now() - absl::Hours(1);
  const dv1::Enforcement a = Record(NewFinding(kBusiness, "GS03", found), "close-a");
  const dv1::Enforcement b = Record(NewFinding(kBusiness, "GS03", found), "close-b");
  dv1::Enforcement corrected;
  Outcome o = TryClose(kOperator3, a.id(), a.etag(), kCorrected, "已补办营业执照", &corrected);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(corrected.status(), kCorrected);
  EXPECT_EQ(corrected.close_note(), "已补办营业执照");
  EXPECT_FALSE(corrected.has_due_time());
  EXPECT_TRUE(corrected.decision_number().empty());
  dv1::Enforcement dismissed;
  o = TryClose(kAdmin, b.id(), b.etag(), kNotConfirmed, "现场核查不属实", &dismissed);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(dismissed.status(), kNotConfirmed);
  EXPECT_THAT(Actions(Get(a.id())), ElementsAre("Create", "Correct"));
  EXPECT_THAT(Actions(Get(b.id())), ElementsAre("Create", "NotConfirm"));
  EXPECT_EQ(Get(b.id()).history(1).note(), "现场核查不属实");
  // Closed is closed.
  o = TryClose(kAdmin, a.id(), corrected.etag(), kNotConfirmed, "再次核查");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryPenalise(kAdmin, b.id(), dismissed.etag(), "X-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
}

TEST_F(EnforcementTest, FindingsFromComplaintsNameAnExistingOneOfTheSameCategory) {
  dv1::SubmitComplaintRequest submit;
  submit.set_request_id("complaint-1");
  dv1::Complaint* complaint = submit.mutable_complaint();
  complaint->set_category(kStalls);
  complaint->set_channel(dv1::CHANNEL_HOTLINE);
  complaint->mutable_region()->set_street_id("GS03");
  complaint->set_description("学校门口流动摊贩聚集");
  dv1::SubmitComplaintResponse submitted;
  Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
    return stub_->SubmitComplaint(c, submit, &submitted);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string complaint_id = submitted.complaint().id();
  submit.set_request_id("complaint-2");
  complaint->mutable_region()->set_street_id("GS01");
  o = h_.Rpc(kAdmin,
             [&](grpc::ClientContext* c) { return stub_->SubmitComplaint(c, submit, &submitted); });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  const std::string gs01_complaint = submitted.complaint().id();

  dv1::Enforcement finding = NewFinding(kStalls, "GS03", clock_.Now());
  finding.set_complaint_id(complaint_id);
  const dv1::Enforcement e = Record(finding, "from-complaint", kOperator3);
  EXPECT_EQ(e.complaint_id(), complaint_id);
  EXPECT_THAT(Get(e.id()).history(0).note(), HasSubstr(complaint_id));

  // Another category; an unknown complaint; one the caller may not see.
  finding.set_category(kBusiness);
  ExpectInvalid(TryRecord(kOperator3, "from-other-category", finding), "enforcement.complaint_id");
  finding.set_category(kStalls);
  finding.set_complaint_id("C-999999");
  ExpectInvalid(TryRecord(kOperator3, "from-unknown", finding), "enforcement.complaint_id");
  finding.set_complaint_id(gs01_complaint);
  o = TryRecord(kOperator3, "from-elsewhere", finding);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(o.field, "enforcement.complaint_id");
  // The district sees it.
  EXPECT_EQ(Record(finding, "from-elsewhere-admin", kAdmin).complaint_id(), gs01_complaint);
  EXPECT_EQ(ListAll().size(), 2u);
}

// ---- Retries ----

TEST_F(EnforcementTest, RetriedRecordsNeverDuplicate) {
  const dv1::Enforcement finding = NewFinding(kStalls, "GS03", clock_.Now() - absl::Hours(2));
  const dv1::Enforcement first = Record(finding, "retry-1");
  dv1::RecordEnforcementResponse retry;
  dv1::Enforcement again = finding;
  again.set_status(kCorrected);
  again.set_fine_yuan(5);
  Outcome o = TryRecord(kOperator3, "retry-1", again, &retry);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.enforcement().id(), first.id());
  // After it moved on: the finding as it is now.
  Penalise(first.id());
  o = TryRecord(kPlatform, "retry-1", finding, &retry);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(retry.created());
  EXPECT_EQ(retry.enforcement().status(), kPenalised);
  // Another finding under the same request id.
  dv1::Enforcement other = finding;
  other.set_subject("另一个摊位");
  o = TryRecord(kPlatform, "retry-1", other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  other = finding;
  *other.mutable_found_time() = ToTimestamp(clock_.Now() - absl::Hours(3));
  o = TryRecord(kPlatform, "retry-1", other);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);

  // Senders racing with one request id: one finding.
  const dv1::Enforcement racing = NewFinding(kHealth, "GS01", clock_.Now() - absl::Hours(1));
  std::vector<std::thread> senders;
  std::vector<dv1::RecordEnforcementResponse> responses(8);
  std::vector<Outcome> outcomes(8);
  for (int i = 0; i < 8; ++i) {
    senders.emplace_back([&, i] {
      outcomes[i] = TryRecord(i % 2 == 0 ? kPlatform : kOperator1, "race-1", racing, &responses[i]);
    });
  }
  for (std::thread& t : senders) t.join();
  int created = 0;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(outcomes[i].status.ok()) << Describe(outcomes[i]);
    created += responses[i].created() ? 1 : 0;
    EXPECT_EQ(responses[i].enforcement().id(), responses[0].enforcement().id());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ListAll().size(), 2u);
}

// ---- Bad input ----

TEST_F(EnforcementTest, RecordRefusesBadInput) {
  const absl::Time now = clock_.Now();
  const dv1::Enforcement good = NewFinding(kStalls, "GS03", now, "GS03-C01", "GS03-C01-G01");
  ExpectInvalid(TryRecord(kPlatform, "", good), "request_id");
  ExpectInvalid(TryRecord(kPlatform, Repeat("r", 129), good), "request_id");
  struct Bad {
    std::string field;
    std::function<void(dv1::Enforcement&)> edit;
  };
  auto located = [](double lat, double lng) {
    return [lat, lng](dv1::Enforcement& e) {
      e.mutable_location()->set_latitude(lat);
      e.mutable_location()->set_longitude(lng);
    };
  };
  const std::vector<Bad> bad = {
      {"enforcement.category", [](dv1::Enforcement& e) { e.clear_category(); }},
      {"enforcement.category",
       [](dv1::Enforcement& e) { e.set_category(static_cast<dv1::ComplaintCategory>(42)); }},
      {"enforcement.region.street_id", [](dv1::Enforcement& e) { e.clear_region(); }},
      {"enforcement.region.street_id",
       [](dv1::Enforcement& e) { e.mutable_region()->set_street_id("GS99"); }},
      {"enforcement.region.community_id",
       [](dv1::Enforcement& e) { e.mutable_region()->set_community_id("GS01-C01"); }},
      {"enforcement.region.grid_id",
       [](dv1::Enforcement& e) { e.mutable_region()->set_grid_id("GS03-C02-G01"); }},
      {"enforcement.location.latitude", located(90.5, 120)},
      {"enforcement.location.latitude", located(std::nan(""), 120)},
      {"enforcement.location.longitude", located(30, -180.5)},
      {"enforcement.address", [](dv1::Enforcement& e) { e.set_address(Repeat("址", 201)); }},
      {"enforcement.subject", [](dv1::Enforcement& e) { e.clear_subject(); }},
      {"enforcement.subject", [](dv1::Enforcement& e) { e.set_subject(Repeat("摊", 101)); }},
      {"enforcement.description", [](dv1::Enforcement& e) { e.clear_description(); }},
      {"enforcement.description",
       [](dv1::Enforcement& e) { e.set_description(Repeat("述", 2001)); }},
      {"enforcement.found_time", [](dv1::Enforcement& e) { e.clear_found_time(); }},
      {"enforcement.found_time",
       [now](dv1::Enforcement& e) { *e.mutable_found_time() = ToTimestamp(now + absl::Hours(1)); }},
      {"enforcement.found_time",
       [](dv1::Enforcement& e) {
         *e.mutable_found_time() = ToTimestamp(Local(1999, 12, 31, 23, 59));
       }},
      {"enforcement.found_time",
       [](dv1::Enforcement& e) { e.mutable_found_time()->set_nanos(-1); }},
      {"enforcement.complaint_id",
       [](dv1::Enforcement& e) { e.set_complaint_id(Repeat("C", 65)); }},
      {"enforcement.complaint_id", [](dv1::Enforcement& e) { e.set_complaint_id("C-000404"); }},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(absl::StrCat(i, " ", bad[i].field));
    dv1::Enforcement e = good;
    bad[i].edit(e);
    ExpectInvalid(TryRecord(kPlatform, absl::StrCat("bad-", i), e), bad[i].field);
  }
  // At the limits.
  dv1::Enforcement full = good;
  located(-90, 180)(full);
  full.set_address(Repeat("址", 200));
  full.set_subject(Repeat("摊", 100));
  full.set_description(Repeat("述", 2000));
  // The shared rule's first moment (gov::ValidatePastTime): 2000-01-01T00:00:00Z.
  *full.mutable_found_time() = ToTimestamp(absl::FromUnixSeconds(946684800));
  EXPECT_EQ(Record(full, Repeat("r", 128)).status(), kFound);
  // Who may not.
  Outcome o = TryRecord(kViewer, "who-1", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryRecord(kMediator3, "who-2", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryRecord(kOperator1, "who-3", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryRecord("", "who-4", good);
  EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(o);
  // Nothing was written but the one at the limits.
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(EnforcementTest, StepsRefuseBadInputAndWriteNothing) {
  const dv1::Enforcement e = Record(NewFinding(kStalls, "GS03", clock_.Now()), "steps-1");
  const std::string& id = e.id();
  const std::string& etag = e.etag();
  // Penalise.
  ExpectInvalid(TryPenalise(kPlatform, "", etag, "D-1", 100, ""), "id");
  ExpectInvalid(TryPenalise(kPlatform, Repeat("E", 65), etag, "D-1", 100, ""), "id");
  ExpectInvalid(TryPenalise(kPlatform, id, "", "D-1", 100, ""), "etag");
  ExpectInvalid(TryPenalise(kPlatform, id, etag, "", 100, ""), "decision_number");
  ExpectInvalid(TryPenalise(kPlatform, id, etag, Repeat("号", 65), 100, ""), "decision_number");
  ExpectInvalid(TryPenalise(kPlatform, id, etag, "D-1", -1, ""), "fine_yuan");
  ExpectInvalid(TryPenalise(kPlatform, id, etag, "D-1", 10'000'001, ""), "fine_yuan");
  ExpectInvalid(TryPenalise(kPlatform, id, etag, "D-1", 100, Repeat("注", 501)), "note");
  Outcome o = TryPenalise(kPlatform, "E-999999", etag, "D-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);
  o = TryPenalise(kPlatform, id, "v7", "D-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  o = TryPenalise(kViewer, id, etag, "D-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryPenalise(kMediator3, id, etag, "D-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  // Close.
  ExpectInvalid(TryClose(kPlatform, "", etag, kCorrected, "n"), "id");
  ExpectInvalid(TryClose(kPlatform, id, "", kCorrected, "n"), "etag");
  for (dv1::EnforcementStatus outcome : {dv1::ENFORCEMENT_STATUS_UNSPECIFIED, kFound, kPenalised,
                                         static_cast<dv1::EnforcementStatus>(9)}) {
    SCOPED_TRACE(static_cast<int>(outcome));
    ExpectInvalid(TryClose(kPlatform, id, etag, outcome, "n"), "outcome");
  }
  ExpectInvalid(TryClose(kPlatform, id, etag, kCorrected, ""), "note");
  ExpectInvalid(TryClose(kPlatform, id, etag, kCorrected, Repeat("注", 501)), "note");
  o = TryClose(kPlatform, id, "v0", kCorrected, "n");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  o = TryClose(kViewer, id, etag, kCorrected, "n");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);

  // Nothing moved.
  const dv1::Enforcement read = Get(id);
  EXPECT_EQ(read.etag(), "v1");
  EXPECT_EQ(read.status(), kFound);
  EXPECT_THAT(Actions(read), ElementsAre("Create"));

  // At the limits.
  dv1::Enforcement penalised;
  o = TryPenalise(kPlatform, id, etag, Repeat("号", 64), 10'000'000, Repeat("注", 500), &penalised);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(penalised.fine_yuan(), 10'000'000);
  // A stale etag on a concluded finding is still ABORTED (the etag is checked first).
  o = TryClose(kPlatform, id, etag, kCorrected, "n");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  // A penalty without a fine.
  const dv1::Enforcement zero = Record(NewFinding(kStalls, "GS03", clock_.Now()), "steps-2");
  o = TryPenalise(kPlatform, zero.id(), zero.etag(), "D-2", 0, "", &penalised);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(penalised.fine_yuan(), 0);
  EXPECT_EQ(penalised.status(), kPenalised);
}

TEST_F(EnforcementTest, ReadsRefuseBadInput) {
  Record(NewFinding(kStalls, "GS03", clock_.Now()), "reads-1");
  ExpectInvalid(TryGet(kAdmin, ""), "id");
  ExpectInvalid(TryGet(kAdmin, Repeat("E", 65)), "id");
  Outcome o = TryGet(kAdmin, "E-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);

  dv1::ListEnforcementsRequest request;
  request.set_page_size(-1);
  ExpectInvalid(TryList(kAdmin, request), "page_size");
  request = {};
  request.add_categories(kStalls);
  request.add_categories(dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
  ExpectInvalid(TryList(kAdmin, request), "categories[1]");
  request = {};
  request.add_statuses(static_cast<dv1::EnforcementStatus>(17));
  ExpectInvalid(TryList(kAdmin, request), "statuses[0]");
  request = {};
  request.mutable_region()->set_street_id("GS99");
  ExpectInvalid(TryList(kAdmin, request), "region.street_id");
  request = {};
  request.mutable_region()->set_street_id("GS03");
  request.mutable_region()->set_community_id("GS01-C01");
  ExpectInvalid(TryList(kAdmin, request), "region.community_id");
  request = {};
  request.mutable_period()->set_year(2026);
  request.mutable_period()->set_month(13);
  ExpectInvalid(TryList(kAdmin, request), "period.month");
  request = {};
  request.set_page_token("not-a-token");
  ExpectInvalid(TryList(kAdmin, request), "page_token");
}

// ---- Lists ----

TEST_F(EnforcementTest, ListsNewestFoundFirstWithFiltersAndPages) {
  // Recorded out of the order they were found in.
  const std::string may20 = Finding(kStalls, "GS03", Local(2026, 5, 20, 9), kPenalised, "l-1");
  const std::string may2 = Finding(kBusiness, "GS03", Local(2026, 5, 2, 9), kFound, "l-2");
  const std::string jun1 = Finding(kStalls, "GS01", Local(2026, 6, 1, 8), kCorrected, "l-3");
  const std::string apr30 = Finding(kHealth, "GS01", Local(2026, 4, 30, 23), kFound, "l-4");
  const std::string may31 =
      Finding(kNoise, "GS03", Local(2026, 5, 31, 23, 59), kNotConfirmed, "l-5");
  dv1::Enforcement community = NewFinding(kStalls, "GS03", Local(2026, 5, 10, 9), "GS03-C01");
  const std::string may10 = Record(community, "l-6").id();

  EXPECT_THAT(Ids(ListAll()), ElementsAre(jun1, may31, may20, may10, may2, apr30));
  // Pages of two, and the same list.
  EXPECT_THAT(Ids(ListAll({}, kAdmin, 2)), ElementsAre(jun1, may31, may20, may10, may2, apr30));
  // No histories in lists.
  for (const dv1::Enforcement& e : ListAll()) EXPECT_EQ(e.history_size(), 0) << e.id();

  dv1::ListEnforcementsRequest request;
  request.mutable_period()->set_year(2026);
  request.mutable_period()->set_month(5);
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(may31, may20, may10, may2));
  request.add_categories(kStalls);
  request.add_categories(kNoise);
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(may31, may20, may10));
  request.add_statuses(kFound);
  request.add_statuses(kPenalised);
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(may20, may10));
  request.mutable_region()->set_street_id("GS03");
  request.mutable_region()->set_community_id("GS03-C01");
  EXPECT_THAT(Ids(ListAll(request)), ElementsAre(may10));

  dv1::ListEnforcementsRequest gs01;
  gs01.mutable_region()->set_street_id("GS01");
  EXPECT_THAT(Ids(ListAll(gs01)), ElementsAre(jun1, apr30));
  dv1::ListEnforcementsRequest open;
  open.add_statuses(kFound);
  EXPECT_THAT(Ids(ListAll(open)), ElementsAre(may10, may2, apr30));

  // A page token is bound to its filters.
  dv1::ListEnforcementsRequest first;
  first.set_page_size(1);
  dv1::ListEnforcementsResponse page;
  Outcome o = TryList(kAdmin, first, &page);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_FALSE(page.next_page_token().empty());
  first.set_page_token(page.next_page_token());
  first.add_categories(kStalls);
  ExpectInvalid(TryList(kAdmin, first), "page_token");
}

// ---- Scope ----

TEST_F(EnforcementTest, OperatorsWorkWithinTheirStreetsAndViewersRead) {
  const absl::Time found = clock_.Now() - absl::Hours(1);
  const dv1::Enforcement gs03 = Record(NewFinding(kStalls, "GS03", found), "scope-3", kOperator3);
  const dv1::Enforcement gs01 = Record(NewFinding(kStalls, "GS01", found), "scope-1", kOperator1);

  Outcome o = TryRecord(kOperator1, "scope-x", NewFinding(kStalls, "GS03", found));
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryGet(kOperator1, gs03.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryPenalise(kOperator1, gs03.id(), gs03.etag(), "D-1", 100, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryClose(kOperator1, gs03.id(), gs03.etag(), kCorrected, "n");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_THAT(Ids(ListAll({}, kOperator1)), ElementsAre(gs01.id()));
  EXPECT_THAT(Ids(ListAll({}, kOperator3)), ElementsAre(gs03.id()));
  dv1::ListEnforcementsRequest other_street;
  other_street.mutable_region()->set_street_id("GS03");
  o = TryList(kOperator1, other_street);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);

  // Viewers read everything; mediators their streets; neither writes.
  EXPECT_EQ(ListAll({}, kViewer).size(), 2u);
  EXPECT_EQ(Get(gs03.id(), kViewer).id(), gs03.id());
  EXPECT_THAT(Ids(ListAll({}, kMediator3)), ElementsAre(gs03.id()));
  EXPECT_EQ(Get(gs03.id(), kMediator3).id(), gs03.id());
  o = TryGet(kMediator3, gs01.id());
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  o = TryClose(kMediator3, gs03.id(), gs03.etag(), kCorrected, "n");
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);

  EXPECT_EQ(Get(gs03.id()).etag(), "v1");
  EXPECT_EQ(Penalise(gs01.id(), 100, kOperator1).status(), kPenalised);
}

// ---- The investigation's clock ----

TEST_F(EnforcementTest, TheBreachScanMarksOverdueFindings) {
  const absl::Time t0 = clock_.Now();
  // Found three days before it was recorded: the clock still runs from the recording.
  const dv1::Enforcement late = Record(NewFinding(kStalls, "GS03", t0 - absl::Hours(72)), "sla-1");
  const dv1::Enforcement prompt = Record(NewFinding(kStalls, "GS03", t0), "sla-2");
  const absl::Time due = Due(rules().EnforcementSla(), t0);
  EXPECT_EQ(FromTimestamp(late.due_time()), due);
  // data/disorder.json: 10 working days, Tuesday 2 June to Monday 15 June.
  EXPECT_EQ(due, Local(2026, 6, 16));
  Penalise(prompt.id());

  clock_.Set(due - absl::Minutes(1));
  EXPECT_EQ(ScanBreaches(), 0);
  EXPECT_FALSE(Get(late.id()).sla_breached());
  clock_.Set(due + absl::Minutes(1));
  EXPECT_EQ(ScanBreaches(), 1);
  EXPECT_EQ(ScanBreaches(), 0);  // once
  const dv1::Enforcement breached = Get(late.id());
  EXPECT_TRUE(breached.sla_breached());
  EXPECT_EQ(breached.status(), kFound);
  EXPECT_THAT(Actions(breached), ElementsAre("Create", "SlaBreach"));
  EXPECT_FALSE(Get(prompt.id()).sla_breached());
  dv1::ListEnforcementsRequest open;
  open.add_statuses(kFound);
  const std::vector<dv1::Enforcement> listed = ListAll(open);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].sla_breached());

  // Concluded late all the same.
  const dv1::Enforcement closed = Close(late.id(), kCorrected);
  EXPECT_EQ(closed.status(), kCorrected);
  EXPECT_THAT(Actions(Get(late.id())), ElementsAre("Create", "SlaBreach", "Correct"));
}

// ---- Indicators ----

TEST_F(EnforcementTest, PenaliseRatesAgainstHandComputedData) {
  struct Planned {
    dv1::ComplaintCategory category;
    std::string street;
    absl::Time found;
    dv1::EnforcementStatus end;
  };
  const absl::Time may25 = Local(2025, 5, 12, 10);
  const absl::Time may26 = Local(2026, 5, 18, 15);
  const std::vector<Planned> planned = {
      // Stalls, May 2025: GS03 penalised 1 of 2; GS01 only a finding not confirmed.
      // District: 1 / 2 = 5000.
      {kStalls, "GS03", may25, kPenalised},
      {kStalls, "GS03", may25, kCorrected},
      {kStalls, "GS01", may25, kNotConfirmed},
      // Stalls, May 2026: GS03 2 of 3 (one still under investigation); GS01 2 of 2 (one not
      // confirmed, not counted). District: 4 / 5 = 8000.
      {kStalls, "GS03", may26, kPenalised},
      {kStalls, "GS03", may26, kPenalised},
      {kStalls, "GS03", may26, kFound},
      {kStalls, "GS01", may26, kPenalised},
      {kStalls, "GS01", may26, kPenalised},
      {kStalls, "GS01", may26, kNotConfirmed},
      // Outside the months: the last hour of April and the first of June 2026, June 2025.
      {kStalls, "GS03", Local(2026, 4, 30, 23), kCorrected},
      {kStalls, "GS03", Local(2026, 6, 1, 0), kCorrected},
      {kStalls, "GS03", Local(2025, 6, 1, 0), kCorrected},
      // Businesses on GS03: May 2025 2 / 4 = 5000; May 2026 3 / 5 = 6000.
      {kBusiness, "GS03", may25, kPenalised},
      {kBusiness, "GS03", may25, kPenalised},
      {kBusiness, "GS03", may25, kCorrected},
      {kBusiness, "GS03", may25, kCorrected},
      {kBusiness, "GS03", may26, kPenalised},
      {kBusiness, "GS03", may26, kPenalised},
      {kBusiness, "GS03", may26, kPenalised},
      {kBusiness, "GS03", may26, kCorrected},
      {kBusiness, "GS03", may26, kCorrected},
      // Health supplements on GS01, May 2026: 2 / 3 = 6667.
      {kHealth, "GS01", may26, kPenalised},
      {kHealth, "GS01", may26, kPenalised},
      {kHealth, "GS01", may26, kCorrected},
      {kHealth, "GS01", may26, kNotConfirmed},
      // Another category: in no rate.
      {kNoise, "GS01", may26, kPenalised},
  };
  for (size_t i = 0; i < planned.size(); ++i) {
    const Planned& p = planned[i];
    Finding(p.category, p.street, p.found, p.end, absl::StrCat("rate-", i));
  }

  std::map<std::string, gv1::Indicator> may = Indicators(Month(2026, 5));
  for (const char* id : {"mobile_stall_penalise_rate_yoy", "unlicensed_business_penalise_rate_yoy",
                         "health_supplement_penalise_rate"}) {
    ASSERT_TRUE(may.count(id)) << id;
    EXPECT_EQ(may[id].unit(), gv1::INDICATOR_UNIT_BASIS_POINTS) << id;
    EXPECT_EQ(may[id].direction(), gv1::DIRECTION_HIGHER_IS_BETTER) << id;
    EXPECT_TRUE(may[id].has_data()) << id;
  }
  // Stalls: 8000 on 5000 is +60% on last year's rate (+6000 bp of it), over the +30% target:
  // attainment 10000 + 3000.
  const gv1::Indicator& stalls = may["mobile_stall_penalise_rate_yoy"];
  EXPECT_EQ(stalls.target_kind(), gv1::TARGET_KIND_CHANGE_VS_BASELINE);
  EXPECT_EQ(stalls.target(), 3000);
  EXPECT_EQ(stalls.actual(), 8000);
  EXPECT_EQ(stalls.baseline(), 5000);
  EXPECT_EQ(stalls.change(), 6000);
  EXPECT_EQ(stalls.attainment(), 13000);
  EXPECT_EQ(stalls.colour(), gv1::COLOUR_GREEN);
  // Businesses: 6000 on 5000 is +20%, shown without a target (the plan sets none; its +30% is
  // the stalls'): no grade, no source.
  const gv1::Indicator& business = may["unlicensed_business_penalise_rate_yoy"];
  EXPECT_EQ(business.actual(), 6000);
  EXPECT_EQ(business.baseline(), 5000);
  EXPECT_EQ(business.change(), 2000);
  EXPECT_EQ(business.target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  EXPECT_EQ(business.attainment(), 0);
  EXPECT_EQ(business.colour(), gv1::COLOUR_UNSPECIFIED);
  EXPECT_EQ(business.target_source(), gv1::TARGET_SOURCE_UNSPECIFIED);
  EXPECT_EQ(business.baseline_days().first(), "2025-05-01");
  EXPECT_EQ(stalls.target_source(), gv1::TARGET_SOURCE_PLAN);
  // Health supplements: 2 of 3 confirmed, against 100%.
  const gv1::Indicator& health = may["health_supplement_penalise_rate"];
  EXPECT_EQ(health.target_kind(), gv1::TARGET_KIND_RATE);
  EXPECT_EQ(health.target(), 10000);
  EXPECT_EQ(health.actual(), 6667);
  EXPECT_EQ(health.colour(), gv1::COLOUR_RED);

  // GS03: stalls 2 / 3 = 6667 on 1 / 2 = 5000: +3334; businesses as the district's; no health
  // supplements.
  may = Indicators(Month(2026, 5), "GS03");
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].actual(), 6667);
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].baseline(), 5000);
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].change(), 3334);
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].colour(), gv1::COLOUR_GREEN);
  EXPECT_EQ(may["unlicensed_business_penalise_rate_yoy"].change(), 2000);
  EXPECT_FALSE(may["health_supplement_penalise_rate"].has_data());
  // GS01: stalls 2 / 2 this year, but last year nothing was confirmed: no rate to compare with.
  may = Indicators(Month(2026, 5), "GS01");
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].actual(), 10000);
  EXPECT_FALSE(may["mobile_stall_penalise_rate_yoy"].has_data());
  EXPECT_EQ(may["health_supplement_penalise_rate"].actual(), 6667);

  // Concluding the open stall on GS03 moves this year's rate (and the cached indicators).
  dv1::ListEnforcementsRequest open;
  open.add_statuses(kFound);
  const std::vector<dv1::Enforcement> still_open = ListAll(open);
  ASSERT_EQ(still_open.size(), 1u);
  Penalise(still_open[0].id());
  may = Indicators(Month(2026, 5));
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].actual(), 10000);  // 5 / 5
  EXPECT_EQ(may["mobile_stall_penalise_rate_yoy"].change(), 10000);

  // June 2026: one stall corrected, none last June in the district but the one of 1 June
  // 2025: 0 / 1 on 0 / 1, no change.
  std::map<std::string, gv1::Indicator> june = Indicators(Month(2026, 6));
  EXPECT_EQ(june["mobile_stall_penalise_rate_yoy"].actual(), 0);
  EXPECT_EQ(june["mobile_stall_penalise_rate_yoy"].baseline(), 0);
  EXPECT_TRUE(june["mobile_stall_penalise_rate_yoy"].has_data());
  EXPECT_EQ(june["mobile_stall_penalise_rate_yoy"].change(), 0);
  EXPECT_FALSE(june["unlicensed_business_penalise_rate_yoy"].has_data());
}

// ---- Demo data ----

TEST_F(EnforcementTest, DemoDataLoadsOnceWithRatesUpOnLastYear) {
  absl::Status loaded = LoadEnforcementDemo(track().enforcements(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  const std::vector<dv1::Enforcement> all = ListAll({}, kAdmin, 500);
  ASSERT_GT(all.size(), 1000u);
  std::map<int, int> statuses;
  std::set<int> categories;
  std::set<std::string> streets;
  for (const dv1::Enforcement& e : all) {
    statuses[e.status()]++;
    categories.insert(e.category());
    streets.insert(e.region().street_id());
    EXPECT_LE(FromTimestamp(e.found_time()), clock_.Now()) << e.id();
    if (e.status() == kPenalised) {
      EXPECT_FALSE(e.decision_number().empty()) << e.id();
    }
  }
  for (dv1::EnforcementStatus s : {kFound, kPenalised, kCorrected, kNotConfirmed}) {
    EXPECT_GT(statuses[s], 0) << EnumKey(s);
  }
  EXPECT_TRUE(categories.count(kStalls) && categories.count(kBusiness) &&
              categories.count(kHealth));
  EXPECT_EQ(streets.size(), static_cast<size_t>(h_.regions().street_count()));
  // Two years back.
  EXPECT_LT(FromTimestamp(all.back().found_time()), Local(2024, 7, 1));

  // This year's rates are up on last year's: January to May. The plan is +39% and +26%; a
  // quarter's few dozen findings of a category, and May's still under investigation, move a
  // quarter's change by several points either way.
  gv1::Period months;
  months.set_year(2026);
  months.set_quarter(1);
  for (int quarter : {1, 2}) {
    months.set_quarter(quarter);
    std::map<std::string, gv1::Indicator> indicators = Indicators(months);
    for (const char* id :
         {"mobile_stall_penalise_rate_yoy", "unlicensed_business_penalise_rate_yoy"}) {
      SCOPED_TRACE(absl::StrCat(id, " Q", quarter));
      ASSERT_TRUE(indicators[id].has_data());
      EXPECT_GT(indicators[id].actual(), indicators[id].baseline());
      EXPECT_GT(indicators[id].change(), 1000);
    }
    EXPECT_GT(indicators["health_supplement_penalise_rate"].actual(), 9000);
  }

  // Again: nothing new, nothing moved.
  loaded = LoadEnforcementDemo(track().enforcements(), track().deps());
  ASSERT_TRUE(loaded.ok()) << loaded;
  const std::vector<dv1::Enforcement> again = ListAll({}, kAdmin, 500);
  ASSERT_EQ(again.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(again[i].etag(), all[i].etag()) << all[i].id();
}

}  // namespace
}  // namespace gov::disorder
