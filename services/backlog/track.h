#ifndef GOV_SERVICES_BACKLOG_TRACK_H_
#define GOV_SERVICES_BACKLOG_TRACK_H_

#include <memory>

#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/backlog/cases.h"
#include "services/backlog/projects.h"
#include "services/backlog/rules.h"
#include "services/backlog/screening.h"
#include "services/backlog/supervision.h"
#include "services/backlog/warnings.h"

// 积案治理 — the backlog track, declared on the track kit (common/track/track_base.h): its kinds
// of case (backlog cases, warnings, screening entries, supervision notices), its registries
// (projects, risk assessments, screening rounds), its parts and the RPCs bound to them, its
// indicators, its demo data and its upkeep (the sweeps of warnings and of supervision notices).
// main.cc builds it with track::Factory<BacklogTrack>, which loads the rules file
// (data/backlog.json).
namespace gov::backlog {

class BacklogTrack final : public track::TrackBase {
 public:
  using Rules = backlog::Rules;
  BacklogTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules);

  const Rules& rules() const { return *rules_; }
  BacklogCases& backlog_cases() { return *cases_; }
  Warnings& warnings() { return *warnings_; }
  Projects& projects() { return *projects_; }
  Screening& screening() { return *screening_; }
  Supervision& supervision() { return *supervision_; }

 private:
  std::unique_ptr<Rules> rules_;
  BacklogCases* cases_ = nullptr;
  Warnings* warnings_ = nullptr;
  Projects* projects_ = nullptr;
  Screening* screening_ = nullptr;
  Supervision* supervision_ = nullptr;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_TRACK_H_
