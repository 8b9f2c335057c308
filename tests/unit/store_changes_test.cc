// The change stream of the cases (Repository::ListChanges, LastChange) on both stores, SQLite (a
// real file) and PostgreSQL (a real server): every history entry once, in commit order, resumed
// strictly after a position, per track; and on PostgreSQL, a transaction that took its position
// before another committed is never skipped by a reader that read in between.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/pg_db.h"
#include "common/store/repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

namespace gov::store {
namespace {

using ::gov::testing::Backend;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kTrack[] = "mediation";

absl::Time Base() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), cal::DistrictZone());
}

class StoreChangesTest : public ::testing::TestWithParam<Backend> {
 protected:
  StoreChangesTest() : store_(GetParam()) {}

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Repository>> repo = store_.Open();
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
  }

  // A new case of `track` in `street`, created at Base() + `minutes`, by `request_id`.
  CaseRecord Create(const std::string& request_id, const std::string& street = "S01",
                    int minutes = 0, const std::string& track = kTrack) {
    const CaseRecord r = gov::testing::SampleCase(track, Base() + absl::Minutes(minutes), street);
    absl::StatusOr<CreateCaseResult> res =
        repo_->CreateCase(r, gov::testing::CreatedEvent(r), request_id, "h", "D");
    EXPECT_TRUE(res.ok()) << res.status();
    return res.ok() ? res->record : CaseRecord{};
  }

  // `c` moved to `to` by `action`.
  CaseRecord Move(const CaseRecord& c, const std::string& action, const std::string& to) {
    CaseRecord next = c;
    next.status = to;
    next.update_time = c.update_time + absl::Minutes(1);
    absl::StatusOr<CaseRecord> moved = repo_->UpdateCase(
        next, c.version, gov::testing::SampleEvent(next.update_time, action, c.status, to));
    EXPECT_TRUE(moved.ok()) << moved.status();
    return moved.ok() ? *moved : CaseRecord{};
  }

  std::vector<ChangeRecord> Changes(const std::string& after = "", int limit = 100,
                                    const std::string& track = kTrack) {
    absl::StatusOr<std::vector<ChangeRecord>> changes = repo_->ListChanges(track, after, limit);
    EXPECT_TRUE(changes.ok()) << changes.status();
    return changes.ok() ? *changes : std::vector<ChangeRecord>{};
  }

  // "<case id>/<sequence> <action> <to status>" of each change.
  static std::vector<std::string> Described(const std::vector<ChangeRecord>& changes) {
    std::vector<std::string> out;
    for (const ChangeRecord& c : changes) {
      out.push_back(absl::StrCat(c.case_id, "/", c.sequence, " ", c.action, " ", c.to_status));
    }
    return out;
  }

  gov::testing::TestStore store_;
  std::unique_ptr<Repository> repo_;
};

TEST_P(StoreChangesTest, EveryHistoryEntryIsAChangeInTheOrderWritten) {
  EXPECT_THAT(Changes(), IsEmpty());
  absl::StatusOr<std::string> none = repo_->LastChange(kTrack);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, "");

  const CaseRecord a = Create("req-a", "S01");
  const CaseRecord b = Create("req-b", "S02", 5);
  const CaseRecord a2 = Move(a, "Assign", "ASSIGNED");
  Create("", "S03", 10);
  Move(b, "Close", "CLOSED");
  Move(a2, "Close", "CLOSED");
  Create("req-x", "S01", 0, "policing");  // another track's

  const std::vector<ChangeRecord> all = Changes();
  EXPECT_THAT(Described(all),
              ElementsAre("D-000001/1 Create RECEIVED", "D-000002/1 Create RECEIVED",
                          "D-000001/2 Assign ASSIGNED", "D-000003/1 Create RECEIVED",
                          "D-000002/2 Close CLOSED", "D-000001/3 Close CLOSED"));
  // What the case is now comes with each change.
  EXPECT_EQ(all[0].request_id, "req-a");
  EXPECT_EQ(all[0].street_id, "S01");
  EXPECT_EQ(all[0].community_id, "S01-C01");
  EXPECT_EQ(all[0].category, "family");
  EXPECT_EQ(all[0].time, Base());
  EXPECT_EQ(all[1].street_id, "S02");
  EXPECT_EQ(all[3].request_id, "");
  EXPECT_EQ(all[4].from_status, "RECEIVED");
  // Positions increase, and a read resumes strictly after one, in pages.
  for (size_t i = 1; i < all.size(); ++i) EXPECT_NE(all[i].position, all[i - 1].position);
  EXPECT_THAT(Described(Changes(all[2].position)),
              ElementsAre("D-000003/1 Create RECEIVED", "D-000002/2 Close CLOSED",
                          "D-000001/3 Close CLOSED"));
  std::vector<std::string> paged;
  std::string at;
  while (true) {
    const std::vector<ChangeRecord> page = Changes(at, 2);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 2u);
    for (const ChangeRecord& c : page)
      paged.push_back(c.case_id + "/" + std::to_string(c.sequence));
    at = page.back().position;
  }
  EXPECT_THAT(paged, ElementsAre("D-000001/1", "D-000002/1", "D-000001/2", "D-000003/1",
                                 "D-000002/2", "D-000001/3"));
  EXPECT_THAT(Changes(all.back().position), IsEmpty());
  EXPECT_THAT(Described(Changes("", 100, "policing")), ElementsAre("D-000001/1 Create RECEIVED"));

  // From now: only what comes after (on PostgreSQL perhaps some of just before, never less).
  absl::StatusOr<std::string> last = repo_->LastChange(kTrack);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_NE(*last, "");
  Create("req-late", "S04", 20);
  const std::vector<ChangeRecord> after = Changes(*last);
  ASSERT_THAT(after, ::testing::Not(IsEmpty()));
  EXPECT_EQ(after.back().request_id, "req-late");
  if (GetParam() == Backend::kSqlite) {
    EXPECT_THAT(after, SizeIs(1));
  }

  // A position this store did not give.
  for (const std::string bad : {"x", "-1", "1.2.3", "abc.1"}) {
    EXPECT_EQ(repo_->ListChanges(kTrack, bad, 10).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(repo_->ListChanges(kTrack, "", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreChangesTest, TheStreamSurvivesReopening) {
  Create("req-a");
  const std::vector<ChangeRecord> before = Changes();
  ASSERT_THAT(before, SizeIs(1));
  repo_.reset();
  absl::StatusOr<std::unique_ptr<Repository>> repo = store_.Open();
  ASSERT_TRUE(repo.ok()) << repo.status();
  repo_ = std::move(*repo);
  Create("req-b", "S02", 1);
  EXPECT_THAT(Described(Changes(before[0].position)), ElementsAre("D-000002/1 Create RECEIVED"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreChangesTest, ::testing::Values(Backend::kSqlite),
                         gov::testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreChangesTest, ::testing::Values(Backend::kPostgres),
                         gov::testing::BackendParamName);

// PostgreSQL: a transaction takes its id (and its change's sequence value) before a later one
// commits. While it runs, a reader gets neither change (the later one waits behind it); once it
// commits, both come, the earlier first: nothing is skipped.
TEST(PostgresStoreChangesTest, AChangeThatCommitsLaterIsNeverSkipped) {
  gov::testing::TestStore store(Backend::kPostgres);
  absl::StatusOr<std::unique_ptr<Repository>> opened = store.Open();
  ASSERT_TRUE(opened.ok()) << opened.status();
  Repository& repo = **opened;
  const CaseRecord first = gov::testing::SampleCase(kTrack, Base(), "S01");
  ASSERT_TRUE(repo.CreateCase(first, gov::testing::CreatedEvent(first), "req-1", "h", "D").ok());
  const std::vector<ChangeRecord> start = *repo.ListChanges(kTrack, "", 100);
  ASSERT_THAT(start, SizeIs(1));

  pg::ConnectOptions options;
  options.url = store.postgres_url();
  absl::StatusOr<std::unique_ptr<pg::Connection>> held = pg::Connection::Open(options);
  ASSERT_TRUE(held.ok()) << held.status();
  pg::Connection& db = **held;
  ASSERT_TRUE(db.Script("BEGIN").ok());
  // The slow writer: a history entry of D-000001 (its change row by the trigger), not committed.
  const absl::StatusOr<pg::Result> slow = db.Exec(
      "INSERT INTO case_history (track, case_id, sequence, time, actor, action, from_status, "
      "to_status, note) VALUES ($1, 'D-000001', 2, 0, 'slow', 'Note', 'RECEIVED', 'RECEIVED', '')",
      pg::Params().Text(kTrack));
  ASSERT_TRUE(slow.ok()) << slow.status();

  // A quick writer commits after it.
  const CaseRecord second = gov::testing::SampleCase(kTrack, Base() + absl::Minutes(1), "S02");
  ASSERT_TRUE(repo.CreateCase(second, gov::testing::CreatedEvent(second), "req-2", "h", "D").ok());
  absl::StatusOr<std::vector<ChangeRecord>> during =
      repo.ListChanges(kTrack, start[0].position, 100);
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_THAT(*during, IsEmpty());

  ASSERT_TRUE(db.Script("COMMIT").ok());
  absl::StatusOr<std::vector<ChangeRecord>> after =
      repo.ListChanges(kTrack, start[0].position, 100);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_THAT(*after, SizeIs(2));
  EXPECT_EQ((*after)[0].action, "Note");
  EXPECT_EQ((*after)[0].case_id, "D-000001");
  EXPECT_EQ((*after)[1].case_id, "D-000002");
}

}  // namespace
}  // namespace gov::store
