#ifndef GOV_COMMON_CASES_CHANGES_H_
#define GOV_COMMON_CASES_CHANGES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/cases/engine.h"
#include "common/server/handler.h"
#include "common/server/rpc_service.h"
#include "common/store/repository.h"
#include "governance/v1/changes.pb.h"

// The change stream of a track's cases (governance.v1.CaseChangesService), served by the track
// kit for every track that declares a kind of case: each step of each case, in the store's
// commit order (store::Repository::ListChanges), from a position the caller keeps, then new
// steps as they commit. The stream polls the store (every kPoll while nothing is new), so that
// changes written by another replica of the track come as soon as the ones of this one.
//
// A position is opaque to callers: the kind's store track and the store's own position, so that
// a position of one kind or one backend is refused by another (INVALID_ARGUMENT "after").
namespace gov::cases {

class ChangeStream {
 public:
  // How long a stream with nothing new waits before it reads the store again.
  static constexpr absl::Duration kPoll = absl::Milliseconds(200);
  // Changes read (and sent in one message at most) at a time.
  static constexpr int kBatch = 200;

  explicit ChangeStream(store::Repository* repo) : repo_(repo) {}

  // A kind of case of the track (the first added is the default kind).
  void AddKind(const CaseEngine* engine) { kinds_.push_back(engine); }
  bool empty() const { return kinds_.empty(); }

  // The body of WatchCaseChanges: streams the kind's changes in the caller's streets through
  // `out` until the stream is over (its status is then why: CANCELLED, UNAVAILABLE while
  // draining) or the store fails (its error). INVALID_ARGUMENT "kind", "after" or "from_now"
  // for a request that names no kind of the track, a position not of this kind's stream, or
  // both a position and from_now.
  absl::Status Watch(const server::Call& call, const governance::v1::WatchCaseChangesRequest& in,
                     server::StreamWriter& out) const;

  // The position of a kind's store track and a store position, as callers get it, and back.
  static std::string EncodePosition(const std::string& store_track, const std::string& position);
  static absl::StatusOr<std::string> DecodePosition(const std::string& store_track,
                                                    const std::string& token);

 private:
  store::Repository* const repo_;
  std::vector<const CaseEngine*> kinds_;
};

// governance.v1.CaseChangesService on `stream`.
std::unique_ptr<server::RpcService> MakeChangesService(const ChangeStream* stream,
                                                       server::Handlers* handlers,
                                                       std::vector<std::string> roles);

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_CHANGES_H_
