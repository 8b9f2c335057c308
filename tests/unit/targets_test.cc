// The targets file: every target of data/targets.json is the plan's with a clause the plan
// really has, or the district's with a reason; the book refuses a wrong file and a track whose
// indicators and file disagree.

#include "common/indicators/targets.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::indicators {
namespace {

namespace cv1 = ::governance::config::v1;
using ::testing::HasSubstr;

cv1::IndicatorTarget Plan(std::string track, std::string indicator, int64_t target,
                          std::string clause) {
  cv1::IndicatorTarget t;
  t.set_track(std::move(track));
  t.set_indicator(std::move(indicator));
  t.set_source(governance::v1::TARGET_SOURCE_PLAN);
  t.set_target(target);
  t.set_plan_clause(std::move(clause));
  return t;
}

cv1::IndicatorTarget District(std::string track, std::string indicator, int64_t target,
                              std::string reason) {
  cv1::IndicatorTarget t;
  t.set_track(std::move(track));
  t.set_indicator(std::move(indicator));
  t.set_source(governance::v1::TARGET_SOURCE_DISTRICT);
  t.set_target(target);
  t.set_reason(std::move(reason));
  return t;
}

IndicatorSpec Graded(std::string id, governance::v1::TargetKind kind) {
  IndicatorSpec spec;
  spec.id = std::move(id);
  spec.target_kind = kind;
  return spec;
}

TEST(TargetsTest, TheShippedFileQuotesThePlanVerbatim) {
  auto book = TargetBook::LoadFile(gov::testing::SourcePath("data/targets.json"));
  ASSERT_TRUE(book.ok()) << book.status();
  auto plan = ReadFile(gov::testing::SourcePath("data/plan.zh.txt"), "plan");
  ASSERT_TRUE(plan.ok()) << plan.status();
  int plan_targets = 0;
  for (const cv1::IndicatorTarget& t : (*book)->data().targets()) {
    SCOPED_TRACE(absl::StrCat(t.track(), " ", t.indicator()));
    if (t.source() == governance::v1::TARGET_SOURCE_PLAN) {
      ++plan_targets;
      EXPECT_NE(plan->find(t.plan_clause()), std::string::npos)
          << "not in data/plan.zh.txt: " << t.plan_clause();
    }
  }
  EXPECT_GT(plan_targets, 20);
}

TEST(TargetsTest, AWrongFileIsRefusedNamingTheEntry) {
  struct Bad {
    std::string what;
    cv1::IndicatorTarget target;
    std::string field;
  };
  cv1::IndicatorTarget no_source = Plan("mediation", "a", 1, "x");
  no_source.clear_source();
  cv1::IndicatorTarget plan_with_reason = Plan("mediation", "a", 1, "x");
  plan_with_reason.set_reason("because");
  cv1::IndicatorTarget district_with_clause = District("mediation", "a", 1, "because");
  district_with_clause.set_plan_clause("x");
  const std::vector<Bad> bad = {
      {"no track", Plan("", "a", 1, "x"), "targets[1].track"},
      {"no indicator", Plan("mediation", "", 1, "x"), "targets[1].indicator"},
      {"no source", no_source, "targets[1].source"},
      {"plan without clause", Plan("mediation", "a", 1, ""), "targets[1].plan_clause"},
      {"plan with a reason", plan_with_reason, "targets[1].reason"},
      {"district without reason", District("mediation", "a", 1, ""), "targets[1].reason"},
      {"district quoting the plan", district_with_clause, "targets[1].plan_clause"},
      {"twice", Plan("mediation", "first", 2, "y"), "targets[1]"},
      {"NUL in a clause", Plan("mediation", "a", 1, std::string("x\0y", 3)),
       "targets[1].plan_clause"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.what);
    cv1::Targets data;
    data.set_version("2026.1");
    *data.add_targets() = Plan("mediation", "first", 1, "x");
    *data.add_targets() = b.target;
    auto book = TargetBook::FromProto(data);
    ASSERT_FALSE(book.ok());
    EXPECT_EQ(book.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(book.status()), b.field) << book.status();
  }
  cv1::Targets unversioned;
  EXPECT_EQ(FieldOf(TargetBook::FromProto(unversioned).status()), "version");
}

TEST(TargetsTest, ApplyGivesEachGradedSpecItsTargetAndSource) {
  cv1::Targets data;
  data.set_version("2026.1");
  *data.add_targets() = Plan("t", "down", -500, "下降5%");
  *data.add_targets() = District("t", "yardstick", 9000, "the district's yardstick");
  *data.add_targets() = Plan("other", "down", 7, "elsewhere");
  auto book = TargetBook::FromProto(data);
  ASSERT_TRUE(book.ok()) << book.status();

  std::vector<IndicatorSpec> specs = {
      Graded("down", governance::v1::TARGET_KIND_CHANGE_VS_BASELINE),
      Graded("yardstick", governance::v1::TARGET_KIND_RATE),
      Graded("watched", governance::v1::TARGET_KIND_UNSPECIFIED)};
  ASSERT_TRUE((*book)->Apply("t", specs).ok());
  EXPECT_EQ(specs[0].target, -500);
  EXPECT_EQ(specs[0].target_source, governance::v1::TARGET_SOURCE_PLAN);
  EXPECT_EQ(specs[0].plan_clause, "下降5%");
  EXPECT_EQ(specs[1].target, 9000);
  EXPECT_EQ(specs[1].target_source, governance::v1::TARGET_SOURCE_DISTRICT);
  EXPECT_EQ(specs[1].target_reason, "the district's yardstick");
  EXPECT_EQ(specs[2].target_source, governance::v1::TARGET_SOURCE_UNSPECIFIED);

  // A graded indicator without an entry, an entry for a watched one, and an entry for an
  // indicator the track does not have: the track must not start.
  std::vector<IndicatorSpec> missing = {
      Graded("down", governance::v1::TARGET_KIND_CHANGE_VS_BASELINE),
      Graded("new", governance::v1::TARGET_KIND_RATE)};
  absl::Status s = (*book)->Apply("t", missing);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("no target for t indicator new"));

  std::vector<IndicatorSpec> watched = {
      Graded("down", governance::v1::TARGET_KIND_CHANGE_VS_BASELINE),
      Graded("yardstick", governance::v1::TARGET_KIND_UNSPECIFIED)};
  EXPECT_THAT(std::string((*book)->Apply("t", watched).message()), HasSubstr("yardstick"));

  std::vector<IndicatorSpec> fewer = {
      Graded("down", governance::v1::TARGET_KIND_CHANGE_VS_BASELINE)};
  EXPECT_THAT(std::string((*book)->Apply("t", fewer).message()),
              HasSubstr("t has no indicator yardstick"));
}

}  // namespace
}  // namespace gov::indicators
