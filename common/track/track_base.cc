#include "common/track/track_base.h"

#include <algorithm>
#include <utility>

#include "common/auth/auth.h"
#include "common/indicators/service.h"
#include "common/indicators/targets.h"

namespace gov::track {
namespace {

// Keeps the first error of several jobs that all run.
void Keep(absl::Status& first, const absl::Status& next) {
  if (first.ok() && !next.ok()) first = next;
}

}  // namespace

TrackBase::TrackBase(const server::TrackDeps& deps, std::string name, std::string_view service,
                     std::vector<std::string> own_roles)
    : deps_(deps), name_(std::move(name)) {
  roles_ = {auth::kStreetOperator, auth::kViewer, auth::kSystem, auth::kAuditor};
  for (std::string& role : own_roles) {
    if (!auth::IsValidRoleName(role) || auth::IsDistrictRole(role)) {
      Problem(absl::InternalError(
          absl::StrCat("role \"", role, "\" is not a name a track may declare")));
    }
    roles_.push_back(std::move(role));
  }
  rpc_ = std::make_unique<server::RpcService>(service, deps.handlers, roles_);
  personal_data_ = std::make_unique<privacy::PersonalDataPart>(name_, deps.repo);
  personal_data_service_ =
      privacy::MakePersonalDataService(personal_data_.get(), deps.handlers, roles_);
}

TrackBase::~TrackBase() {
  // The services hold pointers into the parts, the parts into the engines: tear down in that
  // order whatever the members' order.
  indicators_service_.reset();
  meetings_service_.reset();
  personal_data_service_.reset();
  rpc_.reset();
  while (!parts_.empty()) parts_.pop_back();
  // The publisher reads the indicator engine, whose measures may read the meetings.
  rankings_.reset();
  indicators_.reset();
  meetings_.reset();
  personal_data_.reset();
  engines_.clear();
}

void TrackBase::Problem(absl::Status problem) {
  if (problem_.ok() && !problem.ok()) {
    problem_ = Annotate(problem, absl::StrCat("track ", name_));
  }
}

absl::Status TrackBase::status() const {
  if (!problem_.ok()) return problem_;
  if (indicators_ == nullptr) {
    return absl::InternalError(absl::StrCat("track ", name_, ": no indicators declared"));
  }
  return absl::OkStatus();
}

cases::CaseEngine* TrackBase::AddCaseKind(const cases::TrackSpec& spec,
                                          cases::CaseEngine::PersonalDataEraser erase) {
  Problem(cases::CaseEngine::ValidateSpec(spec));
  for (const auto& engine : engines_) {
    if (engine->spec().track == spec.track) {
      Problem(absl::InternalError(absl::StrCat("case kind ", spec.track, " declared twice")));
    }
  }
  engines_.push_back(std::make_unique<cases::CaseEngine>(
      spec, deps_.repo, deps_.cache, deps_.calendar, deps_.clock, deps_.registry));
  // The first kind of case brings the change stream of the track's cases.
  if (changes_ == nullptr) {
    changes_ = std::make_unique<cases::ChangeStream>(deps_.repo);
    changes_service_ = cases::MakeChangesService(changes_.get(), deps_.handlers, roles_);
  }
  changes_->AddKind(engines_.back().get());
  personal_data_->AddKind(engines_.back().get(), std::move(erase));
  return engines_.back().get();
}

cases::CaseEngine* TrackBase::engine(std::string_view store_track) const {
  for (const auto& engine : engines_) {
    if (engine->spec().track == store_track) return engine.get();
  }
  return nullptr;
}

indicators::IndicatorEngine* TrackBase::Indicators(std::vector<indicators::IndicatorSpec> specs,
                                                   std::vector<indicators::FigureSpec> figures,
                                                   indicators::RankingSpec rankings) {
  if (indicators_ != nullptr) {
    Problem(absl::InternalError("indicators declared twice"));
    return indicators_.get();
  }
  // The targets are the file's (data/targets.json): a track without indicators with targets
  // needs none.
  const bool graded = std::any_of(specs.begin(), specs.end(), [](const auto& spec) {
    return spec.target_kind != governance::v1::TARGET_KIND_UNSPECIFIED;
  });
  if (graded) {
    const std::string path = deps_.config != nullptr ? deps_.config->targets_file : "";
    absl::StatusOr<std::unique_ptr<indicators::TargetBook>> book =
        path.empty() ? absl::FailedPreconditionError("no targets file (--targets_file)")
                     : indicators::TargetBook::LoadFile(path);
    absl::Status applied = book.ok() ? (*book)->Apply(name_, specs) : book.status();
    if (!applied.ok()) Problem(applied);
  }
  indicators_ = std::make_unique<indicators::IndicatorEngine>(
      name_, std::move(specs), std::move(figures), std::move(rankings), deps_.repo, deps_.cache,
      deps_.regions, deps_.clock, deps_.registry);
  rankings_registry_ = std::make_unique<registry::Registry>(indicators::RankingsLayout(name_),
                                                            deps_.repo, deps_.cache, deps_.clock);
  rankings_ = std::make_unique<indicators::RankingsPublisher>(
      indicators_.get(), rankings_registry_.get(), deps_.clock);
  indicators_service_ =
      indicators::MakeIndicatorsService(indicators_.get(), rankings_.get(), deps_.handlers, roles_);
  if (!indicators_->ranking_dimensions().empty()) {
    Sweep("rankings due", [this] { return rankings_->PublishDue().status(); });
  }
  return indicators_.get();
}

meetings::Meetings* TrackBase::Meetings(std::vector<meetings::Kind> kinds) {
  if (meetings_ != nullptr) {
    Problem(absl::InternalError("meetings declared twice"));
    return meetings_.get();
  }
  if (kinds.empty()) Problem(absl::InternalError("meetings declared without a kind"));
  meetings_registry_ = std::make_unique<registry::Registry>(meetings::MeetingsLayout(name_),
                                                            deps_.repo, deps_.cache, deps_.clock);
  meetings_ = std::make_unique<meetings::Meetings>(meetings_registry_.get(), std::move(kinds),
                                                   deps_.regions, deps_.clock);
  meetings_service_ = indicators::MakeMeetingsService(meetings_.get(), deps_.handlers, roles_);
  return meetings_.get();
}

void TrackBase::Demo(std::string what, std::function<absl::Status()> load) {
  demos_.push_back({std::move(what), std::move(load)});
}

void TrackBase::Sweep(std::string what, std::function<absl::Status()> run) {
  sweeps_.push_back({std::move(what), std::move(run)});
}

std::vector<server::RpcService*> TrackBase::Services() {
  std::vector<server::RpcService*> services = {rpc_.get()};
  if (indicators_service_ != nullptr) services.push_back(indicators_service_.get());
  if (changes_service_ != nullptr) services.push_back(changes_service_.get());
  if (meetings_service_ != nullptr) services.push_back(meetings_service_.get());
  services.push_back(personal_data_service_.get());
  return services;
}

absl::Status TrackBase::LoadDemoData() {
  for (const Job& demo : demos_) {
    absl::Status loaded = demo.run();
    if (!loaded.ok()) return Annotate(loaded, absl::StrCat("demo ", demo.what));
  }
  if (rankings_ != nullptr) {
    // The demo's months published as the district would have published them.
    const absl::CivilDay today = cal::LocalDay(deps_.clock->Now());
    absl::StatusOr<int> published = rankings_->PublishSince(absl::CivilDay(today.year() - 1, 1, 1));
    if (!published.ok()) return Annotate(published.status(), "demo published rankings");
  }
  return absl::OkStatus();
}

absl::Status TrackBase::ScanBreaches() {
  absl::Status first;
  for (const auto& engine : engines_) Keep(first, engine->ScanBreaches().status());
  for (const Job& sweep : sweeps_) {
    absl::Status swept = sweep.run();
    if (!swept.ok()) swept = Annotate(swept, sweep.what);
    Keep(first, swept);
  }
  return first;
}

absl::Status TrackBase::RefreshGauges() {
  absl::Status first;
  if (indicators_ != nullptr) Keep(first, indicators_->RefreshGauges());
  for (const auto& engine : engines_) Keep(first, engine->RefreshCaseGauges());
  return first;
}

std::vector<std::string> TrackBase::StoreTracks() const {
  std::vector<std::string> tracks = {name_};
  for (const auto& engine : engines_) {
    const std::string& track = engine->spec().track;
    if (std::find(tracks.begin(), tracks.end(), track) == tracks.end()) tracks.push_back(track);
  }
  return tracks;
}

absl::Status CheckDeps(const server::TrackDeps& deps, const std::string& track, bool needs_rules) {
  if (deps.repo == nullptr || deps.regions == nullptr || deps.calendar == nullptr ||
      deps.clock == nullptr || deps.handlers == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(track, " track: incomplete dependencies"));
  }
  if (needs_rules && (deps.config == nullptr || deps.config->rules_file.empty())) {
    return absl::InvalidArgumentError(absl::StrCat(track, " track: no rules file (--rules_file)"));
  }
  return absl::OkStatus();
}

}  // namespace gov::track
