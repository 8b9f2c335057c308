#include "services/backlog/validation.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/backlog/milestones.h"

namespace gov::backlog {
namespace {

absl::Status ValidateOrigin(const bv1::Origin& origin, const Rules& rules, const std::string& at) {
  if (origin.kind() == bv1::ORIGIN_KIND_UNSPECIFIED || !bv1::OriginKind_IsValid(origin.kind())) {
    return InvalidField(absl::StrCat(at, "origin.kind"), "required: an origin kind");
  }
  GOV_RETURN_IF_ERROR(
      ValidateText(origin.reference(), absl::StrCat(at, "origin.reference"), kMaxName));
  if (origin.kind() != bv1::ORIGIN_KIND_TRACK_CASE) {
    if (!origin.track().empty()) {
      return InvalidField(absl::StrCat(at, "origin.track"), "only for ORIGIN_KIND_TRACK_CASE");
    }
    if (!origin.case_id().empty()) {
      return InvalidField(absl::StrCat(at, "origin.case_id"), "only for ORIGIN_KIND_TRACK_CASE");
    }
    return absl::OkStatus();
  }
  if (rules.FindReference(origin.track()) == nullptr) {
    std::string known;
    for (const cv1::CaseReference& ref : rules.data().references()) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", ref.track());
    }
    return InvalidField(absl::StrCat(at, "origin.track"),
                        absl::StrCat("a track whose cases may be referred to: ", known));
  }
  return ValidateId(origin.case_id(), absl::StrCat(at, "origin.case_id"));
}

}  // namespace

absl::Status ValidateNewCase(const bv1::BacklogCase& c, const Rules& rules,
                             const regions::RegionRegistry& regions, absl::Time now,
                             const std::string& at) {
  GOV_RETURN_IF_ERROR(ValidateOrigin(c.origin(), rules, at));
  GOV_RETURN_IF_ERROR(
      regions.Validate(c.region(), absl::StrCat(at, "region"), /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.title(), absl::StrCat(at, "title"), kMaxTitle, true));
  GOV_RETURN_IF_ERROR(ValidateText(c.summary(), absl::StrCat(at, "summary"), kMaxText, true));
  GOV_RETURN_IF_ERROR(
      ValidateText(c.responsible_leader(), absl::StrCat(at, "responsible_leader"), kMaxName, true));
  if (c.task_force_size() < 1 || c.task_force_size() > kMaxTaskForce) {
    return InvalidField(absl::StrCat(at, "task_force"),
                        absl::StrCat("1 to ", kMaxTaskForce, " units"));
  }
  absl::flat_hash_set<std::string> units;
  for (int i = 0; i < c.task_force_size(); ++i) {
    const std::string unit = absl::StrCat(at, "task_force[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(c.task_force(i), unit, kMaxName, true));
    if (!units.insert(c.task_force(i)).second) return InvalidField(unit, "given twice");
  }
  return ValidatePlan(c.milestones(), absl::StrCat(at, "milestones"), 1, kMaxMilestones, now);
}

}  // namespace gov::backlog
