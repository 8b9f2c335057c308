// Online backup and restore of a live store with govbackup (tools/govbackup,
// common/store/backup.h), on the real mediation binary, a real redis-server and a real SQLite
// file or PostgreSQL server: client threads create and move disputes without pause while the
// backup runs; the backup is restored into a new file / a new database of a new cluster, a
// second mediation process is started on it, and every dispute, history entry and counter
// acknowledged before the backup started is found there, the counters equal a recount of the
// restored cases, and the restored change stream delivers every restored step and then the new
// ones. Restores that would overwrite a store in use (or an existing one, unasked) are refused.
// Labelled "fault"; the PostgreSQL test runs as backup_test_postgres.

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/changes.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/disputes.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_process.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;
namespace gv1 = governance::v1;
using ::testing::HasSubstr;

constexpr char kStreamToken[] = "backup-test-stream-token-91c7";
constexpr absl::Duration kStartTimeout = absl::Seconds(90);
// The admin's calls.
constexpr AdminCall kCall{.timeout = absl::Seconds(20)};
constexpr absl::Duration kToolTimeout = absl::Seconds(300);
constexpr int kWriters = 4;
// Writes acknowledged before the backup starts (at the least), and after it ends.
constexpr int64_t kAcksBefore = 200;
constexpr int64_t kAcksAfter = 40;

using Rows = std::vector<std::vector<std::string>>;
// Runs SQL on the restored store; every value as text.
using Sql = std::function<absl::StatusOr<Rows>(const std::string&)>;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The rows of `sql` on the SQLite database at `path`, opened read-only.
absl::StatusOr<Rows> SqliteQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("open ", path, ": ", sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  Rows rows;
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      row.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
    }
    rows.push_back(std::move(row));
    rc = SQLITE_OK;
  }
  const std::string error = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) return absl::InternalError(absl::StrCat(error, " in: ", sql));
  return rows;
}

// One acknowledged dispute: its steps (actions) and what the last acknowledgement said.
struct Acked {
  std::vector<std::string> actions;
  std::string etag;
  mv1::DisputeState state = mv1::DISPUTE_STATE_UNSPECIFIED;
  int64_t update_micros = 0;
};

std::string StatusOf(const std::string& action) {
  static const auto* statuses =
      new std::map<std::string, std::string>{{"Create", "RECEIVED"},
                                             {"Triage", "TRIAGED"},
                                             {"ReferToCourt", "REFERRED_TO_COURT"},
                                             {"Close", "CLOSED"}};
  auto it = statuses->find(action);
  return it == statuses->end() ? "?" : it->second;
}

// A dispute in `street`, of no community.
mv1::Dispute NewDispute(const std::string& street) {
  return SampleDispute(street, "", "water leaking through the ceiling");
}

// Client threads that take disputes through Create, Triage, ReferToCourt and Close, each step
// recorded once the service has acknowledged it.
class Load {
 public:
  explicit Load(std::shared_ptr<grpc::Channel> channel) : channel_(std::move(channel)) {}
  ~Load() { Stop(); }

  void Start(int writers) {
    for (int w = 0; w < writers; ++w) threads_.emplace_back([this, w] { Write(w); });
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  int64_t acks() const { return acks_.load(); }
  // True once `n` writes are acknowledged; false after `timeout`.
  bool WaitForAcks(int64_t n, absl::Duration timeout) const {
    const absl::Time deadline = absl::Now() + timeout;
    while (acks_.load() < n) {
      if (absl::Now() > deadline || errors() > 0) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return true;
  }
  std::map<std::string, Acked> Snapshot() const {
    absl::MutexLock lock(&mu_);
    return acked_;
  }
  int64_t errors() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int64_t>(errors_.size());
  }
  std::vector<std::string> error_messages() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  void Record(const std::string& action, const mv1::Dispute& d) {
    absl::MutexLock lock(&mu_);
    Acked& a = acked_[d.id()];
    a.actions.push_back(action);
    a.etag = d.etag();
    a.state = d.state();
    a.update_micros = d.update_time().seconds() * 1000000 + d.update_time().nanos() / 1000;
    ++acks_;
  }
  void Fail(const std::string& what, const grpc::Status& s) {
    absl::MutexLock lock(&mu_);
    errors_.push_back(absl::StrCat(what, ": ", s.error_code(), " ", s.error_message()));
  }

  void Write(int w) {
    auto stub = mv1::MediationService::NewStub(channel_);
    for (int i = 0; !stop_; ++i) {
      const std::string street = absl::StrFormat("GS%02d", 1 + (w + i) % 10);
      mv1::Dispute d;
      {
        grpc::Status s = CreateDispute(*stub, absl::StrCat("backup-load-", w, "-", i),
                                       NewDispute(street), &d, kCall);
        if (!s.ok()) return Fail("CreateDispute", s);
        Record("Create", d);
      }
      if (i % 4 == 0 || stop_) continue;  // some stay RECEIVED
      {
        mv1::TriageDisputeRequest request;
        request.set_id(d.id());
        request.set_etag(d.etag());
        mv1::TriageDisputeResponse response;
        grpc::Status s = stub->TriageDispute(AdminContext(kCall).get(), request, &response);
        if (!s.ok()) return Fail("TriageDispute", s);
        d = response.dispute();
        Record("Triage", d);
      }
      if (i % 4 == 1 || stop_) continue;  // some stay TRIAGED
      {
        mv1::ReferToCourtRequest request;
        request.set_id(d.id());
        request.set_etag(d.etag());
        mv1::ReferToCourtResponse response;
        grpc::Status s = stub->ReferToCourt(AdminContext(kCall).get(), request, &response);
        if (!s.ok()) return Fail("ReferToCourt", s);
        d = response.dispute();
        Record("ReferToCourt", d);
      }
      if (i % 4 == 2 || stop_) continue;
      {
        mv1::CloseDisputeRequest request;
        request.set_id(d.id());
        request.set_etag(d.etag());
        mv1::CloseDisputeResponse response;
        grpc::Status s = stub->CloseDispute(AdminContext(kCall).get(), request, &response);
        if (!s.ok()) return Fail("CloseDispute", s);
        d = response.dispute();
        Record("Close", d);
      }
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acks_{0};
  mutable absl::Mutex mu_;
  std::map<std::string, Acked> acked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteAdminTokenFile(dir_.File("tokens.json"), {{kStreamToken, "backup-stream", "system"}});
  }

  // Mediation as the test runs it, logging to <name>.log, with the demo cases if `demo`; the
  // store (db_path or database_url) is the caller's.
  TrackProcess::Options Mediation(const std::string& name, const RedisServer& redis,
                                  bool demo) const {
    TrackProcess::Options options;
    options.track = "mediation";
    options.redis = redis.address();
    options.tokens_file = dir_.File("tokens.json");
    options.log_path = dir_.File(name + ".log");
    options.demo_data = demo;
    options.args = {"--drain_seconds=2"};
    return options;
  }

  // Starts `m` and waits until it is SERVING.
  static void Start(TrackProcess& m) {
    const absl::Status started = m.Start(kStartTimeout);
    ASSERT_TRUE(started.ok()) << started;
  }

  static void StopMediation(TrackProcess& m) {
    absl::StatusOr<ExitStatus> exit = m.Stop();
    ASSERT_TRUE(exit.ok()) << exit.status();
    EXPECT_TRUE(exit->ok()) << exit->ToString() << "; log:\n" << m.LogTail();
  }

  static CommandResult Govbackup(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {BinaryPath("tools/govbackup/govbackup")};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv, kToolTimeout, env);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommandResult{};
  }

  // Runs the load against `origin`, and `backup` once kAcksBefore writes are acknowledged,
  // while the writers go on; returns what was acknowledged before the backup started.
  std::map<std::string, Acked> BackupUnderLoad(TrackProcess& origin,
                                               const std::function<CommandResult()>& backup,
                                               CommandResult* result) {
    Load load(origin.channel());
    load.Start(kWriters);
    EXPECT_TRUE(load.WaitForAcks(kAcksBefore, absl::Seconds(120)))
        << load.acks() << " writes acknowledged; errors: " << load.errors();
    std::map<std::string, Acked> before = load.Snapshot();
    const int64_t acks_at_start = load.acks();
    const absl::Time start = absl::Now();
    *result = backup();
    const absl::Duration took = absl::Now() - start;
    const int64_t acks_at_end = load.acks();
    // The service was not held up: it goes on acknowledging writes after the backup.
    EXPECT_TRUE(load.WaitForAcks(acks_at_end + kAcksAfter, absl::Seconds(60)))
        << load.acks() << " writes acknowledged";
    load.Stop();
    EXPECT_EQ(load.errors(), 0) << ::testing::PrintToString(load.error_messages());
    int64_t steps = 0;
    for (const auto& [id, a] : before) steps += static_cast<int64_t>(a.actions.size());
    std::cout << "[backup_test] acknowledged before the backup: " << before.size() << " disputes, "
              << steps << " steps; during the backup (" << absl::FormatDuration(took)
              << "): " << acks_at_end - acks_at_start << "; in all: " << load.acks()
              << "\n[backup_test] govbackup: " << result->out << result->err;
    return before;
  }

  // Everything acknowledged before the backup, found on the restored service and in its store.
  void ExpectRestored(TrackProcess& restored, const std::map<std::string, Acked>& before,
                      const Sql& sql) {
    ASSERT_FALSE(before.empty());
    auto stub = mv1::MediationService::NewStub(restored.channel());
    int64_t steps = 0;
    for (const auto& [id, acked] : before) {
      mv1::Dispute d;
      grpc::Status s = GetDispute(*stub, id, &d, kCall);
      ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
      ASSERT_GE(d.history_size(), static_cast<int>(acked.actions.size())) << id;
      for (size_t k = 0; k < acked.actions.size(); ++k) {
        const gv1::CaseEvent& e = d.history(static_cast<int>(k));
        EXPECT_EQ(e.sequence(), static_cast<int64_t>(k + 1)) << id;
        EXPECT_EQ(e.action(), acked.actions[k]) << id << " step " << k + 1;
        EXPECT_EQ(e.to_status(), StatusOf(acked.actions[k])) << id << " step " << k + 1;
      }
      const gv1::CaseEvent& last = d.history(static_cast<int>(acked.actions.size()) - 1);
      EXPECT_EQ(last.time().seconds() * 1000000 + last.time().nanos() / 1000, acked.update_micros)
          << id;
      if (d.history_size() == static_cast<int>(acked.actions.size())) {
        EXPECT_EQ(d.etag(), acked.etag) << id;
        EXPECT_EQ(d.state(), acked.state) << id;
      }
      steps += static_cast<int64_t>(acked.actions.size());
    }

    // The counters equal a recount of the restored cases and history.
    EXPECT_EQ(Counts(sql,
                     "SELECT status, sum(n) FROM case_counts WHERE track = 'mediation' "
                     "GROUP BY status ORDER BY status"),
              Counts(sql,
                     "SELECT status, count(*) FROM cases WHERE track = 'mediation' "
                     "GROUP BY status ORDER BY status"));
    EXPECT_EQ(Counts(sql,
                     "SELECT action || '>' || status, sum(n) FROM event_counts WHERE "
                     "track = 'mediation' GROUP BY 1 ORDER BY 1"),
              Counts(sql,
                     "SELECT action || '>' || to_status, count(*) FROM case_history "
                     "WHERE track = 'mediation' GROUP BY 1 ORDER BY 1"));
    const std::map<std::string, int64_t> by_status =
        Counts(sql,
               "SELECT status, sum(n) FROM case_counts WHERE track = 'mediation' "
               "GROUP BY status ORDER BY status");
    int64_t counted = 0;
    for (const auto& [status, n] : by_status) counted += n;
    EXPECT_GE(counted, static_cast<int64_t>(before.size()));

    // The service's rankings are read from those counters: the year's total is the recount.
    const int year = static_cast<int>(cal::LocalDay(absl::Now()).year());
    const int64_t opened = Int(sql, absl::StrCat("SELECT count(*) FROM cases WHERE track = "
                                                 "'mediation' AND create_day BETWEEN ",
                                                 year, "0101 AND ", year, "1231"));
    {
      auto indicators = gv1::IndicatorsService::NewStub(restored.channel());
      gv1::ListRankingsRequest request;
      request.mutable_period()->set_year(year);
      request.set_dimension(gv1::RANKING_DIMENSION_STREET);
      gv1::ListRankingsResponse rankings;
      grpc::Status s = indicators->ListRankings(AdminContext(kCall).get(), request, &rankings);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(rankings.total(), opened);
      EXPECT_GE(opened, static_cast<int64_t>(before.size()));
    }

    // The change stream of the restored store gives every restored step, in the store's order,
    // and then a step made on the restored service.
    const int64_t restored_steps = Int(sql,
                                       "SELECT count(*) FROM case_history WHERE track = "
                                       "'mediation' AND case_id LIKE 'D-%'");
    auto changes = gv1::CaseChangesService::NewStub(restored.channel());
    grpc::ClientContext stream_context;
    stream_context.AddMetadata("authorization", absl::StrCat("Bearer ", kStreamToken));
    stream_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    gv1::WatchCaseChangesRequest watch;
    watch.set_kind("dispute");
    std::unique_ptr<grpc::ClientReader<gv1::WatchCaseChangesResponse>> reader =
        changes->WatchCaseChanges(&stream_context, watch);
    mv1::Dispute fresh;
    {
      grpc::Status s = CreateDispute(*stub, "after-restore", NewDispute("GS03"), &fresh, kCall);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(before.count(fresh.id()), 0u) << "a restored id was handed out again";
    }
    std::set<std::pair<std::string, int64_t>> delivered;
    int64_t delivered_before_fresh = 0;
    bool fresh_seen = false;
    gv1::WatchCaseChangesResponse batch;
    while (!fresh_seen && reader->Read(&batch)) {
      for (const gv1::CaseChange& c : batch.changes()) {
        if (c.case_id() == fresh.id()) {
          fresh_seen = true;
          break;
        }
        delivered.emplace(c.case_id(), c.sequence());
        ++delivered_before_fresh;
      }
    }
    stream_context.TryCancel();
    reader->Finish();
    EXPECT_TRUE(fresh_seen) << "the restored service's change stream did not deliver its new "
                               "dispute; it delivered "
                            << delivered_before_fresh << " restored steps of " << restored_steps;
    EXPECT_EQ(delivered_before_fresh, restored_steps);
    EXPECT_EQ(static_cast<int64_t>(delivered.size()), restored_steps) << "distinct steps";
    int64_t missing = 0;
    for (const auto& [id, acked] : before) {
      for (size_t k = 0; k < acked.actions.size(); ++k) {
        missing += delivered.count({id, static_cast<int64_t>(k + 1)}) == 0 ? 1 : 0;
      }
    }
    EXPECT_EQ(missing, 0) << "acknowledged steps the restored change stream did not deliver";
    std::cout << "[backup_test] restored: " << before.size() << " acknowledged disputes and "
              << steps << " steps found; " << restored_steps << " steps in the restored store, "
              << opened << " disputes this year; counters equal the recount\n";
  }

  static std::map<std::string, int64_t> Counts(const Sql& sql, const std::string& query) {
    absl::StatusOr<Rows> rows = sql(query);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::map<std::string, int64_t> out;
    if (!rows.ok()) return out;
    for (const auto& row : *rows) {
      int64_t n = 0;
      EXPECT_TRUE(row.size() == 2 && absl::SimpleAtoi(row[1], &n)) << query;
      if (n != 0) out[row[0]] = n;
    }
    return out;
  }

  static int64_t Int(const Sql& sql, const std::string& query) {
    absl::StatusOr<Rows> rows = sql(query);
    EXPECT_TRUE(rows.ok()) << rows.status();
    int64_t n = -1;
    if (rows.ok() && !rows->empty() && !rows->front().empty()) {
      EXPECT_TRUE(absl::SimpleAtoi(rows->front().front(), &n)) << query;
    }
    return n;
  }

  TempDir dir_;
};

TEST_F(BackupTest, SqliteBackupUnderLoadRestoresEveryAcknowledgedWrite) {
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  const std::string origin_db = dir_.File("origin.db");
  TrackProcess::Options origin_options = Mediation("origin", redis, /*demo=*/true);
  origin_options.db_path = origin_db;
  TrackProcess origin(origin_options);
  ASSERT_NO_FATAL_FAILURE(Start(origin));

  const std::string backup = dir_.File("backup.db");
  CommandResult made;
  const std::map<std::string, Acked> before = BackupUnderLoad(
      origin,
      [&] {
        return Govbackup({"backup", "--sqlite=" + origin_db, "--out=" + backup});
      },
      &made);
  ASSERT_TRUE(made.status.ok()) << made.status.ToString() << ": " << made.err;
  EXPECT_THAT(made.out, HasSubstr("integrity_check ok"));

  // One self-contained file: in rollback-journal mode (header bytes 18 and 19 are 1; 2 would
  // mean WAL) and nothing beside it.
  const std::string header = ReadAll(backup).substr(0, 100);
  ASSERT_EQ(header.size(), 100u);
  EXPECT_EQ(header.substr(0, 16), std::string("SQLite format 3\0", 16));
  EXPECT_EQ(header[18], 1);
  EXPECT_EQ(header[19], 1);
  for (const char* side : {"-wal", "-shm", "-journal"}) {
    EXPECT_NE(access((backup + side).c_str(), F_OK), 0) << backup << side << " exists";
  }

  // The live store is never overwritten, not even when asked to: its service owns it.
  for (bool force : {false, true}) {
    std::vector<std::string> args = {"restore", "--sqlite=" + backup, "--to=" + origin_db};
    if (force) args.push_back("--force");
    CommandResult refused = Govbackup(args);
    EXPECT_EQ(refused.status.code, 3) << refused.status.ToString() << ": " << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("in use"));
    EXPECT_THAT(refused.err, HasSubstr(absl::StrCat("pid ", origin.process()->pid())));
  }
  {
    // ... and its service goes on serving it.
    auto stub = mv1::MediationService::NewStub(origin.channel());
    grpc::Status s = CreateDispute(*stub, "after-refusal", NewDispute("GS02"), nullptr, kCall);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  StopMediation(origin);

  // Into a new file: restored; again onto it: refused without --force.
  const std::string restored_db = dir_.File("restored.db");
  CommandResult restored_run = Govbackup({"restore", "--sqlite=" + backup, "--to=" + restored_db});
  ASSERT_TRUE(restored_run.status.ok())
      << restored_run.status.ToString() << ": " << restored_run.err;
  std::cout << "[backup_test] govbackup: " << restored_run.out;
  CommandResult again = Govbackup({"restore", "--sqlite=" + backup, "--to=" + restored_db});
  EXPECT_EQ(again.status.code, 3) << again.err;
  EXPECT_THAT(again.err, HasSubstr("exists"));

  // A second service on the restored file, with a Redis of its own (the first one's cache
  // holds entries newer than the backup).
  RedisServer redis2;
  ASSERT_TRUE(redis2.Start().ok());
  TrackProcess::Options restored_options = Mediation("restored", redis2, /*demo=*/false);
  restored_options.db_path = restored_db;
  TrackProcess restored(restored_options);
  ASSERT_NO_FATAL_FAILURE(Start(restored));
  ExpectRestored(restored, before,
                 [&](const std::string& q) { return SqliteQuery(restored_db, q); });

  CommandResult owned =
      Govbackup({"restore", "--sqlite=" + backup, "--to=" + restored_db, "--force"});
  EXPECT_EQ(owned.status.code, 3) << owned.err;
  StopMediation(restored);

  // Once its service is stopped, --force replaces it and keeps the replaced one beside it.
  CommandResult replaced =
      Govbackup({"restore", "--sqlite=" + backup, "--to=" + restored_db, "--force"});
  EXPECT_TRUE(replaced.status.ok()) << replaced.err;
  EXPECT_THAT(replaced.out, HasSubstr("kept as " + restored_db + ".replaced-"));
}

TEST_F(BackupTest, UsageErrorsAndABackupOfWhatIsNoStore) {
  EXPECT_EQ(Govbackup({}).status.code, 2);
  EXPECT_EQ(Govbackup({"backup", "--out=x"}).status.code, 2);
  EXPECT_EQ(Govbackup({"backup", "--sqlite=a", "--postgres=b", "--out=x"}).status.code, 2);
  EXPECT_EQ(Govbackup({"restore", "--sqlite=a", "--to=b", "--create"}).status.code, 2);
  CommandResult missing = Govbackup(
      {"backup", "--sqlite=" + dir_.File("none.db"), "--out=" + dir_.File("none-backup.db")});
  EXPECT_EQ(missing.status.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
  WriteFile(dir_.File("other.db"), "");
  ASSERT_TRUE(SqliteQuery(dir_.File("other.db"), "SELECT 1").ok());
  CommandResult other = Govbackup(
      {"backup", "--sqlite=" + dir_.File("other.db"), "--out=" + dir_.File("other-backup.db")});
  EXPECT_EQ(other.status.code, 3);
  EXPECT_THAT(other.err, HasSubstr("not a store"));
  EXPECT_NE(access(dir_.File("other-backup.db").c_str(), F_OK), 0);
}

// Named Postgres* so that backup_test_postgres runs it (tests/CMakeLists.txt).
class PostgresBackupTest : public BackupTest {};

TEST_F(PostgresBackupTest, BackupUnderLoadRestoresEveryAcknowledgedWrite) {
  absl::StatusOr<PostgresServer*> pg = SharedPostgres();
  ASSERT_TRUE(pg.ok()) << pg.status();
  absl::StatusOr<std::string> url = (*pg)->CreateUniqueDatabase("backup_origin");
  ASSERT_TRUE(url.ok()) << url.status();
  RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  TrackProcess::Options origin_options = Mediation("origin", redis, /*demo=*/true);
  origin_options.database_url = *url;
  TrackProcess origin(origin_options);
  ASSERT_NO_FATAL_FAILURE(Start(origin));

  const std::string archive = dir_.File("governance.dump");
  CommandResult made;
  const std::map<std::string, Acked> before = BackupUnderLoad(
      origin,
      [&] {
        return Govbackup({"backup", "--postgres=" + *url, "--out=" + archive});
      },
      &made);
  ASSERT_TRUE(made.status.ok()) << made.status.ToString() << ": " << made.err;
  EXPECT_THAT(made.out, HasSubstr("archive readable"));

  // The live database is never restored over: its service has sessions on it and it is not
  // empty.
  CommandResult refused = Govbackup({"restore", "--postgres=" + archive, "--to=" + *url});
  EXPECT_EQ(refused.status.code, 3) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("in use"));
  StopMediation(origin);

  // A new cluster, as a new PostgreSQL StatefulSet would be: its transaction counter starts
  // far behind the origin's, which the restored change positions come from.
  PostgresServer fresh;
  ASSERT_TRUE(fresh.Start().ok());
  const std::string target = fresh.Url("governance_restored");
  CommandResult restored_run =
      Govbackup({"restore", "--postgres=" + archive, "--to=" + target, "--create"});
  ASSERT_TRUE(restored_run.status.ok())
      << restored_run.status.ToString() << ": " << restored_run.err;
  std::cout << "[backup_test] govbackup: " << restored_run.out;
  CommandResult again = Govbackup({"restore", "--postgres=" + archive, "--to=" + target});
  EXPECT_EQ(again.status.code, 3) << again.err;
  EXPECT_THAT(again.err, HasSubstr("not empty"));

  RedisServer redis2;
  ASSERT_TRUE(redis2.Start().ok());
  TrackProcess::Options restored_options = Mediation("restored", redis2, /*demo=*/false);
  restored_options.database_url = target;
  TrackProcess restored(restored_options);
  ASSERT_NO_FATAL_FAILURE(Start(restored));
  ExpectRestored(restored, before,
                 [&](const std::string& q) { return fresh.Query("governance_restored", q); });
  StopMediation(restored);
}

}  // namespace
}  // namespace gov::testing
