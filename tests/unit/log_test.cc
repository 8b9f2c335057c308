#include "common/log/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::log {
namespace {

// Sends fd 2 to a file for the lifetime of the object; Lines() reads what was written.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(2);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() { Restore(); }

  std::vector<std::string> Lines() {
    Restore();
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> lines = absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
    return lines;
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }

  std::string path_;
  int saved_ = -1;
};

google::protobuf::Struct ParseLine(const std::string& line) {
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(line, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << line;
  return parsed;
}

std::string Str(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "<absent>" : it->second.string_value();
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLevel(Level::kInfo);
    SetService("log-test");
  }
  void TearDown() override { SetLevel(Level::kInfo); }

  testing::TempDir dir_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithFixedKeys) {
  StderrCapture capture(dir_.File("err"));
  Info("hello", {{"method", "CreateDispute"}, {"code", "OK"}});
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const google::protobuf::Struct line = ParseLine(lines[0]);
  EXPECT_EQ(Str(line, "level"), "info");
  EXPECT_EQ(Str(line, "service"), "log-test");
  EXPECT_EQ(Str(line, "msg"), "hello");
  EXPECT_EQ(Str(line, "method"), "CreateDispute");
  EXPECT_EQ(Str(line, "code"), "OK");
  EXPECT_TRUE(
      std::regex_match(Str(line, "ts"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << Str(line, "ts");
  EXPECT_EQ(line.fields().count("trace_id"), 0u);
}

TEST_F(LogTest, EscapesEverythingThatWouldBreakTheLine) {
  StderrCapture capture(dir_.File("err"));
  const std::string nasty = "a\"b\\c\nd\re\tf\x01g\x7fh 中文";
  Error(nasty, {{"k\"ey", nasty}});
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const google::protobuf::Struct line = ParseLine(lines[0]);
  EXPECT_EQ(Str(line, "msg"), nasty);
  EXPECT_EQ(Str(line, "k\"ey"), nasty);
  EXPECT_EQ(Str(line, "level"), "error");
}

TEST_F(LogTest, FieldsCannotShadowFixedKeys) {
  StderrCapture capture(dir_.File("err"));
  Warn("real", {{"msg", "forged"}, {"level", "forged"}, {"ts", "x"}, {"service", "y"}});
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const google::protobuf::Struct line = ParseLine(lines[0]);
  EXPECT_EQ(Str(line, "msg"), "real");
  EXPECT_EQ(Str(line, "level"), "warn");
  EXPECT_EQ(Str(line, "service"), "log-test");
  EXPECT_EQ(Str(line, "_msg"), "forged");
  EXPECT_EQ(Str(line, "_service"), "y");
}

TEST_F(LogTest, DropsLinesBelowTheLevel) {
  StderrCapture capture(dir_.File("err"));
  Debug("hidden");
  SetLevel(Level::kWarn);
  Info("hidden too");
  Warn("shown");
  SetLevel(Level::kDebug);
  Debug("shown too");
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Str(ParseLine(lines[0]), "msg"), "shown");
  EXPECT_EQ(Str(ParseLine(lines[1]), "msg"), "shown too");
}

TEST_F(LogTest, ScopedTraceIdStampsLinesAndRestores) {
  StderrCapture capture(dir_.File("err"));
  EXPECT_EQ(ThreadTraceId(), "");
  {
    ScopedTraceId outer("outer1");
    Info("a");
    {
      ScopedTraceId inner("inner2");
      Info("b");
      Info("c", {{"trace_id", "explicit"}});
    }
    EXPECT_EQ(ThreadTraceId(), "outer1");
    Info("d");
  }
  EXPECT_EQ(ThreadTraceId(), "");
  Info("e");
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(Str(ParseLine(lines[0]), "trace_id"), "outer1");
  EXPECT_EQ(Str(ParseLine(lines[1]), "trace_id"), "inner2");
  EXPECT_EQ(Str(ParseLine(lines[2]), "trace_id"), "explicit");
  EXPECT_EQ(lines[2].find("inner2"), std::string::npos) << "one trace_id key only";
  EXPECT_EQ(Str(ParseLine(lines[3]), "trace_id"), "outer1");
  EXPECT_EQ(Str(ParseLine(lines[4]), "trace_id"), "<absent>");
}

TEST_F(LogTest, ConcurrentLinesNeverInterleave) {
  StderrCapture capture(dir_.File("err"));
  constexpr int kThreads = 8;
  constexpr int kLines = 300;
  // Long values make a torn write likely if lines were written in pieces.
  const std::string filler(700, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &filler] {
      for (int i = 0; i < kLines; ++i) {
        Info("line", {{"thread", absl::StrCat(t)}, {"i", absl::StrCat(i)}, {"pad", filler}});
      }
    });
  }
  for (std::thread& th : threads) th.join();
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  absl::flat_hash_set<std::string> seen;
  for (const std::string& raw : lines) {
    const google::protobuf::Struct line = ParseLine(raw);
    EXPECT_EQ(Str(line, "pad"), filler);
    seen.insert(absl::StrCat(Str(line, "thread"), "/", Str(line, "i")));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kLines));
}

TEST(ParseLevelTest, AcceptsTheFourNamesInAnyCase) {
  Level level = Level::kError;
  ASSERT_TRUE(ParseLevel("DEBUG", &level));
  EXPECT_EQ(level, Level::kDebug);
  ASSERT_TRUE(ParseLevel("info", &level));
  EXPECT_EQ(level, Level::kInfo);
  ASSERT_TRUE(ParseLevel("Warning", &level));
  EXPECT_EQ(level, Level::kWarn);
  ASSERT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_FALSE(ParseLevel("verbose", &level));
  EXPECT_FALSE(ParseLevel("", &level));
  EXPECT_EQ(level, Level::kError) << "untouched on failure";
}

TEST(NewTraceIdTest, SixteenHexDigitsAndDistinct) {
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = NewTraceId();
    ASSERT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{16}"))) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace gov::log
