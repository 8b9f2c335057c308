// The online fume-monitoring feed of the disorder track (油烟在线监测) end to end: the real track
// behind the real server over gRPC on loopback, on a SQLite file in a temp dir and a real
// redis-server, with the rules of data/disorder.json (limit 2.0 mg/m³, quiet period 60 minutes)
// and a fake clock fixed at Monday 1 June 2026, 14:30 in the district's time zone. Readings are
// taken from 10:00 on; the upkeep (Sweep) is run by hand.

#include <cmath>
#include <functional>
#include <limits>
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
#include "common/registry/registry.h"
#include "common/store/repository.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/objects.h"
#include "services/disorder/track.h"
#include "tests/support/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::disorder {
namespace {

namespace gv1 = ::governance::v1;
using dv1::DisorderService;
using gov::testing::Describe;
using gov::testing::Local;
using gov::testing::MetricValue;
using gov::testing::Outcome;
using gov::testing::Region;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kAdmin[] = "tok-admin";
constexpr char kSystem[] = "tok-fume-platform";
constexpr char kOperator3[] = "tok-operator-gs03";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kMediator3[] = "tok-mediator-gs03";
constexpr char kViewer[] = "tok-viewer";

constexpr dv1::FumeReadingOutcome kNormal = dv1::FUME_READING_OUTCOME_NORMAL;
constexpr dv1::FumeReadingOutcome kOver = dv1::FUME_READING_OUTCOME_OVER_LIMIT;
constexpr dv1::FumeReadingOutcome kStarted = dv1::FUME_READING_OUTCOME_EPISODE_STARTED;
constexpr dv1::FumeReadingOutcome kStale = dv1::FUME_READING_OUTCOME_STALE;
constexpr dv1::FumeReadingOutcome kRefused = dv1::FUME_READING_OUTCOME_UNSPECIFIED;

// Readings are taken from here on.
const absl::Time kT0 = Local(2026, 6, 1, 10, 0);

absl::Time At(int minutes, int seconds = 0) {
  return kT0 + absl::Minutes(minutes) + absl::Seconds(seconds);
}

dv1::FumeReading Reading(const std::string& object, absl::Time t, double concentration) {
  dv1::FumeReading r;
  r.set_object_id(object);
  *r.mutable_read_time() = ToTimestamp(t);
  r.set_concentration_mg_m3(concentration);
  return r;
}

dv1::MonitoredObject Restaurant(const std::string& device, const gv1::RegionRef& region,
                                double limit = 0) {
  dv1::MonitoredObject o;
  o.set_kind(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT);
  o.set_name(absl::StrCat("康园社区川菜馆 ", device));
  *o.mutable_region() = region;
  o.mutable_location()->set_latitude(30.2601);
  o.mutable_location()->set_longitude(120.1801);
  o.set_address("康园社区美食街 8 号");
  o.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  o.set_since_date("2026-01-10");
  o.mutable_fume_monitor()->set_device_id(device);
  o.mutable_fume_monitor()->set_limit_mg_m3(limit);
  return o;
}

std::vector<dv1::FumeReadingOutcome> Outcomes(const dv1::RecordFumeReadingsResponse& r) {
  std::vector<dv1::FumeReadingOutcome> out;
  for (const dv1::FumeReadingResult& result : r.results()) out.push_back(result.outcome());
  return out;
}

std::string TimeKey(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

class DisorderFumeTest : public ::testing::Test {
 protected:
  DisorderFumeTest() : clock_(Local(2026, 6, 1, 14, 30)) {}

  void SetUp() override {
    absl::Status started = h_.Start(track::Factory<DisorderTrack>("disorder"));
    ASSERT_TRUE(started.ok()) << started;
    stub_ = DisorderService::NewStub(h_.channel());
    r1_ = Register(Restaurant("YY-GS03-1", Region("GS03", "GS03-C01", "GS03-C01-G01")));
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kSystem, "fume-platform", auth::kSystem, {}},
        {kOperator3, "operator-gs03", auth::kStreetOperator, {"GS03"}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kMediator3, "mediator-gs03", "mediator", {"GS03"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  DisorderTrack& track() { return static_cast<DisorderTrack&>(h_.track()); }

  dv1::MonitoredObject Register(const dv1::MonitoredObject& object) {
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id(absl::StrCat("object-", ++requests_));
    *request.mutable_object() = object;
    dv1::RegisterMonitoredObjectResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->RegisterMonitoredObject(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.object();
  }

  dv1::MonitoredObject GetObject(const std::string& id) {
    dv1::GetMonitoredObjectRequest request;
    request.set_id(id);
    dv1::GetMonitoredObjectResponse response;
    const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
      return stub_->GetMonitoredObject(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.object();
  }

  Outcome TryRecord(const std::string& token, const std::vector<dv1::FumeReading>& readings,
                    dv1::RecordFumeReadingsResponse* out = nullptr) {
    dv1::RecordFumeReadingsRequest request;
    for (const dv1::FumeReading& r : readings) *request.add_readings() = r;
    dv1::RecordFumeReadingsResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->RecordFumeReadings(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  dv1::RecordFumeReadingsResponse Record(const std::vector<dv1::FumeReading>& readings,
                                         const std::string& token = kSystem) {
    dv1::RecordFumeReadingsResponse response;
    const Outcome o = TryRecord(token, readings, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(response.results_size(), static_cast<int>(readings.size()));
    for (int i = 0; i < response.results_size(); ++i) {
      EXPECT_EQ(response.results(i).index(), i);
    }
    return response;
  }

  // One reading of one restaurant that must be taken or be stale.
  dv1::FumeReadingResult One(const std::string& object, absl::Time t, double concentration) {
    const dv1::RecordFumeReadingsResponse response = Record({Reading(object, t, concentration)});
    EXPECT_EQ(response.results(0).code(), 0) << response.results(0).message();
    return response.results(0);
  }

  Outcome TryEpisodes(const std::string& token, const dv1::ListFumeEpisodesRequest& request,
                      dv1::ListFumeEpisodesResponse* out = nullptr) {
    dv1::ListFumeEpisodesResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->ListFumeEpisodes(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  std::vector<dv1::FumeEpisode> Episodes(const std::string& object, int page_size = 500,
                                         const std::string& token = kAdmin) {
    dv1::ListFumeEpisodesRequest request;
    request.set_object_id(object);
    request.set_page_size(page_size);
    std::vector<dv1::FumeEpisode> all;
    for (int pages = 0; pages < 100; ++pages) {
      dv1::ListFumeEpisodesResponse response;
      const Outcome o = TryEpisodes(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      EXPECT_LE(response.episodes_size(), page_size);
      all.insert(all.end(), response.episodes().begin(), response.episodes().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  // The complaints the feed raised on a street, newest first.
  std::vector<dv1::Complaint> Raised(const std::string& street = "GS03") {
    dv1::ListComplaintsRequest request;
    request.add_categories(dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
    *request.mutable_region() = Region(street);
    request.set_page_size(500);
    std::vector<dv1::Complaint> out;
    for (int pages = 0; pages < 100; ++pages) {
      dv1::ListComplaintsResponse response;
      const Outcome o = h_.Rpc(kAdmin, [&](grpc::ClientContext* c) {
        return stub_->ListComplaints(c, request, &response);
      });
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      for (const dv1::Complaint& c : response.complaints()) {
        if (c.channel() == dv1::CHANNEL_MONITORING) out.push_back(c);
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }

  dv1::Complaint GetComplaint(const std::string& id) {
    dv1::GetComplaintRequest request;
    request.set_id(id);
    dv1::GetComplaintResponse response;
    const Outcome o = h_.Rpc(
        kAdmin, [&](grpc::ClientContext* c) { return stub_->GetComplaint(c, request, &response); });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response.complaint();
  }

  double Readings(const std::string& outcome) {
    return MetricValue(h_.metrics(), "governance_monitoring_readings_total",
                       {{"track", "disorder"}, {"feed", "fume"}, {"outcome", outcome}});
  }

  // A restaurant's state as a crash right after the state's swap leaves it: a pending episode
  // starting at `start` (one reading of `peak`), no episode row, no complaint.
  void StorePendingState(const dv1::MonitoredObject& r, absl::Time start, double peak) {
    dv1::FumeState state;
    *state.mutable_last_reading_time() = ToTimestamp(start);
    state.set_last_concentration_mg_m3(peak);
    state.set_limit_mg_m3(2.0);
    *state.mutable_current_episode() = PendingEpisode(r, start, peak);
    store::EntityRecord row;
    row.street_id = r.region().street_id();
    row.community_id = r.region().community_id();
    row.parent_id = r.id();
    row.key = "PENDING";
    row.payload = SerializeStable(state);
    const registry::Layout layout{"disorder", "fume_state", "FS", "fume state"};
    ASSERT_TRUE(
        registry::Create(h_.repo(), layout, row, clock_.Now(), absl::StrCat("fume-state/", r.id()))
            .ok());
  }

  static dv1::FumeEpisode PendingEpisode(const dv1::MonitoredObject& r, absl::Time start,
                                         double peak) {
    dv1::FumeEpisode e;
    e.set_object_id(r.id());
    *e.mutable_start_time() = ToTimestamp(start);
    *e.mutable_last_over_time() = ToTimestamp(start);
    e.set_peak_mg_m3(peak);
    e.set_readings_over(1);
    return e;
  }

  // The episode's row as the feed records it before submitting the complaint: its id.
  std::string StorePendingEpisode(const dv1::MonitoredObject& r, absl::Time start, double peak) {
    store::EntityRecord row;
    row.street_id = r.region().street_id();
    row.community_id = r.region().community_id();
    row.parent_id = r.id();
    row.key = "PENDING";
    row.payload = SerializeStable(PendingEpisode(r, start, peak));
    const registry::Layout layout{"disorder", "fume_episode", "F", "fume episode"};
    absl::StatusOr<store::EntityRecord> stored =
        registry::Create(h_.repo(), layout, row, clock_.Now(),
                         absl::StrCat("fume-episode/", r.id(), "/", TimeKey(start)));
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? stored->id : "";
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"disorder", &clock_, Tokens()};
  std::unique_ptr<DisorderService::Stub> stub_;
  int requests_ = 0;
  dv1::MonitoredObject r1_;
};

// ---- Episodes ----

TEST_F(DisorderFumeTest, EachEpisodeRaisesOneComplaint) {
  const std::string r1 = r1_.id();
  // Normal: nothing raised.
  dv1::FumeReadingResult r = One(r1, At(0), 1.0);
  EXPECT_EQ(r.outcome(), kNormal);
  EXPECT_EQ(r.episode_id(), "");
  EXPECT_TRUE(Raised().empty());

  // Over the limit: an episode and its complaint.
  const dv1::RecordFumeReadingsResponse first = Record({Reading(r1, At(10), 3.0)});
  EXPECT_EQ(first.taken_count(), 1);
  EXPECT_EQ(first.episodes_started(), 1);
  r = first.results(0);
  EXPECT_EQ(r.outcome(), kStarted);
  const std::string e1 = r.episode_id();
  const std::string c1 = r.complaint_id();
  EXPECT_THAT(e1, StartsWith("F-"));
  EXPECT_THAT(c1, StartsWith("C-"));
  ASSERT_EQ(Raised().size(), 1u);

  // Over again: the same episode. Under, and exactly at the limit: normal. Over 50 minutes after
  // the last reading over the limit (within the quiet period): still the same episode.
  r = One(r1, At(20), 4.5);
  EXPECT_EQ(r.outcome(), kOver);
  EXPECT_EQ(r.episode_id(), e1);
  EXPECT_EQ(r.complaint_id(), c1);
  EXPECT_EQ(One(r1, At(30), 1.0).outcome(), kNormal);
  EXPECT_EQ(One(r1, At(40), 2.0).outcome(), kNormal);
  r = One(r1, At(70), 2.5);
  EXPECT_EQ(r.outcome(), kOver);
  EXPECT_EQ(r.episode_id(), e1);
  EXPECT_EQ(Raised().size(), 1u);

  // Over 70 minutes after the last one over the limit: a new episode, a second complaint.
  r = One(r1, At(140), 3.5);
  EXPECT_EQ(r.outcome(), kStarted);
  const std::string e2 = r.episode_id();
  const std::string c2 = r.complaint_id();
  EXPECT_NE(e2, e1);
  EXPECT_NE(c2, c1);
  EXPECT_EQ(Raised().size(), 2u);

  // The quiet boundary: a reading 59:59 after the last one over the limit continues the
  // episode; one exactly 60 minutes after it starts a new one (the episode continues only when
  // the last reading over the limit was *less than* the quiet period before).
  r = One(r1, At(199, 59), 2.1);
  EXPECT_EQ(r.outcome(), kOver);
  EXPECT_EQ(r.episode_id(), e2);
  r = One(r1, At(259, 59), 2.2);
  EXPECT_EQ(r.outcome(), kStarted);
  const std::string e3 = r.episode_id();
  const std::string c3 = r.complaint_id();
  EXPECT_NE(e3, e2);
  EXPECT_NE(c3, c2);
  ASSERT_EQ(Raised().size(), 3u);

  // The complaint: channel MONITORING, category COOKING_FUMES, the restaurant's place, the peak
  // when raised and the start.
  const dv1::Complaint complaint = GetComplaint(c1);
  EXPECT_EQ(complaint.channel(), dv1::CHANNEL_MONITORING);
  EXPECT_EQ(complaint.category(), dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
  EXPECT_EQ(complaint.region().DebugString(), r1_.region().DebugString());
  EXPECT_EQ(complaint.location().DebugString(), r1_.location().DebugString());
  EXPECT_EQ(complaint.address(), r1_.address());
  EXPECT_THAT(complaint.description(), HasSubstr("峰值 3.00 mg/m³"));
  EXPECT_THAT(complaint.description(), HasSubstr("2026-06-01 10:10"));
  EXPECT_THAT(complaint.description(), HasSubstr(e1));
  EXPECT_EQ(complaint.status(), dv1::COMPLAINT_STATUS_DISPATCHED);
  EXPECT_FALSE(complaint.unit_id().empty());

  // The episodes, newest first, also page by page.
  const std::vector<dv1::FumeEpisode> episodes = Episodes(r1);
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(episodes[0].id(), e3);
  EXPECT_EQ(episodes[1].id(), e2);
  EXPECT_EQ(episodes[2].id(), e1);
  EXPECT_EQ(episodes[2].object_id(), r1);
  EXPECT_EQ(FromTimestamp(episodes[2].start_time()), At(10));
  EXPECT_EQ(FromTimestamp(episodes[2].last_over_time()), At(70));
  EXPECT_DOUBLE_EQ(episodes[2].peak_mg_m3(), 4.5);
  EXPECT_EQ(episodes[2].readings_over(), 3);
  EXPECT_EQ(episodes[2].complaint_id(), c1);
  EXPECT_EQ(episodes[1].readings_over(), 2);
  EXPECT_EQ(FromTimestamp(episodes[1].last_over_time()), At(199, 59));
  EXPECT_EQ(episodes[1].complaint_id(), c2);
  EXPECT_EQ(episodes[0].readings_over(), 1);
  EXPECT_EQ(episodes[0].complaint_id(), c3);
  std::vector<std::string> paged;
  for (const dv1::FumeEpisode& e : Episodes(r1, 1)) paged.push_back(e.id());
  EXPECT_THAT(paged, ElementsAre(e3, e2, e1));

  // The restaurant's feed state: the last reading, the limit, the episode under way (10 minutes
  // after its reading over the limit); none once the quiet period has passed.
  dv1::MonitoredObject got = GetObject(r1);
  ASSERT_TRUE(got.has_fume_state());
  EXPECT_EQ(FromTimestamp(got.fume_state().last_reading_time()), At(259, 59));
  EXPECT_DOUBLE_EQ(got.fume_state().last_concentration_mg_m3(), 2.2);
  EXPECT_DOUBLE_EQ(got.fume_state().limit_mg_m3(), 2.0);
  EXPECT_EQ(got.fume_state().current_episode().id(), e3);
  EXPECT_EQ(got.fume_state().current_episode().complaint_id(), c3);
  clock_.Advance(absl::Minutes(51));
  got = GetObject(r1);
  EXPECT_TRUE(got.has_fume_state());
  EXPECT_FALSE(got.fume_state().has_current_episode());

  EXPECT_EQ(Readings("normal"), 3);
  EXPECT_EQ(Readings("episode_started"), 3);
  EXPECT_EQ(Readings("over_limit"), 3);
  EXPECT_EQ(Readings("stale"), 0);
  EXPECT_EQ(Readings("refused"), 0);
}

TEST_F(DisorderFumeTest, ARestaurantsOwnLimitReplacesTheRules) {
  const dv1::MonitoredObject strict =
      Register(Restaurant("YY-GS03-2", Region("GS03", "GS03-C02"), 1.5));
  EXPECT_EQ(One(strict.id(), At(0), 1.5).outcome(), kNormal);
  EXPECT_EQ(One(strict.id(), At(10), 1.8).outcome(), kStarted);
  EXPECT_EQ(One(r1_.id(), At(10), 1.8).outcome(), kNormal);
  EXPECT_EQ(One(r1_.id(), At(20), 2.01).outcome(), kStarted);
  EXPECT_DOUBLE_EQ(GetObject(strict.id()).fume_state().limit_mg_m3(), 1.5);
  EXPECT_EQ(Raised().size(), 2u);
}

TEST_F(DisorderFumeTest, AReplayedBatchRaisesNothingNew) {
  const std::string r1 = r1_.id();
  const std::vector<dv1::FumeReading> batch = {Reading(r1, At(0), 1.0), Reading(r1, At(10), 3.0),
                                               Reading(r1, At(20), 3.2)};
  dv1::RecordFumeReadingsResponse first = Record(batch);
  EXPECT_THAT(Outcomes(first), ElementsAre(kNormal, kStarted, kOver));
  EXPECT_EQ(first.taken_count(), 3);
  EXPECT_EQ(first.episodes_started(), 1);
  // The complaint raised at once counts the batch's later readings over the limit in its peak.
  ASSERT_EQ(Raised().size(), 1u);
  EXPECT_THAT(Raised()[0].description(), HasSubstr("峰值 3.20 mg/m³"));

  const dv1::RecordFumeReadingsResponse replay = Record(batch);
  EXPECT_THAT(Outcomes(replay), ElementsAre(kStale, kStale, kStale));
  for (const dv1::FumeReadingResult& r : replay.results()) {
    EXPECT_EQ(r.code(), 0);
    EXPECT_EQ(r.episode_id(), "");
  }
  EXPECT_EQ(replay.taken_count(), 0);
  EXPECT_EQ(replay.stale_count(), 3);
  EXPECT_EQ(replay.failed_count(), 0);
  EXPECT_EQ(replay.episodes_started(), 0);
  // A late reading before the last one taken is stale too, even when over the limit.
  EXPECT_EQ(One(r1, At(15), 9.0).outcome(), kStale);
  EXPECT_EQ(Raised().size(), 1u);
  EXPECT_EQ(Episodes(r1).size(), 1u);
  EXPECT_EQ(Episodes(r1)[0].readings_over(), 2);
  EXPECT_EQ(Readings("stale"), 4);
}

TEST_F(DisorderFumeTest, ABatchIsTakenOldestFirstPerRestaurant) {
  const std::string r1 = r1_.id();
  const std::string r2 = Register(Restaurant("YY-GS03-2", Region("GS03", "GS03-C02"))).id();
  const dv1::RecordFumeReadingsResponse mixed = Record({
      Reading(r1, At(30), 3.0),  // 0
      Reading(r2, At(10), 1.0),  // 1
      Reading(r1, At(10), 1.0),  // 2
      Reading(r1, At(20), 3.0),  // 3
      Reading(r2, At(20), 5.0),  // 4
      Reading(r1, At(40), 1.0),  // 5
      Reading(r1, At(20), 7.0),  // 6: the same time as 3, which came first: stale
  });
  EXPECT_THAT(Outcomes(mixed),
              ElementsAre(kOver, kNormal, kNormal, kStarted, kStarted, kNormal, kStale));
  EXPECT_EQ(mixed.results(0).episode_id(), mixed.results(3).episode_id());
  EXPECT_EQ(mixed.results(0).complaint_id(), mixed.results(3).complaint_id());
  EXPECT_NE(mixed.results(4).episode_id(), mixed.results(3).episode_id());
  EXPECT_EQ(mixed.taken_count(), 6);
  EXPECT_EQ(mixed.stale_count(), 1);
  EXPECT_EQ(mixed.episodes_started(), 2);
  EXPECT_EQ(Raised().size(), 2u);

  // Two episodes of one restaurant in one batch, out of order: two complaints.
  const dv1::RecordFumeReadingsResponse two = Record({
      Reading(r1, At(265), 3.0),
      Reading(r1, At(150), 3.0),
      Reading(r1, At(160), 1.0),
      Reading(r1, At(170), 2.5),
  });
  EXPECT_THAT(Outcomes(two), ElementsAre(kStarted, kStarted, kNormal, kOver));
  EXPECT_EQ(two.results(1).episode_id(), two.results(3).episode_id());
  EXPECT_NE(two.results(0).episode_id(), two.results(1).episode_id());
  EXPECT_NE(two.results(0).complaint_id(), two.results(1).complaint_id());
  EXPECT_EQ(two.episodes_started(), 2);
  EXPECT_EQ(Raised().size(), 4u);
  const std::vector<dv1::FumeEpisode> episodes = Episodes(r1);
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(FromTimestamp(episodes[0].start_time()), At(265));
  EXPECT_EQ(FromTimestamp(episodes[1].start_time()), At(150));
  EXPECT_EQ(episodes[1].readings_over(), 2);
  EXPECT_EQ(FromTimestamp(episodes[2].start_time()), At(20));
}

// Three senders push the same 60 readings (every 10 minutes) of one restaurant at once, in
// overlapping batches of 7, 4 and 11 (the last sender twice each). Whatever the interleaving,
// every reading is taken once and the five episodes of the sequence raise five complaints.
TEST_F(DisorderFumeTest, ConcurrentOverlappingBatchesRaiseOneComplaintPerEpisode) {
  const std::string r1 = r1_.id();
  const absl::Time base = Local(2026, 6, 1, 4, 0);
  // Over the limit at 5-8 and 12 (40 minutes after 8: one episode), 20-22 (80 minutes after 12),
  // 29 (70 after 22), 35 (exactly 60 after 29: a new one) with 36-40, and 50.
  const std::set<int> over = {5, 6, 7, 8, 12, 20, 21, 22, 29, 35, 36, 37, 38, 39, 40, 50};
  std::vector<dv1::FumeReading> all;
  for (int i = 0; i < 60; ++i) {
    all.push_back(
        Reading(r1, base + absl::Minutes(10 * i), over.contains(i) ? 3.0 + i * 0.01 : 1.0));
  }
  struct Totals {
    int taken = 0;
    int stale = 0;
    int failed = 0;
    int started = 0;
    std::set<std::string> complaints;
  };
  auto sender = [&](int size, int times, Totals* totals) {
    for (size_t from = 0; from < all.size(); from += size) {
      std::vector<dv1::FumeReading> batch(
          all.begin() + from, all.begin() + std::min(all.size(), from + static_cast<size_t>(size)));
      for (int t = 0; t < times; ++t) {
        dv1::RecordFumeReadingsResponse response;
        const Outcome o = TryRecord(kSystem, batch, &response);
        EXPECT_TRUE(o.status.ok()) << Describe(o);
        totals->taken += response.taken_count();
        totals->stale += response.stale_count();
        totals->failed += response.failed_count();
        totals->started += response.episodes_started();
        for (const dv1::FumeReadingResult& r : response.results()) {
          EXPECT_EQ(r.code(), 0) << r.message();
          if (!r.complaint_id().empty()) totals->complaints.insert(r.complaint_id());
        }
      }
    }
  };
  Totals a, b, c;
  std::thread ta(sender, 7, 1, &a);
  std::thread tb(sender, 4, 1, &b);
  std::thread tc(sender, 11, 2, &c);
  ta.join();
  tb.join();
  tc.join();

  EXPECT_EQ(a.taken + b.taken + c.taken, 60);
  EXPECT_EQ(a.failed + b.failed + c.failed, 0);
  EXPECT_EQ(a.started + b.started + c.started, 5);
  EXPECT_EQ(a.taken + b.taken + c.taken + a.stale + b.stale + c.stale, 60 + 60 + 120);
  const std::vector<dv1::FumeEpisode> episodes = Episodes(r1);
  ASSERT_EQ(episodes.size(), 5u);
  std::vector<int> readings_over;
  std::set<std::string> complaints;
  for (const dv1::FumeEpisode& e : episodes) {
    readings_over.push_back(e.readings_over());
    complaints.insert(e.complaint_id());
  }
  EXPECT_THAT(readings_over, ElementsAre(1, 6, 1, 3, 5));
  EXPECT_EQ(complaints.size(), 5u);
  EXPECT_FALSE(complaints.contains(""));
  EXPECT_EQ(Raised().size(), 5u);
  // What the senders were told names those complaints only.
  for (const Totals* t : {&a, &b, &c}) {
    for (const std::string& id : t->complaints) EXPECT_TRUE(complaints.contains(id)) << id;
  }
  EXPECT_EQ(FromTimestamp(episodes[4].start_time()), base + absl::Minutes(50));
  EXPECT_EQ(FromTimestamp(episodes[4].last_over_time()), base + absl::Minutes(120));
  EXPECT_DOUBLE_EQ(episodes[4].peak_mg_m3(), 3.12);
  // Nothing is left for the upkeep.
  ASSERT_TRUE(track().fume_feed().Sweep().ok());
  EXPECT_EQ(Raised().size(), 5u);
}

// ---- Crashes ----

// A crash right after the state took the episode, before its row: the next batch for the
// restaurant completes the episode (one complaint) before its own readings.
TEST_F(DisorderFumeTest, AnEpisodeCutShortIsCompletedByTheNextBatch) {
  StorePendingState(r1_, At(250), 3.3);
  EXPECT_TRUE(Raised().empty());
  const dv1::FumeReadingResult r = One(r1_.id(), At(260), 2.8);
  EXPECT_EQ(r.outcome(), kOver);
  EXPECT_THAT(r.episode_id(), StartsWith("F-"));
  EXPECT_THAT(r.complaint_id(), StartsWith("C-"));
  const std::vector<dv1::Complaint> raised = Raised();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].id(), r.complaint_id());
  EXPECT_THAT(raised[0].description(), HasSubstr("峰值 3.30 mg/m³"));
  const std::vector<dv1::FumeEpisode> episodes = Episodes(r1_.id());
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].readings_over(), 2);
  EXPECT_EQ(episodes[0].complaint_id(), r.complaint_id());
  ASSERT_TRUE(track().fume_feed().Sweep().ok());
  EXPECT_EQ(Raised().size(), 1u);
}

// A crash after the episode's row was stored, before its complaint: the upkeep raises the
// complaint on that row, once.
TEST_F(DisorderFumeTest, TheSweepRaisesTheComplaintOfAnEpisodeStoredWithoutOne) {
  StorePendingState(r1_, At(250), 3.3);
  const std::string episode = StorePendingEpisode(r1_, At(250), 3.3);
  ASSERT_THAT(episode, StartsWith("F-"));
  EXPECT_TRUE(Raised().empty());
  ASSERT_EQ(Episodes(r1_.id()).size(), 1u);
  EXPECT_EQ(Episodes(r1_.id())[0].complaint_id(), "");

  ASSERT_TRUE(track().ScanBreaches().ok());
  const std::vector<dv1::Complaint> raised = Raised();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].channel(), dv1::CHANNEL_MONITORING);
  EXPECT_EQ(raised[0].region().DebugString(), r1_.region().DebugString());
  EXPECT_THAT(raised[0].description(), HasSubstr(episode));
  std::vector<dv1::FumeEpisode> episodes = Episodes(r1_.id());
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].id(), episode);
  EXPECT_EQ(episodes[0].complaint_id(), raised[0].id());
  const dv1::MonitoredObject got = GetObject(r1_.id());
  EXPECT_EQ(got.fume_state().current_episode().id(), episode);
  EXPECT_EQ(got.fume_state().current_episode().complaint_id(), raised[0].id());

  // Again: nothing new; the next reading over the limit belongs to the episode.
  ASSERT_TRUE(track().fume_feed().Sweep().ok());
  EXPECT_EQ(Raised().size(), 1u);
  const dv1::FumeReadingResult r = One(r1_.id(), At(265), 2.9);
  EXPECT_EQ(r.outcome(), kOver);
  EXPECT_EQ(r.episode_id(), episode);
  EXPECT_EQ(r.complaint_id(), raised[0].id());
  EXPECT_EQ(Raised().size(), 1u);
}

// A crash after the complaint was submitted, before its id was stored, and the restaurant
// renamed since: the upkeep's submission differs from the first and is refused for its request
// id; the complaint naming the episode is found and stored, and no second one raised.
TEST_F(DisorderFumeTest, TheSweepFindsAComplaintSubmittedBeforeACrash) {
  StorePendingState(r1_, At(250), 3.3);
  const std::string episode = StorePendingEpisode(r1_, At(250), 3.3);
  dv1::SubmitComplaintRequest request;
  request.set_request_id(absl::StrCat("fume-feed/", r1_.id(), "/", TimeKey(At(250))));
  dv1::Complaint* c = request.mutable_complaint();
  c->set_category(dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
  c->set_channel(dv1::CHANNEL_MONITORING);
  *c->mutable_region() = r1_.region();
  c->set_address(r1_.address());
  c->set_description(
      absl::StrCat("油烟在线监测超标：旧店名（监测事件 ", episode, "，系统自动上报）"));
  dv1::SubmitComplaintResponse submitted;
  ASSERT_TRUE(
      track().complaints().Submit(auth::SystemPrincipal("fume-feed"), request, &submitted).ok());
  dv1::MonitoredObject renamed = r1_;
  renamed.set_name("康园社区川菜馆（新店名）");
  dv1::UpdateMonitoredObjectRequest update;
  *update.mutable_object() = renamed;
  dv1::UpdateMonitoredObjectResponse updated;
  ASSERT_TRUE(h_.Rpc(kAdmin, [&](grpc::ClientContext* ctx) {
                  return stub_->UpdateMonitoredObject(ctx, update, &updated);
                }).status.ok());

  ASSERT_TRUE(track().fume_feed().Sweep().ok());
  EXPECT_EQ(Raised().size(), 1u);
  const std::vector<dv1::FumeEpisode> episodes = Episodes(r1_.id());
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].complaint_id(), submitted.complaint().id());
  EXPECT_EQ(GetObject(r1_.id()).fume_state().current_episode().complaint_id(),
            submitted.complaint().id());
}

// ---- Refusals ----

TEST_F(DisorderFumeTest, ReadingsAreTakenOrRefusedOneByOne) {
  const std::string r1 = r1_.id();
  dv1::MonitoredObject site;
  site.set_kind(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE);
  site.set_name("香积街道安置房项目");
  *site.mutable_region() = Region("GS03");
  site.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  site.set_since_date("2026-01-01");
  const std::string site_id = Register(site).id();
  dv1::MonitoredObject closed = Restaurant("YY-GS03-9", Region("GS03"));
  closed.set_status(dv1::MONITORED_OBJECT_STATUS_SUSPENDED);
  const std::string closed_id = Register(closed).id();

  // Who sends: the platform and district administrators only.
  const std::vector<dv1::FumeReading> one = {Reading(r1, At(0), 1.0)};
  for (const char* token : {kOperator3, kMediator3, kViewer}) {
    const Outcome o = TryRecord(token, one);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << token << " " << Describe(o);
  }
  EXPECT_EQ(TryRecord("", one).code(), grpc::StatusCode::UNAUTHENTICATED);
  // The batch's size.
  Outcome o = TryRecord(kSystem, {});
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "readings");
  o = TryRecord(kSystem, std::vector<dv1::FumeReading>(501, Reading(r1, At(0), 1.0)));
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "readings");

  const absl::Time now = clock_.Now();
  dv1::FumeReading untimed = Reading(r1, At(0), 1.0);
  untimed.clear_read_time();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  dv1::RecordFumeReadingsResponse mixed;
  ASSERT_TRUE(TryRecord(kAdmin,
                        {
                            Reading(r1, At(10), 1.0),                                   // 0
                            Reading("M-999999", At(10), 1.0),                           // 1
                            Reading(site_id, At(10), 1.0),                              // 2
                            Reading(closed_id, At(10), 1.0),                            // 3
                            Reading("", At(10), 1.0),                                   // 4
                            untimed,                                                    // 5
                            Reading(r1, now + absl::Minutes(5) + absl::Seconds(1), 1),  // 6
                            Reading(r1, now - absl::Hours(168) - absl::Seconds(1), 1),  // 7
                            Reading(r1, At(11), -0.1),                                  // 8
                            Reading(r1, At(12), 1000.5),                                // 9
                            Reading(r1, At(13), nan),                                   // 10
                            Reading(r1, now + absl::Minutes(5), 3.0),                   // 11
                            Reading(r1, now - absl::Hours(168), 1.0),                   // 12
                        },
                        &mixed)
                  .status.ok());
  struct Expected {
    grpc::StatusCode code;
    std::string field;
    dv1::FumeReadingOutcome outcome;
  };
  const std::vector<Expected> expected = {
      {grpc::StatusCode::OK, "", kNormal},
      {grpc::StatusCode::NOT_FOUND, "readings[1].object_id", kRefused},
      {grpc::StatusCode::FAILED_PRECONDITION, "readings[2].object_id", kRefused},
      {grpc::StatusCode::FAILED_PRECONDITION, "readings[3].object_id", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[4].object_id", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[5].read_time", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[6].read_time", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[7].read_time", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[8].concentration_mg_m3", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[9].concentration_mg_m3", kRefused},
      {grpc::StatusCode::INVALID_ARGUMENT, "readings[10].concentration_mg_m3", kRefused},
      // The edges: exactly 5 minutes ahead and exactly 7 days old are taken (oldest first).
      {grpc::StatusCode::OK, "", kStarted},
      {grpc::StatusCode::OK, "", kNormal},
  };
  ASSERT_EQ(mixed.results_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const dv1::FumeReadingResult& r = mixed.results(static_cast<int>(i));
    EXPECT_EQ(r.index(), static_cast<int>(i));
    EXPECT_EQ(r.code(), static_cast<int>(expected[i].code)) << i << " " << r.message();
    EXPECT_EQ(r.field(), expected[i].field) << i;
    EXPECT_EQ(r.outcome(), expected[i].outcome) << i;
    EXPECT_EQ(r.message().empty(), expected[i].code == grpc::StatusCode::OK) << i;
  }
  EXPECT_EQ(mixed.taken_count(), 3);
  EXPECT_EQ(mixed.failed_count(), 10);
  EXPECT_EQ(mixed.stale_count(), 0);
  EXPECT_EQ(mixed.episodes_started(), 1);
  EXPECT_EQ(Readings("refused"), 10);
  // Nothing was stored for the refused objects.
  EXPECT_TRUE(Episodes(closed_id).empty());
  EXPECT_FALSE(GetObject(closed_id).has_fume_state());
  EXPECT_FALSE(GetObject(site_id).has_fume_state());
  EXPECT_EQ(Raised().size(), 1u);
}

TEST_F(DisorderFumeTest, EpisodesAreReadWithinTheCallersScope) {
  const std::string r1 = r1_.id();
  One(r1, At(0), 3.0);
  One(r1, At(100), 3.0);
  EXPECT_EQ(Episodes(r1, 500, kOperator3).size(), 2u);
  EXPECT_EQ(Episodes(r1, 500, kMediator3).size(), 2u);
  EXPECT_EQ(Episodes(r1, 500, kViewer).size(), 2u);
  dv1::ListFumeEpisodesRequest request;
  request.set_object_id(r1);
  EXPECT_EQ(TryEpisodes(kOperator1, request).code(), grpc::StatusCode::PERMISSION_DENIED);

  const std::string quiet = Register(Restaurant("YY-GS03-3", Region("GS03"))).id();
  EXPECT_TRUE(Episodes(quiet).empty());
  dv1::MonitoredObject site;
  site.set_kind(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION);
  site.set_name("香积街道渣土运输重点路段");
  *site.mutable_region() = Region("GS03");
  site.set_status(dv1::MONITORED_OBJECT_STATUS_SUSPENDED);
  const std::string road = Register(site).id();

  struct Bad {
    std::function<void(dv1::ListFumeEpisodesRequest&)> edit;
    grpc::StatusCode code;
    std::string field;
  };
  dv1::ListFumeEpisodesRequest paged;
  paged.set_object_id(r1);
  paged.set_page_size(1);
  dv1::ListFumeEpisodesResponse page;
  ASSERT_TRUE(TryEpisodes(kAdmin, paged, &page).status.ok());
  ASSERT_FALSE(page.next_page_token().empty());
  const std::string token = page.next_page_token();
  const std::vector<Bad> bad = {
      {[](auto& r) { r.clear_object_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "object_id"},
      {[](auto& r) { r.set_object_id("M-999999"); }, grpc::StatusCode::NOT_FOUND, "object_id"},
      {[&](auto& r) { r.set_object_id(road); }, grpc::StatusCode::FAILED_PRECONDITION, "object_id"},
      {[](auto& r) { r.set_page_size(-1); }, grpc::StatusCode::INVALID_ARGUMENT, "page_size"},
      {[](auto& r) { r.set_page_token("garbage"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "page_token"},
      {[&](auto& r) {
         r.set_object_id(quiet);
         r.set_page_token(token);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "page_token"},
  };
  for (const Bad& b : bad) {
    dv1::ListFumeEpisodesRequest r;
    r.set_object_id(r1);
    b.edit(r);
    const Outcome o = TryEpisodes(kAdmin, r);
    EXPECT_EQ(o.code(), b.code) << b.field << " " << Describe(o);
    EXPECT_EQ(o.field, b.field) << Describe(o);
  }
}

// ---- Demo data ----

TEST_F(DisorderFumeTest, DemoReadingsRaiseAFewEpisodesAndReplaysNothing) {
  ASSERT_TRUE(LoadObjectDemo(track().object_registry(), track().deps()).ok());
  ASSERT_TRUE(LoadFumeDemo(track().fume_feed(), track().object_registry(), track().deps()).ok());
  store::EntityFilter episodes;
  episodes.track = "disorder";
  episodes.kind = "fume_episode";
  const int64_t loaded = *h_.repo().CountEntities(episodes);
  EXPECT_GE(loaded, 3);
  EXPECT_LE(loaded, 20);
  size_t raised = 0;
  for (const auto* street : h_.regions().streets()) raised += Raised(street->id()).size();
  EXPECT_EQ(raised, static_cast<size_t>(loaded));
  const double taken = Readings("normal") + Readings("over_limit") + Readings("episode_started");
  EXPECT_EQ(taken, 12 * 432);
  EXPECT_EQ(Readings("refused"), 0);

  // Again at the same time: every reading is stale.
  ASSERT_TRUE(LoadFumeDemo(track().fume_feed(), track().object_registry(), track().deps()).ok());
  EXPECT_EQ(*h_.repo().CountEntities(episodes), loaded);
  EXPECT_EQ(Readings("stale"), 12 * 432);
  size_t again = 0;
  for (const auto* street : h_.regions().streets()) again += Raised(street->id()).size();
  EXPECT_EQ(again, raised);
}

}  // namespace
}  // namespace gov::disorder
