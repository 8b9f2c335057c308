// The small shared helpers of common/util: input limits and the parallel loop.

#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/util/parallel.h"
#include "common/util/status.h"
#include "common/util/validate.h"
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
    return i == 10 ? absl::DataLossError("bad record 10") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "bad record 10");
  EXPECT_LT(ran.load(), 100000);
}

}  // namespace
}  // namespace gov
