// Crash safety of the mediation track as a real process: the binary started with fork/exec on
// its store (a SQLite file, or a PostgreSQL database), a real redis-server, and several client
// threads calling it over real gRPC while it dies.
//
//  - SIGKILL at moments drawn at random while the clients take disputes in (each create with
//    its own request_id) and move them through their states (every move with the etag it read);
//    the service restarts on the same store and the same Redis, and each client retries the
//    call that was not answered, with the same request (a create with its request_id, a move
//    with its etag). A move refused as stale (ABORTED) on its retry was applied before the
//    crash: its note must then be the dispute's last history event, and GetDispute must show
//    it (a GetDispute older than the store, from a cache entry the crash left behind, fails
//    the run, as any disagreement between GetDispute and ListDisputes does). In the end every
//    acknowledged create is there once (the cases are as many as the request ids, and a create
//    sent again returns the same dispute), every acknowledged move is in its dispute's history
//    exactly once and in order, and what the store counts (the rankings, the governance_cases
//    gauge, the case_counts and event_counts tables) equals a recount from listing every
//    dispute (and their histories, for the transitions).
//  - Power loss on SQLite: the service stopped (SIGSTOP) at a random moment of the load, its
//    database file and WAL copied (what the file system holds then: every write() it finished
//    and nothing after; the -shm is rebuilt from the WAL, as after a power cut), and continued.
//    A fresh service on the copy, with a Redis of its own, holds every call acknowledged
//    before the stop (and nothing the live service does not hold), its counts equal a recount,
//    and the copy passes PRAGMA integrity_check.
//
// CrashTest runs on SQLite, PostgresCrashTest the SIGKILL cycles on PostgreSQL. The seed of the
// random moments is printed; GOV_CRASH_SEED=<seed> draws the same ones again.

#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/util/proto.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/disputes.h"
#include "tests/support/metrics.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"
#include "tests/support/track_process.h"

namespace gov::testing {
namespace {

namespace mv1 = governance::mediation::v1;
namespace gv1 = governance::v1;
using Stub = mv1::MediationService::Stub;

constexpr char kTrack[] = "mediation";
// Start-up (and migration) of the service on two loaded cores.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
// One attempt of a call; it waits (wait_for_ready) while the service is down.
constexpr AdminCall kAttempt{.timeout = absl::Seconds(10), .wait_for_ready = true};
// A call without a definitive answer for this long fails the run.
constexpr absl::Duration kGiveUpAfter = absl::Seconds(90);
// Waits of the test's own thread for the clients' progress.
constexpr absl::Duration kProgressTimeout = absl::Seconds(45);
// The gauge refresh interval the service runs with, and how long a recount may wait for it.
constexpr int kGaugeSeconds = 2;
constexpr absl::Duration kGaugeTimeout = absl::Seconds(20);
constexpr int kClients = 6;
constexpr int kKillCycles = 6;
constexpr int kPowerCuts = 3;
// Acknowledged calls to wait for after each (re)start before a moment is drawn.
constexpr int kAcksBeforeKill = 10;
const char* const kStreets[] = {"GS01", "GS02", "GS03"};
const mv1::DisputeCategory kCategories[] = {
    mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, mv1::DISPUTE_CATEGORY_FAMILY, mv1::DISPUTE_CATEGORY_LABOUR,
    mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT};

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ", status.error_message());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A call whose outcome the client cannot know: the connection broke (the service died), or no
// answer came in time. Anything else is the service's answer.
bool Unanswered(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

// The store's key of a dispute state ("TRIAGED").
std::string StateKey(mv1::DisputeState state) { return EnumKey(state); }

int64_t Version(const std::string& etag) {
  int64_t v = -1;
  if (etag.size() < 2 || etag[0] != 'v' || !absl::SimpleAtoi(etag.substr(1), &v)) return -1;
  return v;
}

// Every call to the service on its own connection, reconnecting quickly after a restart.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// ---------------------------------------------------------------------------------------------
// The service as a child process: the mediation binary (TrackProcess) on ports kept across
// restarts (as a pod's are), its log appended to across them.

void StartService(TrackProcess& service) {
  const absl::Status started = service.Start(kStartTimeout);
  ASSERT_TRUE(started.ok()) << started;
}

// SIGKILL, reaped.
void KillService(TrackProcess& service) {
  absl::StatusOr<ExitStatus> exit = service.Kill();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->signal, SIGKILL) << exit->ToString();
}

// True once every thread of `pid` is stopped (SIGSTOP took effect everywhere: a thread inside
// write(2) finishes it first), false if that did not happen within `timeout`.
bool WaitStopped(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const std::string tasks = absl::StrCat("/proc/", pid, "/task");
  while (absl::Now() < deadline) {
    bool all = true;
    int seen = 0;
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
      const std::string stat = ReadFile((task.path() / "stat").string());
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos || paren + 2 >= stat.size()) continue;
      ++seen;
      const char state = stat[paren + 2];
      if (state != 'T' && state != 't') all = false;
    }
    if (!error && seen > 0 && all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// What the clients did.

// A move of a dispute and the history event it leaves.
struct Step {
  std::string action;     // the history's action, e.g. "Triage"
  std::string to_status;  // the state after it
  std::string note;       // unique in the run: identifies the write in the history
};

// One dispute as its client knows it.
struct Ledger {
  std::string request_id;
  mv1::Dispute create;      // what is created under request_id
  std::string id;           // from the acknowledged create; "" until then
  std::vector<Step> steps;  // acknowledged moves, in order
  std::string status;       // after the last acknowledged write
  std::string etag;         // after the last acknowledged write
};

// What was acknowledged at one moment, by request id.
struct Acked {
  std::string id;
  std::vector<Step> steps;
};
using AckedSet = std::map<std::string, Acked>;

struct Tally {
  std::atomic<int64_t> creates{0};         // acknowledged creates
  std::atomic<int64_t> create_retries{0};  // of which answered only on a retry
  std::atomic<int64_t> moves{0};           // acknowledged moves (recovered ones included)
  std::atomic<int64_t> move_retries{0};    // of which answered only on a retry
  std::atomic<int64_t> recovered{0};       // moves applied before a crash, answer lost
  std::atomic<int64_t> unanswered{0};      // attempts without an answer (retried)
  std::atomic<int64_t> stale_reads{0};     // GetDispute older than the store
};

// The mediating body and mediator of each street the disputes are triaged to.
struct Staff {
  std::string body_id;
  std::string mediator_id;
};
using StaffByStreet = std::map<std::string, Staff>;

enum class Verb { kTriage, kAssign, kSession, kAgree, kFail, kCourt, kClose, kReopen };

Step StepOf(Verb verb) {
  switch (verb) {
    case Verb::kTriage:
      return {"Triage", "TRIAGED", ""};
    case Verb::kAssign:
      return {"AssignMediator", "IN_MEDIATION", ""};
    case Verb::kSession:
      return {"RecordSession", "IN_MEDIATION", ""};
    case Verb::kAgree:
      return {"RecordAgreement", "AGREED", ""};
    case Verb::kFail:
      return {"RecordFailure", "FAILED", ""};
    case Verb::kCourt:
      return {"ReferToCourt", "REFERRED_TO_COURT", ""};
    case Verb::kClose:
      return {"Close", "CLOSED", ""};
    case Verb::kReopen:
      return {"Reopen", "IN_MEDIATION", ""};
  }
  return {};
}

// The lives the disputes lead (services/mediation/track.cc has the state machine); the fourth
// stays RECEIVED.
const std::vector<std::vector<Verb>>& Plans() {
  using V = Verb;
  static const auto* plans = new std::vector<std::vector<Verb>>{
      {V::kTriage, V::kAssign, V::kSession, V::kAgree, V::kClose},
      {V::kTriage, V::kCourt, V::kClose},
      {V::kTriage, V::kAssign, V::kFail, V::kReopen, V::kSession, V::kAgree, V::kClose, V::kReopen},
      {},
      {V::kTriage, V::kAssign, V::kSession, V::kSession, V::kFail},
  };
  return *plans;
}

// Client threads creating and moving disputes until stopped, each call retried until the
// service answers it.
class Workload {
 public:
  Workload(std::string address, StaffByStreet staff, uint32_t seed, Tally* tally)
      : address_(std::move(address)), staff_(std::move(staff)), seed_(seed), tally_(tally) {}
  ~Workload() {
    abandon_ = true;
    Stop();
  }
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  void Start(int clients) {
    for (int i = 0; i < clients; ++i) {
      std::shared_ptr<grpc::Channel> channel = NewChannel(address_);
      threads_.emplace_back([this, i, channel] { Run(i, channel); });
    }
  }

  // No new call is started; the calls under way get their answer. Joins the clients.
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

  // Acknowledged calls so far.
  int64_t acks() const { return acks_.load(); }
  // Clients that gave up: a call failed for good.
  int halted() const { return halted_.load(); }

  AckedSet Snapshot() const {
    absl::MutexLock lock(&mu_);
    AckedSet out;
    for (const auto& d : ledgers_) {
      if (!d->id.empty()) out[d->request_id] = Acked{d->id, d->steps};
    }
    return out;
  }

  // After Stop().
  std::vector<Ledger> Ledgers() const {
    absl::MutexLock lock(&mu_);
    std::vector<Ledger> out;
    for (const auto& d : ledgers_) out.push_back(*d);
    return out;
  }
  std::vector<std::string> Problems() const {
    absl::MutexLock lock(&mu_);
    return problems_;
  }

 private:
  void Run(int client, const std::shared_ptr<grpc::Channel>& channel) {
    const std::unique_ptr<Stub> stub = mv1::MediationService::NewStub(channel);
    std::mt19937 rng(seed_ * 7919u + static_cast<uint32_t>(client));
    for (int n = 0; !stop_; ++n) {
      Ledger* d = NewLedger(client, n, rng);
      if (!Create(*stub, *d)) {
        ++halted_;
        return;
      }
      const std::vector<Verb>& plan = Plans()[static_cast<size_t>(n + client) % Plans().size()];
      for (size_t i = 0; i < plan.size() && !stop_; ++i) {
        if (!Move(*stub, *d, plan[i], i)) {
          ++halted_;
          return;
        }
      }
    }
  }

  Ledger* NewLedger(int client, int n, std::mt19937& rng) {
    auto d = std::make_unique<Ledger>();
    d->request_id = absl::StrCat("crash-", seed_, "-", client, "-", n);
    // Drawn in this order, so that a seed draws the same disputes again.
    const std::string street = kStreets[rng() % std::size(kStreets)];
    const mv1::DisputeCategory category = kCategories[rng() % std::size(kCategories)];
    const mv1::IntakeChannel channel =
        rng() % 2 == 0 ? mv1::INTAKE_CHANNEL_WALK_IN : mv1::INTAKE_CHANNEL_HOTLINE;
    const std::string community = absl::StrCat(street, "-C0", 1 + rng() % 2);
    d->create = SampleDispute(street, community, absl::StrCat("纠纷 ", d->request_id));
    d->create.set_category(category);
    d->create.set_channel(channel);
    d->create.set_amount_fen(static_cast<int64_t>(rng() % 100000));
    absl::MutexLock lock(&mu_);
    ledgers_.push_back(std::move(d));
    return ledgers_.back().get();
  }

  void Problem(std::string what) {
    absl::MutexLock lock(&mu_);
    problems_.push_back(std::move(what));
  }

  void Backoff() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  bool Create(Stub& stub, Ledger& d) {
    const absl::Time give_up = absl::Now() + kGiveUpAfter;
    for (int attempt = 1;; ++attempt) {
      mv1::Dispute created;
      const grpc::Status status = CreateDispute(stub, d.request_id, d.create, &created, kAttempt);
      if (status.ok()) {
        // Nothing moves a dispute before its create is answered: a retry finds it as created.
        if (created.id().empty() || created.etag() != "v1" ||
            created.state() != mv1::DISPUTE_STATE_RECEIVED) {
          Problem(absl::StrCat("create ", d.request_id, " (attempt ", attempt, ") answered id \"",
                               created.id(), "\" etag ", created.etag(), " state ",
                               mv1::DisputeState_Name(created.state())));
          return false;
        }
        {
          absl::MutexLock lock(&mu_);
          d.id = created.id();
          d.etag = created.etag();
          d.status = StateKey(created.state());
        }
        ++tally_->creates;
        if (attempt > 1) ++tally_->create_retries;
        ++acks_;
        return true;
      }
      if (!Unanswered(status) || abandon_ || absl::Now() > give_up) {
        Problem(
            absl::StrCat("create ", d.request_id, " (attempt ", attempt, "): ", Describe(status)));
        return false;
      }
      ++tally_->unanswered;
      Backoff();
    }
  }

  void Acknowledge(Ledger& d, const Step& step, const std::string& etag) {
    {
      absl::MutexLock lock(&mu_);
      d.steps.push_back(step);
      d.status = step.to_status;
      d.etag = etag;
    }
    ++tally_->moves;
    ++acks_;
  }

  template <typename Request, typename Response>
  static grpc::Status Invoke(Stub& stub,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
                             const Request& request, mv1::Dispute* after) {
    Response response;
    const grpc::Status status = (stub.*method)(AdminContext(kAttempt).get(), request, &response);
    *after = response.dispute();
    return status;
  }

  // A request that moves dispute `id` from `etag`, with the history's `note` where the request
  // carries one.
  template <typename Request>
  static Request MoveRequest(const std::string& id, const std::string& etag,
                             const std::string& note) {
    Request r;
    r.set_id(id);
    r.set_etag(etag);
    if constexpr (requires { r.set_note(note); }) r.set_note(note);
    return r;
  }

  grpc::Status Send(Stub& stub, Verb verb, const Ledger& d, const std::string& etag,
                    const std::string& note, absl::Time hold_time, mv1::Dispute* after) {
    const Staff& staff = staff_.at(d.create.region().street_id());
    switch (verb) {
      case Verb::kTriage: {
        auto r = MoveRequest<mv1::TriageDisputeRequest>(d.id, etag, note);
        r.set_body_id(staff.body_id);
        return Invoke(stub, &Stub::TriageDispute, r, after);
      }
      case Verb::kAssign: {
        auto r = MoveRequest<mv1::AssignMediatorRequest>(d.id, etag, note);
        r.set_mediator_id(staff.mediator_id);
        return Invoke(stub, &Stub::AssignMediator, r, after);
      }
      case Verb::kSession: {
        auto r = MoveRequest<mv1::RecordSessionRequest>(d.id, etag, note);
        *r.mutable_session()->mutable_hold_time() = ToTimestamp(hold_time);
        r.mutable_session()->set_location(note);  // the history's note of a session
        return Invoke(stub, &Stub::RecordSession, r, after);
      }
      case Verb::kAgree:
      case Verb::kFail: {
        auto r = MoveRequest<mv1::RecordOutcomeRequest>(d.id, etag, note);
        r.set_outcome(verb == Verb::kAgree ? mv1::OUTCOME_AGREED : mv1::OUTCOME_FAILED);
        return Invoke(stub, &Stub::RecordOutcome, r, after);
      }
      case Verb::kCourt:
        return Invoke(stub, &Stub::ReferToCourt,
                      MoveRequest<mv1::ReferToCourtRequest>(d.id, etag, note), after);
      case Verb::kClose:
        return Invoke(stub, &Stub::CloseDispute,
                      MoveRequest<mv1::CloseDisputeRequest>(d.id, etag, note), after);
      case Verb::kReopen:
        return Invoke(stub, &Stub::ReopenDispute,
                      MoveRequest<mv1::ReopenDisputeRequest>(d.id, etag, note), after);
    }
    return grpc::Status(grpc::StatusCode::INTERNAL, "unknown verb");
  }

  bool Move(Stub& stub, Ledger& d, Verb verb, size_t index) {
    Step step = StepOf(verb);
    step.note = absl::StrCat(d.request_id, " step ", index + 1, " ", step.action);
    // The same request on every attempt: the session's time too.
    const absl::Time hold_time = absl::Now();
    const std::string etag = d.etag;
    const absl::Time give_up = absl::Now() + kGiveUpAfter;
    for (int attempt = 1;; ++attempt) {
      mv1::Dispute after;
      const grpc::Status status = Send(stub, verb, d, etag, step.note, hold_time, &after);
      if (status.ok()) {
        if (Version(after.etag()) != Version(etag) + 1 ||
            StateKey(after.state()) != step.to_status) {
          Problem(absl::StrCat(d.id, " ", step.action, " from etag ", etag, " answered etag ",
                               after.etag(), " state ", mv1::DisputeState_Name(after.state())));
          return false;
        }
        Acknowledge(d, step, after.etag());
        if (attempt > 1) ++tally_->move_retries;
        return true;
      }
      if (Unanswered(status) && !abandon_ && absl::Now() <= give_up) {
        ++tally_->unanswered;
        Backoff();
        continue;
      }
      if (status.error_code() == grpc::StatusCode::ABORTED && attempt > 1) {
        return Resolve(stub, d, step, etag);
      }
      Problem(absl::StrCat(d.id, " ", step.action, " with etag ", etag, " (attempt ", attempt,
                           "): ", Describe(status)));
      return false;
    }
  }

  // GetDispute, retried while unanswered.
  bool Get(Stub& stub, const std::string& id, mv1::Dispute* out) {
    const absl::Time give_up = absl::Now() + kGiveUpAfter;
    while (true) {
      const grpc::Status status = GetDispute(stub, id, out, kAttempt);
      if (status.ok()) return true;
      if (!Unanswered(status) || abandon_ || absl::Now() > give_up) {
        Problem(absl::StrCat("GetDispute ", id, ": ", Describe(status)));
        return false;
      }
      Backoff();
    }
  }

  // The dispute as ListDisputes gives it: read from the store (lists never come from the
  // cache).
  std::optional<mv1::Dispute> Listed(Stub& stub, const Ledger& d) {
    mv1::ListDisputesRequest query;
    *query.mutable_region() = d.create.region();
    query.set_category(d.create.category());
    // A page that fails ends the search; the pages before it count.
    std::vector<mv1::Dispute> listed;
    (void)ListAllDisputes(stub, query, &listed, kAttempt);
    for (const mv1::Dispute& l : listed) {
      if (l.id() == d.id) return l;
    }
    return std::nullopt;
  }

  // A retried move refused as stale (ABORTED): an earlier attempt was applied before the crash
  // and its answer lost, or the service is wrong. Only this client writes the dispute, so the
  // step must be the last event of its history.
  bool Resolve(Stub& stub, Ledger& d, const Step& step, const std::string& etag) {
    mv1::Dispute now;
    if (!Get(stub, d.id, &now)) return false;
    const std::string applied_etag = absl::StrCat("v", Version(etag) + 1);
    const int n = now.history_size();
    if (n > 0 && now.history(n - 1).note() == step.note &&
        now.history(n - 1).action() == step.action && now.etag() == applied_etag &&
        StateKey(now.state()) == step.to_status) {
      Acknowledge(d, step, now.etag());
      ++tally_->recovered;
      ++tally_->move_retries;
      return true;
    }
    // GetDispute says the step is not there, yet the store refuses the etag: compare with what
    // the store holds.
    const std::optional<mv1::Dispute> listed = Listed(stub, d);
    ++tally_->stale_reads;
    Problem(absl::StrCat(
        d.id, ": ", step.action, " retried with etag ", etag,
        " was refused as stale (ABORTED), but GetDispute answers etag ", now.etag(), ", state ",
        StateKey(now.state()), ", ", n, " history events, the last ",
        n > 0 ? now.history(n - 1).action() : "-", "; ListDisputes (the store) has ",
        listed.has_value()
            ? absl::StrCat("etag ", listed->etag(), ", state ", StateKey(listed->state()))
            : std::string("no such dispute")));
    if (listed.has_value() && listed->etag() == applied_etag &&
        StateKey(listed->state()) == step.to_status) {
      // The store has the step: go on from it, so that the rest of the run still proves the
      // rest.
      Acknowledge(d, step, listed->etag());
      ++tally_->recovered;
      ++tally_->move_retries;
      return true;
    }
    return false;
  }

  const std::string address_;
  const StaffByStreet staff_;
  const uint32_t seed_;
  Tally* const tally_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> abandon_{false};
  std::atomic<int64_t> acks_{0};
  std::atomic<int> halted_{0};
  std::vector<std::thread> threads_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Ledger>> ledgers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> problems_ ABSL_GUARDED_BY(mu_);
};

// ---------------------------------------------------------------------------------------------
// Reading the store back.

// Runs SQL on the store and returns its rows as text.
using SqlProbe =
    std::function<absl::StatusOr<std::vector<std::vector<std::string>>>(const std::string& sql)>;

absl::StatusOr<std::vector<std::vector<std::string>>> SqliteQuery(const std::string& path,
                                                                  const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("open ", path, ": ", message));
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  std::vector<std::vector<std::string>> rows;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string>& row = rows.emplace_back();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
    }
    rc = SQLITE_OK;
  }
  absl::Status status = absl::OkStatus();
  if (rc != SQLITE_DONE) {
    status = absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!status.ok()) return status;
  return rows;
}

SqlProbe SqliteProbe(const std::string& path) {
  return [path](const std::string& sql) { return SqliteQuery(path, sql); };
}

// PRAGMA integrity_check on a SQLite file (its WAL recovered first, as any opener does).
void ExpectIntact(const std::string& path) {
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      SqliteQuery(path, "PRAGMA integrity_check");
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<std::string> lines;
  for (const auto& row : *rows) lines.push_back(absl::StrJoin(row, " "));
  EXPECT_EQ(absl::StrJoin(lines, "\n"), "ok") << path;
}

std::vector<mv1::Dispute> ListAll(Stub& stub) {
  std::vector<mv1::Dispute> all;
  const grpc::Status status = ListAllDisputes(stub, {}, &all, kAttempt);
  EXPECT_TRUE(status.ok()) << "ListDisputes: " << Describe(status);
  return all;
}

// Every dispute of a service, read both ways.
struct Held {
  // ListDisputes, by id: what the store holds (lists are never served from the cache).
  std::map<std::string, mv1::Dispute> listed;
  // GetDispute, by id, with the history.
  std::map<std::string, mv1::Dispute> got;
  // Disputes whose GetDispute is older than the store's (a stale cache entry).
  std::set<std::string> stale;
};

// Expects no id listed twice and GetDispute to agree with the list.
Held ReadAll(Stub& stub) {
  Held held;
  for (const mv1::Dispute& listed : ListAll(stub)) {
    EXPECT_TRUE(held.listed.emplace(listed.id(), listed).second) << listed.id() << " listed twice";
    mv1::Dispute got;
    const grpc::Status status = GetDispute(stub, listed.id(), &got, kAttempt);
    EXPECT_TRUE(status.ok()) << "GetDispute " << listed.id() << ": " << Describe(status);
    if (got.etag() != listed.etag()) {
      held.stale.insert(listed.id());
      ADD_FAILURE() << listed.id() << ": GetDispute answers etag " << got.etag() << " (state "
                    << StateKey(got.state()) << ", " << got.history_size()
                    << " history events), the store (ListDisputes) etag " << listed.etag()
                    << " (state " << StateKey(listed.state()) << ")";
    }
    held.got.emplace(listed.id(), got);
  }
  return held;
}

// The dispute's history after its creation, as "action [note]" lines.
std::string HistoryText(const mv1::Dispute& d) {
  std::vector<std::string> lines;
  for (const gv1::CaseEvent& e : d.history()) {
    lines.push_back(
        absl::StrCat(e.sequence(), " ", e.action(), " -> ", e.to_status(), " [", e.note(), "]"));
  }
  return absl::StrJoin(lines, "\n");
}

std::string StepsText(const std::vector<Step>& steps, size_t n) {
  std::vector<std::string> lines = {"Create"};
  for (size_t i = 0; i < n && i < steps.size(); ++i) {
    lines.push_back(
        absl::StrCat(steps[i].action, " -> ", steps[i].to_status, " [", steps[i].note, "]"));
  }
  return absl::StrJoin(lines, "\n");
}

// True when the history is the creation followed by steps[0..n) (and perhaps more).
bool HistoryStartsWith(const mv1::Dispute& d, const std::vector<Step>& steps, size_t n) {
  if (d.history_size() < 1 + static_cast<int>(n)) return false;
  if (d.history(0).action() != "Create" || d.history(0).to_status() != "RECEIVED") return false;
  for (size_t i = 0; i < n; ++i) {
    const gv1::CaseEvent& e = d.history(static_cast<int>(i) + 1);
    if (e.action() != steps[i].action || e.to_status() != steps[i].to_status ||
        e.note() != steps[i].note) {
      return false;
    }
  }
  return true;
}

// The counts the store keeps against a recount from listing every dispute (and, for the
// transitions, from their histories): the rankings of every dimension, the governance_cases
// gauge, and the count tables themselves.
void ExpectCountsMatch(const Held& held, const std::string& address, int metrics_port,
                       const SqlProbe& sql) {
  const std::map<std::string, mv1::Dispute>& disputes = held.listed;
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  using Counts = std::map<std::string, int64_t>;
  std::map<gv1::RankingDimension, Counts> ranked;
  Counts gauge;   // status|street
  Counts cases;   // street|community|unit|category|status
  Counts events;  // action|status
  std::set<int> years;
  for (const auto& [id, d] : disputes) {
    const std::string status = StateKey(d.state());
    const std::string category = EnumKey(d.category());
    ++ranked[gv1::RANKING_DIMENSION_STREET][d.region().street_id()];
    if (!d.region().community_id().empty()) {
      ++ranked[gv1::RANKING_DIMENSION_COMMUNITY][d.region().community_id()];
    }
    if (!d.body_id().empty()) ++ranked[gv1::RANKING_DIMENSION_UNIT][d.body_id()];
    ++ranked[gv1::RANKING_DIMENSION_CATEGORY][category];
    ++gauge[absl::StrCat(status, "|", d.region().street_id())];
    ++cases[absl::StrJoin(
        {d.region().street_id(), d.region().community_id(), d.body_id(), category, status}, "|")];
    auto got = held.got.find(id);
    if (got != held.got.end()) {
      for (const gv1::CaseEvent& e : got->second.history()) {
        ++events[absl::StrCat(e.action(), "|", e.to_status())];
      }
    }
    years.insert(
        static_cast<int>(absl::ToCivilYear(FromTimestamp(d.create_time()), shanghai).year()));
  }

  // Rankings: cases opened in each year, by dimension (the store's case_counts behind them).
  const std::unique_ptr<gv1::IndicatorsService::Stub> indicators =
      gv1::IndicatorsService::NewStub(NewChannel(address));
  for (auto dimension : {gv1::RANKING_DIMENSION_STREET, gv1::RANKING_DIMENSION_COMMUNITY,
                         gv1::RANKING_DIMENSION_UNIT, gv1::RANKING_DIMENSION_CATEGORY}) {
    Counts listed;
    int64_t total = 0;
    for (int year : years) {
      gv1::ListRankingsRequest request;
      request.mutable_period()->set_year(year);
      request.set_dimension(dimension);
      request.set_limit(100);
      gv1::ListRankingsResponse response;
      const grpc::Status status =
          indicators->ListRankings(AdminContext(kAttempt).get(), request, &response);
      ASSERT_TRUE(status.ok()) << "ListRankings: " << Describe(status);
      total += response.total();
      for (const gv1::RankingEntry& e : response.entries()) listed[e.key()] += e.count();
    }
    EXPECT_EQ(listed, ranked[dimension])
        << "ListRankings by " << gv1::RankingDimension_Name(dimension);
    EXPECT_EQ(total, static_cast<int64_t>(disputes.size()))
        << "ListRankings' total by " << gv1::RankingDimension_Name(dimension);
  }

  // The gauge, as the service last refreshed it (every kGaugeSeconds).
  Counts scraped;
  double scraped_total = -1;
  const absl::Time deadline = absl::Now() + kGaugeTimeout;
  while (true) {
    const std::string reply = HttpGet(metrics_port, "/metrics");
    const size_t body = reply.find("\r\n\r\n");
    const std::string exposition = body == std::string::npos ? "" : reply.substr(body + 4);
    scraped.clear();
    for (const auto& [key, count] : gauge) {
      const std::vector<std::string> parts = absl::StrSplit(key, '|');
      scraped[key] = static_cast<int64_t>(
          ExpositionSum(exposition, "governance_cases",
                        {{"track", kTrack}, {"status", parts[0]}, {"street", parts[1]}})
              .value_or(0));
    }
    scraped_total = ExpositionSum(exposition, "governance_cases", {{"track", kTrack}}).value_or(0);
    if ((scraped == gauge && scraped_total == static_cast<double>(disputes.size())) ||
        absl::Now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(scraped, gauge) << "governance_cases{status,street}";
  EXPECT_EQ(scraped_total, static_cast<double>(disputes.size())) << "governance_cases, in all";

  // The count tables, summed over their days.
  const auto read = [&sql](const std::string& query, Counts* out) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows = sql(query);
    ASSERT_TRUE(rows.ok()) << rows.status();
    for (const std::vector<std::string>& row : *rows) {
      int64_t n = 0;
      ASSERT_TRUE(absl::SimpleAtoi(row.back(), &n)) << row.back();
      (*out)[absl::StrJoin(row.begin(), row.end() - 1, "|")] = n;
    }
  };
  Counts stored_cases;
  ASSERT_NO_FATAL_FAILURE(
      read("SELECT street_id, community_id, unit_id, category, status, SUM(n) FROM case_counts "
           "WHERE track = 'mediation' GROUP BY street_id, community_id, unit_id, category, "
           "status HAVING SUM(n) <> 0",
           &stored_cases));
  EXPECT_EQ(stored_cases, cases) << "case_counts";
  Counts stored_events;
  ASSERT_NO_FATAL_FAILURE(
      read("SELECT action, status, SUM(n) FROM event_counts WHERE track = 'mediation' "
           "GROUP BY action, status HAVING SUM(n) <> 0",
           &stored_events));
  // A stale GetDispute (reported by ReadAll) has lost the history this recount needs.
  if (held.stale.empty()) {
    EXPECT_EQ(stored_events, events) << "event_counts";
  }
}

// ---------------------------------------------------------------------------------------------

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* given = std::getenv("GOV_CRASH_SEED"); given != nullptr) {
      ASSERT_TRUE(absl::SimpleAtoi(given, &seed_)) << "GOV_CRASH_SEED=" << given;
    } else {
      seed_ = std::random_device{}();
    }
    rng_.seed(seed_);
    std::cout << "[ crash    ] seed " << seed_ << " (GOV_CRASH_SEED=" << seed_
              << " draws the same moments)" << std::endl;
    RecordProperty("seed", static_cast<int>(seed_ & 0x7fffffff));
    WriteAdminTokenFile(dir_.File("tokens.json"));
  }

  // The mediation service as the test runs it, logging to <name>.log, its /metrics scraped for
  // the gauge; the store (db_path or database_url) and the Redis are the caller's.
  TrackProcess::Options Mediation(const std::string& name) const {
    TrackProcess::Options options;
    options.track = kTrack;
    options.tokens_file = dir_.File("tokens.json");
    options.log_path = dir_.File(name + ".log");
    options.metrics = true;
    options.args = {"--drain_seconds=1", absl::StrCat("--gauge_seconds=", kGaugeSeconds)};
    return options;
  }

  absl::Duration Draw(int from_ms, int to_ms) {
    return absl::Milliseconds(std::uniform_int_distribution<int>(from_ms, to_ms)(rng_));
  }

  // A street committee and a full-time mediator in each street, before the load.
  void RegisterStaff(const std::string& address, StaffByStreet* out) {
    const std::unique_ptr<Stub> stub = mv1::MediationService::NewStub(NewChannel(address));
    for (const char* street : kStreets) {
      Staff staff;
      {
        mv1::CreateMediatingBodyRequest request;
        request.set_request_id(absl::StrCat("crash-body-", street));
        request.mutable_body()->set_kind(mv1::BODY_KIND_STREET_COMMITTEE);
        request.mutable_body()->set_name(absl::StrCat(street, " 人民调解委员会"));
        request.mutable_body()->mutable_region()->set_street_id(street);
        mv1::CreateMediatingBodyResponse response;
        const grpc::Status status =
            stub->CreateMediatingBody(AdminContext(kAttempt).get(), request, &response);
        ASSERT_TRUE(status.ok()) << "CreateMediatingBody " << street << ": " << Describe(status);
        staff.body_id = response.body().id();
      }
      {
        mv1::CreateMediatorRequest request;
        request.set_request_id(absl::StrCat("crash-mediator-", street));
        request.mutable_mediator()->set_body_id(staff.body_id);
        request.mutable_mediator()->set_name("调解员");
        request.mutable_mediator()->set_full_time(true);
        mv1::CreateMediatorResponse response;
        const grpc::Status status =
            stub->CreateMediator(AdminContext(kAttempt).get(), request, &response);
        ASSERT_TRUE(status.ok()) << "CreateMediator " << street << ": " << Describe(status);
        staff.mediator_id = response.mediator().id();
      }
      (*out)[street] = staff;
    }
  }

  // Waits until the clients have `target` acknowledged calls.
  static void AwaitAcks(const Workload& load, int64_t target) {
    const absl::Time deadline = absl::Now() + kProgressTimeout;
    while (load.acks() < target) {
      ASSERT_EQ(load.halted(), 0) << "a client stopped:\n" << absl::StrJoin(load.Problems(), "\n");
      ASSERT_LT(absl::Now(), deadline)
          << "the clients made " << load.acks() << " acknowledged calls, not " << target;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // Everything the clients were answered is what the service holds, exactly: every dispute
  // once with every acknowledged step in order, a create sent again returns the same dispute,
  // and the counts equal a recount.
  static void ExpectHoldsExactly(const TrackProcess& service, const std::vector<Ledger>& ledgers,
                                 const SqlProbe& sql) {
    const std::unique_ptr<Stub> stub =
        mv1::MediationService::NewStub(NewChannel(service.address()));
    const Held held = ReadAll(*stub);
    EXPECT_EQ(held.listed.size(), ledgers.size())
        << "cases stored vs distinct request ids created (every one acknowledged)";
    for (const Ledger& d : ledgers) {
      auto listed = held.listed.find(d.id);
      if (listed == held.listed.end()) {
        ADD_FAILURE() << "acknowledged create " << d.request_id << " -> " << d.id << " is missing";
        continue;
      }
      EXPECT_TRUE(StateKey(listed->second.state()) == d.status && listed->second.etag() == d.etag)
          << d.id << " (" << d.request_id << ") is " << StateKey(listed->second.state()) << " "
          << listed->second.etag() << " in the store; acknowledged: " << d.status << " " << d.etag;
      // A stale GetDispute is reported by ReadAll; its history is the stale one.
      if (held.stale.contains(d.id)) continue;
      const mv1::Dispute& got = held.got.at(d.id);
      EXPECT_TRUE(got.history_size() == 1 + static_cast<int>(d.steps.size()) &&
                  HistoryStartsWith(got, d.steps, d.steps.size()))
          << d.id << " (" << d.request_id << ") history:\n"
          << HistoryText(got) << "\nexpected:\n"
          << StepsText(d.steps, d.steps.size());
    }
    // Retries of every create, after the crashes: the same dispute, no new one.
    for (const Ledger& d : ledgers) {
      mv1::Dispute again;
      const grpc::Status status = CreateDispute(*stub, d.request_id, d.create, &again, kAttempt);
      ASSERT_TRUE(status.ok()) << "CreateDispute again " << d.request_id << ": "
                               << Describe(status);
      EXPECT_EQ(again.id(), d.id) << d.request_id << " created again";
    }
    EXPECT_EQ(ListAll(*stub).size(), ledgers.size()) << "after the creates were sent again";
    ExpectCountsMatch(held, service.address(), service.metrics_port(), sql);
  }

  void Report(const Tally& tally, int kills, int cuts, int64_t disputes, absl::Duration took) {
    const std::vector<std::pair<const char*, int64_t>> numbers = {
        {"disputes", disputes},
        {"acknowledged_creates", tally.creates.load()},
        {"creates_answered_on_retry", tally.create_retries.load()},
        {"acknowledged_transitions", tally.moves.load()},
        {"transitions_answered_on_retry", tally.move_retries.load()},
        {"transitions_applied_before_crash", tally.recovered.load()},
        {"unanswered_attempts", tally.unanswered.load()},
        {"stale_reads", tally.stale_reads.load()},
        {"kills", kills},
        {"power_cuts", cuts},
        {"seconds", absl::ToInt64Seconds(took)},
    };
    std::vector<std::string> parts;
    for (const auto& [name, value] : numbers) {
      RecordProperty(name, static_cast<int>(value));
      parts.push_back(absl::StrCat(name, "=", value));
    }
    std::cout << "[ crash    ] " << absl::StrJoin(parts, " ") << std::endl;
  }

  // SIGKILL cycles under load on the store of `options` (see Mediation), then the whole check.
  void KillCycles(TrackProcess::Options options, const SqlProbe& sql) {
    const absl::Time started = absl::Now();
    RedisServer redis;
    const absl::Status redis_started = redis.Start();
    ASSERT_TRUE(redis_started.ok()) << redis_started;
    options.redis = redis.address();
    TrackProcess service(options);
    ASSERT_NO_FATAL_FAILURE(StartService(service));
    StaffByStreet staff;
    ASSERT_NO_FATAL_FAILURE(RegisterStaff(service.address(), &staff));

    Tally tally;
    int kills = 0;
    {
      Workload load(service.address(), staff, seed_, &tally);
      load.Start(kClients);
      for (int cycle = 0; cycle < kKillCycles; ++cycle) {
        ASSERT_NO_FATAL_FAILURE(AwaitAcks(load, load.acks() + kAcksBeforeKill));
        std::this_thread::sleep_for(absl::ToChronoNanoseconds(Draw(20, 700)));
        ASSERT_NO_FATAL_FAILURE(KillService(service)) << "log:\n" << service.LogTail();
        ++kills;
        // Down for a while: the clients' calls fail and wait.
        std::this_thread::sleep_for(absl::ToChronoNanoseconds(Draw(0, 300)));
        ASSERT_NO_FATAL_FAILURE(StartService(service));
      }
      ASSERT_NO_FATAL_FAILURE(AwaitAcks(load, load.acks() + 2 * kAcksBeforeKill));
      load.Stop();
      const std::vector<std::string> problems = load.Problems();
      EXPECT_TRUE(problems.empty()) << problems.size() << " wrong answers:\n"
                                    << absl::StrJoin(problems, "\n") << "\nlog of the last start:\n"
                                    << service.LogTail();
      const std::vector<Ledger> ledgers = load.Ledgers();
      ASSERT_NO_FATAL_FAILURE(ExpectHoldsExactly(service, ledgers, sql));
      Report(tally, kills, 0, static_cast<int64_t>(ledgers.size()), absl::Now() - started);
    }
    EXPECT_GE(tally.unanswered.load(), 1) << "no call was ever cut by a kill";
    if (options.database_url.empty()) {
      // Killed once more: the file as the last crash left it.
      ASSERT_NO_FATAL_FAILURE(KillService(service));
      ExpectIntact(options.db_path);
    }
  }

  TempDir dir_;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
};

class PostgresCrashTest : public CrashTest {};

TEST_F(CrashTest, SigkillUnderLoadLosesAndDoublesNothing) {
  TrackProcess::Options options = Mediation("mediation");
  options.db_path = dir_.File("mediation.db");
  KillCycles(options, SqliteProbe(options.db_path));
}

TEST_F(PostgresCrashTest, SigkillUnderLoadLosesAndDoublesNothing) {
  absl::StatusOr<PostgresServer*> pg = SharedPostgres();
  ASSERT_TRUE(pg.ok()) << pg.status();
  absl::StatusOr<std::string> url = (*pg)->CreateUniqueDatabase("crash");
  ASSERT_TRUE(url.ok()) << url.status();
  const std::string database = url->substr(url->rfind('/') + 1);
  TrackProcess::Options options = Mediation("mediation");
  options.database_url = *url;
  PostgresServer* server = *pg;
  KillCycles(options,
             [server, database](const std::string& sql) { return server->Query(database, sql); });
}

// One power cut: the copied files and what the clients had been answered when it happened.
struct Cut {
  std::string dir;
  AckedSet acked;
};

TEST_F(CrashTest, PowerLossKeepsEveryAcknowledgedWrite) {
  const absl::Time started = absl::Now();
  RedisServer redis;
  const absl::Status redis_started = redis.Start();
  ASSERT_TRUE(redis_started.ok()) << redis_started;
  TrackProcess::Options options = Mediation("mediation");
  options.db_path = dir_.File("mediation.db");
  options.redis = redis.address();
  TrackProcess service(options);
  ASSERT_NO_FATAL_FAILURE(StartService(service));
  StaffByStreet staff;
  ASSERT_NO_FATAL_FAILURE(RegisterStaff(service.address(), &staff));

  Tally tally;
  std::vector<Cut> cuts;
  std::vector<Ledger> ledgers;
  {
    Workload load(service.address(), staff, seed_, &tally);
    load.Start(kClients);
    for (int i = 0; i < kPowerCuts; ++i) {
      ASSERT_NO_FATAL_FAILURE(AwaitAcks(load, load.acks() + 3 * kAcksBeforeKill));
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(Draw(20, 700)));
      Cut cut;
      cut.dir = dir_.File(absl::StrCat("cut-", i));
      std::filesystem::create_directory(cut.dir);
      ASSERT_TRUE(service.Signal(SIGSTOP).ok());
      const bool stopped = WaitStopped(service.process()->pid(), absl::Seconds(10));
      if (stopped) {
        // The file system's view at the cut: the database and its WAL, twice (one copy for the
        // service, one untouched for the integrity check). Not the -shm.
        for (const char* name : {"mediation.db", "pristine.db"}) {
          for (const char* suffix : {"", "-wal"}) {
            const std::string from = options.db_path + suffix;
            if (!std::filesystem::exists(from)) continue;
            std::filesystem::copy_file(from, absl::StrCat(cut.dir, "/", name, suffix));
          }
        }
      }
      // Answers that reached the clients while the service was stopped were sent before it.
      cut.acked = load.Snapshot();
      ASSERT_TRUE(service.Signal(SIGCONT).ok());
      ASSERT_TRUE(stopped) << "the service's threads did not all stop";
      cuts.push_back(std::move(cut));
    }
    ASSERT_NO_FATAL_FAILURE(AwaitAcks(load, load.acks() + 2 * kAcksBeforeKill));
    load.Stop();
    const std::vector<std::string> problems = load.Problems();
    EXPECT_TRUE(problems.empty()) << problems.size() << " wrong answers:\n"
                                  << absl::StrJoin(problems, "\n");
    ledgers = load.Ledgers();
  }
  ASSERT_NO_FATAL_FAILURE(ExpectHoldsExactly(service, ledgers, SqliteProbe(options.db_path)));

  // What the live service went on to hold, by id: each copy holds a beginning of it.
  std::map<std::string, const Ledger*> final_by_id;
  for (const Ledger& d : ledgers) final_by_id[d.id] = &d;
  for (size_t i = 0; i < cuts.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("power cut ", i));
    const Cut& cut = cuts[i];
    ExpectIntact(absl::StrCat(cut.dir, "/pristine.db"));
    RedisServer own_redis;
    const absl::Status own_started = own_redis.Start();
    ASSERT_TRUE(own_started.ok()) << own_started;
    TrackProcess::Options copy_options = Mediation(absl::StrCat("cut-", i));
    copy_options.db_path = absl::StrCat(cut.dir, "/mediation.db");
    copy_options.redis = own_redis.address();
    TrackProcess copy(copy_options);
    ASSERT_NO_FATAL_FAILURE(StartService(copy));
    const std::unique_ptr<Stub> stub = mv1::MediationService::NewStub(NewChannel(copy.address()));
    const Held held = ReadAll(*stub);
    size_t acked_steps = 0;
    for (const auto& [request_id, acked] : cut.acked) {
      acked_steps += acked.steps.size();
      auto it = held.got.find(acked.id);
      if (it == held.got.end()) {
        ADD_FAILURE() << "create " << request_id << " -> " << acked.id
                      << " was acknowledged before the cut and is missing after it";
        continue;
      }
      EXPECT_TRUE(HistoryStartsWith(it->second, acked.steps, acked.steps.size()))
          << acked.id << ": the steps acknowledged before the cut are not all there; history:\n"
          << HistoryText(it->second) << "\nacknowledged:\n"
          << StepsText(acked.steps, acked.steps.size());
    }
    for (const auto& [id, d] : held.got) {
      auto live = final_by_id.find(id);
      if (live == final_by_id.end()) {
        ADD_FAILURE() << id << " is in the copy but the live service never answered it";
        continue;
      }
      const std::vector<Step>& steps = live->second->steps;
      EXPECT_TRUE(d.history_size() >= 1 && d.history_size() <= 1 + static_cast<int>(steps.size()) &&
                  HistoryStartsWith(d, steps, static_cast<size_t>(d.history_size() - 1)))
          << id << ": the copy's history is not a beginning of the live one; copy:\n"
          << HistoryText(d) << "\nlive:\n"
          << StepsText(steps, steps.size());
    }
    ExpectCountsMatch(held, copy.address(), copy.metrics_port(), SqliteProbe(copy_options.db_path));
    std::cout << "[ crash    ] power cut " << i << ": " << cut.acked.size()
              << " acknowledged creates and " << acked_steps
              << " acknowledged transitions before it; the copy holds " << held.listed.size()
              << " disputes" << std::endl;
    RecordProperty(absl::StrCat("cut_", i, "_acknowledged_creates"),
                   static_cast<int>(cut.acked.size()));
    RecordProperty(absl::StrCat("cut_", i, "_acknowledged_transitions"),
                   static_cast<int>(acked_steps));
    EXPECT_GE(cut.acked.size(), 1u) << "nothing was acknowledged before the cut";
  }
  Report(tally, 0, static_cast<int>(cuts.size()), static_cast<int64_t>(ledgers.size()),
         absl::Now() - started);
}

}  // namespace
}  // namespace gov::testing
