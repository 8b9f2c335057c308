#ifndef GOV_TESTS_SUPPORT_TEST_SUPPORT_H_
#define GOV_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gov::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int FreePort();

// Starts a server on a free port: sets *port to FreePort() and calls spawn(), up to `attempts`
// times while spawn() fails with UNAVAILABLE (the server exited at once, most likely because the
// port was taken since FreePort); any other outcome is returned as is.
absl::Status StartOnFreePort(int* port, const std::function<absl::Status()>& spawn,
                             int attempts = 4);

// A TCP socket on 127.0.0.1 that listens but never accepts nor speaks: connections complete in
// the kernel's backlog and then hear nothing, like a peer that hangs. Closed on destruction.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::string address() const;

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Paths of the repository's data files and of built binaries.
std::string SourcePath(const std::string& relative);  // <repo>/<relative>
std::string BinaryPath(const std::string& relative);  // <build>/<relative>

// An instant given as the district's local (Asia/Shanghai) wall time.
absl::Time Local(int y, int mo, int d, int h = 0, int mi = 0);

// Writes `contents` to `path` (replacing it).
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TEST_SUPPORT_H_
