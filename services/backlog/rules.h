#ifndef GOV_SERVICES_BACKLOG_RULES_H_
#define GOV_SERVICES_BACKLOG_RULES_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "governance/backlog/v1/backlog.pb.h"
#include "governance/config/v1/backlog.pb.h"

// The backlog track's rules file (data/backlog.json, governance.config.v1.BacklogRules): the
// cases of other tracks a backlog case may refer to, when warnings escalate, which projects
// need a risk assessment, and when supervision notices escalate. Loaded and
// checked at start; a wrong file keeps the service from starting, naming the entry.
namespace gov::backlog {

namespace cv1 = ::governance::config::v1;

class Rules {
 public:
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::BacklogRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::BacklogRules& data() const { return data_; }
  // How a case of `track` is checked; nullptr when backlog cases may not refer to that track.
  const cv1::CaseReference* FindReference(std::string_view track) const;
  // How long a warning stays at `level` before it moves up (infinite at district level).
  absl::Duration TimeAtLevel(governance::backlog::v1::WarningLevel level) const;
  // The new deadline of a supervision notice that moves up a level, after the one it missed.
  absl::Duration NoticeExtension() const;
  // Whether the project needs a social-stability risk assessment: the rule of its type, when
  // there is one, has a threshold the project reaches (or none at all: every such project).
  bool NeedsAssessment(const governance::backlog::v1::Project& project) const;

 private:
  explicit Rules(cv1::BacklogRules data) : data_(std::move(data)) {}
  cv1::BacklogRules data_;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_RULES_H_
