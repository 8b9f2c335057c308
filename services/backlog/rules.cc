#include "services/backlog/rules.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/util/file.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "google/protobuf/descriptor.h"
#include "services/backlog/model.h"

namespace gov::backlog {
namespace {

constexpr int kMaxHours = 2160;  // 90 days

absl::Status Check(const cv1::BacklogRules& data) {
  absl::flat_hash_set<std::string> tracks;
  for (int i = 0; i < data.references_size(); ++i) {
    const cv1::CaseReference& ref = data.references(i);
    const std::string at = absl::StrCat("references[", i, "]");
    if (config::FindTrack(ref.track()) == nullptr || ref.track() == kTrack) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".track: \"", ref.track(), "\" is not another track of the suite"));
    }
    if (!tracks.insert(ref.track()).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".track: ", ref.track(), " twice"));
    }
    const google::protobuf::MethodDescriptor* method =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(ref.method());
    if (method == nullptr ||
        method->service()->file()->package() != absl::StrCat("governance.", ref.track(), ".v1")) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".method: \"", ref.method(),
                                                     "\" is not a method of ", ref.track(),
                                                     "'s service in the schema"));
    }
    const google::protobuf::FieldDescriptor* id = method->input_type()->FindFieldByName("id");
    if (id == nullptr || id->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
        id->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".method: ", ref.method(), " takes no string field id"));
    }
    if (ref.noun().empty()) return absl::InvalidArgumentError(absl::StrCat(at, ".noun: required"));
  }
  absl::flat_hash_set<int> types;
  for (int i = 0; i < data.assessment_rules_size(); ++i) {
    const cv1::AssessmentRule& rule = data.assessment_rules(i);
    const std::string at = absl::StrCat("assessment_rules[", i, "]");
    if (rule.type() == bv1::PROJECT_TYPE_UNSPECIFIED || !bv1::ProjectType_IsValid(rule.type())) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".type: a project type"));
    }
    if (!types.insert(rule.type()).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".type: twice"));
    }
    if (rule.min_investment_fen() < 0 || rule.min_households() < 0) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": a threshold below 0"));
    }
  }
  const cv1::WarningEscalation& e = data.escalation();
  GOV_RETURN_IF_ERROR(
      ValidateRange(e.community_hours(), 1, kMaxHours, "escalation.community_hours"));
  GOV_RETURN_IF_ERROR(ValidateRange(e.street_hours(), 1, kMaxHours, "escalation.street_hours"));
  return ValidateRange(data.supervision().extension_hours(), 1, kMaxHours,
                       "supervision.extension_hours");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::BacklogRules>(path, "backlog rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::BacklogRules data,
                                                        const regions::RegionRegistry&) {
  GOV_RETURN_IF_ERROR(Check(data));
  return std::unique_ptr<Rules>(new Rules(std::move(data)));
}

const cv1::CaseReference* Rules::FindReference(std::string_view track) const {
  for (const cv1::CaseReference& ref : data_.references()) {
    if (ref.track() == track) return &ref;
  }
  return nullptr;
}

bool Rules::NeedsAssessment(const bv1::Project& project) const {
  for (const cv1::AssessmentRule& rule : data_.assessment_rules()) {
    if (rule.type() != project.type()) continue;
    if (rule.min_investment_fen() == 0 && rule.min_households() == 0) return true;
    return (rule.min_investment_fen() > 0 &&
            project.investment_fen() >= rule.min_investment_fen()) ||
           (rule.min_households() > 0 && project.households() >= rule.min_households());
  }
  return false;
}

absl::Duration Rules::NoticeExtension() const {
  return absl::Hours(data_.supervision().extension_hours());
}

absl::Duration Rules::TimeAtLevel(bv1::WarningLevel level) const {
  switch (level) {
    case bv1::WARNING_LEVEL_COMMUNITY:
      return absl::Hours(data_.escalation().community_hours());
    case bv1::WARNING_LEVEL_STREET:
      return absl::Hours(data_.escalation().street_hours());
    default:
      return absl::InfiniteDuration();
  }
}

}  // namespace gov::backlog
