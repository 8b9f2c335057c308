// The shared registry pieces (common/registry) on a real SQLite store: idempotent creation,
// reads within a principal's streets, replacement under an etag, pages by id across kinds and
// states with tokens bound to the filters and the caller, and "in force by a day".

#include "common/registry/registry.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/clock/clock.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/redis_server.h"
#include "tests/support/store_fixture.h"

namespace gov::registry {
namespace {

namespace dv1 = ::governance::disorder::v1;
using ::gov::testing::Backend;

const Layout kLayout{"disorder", "object", "M", "monitored object"};

dv1::MonitoredObject Object(dv1::MonitoredObjectKind kind, dv1::MonitoredObjectStatus status,
                            std::string street, std::string name, std::string since = "") {
  dv1::MonitoredObject o;
  o.set_kind(kind);
  o.set_status(status);
  o.set_name(std::move(name));
  o.mutable_region()->set_street_id(std::move(street));
  o.set_since_date(std::move(since));
  return o;
}

std::string Key(const dv1::MonitoredObject& o) {
  return KindStatusKey(EnumKey(o.kind()), EnumKey(o.status()));
}

auth::Principal Operator(std::vector<std::string> streets) {
  auth::Principal p;
  p.id = "op";
  p.roles = {auth::kStreetOperator};
  p.streets.insert(streets.begin(), streets.end());
  return p;
}

auth::Principal Admin() {
  auth::Principal p;
  p.id = "admin";
  p.roles = {auth::kDistrictAdmin};
  return p;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Repository>> repo = store_.Open();
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
  }

  absl::StatusOr<store::EntityRecord> Put(const dv1::MonitoredObject& o, std::string request_id) {
    store::EntityRecord row;
    row.street_id = o.region().street_id();
    row.key = Key(o);
    row.payload = Payload(o);
    return Create(*repo_, kLayout, std::move(row), now_, request_id);
  }

  gov::testing::TestStore store_{Backend::kSqlite};
  std::unique_ptr<store::Repository> repo_;
  absl::Time now_ = absl::FromUnixSeconds(1780000000);
};

TEST_F(RegistryTest, CreateIsIdempotentByRequestIdAndRefusesAnotherItemUnderIt) {
  const dv1::MonitoredObject site = Object(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE,
                                           dv1::MONITORED_OBJECT_STATUS_ACTIVE, "GS01", "site");
  absl::StatusOr<store::EntityRecord> first = Put(site, "r-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->id, "M-000001");
  EXPECT_EQ(first->key, "CONSTRUCTION_SITE/ACTIVE");

  now_ += absl::Minutes(5);  // a retry later: the same item, the same row
  absl::StatusOr<store::EntityRecord> again = Put(site, "r-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->create_time, first->create_time);

  dv1::MonitoredObject other = site;
  other.set_name("another site");
  EXPECT_TRUE(absl::IsAlreadyExists(Put(other, "r-1").status()));

  absl::StatusOr<dv1::MonitoredObject> decoded = Decode<dv1::MonitoredObject>(*first, kLayout.noun);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id(), "M-000001");
  EXPECT_EQ(decoded->etag(), "v1");
  EXPECT_EQ(decoded->name(), "site");
  EXPECT_EQ(FromTimestamp(decoded->create_time()), now_ - absl::Minutes(5));
}

TEST_F(RegistryTest, UnreadablePayloadIsDataLoss) {
  store::EntityRecord row;
  row.id = "M-000009";
  row.payload = "\xff\xff\xff";
  EXPECT_TRUE(absl::IsDataLoss(Decode<dv1::MonitoredObject>(row, kLayout.noun).status()));
}

TEST_F(RegistryTest, ReadsStayWithinTheCallersStreets) {
  absl::StatusOr<store::EntityRecord> row =
      Put(Object(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK, dv1::MONITORED_OBJECT_STATUS_ACTIVE,
                 "GS02", "block"),
          "r-1");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_TRUE(LoadVisible(*repo_, kLayout, Admin(), row->id).ok());
  EXPECT_TRUE(LoadVisible(*repo_, kLayout, Operator({"GS02"}), row->id).ok());
  const absl::Status denied = LoadVisible(*repo_, kLayout, Operator({"GS01"}), row->id).status();
  EXPECT_TRUE(absl::IsPermissionDenied(denied)) << denied;
  EXPECT_NE(denied.message().find("GS02"), absl::string_view::npos) << denied;
  EXPECT_TRUE(absl::IsNotFound(LoadVisible(*repo_, kLayout, Admin(), "M-000404").status()));
  EXPECT_TRUE(absl::IsPermissionDenied(CheckStreet(Operator({"GS01"}), "GS03")));
  EXPECT_TRUE(CheckStreet(Operator({"GS01", "GS03"}), "GS03").ok());

  // A district-wide row: district principals only, unless such rows are public.
  absl::StatusOr<store::EntityRecord> district =
      Put(Object(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION, dv1::MONITORED_OBJECT_STATUS_ACTIVE,
                 "", "road"),
          "r-2");
  ASSERT_TRUE(district.ok()) << district.status();
  EXPECT_TRUE(absl::IsPermissionDenied(
      LoadVisible(*repo_, kLayout, Operator({"GS01"}), district->id).status()));
  EXPECT_TRUE(LoadVisible(*repo_, kLayout, Operator({"GS01"}), district->id,
                          /*district_rows_public=*/true)
                  .ok());
}

TEST_F(RegistryTest, ReplaceNeedsTheCurrentEtagAndTheReadVersion) {
  dv1::MonitoredObject o = Object(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY,
                                  dv1::MONITORED_OBJECT_STATUS_ACTIVE, "GS01", "noise");
  absl::StatusOr<store::EntityRecord> row = Put(o, "r-1");
  ASSERT_TRUE(row.ok()) << row.status();

  o.set_status(dv1::MONITORED_OBJECT_STATUS_SUSPENDED);
  const absl::Status stale =
      Replace(*repo_, kLayout, *row, "v7", Key(o), Payload(o), now_).status();
  EXPECT_TRUE(absl::IsAborted(stale)) << stale;

  now_ += absl::Hours(1);
  absl::StatusOr<store::EntityRecord> replaced =
      Replace(*repo_, kLayout, *row, "v1", Key(o), Payload(o), now_);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->version, 2);
  EXPECT_EQ(replaced->key, "NOISE_COMMUNITY/SUSPENDED");
  EXPECT_EQ(replaced->update_time, now_);

  // A writer holding the first read loses, also with that read's own etag.
  const absl::Status lost = Replace(*repo_, kLayout, *row, "v1", Key(o), Payload(o), now_).status();
  EXPECT_TRUE(absl::IsAborted(lost)) << lost;
  absl::StatusOr<store::EntityRecord> stored = repo_->GetEntity("disorder", "object", row->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 2);
}

TEST_F(RegistryTest, RegionsCannotMoveAndTheFieldIsNamed) {
  governance::v1::RegionRef was;
  was.set_street_id("GS01");
  was.set_community_id("GS01-C01");
  governance::v1::RegionRef now = was;
  EXPECT_TRUE(CheckRegionUnchanged(was, now, "object.region").ok());
  now.set_grid_id("GS01-C01-G01");
  absl::Status moved = CheckRegionUnchanged(was, now, "object.region");
  EXPECT_TRUE(absl::IsInvalidArgument(moved));
  EXPECT_EQ(FieldOf(moved), "object.region.grid_id");
  now = was;
  now.set_street_id("GS02");
  EXPECT_EQ(FieldOf(CheckRegionUnchanged(was, now, "object.region")), "object.region.street_id");
}

TEST_F(RegistryTest, PagesByIdAcrossKindsAndStatesWithBoundTokens) {
  // Six objects: alternating kinds, every third suspended, over two streets.
  const dv1::MonitoredObjectKind kinds[] = {dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK,
                                            dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Put(Object(kinds[i % 2],
                           i % 3 == 2 ? dv1::MONITORED_OBJECT_STATUS_SUSPENDED
                                      : dv1::MONITORED_OBJECT_STATUS_ACTIVE,
                           i < 4 ? "GS01" : "GS02", absl::StrCat("o", i)),
                    absl::StrCat("r-", i))
                    .ok());
  }
  const std::vector<std::string> all_kinds = {"PARKING_BLOCK", "NOISE_COMMUNITY"};
  store::EntityFilter base;
  base.track = "disorder";
  base.kind = "object";

  // ACTIVE across both kinds: one exact key per kind, merged by id.
  std::vector<std::string> ids;
  std::string token;
  do {
    absl::StatusOr<Page> page =
        ListPage(*repo_, Admin(), KindStatusFilters(base, all_kinds, "", "ACTIVE"),
                 {"objects", "", "ACTIVE"}, 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->rows.size(), 2u);
    for (const store::EntityRecord& r : page->rows) ids.push_back(r.id);
    token = page->next_page_token;
  } while (!token.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"M-000001", "M-000002", "M-000004", "M-000005"}));

  // A kind in any state: the kind's key prefix.
  std::vector<store::EntityFilter> one_kind =
      KindStatusFilters(base, all_kinds, "NOISE_COMMUNITY", "");
  ASSERT_EQ(one_kind.size(), 1u);
  EXPECT_EQ(one_kind[0].key_prefix, "NOISE_COMMUNITY/");
  absl::StatusOr<Page> noise =
      ListPage(*repo_, Admin(), one_kind, {"objects", "NOISE_COMMUNITY", ""}, 10, "");
  ASSERT_TRUE(noise.ok()) << noise.status();
  ASSERT_EQ(noise->rows.size(), 3u);
  EXPECT_EQ(noise->rows[0].id, "M-000002");
  EXPECT_TRUE(noise->next_page_token.empty());

  // A street operator sees its streets only; its tokens are not another query's.
  absl::StatusOr<Page> mine = ListPage(*repo_, Operator({"GS02"}), {base}, {"objects"}, 1, "");
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->rows.size(), 1u);
  EXPECT_EQ(mine->rows[0].id, "M-000005");
  ASSERT_FALSE(mine->next_page_token.empty());
  absl::StatusOr<Page> rest =
      ListPage(*repo_, Operator({"GS02"}), {base}, {"objects"}, 1, mine->next_page_token);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->rows.size(), 1u);
  EXPECT_EQ(rest->rows[0].id, "M-000006");
  const absl::Status other_filter =
      ListPage(*repo_, Operator({"GS02"}), {base}, {"objects", "x"}, 1, mine->next_page_token)
          .status();
  EXPECT_TRUE(absl::IsInvalidArgument(other_filter)) << other_filter;
  EXPECT_EQ(FieldOf(other_filter), "page_token");
  EXPECT_TRUE(absl::IsInvalidArgument(
      ListPage(*repo_, Admin(), {base}, {"objects"}, 1, mine->next_page_token).status()));
}

TEST_F(RegistryTest, DemoRowsLoadOnceAndKeepWhatIsThere) {
  std::vector<DemoRow> rows;
  for (int i = 0; i < 40; ++i) {
    const dv1::MonitoredObject o =
        Object(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT, dv1::MONITORED_OBJECT_STATUS_ACTIVE,
               i % 2 ? "GS01" : "GS02", absl::StrCat("restaurant ", i), "2026-01-01");
    store::EntityRecord row;
    row.street_id = o.region().street_id();
    row.key = Key(o);
    row.payload = Payload(o);
    rows.push_back({absl::StrCat("demo-", i), std::move(row)});
  }
  store::EntityFilter all;
  all.track = kLayout.track;
  all.kind = kLayout.kind;
  ASSERT_TRUE(LoadDemoRows(*repo_, kLayout, rows, now_, 4).ok());
  EXPECT_EQ(repo_->CountEntities(all).value_or(-1), 40);

  // A later load whose items moved on (another name here, as demo dates move with today) keeps
  // what is stored, and creates only what is new.
  for (DemoRow& r : rows) r.row.payload += "x";
  rows.push_back(rows.back());
  rows.back().request_id = "demo-new";
  ASSERT_TRUE(LoadDemoRows(*repo_, kLayout, rows, now_ + absl::Hours(24), 4).ok());
  EXPECT_EQ(repo_->CountEntities(all).value_or(-1), 41);
  absl::StatusOr<store::EntityRecord> first = repo_->GetEntity("disorder", "object", "M-000001");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->create_time, now_);
}

TEST_F(RegistryTest, InForceByCountsItemsSinceOnOrBeforeTheLastDay) {
  const auto active = dv1::MONITORED_OBJECT_STATUS_ACTIVE;
  const auto kind = dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET;
  ASSERT_TRUE(Put(Object(kind, active, "GS01", "a", "2026-03-31"), "r-1").ok());
  ASSERT_TRUE(Put(Object(kind, active, "GS01", "b", "2026-04-01"), "r-2").ok());
  ASSERT_TRUE(Put(Object(kind, active, "GS02", "c", "2026-01-15"), "r-3").ok());
  ASSERT_TRUE(
      Put(Object(kind, dv1::MONITORED_OBJECT_STATUS_REMOVED, "GS01", "d", "2026-01-01"), "r-4")
          .ok());

  indicators::EvalContext ctx;
  ctx.track = "disorder";
  ctx.repo = repo_.get();
  ctx.days = {absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 31)};
  const std::string key = KindStatusKey("DEMONSTRATION_STREET", "ACTIVE");
  const auto since = [](const dv1::MonitoredObject& o) -> const std::string& {
    return o.since_date();
  };
  absl::StatusOr<std::vector<dv1::MonitoredObject>> district =
      InForceBy<dv1::MonitoredObject>(ctx, kLayout, key, since);
  ASSERT_TRUE(district.ok()) << district.status();
  EXPECT_EQ(district->size(), 2u);  // a (on the last day) and c; b comes a day later

  ctx.street_id = "GS01";
  absl::StatusOr<std::vector<dv1::MonitoredObject>> street =
      InForceBy<dv1::MonitoredObject>(ctx, kLayout, key, since);
  ASSERT_TRUE(street.ok()) << street.status();
  ASSERT_EQ(street->size(), 1u);
  EXPECT_EQ((*street)[0].name(), "a");

  ctx.street_id = "";
  ctx.streets = {"GS02"};
  ctx.days = {absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30)};
  absl::StatusOr<std::vector<dv1::MonitoredObject>> several =
      InForceBy<dv1::MonitoredObject>(ctx, kLayout, key, since);
  ASSERT_TRUE(several.ok()) << several.status();
  ASSERT_EQ(several->size(), 1u);
  EXPECT_EQ((*several)[0].name(), "c");
}

}  // namespace
}  // namespace gov::registry

namespace gov::registry {
namespace {

// Writes through a Registry make the track's cached aggregates stale by themselves: an aggregate
// put under the generation read before a create, a replace or a demo load is never read again.
TEST(RegistryObjectTest, WritesInvalidateTheTracksAggregates) {
  gov::testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  prometheus::Registry metrics;
  FakeClock clock(absl::FromUnixSeconds(1780000000));
  cache::CacheOptions options;
  options.address = redis.address();
  options.connect_timeout = absl::Seconds(2);
  options.command_timeout = absl::Seconds(2);
  options.prefix = "registry-test:";
  std::unique_ptr<cache::Cache> cache = cache::Cache::Create(options, &metrics, &clock);
  gov::testing::TestStore store(gov::testing::Backend::kSqlite);
  absl::StatusOr<std::unique_ptr<store::Repository>> repo = store.Open();
  ASSERT_TRUE(repo.ok()) << repo.status();
  const Registry objects(kLayout, repo->get(), cache.get(), &clock);
  const std::string scope = cache::AggregateScope("disorder");

  // Puts an aggregate under the current generation; still_cached() says whether it is read back.
  auto put = [&] {
    const cache::Cache::AggregateLookup before = cache->GetAggregate(scope, "k");
    EXPECT_GE(before.generation, 0);
    cache->PutAggregate(scope, before.generation, "k", "v", absl::Minutes(1));
  };
  auto still_cached = [&] { return cache->GetAggregate(scope, "k").value.has_value(); };

  put();
  ASSERT_TRUE(still_cached());
  dv1::MonitoredObject o = Object(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY,
                                  dv1::MONITORED_OBJECT_STATUS_ACTIVE, "GS01", "Noise 1");
  store::EntityRecord row;
  row.street_id = "GS01";
  row.key = Key(o);
  row.payload = Payload(o);
  absl::StatusOr<store::EntityRecord> created = objects.Create(row, "r-1");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(still_cached()) << "a create leaves the aggregates as they were";

  put();
  ASSERT_TRUE(objects.Replace(*created, Etag(created->version), created->key, row.payload).ok());
  EXPECT_FALSE(still_cached()) << "a replace leaves the aggregates as they were";

  put();
  ASSERT_TRUE(objects.LoadDemo({{"demo-1", row}}, 1).ok());
  EXPECT_FALSE(still_cached()) << "a demo load leaves the aggregates as they were";

  // A read changes nothing.
  put();
  ASSERT_TRUE(objects.LoadVisible(Admin(), created->id).ok());
  EXPECT_TRUE(still_cached());
}

}  // namespace
}  // namespace gov::registry
