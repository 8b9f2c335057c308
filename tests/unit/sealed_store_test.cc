// Personal data at rest on both stores (common/store/sealed_repository.h, data_keys.h,
// rekey.h): what a case, its history, a registry entity, a figure and a read of personal data
// hold is unreadable in the store's own rows and reads back whole through the repository; a store
// written before it had a key ring reads on; a rotated ring re-seals every value (govbackup rekey)
// after which the old key can go; a process without the key is refused, never handed sealed bytes.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/store/data_keys.h"
#include "common/store/pg_db.h"
#include "common/store/rekey.h"
#include "common/store/sealed_repository.h"
#include "common/store/sqlite_db.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

// g++ 12 warns about members a designated initializer leaves to their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::store {
namespace {

using ::gov::testing::Backend;

constexpr char kTrack[] = "disorder";
// What must never show in the store's rows.
const char* const kSecrets[] = {"13800138000", "Zhang San",     "Li Si",   "13900139000",
                                "clerk Wang",  "figure-secret", "Wang Wu", "Zhao Liu"};

std::shared_ptr<const DataKeys> Ring(const std::string& text) {
  absl::StatusOr<std::shared_ptr<const DataKeys>> ring = DataKeys::Parse(text, "test ring");
  EXPECT_TRUE(ring.ok()) << ring.status();
  return ring.ok() ? *ring : nullptr;
}
std::string Key(char c) { return absl::Base64Escape(std::string(32, c)); }

class SealedStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  SealedStoreTest()
      : store_(GetParam()),
        k1_(Ring(absl::StrCat("k1 ", Key('a')))),
        k2_first_(Ring(absl::StrCat("k2 ", Key('b'), "\nk1 ", Key('a')))),
        k2_only_(Ring(absl::StrCat("k2 ", Key('b')))) {}

  std::unique_ptr<Repository> Open(std::shared_ptr<const DataKeys> keys) {
    absl::StatusOr<std::unique_ptr<Repository>> raw = store_.Open();
    EXPECT_TRUE(raw.ok()) << raw.status();
    if (!raw.ok()) return nullptr;
    return SealPersonalData(std::move(raw).value(), std::move(keys));
  }

  // Every payload, note and purpose as the store holds it (empty notes and purposes left out:
  // they stay empty).
  std::vector<std::string> RawValues() {
    const char* const queries[] = {"SELECT payload FROM cases",
                                   "SELECT note FROM case_history WHERE note <> ''",
                                   "SELECT payload FROM entities",
                                   "SELECT payload FROM figures",
                                   "SELECT note FROM figures",
                                   "SELECT purpose FROM personal_data_reads WHERE purpose <> ''"};
    std::vector<std::string> out;
    if (GetParam() == Backend::kSqlite) {
      auto db = sqlite::Connection::Open(store_.sqlite_path(), {.read_only = true});
      EXPECT_TRUE(db.ok()) << db.status();
      if (!db.ok()) return out;
      for (const char* sql : queries) {
        auto stmt = (*db)->Prepare(sql);
        EXPECT_TRUE(stmt.ok()) << stmt.status();
        if (!stmt.ok()) continue;
        while (stmt->Step().value_or(false)) out.push_back(stmt->ColumnBlob(0));
      }
    } else {
      pg::ConnectOptions options;
      options.url = store_.postgres_url();
      auto db = pg::Connection::Open(options);
      EXPECT_TRUE(db.ok()) << db.status();
      if (!db.ok()) return out;
      for (const char* sql : queries) {
        auto result = (*db)->Exec(sql);
        EXPECT_TRUE(result.ok()) << result.status();
        if (!result.ok()) continue;
        for (int i = 0; i < result->rows(); ++i) out.push_back(result->row(i).ColumnText(0));
      }
    }
    return out;
  }

  absl::StatusOr<KeyCensus> Census() {
    return GetParam() == Backend::kSqlite ? CensusSqlite(store_.sqlite_path())
                                          : CensusPostgres(store_.postgres_url());
  }
  absl::StatusOr<RekeyResult> Rekey(const DataKeys& keys) {
    return GetParam() == Backend::kSqlite ? RekeySqlite(store_.sqlite_path(), keys)
                                          : RekeyPostgres(store_.postgres_url(), keys);
  }

  // A case with a phone in its payload and a name in each of its two notes, an entity with a
  // phone, a figure with a name in its note, a read of personal data with a name in its purpose
  // (and one with none, which stays empty): 7 values.
  void Write(Repository& repo, const std::string& suffix) {
    CaseRecord c = testing::SampleCase(kTrack, base_);
    c.payload = absl::StrCat("reporter phone 13800138000 ", suffix);
    HistoryRecord first = testing::CreatedEvent(c);
    first.note = "called by Zhang San";
    auto created = repo.CreateCase(c, first, "req-" + suffix, "hash-" + suffix, "C");
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_EQ(created->record.payload, c.payload);
    // A retried create answers the first one, opened.
    auto again = repo.CreateCase(c, first, "req-" + suffix, "hash-" + suffix, "C");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->record.payload, c.payload);
    case_ids_.push_back(created->record.id);

    CaseRecord next = created->record;
    next.status = "ASSIGNED";
    next.update_time = base_ + absl::Minutes(5);
    HistoryRecord event = testing::SampleEvent(next.update_time, "Assign", "RECEIVED", "ASSIGNED");
    event.note = "met Li Si";
    auto updated = repo.UpdateCase(next, created->record.version, event);
    ASSERT_TRUE(updated.ok()) << updated.status();
    EXPECT_EQ(updated->payload, c.payload);

    EntityRecord e;
    e.track = kTrack;
    e.kind = "enterprise";
    e.street_id = "S01";
    e.community_id = "S01-C1";
    e.key = "GREEN";
    e.create_time = base_;
    e.update_time = base_;
    e.payload = absl::StrCat("contact 13900139000 ", suffix);
    auto entity = repo.CreateEntity(e, "ent-" + suffix, "h", "E");
    ASSERT_TRUE(entity.ok()) << entity.status();
    EXPECT_EQ(entity->payload, e.payload);
    entity_ids_.push_back(entity->id);

    FigureRecord f;
    f.track = kTrack;
    f.figure_id = "court_intake";
    f.period_key = "2026-03";
    f.street_id = "S01";
    f.value = 7;
    f.source = "court";
    f.note = "from clerk Wang";
    f.entered_by = "admin";
    f.enter_time = base_;
    f.payload = absl::StrCat("figure-secret ", suffix);
    auto figure = repo.RecordFigure(f, "fig-" + suffix, "h");
    ASSERT_TRUE(figure.ok()) << figure.status();
    EXPECT_EQ(figure->note, f.note);
    EXPECT_EQ(figure->payload, f.payload);

    PersonalDataRead read;
    read.track = kTrack;
    read.time = base_;
    read.principal = "inspector-1";
    read.roles = {"inspector"};
    read.method = "governance.disorder.v1.DisorderService/GetReport";
    read.records = {created->record.id};
    read.purpose = "checking with Wang Wu";
    read.trace_id = "trace-" + suffix;
    PersonalDataRead silent = read;
    silent.purpose = "";
    ASSERT_TRUE(repo.AppendPersonalDataReads({read, silent}).ok());
  }

  // Everything written reads back whole.
  void ExpectReadable(Repository& repo) {
    for (const std::string& id : case_ids_) {
      auto c = repo.GetCase(kTrack, id);
      ASSERT_TRUE(c.ok()) << c.status();
      EXPECT_TRUE(absl::StartsWith(c->payload, "reporter phone 13800138000")) << c->payload;
      auto history = repo.GetHistory(kTrack, id);
      ASSERT_TRUE(history.ok()) << history.status();
      ASSERT_EQ(history->size(), 2u);
      EXPECT_EQ((*history)[0].note, "called by Zhang San");
      EXPECT_EQ((*history)[1].note, "met Li Si");
    }
    auto cases = repo.ListCases({.track = kTrack, .limit = 100});
    ASSERT_TRUE(cases.ok()) << cases.status();
    ASSERT_EQ(cases->size(), case_ids_.size());
    for (const CaseRecord& c : *cases) EXPECT_TRUE(absl::StartsWith(c.payload, "reporter phone"));
    auto overdue = repo.ListOverdue(kTrack, base_ + absl::Hours(48), 100);
    ASSERT_TRUE(overdue.ok()) << overdue.status();
    for (const CaseRecord& c : *overdue) EXPECT_TRUE(absl::StartsWith(c.payload, "reporter"));
    for (const std::string& id : entity_ids_) {
      auto e = repo.GetEntity(kTrack, "enterprise", id);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_TRUE(absl::StartsWith(e->payload, "contact 13900139000")) << e->payload;
    }
    auto entities = repo.ListEntities({.track = kTrack, .kind = "enterprise", .limit = 100});
    ASSERT_TRUE(entities.ok()) << entities.status();
    ASSERT_EQ(entities->size(), entity_ids_.size());
    for (const EntityRecord& e : *entities) EXPECT_TRUE(absl::StartsWith(e.payload, "contact"));
    auto figures = repo.ListFigures({.track = kTrack, .figure_id = "court_intake", .limit = 100});
    ASSERT_TRUE(figures.ok()) << figures.status();
    ASSERT_EQ(figures->size(), case_ids_.size());
    for (const FigureRecord& f : *figures) {
      EXPECT_EQ(f.note, "from clerk Wang");
      EXPECT_TRUE(absl::StartsWith(f.payload, "figure-secret"));
    }
    auto latest = repo.LatestFigure(kTrack, "court_intake", "2026-03", "S01");
    ASSERT_TRUE(latest.ok()) << latest.status();
    EXPECT_EQ(latest->note, "from clerk Wang");
    auto reads = repo.ListPersonalDataReads({.track = kTrack, .limit = 100});
    ASSERT_TRUE(reads.ok()) << reads.status();
    ASSERT_EQ(reads->size(), 2 * case_ids_.size());
    for (size_t i = 0; i < reads->size(); ++i) {
      // Newest first: each Write's silent read, then the one with a purpose.
      EXPECT_EQ((*reads)[i].purpose, i % 2 == 0 ? "" : "checking with Wang Wu") << i;
    }
  }

  testing::TestStore store_;
  std::shared_ptr<const DataKeys> k1_;
  std::shared_ptr<const DataKeys> k2_first_;
  std::shared_ptr<const DataKeys> k2_only_;
  absl::Time base_ = absl::FromUnixSeconds(1772413200);  // 2026-03-02 09:00 district time
  std::vector<std::string> case_ids_;
  std::vector<std::string> entity_ids_;
};

TEST_P(SealedStoreTest, PersonalDataIsUnreadableInTheStoreAndWholeThroughIt) {
  auto repo = Open(k1_);
  ASSERT_NE(repo, nullptr);
  ASSERT_NO_FATAL_FAILURE(Write(*repo, "a"));
  ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
  const std::vector<std::string> raw = RawValues();
  ASSERT_EQ(raw.size(), 7u);
  for (const std::string& value : raw) {
    for (const char* secret : kSecrets) EXPECT_FALSE(absl::StrContains(value, secret)) << secret;
    EXPECT_EQ(DataKeys::KeyIdOf(value), "k1");
  }
  absl::StatusOr<KeyCensus> census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->sealed, (std::map<std::string, int64_t>{{"k1", 7}}));
  EXPECT_EQ(census->unsealed, 0);
}

TEST_P(SealedStoreTest, WithoutItsKeyAStoreIsRefusedNotMisread) {
  {
    auto repo = Open(k1_);
    ASSERT_NE(repo, nullptr);
    ASSERT_NO_FATAL_FAILURE(Write(*repo, "a"));
  }
  for (auto keys : {std::shared_ptr<const DataKeys>(), k2_only_}) {
    auto repo = Open(keys);
    ASSERT_NE(repo, nullptr);
    absl::StatusOr<CaseRecord> c = repo->GetCase(kTrack, case_ids_[0]);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition) << c.status();
    EXPECT_EQ(repo->GetHistory(kTrack, case_ids_[0]).status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo->ListCases({.track = kTrack}).status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo->GetEntity(kTrack, "enterprise", entity_ids_[0]).status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo->LatestFigure(kTrack, "court_intake", "2026-03", "S01").status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(repo->ListPersonalDataReads({.track = kTrack}).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST_P(SealedStoreTest, AStoreWrittenBeforeItsRingReadsOnAndIsSealedByRekey) {
  {
    auto plain = Open(nullptr);
    ASSERT_NE(plain, nullptr);
    ASSERT_NO_FATAL_FAILURE(Write(*plain, "before"));
  }
  absl::StatusOr<KeyCensus> census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_TRUE(census->sealed.empty());
  EXPECT_EQ(census->unsealed, 7);
  {
    auto repo = Open(k1_);
    ASSERT_NE(repo, nullptr);
    ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
    ASSERT_NO_FATAL_FAILURE(Write(*repo, "after"));
    ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
    if (GetParam() == Backend::kSqlite) {
      // The service owns its SQLite file: a re-seal beside it is refused.
      EXPECT_EQ(Rekey(*k1_).status().code(), absl::StatusCode::kFailedPrecondition);
    }
  }
  absl::StatusOr<RekeyResult> rekeyed = Rekey(*k1_);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.status();
  EXPECT_EQ(rekeyed->resealed, 7);
  EXPECT_EQ(rekeyed->changed_meanwhile, 0);
  census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->sealed, (std::map<std::string, int64_t>{{"k1", 14}}));
  EXPECT_EQ(census->unsealed, 0);
  for (const std::string& value : RawValues()) {
    for (const char* secret : kSecrets) EXPECT_FALSE(absl::StrContains(value, secret)) << secret;
  }
  auto repo = Open(k1_);
  ASSERT_NE(repo, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
}

TEST_P(SealedStoreTest, RotationReSealsEveryValueSoTheOldKeyCanGo) {
  {
    auto repo = Open(k1_);
    ASSERT_NE(repo, nullptr);
    ASSERT_NO_FATAL_FAILURE(Write(*repo, "old"));
  }
  {
    // The rotated ring in the service: new values under k2, old ones still open.
    auto repo = Open(k2_first_);
    ASSERT_NE(repo, nullptr);
    ASSERT_NO_FATAL_FAILURE(Write(*repo, "new"));
    ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
  }
  absl::StatusOr<KeyCensus> census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->sealed, (std::map<std::string, int64_t>{{"k1", 7}, {"k2", 7}}));
  // A ring that lacks the old key cannot re-seal what it sealed: refused, nothing changed.
  EXPECT_EQ(Rekey(*k2_only_).status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<RekeyResult> rekeyed = Rekey(*k2_first_);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.status();
  EXPECT_EQ(rekeyed->before.sealed, (std::map<std::string, int64_t>{{"k1", 7}, {"k2", 7}}));
  EXPECT_EQ(rekeyed->resealed, 7);
  census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->sealed, (std::map<std::string, int64_t>{{"k2", 14}}));
  // Again: nothing left to do.
  rekeyed = Rekey(*k2_first_);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.status();
  EXPECT_EQ(rekeyed->resealed, 0);
  // The old key is gone from the ring and everything reads.
  auto repo = Open(k2_only_);
  ASSERT_NE(repo, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectReadable(*repo));
}

// An erasure through the sealed repository writes its new payload and its entry's note sealed;
// the notes it empties stay empty (and leave the census).
TEST_P(SealedStoreTest, AnErasureIsSealedToo) {
  auto repo = Open(k1_);
  ASSERT_NE(repo, nullptr);
  ASSERT_NO_FATAL_FAILURE(Write(*repo, "a"));
  absl::StatusOr<CaseRecord> before = repo->GetCase(kTrack, case_ids_[0]);
  ASSERT_TRUE(before.ok()) << before.status();
  HistoryRecord event =
      testing::SampleEvent(base_ + absl::Hours(1), "ErasePersonalData", "ASSIGNED", "ASSIGNED");
  event.note = "asked by Zhao Liu";
  absl::StatusOr<CaseRecord> erased = repo->EraseCasePersonalData(
      kTrack, case_ids_[0], "erased; kept for Zhao Liu", before->version, event);
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->payload, "erased; kept for Zhao Liu");
  EXPECT_EQ(erased->version, before->version + 1);
  absl::StatusOr<CaseRecord> got = repo->GetCase(kTrack, case_ids_[0]);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->payload, "erased; kept for Zhao Liu");
  absl::StatusOr<std::vector<HistoryRecord>> history = repo->GetHistory(kTrack, case_ids_[0]);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].note, "");
  EXPECT_EQ((*history)[1].note, "");
  EXPECT_EQ((*history)[2].note, "asked by Zhao Liu");

  // The payload, the erasure's note, the entity, the figure's two and the read's purpose.
  const std::vector<std::string> raw = RawValues();
  ASSERT_EQ(raw.size(), 6u);
  for (const std::string& value : raw) {
    for (const char* secret : kSecrets) EXPECT_FALSE(absl::StrContains(value, secret)) << secret;
    EXPECT_EQ(DataKeys::KeyIdOf(value), "k1");
  }
  absl::StatusOr<KeyCensus> census = Census();
  ASSERT_TRUE(census.ok()) << census.status();
  EXPECT_EQ(census->sealed, (std::map<std::string, int64_t>{{"k1", 6}}));
  EXPECT_EQ(census->unsealed, 0);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SealedStoreTest, ::testing::Values(Backend::kSqlite),
                         testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, SealedStoreTest, ::testing::Values(Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace gov::store
