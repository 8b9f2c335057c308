// The Repository contract on both stores, SQLite (a real file) and PostgreSQL (a real server):
// cases, counts, entities, figures, pagination, concurrency and reopening, as the StoreTest
// suite instantiated once per backend (Sqlite/..., Postgres/...). Then what only the embedded
// store has: its file, migrations, options, locking and group commit (SqliteStoreTest).

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/repository.h"
#include "common/store/sqlite_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"

// g++ 12 warns about members a designated initializer leaves to their defaults (later
// releases do not); leaving them is the point of the designated form used for filters here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::store {
namespace {

using ::gov::testing::Backend;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kTrack[] = "mediation";

// 2026-03-02 09:00:00.000123 in the district: a Monday, mid-morning, with sub-second digits
// so microsecond storage is exercised.
absl::Time Base() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), cal::DistrictZone()) +
         absl::Microseconds(123);
}

CaseRecord MakeCase(absl::Time created, std::string street = "S01",
                    std::string community = "S01-C01", std::string category = "family",
                    std::string status = "RECEIVED") {
  return testing::SampleCase(kTrack, created, std::move(street), std::move(community),
                             std::move(category), std::move(status));
}

HistoryRecord Event(absl::Time t, std::string action, std::string from, std::string to) {
  return testing::SampleEvent(t, std::move(action), std::move(from), std::move(to));
}

HistoryRecord Created(const CaseRecord& r) { return testing::CreatedEvent(r); }

void ExpectSameCase(const CaseRecord& a, const CaseRecord& b) {
  EXPECT_EQ(a.track, b.track);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.street_id, b.street_id);
  EXPECT_EQ(a.community_id, b.community_id);
  EXPECT_EQ(a.grid_id, b.grid_id);
  EXPECT_EQ(a.unit_id, b.unit_id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.create_time, b.create_time);
  EXPECT_EQ(a.update_time, b.update_time);
  EXPECT_EQ(a.due_time, b.due_time);
  EXPECT_EQ(a.sla_breached, b.sla_breached);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.payload, b.payload);
}

// A plain SQLite connection of the test's own, to look at the file behind the store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
  }
  int64_t QueryInt(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    int64_t value = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }
  std::vector<std::string> QueryTexts(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The value of one series in `registry` (gauge value or histogram sample count).
double SeriesValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& l : metric.label) have[l.name] = l.value;
      if (have != labels) continue;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
      return metric.gauge.value;
    }
  }
  return -1;
}

// Polls `done` until it holds or 10 s pass.
bool Eventually(const std::function<bool()>& done) {
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return done();
}

CaseRecord Create(Repository& repo, const CaseRecord& r, const std::string& request_id = "") {
  absl::StatusOr<CreateCaseResult> res = repo.CreateCase(r, Created(r), request_id, "h", "D");
  EXPECT_TRUE(res.ok()) << res.status();
  return res.ok() ? res->record : CaseRecord{};
}

std::vector<CaseRecord> ListAll(Repository& repo, CaseFilter filter = {}) {
  filter.track = kTrack;
  filter.limit = 100000;
  absl::StatusOr<std::vector<CaseRecord>> list = repo.ListCases(filter);
  EXPECT_TRUE(list.ok()) << list.status();
  return list.ok() ? *list : std::vector<CaseRecord>{};
}

// The contract every Repository keeps, run on each backend.
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  StoreTest() : store_(GetParam()) {}

  // A repository on this test's data; call again (after destroying the last) to reopen.
  std::unique_ptr<Repository> Open(prometheus::Registry* registry = nullptr) {
    absl::StatusOr<std::unique_ptr<Repository>> repo = store_.Open(registry);
    EXPECT_TRUE(repo.ok()) << repo.status();
    return repo.ok() ? std::move(*repo) : nullptr;
  }

  gov::testing::TestStore store_;
};

TEST_P(StoreTest, CreateGetAndHistory) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  EXPECT_TRUE(repo->Ready());

  CaseRecord input = MakeCase(Base());
  absl::StatusOr<CreateCaseResult> first =
      repo->CreateCase(input, Created(input), "req-1", "hash-1", "D");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->record.id, "D-000001");
  EXPECT_EQ(first->record.version, 1);

  CaseRecord no_due = MakeCase(Base() + absl::Minutes(1));
  no_due.due_time = absl::InfiniteFuture();
  no_due.payload.clear();
  absl::StatusOr<CreateCaseResult> second =
      repo->CreateCase(no_due, Created(no_due), "req-2", "hash-2", "D");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->record.id, "D-000002");

  absl::StatusOr<CaseRecord> got = repo->GetCase(kTrack, "D-000001");
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSameCase(*got, first->record);
  EXPECT_EQ(got->payload, std::string("payload\0with-nul", 16));
  EXPECT_EQ(got->create_time, Base());  // microseconds survive

  absl::StatusOr<CaseRecord> got2 = repo->GetCase(kTrack, "D-000002");
  ASSERT_TRUE(got2.ok()) << got2.status();
  EXPECT_EQ(got2->due_time, absl::InfiniteFuture());
  EXPECT_EQ(got2->payload, "");
  ExpectSameCase(*got2, second->record);

  absl::StatusOr<std::vector<HistoryRecord>> history = repo->GetHistory(kTrack, "D-000001");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_THAT(*history, SizeIs(1));
  EXPECT_EQ((*history)[0].sequence, 1);
  EXPECT_EQ((*history)[0].action, "Create");
  EXPECT_EQ((*history)[0].to_status, "RECEIVED");
  EXPECT_EQ((*history)[0].actor, "op-1");
  EXPECT_EQ((*history)[0].time, Base());

  EXPECT_EQ(repo->GetCase(kTrack, "D-000009").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repo->GetCase("other", "D-000001").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repo->GetHistory(kTrack, "D-000009").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreTest, CreateIsIdempotentByRequestId) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  CaseRecord input = MakeCase(Base());
  auto a = repo->CreateCase(input, Created(input), "req-1", "hash-1", "D");
  ASSERT_TRUE(a.ok()) << a.status();

  // A retry (even with other field values: the hash decides) returns the first result.
  CaseRecord retry = input;
  retry.create_time += absl::Seconds(5);
  auto b = repo->CreateCase(retry, Created(retry), "req-1", "hash-1", "D");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->created);
  ExpectSameCase(b->record, a->record);

  auto c = repo->CreateCase(input, Created(input), "req-1", "hash-2", "D");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(c.status().message()),
              ::testing::AllOf(::testing::HasSubstr("request_id"), ::testing::HasSubstr("req-1")));

  // The same request id on another track is another request.
  CaseRecord other = input;
  other.track = "petition";
  auto d = repo->CreateCase(other, Created(other), "req-1", "hash-9", "P");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->created);

  // Without a request id every call creates.
  auto e = repo->CreateCase(input, Created(input), "", "x", "D");
  auto f = repo->CreateCase(input, Created(input), "", "x", "D");
  ASSERT_TRUE(e.ok() && f.ok());
  EXPECT_NE(e->record.id, f->record.id);

  EXPECT_THAT(ListAll(*repo), SizeIs(3));
  absl::StatusOr<std::vector<HistoryRecord>> history = repo->GetHistory(kTrack, a->record.id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(*history, SizeIs(1));
  CountQuery q{
      .track = kTrack, .first = absl::CivilDay(2026, 1, 1), .last = absl::CivilDay(2026, 12, 31)};
  auto sums = repo->SumCases(q);
  ASSERT_TRUE(sums.ok()) << sums.status();
  ASSERT_THAT(*sums, SizeIs(1));
  EXPECT_EQ((*sums)[0].count, 3);  // the retries were not counted
}

TEST_P(StoreTest, ConcurrentCreatesMakeOneCasePerRequestId) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 25;
  struct Outcome {
    std::string request_id;
    std::string id;
    bool created;
  };
  std::vector<std::vector<Outcome>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Each thread creates its own cases and also retries two shared request ids.
        for (std::string request_id : {absl::StrCat("own-", t, "-", i), std::string("shared-a"),
                                       absl::StrCat("shared-", i % 3)}) {
          CaseRecord r = MakeCase(Base() + absl::Seconds(i));
          auto res = repo->CreateCase(r, Created(r), request_id, "same", "D");
          ASSERT_TRUE(res.ok()) << res.status();
          outcomes[t].push_back({request_id, res->record.id, res->created});
          // Reads run concurrently with the writes.
          ASSERT_TRUE(repo->GetCase(kTrack, res->record.id).ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  std::map<std::string, std::set<std::string>> ids_by_request;
  std::map<std::string, int> created_by_request;
  for (const auto& per_thread : outcomes) {
    for (const Outcome& o : per_thread) {
      ids_by_request[o.request_id].insert(o.id);
      created_by_request[o.request_id] += o.created ? 1 : 0;
    }
  }
  const size_t expected_requests = kThreads * kPerThread + 1 + 3;
  EXPECT_EQ(ids_by_request.size(), expected_requests);
  std::set<std::string> all_ids;
  for (const auto& [request_id, ids] : ids_by_request) {
    EXPECT_EQ(ids.size(), 1u) << request_id;
    EXPECT_EQ(created_by_request[request_id], 1) << request_id;
    all_ids.insert(*ids.begin());
  }
  EXPECT_EQ(all_ids.size(), expected_requests);  // ids are unique
  EXPECT_THAT(ListAll(*repo), SizeIs(expected_requests));
}

TEST_P(StoreTest, UpdateChecksVersionAndWritesNothingOnMismatch) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  CaseRecord c = Create(*repo, MakeCase(Base()));

  CaseRecord changed = c;
  changed.status = "TRIAGED";
  changed.unit_id = "U-1";
  changed.update_time = Base() + absl::Hours(1);
  HistoryRecord triage = Event(changed.update_time, "Triage", "RECEIVED", "TRIAGED");

  auto stale = repo->UpdateCase(changed, /*expected_version=*/7, triage);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<CaseRecord> unchanged = repo->GetCase(kTrack, c.id);
  ASSERT_TRUE(unchanged.ok());
  ExpectSameCase(*unchanged, c);
  EXPECT_THAT(*repo->GetHistory(kTrack, c.id), SizeIs(1));
  CountQuery q{.track = kTrack,
               .first = absl::CivilDay(2026, 3, 1),
               .last = absl::CivilDay(2026, 3, 31),
               .by_status = true,
               .by_action = true};
  auto events = repo->SumEvents(q);
  ASSERT_TRUE(events.ok());
  ASSERT_THAT(*events, SizeIs(1));  // only the creation
  EXPECT_EQ((*events)[0].action, "Create");

  CaseRecord missing = changed;
  missing.id = "D-000404";
  EXPECT_EQ(repo->UpdateCase(missing, 1, triage).status().code(), absl::StatusCode::kNotFound);

  auto updated = repo->UpdateCase(changed, 1, triage);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version, 2);
  absl::StatusOr<CaseRecord> stored = repo->GetCase(kTrack, c.id);
  ASSERT_TRUE(stored.ok());
  ExpectSameCase(*stored, *updated);
  EXPECT_EQ(stored->status, "TRIAGED");

  // The old version is stale now.
  EXPECT_EQ(repo->UpdateCase(changed, 1, triage).status().code(), absl::StatusCode::kAborted);

  // An update without an action changes the record but appends no history.
  CaseRecord quiet = *stored;
  quiet.priority = 9;
  auto quiet_updated = repo->UpdateCase(quiet, 2, HistoryRecord{});
  ASSERT_TRUE(quiet_updated.ok()) << quiet_updated.status();
  EXPECT_EQ(quiet_updated->version, 3);

  absl::StatusOr<std::vector<HistoryRecord>> history = repo->GetHistory(kTrack, c.id);
  ASSERT_TRUE(history.ok());
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ((*history)[1].sequence, 2);
  EXPECT_EQ((*history)[1].action, "Triage");
  EXPECT_EQ((*history)[1].from_status, "RECEIVED");
}

// Count key of a recount: (street, community, unit, category, status).
using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;

std::map<Key, int64_t> Recount(const std::vector<CaseRecord>& cases, absl::CivilDay first,
                               absl::CivilDay last) {
  std::map<Key, int64_t> out;
  for (const CaseRecord& c : cases) {
    absl::CivilDay day = cal::LocalDay(c.create_time);
    if (day < first || day > last) continue;
    ++out[{c.street_id, c.community_id, c.unit_id, c.category, c.status}];
  }
  return out;
}

std::map<Key, int64_t> FromSums(const std::vector<CountRow>& rows) {
  std::map<Key, int64_t> out;
  for (const CountRow& r : rows) {
    out[{r.street_id, r.community_id, r.unit_id, r.category, r.status}] += r.count;
  }
  return out;
}

// Sixty cases over ~18 local days, half of them moved (status, unit, some street and
// category), some moved back.
void CreateAndMoveCases(Repository& repo) {
  const std::vector<std::string> streets = {"S01", "S02", "S03"};
  const std::vector<std::string> categories = {"family", "neighbour", "labour"};
  std::vector<CaseRecord> cases;
  for (int i = 0; i < 60; ++i) {
    // Every 7 hours: the cases spread over ~18 local days, across midnights.
    const std::string& street = streets[i % 3];
    cases.push_back(
        Create(repo, MakeCase(Base() + absl::Hours(7 * i), street,
                              absl::StrCat(street, "-C0", i % 2), categories[(i / 3) % 3])));
  }
  // Move some: status, unit, and even street/category.
  for (int i = 0; i < 60; i += 2) {
    CaseRecord c = cases[i];
    c.status = i % 4 == 0 ? "TRIAGED" : "AGREED";
    c.unit_id = absl::StrCat("U-", i % 5);
    if (i % 10 == 0) c.street_id = "S09";
    if (i % 6 == 0) c.category = "other";
    auto u = repo.UpdateCase(
        c, c.version, Event(c.create_time + absl::Hours(1), "Move", cases[i].status, c.status));
    EXPECT_TRUE(u.ok()) << u.status();
    if (!u.ok()) continue;
    if (i % 8 == 0) {  // and back again
      CaseRecord back = *u;
      back.status = "RECEIVED";
      back.unit_id = "";
      u = repo.UpdateCase(back, back.version, Event(back.create_time, "Back", c.status, ""));
      EXPECT_TRUE(u.ok()) << u.status();
    }
  }
}

TEST_P(StoreTest, CaseCountsFollowCreatesAndUpdates) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  CreateAndMoveCases(*repo);
  ASSERT_FALSE(HasFailure());

  std::vector<CaseRecord> all = ListAll(*repo);
  ASSERT_THAT(all, SizeIs(60));
  for (auto [first, last] : {std::pair{absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 31)},
                             std::pair{absl::CivilDay(2026, 3, 4), absl::CivilDay(2026, 3, 9)},
                             std::pair{absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 2)},
                             std::pair{absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30)}}) {
    CountQuery q{.track = kTrack,
                 .first = first,
                 .last = last,
                 .by_street = true,
                 .by_community = true,
                 .by_unit = true,
                 .by_category = true,
                 .by_status = true};
    auto sums = repo->SumCases(q);
    ASSERT_TRUE(sums.ok()) << sums.status();
    EXPECT_EQ(FromSums(*sums), Recount(all, first, last)) << first << ".." << last;
  }

  // Fewer dimensions: summed over the rest, with the scope applied.
  CountQuery by_status{.track = kTrack,
                       .first = absl::CivilDay(2026, 3, 1),
                       .last = absl::CivilDay(2026, 3, 31),
                       .streets = {"S01", "S09"},
                       .by_status = true};
  auto sums = repo->SumCases(by_status);
  ASSERT_TRUE(sums.ok()) << sums.status();
  std::map<std::string, int64_t> expected;
  for (const CaseRecord& c : all) {
    if (c.street_id == "S01" || c.street_id == "S09") ++expected[c.status];
  }
  std::map<std::string, int64_t> actual;
  for (const CountRow& r : *sums) {
    EXPECT_EQ(r.street_id, "");  // not grouped: left empty
    EXPECT_EQ(r.category, "");
    actual[r.status] += r.count;
  }
  EXPECT_EQ(actual, expected);

  CountQuery one_community{.track = kTrack,
                           .first = absl::CivilDay(2026, 3, 1),
                           .last = absl::CivilDay(2026, 3, 31),
                           .street_id = "S02",
                           .community_id = "S02-C01"};
  auto total = repo->SumCases(one_community);
  ASSERT_TRUE(total.ok()) << total.status();
  int64_t want = std::count_if(all.begin(), all.end(), [](const CaseRecord& c) {
    return c.street_id == "S02" && c.community_id == "S02-C01";
  });
  ASSERT_THAT(*total, SizeIs(1));
  EXPECT_EQ((*total)[0].count, want);
}

TEST_P(StoreTest, EventCountsByDayActionAndTargetStatus) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  // Late evening local time, so the next transition two hours later is on the next day.
  const absl::Time evening =
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 23, 0, 0), cal::DistrictZone());
  CaseRecord a = Create(*repo, MakeCase(evening, "S01"));
  CaseRecord b = Create(*repo, MakeCase(evening, "S02"));

  CaseRecord a2 = a;
  a2.status = "TRIAGED";
  a2.unit_id = "U-7";
  ASSERT_TRUE(
      repo->UpdateCase(a2, 1, Event(evening + absl::Hours(2), "Triage", "RECEIVED", "TRIAGED"))
          .ok());
  CaseRecord b2 = b;
  b2.status = "TRIAGED";
  ASSERT_TRUE(
      repo->UpdateCase(b2, 1, Event(evening + absl::Minutes(30), "Triage", "RECEIVED", "TRIAGED"))
          .ok());
  b2.version = 2;
  // A self-transition records an event into the current status.
  ASSERT_TRUE(
      repo->UpdateCase(b2, 2, Event(evening + absl::Hours(3), "Note", "TRIAGED", "TRIAGED")).ok());

  CountQuery q{.track = kTrack,
               .first = absl::CivilDay(2026, 3, 2),
               .last = absl::CivilDay(2026, 3, 2),
               .by_street = true,
               .by_unit = true,
               .by_status = true,
               .by_action = true};
  auto day1 = repo->SumEvents(q);
  ASSERT_TRUE(day1.ok()) << day1.status();
  std::vector<std::tuple<std::string, std::string, std::string, std::string, int64_t>> got;
  for (const CountRow& r : *day1) {
    EXPECT_EQ(r.day, absl::CivilDay(2026, 3, 2));
    got.emplace_back(r.street_id, r.unit_id, r.action, r.status, r.count);
  }
  // The "events" row takes the new record's unit: b's triage has none, a's is on day 2.
  EXPECT_THAT(got, ElementsAre(std::tuple("S01", "", "Create", "RECEIVED", 1),
                               std::tuple("S02", "", "Create", "RECEIVED", 1),
                               std::tuple("S02", "", "Triage", "TRIAGED", 1)));

  q.first = q.last = absl::CivilDay(2026, 3, 3);
  auto day2 = repo->SumEvents(q);
  ASSERT_TRUE(day2.ok()) << day2.status();
  got.clear();
  for (const CountRow& r : *day2)
    got.emplace_back(r.street_id, r.unit_id, r.action, r.status, r.count);
  EXPECT_THAT(got, ElementsAre(std::tuple("S01", "U-7", "Triage", "TRIAGED", 1),
                               std::tuple("S02", "", "Note", "TRIAGED", 1)));

  CountQuery into{.track = kTrack,
                  .first = absl::CivilDay(2026, 3, 1),
                  .last = absl::CivilDay(2026, 3, 31),
                  .by_status = true};
  auto by_status = repo->SumEvents(into);
  ASSERT_TRUE(by_status.ok()) << by_status.status();
  ASSERT_THAT(*by_status, SizeIs(2));
  EXPECT_EQ((*by_status)[0].status, "RECEIVED");
  EXPECT_EQ((*by_status)[0].count, 2);
  EXPECT_EQ((*by_status)[0].action, "");
  EXPECT_EQ((*by_status)[1].status, "TRIAGED");
  EXPECT_EQ((*by_status)[1].count, 3);

  // Nothing in range: no rows (not a zero row).
  CountQuery empty{
      .track = kTrack, .first = absl::CivilDay(2025, 1, 1), .last = absl::CivilDay(2025, 12, 31)};
  auto none = repo->SumEvents(empty);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

// Outcomes count cases, not transitions: a case that reaches an outcome twice counts once, and
// by the outcome it ended the days with.
TEST_P(StoreTest, CasesWithEventsCountEachCaseOnceByItsLastOutcome) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  const auto at = [](int month, int day, int hour) {
    return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), cal::DistrictZone());
  };
  // Moves a case through `steps` (action, target status, time), from its current state.
  const auto walk = [&](CaseRecord c,
                        std::vector<std::tuple<std::string, std::string, absl::Time>> steps) {
    for (const auto& [action, to, time] : steps) {
      CaseRecord next = c;
      next.status = to;
      auto moved = repo->UpdateCase(next, c.version, Event(time, action, c.status, to));
      ASSERT_TRUE(moved.ok()) << moved.status();
      c = *moved;
    }
  };
  // A: agreed, reopened, agreed again (both in March): one case agreed.
  walk(Create(*repo, MakeCase(at(3, 1, 9), "S01")), {{"Agree", "AGREED", at(3, 2, 9)},
                                                     {"Reopen", "MEDIATING", at(3, 5, 9)},
                                                     {"Agree", "AGREED", at(3, 9, 9)}});
  // B: failed, reopened, agreed: agreed at the end of March.
  walk(Create(*repo, MakeCase(at(3, 1, 9), "S02", "S02-C01")),
       {{"Fail", "FAILED", at(3, 3, 9)},
        {"Reopen", "MEDIATING", at(3, 4, 9)},
        {"Agree", "AGREED", at(3, 20, 9)}});
  // C: agreed in March, reopened and failed in April.
  walk(Create(*repo, MakeCase(at(3, 1, 9), "S01", "S01-C01", "debt")),
       {{"Agree", "AGREED", at(3, 10, 9)},
        {"Reopen", "MEDIATING", at(4, 1, 9)},
        {"Fail", "FAILED", at(4, 2, 9)}});
  // D: never reaches an outcome.
  Create(*repo, MakeCase(at(3, 1, 9), "S01"));

  const std::vector<std::string> outcomes = {"AGREED", "FAILED"};
  const auto count = [&](absl::CivilDay first, absl::CivilDay last, std::vector<std::string> into,
                         std::string street = "") {
    EventCaseQuery q;
    q.scope.track = kTrack;
    q.scope.first = first;
    q.scope.last = last;
    q.scope.street_id = std::move(street);
    q.statuses = outcomes;
    q.last_into = std::move(into);
    absl::StatusOr<int64_t> n = repo->CountCasesWithEvents(q);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  };
  const absl::CivilDay mar1(2026, 3, 1), mar31(2026, 3, 31), apr30(2026, 4, 30);
  // The event counts see four agreements and one failure in March ...
  CountQuery events{.track = kTrack, .first = mar1, .last = mar31, .by_status = true};
  auto rows = repo->SumEvents(events);
  ASSERT_TRUE(rows.ok()) << rows.status();
  int64_t agreements = 0;
  for (const CountRow& r : *rows) agreements += r.status == "AGREED" ? r.count : 0;
  EXPECT_EQ(agreements, 4);
  // ... the cases: three reached an outcome in March, all three ended it agreed.
  EXPECT_EQ(count(mar1, mar31, {}), 3);
  EXPECT_EQ(count(mar1, mar31, {"AGREED"}), 3);
  EXPECT_EQ(count(mar1, mar31, {"FAILED"}), 0);
  // Over March and April, C ended failed.
  EXPECT_EQ(count(mar1, apr30, {"AGREED"}), 2);
  EXPECT_EQ(count(mar1, apr30, {"FAILED"}), 1);
  // The days are district days: B's failure on 3 March alone.
  EXPECT_EQ(count(absl::CivilDay(2026, 3, 3), absl::CivilDay(2026, 3, 3), {"FAILED"}), 1);
  // Region and category.
  EXPECT_EQ(count(mar1, mar31, {"AGREED"}, "S02"), 1);
  EventCaseQuery debt;
  debt.scope.track = kTrack;
  debt.scope.first = mar1;
  debt.scope.last = apr30;
  debt.actions = {"Agree", "Fail"};
  debt.categories = {"debt"};
  debt.last_action = {"Fail"};
  auto n = repo->CountCasesWithEvents(debt);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
}

TEST_P(StoreTest, PaginationHasNoGapsOrRepeatsWhileCasesAreAdded) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  std::set<std::string> before;
  for (int i = 0; i < 120; ++i) {
    // Three cases share each instant, so the id breaks ties.
    before.insert(Create(*repo, MakeCase(Base() + absl::Seconds(i / 3))).id);
  }

  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer([&] {
    for (int j = 0; !stop.load(); ++j) {
      // New cases land everywhere in the order: newer than all, and between existing ones.
      absl::Time t = Base() + absl::Seconds((j * 37) % 60) +
                     (j % 2 == 0 ? absl::Hours(1) : absl::ZeroDuration());
      Create(*repo, MakeCase(t));
      added.fetch_add(1);
    }
  });

  std::vector<CaseRecord> seen;
  CaseFilter filter{.track = kTrack, .limit = 7};
  while (true) {
    auto page = repo->ListCases(filter);
    ASSERT_TRUE(page.ok()) << page.status();
    seen.insert(seen.end(), page->begin(), page->end());
    if (static_cast<int>(page->size()) < filter.limit) break;
    filter.after_create_time = page->back().create_time;
    filter.after_id = page->back().id;
    // Interleave for sure: at least one more case is added between two pages.
    int now = added.load();
    ASSERT_TRUE(Eventually([&] { return added.load() > now; }));
  }
  stop.store(true);
  writer.join();

  std::set<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(ids.insert(seen[i].id).second) << "repeated " << seen[i].id;
    if (i > 0) {
      EXPECT_TRUE(std::tie(seen[i].create_time, seen[i].id) <
                  std::tie(seen[i - 1].create_time, seen[i - 1].id))
          << "out of order at " << i;
    }
  }
  for (const std::string& id : before) EXPECT_TRUE(ids.count(id)) << "gap: " << id;
  EXPECT_GT(added.load(), 0);
}

TEST_P(StoreTest, ListFilters) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  std::vector<CaseRecord> all;
  for (int i = 0; i < 40; ++i) {
    std::string street = absl::StrCat("S0", i % 4);
    CaseRecord c =
        Create(*repo, MakeCase(Base() + absl::Hours(i), street, absl::StrCat(street, "-C", i % 3),
                               i % 5 == 0 ? "labour" : (i % 7 == 0 ? "land" : "family")));
    if (i % 3 == 0) {
      c.status = i % 2 == 0 ? "TRIAGED" : "AGREED";
      c.unit_id = absl::StrCat("U-", i % 2);
      c.sla_breached = i % 9 == 0;
      auto u = repo->UpdateCase(c, 1, Event(c.create_time, "Triage", "RECEIVED", c.status));
      ASSERT_TRUE(u.ok()) << u.status();
      c = *u;
    }
    all.push_back(c);
  }

  auto check = [&](const CaseFilter& f, const std::function<bool(const CaseRecord&)>& pred,
                   const std::string& what) {
    std::vector<std::string> want;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {  // newest first
      if (pred(*it)) want.push_back(it->id);
    }
    std::vector<std::string> got;
    for (const CaseRecord& c : ListAll(*repo, f)) got.push_back(c.id);
    EXPECT_EQ(got, want) << what;
    EXPECT_FALSE(want.empty()) << what << ": the filter must select something";
  };
  check(
      {.streets = {"S01", "S03"}},
      [](const CaseRecord& c) { return c.street_id == "S01" || c.street_id == "S03"; },
      "street scope");
  check(
      {.streets = {"S01", "S03"}, .street_id = "S03"},
      [](const CaseRecord& c) { return c.street_id == "S03"; }, "street within scope");
  check(
      {.community_id = "S02-C1"}, [](const CaseRecord& c) { return c.community_id == "S02-C1"; },
      "community");
  check(
      {.grid_id = "S02-C1-G1"}, [](const CaseRecord& c) { return c.grid_id == "S02-C1-G1"; },
      "grid");
  check(
      {.unit_id = "U-1"}, [](const CaseRecord& c) { return c.unit_id == "U-1"; }, "unit");
  check(
      {.statuses = {"TRIAGED", "AGREED"}},
      [](const CaseRecord& c) { return c.status == "TRIAGED" || c.status == "AGREED"; },
      "statuses");
  check(
      {.categories = {"labour"}}, [](const CaseRecord& c) { return c.category == "labour"; },
      "category");
  check(
      {.categories = {"labour", "land"}},
      [](const CaseRecord& c) { return c.category == "labour" || c.category == "land"; },
      "categories");
  check(
      {.sla_breached_only = true}, [](const CaseRecord& c) { return c.sla_breached; }, "breached");
  check(
      {.created_from = Base() + absl::Hours(10), .created_to = Base() + absl::Hours(20)},
      [](const CaseRecord& c) {
        return c.create_time >= Base() + absl::Hours(10) &&
               c.create_time < Base() + absl::Hours(20);
      },
      "created range");
  check(
      {.streets = {"S00"}, .statuses = {"TRIAGED"}, .categories = {"labour"}},
      [](const CaseRecord& c) {
        return c.street_id == "S00" && c.status == "TRIAGED" && c.category == "labour";
      },
      "combined");
  EXPECT_THAT(ListAll(*repo, {.streets = {"S77"}}), IsEmpty());

  CaseFilter bad{.track = kTrack, .limit = 0};
  EXPECT_EQ(repo->ListCases(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, ListOverdueFindsRunningClocksPastDue) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  const absl::Time now = Base() + absl::Hours(10);
  auto make = [&](absl::Duration due, bool breached, const std::string& track = kTrack) {
    CaseRecord c = MakeCase(Base());
    c.track = track;
    c.due_time = due == absl::InfiniteDuration() ? absl::InfiniteFuture() : Base() + due;
    c.sla_breached = breached;
    return Create(*repo, c).id;
  };
  std::string late2 = make(absl::Hours(2), false);
  std::string late1 = make(absl::Hours(1), false);
  make(absl::Hours(20), false);             // not yet due
  make(absl::Hours(10), false);             // due exactly now: not before now
  make(absl::InfiniteDuration(), false);    // no clock
  make(absl::Hours(1), true);               // already marked
  make(absl::Hours(1), false, "petition");  // another track

  auto overdue = repo->ListOverdue(kTrack, now, 10);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_THAT(*overdue, SizeIs(2));
  EXPECT_EQ((*overdue)[0].id, late1);  // most overdue first
  EXPECT_EQ((*overdue)[1].id, late2);

  auto limited = repo->ListOverdue(kTrack, now, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_THAT(*limited, SizeIs(1));

  // Once marked breached, a case leaves the scan.
  CaseRecord marked = (*overdue)[0];
  marked.sla_breached = true;
  ASSERT_TRUE(repo->UpdateCase(marked, 1, Event(now, "SlaBreach", "RECEIVED", "RECEIVED")).ok());
  overdue = repo->ListOverdue(kTrack, now, 10);
  ASSERT_TRUE(overdue.ok());
  ASSERT_THAT(*overdue, SizeIs(1));
  EXPECT_EQ((*overdue)[0].id, late2);
}

EntityRecord MakeEntity(std::string kind, std::string street, std::string parent, std::string key) {
  EntityRecord e;
  e.track = kTrack;
  e.kind = std::move(kind);
  e.street_id = std::move(street);
  e.community_id = e.street_id + "-C1";
  e.parent_id = std::move(parent);
  e.key = std::move(key);
  e.create_time = Base();
  e.update_time = Base();
  e.payload = "p";
  return e;
}

TEST_P(StoreTest, Entities) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  auto body = repo->CreateEntity(MakeEntity("body", "S01", "", "committee"), "rb-1", "h", "B");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->id, "B-000001");
  EXPECT_EQ(body->version, 1);

  auto again = repo->CreateEntity(MakeEntity("body", "S01", "", "committee"), "rb-1", "h", "B");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, body->id);
  EXPECT_EQ(
      repo->CreateEntity(MakeEntity("body", "S01", "", "x"), "rb-1", "other", "B").status().code(),
      absl::StatusCode::kAlreadyExists);

  std::vector<std::string> mediators;
  for (int i = 0; i < 7; ++i) {
    auto m = repo->CreateEntity(MakeEntity("mediator", i % 2 == 0 ? "S01" : "S02", body->id,
                                           absl::StrCat("2026-0", 1 + i % 3, "-01")),
                                absl::StrCat("rm-", i), "h", "M");
    ASSERT_TRUE(m.ok()) << m.status();
    mediators.push_back(m->id);
  }
  // Request ids are per kind.
  auto other_kind = repo->CreateEntity(MakeEntity("training", "S01", "", ""), "rb-1", "zz", "T");
  ASSERT_TRUE(other_kind.ok()) << other_kind.status();

  auto got = repo->GetEntity(kTrack, "mediator", mediators[3]);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->parent_id, body->id);
  EXPECT_EQ(got->street_id, "S02");
  EXPECT_EQ(repo->GetEntity(kTrack, "body", mediators[3]).status().code(),
            absl::StatusCode::kNotFound);

  EntityRecord changed = *got;
  changed.key = "2026-09-01";
  changed.update_time = Base() + absl::Hours(1);
  EXPECT_EQ(repo->UpdateEntity(changed, 5).status().code(), absl::StatusCode::kAborted);
  auto updated = repo->UpdateEntity(changed, 1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version, 2);
  got = repo->GetEntity(kTrack, "mediator", mediators[3]);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->key, "2026-09-01");
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->update_time, Base() + absl::Hours(1));
  EntityRecord ghost = changed;
  ghost.id = "M-999999";
  EXPECT_EQ(repo->UpdateEntity(ghost, 1).status().code(), absl::StatusCode::kNotFound);

  // Pages by id, with filters.
  EntityFilter f{.track = kTrack, .kind = "mediator", .limit = 3};
  std::vector<std::string> paged;
  while (true) {
    auto page = repo->ListEntities(f);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& e : *page) paged.push_back(e.id);
    if (page->size() < 3) break;
    f.after_id = page->back().id;
  }
  EXPECT_EQ(paged, mediators);

  auto ids = [&](EntityFilter filter) {
    filter.track = kTrack;
    filter.limit = 100;
    std::vector<std::string> out;
    auto list = repo->ListEntities(filter);
    EXPECT_TRUE(list.ok()) << list.status();
    if (list.ok()) {
      for (const auto& e : *list) out.push_back(e.id);
    }
    auto count = repo->CountEntities(filter);
    EXPECT_TRUE(count.ok()) << count.status();
    if (count.ok()) {
      EXPECT_EQ(*count, static_cast<int64_t>(out.size()));
    }
    return out;
  };
  EXPECT_THAT(ids({.kind = "mediator", .streets = {"S02"}}),
              ElementsAre(mediators[1], mediators[3], mediators[5]));
  EXPECT_THAT(ids({.kind = "mediator", .key = "2026-01-01"}),
              ElementsAre(mediators[0], mediators[6]));
  EXPECT_THAT(ids({.kind = "mediator", .key_prefix = "2026-0"}), SizeIs(7));
  EXPECT_THAT(ids({.kind = "mediator", .key_prefix = "2026-02"}),
              ElementsAre(mediators[1], mediators[4]));
  EXPECT_THAT(ids({.kind = "mediator", .key_prefix = "2026-09"}), ElementsAre(mediators[3]));
  EXPECT_THAT(ids({.kind = "mediator", .parent_id = body->id}), SizeIs(7));
  EXPECT_THAT(ids({.kind = "mediator", .parent_id = "B-000404"}), IsEmpty());
  EXPECT_THAT(ids({.kind = "body"}), ElementsAre(body->id));
  EXPECT_THAT(ids({.kind = "body", .street_id = "S02"}), IsEmpty());
}

FigureRecord MakeFigure(std::string figure_id, std::string period, std::string street,
                        int64_t value) {
  FigureRecord f;
  f.track = kTrack;
  f.figure_id = std::move(figure_id);
  f.period_key = std::move(period);
  f.street_id = std::move(street);
  f.value = value;
  f.source = "court";
  f.note = "";
  f.entered_by = "admin";
  f.enter_time = Base();
  f.payload = "fp";
  return f;
}

TEST_P(StoreTest, FiguresAreRevisedAndListedNewestFirst) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  std::vector<FigureRecord> recorded;
  for (int i = 0; i < 3; ++i) {
    auto f = repo->RecordFigure(MakeFigure("court_intake", "2026-M03", "", 100 + i),
                                absl::StrCat("rf-", i), "h");
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->revision, i + 1);
    recorded.push_back(*f);
  }
  auto s1 = repo->RecordFigure(MakeFigure("court_intake", "2026-M03", "S01", 7), "rf-s1", "h");
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->revision, 1);  // another street is another series
  recorded.push_back(*s1);
  auto other = repo->RecordFigure(MakeFigure("baseline", "2025", "", 5), "rf-b", "h");
  ASSERT_TRUE(other.ok());
  recorded.push_back(*other);

  auto retry = repo->RecordFigure(MakeFigure("court_intake", "2026-M03", "", 999), "rf-1", "h");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->seq, recorded[1].seq);
  EXPECT_EQ(retry->value, 101);
  EXPECT_EQ(repo->RecordFigure(MakeFigure("x", "2026", "", 1), "rf-1", "other").status().code(),
            absl::StatusCode::kAlreadyExists);

  auto latest = repo->LatestFigure(kTrack, "court_intake", "2026-M03", "");
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->value, 102);
  EXPECT_EQ(latest->revision, 3);
  EXPECT_EQ(latest->source, "court");
  EXPECT_EQ(latest->payload, "fp");
  EXPECT_EQ(latest->enter_time, Base());
  EXPECT_EQ(repo->LatestFigure(kTrack, "court_intake", "2026-M04", "").status().code(),
            absl::StatusCode::kNotFound);

  // Newest first, paged by seq.
  FigureFilter filter{.track = kTrack, .figure_id = "court_intake", .limit = 2};
  std::vector<int64_t> seqs;
  while (true) {
    auto page = repo->ListFigures(filter);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& f : *page) seqs.push_back(f.seq);
    if (page->size() < 2) break;
    filter.before_seq = page->back().seq;
  }
  EXPECT_THAT(seqs,
              ElementsAre(recorded[3].seq, recorded[2].seq, recorded[1].seq, recorded[0].seq));
  auto scoped = repo->ListFigures({.track = kTrack, .streets = {"S01"}, .limit = 10});
  ASSERT_TRUE(scoped.ok());
  ASSERT_THAT(*scoped, SizeIs(1));
  EXPECT_EQ(scoped->front().seq, s1->seq);
  auto everything = repo->ListFigures({.track = kTrack, .limit = 10});
  ASSERT_TRUE(everything.ok());
  EXPECT_THAT(*everything, SizeIs(5));
  EXPECT_EQ(everything->front().figure_id, "baseline");
}

TEST_P(StoreTest, ReopenKeepsDataSequencesAndIdempotency) {
  std::string id;
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
    id = Create(*repo, MakeCase(Base()), "req-1").id;
  }
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  EXPECT_TRUE(repo->Ready());
  auto got = repo->GetCase(kTrack, id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->create_time, Base());
  // Sequences continue and idempotency survives the restart.
  EXPECT_EQ(Create(*repo, MakeCase(Base())).id, "D-000002");
  auto retry = repo->CreateCase(MakeCase(Base()), Created(MakeCase(Base())), "req-1", "h", "D");
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry->created);
  EXPECT_EQ(retry->record.id, id);
}

TEST_P(StoreTest, MetricsCountEveryOperation) {
  prometheus::Registry registry;
  auto repo = Open(&registry);
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(SeriesValue(registry, "governance_store_query_seconds", {{"op", "get_case"}}), 0);
  CaseRecord c = Create(*repo, MakeCase(Base()));
  ASSERT_TRUE(repo->GetCase(kTrack, c.id).ok());
  EXPECT_FALSE(repo->GetCase(kTrack, "D-000404").ok());
  EXPECT_EQ(SeriesValue(registry, "governance_store_query_seconds", {{"op", "create_case"}}), 1);
  EXPECT_EQ(SeriesValue(registry, "governance_store_query_seconds", {{"op", "get_case"}}), 2);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(Backend::kSqlite),
                         gov::testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, ::testing::Values(Backend::kPostgres),
                         gov::testing::BackendParamName);

// The embedded store's own behaviour, on a file whose parent directories do not exist yet.
class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteOptions Options() const {
    SqliteOptions o;
    o.path = dir_.File("nested/dir/store.db");
    return o;
  }

  std::unique_ptr<Repository> Open(const SqliteOptions& options,
                                   prometheus::Registry* registry = nullptr) {
    absl::StatusOr<std::unique_ptr<Repository>> repo = OpenSqlite(options, registry);
    EXPECT_TRUE(repo.ok()) << repo.status();
    return repo.ok() ? std::move(*repo) : nullptr;
  }
  std::unique_ptr<Repository> Open() { return Open(Options()); }

  gov::testing::TempDir dir_;
};

TEST_F(SqliteStoreTest, IdsAreWiderThanSixDigitsWhenTheyGrow) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  RawDb raw(Options().path);
  raw.Exec("INSERT INTO sequences (track, name, next) VALUES ('mediation', 'D', 999999)");
  EXPECT_EQ(Create(*repo, MakeCase(Base())).id, "D-999999");
  EXPECT_EQ(Create(*repo, MakeCase(Base())).id, "D-1000000");
  // Another track keeps its own sequence.
  CaseRecord other = MakeCase(Base());
  other.track = "petition";
  EXPECT_EQ(Create(*repo, other).id, "D-000001");
}

TEST_F(SqliteStoreTest, NoCountRowAtZeroLingersAfterMoves) {
  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  CreateAndMoveCases(*repo);
  ASSERT_FALSE(HasFailure());
  RawDb raw(Options().path);
  EXPECT_GT(raw.QueryInt("SELECT COUNT(*) FROM case_counts"), 0);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM case_counts WHERE n <= 0"), 0);
}

TEST_F(SqliteStoreTest, ReopenAppliesNoMigrationTwice) {
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
    Create(*repo, MakeCase(Base()), "req-1");
  }
  RawDb raw(Options().path);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM schema_version"), 3);
  EXPECT_EQ(raw.QueryInt("SELECT MAX(version) FROM schema_version"), 3);
  std::vector<std::string> applied = raw.QueryTexts("SELECT applied_at FROM schema_version");
  ASSERT_THAT(applied, SizeIs(3));
  absl::Time at;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, applied[0], &at, &error)) << error;

  auto repo = Open();
  ASSERT_NE(repo, nullptr);
  EXPECT_TRUE(repo->GetCase(kTrack, "D-000001").ok());
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM schema_version"), 3);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  {
    auto repo = Open();
    ASSERT_NE(repo, nullptr);
  }
  {
    RawDb raw(Options().path);
    raw.Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 'future')");
  }
  absl::StatusOr<std::unique_ptr<Repository>> repo = OpenSqlite(Options(), nullptr);
  EXPECT_EQ(repo.status().code(), absl::StatusCode::kFailedPrecondition);
  RawDb raw(Options().path);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM schema_version"), 4);  // left as it was
}

// One service owns a SQLite file: while its store is open, another store on the same file is
// refused, naming the file and the holder's pid; once it closes, the file can be opened again.
TEST_F(SqliteStoreTest, AFileOpenInOneStoreIsRefusedToAnother) {
  auto first = Open();
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<Repository>> second = OpenSqlite(Options(), nullptr);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
  EXPECT_THAT(std::string(second.status().message()), ::testing::HasSubstr(Options().path));
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr(absl::StrCat("pid ", getpid())));
  first.reset();
  auto again = Open();
  EXPECT_NE(again, nullptr);
}

TEST_F(SqliteStoreTest, BadOptionsAreInvalidArgument) {
  SqliteOptions o = Options();
  o.path = "";
  EXPECT_EQ(OpenSqlite(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  o = Options();
  o.read_connections = 0;
  EXPECT_EQ(OpenSqlite(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, WritesWaitingOnALockedFileAreUnavailable) {
  SqliteOptions o = Options();
  o.busy_timeout = absl::Milliseconds(100);
  auto repo = Open(o);
  ASSERT_NE(repo, nullptr);
  {
    RawDb other(o.path);
    other.Exec("BEGIN IMMEDIATE");  // another process holds the write lock
    CaseRecord c = MakeCase(Base());
    auto res = repo->CreateCase(c, Created(c), "req-1", "h", "D");
    EXPECT_EQ(res.status().code(), absl::StatusCode::kUnavailable) << res.status();
    // Reads are not blocked by a writer in WAL mode.
    EXPECT_TRUE(repo->ListCases({.track = kTrack, .limit = 5}).ok());
    other.Exec("ROLLBACK");
  }
  // Nothing of the failed write remains: the same request creates, and the id was not used up.
  CaseRecord c = MakeCase(Base());
  auto res = repo->CreateCase(c, Created(c), "req-1", "h", "D");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_TRUE(res->created);
  EXPECT_EQ(res->record.id, "D-000001");
}

TEST_F(SqliteStoreTest, GroupCommitIsolatesAFailingWriteAndEverythingIsDurable) {
  prometheus::Registry registry;
  SqliteOptions o = Options();
  o.busy_timeout = absl::Seconds(30);
  auto repo = Open(o, &registry);
  ASSERT_NE(repo, nullptr);
  CaseRecord target = Create(*repo, MakeCase(Base()));  // updated by the writes below
  // A write that fails halfway: its id sequence is wound back so the insert collides after the
  // sequence moved on. Its savepoint must undo the sequence step, and only that.
  {
    CaseRecord x = MakeCase(Base());
    ASSERT_TRUE(repo->CreateCase(x, Created(x), "", "h", "X").ok());
    RawDb(o.path).Exec("UPDATE sequences SET next = 1 WHERE name = 'X'");
  }
  const double groups_before = SeriesValue(registry, "governance_store_write_group_size");

  // Hold the file's write lock so the writes pile up behind the writer thread, which is then
  // stuck starting the first one's transaction; the rest are committed as one group.
  auto other = std::make_unique<RawDb>(o.path);
  other->Exec("BEGIN IMMEDIATE");

  constexpr int kWriters = 24;
  std::vector<absl::StatusOr<CreateCaseResult>> created(kWriters, absl::UnknownError("unset"));
  absl::StatusOr<CaseRecord> good_update = absl::UnknownError("unset");
  absl::StatusOr<CaseRecord> stale_update = absl::UnknownError("unset");
  absl::StatusOr<CreateCaseResult> conflict = absl::UnknownError("unset");
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    CaseRecord c = MakeCase(Base());
    created[0] = repo->CreateCase(c, Created(c), "g-0", "h", "D");
  });
  ASSERT_TRUE(Eventually([&] {
    // The first write left the queue: the writer holds it, waiting for the lock.
    return SeriesValue(registry, "governance_store_write_group_size") == groups_before + 1;
  }));
  for (int i = 1; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      CaseRecord c = MakeCase(Base() + absl::Seconds(i), absl::StrCat("S0", i % 3));
      created[i] = repo->CreateCase(c, Created(c), absl::StrCat("g-", i), "h", "D");
    });
  }
  CaseRecord moved = target;
  moved.status = "TRIAGED";
  threads.emplace_back([&] {
    stale_update = repo->UpdateCase(moved, 41, Event(Base(), "Triage", "RECEIVED", "TRIAGED"));
  });
  threads.emplace_back([&] {
    good_update = repo->UpdateCase(moved, 1, Event(Base(), "Triage", "RECEIVED", "TRIAGED"));
  });
  threads.emplace_back([&] {
    CaseRecord c = MakeCase(Base());
    conflict = repo->CreateCase(c, Created(c), "g-0", "different", "D");
  });
  absl::StatusOr<CreateCaseResult> collision = absl::UnknownError("unset");
  threads.emplace_back([&] {
    CaseRecord c = MakeCase(Base());
    collision = repo->CreateCase(c, Created(c), "g-x", "h", "X");
  });
  const int queued = kWriters - 1 + 4;
  ASSERT_TRUE(
      Eventually([&] { return SeriesValue(registry, "governance_store_write_queue") == queued; }));
  other->Exec("ROLLBACK");
  for (auto& t : threads) t.join();
  other.reset();

  // Exactly two groups: the first write alone, then everything that queued behind it.
  EXPECT_EQ(SeriesValue(registry, "governance_store_write_group_size"), groups_before + 2);
  EXPECT_EQ(stale_update.status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(good_update.ok()) << good_update.status();
  EXPECT_EQ(good_update->version, 2);
  // g-0 was committed by the first group, so the other hash conflicts.
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(collision.status().code(), absl::StatusCode::kAlreadyExists) << collision.status();
  std::set<std::string> ids;
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_TRUE(created[i].ok()) << i << ": " << created[i].status();
    EXPECT_TRUE(created[i]->created);
    ids.insert(created[i]->record.id);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kWriters));
  EXPECT_EQ(SeriesValue(registry, "governance_store_query_seconds", {{"op", "update_case"}}), 2);
  EXPECT_EQ(SeriesValue(registry, "governance_store_query_seconds", {{"op", "list_figures"}}), 0);

  // Durable: a fresh connection of our own sees every acknowledged write, before and after
  // the store is closed and reopened.
  {
    RawDb raw(o.path);
    EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM cases"), kWriters + 2);
    EXPECT_EQ(raw.QueryInt("SELECT next FROM sequences WHERE name = 'X'"), 1);
    EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM cases WHERE request_id = 'g-x'"), 0);
    EXPECT_EQ(raw.QueryInt("SELECT version FROM cases WHERE id = '" + target.id + "'"), 2);
    EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM case_history WHERE case_id = '" + target.id + "'"),
              2);
  }
  repo.reset();
  repo = Open(o);
  ASSERT_NE(repo, nullptr);
  for (int i = 0; i < kWriters; ++i) {
    auto got = repo->GetCase(kTrack, created[i]->record.id);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectSameCase(*got, created[i]->record);
  }
  auto got = repo->GetCase(kTrack, target.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "TRIAGED");
  CountQuery q{.track = kTrack,
               .first = absl::CivilDay(2026, 3, 1),
               .last = absl::CivilDay(2026, 3, 31),
               .by_status = true};
  auto sums = repo->SumCases(q);
  ASSERT_TRUE(sums.ok());
  ASSERT_THAT(*sums, SizeIs(2));
  EXPECT_EQ((*sums)[0].status, "RECEIVED");
  EXPECT_EQ((*sums)[0].count, kWriters + 1);
  EXPECT_EQ((*sums)[1].status, "TRIAGED");
  EXPECT_EQ((*sums)[1].count, 1);
}

TEST_F(SqliteStoreTest, WriterQueueIsExportedAndDrains) {
  prometheus::Registry registry;
  auto repo = Open(Options(), &registry);
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(SeriesValue(registry, "governance_store_write_queue"), 0);
  Create(*repo, MakeCase(Base()));
  EXPECT_EQ(SeriesValue(registry, "governance_store_write_queue"), 0);
  EXPECT_EQ(SeriesValue(registry, "governance_store_write_group_size"), 1);
}

}  // namespace
}  // namespace gov::store
