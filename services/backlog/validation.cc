#include "services/backlog/validation.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::backlog {
namespace {

absl::Status ValidateOrigin(const bv1::Origin& origin, const Rules& rules) {
  if (origin.kind() == bv1::ORIGIN_KIND_UNSPECIFIED || !bv1::OriginKind_IsValid(origin.kind())) {
    return InvalidField("backlog_case.origin.kind", "required: an origin kind");
  }
  GOV_RETURN_IF_ERROR(ValidateText(origin.reference(), "backlog_case.origin.reference", kMaxName));
  if (origin.kind() != bv1::ORIGIN_KIND_TRACK_CASE) {
    if (!origin.track().empty()) {
      return InvalidField("backlog_case.origin.track", "only for ORIGIN_KIND_TRACK_CASE");
    }
    if (!origin.case_id().empty()) {
      return InvalidField("backlog_case.origin.case_id", "only for ORIGIN_KIND_TRACK_CASE");
    }
    return absl::OkStatus();
  }
  if (rules.FindReference(origin.track()) == nullptr) {
    std::string known;
    for (const cv1::CaseReference& ref : rules.data().references()) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", ref.track());
    }
    return InvalidField("backlog_case.origin.track",
                        absl::StrCat("a track whose cases may be referred to: ", known));
  }
  return ValidateId(origin.case_id(), "backlog_case.origin.case_id");
}

}  // namespace

absl::Status ValidateNewCase(const bv1::BacklogCase& c, const Rules& rules,
                             const regions::RegionRegistry& regions, absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateOrigin(c.origin(), rules));
  GOV_RETURN_IF_ERROR(regions.Validate(c.region(), "backlog_case.region", /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.title(), "backlog_case.title", kMaxTitle, true));
  GOV_RETURN_IF_ERROR(ValidateText(c.summary(), "backlog_case.summary", kMaxText, true));
  GOV_RETURN_IF_ERROR(
      ValidateText(c.responsible_leader(), "backlog_case.responsible_leader", kMaxName, true));
  if (c.task_force_size() < 1 || c.task_force_size() > kMaxTaskForce) {
    return InvalidField("backlog_case.task_force", absl::StrCat("1 to ", kMaxTaskForce, " units"));
  }
  absl::flat_hash_set<std::string> units;
  for (int i = 0; i < c.task_force_size(); ++i) {
    const std::string at = absl::StrCat("backlog_case.task_force[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(c.task_force(i), at, kMaxName, true));
    if (!units.insert(c.task_force(i)).second) return InvalidField(at, "given twice");
  }
  if (c.milestones_size() < 1 || c.milestones_size() > kMaxMilestones) {
    return InvalidField("backlog_case.milestones",
                        absl::StrCat("a plan of 1 to ", kMaxMilestones, " milestones"));
  }
  for (int i = 0; i < c.milestones_size(); ++i) {
    const bv1::Milestone& m = c.milestones(i);
    const std::string at = absl::StrCat("backlog_case.milestones[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(m.title(), absl::StrCat(at, ".title"), kMaxTitle, true));
    GOV_RETURN_IF_ERROR(ValidateTime(m.due_time(), absl::StrCat(at, ".due_time")));
    if (FromTimestamp(m.due_time()) <= now) {
      return InvalidField(absl::StrCat(at, ".due_time"), "must lie ahead: the plan is to come");
    }
  }
  return absl::OkStatus();
}

}  // namespace gov::backlog
