// The small shared helpers of common/util: input limits and the parallel loop.

#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "common/util/parallel.h"
#include "common/util/status.h"
#include "common/util/validate.h"
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
