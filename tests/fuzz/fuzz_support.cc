#include "tests/fuzz/fuzz_support.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/util/digest.h"

namespace gov::fuzz {
namespace {

std::string* scratch = nullptr;
// Where findings are written: stderr as it was when the harness started (libFuzzer's
// -close_fd_mask=2 silences the code under test, not the findings).
int finding_fd = 2;

void RemoveScratch() {
  if (scratch == nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(*scratch, ec);
}

}  // namespace

std::string SeedsDir() {
  const char* dir = std::getenv("GOV_FUZZ_SEEDS");
  return dir == nullptr ? std::string() : std::string(dir);
}

void WriteSeed(std::string_view bytes) {
  const std::string dir = SeedsDir();
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  WriteFileOrDie(absl::StrCat(dir, "/seed-", Sha256Hex(bytes).substr(0, 16)), bytes);
}

void SeedsWritten(std::string_view harness) {
  std::error_code ec;
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SeedsDir(), ec)) {
    (void)entry;
    ++count;
  }
  std::fprintf(stderr, "%.*s: %zu seeds in %s\n", static_cast<int>(harness.size()), harness.data(),
               count, SeedsDir().c_str());
  std::fflush(stderr);
  RemoveScratch();
  std::_Exit(0);
}

std::string ScratchDir() {
  if (scratch != nullptr) return *scratch;
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/gov-fuzz-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Finding(absl::StrCat("mkdtemp ", tmpl, " failed"));
  scratch = new std::string(tmpl);
  std::atexit(RemoveScratch);
  return *scratch;
}

void WriteFileOrDie(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) Finding(absl::StrCat("cannot write ", path));
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) Finding(absl::StrCat("cannot read ", path));
  return text.str();
}

std::string SourcePath(std::string_view relative) {
  return absl::StrCat(GOV_SOURCE_DIR, "/", std::string(relative));
}

void QuietLogs() {
  log::SetLevel(log::Level::kError);
  const int fd = dup(2);
  if (fd >= 0) finding_fd = fd;
}

void Note(std::string_view line) {
  const std::string text = absl::StrCat(std::string(line), "\n");
  if (write(finding_fd, text.data(), text.size()) < 0) return;
}

void Finding(std::string_view what) {
  const std::string line = absl::StrCat("\n==FINDING== ", std::string(what), "\n");
  if (write(finding_fd, line.data(), line.size()) < 0) std::abort();
  std::abort();
}

}  // namespace gov::fuzz
