// Three-colour bulletins and key areas of the policing track end to end: the real track behind
// the real server over gRPC on loopback, on a SQLite file in a temp dir and a real redis-server,
// with a fake clock at Monday 15 June 2026 10:00 (district time, ISO week 25) and a rules file
// written for the test whose thresholds make every colour predictable by hand.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "governance/config/v1/policing.pb.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/policing/demo_data.h"
#include "services/policing/track.h"
#include "tests/support/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;
namespace pv1 = ::governance::policing::v1;
namespace cv1 = ::governance::config::v1;
using gov::testing::Describe;
using gov::testing::Local;
using gov::testing::Month;
using gov::testing::Outcome;
using gov::testing::Region;
using pv1::PolicingService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kAdmin[] = "tok-admin";
constexpr char kPolice[] = "tok-police";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kMediator1[] = "tok-mediator-gs01";
constexpr char kViewer[] = "tok-viewer";
constexpr char kRulesVersion[] = "test-bulletins-1";

gv1::Period Week(int year, int week) {
  gv1::Period p;
  p.set_year(year);
  p.set_week(week);
  return p;
}
gv1::Period Quarter(int year, int quarter) {
  gv1::Period p;
  p.set_year(year);
  p.set_quarter(quarter);
  return p;
}

gv1::ColourCondition AtLeast(const char* metric, int64_t value) {
  gv1::ColourCondition c;
  c.set_metric(metric);
  c.set_at_least(value);
  return c;
}

gv1::ColourBand Band(gv1::Colour colour, std::vector<gv1::ColourCondition> conditions) {
  gv1::ColourBand band;
  band.set_colour(colour);
  for (gv1::ColourCondition& c : conditions) *band.add_all_of() = std::move(c);
  return band;
}

// Streets: RED with at least 6 incidents; YELLOW with at least 3 last year; BLUE otherwise.
gv1::ColourGrading StreetGrading() {
  gv1::ColourGrading g;
  *g.add_bands() = Band(gv1::COLOUR_RED, {AtLeast("count", 6)});
  *g.add_bands() = Band(gv1::COLOUR_YELLOW, {AtLeast("last_year_count", 3)});
  g.set_otherwise(gv1::COLOUR_BLUE);
  return g;
}

// Communities: RED with at least 4 incidents, or with at least 2 and at least 50% more than last
// year (never when last year had none); YELLOW with at least 10% of the district's; BLUE
// otherwise.
gv1::ColourGrading CommunityGrading() {
  gv1::ColourGrading g;
  *g.add_bands() = Band(gv1::COLOUR_RED, {AtLeast("count", 4)});
  *g.add_bands() =
      Band(gv1::COLOUR_RED, {AtLeast("change_basis_points", 5000), AtLeast("count", 2)});
  *g.add_bands() = Band(gv1::COLOUR_YELLOW, {AtLeast("share_basis_points", 1000)});
  g.set_otherwise(gv1::COLOUR_BLUE);
  return g;
}

// data/policing.json with the gradings above for every period kind, 3 hot areas, 2 dominant
// types, and key areas by the monthly bulletins: listed after 2 reds, delisted after 2 blues,
// the plan due within 2 working days.
void WriteRules(const std::string& path) {
  cv1::PolicingRules rules;
  ASSERT_TRUE(LoadJsonFile(gov::testing::SourcePath("data/policing.json"), "rules", &rules).ok());
  rules.set_version(kRulesVersion);
  rules.clear_bulletin_gradings();
  for (cv1::BulletinPeriodKind kind :
       {cv1::BULLETIN_PERIOD_KIND_WEEK, cv1::BULLETIN_PERIOD_KIND_MONTH,
        cv1::BULLETIN_PERIOD_KIND_QUARTER}) {
    cv1::BulletinGrading* street = rules.add_bulletin_gradings();
    street->set_period_kind(kind);
    street->set_level(cv1::BULLETIN_LEVEL_STREET);
    *street->mutable_grading() = StreetGrading();
    cv1::BulletinGrading* community = rules.add_bulletin_gradings();
    community->set_period_kind(kind);
    community->set_level(cv1::BULLETIN_LEVEL_COMMUNITY);
    *community->mutable_grading() = CommunityGrading();
  }
  rules.set_hot_areas(3);
  rules.set_dominant_types(2);
  cv1::KeyAreaRules* key_areas = rules.mutable_key_area_rules();
  key_areas->set_period_kind(cv1::BULLETIN_PERIOD_KIND_MONTH);
  key_areas->set_list_after_red(2);
  key_areas->set_delist_after_blue(2);
  key_areas->set_plan_working_days(2);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(rules, &json).ok());
  gov::testing::WriteFile(path, json);
}

struct Seed {
  const char* number;
  pv1::IncidentType type;
  absl::Time when;
  const char* street;
  const char* community;
  const char* grid;
};

// Type counts as "THEFT:3,BURGLARY:2".
std::string TypesText(const google::protobuf::RepeatedPtrField<pv1::TypeCount>& types) {
  std::vector<std::string> parts;
  for (const pv1::TypeCount& t : types)
    parts.push_back(absl::StrCat(EnumKey(t.type()), ":", t.count()));
  return absl::StrJoin(parts, ",");
}

// An entry as "<id> count/last_year change share COLOUR types" ("-" for no change).
std::string EntryText(const pv1::BulletinEntry& e) {
  const std::string id =
      !e.region().community_id().empty() ? e.region().community_id() : e.region().street_id();
  std::string text = absl::StrCat(
      id.empty() ? "district" : id, " ", e.count(), "/", e.last_year_count(), " ",
      e.has_change_basis_points() ? absl::StrCat(e.change_basis_points()) : std::string("-"), " ",
      e.share_basis_points(), " ", EnumKey(e.colour()));
  const std::string types = TypesText(e.dominant_types());
  if (!types.empty()) absl::StrAppend(&text, " ", types);
  return text;
}

std::vector<std::string> EntriesText(
    const google::protobuf::RepeatedPtrField<pv1::BulletinEntry>& entries) {
  std::vector<std::string> out;
  for (const pv1::BulletinEntry& e : entries) out.push_back(EntryText(e));
  return out;
}

// Hot areas as "<grid> <count> <TYPE> <name>".
std::vector<std::string> HotText(const pv1::Bulletin& b) {
  std::vector<std::string> out;
  for (const pv1::HotArea& h : b.hot_areas()) {
    out.push_back(absl::StrCat(h.region().grid_id(), " ", h.count(), " ",
                               EnumKey(h.dominant_type()), " ", h.name(), " ",
                               h.region().street_id(), "/", h.region().community_id()));
  }
  return out;
}

std::vector<std::string> Keys(const pv1::ListBulletinsResponse& response) {
  std::vector<std::string> out;
  for (const pv1::Bulletin& b : response.bulletins()) out.push_back(cal::PeriodKey(b.period()));
  return out;
}

// "action from->to by actor: note" per history event.
std::vector<std::string> HistoryText(const pv1::KeyArea& k) {
  std::vector<std::string> out;
  for (const gv1::CaseEvent& e : k.history()) {
    out.push_back(absl::StrCat(e.action(), " ", e.from_status(), "->", e.to_status(), " by ",
                               e.actor(), ": ", e.note()));
  }
  return out;
}

pv1::RemediationPlan Plan(const std::string& summary, const std::string& target = "2026-09-30") {
  pv1::RemediationPlan plan;
  plan.set_summary(summary);
  plan.set_owner_unit("运河街道综治中心");
  plan.set_owner_name("综治中心主任");
  plan.set_target_date(target);
  return plan;
}

class BulletinsTest : public ::testing::Test {
 protected:
  BulletinsTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    WriteRules(h_.dir().File("policing_rules.json"));
    if (HasFatalFailure()) return;
    h_.config().rules_file = h_.dir().File("policing_rules.json");
    ASSERT_TRUE(h_.Start(track::Factory<PolicingTrack>("policing")).ok());
    stub_ = PolicingService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kPolice, "police-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  PolicingTrack& track() { return static_cast<PolicingTrack&>(h_.track()); }

  void Ingest(const std::vector<Seed>& seeds) {
    pv1::BatchIngestIncidentsRequest request;
    for (const Seed& s : seeds) {
      pv1::Incident* i = request.add_incidents();
      i->set_incident_number(absl::StrCat("T-", s.number));
      i->set_type(s.type);
      *i->mutable_occur_time() = ToTimestamp(s.when);
      *i->mutable_region() = Region(s.street, s.community, s.grid);
    }
    pv1::BatchIngestIncidentsResponse response;
    Outcome o = h_.Rpc(kPolice, [&](grpc::ClientContext* c) {
      return stub_->BatchIngestIncidents(c, request, &response);
    });
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    ASSERT_EQ(response.created_count(), static_cast<int>(seeds.size()));
  }

  // ---- Bulletins ----

  Outcome TryPublish(const std::string& token, const gv1::Period& period,
                     pv1::PublishBulletinResponse* out = nullptr) {
    pv1::PublishBulletinRequest request;
    *request.mutable_period() = period;
    pv1::PublishBulletinResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->PublishBulletin(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  pv1::Bulletin Publish(const gv1::Period& period, bool already = false) {
    pv1::PublishBulletinResponse response;
    Outcome o = TryPublish(kAdmin, period, &response);
    EXPECT_TRUE(o.status.ok()) << cal::PeriodKey(period) << " " << Describe(o);
    EXPECT_EQ(response.already_published(), already) << cal::PeriodKey(period);
    return response.bulletin();
  }

  Outcome TryGetBulletin(const std::string& token, const pv1::GetBulletinRequest& request,
                         pv1::Bulletin* out = nullptr) {
    pv1::GetBulletinResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetBulletin(c, request, &response); });
    if (out != nullptr) *out = response.bulletin();
    return o;
  }

  Outcome TryListBulletins(const std::string& token, const pv1::ListBulletinsRequest& request,
                           pv1::ListBulletinsResponse* out = nullptr) {
    pv1::ListBulletinsResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListBulletins(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  // ---- Key areas ----

  Outcome TryDesignate(const std::string& token, const pv1::DesignateKeyAreaRequest& request,
                       pv1::KeyArea* out = nullptr) {
    pv1::DesignateKeyAreaResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->DesignateKeyArea(c, request, &response);
    });
    if (out != nullptr) *out = response.key_area();
    return o;
  }

  pv1::DesignateKeyAreaRequest DesignateRequest(
      const std::string& request_id, const gv1::RegionRef& region,
      const std::string& reason = "夜间盗窃多发，申请挂牌整治") {
    pv1::DesignateKeyAreaRequest request;
    request.set_request_id(request_id);
    *request.mutable_region() = region;
    request.set_reason(reason);
    return request;
  }

  pv1::KeyArea Designate(const pv1::DesignateKeyAreaRequest& request,
                         const std::string& token = kAdmin) {
    pv1::KeyArea out;
    Outcome o = TryDesignate(token, request, &out);
    EXPECT_TRUE(o.status.ok()) << request.request_id() << " " << Describe(o);
    return out;
  }

  Outcome TrySetPlan(const std::string& token, const std::string& id, const std::string& etag,
                     const pv1::RemediationPlan& plan, pv1::KeyArea* out = nullptr) {
    pv1::SetRemediationPlanRequest request;
    request.set_id(id);
    request.set_etag(etag);
    *request.mutable_plan() = plan;
    pv1::SetRemediationPlanResponse response;
    Outcome o = h_.Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->SetRemediationPlan(c, request, &response);
    });
    if (out != nullptr) *out = response.key_area();
    return o;
  }

  Outcome TryDelist(const std::string& token, const std::string& id, const std::string& etag,
                    const std::string& reason, pv1::KeyArea* out = nullptr) {
    pv1::DelistKeyAreaRequest request;
    request.set_id(id);
    request.set_etag(etag);
    request.set_reason(reason);
    pv1::DelistKeyAreaResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->DelistKeyArea(c, request, &response); });
    if (out != nullptr) *out = response.key_area();
    return o;
  }

  Outcome TryGetArea(const std::string& token, const std::string& id, pv1::KeyArea* out = nullptr) {
    pv1::GetKeyAreaRequest request;
    request.set_id(id);
    pv1::GetKeyAreaResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetKeyArea(c, request, &response); });
    if (out != nullptr) *out = response.key_area();
    return o;
  }

  pv1::KeyArea GetArea(const std::string& id, const std::string& token = kAdmin) {
    pv1::KeyArea out;
    Outcome o = TryGetArea(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return out;
  }

  Outcome TryListAreas(const std::string& token, const pv1::ListKeyAreasRequest& request,
                       pv1::ListKeyAreasResponse* out = nullptr) {
    pv1::ListKeyAreasResponse response;
    Outcome o = h_.Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListKeyAreas(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  // Every key area as "<community or grid> STATUS listed_by", newest listing first.
  std::vector<std::string> AreasText(const std::string& token = kAdmin,
                                     pv1::ListKeyAreasRequest request = {}) {
    pv1::ListKeyAreasResponse response;
    Outcome o = TryListAreas(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    std::vector<std::string> out;
    for (const pv1::KeyArea& k : response.key_areas()) {
      const std::string area =
          k.region().grid_id().empty() ? k.region().community_id() : k.region().grid_id();
      out.push_back(absl::StrCat(area, " ", EnumKey(k.status()), " ", EnumKey(k.listed_by())));
    }
    return out;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"policing", &clock_, Tokens()};
  std::unique_ptr<PolicingService::Stub> stub_;
};

// ---- Bulletin content ----

// May 2026 against May 2025, ISO week 22 of 2026 (25 to 31 May) against week 22 of 2025 (26 May
// to 1 June 2025), and Q2 2025. Communities: GS01-C01 和睦社区, GS01-C02 安居社区 (street GS01
// 运河街道), GS02-C01 锦苑社区, GS02-C02 欣园社区 (street GS02), GS04-C01 (street GS04).
std::vector<Seed> BulletinSeeds() {
  using pv1::INCIDENT_TYPE_BURGLARY;
  using pv1::INCIDENT_TYPE_DISTURBANCE;
  using pv1::INCIDENT_TYPE_FIGHT;
  using pv1::INCIDENT_TYPE_FRAUD;
  using pv1::INCIDENT_TYPE_THEFT;
  using pv1::INCIDENT_TYPE_TRAFFIC;
  using pv1::INCIDENT_TYPE_VICE;
  return {
      // May 2026: 13 incidents.
      {"A1", INCIDENT_TYPE_THEFT, Local(2026, 5, 3, 10), "GS01", "GS01-C01", "GS01-C01-G01"},
      {"A2", INCIDENT_TYPE_THEFT, Local(2026, 5, 26, 11), "GS01", "GS01-C01", "GS01-C01-G01"},
      {"A3", INCIDENT_TYPE_THEFT, Local(2026, 5, 12, 9), "GS01", "GS01-C01", "GS01-C01-G02"},
      {"A4", INCIDENT_TYPE_FIGHT, Local(2026, 5, 27, 22), "GS01", "GS01-C01", "GS01-C01-G01"},
      {"A5", INCIDENT_TYPE_FIGHT, Local(2026, 5, 5, 20), "GS01", "GS01-C01", ""},
      {"B1", INCIDENT_TYPE_BURGLARY, Local(2026, 5, 8, 3), "GS01", "GS01-C02", "GS01-C02-G01"},
      {"B2", INCIDENT_TYPE_BURGLARY, Local(2026, 5, 28, 2), "GS01", "GS01-C02", "GS01-C02-G01"},
      {"C1", INCIDENT_TYPE_FRAUD, Local(2026, 5, 14, 15), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"C2", INCIDENT_TYPE_THEFT, Local(2026, 5, 15, 16), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"C3", INCIDENT_TYPE_VICE, Local(2026, 5, 29, 23), "GS02", "GS02-C01", "GS02-C01-G02"},
      {"D1", INCIDENT_TYPE_TRAFFIC, Local(2026, 5, 30, 8), "GS02", "GS02-C02", ""},
      {"D2", INCIDENT_TYPE_FIGHT, Local(2026, 5, 6, 21), "GS02", "GS02-C02", ""},
      {"E1", INCIDENT_TYPE_DISTURBANCE, Local(2026, 5, 20, 19), "GS03", "", ""},
      // Just outside May 2026 (and week 22), in a grid that would otherwise be a hot area.
      {"X1", INCIDENT_TYPE_THEFT, Local(2026, 4, 30, 23, 59), "GS01", "GS01-C01", "GS01-C01-G02"},
      {"X2", INCIDENT_TYPE_THEFT, Local(2026, 6, 1, 0, 0), "GS01", "GS01-C01", "GS01-C01-G02"},
      // May 2025: 8 incidents; L9 is on 1 June 2025, in week 22 of 2025 but not in May.
      {"L1", INCIDENT_TYPE_THEFT, Local(2025, 5, 10, 10), "GS01", "GS01-C01", "GS01-C01-G01"},
      {"L2", INCIDENT_TYPE_THEFT, Local(2025, 5, 27, 10), "GS01", "GS01-C01", "GS01-C01-G01"},
      {"L3", INCIDENT_TYPE_THEFT, Local(2025, 5, 5, 10), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"L4", INCIDENT_TYPE_THEFT, Local(2025, 5, 6, 10), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"L5", INCIDENT_TYPE_THEFT, Local(2025, 5, 7, 10), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"L6", INCIDENT_TYPE_THEFT, Local(2025, 5, 8, 10), "GS02", "GS02-C01", "GS02-C01-G01"},
      {"L7", INCIDENT_TYPE_FIGHT, Local(2025, 5, 31, 10), "GS02", "GS02-C02", ""},
      {"L8", INCIDENT_TYPE_THEFT, Local(2025, 5, 20, 10), "GS04", "GS04-C01", ""},
      {"L9", INCIDENT_TYPE_THEFT, Local(2025, 6, 1, 12), "GS01", "GS01-C02", ""},
  };
}

class BulletinContentTest : public BulletinsTest {
 protected:
  void SetUp() override {
    BulletinsTest::SetUp();
    if (HasFatalFailure()) return;
    Ingest(BulletinSeeds());
  }
};

TEST_F(BulletinContentTest, MonthBulletinMatchesHandComputedCounts) {
  const pv1::Bulletin b = Publish(Month(2026, 5));
  EXPECT_THAT(b.id(), StartsWith("B-"));
  EXPECT_EQ(cal::PeriodKey(b.period()), "2026-M05");
  EXPECT_EQ(cal::PeriodKey(b.last_year_period()), "2025-M05");
  EXPECT_EQ(FromTimestamp(b.publish_time()), clock_.Now());
  EXPECT_EQ(b.published_by(), "admin");
  EXPECT_EQ(b.rules_version(), kRulesVersion);
  EXPECT_EQ(b.street_grading().SerializeAsString(), StreetGrading().SerializeAsString());
  EXPECT_EQ(b.community_grading().SerializeAsString(), CommunityGrading().SerializeAsString());

  // 13 against 8: +62.5%. The district is not graded.
  EXPECT_EQ(EntryText(b.district()), "district 13/8 6250 10000 UNSPECIFIED THEFT:4,FIGHT:3");
  EXPECT_EQ(b.district().name(), "全区");
  EXPECT_EQ(TypesText(b.dominant_types()), "THEFT:4,FIGHT:3");
  EXPECT_EQ(b.dominant_types(0).name(), "盗窃");

  // Every street, most incidents first, ties by id. Shares of 13: 7 -> 5385, 5 -> 3846,
  // 1 -> 769. GS01 is red (7 >= 6), GS02 yellow (5 last year), the rest blue. Of GS01's types
  // burglary (2) comes before fight (2) by the enum's order; GS02 has five types once each.
  std::vector<std::string> streets = {
      "GS01 7/2 25000 5385 RED THEFT:3,BURGLARY:2",
      "GS02 5/5 0 3846 YELLOW THEFT:1,FRAUD:1",
      "GS03 1/0 - 769 BLUE DISTURBANCE:1",
      "GS04 0/1 -10000 0 BLUE",
  };
  for (int s = 5; s <= 11; ++s) streets.push_back(absl::StrFormat("GS%02d 0/0 - 0 BLUE", s));
  EXPECT_EQ(EntriesText(b.streets()), streets);
  EXPECT_EQ(b.streets(0).name(), "运河街道");
  EXPECT_EQ(b.streets(0).region().community_id(), "");

  // Every community: GS01-C01 red by count (5 >= 4); GS02-C02 red by change (2 on 1: +100%);
  // GS01-C02 has no change (none last year), so only its share (1538 >= 1000) makes it yellow,
  // like GS02-C01 (2308); the others are blue.
  ASSERT_EQ(b.communities_size(), h_.regions().community_count());
  const std::vector<std::string> communities = EntriesText(b.communities());
  EXPECT_THAT(std::vector<std::string>(communities.begin(), communities.begin() + 4),
              ElementsAre("GS01-C01 5/2 15000 3846 RED THEFT:3,FIGHT:2",
                          "GS02-C01 3/4 -2500 2308 YELLOW THEFT:1,FRAUD:1",
                          "GS01-C02 2/0 - 1538 YELLOW BURGLARY:2",
                          "GS02-C02 2/1 10000 1538 RED FIGHT:1,TRAFFIC:1"));
  EXPECT_EQ(b.communities(0).name(), "和睦社区");
  EXPECT_EQ(b.communities(0).region().street_id(), "GS01");
  std::string previous;
  for (int i = 4; i < b.communities_size(); ++i) {
    const pv1::BulletinEntry& e = b.communities(i);
    const std::string& id = e.region().community_id();
    EXPECT_GT(id, previous);
    previous = id;
    EXPECT_EQ(EntryText(e),
              id == "GS04-C01" ? "GS04-C01 0/1 -10000 0 BLUE" : absl::StrCat(id, " 0/0 - 0 BLUE"));
  }

  // The three grids with the most incidents (X1 and X2, just outside the month, left out).
  EXPECT_THAT(HotText(b), ElementsAre("GS01-C01-G01 3 THEFT 和睦社区 GS01-C01-G01 GS01/GS01-C01",
                                      "GS01-C02-G01 2 BURGLARY 安居社区 GS01-C02-G01 GS01/GS01-C02",
                                      "GS02-C01-G01 2 THEFT 锦苑社区 GS02-C01-G01 GS02/GS02-C01"));
  // Red communities, but no bulletin for April: nothing listed.
  EXPECT_THAT(b.communities_listed(), IsEmpty());
  EXPECT_THAT(b.communities_delisted(), IsEmpty());
}

TEST_F(BulletinContentTest, WeekAndQuarterBulletins) {
  // Week 22 of 2026 against week 22 of 2025 (A2 A4 B2 C3 D1 against L2 L7 L9).
  const pv1::Bulletin week = Publish(Week(2026, 22));
  EXPECT_EQ(cal::PeriodKey(week.last_year_period()), "2025-W22");
  EXPECT_EQ(EntryText(week.district()), "district 5/3 6667 10000 UNSPECIFIED THEFT:1,BURGLARY:1");
  const std::vector<std::string> streets = EntriesText(week.streets());
  EXPECT_THAT(std::vector<std::string>(streets.begin(), streets.begin() + 3),
              ElementsAre("GS01 3/2 5000 6000 BLUE THEFT:1,BURGLARY:1",
                          "GS02 2/1 10000 4000 BLUE VICE:1,TRAFFIC:1", "GS03 0/0 - 0 BLUE"));
  const std::vector<std::string> communities = EntriesText(week.communities());
  EXPECT_THAT(
      std::vector<std::string>(communities.begin(), communities.begin() + 5),
      ElementsAre("GS01-C01 2/1 10000 4000 RED THEFT:1,FIGHT:1",
                  "GS01-C02 1/1 0 2000 YELLOW BURGLARY:1", "GS02-C01 1/0 - 2000 YELLOW VICE:1",
                  "GS02-C02 1/1 0 2000 YELLOW TRAFFIC:1", "GS01-C03 0/0 - 0 BLUE"));
  EXPECT_THAT(HotText(week),
              ElementsAre("GS01-C01-G01 2 THEFT 和睦社区 GS01-C01-G01 GS01/GS01-C01",
                          "GS01-C02-G01 1 BURGLARY 安居社区 GS01-C02-G01 GS01/GS01-C02",
                          "GS02-C01-G02 1 VICE 锦苑社区 GS02-C01-G02 GS02/GS02-C01"));

  // Q2 2025 (L1 to L9) against an empty Q2 2024: no change anywhere, so only counts and shares
  // grade; weeks and quarters list nothing (the key-area rules read months).
  const pv1::Bulletin quarter = Publish(Quarter(2025, 2));
  EXPECT_EQ(cal::PeriodKey(quarter.last_year_period()), "2024-Q2");
  EXPECT_EQ(EntryText(quarter.district()), "district 9/0 - 10000 UNSPECIFIED THEFT:8,FIGHT:1");
  const std::vector<std::string> q_streets = EntriesText(quarter.streets());
  EXPECT_THAT(std::vector<std::string>(q_streets.begin(), q_streets.begin() + 4),
              ElementsAre("GS02 5/0 - 5556 BLUE THEFT:4,FIGHT:1", "GS01 3/0 - 3333 BLUE THEFT:3",
                          "GS04 1/0 - 1111 BLUE THEFT:1", "GS03 0/0 - 0 BLUE"));
  const std::vector<std::string> q_communities = EntriesText(quarter.communities());
  EXPECT_THAT(
      std::vector<std::string>(q_communities.begin(), q_communities.begin() + 6),
      ElementsAre("GS02-C01 4/0 - 4444 RED THEFT:4", "GS01-C01 2/0 - 2222 YELLOW THEFT:2",
                  "GS01-C02 1/0 - 1111 YELLOW THEFT:1", "GS02-C02 1/0 - 1111 YELLOW FIGHT:1",
                  "GS04-C01 1/0 - 1111 YELLOW THEFT:1", "GS01-C03 0/0 - 0 BLUE"));
  EXPECT_THAT(HotText(quarter),
              ElementsAre("GS02-C01-G01 4 THEFT 锦苑社区 GS02-C01-G01 GS02/GS02-C01",
                          "GS01-C01-G01 2 THEFT 和睦社区 GS01-C01-G01 GS01/GS01-C01"));
  EXPECT_THAT(quarter.communities_listed(), IsEmpty());
}

TEST_F(BulletinContentTest, PublishedBulletinsAreImmutable) {
  const pv1::Bulletin first = Publish(Month(2026, 5));
  // A late report for May, and a later clock: the bulletin stays as published.
  Ingest({{"LATE", pv1::INCIDENT_TYPE_BURGLARY, Local(2026, 5, 9, 4), "GS01", "GS01-C02",
           "GS01-C02-G01"}});
  clock_.Advance(absl::Hours(30));
  const pv1::Bulletin again = Publish(Month(2026, 5), /*already=*/true);
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(again.district().count(), 13);

  // By id and by period, for every role, the same bulletin.
  for (const char* token : {kAdmin, kViewer, kOperator1, kMediator1, kPolice}) {
    SCOPED_TRACE(token);
    pv1::GetBulletinRequest by_id;
    by_id.set_id(first.id());
    pv1::Bulletin read;
    Outcome o = TryGetBulletin(token, by_id, &read);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(read.SerializeAsString(), first.SerializeAsString());
    pv1::GetBulletinRequest by_period;
    *by_period.mutable_period() = Month(2026, 5);
    o = TryGetBulletin(token, by_period, &read);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(read.SerializeAsString(), first.SerializeAsString());
  }
  // A period published for the first time now counts the late report.
  const pv1::Bulletin week = Publish(Week(2026, 19));
  // Week 19 is 4 to 10 May: A5, D2, B1 and LATE.
  EXPECT_EQ(week.district().count(), 4);
}

TEST_F(BulletinContentTest, ListsNewestPeriodFirstInSummaries) {
  const pv1::Bulletin quarter = Publish(Quarter(2025, 2));
  const pv1::Bulletin month = Publish(Month(2026, 5));
  const pv1::Bulletin week = Publish(Week(2026, 22));

  // May and week 22 both end on 31 May: the longer first. Then across the year.
  pv1::ListBulletinsRequest request;
  request.set_page_size(2);
  pv1::ListBulletinsResponse page;
  Outcome o = TryListBulletins(kViewer, request, &page);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(Keys(page), ElementsAre("2026-M05", "2026-W22"));
  ASSERT_FALSE(page.next_page_token().empty());
  const pv1::Bulletin& summary = page.bulletins(0);
  EXPECT_EQ(summary.id(), month.id());
  EXPECT_THAT(summary.streets(), IsEmpty());
  EXPECT_THAT(summary.communities(), IsEmpty());
  EXPECT_THAT(summary.hot_areas(), IsEmpty());
  EXPECT_EQ(summary.district().SerializeAsString(), month.district().SerializeAsString());
  EXPECT_EQ(summary.dominant_types_size(), 2);

  request.set_page_token(page.next_page_token());
  o = TryListBulletins(kViewer, request, &page);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(Keys(page), ElementsAre("2025-Q2"));
  EXPECT_TRUE(page.next_page_token().empty());

  // One kind; the default page.
  pv1::ListBulletinsRequest weeks;
  weeks.set_period_kind("week");
  o = TryListBulletins(kOperator1, weeks, &page);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(Keys(page), ElementsAre("2026-W22"));
  EXPECT_TRUE(page.next_page_token().empty());
  pv1::ListBulletinsRequest quarters;
  quarters.set_period_kind("quarter");
  o = TryListBulletins(kAdmin, quarters, &page);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_THAT(Keys(page), ElementsAre("2025-Q2"));
  EXPECT_EQ(page.bulletins(0).id(), quarter.id());
  EXPECT_NE(week.id(), month.id());
}

// ---- Bad input ----

TEST_F(BulletinsTest, PublishRefusesBadPeriodsAndCallers) {
  struct Case {
    const char* name;
    gv1::Period period;
    grpc::StatusCode code;
    const char* field;
  };
  gv1::Period year;
  year.set_year(2025);
  gv1::Period bad_month = Month(2026, 13);
  const Case cases[] = {
      {"year", year, grpc::StatusCode::INVALID_ARGUMENT, "period"},
      {"unset", gv1::Period(), grpc::StatusCode::INVALID_ARGUMENT, "period"},
      {"month 13", bad_month, grpc::StatusCode::INVALID_ARGUMENT, "period.month"},
      {"week 54", Week(2026, 54), grpc::StatusCode::INVALID_ARGUMENT, "period.week"},
      {"this week", Week(2026, 25), grpc::StatusCode::FAILED_PRECONDITION, ""},
      {"this month", Month(2026, 6), grpc::StatusCode::FAILED_PRECONDITION, ""},
      {"this quarter", Quarter(2026, 2), grpc::StatusCode::FAILED_PRECONDITION, ""},
      {"next year", Month(2027, 1), grpc::StatusCode::FAILED_PRECONDITION, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome o = TryPublish(kAdmin, c.period);
    EXPECT_EQ(o.code(), c.code) << Describe(o);
    EXPECT_EQ(o.field, c.field);
  }
  for (const char* token : {kViewer, kOperator1, kMediator1}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(TryPublish(token, Month(2026, 5)).code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(TryPublish("", Month(2026, 5)).code(), grpc::StatusCode::UNAUTHENTICATED);
  // The platform (system) may publish; nothing was published by the refused calls.
  pv1::PublishBulletinResponse response;
  Outcome o = TryPublish(kPolice, Month(2026, 5), &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(response.already_published());
  EXPECT_EQ(response.bulletin().published_by(), "police-platform");
}

TEST_F(BulletinsTest, GetAndListRefuseBadInput) {
  const pv1::Bulletin published = Publish(Month(2026, 4));
  pv1::GetBulletinRequest none;
  Outcome o = TryGetBulletin(kViewer, none);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "id");
  pv1::GetBulletinRequest empty_id;
  empty_id.set_id("");
  o = TryGetBulletin(kViewer, empty_id);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "id");
  pv1::GetBulletinRequest unknown;
  unknown.set_id("B-999999");
  EXPECT_EQ(TryGetBulletin(kViewer, unknown).code(), grpc::StatusCode::NOT_FOUND);
  pv1::GetBulletinRequest long_id;
  long_id.set_id(std::string(65, 'B'));
  EXPECT_EQ(TryGetBulletin(kViewer, long_id).field, "id");
  pv1::GetBulletinRequest year;
  year.mutable_period()->set_year(2026);
  o = TryGetBulletin(kViewer, year);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "period");
  pv1::GetBulletinRequest unpublished;
  *unpublished.mutable_period() = Month(2026, 3);
  EXPECT_EQ(TryGetBulletin(kViewer, unpublished).code(), grpc::StatusCode::NOT_FOUND);
  pv1::GetBulletinRequest by_period;
  *by_period.mutable_period() = Month(2026, 4);
  pv1::Bulletin read;
  ASSERT_TRUE(TryGetBulletin(kViewer, by_period, &read).status.ok());
  EXPECT_EQ(read.id(), published.id());

  pv1::ListBulletinsRequest bad_kind;
  bad_kind.set_period_kind("year");
  o = TryListBulletins(kViewer, bad_kind);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "period_kind");
  pv1::ListBulletinsRequest bad_size;
  bad_size.set_page_size(-1);
  EXPECT_EQ(TryListBulletins(kViewer, bad_size).field, "page_size");
  pv1::ListBulletinsRequest bad_token;
  bad_token.set_page_token("not-a-token");
  o = TryListBulletins(kViewer, bad_token);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "page_token");

  // A token of one filter is refused with another.
  Publish(Month(2026, 3));
  pv1::ListBulletinsRequest months;
  months.set_period_kind("month");
  months.set_page_size(1);
  pv1::ListBulletinsResponse page;
  ASSERT_TRUE(TryListBulletins(kViewer, months, &page).status.ok());
  EXPECT_THAT(Keys(page), ElementsAre("2026-M04"));
  ASSERT_FALSE(page.next_page_token().empty());
  pv1::ListBulletinsRequest weeks;
  weeks.set_period_kind("week");
  weeks.set_page_token(page.next_page_token());
  o = TryListBulletins(kViewer, weeks);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "page_token");
}

TEST_F(BulletinsTest, UpkeepPublishesTheLastFinishedPeriodsOnce) {
  // Monday 15 June 2026: week 24 (8 to 14 June), May and Q1 are the last finished periods.
  absl::StatusOr<int> stored = track().bulletins().PublishDue();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, 3);
  stored = track().bulletins().PublishDue();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, 0);

  pv1::ListBulletinsResponse page;
  ASSERT_TRUE(TryListBulletins(kAdmin, {}, &page).status.ok());
  EXPECT_THAT(Keys(page), ElementsAre("2026-W24", "2026-M05", "2026-Q1"));
  for (const pv1::Bulletin& b : page.bulletins()) EXPECT_EQ(b.published_by(), "system");
  // Published by the upkeep, the period is already published for a caller.
  Publish(Month(2026, 5), /*already=*/true);
}

// ---- Key areas by rule ----

// GS03-C01 (康园社区): 4 incidents in January and in February 2026 (red, red), none after
// (blue). GS03-C02 (宁里社区): 4 in January (red), 1 in February (yellow: a fifth of the month),
// 4 in March and in April (red, red).
std::vector<Seed> RuleSeeds() {
  std::vector<Seed> seeds;
  static const char* const kNumbers[] = {"R01", "R02", "R03", "R04", "R05", "R06", "R07",
                                         "R08", "R09", "R10", "R11", "R12", "R13", "R14",
                                         "R15", "R16", "R17", "R18", "R19", "R20", "R21"};
  int n = 0;
  auto add = [&](int month, int count, const char* community) {
    for (int i = 0; i < count; ++i) {
      seeds.push_back({kNumbers[n++], pv1::INCIDENT_TYPE_THEFT, Local(2026, month, 5 + i, 20),
                       "GS03", community, ""});
    }
  };
  add(1, 4, "GS03-C01");
  add(2, 4, "GS03-C01");
  add(1, 4, "GS03-C02");
  add(2, 1, "GS03-C02");
  add(3, 4, "GS03-C02");
  add(4, 4, "GS03-C02");
  return seeds;
}

class KeyAreaRuleTest : public BulletinsTest {
 protected:
  void SetUp() override {
    BulletinsTest::SetUp();
    if (HasFatalFailure()) return;
    Ingest(RuleSeeds());
  }

  std::string Colour(const pv1::Bulletin& b, const std::string& community) {
    for (const pv1::BulletinEntry& e : b.communities()) {
      if (e.region().community_id() == community) return EnumKey(e.colour());
    }
    return "";
  }
};

TEST_F(KeyAreaRuleTest, ListedAfterTwoRedMonthsAndDelistedAfterTwoBlue) {
  const pv1::Bulletin jan = Publish(Month(2026, 1));
  EXPECT_EQ(Colour(jan, "GS03-C01"), "RED");
  EXPECT_EQ(Colour(jan, "GS03-C02"), "RED");
  // No December bulletin: no run of two.
  EXPECT_THAT(jan.communities_listed(), IsEmpty());
  EXPECT_THAT(AreasText(), IsEmpty());

  const pv1::Bulletin feb = Publish(Month(2026, 2));
  EXPECT_EQ(Colour(feb, "GS03-C01"), "RED");
  EXPECT_EQ(Colour(feb, "GS03-C02"), "YELLOW");
  EXPECT_THAT(feb.communities_listed(), ElementsAre("GS03-C01"));
  EXPECT_THAT(AreasText(), ElementsAre("GS03-C01 LISTED RULE"));
  pv1::ListKeyAreasResponse listed;
  ASSERT_TRUE(TryListAreas(kViewer, {}, &listed).status.ok());
  ASSERT_EQ(listed.key_areas_size(), 1);
  const pv1::KeyArea area = GetArea(listed.key_areas(0).id(), kViewer);
  EXPECT_THAT(area.id(), StartsWith("K-"));
  EXPECT_EQ(area.name(), "康园社区");
  EXPECT_EQ(area.region().street_id(), "GS03");
  EXPECT_EQ(area.listed_by(), pv1::KEY_AREA_DECISION_RULE);
  EXPECT_THAT(area.listing_bulletin_ids(), ElementsAre(feb.id()));
  EXPECT_THAT(area.listing_reason(), HasSubstr("连续2期月通报为红色"));
  EXPECT_THAT(area.listing_reason(), HasSubstr("2026-M02"));
  EXPECT_EQ(FromTimestamp(area.list_time()), clock_.Now());
  // Two working days after Monday 15 June: the end of Wednesday 17 June.
  EXPECT_EQ(FromTimestamp(area.plan_due_time()), Local(2026, 6, 18));
  EXPECT_THAT(HistoryText(area),
              ElementsAre(absl::StrCat("Create ->LISTED by system: ", area.listing_reason())));

  // March: GS03-C01 blue once (February red): still listed. GS03-C02 red, but not in February.
  const pv1::Bulletin mar = Publish(Month(2026, 3));
  EXPECT_EQ(Colour(mar, "GS03-C01"), "BLUE");
  EXPECT_EQ(Colour(mar, "GS03-C02"), "RED");
  EXPECT_THAT(mar.communities_listed(), IsEmpty());
  EXPECT_THAT(mar.communities_delisted(), IsEmpty());
  EXPECT_THAT(AreasText(), ElementsAre("GS03-C01 LISTED RULE"));

  // April: GS03-C01 blue twice since its listing: delisted; GS03-C02 red twice: listed.
  const pv1::Bulletin apr = Publish(Month(2026, 4));
  EXPECT_THAT(apr.communities_listed(), ElementsAre("GS03-C02"));
  EXPECT_THAT(apr.communities_delisted(), ElementsAre("GS03-C01"));
  EXPECT_THAT(AreasText(), ElementsAre("GS03-C02 LISTED RULE", "GS03-C01 DELISTED RULE"));
  const pv1::KeyArea delisted = GetArea(area.id());
  EXPECT_EQ(delisted.status(), pv1::KEY_AREA_STATUS_DELISTED);
  EXPECT_EQ(delisted.delisted_by(), pv1::KEY_AREA_DECISION_RULE);
  EXPECT_THAT(delisted.delisting_reason(), HasSubstr("连续2期月通报为蓝色"));
  EXPECT_EQ(FromTimestamp(delisted.delist_time()), clock_.Now());
  EXPECT_FALSE(delisted.has_plan_due_time());
  ASSERT_EQ(delisted.history_size(), 2);
  EXPECT_EQ(HistoryText(delisted)[1],
            absl::StrCat("Delist LISTED->DELISTED by system: ", delisted.delisting_reason()));

  // Publishing again re-applies what each bulletin decided: nothing changes.
  const std::vector<std::string> before = AreasText();
  for (const gv1::Period& p : {Month(2026, 2), Month(2026, 4), Month(2026, 3)}) {
    Publish(p, /*already=*/true);
  }
  EXPECT_EQ(AreasText(), before);
  EXPECT_EQ(GetArea(area.id()).etag(), delisted.etag());

  // Listed again by hand: April's delisting of the earlier listing does not reach it.
  pv1::KeyArea by_hand = Designate(DesignateRequest("relist-1", Region("GS03", "GS03-C01")));
  EXPECT_EQ(by_hand.status(), pv1::KEY_AREA_STATUS_LISTED);
  Publish(Month(2026, 4), /*already=*/true);
  Publish(Month(2026, 2), /*already=*/true);
  EXPECT_THAT(AreasText(), ElementsAre("GS03-C01 LISTED MANUAL", "GS03-C02 LISTED RULE",
                                       "GS03-C01 DELISTED RULE"));
  EXPECT_EQ(GetArea(by_hand.id()).etag(), by_hand.etag());
}

TEST_F(KeyAreaRuleTest, AMissingMonthBreaksTheRun) {
  Publish(Month(2026, 1));
  // February never published: March's bulletin does not see January.
  Ingest({{"M1", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 3, 10, 9), "GS03", "GS03-C01", ""},
          {"M2", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 3, 11, 9), "GS03", "GS03-C01", ""},
          {"M3", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 3, 12, 9), "GS03", "GS03-C01", ""},
          {"M4", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 3, 13, 9), "GS03", "GS03-C01", ""}});
  const pv1::Bulletin mar = Publish(Month(2026, 3));
  EXPECT_EQ(Colour(mar, "GS03-C01"), "RED");
  EXPECT_THAT(mar.communities_listed(), IsEmpty());
  // April follows March: GS03-C02 red in both.
  const pv1::Bulletin apr = Publish(Month(2026, 4));
  EXPECT_THAT(apr.communities_listed(), ElementsAre("GS03-C02"));
}

// ---- Key areas by hand ----

// Key areas are told apart from the track's other cases by the metrics' `kind` label
// (README "Metrics", the dashboards): governance_cases{kind="key_area"} and the counters.
TEST_F(BulletinsTest, KeyAreasAreCountedUnderTheirOwnKind) {
  const pv1::KeyArea listed = Designate(DesignateRequest("metric-1", Region("GS05", "GS05-C02")));
  ASSERT_EQ(listed.status(), pv1::KEY_AREA_STATUS_LISTED);
  EXPECT_EQ(gov::testing::MetricValue(h_.metrics(), "governance_cases_opened_total",
                                      {{"track", "policing"}, {"kind", "key_area"}}),
            1);
  ASSERT_TRUE(track().RefreshGauges().ok());
  EXPECT_EQ(gov::testing::MetricValue(
                h_.metrics(), "governance_cases",
                {{"track", "policing"}, {"kind", "key_area"}, {"status", "LISTED"}}),
            1);
  // No case of the track is left under the engine's default kind.
  EXPECT_FALSE(
      gov::testing::MetricSum(h_.metrics(), "governance_cases", {{"kind", "case"}}).has_value());
  EXPECT_FALSE(
      gov::testing::MetricSum(h_.metrics(), "governance_cases_opened_total", {{"kind", "case"}})
          .has_value());
}

// A listing refused because the area has an open one writes nothing, its request_id included:
// the same request_id then serves another request.
TEST_F(BulletinsTest, ARefusedListingLeavesItsRequestIdFree) {
  Designate(DesignateRequest("first", Region("GS05", "GS05-C01")));
  const std::string before = h_.StoreSnapshot();
  Outcome o = TryDesignate(kAdmin, DesignateRequest("second", Region("GS05", "GS05-C01")));
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(o.field, "region");
  EXPECT_EQ(h_.StoreSnapshot(), before);
  const pv1::KeyArea other = Designate(DesignateRequest("second", Region("GS05", "GS05-C03")));
  EXPECT_EQ(other.status(), pv1::KEY_AREA_STATUS_LISTED);
}

TEST_F(BulletinsTest, ListPlanAndDelistByHandWithEtags) {
  pv1::DesignateKeyAreaRequest request = DesignateRequest("list-c05", Region("GS05", "GS05-C01"));
  const pv1::KeyArea listed = Designate(request);
  EXPECT_EQ(listed.status(), pv1::KEY_AREA_STATUS_LISTED);
  EXPECT_EQ(listed.listed_by(), pv1::KEY_AREA_DECISION_MANUAL);
  EXPECT_EQ(listed.listing_reason(), "夜间盗窃多发，申请挂牌整治");
  EXPECT_EQ(listed.name(), h_.regions().NameOf("GS05-C01"));
  EXPECT_EQ(FromTimestamp(listed.plan_due_time()), Local(2026, 6, 18));
  EXPECT_FALSE(listed.has_plan());
  EXPECT_THAT(listed.history(), IsEmpty());

  // A retry gets the same listing; the same request_id for another request is refused; a
  // second listing of the open area too, but a grid of it is an area of its own.
  EXPECT_EQ(Designate(request).SerializeAsString(), listed.SerializeAsString());
  pv1::DesignateKeyAreaRequest changed = request;
  changed.set_reason("另一个理由");
  Outcome o = TryDesignate(kAdmin, changed);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(o.field, "request_id");
  // Also for another area: a request_id names one request of the track.
  o = TryDesignate(kAdmin, DesignateRequest("list-c05", Region("GS05", "GS05-C02")));
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(o.field, "request_id");
  o = TryDesignate(kAdmin, DesignateRequest("list-c05-again", Region("GS05", "GS05-C01")));
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  EXPECT_EQ(o.field, "region");
  const std::string grid = h_.regions().streets()[4]->communities(0).grids(0);
  const pv1::KeyArea grid_area =
      Designate(DesignateRequest("list-grid", Region("GS05", "GS05-C01", grid)));
  EXPECT_EQ(grid_area.name(), absl::StrCat(h_.regions().NameOf("GS05-C01"), " ", grid));

  // The plan, with the etag: a stale one is ABORTED.
  o = TrySetPlan(kAdmin, listed.id(), "v99", Plan("夜间巡逻"));
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  pv1::KeyArea planned;
  o = TrySetPlan(kAdmin, listed.id(), listed.etag(), Plan("夜间巡逻"), &planned);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(planned.status(), pv1::KEY_AREA_STATUS_REMEDIATING);
  EXPECT_EQ(planned.plan().summary(), "夜间巡逻");
  EXPECT_FALSE(planned.has_plan_due_time());
  EXPECT_FALSE(planned.sla_breached());
  EXPECT_NE(planned.etag(), listed.etag());
  // Replaced while remediating.
  pv1::KeyArea replanned;
  o = TrySetPlan(kOperator1, listed.id(), planned.etag(), Plan("x"), &replanned);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED);  // GS05 is not the operator's
  o = TrySetPlan(kAdmin, listed.id(), planned.etag(), Plan("夜间巡逻，加装监控", ""), &replanned);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(replanned.status(), pv1::KEY_AREA_STATUS_REMEDIATING);
  EXPECT_EQ(replanned.plan().summary(), "夜间巡逻，加装监控");
  EXPECT_EQ(replanned.plan().target_date(), "");

  // Delisting, with the etag.
  o = TryDelist(kAdmin, listed.id(), planned.etag(), "整治见效");
  EXPECT_EQ(o.code(), grpc::StatusCode::ABORTED) << Describe(o);
  clock_.Advance(absl::Hours(2));
  pv1::KeyArea delisted;
  o = TryDelist(kAdmin, listed.id(), replanned.etag(), "整治见效", &delisted);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(delisted.status(), pv1::KEY_AREA_STATUS_DELISTED);
  EXPECT_EQ(delisted.delisted_by(), pv1::KEY_AREA_DECISION_MANUAL);
  EXPECT_EQ(delisted.delisting_reason(), "整治见效");
  EXPECT_EQ(FromTimestamp(delisted.delist_time()), clock_.Now());
  EXPECT_EQ(FromTimestamp(delisted.list_time()), Local(2026, 6, 15, 10));

  // DELISTED is final.
  o = TrySetPlan(kAdmin, listed.id(), delisted.etag(), Plan("再来"));
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);
  o = TryDelist(kAdmin, listed.id(), delisted.etag(), "再次摘牌");
  EXPECT_EQ(o.code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(o);

  // The full history.
  const pv1::KeyArea read = GetArea(listed.id(), kViewer);
  EXPECT_THAT(HistoryText(read),
              ElementsAre("Create ->LISTED by admin: 夜间盗窃多发，申请挂牌整治",
                          "SetPlan LISTED->REMEDIATING by admin: "
                          "责任单位：运河街道综治中心；目标日期：2026-09-30",
                          "SetPlan REMEDIATING->REMEDIATING by admin: 责任单位：运河街道综治中心",
                          "Delist REMEDIATING->DELISTED by admin: 整治见效"));
  for (int i = 0; i < read.history_size(); ++i) EXPECT_EQ(read.history(i).sequence(), i + 1);

  // Delisted, the area may be listed again; the first request_id still names the first listing.
  const pv1::KeyArea relisted =
      Designate(DesignateRequest("list-c05-2", Region("GS05", "GS05-C01")));
  EXPECT_NE(relisted.id(), listed.id());
  EXPECT_EQ(Designate(request).id(), listed.id());
  EXPECT_EQ(Designate(request).status(), pv1::KEY_AREA_STATUS_DELISTED);

  // Lists: newest listing first, by region and state.
  EXPECT_THAT(AreasText(kViewer),
              ElementsAre("GS05-C01 LISTED MANUAL", absl::StrCat(grid, " LISTED MANUAL"),
                          "GS05-C01 DELISTED MANUAL"));
  pv1::ListKeyAreasRequest delisted_only;
  delisted_only.add_statuses(pv1::KEY_AREA_STATUS_DELISTED);
  EXPECT_THAT(AreasText(kViewer, delisted_only), ElementsAre("GS05-C01 DELISTED MANUAL"));
  pv1::ListKeyAreasRequest in_grid;
  *in_grid.mutable_region() = Region("GS05", "GS05-C01", grid);
  EXPECT_THAT(AreasText(kViewer, in_grid), ElementsAre(absl::StrCat(grid, " LISTED MANUAL")));
  pv1::ListKeyAreasRequest paged;
  paged.set_page_size(2);
  pv1::ListKeyAreasResponse page;
  ASSERT_TRUE(TryListAreas(kViewer, paged, &page).status.ok());
  EXPECT_EQ(page.key_areas_size(), 2);
  EXPECT_THAT(page.key_areas(0).history(), IsEmpty());
  paged.set_page_token(page.next_page_token());
  ASSERT_TRUE(TryListAreas(kViewer, paged, &page).status.ok());
  ASSERT_EQ(page.key_areas_size(), 1);
  EXPECT_EQ(page.key_areas(0).id(), listed.id());
}

TEST_F(BulletinsTest, ListingWithItsPlanStartsRemediating) {
  pv1::DesignateKeyAreaRequest request = DesignateRequest("with-plan", Region("GS01", "GS01-C03"));
  *request.mutable_plan() = Plan("技防补点");
  const pv1::KeyArea listed = Designate(request, kOperator1);
  EXPECT_EQ(listed.status(), pv1::KEY_AREA_STATUS_REMEDIATING);
  EXPECT_EQ(listed.plan().summary(), "技防补点");
  EXPECT_FALSE(listed.sla_breached());
  EXPECT_EQ(Designate(request, kOperator1).etag(), listed.etag());
  EXPECT_THAT(HistoryText(GetArea(listed.id())),
              ElementsAre("Create ->LISTED by operator-gs01: 夜间盗窃多发，申请挂牌整治",
                          "SetPlan LISTED->REMEDIATING by operator-gs01: "
                          "责任单位：运河街道综治中心；目标日期：2026-09-30"));
}

TEST_F(BulletinsTest, ALatePlanIsABreach) {
  const pv1::KeyArea late = Designate(DesignateRequest("late", Region("GS02", "GS02-C03")));
  const pv1::KeyArea on_time = Designate(DesignateRequest("on-time", Region("GS02", "GS02-C04")));
  cases::CaseEngine& engine = *track().engine(kKeyAreaTrack);
  // The plan is due by the end of Wednesday 17 June.
  clock_.Set(Local(2026, 6, 17, 23, 59));
  pv1::KeyArea planned;
  ASSERT_TRUE(TrySetPlan(kAdmin, on_time.id(), on_time.etag(), Plan("按时"), &planned).status.ok());
  absl::StatusOr<int> marked = engine.ScanBreaches();
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(*marked, 0);

  clock_.Set(Local(2026, 6, 18, 0, 1));
  marked = engine.ScanBreaches();
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(*marked, 1);
  const pv1::KeyArea breached = GetArea(late.id());
  EXPECT_TRUE(breached.sla_breached());
  EXPECT_EQ(breached.status(), pv1::KEY_AREA_STATUS_LISTED);
  ASSERT_EQ(breached.history_size(), 2);
  EXPECT_EQ(breached.history(1).action(), "SlaBreach");
  EXPECT_EQ(breached.history(1).actor(), "system");
  EXPECT_FALSE(GetArea(on_time.id()).sla_breached());

  // The plan, late, stops the clock; the listing stays marked late.
  ASSERT_TRUE(
      TrySetPlan(kAdmin, late.id(), breached.etag(), Plan("补交方案"), &planned).status.ok());
  EXPECT_EQ(planned.status(), pv1::KEY_AREA_STATUS_REMEDIATING);
  EXPECT_TRUE(planned.sla_breached());
  EXPECT_TRUE(GetArea(late.id()).sla_breached());
  marked = engine.ScanBreaches();
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(*marked, 0);
}

TEST_F(BulletinsTest, KeyAreaInputIsChecked) {
  struct Case {
    const char* name;
    pv1::DesignateKeyAreaRequest request;
    const char* field;
  };
  std::vector<Case> cases;
  auto with = [&](const char* name, const char* field, auto edit) {
    pv1::DesignateKeyAreaRequest r = DesignateRequest("bad", Region("GS01", "GS01-C01"));
    *r.mutable_plan() = Plan("方案");
    edit(r);
    cases.push_back({name, r, field});
  };
  with("no request_id", "request_id", [](auto& r) { r.clear_request_id(); });
  with("long request_id", "request_id", [](auto& r) { r.set_request_id(std::string(129, 'r')); });
  with("no street", "region.street_id", [](auto& r) { r.mutable_region()->clear_street_id(); });
  with("street only", "region.community_id",
       [](auto& r) { r.mutable_region()->clear_community_id(); });
  with("unknown community", "region.community_id",
       [](auto& r) { r.mutable_region()->set_community_id("GS01-C99"); });
  with("community of another street", "region.community_id",
       [](auto& r) { r.mutable_region()->set_community_id("GS02-C01"); });
  with("grid of another community", "region.grid_id",
       [](auto& r) { r.mutable_region()->set_grid_id("GS01-C02-G01"); });
  with("no reason", "reason", [](auto& r) { r.clear_reason(); });
  with("long reason", "reason", [](auto& r) { r.set_reason(std::string(501, 'x')); });
  with("no plan summary", "plan.summary", [](auto& r) { r.mutable_plan()->clear_summary(); });
  with("long plan summary", "plan.summary",
       [](auto& r) { r.mutable_plan()->set_summary(std::string(2001, 'x')); });
  with("no owner unit", "plan.owner_unit", [](auto& r) { r.mutable_plan()->clear_owner_unit(); });
  with("long owner unit", "plan.owner_unit",
       [](auto& r) { r.mutable_plan()->set_owner_unit(std::string(101, 'x')); });
  with("no owner name", "plan.owner_name", [](auto& r) { r.mutable_plan()->clear_owner_name(); });
  with("long owner name", "plan.owner_name",
       [](auto& r) { r.mutable_plan()->set_owner_name(std::string(51, 'x')); });
  with("no such date", "plan.target_date",
       [](auto& r) { r.mutable_plan()->set_target_date("2026-02-30"); });
  with("not a date", "plan.target_date",
       [](auto& r) { r.mutable_plan()->set_target_date("30/09/2026"); });
  // The shared day rule (gov::ValidateDay): 2000 to 2099.
  with("a year of the next century", "plan.target_date",
       [](auto& r) { r.mutable_plan()->set_target_date("2100-01-01"); });
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome o = TryDesignate(kAdmin, c.request);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_EQ(o.field, c.field);
  }
  // Characters, not bytes: 500 Chinese characters are a reason.
  pv1::DesignateKeyAreaRequest long_chinese = DesignateRequest("zh", Region("GS01", "GS01-C01"));
  std::string reason;
  for (int i = 0; i < 500; ++i) reason += "治";
  long_chinese.set_reason(reason);
  const pv1::KeyArea listed = Designate(long_chinese);

  Outcome o = TrySetPlan(kAdmin, "", listed.etag(), Plan("x"));
  EXPECT_EQ(o.field, "id");
  o = TrySetPlan(kAdmin, listed.id(), "", Plan("x"));
  EXPECT_EQ(o.field, "etag");
  o = TrySetPlan(kAdmin, listed.id(), listed.etag(), pv1::RemediationPlan());
  EXPECT_EQ(o.field, "plan.summary");
  o = TrySetPlan(kAdmin, "K-999999", "v1", Plan("x"));
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND);
  o = TryDelist(kAdmin, listed.id(), listed.etag(), "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(o.field, "reason");
  o = TryGetArea(kViewer, "");
  EXPECT_EQ(o.field, "id");
  EXPECT_EQ(TryGetArea(kViewer, "K-999999").code(), grpc::StatusCode::NOT_FOUND);
  pv1::ListKeyAreasRequest bad_size;
  bad_size.set_page_size(-1);
  EXPECT_EQ(TryListAreas(kViewer, bad_size).field, "page_size");
  pv1::ListKeyAreasRequest bad_status;
  bad_status.add_statuses(pv1::KEY_AREA_STATUS_UNSPECIFIED);
  EXPECT_EQ(TryListAreas(kViewer, bad_status).field, "statuses[0]");
  pv1::ListKeyAreasRequest bad_region;
  *bad_region.mutable_region() = Region("GS99");
  EXPECT_EQ(TryListAreas(kViewer, bad_region).field, "region.street_id");
  pv1::ListKeyAreasRequest bad_token;
  bad_token.set_page_token("garbage");
  EXPECT_EQ(TryListAreas(kViewer, bad_token).field, "page_token");
  EXPECT_EQ(GetArea(listed.id()).history_size(), 1);
}

TEST_F(BulletinsTest, KeyAreasAreScopedToTheOperatorsStreets) {
  const pv1::KeyArea gs01 =
      Designate(DesignateRequest("op-1", Region("GS01", "GS01-C04")), kOperator1);
  EXPECT_EQ(gs01.status(), pv1::KEY_AREA_STATUS_LISTED);
  const pv1::KeyArea gs02 = Designate(DesignateRequest("admin-2", Region("GS02", "GS02-C05")));

  Outcome o = TryDesignate(kOperator1, DesignateRequest("op-2", Region("GS02", "GS02-C06")));
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(TrySetPlan(kOperator1, gs02.id(), gs02.etag(), Plan("x")).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryDelist(kOperator1, gs02.id(), gs02.etag(), "x").code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryGetArea(kOperator1, gs02.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(AreasText(kOperator1), ElementsAre("GS01-C04 LISTED MANUAL"));
  pv1::ListKeyAreasRequest other_street;
  *other_street.mutable_region() = Region("GS02");
  EXPECT_EQ(TryListAreas(kOperator1, other_street).code(), grpc::StatusCode::PERMISSION_DENIED);

  // Viewers read every street; they and mediators list nothing.
  EXPECT_THAT(AreasText(kViewer), ElementsAre("GS02-C05 LISTED MANUAL", "GS01-C04 LISTED MANUAL"));
  EXPECT_TRUE(TryGetArea(kViewer, gs02.id()).status.ok());
  EXPECT_EQ(TryDesignate(kViewer, DesignateRequest("v", Region("GS01", "GS01-C05"))).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryDesignate(kMediator1, DesignateRequest("m", Region("GS01", "GS01-C05"))).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TrySetPlan(kMediator1, gs01.id(), gs01.etag(), Plan("x")).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TrySetPlan(kViewer, gs01.id(), gs01.etag(), Plan("x")).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  for (const char* token : {kViewer, kMediator1}) {
    EXPECT_EQ(TryDelist(token, gs01.id(), gs01.etag(), "x").code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
  }
  EXPECT_EQ(GetArea(gs01.id()).etag(), gs01.etag());  // nothing was written
  // The operator plans and delists in its street.
  pv1::KeyArea planned;
  ASSERT_TRUE(TrySetPlan(kOperator1, gs01.id(), gs01.etag(), Plan("x"), &planned).status.ok());
  ASSERT_TRUE(TryDelist(kOperator1, gs01.id(), planned.etag(), "完成").status.ok());
}

TEST_F(BulletinsTest, DemoKeyAreasArePlannedOnceAndListedByHand) {
  // Two rule listings (by February), then the demo's plans and manual listing, twice.
  Ingest(RuleSeeds());
  Publish(Month(2026, 1));
  Publish(Month(2026, 2));
  Publish(Month(2026, 3));
  Publish(Month(2026, 4));
  ASSERT_THAT(AreasText(), ElementsAre("GS03-C02 LISTED RULE", "GS03-C01 DELISTED RULE"));
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    ASSERT_TRUE(LoadKeyAreaDemoData(track().key_areas(), h_.regions(), clock_).ok());
    const std::string grid = h_.regions().streets()[0]->communities(0).grids(0);
    EXPECT_THAT(AreasText(), ElementsAre(absl::StrCat(grid, " REMEDIATING MANUAL"),
                                         "GS03-C02 REMEDIATING RULE", "GS03-C01 DELISTED RULE"));
  }
}

}  // namespace
}  // namespace gov::policing
