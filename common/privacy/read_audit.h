#ifndef GOV_COMMON_PRIVACY_READ_AUDIT_H_
#define GOV_COMMON_PRIVACY_READ_AUDIT_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/server/handler.h"
#include "common/store/repository.h"

// The record of reads of personal data (PIPL; governance.v1.PersonalDataService): every unary
// answer that carries a field marked (governance.v1.personal) holding something is written to
// the track's store (store::Repository::AppendPersonalDataReads) before it leaves: who, with
// which roles, which method, which records, when, why (server::Call::purpose) and the trace id.
// An answer whose record cannot be written is not sent: the call fails UNAVAILABLE (a retry
// reads again and is recorded then), or DEADLINE_EXCEEDED when its deadline passed first.
//
// Writes are grouped: the calls waiting while one batch commits go together in the next one, so
// under load a record costs a share of one commit rather than a commit of its own. Answers
// without personal data (masked for the caller, or none in the message's type) cost a lookup.
namespace gov::privacy {

class ReadAudit final : public server::ResponseAudit {
 public:
  // At most this many reads go into one commit.
  static constexpr int kMaxBatch = 500;

  // `track`: the service's track (the rows' track); `repo` and `clock` must outlive the audit.
  ReadAudit(store::Repository* repo, std::string track, const Clock* clock);
  // Writes what is queued, then stops.
  ~ReadAudit() override;
  ReadAudit(const ReadAudit&) = delete;
  ReadAudit& operator=(const ReadAudit&) = delete;

  absl::Status Check(const server::Call& call, std::string_view method,
                     const google::protobuf::Message& response) override;

 private:
  struct Pending {
    store::PersonalDataRead read;
    bool done = false;
    absl::Status status;
  };

  void Run();

  store::Repository* const repo_;
  const std::string track_;
  const Clock* const clock_;

  absl::Mutex mu_;
  std::deque<std::shared_ptr<Pending>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace gov::privacy

#endif  // GOV_COMMON_PRIVACY_READ_AUDIT_H_
