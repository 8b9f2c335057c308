// Two replicas of the disorder track (the real binary, one process each) on one PostgreSQL
// database and one Redis: the fume feed's readings of one restaurant, sent to both replicas at
// once in overlapping and replayed batches, are each taken once and raise exactly one complaint
// per episode across the two processes; a restaurant's fume state written through one replica
// is read through the other. Labelled "scaling" and "postgres".

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/barrier.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace gov::testing {
namespace {

namespace dv1 = governance::disorder::v1;
using ::testing::HasSubstr;

constexpr char kAdminToken[] = "disorder-scaling-admin-token-3f1a";
constexpr char kFeedToken[] = "disorder-scaling-feed-token-9c27";
constexpr absl::Duration kStartTimeout = absl::Seconds(90);
constexpr int kReplicas = 2;
// In place of a replica's index: the round_robin channel over both.
constexpr int kRoundRobin = -1;
// The restaurants' own limit; the quiet period is the rules' (data/disorder.json: 60 minutes).
constexpr double kLimit = 2.0;
constexpr absl::Duration kQuiet = absl::Minutes(60);

constexpr dv1::FumeReadingOutcome kNormal = dv1::FUME_READING_OUTCOME_NORMAL;
constexpr dv1::FumeReadingOutcome kOver = dv1::FUME_READING_OUTCOME_OVER_LIMIT;
constexpr dv1::FumeReadingOutcome kStarted = dv1::FUME_READING_OUTCOME_EPISODE_STARTED;
constexpr dv1::FumeReadingOutcome kStale = dv1::FUME_READING_OUTCOME_STALE;

// One replica: a disorder process with its ports and log.
struct Replica {
  int grpc_port = 0;
  int metrics_port = 0;
  std::string log;
  std::unique_ptr<Process> process;
  std::shared_ptr<grpc::Channel> channel;  // to this replica only
  std::string address() const { return absl::StrCat("127.0.0.1:", grpc_port); }
};

dv1::FumeReading Reading(const std::string& object, absl::Time t, double concentration) {
  dv1::FumeReading r;
  r.set_object_id(object);
  *r.mutable_read_time() = ToTimestamp(t);
  r.set_concentration_mg_m3(concentration);
  return r;
}

dv1::MonitoredObject Restaurant(const std::string& device, const std::string& grid) {
  dv1::MonitoredObject o;
  o.set_kind(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT);
  o.set_name(absl::StrCat("运河美食街餐馆 ", device));
  // "GS03-C01-G01": street "GS03", community "GS03-C01".
  o.mutable_region()->set_street_id(grid.substr(0, 4));
  o.mutable_region()->set_community_id(grid.substr(0, 8));
  o.mutable_region()->set_grid_id(grid);
  o.set_address("美食街 12 号");
  o.set_status(dv1::MONITORED_OBJECT_STATUS_ACTIVE);
  o.set_since_date(absl::FormatCivilTime(cal::LocalDay(absl::Now()) - 30));
  o.mutable_fume_monitor()->set_device_id(device);
  o.mutable_fume_monitor()->set_limit_mg_m3(kLimit);
  return o;
}

// The current time on a whole minute, so that readings fall on round times.
absl::Time WholeMinuteNow() {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60);
}

class DisorderScalingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto* env = new Env();
    env_ = env;
    absl::Status redis = env->redis.Start();
    ASSERT_TRUE(redis.ok()) << redis;
    absl::StatusOr<PostgresServer*> pg = SharedPostgres();
    ASSERT_TRUE(pg.ok()) << pg.status();
    env->pg = *pg;
    absl::StatusOr<std::string> url = env->pg->CreateUniqueDatabase("disorder_scaling");
    ASSERT_TRUE(url.ok()) << url.status();
    env->database = url->substr(url->rfind('/') + 1);
    env->url = *url;
    WriteFile(env->dir.File("tokens.json"),
              absl::StrCat(R"({"tokens": [{"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kAdminToken),
                           R"(", "principal": "scaling-admin", "roles": ["district_admin"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}, {"sha256": ")",
                           auth::TokenAuthenticator::HashToken(kFeedToken),
                           R"(", "principal": "fume-platform", "roles": ["system"],)",
                           R"( "expires": "2099-01-01T00:00:00Z"}]})"));
    // The first replica migrates the database; the second starts on what the first made. No
    // demo data: the test registers the restaurants it needs.
    for (int i = 0; i < kReplicas; ++i) {
      StartReplica(i);
      if (HasFatalFailure()) return;
    }
    std::vector<std::string> addresses;
    for (const Replica& r : env->replicas) addresses.push_back(r.address());
    grpc::ChannelArguments args;
    args.SetLoadBalancingPolicyName("round_robin");
    env->round_robin =
        grpc::CreateCustomChannel(absl::StrCat("ipv4:", absl::StrJoin(addresses, ",")),
                                  grpc::InsecureChannelCredentials(), args);
  }

  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    ASSERT_EQ(env_->replicas.size(), static_cast<size_t>(kReplicas)) << "set-up failed";
  }

  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  static void StartReplica(int index) {
    Replica replica;
    replica.grpc_port = FreePort();
    do {
      replica.metrics_port = FreePort();
    } while (replica.metrics_port == replica.grpc_port);
    replica.log = env_->dir.File(absl::StrCat("disorder-", index, ".log"));
    Process::Options options;
    options.args = {BinaryPath("services/disorder/disorder"),
                    absl::StrCat("--listen=", replica.address()),
                    absl::StrCat("--metrics_port=", replica.metrics_port),
                    absl::StrCat("--redis=", env_->redis.address()),
                    absl::StrCat("--tokens_file=", env_->dir.File("tokens.json")),
                    absl::StrCat("--rules_file=", SourcePath("data/disorder.json")),
                    "--drain_seconds=2"};
    // The URL comes from the environment, as a Kubernetes secret would hand it over.
    options.env = {absl::StrCat("GOV_DATABASE_URL=", env_->url)};
    options.stderr_path = replica.log;
    absl::StatusOr<std::unique_ptr<Process>> process = Process::Spawn(options);
    ASSERT_TRUE(process.ok()) << process.status();
    replica.process = *std::move(process);
    replica.channel = grpc::CreateChannel(replica.address(), grpc::InsecureChannelCredentials());
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (HealthStatus(replica.channel, "", nullptr, absl::Seconds(1)) != kHealthServing) {
      ASSERT_TRUE(replica.process->Running()) << "replica " << index << " exited; log:\n"
                                              << ReadLog(replica.log);
      ASSERT_LT(absl::Now(), deadline) << "replica " << index << " not SERVING; log:\n"
                                       << ReadLog(replica.log);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    env_->replicas.push_back(std::move(replica));
  }

  static std::string ReadLog(const std::string& path) {
    absl::StatusOr<CommandResult> tail =
        RunCommand({"/usr/bin/tail", "-n", "40", path}, absl::Seconds(5));
    return tail.ok() ? tail->out : "";
  }

  // A stub to one replica, or through the round_robin channel (kRoundRobin).
  static std::unique_ptr<dv1::DisorderService::Stub> Stub(int replica) {
    return dv1::DisorderService::NewStub(replica == kRoundRobin ? env_->round_robin
                                                                : env_->replicas[replica].channel);
  }

  static void Prepare(grpc::ClientContext* context, const char* token = kAdminToken) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }

  static dv1::MonitoredObject Register(dv1::DisorderService::Stub& stub,
                                       const dv1::MonitoredObject& object) {
    grpc::ClientContext context;
    Prepare(&context);
    dv1::RegisterMonitoredObjectRequest request;
    request.set_request_id(absl::StrCat("register-", object.fume_monitor().device_id()));
    *request.mutable_object() = object;
    dv1::RegisterMonitoredObjectResponse response;
    const grpc::Status s = stub.RegisterMonitoredObject(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.object();
  }

  static dv1::MonitoredObject GetObject(dv1::DisorderService::Stub& stub, const std::string& id) {
    grpc::ClientContext context;
    Prepare(&context);
    dv1::GetMonitoredObjectRequest request;
    request.set_id(id);
    dv1::GetMonitoredObjectResponse response;
    const grpc::Status s = stub.GetMonitoredObject(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.object();
  }

  static grpc::Status Record(dv1::DisorderService::Stub& stub,
                             const std::vector<dv1::FumeReading>& readings,
                             dv1::RecordFumeReadingsResponse* out) {
    grpc::ClientContext context;
    Prepare(&context, kFeedToken);
    dv1::RecordFumeReadingsRequest request;
    for (const dv1::FumeReading& r : readings) *request.add_readings() = r;
    return stub.RecordFumeReadings(&context, request, out);
  }

  static std::vector<dv1::FumeEpisode> Episodes(dv1::DisorderService::Stub& stub,
                                                const std::string& object_id) {
    grpc::ClientContext context;
    Prepare(&context);
    dv1::ListFumeEpisodesRequest request;
    request.set_object_id(object_id);
    request.set_page_size(500);
    dv1::ListFumeEpisodesResponse response;
    const grpc::Status s = stub.ListFumeEpisodes(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(response.next_page_token().empty());
    return {response.episodes().begin(), response.episodes().end()};
  }

  static grpc::Status GetComplaint(dv1::DisorderService::Stub& stub, const std::string& id,
                                   dv1::Complaint* out) {
    grpc::ClientContext context;
    Prepare(&context);
    dv1::GetComplaintRequest request;
    request.set_id(id);
    dv1::GetComplaintResponse response;
    grpc::Status status = stub.GetComplaint(&context, request, &response);
    *out = response.complaint();
    return status;
  }

  // One row of SQL as integers.
  static std::vector<int64_t> SqlInts(const std::string& sql) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows =
        env_->pg->Query(env_->database, sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<int64_t> out;
    if (!rows.ok() || rows->empty()) return out;
    for (const std::string& cell : rows->front()) {
      int64_t v = 0;
      EXPECT_TRUE(cell.empty() || absl::SimpleAtoi(cell, &v)) << cell;
      out.push_back(v);
    }
    return out;
  }

  struct Env {
    TempDir dir;
    RedisServer redis;
    PostgresServer* pg = nullptr;
    std::string database;
    std::string url;
    std::vector<Replica> replicas;
    std::shared_ptr<grpc::Channel> round_robin;
  };
  static Env* env_;
};

DisorderScalingTest::Env* DisorderScalingTest::env_ = nullptr;

// Seven senders, three straight to each replica and one through the round_robin channel, push the
// same timeline of one restaurant (110 readings every 2 minutes over the last four hours) at once,
// each in its own batch size, some batches overlapping the one before and some sent twice. Each
// sender goes through the timeline in order, so whatever the interleaving no reading is passed
// over: every reading is taken by exactly one of the replicas, the others find it stale, and the
// timeline's two episodes raise two complaints in all. Four rounds, for more interleavings.
TEST_F(DisorderScalingTest, ConcurrentReadingsOnBothReplicasRaiseOneComplaintPerEpisode) {
  constexpr int kRounds = 4;
  auto a = Stub(0);
  auto b = Stub(1);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // Each round a restaurant of its own, in a grid of its own; the senders' batch sizes change
    // replicas from one round to the next.
    const std::string grid = absl::StrFormat("GS03-C%02d-G01", round + 1);
    const dv1::MonitoredObject restaurant = Register(
        round % 2 == 0 ? *a : *b, Restaurant(absl::StrFormat("YY-SCALE-1%03d", round), grid));
    ASSERT_FALSE(restaurant.id().empty());
    const std::string id = restaurant.id();

    constexpr int kReadings = 110;
    constexpr int kMaxSends = 10;
    const absl::Time base = WholeMinuteNow() - absl::Hours(4);
    auto time_of = [&](int i) { return base + absl::Minutes(2 * i); };
    // Over the limit at 15-30 (30 to 60 minutes after base; the dip at 20 stays within the
    // episode) and at 80-95 (160 to 190 minutes): 100 minutes apart, more than the quiet period.
    auto over = [](int i) { return (i >= 15 && i <= 30 && i != 20) || (i >= 80 && i <= 95); };
    ASSERT_GT(time_of(80) - time_of(30), kQuiet);
    auto expected = [&](int i) {
      if (!over(i)) return kNormal;
      return i == 15 || i == 80 ? kStarted : kOver;
    };
    auto concentration = [&](int i) { return over(i) ? 3.0 + 0.01 * i : 1.0 + 0.001 * i; };
    std::vector<dv1::FumeReading> timeline;
    for (int i = 0; i < kReadings; ++i) {
      timeline.push_back(Reading(id, time_of(i), concentration(i)));
    }

    struct Sender {
      int replica;  // or kRoundRobin
      int size;     // readings a batch moves on by
      int overlap;  // readings of the previous batch sent again at the start of the next
      int times;    // each batch sent this often
    };
    const std::vector<Sender> senders = {
        {0, 7, 0, 1}, {0, 4, 2, 1},  {0, 11, 3, 2},          {1, 5, 0, 2},
        {1, 9, 1, 1}, {1, 13, 4, 1}, {kRoundRobin, 6, 2, 1},
    };
    // What one sender saw, summed over its responses.
    struct Seen {
      std::vector<int> taken;  // by reading: how often a response said it was taken
      std::vector<dv1::FumeReadingOutcome> outcome;  // by reading: the outcome it was taken with
      std::map<dv1::FumeReadingOutcome, int> outcomes;
      int sent = 0;     // readings in requests
      int resent = 0;   // readings refused as ABORTED (too many concurrent batches) and sent again
      int counted = 0;  // taken_count + stale_count of the responses
      int started = 0;  // episodes_started of the responses
      std::set<std::string> complaints;
      std::vector<std::string> errors;
    };
    std::vector<Seen> seen(senders.size());
    absl::Barrier* barrier = new absl::Barrier(static_cast<int>(senders.size()));
    std::vector<std::thread> threads;
    for (size_t s = 0; s < senders.size(); ++s) {
      threads.emplace_back([&, s] {
        const Sender& sender = senders[s];
        Seen& out = seen[s];
        out.taken.assign(kReadings, 0);
        out.outcome.assign(kReadings, dv1::FUME_READING_OUTCOME_UNSPECIFIED);
        auto stub = Stub(sender.replica == kRoundRobin ? kRoundRobin
                                                       : (sender.replica + round) % kReplicas);
        if (barrier->Block()) delete barrier;
        for (int from = 0; from < kReadings; from += sender.size) {
          const int first = std::max(0, from - sender.overlap);
          const int end = std::min(kReadings, from + sender.size);
          const std::vector<dv1::FumeReading> batch(timeline.begin() + first,
                                                    timeline.begin() + end);
          for (int t = 0; t < sender.times; ++t) {
            // A batch whose readings were refused as ABORTED is sent again (as the refusal
            // asks) before the sender moves on: its next batch must not skip them.
            for (int sends = 1;; ++sends) {
              dv1::RecordFumeReadingsResponse response;
              const grpc::Status status = Record(*stub, batch, &response);
              if (!status.ok()) {
                out.errors.push_back(
                    absl::StrCat("batch ", first, "..", end - 1, ": ", status.error_message()));
                return;
              }
              out.sent += static_cast<int>(batch.size());
              out.counted += response.taken_count() + response.stale_count();
              out.started += response.episodes_started();
              int aborted = 0;
              for (const dv1::FumeReadingResult& r : response.results()) {
                const int i = first + r.index();
                if (r.code() == static_cast<int>(grpc::StatusCode::ABORTED)) {
                  ++aborted;
                  continue;
                }
                if (r.code() != 0) {
                  out.errors.push_back(absl::StrCat("reading ", i, ": ", r.message()));
                  continue;
                }
                ++out.outcomes[r.outcome()];
                if (r.outcome() != kStale) {
                  ++out.taken[i];
                  out.outcome[i] = r.outcome();
                }
                if (!r.complaint_id().empty()) out.complaints.insert(r.complaint_id());
              }
              if (aborted == 0) break;
              out.resent += aborted;
              if (sends == kMaxSends) {
                out.errors.push_back(absl::StrCat("batch ", first, "..", end - 1,
                                                  ": still ABORTED after ", sends, " sends"));
                return;
              }
            }
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();

    // Each reading taken exactly once over both replicas, with the outcome the timeline gives
    // it; everything else stale.
    std::map<dv1::FumeReadingOutcome, int> outcomes;
    int sent = 0;
    int resent = 0;
    int counted = 0;
    int started = 0;
    std::set<std::string> told;
    for (size_t s = 0; s < senders.size(); ++s) {
      EXPECT_THAT(seen[s].errors, ::testing::IsEmpty()) << "sender " << s;
      for (const auto& [outcome, n] : seen[s].outcomes) outcomes[outcome] += n;
      sent += seen[s].sent;
      resent += seen[s].resent;
      counted += seen[s].counted;
      started += seen[s].started;
      told.insert(seen[s].complaints.begin(), seen[s].complaints.end());
    }
    for (int i = 0; i < kReadings; ++i) {
      int taken = 0;
      for (const Seen& s : seen) {
        taken += s.taken[i];
        if (s.taken[i] > 0) {
          EXPECT_EQ(s.outcome[i], expected(i)) << "reading " << i;
        }
      }
      EXPECT_EQ(taken, 1) << "reading " << i;
    }
    EXPECT_EQ(outcomes[kNormal] + outcomes[kOver] + outcomes[kStarted], kReadings);
    EXPECT_EQ(outcomes[kNormal], kReadings - 31);
    EXPECT_EQ(outcomes[kOver], 29);
    EXPECT_EQ(outcomes[kStarted], 2);
    EXPECT_EQ(started, 2);
    EXPECT_EQ(outcomes[kStale], sent - resent - kReadings);
    EXPECT_EQ(counted, sent - resent);
    int expected_sent = 0;
    for (const Sender& s : senders) {
      for (int from = 0; from < kReadings; from += s.size) {
        expected_sent +=
            s.times * (std::min(kReadings, from + s.size) - std::max(0, from - s.overlap));
      }
    }
    EXPECT_EQ(sent - resent, expected_sent);

    // Two episodes, each with its own complaint, the same through either replica.
    const std::vector<dv1::FumeEpisode> episodes = Episodes(*a, id);
    ASSERT_EQ(episodes.size(), 2u);
    const std::vector<dv1::FumeEpisode> through_b = Episodes(*b, id);
    ASSERT_EQ(through_b.size(), 2u);
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(through_b[k].id(), episodes[k].id());
      EXPECT_EQ(through_b[k].complaint_id(), episodes[k].complaint_id());
    }
    // Newest first.
    EXPECT_EQ(FromTimestamp(episodes[0].start_time()), time_of(80));
    EXPECT_EQ(FromTimestamp(episodes[0].last_over_time()), time_of(95));
    EXPECT_EQ(episodes[0].readings_over(), 16);
    EXPECT_DOUBLE_EQ(episodes[0].peak_mg_m3(), concentration(95));
    EXPECT_EQ(FromTimestamp(episodes[1].start_time()), time_of(15));
    EXPECT_EQ(FromTimestamp(episodes[1].last_over_time()), time_of(30));
    EXPECT_EQ(episodes[1].readings_over(), 15);
    EXPECT_DOUBLE_EQ(episodes[1].peak_mg_m3(), concentration(30));
    std::set<std::string> complaints;
    for (const dv1::FumeEpisode& e : episodes) {
      EXPECT_EQ(e.object_id(), id);
      ASSERT_FALSE(e.complaint_id().empty()) << e.id();
      complaints.insert(e.complaint_id());
    }
    EXPECT_EQ(complaints.size(), 2u);
    // What the senders were told names those complaints only.
    for (const std::string& c : told) EXPECT_TRUE(complaints.contains(c)) << c;

    // The complaints exist, as monitoring complaints about cooking fumes at the restaurant's
    // place naming their episode, on either replica.
    for (const dv1::FumeEpisode& e : episodes) {
      for (int r = 0; r < kReplicas; ++r) {
        auto stub = Stub(r);
        dv1::Complaint complaint;
        const grpc::Status s = GetComplaint(*stub, e.complaint_id(), &complaint);
        ASSERT_TRUE(s.ok()) << s.error_message();
        EXPECT_EQ(complaint.id(), e.complaint_id());
        EXPECT_EQ(complaint.channel(), dv1::CHANNEL_MONITORING);
        EXPECT_EQ(complaint.category(), dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
        EXPECT_EQ(complaint.region().grid_id(), grid);
        EXPECT_THAT(complaint.description(), HasSubstr(absl::StrCat("监测事件 ", e.id(), "，")));
      }
    }

    // In the database: two complaints in the restaurant's grid and category, two episode rows.
    EXPECT_EQ(SqlInts(absl::StrCat("SELECT count(*) FROM cases WHERE track = 'disorder' AND "
                                   "grid_id = '",
                                   grid, "' AND category = 'COOKING_FUMES'")),
              std::vector<int64_t>{2});
    EXPECT_EQ(SqlInts(absl::StrCat("SELECT count(*) FROM entities WHERE track = 'disorder' AND "
                                   "kind = 'fume_episode' AND parent_id = '",
                                   id, "'")),
              std::vector<int64_t>{2});
  }
}

// A restaurant's readings go to replica B only; replica A serves its fume state as B left it
// after every batch, and the complaint B raised.
TEST_F(DisorderScalingTest, AFumeStateWrittenOnOneReplicaIsReadOnTheOther) {
  auto a = Stub(0);
  auto b = Stub(1);
  const dv1::MonitoredObject restaurant = Register(*b, Restaurant("YY-SCALE-0002", "GS05-C02-G01"));
  ASSERT_FALSE(restaurant.id().empty());
  const std::string id = restaurant.id();
  const absl::Time now = WholeMinuteNow();

  // A reads it first (and may cache it): no readings yet.
  EXPECT_FALSE(GetObject(*a, id).has_fume_state());

  // Readings within the limit.
  dv1::RecordFumeReadingsResponse normal;
  grpc::Status s =
      Record(*b,
             {Reading(id, now - absl::Minutes(50), 1.1), Reading(id, now - absl::Minutes(40), 1.2),
              Reading(id, now - absl::Minutes(30), 1.3)},
             &normal);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(normal.taken_count(), 3);
  dv1::MonitoredObject read = GetObject(*a, id);
  ASSERT_TRUE(read.has_fume_state());
  EXPECT_EQ(FromTimestamp(read.fume_state().last_reading_time()), now - absl::Minutes(30));
  EXPECT_DOUBLE_EQ(read.fume_state().last_concentration_mg_m3(), 1.3);
  EXPECT_DOUBLE_EQ(read.fume_state().limit_mg_m3(), kLimit);
  EXPECT_FALSE(read.fume_state().has_current_episode());

  // An episode: over the limit, a dip, over again.
  dv1::RecordFumeReadingsResponse episode;
  s = Record(*b,
             {Reading(id, now - absl::Minutes(25), 3.5), Reading(id, now - absl::Minutes(20), 3.6),
              Reading(id, now - absl::Minutes(15), 1.1), Reading(id, now - absl::Minutes(10), 3.4)},
             &episode);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(episode.results_size(), 4);
  EXPECT_EQ(episode.failed_count(), 0);
  EXPECT_EQ(episode.episodes_started(), 1);
  EXPECT_EQ(episode.results(0).outcome(), kStarted);
  EXPECT_EQ(episode.results(1).outcome(), kOver);
  EXPECT_EQ(episode.results(2).outcome(), kNormal);
  EXPECT_EQ(episode.results(3).outcome(), kOver);
  const std::string episode_id = episode.results(0).episode_id();
  const std::string complaint_id = episode.results(0).complaint_id();
  ASSERT_FALSE(episode_id.empty());
  ASSERT_FALSE(complaint_id.empty());
  EXPECT_EQ(episode.results(3).complaint_id(), complaint_id);

  read = GetObject(*a, id);
  ASSERT_TRUE(read.has_fume_state());
  const dv1::FumeState& state = read.fume_state();
  EXPECT_EQ(FromTimestamp(state.last_reading_time()), now - absl::Minutes(10));
  EXPECT_DOUBLE_EQ(state.last_concentration_mg_m3(), 3.4);
  EXPECT_DOUBLE_EQ(state.limit_mg_m3(), kLimit);
  // Under way: its last reading over the limit was less than the quiet period ago.
  ASSERT_TRUE(state.has_current_episode());
  EXPECT_EQ(state.current_episode().id(), episode_id);
  EXPECT_EQ(state.current_episode().complaint_id(), complaint_id);
  EXPECT_EQ(FromTimestamp(state.current_episode().start_time()), now - absl::Minutes(25));
  EXPECT_EQ(FromTimestamp(state.current_episode().last_over_time()), now - absl::Minutes(10));
  EXPECT_EQ(state.current_episode().readings_over(), 3);
  EXPECT_DOUBLE_EQ(state.current_episode().peak_mg_m3(), 3.6);

  // A lists the episode and serves its complaint.
  const std::vector<dv1::FumeEpisode> episodes = Episodes(*a, id);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].id(), episode_id);
  EXPECT_EQ(episodes[0].complaint_id(), complaint_id);
  EXPECT_EQ(episodes[0].readings_over(), 3);
  dv1::Complaint complaint;
  s = GetComplaint(*a, complaint_id, &complaint);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(complaint.channel(), dv1::CHANNEL_MONITORING);
  EXPECT_EQ(complaint.category(), dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
  EXPECT_EQ(complaint.region().grid_id(), "GS05-C02-G01");

  // A replay through A is stale throughout and raises nothing.
  dv1::RecordFumeReadingsResponse replay;
  s = Record(*a,
             {Reading(id, now - absl::Minutes(25), 3.5), Reading(id, now - absl::Minutes(10), 3.4)},
             &replay);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(replay.stale_count(), 2);
  EXPECT_EQ(replay.episodes_started(), 0);
  EXPECT_EQ(SqlInts("SELECT count(*) FROM cases WHERE track = 'disorder' AND grid_id = "
                    "'GS05-C02-G01' AND category = 'COOKING_FUMES'"),
            std::vector<int64_t>{1});
}

}  // namespace
}  // namespace gov::testing
