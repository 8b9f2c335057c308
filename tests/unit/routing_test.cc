// Routing tables (common/routing): checks of units and routes naming the entry, first match
// wins, district-wide routes, and coverage of every key on every street.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/regions/regions.h"
#include "common/routing/routing_table.h"
#include "common/util/status.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::routing {
namespace {

const TableFields kFields = {"units", "routes", "kind", "a kind this table routes"};

std::string KeyName(int key) { return absl::StrCat("KIND_", key); }

class RoutingTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
  }

  absl::StatusOr<RoutingTable> Build(std::vector<Unit> units, std::vector<Route> routes) {
    return RoutingTable::Build(std::move(units), std::move(routes), {1, 2}, KeyName, *regions_,
                               kFields);
  }

  // Units A and B; kind 1 to A on GS01 and to B elsewhere, kind 2 to A everywhere.
  std::vector<Unit> units_ = {{"A", "甲"}, {"B", "乙"}};
  std::vector<Route> routes_ = {{1, "GS01", "A"}, {1, "", "B"}, {2, "", "A"}};
  std::unique_ptr<regions::RegionRegistry> regions_;
};

TEST_F(RoutingTableTest, FirstMatchingRouteWins) {
  auto table = Build(units_, routes_);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Route(1, "GS01")->id, "A");
  EXPECT_EQ(table->Route(1, "GS02")->id, "B");
  EXPECT_EQ(table->Route(2, "GS11")->name, "甲");
  EXPECT_EQ(table->Route(3, "GS01"), nullptr);
  EXPECT_EQ(table->FindUnit("B")->name, "乙");
  EXPECT_EQ(table->FindUnit("C"), nullptr);
  ASSERT_EQ(table->units().size(), 2u);
  EXPECT_EQ(table->units()[0].id, "A");
}

TEST_F(RoutingTableTest, BrokenTablesNameTheEntry) {
  struct Case {
    const char* what;
    std::vector<Unit> units;
    std::vector<Route> routes;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"a unit without id", {{"", "x"}, {"B", "乙"}}, routes_, "units[0].id"},
      {"a unit without name", {{"A", "甲"}, {"B", ""}}, routes_, "units[1].name"},
      {"a unit twice", {{"A", "甲"}, {"B", "乙"}, {"A", "丙"}}, routes_, "units[2].id"},
      {"an unknown kind", units_, {{1, "", "A"}, {2, "", "A"}, {7, "", "A"}}, "routes[2].kind"},
      {"an unknown street",
       units_,
       {{1, "GS99", "A"}, {1, "", "B"}, {2, "", "A"}},
       "routes[0].street_id"},
      {"an unknown unit", units_, {{1, "", "A"}, {2, "", "C"}}, "routes[1].unit_id"},
      // Kind 1 only on GS01: every other street lacks it.
      {"a street without a unit", units_, {{1, "GS01", "A"}, {2, "", "A"}}, "routes"},
  };
  for (const Case& c : cases) {
    const absl::Status st = Build(c.units, c.routes).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << st;
    EXPECT_EQ(FieldOf(st), c.field) << c.what << ": " << st;
  }
  const absl::Status uncovered = Build(units_, {{1, "GS01", "A"}, {2, "", "A"}}).status();
  EXPECT_NE(std::string(uncovered.message()).find("KIND_1 has no unit on street GS02"),
            std::string::npos)
      << uncovered;
}

}  // namespace
}  // namespace gov::routing
