// The policing track end to end in one process: the real track behind the real server over
// gRPC on loopback, on a SQLite file in a temp dir and a real redis-server, with a fake clock
// fixed at Monday 15 June 2026 (ISO week 25) in the district's time zone.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/config/config.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/server/rpc_service.h"
#include "common/server/server.h"
#include "common/server/track_main.h"
#include "common/store/sqlite_store.h"
#include "common/util/proto.h"
#include "common/util/validate.h"
#include "gmock/gmock.h"
#include "governance/policing/v1/policing.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/policing/track.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_harness.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;
namespace pv1 = ::governance::policing::v1;
using pv1::PolicingService;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr char kAdmin[] = "tok-admin";
constexpr char kPolice[] = "tok-police";
constexpr char kOperator1[] = "tok-operator-gs01";
constexpr char kOperator12[] = "tok-operator-gs01-gs02";
constexpr char kMediator1[] = "tok-mediator-gs01";
constexpr char kViewer[] = "tok-viewer";

// The three "down 5% on last year" indicators (services/policing/track.cc).
constexpr char kTotalIncidents[] = "incidents_yoy";
constexpr char kCriminalPublicOrder[] = "criminal_public_order_yoy";
constexpr char kPropertyCrime[] = "property_crime_yoy";

using gov::testing::Local;
using gov::testing::Month;

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
using gov::testing::Describe;
using gov::testing::Outcome;
using gov::testing::Region;
using gov::testing::Year;

pv1::Incident NewIncident(const std::string& number, pv1::IncidentType type, absl::Time when,
                          const std::string& street, const std::string& community = "",
                          const std::string& grid = "") {
  pv1::Incident i;
  i.set_incident_number(number);
  i.set_type(type);
  *i.mutable_occur_time() = ToTimestamp(when);
  *i.mutable_region() = Region(street, community, grid);
  i.set_summary("报警人称电动自行车被盗（测试）");
  i.set_address("和睦路 1 号");
  return i;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

// A statistics row as "key count/last_year change" ("-" when there is no change).
std::string RowText(const pv1::StatisticsRow& row) {
  return absl::StrCat(
      row.key(), " ", row.count(), "/", row.last_year_count(), " ",
      row.has_change_basis_points() ? absl::StrCat(row.change_basis_points()) : std::string("-"));
}

std::vector<std::string> Rows(const pv1::GetIncidentStatisticsResponse& response) {
  std::vector<std::string> out;
  for (const pv1::StatisticsRow& row : response.rows()) out.push_back(RowText(row));
  return out;
}

std::string PeriodText(const gv1::Period& p) {
  switch (p.part_case()) {
    case gv1::Period::kMonth:
      return absl::StrCat(p.year(), "-M", p.month());
    case gv1::Period::kWeek:
      return absl::StrCat(p.year(), "-W", p.week());
    case gv1::Period::kQuarter:
      return absl::StrCat(p.year(), "-Q", p.quarter());
    default:
      return absl::StrCat(p.year());
  }
}

std::vector<std::string> Numbers(const std::vector<pv1::Incident>& incidents) {
  std::vector<std::string> out;
  for (const pv1::Incident& i : incidents) out.push_back(i.incident_number());
  return out;
}

class PolicingTest : public ::testing::Test {
 protected:
  PolicingTest() : clock_(Local(2026, 6, 15, 10, 0)) {}

  void SetUp() override {
    ASSERT_TRUE(h_.Start(track::Factory<PolicingTrack>("policing")).ok());
    stub_ = PolicingService::NewStub(h_.channel());
    indicators_ = gv1::IndicatorsService::NewStub(h_.channel());
  }

  static std::vector<gov::testing::TestToken> Tokens() {
    return {
        {kAdmin, "admin", auth::kDistrictAdmin, {}},
        {kPolice, "police-platform", auth::kSystem, {}},
        {kOperator1, "operator-gs01", auth::kStreetOperator, {"GS01"}},
        {kOperator12, "operator-gs01-gs02", auth::kStreetOperator, {"GS01", "GS02"}},
        {kMediator1, "mediator-gs01", "mediator", {"GS01"}},
        {kViewer, "viewer", auth::kViewer, {}},
    };
  }

  // Runs one call with `token` ("" = none) and collects its status and field trailer.
  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) {
    return h_.Rpc(token, std::forward<Fn>(fn));
  }

  // ---- Ingestion ----

  Outcome TryIngest(const std::string& token, const pv1::Incident& incident,
                    pv1::IngestIncidentResponse* out = nullptr) {
    pv1::IngestIncidentRequest request;
    *request.mutable_incident() = incident;
    pv1::IngestIncidentResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->IngestIncident(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  pv1::Incident Ingest(const pv1::Incident& incident) {
    pv1::IngestIncidentResponse response;
    Outcome o = TryIngest(kPolice, incident, &response);
    EXPECT_TRUE(o.status.ok()) << incident.incident_number() << " " << Describe(o);
    EXPECT_TRUE(response.created()) << incident.incident_number();
    return response.incident();
  }

  Outcome TryBatch(const std::string& token, const std::vector<pv1::Incident>& incidents,
                   pv1::BatchIngestIncidentsResponse* out = nullptr) {
    pv1::BatchIngestIncidentsRequest request;
    for (const pv1::Incident& i : incidents) *request.add_incidents() = i;
    pv1::BatchIngestIncidentsResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->BatchIngestIncidents(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  // Ingests good records in one batch and expects every one of them to be created.
  void IngestAll(const std::vector<pv1::Incident>& incidents) {
    pv1::BatchIngestIncidentsResponse response;
    Outcome o = TryBatch(kPolice, incidents, &response);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(response.created_count(), static_cast<int>(incidents.size()));
    for (const pv1::IngestResult& r : response.results()) {
      EXPECT_EQ(r.code(), 0) << r.incident_number() << " " << r.message() << " [" << r.field()
                             << "]";
    }
  }

  // ---- Reads ----

  Outcome TryGet(const std::string& token, const std::string& id, pv1::Incident* out = nullptr) {
    pv1::GetIncidentRequest request;
    request.set_id(id);
    pv1::GetIncidentResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->GetIncident(c, request, &response); });
    if (out != nullptr) *out = response.incident();
    return o;
  }

  pv1::Incident Get(const std::string& id, const std::string& token = kAdmin) {
    pv1::Incident out;
    Outcome o = TryGet(token, id, &out);
    EXPECT_TRUE(o.status.ok()) << id << " " << Describe(o);
    return out;
  }

  Outcome TryList(const std::string& token, const pv1::ListIncidentsRequest& request,
                  pv1::ListIncidentsResponse* out = nullptr) {
    pv1::ListIncidentsResponse response;
    Outcome o = Rpc(
        token, [&](grpc::ClientContext* c) { return stub_->ListIncidents(c, request, &response); });
    if (out != nullptr) *out = response;
    return o;
  }

  // Every incident of a list, read in pages of `page_size` as `token`'s caller.
  std::vector<pv1::Incident> ListAll(pv1::ListIncidentsRequest request = {}, int page_size = 500,
                                     const std::string& token = kAdmin) {
    std::vector<pv1::Incident> all;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      pv1::ListIncidentsResponse response;
      Outcome o = TryList(token, request, &response);
      EXPECT_TRUE(o.status.ok()) << Describe(o);
      if (!o.status.ok()) break;
      EXPECT_LE(response.incidents_size(), page_size);
      all.insert(all.end(), response.incidents().begin(), response.incidents().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  Outcome TryStats(const std::string& token, const pv1::GetIncidentStatisticsRequest& request,
                   pv1::GetIncidentStatisticsResponse* out = nullptr) {
    pv1::GetIncidentStatisticsResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return stub_->GetIncidentStatistics(c, request, &response);
    });
    if (out != nullptr) *out = response;
    return o;
  }

  pv1::GetIncidentStatisticsResponse Stats(const std::string& token,
                                           std::optional<gv1::Period> period,
                                           pv1::StatisticsGrouping grouping,
                                           const gv1::RegionRef& region = {},
                                           std::vector<pv1::IncidentClass> classes = {}) {
    pv1::GetIncidentStatisticsRequest request;
    if (period.has_value()) *request.mutable_period() = *period;
    *request.mutable_region() = region;
    request.set_grouping(grouping);
    for (pv1::IncidentClass c : classes) request.add_classes(c);
    pv1::GetIncidentStatisticsResponse response;
    Outcome o = TryStats(token, request, &response);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    return response;
  }

  std::map<std::string, gv1::Indicator> Indicators(const std::string& token,
                                                   const std::string& street, int year, int month) {
    gv1::ListIndicatorsRequest request;
    *request.mutable_period() = Month(year, month);
    request.mutable_region()->set_street_id(street);
    gv1::ListIndicatorsResponse response;
    Outcome o = Rpc(token, [&](grpc::ClientContext* c) {
      return indicators_->ListIndicators(c, request, &response);
    });
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(response.track(), "policing");
    std::map<std::string, gv1::Indicator> out;
    for (const gv1::Indicator& i : response.indicators()) out[i.id()] = i;
    return out;
  }

  FakeClock clock_;
  gov::testing::TrackHarness h_{"policing", &clock_, Tokens()};
  std::unique_ptr<PolicingService::Stub> stub_;
  std::unique_ptr<gv1::IndicatorsService::Stub> indicators_;
};

// ---- IngestIncident ----

TEST_F(PolicingTest, IngestStoresTheIncidentWithItsDerivedClass) {
  const pv1::Incident sent =
      NewIncident("110-2026-000001", pv1::INCIDENT_TYPE_BURGLARY, Local(2026, 6, 14, 22, 15),
                  "GS01", "GS01-C01", "GS01-C01-G02");
  pv1::IngestIncidentResponse response;
  Outcome o = TryIngest(kPolice, sent, &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(response.created());
  const pv1::Incident& stored = response.incident();
  EXPECT_THAT(stored.id(), StartsWith("I-"));
  EXPECT_GT(stored.id().size(), 2u);
  EXPECT_EQ(stored.incident_number(), "110-2026-000001");
  EXPECT_EQ(stored.type(), pv1::INCIDENT_TYPE_BURGLARY);
  EXPECT_EQ(stored.incident_class(), pv1::INCIDENT_CLASS_CRIMINAL);
  EXPECT_TRUE(stored.property_crime());
  EXPECT_EQ(FromTimestamp(stored.occur_time()), Local(2026, 6, 14, 22, 15));
  EXPECT_EQ(stored.region().street_id(), "GS01");
  EXPECT_EQ(stored.region().community_id(), "GS01-C01");
  EXPECT_EQ(stored.region().grid_id(), "GS01-C01-G02");
  EXPECT_EQ(stored.summary(), sent.summary());
  EXPECT_EQ(stored.address(), sent.address());
  EXPECT_EQ(FromTimestamp(stored.ingest_time()), clock_.Now());

  // Read back by the district, the platform and the street's operator: the same incident.
  for (const char* token : {kAdmin, kPolice, kOperator1}) {
    SCOPED_TRACE(token);
    pv1::Incident read = Get(stored.id(), token);
    EXPECT_EQ(read.SerializeAsString(), stored.SerializeAsString());
  }

  // Output fields sent in are ignored.
  pv1::Incident with_outputs = NewIncident("110-2026-000002", pv1::INCIDENT_TYPE_FIGHT,
                                           Local(2026, 6, 14, 23), "GS02", "GS02-C01");
  with_outputs.set_id("I-999999");
  with_outputs.set_incident_class(pv1::INCIDENT_CLASS_NON_POLICE);
  with_outputs.set_property_crime(true);
  *with_outputs.mutable_ingest_time() = ToTimestamp(Local(2020, 1, 1));
  const pv1::Incident second = Ingest(with_outputs);
  EXPECT_NE(second.id(), "I-999999");
  EXPECT_NE(second.id(), stored.id());
  EXPECT_EQ(second.incident_class(), pv1::INCIDENT_CLASS_PUBLIC_ORDER);
  EXPECT_FALSE(second.property_crime());
  EXPECT_EQ(FromTimestamp(second.ingest_time()), clock_.Now());

  // Street only: community and grid are optional; summary and address too.
  pv1::Incident bare =
      NewIncident("110-2026-000003", pv1::INCIDENT_TYPE_ASSISTANCE, Local(2026, 6, 15, 9), "GS11");
  bare.clear_summary();
  bare.clear_address();
  const pv1::Incident third = Ingest(bare);
  EXPECT_EQ(third.region().street_id(), "GS11");
  EXPECT_TRUE(third.region().community_id().empty());
  EXPECT_EQ(third.incident_class(), pv1::INCIDENT_CLASS_NON_POLICE);
}

TEST_F(PolicingTest, EveryTypeHasItsClassAndPropertyCrimeFlag) {
  struct Expect {
    pv1::IncidentType type;
    pv1::IncidentClass cls;
    bool property;
  };
  const Expect table[] = {
      {pv1::INCIDENT_TYPE_THEFT, pv1::INCIDENT_CLASS_CRIMINAL, true},
      {pv1::INCIDENT_TYPE_BURGLARY, pv1::INCIDENT_CLASS_CRIMINAL, true},
      {pv1::INCIDENT_TYPE_ROBBERY, pv1::INCIDENT_CLASS_CRIMINAL, true},
      {pv1::INCIDENT_TYPE_TELECOM_FRAUD, pv1::INCIDENT_CLASS_CRIMINAL, true},
      {pv1::INCIDENT_TYPE_FRAUD, pv1::INCIDENT_CLASS_CRIMINAL, true},
      {pv1::INCIDENT_TYPE_VIOLENCE, pv1::INCIDENT_CLASS_CRIMINAL, false},
      {pv1::INCIDENT_TYPE_ORGANISED_CRIME, pv1::INCIDENT_CLASS_CRIMINAL, false},
      {pv1::INCIDENT_TYPE_OTHER_CRIMINAL, pv1::INCIDENT_CLASS_CRIMINAL, false},
      {pv1::INCIDENT_TYPE_FIGHT, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false},
      {pv1::INCIDENT_TYPE_VICE, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false},
      {pv1::INCIDENT_TYPE_DISTURBANCE, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false},
      {pv1::INCIDENT_TYPE_OTHER_PUBLIC_ORDER, pv1::INCIDENT_CLASS_PUBLIC_ORDER, false},
      {pv1::INCIDENT_TYPE_TRAFFIC, pv1::INCIDENT_CLASS_OTHER_POLICE, false},
      {pv1::INCIDENT_TYPE_ASSISTANCE, pv1::INCIDENT_CLASS_NON_POLICE, false},
      {pv1::INCIDENT_TYPE_DISPUTE, pv1::INCIDENT_CLASS_NON_POLICE, false},
      {pv1::INCIDENT_TYPE_MUNICIPAL, pv1::INCIDENT_CLASS_NON_POLICE, false},
  };
  // Every type of the enum is in the table.
  EXPECT_EQ(std::size(table), pv1::IncidentType_descriptor()->value_count() - 1u);
  int n = 0;
  for (const Expect& e : table) {
    SCOPED_TRACE(pv1::IncidentType_Name(e.type));
    ++n;
    const pv1::Incident stored =
        Ingest(NewIncident(absl::StrCat("T-", n), e.type, Local(2026, 6, 1, 8) + absl::Minutes(n),
                           "GS03", "GS03-C01"));
    EXPECT_EQ(stored.type(), e.type);
    EXPECT_EQ(stored.incident_class(), e.cls);
    EXPECT_EQ(stored.property_crime(), e.property);
    const pv1::Incident read = Get(stored.id());
    EXPECT_EQ(read.incident_class(), e.cls);
    EXPECT_EQ(read.property_crime(), e.property);
  }
  // Statistics by class agree with the table: 8 criminal, 4 public order, 1 other, 3 non-police.
  const auto by_class =
      Stats(kAdmin, Month(2026, 6), pv1::STATISTICS_GROUPING_CLASS, Region("GS03"));
  EXPECT_THAT(Rows(by_class),
              ElementsAre("INCIDENT_CLASS_CRIMINAL 8/0 -", "INCIDENT_CLASS_PUBLIC_ORDER 4/0 -",
                          "INCIDENT_CLASS_NON_POLICE 3/0 -", "INCIDENT_CLASS_OTHER_POLICE 1/0 -"));
}

TEST_F(PolicingTest, IngestIsIdempotentByIncidentNumber) {
  const pv1::Incident sent = NewIncident("110-2026-000042", pv1::INCIDENT_TYPE_TELECOM_FRAUD,
                                         Local(2026, 6, 10, 15), "GS02", "GS02-C03");
  const pv1::Incident first = Ingest(sent);

  // The same content later: the stored incident, not created, not counted again.
  clock_.Advance(absl::Hours(3));
  pv1::IngestIncidentResponse replay;
  Outcome o = TryIngest(kPolice, sent, &replay);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(replay.created());
  EXPECT_EQ(replay.incident().id(), first.id());
  EXPECT_EQ(FromTimestamp(replay.incident().ingest_time()), FromTimestamp(first.ingest_time()))
      << "the ingest time is when the incident was first stored";
  EXPECT_EQ(replay.incident().SerializeAsString(), first.SerializeAsString());

  // Output fields do not make it other content.
  pv1::Incident with_outputs = sent;
  with_outputs.set_id("I-777777");
  with_outputs.set_incident_class(pv1::INCIDENT_CLASS_NON_POLICE);
  with_outputs.set_property_crime(false);
  *with_outputs.mutable_ingest_time() = ToTimestamp(clock_.Now());
  o = TryIngest(kPolice, with_outputs, &replay);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(replay.created());
  EXPECT_EQ(replay.incident().id(), first.id());

  // The same number with other content is a conflict, whatever differs.
  std::vector<std::pair<std::string, std::function<void(pv1::Incident&)>>> edits = {
      {"type", [](pv1::Incident& i) { i.set_type(pv1::INCIDENT_TYPE_FRAUD); }},
      {"occur time",
       [](pv1::Incident& i) { *i.mutable_occur_time() = ToTimestamp(Local(2026, 6, 10, 16)); }},
      {"community", [](pv1::Incident& i) { i.mutable_region()->set_community_id("GS02-C04"); }},
      {"summary", [](pv1::Incident& i) { i.set_summary("另一份记录"); }},
      {"address", [](pv1::Incident& i) { i.set_address("另一个地址"); }},
  };
  for (const auto& [name, edit] : edits) {
    SCOPED_TRACE(name);
    pv1::Incident other = sent;
    edit(other);
    o = TryIngest(kPolice, other, nullptr);
    EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(o);
  }

  // Stored and counted once, as first sent.
  const std::vector<pv1::Incident> all = ListAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].SerializeAsString(), first.SerializeAsString());
  const auto stats = Stats(kAdmin, Month(2026, 6), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_THAT(Rows(stats), ElementsAre("GS02 1/0 -"));
  EXPECT_EQ(stats.total().count(), 1);
}

TEST_F(PolicingTest, IngestRefusesBadInputNamingTheFieldAndStoresNothing) {
  Ingest(NewIncident("EXISTING-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 1, 9), "GS01",
                     "GS01-C01"));

  struct Case {
    std::string name;
    std::string field;
    std::function<void(pv1::Incident&)> edit;
  };
  const std::vector<Case> cases = {
      {"no number", "incident.incident_number",
       [](pv1::Incident& i) { i.clear_incident_number(); }},
      {"number with a space", "incident.incident_number",
       [](pv1::Incident& i) { i.set_incident_number("110 2026"); }},
      {"number with punctuation", "incident.incident_number",
       [](pv1::Incident& i) { i.set_incident_number("110/2026"); }},
      {"number in Chinese", "incident.incident_number",
       [](pv1::Incident& i) { i.set_incident_number("警情001"); }},
      {"number of 65 characters", "incident.incident_number",
       [](pv1::Incident& i) { i.set_incident_number(std::string(65, '7')); }},
      {"unspecified type", "incident.type",
       [](pv1::Incident& i) { i.set_type(pv1::INCIDENT_TYPE_UNSPECIFIED); }},
      {"unknown type", "incident.type",
       [](pv1::Incident& i) { i.set_type(static_cast<pv1::IncidentType>(99)); }},
      {"no occur time", "incident.occur_time", [](pv1::Incident& i) { i.clear_occur_time(); }},
      // The shared rule (gov::ValidatePastTime): the platform's clock may be kMaxClockSkew
      // ahead, no more. (The track refused any time after now before.)
      {"occur time past the clock skew", "incident.occur_time",
       [this](pv1::Incident& i) {
         *i.mutable_occur_time() = ToTimestamp(clock_.Now() + kMaxClockSkew + absl::Seconds(1));
       }},
      {"occur time a day ahead", "incident.occur_time",
       [this](pv1::Incident& i) {
         *i.mutable_occur_time() = ToTimestamp(clock_.Now() + absl::Hours(24));
       }},
      {"occur time before 2000", "incident.occur_time",
       [](pv1::Incident& i) {
         *i.mutable_occur_time() = ToTimestamp(Local(1999, 12, 31, 23, 59));
       }},
      {"no street", "incident.region.street_id",
       [](pv1::Incident& i) { i.mutable_region()->clear_street_id(); }},
      {"no region", "incident.region.street_id", [](pv1::Incident& i) { i.clear_region(); }},
      {"unknown street", "incident.region.street_id",
       [](pv1::Incident& i) { i.mutable_region()->set_street_id("GS99"); }},
      {"community of another street", "incident.region.community_id",
       [](pv1::Incident& i) { i.mutable_region()->set_community_id("GS02-C01"); }},
      {"unknown community", "incident.region.community_id",
       [](pv1::Incident& i) { i.mutable_region()->set_community_id("GS01-C99"); }},
      {"grid of another community", "incident.region.grid_id",
       [](pv1::Incident& i) { i.mutable_region()->set_grid_id("GS01-C02-G01"); }},
      {"summary of 2001 characters", "incident.summary",
       [](pv1::Incident& i) { i.set_summary(Repeat("窃", 2001)); }},
      {"address of 201 characters", "incident.address",
       [](pv1::Incident& i) { i.set_address(Repeat("路", 201)); }},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    pv1::Incident incident = NewIncident(absl::StrCat("BAD-", ++n), pv1::INCIDENT_TYPE_THEFT,
                                         Local(2026, 6, 2, 9), "GS01", "GS01-C01");
    c.edit(incident);
    const Outcome o = TryIngest(kPolice, incident);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_EQ(o.field, c.field) << Describe(o);
    EXPECT_THAT(o.status.error_message(), HasSubstr(c.field));
  }
  {
    SCOPED_TRACE("no incident");
    pv1::IngestIncidentRequest request;
    pv1::IngestIncidentResponse response;
    const Outcome o = Rpc(kPolice, [&](grpc::ClientContext* c) {
      return stub_->IngestIncident(c, request, &response);
    });
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_THAT(o.field, StartsWith("incident")) << Describe(o);
  }

  // The limits themselves are accepted: 64 characters of the allowed alphabet, 2000 and 200
  // characters of text (characters, not bytes), an occurrence at the present moment.
  pv1::Incident limits =
      NewIncident(std::string(30, 'A') + "-z_9" + std::string(30, '0'), pv1::INCIDENT_TYPE_THEFT,
                  clock_.Now(), "GS01", "GS01-C01", "GS01-C01-G05");
  ASSERT_EQ(limits.incident_number().size(), 64u);
  limits.set_summary(Repeat("窃", 2000));
  limits.set_address(Repeat("路", 200));
  const pv1::Incident stored = Ingest(limits);
  EXPECT_EQ(stored.summary(), limits.summary());

  // Nothing of the refused ones was stored.
  EXPECT_THAT(Numbers(ListAll()), UnorderedElementsAre("EXISTING-1", limits.incident_number()));
  EXPECT_EQ(Stats(kAdmin, Month(2026, 6), pv1::STATISTICS_GROUPING_STREET).total().count(), 2);
}

// A NUL in a free text is refused before the handler (server::RpcService checks every string of
// the request): INVALID_ARGUMENT naming the field, and nothing is stored, so the same incident
// number sent clean is then new.
TEST_F(PolicingTest, NulInAFreeTextIsRefusedNamingTheFieldAndStoresNothing) {
  pv1::Incident incident =
      NewIncident("NUL-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 2, 9), "GS01", "GS01-C01");
  incident.set_summary(std::string("电动车被盗") + '\0');
  Outcome o = TryIngest(kPolice, incident);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incident.summary");
  EXPECT_THAT(o.status.error_message(), HasSubstr("incident.summary"));
  incident = NewIncident("NUL-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 2, 9), "GS01");
  incident.set_address(std::string("和睦路") + '\0' + " 1 号");
  o = TryIngest(kPolice, incident);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incident.address");
  EXPECT_THAT(ListAll(), IsEmpty());

  pv1::IngestIncidentResponse response;
  o = TryIngest(kPolice,
                NewIncident("NUL-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 2, 9), "GS01"),
                &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(response.created());
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(PolicingTest, OnlyThePlatformAndTheDistrictIngest) {
  const pv1::Incident incident =
      NewIncident("ROLE-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 2, 9), "GS01", "GS01-C01");
  for (const char* token : {kViewer, kMediator1, kOperator1, kOperator12}) {
    SCOPED_TRACE(token);
    Outcome o = TryIngest(token, incident);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    o = TryBatch(token, {incident});
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    // Refused before the input is looked at.
    o = TryBatch(token, {});
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  }
  for (const char* token : {"", "not-a-token"}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(TryIngest(token, incident).code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(TryBatch(token, {incident}).code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(TryGet(token, "I-000001").code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(TryList(token, {}).code(), grpc::StatusCode::UNAUTHENTICATED);
    pv1::GetIncidentStatisticsRequest stats;
    stats.set_grouping(pv1::STATISTICS_GROUPING_STREET);
    EXPECT_EQ(TryStats(token, stats).code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_THAT(ListAll(), IsEmpty());

  // The police platform (system) ingests.
  pv1::IngestIncidentResponse response;
  Outcome o = TryIngest(kPolice, incident, &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(response.created());
  EXPECT_EQ(ListAll().size(), 1u);
  // So does the district (entering what the platform could not deliver).
  o = TryIngest(kAdmin,
                NewIncident("ROLE-2", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 6, 2, 10), "GS02"),
                &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_TRUE(response.created());
  EXPECT_EQ(ListAll().size(), 2u);
}

// ---- BatchIngestIncidents ----

TEST_F(PolicingTest, BatchStoresTheGoodRecordsAndReportsTheBadOnesInOrder) {
  const pv1::Incident pre =
      NewIncident("PRE-1", pv1::INCIDENT_TYPE_BURGLARY, Local(2026, 5, 3, 2), "GS01", "GS01-C01");
  const pv1::Incident pre_stored = Ingest(pre);

  std::vector<pv1::Incident> batch;
  // 0: good.
  batch.push_back(
      NewIncident("B-0", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 4, 10), "GS01", "GS01-C01"));
  // 1: no occurrence time.
  batch.push_back(NewIncident("B-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 4, 11), "GS01"));
  batch.back().clear_occur_time();
  // 2: good.
  batch.push_back(
      NewIncident("B-2", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 5, 5, 21), "GS01", "GS01-C02"));
  // 3: unknown street.
  batch.push_back(NewIncident("B-3", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 5, 5, 22), "GS99"));
  // 4: no type.
  batch.push_back(
      NewIncident("B-4", pv1::INCIDENT_TYPE_UNSPECIFIED, Local(2026, 5, 5, 23), "GS02"));
  // 5: good.
  batch.push_back(NewIncident("B-5", pv1::INCIDENT_TYPE_TELECOM_FRAUD, Local(2026, 5, 6, 9), "GS02",
                              "GS02-C01"));
  // 6: record 0 again, same content: a replay of what this call stored.
  batch.push_back(batch[0]);
  // 7: record 2's number with other content.
  batch.push_back(
      NewIncident("B-2", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 5, 21), "GS01", "GS01-C02"));
  // 8: bad number.
  batch.push_back(NewIncident("B 8!", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 7, 9), "GS01"));
  // 9: stored before this call, same content.
  batch.push_back(pre);
  // 10: community of another street.
  batch.push_back(
      NewIncident("B-10", pv1::INCIDENT_TYPE_VICE, Local(2026, 5, 7, 10), "GS01", "GS02-C01"));
  // 11: good.
  batch.push_back(
      NewIncident("B-11", pv1::INCIDENT_TYPE_DISPUTE, Local(2026, 5, 7, 11), "GS02", "GS02-C01"));
  // 12: summary too long.
  batch.push_back(NewIncident("B-12", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 8, 9), "GS01"));
  batch.back().set_summary(Repeat("窃", 2001));

  struct Want {
    int code;
    bool created;
    std::string field;  // "" when OK
  };
  const std::vector<Want> want = {
      {0, true, ""},
      {3, false, "incidents[1].occur_time"},
      {0, true, ""},
      {3, false, "incidents[3].region.street_id"},
      {3, false, "incidents[4].type"},
      {0, true, ""},
      {0, false, ""},
      {6, false, "incidents[7].incident_number"},
      {3, false, "incidents[8].incident_number"},
      {0, false, ""},
      {3, false, "incidents[10].region.community_id"},
      {0, true, ""},
      {3, false, "incidents[12].summary"},
  };
  ASSERT_EQ(want.size(), batch.size());

  pv1::BatchIngestIncidentsResponse first;
  Outcome o = TryBatch(kPolice, batch, &first);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(first.results_size(), static_cast<int>(batch.size()));
  std::map<std::string, std::string> id_of;  // number -> id of the stored ones
  for (int i = 0; i < first.results_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("record ", i));
    const pv1::IngestResult& r = first.results(i);
    EXPECT_EQ(r.index(), i);
    EXPECT_EQ(r.incident_number(), batch[i].incident_number());
    EXPECT_EQ(r.code(), want[i].code) << r.message();
    EXPECT_EQ(r.created(), want[i].created);
    EXPECT_EQ(r.field(), want[i].field) << r.message();
    if (want[i].code == 0) {
      EXPECT_TRUE(r.message().empty()) << r.message();
      EXPECT_THAT(r.incident().id(), StartsWith("I-"));
      EXPECT_EQ(r.incident().incident_number(), batch[i].incident_number());
      EXPECT_EQ(r.incident().type(), batch[i].type());
      id_of[r.incident_number()] = r.incident().id();
    } else {
      EXPECT_FALSE(r.message().empty());
      if (want[i].code == 3) {
        EXPECT_FALSE(r.has_incident()) << "a refused record is not stored";
      }
    }
  }
  EXPECT_EQ(first.created_count(), 4);
  EXPECT_EQ(first.replayed_count(), 2);
  EXPECT_EQ(first.failed_count(), 7);
  // The in-batch replay is the incident record 0 stored; the earlier one keeps its id.
  EXPECT_EQ(first.results(6).incident().id(), first.results(0).incident().id());
  EXPECT_EQ(first.results(9).incident().id(), pre_stored.id());
  // The conflicting record did not change what record 2 stored.
  EXPECT_EQ(Get(first.results(2).incident().id()).type(), pv1::INCIDENT_TYPE_FIGHT);

  // Stored: the good ones and the one from before, each once; the bad ones nowhere.
  const std::vector<pv1::Incident> stored = ListAll();
  EXPECT_THAT(Numbers(stored), UnorderedElementsAre("PRE-1", "B-0", "B-2", "B-5", "B-11"));
  for (const auto& [number, id] : id_of) {
    SCOPED_TRACE(number);
    EXPECT_EQ(Get(id).incident_number(), number);
  }
  const auto stats_before = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_THAT(Rows(stats_before), ElementsAre("GS01 3/0 -", "GS02 2/0 -"));
  EXPECT_EQ(stats_before.total().count(), 5);
  const auto types_before = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_TYPE);
  EXPECT_THAT(Rows(types_before),
              ElementsAre("INCIDENT_TYPE_BURGLARY 1/0 -", "INCIDENT_TYPE_DISPUTE 1/0 -",
                          "INCIDENT_TYPE_FIGHT 1/0 -", "INCIDENT_TYPE_TELECOM_FRAUD 1/0 -",
                          "INCIDENT_TYPE_THEFT 1/0 -"));
  const auto indicators_before = Indicators(kAdmin, "", 2026, 5);
  ASSERT_TRUE(indicators_before.contains(kTotalIncidents));
  EXPECT_EQ(indicators_before.at(kTotalIncidents).actual(), 5);
  EXPECT_EQ(indicators_before.at(kCriminalPublicOrder).actual(), 4);
  EXPECT_EQ(indicators_before.at(kPropertyCrime).actual(), 3);

  // The whole batch again, later: nothing new, the same ids, the same refusals.
  clock_.Advance(absl::Hours(1));
  pv1::BatchIngestIncidentsResponse again;
  o = TryBatch(kPolice, batch, &again);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(again.results_size(), static_cast<int>(batch.size()));
  EXPECT_EQ(again.created_count(), 0);
  EXPECT_EQ(again.replayed_count(), 6);
  EXPECT_EQ(again.failed_count(), 7);
  for (int i = 0; i < again.results_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("replayed record ", i));
    const pv1::IngestResult& r = again.results(i);
    EXPECT_EQ(r.index(), i);
    EXPECT_EQ(r.code(), want[i].code);
    EXPECT_FALSE(r.created());
    EXPECT_EQ(r.field(), want[i].field);
    if (want[i].code == 0) {
      EXPECT_EQ(r.incident().id(), id_of.contains(r.incident_number())
                                       ? id_of.at(r.incident_number())
                                       : pre_stored.id());
      EXPECT_EQ(FromTimestamp(r.incident().ingest_time()),
                FromTimestamp(first.results(i).incident().ingest_time()));
    }
  }
  EXPECT_EQ(ListAll().size(), 5u);
  const auto stats_after = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(Rows(stats_after), Rows(stats_before));
  EXPECT_EQ(stats_after.total().count(), 5);
  EXPECT_EQ(Rows(Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_TYPE)), Rows(types_before));
  const auto indicators_after = Indicators(kAdmin, "", 2026, 5);
  for (const auto& [id, before] : indicators_before) {
    SCOPED_TRACE(id);
    ASSERT_TRUE(indicators_after.contains(id));
    EXPECT_EQ(indicators_after.at(id).SerializeAsString(), before.SerializeAsString());
  }

  // The same records through IngestIncident are replays too.
  pv1::IngestIncidentResponse single;
  o = TryIngest(kPolice, batch[5], &single);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_FALSE(single.created());
  EXPECT_EQ(single.incident().id(), id_of.at("B-5"));
}

TEST_F(PolicingTest, BatchSizeIsOneToFiveHundred) {
  auto record = [](const std::string& prefix, int i) {
    return NewIncident(absl::StrCat(prefix, i), pv1::INCIDENT_TYPE_THEFT,
                       Local(2026, 6, 1, 0) + absl::Minutes(i), "GS04", "GS04-C01");
  };
  Outcome o = TryBatch(kPolice, {});
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incidents") << Describe(o);

  std::vector<pv1::Incident> too_many;
  for (int i = 0; i < 501; ++i) too_many.push_back(record("X-", i));
  o = TryBatch(kPolice, too_many);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "incidents") << Describe(o);
  EXPECT_THAT(ListAll(), IsEmpty()) << "a refused call stores nothing";

  std::vector<pv1::Incident> full;
  for (int i = 0; i < 500; ++i) full.push_back(record("F-", i));
  pv1::BatchIngestIncidentsResponse response;
  o = TryBatch(kPolice, full, &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(response.created_count(), 500);
  EXPECT_EQ(response.failed_count(), 0);
  EXPECT_EQ(response.results_size(), 500);
  EXPECT_EQ(ListAll({}, 500).size(), 500u);
  EXPECT_EQ(Stats(kAdmin, Month(2026, 6), pv1::STATISTICS_GROUPING_STREET).total().count(), 500);

  // One record alone is a batch too.
  o = TryBatch(kPolice, {record("ONE-", 1)}, &response);
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  EXPECT_EQ(response.created_count(), 1);
}

// ---- GetIncident / ListIncidents ----

TEST_F(PolicingTest, IncidentDetailsAreForTheRolesThatHandleThem) {
  const pv1::Incident gs01 = Ingest(NewIncident(
      "ACC-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 2, 9), "GS01", "GS01-C01", "GS01-C01-G01"));
  const pv1::Incident gs02 = Ingest(
      NewIncident("ACC-2", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 6, 3, 9), "GS02", "GS02-C01"));
  const pv1::Incident gs03 = Ingest(
      NewIncident("ACC-3", pv1::INCIDENT_TYPE_VICE, Local(2026, 6, 4, 9), "GS03", "GS03-C01"));

  // The district, the platform, and the street's operators read the details.
  for (const char* token : {kAdmin, kPolice, kOperator1, kOperator12}) {
    SCOPED_TRACE(token);
    pv1::Incident read;
    Outcome o = TryGet(token, gs01.id(), &read);
    ASSERT_TRUE(o.status.ok()) << Describe(o);
    EXPECT_EQ(read.summary(), gs01.summary());
    EXPECT_EQ(read.address(), gs01.address());
    EXPECT_EQ(read.region().grid_id(), "GS01-C01-G01");
  }
  EXPECT_TRUE(TryGet(kOperator12, gs02.id()).status.ok());

  // Viewers and mediators get aggregates only; an operator not another street's incidents.
  for (const char* token : {kViewer, kMediator1}) {
    SCOPED_TRACE(token);
    pv1::Incident read;
    Outcome o = TryGet(token, gs01.id(), &read);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    EXPECT_TRUE(read.summary().empty());
    o = TryList(token, {});
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    pv1::ListIncidentsRequest own;
    *own.mutable_region() = Region("GS01");
    o = TryList(token, own);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  }
  EXPECT_EQ(TryGet(kOperator1, gs02.id()).code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TryGet(kOperator12, gs03.id()).code(), grpc::StatusCode::PERMISSION_DENIED);

  // Lists keep to the caller's scope; naming a region outside it is refused.
  EXPECT_THAT(Numbers(ListAll({}, 500, kOperator1)), ElementsAre("ACC-1"));
  EXPECT_THAT(Numbers(ListAll({}, 500, kOperator12)), ElementsAre("ACC-2", "ACC-1"));
  EXPECT_THAT(Numbers(ListAll({}, 500, kPolice)), ElementsAre("ACC-3", "ACC-2", "ACC-1"));
  for (const gv1::RegionRef& region : {Region("GS02"), Region("GS02", "GS02-C01")}) {
    SCOPED_TRACE(region.ShortDebugString());
    pv1::ListIncidentsRequest request;
    *request.mutable_region() = region;
    pv1::ListIncidentsResponse response;
    Outcome o = TryList(kOperator1, request, &response);
    EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
    EXPECT_EQ(response.incidents_size(), 0);
  }
  pv1::ListIncidentsRequest gs03_only;
  *gs03_only.mutable_region() = Region("GS03");
  EXPECT_EQ(TryList(kOperator12, gs03_only).code(), grpc::StatusCode::PERMISSION_DENIED);
  pv1::ListIncidentsRequest gs01_only;
  *gs01_only.mutable_region() = Region("GS01");
  EXPECT_THAT(Numbers(ListAll(gs01_only, 500, kOperator1)), ElementsAre("ACC-1"));

  // Bad input and unknown ids.
  Outcome o = TryGet(kAdmin, "");
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "id");
  o = TryGet(kAdmin, "I-999999");
  EXPECT_EQ(o.code(), grpc::StatusCode::NOT_FOUND) << Describe(o);
}

TEST_F(PolicingTest, ListFiltersOrdersByOccurrenceAndPages) {
  // GS01: one incident a day 1..12 May 2026, ingested out of order: theft on days divisible by
  // 3, fights on 1, 4, 7, 10, disputes on the rest; even days in GS01-C02, odd days in
  // GS01-C01, days 1, 5 and 9 in its grid G03.
  const pv1::IncidentType types[] = {pv1::INCIDENT_TYPE_THEFT, pv1::INCIDENT_TYPE_FIGHT,
                                     pv1::INCIDENT_TYPE_DISPUTE};
  std::vector<pv1::Incident> batch;
  for (int k = 0; k < 12; ++k) {
    const int day = (k * 5) % 12 + 1;  // 1, 6, 11, 4, 9, 2, 7, 12, 5, 10, 3, 8
    const std::string community = day % 2 == 0 ? "GS01-C02" : "GS01-C01";
    const std::string grid = day % 4 == 1 ? "GS01-C01-G03" : "";
    batch.push_back(NewIncident(absl::StrCat("L-05", day < 10 ? "0" : "", day), types[day % 3],
                                Local(2026, 5, day, 9, day), "GS01", community, grid));
  }
  // GS02 in April 2026 and GS01 in May 2025.
  batch.push_back(
      NewIncident("M-0420", pv1::INCIDENT_TYPE_THEFT, Local(2026, 4, 20, 8), "GS02", "GS02-C01"));
  batch.push_back(NewIncident("M-0430", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 4, 30, 23, 59),
                              "GS02", "GS02-C02"));
  batch.push_back(
      NewIncident("N-2505", pv1::INCIDENT_TYPE_THEFT, Local(2025, 5, 5, 8), "GS01", "GS01-C01"));
  IngestAll(batch);

  auto numbers = [&](pv1::ListIncidentsRequest request, int page_size = 500) {
    return Numbers(ListAll(request, page_size));
  };
  const std::vector<std::string> may_gs01 = {"L-0512", "L-0511", "L-0510", "L-0509",
                                             "L-0508", "L-0507", "L-0506", "L-0505",
                                             "L-0504", "L-0503", "L-0502", "L-0501"};
  std::vector<std::string> everything = may_gs01;
  everything.insert(everything.end(), {"M-0430", "M-0420", "N-2505"});
  EXPECT_EQ(numbers({}), everything) << "newest occurrence first";
  // Paging: every incident once, in order, whatever the page size.
  for (int size : {1, 5, 7}) {
    SCOPED_TRACE(size);
    EXPECT_EQ(numbers({}, size), everything);
  }
  pv1::ListIncidentsRequest first_page;
  first_page.set_page_size(5);
  pv1::ListIncidentsResponse page;
  ASSERT_TRUE(TryList(kAdmin, first_page, &page).status.ok());
  EXPECT_EQ(page.incidents_size(), 5);
  EXPECT_FALSE(page.next_page_token().empty());
  // 0 means 50: one page holds all 15.
  pv1::ListIncidentsResponse default_page;
  ASSERT_TRUE(TryList(kAdmin, {}, &default_page).status.ok());
  EXPECT_EQ(default_page.incidents_size(), 15);
  EXPECT_TRUE(default_page.next_page_token().empty());

  // Filters.
  pv1::ListIncidentsRequest by_street;
  *by_street.mutable_region() = Region("GS01");
  std::vector<std::string> gs01 = may_gs01;
  gs01.push_back("N-2505");
  EXPECT_EQ(numbers(by_street), gs01);
  EXPECT_EQ(numbers(by_street, 4), gs01);

  pv1::ListIncidentsRequest by_community;
  *by_community.mutable_region() = Region("GS01", "GS01-C02");
  EXPECT_THAT(numbers(by_community, 2),
              ElementsAre("L-0512", "L-0510", "L-0508", "L-0506", "L-0504", "L-0502"));
  pv1::ListIncidentsRequest by_grid;
  *by_grid.mutable_region() = Region("GS01", "GS01-C01", "GS01-C01-G03");
  EXPECT_THAT(numbers(by_grid), ElementsAre("L-0509", "L-0505", "L-0501"));

  pv1::ListIncidentsRequest by_period;
  *by_period.mutable_period() = Month(2026, 5);
  EXPECT_EQ(numbers(by_period, 5), may_gs01);
  *by_period.mutable_period() = Month(2026, 4);
  EXPECT_THAT(numbers(by_period), ElementsAre("M-0430", "M-0420"));
  *by_period.mutable_period() = Year(2025);
  EXPECT_THAT(numbers(by_period), ElementsAre("N-2505"));
  // ISO week 19 of 2026 runs from Monday 4 to Sunday 10 May.
  *by_period.mutable_period() = Week(2026, 19);
  EXPECT_THAT(numbers(by_period),
              ElementsAre("L-0510", "L-0509", "L-0508", "L-0507", "L-0506", "L-0505", "L-0504"));
  *by_period.mutable_period() = Quarter(2026, 2);
  EXPECT_EQ(numbers(by_period).size(), 14u);

  pv1::ListIncidentsRequest by_type;
  by_type.add_types(pv1::INCIDENT_TYPE_DISPUTE);  // days 2, 5, 8, 11
  EXPECT_THAT(numbers(by_type), ElementsAre("L-0511", "L-0508", "L-0505", "L-0502"));
  by_type.add_types(pv1::INCIDENT_TYPE_FIGHT);  // days 1, 4, 7, 10, and M-0430
  EXPECT_THAT(numbers(by_type, 3), ElementsAre("L-0511", "L-0510", "L-0508", "L-0507", "L-0505",
                                               "L-0504", "L-0502", "L-0501", "M-0430"));

  pv1::ListIncidentsRequest combined;
  *combined.mutable_region() = Region("GS01", "GS01-C01");
  *combined.mutable_period() = Month(2026, 5);
  combined.add_types(pv1::INCIDENT_TYPE_THEFT);  // days 3, 6, 9, 12; in GS01-C01: 3, 9
  EXPECT_THAT(numbers(combined), ElementsAre("L-0509", "L-0503"));

  // Bad input.
  struct Case {
    std::string name;
    std::string field;
    pv1::ListIncidentsRequest request;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, std::string field,
                 std::function<void(pv1::ListIncidentsRequest&)> edit) {
    pv1::ListIncidentsRequest r;
    edit(r);
    cases.push_back({std::move(name), std::move(field), std::move(r)});
  };
  add("negative page size", "page_size", [](auto& r) { r.set_page_size(-1); });
  add("unknown street", "region.street_id", [](auto& r) { *r.mutable_region() = Region("GS99"); });
  add("community of another street", "region.community_id",
      [](auto& r) { *r.mutable_region() = Region("GS01", "GS02-C01"); });
  add("bad month", "period.month", [](auto& r) { *r.mutable_period() = Month(2026, 13); });
  add("forged token", "page_token", [](auto& r) { r.set_page_token("bm90LWEtdG9rZW4"); });
  std::string tampered = page.next_page_token();
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  add("tampered token", "page_token", [&](auto& r) {
    r.set_page_size(5);
    r.set_page_token(tampered);
  });
  // A token only continues its own query.
  add("token of other filters", "page_token", [&](auto& r) {
    r.set_page_size(5);
    r.add_types(pv1::INCIDENT_TYPE_THEFT);
    r.set_page_token(page.next_page_token());
  });
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    pv1::ListIncidentsResponse response;
    const Outcome o = TryList(kAdmin, c.request, &response);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_EQ(o.field, c.field) << Describe(o);
    EXPECT_EQ(response.incidents_size(), 0);
  }
  // The untampered token continues.
  first_page.set_page_token(page.next_page_token());
  pv1::ListIncidentsResponse second_page;
  ASSERT_TRUE(TryList(kAdmin, first_page, &second_page).status.ok());
  ASSERT_EQ(second_page.incidents_size(), 5);
  EXPECT_EQ(second_page.incidents(0).incident_number(), "L-0507");
}

// ---- GetIncidentStatistics ----

// A known set of incidents over 2025 and 2026; the expected figures below are counted by hand
// from this table.
struct Seed {
  const char* number;
  pv1::IncidentType type;
  absl::Time when;
  const char* street;
  const char* community;
};

std::vector<Seed> StatisticsSeeds() {
  return {
      // May 2026. A4 on the last evening of the month.
      {"A1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 4, 10), "GS01", "GS01-C01"},
      {"A2", pv1::INCIDENT_TYPE_BURGLARY, Local(2026, 5, 10, 14), "GS01", "GS01-C01"},
      {"A3", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 5, 20, 9), "GS01", "GS01-C02"},
      {"A4", pv1::INCIDENT_TYPE_TELECOM_FRAUD, Local(2026, 5, 31, 23, 30), "GS02", "GS02-C01"},
      {"A5", pv1::INCIDENT_TYPE_DISPUTE, Local(2026, 5, 15, 8), "GS02", "GS02-C02"},
      // ISO week 23 of 2026 is Monday 1 to Sunday 7 June. W1 is on 1 June local time (still
      // 31 May in UTC); W4 is in week 24.
      {"W1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 1, 0, 30), "GS01", "GS01-C01"},
      {"W2", pv1::INCIDENT_TYPE_VICE, Local(2026, 6, 3, 12), "GS01", "GS01-C02"},
      {"W3", pv1::INCIDENT_TYPE_TRAFFIC, Local(2026, 6, 7, 22), "GS02", "GS02-C01"},
      {"W4", pv1::INCIDENT_TYPE_THEFT, Local(2026, 6, 8, 1), "GS01", "GS01-C01"},
      // Q1 2026 (Q5 just after it).
      {"Q1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 1, 1, 0, 10), "GS01", "GS01-C01"},
      {"Q2", pv1::INCIDENT_TYPE_ROBBERY, Local(2026, 2, 14, 20), "GS02", "GS02-C01"},
      {"Q3", pv1::INCIDENT_TYPE_FIGHT, Local(2026, 3, 31, 23, 59), "GS01", "GS01-C02"},
      {"Q4", pv1::INCIDENT_TYPE_DISTURBANCE, Local(2026, 3, 15, 11), "GS03", "GS03-C01"},
      {"Q5", pv1::INCIDENT_TYPE_THEFT, Local(2026, 4, 1, 0, 5), "GS01", "GS01-C01"},
      // May 2025 (B6 just before it).
      {"B1", pv1::INCIDENT_TYPE_THEFT, Local(2025, 5, 5, 10), "GS01", "GS01-C01"},
      {"B2", pv1::INCIDENT_TYPE_THEFT, Local(2025, 5, 6, 10), "GS01", "GS01-C01"},
      {"B3", pv1::INCIDENT_TYPE_THEFT, Local(2025, 5, 7, 10), "GS01", "GS01-C01"},
      {"B4", pv1::INCIDENT_TYPE_FIGHT, Local(2025, 5, 25, 21), "GS01", "GS01-C02"},
      {"B5", pv1::INCIDENT_TYPE_VIOLENCE, Local(2025, 5, 12, 16), "GS01", "GS01-C01"},
      {"B6", pv1::INCIDENT_TYPE_THEFT, Local(2025, 4, 30, 23, 50), "GS01", "GS01-C01"},
      // ISO week 23 of 2025 is Monday 2 to Sunday 8 June; V1 (1 June, local, 31 May in UTC) is
      // in week 22, V3 (8 June) in week 23.
      {"V1", pv1::INCIDENT_TYPE_FIGHT, Local(2025, 6, 1, 0, 20), "GS02", "GS02-C01"},
      {"V2", pv1::INCIDENT_TYPE_VICE, Local(2025, 6, 2, 9), "GS01", "GS01-C02"},
      {"V3", pv1::INCIDENT_TYPE_THEFT, Local(2025, 6, 8, 21), "GS01", "GS01-C01"},
      {"V4", pv1::INCIDENT_TYPE_TRAFFIC, Local(2025, 6, 5, 15), "GS02", "GS02-C01"},
      {"V5", pv1::INCIDENT_TYPE_THEFT, Local(2025, 6, 4, 13), "GS01", "GS01-C01"},
      // Q1 2025 and the last day of 2025 (ISO week 1 of 2026, calendar year 2025).
      {"R1", pv1::INCIDENT_TYPE_THEFT, Local(2025, 1, 10, 9), "GS01", "GS01-C01"},
      {"R2", pv1::INCIDENT_TYPE_FIGHT, Local(2025, 3, 20, 19), "GS01", "GS01-C02"},
      {"R3", pv1::INCIDENT_TYPE_BURGLARY, Local(2025, 3, 31, 23, 30), "GS02", "GS02-C01"},
      {"R4", pv1::INCIDENT_TYPE_THEFT, Local(2025, 12, 31, 22), "GS01", "GS01-C01"},
  };
}

class PolicingStatisticsTest : public PolicingTest {
 protected:
  void SetUp() override {
    PolicingTest::SetUp();
    if (HasFatalFailure()) return;
    std::vector<pv1::Incident> batch;
    for (const Seed& s : StatisticsSeeds()) {
      batch.push_back(
          NewIncident(absl::StrCat("S-", s.number), s.type, s.when, s.street, s.community));
    }
    IngestAll(batch);
  }
};

TEST_F(PolicingStatisticsTest, MonthAgainstTheSameMonthLastYear) {
  // May 2026: A1..A5. May 2025: B1..B5 (B6 is April; W1, V1 are June in local time).
  const auto streets = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(PeriodText(streets.period()), "2026-M5");
  EXPECT_EQ(PeriodText(streets.last_year_period()), "2025-M5");
  // GS01 3 against 5: -40%. GS02 had none last year: no change.
  EXPECT_THAT(Rows(streets), ElementsAre("GS01 3/5 -4000", "GS02 2/0 -"));
  EXPECT_EQ(RowText(streets.total()), " 5/5 0");
  ASSERT_EQ(streets.rows_size(), 2);
  EXPECT_EQ(streets.rows(0).name(), h_.regions().NameOf("GS01"));
  EXPECT_EQ(streets.rows(1).name(), h_.regions().NameOf("GS02"));

  const auto communities = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_COMMUNITY);
  EXPECT_THAT(Rows(communities), ElementsAre("GS01-C01 2/4 -5000", "GS01-C02 1/1 0",
                                             "GS02-C01 1/0 -", "GS02-C02 1/0 -"));
  ASSERT_EQ(communities.rows_size(), 4);
  EXPECT_EQ(communities.rows(0).name(), h_.regions().NameOf("GS01-C01"));

  // Theft 1 against 3: -66.67%, rounded away from zero. Violence only last year: a row of 0.
  const auto types = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_TYPE);
  EXPECT_THAT(Rows(types),
              ElementsAre("INCIDENT_TYPE_BURGLARY 1/0 -", "INCIDENT_TYPE_DISPUTE 1/0 -",
                          "INCIDENT_TYPE_FIGHT 1/1 0", "INCIDENT_TYPE_TELECOM_FRAUD 1/0 -",
                          "INCIDENT_TYPE_THEFT 1/3 -6667", "INCIDENT_TYPE_VIOLENCE 0/1 -10000"));
  for (const pv1::StatisticsRow& row : types.rows()) EXPECT_FALSE(row.name().empty()) << row.key();

  const auto classes = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_CLASS);
  EXPECT_THAT(Rows(classes),
              ElementsAre("INCIDENT_CLASS_CRIMINAL 3/4 -2500", "INCIDENT_CLASS_NON_POLICE 1/0 -",
                          "INCIDENT_CLASS_PUBLIC_ORDER 1/1 0"));
  EXPECT_EQ(RowText(classes.total()), " 5/5 0");

  // Class filters apply to rows and total.
  const auto criminal = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET, {},
                              {pv1::INCIDENT_CLASS_CRIMINAL});
  EXPECT_THAT(Rows(criminal), ElementsAre("GS01 2/4 -5000", "GS02 1/0 -"));
  EXPECT_EQ(RowText(criminal.total()), " 3/4 -2500");
  const auto order_and_calls =
      Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_TYPE, {},
            {pv1::INCIDENT_CLASS_PUBLIC_ORDER, pv1::INCIDENT_CLASS_NON_POLICE});
  EXPECT_THAT(Rows(order_and_calls),
              ElementsAre("INCIDENT_TYPE_DISPUTE 1/0 -", "INCIDENT_TYPE_FIGHT 1/1 0"));
  EXPECT_EQ(RowText(order_and_calls.total()), " 2/1 10000");

  // Regions narrow it.
  const auto in_gs02 =
      Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_COMMUNITY, Region("GS02"));
  EXPECT_THAT(Rows(in_gs02), ElementsAre("GS02-C01 1/0 -", "GS02-C02 1/0 -"));
  EXPECT_EQ(RowText(in_gs02.total()), " 2/0 -");
  const auto in_c01 =
      Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_TYPE, Region("GS01", "GS01-C01"));
  EXPECT_THAT(Rows(in_c01),
              ElementsAre("INCIDENT_TYPE_BURGLARY 1/0 -", "INCIDENT_TYPE_THEFT 1/3 -6667",
                          "INCIDENT_TYPE_VIOLENCE 0/1 -10000"));
  EXPECT_EQ(RowText(in_c01.total()), " 2/4 -5000");

  // A month without any incident, this year or last.
  const auto empty =
      Stats(kAdmin, Month(2026, 2), pv1::STATISTICS_GROUPING_COMMUNITY, Region("GS03"));
  EXPECT_THAT(Rows(empty), IsEmpty());
  EXPECT_EQ(RowText(empty.total()), " 0/0 -");
}

TEST_F(PolicingStatisticsTest, IsoWeekAgainstTheSameWeekNumberLastYear) {
  // Week 23 of 2026 (1-7 June): W1, W2, W3. Week 23 of 2025 (2-8 June): V2, V3, V4, V5.
  const auto streets = Stats(kAdmin, Week(2026, 23), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(PeriodText(streets.period()), "2026-W23");
  EXPECT_EQ(PeriodText(streets.last_year_period()), "2025-W23");
  EXPECT_THAT(Rows(streets), ElementsAre("GS01 2/3 -3333", "GS02 1/1 0"));
  EXPECT_EQ(RowText(streets.total()), " 3/4 -2500");

  const auto types = Stats(kAdmin, Week(2026, 23), pv1::STATISTICS_GROUPING_TYPE);
  EXPECT_THAT(Rows(types), ElementsAre("INCIDENT_TYPE_THEFT 1/2 -5000",
                                       "INCIDENT_TYPE_TRAFFIC 1/1 0", "INCIDENT_TYPE_VICE 1/1 0"));
  const auto classes = Stats(kAdmin, Week(2026, 23), pv1::STATISTICS_GROUPING_CLASS);
  EXPECT_THAT(Rows(classes),
              ElementsAre("INCIDENT_CLASS_CRIMINAL 1/2 -5000", "INCIDENT_CLASS_OTHER_POLICE 1/1 0",
                          "INCIDENT_CLASS_PUBLIC_ORDER 1/1 0"));
  const auto communities = Stats(kAdmin, Week(2026, 23), pv1::STATISTICS_GROUPING_COMMUNITY);
  EXPECT_THAT(Rows(communities),
              ElementsAre("GS01-C01 1/2 -5000", "GS01-C02 1/1 0", "GS02-C01 1/1 0"));

  // Week 24: W4 alone; last year's week 24 (9-15 June 2025) had none.
  const auto next = Stats(kAdmin, Week(2026, 24), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_THAT(Rows(next), ElementsAre("GS01 1/0 -"));
  // Week 1 of 2026 runs from 29 December 2025: R4 and Q1; week 1 of 2025 (30 Dec 2024 -
  // 5 Jan 2025) none.
  const auto week1 = Stats(kAdmin, Week(2026, 1), pv1::STATISTICS_GROUPING_COMMUNITY);
  EXPECT_THAT(Rows(week1), ElementsAre("GS01-C01 2/0 -"));
}

TEST_F(PolicingStatisticsTest, QuarterYearAndTheCurrentMonth) {
  // Q1 2026: Q1..Q4 (Q5 is 1 April). Q1 2025: R1, R2, R3.
  const auto quarter = Stats(kAdmin, Quarter(2026, 1), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(PeriodText(quarter.period()), "2026-Q1");
  EXPECT_EQ(PeriodText(quarter.last_year_period()), "2025-Q1");
  EXPECT_THAT(Rows(quarter), ElementsAre("GS01 2/2 0", "GS02 1/1 0", "GS03 1/0 -"));
  EXPECT_EQ(RowText(quarter.total()), " 4/3 3333");
  const auto quarter_types = Stats(kAdmin, Quarter(2026, 1), pv1::STATISTICS_GROUPING_TYPE);
  EXPECT_THAT(Rows(quarter_types),
              ElementsAre("INCIDENT_TYPE_DISTURBANCE 1/0 -", "INCIDENT_TYPE_FIGHT 1/1 0",
                          "INCIDENT_TYPE_ROBBERY 1/0 -", "INCIDENT_TYPE_THEFT 1/1 0",
                          "INCIDENT_TYPE_BURGLARY 0/1 -10000"))
      << "descending count, ties by key";

  // 2026 so far (14) against all of 2025 (15): -6.67%, rounded away from zero.
  const auto year = Stats(kAdmin, Year(2026), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(PeriodText(year.period()), "2026");
  EXPECT_EQ(PeriodText(year.last_year_period()), "2025");
  EXPECT_THAT(Rows(year), ElementsAre("GS01 9/12 -2500", "GS02 4/3 3333", "GS03 1/0 -"));
  EXPECT_EQ(RowText(year.total()), " 14/15 -667");
  const auto year_classes = Stats(kAdmin, Year(2026), pv1::STATISTICS_GROUPING_CLASS);
  EXPECT_THAT(Rows(year_classes),
              ElementsAre("INCIDENT_CLASS_CRIMINAL 8/10 -2000", "INCIDENT_CLASS_PUBLIC_ORDER 4/4 0",
                          "INCIDENT_CLASS_NON_POLICE 1/0 -", "INCIDENT_CLASS_OTHER_POLICE 1/1 0"));

  // No period: the current month, June 2026 (W1..W4 against V1..V5).
  const auto current = Stats(kAdmin, std::nullopt, pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(PeriodText(current.period()), "2026-M6");
  EXPECT_EQ(PeriodText(current.last_year_period()), "2025-M6");
  EXPECT_THAT(Rows(current), ElementsAre("GS01 3/3 0", "GS02 1/2 -5000"));
  EXPECT_EQ(RowText(current.total()), " 4/5 -2000");
}

TEST_F(PolicingStatisticsTest, ViewersReadAggregatesAndOperatorsTheirStreets) {
  const auto district = Stats(kAdmin, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  const auto viewer = Stats(kViewer, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_EQ(Rows(viewer), Rows(district));
  EXPECT_EQ(RowText(viewer.total()), RowText(district.total()));

  // A street operator: its street only, without naming it or naming it.
  const auto own = Stats(kOperator1, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_THAT(Rows(own), ElementsAre("GS01 3/5 -4000"));
  EXPECT_EQ(RowText(own.total()), " 3/5 -4000");
  const auto own_communities =
      Stats(kOperator1, Month(2026, 5), pv1::STATISTICS_GROUPING_COMMUNITY);
  EXPECT_THAT(Rows(own_communities), ElementsAre("GS01-C01 2/4 -5000", "GS01-C02 1/1 0"));
  const auto named =
      Stats(kOperator1, Month(2026, 5), pv1::STATISTICS_GROUPING_COMMUNITY, Region("GS01"));
  EXPECT_EQ(Rows(named), Rows(own_communities));
  const auto both = Stats(kOperator12, Year(2026), pv1::STATISTICS_GROUPING_STREET);
  EXPECT_THAT(Rows(both), ElementsAre("GS01 9/12 -2500", "GS02 4/3 3333"));
  EXPECT_EQ(RowText(both.total()), " 13/15 -1333");

  pv1::GetIncidentStatisticsRequest other;
  *other.mutable_period() = Month(2026, 5);
  other.set_grouping(pv1::STATISTICS_GROUPING_STREET);
  *other.mutable_region() = Region("GS02");
  pv1::GetIncidentStatisticsResponse response;
  Outcome o = TryStats(kOperator1, other, &response);
  EXPECT_EQ(o.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(o);
  EXPECT_EQ(response.rows_size(), 0);
  *other.mutable_region() = Region("GS03");
  EXPECT_EQ(TryStats(kOperator12, other).code(), grpc::StatusCode::PERMISSION_DENIED);

  // Statistics follow new incidents at once (no stale cached answer).
  Ingest(
      NewIncident("LATE-1", pv1::INCIDENT_TYPE_THEFT, Local(2026, 5, 30, 12), "GS02", "GS02-C01"));
  EXPECT_THAT(Rows(Stats(kViewer, Month(2026, 5), pv1::STATISTICS_GROUPING_STREET)),
              ElementsAre("GS01 3/5 -4000", "GS02 3/0 -"));
}

TEST_F(PolicingStatisticsTest, BadStatisticsRequestsNameTheField) {
  struct Case {
    std::string name;
    std::string field;
    std::function<void(pv1::GetIncidentStatisticsRequest&)> edit;
  };
  const std::vector<Case> cases = {
      {"no grouping", "grouping",
       [](auto& r) { r.set_grouping(pv1::STATISTICS_GROUPING_UNSPECIFIED); }},
      {"unknown grouping", "grouping",
       [](auto& r) { r.set_grouping(static_cast<pv1::StatisticsGrouping>(42)); }},
      {"month 13", "period.month", [](auto& r) { *r.mutable_period() = Month(2026, 13); }},
      {"week 54", "period.week", [](auto& r) { *r.mutable_period() = Week(2026, 54); }},
      {"quarter 5", "period.quarter", [](auto& r) { *r.mutable_period() = Quarter(2026, 5); }},
      {"year 1999", "period.year", [](auto& r) { *r.mutable_period() = Year(1999); }},
      {"unknown street", "region.street_id", [](auto& r) { *r.mutable_region() = Region("GS99"); }},
      {"community of another street", "region.community_id",
       [](auto& r) { *r.mutable_region() = Region("GS01", "GS02-C01"); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    pv1::GetIncidentStatisticsRequest request;
    *request.mutable_period() = Month(2026, 5);
    request.set_grouping(pv1::STATISTICS_GROUPING_STREET);
    c.edit(request);
    const Outcome o = TryStats(kAdmin, request);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
    EXPECT_EQ(o.field, c.field) << Describe(o);
    EXPECT_THAT(o.status.error_message(), HasSubstr(c.field));
  }
}

// ---- Indicators ----

TEST_F(PolicingTest, DownFivePercentIndicatorsMatchHandComputedCounts) {
  // March 2025 and March 2026, in GS03 and GS04. Per street and year, `n` incidents of a type.
  struct Block {
    int year;
    const char* street;
    pv1::IncidentType type;
    int n;
  };
  const Block blocks[] = {
      // GS03, 2025: 20 = 8 property (4 theft, 2 burglary, 2 telecom fraud) + 2 violence +
      // 6 fights + 4 calls for help. Criminal and public order: 16.
      {2025, "GS03", pv1::INCIDENT_TYPE_THEFT, 4},
      {2025, "GS03", pv1::INCIDENT_TYPE_BURGLARY, 2},
      {2025, "GS03", pv1::INCIDENT_TYPE_TELECOM_FRAUD, 2},
      {2025, "GS03", pv1::INCIDENT_TYPE_VIOLENCE, 2},
      {2025, "GS03", pv1::INCIDENT_TYPE_FIGHT, 6},
      {2025, "GS03", pv1::INCIDENT_TYPE_ASSISTANCE, 4},
      // GS03, 2026: 18 = 10 property (6 theft, 2 robbery, 2 fraud) + 4 fights + 2
      // disturbances + 2 municipal calls. Criminal and public order: 16.
      {2026, "GS03", pv1::INCIDENT_TYPE_THEFT, 6},
      {2026, "GS03", pv1::INCIDENT_TYPE_ROBBERY, 2},
      {2026, "GS03", pv1::INCIDENT_TYPE_FRAUD, 2},
      {2026, "GS03", pv1::INCIDENT_TYPE_FIGHT, 4},
      {2026, "GS03", pv1::INCIDENT_TYPE_DISTURBANCE, 2},
      {2026, "GS03", pv1::INCIDENT_TYPE_MUNICIPAL, 2},
      // GS04: 20 thefts each year.
      {2025, "GS04", pv1::INCIDENT_TYPE_THEFT, 20},
      {2026, "GS04", pv1::INCIDENT_TYPE_THEFT, 20},
  };
  std::vector<pv1::Incident> batch;
  int n = 0;
  for (const Block& b : blocks) {
    for (int i = 0; i < b.n; ++i) {
      ++n;
      batch.push_back(NewIncident(absl::StrCat("IND-", n), b.type,
                                  Local(b.year, 3, 1 + n % 28, 8 + n % 12), b.street,
                                  absl::StrCat(b.street, "-C01")));
    }
  }
  // Outside March, to be left out: the last minute of February 2026, the first of April 2025.
  batch.push_back(NewIncident("IND-FEB", pv1::INCIDENT_TYPE_THEFT, Local(2026, 2, 28, 23, 59),
                              "GS03", "GS03-C01"));
  batch.push_back(NewIncident("IND-APR", pv1::INCIDENT_TYPE_THEFT, Local(2025, 4, 1, 0, 1), "GS03",
                              "GS03-C01"));
  IngestAll(batch);

  struct Expect {
    int64_t actual;
    int64_t baseline;
    int64_t change;
    int64_t attainment;
    gv1::Colour colour;
  };
  auto check = [](const std::map<std::string, gv1::Indicator>& got, const std::string& id,
                  const Expect& want) {
    SCOPED_TRACE(id);
    auto it = got.find(id);
    ASSERT_NE(it, got.end());
    const gv1::Indicator& i = it->second;
    EXPECT_TRUE(i.has_data());
    EXPECT_EQ(i.target_kind(), gv1::TARGET_KIND_CHANGE_VS_BASELINE);
    EXPECT_EQ(i.direction(), gv1::DIRECTION_LOWER_IS_BETTER);
    EXPECT_EQ(i.target(), -500);
    EXPECT_EQ(i.actual(), want.actual);
    EXPECT_EQ(i.baseline(), want.baseline);
    EXPECT_EQ(i.change(), want.change);
    EXPECT_EQ(i.attainment(), want.attainment);
    EXPECT_EQ(i.colour(), want.colour);
  };

  const auto gs03 = Indicators(kAdmin, "GS03", 2026, 3);
  // 20 -> 18: -10%, better than -5%: met.
  check(gs03, kTotalIncidents, {18, 20, -1000, 10500, gv1::COLOUR_GREEN});
  // 16 -> 16: no change, 5 points short: at risk.
  check(gs03, kCriminalPublicOrder, {16, 16, 0, 9500, gv1::COLOUR_YELLOW});
  // 8 -> 10: +25%, 30 points short: off track.
  check(gs03, kPropertyCrime, {10, 8, 2500, 7000, gv1::COLOUR_RED});

  const auto gs04_admin = Indicators(kAdmin, "GS04", 2026, 3);
  // 20 -> 20: no change is not "down 5%".
  check(gs04_admin, kTotalIncidents, {20, 20, 0, 9500, gv1::COLOUR_YELLOW});
  check(gs04_admin, kCriminalPublicOrder, {20, 20, 0, 9500, gv1::COLOUR_YELLOW});
  check(gs04_admin, kPropertyCrime, {20, 20, 0, 9500, gv1::COLOUR_YELLOW});

  // The district: 40 -> 38 is exactly -5%: met. 36 -> 36. 28 -> 30: +7.14%.
  const auto district = Indicators(kViewer, "", 2026, 3);
  check(district, kTotalIncidents, {38, 40, -500, 10000, gv1::COLOUR_GREEN});
  check(district, kCriminalPublicOrder, {36, 36, 0, 9500, gv1::COLOUR_YELLOW});
  check(district, kPropertyCrime, {30, 28, 714, 8786, gv1::COLOUR_RED});

  // A street without incidents either year: nothing counted.
  const auto quiet = Indicators(kAdmin, "GS05", 2026, 3);
  ASSERT_TRUE(quiet.contains(kTotalIncidents));
  EXPECT_EQ(quiet.at(kTotalIncidents).actual(), 0);
  EXPECT_EQ(quiet.at(kTotalIncidents).baseline(), 0);
}

// ---- Demo data ----

TEST_F(PolicingTest, TheDemoGivesEveryIndicatorAValueAndPublishesTheMonthsRankings) {
  const absl::Status loaded = h_.track().LoadDemoData();
  ASSERT_TRUE(loaded.ok()) << loaded;
  gv1::Period this_year;
  this_year.set_year(2026);
  const auto indicators = h_.Indicators(kAdmin, this_year);
  EXPECT_FALSE(indicators.empty());
  for (const auto& [id, indicator] : indicators) {
    EXPECT_TRUE(indicator.has_data()) << id << " has no value this year";
  }
  // Every finished month since January of last year: 2025-01 .. 2026-05.
  gv1::ListPublishedRankingsRequest request;
  request.set_page_size(100);
  gv1::ListPublishedRankingsResponse published;
  const Outcome o = Rpc(kViewer, [&](grpc::ClientContext* c) {
    return indicators_->ListPublishedRankings(c, request, &published);
  });
  ASSERT_TRUE(o.status.ok()) << Describe(o);
  ASSERT_EQ(published.rankings_size(), 17);
  EXPECT_EQ(published.rankings(0).period().month(), 5);
  EXPECT_EQ(published.rankings(16).period().year(), 2025);
  EXPECT_EQ(published.rankings(16).period().month(), 1);
}

}  // namespace
}  // namespace gov::policing
