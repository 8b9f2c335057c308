// bulk_load: fills a mediation store with disputes for the benchmarks (10 k, 100 k, 1 M cases),
// quickly and through the real write path. Every dispute is created and moved on by the case
// engine over the SQLite repository, exactly as the service would do it (ids, history, counts,
// idempotency rows), with an engine per thread whose clock is set to each step's moment: the
// disputes are taken in over the past months in order of time and live the demo loader's lives
// (triage, a mediator, sessions, an outcome, closing; some referred to court, reopened, or left
// open past their SLA). Many threads keep the store's single writer busy: it commits whatever
// queued up during the previous commit as one group, sharing its fsync.
//
//   bulk_load --db_path=P (--cases=N | --total=N) [--threads=64] [--regions_file=F]
//             [--holidays_file=F] [--start_days_ago=400] [--seed=1] [--max_group=256]
//
// --cases adds N disputes to what is there; --total adds as many as the store needs to hold N.
// An empty store first gets the demo data (registry of bodies and mediators, trainings, the
// court's intake figures and the demo's ~400 disputes): disputes are routed to its bodies. After
// the disputes, the SLA breach scan a service runs at start-up is run once, so that a service
// started on the store does not spend its first minutes marking the loaded backlog. The cache
// is not written: a Redis that served a service on this store before must be flushed.
//
// Progress goes to stderr; stdout gets one JSON line:
//   {"cases_added":N,"total_cases":N,"seconds":S,"cases_per_s":R,...}
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/demo/random.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/server/track_main.h"
#include "common/store/repository.h"
#include "common/store/sqlite_store.h"
#include "common/util/status.h"
#include "prometheus/registry.h"
#include "services/mediation/demo_data.h"
#include "services/mediation/disputes.h"
#include "services/mediation/mediators.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"
#include "services/mediation/track.h"

namespace gov::bench {
namespace {

using demo::Mix;

namespace mediation = ::gov::mediation;

constexpr char kActor[] = "bulk-loader";
constexpr absl::Duration kProgressEvery = absl::Seconds(5);

struct Options {
  std::string db_path;
  int64_t cases = -1;  // disputes to add
  int64_t total = -1;  // or: disputes the store should hold
  // Writes in flight. The store's writer commits what queued up meanwhile as one group, so
  // groups (and throughput) grow with the writers waiting: on 2 cores 8 threads made groups of
  // 4 and a third of the throughput of 64 (groups of ~30); 256 gained nothing more.
  int threads = 64;
  std::string regions_file = GOV_SOURCE_DIR "/data/regions.json";
  std::string holidays_file = GOV_SOURCE_DIR "/data/holidays.json";
  int start_days_ago = 400;
  uint64_t seed = 1;
  int max_group = 256;
};

constexpr char kUsage[] =
    "usage: bulk_load --db_path=P (--cases=N | --total=N) [--threads=64] [--regions_file=F]\n"
    "                 [--holidays_file=F] [--start_days_ago=400] [--seed=1] [--max_group=256]\n";

absl::StatusOr<Options> ParseFlags(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (arg.substr(0, 2) != "--" || eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("expected --name=value, got \"", arg, "\""));
    }
    const absl::string_view name = arg.substr(2, eq - 2);
    const absl::string_view value = arg.substr(eq + 1);
    auto number = [&](auto* out, int64_t min) -> absl::Status {
      int64_t n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < min) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " must be a whole number >= ", min));
      }
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(n);
      return absl::OkStatus();
    };
    if (name == "db_path") {
      o.db_path = std::string(value);
    } else if (name == "cases") {
      GOV_RETURN_IF_ERROR(number(&o.cases, 0));
    } else if (name == "total") {
      GOV_RETURN_IF_ERROR(number(&o.total, 0));
    } else if (name == "threads") {
      GOV_RETURN_IF_ERROR(number(&o.threads, 1));
    } else if (name == "regions_file") {
      o.regions_file = std::string(value);
    } else if (name == "holidays_file") {
      o.holidays_file = std::string(value);
    } else if (name == "start_days_ago") {
      GOV_RETURN_IF_ERROR(number(&o.start_days_ago, 0));
    } else if (name == "seed") {
      GOV_RETURN_IF_ERROR(number(&o.seed, 0));
    } else if (name == "max_group") {
      GOV_RETURN_IF_ERROR(number(&o.max_group, 1));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
  }
  if (o.db_path.empty()) return absl::InvalidArgumentError("--db_path is required");
  if ((o.cases < 0) == (o.total < 0)) {
    return absl::InvalidArgumentError("give exactly one of --cases and --total");
  }
  return o;
}

void Progress(const std::string& line) { std::fprintf(stderr, "bulk_load: %s\n", line.c_str()); }

// Every dispute the store holds, from the engine's counts (one row per day and key, so this is
// cheap however many cases there are).
absl::StatusOr<int64_t> CountDisputes(store::Repository& repo) {
  store::CountQuery query;
  query.track = mediation::kTrack;
  query.first = absl::CivilDay(1970, 1, 1);
  query.last = absl::CivilDay(2999, 12, 31);
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, repo.SumCases(query));
  int64_t total = 0;
  for (const store::CountRow& row : rows) total += row.count;
  return total;
}

// The registry as the demo loader writes it, when the store has no bodies yet (it then also
// holds the demo's disputes, trainings and court intake figures, which the indicators need).
absl::Status EnsureRegistry(store::Repository& repo, const regions::RegionRegistry& regions,
                            const cal::WorkCalendar& calendar) {
  store::EntityFilter bodies;
  bodies.track = mediation::kTrack;
  bodies.kind = mediation::kBodyEntity;
  GOV_ASSIGN_OR_RETURN(const int64_t present, repo.CountEntities(bodies));
  if (present > 0) return absl::OkStatus();
  Progress("empty store: loading the demo registry (and the demo's disputes)");
  // The track as the service declares it, only for its demo load (it serves nothing here, so it
  // needs no handlers, cache or metrics).
  server::TrackDeps deps;
  deps.repo = &repo;
  deps.regions = &regions;
  deps.calendar = &calendar;
  deps.clock = SystemClock::Get();
  mediation::MediationTrack track(deps);
  return track.LoadDemoData();
}

// Dispute numbers [first, first + count) created and moved on by `threads` workers, each with
// its own engine and settable clock; the first error stops every worker.
class Loader {
 public:
  Loader(const Options& options, store::Repository* repo, const regions::RegionRegistry* regions,
         const cal::WorkCalendar* calendar, const mediation::Router* router,
         const mediation::MediatorsByBody* mediators, absl::Time now)
      : options_(options),
        repo_(repo),
        regions_(regions),
        calendar_(calendar),
        router_(router),
        mediators_(mediators),
        now_(now),
        first_day_(cal::LocalDay(now) - options.start_days_ago) {
    actor_.id = kActor;
    actor_.roles.insert(auth::kDistrictAdmin);
  }

  absl::Status Run(int64_t first, int64_t count) {
    first_ = first;
    count_ = count;
    std::vector<std::thread> workers;
    for (int w = 0; w < options_.threads; ++w) workers.emplace_back([this] { Work(); });
    const absl::Time started = absl::Now();
    int64_t last_done = 0;
    absl::Time last_time = started;
    while (!finished_.WaitForNotificationWithTimeout(kProgressEvery)) {
      const int64_t done = done_.load();
      const absl::Time t = absl::Now();
      Progress(absl::StrFormat(
          "%d/%d disputes, %.0f/s now, %.0f/s overall", done, count,
          static_cast<double>(done - last_done) / absl::ToDoubleSeconds(t - last_time),
          static_cast<double>(done) / absl::ToDoubleSeconds(t - started)));
      last_done = done;
      last_time = t;
    }
    for (std::thread& t : workers) t.join();
    absl::MutexLock lock(&mu_);
    return first_error_;
  }

 private:
  void Work() {
    FakeClock clock(now_);
    cases::CaseEngine engine(mediation::MediationSpec(), repo_, nullptr, calendar_, &clock,
                             nullptr);
    for (int64_t i = next_++; i < count_; i = next_++) {
      if (stop_.load()) break;
      absl::Status status = One(engine, clock, i);
      if (!status.ok()) {
        absl::MutexLock lock(&mu_);
        if (first_error_.ok()) first_error_ = status;
        stop_.store(true);
        break;
      }
      if (++done_ == count_) finished_.Notify();
    }
    if (running_.fetch_sub(1) == 1 && !finished_.HasBeenNotified()) finished_.Notify();
  }

  // The i-th dispute of this run. Disputes are taken in in order of time, from the first day
  // of the span to today, as a district takes them in: ids follow time, and the disputes in
  // flight at once share their days, so their writes land on the same pages of the store's
  // time-ordered indexes and day-keyed counts (random days would cost several times the I/O).
  absl::Status One(cases::CaseEngine& engine, FakeClock& clock, int64_t i) {
    const int64_t number = first_ + i;
    const uint64_t seed = Mix(options_.seed * 0x100000001b3ULL + static_cast<uint64_t>(number));
    const absl::CivilDay day =
        first_day_ + (i * (options_.start_days_ago + 1)) / std::max<int64_t>(count_, 1);
    mediation::InventedDispute invented =
        mediation::InventDispute(*regions_, now_, options_.start_days_ago, seed, day);
    const cases::NewCase input = mediation::NewDisputeCase(invented.dispute);
    clock.Set(invented.created);
    GOV_ASSIGN_OR_RETURN(
        const cases::Case created,
        engine.Create(actor_, input, absl::StrCat("bulk-", options_.seed, "-", number),
                      cases::CaseEngine::RequestHash(input.payload)));
    // A request id seen before (a rerun over the same numbers) returns the first case, which
    // has been moved on already.
    if (created.record.version != 1) return absl::OkStatus();
    return mediation::LiveDisputeLife(&engine, &clock, router_, *mediators_, nullptr, actor_, now_,
                                      {created.record.id, created.etag(), invented.created, seed});
  }

  const Options& options_;
  store::Repository* const repo_;
  const regions::RegionRegistry* const regions_;
  const cal::WorkCalendar* const calendar_;
  const mediation::Router* const router_;
  const mediation::MediatorsByBody* const mediators_;
  const absl::Time now_;
  const absl::CivilDay first_day_;
  auth::Principal actor_;

  int64_t first_ = 0;
  int64_t count_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> running_{options_.threads};
  std::atomic<bool> stop_{false};
  absl::Notification finished_;
  absl::Mutex mu_;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

// Mean number of writes committed together (governance_store_write_group_size), 0 when none.
double MeanWriteGroup(prometheus::Registry& metrics) {
  for (const prometheus::MetricFamily& family : metrics.Collect()) {
    if (family.name != "governance_store_write_group_size" || family.metric.empty()) continue;
    const prometheus::ClientMetric::Histogram& h = family.metric.front().histogram;
    return h.sample_count == 0 ? 0 : h.sample_sum / static_cast<double>(h.sample_count);
  }
  return 0;
}

absl::Status Main(const Options& options) {
  const absl::Time started = absl::Now();
  GOV_ASSIGN_OR_RETURN(const std::unique_ptr<regions::RegionRegistry> regions,
                       regions::RegionRegistry::LoadFile(options.regions_file));
  GOV_ASSIGN_OR_RETURN(const std::unique_ptr<cal::WorkCalendar> calendar,
                       cal::WorkCalendar::LoadFile(options.holidays_file));
  store::SqliteOptions store_options;
  store_options.path = options.db_path;
  store_options.max_group = options.max_group;
  // The store's own metrics tell how many writes shared each commit.
  prometheus::Registry metrics;
  GOV_ASSIGN_OR_RETURN(const std::unique_ptr<store::Repository> repo,
                       store::OpenSqlite(store_options, &metrics));

  const mediation::Registries registries(repo.get(), nullptr, SystemClock::Get());
  GOV_ASSIGN_OR_RETURN(const int64_t before, CountDisputes(*repo));
  GOV_RETURN_IF_ERROR(EnsureRegistry(*repo, *regions, *calendar));
  GOV_ASSIGN_OR_RETURN(const int64_t present, CountDisputes(*repo));
  GOV_ASSIGN_OR_RETURN(const mediation::MediatorsByBody mediators,
                       mediation::AllMediatorsByBody(registries.mediators));
  const int64_t to_add =
      options.cases >= 0 ? options.cases : std::max<int64_t>(0, options.total - present);
  Progress(absl::StrFormat("%s holds %d disputes; adding %d with %d threads", options.db_path,
                           present, to_add, options.threads));

  const absl::Time now = absl::Now();
  const mediation::Router router(&registries.bodies);
  const absl::Time load_started = absl::Now();
  Loader loader(options, repo.get(), regions.get(), calendar.get(), &router, &mediators, now);
  // Dispute numbers continue from the number of disputes present, so reruns and incremental
  // loads use fresh request ids.
  GOV_RETURN_IF_ERROR(loader.Run(present, to_add));
  const double load_seconds = absl::ToDoubleSeconds(absl::Now() - load_started);

  // What the service would do first on this store.
  const absl::Time scan_started = absl::Now();
  cases::CaseEngine engine(mediation::MediationSpec(), repo.get(), nullptr, calendar.get(),
                           SystemClock::Get(), nullptr);
  GOV_ASSIGN_OR_RETURN(const int breaches, engine.ScanBreaches());
  const double scan_seconds = absl::ToDoubleSeconds(absl::Now() - scan_started);
  Progress(absl::StrFormat("SLA breach scan marked %d disputes in %.1fs", breaches, scan_seconds));

  GOV_ASSIGN_OR_RETURN(const int64_t total, CountDisputes(*repo));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  std::printf(
      "{\"cases_added\":%lld,\"total_cases\":%lld,\"seconds\":%.1f,\"cases_per_s\":%.0f,"
      "\"load_seconds\":%.1f,\"breach_scan_seconds\":%.1f,\"breaches_marked\":%d,"
      "\"threads\":%d,\"mean_write_group\":%.1f}\n",
      static_cast<long long>(total - before), static_cast<long long>(total), seconds,
      load_seconds > 0 ? static_cast<double>(to_add) / load_seconds : 0.0, load_seconds,
      scan_seconds, breaches, options.threads, MeanWriteGroup(metrics));
  std::fflush(stdout);
  return absl::OkStatus();
}

}  // namespace
}  // namespace gov::bench

int main(int argc, char** argv) {
  absl::StatusOr<gov::bench::Options> options = gov::bench::ParseFlags(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "bulk_load: %s\n%s", std::string(options.status().message()).c_str(),
                 gov::bench::kUsage);
    return 2;
  }
  absl::Status status = gov::bench::Main(*options);
  if (!status.ok()) {
    std::fprintf(stderr, "bulk_load: error: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
