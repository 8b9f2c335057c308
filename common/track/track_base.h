#ifndef GOV_COMMON_TRACK_TRACK_BASE_H_
#define GOV_COMMON_TRACK_TRACK_BASE_H_

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/cases/case_kind.h"
#include "common/cases/changes.h"
#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "common/indicators/published.h"
#include "common/meetings/meetings.h"
#include "common/privacy/personal_fields.h"
#include "common/privacy/service.h"
#include "common/registry/registry.h"
#include "common/server/rpc_service.h"
#include "common/server/track_main.h"
#include "common/util/status.h"

// The track kit's base: what every track is made of, wired once. A track's class derives from
// TrackBase and, in its constructor, declares its case kinds, its parts (the classes that serve
// its RPCs), its indicators, its demo loads and its periodic sweeps, and binds each RPC of its
// service to a part in one line:
//
//   class MediationTrack final : public track::TrackBase {
//    public:
//     explicit MediationTrack(const server::TrackDeps& deps)
//         : TrackBase(deps, "mediation", mv1::MediationService::service_full_name(), {kMediator}) {
//       cases::CaseEngine* disputes_engine = CaseKind(MediationSpec(), DisputeKind());
//       Disputes* disputes = Part<Disputes>(disputes_engine, ...);
//       Indicators(MediationIndicators(), MediationFigures(), MediationRankings(...));
//       Demo("disputes", [=] { return LoadDemo(...); });
//       rpc().Bind("CreateDispute", disputes, &Disputes::Create) ...;
//     }
//   };
//   // main.cc: RunTrack(argc, argv, config::DefaultsFor("mediation"),
//   //                   track::Factory<MediationTrack>());
//
// The base owns all of it and implements what the runner asks of a track: its services
// (the track's own and the shared IndicatorsService, PersonalDataService and, with cases, the
// change stream), the demo loads in order, the breach scan
// of every case kind plus the sweeps, and the gauges of the indicators and of every case kind.
// Mistakes in the declarations (an invalid state machine, indicators declared twice or never)
// make status() an error, and Factory refuses to build such a track.
namespace gov::track {

class TrackBase : public server::Track {
 public:
  ~TrackBase() override;
  TrackBase(const TrackBase&) = delete;
  TrackBase& operator=(const TrackBase&) = delete;

  std::vector<server::RpcService*> Services() final;
  // The demo loads in the order declared; the first error stops the rest.
  absl::Status LoadDemoData() final;
  // The breach scan of every case kind, then the sweeps in the order declared. Runs all of them
  // even when one fails, then returns the first error.
  absl::Status ScanBreaches() final;
  // The indicator gauges and every case kind's case gauges; all run, the first error returned.
  absl::Status RefreshGauges() final;
  std::vector<std::string> StoreTracks() const final;

  // "mediation".
  const std::string& name() const { return name_; }
  // The roles the track knows besides district_admin: the shared ones (street_operator, viewer,
  // system) and its own.
  const std::vector<std::string>& roles() const { return roles_; }
  const server::TrackDeps& deps() const { return deps_; }
  // The engine of a case kind (TrackSpec::track, the store track); nullptr when the track
  // declares none such.
  cases::CaseEngine* engine(std::string_view store_track) const;
  indicators::IndicatorEngine& indicator_engine() const { return *indicators_; }
  // The track's own service (its methods are bound in the track's constructor).
  server::RpcService& rpc() { return *rpc_; }
  // OK unless a declaration is wrong; the first problem otherwise (INTERNAL, naming the track).
  absl::Status status() const;

 protected:
  // `service`: the full name of the track's own gRPC service in the schema; `own_roles`: the
  // roles the track declares beside the shared ones.
  TrackBase(const server::TrackDeps& deps, std::string name, std::string_view service,
            std::vector<std::string> own_roles);

  // Declares a kind of case: its engine, built on the track's store, cache, calendar, clock and
  // metrics, and the message its cases are read as (whose fields marked personal an erasure
  // clears: governance.v1.PersonalDataService). An invalid spec makes status() an error (the
  // engine then refuses every call).
  template <typename Msg>
  cases::CaseEngine* CaseKind(const cases::TrackSpec& spec, const cases::CaseKind<Msg>& kind) {
    return AddCaseKind(spec, [&kind](store::CaseRecord& record) -> absl::StatusOr<int> {
      int cleared = 0;
      GOV_RETURN_IF_ERROR(kind.Edit([&cleared](Msg& message) {
        cleared = privacy::ClearPersonalFields(message);
        return absl::OkStatus();
      })(record));
      return cleared;
    });
  }

  // Declares the track's indicators, outside figures and ranking dimensions (once). A track
  // that ranks publishes each finished month's rankings (indicators::RankingsPublisher): a
  // sweep publishes the last month, the demo load the months since January of last year.
  indicators::IndicatorEngine* Indicators(std::vector<indicators::IndicatorSpec> specs,
                                          std::vector<indicators::FigureSpec> figures,
                                          indicators::RankingSpec rankings);

  // Declares the kinds of meetings the track holds (once): governance.v1.MeetingsService is
  // then served beside the track's own, on the track's rows (meetings::MeetingsLayout). The
  // returned part gives the indicators their measures (Meetings::HeldEveryMonth), so declare
  // the meetings before the indicators.
  meetings::Meetings* Meetings(std::vector<meetings::Kind> kinds);

  // Builds a part owned by the track; parts are destroyed in the reverse order, before the
  // engines they were built on.
  template <typename P, typename... Args>
  P* Part(Args&&... args) {
    auto part = std::make_shared<P>(std::forward<Args>(args)...);
    P* raw = part.get();
    parts_.push_back(std::move(part));
    return raw;
  }

  // A demo load (`what` names it in errors), run by LoadDemoData in the order declared.
  void Demo(std::string what, std::function<absl::Status()> load);
  // A periodic job run after the breach scans (`what` names it in errors).
  void Sweep(std::string what, std::function<absl::Status()> run);

  // Notes a problem found while declaring (status() reports the first).
  void Problem(absl::Status problem);

 private:
  cases::CaseEngine* AddCaseKind(const cases::TrackSpec& spec,
                                 cases::CaseEngine::PersonalDataEraser erase);

  struct Job {
    std::string what;
    std::function<absl::Status()> run;
  };

  server::TrackDeps deps_;
  std::string name_;
  std::vector<std::string> roles_;
  std::vector<std::unique_ptr<cases::CaseEngine>> engines_;
  std::unique_ptr<indicators::IndicatorEngine> indicators_;
  std::unique_ptr<registry::Registry> rankings_registry_;
  std::unique_ptr<indicators::RankingsPublisher> rankings_;
  std::unique_ptr<registry::Registry> meetings_registry_;
  std::unique_ptr<meetings::Meetings> meetings_;
  std::unique_ptr<server::RpcService> meetings_service_;
  std::vector<std::shared_ptr<void>> parts_;
  std::vector<Job> demos_;
  std::vector<Job> sweeps_;
  std::unique_ptr<server::RpcService> rpc_;
  std::unique_ptr<server::RpcService> indicators_service_;
  std::unique_ptr<cases::ChangeStream> changes_;
  std::unique_ptr<server::RpcService> changes_service_;
  std::unique_ptr<privacy::PersonalDataPart> personal_data_;
  std::unique_ptr<server::RpcService> personal_data_service_;
  absl::Status problem_;
};

// Checks what every track needs of the runner (store, registries, calendar, clock, handlers)
// and, for a track with a rules file, that one is configured. INVALID_ARGUMENT naming the track.
absl::Status CheckDeps(const server::TrackDeps& deps, const std::string& track, bool needs_rules);

// A track whose class names the type of its rules file (`using Rules = PolicingRules;` with a
// static `Rules::LoadFile(path, regions)` returning StatusOr<std::unique_ptr<Rules>>) is built
// with the rules loaded from --rules_file.
template <typename T>
concept HasRulesFile = requires {
  typename T::Rules;
};

// The factory the runner calls (main.cc) for a track class T: T(deps), or T(deps, rules) for a
// track with a rules file. Refuses incomplete dependencies, an unreadable rules file, and a
// track whose declarations or services are not right (TrackBase::status, RpcService::Check).
template <typename T>
requires std::derived_from<T, TrackBase> server::TrackFactory Factory(std::string track) {
  return [track](const server::TrackDeps& deps) -> absl::StatusOr<std::unique_ptr<server::Track>> {
    GOV_RETURN_IF_ERROR(CheckDeps(deps, track, HasRulesFile<T>));
    std::unique_ptr<T> built;
    if constexpr (HasRulesFile<T>) {
      auto rules = T::Rules::LoadFile(deps.config->rules_file, *deps.regions);
      if (!rules.ok()) {
        return Annotate(rules.status(), absl::StrCat(track, " rules ", deps.config->rules_file));
      }
      built = std::make_unique<T>(deps, *std::move(rules));
    } else {
      built = std::make_unique<T>(deps);
    }
    GOV_RETURN_IF_ERROR(built->status());
    for (server::RpcService* service : built->Services()) GOV_RETURN_IF_ERROR(service->Check());
    return std::unique_ptr<server::Track>(std::move(built));
  };
}

}  // namespace gov::track

#endif  // GOV_COMMON_TRACK_TRACK_BASE_H_
