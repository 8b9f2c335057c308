// govctl's cockpit text (tools/govctl/cockpit): the header, a section a track (the indicators
// table, or the code of a track that did not answer), the street and period comparisons, and the
// list of cockpits, rendered from messages without a server.

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "governance/digital/v1/digital.pb.h"
#include "gtest/gtest.h"
#include "tools/govctl/cockpit.h"
#include "tools/govctl/indicator_text.h"

namespace gov::govctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace digital = governance::digital::v1;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

std::vector<std::string> Lines(const std::string& text) { return absl::StrSplit(text, '\n'); }

// The line that contains `needle`, or "" when none does.
std::string LineWith(const std::string& text, const std::string& needle) {
  for (const std::string& line : Lines(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

// The district cockpit for November 2026: mediation answered (a rate, a count, an unknown id),
// policing did not.
const char kCockpit[] = R"pb(
  declaration {
    id: "district"
    name_zh: "区领导驾驶舱"
    name_en: "District leaders' cockpit"
    kind: COCKPIT_KIND_DISTRICT
    selections { track: "mediation" }
    selections { track: "policing" }
  }
  period { year: 2026 month: 11 }
  tracks {
    track: "mediation"
    code: 0
    indicators {
      id: "mediation_success_rate"
      name_zh: "调解成功率"
      unit: INDICATOR_UNIT_BASIS_POINTS
      direction: DIRECTION_HIGHER_IS_BETTER
      target_kind: TARGET_KIND_RATE
      target: 9000
      actual: 9250
      attainment: 10277
      colour: COLOUR_GREEN
      has_data: true
      target_source: TARGET_SOURCE_PLAN
      freshness: INDICATOR_FRESHNESS_LIVE
      comparable_by_street: true
    }
    indicators {
      id: "court_intake"
      name_zh: "法院收案数"
      unit: INDICATOR_UNIT_COUNT
      direction: DIRECTION_LOWER_IS_BETTER
      has_data: false
      freshness: INDICATOR_FRESHNESS_RECORDED
    }
    unknown_ids: "retired_indicator"
  }
  tracks { track: "policing" code: 14 message: "track policing at 127.0.0.1:7102 did not answer" }
  complete: false
  freshness {
    indicators: 63
    high_frequency: 50
    comparable: 45
    high_frequency_comparable: 41
    share: 6508
  }
  evaluated_at { seconds: 1796054400 }
)pb";

TEST(GovctlCockpitTest, HeaderStartsWithTheIdAndCountsTheFreshIndicators) {
  const std::string text = CockpitText(Parse<digital::Cockpit>(kCockpit), {});
  EXPECT_THAT(text, StartsWith("district  区领导驾驶舱 / District leaders' cockpit\n"));
  EXPECT_THAT(text, HasSubstr("region:     whole district\n"));
  EXPECT_THAT(text, HasSubstr("period:     2026-11\n"));
  EXPECT_THAT(text, HasSubstr("evaluated:  2026-11-30T16:00:00Z\n"));
  EXPECT_THAT(text, HasSubstr("complete:   no — policing did not answer\n"));
  EXPECT_THAT(text, HasSubstr("high-frequency comparable: 41 of 63 (65.1 %)"));
}

TEST(GovctlCockpitTest, FailedTrackIsOneLineWithItsCodeInsteadOfRows) {
  const std::string text = CockpitText(Parse<digital::Cockpit>(kCockpit), {});
  const std::string line = LineWith(text, "UNAVAILABLE");
  EXPECT_THAT(line, StartsWith("policing"));
  EXPECT_THAT(line, HasSubstr("policing: UNAVAILABLE — track policing at 127.0.0.1:7102 "
                              "did not answer"));
  // Nothing of policing's after its line: the next section or the end.
  const size_t at = text.find(line);
  EXPECT_EQ(text.substr(at + line.size()), "\n");
}

TEST(GovctlCockpitTest, AnsweredTrackShowsTheIndicatorsTable) {
  const std::string text = CockpitText(Parse<digital::Cockpit>(kCockpit), {});
  EXPECT_THAT(text, HasSubstr("mediation: 2 indicators\n"));
  const std::string header = LineWith(text, "attainment");
  EXPECT_THAT(header, StartsWith("id "));
  for (const char* column : {"name_zh", "actual", "target", "source", "attainment", "colour",
                             "freshness", "by_street"}) {
    EXPECT_THAT(header, HasSubstr(column));
  }
  const std::string rate = LineWith(text, "mediation_success_rate");
  EXPECT_THAT(rate, HasSubstr("92.50%"));
  EXPECT_THAT(rate, HasSubstr(">= 90.00%"));
  EXPECT_THAT(rate, HasSubstr("102.77%"));
  EXPECT_THAT(rate, HasSubstr("plan"));
  EXPECT_THAT(rate, HasSubstr("green"));
  EXPECT_THAT(rate, HasSubstr("live"));
  EXPECT_THAT(rate, HasSubstr("yes"));
  const std::string count = LineWith(text, "court_intake");
  EXPECT_THAT(count, HasSubstr("no data"));
  EXPECT_THAT(count, HasSubstr("recorded"));
  EXPECT_THAT(text, HasSubstr("unknown ids (not declared by mediation): retired_indicator\n"));
}

TEST(GovctlCockpitTest, ColourOnlyWhenAsked) {
  const digital::Cockpit cockpit = Parse<digital::Cockpit>(kCockpit);
  EXPECT_THAT(CockpitText(cockpit, {}), Not(HasSubstr("\033[")));
  EXPECT_THAT(CockpitText(cockpit, {.colour = true}), HasSubstr("\033[32mgreen"));
}

TEST(GovctlCockpitTest, CompleteCockpitAndUnknownCode) {
  digital::Cockpit cockpit = Parse<digital::Cockpit>(kCockpit);
  cockpit.mutable_tracks()->RemoveLast();
  cockpit.set_complete(true);
  std::string text = CockpitText(cockpit, {});
  EXPECT_THAT(text, HasSubstr("complete:   yes\n"));
  EXPECT_THAT(text, Not(HasSubstr("UNAVAILABLE")));

  digital::CockpitTrack* odd = cockpit.add_tracks();
  odd->set_track("hazard");
  odd->set_code(99);
  text = CockpitText(cockpit, {});
  EXPECT_THAT(text, HasSubstr("hazard: code 99\n"));
}

TEST(GovctlCockpitTest, StreetCockpitNamesItsStreet) {
  digital::Cockpit cockpit = Parse<digital::Cockpit>(kCockpit);
  digital::CockpitDeclaration* d = cockpit.mutable_declaration();
  d->set_id("street-GS01");
  d->set_kind(digital::COCKPIT_KIND_STREET);
  d->set_street_id("GS01");
  const std::string text = CockpitText(cockpit, {});
  EXPECT_THAT(text, StartsWith("street-GS01  "));
  EXPECT_THAT(text, HasSubstr("kind:       street\n"));
  EXPECT_THAT(text, HasSubstr("region:     GS01\n"));
}

TEST(GovctlCockpitTest, ListHasOneRowACockpit) {
  const std::string text = CockpitListText(Parse<digital::ListCockpitsResponse>(R"pb(
    cockpits {
      id: "district"
      name_zh: "区领导驾驶舱"
      name_en: "District leaders' cockpit"
      kind: COCKPIT_KIND_DISTRICT
      selections { track: "mediation" }
      selections { track: "policing" }
    }
    cockpits {
      id: "street-GS01"
      name_zh: "运河街道驾驶舱"
      kind: COCKPIT_KIND_STREET
      street_id: "GS01"
      selections { track: "mediation" }
    }
    cockpits {
      id: "dept-public-security"
      name_zh: "区公安分局驾驶舱"
      kind: COCKPIT_KIND_DEPARTMENT
      department: "区公安分局"
      selections { track: "policing" }
    }
  )pb"));
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 6u) << text;  // header, rule, three rows, the final ""
  EXPECT_THAT(lines[0], StartsWith("id "));
  EXPECT_THAT(lines[0], HasSubstr("street/department"));
  EXPECT_THAT(lines[2], StartsWith("district "));
  EXPECT_THAT(lines[2], HasSubstr("District leaders' cockpit"));
  EXPECT_THAT(lines[2], testing::EndsWith(" 2"));
  EXPECT_THAT(lines[3], HasSubstr("street "));
  EXPECT_THAT(lines[3], HasSubstr("GS01"));
  EXPECT_THAT(lines[4], HasSubstr("department"));
  EXPECT_THAT(lines[4], HasSubstr("区公安分局 "));
  EXPECT_EQ(CockpitListText({}), "(no cockpits)\n");
}

TEST(GovctlCockpitTest, CompareStreetsDistrictFirstThenByRank) {
  const std::string text = CompareStreetsText(
      "mediation", Parse<digital::CompareStreetsResponse>(R"pb(
        district {
          id: "mediation_success_rate"
          name_zh: "调解成功率"
          unit: INDICATOR_UNIT_BASIS_POINTS
          target_kind: TARGET_KIND_RATE
          direction: DIRECTION_HIGHER_IS_BETTER
          target: 9000
          actual: 8800
          attainment: 9777
          colour: COLOUR_YELLOW
          has_data: true
          period { year: 2026 quarter: 3 }
        }
        streets {
          street_id: "GS02"
          street_name: "桥西街道"
          rank: 1
          indicator { unit: INDICATOR_UNIT_BASIS_POINTS actual: 9500 has_data: true }
        }
        streets {
          street_id: "GS01"
          street_name: "运河街道"
          rank: 2
          indicator { unit: INDICATOR_UNIT_BASIS_POINTS actual: 8000 has_data: true }
        }
        streets {
          street_id: "GS03"
          street_name: "拱宸桥街道"
          rank: 0
          indicator { unit: INDICATOR_UNIT_BASIS_POINTS }
        }
      )pb"),
      {});
  const std::vector<std::string> lines = Lines(text);
  ASSERT_GE(lines.size(), 8u) << text;
  EXPECT_EQ(lines[0], "mediation mediation_success_rate  调解成功率, 2026-Q3");
  EXPECT_THAT(lines[2], StartsWith("rank"));
  EXPECT_THAT(lines[4], HasSubstr("district"));
  EXPECT_THAT(lines[4], HasSubstr("88.00%"));
  EXPECT_THAT(lines[5], HasSubstr("GS02"));
  EXPECT_THAT(lines[5], HasSubstr("95.00%"));
  EXPECT_THAT(lines[5], StartsWith("   1"));
  EXPECT_THAT(lines[6], HasSubstr("GS01"));
  EXPECT_THAT(lines[7], HasSubstr("GS03"));
  EXPECT_THAT(lines[7], HasSubstr("no data"));
  EXPECT_THAT(lines[7], StartsWith("   -"));
}

// November and October: policing did not answer for November.
const char kTwoMonths[] = R"pb(
  cockpits {
    declaration { id: "district" name_zh: "区领导驾驶舱" }
    period { year: 2026 month: 11 }
    tracks {
      track: "mediation"
      indicators {
        id: "mediation_success_rate"
        name_zh: "调解成功率"
        unit: INDICATOR_UNIT_BASIS_POINTS
        actual: 9250
        has_data: true
      }
    }
    tracks { track: "policing" code: 4 message: "no answer within 800ms" }
  }
  cockpits {
    declaration { id: "district" name_zh: "区领导驾驶舱" }
    period { year: 2026 month: 10 }
    tracks {
      track: "mediation"
      indicators {
        id: "mediation_success_rate"
        name_zh: "调解成功率"
        unit: INDICATOR_UNIT_BASIS_POINTS
        actual: 9100
        has_data: true
      }
    }
    tracks {
      track: "policing"
      indicators {
        id: "incidents"
        name_zh: "警情数"
        unit: INDICATOR_UNIT_COUNT
        actual: 120
        has_data: true
      }
    }
  }
)pb";

TEST(GovctlCockpitTest, ComparePeriodsOneColumnAPeriodNewestFirst) {
  const std::string text =
      ComparePeriodsText(Parse<digital::ComparePeriodsResponse>(kTwoMonths), {});
  const std::vector<std::string> lines = Lines(text);
  ASSERT_GE(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "district  区领导驾驶舱: 2 periods, 2026-11 back to 2026-10");
  EXPECT_THAT(lines[2], StartsWith("track "));
  EXPECT_LT(lines[2].find("2026-11"), lines[2].find("2026-10"));
  EXPECT_THAT(lines[4], StartsWith("mediation "));
  EXPECT_LT(lines[4].find("92.50%"), lines[4].find("91.00%"));
  // Policing did not answer for November: n/a there, its October count beside it.
  EXPECT_THAT(lines[5], StartsWith("policing "));
  EXPECT_LT(lines[5].find("n/a"), lines[5].find("120"));
  EXPECT_THAT(LineWith(text, "DEADLINE_EXCEEDED"),
              HasSubstr("2026-11 policing: DEADLINE_EXCEEDED — no answer within 800ms"));
  EXPECT_EQ(ComparePeriodsText({}, {}), "(no periods)\n");
}

TEST(GovctlIndicatorTextTest, ValuesAsTheIndicatorsTableShowsThem) {
  EXPECT_EQ(ValueText(governance::v1::INDICATOR_UNIT_BASIS_POINTS, 6508), "65.08%");
  EXPECT_EQ(ValueText(governance::v1::INDICATOR_UNIT_COUNT, 42), "42");
  EXPECT_EQ(Percent(-500, true), "-5.00%");
  EXPECT_EQ(std::string(FreshnessName(governance::v1::INDICATOR_FRESHNESS_LIVE)), "live");
}

}  // namespace
}  // namespace gov::govctl
