#ifndef GOV_SERVICES_MEDIATION_TRACK_H_
#define GOV_SERVICES_MEDIATION_TRACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/indicators/service.h"
#include "common/server/rpc_service.h"
#include "common/server/track_main.h"
#include "services/mediation/bodies.h"
#include "services/mediation/disputes.h"
#include "services/mediation/mediators.h"
#include "services/mediation/registry.h"
#include "services/mediation/routing.h"
#include "services/mediation/trainings.h"

// 诉源治理 — the mediation track as data: its state machine, indicators, figures and
// rankings, and the factory the runner builds it with.
namespace gov::mediation {

inline constexpr char kTrack[] = "mediation";

// The track's own role beside the shared ones (common/auth): a mediator works the disputes of
// its streets (sessions, outcomes) and sees their parties.
inline constexpr char kMediator[] = "mediator";

// Verbs of the state machine (recorded as history actions).
inline constexpr char kTriage[] = "Triage";
inline constexpr char kAssignMediator[] = "AssignMediator";
inline constexpr char kRecordSession[] = "RecordSession";
inline constexpr char kRecordAgreement[] = "RecordAgreement";
inline constexpr char kRecordFailure[] = "RecordFailure";
inline constexpr char kReferToCourt[] = "ReferToCourt";
inline constexpr char kClose[] = "Close";
inline constexpr char kReopen[] = "Reopen";

// The dispute state machine (see track.cc for the table).
const cases::TrackSpec& MediationSpec();

// The plan's targets as indicators, in the order they are listed.
std::vector<indicators::IndicatorSpec> MediationIndicators();
// Figures recorded from outside the system (the court's monthly intake).
std::vector<indicators::FigureSpec> MediationFigures();
// Ranking dimensions and display names (bodies' names come from `registry`).
indicators::RankingSpec MediationRankings(MediationRegistry* registry);

// The running track: engines, registry, router, the parts serving the RPCs and the two gRPC
// services (MediationService bound method by method to the parts, and IndicatorsService).
class MediationTrack final : public server::Track {
 public:
  explicit MediationTrack(const server::TrackDeps& deps);

  std::vector<server::RpcService*> Services() override;
  absl::Status LoadDemoData() override;
  absl::Status ScanBreaches() override;
  absl::Status RefreshGauges() override;

  cases::CaseEngine& engine() { return *engine_; }
  MediationRegistry& registry() { return *registry_; }
  indicators::IndicatorEngine& indicator_engine() { return *indicators_; }

 private:
  server::TrackDeps deps_;
  std::unique_ptr<cases::CaseEngine> engine_;
  std::unique_ptr<MediationRegistry> registry_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<indicators::IndicatorEngine> indicators_;
  std::unique_ptr<Disputes> disputes_;
  std::unique_ptr<Bodies> bodies_;
  std::unique_ptr<Mediators> mediators_;
  std::unique_ptr<Trainings> trainings_;
  std::unique_ptr<server::RpcService> rpc_;
  std::unique_ptr<server::RpcService> indicators_service_;
};

// The factory RunTrack calls (main.cc).
absl::StatusOr<std::unique_ptr<server::Track>> MakeMediationTrack(const server::TrackDeps& deps);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_TRACK_H_
