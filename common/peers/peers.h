#ifndef GOV_COMMON_PEERS_PEERS_H_
#define GOV_COMMON_PEERS_PEERS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/config/config.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

// Peer calls: one track asking another over the other's gRPC API (never its store), as a
// service of the suite with a token of its own. A track reaches them through
// server::TrackDeps::peers.
namespace gov::peers {

// One call of Peers::CallAll.
struct PeerCall {
  std::string track;   // "mediation"
  std::string method;  // the method's full name, as for Peers::Call
  const google::protobuf::Message* request = nullptr;
  google::protobuf::Message* response = nullptr;
  // The outcome, as Peers::Call returns it.
  absl::Status status = {};
  // The code the track answered with, before Call's mapping (DEADLINE_EXCEEDED when it did not
  // answer in time, UNAVAILABLE when it could not be reached); status.code() for a call refused
  // before it was sent.
  absl::StatusCode answered = absl::StatusCode::kOk;
};

// The other tracks of the suite as this service reaches them over gRPC.
class Peers {
 public:
  // From the service's config: the peer addresses (ServiceConfig::peers: every known track of
  // data/tracks.json at 127.0.0.1:<its gRPC port> unless --peers / GOV_PEERS names it; a known
  // track missing from the map gets that default too), the bearer token this service presents
  // (--peer_token_file / GOV_PEER_TOKEN_FILE: a file whose first line is the token; unset means
  // no peer calls) and the deadline of a call (--peer_timeout_ms).
  // INVALID_ARGUMENT for an unknown track or a malformed address in the map; FAILED_PRECONDITION
  // naming the file when the token file is set but missing, unreadable or has an empty first
  // line. The file is read again when it changes (a rotated token), keeping the last good token
  // while it cannot be read. Transport: with --tls_ca set the calls go over TLS, the peer's
  // certificate verified against that bundle and its host name (the address's host), presenting
  // --tls_cert/--tls_key as the client certificate when they are set (mutual TLS); the files are
  // read again every --tls_reload_seconds. FAILED_PRECONDITION naming the file when one cannot
  // be read, is not PEM, or the key does not match the certificate. Unset: plaintext.
  static absl::StatusOr<std::unique_ptr<Peers>> Open(const config::ServiceConfig& config);

  ~Peers();
  Peers(const Peers&) = delete;
  Peers& operator=(const Peers&) = delete;

  // Checks that case `id` exists on `track` by calling `method`, the full name of a Get method
  // of that track's service ("governance.mediation.v1.MediationService.GetDispute") whose
  // request has a string field `id`, with the token (authorization: Bearer) and the trace id of
  // the call the calling thread serves (log::kTraceHeader; a new one outside a call), within
  // the configured deadline. Only the status of the answer is used:
  //   OK           the track answers OK;
  //   NOT_FOUND    the track answers NOT_FOUND;
  //   UNAVAILABLE  the track cannot be reached, does not answer within the deadline, or is
  //                overloaded or draining (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED,
  //                CANCELLED, UNKNOWN); also every call when no token file is set (the message
  //                names --peer_token_file / GOV_PEER_TOKEN_FILE);
  //   INTERNAL     naming the track: `track` is not a known one, `method` is not in the schema
  //                or its request has no string field `id` (checked first, token or not), or
  //                the track refuses this service's token (UNAUTHENTICATED, PERMISSION_DENIED);
  //                any other answer, with its code named.
  // Thread-safe; the channel to a track is made on its first call and reused.
  absl::Status CheckCase(const std::string& track, const std::string& method,
                         const std::string& id) const;

  // Calls `method` (full name, as for CheckCase) on `track` with `request` (of the method's
  // input type) and reads the answer into `response` (of its output type), with the token and
  // trace id as CheckCase sends them, within the configured deadline, `deadline` or the deadline
  // of the call the calling thread serves (CallDeadline), whichever is soonest. The status:
  //   OK           the answer is in `response`;
  //   UNAVAILABLE  as for CheckCase (not reached, not answered in time, busy, draining, no
  //                token file);
  //   INTERNAL     `track` or `method` unknown, `request` or `response` of another type, the
  //                track refuses this service's token, or its answer cannot be read;
  //   otherwise    the track's answer with its code, the message naming the track and method
  //                (e.g. INVALID_ARGUMENT for a request the track refuses).
  absl::Status Call(const std::string& track, const std::string& method,
                    const google::protobuf::Message& request, google::protobuf::Message* response,
                    absl::Time deadline = absl::InfiniteFuture()) const;

  // Makes every call at once (each as Call makes it, with the same deadline) and returns when
  // all are answered or out of time: a fan-out costs the slowest call, not their sum.
  // `meanwhile`, when given, runs on the calling thread once the calls are sent (the caller's
  // own share of the work, done while the peers do theirs).
  void CallAll(absl::Span<PeerCall> calls, absl::Time deadline = absl::InfiniteFuture(),
               const std::function<void()>& meanwhile = nullptr) const;

  // For a call this service makes with a stub of its own (a stream: the digital track follows
  // other tracks' change streams): the channel to `track`, with `context` given the token and
  // the trace id (no deadline: a stream's life is the caller's). INTERNAL for an unknown track,
  // UNAVAILABLE when no token file is set.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> StreamTo(const std::string& track,
                                                          grpc::ClientContext* context) const;

  // The address calls to `track` go to; "" for a track that is not a known one.
  std::string Address(const std::string& track) const;
  // Whether a token file is set (peer calls can be made).
  bool enabled() const { return !token_file_.empty(); }

 private:
  Peers(std::map<std::string, std::string> addresses, std::string token_file,
        absl::Duration timeout, std::shared_ptr<grpc::ChannelCredentials> credentials);

  // The current token: the file read again when its modification time or size changed (once
  // per change; a change that cannot be read keeps the last token).
  std::string Token() const;
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& track) const;
  struct InFlight;
  // Checks a call and serialises its request (the status Call returns when it cannot be sent).
  absl::Status Prepare(const PeerCall& call, InFlight* flight) const;
  // The status Call returns for an answered (or timed-out) call; reads the response.
  absl::Status Answer(const PeerCall& call, InFlight& flight) const;

  const std::map<std::string, std::string> addresses_;
  const std::string token_file_;
  const absl::Duration timeout_;
  // TLS (common/util/tls.h) or plaintext, for every channel.
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;

  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
  mutable std::string token_ ABSL_GUARDED_BY(mu_);
  mutable std::string token_stamp_ ABSL_GUARDED_BY(mu_);  // modification time and size read
};

}  // namespace gov::peers

#endif  // GOV_COMMON_PEERS_PEERS_H_
