// The policing rules file (services/policing/rules): the shipped data/policing.json loads, and a
// broken file is refused naming the offending entry.

#include <memory>
#include <string>

#include "common/regions/regions.h"
#include "common/util/status.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/policing/rules.h"
#include "tests/support/test_support.h"

namespace gov::policing {
namespace {

namespace pv1 = ::governance::policing::v1;
using gov::testing::SourcePath;

class PolicingRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::RegionRegistry::LoadFile(SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto rules = Rules::LoadFile(SourcePath("data/policing.json"), *regions_);
    ASSERT_TRUE(rules.ok()) << rules.status();
    shipped_ = (*rules)->data();
  }

  // The shipped rules changed by `edit`, loaded.
  template <typename Edit>
  absl::Status LoadEdited(Edit edit) {
    cv1::PolicingRules data = shipped_;
    edit(data);
    return Rules::FromProto(std::move(data), *regions_).status();
  }

  std::unique_ptr<regions::RegionRegistry> regions_;
  cv1::PolicingRules shipped_;
};

TEST_F(PolicingRulesTest, ShippedFileHasTheThirtyNineUnitsAndRoutesEveryStreet) {
  auto rules = Rules::FromProto(shipped_, *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->linkage_units().size(), 39u);
  const pv1::LinkageUnit* gs03 = (*rules)->Route(pv1::INCIDENT_TYPE_ASSISTANCE, "GS03");
  ASSERT_NE(gs03, nullptr);
  EXPECT_EQ(gs03->id(), "LU03");
  // The first matching route wins: GS11's municipal route comes before the district-wide one.
  EXPECT_EQ((*rules)->Route(pv1::INCIDENT_TYPE_MUNICIPAL, "GS11")->id(), "LU14");
  EXPECT_EQ((*rules)->Route(pv1::INCIDENT_TYPE_MUNICIPAL, "GS05")->id(), "LU12");
  EXPECT_EQ((*rules)->Route(pv1::INCIDENT_TYPE_DISPUTE, "GS01")->id(), "LU15");
  // Police matters are not routed.
  EXPECT_EQ((*rules)->Route(pv1::INCIDENT_TYPE_THEFT, "GS01"), nullptr);
  EXPECT_EQ((*rules)->FindUnit("LU39")->name(), "区律师协会");
  EXPECT_EQ((*rules)->FindUnit("LU40"), nullptr);
  EXPECT_EQ((*rules)->key_area_rules().period_kind(), cv1::BULLETIN_PERIOD_KIND_MONTH);
  EXPECT_FALSE((*rules)
                   ->Grading(cv1::BULLETIN_PERIOD_KIND_QUARTER, cv1::BULLETIN_LEVEL_COMMUNITY)
                   .bands()
                   .empty());
}

TEST_F(PolicingRulesTest, BrokenRulesNameTheEntry) {
  struct Case {
    const char* what;
    std::function<void(cv1::PolicingRules&)> edit;
    std::string field;
  };
  const Case cases[] = {
      {"no version", [](cv1::PolicingRules& d) { d.clear_version(); }, "version"},
      {"a grading missing",
       [](cv1::PolicingRules& d) { d.mutable_bulletin_gradings()->RemoveLast(); },
       "bulletin_gradings"},
      {"a grading twice",
       [](cv1::PolicingRules& d) { *d.add_bulletin_gradings() = d.bulletin_gradings(0); },
       "bulletin_gradings[6]"},
      {"green in a bulletin",
       [](cv1::PolicingRules& d) {
         d.mutable_bulletin_gradings(1)->mutable_grading()->set_otherwise(
             governance::v1::COLOUR_GREEN);
       },
       "bulletin_gradings[1].grading.otherwise"},
      {"unknown metric",
       [](cv1::PolicingRules& d) {
         d.mutable_bulletin_gradings(2)
             ->mutable_grading()
             ->mutable_bands(0)
             ->mutable_all_of(0)
             ->set_metric("growth");
       },
       "bulletin_gradings[2].grading.bands[0].all_of[0].metric"},
      {"no hot areas", [](cv1::PolicingRules& d) { d.set_hot_areas(0); }, "hot_areas"},
      {"too many types", [](cv1::PolicingRules& d) { d.set_dominant_types(11); }, "dominant_types"},
      {"no key-area rules", [](cv1::PolicingRules& d) { d.clear_key_area_rules(); },
       "key_area_rules"},
      {"listing after no red",
       [](cv1::PolicingRules& d) { d.mutable_key_area_rules()->set_list_after_red(0); },
       "key_area_rules.list_after_red"},
      {"plan in no time",
       [](cv1::PolicingRules& d) { d.mutable_key_area_rules()->set_plan_working_days(0); },
       "key_area_rules.plan_working_days"},
      {"a unit twice", [](cv1::PolicingRules& d) { d.mutable_linkage_units(5)->set_id("LU01"); },
       "linkage_units[5].id"},
      {"a route to nobody",
       [](cv1::PolicingRules& d) { d.mutable_linkage_routes(0)->set_unit_id("LU99"); },
       "linkage_routes[0].unit_id"},
      {"a police type routed",
       [](cv1::PolicingRules& d) {
         d.mutable_linkage_routes(0)->set_type(pv1::INCIDENT_TYPE_THEFT);
       },
       "linkage_routes[0].type"},
      {"an unknown street",
       [](cv1::PolicingRules& d) { d.mutable_linkage_routes(0)->set_street_id("GS99"); },
       "linkage_routes[0].street_id"},
      {"a street without a route",
       [](cv1::PolicingRules& d) {
         // GS01's assistance route is the first; nothing else routes assistance.
         d.mutable_linkage_routes()->DeleteSubrange(0, 1);
       },
       "linkage_routes"},
  };
  for (const Case& c : cases) {
    const absl::Status st = LoadEdited(c.edit);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << st;
    EXPECT_EQ(FieldOf(st), c.field) << c.what << ": " << st;
  }
}

TEST_F(PolicingRulesTest, ABrokenFileNamesThePathAndTheEntry) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("policing.json");
  gov::testing::WriteFile(path, R"({"version": ""})");
  const auto rules = Rules::LoadFile(path, *regions_);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(rules.status().message());
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(FieldOf(rules.status()), "version") << message;
}

TEST_F(PolicingRulesTest, UnknownFieldsInTheFileAreRefused) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("policing.json");
  gov::testing::WriteFile(path, R"({"version": "x", "hotAreaz": 3})");
  const auto rules = Rules::LoadFile(path, *regions_);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(rules.status().message()).find(path), std::string::npos);
}

}  // namespace
}  // namespace gov::policing
