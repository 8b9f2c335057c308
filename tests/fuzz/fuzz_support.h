#ifndef GOV_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define GOV_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// What every libFuzzer harness of tests/fuzz shares: its scratch directory, the repository's data
// files, the seeds it writes, and how it reports a finding that is not a crash by itself.
//
// Each harness writes its own seed corpus when run with GOV_FUZZ_SEEDS=<dir> (scripts/fuzz.sh
// does, before fuzzing): the seeds are made from the repository's data files and from valid
// requests, so no binary corpus is kept in the repository.
namespace gov::fuzz {

// The directory seeds go to (GOV_FUZZ_SEEDS), or "" when the harness fuzzes.
std::string SeedsDir();
// Writes one seed into SeedsDir(), named by the hash of its bytes (a seed made twice is one file).
void WriteSeed(std::string_view bytes);
// Ends a seed-writing run: the process leaves at once, without the destructors of what it still
// runs (a server, its threads).
[[noreturn]] void SeedsWritten(std::string_view harness);

// A fresh directory of the process under $TMPDIR (or /tmp), removed when the process exits.
std::string ScratchDir();
// Writes `contents` to `path`; a failure is a fault of the harness (abort).
void WriteFileOrDie(const std::string& path, std::string_view contents);
// Reads the file; a failure is a fault of the harness (abort).
std::string ReadFileOrDie(const std::string& path);
// <repository>/<relative>: the repository's data files.
std::string SourcePath(std::string_view relative);

// Logs below errors are dropped: a harness runs its code thousands of times a second. Called
// first in LLVMFuzzerInitialize: it also keeps the stderr Finding writes to.
void QuietLogs();

// A finding that is not a crash by itself (a broken invariant): "==FINDING== <what>" on stderr,
// then abort(), so that libFuzzer keeps the input as a crash.
[[noreturn]] void Finding(std::string_view what);

// A line on the stderr Finding writes to (for what a harness prints on request).
void Note(std::string_view line);

// The input as a string.
inline std::string_view Bytes(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace gov::fuzz

#endif  // GOV_TESTS_FUZZ_FUZZ_SUPPORT_H_
