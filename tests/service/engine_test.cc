// The shared case engine on each store (a real SQLite file, a real PostgreSQL server: the
// EngineTest suite is instantiated as Sqlite/... and Postgres/...) and a real redis-server, with a
// fake clock.

#include "common/cases/engine.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/codec.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/metrics.h"
#include "tests/support/redis_server.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"

namespace gov::cases {
namespace {

using ::gov::testing::Backend;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTrack[] = "enginetest";
// A role of the test track's own (as mediation declares "mediator").
constexpr char kMediator[] = "mediator";

using gov::testing::Local;

// RECEIVED -> TRIAGED -> IN_PROGRESS -> RESOLVED -> CLOSED, a reopen, a note that stays, and a
// self-transition that re-enters IN_PROGRESS with a fresh clock.
TrackSpec TestSpec() {
  TrackSpec spec;
  spec.track = kTrack;
  spec.id_prefix = "T";
  spec.initial_state = "RECEIVED";
  spec.states = {
      {"RECEIVED", StateClass::kOpen, cal::Sla::WorkingDays(1)},
      {"TRIAGED", StateClass::kOpen, cal::Sla::WorkingDays(3)},
      {"IN_PROGRESS", StateClass::kOpen, cal::Sla::Hours(48)},
      {"RESOLVED", StateClass::kResolved, cal::Sla::None()},
      {"CLOSED", StateClass::kClosed, cal::Sla::None()},
  };
  spec.transitions = {
      {"Triage", {"RECEIVED"}, "TRIAGED", {auth::kStreetOperator}},
      {"Start", {"TRIAGED"}, "IN_PROGRESS", {auth::kStreetOperator, kMediator}},
      {"Resolve", {"IN_PROGRESS"}, "RESOLVED", {kMediator}},
      {"Close", {"RESOLVED"}, "CLOSED", {auth::kStreetOperator}},
      {"Reopen", {"RESOLVED", "CLOSED"}, "IN_PROGRESS", {auth::kStreetOperator}},
      {"AddNote", {}, "", {auth::kStreetOperator, kMediator}},
      {"Extend", {"IN_PROGRESS"}, "IN_PROGRESS", {auth::kStreetOperator}},
  };
  spec.create_roles = {auth::kStreetOperator};
  spec.other_create_states = {"CLOSED"};
  return spec;
}

auth::Principal MakePrincipal(std::string id, std::vector<std::string> roles,
                              std::vector<std::string> streets) {
  auth::Principal p;
  p.id = std::move(id);
  p.roles.insert(roles.begin(), roles.end());
  p.streets.insert(streets.begin(), streets.end());
  return p;
}

class EngineTest : public ::testing::TestWithParam<Backend> {
 protected:
  EngineTest() : store_(GetParam()), clock_(Local(2026, 2, 12, 10)) {}

  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    auto repo = store_.Open(&registry_);
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = *std::move(repo);
    auto calendar = cal::WorkCalendar::LoadFile(gov::testing::SourcePath("data/holidays.json"));
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = *std::move(calendar);
    cache::CacheOptions options;
    options.address = redis_.address();
    options.prefix = "gov:enginetest:";
    options.open_interval = absl::Seconds(2);
    cache_ = cache::Cache::Create(options, &registry_, &clock_);
    engine_ = std::make_unique<CaseEngine>(TestSpec(), repo_.get(), cache_.get(), calendar_.get(),
                                           &clock_, &registry_);
  }

  NewCase InStreet(const std::string& street, const std::string& payload = "p") {
    NewCase input;
    input.category = "neighbour";
    input.street_id = street;
    input.community_id = street + "-C01";
    input.payload = payload;
    return input;
  }

  // Creates a case with a fresh request id and a payload-derived hash.
  Case MustCreate(const auth::Principal& who, const NewCase& input) {
    const std::string request_id = absl::StrCat("req-", ++request_seq_);
    auto created = engine_->Create(who, input, request_id,
                                   CaseEngine::RequestHash(request_id + input.payload));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : Case{};
  }

  Case MustTransition(const auth::Principal& who, const std::string& verb, const Case& c) {
    auto moved = engine_->Transition(who, verb, c.record.id, c.etag(), "note");
    EXPECT_TRUE(moved.ok()) << verb << ": " << moved.status();
    return moved.ok() ? *moved : Case{};
  }

  // Every case the principal sees with `filter`, paging through all pages.
  std::vector<Case> ListAll(const auth::Principal& who, store::CaseFilter filter = {},
                            int page_size = 100) {
    std::vector<Case> all;
    ListRequest request;
    request.filter = filter;
    request.page_size = page_size;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = engine_->List(who, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      all.insert(all.end(), page->cases.begin(), page->cases.end());
      if (page->next_page_token.empty()) break;
      request.page_token = page->next_page_token;
    }
    return all;
  }

  double CacheHits() {
    return gov::testing::MetricValue(registry_, "governance_cache_requests_total",
                                     {{"result", "hit"}});
  }

  // How many times the store ran `op` (samples of governance_store_query_seconds{op}).
  uint64_t StoreCalls(const std::string& op) {
    return static_cast<uint64_t>(
        gov::testing::MetricValue(registry_, "governance_store_query_seconds", {{"op", op}}));
  }

  const auth::Principal admin_ = MakePrincipal("admin", {auth::kDistrictAdmin}, {});
  const auth::Principal op1_ = MakePrincipal("op-gs01", {auth::kStreetOperator}, {"GS01"});
  const auth::Principal op2_ = MakePrincipal("op-gs02", {auth::kStreetOperator}, {"GS02"});
  const auth::Principal mediator1_ = MakePrincipal("med-gs01", {kMediator}, {"GS01"});
  const auth::Principal viewer_ = MakePrincipal("viewer", {auth::kViewer}, {});

  gov::testing::TestStore store_;
  gov::testing::RedisServer redis_;
  prometheus::Registry registry_;
  FakeClock clock_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<cal::WorkCalendar> calendar_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<CaseEngine> engine_;
  int request_seq_ = 0;
};

TEST(TrackSpecTest, ValidateSpecCatchesDeclarationMistakes) {
  EXPECT_TRUE(CaseEngine::ValidateSpec(TestSpec()).ok());

  TrackSpec unknown_target = TestSpec();
  unknown_target.transitions.push_back({"Archive", {"CLOSED"}, "ARCHIVED", {}});
  EXPECT_EQ(CaseEngine::ValidateSpec(unknown_target).code(), absl::StatusCode::kInternal);

  TrackSpec unknown_source = TestSpec();
  unknown_source.transitions.push_back({"Wake", {"SLEEPING"}, "RECEIVED", {}});
  EXPECT_EQ(CaseEngine::ValidateSpec(unknown_source).code(), absl::StatusCode::kInternal);

  TrackSpec duplicate_verb = TestSpec();
  duplicate_verb.transitions.push_back({"Triage", {"TRIAGED"}, "RECEIVED", {}});
  EXPECT_EQ(CaseEngine::ValidateSpec(duplicate_verb).code(), absl::StatusCode::kInternal);

  TrackSpec reserved = TestSpec();
  reserved.transitions.push_back({"SlaBreach", {}, "", {}});
  EXPECT_EQ(CaseEngine::ValidateSpec(reserved).code(), absl::StatusCode::kInternal);

  TrackSpec no_initial = TestSpec();
  no_initial.initial_state = "NEW";
  EXPECT_EQ(CaseEngine::ValidateSpec(no_initial).code(), absl::StatusCode::kInternal);
}

TEST(RequestHashTest, IsHexSha256AndStable) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(CaseEngine::RequestHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(CaseEngine::RequestHash("abc"), CaseEngine::RequestHash("abd"));
}

TEST(CaseCodecTest, RoundTripsAndRejectsDamage) {
  store::CaseRecord r;
  r.track = "t";
  r.id = "T-000001";
  r.category = "c";
  r.street_id = "GS01";
  r.status = "RECEIVED";
  r.priority = -3;
  r.create_time = absl::FromUnixMicros(1770000000123456);
  r.update_time = r.create_time + absl::Seconds(1);
  r.due_time = absl::InfiniteFuture();
  r.sla_breached = true;
  r.version = 7;
  r.payload = std::string("\0\xff payload", 10);
  const std::string encoded = codec::EncodeCaseRecord(r);
  auto decoded = codec::DecodeCaseRecord(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id, r.id);
  EXPECT_EQ(decoded->priority, -3);
  EXPECT_EQ(decoded->create_time, r.create_time);
  EXPECT_EQ(decoded->due_time, absl::InfiniteFuture());
  EXPECT_TRUE(decoded->sla_breached);
  EXPECT_EQ(decoded->version, 7);
  EXPECT_EQ(decoded->payload, r.payload);
  EXPECT_FALSE(codec::DecodeCaseRecord(encoded.substr(0, encoded.size() - 1)).ok());
  EXPECT_FALSE(codec::DecodeCaseRecord(encoded + "x").ok());
  EXPECT_FALSE(codec::DecodeCaseRecord("").ok());
}

TEST_P(EngineTest, CreateStartsTheInitialStateWithItsClockAndHistory) {
  NewCase input = InStreet("GS01");
  input.note = "walk-in";
  const Case created = MustCreate(op1_, input);
  EXPECT_EQ(created.record.track, kTrack);
  EXPECT_THAT(created.record.id, HasSubstr("T-"));
  EXPECT_EQ(created.record.status, "RECEIVED");
  EXPECT_EQ(created.record.version, 1);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(created.record.create_time, Local(2026, 2, 12, 10));
  // One working day after Thursday 12 February: the end of Friday the 13th.
  EXPECT_EQ(created.record.due_time, Local(2026, 2, 14));
  ASSERT_EQ(created.history.size(), 1u);
  EXPECT_EQ(created.history[0].action, "Create");
  EXPECT_EQ(created.history[0].from_status, "");
  EXPECT_EQ(created.history[0].to_status, "RECEIVED");
  EXPECT_EQ(created.history[0].actor, "op-gs01");

  auto got = engine_->Get(op1_, created.record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->record.payload, "p");
  EXPECT_EQ(got->etag(), created.etag());
  ASSERT_EQ(got->history.size(), 1u);
  EXPECT_EQ(got->history[0].sequence, 1);
  EXPECT_EQ(got->history[0].note, "walk-in");
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases_opened_total",
                                      {{"track", kTrack}, {"street", "GS01"}}),
            1);

  EXPECT_EQ(engine_->Get(op1_, "T-999999").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(EngineTest, CreateChecksRolesScopeAndRequestIdAndWritesNothingOnError) {
  const NewCase input = InStreet("GS01");
  auto no_id = engine_->Create(op1_, input, "", "h");
  EXPECT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(no_id.status()), "request_id");
  auto long_id = engine_->Create(op1_, input, std::string(129, 'x'), "h");
  EXPECT_EQ(FieldOf(long_id.status()), "request_id");
  EXPECT_TRUE(engine_->Create(op1_, input, std::string(128, 'y'), "h").ok());

  EXPECT_EQ(engine_->Create(viewer_, input, "r1", "h").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Create(mediator1_, input, "r2", "h").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Create(op2_, input, "r3", "h").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Create(op1_, InStreet(""), "r4", "h").status().code(),
            absl::StatusCode::kPermissionDenied);

  EXPECT_EQ(ListAll(admin_).size(), 1u);
  EXPECT_EQ(
      gov::testing::MetricValue(registry_, "governance_cases_opened_total", {{"track", kTrack}}),
      1);
}

TEST_P(EngineTest, CreateIsIdempotentByRequestId) {
  const NewCase input = InStreet("GS01", "payload-1");
  const std::string hash = CaseEngine::RequestHash("payload-1");
  auto first = engine_->Create(op1_, input, "same-request", hash);
  ASSERT_TRUE(first.ok()) << first.status();
  // The retry returns the first result, even after the case moved on.
  clock_.Advance(absl::Minutes(5));
  const Case triaged = MustTransition(op1_, "Triage", *first);
  auto retry = engine_->Create(op1_, input, "same-request", hash);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->record.id, first->record.id);
  EXPECT_EQ(retry->record.version, triaged.record.version);
  EXPECT_EQ(retry->history.size(), 2u);

  auto reused = engine_->Create(op1_, InStreet("GS01", "payload-2"), "same-request",
                                CaseEngine::RequestHash("payload-2"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);

  EXPECT_EQ(ListAll(admin_).size(), 1u);
  EXPECT_EQ(
      gov::testing::MetricValue(registry_, "governance_cases_opened_total", {{"track", kTrack}}),
      1);
}

TEST_P(EngineTest, OccurredAtDatesTheCaseWhileTheIntakeStaysNow) {
  const absl::Time now = clock_.Now();  // Thursday 12 February 2026, 10:00
  const Case today = MustCreate(op1_, InStreet("GS01", "today"));
  NewCase late = InStreet("GS01", "late");
  late.occurred_at = Local(2026, 1, 30, 22, 15);
  auto first = engine_->Create(op1_, late, "late", CaseEngine::RequestHash("late"));
  ASSERT_TRUE(first.ok()) << first.status();
  const Case created = *first;
  EXPECT_TRUE(created.created);
  EXPECT_EQ(created.record.create_time, Local(2026, 1, 30, 22, 15));
  EXPECT_EQ(created.record.update_time, now);
  // The SLA clock starts at intake: the end of Friday the 13th, as for a case of today.
  EXPECT_EQ(created.record.due_time, Local(2026, 2, 14));
  ASSERT_EQ(created.history.size(), 1u);
  EXPECT_EQ(created.history[0].time, now);
  auto got = engine_->Get(op1_, created.record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->record.create_time, Local(2026, 1, 30, 22, 15));
  EXPECT_EQ(got->history[0].time, now);
  auto again = engine_->Create(op1_, late, "late", CaseEngine::RequestHash("late"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->record.id, created.record.id);
  EXPECT_EQ(again->record.create_time, Local(2026, 1, 30, 22, 15));

  // Counted on the day it happened; the Create event on the day it was taken in.
  auto count = [&](absl::CivilDay day, bool events) -> int64_t {
    store::CountQuery q;
    q.track = kTrack;
    q.first = day;
    q.last = day;
    auto rows = events ? repo_->SumEvents(q) : repo_->SumCases(q);
    EXPECT_TRUE(rows.ok()) << rows.status();
    int64_t sum = 0;
    if (rows.ok()) {
      for (const store::CountRow& row : *rows) sum += row.count;
    }
    return sum;
  };
  EXPECT_EQ(count(absl::CivilDay(2026, 1, 30), false), 1);
  EXPECT_EQ(count(absl::CivilDay(2026, 2, 12), false), 1);
  EXPECT_EQ(count(absl::CivilDay(2026, 1, 30), true), 0);
  EXPECT_EQ(count(absl::CivilDay(2026, 2, 12), true), 2);

  // Listed newest occurrence first, and filtered by the occurrence.
  const std::vector<Case> all = ListAll(admin_);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].record.id, today.record.id);
  EXPECT_EQ(all[1].record.id, created.record.id);
  store::CaseFilter january;
  january.created_from = Local(2026, 1, 1);
  january.created_to = Local(2026, 2, 1);
  const std::vector<Case> in_january = ListAll(admin_, january);
  ASSERT_EQ(in_january.size(), 1u);
  EXPECT_EQ(in_january[0].record.id, created.record.id);

  // Another system's clock may run a little ahead, but not more than kMaxOccurrenceSkew.
  NewCase ahead = InStreet("GS01", "ahead");
  ahead.occurred_at = now + kMaxOccurrenceSkew;
  EXPECT_EQ(MustCreate(op1_, ahead).record.create_time, now + kMaxOccurrenceSkew);
  NewCase future = InStreet("GS01", "future");
  future.occurred_at = now + kMaxOccurrenceSkew + absl::Seconds(1);
  auto refused = engine_->Create(op1_, future, "future", CaseEngine::RequestHash("future"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "occurred_at");
  EXPECT_EQ(ListAll(admin_).size(), 3u);

  // A case of weeks ago is not overdue at intake; after a gauge refresh its street's breach
  // counter exists, at 0.
  auto breached = engine_->ScanBreaches();
  ASSERT_TRUE(breached.ok()) << breached.status();
  EXPECT_EQ(*breached, 0);
  ASSERT_TRUE(engine_->RefreshCaseGauges().ok());
  EXPECT_EQ(gov::testing::MetricSum(registry_, "governance_sla_breaches_total",
                                    {{"track", kTrack}, {"street", "GS01"}}),
            std::optional<double>(0));
}

TEST_P(EngineTest, TwentyConcurrentRetriesMakeOneCase) {
  const NewCase input = InStreet("GS02", "same payload");
  const std::string hash = CaseEngine::RequestHash("same payload");
  std::vector<std::string> ids(20);
  std::vector<absl::Status> errors(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto created = engine_->Create(op2_, input, "retried-request", hash);
      if (created.ok()) {
        ids[i] = created->record.id;
      } else {
        errors[i] = created.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(errors[i].ok()) << errors[i];
    EXPECT_EQ(ids[i], ids[0]);
  }
  const std::vector<Case> all = ListAll(admin_);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].record.id, ids[0]);
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases_opened_total",
                                      {{"track", kTrack}, {"street", "GS02"}}),
            1);
}

TEST_P(EngineTest, TransitionsFollowTheStateMachineRolesAndClocks) {
  Case c = MustCreate(op1_, InStreet("GS01"));
  // Wrong roles: a viewer, and a mediator for a street operator's verb.
  EXPECT_EQ(engine_->Transition(viewer_, "Triage", c.record.id, c.etag(), "").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Transition(mediator1_, "Triage", c.record.id, c.etag(), "").status().code(),
            absl::StatusCode::kPermissionDenied);

  clock_.Set(Local(2026, 2, 13, 9));  // Friday
  c = MustTransition(op1_, "Triage", c);
  EXPECT_EQ(c.record.status, "TRIAGED");
  EXPECT_EQ(c.record.version, 2);
  // Three working days from Friday 13 February: Saturday 14 (make-up day), then the Spring
  // Festival holiday until Monday 23, then Tuesday 24 and Wednesday 25.
  EXPECT_EQ(c.record.due_time, Local(2026, 2, 26));

  clock_.Set(Local(2026, 2, 24, 9));
  c = MustTransition(mediator1_, "Start", c);
  EXPECT_EQ(c.record.status, "IN_PROGRESS");
  EXPECT_EQ(c.record.due_time, Local(2026, 2, 26, 9));  // 48 calendar hours

  // A note stays in the state and leaves the clock alone.
  clock_.Advance(absl::Hours(1));
  c = MustTransition(mediator1_, "AddNote", c);
  EXPECT_EQ(c.record.status, "IN_PROGRESS");
  EXPECT_EQ(c.record.due_time, Local(2026, 2, 26, 9));
  // Re-entering the same state restarts its clock.
  c = MustTransition(op1_, "Extend", c);
  EXPECT_EQ(c.record.status, "IN_PROGRESS");
  EXPECT_EQ(c.record.due_time, Local(2026, 2, 26, 10));

  EXPECT_EQ(engine_->Transition(op1_, "Resolve", c.record.id, c.etag(), "").status().code(),
            absl::StatusCode::kPermissionDenied);
  c = MustTransition(mediator1_, "Resolve", c);
  EXPECT_EQ(c.record.status, "RESOLVED");
  EXPECT_EQ(c.record.due_time, absl::InfiniteFuture());
  c = MustTransition(op1_, "Close", c);
  c = MustTransition(op1_, "Reopen", c);
  EXPECT_EQ(c.record.status, "IN_PROGRESS");
  // The district admin may take any verb.
  c = MustTransition(admin_, "Resolve", c);

  auto got = engine_->Get(op1_, c.record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<std::string> actions;
  for (const auto& h : got->history) {
    actions.push_back(absl::StrCat(h.action, ":", h.from_status, ">", h.to_status));
  }
  EXPECT_THAT(actions, ElementsAre("Create:>RECEIVED", "Triage:RECEIVED>TRIAGED",
                                   "Start:TRIAGED>IN_PROGRESS", "AddNote:IN_PROGRESS>IN_PROGRESS",
                                   "Extend:IN_PROGRESS>IN_PROGRESS", "Resolve:IN_PROGRESS>RESOLVED",
                                   "Close:RESOLVED>CLOSED", "Reopen:CLOSED>IN_PROGRESS",
                                   "Resolve:IN_PROGRESS>RESOLVED"));
  EXPECT_EQ(got->history.back().actor, "admin");
  EXPECT_EQ(got->record.version, 9);
}

TEST_P(EngineTest, IllegalTransitionIsFailedPreconditionAndWritesNothing) {
  const Case c = MustCreate(op1_, InStreet("GS01"));
  auto illegal = engine_->Transition(op1_, "Close", c.record.id, c.etag(), "");
  EXPECT_EQ(illegal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(illegal.status().message(), HasSubstr("Close"));
  EXPECT_THAT(illegal.status().message(), HasSubstr("RECEIVED"));

  // A mutation that fails, or that touches what the engine owns, aborts the transition.
  auto refused = engine_->Transition(
      op1_, "Triage", c.record.id, c.etag(), "",
      [](store::CaseRecord&) { return absl::FailedPreconditionError("no body found"); });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  auto sneaky =
      engine_->Transition(op1_, "Triage", c.record.id, c.etag(), "", [](store::CaseRecord& r) {
        r.status = "CLOSED";
        return absl::OkStatus();
      });
  EXPECT_EQ(sneaky.status().code(), absl::StatusCode::kInternal);
  auto elsewhere =
      engine_->Transition(op1_, "Triage", c.record.id, c.etag(), "", [](store::CaseRecord& r) {
        r.street_id = "GS02";
        return absl::OkStatus();
      });
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Transition(op1_, "Fly", c.record.id, c.etag(), "").status().code(),
            absl::StatusCode::kInternal);

  auto got = engine_->Get(admin_, c.record.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->record.version, 1);
  EXPECT_EQ(got->record.status, "RECEIVED");
  EXPECT_EQ(got->record.street_id, "GS01");
  EXPECT_EQ(got->history.size(), 1u);

  // A mutation may change the track's own fields.
  auto routed =
      engine_->Transition(op1_, "Triage", c.record.id, c.etag(), "", [](store::CaseRecord& r) {
        r.unit_id = "U-7";
        r.payload = "routed";
        return absl::OkStatus();
      });
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->record.unit_id, "U-7");
  EXPECT_EQ(routed->record.payload, "routed");
}

TEST_P(EngineTest, StaleOrMissingEtagIsRefused) {
  const Case v1 = MustCreate(op1_, InStreet("GS01"));
  auto no_etag = engine_->Transition(op1_, "Triage", v1.record.id, "", "");
  EXPECT_EQ(no_etag.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(no_etag.status()), "etag");

  const Case v2 = MustTransition(op1_, "Triage", v1);
  auto stale = engine_->Transition(op1_, "AddNote", v1.record.id, v1.etag(), "late");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(engine_->Transition(op1_, "AddNote", v1.record.id, "garbage", "").status().code(),
            absl::StatusCode::kAborted);
  auto got = engine_->Get(op1_, v1.record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->record.version, v2.record.version);
  EXPECT_EQ(got->history.size(), 2u);
}

TEST_P(EngineTest, StreetOperatorsStayInTheirStreets) {
  const Case gs01 = MustCreate(op1_, InStreet("GS01"));
  const Case gs02 = MustCreate(op2_, InStreet("GS02"));

  EXPECT_EQ(engine_->Get(op2_, gs01.record.id).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Get(op2_, gs01.record.id, /*with_history=*/false).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Transition(op2_, "Triage", gs01.record.id, gs01.etag(), "").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Create(op2_, InStreet("GS01"), "cross", "h").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(engine_->Get(op2_, gs02.record.id).ok());
  EXPECT_TRUE(engine_->Get(viewer_, gs01.record.id).ok());

  const std::vector<Case> seen = ListAll(op2_);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].record.id, gs02.record.id);
  store::CaseFilter other;
  other.street_id = "GS01";
  ListRequest request;
  request.filter = other;
  EXPECT_EQ(engine_->List(op2_, request).status().code(), absl::StatusCode::kPermissionDenied);
  store::CaseFilter foreign_only;
  foreign_only.streets = {"GS01", "GS03"};
  request.filter = foreign_only;
  EXPECT_EQ(engine_->List(op2_, request).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ListAll(admin_).size(), 2u);

  auto unchanged = engine_->Get(admin_, gs01.record.id);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->record.version, 1);
}

TEST_P(EngineTest, PagesHaveNoGapsOrRepeatsWhileCasesAreAdded) {
  std::set<std::string> before;
  for (int i = 0; i < 60; ++i) {
    // Pairs share a create time, so the id breaks the tie.
    if (i % 2 == 0) clock_.Advance(absl::Seconds(1));
    const bool gs02 = i % 3 == 0;
    before.insert(MustCreate(gs02 ? op2_ : op1_, InStreet(gs02 ? "GS02" : "GS01")).record.id);
  }

  // The writer adds a case whenever the reader asks for one (between pages): concurrent, but
  // never so far ahead that a busy machine turns the listing into a listing of new cases only.
  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::atomic<int> wanted{0};
  std::thread writer([&] {
    int n = 0;
    while (!stop.load()) {
      if (added.load() >= wanted.load()) {
        absl::SleepFor(absl::Milliseconds(1));
        continue;
      }
      clock_.Advance(absl::Milliseconds(10));
      ++n;
      auto created = engine_->Create(admin_, InStreet("GS01"), absl::StrCat("concurrent-", n),
                                     CaseEngine::RequestHash(absl::StrCat(n)));
      if (created.ok()) added.fetch_add(1);
    }
  });

  std::vector<Case> seen;
  ListRequest request;
  request.page_size = 7;
  int pages = 0;
  for (; pages < 100; ++pages) {
    auto page = engine_->List(admin_, request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->cases.size(), 7u);
    seen.insert(seen.end(), page->cases.begin(), page->cases.end());
    if (page->next_page_token.empty()) break;
    request.page_token = page->next_page_token;
    // Let the writer in between pages (bounded: the check below fails if it never ran).
    const int target = added.load() + 1;
    wanted.store(target);
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (added.load() < target && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  }
  stop.store(true);
  writer.join();
  // Cases were really added while paging: at least one between any two pages.
  EXPECT_GE(added.load(), pages);
  EXPECT_GE(pages, 8);  // 60 old cases, 7 a page: nine pages

  std::set<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(ids.insert(seen[i].record.id).second) << "repeated " << seen[i].record.id;
    if (i > 0) {
      const auto& a = seen[i - 1].record;
      const auto& b = seen[i].record;
      EXPECT_TRUE(a.create_time > b.create_time || (a.create_time == b.create_time && a.id > b.id))
          << a.id << " then " << b.id;
    }
  }
  for (const std::string& id : before) EXPECT_TRUE(ids.contains(id)) << "gap at " << id;
}

TEST_P(EngineTest, PageTokensAreSealedAndBoundToTheirQuery) {
  for (int i = 0; i < 51; ++i) {
    clock_.Advance(absl::Seconds(1));
    MustCreate(op1_, InStreet("GS01"));
  }
  ListRequest request;
  auto first = engine_->List(admin_, request);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->cases.size(), 50u);  // the default page size
  ASSERT_FALSE(first->next_page_token.empty());

  request.page_token = first->next_page_token;
  auto second = engine_->List(admin_, request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cases.size(), 1u);
  EXPECT_TRUE(second->next_page_token.empty());

  std::string tampered = first->next_page_token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {tampered, first->next_page_token.substr(0, first->next_page_token.size() - 3),
        std::string("not a token"), std::string("%%%")}) {
    request.page_token = bad;
    auto refused = engine_->List(admin_, request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(refused.status()), "page_token");
  }
  // The same token with another filter.
  request.page_token = first->next_page_token;
  request.filter.statuses = {"RECEIVED"};
  EXPECT_EQ(FieldOf(engine_->List(admin_, request).status()), "page_token");
  // ... or for a principal with another scope.
  request.filter = {};
  EXPECT_EQ(FieldOf(engine_->List(op1_, request).status()), "page_token");

  ListRequest negative;
  negative.page_size = -1;
  auto bad_size = engine_->List(admin_, negative);
  EXPECT_EQ(bad_size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(bad_size.status()), "page_size");
  ListRequest huge;
  huge.page_size = 100000;
  auto clamped = engine_->List(admin_, huge);
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(clamped->cases.size(), 51u);
}

TEST_P(EngineTest, WorkingDaySlasSkipHolidaysAndCountMakeUpDays) {
  // Friday 13 February 2026: the next working day is the make-up Saturday 14.
  clock_.Set(Local(2026, 2, 13, 16));
  EXPECT_EQ(MustCreate(op1_, InStreet("GS01")).record.due_time, Local(2026, 2, 15));
  // Saturday 14 (make-up day): the Spring Festival runs 15-23, so Tuesday 24 is next.
  clock_.Set(Local(2026, 2, 14, 11));
  EXPECT_EQ(MustCreate(op1_, InStreet("GS01")).record.due_time, Local(2026, 2, 25));
  // A holiday start day does not count either.
  clock_.Set(Local(2026, 2, 18, 11));
  EXPECT_EQ(MustCreate(op1_, InStreet("GS01")).record.due_time, Local(2026, 2, 25));
  // A category's own clock overrides the state's.
  NewCase urgent = InStreet("GS01");
  urgent.sla = cal::Sla::Hours(4);
  EXPECT_EQ(MustCreate(op1_, urgent).record.due_time, Local(2026, 2, 18, 15));
  NewCase unclocked = InStreet("GS01");
  unclocked.sla = cal::Sla::None();
  EXPECT_EQ(MustCreate(op1_, unclocked).record.due_time, absl::InfiniteFuture());
}

TEST_P(EngineTest, ScanBreachesMarksExactlyTheOverdueCases) {
  // Thursday 12 February, 10:00.
  const Case a = MustCreate(op1_, InStreet("GS01"));  // due Saturday 14, 00:00
  NewCase three_days = InStreet("GS02");
  three_days.sla = cal::Sla::Hours(72);
  const Case b = MustCreate(op2_, three_days);  // due Sunday 15, 10:00
  Case c = MustCreate(op1_, InStreet("GS01"));
  c = MustTransition(op1_, "Triage", c);  // due Thursday 26, 00:00
  NewCase none = InStreet("GS01");
  none.sla = cal::Sla::None();
  const Case d = MustCreate(op1_, none);

  auto nothing = engine_->ScanBreaches();
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_EQ(*nothing, 0);

  clock_.Set(Local(2026, 2, 14, 0, 1));
  auto first = engine_->ScanBreaches();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  auto again = engine_->ScanBreaches();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);

  auto breached = engine_->Get(op1_, a.record.id);
  ASSERT_TRUE(breached.ok());
  EXPECT_TRUE(breached->record.sla_breached);
  EXPECT_EQ(breached->record.status, "RECEIVED");
  ASSERT_EQ(breached->history.size(), 2u);
  EXPECT_EQ(breached->history[1].action, "SlaBreach");
  EXPECT_EQ(breached->history[1].from_status, "RECEIVED");
  EXPECT_EQ(breached->history[1].to_status, "RECEIVED");
  EXPECT_EQ(breached->history[1].actor, "system");

  store::CaseFilter overdue;
  overdue.sla_breached_only = true;
  std::vector<Case> listed = ListAll(admin_, overdue);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].record.id, a.record.id);

  clock_.Set(Local(2026, 2, 16));
  auto second = engine_->ScanBreaches();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 1);
  EXPECT_TRUE(engine_->Get(op2_, b.record.id)->record.sla_breached);
  EXPECT_FALSE(engine_->Get(op1_, c.record.id)->record.sla_breached);
  EXPECT_FALSE(engine_->Get(op1_, d.record.id)->record.sla_breached);

  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_sla_breaches_total",
                                      {{"track", kTrack}, {"street", "GS01"}}),
            1);
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_sla_breaches_total",
                                      {{"track", kTrack}, {"street", "GS02"}}),
            1);

  // Moving on starts a new clock, and the flag describes the current one.
  const Case moved = MustTransition(op1_, "Triage", *engine_->Get(op1_, a.record.id));
  EXPECT_FALSE(moved.record.sla_breached);
  EXPECT_GT(moved.record.due_time, clock_.Now());
}

TEST_P(EngineTest, CaseGaugesEqualARecountViaList) {
  std::vector<Case> cases;
  for (int i = 0; i < 12; ++i) {
    const auth::Principal& op = i % 3 == 0 ? op2_ : op1_;
    cases.push_back(MustCreate(op, InStreet(i % 3 == 0 ? "GS02" : "GS01")));
  }
  for (int i = 0; i < 12; ++i) {
    if (i % 2 == 0) continue;
    const auth::Principal& op = i % 3 == 0 ? op2_ : op1_;
    cases[i] = MustTransition(op, "Triage", cases[i]);
    if (i % 4 == 1) cases[i] = MustTransition(op, "Start", cases[i]);
  }
  cases[1] = MustTransition(admin_, "Resolve", cases[1]);
  ASSERT_TRUE(engine_->RefreshCaseGauges().ok());

  int total = 0;
  for (const std::string& street : std::vector<std::string>{"GS01", "GS02"}) {
    for (const StateSpec& state : TestSpec().states) {
      store::CaseFilter filter;
      filter.street_id = street;
      filter.statuses = {state.name};
      const int listed = static_cast<int>(ListAll(admin_, filter, 5).size());
      total += listed;
      EXPECT_EQ(gov::testing::MetricValue(
                    registry_, "governance_cases",
                    {{"track", kTrack}, {"street", street}, {"status", state.name}}),
                listed)
          << street << " " << state.name;
    }
  }
  EXPECT_EQ(total, 12);
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases",
                                      {{"track", kTrack}, {"status", "RESOLVED"}}),
            1);

  // A status that empties drops to zero rather than keeping its last value.
  cases[1] = MustTransition(op1_, "Close", cases[1]);
  ASSERT_TRUE(engine_->RefreshCaseGauges().ok());
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases",
                                      {{"track", kTrack}, {"status", "RESOLVED"}}),
            0);
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases",
                                      {{"track", kTrack}, {"status", "CLOSED"}}),
            1);
}

// A case settled at intake starts in one of the spec's other create states, in one
// transaction, with that state's (absent) clock; any other state is a track bug.
TEST_P(EngineTest, ACaseMayBeCreatedInADeclaredOtherState) {
  NewCase settled = InStreet("GS01");
  settled.state = "CLOSED";
  Case closed = MustCreate(op1_, settled);
  EXPECT_EQ(closed.record.status, "CLOSED");
  EXPECT_EQ(closed.record.due_time, absl::InfiniteFuture());
  ASSERT_EQ(closed.history.size(), 1u);
  EXPECT_EQ(closed.history[0].to_status, "CLOSED");
  ASSERT_TRUE(engine_->RefreshCaseGauges().ok());
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases",
                                      {{"track", kTrack}, {"status", "CLOSED"}}),
            1);

  NewCase wrong = InStreet("GS01");
  wrong.state = "TRIAGED";
  EXPECT_EQ(engine_->Create(op1_, wrong, "req-wrong", CaseEngine::RequestHash("w")).status().code(),
            absl::StatusCode::kInternal);
  TrackSpec unknown = TestSpec();
  unknown.other_create_states = {"NOWHERE"};
  EXPECT_FALSE(CaseEngine::ValidateSpec(unknown).ok());
}

// A second kind of case of the same track, kept under a store track of its own: its ids,
// lists and counts are its own, its metrics carry the owning track with their own kind, and its
// writes make the owning track's cached aggregates stale.
TEST_P(EngineTest, ASecondKindOfCaseKeepsItsOwnStoreButTheOwnersMetricsAndAggregates) {
  TrackSpec second = TestSpec();
  second.track = absl::StrCat(kTrack, "_second");
  second.id_prefix = "S";
  second.case_kind = "second";
  second.aggregate_track = kTrack;
  CaseEngine other(second, repo_.get(), cache_.get(), calendar_.get(), &clock_, &registry_);

  Case first = MustCreate(op1_, InStreet("GS01"));
  const auto generation = [&] {
    return cache_->GetAggregate(cache::AggregateScope(kTrack), "probe").generation;
  };
  const int64_t before = generation();
  auto created = other.Create(op1_, InStreet("GS01"), "second-1", CaseEngine::RequestHash("x"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->record.id, "S-000001");
  EXPECT_EQ(created->record.track, second.track);
  EXPECT_GT(generation(), before);

  // Each engine lists and finds only its own.
  EXPECT_EQ(ListAll(op1_).size(), 1u);
  EXPECT_EQ(other.Get(op1_, first.record.id).status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(engine_->RefreshCaseGauges().ok());
  ASSERT_TRUE(other.RefreshCaseGauges().ok());
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases_opened_total",
                                      {{"track", kTrack}, {"kind", "case"}, {"street", "GS01"}}),
            1);
  EXPECT_EQ(gov::testing::MetricValue(registry_, "governance_cases_opened_total",
                                      {{"track", kTrack}, {"kind", "second"}, {"street", "GS01"}}),
            1);
  EXPECT_EQ(
      gov::testing::MetricValue(registry_, "governance_cases",
                                {{"track", kTrack}, {"kind", "second"}, {"status", "RECEIVED"}}),
      1);
  EXPECT_FALSE(gov::testing::MetricSum(registry_, "governance_cases", {{"track", second.track}})
                   .has_value());
}

TEST_P(EngineTest, RedisDownMeansSlowerNeverFailingThenTheCacheRecovers) {
  Case c = MustCreate(op1_, InStreet("GS01"));
  ASSERT_TRUE(engine_->Get(op1_, c.record.id).ok());
  const double hits_before = CacheHits();
  ASSERT_TRUE(engine_->Get(op1_, c.record.id).ok());
  EXPECT_GT(CacheHits(), hits_before);

  redis_.Kill();
  for (int i = 0; i < 5; ++i) {
    auto got = engine_->Get(op1_, c.record.id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->record.version, c.record.version);
  }
  const Case other = MustCreate(op1_, InStreet("GS01"));
  c = MustTransition(op1_, "Triage", c);
  auto listed = engine_->List(op1_, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->cases.size(), 2u);
  EXPECT_TRUE(cache_->circuit_open());

  ASSERT_TRUE(redis_.Restart().ok());
  clock_.Advance(absl::Seconds(3));  // past the breaker's open interval
  const double hits_down = CacheHits();
  bool served = false;
  for (int i = 0; i < 20 && !served; ++i) {
    auto got = engine_->Get(op1_, c.record.id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->record.version, c.record.version);
    EXPECT_EQ(got->record.status, "TRIAGED");
    served = CacheHits() > hits_down;
    if (!served) clock_.Advance(absl::Seconds(3));
  }
  EXPECT_TRUE(served) << "the cache did not serve again after Redis came back";
  EXPECT_FALSE(cache_->circuit_open());
  EXPECT_TRUE(engine_->Get(op1_, other.record.id).ok());
}

TEST_P(EngineTest, ACachedCaseWithHistoryIsServedWithoutTheStore) {
  Case c = MustCreate(op1_, InStreet("GS01"));
  c = MustTransition(op1_, "Triage", c);
  auto first = engine_->Get(op1_, c.record.id, true);  // fills record + history
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->history.size(), 2u);
  const uint64_t cases_read = StoreCalls("get_case");
  const uint64_t history_read = StoreCalls("get_history");
  const double hits = CacheHits();
  for (int i = 0; i < 3; ++i) {
    auto again = engine_->Get(op1_, c.record.id, true);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->record.version, c.record.version);
    ASSERT_EQ(again->history.size(), 2u);
    EXPECT_EQ(again->history[1].action, "Triage");
  }
  EXPECT_EQ(StoreCalls("get_case"), cases_read);
  EXPECT_EQ(StoreCalls("get_history"), history_read);
  EXPECT_EQ(CacheHits(), hits + 3);

  // A write replaces the entry with the bare record; the next read with history goes to the
  // store once and caches the new history.
  c = MustTransition(op1_, "AddNote", c);
  auto after = engine_->Get(op1_, c.record.id, true);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->history.size(), 3u);
  EXPECT_EQ(StoreCalls("get_history"), history_read + 1);
  auto cached = engine_->Get(op1_, c.record.id, true);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->history.size(), 3u);
  EXPECT_EQ(StoreCalls("get_history"), history_read + 1);
}

TEST_P(EngineTest, TheCacheNeverServesAStaleCase) {
  Case c = MustCreate(op1_, InStreet("GS01"));
  const std::string key = engine_->CaseKey(c.record.id);
  for (int step = 0; step < 3; ++step) {
    ASSERT_TRUE(engine_->Get(op1_, c.record.id, false).ok());  // cached
    const store::CaseRecord old = c.record;
    c = MustTransition(op1_, step == 0 ? "Triage" : "AddNote", c);
    // A slow reader putting back what it read before the write cannot undo it.
    cache_->PutVersioned(key, CaseEngine::CacheVersion(old.version, true),
                         codec::EncodeCachedCase(old, nullptr), absl::Minutes(1));
    for (bool history : {false, true}) {
      auto got = engine_->Get(op1_, c.record.id, history);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->record.version, c.record.version);
      EXPECT_EQ(got->record.status, c.record.status);
    }
  }

  // A write-through that never reached Redis (paused: commands time out) leaves an old entry
  // behind; once Redis answers again, it must not be served.
  ASSERT_TRUE(engine_->Get(op1_, c.record.id, false).ok());
  ASSERT_TRUE(redis_.Pause().ok());
  c = MustTransition(op1_, "Start", c);
  ASSERT_TRUE(redis_.Resume().ok());
  clock_.Advance(absl::Seconds(3));
  for (int i = 0; i < 5; ++i) {
    auto got = engine_->Get(op1_, c.record.id, false);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->record.status, "IN_PROGRESS");
    EXPECT_EQ(got->record.version, c.record.version);
    clock_.Advance(absl::Seconds(3));
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EngineTest, ::testing::Values(Backend::kSqlite),
                         gov::testing::BackendParamName);
INSTANTIATE_TEST_SUITE_P(Postgres, EngineTest, ::testing::Values(Backend::kPostgres),
                         gov::testing::BackendParamName);

}  // namespace
}  // namespace gov::cases
