#include "services/mediation/model.h"

#include <array>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gov::mediation {
namespace {

constexpr char kCategoryPrefix[] = "DISPUTE_CATEGORY_";
constexpr char kStatePrefix[] = "DISPUTE_STATE_";
constexpr char kChannelPrefix[] = "INTAKE_CHANNEL_";
constexpr char kBodyKindPrefix[] = "BODY_KIND_";
constexpr char kIndustryPrefix[] = "INDUSTRY_";
constexpr char kTrainingLevelPrefix[] = "TRAINING_LEVEL_";

std::string KeyOf(const google::protobuf::EnumDescriptor* descriptor, int number,
                  const std::string& prefix) {
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  std::string name = value->name();
  if (absl::StartsWith(name, prefix)) name.erase(0, prefix.size());
  return name;
}

// The enum number of a key; nullopt for unknown keys and for the zero (UNSPECIFIED) value.
std::optional<int> NumberOf(const google::protobuf::EnumDescriptor* descriptor,
                            const std::string& key, const std::string& prefix) {
  if (key.empty()) return std::nullopt;
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(absl::StrCat(prefix, key));
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return value->number();
}

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

std::string CategoryKey(mv1::DisputeCategory category) {
  return KeyOf(mv1::DisputeCategory_descriptor(), category, kCategoryPrefix);
}

std::optional<mv1::DisputeCategory> CategoryFromKey(const std::string& key) {
  std::optional<int> n = NumberOf(mv1::DisputeCategory_descriptor(), key, kCategoryPrefix);
  if (!n.has_value()) return std::nullopt;
  return static_cast<mv1::DisputeCategory>(*n);
}

std::string StateKey(mv1::DisputeState state) {
  return KeyOf(mv1::DisputeState_descriptor(), state, kStatePrefix);
}

std::optional<mv1::DisputeState> StateFromKey(const std::string& key) {
  std::optional<int> n = NumberOf(mv1::DisputeState_descriptor(), key, kStatePrefix);
  if (!n.has_value()) return std::nullopt;
  return static_cast<mv1::DisputeState>(*n);
}

std::string ChannelKey(mv1::IntakeChannel channel) {
  return KeyOf(mv1::IntakeChannel_descriptor(), channel, kChannelPrefix);
}

std::string BodyKindKey(mv1::BodyKind kind) {
  return KeyOf(mv1::BodyKind_descriptor(), kind, kBodyKindPrefix);
}

std::optional<mv1::BodyKind> BodyKindFromKey(const std::string& key) {
  std::optional<int> n = NumberOf(mv1::BodyKind_descriptor(), key, kBodyKindPrefix);
  if (!n.has_value()) return std::nullopt;
  return static_cast<mv1::BodyKind>(*n);
}

std::string IndustryKey(mv1::Industry industry) {
  return KeyOf(mv1::Industry_descriptor(), industry, kIndustryPrefix);
}

std::string TrainingLevelKey(mv1::TrainingLevel level) {
  return KeyOf(mv1::TrainingLevel_descriptor(), level, kTrainingLevelPrefix);
}

std::string CategoryNameZh(const std::string& key) {
  std::optional<mv1::DisputeCategory> category = CategoryFromKey(key);
  if (category.has_value()) {
    for (const CategoryName& entry : kCategoryNames) {
      if (entry.category == *category) return entry.name_zh;
    }
  }
  return std::string(key);
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
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

std::string SerializeStable(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

absl::StatusOr<mv1::Dispute> DisputeFromCase(const cases::Case& c) {
  const store::CaseRecord& r = c.record;
  mv1::Dispute dispute;
  if (!dispute.ParseFromString(r.payload)) {
    return absl::DataLossError(absl::StrCat("dispute ", r.id, ": stored payload is unreadable"));
  }
  dispute.set_id(r.id);
  dispute.set_state(StateFromKey(r.status).value_or(mv1::DISPUTE_STATE_UNSPECIFIED));
  dispute.set_body_id(r.unit_id);
  if (r.due_time != absl::InfiniteFuture()) *dispute.mutable_due_time() = ToProto(r.due_time);
  dispute.set_sla_breached(r.sla_breached);
  dispute.set_etag(c.etag());
  *dispute.mutable_create_time() = ToProto(r.create_time);
  *dispute.mutable_update_time() = ToProto(r.update_time);
  for (const store::HistoryRecord& h : c.history) {
    governance::v1::CaseEvent* event = dispute.add_history();
    event->set_sequence(h.sequence);
    *event->mutable_time() = ToProto(h.time);
    event->set_actor(h.actor);
    event->set_action(h.action);
    event->set_from_status(h.from_status);
    event->set_to_status(h.to_status);
    event->set_note(h.note);
  }
  return dispute;
}

bool SeesPersonalData(const auth::Principal& who) {
  return who.HasAnyRole({auth::kDistrictAdmin, auth::kStreetOperator, auth::kMediator});
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
