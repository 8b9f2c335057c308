#include "common/regions/regions.h"

#include <limits>
#include <regex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::regions {
namespace {

using RegistryData = governance::config::v1::RegionRegistry;
using governance::v1::RegionRef;
using ::testing::HasSubstr;

RegionRef Ref(const std::string& street, const std::string& community = "",
              const std::string& grid = "") {
  RegionRef r;
  r.set_street_id(street);
  r.set_community_id(community);
  r.set_grid_id(grid);
  return r;
}

// Two streets with two communities each, two grids each.
RegistryData Small() {
  RegistryData data;
  data.set_version("t");
  data.set_district_id("GS");
  for (int s = 1; s <= 2; ++s) {
    auto* street = data.add_streets();
    street->set_id(absl::StrFormat("GS%02d", s));
    street->set_name(absl::StrFormat("街道%d", s));
    for (int c = 1; c <= 2; ++c) {
      auto* community = street->add_communities();
      community->set_id(absl::StrFormat("%s-C%02d", street->id(), c));
      community->set_name(absl::StrFormat("社区%d-%d", s, c));
      for (int g = 1; g <= 2; ++g) {
        community->add_grids(absl::StrFormat("%s-G%02d", community->id(), g));
      }
    }
  }
  return data;
}

class ShippedRegionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = RegionRegistry::LoadFile(gov::testing::SourcePath("data/regions.json"));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    registry_ = std::move(loaded).value();
  }
  std::unique_ptr<RegionRegistry> registry_;
};

TEST(ValidateLocationTest, DegreesWithinTheirRangesAndNoNaN) {
  governance::v1::GeoPoint p;
  for (const auto& [lat, lng] : {std::pair{0.0, 0.0}, std::pair{90.0, 180.0},
                                 std::pair{-90.0, -180.0}, std::pair{30.3197, 120.1412}}) {
    p.set_latitude(lat);
    p.set_longitude(lng);
    EXPECT_TRUE(ValidateLocation(p, "complaint.location").ok()) << lat << "," << lng;
  }
  const struct {
    double lat;
    double lng;
    const char* field;
  } bad[] = {
      {90.0001, 0, "complaint.location.latitude"},
      {-91, 0, "complaint.location.latitude"},
      {std::numeric_limits<double>::quiet_NaN(), 0, "complaint.location.latitude"},
      {0, 180.5, "complaint.location.longitude"},
      {0, std::numeric_limits<double>::infinity(), "complaint.location.longitude"},
      {0, std::numeric_limits<double>::quiet_NaN(), "complaint.location.longitude"},
  };
  for (const auto& b : bad) {
    p.set_latitude(b.lat);
    p.set_longitude(b.lng);
    const absl::Status st = ValidateLocation(p, "complaint.location");
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << b.field << ": " << st;
    EXPECT_EQ(FieldOf(st), b.field) << st;
  }
}

TEST_F(ShippedRegionsTest, HasThePlansCounts) {
  EXPECT_TRUE(std::regex_match(registry_->version(), std::regex("20[0-9]{2}\\.[0-9]+")));
  EXPECT_EQ(registry_->district_id(), "GS");
  ASSERT_EQ(registry_->street_count(), 11);
  EXPECT_EQ(registry_->community_count(), 95);
  int parks = 0;
  int communities = 0;
  const std::regex street_id("GS[0-9]{2}");
  const std::regex grid_id("GS[0-9]{2}-C[0-9]{2}-G[0-9]{2}");
  for (int i = 0; i < registry_->street_count(); ++i) {
    const auto* street = registry_->streets()[i];
    EXPECT_EQ(street->id(), absl::StrFormat("GS%02d", i + 1));
    EXPECT_TRUE(std::regex_match(street->id(), street_id));
    EXPECT_FALSE(street->name().empty());
    parks += street->park() ? 1 : 0;
    const auto list = registry_->CommunitiesOf(street->id());
    EXPECT_EQ(static_cast<int>(list.size()), street->communities_size());
    if (!street->park()) {
      EXPECT_GE(list.size(), 8u) << street->id();
      EXPECT_LE(list.size(), 10u) << street->id();
    }
    for (const auto* community : list) {
      ++communities;
      EXPECT_EQ(registry_->StreetOfCommunity(community->id()), street->id());
      EXPECT_GE(community->grids_size(), 3) << community->id();
      EXPECT_LE(community->grids_size(), 6) << community->id();
      for (const std::string& grid : community->grids()) {
        EXPECT_TRUE(std::regex_match(grid, grid_id)) << grid;
      }
    }
  }
  EXPECT_EQ(parks, 1);
  EXPECT_EQ(communities, 95);
}

TEST_F(ShippedRegionsTest, Names) {
  EXPECT_FALSE(registry_->NameOf("GS01").empty());
  EXPECT_THAT(registry_->NameOf("GS01-C01"), HasSubstr("社区"));
  EXPECT_EQ(registry_->NameOf("GS01-C01-G01"), "GS01-C01-G01");
  EXPECT_EQ(registry_->NameOf("GS99"), "");
  EXPECT_EQ(registry_->NameOf(""), "");
  EXPECT_TRUE(registry_->HasStreet("GS11"));
  EXPECT_FALSE(registry_->HasStreet("GS12"));
  EXPECT_TRUE(registry_->HasCommunity("GS03-C02"));
  EXPECT_FALSE(registry_->HasCommunity("GS03"));
  EXPECT_EQ(registry_->StreetOfCommunity("GS03-C02"), "GS03");
  EXPECT_EQ(registry_->StreetOfCommunity("nope"), "");
  EXPECT_TRUE(registry_->CommunitiesOf("nope").empty());
}

TEST_F(ShippedRegionsTest, ValidateAcceptsGoodRefs) {
  EXPECT_TRUE(registry_->Validate(Ref("GS01"), "region").ok());
  EXPECT_TRUE(registry_->Validate(Ref("GS01", "GS01-C01"), "region").ok());
  EXPECT_TRUE(registry_->Validate(Ref("GS01", "GS01-C01", "GS01-C01-G03"), "region").ok());
  EXPECT_TRUE(registry_->Validate(Ref("GS11", "GS11-C01"), "region").ok());
  // The whole district, where a street is optional.
  EXPECT_TRUE(registry_->Validate(Ref(""), "filter.region", /*require_street=*/false).ok());
}

TEST_F(ShippedRegionsTest, ValidateNamesTheBadField) {
  struct Case {
    RegionRef ref;
    bool require_street;
    std::string field;
    std::string mention;
  };
  const Case cases[] = {
      {Ref(""), true, "dispute.region.street_id", "dispute.region.street_id: required"},
      {Ref("GS99"), true, "dispute.region.street_id", "unknown street \"GS99\""},
      {Ref("", "GS01-C01"), false, "dispute.region.street_id", "required"},
      {Ref("", "", "GS01-C01-G01"), false, "dispute.region.street_id", "required"},
      {Ref("GS01", "GS01-C99"), true, "dispute.region.community_id", "unknown community"},
      {Ref("GS01", "GS02-C01"), true, "dispute.region.community_id", "not in street \"GS01\""},
      {Ref("GS01", "", "GS01-C01-G01"), true, "dispute.region.community_id", "required"},
      {Ref("GS01", "GS01-C01", "GS01-C01-G99"), true, "dispute.region.grid_id", "unknown grid"},
      {Ref("GS01", "GS01-C01", "GS01-C02-G01"), true, "dispute.region.grid_id",
       "not in community \"GS01-C01\""},
  };
  for (const Case& c : cases) {
    const absl::Status st = registry_->Validate(c.ref, "dispute.region", c.require_street);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.ref.ShortDebugString();
    EXPECT_EQ(FieldOf(st), c.field) << c.ref.ShortDebugString();
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.mention)) << c.ref.ShortDebugString();
  }
}

TEST_F(ShippedRegionsTest, HostileIdsAreCutInMessages) {
  const absl::Status st = registry_->Validate(Ref(std::string(100000, 'x')), "r");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(st.message().size(), 200u);
}

TEST(RegionRegistryTest, FromProtoAcceptsSmallRegistry) {
  auto registry = RegionRegistry::FromProto(Small());
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->street_count(), 2);
  EXPECT_EQ((*registry)->community_count(), 4);
  EXPECT_EQ((*registry)->NameOf("GS02-C01"), "社区2-1");
  EXPECT_TRUE((*registry)->Validate(Ref("GS02", "GS02-C02", "GS02-C02-G02"), "r").ok());
}

TEST(RegionRegistryTest, FromProtoRejectsBadData) {
  struct Case {
    const char* what;
    void (*mutate)(RegistryData&);
    std::string field;
  };
  const Case cases[] = {
      {"duplicate street", [](RegistryData& d) { d.mutable_streets(1)->set_id("GS01"); },
       "streets[1].id"},
      {"duplicate community",
       [](RegistryData& d) { d.mutable_streets(0)->mutable_communities(1)->set_id("GS01-C01"); },
       "streets[0].communities[1].id"},
      {"community outside its street",
       [](RegistryData& d) { d.mutable_streets(0)->mutable_communities(1)->set_id("GS02-C09"); },
       "streets[0].communities[1].id"},
      {"community id equal to street prefix",
       [](RegistryData& d) { d.mutable_streets(0)->mutable_communities(1)->set_id("GS01-"); },
       "streets[0].communities[1].id"},
      {"grid outside its community",
       [](RegistryData& d) {
         d.mutable_streets(1)->mutable_communities(0)->set_grids(1, "GS02-C02-G01");
       },
       "streets[1].communities[0].grids[1]"},
      {"duplicate grid",
       [](RegistryData& d) {
         d.mutable_streets(1)->mutable_communities(0)->set_grids(1, "GS02-C01-G01");
       },
       "streets[1].communities[0].grids[1]"},
      {"odd characters", [](RegistryData& d) { d.mutable_streets(0)->set_id("GS 01"); },
       "streets[0].id"},
      {"empty street name", [](RegistryData& d) { d.mutable_streets(1)->clear_name(); },
       "streets[1].name"},
      {"empty community name",
       [](RegistryData& d) { d.mutable_streets(1)->mutable_communities(1)->clear_name(); },
       "streets[1].communities[1].name"},
      {"no district", [](RegistryData& d) { d.clear_district_id(); }, "district_id"},
      {"no streets", [](RegistryData& d) { d.clear_streets(); }, "streets"},
  };
  for (const Case& c : cases) {
    RegistryData data = Small();
    c.mutate(data);
    const auto registry = RegionRegistry::FromProto(data);
    EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_EQ(FieldOf(registry.status()), c.field) << c.what << ": " << registry.status();
  }
}

TEST(RegionRegistryTest, LoadFileErrors) {
  gov::testing::TempDir dir;
  const auto missing = RegionRegistry::LoadFile(dir.File("nope.json"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();

  const std::string bad = dir.File("bad.json");
  gov::testing::WriteFile(bad, R"({"version": "x", "streetz": []})");
  const auto unknown_field = RegionRegistry::LoadFile(bad);
  EXPECT_EQ(unknown_field.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown_field.status().message()), HasSubstr("bad.json"));

  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(Small(), &json).ok());
  const std::string good = dir.File("good.json");
  gov::testing::WriteFile(good, json);
  EXPECT_TRUE(RegionRegistry::LoadFile(good).ok());

  RegistryData dup = Small();
  dup.mutable_streets(1)->set_id("GS01");
  json.clear();
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(dup, &json).ok());
  gov::testing::WriteFile(good, json);
  const auto duplicate = RegionRegistry::LoadFile(good);
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(duplicate.status().message()), HasSubstr("duplicate id \"GS01\""));
}

}  // namespace
}  // namespace gov::regions
