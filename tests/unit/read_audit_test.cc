// The record of reads of personal data on both stores (common/privacy/read_audit.h,
// personal_fields.h): which answers carry personal data and whose, what is written before an
// answer may leave, many callers at once, and an answer refused when its record cannot be
// written (the store's table taken away under it: a real failure of the real store).

#include "common/privacy/read_audit.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/privacy/personal_fields.h"
#include "common/server/handler.h"
#include "common/store/pg_db.h"
#include "common/store/sqlite_db.h"
#include "gmock/gmock.h"
#include "governance/v1/changes.pb.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/meetings.pb.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

// g++ 12 warns about members a designated initializer leaves to their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace gov::privacy {
namespace {

namespace gv1 = ::governance::v1;
using ::gov::testing::Backend;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

gv1::ListMeetingsResponse TwoMeetings(bool names) {
  gv1::ListMeetingsResponse out;
  for (const char* id : {"MT-000001", "MT-000002"}) {
    gv1::Meeting* m = out.add_meetings();
    m->set_id(id);
    m->set_title("会商研判");
    gv1::Participant* p = m->add_participants();
    p->set_party("owners");
    p->set_unit("业主委员会");
    if (names) p->set_name("王五");
  }
  return out;
}

TEST(PersonalFieldsTest, FindsWhatCarriesPersonalDataAndWhose) {
  EXPECT_TRUE(CanHoldPersonalData(gv1::ListMeetingsResponse::descriptor()));
  EXPECT_TRUE(CanHoldPersonalData(gv1::CaseEvent::descriptor()));
  EXPECT_FALSE(CanHoldPersonalData(gv1::WatchCaseChangesResponse::descriptor()));
  EXPECT_FALSE(CanHoldPersonalData(gv1::RegionRef::descriptor()));

  const PersonalData none = FindPersonalData(TwoMeetings(false));
  EXPECT_FALSE(none.any);
  EXPECT_THAT(none.records, IsEmpty());

  gv1::ListMeetingsResponse one = TwoMeetings(false);
  one.mutable_meetings(1)->mutable_participants(0)->set_name("王五");
  const PersonalData second = FindPersonalData(one);
  EXPECT_TRUE(second.any);
  EXPECT_THAT(second.records, ElementsAre("MT-000002"));

  const PersonalData both = FindPersonalData(TwoMeetings(true));
  EXPECT_THAT(both.records, ElementsAre("MT-000001", "MT-000002"));

  // Personal data with no id around it: carried, of no named record.
  gv1::CaseEvent event;
  event.set_note("张三来电");
  const PersonalData unnamed = FindPersonalData(event);
  EXPECT_TRUE(unnamed.any);
  EXPECT_THAT(unnamed.records, IsEmpty());

  gv1::ListMeetingsResponse cleared = TwoMeetings(true);
  EXPECT_EQ(ClearPersonalFields(cleared), 2);
  EXPECT_FALSE(FindPersonalData(cleared).any);
  EXPECT_EQ(cleared.meetings(0).participants(0).unit(), "业主委员会");
  EXPECT_EQ(ClearPersonalFields(cleared), 0);
}

class ReadAuditTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Repository>> repo = store_.Open();
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(repo).value();
    audit_ = std::make_unique<ReadAudit>(repo_.get(), "mediation", &clock_);
  }
  void TearDown() override {
    audit_.reset();
    repo_.reset();
  }

  static server::Call CallOf(const std::string& principal, const std::string& purpose) {
    server::Call call;
    call.principal.id = principal;
    call.principal.roles = {auth::kStreetOperator, "mediator"};
    call.principal.streets = {"GS01"};
    call.trace_id = absl::StrCat("trace-", principal);
    call.purpose = purpose;
    return call;
  }

  std::vector<store::PersonalDataRead> Reads() {
    absl::StatusOr<std::vector<store::PersonalDataRead>> reads =
        repo_->ListPersonalDataReads({.track = "mediation", .limit = 500});
    EXPECT_TRUE(reads.ok()) << reads.status();
    return reads.value_or(std::vector<store::PersonalDataRead>{});
  }

  // Takes the table the reads are written to away, through a connection of the test's own.
  void DropReadsTable() {
    if (GetParam() == Backend::kSqlite) {
      auto db = store::sqlite::Connection::Open(store_.sqlite_path(), {});
      ASSERT_TRUE(db.ok()) << db.status();
      ASSERT_TRUE((*db)->Exec("DROP TABLE personal_data_reads").ok());
    } else {
      store::pg::ConnectOptions options;
      options.url = store_.postgres_url();
      auto db = store::pg::Connection::Open(options);
      ASSERT_TRUE(db.ok()) << db.status();
      ASSERT_TRUE((*db)->Exec("DROP TABLE personal_data_reads").ok());
    }
  }

  testing::TestStore store_{GetParam()};
  FakeClock clock_{absl::FromUnixSeconds(1773800000)};
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<ReadAudit> audit_;
};

TEST_P(ReadAuditTest, RecordsWhatCarriesPersonalDataBeforeItLeaves) {
  const std::string method = "governance.v1.MeetingsService/ListMeetings";
  ASSERT_TRUE(audit_->Check(CallOf("operator-gs01", "回访"), method, TwoMeetings(true)).ok());
  // Masked answers are not reads of personal data.
  ASSERT_TRUE(audit_->Check(CallOf("viewer", ""), method, TwoMeetings(false)).ok());

  const std::vector<store::PersonalDataRead> reads = Reads();
  ASSERT_EQ(reads.size(), 1u);
  const store::PersonalDataRead& r = reads[0];
  EXPECT_EQ(r.track, "mediation");
  EXPECT_EQ(r.principal, "operator-gs01");
  EXPECT_THAT(r.roles, ElementsAre("mediator", "street_operator"));
  EXPECT_EQ(r.method, method);
  EXPECT_THAT(r.records, ElementsAre("MT-000001", "MT-000002"));
  EXPECT_EQ(r.purpose, "回访");
  EXPECT_EQ(r.trace_id, "trace-operator-gs01");
  EXPECT_EQ(r.time, clock_.Now());
}

TEST_P(ReadAuditTest, ManyCallersAtOnceAreEachRecordedOnce) {
  constexpr int kThreads = 16;
  constexpr int kEach = 25;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        gv1::ListMeetingsResponse answer = TwoMeetings(true);
        answer.mutable_meetings(0)->set_id(absl::StrCat("MT-", t, "-", i));
        if (!audit_->Check(CallOf(absl::StrCat("caller-", t), ""), "m", answer).ok()) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  const std::vector<store::PersonalDataRead> reads = Reads();
  ASSERT_EQ(reads.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> first_records;
  std::set<int64_t> seqs;
  for (const store::PersonalDataRead& r : reads) {
    ASSERT_FALSE(r.records.empty());
    first_records.insert(r.records[0]);
    seqs.insert(r.seq);
  }
  EXPECT_EQ(first_records.size(), reads.size()) << "a read recorded twice or lost";
  EXPECT_EQ(seqs.size(), reads.size());
}

TEST_P(ReadAuditTest, AnAnswerWhoseRecordCannotBeWrittenDoesNotLeave) {
  ASSERT_NO_FATAL_FAILURE(DropReadsTable());
  const absl::Status refused = audit_->Check(CallOf("operator-gs01", ""), "m", TwoMeetings(true));
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  // An answer without personal data is not held up by it.
  EXPECT_TRUE(audit_->Check(CallOf("viewer", ""), "m", TwoMeetings(false)).ok());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ReadAuditTest, ::testing::Values(Backend::kSqlite),
                         testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, ReadAuditTest, ::testing::Values(Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace gov::privacy
