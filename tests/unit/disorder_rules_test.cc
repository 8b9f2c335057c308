// The disorder rules file (services/disorder/rules): the shipped data/disorder.json loads and
// routes every category on every street, and a broken file is refused naming the offending entry.

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "gtest/gtest.h"
#include "services/disorder/rules.h"
#include "tests/support/test_support.h"

namespace gov::disorder {
namespace {

using gov::testing::SourcePath;

class DisorderRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::RegionRegistry::LoadFile(SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto rules = Rules::LoadFile(SourcePath("data/disorder.json"), *regions_);
    ASSERT_TRUE(rules.ok()) << rules.status();
    shipped_ = (*rules)->data();
  }

  // The shipped rules changed by `edit`, loaded.
  absl::Status LoadEdited(const std::function<void(cv1::DisorderRules&)>& edit) {
    cv1::DisorderRules data = shipped_;
    edit(data);
    return Rules::FromProto(std::move(data), *regions_).status();
  }

  std::unique_ptr<regions::RegionRegistry> regions_;
  cv1::DisorderRules shipped_;
};

TEST_F(DisorderRulesTest, ShippedFileHasTheUnitsSortedById) {
  auto rules = Rules::FromProto(shipped_, *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->version(), "2026.1");
  // Two units per street-level unit, seven district ones.
  const auto& units = (*rules)->units();
  ASSERT_EQ(units.size(), 11u * 2 + 7);
  for (size_t i = 1; i < units.size(); ++i) {
    EXPECT_LT(units[i - 1].id(), units[i].id());
  }
  EXPECT_EQ(units.front().id(), "D-HB");
  EXPECT_EQ(units.back().id(), "GS11-ZF");
  EXPECT_EQ((*rules)->FindUnit("GS01-ZF")->name(), "运河街道综合行政执法队");
  EXPECT_EQ((*rules)->FindUnit("GS11-SJ")->name(), "智造产业园区市场监管所");
  EXPECT_EQ((*rules)->FindUnit("D-XB")->name(), "区市场监管局消费者权益保护科");
  EXPECT_EQ((*rules)->FindUnit("D-ZT")->name(), "区渣土运输联合执法队");
  EXPECT_EQ((*rules)->FindUnit("GS12-ZF"), nullptr);
  EXPECT_EQ((*rules)->FindUnit(""), nullptr);
}

TEST_F(DisorderRulesTest, ShippedFileRoutesEveryCategoryOnEveryStreet) {
  auto rules = Rules::FromProto(shipped_, *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const Rules& r = **rules;
  const google::protobuf::EnumDescriptor* d = dv1::ComplaintCategory_descriptor();
  for (const governance::config::v1::Street* street : regions_->streets()) {
    for (int i = 0; i < d->value_count(); ++i) {
      const auto category = static_cast<dv1::ComplaintCategory>(d->value(i)->number());
      if (category == dv1::COMPLAINT_CATEGORY_UNSPECIFIED) continue;
      EXPECT_NE(r.Route(category, street->id()), nullptr)
          << d->value(i)->name() << " on " << street->id();
    }
  }
  // District-wide units.
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_MUCK_TRUCK, "GS04")->id(), "D-ZT");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_PREPAID_CARD, "GS09")->id(), "D-XB");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE, "GS11")->id(), "D-LD");
  // The street's own units.
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_COOKING_FUMES, "GS03")->id(), "GS03-ZF");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT, "GS07")->id(), "GS07-SJ");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS, "GS10")->id(), "GS10-SJ");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_MOBILE_STALL, "GS02")->id(), "GS02-ZF");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE, "GS05")->id(), "GS05-ZF");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING, "GS11")->id(), "GS11-ZF");
  // Noise in the industrial park goes to the environment bureau, elsewhere to the street.
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_NOISE, "GS11")->id(), "D-HB");
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_NOISE, "GS01")->id(), "GS01-ZF");
  // Nothing for an unspecified category or an unknown street's street-level categories.
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_UNSPECIFIED, "GS01"), nullptr);
  EXPECT_EQ(r.Route(dv1::COMPLAINT_CATEGORY_NOISE, "GS99"), nullptr);
}

TEST_F(DisorderRulesTest, FirstMatchingRouteWins) {
  cv1::DisorderRules data = shipped_;
  // A district-wide noise route ahead of all others takes every street.
  cv1::DisorderRoute first;
  first.set_category(dv1::COMPLAINT_CATEGORY_NOISE);
  first.set_unit_id("D-ZJ");
  data.mutable_routes()->Add(std::move(first));
  data.mutable_routes()->Mutable(data.routes_size() - 1)->Swap(data.mutable_routes(0));
  auto rules = Rules::FromProto(std::move(data), *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->Route(dv1::COMPLAINT_CATEGORY_NOISE, "GS11")->id(), "D-ZJ");
  EXPECT_EQ((*rules)->Route(dv1::COMPLAINT_CATEGORY_NOISE, "GS01")->id(), "D-ZJ");
}

TEST_F(DisorderRulesTest, SlasAndRepeatRule) {
  auto rules = Rules::FromProto(shipped_, *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const Rules& r = **rules;
  const struct {
    dv1::ComplaintCategory category;
    int days;
  } expected[] = {
      {dv1::COMPLAINT_CATEGORY_MUCK_TRUCK, 3},
      {dv1::COMPLAINT_CATEGORY_COOKING_FUMES, 5},
      {dv1::COMPLAINT_CATEGORY_HEALTH_SUPPLEMENT, 5},
      {dv1::COMPLAINT_CATEGORY_UNLICENSED_BUSINESS, 7},
      {dv1::COMPLAINT_CATEGORY_MOBILE_STALL, 3},
      {dv1::COMPLAINT_CATEGORY_STREET_APPEARANCE, 3},
      {dv1::COMPLAINT_CATEGORY_NON_MOTOR_PARKING, 2},
      {dv1::COMPLAINT_CATEGORY_NOISE, 3},
      {dv1::COMPLAINT_CATEGORY_PREPAID_CARD, 10},
      {dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE, 7},
  };
  for (const auto& e : expected) {
    const cal::Sla sla = r.CategorySla(e.category);
    EXPECT_EQ(sla.kind, cal::Sla::Kind::kWorkingDays) << dv1::ComplaintCategory_Name(e.category);
    EXPECT_EQ(sla.amount, e.days) << dv1::ComplaintCategory_Name(e.category);
  }
  EXPECT_FALSE(r.CategorySla(dv1::COMPLAINT_CATEGORY_UNSPECIFIED).active());
  EXPECT_EQ(r.ReworkSla().kind, cal::Sla::Kind::kWorkingDays);
  EXPECT_EQ(r.ReworkSla().amount, 3);
  EXPECT_EQ(r.CallbackSla().kind, cal::Sla::Kind::kWorkingDays);
  EXPECT_EQ(r.CallbackSla().amount, 2);

  const cases::RepeatRule repeat = r.Repeats({"DISPATCHED", "HANDLING"});
  EXPECT_EQ(repeat.window, absl::Hours(30 * 24));
  EXPECT_DOUBLE_EQ(repeat.radius_meters, 50);
  EXPECT_EQ(repeat.open_statuses, (std::vector<std::string>{"DISPATCHED", "HANDLING"}));

  EXPECT_DOUBLE_EQ(r.FumeLimit(0), 2.0);
  EXPECT_DOUBLE_EQ(r.FumeLimit(1.2), 1.2);  // a restaurant's own limit replaces the rules'
  EXPECT_EQ(r.FumeQuiet(), absl::Minutes(60));
  EXPECT_EQ(r.EnforcementSla().kind, cal::Sla::Kind::kWorkingDays);
  EXPECT_EQ(r.EnforcementSla().amount, 10);
}

// The joint enforcement team takes the muck trucks; the units it may add are the district's
// traffic police, transport, construction and environment bureaus and the street enforcement
// teams, not itself nor the market supervision offices.
TEST_F(DisorderRulesTest, ShippedJointEnforcementAndRoutineCategories) {
  auto rules = Rules::FromProto(shipped_, *regions_);
  ASSERT_TRUE(rules.ok()) << rules.status();
  const Rules& r = **rules;
  for (dv1::ComplaintCategory c : AllCategories()) {
    EXPECT_EQ(r.IsJointCategory(c), c == dv1::COMPLAINT_CATEGORY_MUCK_TRUCK) << EnumKey(c);
  }
  EXPECT_FALSE(r.IsJointCategory(dv1::COMPLAINT_CATEGORY_UNSPECIFIED));
  for (const char* id : {"D-JJ", "D-JT", "D-ZJ", "D-HB", "GS01-ZF", "GS11-ZF"}) {
    ASSERT_NE(r.JointUnit(id), nullptr) << id;
    EXPECT_EQ(r.JointUnit(id)->name(), r.FindUnit(id)->name()) << id;
  }
  for (const char* id : {"D-ZT", "D-XB", "GS01-SJ", "GS12-ZF", ""}) {
    EXPECT_EQ(r.JointUnit(id), nullptr) << id;
  }
  EXPECT_EQ(r.JointUnit("D-JT")->name(), "区交通运输局运输管理所");
  // Every category is routine monthly remediation in the shipped file.
  EXPECT_EQ(r.MonthlyRemediationCategories(), AllCategories());

  // A file naming some, in any order: those, in number order; naming none: every category.
  cv1::DisorderRules some = shipped_;
  some.clear_monthly_remediation_categories();
  some.add_monthly_remediation_categories(dv1::COMPLAINT_CATEGORY_NOISE);
  some.add_monthly_remediation_categories(dv1::COMPLAINT_CATEGORY_MUCK_TRUCK);
  auto with_some = Rules::FromProto(some, *regions_);
  ASSERT_TRUE(with_some.ok()) << with_some.status();
  EXPECT_EQ((*with_some)->MonthlyRemediationCategories(),
            (std::vector<dv1::ComplaintCategory>{dv1::COMPLAINT_CATEGORY_MUCK_TRUCK,
                                                 dv1::COMPLAINT_CATEGORY_NOISE}));
  some.clear_monthly_remediation_categories();
  // Without joint enforcement no category takes added units.
  some.clear_joint_enforcement();
  auto without = Rules::FromProto(some, *regions_);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ((*without)->MonthlyRemediationCategories(), AllCategories());
  EXPECT_FALSE((*without)->IsJointCategory(dv1::COMPLAINT_CATEGORY_MUCK_TRUCK));
  EXPECT_EQ((*without)->JointUnit("D-JJ"), nullptr);
}

TEST(DisorderCategoriesTest, EveryCategoryOnceInOrderWithItsName) {
  const std::vector<dv1::ComplaintCategory>& all = AllCategories();
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front(), dv1::COMPLAINT_CATEGORY_MUCK_TRUCK);
  EXPECT_EQ(all.back(), dv1::COMPLAINT_CATEGORY_CONSTRUCTION_SITE);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  std::set<std::string> names;
  for (dv1::ComplaintCategory c : all) {
    const std::string name = CategoryNameZh(c);
    EXPECT_NE(name, EnumKey(c)) << "no name for " << EnumKey(c);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), all.size());
  EXPECT_EQ(CategoryNameZh(dv1::COMPLAINT_CATEGORY_PREPAID_CARD), "预付卡");
}

// The index of the first route of `category` in the shipped file.
int FirstRouteOf(dv1::ComplaintCategory category) {
  auto regions = regions::RegionRegistry::LoadFile(SourcePath("data/regions.json"));
  auto rules = Rules::LoadFile(SourcePath("data/disorder.json"), **regions);
  const auto& routes = (*rules)->data().routes();
  for (int i = 0; i < routes.size(); ++i) {
    if (routes[i].category() == category) return i;
  }
  return -1;
}

TEST_F(DisorderRulesTest, BrokenRulesNameTheEntry) {
  struct Case {
    const char* what;
    std::function<void(cv1::DisorderRules&)> edit;
    std::string field;
  };
  const Case cases[] = {
      {"no version", [](cv1::DisorderRules& d) { d.clear_version(); }, "version"},
      {"a unit without id", [](cv1::DisorderRules& d) { d.mutable_units(3)->clear_id(); },
       "units[3].id"},
      {"a unit without name", [](cv1::DisorderRules& d) { d.mutable_units(4)->clear_name(); },
       "units[4].name"},
      {"a unit twice", [](cv1::DisorderRules& d) { d.mutable_units(5)->set_id("GS01-ZF"); },
       "units[5].id"},
      {"a route without category",
       [](cv1::DisorderRules& d) {
         d.mutable_routes(2)->set_category(dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
       },
       "routes[2].category"},
      {"a route with an unknown category number",
       [](cv1::DisorderRules& d) {
         d.mutable_routes(2)->set_category(static_cast<dv1::ComplaintCategory>(99));
       },
       "routes[2].category"},
      {"an unknown street",
       [](cv1::DisorderRules& d) { d.mutable_routes(1)->set_street_id("GS99"); },
       "routes[1].street_id"},
      {"a route to nobody", [](cv1::DisorderRules& d) { d.mutable_routes(4)->set_unit_id("X"); },
       "routes[4].unit_id"},
      {"a route without unit", [](cv1::DisorderRules& d) { d.mutable_routes(0)->clear_unit_id(); },
       "routes[0].unit_id"},
      {"a street without a route",
       [](cv1::DisorderRules& d) {
         // The second route is cooking fumes on GS01; nothing else routes it there.
         ASSERT_EQ(d.routes(1).category(), dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
         ASSERT_EQ(d.routes(1).street_id(), "GS01");
         d.mutable_routes()->DeleteSubrange(1, 1);
       },
       "routes"},
      {"a category never routed",
       [](cv1::DisorderRules& d) {
         // The first route is the only muck-truck one.
         ASSERT_EQ(d.routes(0).category(), dv1::COMPLAINT_CATEGORY_MUCK_TRUCK);
         d.mutable_routes()->DeleteSubrange(0, 1);
       },
       "routes"},
      {"an SLA without category",
       [](cv1::DisorderRules& d) {
         d.mutable_category_slas(6)->set_category(dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
       },
       "category_slas[6].category"},
      {"an SLA twice", [](cv1::DisorderRules& d) { *d.add_category_slas() = d.category_slas(2); },
       "category_slas[10].category"},
      {"an SLA missing", [](cv1::DisorderRules& d) { d.mutable_category_slas()->RemoveLast(); },
       "category_slas"},
      {"an SLA of no days",
       [](cv1::DisorderRules& d) { d.mutable_category_slas(2)->set_working_days(0); },
       "category_slas[2].working_days"},
      {"an SLA too long",
       [](cv1::DisorderRules& d) { d.mutable_category_slas(9)->set_working_days(61); },
       "category_slas[9].working_days"},
      {"no rework time", [](cv1::DisorderRules& d) { d.set_rework_working_days(0); },
       "rework_working_days"},
      {"rework too long", [](cv1::DisorderRules& d) { d.set_rework_working_days(61); },
       "rework_working_days"},
      {"no callback time", [](cv1::DisorderRules& d) { d.set_callback_working_days(0); },
       "callback_working_days"},
      {"callback too long", [](cv1::DisorderRules& d) { d.set_callback_working_days(31); },
       "callback_working_days"},
      {"no repeat rule", [](cv1::DisorderRules& d) { d.clear_repeat_rule(); }, "repeat_rule"},
      {"no window", [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_window_days(0); },
       "repeat_rule.window_days"},
      {"window over a year",
       [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_window_days(366); },
       "repeat_rule.window_days"},
      {"no radius", [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_radius_meters(0); },
       "repeat_rule.radius_meters"},
      {"radius too wide",
       [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_radius_meters(5001); },
       "repeat_rule.radius_meters"},
      {"no fume rule", [](cv1::DisorderRules& d) { d.clear_fume_rule(); }, "fume_rule"},
      {"fume limit too low",
       [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_limit_mg_m3(0.09); },
       "fume_rule.limit_mg_m3"},
      {"fume limit too high",
       [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_limit_mg_m3(20.5); },
       "fume_rule.limit_mg_m3"},
      {"fume limit not a number",
       [](cv1::DisorderRules& d) {
         d.mutable_fume_rule()->set_limit_mg_m3(std::numeric_limits<double>::quiet_NaN());
       },
       "fume_rule.limit_mg_m3"},
      {"quiet too short",
       [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_quiet_minutes(4); },
       "fume_rule.quiet_minutes"},
      {"quiet too long",
       [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_quiet_minutes(1441); },
       "fume_rule.quiet_minutes"},
      {"no enforcement days", [](cv1::DisorderRules& d) { d.set_enforcement_working_days(0); },
       "enforcement_working_days"},
      {"enforcement days too many",
       [](cv1::DisorderRules& d) { d.set_enforcement_working_days(91); },
       "enforcement_working_days"},
      {"a joint team without id",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->clear_team_unit_id(); },
       "joint_enforcement.team_unit_id"},
      {"an unknown joint team",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->set_team_unit_id("D-XX"); },
       "joint_enforcement.team_unit_id"},
      {"a joint team without categories",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->clear_categories(); },
       "joint_enforcement.categories"},
      {"a joint category unspecified",
       [](cv1::DisorderRules& d) {
         d.mutable_joint_enforcement()->add_categories(dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
       },
       "joint_enforcement.categories[1]"},
      {"a joint category twice",
       [](cv1::DisorderRules& d) {
         d.mutable_joint_enforcement()->add_categories(dv1::COMPLAINT_CATEGORY_MUCK_TRUCK);
       },
       "joint_enforcement.categories[1]"},
      {"a joint category routed elsewhere",
       [](cv1::DisorderRules& d) {
         // Noise is routed to the streets' teams (and the park's to D-HB): its first route.
         d.mutable_joint_enforcement()->add_categories(dv1::COMPLAINT_CATEGORY_NOISE);
       },
       "routes[" + std::to_string(FirstRouteOf(dv1::COMPLAINT_CATEGORY_NOISE)) + "].unit_id"},
      {"the team's category routed elsewhere",
       [](cv1::DisorderRules& d) { d.mutable_routes(0)->set_unit_id("D-JJ"); },
       "routes[0].unit_id"},
      {"no units to add",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->clear_unit_ids(); },
       "joint_enforcement.unit_ids"},
      {"an unknown unit to add",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->set_unit_ids(2, "D-XX"); },
       "joint_enforcement.unit_ids[2]"},
      {"the team as a unit to add",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->set_unit_ids(3, "D-ZT"); },
       "joint_enforcement.unit_ids[3]"},
      {"a unit to add twice",
       [](cv1::DisorderRules& d) { d.mutable_joint_enforcement()->add_unit_ids("D-JJ"); },
       "joint_enforcement.unit_ids[15]"},
      {"a routine category unspecified",
       [](cv1::DisorderRules& d) {
         d.set_monthly_remediation_categories(4, dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
       },
       "monthly_remediation_categories[4]"},
      {"a routine category unknown",
       [](cv1::DisorderRules& d) {
         d.set_monthly_remediation_categories(0, static_cast<dv1::ComplaintCategory>(99));
       },
       "monthly_remediation_categories[0]"},
      {"a routine category twice",
       [](cv1::DisorderRules& d) {
         d.add_monthly_remediation_categories(dv1::COMPLAINT_CATEGORY_NOISE);
       },
       "monthly_remediation_categories[10]"},
  };
  for (const Case& c : cases) {
    const absl::Status st = LoadEdited(c.edit);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << st;
    EXPECT_EQ(FieldOf(st), c.field) << c.what << ": " << st;
  }
}

TEST_F(DisorderRulesTest, TheLimitsThemselvesAreAccepted) {
  const std::function<void(cv1::DisorderRules&)> edits[] = {
      [](cv1::DisorderRules& d) { d.mutable_category_slas(0)->set_working_days(1); },
      [](cv1::DisorderRules& d) { d.mutable_category_slas(0)->set_working_days(60); },
      [](cv1::DisorderRules& d) { d.set_rework_working_days(60); },
      [](cv1::DisorderRules& d) { d.set_callback_working_days(30); },
      [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_window_days(365); },
      [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_radius_meters(5000); },
      [](cv1::DisorderRules& d) { d.mutable_repeat_rule()->set_radius_meters(1); },
      [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_limit_mg_m3(0.1); },
      [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_limit_mg_m3(20); },
      [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_quiet_minutes(5); },
      [](cv1::DisorderRules& d) { d.mutable_fume_rule()->set_quiet_minutes(1440); },
      [](cv1::DisorderRules& d) { d.set_enforcement_working_days(1); },
      [](cv1::DisorderRules& d) { d.set_enforcement_working_days(90); },
  };
  for (const auto& edit : edits) EXPECT_TRUE(LoadEdited(edit).ok()) << LoadEdited(edit);
}

TEST_F(DisorderRulesTest, UnknownFieldsInTheFileAreRefused) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("disorder.json");
  gov::testing::WriteFile(path, R"({"version": "x", "repeatRules": {}})");
  const auto rules = Rules::LoadFile(path, *regions_);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(rules.status().message()).find(path), std::string::npos);
}

TEST_F(DisorderRulesTest, ABrokenFileNamesThePathAndTheEntry) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("disorder.json");
  gov::testing::WriteFile(path, R"({"version": "2026.1"})");
  const auto rules = Rules::LoadFile(path, *regions_);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(rules.status().message());
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("category_slas"), std::string::npos) << message;
  EXPECT_EQ(FieldOf(rules.status()), "category_slas");
}

}  // namespace
}  // namespace gov::disorder
