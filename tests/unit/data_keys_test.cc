#include "common/store/data_keys.h"

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace gov::store {
namespace {

// Keys of the tests: 32 bytes of one repeated character, base64.
std::string KeyOf(char c) { return absl::Base64Escape(std::string(32, c)); }

std::shared_ptr<const DataKeys> Ring(const std::string& text) {
  absl::StatusOr<std::shared_ptr<const DataKeys>> ring = DataKeys::Parse(text, "test ring");
  EXPECT_TRUE(ring.ok()) << ring.status();
  return ring.ok() ? *ring : nullptr;
}

TEST(DataKeysTest, SealsAndOpensInItsPlace) {
  auto ring = Ring(absl::StrCat("# comment\n\nk1 ", KeyOf('a'), "\n"));
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->active_id(), "k1");
  const std::string plain = std::string("phone 13800138000\0and more", 26);
  const std::string sealed = ring->Seal(plain, "case/mediation");
  EXPECT_TRUE(DataKeys::IsSealed(sealed));
  EXPECT_FALSE(absl::StrContains(sealed, "13800138000"));
  EXPECT_EQ(DataKeys::KeyIdOf(sealed), "k1");
  absl::StatusOr<std::string> opened = ring->Open(sealed, "case/mediation");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plain);
  // Two seals of one value differ (a fresh nonce each).
  EXPECT_NE(ring->Seal(plain, "case/mediation"), sealed);
  // Another place does not open it.
  EXPECT_EQ(ring->Open(sealed, "case/policing").status().code(), absl::StatusCode::kDataLoss);
  // The empty value too.
  absl::StatusOr<std::string> empty = ring->Open(ring->Seal("", "p"), "p");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
}

TEST(DataKeysTest, RefusesATamperedOrCutValue) {
  auto ring = Ring(absl::StrCat("k1 ", KeyOf('a')));
  ASSERT_NE(ring, nullptr);
  const std::string sealed = ring->Seal("Zhang San", "history/disorder");
  for (size_t i = 4; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    const absl::StatusCode code = ring->Open(bad, "history/disorder").status().code();
    // A flipped byte of the key id names another key; any other fails authentication.
    EXPECT_TRUE(code == absl::StatusCode::kDataLoss ||
                code == absl::StatusCode::kFailedPrecondition)
        << "byte " << i;
  }
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(ring->Open(sealed.substr(0, n), "history/disorder").ok()) << "cut at " << n;
  }
}

TEST(DataKeysTest, TextFormForTextColumns) {
  auto ring = Ring(absl::StrCat("k1 ", KeyOf('a')));
  ASSERT_NE(ring, nullptr);
  const std::string sealed = ring->SealText("调解员记录：张三 13800138000", "history/mediation");
  EXPECT_TRUE(DataKeys::IsSealedText(sealed));
  EXPECT_FALSE(DataKeys::IsSealed(sealed));
  for (char c : sealed.substr(1)) {
    EXPECT_TRUE(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' ||
                c == '=')
        << "a sealed text is base64 after its mark";
  }
  EXPECT_EQ(DataKeys::KeyIdOf(sealed), "k1");
  absl::StatusOr<std::string> opened = ring->OpenText(sealed, "history/mediation");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "调解员记录：张三 13800138000");
}

TEST(DataKeysTest, RotationOpensWhatOlderKeysSealed) {
  auto old_ring = Ring(absl::StrCat("k1 ", KeyOf('a')));
  auto rotated = Ring(absl::StrCat("k2 ", KeyOf('b'), "\nk1 ", KeyOf('a')));
  auto new_only = Ring(absl::StrCat("k2 ", KeyOf('b')));
  ASSERT_NE(old_ring, nullptr);
  ASSERT_NE(rotated, nullptr);
  ASSERT_NE(new_only, nullptr);
  EXPECT_EQ(rotated->active_id(), "k2");
  EXPECT_EQ(rotated->ids(), (std::vector<std::string>{"k2", "k1"}));
  const std::string by_old = old_ring->Seal("v", "p");
  const std::string by_new = rotated->Seal("v", "p");
  EXPECT_EQ(DataKeys::KeyIdOf(by_new), "k2");
  EXPECT_EQ(rotated->Open(by_old, "p").value_or("?"), "v");
  EXPECT_EQ(new_only->Open(by_new, "p").value_or("?"), "v");
  absl::Status gone = new_only->Open(by_old, "p").status();
  EXPECT_EQ(gone.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(gone.message(), "\"k1\"")) << gone;
  // The same id with another key does not open (authentication, not a wrong plaintext).
  auto impostor = Ring(absl::StrCat("k1 ", KeyOf('c')));
  ASSERT_NE(impostor, nullptr);
  EXPECT_EQ(impostor->Open(by_old, "p").status().code(), absl::StatusCode::kDataLoss);
}

TEST(DataKeysTest, RefusesABadRingNamingTheEntry) {
  const std::string good = KeyOf('a');
  struct Case {
    std::string text;
    std::string expect;
  };
  const Case cases[] = {
      {"", "no key"},
      {"# only a comment\n", "no key"},
      {"k1", "not two fields"},
      {absl::StrCat("k1 ", good, " extra"), "not two fields"},
      {absl::StrCat("k/1 ", good), "key id"},
      {absl::StrCat(std::string(33, 'k'), " ", good), "key id"},
      {"k1 notbase64!!", "not base64 of 32 bytes"},
      {absl::StrCat("k1 ", absl::Base64Escape(std::string(16, 'a'))), "not base64 of 32 bytes"},
      {absl::StrCat("k1 ", good, "\nk1 ", KeyOf('b')), "given twice"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<const DataKeys>> ring = DataKeys::Parse(c.text, "ring");
    ASSERT_FALSE(ring.ok()) << c.text;
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(ring.status().message(), c.expect)) << ring.status();
    // The key material never shows in an error.
    EXPECT_FALSE(absl::StrContains(ring.status().message(), good)) << ring.status();
  }
  // Entries may also be separated by ';' (a ring in one environment variable).
  auto two = Ring(absl::StrCat("k2 ", KeyOf('b'), "; k1 ", good));
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->ids().size(), 2u);
  // A comment runs to the end of its line, whatever it holds.
  auto commented =
      Ring(absl::StrCat("# keys; the first seals\nk1 ", good, "  # since 2026-12; kept\n"));
  ASSERT_NE(commented, nullptr);
  EXPECT_EQ(commented->ids(), (std::vector<std::string>{"k1"}));
  // An error names the line.
  absl::StatusOr<std::shared_ptr<const DataKeys>> third =
      DataKeys::Parse(absl::StrCat("# c\nk1 ", good, "\nk2 short"), "ring");
  ASSERT_FALSE(third.ok());
  EXPECT_TRUE(absl::StrContains(third.status().message(), "line 3")) << third.status();
}

TEST(DataKeysTest, FromFileOrEnvironment) {
  testing::TempDir dir;
  const std::string path = dir.File("keys");
  testing::WriteFile(path, absl::StrCat("k9 ", KeyOf('z'), "\n"));
  ::unsetenv("GOV_DATA_KEYS");
  auto none = DataKeys::FromSettings("");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, nullptr);
  auto from_file = DataKeys::FromSettings(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ((*from_file)->active_id(), "k9");
  EXPECT_EQ(DataKeys::FromSettings(dir.File("missing")).status().code(),
            absl::StatusCode::kNotFound);
  ::setenv("GOV_DATA_KEYS", absl::StrCat("k8 ", KeyOf('y')).c_str(), 1);
  auto from_env = DataKeys::FromSettings("");
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ((*from_env)->active_id(), "k8");
  EXPECT_EQ(DataKeys::FromSettings(path).status().code(), absl::StatusCode::kInvalidArgument);
  ::unsetenv("GOV_DATA_KEYS");
}

TEST(DataKeysTest, StoredValuesWithoutARing) {
  auto ring = Ring(absl::StrCat("k1 ", KeyOf('a')));
  ASSERT_NE(ring, nullptr);
  // A value stored before the ring existed reads as it is, with or without one.
  EXPECT_EQ(OpenStored(nullptr,
                       "\x0a\x03"
                       "abc",
                       "p")
                .value_or("?"),
            "\x0a\x03"
            "abc");
  EXPECT_EQ(OpenStored(ring.get(),
                       "\x0a\x03"
                       "abc",
                       "p")
                .value_or("?"),
            "\x0a\x03"
            "abc");
  EXPECT_EQ(OpenStoredText(ring.get(), "a note", "p").value_or("?"), "a note");
  // A sealed one is refused without the ring, never handed on as the value.
  EXPECT_EQ(OpenStored(nullptr, ring->Seal("x", "p"), "p").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OpenStoredText(nullptr, ring->SealText("x", "p"), "p").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gov::store
