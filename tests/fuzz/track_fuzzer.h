#ifndef GOV_TESTS_FUZZ_TRACK_FUZZER_H_
#define GOV_TESTS_FUZZ_TRACK_FUZZER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/server/track_main.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/track_parts.h"
#include "tests/support/track_tokens.h"

struct sqlite3;

// One track in process for the request fuzzer (fuzz_track.cc): the real track from its factory,
// built as the test harness builds it (tests/support/track_parts.h), behind the real handler
// wrapper and RpcService (so every request is read from its raw bytes by
// server::ParseRequest and checked by ValidateMessageText, as the binary does), on a SQLite file
// in the harness's scratch directory, without Redis (a disabled cache) and without peer calls,
// served by a gRPC server reached through its in-process channel.
//
// A request of any method of the track's services goes in as bytes, with the token of a role
// (district_admin, or one of the roles the track's methods name). Whether a call wrote to the
// store is told by SQLite's data_version on a connection of the harness's own: any commit by the
// track's connections changes it.
namespace gov::fuzz {

// One method the track serves.
struct FuzzMethod {
  std::string path;  // "/governance.mediation.v1.MediationService/CreateDispute"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
};

// The outcome of one call: its status and, when it succeeded, the response's bytes (for a
// stream: its first message, if any came).
struct CallOutcome {
  grpc::Status status;
  std::string response;
};

class InProcessTrack {
 public:
  // Starts the track `track` (its name in data/tracks.json) built by `factory`, on the
  // repository's data files (regions, holidays, targets, data/<track>.json) and `clock`.
  static absl::StatusOr<std::unique_ptr<InProcessTrack>> Start(const std::string& track,
                                                               const server::TrackFactory& factory,
                                                               const Clock* clock);
  ~InProcessTrack();
  InProcessTrack(const InProcessTrack&) = delete;
  InProcessTrack& operator=(const InProcessTrack&) = delete;

  // Every method of every service the track serves, in the order of its services and of the
  // schema.
  const std::vector<FuzzMethod>& methods() const { return methods_; }
  // The callers' tokens: [0] district_admin (whole district), then one for each role the
  // track's methods name (street roles scoped to street GS01).
  const std::vector<testing::TestToken>& tokens() const { return tokens_; }

  // Calls `method` with `request` as the request's raw bytes and `token` ("" = none); a unary
  // call gets `unary_deadline`, a stream ends after its first message or `stream_deadline`.
  CallOutcome Call(const FuzzMethod& method, const std::string& token, const std::string& request,
                   absl::Duration unary_deadline = absl::Seconds(20),
                   absl::Duration stream_deadline = absl::Milliseconds(20)) const;

  // SQLite's data_version of the track's store, seen from the harness's own connection: it
  // changes whenever the track commits anything. -1 when it cannot be read.
  int64_t DataVersion() const;

  server::Track& track() const { return *parts_.track; }

 private:
  InProcessTrack() = default;

  config::ServiceConfig config_;
  std::vector<testing::TestToken> tokens_;
  testing::TrackParts parts_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::vector<FuzzMethod> methods_;
  sqlite3* probe_ = nullptr;
};

// Valid-looking requests for seeds: every field of a request filled from what a caller of the
// district would send (its streets, communities and grids from data/regions.json, a time before
// `now`, the first value of each enum) and, for ids, from the ids the track has answered with so
// far (Learn), so that the second round of seeds reaches records the first created.
class RequestFiller {
 public:
  explicit RequestFiller(absl::Time now) : now_(now) {}

  // Fills `request` (cleared first); `variant` picks among the ids learnt for a field "id".
  // Request ids name the method, the round and the variant, so that each request is a new one.
  void Fill(const std::string& method_name, google::protobuf::Message* request, int round,
            int variant) const;
  // How many values Fill can take for the field "id" of `method_name`'s request (at least 1).
  int Variants(const std::string& method_name) const;
  // Remembers the ids (and etags) of a response: every message with a field "id" gives its id
  // under "<message type in snake case>_id" (a Dispute's id as dispute_id) and under "id".
  void Learn(const google::protobuf::Message& response);

 private:
  // Where Fill is: the method, the depth of the message in the request, the round and variant.
  struct Place {
    const std::string& method_name;
    int depth;
    int round;
    int variant;
  };
  void FillMessage(google::protobuf::Message* m, const Place& at) const;
  std::string StringFor(const google::protobuf::FieldDescriptor& field, const Place& at) const;
  const std::vector<std::string>* IdsFor(const std::string& method_name) const;

  absl::Time now_;
  std::map<std::string, std::vector<std::string>> ids_;  // key -> ids, in the order learnt
  std::map<std::string, std::string> etags_;             // id -> its latest etag
};

}  // namespace gov::fuzz

#endif  // GOV_TESTS_FUZZ_TRACK_FUZZER_H_
