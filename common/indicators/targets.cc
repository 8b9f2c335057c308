#include "common/indicators/targets.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/util/file.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::indicators {
namespace {

namespace cv1 = ::governance::config::v1;
using governance::v1::TARGET_SOURCE_DISTRICT;
using governance::v1::TARGET_SOURCE_PLAN;

absl::Status Check(const cv1::Targets& data) {
  if (data.version().empty()) return InvalidField("version", "required");
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < data.targets_size(); ++i) {
    const cv1::IndicatorTarget& t = data.targets(i);
    const std::string field = absl::StrCat("targets[", i, "]");
    if (t.track().empty()) return InvalidField(absl::StrCat(field, ".track"), "required");
    if (t.indicator().empty()) return InvalidField(absl::StrCat(field, ".indicator"), "required");
    if (!seen.insert(absl::StrCat(t.track(), "/", t.indicator())).second) {
      return InvalidField(field,
                          absl::StrCat("a second target for ", t.track(), " ", t.indicator()));
    }
    if (t.source() == TARGET_SOURCE_PLAN) {
      if (t.plan_clause().empty()) {
        return InvalidField(absl::StrCat(field, ".plan_clause"), "required for a plan target");
      }
      if (!t.reason().empty()) {
        return InvalidField(absl::StrCat(field, ".reason"),
                            "a plan target quotes the plan (plan_clause), it has no reason");
      }
    } else if (t.source() == TARGET_SOURCE_DISTRICT) {
      if (t.reason().empty()) {
        return InvalidField(absl::StrCat(field, ".reason"), "required for a district target");
      }
      if (!t.plan_clause().empty()) {
        return InvalidField(absl::StrCat(field, ".plan_clause"),
                            "a district target is not the plan's: it has no plan clause");
      }
    } else {
      return InvalidField(absl::StrCat(field, ".source"),
                          "TARGET_SOURCE_PLAN or TARGET_SOURCE_DISTRICT");
    }
    GOV_RETURN_IF_ERROR(
        ValidateTextCharacters(t.plan_clause(), absl::StrCat(field, ".plan_clause")));
    GOV_RETURN_IF_ERROR(ValidateTextCharacters(t.reason(), absl::StrCat(field, ".reason")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TargetBook>> TargetBook::LoadFile(const std::string& path) {
  return LoadRulesFile<TargetBook, cv1::Targets>(path, "targets");
}

absl::StatusOr<std::unique_ptr<TargetBook>> TargetBook::FromProto(cv1::Targets data) {
  GOV_RETURN_IF_ERROR(Check(data));
  return std::unique_ptr<TargetBook>(new TargetBook(std::move(data)));
}

absl::Status TargetBook::Apply(const std::string& track, std::vector<IndicatorSpec>& specs) const {
  absl::flat_hash_map<std::string, const cv1::IndicatorTarget*> entries;
  for (const cv1::IndicatorTarget& t : data_.targets()) {
    if (t.track() == track) entries[t.indicator()] = &t;
  }
  for (IndicatorSpec& spec : specs) {
    auto found = entries.find(spec.id);
    if (spec.target_kind == governance::v1::TARGET_KIND_UNSPECIFIED) {
      if (found != entries.end()) {
        return absl::InternalError(absl::StrCat("targets file: ", track, " indicator ", spec.id,
                                                " is watched only (no target kind), yet the "
                                                "file gives it a target"));
      }
      continue;
    }
    if (found == entries.end()) {
      return absl::InternalError(
          absl::StrCat("targets file: no target for ", track, " indicator ", spec.id));
    }
    const cv1::IndicatorTarget& t = *found->second;
    spec.target = t.target();
    spec.target_source = t.source();
    spec.plan_clause = t.plan_clause();
    spec.target_reason = t.reason();
    entries.erase(found);
  }
  if (!entries.empty()) {
    return absl::InternalError(
        absl::StrCat("targets file: ", track, " has no indicator ", entries.begin()->first));
  }
  return absl::OkStatus();
}

}  // namespace gov::indicators
