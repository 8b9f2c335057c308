// Colour grading by configured thresholds (common/grading): validation of a grading read from a
// file, and the first band that applies.

#include <string>

#include "common/grading/colour_grading.h"
#include "common/util/status.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace gov::grading {
namespace {

using governance::v1::COLOUR_BLUE;
using governance::v1::COLOUR_GREEN;
using governance::v1::COLOUR_RED;
using governance::v1::COLOUR_YELLOW;
using governance::v1::ColourGrading;

ColourGrading Parse(const std::string& text) {
  ColourGrading g;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &g)) << text;
  return g;
}

// Red from +10% with at least 20 incidents, or from a 15% share; yellow from no change with 10;
// blue otherwise.
const char kBulletin[] = R"pb(
  bands {
    colour: COLOUR_RED
    all_of { metric: "change_basis_points" at_least: 1000 }
    all_of { metric: "count" at_least: 20 }
  }
  bands {
    colour: COLOUR_RED
    all_of { metric: "share_basis_points" at_least: 1500 }
  }
  bands {
    colour: COLOUR_YELLOW
    all_of { metric: "change_basis_points" at_least: 0 }
    all_of { metric: "count" at_least: 10 }
  }
  otherwise: COLOUR_BLUE
)pb";

const std::vector<std::string> kMetrics = {"count", "change_basis_points", "share_basis_points"};
const std::vector<governance::v1::Colour> kThree = {COLOUR_RED, COLOUR_YELLOW, COLOUR_BLUE};

TEST(ColourGradingTest, FirstBandThatAppliesAtItsBoundaries) {
  const ColourGrading g = Parse(kBulletin);
  ASSERT_TRUE(Validate(g, kMetrics, kThree, "grading").ok());
  // Exactly at both red thresholds.
  EXPECT_EQ(Grade(g, {{"count", 20}, {"change_basis_points", 1000}, {"share_basis_points", 0}}),
            COLOUR_RED);
  // One short of either falls to yellow (change >= 0, count >= 10).
  EXPECT_EQ(Grade(g, {{"count", 19}, {"change_basis_points", 1000}, {"share_basis_points", 0}}),
            COLOUR_YELLOW);
  EXPECT_EQ(Grade(g, {{"count", 20}, {"change_basis_points", 999}, {"share_basis_points", 0}}),
            COLOUR_YELLOW);
  // The second red band: "either".
  EXPECT_EQ(Grade(g, {{"count", 3}, {"change_basis_points", -5000}, {"share_basis_points", 1500}}),
            COLOUR_RED);
  // Below every band.
  EXPECT_EQ(Grade(g, {{"count", 10}, {"change_basis_points", -1}, {"share_basis_points", 1499}}),
            COLOUR_BLUE);
  EXPECT_EQ(Grade(g, {{"count", 9}, {"change_basis_points", 0}, {"share_basis_points", 0}}),
            COLOUR_BLUE);
}

TEST(ColourGradingTest, AMissingMetricFailsItsConditions) {
  const ColourGrading g = Parse(kBulletin);
  // No change (last year had none): neither the first red band nor yellow applies.
  EXPECT_EQ(Grade(g, {{"count", 500}, {"share_basis_points", 100}}), COLOUR_BLUE);
  EXPECT_EQ(Grade(g, {{"count", 500}, {"share_basis_points", 2000}}), COLOUR_RED);
}

TEST(ColourGradingTest, BelowIsExclusiveAndAnEmptyBandAlwaysApplies) {
  const ColourGrading g = Parse(R"pb(
    bands {
      colour: COLOUR_GREEN
      all_of { metric: "count" at_least: 5 below: 10 }
    }
    bands { colour: COLOUR_YELLOW }
    otherwise: COLOUR_RED
  )pb");
  ASSERT_TRUE(Validate(g, {"count"}, {COLOUR_GREEN, COLOUR_YELLOW, COLOUR_RED}, "g").ok());
  EXPECT_EQ(Grade(g, {{"count", 5}}), COLOUR_GREEN);
  EXPECT_EQ(Grade(g, {{"count", 9}}), COLOUR_GREEN);
  EXPECT_EQ(Grade(g, {{"count", 10}}), COLOUR_YELLOW);
  EXPECT_EQ(Grade(g, {{"count", 4}}), COLOUR_YELLOW);
}

TEST(ColourGradingTest, ValidationNamesTheOffendingField) {
  struct Case {
    std::string text;
    std::string field;
  };
  const Case cases[] = {
      {"otherwise: COLOUR_BLUE", "g.bands"},
      {"bands { colour: COLOUR_RED } otherwise: COLOUR_GREEN", "g.otherwise"},
      {"bands { colour: COLOUR_RED } otherwise: COLOUR_UNSPECIFIED", "g.otherwise"},
      {"bands { colour: COLOUR_RED } bands { colour: COLOUR_GREEN } otherwise: COLOUR_BLUE",
       "g.bands[1].colour"},
      {R"pb(bands {
              colour: COLOUR_RED
              all_of { metric: "count" at_least: 1 }
              all_of { metric: "cuont" at_least: 1 }
            }
            otherwise: COLOUR_BLUE)pb",
       "g.bands[0].all_of[1].metric"},
      {R"pb(bands {
              colour: COLOUR_RED
              all_of { metric: "count" }
            }
            otherwise: COLOUR_BLUE)pb",
       "g.bands[0].all_of[0]"},
      {R"pb(bands {
              colour: COLOUR_RED
              all_of { metric: "count" at_least: 5 below: 5 }
            }
            otherwise: COLOUR_BLUE)pb",
       "g.bands[0].all_of[0]"},
  };
  for (const Case& c : cases) {
    const absl::Status st = Validate(Parse(c.text), kMetrics, kThree, "g");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(FieldOf(st), c.field) << c.text << ": " << st;
  }
}

}  // namespace
}  // namespace gov::grading
