#ifndef GOV_SERVICES_BACKLOG_TRACK_H_
#define GOV_SERVICES_BACKLOG_TRACK_H_

#include <memory>

#include "common/server/track_main.h"
#include "common/track/track_base.h"
#include "services/backlog/cases.h"
#include "services/backlog/projects.h"
#include "services/backlog/rules.h"
#include "services/backlog/warnings.h"

// 积案治理 — the backlog track, declared on the track kit (common/track/track_base.h): its two
// kinds of case (backlog cases, warnings), its registries (projects, risk assessments), its parts
// and the RPCs bound to them, its indicators, its demo data and its upkeep (the warnings' sweep).
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

 private:
  std::unique_ptr<Rules> rules_;
  BacklogCases* cases_ = nullptr;
  Warnings* warnings_ = nullptr;
  Projects* projects_ = nullptr;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_TRACK_H_
