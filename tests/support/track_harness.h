#ifndef GOV_TESTS_SUPPORT_TRACK_HARNESS_H_
#define GOV_TESTS_SUPPORT_TRACK_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/peers/peers.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "common/server/server.h"
#include "common/server/track_main.h"
#include "common/store/repository.h"
#include "governance/v1/indicators.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/redis_server.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"
#include "tests/support/track_parts.h"
#include "tests/support/track_tokens.h"

namespace gov::testing {

// The outcome of one RPC: its status and the field named in the "gov-field" trailer.
struct Outcome {
  grpc::Status status;
  std::string field;
  grpc::StatusCode code() const { return status.error_code(); }
};

// "code 3: message [field x]", for assertion messages.
std::string Describe(const Outcome& o);

// Expects a refused call: `code`, naming `field` (the gov-field trailer; "" for none).
void ExpectRefused(const Outcome& o, grpc::StatusCode code, const std::string& field);
// The same for INVALID_ARGUMENT, the most common refusal.
void ExpectInvalid(const Outcome& o, const std::string& field);

// One page of a list for ExpectPagesLikeEveryList: calls the list with `page_size` and
// `page_token`, appends the ids of the page to `ids` and sets `next` to its next_page_token.
using PageCall = std::function<Outcome(int32_t page_size, const std::string& page_token,
                                       std::vector<std::string>* ids, std::string* next)>;

// The paging contract every list keeps (AIP-158), on a list of `expected` items in id order:
// pages of 3 give each item once, in order, with no empty last page; page_size 0 is the default
// (50: everything on one page when there are no more); a negative page_size and a tampered,
// foreign or truncated page_token are INVALID_ARGUMENT naming the field. Returns the ids.
std::vector<std::string> ExpectPagesLikeEveryList(const PageCall& page, size_t expected);

// One row of a refusal table: `edit` spoils a valid request so that the call must be refused
// with `code`, naming `field`.
template <typename Request>
struct Refusal {
  std::string what;
  std::function<void(Request&)> edit;
  std::string field;
  grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
};

class TrackHarness;

// Calls `call` with `valid` spoiled by each row of `table` (each from a fresh copy) and expects
// every call refused with the row's code and field, and the track's store (StoreSnapshot) the
// same after the whole table as before it: a refused request writes nothing. A table whose
// valid request is refused by itself, too, is a mistake in the test: the valid request is not
// sent, so the table is best followed by the valid call itself.
template <typename Request>
void ExpectRefusals(const TrackHarness& harness, const Request& valid,
                    const std::vector<Refusal<Request>>& table,
                    const std::function<Outcome(const Request&)>& call);

// A month and a year as a Period.
governance::v1::Period Month(int year, int month);
governance::v1::Period Year(int year);
// A region reference (a street; with a community; with a grid).
governance::v1::RegionRef Region(const std::string& street, const std::string& community = "",
                                 const std::string& grid = "");

// The store the track tests run on: PostgreSQL when the environment variable GOV_TEST_STORE is
// "postgres" (ctest runs every track test binary twice, <name> and <name>_postgres), SQLite
// otherwise.
Backend TrackTestBackend();

// One track in process, as its binary runs it: the real track (from its factory) behind the
// real server on 127.0.0.1 and a free port, on its own store (TrackTestBackend(): a SQLite file
// in a temp dir, or a database of its own on the test process's PostgreSQL) and a real
// redis-server, with the registries from data/ and the given clock (a FakeClock in tests).
//
//   TrackHarness h("policing", &clock, tokens);
//   ASSERT_TRUE(h.Start(track::Factory<policing::PolicingTrack>("policing")).ok());
//   auto stub = PolicingService::NewStub(h.channel());
class TrackHarness {
 public:
  TrackHarness(std::string track, const Clock* clock, std::vector<TestToken> tokens);
  ~TrackHarness();  // Stop()
  TrackHarness(const TrackHarness&) = delete;
  TrackHarness& operator=(const TrackHarness&) = delete;

  // Starts Redis, writes the tokens, opens the store and cache, builds the track with
  // `factory` and serves it (SERVING). After Stop(), Start() again serves the same store (a
  // restart).
  absl::Status Start(const server::TrackFactory& factory);
  // Drains the server, then the queued work, then the track and what it was built on.
  void Stop();

  // Runs one call with `token` ("" = none) and a 30 s deadline, and collects its status and
  // field trailer.
  template <typename Fn>
  Outcome Rpc(const std::string& token, Fn&& fn) const {
    grpc::ClientContext context;
    Prepare(&context, token);
    Outcome out;
    out.status = fn(&context);
    Collect(context, &out);
    return out;
  }

  // Everything the track holds in its store, as text: every case (id, version, status) with
  // its history length, every registry row (id, version) and every figure revision, under each
  // of the track's store tracks. Equal snapshots before and after: nothing was written.
  std::string StoreSnapshot() const;

  // The track's indicators (governance.v1.IndicatorsService.ListIndicators) for `period` and
  // `region` as `token` sees them, by id; a failed call fails the test and gives none.
  std::map<std::string, governance::v1::Indicator> Indicators(
      const std::string& token, const governance::v1::Period& period,
      const governance::v1::RegionRef& region = {}) const;
  // One of them; a failure, and an empty indicator, when the track has none such.
  governance::v1::Indicator Indicator(const std::string& token, const std::string& id,
                                      const governance::v1::Period& period,
                                      const governance::v1::RegionRef& region = {}) const;
  // Its value, when it has data; a failure, and -1, when it has none.
  int64_t IndicatorValue(const std::string& token, const std::string& id,
                         const governance::v1::Period& period,
                         const governance::v1::RegionRef& region = {}) const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // The address the track serves on, "127.0.0.1:<port>" (after Start()): what another harness
  // puts in its config().peers to call this one.
  std::string address() const;
  server::Track& track() const { return *parts_.track; }
  store::Repository& repo() const { return *parts_.repo; }
  cache::Cache& cache() const { return *parts_.cache; }
  prometheus::Registry& metrics() const { return *parts_.metrics; }
  const regions::RegionRegistry& regions() const { return *parts_.regions; }
  const cal::WorkCalendar& calendar() const { return *parts_.calendar; }
  RedisServer& redis() { return redis_; }
  const TempDir& dir() const { return dir_; }
  // The config handed to the track (track name set); change before Start().
  // Peer calls (TrackDeps::peers, opened from this config by Start()): by default every track
  // at its fixed local port and no token, so every call answers UNAVAILABLE. To let the track
  // call another harness, before Start() set config().peers[<its track>] to that harness's
  // address() and config().peer_token_file to a file whose first line is a token of that
  // harness's token file (e.g. a TestToken of role system, district-wide).
  config::ServiceConfig& config() { return config_; }
  // The peers handed to the track (after Start()).
  const gov::peers::Peers& peers() const { return *parts_.peers; }

 private:
  static void Prepare(grpc::ClientContext* context, const std::string& token);
  void AddStoreTrack(const std::string& store_track, std::string& out) const;
  static void Collect(const grpc::ClientContext& context, Outcome* out);

  const std::string track_name_;
  const Clock* clock_;
  const std::vector<TestToken> tokens_;
  TempDir dir_;
  TestStore store_{TrackTestBackend()};
  RedisServer redis_;
  config::ServiceConfig config_;
  TrackParts parts_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

template <typename Request>
void ExpectRefusals(const TrackHarness& harness, const Request& valid,
                    const std::vector<Refusal<Request>>& table,
                    const std::function<Outcome(const Request&)>& call) {
  const std::string before = harness.StoreSnapshot();
  for (const Refusal<Request>& row : table) {
    SCOPED_TRACE(row.what);
    Request spoiled = valid;
    row.edit(spoiled);
    ExpectRefused(call(spoiled), row.code, row.field);
  }
  EXPECT_EQ(harness.StoreSnapshot(), before) << "a refused request wrote to the store";
}

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TRACK_HARNESS_H_
