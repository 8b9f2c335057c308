// The small shared helpers of common/util: input limits and the parallel loop.

#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/util/parallel.h"
#include "common/util/redact.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "governance/config/v1/config.pb.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "gtest/gtest.h"

namespace gov {
namespace {

TEST(ValidateTest, LimitsCountCharactersNotBytes) {
  EXPECT_EQ(CharCount(""), 0u);
  EXPECT_EQ(CharCount("abc"), 3u);
  EXPECT_EQ(CharCount("治安治理"), 4u);  // 12 bytes
  EXPECT_EQ(CharCount("a😀b"), 3u);       // a 4-byte code point
  EXPECT_TRUE(ValidateText("治安治理", "summary", 4).ok());
  absl::Status long_text = ValidateText("治安治理", "summary", 3);
  EXPECT_EQ(long_text.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(long_text), "summary");
  EXPECT_TRUE(ValidateText("", "note", 10).ok());
  absl::Status missing = ValidateText("", "note", 10, /*required=*/true);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(missing), "note");
  EXPECT_EQ(ValidateRequestId(std::string(kMaxRequestIdLength + 1, 'r')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateRequestId(std::string(kMaxRequestIdLength, 'r')).ok());
}

TEST(ValidateTest, IdsAreRequiredAndBounded) {
  EXPECT_TRUE(ValidateId("D-000042").ok());
  EXPECT_TRUE(ValidateId(std::string(kMaxIdLength, 'x')).ok());
  const absl::Status empty = ValidateId("", "body_id");
  EXPECT_TRUE(absl::IsInvalidArgument(empty));
  EXPECT_EQ(FieldOf(empty), "body_id");
  const absl::Status long_id = ValidateId(std::string(kMaxIdLength + 1, 'x'));
  EXPECT_TRUE(absl::IsInvalidArgument(long_id));
  EXPECT_EQ(FieldOf(long_id), "id");
}

// The shared input rules: what every track refuses the same way, naming the field.
TEST(ValidateTest, TextRefusesNulControlCharactersAndInvalidUtf8) {
  EXPECT_TRUE(ValidateTextCharacters("张三 line one\nline two\ttab\r\n", "note").ok());
  EXPECT_TRUE(ValidateTextCharacters("", "note").ok());
  EXPECT_TRUE(ValidateTextCharacters("emoji \xF0\x9F\x98\x80 ok", "note").ok());
  const struct {
    std::string text;
    std::string reason;
  } bad[] = {
      {std::string("a\0b", 3), "NUL"},
      {"bell\x07", "control character"},
      {"esc\x1B[31m", "control character"},
      {"del\x7F", "control character"},
      {"c1 \xC2\x85", "control character"},  // U+0085 NEXT LINE
      {"\xFF\xFE", "not valid UTF-8"},       // not UTF-8 at all
      {"cut \xE5\xBC", "not valid UTF-8"},   // truncated sequence
      {"over \xC0\xAF", "not valid UTF-8"},  // overlong '/'
      {"surrogate \xED\xA0\x80", "not valid UTF-8"},
  };
  for (const auto& [text, reason] : bad) {
    const absl::Status s = ValidateTextCharacters(text, "dispute.summary");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << reason;
    EXPECT_EQ(FieldOf(s), "dispute.summary") << reason;
    EXPECT_NE(std::string(s.message()).find(reason), std::string::npos) << s;
  }
  // ValidateText applies the same rule besides its length.
  EXPECT_EQ(FieldOf(ValidateText(std::string("x\0", 2), "note", 10)), "note");
}

TEST(ValidateTest, EveryStringOfAMessageByItsPath) {
  governance::disorder::v1::SubmitComplaintRequest request;
  request.set_request_id("r-1");
  request.mutable_complaint()->set_description("fine\nmultiline");
  EXPECT_TRUE(ValidateMessageText(request).ok());
  request.mutable_complaint()->mutable_reporter()->set_name(std::string("Wang\0", 5));
  const absl::Status s = ValidateMessageText(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "complaint.reporter.name");
  // The value is never quoted: it may be personal data.
  EXPECT_EQ(std::string(s.message()).find("Wang"), std::string::npos);

  governance::config::v1::TokenFile tokens;
  tokens.add_tokens()->add_roles("viewer");
  tokens.add_tokens()->add_roles("system");
  tokens.mutable_tokens(1)->add_roles("sys\x01");
  EXPECT_EQ(FieldOf(ValidateMessageText(tokens)), "tokens[1].roles[1]");
}

TEST(ValidateTest, PhonesAsPeopleWriteThem) {
  for (const char* ok : {"", "13900127731", "+86 139 0012 7731", "0571-8888-1234", "12345"}) {
    EXPECT_TRUE(ValidatePhone(ok, "phone").ok()) << ok;
  }
  for (const char* bad : {"1234", "张三", "139001277311390012773", "--12345", "+ 12345", "12345+",
                          "1234 x", "13800000000-", "138--0000 0000"}) {
    const absl::Status s = ValidatePhone(bad, "parties[0].phone");
    EXPECT_EQ(FieldOf(s), "parties[0].phone") << bad;
  }
}

TEST(ValidateTest, PastTimesAllowTheClockSkewOnly) {
  const absl::Time now = absl::FromUnixSeconds(1790000000);
  auto ts = [](absl::Time t) {
    google::protobuf::Timestamp out;
    out.set_seconds(absl::ToUnixSeconds(t));
    return out;
  };
  EXPECT_TRUE(ValidatePastTime(ts(now - absl::Hours(24)), "t", now).ok());
  EXPECT_TRUE(ValidatePastTime(ts(now + kMaxClockSkew), "t", now).ok());
  EXPECT_EQ(FieldOf(ValidatePastTime(ts(now + kMaxClockSkew + absl::Seconds(1)), "t", now)), "t");
  EXPECT_EQ(FieldOf(ValidatePastTime(google::protobuf::Timestamp(), "occurred_at", now)),
            "occurred_at");
  EXPECT_FALSE(ValidatePastTime(ts(absl::FromUnixSeconds(0) + absl::Hours(1)), "t", now).ok());
  google::protobuf::Timestamp bad_nanos = ts(now);
  bad_nanos.set_nanos(-1);
  EXPECT_FALSE(ValidatePastTime(bad_nanos, "t", now).ok());
}

TEST(ValidateTest, DaysAreRealDates) {
  EXPECT_TRUE(ValidateDay("2026-02-28", "since").ok());
  EXPECT_TRUE(ValidateDay("", "since", /*required=*/false).ok());
  for (const char* bad :
       {"", "2026-02-30", "2026-2-3", "26-02-03", "2026-02-03T00", "1999-12-31", "2026/02/03"}) {
    EXPECT_EQ(FieldOf(ValidateDay(bad, "since")), "since") << bad;
  }
}

TEST(RedactDatabaseUrlTest, HidesPasswordsInBothForms) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gov:secret@db:5432/governance"),
            "postgresql://gov:***@db:5432/governance");
  EXPECT_EQ(RedactDatabaseUrl("postgres://gov:p%40ss@db/governance?sslmode=require"),
            "postgres://gov:***@db/governance?sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gov@db:5432/governance"),
            "postgresql://gov@db:5432/governance");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://db:5432/governance"),
            "postgresql://db:5432/governance");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gov@db/g?sslmode=disable&password=secret"),
            "postgresql://gov@db/g?sslmode=disable&password=***");
  // A password holding an unescaped '@' or '/' is still hidden entirely.
  EXPECT_EQ(RedactDatabaseUrl("postgresql://gov:se@c/ret@db/g"), "postgresql://gov:***@db/g");
  EXPECT_EQ(RedactDatabaseUrl("host=db port=5432 user=gov password=secret dbname=governance"),
            "host=db port=5432 user=gov password=*** dbname=governance");
  EXPECT_EQ(RedactDatabaseUrl("host=db password = 'se cr\\'et' dbname=g"),
            "host=db password=*** dbname=g");
  EXPECT_EQ(RedactDatabaseUrl("host=db dbname=g"), "host=db dbname=g");
}

TEST(AnnotateTest, PutsTheContextFirstAndKeepsCodeAndField) {
  const absl::Status annotated =
      Annotate(FieldError(absl::StatusCode::kAlreadyExists, "units[2].id", "a second GS01-ZF"),
               "disorder rules /etc/gov/disorder.json");
  EXPECT_TRUE(absl::IsAlreadyExists(annotated));
  EXPECT_EQ(annotated.message(),
            "disorder rules /etc/gov/disorder.json: units[2].id: a second GS01-ZF");
  EXPECT_EQ(FieldOf(annotated), "units[2].id");
  EXPECT_EQ(FieldOf(Annotate(absl::InternalError("disk"), "x")), "");
  EXPECT_TRUE(Annotate(absl::OkStatus(), "x").ok());
}

TEST(EnumFilterKeysTest, KeysInOrderAndTheFirstBadEntryNamed) {
  namespace dv1 = ::governance::disorder::v1;
  dv1::ListComplaintsRequest request;
  request.add_statuses(dv1::COMPLAINT_STATUS_CLOSED);
  request.add_statuses(dv1::COMPLAINT_STATUS_DISPATCHED);
  absl::StatusOr<std::vector<std::string>> keys =
      EnumFilterKeys<dv1::ComplaintStatus>(request.statuses(), "statuses", "a complaint status");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<std::string>{"CLOSED", "DISPATCHED"}));

  EXPECT_TRUE(EnumFilterKeys<dv1::ComplaintStatus>(dv1::ListComplaintsRequest().statuses(),
                                                   "statuses", "a complaint status")
                  ->empty());

  request.add_statuses(dv1::COMPLAINT_STATUS_UNSPECIFIED);
  absl::Status zero =
      EnumFilterKeys<dv1::ComplaintStatus>(request.statuses(), "statuses", "a complaint status")
          .status();
  EXPECT_TRUE(absl::IsInvalidArgument(zero));
  EXPECT_EQ(FieldOf(zero), "statuses[2]");
  EXPECT_EQ(zero.message(), "statuses[2]: not a complaint status");

  request.set_statuses(2, static_cast<dv1::ComplaintStatus>(77));  // a number from a newer schema
  EXPECT_EQ(FieldOf(EnumFilterKeys<dv1::ComplaintStatus>(request.statuses(), "statuses",
                                                         "a complaint status")
                        .status()),
            "statuses[2]");
}

TEST(FilterByPeriodTest, UnsetFiltersNothingAndASetPeriodIsItsDistrictDays) {
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 11, 29, 9, 0, 0), cal::DistrictZone());
  store::CaseFilter filter;
  ASSERT_TRUE(cases::FilterByPeriod(governance::v1::Period(), now, filter).ok());
  EXPECT_FALSE(filter.created_from.has_value());
  EXPECT_FALSE(filter.created_to.has_value());

  governance::v1::Period october;
  october.set_year(2026);
  october.set_month(10);
  ASSERT_TRUE(cases::FilterByPeriod(october, now, filter).ok());
  EXPECT_EQ(filter.created_from, absl::FromCivil(absl::CivilDay(2026, 10, 1), cal::DistrictZone()));
  EXPECT_EQ(filter.created_to, absl::FromCivil(absl::CivilDay(2026, 11, 1), cal::DistrictZone()));

  governance::v1::Period bad;
  bad.set_year(2026);
  bad.set_month(13);
  const absl::Status refused = cases::FilterByPeriod(bad, now, filter, "period");
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_EQ(FieldOf(refused).rfind("period", 0), 0u) << FieldOf(refused);
}

TEST(ParallelForTest, RunsEveryIndexOnceOnTheWorkers) {
  std::mutex mu;
  std::multiset<int> seen;
  std::set<int> workers;
  absl::Status status = ParallelFor(1000, 4, [&](int worker, int i) {
    std::lock_guard<std::mutex> lock(mu);
    seen.insert(i);
    workers.insert(worker);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  for (int w : workers) EXPECT_TRUE(w >= 0 && w < 4) << w;
  EXPECT_TRUE(ParallelFor(0, 4, [](int, int) { return absl::InternalError("never"); }).ok());
}

TEST(ParallelForTest, TheFirstErrorStopsTheRest) {
  std::atomic<int> ran{0};
  absl::Status status = ParallelFor(100000, 2, [&](int, int i) {
    ++ran;
    // The items after the bad one take a while, so that the other worker cannot finish them all
    // in the moment between the error's return and its being recorded.
    if (i > 10) absl::SleepFor(absl::Microseconds(50));
    return i == 10 ? absl::DataLossError("bad record 10") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "bad record 10");
  EXPECT_LT(ran.load(), 100000);
}

}  // namespace
}  // namespace gov
