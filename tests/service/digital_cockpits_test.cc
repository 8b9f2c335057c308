// The digital track's leaders' cockpits over gRPC on the real track (SQLite, or PostgreSQL as
// digital_cockpits_test_postgres) with a real redis-server and a fake clock, reading real disorder
// and hazard tracks (peer calls with a system token of theirs), a track that is down (nothing
// listens at its address) and a track that never answers (a socket that accepts and stays
// silent): every track asked at once, each part in the declaration's order with its status, the
// cockpit never failed whole; complete cockpits kept in the cache, incomplete ones not; one
// indicator across the streets, one cockpit across periods; the cockpits' own indicators (the
// plan's new cockpits in use, the share of high-frequency comparable indicators); bad requests
// refused with the field; each cockpit for its callers only.

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "governance/config/v1/digital.pb.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/digital/model.h"
#include "services/digital/track.h"
#include "services/disorder/track.h"
#include "services/hazard/track.h"
#include "tests/support/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::digital {
namespace {

namespace gv1 = ::governance::v1;
namespace cv1 = ::governance::config::v1;
using gov::testing::Describe;
using gov::testing::ExpectInvalid;
using gov::testing::Local;
using gov::testing::Outcome;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-system";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kViewer[] = "tok-viewer";
constexpr char kPeer[] = "tok-peer-digital";

std::vector<gov::testing::TestToken> Tokens() {
  return {
      {kAdmin, "admin", auth::kDistrictAdmin, {}},
      {kSystem, "city-eye-platform", auth::kSystem, {}},
      {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
      {kViewer, "viewer", auth::kViewer, {}},
  };
}

std::vector<gov::testing::TestToken> PeerTokens() {
  return {{kAdmin, "admin", auth::kDistrictAdmin, {}}, {kPeer, "digital-peer", auth::kSystem, {}}};
}

dv1::CockpitSelection Select(const std::string& track, std::vector<std::string> ids = {}) {
  dv1::CockpitSelection s;
  s.set_track(track);
  for (std::string& id : ids) s.add_indicator_ids(std::move(id));
  return s;
}

dv1::CockpitDeclaration Declare(const std::string& id, dv1::CockpitKind kind,
                                std::vector<dv1::CockpitSelection> selections,
                                const std::string& launched, bool plan_new,
                                const std::string& street = "") {
  dv1::CockpitDeclaration c;
  c.set_id(id);
  c.set_name_zh(absl::StrCat(id, "驾驶舱"));
  c.set_name_en(absl::StrCat(id, " cockpit"));
  c.set_kind(kind);
  c.set_street_id(street);
  if (kind == dv1::COCKPIT_KIND_DEPARTMENT) c.set_department("区测试局");
  for (dv1::CockpitSelection& s : selections) *c.add_selections() = std::move(s);
  c.set_launched(launched);
  c.set_plan_new(plan_new);
  return c;
}

// The shipped rules file with the test's cockpits in place of the district's: the district's
// (disorder, hazard's helmet rate and an id hazard does not know, digital), GS01's (disorder,
// digital), and a department's with a track that is down and one that never answers.
std::string RulesWithTestCockpits(const std::string& dir) {
  absl::StatusOr<std::string> text = ReadFile(gov::testing::SourcePath("data/digital.json"), "");
  EXPECT_TRUE(text.ok()) << text.status();
  cv1::DigitalRules rules;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text.value_or("{}"), &rules).ok());
  rules.clear_cockpits();
  *rules.add_cockpits() =
      Declare("district", dv1::COCKPIT_KIND_DISTRICT,
              {Select("disorder"), Select("hazard", {"helmet_wearing_rate", "no_such_indicator"}),
               Select("digital")},
              "2024-01-02", false);
  *rules.add_cockpits() =
      Declare("street-GS01", dv1::COCKPIT_KIND_STREET, {Select("disorder"), Select("digital")},
              "2026-03-02", true, "GS01");
  *rules.add_cockpits() =
      Declare("dept-test", dv1::COCKPIT_KIND_DEPARTMENT,
              {Select("mediation"), Select("disorder", {"repeat_rate"}), Select("policing")},
              "2026-05-06", true);
  rules.mutable_cockpit_settings()->set_track_timeout_ms(300);
  rules.mutable_cockpit_settings()->set_cache_seconds(60);
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(rules, &json).ok());
  const std::string path = absl::StrCat(dir, "/digital.json");
  gov::testing::WriteFile(path, json);
  return path;
}

template <typename Stub, typename Request, typename Response>
Outcome Call(const gov::testing::TrackHarness& harness, Stub* stub,
             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
             const std::string& token, const Request& request, Response* response) {
  return harness.Rpc(token,
                     [&](grpc::ClientContext* c) { return (stub->*method)(c, request, response); });
}

const gv1::Indicator* FindIndicator(const dv1::CockpitTrack& part, const std::string& id) {
  for (const gv1::Indicator& i : part.indicators()) {
    if (i.id() == id) return &i;
  }
  return nullptr;
}

class DigitalCockpitsTest : public ::testing::Test {
 protected:
  // Wednesday 1 April 2026, 09:00 district time.
  DigitalCockpitsTest() : clock_(Local(2026, 4, 1, 9, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(disorder_.Start(track::Factory<disorder::DisorderTrack>("disorder")).ok());
    ASSERT_TRUE(hazard_.Start(track::Factory<hazard::HazardTrack>("hazard")).ok());
    const std::string token_file = dir_.File("peer-token");
    gov::testing::WriteFile(token_file, std::string(kPeer) + "\n");
    h_.config().peer_token_file = token_file;
    h_.config().peers["disorder"] = disorder_.address();
    h_.config().peers["hazard"] = hazard_.address();
    h_.config().peers["mediation"] = absl::StrCat("127.0.0.1:", gov::testing::FreePort());
    h_.config().peers["policing"] = silent_.address();
    h_.config().rules_file = RulesWithTestCockpits(dir_.path());
    const absl::Status started = h_.Start(track::Factory<DigitalTrack>(kTrack));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = dv1::DigitalService::NewStub(h_.channel());
    indicators_ = gv1::IndicatorsService::NewStub(h_.channel());
  }

  static void Ok(const Outcome& o) { EXPECT_TRUE(o.status.ok()) << Describe(o); }

  Outcome TryGet(const std::string& token, const std::string& id, dv1::Cockpit* out = nullptr,
                 const gv1::Period& period = gv1::Period()) {
    dv1::GetCockpitRequest request;
    request.set_id(id);
    *request.mutable_period() = period;
    dv1::GetCockpitResponse response;
    const Outcome o =
        Call(h_, stub_.get(), &dv1::DigitalService::Stub::GetCockpit, token, request, &response);
    if (out != nullptr) *out = response.cockpit();
    return o;
  }

  dv1::Cockpit Get(const std::string& id, const gv1::Period& period = gv1::Period()) {
    dv1::Cockpit cockpit;
    Ok(TryGet(kViewer, id, &cockpit, period));
    return cockpit;
  }

  Outcome TryCompareStreets(const std::string& token, const dv1::CompareStreetsRequest& request,
                            dv1::CompareStreetsResponse* out = nullptr) {
    dv1::CompareStreetsResponse response;
    const Outcome o = Call(h_, stub_.get(), &dv1::DigitalService::Stub::CompareStreets, token,
                           request, &response);
    if (out != nullptr) *out = response;
    return o;
  }

  Outcome TryComparePeriods(const std::string& token, const dv1::ComparePeriodsRequest& request,
                            dv1::ComparePeriodsResponse* out = nullptr) {
    dv1::ComparePeriodsResponse response;
    const Outcome o = Call(h_, stub_.get(), &dv1::DigitalService::Stub::ComparePeriods, token,
                           request, &response);
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<std::string> Listed(const std::string& token, dv1::CockpitKind kind) {
    dv1::ListCockpitsRequest request;
    request.set_kind(kind);
    dv1::ListCockpitsResponse response;
    Ok(Call(h_, stub_.get(), &dv1::DigitalService::Stub::ListCockpits, token, request, &response));
    std::vector<std::string> ids;
    for (const dv1::CockpitDeclaration& c : response.cockpits()) ids.push_back(c.id());
    return ids;
  }

  // Digital's own indicators for `period` and `street` ("" = the district), by id.
  std::map<std::string, gv1::Indicator> Own(const gv1::Period& period,
                                            const std::string& street = "") {
    gv1::ListIndicatorsRequest request;
    *request.mutable_period() = period;
    if (!street.empty()) request.mutable_region()->set_street_id(street);
    gv1::ListIndicatorsResponse response;
    Ok(Call(h_, indicators_.get(), &gv1::IndicatorsService::Stub::ListIndicators, kAdmin, request,
            &response));
    std::map<std::string, gv1::Indicator> out;
    for (const gv1::Indicator& i : response.indicators()) out[i.id()] = i;
    return out;
  }

  // A grid patrol's mobile-stall event in `community`, reported by the platform.
  void ReportEvent(const std::string& community) {
    dv1::ReportEventRequest request;
    request.set_request_id(absl::StrCat("rid-", ++counter_));
    dv1::Event* e = request.mutable_event();
    e->set_type(dv1::EVENT_TYPE_MOBILE_STALL);
    e->set_source(dv1::EVENT_SOURCE_GRID_PATROL);
    *e->mutable_region() = Region(community.substr(0, 4), community);
    e->set_address("和睦路12号");
    e->set_description("流动摊贩占道经营（测试）");
    *e->mutable_detect_time() = ToTimestamp(clock_.Now() - absl::Hours(1));
    dv1::ReportEventResponse response;
    Ok(Call(h_, stub_.get(), &dv1::DigitalService::Stub::ReportEvent, kSystem, request, &response));
  }

  FakeClock clock_;
  gov::testing::TempDir dir_;
  gov::testing::SilentListener silent_;
  gov::testing::TrackHarness disorder_{"disorder", &clock_, PeerTokens()};
  gov::testing::TrackHarness hazard_{"hazard", &clock_, PeerTokens()};
  gov::testing::TrackHarness h_{kTrack, &clock_, Tokens()};
  std::unique_ptr<dv1::DigitalService::Stub> stub_;
  std::unique_ptr<gv1::IndicatorsService::Stub> indicators_;
  int counter_ = 0;
};

TEST_F(DigitalCockpitsTest, ReadsEveryTrackOfTheDeclarationInItsOrder) {
  const dv1::Cockpit c = Get("district");
  EXPECT_EQ(c.declaration().id(), "district");
  EXPECT_EQ(c.declaration().kind(), dv1::COCKPIT_KIND_DISTRICT);
  EXPECT_EQ(c.period().year(), 2026);
  EXPECT_EQ(c.period().month(), 4);  // the current month
  EXPECT_EQ(FromTimestamp(c.evaluated_at()), clock_.Now());
  EXPECT_TRUE(c.complete());
  ASSERT_EQ(c.tracks_size(), 3);
  EXPECT_EQ(c.tracks(0).track(), "disorder");
  EXPECT_EQ(c.tracks(1).track(), "hazard");
  EXPECT_EQ(c.tracks(2).track(), "digital");
  for (const dv1::CockpitTrack& part : c.tracks()) {
    EXPECT_EQ(part.code(), 0) << part.track() << ": " << part.message();
    EXPECT_FALSE(part.indicators().empty()) << part.track();
    for (const gv1::Indicator& i : part.indicators()) {
      EXPECT_EQ(i.period().month(), 4) << i.id();
      EXPECT_TRUE(i.region().street_id().empty()) << i.id();  // the district
      EXPECT_NE(i.freshness(), gv1::INDICATOR_FRESHNESS_UNSPECIFIED) << i.id();
    }
  }
  // A whole track: every indicator it declares, as it lists them itself.
  gv1::ListIndicatorsResponse disorder_all;
  {
    auto stub = gv1::IndicatorsService::NewStub(disorder_.channel());
    Ok(Call(disorder_, stub.get(), &gv1::IndicatorsService::Stub::ListIndicators, kAdmin,
            gv1::ListIndicatorsRequest(), &disorder_all));
  }
  ASSERT_EQ(c.tracks(0).indicators_size(), disorder_all.indicators_size());
  for (int i = 0; i < disorder_all.indicators_size(); ++i) {
    EXPECT_EQ(c.tracks(0).indicators(i).id(), disorder_all.indicators(i).id());
  }
  // A selection: the ids it names that the track knows, in its order; the others named.
  ASSERT_EQ(c.tracks(1).indicators_size(), 1);
  const gv1::Indicator& helmet = c.tracks(1).indicators(0);
  EXPECT_EQ(helmet.id(), "helmet_wearing_rate");
  EXPECT_THAT(c.tracks(1).unknown_ids(), ElementsAre("no_such_indicator"));
  // Read from recorded figures: not high-frequency, but comparable street by street.
  EXPECT_EQ(helmet.freshness(), gv1::INDICATOR_FRESHNESS_RECORDED);
  EXPECT_TRUE(helmet.comparable_by_street());
  // Digital's own: cameras online is live and per street; the feeds added are the district's.
  const gv1::Indicator* online = FindIndicator(c.tracks(2), "cameras_online_rate");
  const gv1::Indicator* added = FindIndicator(c.tracks(2), "camera_feeds_added");
  ASSERT_NE(online, nullptr);
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(online->freshness(), gv1::INDICATOR_FRESHNESS_LIVE);
  EXPECT_TRUE(online->comparable_by_street());
  EXPECT_FALSE(added->comparable_by_street());

  // The freshness is a count over what is shown.
  int shown = 0, live = 0, comparable = 0, both = 0;
  for (const dv1::CockpitTrack& part : c.tracks()) {
    for (const gv1::Indicator& i : part.indicators()) {
      const bool is_live = i.freshness() == gv1::INDICATOR_FRESHNESS_LIVE;
      ++shown;
      live += is_live;
      comparable += i.comparable_by_street();
      both += is_live && i.comparable_by_street();
    }
  }
  EXPECT_EQ(c.freshness().indicators(), shown);
  EXPECT_EQ(c.freshness().high_frequency(), live);
  EXPECT_EQ(c.freshness().comparable(), comparable);
  EXPECT_EQ(c.freshness().high_frequency_comparable(), both);
  EXPECT_GT(both, 0);
  EXPECT_LT(both, shown);
  EXPECT_EQ(c.freshness().share(), (both * 10000 + shown / 2) / shown);

  // A street cockpit asks for its street.
  const dv1::Cockpit street = Get("street-GS01");
  ASSERT_EQ(street.tracks_size(), 2);
  EXPECT_TRUE(street.complete());
  for (const dv1::CockpitTrack& part : street.tracks()) {
    for (const gv1::Indicator& i : part.indicators()) {
      EXPECT_EQ(i.region().street_id(), "GS01") << i.id();
    }
  }
}

TEST_F(DigitalCockpitsTest, MarksATrackThatIsDownOrSilentAndShowsTheRest) {
  const dv1::Cockpit c = Get("dept-test");
  EXPECT_FALSE(c.complete());
  ASSERT_EQ(c.tracks_size(), 3);
  EXPECT_EQ(c.tracks(0).track(), "mediation");
  EXPECT_EQ(c.tracks(0).code(), static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  EXPECT_THAT(c.tracks(0).message(), HasSubstr("mediation"));
  EXPECT_THAT(c.tracks(0).indicators(), IsEmpty());
  // Up but silent: its part is given up at the cockpit deadline.
  EXPECT_EQ(c.tracks(2).track(), "policing");
  EXPECT_EQ(c.tracks(2).code(), static_cast<int>(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_THAT(c.tracks(2).message(), HasSubstr("policing"));
  EXPECT_THAT(c.tracks(2).indicators(), IsEmpty());
  // The track that answered is all there.
  EXPECT_EQ(c.tracks(1).code(), 0);
  ASSERT_EQ(c.tracks(1).indicators_size(), 1);
  EXPECT_EQ(c.tracks(1).indicators(0).id(), "repeat_rate");
  EXPECT_EQ(c.freshness().indicators(), 1);
}

TEST_F(DigitalCockpitsTest, KeepsCompleteCockpitsBrieflyAndNeverIncompleteOnes) {
  const dv1::Cockpit first = Get("street-GS01");
  ASSERT_TRUE(first.complete());
  const gv1::Indicator* reported = FindIndicator(first.tracks(1), "events_reported");
  ASSERT_NE(reported, nullptr);
  EXPECT_EQ(reported->actual(), 0);

  ReportEvent("GS01-C02");
  clock_.Advance(absl::Minutes(1));
  // Within the cache seconds the cockpit is the one kept, whatever the tracks say now...
  const dv1::Cockpit kept = Get("street-GS01");
  EXPECT_EQ(kept.evaluated_at().seconds(), first.evaluated_at().seconds());
  EXPECT_EQ(FindIndicator(kept.tracks(1), "events_reported")->actual(), 0);
  // ...while another period is read afresh and sees the event.
  gv1::Period year;
  year.set_year(2026);
  const dv1::Cockpit fresh = Get("street-GS01", year);
  EXPECT_EQ(FromTimestamp(fresh.evaluated_at()), clock_.Now());
  EXPECT_EQ(FindIndicator(fresh.tracks(1), "events_reported")->actual(), 1);

  // An incomplete cockpit is read afresh every time.
  const dv1::Cockpit partial = Get("dept-test");
  clock_.Advance(absl::Minutes(1));
  const dv1::Cockpit again = Get("dept-test");
  EXPECT_FALSE(again.complete());
  EXPECT_EQ(FromTimestamp(again.evaluated_at()),
            FromTimestamp(partial.evaluated_at()) + absl::Minutes(1));
}

// Calls that come while the tracks are being read for the same cockpit and period take that
// read's result rather than reading them again (a cache entry that expires under load).
TEST_F(DigitalCockpitsTest, CallsThatComeDuringAReadShareIt) {
  gv1::Period january;
  january.set_year(2026);
  january.set_month(1);
  const auto reads = [&] {
    return gov::testing::MetricValue(h_.metrics(), "governance_cockpit_reads_total",
                                     {{"cockpit", "dept-test"}, {"outcome", "incomplete"}});
  };
  const double before = reads();
  constexpr int kCalls = 6;
  std::vector<dv1::Cockpit> got(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] { Ok(TryGet(kViewer, "dept-test", &got[i], january)); });
  }
  for (std::thread& t : threads) t.join();
  for (const dv1::Cockpit& c : got) {
    EXPECT_FALSE(c.complete());
    EXPECT_EQ(c.tracks(2).code(), static_cast<int>(grpc::StatusCode::DEADLINE_EXCEEDED));
  }
  // The silent track holds each read for the cockpit deadline, so the calls overlap it.
  EXPECT_GE(reads() - before, 1);
  EXPECT_LT(reads() - before, kCalls);
}

TEST_F(DigitalCockpitsTest, ComparesOneIndicatorAcrossTheStreets) {
  ReportEvent("GS02-C01");
  ReportEvent("GS02-C01");
  ReportEvent("GS01-C02");
  dv1::CompareStreetsRequest request;
  request.set_track("digital");
  request.set_indicator_id("events_reported");
  dv1::CompareStreetsResponse response;
  Ok(TryCompareStreets(kViewer, request, &response));
  EXPECT_EQ(response.district().id(), "events_reported");
  EXPECT_EQ(response.district().actual(), 3);
  ASSERT_EQ(response.streets_size(), 11);  // every street and park of data/regions.json
  EXPECT_EQ(response.streets(0).street_id(), "GS02");
  EXPECT_EQ(response.streets(0).rank(), 1);
  EXPECT_EQ(response.streets(0).indicator().actual(), 2);
  EXPECT_FALSE(response.streets(0).street_name().empty());
  EXPECT_EQ(response.streets(1).street_id(), "GS01");
  EXPECT_EQ(response.streets(1).rank(), 2);
  // The rest share the third place, by id.
  EXPECT_EQ(response.streets(2).street_id(), "GS03");
  EXPECT_EQ(response.streets(2).rank(), 3);
  EXPECT_EQ(response.streets(10).street_id(), "GS11");
  EXPECT_EQ(response.streets(10).rank(), 3);

  // On another track, over its API: a rate no street has data for ranks none.
  request.set_track("disorder");
  request.set_indicator_id("repeat_rate");
  Ok(TryCompareStreets(kViewer, request, &response));
  ASSERT_EQ(response.streets_size(), 11);
  EXPECT_EQ(response.streets(0).street_id(), "GS01");
  for (const dv1::StreetValue& row : response.streets()) {
    EXPECT_EQ(row.indicator().region().street_id(), row.street_id());
    EXPECT_EQ(row.rank(), row.indicator().has_data() ? row.rank() : 0);
  }

  // A track that is down: the comparison cannot be made.
  request.set_track("mediation");
  request.set_indicator_id("court_intake_yoy");
  const Outcome down = TryCompareStreets(kViewer, request);
  EXPECT_EQ(down.status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(down);
}

TEST_F(DigitalCockpitsTest, ComparesOneCockpitAcrossPeriods) {
  dv1::ComparePeriodsRequest request;
  request.set_id("street-GS01");
  request.set_count(3);
  dv1::ComparePeriodsResponse response;
  Ok(TryComparePeriods(kOperator1, request, &response));
  ASSERT_EQ(response.cockpits_size(), 3);
  std::vector<int> months;
  for (const dv1::Cockpit& c : response.cockpits()) {
    months.push_back(c.period().month());
    EXPECT_TRUE(c.complete());
    EXPECT_EQ(c.tracks_size(), 2);
    for (const dv1::CockpitTrack& part : c.tracks()) {
      for (const gv1::Indicator& i : part.indicators()) {
        EXPECT_EQ(i.period().month(), c.period().month()) << i.id();
      }
    }
  }
  EXPECT_THAT(months, ElementsAre(4, 3, 2));

  // Quarters step by quarters, across the year; the default is six periods.
  request.set_count(0);
  request.mutable_period()->set_year(2026);
  request.mutable_period()->set_quarter(2);
  Ok(TryComparePeriods(kOperator1, request, &response));
  std::vector<std::string> quarters;
  for (const dv1::Cockpit& c : response.cockpits()) {
    quarters.push_back(absl::StrCat(c.period().year(), "-Q", c.period().quarter()));
  }
  EXPECT_THAT(quarters,
              ElementsAre("2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"));
}

TEST_F(DigitalCockpitsTest, CountsTheNewCockpitsAndTheShareOfHighFrequencyIndicators) {
  gv1::Period april;
  april.set_year(2026);
  april.set_month(4);
  gv1::Period year;
  year.set_year(2026);
  // By the end of April only GS01's cockpit of the plan's new ones is in use; by the year's end
  // the department's too. The district leaders' cockpit is not a new one.
  std::map<std::string, gv1::Indicator> in_april = Own(april);
  EXPECT_EQ(in_april["cockpits_in_use"].actual(), 1);
  EXPECT_EQ(in_april["street_cockpits_in_use"].actual(), 1);
  EXPECT_EQ(in_april["department_cockpits_in_use"].actual(), 0);
  EXPECT_EQ(in_april["cockpits_in_use"].target(), 15);
  EXPECT_EQ(in_april["cockpits_in_use"].target_source(), gv1::TARGET_SOURCE_PLAN);
  EXPECT_THAT(in_april["cockpits_in_use"].plan_clause(), HasSubstr("15个"));
  EXPECT_EQ(in_april["department_cockpits_in_use"].target(), 5);
  std::map<std::string, gv1::Indicator> in_year = Own(year);
  EXPECT_EQ(in_year["cockpits_in_use"].actual(), 2);
  EXPECT_EQ(in_year["department_cockpits_in_use"].actual(), 1);
  // Measured for the district alone.
  std::map<std::string, gv1::Indicator> street = Own(year, "GS01");
  EXPECT_FALSE(street["cockpits_in_use"].has_data());
  EXPECT_FALSE(street["cockpits_in_use"].comparable_by_street());
  EXPECT_EQ(street["cockpits_in_use"].target_kind(), gv1::TARGET_KIND_UNSPECIFIED);

  // The share is the last survey's (the upkeep reads the district leaders' cockpit): none yet.
  EXPECT_FALSE(in_year["high_frequency_share"].has_data());
  ASSERT_TRUE(h_.track().ScanBreaches().ok());
  const dv1::Cockpit district = Get("district");
  std::map<std::string, gv1::Indicator> surveyed = Own(april);
  ASSERT_TRUE(surveyed["high_frequency_share"].has_data());
  EXPECT_EQ(surveyed["high_frequency_share"].actual(), district.freshness().share());
  EXPECT_EQ(surveyed["cockpit_indicators"].actual(), district.freshness().indicators());
  EXPECT_EQ(surveyed["high_frequency_share"].target_kind(), gv1::TARGET_KIND_UNSPECIFIED);
  // A reading of the suite as it is: a past period has none.
  gv1::Period march = april;
  march.set_month(3);
  EXPECT_FALSE(Own(march)["high_frequency_share"].has_data());
}

TEST_F(DigitalCockpitsTest, RefusesBadRequestsNamingTheField) {
  ExpectInvalid(TryGet(kViewer, ""), "id");
  const Outcome unknown = TryGet(kViewer, "street-GS99");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(unknown);
  EXPECT_EQ(unknown.field, "id");
  gv1::Period bad;
  bad.set_year(2026);
  bad.set_month(13);
  ExpectInvalid(TryGet(kViewer, "district", nullptr, bad), "period.month");

  dv1::ComparePeriodsRequest periods;
  periods.set_id("district");
  periods.set_count(13);
  ExpectInvalid(TryComparePeriods(kViewer, periods), "count");
  periods.set_count(-1);
  ExpectInvalid(TryComparePeriods(kViewer, periods), "count");

  dv1::CompareStreetsRequest streets;
  streets.set_track("nowhere");
  streets.set_indicator_id("events_reported");
  ExpectInvalid(TryCompareStreets(kViewer, streets), "track");
  streets.set_track("disorder");
  streets.set_indicator_id("");
  ExpectInvalid(TryCompareStreets(kViewer, streets), "indicator_id");
  streets.set_indicator_id("no_such_indicator");
  ExpectInvalid(TryCompareStreets(kViewer, streets), "indicator_id");
  streets.set_track("digital");
  ExpectInvalid(TryCompareStreets(kViewer, streets), "indicator_id");

  dv1::ListCockpitsRequest list;
  list.set_kind(static_cast<dv1::CockpitKind>(99));
  dv1::ListCockpitsResponse listed;
  ExpectInvalid(
      Call(h_, stub_.get(), &dv1::DigitalService::Stub::ListCockpits, kViewer, list, &listed),
      "kind");
}

TEST_F(DigitalCockpitsTest, KeepsEachCockpitToItsCallers) {
  EXPECT_THAT(Listed(kViewer, dv1::COCKPIT_KIND_UNSPECIFIED),
              ElementsAre("district", "street-GS01", "dept-test"));
  EXPECT_THAT(Listed(kViewer, dv1::COCKPIT_KIND_STREET), ElementsAre("street-GS01"));
  EXPECT_THAT(Listed(kOperator1, dv1::COCKPIT_KIND_UNSPECIFIED), ElementsAre("street-GS01"));
  Ok(TryGet(kOperator1, "street-GS01"));
  for (const std::string id : {"district", "dept-test"}) {
    const Outcome denied = TryGet(kOperator1, id);
    EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(denied);
  }
  dv1::ComparePeriodsRequest periods;
  periods.set_id("district");
  EXPECT_EQ(TryComparePeriods(kOperator1, periods).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  dv1::CompareStreetsRequest streets;
  streets.set_track("digital");
  streets.set_indicator_id("events_reported");
  EXPECT_EQ(TryCompareStreets(kOperator1, streets).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryGet("", "district").status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace gov::digital
