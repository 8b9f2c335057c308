// track::TrackBase and track::Factory on a real SQLite store: what the base refuses to build
// (incomplete dependencies, a missing rules file, an invalid state machine, a kind declared
// twice, no indicators, a service with methods left unbound), and how it runs a track's jobs
// (demo loads in order until the first error; every breach scan and sweep even after a failure,
// the first error returned).

#include "common/track/track_base.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/config/config.h"
#include "common/regions/regions.h"
#include "common/server/handler.h"
#include "gmock/gmock.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"
#include "tests/support/test_support.h"

namespace gov::track {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

cases::TrackSpec Spec(std::string track) {
  cases::TrackSpec spec;
  spec.track = std::move(track);
  spec.id_prefix = "T";
  spec.initial_state = "OPEN";
  spec.states = {{"OPEN", cases::StateClass::kOpen, {}}, {"DONE", cases::StateClass::kClosed, {}}};
  spec.transitions = {{"Finish", {"OPEN"}, "DONE", {auth::kStreetOperator}}};
  spec.create_roles = {auth::kStreetOperator};
  return spec;
}

// The message the test track's cases are read as (any message of the schema with a case's
// fields does).
const cases::CaseKind<governance::mediation::v1::Dispute>& TestKind() {
  static const auto* kind = new cases::CaseKind<governance::mediation::v1::Dispute>({
      .id = "id",
      .status = "state",
      .unit_id = "body_id",
      .region = "",
      .created = "create_time",
      .updated = "update_time",
      .due_time = "due_time",
      .sla_breached = "sla_breached",
      .etag = "etag",
      .history = "history",
      .sees_personal = {auth::kStreetOperator},
  });
  return *kind;
}

// What a test track declares, set by each test before building it.
struct Declarations {
  std::vector<cases::TrackSpec> kinds = {Spec("basetest")};
  bool indicators = true;
  std::vector<std::string> own_roles = {"inspector"};
  std::vector<std::string>* log = nullptr;
  absl::Status demo_error;
  absl::Status sweep_error;
};
Declarations* declared = nullptr;

class TestTrack final : public TrackBase {
 public:
  explicit TestTrack(const server::TrackDeps& deps)
      : TrackBase(deps, "basetest",
                  governance::mediation::v1::MediationService::service_full_name(),
                  declared->own_roles) {
    for (const cases::TrackSpec& spec : declared->kinds) CaseKind(spec, TestKind());
    if (declared->indicators) Indicators({}, {}, {});
    std::vector<std::string>* log = declared->log;
    const absl::Status demo_error = declared->demo_error;
    const absl::Status sweep_error = declared->sweep_error;
    Demo("first", [log, demo_error] {
      log->push_back("demo first");
      return demo_error;
    });
    Demo("second", [log] {
      log->push_back("demo second");
      return absl::OkStatus();
    });
    Sweep("feed", [log, sweep_error] {
      log->push_back("sweep feed");
      return sweep_error;
    });
    Sweep("tasks", [log] {
      log->push_back("sweep tasks");
      return absl::OkStatus();
    });
  }
};

// A track with a rules file: the factory must find --rules_file.
class RulesTrack final : public TrackBase {
 public:
  struct Rules {
    static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                           const regions::RegionRegistry&) {
      return absl::NotFoundError(absl::StrCat("no file ", path));
    }
  };
  RulesTrack(const server::TrackDeps& deps, std::unique_ptr<Rules>)
      : TrackBase(deps, "basetest", "governance.mediation.v1.MediationService", {}) {}
};

class TrackBaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto repo = store_.Open();
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = *std::move(repo);
    auto regions = regions::RegionRegistry::LoadFile(testing::SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = *std::move(regions);
    auto calendar = cal::WorkCalendar::LoadFile(testing::SourcePath("data/holidays.json"));
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = *std::move(calendar);
    config_.track = "basetest";
    deps_.config = &config_;
    deps_.repo = repo_.get();
    deps_.regions = regions_.get();
    deps_.calendar = calendar_.get();
    deps_.clock = &clock_;
    deps_.handlers = &handlers_;
    decl_.log = &log_;
    declared = &decl_;
  }
  void TearDown() override { declared = nullptr; }

  testing::TestStore store_{testing::Backend::kSqlite};
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<regions::RegionRegistry> regions_;
  std::unique_ptr<cal::WorkCalendar> calendar_;
  config::ServiceConfig config_;
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  server::Handlers handlers_{nullptr, nullptr};
  server::TrackDeps deps_;
  Declarations decl_;
  std::vector<std::string> log_;
};

TEST_F(TrackBaseTest, RefusesIncompleteDependenciesAndAMissingRulesFile) {
  server::TrackDeps missing = deps_;
  missing.calendar = nullptr;
  auto built = Factory<TestTrack>("basetest")(missing);
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(built.status().message()), HasSubstr("incomplete dependencies"));

  auto rules = Factory<RulesTrack>("basetest")(deps_);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("no rules file"));
  config_.rules_file = "/nonexistent/basetest.json";
  rules = Factory<RulesTrack>("basetest")(deps_);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("basetest rules"));
}

TEST_F(TrackBaseTest, RefusesWrongDeclarations) {
  // The service's methods are left unbound: a track like that must not start.
  auto built = Factory<TestTrack>("basetest")(deps_);
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(built.status().message()), HasSubstr("methods not bound"));

  cases::TrackSpec broken = Spec("broken");
  broken.transitions.push_back({"Finish", {"OPEN"}, "NOWHERE", {}});
  decl_.kinds = {Spec("basetest"), broken};
  EXPECT_THAT(std::string(TestTrack(deps_).status().message()), HasSubstr("track basetest"));

  decl_.kinds = {Spec("basetest"), Spec("basetest")};
  EXPECT_THAT(std::string(TestTrack(deps_).status().message()), HasSubstr("declared twice"));

  decl_.kinds = {Spec("basetest")};
  decl_.indicators = false;
  EXPECT_THAT(std::string(TestTrack(deps_).status().message()), HasSubstr("no indicators"));

  decl_.indicators = true;
  decl_.own_roles = {"viewer"};  // a shared role is not the track's to declare
  EXPECT_THAT(std::string(TestTrack(deps_).status().message()), HasSubstr("\"viewer\""));

  decl_.own_roles = {"inspector"};
  TestTrack right(deps_);
  EXPECT_TRUE(right.status().ok()) << right.status();
  EXPECT_THAT(right.roles(),
              ElementsAre("street_operator", "viewer", "system", "auditor", "inspector"));
  // Its own service, the indicators, as it keeps cases their change stream, and the record of
  // personal data.
  ASSERT_EQ(right.Services().size(), 4u);
  EXPECT_EQ(right.Services()[1]->full_name(), "governance.v1.IndicatorsService");
  EXPECT_TRUE(right.Services()[1]->Check().ok());
  EXPECT_EQ(right.Services()[2]->full_name(), "governance.v1.CaseChangesService");
  EXPECT_TRUE(right.Services()[2]->Check().ok());
  EXPECT_EQ(right.Services()[3]->full_name(), "governance.v1.PersonalDataService");
  EXPECT_TRUE(right.Services()[3]->Check().ok());
  EXPECT_NE(right.engine("basetest"), nullptr);
  EXPECT_EQ(right.engine("other"), nullptr);
}

TEST_F(TrackBaseTest, DemoLoadsInOrderUntilTheFirstError) {
  TestTrack track(deps_);
  ASSERT_TRUE(track.LoadDemoData().ok());
  EXPECT_THAT(log_, ElementsAre("demo first", "demo second"));

  log_.clear();
  decl_.demo_error = absl::UnavailableError("store away");
  TestTrack failing(deps_);
  const absl::Status status = failing.LoadDemoData();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), HasSubstr("demo first"));
  EXPECT_THAT(log_, ElementsAre("demo first"));
}

TEST_F(TrackBaseTest, EverySweepRunsAndTheFirstErrorIsReturned) {
  decl_.sweep_error = absl::InternalError("feed broke");
  TestTrack track(deps_);
  const absl::Status status = track.ScanBreaches();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("feed"));
  EXPECT_THAT(log_, ElementsAre("sweep feed", "sweep tasks"));
  EXPECT_TRUE(track.RefreshGauges().ok());
}

}  // namespace
}  // namespace gov::track
