#ifndef GOV_SERVICES_DIGITAL_FOLLOWER_H_
#define GOV_SERVICES_DIGITAL_FOLLOWER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/peers/peers.h"
#include "common/registry/registry.h"
#include "services/digital/events.h"
#include "services/digital/rules.h"

// Follows the cases the events were dispatched as: for each (track, kind of case) of the
// dispatch table, a thread holds the owning track's change stream
// (governance.v1.CaseChangesService.WatchCaseChanges, with this service's peer token) and
// hands every change of a case whose request_id is an event's id to Events::Settle. The
// position of the last change handled is kept in the store (a row per stream, the registry
// "cursor"), so that after a restart of this service or of the owning track the stream resumes
// there: changes come at least once, Settle takes each once (a second sight changes nothing).
// A stream that ends or cannot be opened is opened again after a pause (kRetry).
namespace gov::digital {

class Follower {
 public:
  static constexpr absl::Duration kRetry = absl::Seconds(1);

  // Nothing is owned; everything outlives the follower. Starts nothing: Start does.
  Follower(Events* events, const registry::Registry* cursors, const Rules* rules,
           const peers::Peers* peers);
  // Stops the streams and joins their threads.
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Starts a thread per followed stream (none when peer calls are off).
  void Start();

  // The position kept for a stream ("" before its first change): for tests and logs.
  absl::StatusOr<std::string> Position(const std::string& track, const std::string& kind) const;

 private:
  struct Stream {
    std::string track;
    std::string kind;
  };
  // One stream's life: open, read, settle, keep the position; again after kRetry.
  void Run(const Stream& stream);
  // Reads one opened stream until it ends; its status.
  absl::Status Follow(const Stream& stream);
  absl::Status KeepPosition(const Stream& stream, const std::string& position);
  bool Stopping() const;

  Events* const events_;
  const registry::Registry* const cursors_;
  const Rules* const rules_;
  const peers::Peers* const peers_;
  std::vector<std::thread> threads_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<grpc::ClientContext*> open_ ABSL_GUARDED_BY(mu_);  // to cancel on stop
};

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_FOLLOWER_H_
