#ifndef GOV_TESTS_SUPPORT_STORE_FIXTURE_H_
#define GOV_TESTS_SUPPORT_STORE_FIXTURE_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/repository.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace prometheus {
class Registry;
}

namespace gov::testing {

// The store implementations every Repository test runs against.
enum class Backend { kSqlite, kPostgres };

// "Sqlite" or "Postgres": the instantiation and parameter names of the suites, so ctest can pick
// one backend with --gtest_filter=Postgres* or -Postgres*.
std::string BackendName(Backend backend);
void PrintTo(Backend backend, std::ostream* os);

// Parameter name generator for INSTANTIATE_TEST_SUITE_P:
//   INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, ::testing::Values(Backend::kPostgres),
//                            BackendParamName);
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

// The data behind one test's store: a SQLite file in a TempDir of its own (removed with the
// TestStore), or a database of its own on the process's shared PostgreSQL server
// (SharedPostgres(), started on first use; the database is made on the first Open() and goes
// away with the server at the end of the process). Destroy every repository before its
// TestStore: declare the TestStore first.
//
//   TestStore store(GetParam());
//   absl::StatusOr<std::unique_ptr<store::Repository>> repo = store.Open(&registry);
//   ASSERT_TRUE(repo.ok()) << repo.status();
class TestStore {
 public:
  explicit TestStore(Backend backend);
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  Backend backend() const { return backend_; }

  // Opens a repository on this store's data with default options, recording its metrics on
  // `registry` (may be null). Every call opens the same data, so a test reopens by destroying
  // the repository and calling Open() again. Errors are the backend's (FAILED_PRECONDITION when
  // PostgreSQL is not installed).
  absl::StatusOr<std::unique_ptr<store::Repository>> Open(prometheus::Registry* registry = nullptr);
  // PostgreSQL: the connection string of this test's database, once Open() made it ("" before,
  // and for SQLite).
  std::string postgres_url() const { return postgres_url_.value_or(""); }
  // SQLite: the database file (also before Open()).
  std::string sqlite_path() const { return dir_.File("store.db"); }

 private:
  Backend backend_;
  TempDir dir_;                              // SQLite: holds the database file
  std::optional<std::string> postgres_url_;  // PostgreSQL: the database, once created
};

// Sample records for store tests: a case of `track` opened at `created` in `street` (community
// `community`, or "<street>-C01" when empty), with a 24 h clock and a payload holding a NUL byte;
// a history entry by "op-1"; and the "Create" entry of a case.
store::CaseRecord SampleCase(const std::string& track, absl::Time created,
                             std::string street = "S01", std::string community = "",
                             std::string category = "family", std::string status = "RECEIVED");
store::HistoryRecord SampleEvent(absl::Time t, std::string action, std::string from,
                                 std::string to);
store::HistoryRecord CreatedEvent(const store::CaseRecord& r);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_STORE_FIXTURE_H_
