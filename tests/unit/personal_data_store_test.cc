// Personal data in the Repository contract on both stores, SQLite (a real file) and PostgreSQL
// (a real server): erasing a case's personal data (EraseCasePersonalData: the payload replaced,
// every note emptied, one history entry appended, the version moved, no count moved, the change
// stream told) and the record of reads of personal data (AppendPersonalDataReads,
// ListPersonalDataReads: newest first, by principal, record, time and seq, per track).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/store/repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/store_fixture.h"

// g++ 12 warns about members a designated initializer leaves to their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::store {
namespace {

using ::gov::testing::Backend;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kTrack[] = "mediation";
constexpr char kOtherTrack[] = "petition";

// 2026-03-02 09:00:00.000123 in the district, with sub-second digits so microsecond storage is
// exercised.
absl::Time Base() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), cal::DistrictZone()) +
         absl::Microseconds(123);
}

// Polls `done` until it holds or 10 s pass.
bool Eventually(const std::function<bool()>& done) {
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return done();
}

// Every field of a count row, to compare sums before and after.
std::vector<std::string> Described(const std::vector<CountRow>& rows) {
  std::vector<std::string> out;
  for (const CountRow& r : rows) {
    out.push_back(absl::StrCat(absl::FormatCivilTime(r.day), " ", r.street_id, " ", r.community_id,
                               " ", r.unit_id, " ", r.category, " ", r.status, " ", r.action, " ",
                               r.count));
  }
  return out;
}

// The traces of reads, in the order listed.
std::vector<std::string> Traces(const std::vector<PersonalDataRead>& reads) {
  std::vector<std::string> out;
  for (const PersonalDataRead& r : reads) out.push_back(r.trace_id);
  return out;
}

PersonalDataRead Read(const std::string& trace, absl::Time time, std::string principal,
                      std::vector<std::string> records, std::string track = kTrack) {
  PersonalDataRead r;
  r.track = std::move(track);
  r.time = time;
  r.principal = std::move(principal);
  r.roles = {"mediator"};
  r.method = "governance.mediation.v1.MediationService/GetDispute";
  r.records = std::move(records);
  r.purpose = absl::StrCat("purpose of ", trace);
  r.trace_id = trace;
  return r;
}

class PersonalDataStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  PersonalDataStoreTest() : store_(GetParam()) {}

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Reopen()); }

  void Reopen(prometheus::Registry* registry = nullptr) {
    repo_.reset();
    absl::StatusOr<std::unique_ptr<Repository>> repo = store_.Open(registry);
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
  }

  CaseRecord Create(const std::string& track = kTrack, int minutes = 0,
                    const std::string& street = "S01") {
    CaseRecord r = gov::testing::SampleCase(track, Base() + absl::Minutes(minutes), street);
    r.unit_id = "U1";
    HistoryRecord first = gov::testing::CreatedEvent(r);
    first.note = "reported by Zhang San, 13800138000";
    absl::StatusOr<CreateCaseResult> res = repo_->CreateCase(r, first, "", "h", "D");
    EXPECT_TRUE(res.ok()) << res.status();
    return res.ok() ? res->record : CaseRecord{};
  }

  // `c` moved to `to` by `action`, a minute later, with `note`.
  CaseRecord Move(const CaseRecord& c, const std::string& action, const std::string& to,
                  const std::string& note) {
    CaseRecord next = c;
    next.status = to;
    next.update_time = c.update_time + absl::Minutes(1);
    HistoryRecord event = gov::testing::SampleEvent(next.update_time, action, c.status, to);
    event.note = note;
    absl::StatusOr<CaseRecord> moved = repo_->UpdateCase(next, c.version, event);
    EXPECT_TRUE(moved.ok()) << moved.status();
    return moved.ok() ? *moved : CaseRecord{};
  }

  HistoryRecord EraseEvent(const CaseRecord& c) {
    HistoryRecord event =
        gov::testing::SampleEvent(Base() + absl::Hours(3), "ErasePersonalData", c.status, c.status);
    event.actor = "dpo-1";
    event.note = "erased at the data subject's request";
    return event;
  }

  std::vector<HistoryRecord> History(const std::string& id, const std::string& track = kTrack) {
    absl::StatusOr<std::vector<HistoryRecord>> history = repo_->GetHistory(track, id);
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *history : std::vector<HistoryRecord>{};
  }

  // Every count row of the track over a wide range of days, by every dimension.
  std::vector<std::string> Counts(const std::string& track = kTrack) {
    CountQuery q{.track = track,
                 .first = absl::CivilDay(2025, 1, 1),
                 .last = absl::CivilDay(2027, 12, 31),
                 .by_street = true,
                 .by_community = true,
                 .by_unit = true,
                 .by_category = true,
                 .by_status = true,
                 .by_action = true};
    absl::StatusOr<std::vector<CountRow>> cases = repo_->SumCases(q);
    EXPECT_TRUE(cases.ok()) << cases.status();
    absl::StatusOr<std::vector<CountRow>> events = repo_->SumEvents(q);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<std::string> out;
    if (cases.ok()) {
      for (std::string& s : Described(*cases)) out.push_back("cases " + s);
    }
    if (events.ok()) {
      for (std::string& s : Described(*events)) out.push_back("events " + s);
    }
    return out;
  }

  // "<case id>/<sequence> <action>" of every change of the track so far.
  std::vector<std::string> Changes(const std::string& track = kTrack) {
    absl::StatusOr<std::vector<ChangeRecord>> changes = repo_->ListChanges(track, "", 1000);
    EXPECT_TRUE(changes.ok()) << changes.status();
    std::vector<std::string> out;
    if (!changes.ok()) return out;
    for (const ChangeRecord& c : *changes) {
      out.push_back(absl::StrCat(c.case_id, "/", c.sequence, " ", c.action));
    }
    return out;
  }

  // The changes once the stream shows `n` of them (PostgreSQL hands a change out once every
  // transaction that might commit before it has ended).
  std::vector<std::string> ChangesOnce(size_t n, const std::string& track = kTrack) {
    std::vector<std::string> changes;
    Eventually([&] {
      changes = Changes(track);
      return changes.size() >= n;
    });
    return changes;
  }

  std::vector<PersonalDataRead> List(PersonalDataReadFilter filter) {
    if (filter.track.empty()) filter.track = kTrack;
    absl::StatusOr<std::vector<PersonalDataRead>> reads = repo_->ListPersonalDataReads(filter);
    EXPECT_TRUE(reads.ok()) << reads.status();
    return reads.ok() ? *reads : std::vector<PersonalDataRead>{};
  }

  gov::testing::TestStore store_;
  std::unique_ptr<Repository> repo_;
};

// ---------------------------------------------------------------------------------------------
// Erasure

TEST_P(PersonalDataStoreTest, EraseReplacesThePayloadEmptiesTheNotesAndMovesNoCount) {
  CaseRecord c = Create();
  c = Move(c, "Assign", "ASSIGNED", "called Zhang San back");
  c = Move(c, "Accept", "MEDIATING", "met Li Si at home");
  ASSERT_EQ(c.version, 3);
  // Another case of the track and a case of another track with the same id keep their notes.
  CaseRecord sibling = Create(kTrack, 10);
  CaseRecord elsewhere = Create(kOtherTrack);
  ASSERT_EQ(elsewhere.id, c.id);

  const std::vector<std::string> counts_before = Counts();
  const std::vector<std::string> other_counts_before = Counts(kOtherTrack);
  ASSERT_FALSE(counts_before.empty());
  const std::vector<std::string> changes_before = ChangesOnce(4);
  ASSERT_THAT(changes_before, SizeIs(4));
  const std::vector<HistoryRecord> before = History(c.id);
  ASSERT_THAT(before, SizeIs(3));

  // Cases counted by their last step of the days, whatever step: the erasure is none.
  const EventCaseQuery last_steps{.scope = {.track = kTrack,
                                            .first = absl::CivilDay(2025, 1, 1),
                                            .last = absl::CivilDay(2027, 12, 31)},
                                  .last_action = {"Accept"}};
  absl::StatusOr<int64_t> accepted_before = repo_->CountCasesWithEvents(last_steps);
  ASSERT_TRUE(accepted_before.ok()) << accepted_before.status();
  ASSERT_EQ(*accepted_before, 1);

  const HistoryRecord event = EraseEvent(c);
  absl::StatusOr<CaseRecord> erased =
      repo_->EraseCasePersonalData(kTrack, c.id, "erased-payload", 3, event);
  ASSERT_TRUE(erased.ok()) << erased.status();
  absl::StatusOr<int64_t> accepted_after = repo_->CountCasesWithEvents(last_steps);
  ASSERT_TRUE(accepted_after.ok()) << accepted_after.status();
  EXPECT_EQ(*accepted_after, *accepted_before);

  // The payload and the version, nothing else.
  CaseRecord expected = c;
  expected.payload = "erased-payload";
  expected.version = 4;
  for (const CaseRecord& got : {*erased, repo_->GetCase(kTrack, c.id).value_or(CaseRecord{})}) {
    EXPECT_EQ(got.track, expected.track);
    EXPECT_EQ(got.id, expected.id);
    EXPECT_EQ(got.category, expected.category);
    EXPECT_EQ(got.street_id, expected.street_id);
    EXPECT_EQ(got.community_id, expected.community_id);
    EXPECT_EQ(got.grid_id, expected.grid_id);
    EXPECT_EQ(got.unit_id, expected.unit_id);
    EXPECT_EQ(got.status, expected.status);
    EXPECT_EQ(got.priority, expected.priority);
    EXPECT_EQ(got.create_time, expected.create_time);
    EXPECT_EQ(got.update_time, expected.update_time);
    EXPECT_EQ(got.due_time, expected.due_time);
    EXPECT_EQ(got.sla_breached, expected.sla_breached);
    EXPECT_EQ(got.version, expected.version);
    EXPECT_EQ(got.payload, expected.payload);
  }

  // Every earlier note emptied (the rest of each entry as it was), the erasure appended with
  // its own note: as many entries as the version.
  const std::vector<HistoryRecord> after = History(c.id);
  ASSERT_THAT(after, SizeIs(4));
  EXPECT_EQ(static_cast<int64_t>(after.size()), erased->version);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].note, "") << i;
    EXPECT_EQ(after[i].sequence, before[i].sequence);
    EXPECT_EQ(after[i].time, before[i].time);
    EXPECT_EQ(after[i].actor, before[i].actor);
    EXPECT_EQ(after[i].action, before[i].action);
    EXPECT_EQ(after[i].from_status, before[i].from_status);
    EXPECT_EQ(after[i].to_status, before[i].to_status);
  }
  EXPECT_EQ(after[3].sequence, 4);
  EXPECT_EQ(after[3].time, event.time);
  EXPECT_EQ(after[3].actor, "dpo-1");
  EXPECT_EQ(after[3].action, "ErasePersonalData");
  EXPECT_EQ(after[3].from_status, "MEDIATING");
  EXPECT_EQ(after[3].to_status, "MEDIATING");
  EXPECT_EQ(after[3].note, "erased at the data subject's request");

  // The other cases' notes stay.
  for (const HistoryRecord& h : History(sibling.id)) EXPECT_NE(h.note, "");
  for (const HistoryRecord& h : History(elsewhere.id, kOtherTrack)) EXPECT_NE(h.note, "");
  EXPECT_EQ(repo_->GetCase(kTrack, sibling.id)->payload, sibling.payload);
  EXPECT_EQ(repo_->GetCase(kOtherTrack, elsewhere.id)->payload, elsewhere.payload);

  // No count moved: an erasure is no governance event.
  EXPECT_EQ(Counts(), counts_before);
  EXPECT_EQ(Counts(kOtherTrack), other_counts_before);

  // The change stream has the new entry, after the ones it had.
  std::vector<std::string> changes = ChangesOnce(5);
  ASSERT_THAT(changes, SizeIs(5));
  EXPECT_EQ(std::vector<std::string>(changes.begin(), changes.begin() + 4), changes_before);
  EXPECT_EQ(changes[4], absl::StrCat(c.id, "/4 ErasePersonalData"));

  // A second erasure empties the notes written since, and keeps the first one's reason.
  CaseRecord noted = Move(*erased, "Note", "MEDIATING", "Zhang San called again");
  HistoryRecord again = EraseEvent(noted);
  again.note = "second request";
  absl::StatusOr<CaseRecord> erased_again =
      repo_->EraseCasePersonalData(kTrack, c.id, "erased-payload", noted.version, again);
  ASSERT_TRUE(erased_again.ok()) << erased_again.status();
  const std::vector<HistoryRecord> twice = History(c.id);
  ASSERT_THAT(twice, SizeIs(6));
  EXPECT_EQ(twice[3].note, "erased at the data subject's request");
  EXPECT_EQ(twice[4].note, "");
  EXPECT_EQ(twice[5].note, "second request");
  erased = erased_again;
  changes = ChangesOnce(7);
  ASSERT_THAT(changes, SizeIs(7));

  // The case moves on from the new version.
  CaseRecord next = *erased;
  CaseRecord moved = Move(next, "Close", "CLOSED", "");
  EXPECT_EQ(moved.version, 7);
  EXPECT_EQ(moved.payload, "erased-payload");
  EXPECT_THAT(History(c.id), SizeIs(7));
}

TEST_P(PersonalDataStoreTest, EraseOfAStaleVersionIsAbortedAndChangesNothing) {
  CaseRecord c = Create();
  c = Move(c, "Assign", "ASSIGNED", "called Zhang San back");
  ASSERT_EQ(c.version, 2);
  const std::vector<std::string> counts_before = Counts();
  const std::vector<std::string> changes_before = ChangesOnce(2);
  ASSERT_THAT(changes_before, SizeIs(2));

  for (int64_t stale : {1, 3}) {
    absl::StatusOr<CaseRecord> erased =
        repo_->EraseCasePersonalData(kTrack, c.id, "erased", stale, EraseEvent(c));
    EXPECT_EQ(erased.status().code(), absl::StatusCode::kAborted) << erased.status();
  }

  absl::StatusOr<CaseRecord> got = repo_->GetCase(kTrack, c.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->payload, c.payload);
  const std::vector<HistoryRecord> history = History(c.id);
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].note, "reported by Zhang San, 13800138000");
  EXPECT_EQ(history[1].note, "called Zhang San back");
  EXPECT_EQ(Counts(), counts_before);
  EXPECT_EQ(Changes(), changes_before);

  // With the current version it goes through; a second erasure of that version is stale.
  absl::StatusOr<CaseRecord> erased =
      repo_->EraseCasePersonalData(kTrack, c.id, "erased", 2, EraseEvent(c));
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->version, 3);
  EXPECT_EQ(
      repo_->EraseCasePersonalData(kTrack, c.id, "erased again", 2, EraseEvent(c)).status().code(),
      absl::StatusCode::kAborted);
  EXPECT_THAT(History(c.id), SizeIs(3));
}

TEST_P(PersonalDataStoreTest, EraseOfAnUnknownCaseIsNotFound) {
  CaseRecord c = Create();
  EXPECT_EQ(
      repo_->EraseCasePersonalData(kTrack, "D-999999", "erased", 1, EraseEvent(c)).status().code(),
      absl::StatusCode::kNotFound);
  // The same id in another track is another case.
  EXPECT_EQ(
      repo_->EraseCasePersonalData(kOtherTrack, c.id, "erased", 1, EraseEvent(c)).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(repo_->EraseCasePersonalData("", c.id, "erased", 1, EraseEvent(c)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->GetCase(kTrack, c.id)->version, 1);
  EXPECT_THAT(History(c.id), SizeIs(1));
}

// ---------------------------------------------------------------------------------------------
// Reads of personal data

TEST_P(PersonalDataStoreTest, ReadsAreListedNewestFirstAndRoundTrip) {
  PersonalDataRead r1 = Read("t1", Base(), "alice", {"D-1"});
  r1.roles = {"mediator", "street_viewer"};
  r1.purpose = "follow-up call, as agreed";
  PersonalDataRead r2 = Read("t2", Base() + absl::Minutes(1), "bob", {"D-10", "D-2"});
  r2.roles = {};
  PersonalDataRead r3 = Read("t3", Base() + absl::Minutes(2), "alice", {});
  r3.purpose = "";
  ASSERT_TRUE(repo_->AppendPersonalDataReads({r1, r2, r3}).ok());
  ASSERT_TRUE(repo_->AppendPersonalDataReads({}).ok());
  ASSERT_TRUE(
      repo_->AppendPersonalDataReads({Read("t4", Base() + absl::Minutes(3), "alice", {"D-10"})})
          .ok());

  std::vector<PersonalDataRead> reads = List({});
  ASSERT_THAT(Traces(reads), ElementsAre("t4", "t3", "t2", "t1"));
  for (size_t i = 1; i < reads.size(); ++i) EXPECT_LT(reads[i].seq, reads[i - 1].seq);
  EXPECT_GT(reads[3].seq, 0);

  const PersonalDataRead& got = reads[3];
  EXPECT_EQ(got.track, kTrack);
  EXPECT_EQ(got.time, Base());  // microseconds survive
  EXPECT_EQ(got.principal, "alice");
  EXPECT_THAT(got.roles, ElementsAre("mediator", "street_viewer"));
  EXPECT_EQ(got.method, "governance.mediation.v1.MediationService/GetDispute");
  EXPECT_THAT(got.records, ElementsAre("D-1"));
  EXPECT_EQ(got.purpose, "follow-up call, as agreed");
  EXPECT_EQ(got.trace_id, "t1");
  EXPECT_THAT(reads[2].roles, IsEmpty());
  EXPECT_THAT(reads[2].records, ElementsAre("D-10", "D-2"));
  EXPECT_THAT(reads[1].records, IsEmpty());
  EXPECT_EQ(reads[1].purpose, "");

  // They stay across a reopen.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_THAT(Traces(List({})), ElementsAre("t4", "t3", "t2", "t1"));
}

TEST_P(PersonalDataStoreTest, ReadsAreFilteredByPrincipalRecordAndTime) {
  ASSERT_TRUE(repo_
                  ->AppendPersonalDataReads({
                      Read("t1", Base(), "alice", {"D-1"}),
                      Read("t2", Base() + absl::Minutes(1), "bob", {"D-10", "D-2"}),
                      Read("t3", Base() + absl::Minutes(2), "alice", {}),
                  })
                  .ok());
  ASSERT_TRUE(repo_
                  ->AppendPersonalDataReads({
                      Read("t4", Base() + absl::Minutes(3), "alice", {"D-10"}),
                      Read("t5", Base() + absl::Minutes(4), "carol", {"D-1", "D-10"}),
                  })
                  .ok());
  // Another track's reads, of the same principals and records.
  ASSERT_TRUE(repo_
                  ->AppendPersonalDataReads({
                      Read("o1", Base() + absl::Minutes(2), "alice", {"D-1"}, kOtherTrack),
                  })
                  .ok());

  EXPECT_THAT(Traces(List({})), ElementsAre("t5", "t4", "t3", "t2", "t1"));
  EXPECT_THAT(Traces(List({.track = kOtherTrack})), ElementsAre("o1"));
  EXPECT_THAT(Traces(List({.track = "nobody"})), IsEmpty());

  EXPECT_THAT(Traces(List({.principal = "alice"})), ElementsAre("t4", "t3", "t1"));
  EXPECT_THAT(Traces(List({.principal = "bob"})), ElementsAre("t2"));
  EXPECT_THAT(Traces(List({.principal = "ali"})), IsEmpty());

  // A record is matched whole: "D-1" is not a read of "D-10", nor "D" of anything.
  EXPECT_THAT(Traces(List({.record = "D-1"})), ElementsAre("t5", "t1"));
  EXPECT_THAT(Traces(List({.record = "D-10"})), ElementsAre("t5", "t4", "t2"));
  EXPECT_THAT(Traces(List({.record = "D-2"})), ElementsAre("t2"));
  EXPECT_THAT(Traces(List({.record = "D"})), IsEmpty());
  EXPECT_THAT(Traces(List({.record = "-1"})), IsEmpty());
  EXPECT_THAT(Traces(List({.principal = "alice", .record = "D-1"})), ElementsAre("t1"));
  EXPECT_THAT(Traces(List({.track = kOtherTrack, .record = "D-1"})), ElementsAre("o1"));

  // [from, to)
  EXPECT_THAT(Traces(List({.from = Base() + absl::Minutes(1), .to = Base() + absl::Minutes(3)})),
              ElementsAre("t3", "t2"));
  EXPECT_THAT(Traces(List({.from = Base() + absl::Minutes(3)})), ElementsAre("t5", "t4"));
  EXPECT_THAT(Traces(List({.to = Base() + absl::Minutes(1)})), ElementsAre("t1"));
  EXPECT_THAT(Traces(List({.to = Base()})), IsEmpty());
  EXPECT_THAT(Traces(List({.principal = "alice", .from = Base() + absl::Microseconds(1)})),
              ElementsAre("t4", "t3"));
}

TEST_P(PersonalDataStoreTest, ReadsArePagedBySeq) {
  std::vector<PersonalDataRead> batch;
  for (int i = 1; i <= 7; ++i) {
    batch.push_back(Read(absl::StrCat("t", i), Base() + absl::Minutes(i),
                         i % 2 == 0 ? "alice" : "bob", {absl::StrCat("D-", i)}));
  }
  ASSERT_TRUE(repo_->AppendPersonalDataReads(batch).ok());

  std::vector<std::string> all;
  int64_t before = 0;
  for (int page = 0; page < 10; ++page) {
    std::vector<PersonalDataRead> reads = List({.before_seq = before, .limit = 3});
    if (reads.empty()) break;
    EXPECT_LE(reads.size(), 3u);
    for (const PersonalDataRead& r : reads) all.push_back(r.trace_id);
    before = reads.back().seq;
  }
  EXPECT_THAT(all, ElementsAre("t7", "t6", "t5", "t4", "t3", "t2", "t1"));

  // Paging within a filter.
  std::vector<PersonalDataRead> first = List({.principal = "alice", .limit = 2});
  ASSERT_THAT(Traces(first), ElementsAre("t6", "t4"));
  EXPECT_THAT(Traces(List({.principal = "alice", .before_seq = first.back().seq, .limit = 2})),
              ElementsAre("t2"));

  for (int limit : {0, -1}) {
    absl::StatusOr<std::vector<PersonalDataRead>> reads =
        repo_->ListPersonalDataReads({.track = kTrack, .limit = limit});
    EXPECT_EQ(reads.status().code(), absl::StatusCode::kInvalidArgument) << limit;
  }
}

TEST_P(PersonalDataStoreTest, ABatchThatCannotBeStoredStoresNothing) {
  ASSERT_TRUE(repo_->AppendPersonalDataReads({Read("t1", Base(), "alice", {"D-1"})}).ok());

  PersonalDataRead comma_role = Read("bad", Base(), "alice", {"D-2"});
  comma_role.roles = {"a,b"};
  PersonalDataRead comma_record = Read("bad", Base(), "alice", {"D-2,D-3"});
  PersonalDataRead no_track = Read("bad", Base(), "alice", {"D-2"}, "");
  for (const PersonalDataRead& bad : {comma_role, comma_record, no_track}) {
    absl::Status status =
        repo_->AppendPersonalDataReads({Read("t2", Base(), "alice", {"D-2"}), bad});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  if (GetParam() == Backend::kPostgres) {
    // The server refuses a text that is not UTF-8 halfway through the batch: the reads before
    // it in the batch go with it.
    PersonalDataRead not_utf8 = Read("bad", Base(), "alice", {"D-2"});
    not_utf8.purpose = "\xff\xfe";
    absl::Status status =
        repo_->AppendPersonalDataReads({Read("t2", Base(), "alice", {"D-2"}), not_utf8});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  EXPECT_THAT(Traces(List({})), ElementsAre("t1"));
}

TEST_P(PersonalDataStoreTest, MetricsCountTheNewOperations) {
  prometheus::Registry registry;
  ASSERT_NO_FATAL_FAILURE(Reopen(&registry));
  auto samples = [&](const std::string& op) -> double {
    for (const auto& family : registry.Collect()) {
      if (family.name != "governance_store_query_seconds") continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.name == "op" && label.value == op) {
            return static_cast<double>(metric.histogram.sample_count);
          }
        }
      }
    }
    return -1;
  };
  EXPECT_EQ(samples("erase_case_personal_data"), 0);
  EXPECT_EQ(samples("append_personal_data_reads"), 0);
  EXPECT_EQ(samples("list_personal_data_reads"), 0);
  CaseRecord c = Create();
  ASSERT_TRUE(repo_->EraseCasePersonalData(kTrack, c.id, "erased", 1, EraseEvent(c)).ok());
  ASSERT_TRUE(repo_->AppendPersonalDataReads({Read("t1", Base(), "alice", {c.id})}).ok());
  List({});
  EXPECT_EQ(samples("erase_case_personal_data"), 1);
  EXPECT_EQ(samples("append_personal_data_reads"), 1);
  EXPECT_EQ(samples("list_personal_data_reads"), 1);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PersonalDataStoreTest, ::testing::Values(Backend::kSqlite),
                         gov::testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, PersonalDataStoreTest, ::testing::Values(Backend::kPostgres),
                         gov::testing::BackendParamName);

}  // namespace
}  // namespace gov::store
