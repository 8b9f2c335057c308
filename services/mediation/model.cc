#include "services/mediation/model.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/mediation/track.h"

namespace gov::mediation {
namespace {

struct CategoryName {
  mv1::DisputeCategory category;
  const char* name_zh;
};

constexpr std::array<CategoryName, 13> kCategoryNames = {{
    {mv1::DISPUTE_CATEGORY_FAMILY, "婚姻家庭"},
    {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, "邻里纠纷"},
    {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, "物业纠纷"},
    {mv1::DISPUTE_CATEGORY_LABOUR, "劳动争议"},
    {mv1::DISPUTE_CATEGORY_CONTRACT, "合同债务"},
    {mv1::DISPUTE_CATEGORY_TRAFFIC, "交通事故"},
    {mv1::DISPUTE_CATEGORY_MEDICAL, "医疗纠纷"},
    {mv1::DISPUTE_CATEGORY_CONSUMER, "消费纠纷"},
    {mv1::DISPUTE_CATEGORY_FINANCE, "金融纠纷"},
    {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, "知识产权纠纷"},
    {mv1::DISPUTE_CATEGORY_COMMERCE, "商事纠纷"},
    {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING, "土地房屋纠纷"},
    {mv1::DISPUTE_CATEGORY_OTHER, "其他纠纷"},
}};

}  // namespace

std::string CategoryNameZh(const std::string& key) {
  std::optional<mv1::DisputeCategory> category = EnumFromKey<mv1::DisputeCategory>(key);
  if (category.has_value()) {
    for (const CategoryName& entry : kCategoryNames) {
      if (entry.category == *category) return entry.name_zh;
    }
  }
  return std::string(key);
}

mv1::Dispute StoredPart(const mv1::Dispute& dispute) {
  mv1::Dispute stored = dispute;
  stored.clear_id();
  stored.clear_state();
  stored.clear_body_id();
  stored.clear_due_time();
  stored.clear_sla_breached();
  stored.clear_etag();
  stored.clear_create_time();
  stored.clear_update_time();
  stored.clear_history();
  return stored;
}

absl::StatusOr<mv1::Dispute> DisputeFromCase(const cases::Case& c) {
  const store::CaseRecord& r = c.record;
  mv1::Dispute dispute;
  if (!dispute.ParseFromString(r.payload)) {
    return absl::DataLossError(absl::StrCat("dispute ", r.id, ": stored payload is unreadable"));
  }
  dispute.set_id(r.id);
  dispute.set_state(
      EnumFromKey<mv1::DisputeState>(r.status).value_or(mv1::DISPUTE_STATE_UNSPECIFIED));
  dispute.set_body_id(r.unit_id);
  if (r.due_time != absl::InfiniteFuture()) *dispute.mutable_due_time() = ToTimestamp(r.due_time);
  dispute.set_sla_breached(r.sla_breached);
  dispute.set_etag(c.etag());
  *dispute.mutable_create_time() = ToTimestamp(r.create_time);
  *dispute.mutable_update_time() = ToTimestamp(r.update_time);
  AppendCaseEvents(c.history, dispute.mutable_history());
  return dispute;
}

bool SeesPersonalData(const auth::Principal& who) {
  return who.HasAnyRole({auth::kDistrictAdmin, auth::kStreetOperator, kMediator});
}

void RedactPersonalData(mv1::Dispute& dispute) {
  for (mv1::Party& party : *dispute.mutable_parties()) {
    party.clear_name();
    party.clear_phone();
  }
  dispute.clear_summary();
  dispute.clear_outcome_note();
  for (mv1::MediationSession& session : *dispute.mutable_sessions()) session.clear_note();
  for (governance::v1::CaseEvent& event : *dispute.mutable_history()) event.clear_note();
}

}  // namespace gov::mediation
