// The policing track's pure logic: the incident taxonomy, the statistics arithmetic, incident
// validation, the case kinds (their declarations, and who reads the personal data the schema
// marks) and the demo data's shape (no server, no store).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/indicators/targets.h"
#include "common/regions/regions.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/policing/demo_data.h"
#include "services/policing/incidents.h"
#include "services/policing/key_areas.h"
#include "services/policing/linkage.h"
#include "services/policing/statistics.h"
#include "services/policing/track.h"
#include "services/policing/validation.h"
#include "tests/support/test_support.h"

namespace gov::policing {
namespace {

using ::testing::ElementsAre;

using gov::testing::Local;

store::CountRow Row(std::string street, std::string community, std::string category,
                    int64_t count) {
  store::CountRow row;
  row.street_id = std::move(street);
  row.community_id = std::move(community);
  row.category = std::move(category);
  row.count = count;
  return row;
}

std::string Name(const std::string& id) { return "name of " + id; }

TEST(TaxonomyTest, EveryTypeHasOneRowWithItsClass) {
  const google::protobuf::EnumDescriptor* types = pv1::IncidentType_descriptor();
  std::set<pv1::IncidentType> seen;
  for (const IncidentTypeInfo& info : IncidentTypes()) {
    EXPECT_TRUE(seen.insert(info.type).second) << pv1::IncidentType_Name(info.type);
    EXPECT_NE(info.incident_class, pv1::INCIDENT_CLASS_UNSPECIFIED);
    EXPECT_FALSE(std::string(info.name_zh).empty());
    EXPECT_EQ(FindIncidentType(info.type), &info);
    EXPECT_EQ(FindIncidentTypeByKey(EnumKey(info.type)), &info);
  }
  EXPECT_EQ(static_cast<int>(seen.size()), types->value_count() - 1);
  EXPECT_EQ(FindIncidentType(pv1::INCIDENT_TYPE_UNSPECIFIED), nullptr);
  EXPECT_EQ(FindIncidentTypeByKey("UNSPECIFIED"), nullptr);
  EXPECT_EQ(FindIncidentTypeByKey("NO_SUCH_TYPE"), nullptr);
}

TEST(TaxonomyTest, ClassesAndPropertyCrimeFollowThePlan) {
  EXPECT_THAT(PropertyCrimeCategories(),
              ElementsAre("THEFT", "BURGLARY", "ROBBERY", "TELECOM_FRAUD", "FRAUD"));
  EXPECT_THAT(CategoriesOfClasses({pv1::INCIDENT_CLASS_CRIMINAL}),
              ElementsAre("THEFT", "BURGLARY", "ROBBERY", "TELECOM_FRAUD", "FRAUD", "VIOLENCE",
                          "ORGANISED_CRIME", "OTHER_CRIMINAL"));
  EXPECT_THAT(CategoriesOfClasses({pv1::INCIDENT_CLASS_PUBLIC_ORDER}),
              ElementsAre("FIGHT", "VICE", "DISTURBANCE", "OTHER_PUBLIC_ORDER"));
  EXPECT_THAT(CategoriesOfClasses({pv1::INCIDENT_CLASS_OTHER_POLICE}), ElementsAre("TRAFFIC"));
  EXPECT_THAT(CategoriesOfClasses({pv1::INCIDENT_CLASS_NON_POLICE}),
              ElementsAre("ASSISTANCE", "DISPUTE", "MUNICIPAL"));
  EXPECT_EQ(CategoryNameZh("TELECOM_FRAUD"), "电信网络诈骗");
  EXPECT_EQ(CategoryNameZh("SOMETHING_NEW"), "SOMETHING_NEW");
  EXPECT_EQ(IncidentClassNameZh(pv1::INCIDENT_CLASS_CRIMINAL), "刑事警情");
  EXPECT_EQ(IncidentClassNameZh(pv1::INCIDENT_CLASS_UNSPECIFIED), "");
}

TEST(TaxonomyTest, IndicatorsAreTheThreeMinusFivePercentTargets) {
  std::vector<indicators::IndicatorSpec> specs = PolicingIndicators();
  ASSERT_EQ(specs.size(), 3u);
  // The numbers are the targets file's: the plan's "down 5%", quoted.
  auto book = indicators::TargetBook::LoadFile(gov::testing::SourcePath("data/targets.json"));
  ASSERT_TRUE(book.ok()) << book.status();
  std::vector<indicators::IndicatorSpec> all = AllPolicingIndicators();
  ASSERT_TRUE((*book)->Apply("policing", all).ok());
  specs.assign(all.begin(), all.begin() + 3);
  for (const indicators::IndicatorSpec& spec : specs) {
    EXPECT_EQ(spec.target_kind, governance::v1::TARGET_KIND_CHANGE_VS_BASELINE) << spec.id;
    EXPECT_EQ(spec.direction, governance::v1::DIRECTION_LOWER_IS_BETTER) << spec.id;
    EXPECT_EQ(spec.target, -500) << spec.id;
    EXPECT_EQ(spec.target_source, governance::v1::TARGET_SOURCE_PLAN) << spec.id;
    EXPECT_NE(spec.plan_clause.find("下降5%"), std::string::npos) << spec.plan_clause;
    EXPECT_FALSE(spec.name_zh.empty());
    EXPECT_FALSE(spec.name_en.empty());
  }
  EXPECT_TRUE(cases::CaseEngine::ValidateSpec(PolicingSpec()).ok());
}

TEST(CompareCountsTest, GroupsComparesAndSortsByCountThenKey) {
  const std::vector<store::CountRow> current = {
      Row("GS01", "GS01-C01", "THEFT", 6),   Row("GS01", "GS01-C02", "FIGHT", 3),
      Row("GS02", "GS02-C01", "THEFT", 4),   Row("GS03", "", "ASSISTANCE", 4),
      Row("GS02", "GS02-C01", "DISPUTE", 1), Row("GS05", "GS05-C01", "DISPUTE", 4)};
  const std::vector<store::CountRow> last_year = {
      Row("GS01", "GS01-C01", "THEFT", 8), Row("GS02", "GS02-C01", "THEFT", 3),
      Row("GS03", "", "ASSISTANCE", 4), Row("GS04", "GS04-C01", "VICE", 2)};

  const StatisticsRows streets =
      CompareCounts(pv1::STATISTICS_GROUPING_STREET, {}, current, last_year, Name);
  ASSERT_EQ(streets.rows.size(), 5u);
  EXPECT_EQ(streets.rows[0].key(), "GS01");
  EXPECT_EQ(streets.rows[0].name(), "name of GS01");
  EXPECT_EQ(streets.rows[0].count(), 9);
  EXPECT_EQ(streets.rows[0].last_year_count(), 8);
  EXPECT_EQ(streets.rows[0].change_basis_points(), 1250);
  EXPECT_EQ(streets.rows[1].key(), "GS02");
  EXPECT_EQ(streets.rows[1].count(), 5);
  EXPECT_EQ(streets.rows[1].change_basis_points(), 6667);  // 2/3, rounded half away from zero
  // GS03 and GS05 tie at 4: by key. GS05 had none last year: no change.
  EXPECT_EQ(streets.rows[2].key(), "GS03");
  EXPECT_EQ(streets.rows[2].change_basis_points(), 0);
  EXPECT_EQ(streets.rows[3].key(), "GS05");
  EXPECT_FALSE(streets.rows[3].has_change_basis_points());
  // None this year, some last year: a row at -100%.
  EXPECT_EQ(streets.rows[4].key(), "GS04");
  EXPECT_EQ(streets.rows[4].count(), 0);
  EXPECT_EQ(streets.rows[4].last_year_count(), 2);
  EXPECT_EQ(streets.rows[4].change_basis_points(), -10000);
  EXPECT_EQ(streets.total.key(), "");
  EXPECT_EQ(streets.total.name(), "合计");
  EXPECT_EQ(streets.total.count(), 22);
  EXPECT_EQ(streets.total.last_year_count(), 17);
  EXPECT_EQ(streets.total.change_basis_points(), 2941);  // 5/17 = 29.41%

  // Incidents without a community count in the total only.
  const StatisticsRows communities =
      CompareCounts(pv1::STATISTICS_GROUPING_COMMUNITY, {}, current, last_year, Name);
  std::vector<std::string> keys;
  for (const pv1::StatisticsRow& row : communities.rows) keys.push_back(row.key());
  EXPECT_THAT(keys, ElementsAre("GS01-C01", "GS02-C01", "GS05-C01", "GS01-C02", "GS04-C01"));
  EXPECT_EQ(communities.rows[0].change_basis_points(), -2500);
  EXPECT_EQ(communities.total.count(), 22);
  EXPECT_EQ(communities.total.last_year_count(), 17);

  const StatisticsRows types =
      CompareCounts(pv1::STATISTICS_GROUPING_TYPE, {}, current, last_year, Name);
  keys.clear();
  for (const pv1::StatisticsRow& row : types.rows) keys.push_back(row.key());
  EXPECT_THAT(
      keys, ElementsAre("INCIDENT_TYPE_THEFT", "INCIDENT_TYPE_DISPUTE", "INCIDENT_TYPE_ASSISTANCE",
                        "INCIDENT_TYPE_FIGHT", "INCIDENT_TYPE_VICE"));
  EXPECT_EQ(types.rows[0].name(), "盗窃");
  EXPECT_EQ(types.rows[0].count(), 10);
  EXPECT_EQ(types.rows[0].last_year_count(), 11);
  EXPECT_EQ(types.rows[0].change_basis_points(), -909);  // -1/11 = -9.09%
}

TEST(CompareCountsTest, ClassesFilterAndGroup) {
  const std::vector<store::CountRow> current = {
      Row("GS01", "", "THEFT", 5), Row("GS01", "", "FIGHT", 2), Row("GS01", "", "TRAFFIC", 7),
      Row("GS01", "", "DISPUTE", 9), Row("GS01", "", "FUTURE_TYPE", 1)};
  const std::vector<store::CountRow> last_year = {Row("GS01", "", "BURGLARY", 10),
                                                  Row("GS01", "", "VICE", 4)};

  const StatisticsRows all =
      CompareCounts(pv1::STATISTICS_GROUPING_CLASS, {}, current, last_year, Name);
  ASSERT_EQ(all.rows.size(), 4u);
  EXPECT_EQ(all.rows[0].key(), "INCIDENT_CLASS_NON_POLICE");
  EXPECT_EQ(all.rows[0].name(), "非警务警情");
  EXPECT_EQ(all.rows[1].key(), "INCIDENT_CLASS_OTHER_POLICE");
  EXPECT_EQ(all.rows[2].key(), "INCIDENT_CLASS_CRIMINAL");
  EXPECT_EQ(all.rows[2].count(), 5);
  EXPECT_EQ(all.rows[2].last_year_count(), 10);
  EXPECT_EQ(all.rows[2].change_basis_points(), -5000);
  EXPECT_EQ(all.rows[3].key(), "INCIDENT_CLASS_PUBLIC_ORDER");
  EXPECT_EQ(all.rows[3].change_basis_points(), -5000);
  // An unknown category counts in the total of an unfiltered request, in no class.
  EXPECT_EQ(all.total.count(), 24);
  EXPECT_EQ(all.total.last_year_count(), 14);

  const StatisticsRows police = CompareCounts(
      pv1::STATISTICS_GROUPING_STREET,
      {pv1::INCIDENT_CLASS_CRIMINAL, pv1::INCIDENT_CLASS_PUBLIC_ORDER}, current, last_year, Name);
  ASSERT_EQ(police.rows.size(), 1u);
  EXPECT_EQ(police.rows[0].count(), 7);
  EXPECT_EQ(police.rows[0].last_year_count(), 14);
  EXPECT_EQ(police.rows[0].change_basis_points(), -5000);
  EXPECT_EQ(police.total.count(), 7);

  const StatisticsRows none = CompareCounts(pv1::STATISTICS_GROUPING_TYPE, {}, {}, {}, Name);
  EXPECT_TRUE(none.rows.empty());
  EXPECT_EQ(none.total.count(), 0);
  EXPECT_FALSE(none.total.has_change_basis_points());
}

class PolicingRegionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = *std::move(regions);
  }
  std::unique_ptr<regions::RegionRegistry> regions_;
};

pv1::Incident GoodIncident() {
  pv1::Incident incident;
  incident.set_incident_number("A-2026_0001");
  incident.set_type(pv1::INCIDENT_TYPE_BURGLARY);
  *incident.mutable_occur_time() = ToTimestamp(Local(2026, 3, 1, 2, 30));
  incident.mutable_region()->set_street_id("GS01");
  incident.mutable_region()->set_community_id("GS01-C01");
  incident.set_summary("测试");
  return incident;
}

TEST_F(PolicingRegionsTest, ValidationNamesTheFieldUnderItsPrefix) {
  const absl::Time now = Local(2026, 3, 18, 10);
  EXPECT_TRUE(ValidateIncident(GoodIncident(), "incident", now, *regions_).ok());

  auto field_of = [&](const pv1::Incident& incident) {
    return FieldOf(ValidateIncident(incident, "incidents[4]", now, *regions_));
  };
  pv1::Incident bad = GoodIncident();
  bad.set_incident_number("");
  EXPECT_EQ(field_of(bad), "incidents[4].incident_number");
  bad.set_incident_number(std::string(65, 'x'));
  EXPECT_EQ(field_of(bad), "incidents[4].incident_number");
  bad.set_incident_number("a/b");
  EXPECT_EQ(field_of(bad), "incidents[4].incident_number");
  bad.set_incident_number(std::string(64, 'x'));
  EXPECT_EQ(field_of(bad), "");

  bad = GoodIncident();
  bad.set_type(pv1::INCIDENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(field_of(bad), "incidents[4].type");
  bad.set_type(static_cast<pv1::IncidentType>(999));
  EXPECT_EQ(field_of(bad), "incidents[4].type");

  bad = GoodIncident();
  bad.clear_occur_time();
  EXPECT_EQ(field_of(bad), "incidents[4].occur_time");
  // The shared rule (gov::ValidatePastTime): up to kMaxClockSkew ahead of the clock is taken.
  *bad.mutable_occur_time() = ToTimestamp(now + kMaxClockSkew + absl::Seconds(1));
  EXPECT_EQ(field_of(bad), "incidents[4].occur_time");
  *bad.mutable_occur_time() = ToTimestamp(now + kMaxClockSkew);
  EXPECT_EQ(field_of(bad), "");
  *bad.mutable_occur_time() = ToTimestamp(now);
  EXPECT_EQ(field_of(bad), "");
  *bad.mutable_occur_time() = ToTimestamp(Local(1999, 12, 31, 23, 59));
  EXPECT_EQ(field_of(bad), "incidents[4].occur_time");

  bad = GoodIncident();
  bad.mutable_region()->clear_street_id();
  bad.mutable_region()->clear_community_id();
  EXPECT_EQ(field_of(bad), "incidents[4].region.street_id");
  bad = GoodIncident();
  bad.mutable_region()->set_community_id("GS02-C01");
  EXPECT_EQ(field_of(bad), "incidents[4].region.community_id");

  bad = GoodIncident();
  bad.set_summary(std::string(2000 * 3, 'x').substr(0, 2001));
  EXPECT_EQ(field_of(bad), "incidents[4].summary");
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "址";  // 200 characters, 600 bytes
  bad = GoodIncident();
  bad.set_address(chinese);
  EXPECT_EQ(field_of(bad), "");
  bad.set_address(chinese + "x");
  EXPECT_EQ(field_of(bad), "incidents[4].address");
}

TEST(ModelTest, IdempotencyGoesByNumberAndReportedContent) {
  pv1::Incident incident = GoodIncident();
  EXPECT_EQ(IncidentRequestId(incident.incident_number()), "incident:A-2026_0001");
  const std::string hash = IncidentContentHash(incident);
  // Output fields a client echoes back do not change the content...
  pv1::Incident echoed = incident;
  echoed.set_id("I-000001");
  echoed.set_incident_class(pv1::INCIDENT_CLASS_CRIMINAL);
  echoed.set_property_crime(true);
  *echoed.mutable_ingest_time() = ToTimestamp(Local(2026, 3, 2));
  EXPECT_EQ(IncidentContentHash(echoed), hash);
  // ...what was reported does.
  pv1::Incident other = incident;
  other.set_summary("另一段");
  EXPECT_NE(IncidentContentHash(other), hash);

  const cases::NewCase input = NewIncidentCase(incident, Local(2026, 3, 18, 10));
  EXPECT_EQ(input.category, "BURGLARY");
  EXPECT_EQ(input.street_id, "GS01");
  EXPECT_EQ(input.community_id, "GS01-C01");
  ASSERT_TRUE(input.occurred_at.has_value());
  EXPECT_EQ(*input.occurred_at, Local(2026, 3, 1, 2, 30));
}

// ---- Case kinds ----

auth::Principal WithRole(const std::string& role) {
  auth::Principal p;
  p.id = role;
  p.roles = {role};
  return p;
}

// A case as the engine hands it: the record with the payload, one history event with a note.
cases::Case StoredCase(const std::string& id, std::string payload, const std::string& status) {
  cases::Case c;
  c.record.id = id;
  c.record.status = status;
  c.record.street_id = "GS01";
  c.record.community_id = "GS01-C01";
  c.record.create_time = Local(2026, 3, 2, 9);
  c.record.update_time = c.record.create_time;
  c.record.due_time = absl::InfiniteFuture();
  c.record.version = 2;
  c.record.payload = std::move(payload);
  store::HistoryRecord event;
  event.sequence = 1;
  event.action = "Create";
  event.note = "报警人王五";
  c.history = {event};
  return c;
}

TEST(CaseKindTest, EveryKindNamesFieldsOfItsMessage) {
  EXPECT_TRUE(IncidentKind().Check().ok()) << IncidentKind().Check();
  EXPECT_TRUE(KeyAreaKind().Check().ok()) << KeyAreaKind().Check();
  EXPECT_TRUE(LinkageTaskKind().Check().ok()) << LinkageTaskKind().Check();
}

TEST(CaseKindTest, AnIncidentsPersonalDataOnlyForTheRolesThatHandleIncidents) {
  pv1::Incident reported = GoodIncident();
  reported.mutable_region()->set_grid_id("GS01-C01-G01");
  reported.set_address("和睦路 1 号");
  cases::Case c =
      StoredCase("I-000001", NewIncidentCase(reported, Local(2026, 3, 2, 9)).payload, "RECORDED");
  c.record.grid_id = "GS01-C01-G01";
  for (const char* role : {auth::kDistrictAdmin, auth::kSystem, auth::kStreetOperator}) {
    SCOPED_TRACE(role);
    absl::StatusOr<pv1::Incident> read = IncidentKind().FromCase(c, WithRole(role));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->id(), "I-000001");
    EXPECT_EQ(read->summary(), "测试");
    EXPECT_EQ(read->address(), "和睦路 1 号");
    EXPECT_EQ(read->region().grid_id(), "GS01-C01-G01");
  }
  // The API lets no other role read an incident; if one did, the kind would hide the details.
  for (const char* role : {auth::kViewer, "mediator"}) {
    SCOPED_TRACE(role);
    absl::StatusOr<pv1::Incident> read = IncidentKind().FromCase(c, WithRole(role));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->incident_number(), "A-2026_0001");
    EXPECT_EQ(read->region().street_id(), "GS01");
    EXPECT_EQ(read->summary(), "");
    EXPECT_EQ(read->address(), "");
  }
}

TEST(CaseKindTest, ATasksTextsAndNotesOnlyForThoseWhoDoTheWork) {
  pv1::LinkageTask task;
  task.set_incident_id("I-000001");
  task.set_handling_result("已联系报警人王五");
  task.set_feedback("已反馈");
  const cases::Case c = StoredCase("L-000001", LinkageTaskKind().Payload(task), "HANDLED");
  absl::StatusOr<pv1::LinkageTask> worker =
      LinkageTaskKind().FromCase(c, WithRole(auth::kStreetOperator));
  ASSERT_TRUE(worker.ok()) << worker.status();
  EXPECT_EQ(worker->status(), pv1::LINKAGE_STATUS_HANDLED);
  EXPECT_EQ(worker->handling_result(), "已联系报警人王五");
  ASSERT_EQ(worker->history_size(), 1);
  EXPECT_EQ(worker->history(0).note(), "报警人王五");
  absl::StatusOr<pv1::LinkageTask> viewer = LinkageTaskKind().FromCase(c, WithRole(auth::kViewer));
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  EXPECT_EQ(viewer->incident_id(), "I-000001");
  EXPECT_EQ(viewer->handling_result(), "");
  EXPECT_EQ(viewer->feedback(), "");
  ASSERT_EQ(viewer->history_size(), 1);
  EXPECT_EQ(viewer->history(0).action(), "Create");
  EXPECT_EQ(viewer->history(0).note(), "");
}

TEST(CaseKindTest, EveryRoleOfTheTrackReadsAKeyAreaWhole) {
  pv1::KeyArea listing;
  listing.set_listing_reason("群众反映夜间盗窃多发");
  listing.mutable_plan()->set_owner_name("张三");
  const cases::Case c = StoredCase("K-000001", KeyAreaKind().Payload(listing), "REMEDIATING");
  for (const char* role :
       {auth::kDistrictAdmin, auth::kSystem, auth::kStreetOperator, auth::kViewer}) {
    SCOPED_TRACE(role);
    absl::StatusOr<pv1::KeyArea> read = KeyAreaKind().FromCase(c, WithRole(role));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->status(), pv1::KEY_AREA_STATUS_REMEDIATING);
    EXPECT_EQ(read->listing_reason(), "群众反映夜间盗窃多发");
    EXPECT_EQ(read->plan().owner_name(), "张三");
    EXPECT_EQ(read->history(0).note(), "报警人王五");
  }
  // A role the track does not know (another track's, reading within its streets).
  absl::StatusOr<pv1::KeyArea> other = KeyAreaKind().FromCase(c, WithRole("mediator"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status(), pv1::KEY_AREA_STATUS_REMEDIATING);
  EXPECT_EQ(other->listing_reason(), "");
  EXPECT_EQ(other->plan().owner_name(), "");
  EXPECT_EQ(other->history(0).note(), "");
}

TEST_F(PolicingRegionsTest, DemoDaysDependOnTheDayAloneAndFallYearOnYear) {
  const absl::Time now = Local(2026, 11, 29, 13);
  const std::vector<pv1::Incident> span =
      DemoIncidents(*regions_, absl::CivilDay(2024, 11, 28), absl::CivilDay(2026, 11, 29), now);
  EXPECT_GT(span.size(), 8000u);
  EXPECT_LT(span.size(), 12000u);

  // A day is the same whichever span it is asked in.
  const std::vector<pv1::Incident> one_day =
      DemoIncidents(*regions_, absl::CivilDay(2025, 6, 3), absl::CivilDay(2025, 6, 3), now);
  std::vector<std::string> in_span;
  std::set<std::string> numbers;
  for (const pv1::Incident& incident : span) {
    EXPECT_TRUE(numbers.insert(incident.incident_number()).second) << incident.incident_number();
    EXPECT_LT(FromTimestamp(incident.occur_time()), now);
    EXPECT_TRUE(ValidateIncident(incident, "incident", now, *regions_).ok())
        << incident.incident_number();
    if (cal::LocalDay(FromTimestamp(incident.occur_time())) == absl::CivilDay(2025, 6, 3)) {
      in_span.push_back(SerializeStable(incident));
    }
  }
  ASSERT_FALSE(one_day.empty());
  std::vector<std::string> alone;
  for (const pv1::Incident& incident : one_day) alone.push_back(SerializeStable(incident));
  EXPECT_EQ(alone, in_span);

  // This year to 28 November against the same days of last year: 5 to 8% fewer, with two or
  // three streets up.
  std::map<std::string, int> this_year, last_year;
  int total_this = 0, total_last = 0;
  for (const pv1::Incident& incident : span) {
    const absl::CivilDay day = cal::LocalDay(FromTimestamp(incident.occur_time()));
    if (day.month() == 12 || (day.month() == 11 && day.day() > 28)) continue;
    if (day.year() == 2026) {
      ++this_year[incident.region().street_id()];
      ++total_this;
    } else if (day.year() == 2025 && day >= absl::CivilDay(2025, 1, 1)) {
      ++last_year[incident.region().street_id()];
      ++total_last;
    }
  }
  const double change = static_cast<double>(total_this - total_last) / total_last;
  EXPECT_LT(change, -0.05);
  EXPECT_GT(change, -0.08);
  int rising = 0;
  for (const auto& [street, count] : this_year) rising += count > last_year[street] ? 1 : 0;
  EXPECT_GE(rising, 2);
  EXPECT_LE(rising, 3);
}

}  // namespace
}  // namespace gov::policing
