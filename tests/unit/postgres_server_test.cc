// The test PostgreSQL server itself: a cluster that starts, keeps data across a restart and
// recovers after a kill. Labelled "postgres".
#include "tests/support/postgres_server.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gov::testing {
namespace {

TEST(PostgresServerTest, StartsKeepsDataAcrossRestartAndRecoversFromKill) {
  PostgresServer pg;
  absl::Status started = pg.Start();
  ASSERT_TRUE(started.ok()) << started;
  absl::StatusOr<std::string> url = pg.CreateDatabase("t1");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(*url, pg.Url("t1"));
  ASSERT_TRUE(pg.Exec("t1", "CREATE TABLE x (v INTEGER); INSERT INTO x VALUES (7)").ok());

  ASSERT_TRUE(pg.Restart().ok());
  auto rows = pg.Query("t1", "SELECT v FROM x");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (std::vector<std::vector<std::string>>{{"7"}}));

  pg.Kill();
  EXPECT_FALSE(pg.running());
  EXPECT_FALSE(pg.Query("t1", "SELECT 1").ok());
  absl::Status restarted = pg.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  rows = pg.Query("t1", "SELECT count(*) FROM x");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0][0], "1");

  EXPECT_EQ(pg.Exec("t1", "SELECT * FROM missing").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(pg.CreateDatabase("bad-name").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PostgresServerTest, SharedServerHandsOutSeparateDatabases) {
  absl::StatusOr<PostgresServer*> pg = SharedPostgres();
  ASSERT_TRUE(pg.ok()) << pg.status();
  absl::StatusOr<std::string> a = (*pg)->CreateUniqueDatabase("shared");
  absl::StatusOr<std::string> b = (*pg)->CreateUniqueDatabase("shared");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  absl::StatusOr<PostgresServer*> again = SharedPostgres();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *pg);
}

}  // namespace
}  // namespace gov::testing
