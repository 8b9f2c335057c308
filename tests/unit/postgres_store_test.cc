// The PostgreSQL store's own behaviour against a real server: migrations under concurrent
// starts and rolling upgrades, two replicas on one database, lost connections and a stopped
// server, connection strings and their redaction, and the libpq layer (prepared statements,
// SQLSTATE mapping, the pool). The Repository contract itself is covered for both stores by
// store_test. Labelled "postgres".

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/pg_db.h"
#include "common/store/pg_schema.h"
#include "common/store/pg_store.h"
#include "common/store/repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/metrics.h"
#include "tests/support/postgres_server.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"

// g++ 12 warns about members a designated initializer leaves to their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::store {
namespace {

using ::gov::testing::MetricSum;
using ::gov::testing::MetricValue;
using ::gov::testing::PostgresServer;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kTrack[] = "mediation";

absl::Time Base() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), cal::DistrictZone()) +
         absl::Microseconds(123);
}

CaseRecord MakeCase(absl::Time created, std::string street = "S01", std::string category = "family",
                    std::string status = "RECEIVED") {
  return testing::SampleCase(kTrack, created, std::move(street), "", std::move(category),
                             std::move(status));
}

HistoryRecord Event(absl::Time t, std::string action, std::string from, std::string to) {
  return testing::SampleEvent(t, std::move(action), std::move(from), std::move(to));
}

HistoryRecord Created(const CaseRecord& r) { return testing::CreatedEvent(r); }

// The database name at the end of a test URL ("postgresql://postgres@127.0.0.1:5/<name>").
std::string DatabaseOf(const std::string& url) { return url.substr(url.rfind('/') + 1); }

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = gov::testing::SharedPostgres();
    ASSERT_TRUE(server.ok()) << server.status();
    pg_ = *server;
    absl::StatusOr<std::string> url = pg_->CreateUniqueDatabase("pgstore");
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
    database_ = DatabaseOf(url_);
  }

  PostgresOptions Options() const {
    PostgresOptions o;
    o.url = url_;
    return o;
  }

  std::unique_ptr<Repository> Open(const PostgresOptions& options,
                                   prometheus::Registry* registry = nullptr) {
    absl::StatusOr<std::unique_ptr<Repository>> repo = OpenPostgres(options, registry);
    EXPECT_TRUE(repo.ok()) << repo.status();
    return repo.ok() ? std::move(*repo) : nullptr;
  }
  std::unique_ptr<Repository> Open() { return Open(Options()); }

  // The rows of `sql` on this test's database, every value as text.
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows = pg_->Query(database_, sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
    return rows.ok() ? *rows : std::vector<std::vector<std::string>>{};
  }
  int64_t QueryInt(const std::string& sql) {
    auto rows = Query(sql);
    int64_t value = -1;
    if (!rows.empty() && !rows[0].empty()) {
      EXPECT_TRUE(absl::SimpleAtoi(rows[0][0], &value)) << rows[0][0];
    }
    return value;
  }
  void Exec(const std::string& sql) {
    absl::Status s = pg_->Exec(database_, sql);
    EXPECT_TRUE(s.ok()) << sql << ": " << s;
  }

  PostgresServer* pg_ = nullptr;
  std::string url_;
  std::string database_;
};

// ---------------------------------------------------------------------------------------------
// Migrations

TEST_F(PostgresStoreTest, ConcurrentOpensOfAFreshDatabaseMigrateOnce) {
  constexpr int kReplicas = 4;
  std::vector<absl::StatusOr<std::unique_ptr<Repository>>> repos(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { repos[i] = OpenPostgres(Options(), nullptr); });
  }
  for (auto& t : threads) t.join();
  for (auto& repo : repos) {
    ASSERT_TRUE(repo.ok()) << repo.status();
    EXPECT_TRUE((*repo)->Ready());
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_version"), pg::LatestSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT MAX(version) FROM schema_version"), pg::LatestSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_version WHERE applied_at <= now()"),
            pg::LatestSchemaVersion());
  // Every replica works on the one schema.
  for (auto& repo : repos) {
    CaseRecord c = MakeCase(Base());
    ASSERT_TRUE((*repo)->CreateCase(c, Created(c), "", "h", "D").ok());
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM cases"), kReplicas);
}

TEST_F(PostgresStoreTest, ReopenAppliesNoMigrationTwiceAndKeepsSequences) {
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
    CaseRecord c = MakeCase(Base());
    ASSERT_TRUE(repo->CreateCase(c, Created(c), "req-1", "h", "D").ok());
  }
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_version"), pg::LatestSchemaVersion());
  CaseRecord c = MakeCase(Base());
  auto second = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->record.id, "D-000002");
  auto repeat = repo->CreateCase(c, Created(c), "req-1", "h", "D");
  ASSERT_TRUE(repeat.ok());
  EXPECT_FALSE(repeat->created);
  EXPECT_EQ(repeat->record.id, "D-000001");
}

TEST_F(PostgresStoreTest, IdsAreWiderThanSixDigitsWhenTheyGrow) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  Exec("INSERT INTO sequences (track, name, next) VALUES ('mediation', 'D', 999999)");
  CaseRecord c = MakeCase(Base());
  auto first = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->record.id, "D-999999");
  auto second = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->record.id, "D-1000000");
  // Another track keeps its own sequence.
  CaseRecord other = MakeCase(Base());
  other.track = "petition";
  auto separate = repo->CreateCase(other, Created(other), "", "h", "D");
  ASSERT_TRUE(separate.ok()) << separate.status();
  EXPECT_EQ(separate->record.id, "D-000001");
}

TEST_F(PostgresStoreTest, NewerSchemaOpensOnlyWhenItsCompatibilityRowsAllowIt) {
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
  }
  const int64_t latest = pg::LatestSchemaVersion();
  // An additive migration of a newer binary: this binary may still run.
  Exec(
      absl::StrCat("INSERT INTO schema_version (version, min_binary_version, description) "
                   "VALUES (",
                   latest + 1, ", ", latest, ", 'expand: a new nullable column')"));
  Exec("ALTER TABLE cases ADD COLUMN future_note TEXT");
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
    CaseRecord c = MakeCase(Base());
    auto created = repo->CreateCase(c, Created(c), "", "h", "D");
    ASSERT_TRUE(created.ok()) << created.status();
    auto got = repo->GetCase(kTrack, created->record.id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->payload, c.payload);
  }
  // A contract migration that needs a binary newer than this one.
  Exec(
      absl::StrCat("INSERT INTO schema_version (version, min_binary_version, description) "
                   "VALUES (",
                   latest + 2, ", ", latest + 2, ", 'contract')"));
  absl::StatusOr<std::unique_ptr<Repository>> refused = OpenPostgres(Options(), nullptr);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr(absl::StrCat("schema version ", latest + 2)));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_version"), latest + 2);  // left as it was
}

// ---------------------------------------------------------------------------------------------
// Two replicas on one database

TEST_F(PostgresStoreTest, OneRequestIdRacingOverTwoReplicasMakesOneCase) {
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kCalls = 16;
  std::vector<absl::StatusOr<CreateCaseResult>> results(kCalls);
  std::vector<std::thread> threads;
  const CaseRecord c = MakeCase(Base());
  for (int i = 0; i < kCalls; ++i) {
    Repository* repo = i % 2 == 0 ? a.get() : b.get();
    threads.emplace_back(
        [&, repo, i] { results[i] = repo->CreateCase(c, Created(c), "req-race", "h", "D"); });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::set<std::string> ids;
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    if (r->created) ++created;
    ids.insert(r->record.id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_THAT(ids, SizeIs(1));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM cases"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM case_history"), 1);
  EXPECT_EQ(QueryInt("SELECT SUM(n) FROM case_counts"), 1);
  EXPECT_EQ(QueryInt("SELECT SUM(n) FROM event_counts"), 1);
  // Another hash under the same request id is a conflict on either replica.
  EXPECT_EQ(b->CreateCase(c, Created(c), "req-race", "other", "D").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(PostgresStoreTest, ConcurrentUpdatesAtOneVersionLetExactlyOneThrough) {
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  CaseRecord c = MakeCase(Base());
  auto created = a->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(created.ok()) << created.status();
  constexpr int kCalls = 8;
  std::vector<absl::StatusOr<CaseRecord>> results(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    Repository* repo = i % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&, repo, i] {
      CaseRecord next = created->record;
      next.status = absl::StrCat("S", i);
      next.update_time = Base() + absl::Minutes(1);
      results[i] = repo->UpdateCase(
          next, 1, Event(next.update_time, "Move", created->record.status, next.status));
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  std::string winner;
  for (auto& r : results) {
    if (r.ok()) {
      ++ok;
      winner = r->status;
      continue;
    }
    EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted) << r.status();
    EXPECT_THAT(r.status().message(),
                HasSubstr(absl::StrCat("case ", created->record.id,
                                       " was changed (version 2, expected 1)")));
  }
  EXPECT_EQ(ok, 1);
  auto got = a->GetCase(kTrack, created->record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->status, winner);
  auto history = b->GetHistory(kTrack, created->record.id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(*history, SizeIs(2));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM case_counts"), 1);
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT n FROM case_counts WHERE status = '", winner, "'")), 1);
}

TEST_F(PostgresStoreTest, CountsEqualARecountAfterAMixedConcurrentWorkload) {
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kThreads = 8;
  constexpr int kCasesPerThread = 6;
  const std::vector<std::string> statuses = {"RECEIVED", "ASSIGNED", "IN_PROGRESS", "CLOSED"};
  // Shared cases every thread moves too, so writers meet on rows and count keys.
  std::vector<std::string> shared;
  for (int i = 0; i < 4; ++i) {
    CaseRecord c = MakeCase(Base(), absl::StrCat("S0", i % 2), i % 2 == 0 ? "family" : "land");
    auto created = a->CreateCase(c, Created(c), "", "h", "D");
    ASSERT_TRUE(created.ok()) << created.status();
    shared.push_back(created->record.id);
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Repository* repo = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&, repo, t] {
      std::vector<std::string> mine = shared;
      for (int i = 0; i < kCasesPerThread; ++i) {
        CaseRecord c = MakeCase(Base() + absl::Minutes(i), absl::StrCat("S0", (t + i) % 3),
                                i % 2 == 0 ? "family" : "land");
        // Every other create repeats a request id of another thread.
        std::string request_id = i % 2 == 0 ? absl::StrCat("req-", (t / 2), "-", i) : "";
        auto created = repo->CreateCase(c, Created(c), request_id, "h", "D");
        if (!created.ok()) {
          ++failures;
          continue;
        }
        mine.push_back(created->record.id);
      }
      for (int round = 0; round < 3; ++round) {
        for (size_t k = 0; k < mine.size(); ++k) {
          // Read, change, write; a lost race is ABORTED and read again.
          for (int tries = 0; tries < 50; ++tries) {
            auto current = repo->GetCase(kTrack, mine[k]);
            if (!current.ok()) {
              ++failures;
              break;
            }
            CaseRecord next = *current;
            next.status = statuses[(round + k + static_cast<size_t>(t)) % statuses.size()];
            next.unit_id = absl::StrCat("U", (round + t) % 2);
            next.update_time = current->update_time + absl::Seconds(1);
            HistoryRecord event =
                Event(Base() + absl::Hours(round + 1), "Move", current->status, next.status);
            auto updated = repo->UpdateCase(next, current->version, event);
            if (updated.ok()) break;
            if (updated.status().code() != absl::StatusCode::kAborted) {
              ADD_FAILURE() << updated.status();
              ++failures;
              break;
            }
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  // case_counts: one per case under its current dimensions; no zero rows left behind.
  EXPECT_EQ(Query("SELECT day, street_id, community_id, unit_id, category, status, n "
                  "FROM case_counts ORDER BY 1, 2, 3, 4, 5, 6"),
            Query("SELECT create_day, street_id, community_id, unit_id, category, status, "
                  "COUNT(*) FROM cases GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM case_counts WHERE n <= 0"), 0);
  // event_counts: one per history entry, by action and target status (each update's day and
  // street are those of the case at the time, so the totals are compared by action/status).
  EXPECT_EQ(Query("SELECT action, status, SUM(n) FROM event_counts GROUP BY 1, 2 ORDER BY 1, 2"),
            Query("SELECT action, to_status, COUNT(*) FROM case_history GROUP BY 1, 2 "
                  "ORDER BY 1, 2"));
  // Request ids repeated across replicas made one case each.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM cases WHERE request_id IS NOT NULL"),
            QueryInt("SELECT COUNT(DISTINCT request_id) FROM cases"));
  // Versions and history agree: every update appended one entry.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM cases c WHERE c.version <> (SELECT COUNT(*) FROM "
                     "case_history h WHERE h.track = c.track AND h.case_id = c.id)"),
            0);
}

TEST_F(PostgresStoreTest, RacingFigureRevisionsAreConsecutive) {
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kCalls = 8;
  std::vector<absl::StatusOr<FigureRecord>> results(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    Repository* repo = i % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&, repo, i] {
      FigureRecord f;
      f.track = kTrack;
      f.figure_id = "court_intake";
      f.period_key = "2026-03";
      f.value = i;
      f.enter_time = Base();
      results[i] = repo->RecordFigure(f, absl::StrCat("fig-", i), "h");
    });
  }
  for (auto& t : threads) t.join();
  std::set<int32_t> revisions;
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    revisions.insert(r->revision);
  }
  EXPECT_EQ(revisions.size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(*revisions.begin(), 1);
  EXPECT_EQ(*revisions.rbegin(), kCalls);
  auto latest = a->LatestFigure(kTrack, "court_intake", "2026-03", "");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->revision, kCalls);
}

// ---------------------------------------------------------------------------------------------
// Failures

TEST_F(PostgresStoreTest, AKilledConnectionIsReplacedAndTheCallSucceeds) {
  prometheus::Registry registry;
  PostgresOptions o = Options();
  o.application_name = absl::StrCat("pgstore_kill_", database_);
  o.pool_size = 2;
  auto repo = Open(o, &registry);
  ASSERT_NE(repo, nullptr);
  CaseRecord c = MakeCase(Base());
  auto created = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(MetricValue(registry, "governance_store_pool_connections", {{"state", "idle"}}), 1);
  EXPECT_EQ(MetricValue(registry, "governance_store_pool_connections", {{"state", "busy"}}), 0);

  const std::string app = absl::StrCat("application_name = '", o.application_name, "'");
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT COUNT(pg_terminate_backend(pid)) FROM "
                                  "pg_stat_activity WHERE ",
                                  app)),
            1);
  // pg_terminate_backend only signals: wait until the backend is gone.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (QueryInt(absl::StrCat("SELECT COUNT(*) FROM pg_stat_activity WHERE ", app)) > 0 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }

  auto got = repo->GetCase(kTrack, created->record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, created->record.id);
  EXPECT_GE(MetricValue(registry, "governance_store_retries_total", {{"reason", "connection"}}), 1);
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT COUNT(*) FROM pg_stat_activity WHERE ", app)), 1);
  // Writes work on the new connection too.
  auto again = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->record.id, "D-000002");
}

TEST_F(PostgresStoreTest, ARowLockedPastTheStatementTimeoutIsDeadlineExceeded) {
  PostgresOptions o = Options();
  o.statement_timeout = absl::Milliseconds(200);
  auto repo = Open(o);
  ASSERT_NE(repo, nullptr);
  CaseRecord c = MakeCase(Base());
  auto created = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(created.ok()) << created.status();

  // Another session holds the case's row lock in an open transaction.
  pg::ConnectOptions other;
  other.url = url_;
  auto holder = pg::Connection::Open(other);
  ASSERT_TRUE(holder.ok()) << holder.status();
  ASSERT_TRUE((*holder)->Script("BEGIN").ok());
  ASSERT_TRUE((*holder)
                  ->Exec("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE",
                         pg::Params().Text(created->record.id))
                  .ok());
  CaseRecord next = created->record;
  next.status = "ASSIGNED";
  auto updated = repo->UpdateCase(next, 1, Event(Base(), "Assign", "RECEIVED", "ASSIGNED"));
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kDeadlineExceeded) << updated.status();
  ASSERT_TRUE((*holder)->Script("ROLLBACK").ok());

  auto got = repo->GetCase(kTrack, created->record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  updated = repo->UpdateCase(next, 1, Event(Base(), "Assign", "RECEIVED", "ASSIGNED"));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version, 2);
}

TEST(PostgresStoreServerTest, AStoppedServerIsUnavailableAndTheStoreRecoversAfterRestart) {
  PostgresServer pg;
  absl::Status started = pg.Start();
  ASSERT_TRUE(started.ok()) << started;
  absl::StatusOr<std::string> url = pg.CreateDatabase("stopped");
  ASSERT_TRUE(url.ok()) << url.status();
  PostgresOptions o;
  o.url = *url;
  o.connect_timeout = absl::Seconds(2);
  auto opened = OpenPostgres(o, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Repository& repo = **opened;
  CaseRecord c = MakeCase(Base());
  auto created = repo.CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(created.ok()) << created.status();

  pg.Stop();
  auto got = repo.GetCase(kTrack, created->record.id);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable) << got.status();
  auto write = repo.CreateCase(c, Created(c), "req-down", "h", "D");
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
  EXPECT_TRUE(repo.Ready());

  absl::Status restarted = pg.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  got = repo.GetCase(kTrack, created->record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version, 1);
  write = repo.CreateCase(c, Created(c), "req-down", "h", "D");
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_TRUE(write->created);
}

TEST(PostgresStoreUrlTest, UnreachableOrMalformedUrlsFailWithoutThePassword) {
  const int port = gov::testing::FreePort();
  const std::vector<std::pair<std::string, std::vector<absl::StatusCode>>> cases = {
      {absl::StrCat("postgresql://gov:s3cretpw@127.0.0.1:", port, "/db"),
       {absl::StatusCode::kUnavailable}},
      {absl::StrCat("host=127.0.0.1 port=", port, " user=gov password=s3cretpw dbname=db"),
       {absl::StatusCode::kUnavailable}},
      {"postgresql://gov:s3cretpw@127.0.0.1:notaport/db",
       {absl::StatusCode::kUnavailable, absl::StatusCode::kInvalidArgument}},
      {"postgresql://gov:s3cretpw@127.0.0.1/db?nosuchoption=1",
       {absl::StatusCode::kInvalidArgument}},
      {"password=s3cretpw this is not a connection string", {absl::StatusCode::kInvalidArgument}},
  };
  for (const auto& [url, codes] : cases) {
    PostgresOptions o;
    o.url = url;
    o.connect_timeout = absl::Seconds(2);
    absl::StatusOr<std::unique_ptr<Repository>> repo = OpenPostgres(o, nullptr);
    ASSERT_FALSE(repo.ok()) << url;
    EXPECT_THAT(codes, ::testing::Contains(repo.status().code())) << repo.status();
    EXPECT_THAT(std::string(repo.status().message()), Not(HasSubstr("s3cretpw")));
    EXPECT_THAT(std::string(repo.status().message()), HasSubstr("***")) << repo.status();
  }
  PostgresOptions empty;
  EXPECT_EQ(OpenPostgres(empty, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  PostgresOptions bad_pool;
  bad_pool.url = "postgresql://127.0.0.1/db";
  bad_pool.pool_size = 0;
  EXPECT_EQ(OpenPostgres(bad_pool, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresStoreTest, InvalidTextIsInvalidArgumentAndWritesNothing) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  CaseRecord bad = MakeCase(Base());
  bad.street_id = std::string(
      "S0\0"
      "1",
      4);
  auto created = repo->CreateCase(bad, Created(bad), "req-nul", "h", "D");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << created.status();
  CaseRecord bad_utf8 = MakeCase(Base());
  bad_utf8.category = "fam\xc3";
  EXPECT_EQ(repo->CreateCase(bad_utf8, Created(bad_utf8), "", "h", "D").status().code(),
            absl::StatusCode::kInvalidArgument);
  EntityRecord entity;
  entity.track = kTrack;
  entity.kind = "body";
  entity.key = std::string("k\0", 2);
  EXPECT_EQ(repo->CreateEntity(entity, "", "h", "B").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* table :
       {"cases", "case_history", "case_counts", "event_counts", "sequences", "entities"}) {
    EXPECT_EQ(QueryInt(absl::StrCat("SELECT COUNT(*) FROM ", table)), 0) << table;
  }

  // The server's own check (SQLSTATE 22021) on an update: nothing changes.
  CaseRecord good = MakeCase(Base());
  auto stored = repo->CreateCase(good, Created(good), "", "h", "D");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->record.id, "D-000001");
  CaseRecord next = stored->record;
  next.status = "ASSIGNED";
  HistoryRecord event = Event(Base(), "Assign", "RECEIVED", "ASSIGNED");
  event.note = std::string("a\0b", 3);
  auto updated = repo->UpdateCase(next, 1, event);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument) << updated.status();
  auto got = repo->GetCase(kTrack, stored->record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->status, "RECEIVED");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM case_history"), 1);
  FigureRecord figure;
  figure.track = kTrack;
  figure.figure_id = "f";
  figure.period_key = "2026";
  figure.note = std::string("\0", 1);
  EXPECT_EQ(repo->RecordFigure(figure, "", "h").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM figures"), 0);
}

TEST_F(PostgresStoreTest, KeyPrefixRangesStayValidUtf8) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  for (const std::string key : {"a\x7f", "a\x7fz", "a\xc2\x80", "b", "\xc3\xa9t\xc3\xa9",
                                "\xc3\xa9t\xc3\xa9 2", "\xc3\xaa"}) {
    EntityRecord e;
    e.track = kTrack;
    e.kind = "training";
    e.key = key;
    ASSERT_TRUE(repo->CreateEntity(e, "", "h", "T").ok()) << key;
  }
  auto with_del = repo->ListEntities({.track = kTrack, .kind = "training", .key_prefix = "a\x7f"});
  ASSERT_TRUE(with_del.ok()) << with_del.status();
  EXPECT_THAT(*with_del, SizeIs(2));
  auto accented =
      repo->CountEntities({.track = kTrack, .kind = "training", .key_prefix = "\xc3\xa9"});
  ASSERT_TRUE(accented.ok()) << accented.status();
  EXPECT_EQ(*accented, 2);
}

TEST_F(PostgresStoreTest, MetricsCoverQueriesPoolAndRetries) {
  prometheus::Registry registry;
  auto repo = Open(Options(), &registry);
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(MetricSum(registry, "governance_store_query_seconds", {{"op", "get_case"}}), 0);
  EXPECT_EQ(MetricSum(registry, "governance_store_retries_total", {{"reason", "unique"}}), 0);
  EXPECT_EQ(MetricSum(registry, "governance_store_retries_total", {{"reason", "deadlock"}}), 0);
  CaseRecord c = MakeCase(Base());
  auto created = repo->CreateCase(c, Created(c), "", "h", "D");
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(repo->GetCase(kTrack, "D-000404").ok());
  EXPECT_EQ(MetricValue(registry, "governance_store_query_seconds", {{"op", "create_case"}}), 1);
  EXPECT_EQ(MetricValue(registry, "governance_store_query_seconds", {{"op", "get_case"}}), 1);
  EXPECT_EQ(MetricValue(registry, "governance_store_pool_connections", {{"state", "busy"}}), 0);
  EXPECT_GE(MetricValue(registry, "governance_store_pool_connections", {{"state", "idle"}}), 1);
}

// ---------------------------------------------------------------------------------------------
// The libpq layer

TEST_F(PostgresStoreTest, ConnectionPreparesEachTextOnceAndMapsSqlStates) {
  pg::ConnectOptions options;
  options.url = url_;
  options.statement_timeout = absl::Milliseconds(200);
  auto conn = pg::Connection::Open(options);
  ASSERT_TRUE(conn.ok()) << conn.status();
  pg::Connection& db = **conn;
  for (int i = 0; i < 3; ++i) {
    auto r =
        db.Exec("SELECT $1::BIGINT + 1, $2::TEXT, $3::BYTEA, $4::BOOLEAN",
                pg::Params().Int(41).Text("t\xc3\xa9").Bytes(std::string("\0\1", 2)).Bool(true));
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->rows(), 1);
    EXPECT_EQ(r->row(0).ColumnInt(0), 42);
    EXPECT_EQ(r->row(0).ColumnText(1), "t\xc3\xa9");
    EXPECT_EQ(r->row(0).ColumnBlob(2), std::string("\0\1", 2));
    EXPECT_EQ(r->row(0).ColumnInt(3), 1);
  }
  EXPECT_EQ(db.prepared_count(), 1u);
  auto any = db.Exec("SELECT COUNT(*) FROM unnest($1::TEXT[]) AS v WHERE v = ANY($1)",
                     pg::Params().TextArray({"a", "b", ""}));
  ASSERT_TRUE(any.ok()) << any.status();
  EXPECT_EQ(any->row(0).ColumnInt(0), 3);
  EXPECT_EQ(db.prepared_count(), 2u);

  auto timeout = db.Exec("SELECT pg_sleep(5)");
  EXPECT_EQ(timeout.status().code(), absl::StatusCode::kDeadlineExceeded) << timeout.status();
  EXPECT_EQ(pg::SqlState(timeout.status()), "57014");
  auto nul = db.Exec("SELECT $1::TEXT", pg::Params().Text(std::string("a\0b", 3)));
  EXPECT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument) << nul.status();
  auto missing = db.Exec("SELECT * FROM no_such_table");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInternal) << missing.status();
  EXPECT_EQ(pg::SqlState(missing.status()), "42P01");
  ASSERT_TRUE(db.Script("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db.Exec("INSERT INTO u VALUES ($1)", pg::Params().Text("x")).ok());
  auto dup = db.Exec("INSERT INTO u VALUES ($1)", pg::Params().Text("x"));
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists) << dup.status();
  EXPECT_EQ(pg::SqlState(dup.status()), "23505");
  // The connection is still usable after each of these.
  EXPECT_TRUE(db.Exec("SELECT 1").ok());
  EXPECT_FALSE(db.Broken());
}

TEST_F(PostgresStoreTest, PoolWaitsAtMostTheAcquireTimeout) {
  pg::Pool::Options options;
  options.connect.url = url_;
  options.size = 1;
  options.acquire_timeout = absl::Milliseconds(50);
  std::vector<std::pair<int, int>> changes;
  absl::Mutex mu;
  options.on_change = [&](int idle, int busy) {
    absl::MutexLock lock(&mu);
    changes.emplace_back(idle, busy);
  };
  pg::Pool pool(options);
  {
    auto first = pool.Acquire();
    ASSERT_TRUE(first.ok()) << first.status();
    auto second = pool.Acquire();
    EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
    EXPECT_THAT(second.status().message(), HasSubstr("pool_size 1"));
  }
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok()) << again.status();
  absl::MutexLock lock(&mu);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back(), std::make_pair(0, 1));
}

}  // namespace
}  // namespace gov::store
