#include "common/cases/case_kind.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/privacy/personal_fields.h"
#include "common/util/proto.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/privacy.pb.h"

namespace gov::cases {
namespace {

// A case's history as the API shows it.
void AppendCaseEvents(const std::vector<store::HistoryRecord>& history,
                      google::protobuf::RepeatedPtrField<governance::v1::CaseEvent>* out) {
  for (const store::HistoryRecord& h : history) {
    governance::v1::CaseEvent* event = out->Add();
    event->set_sequence(h.sequence);
    *event->mutable_time() = ToTimestamp(h.time);
    event->set_actor(h.actor);
    event->set_action(h.action);
    event->set_from_status(h.from_status);
    event->set_to_status(h.to_status);
    event->set_note(h.note);
  }
}

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The field named `name` (nullptr for ""; the names were checked by CheckFields).
const FieldDescriptor* Field(const Message& m, const std::string& name) {
  return name.empty() ? nullptr : m.GetDescriptor()->FindFieldByName(name);
}

void SetTime(Message& m, const FieldDescriptor* f, absl::Time t) {
  if (f == nullptr) return;
  m.GetReflection()->MutableMessage(&m, f)->CopyFrom(ToTimestamp(t));
}

// Every field the record owns, cleared.
void ClearOwned(Message& m, const RecordFields& fields) {
  for (const std::string* name :
       {&fields.id, &fields.status, &fields.unit_id, &fields.region, &fields.created,
        &fields.updated, &fields.due_time, &fields.sla_breached, &fields.etag, &fields.history}) {
    if (const FieldDescriptor* f = Field(m, *name); f != nullptr) {
      m.GetReflection()->ClearField(&m, f);
    }
  }
}

absl::Status Expect(const Descriptor& type, const std::string& name, const char* role,
                    FieldDescriptor::CppType cpp_type, const Descriptor* message_type,
                    bool repeated = false) {
  if (name.empty()) return absl::OkStatus();
  const FieldDescriptor* f = type.FindFieldByName(name);
  if (f == nullptr) {
    return absl::InternalError(
        absl::StrCat(type.full_name(), " has no field \"", name, "\" (the record's ", role, ")"));
  }
  const bool type_ok = f->cpp_type() == cpp_type && f->is_repeated() == repeated &&
                       (message_type == nullptr || f->message_type() == message_type);
  if (!type_ok) {
    return absl::InternalError(absl::StrCat(type.full_name(), ".", name,
                                            " cannot hold the record's ", role, " (wrong type)"));
  }
  return absl::OkStatus();
}

}  // namespace

namespace kind_internal {

absl::Status CheckFields(const Descriptor& type, const RecordFields& fields) {
  const Descriptor* timestamp = google::protobuf::Timestamp::descriptor();
  GOV_RETURN_IF_ERROR(Expect(type, fields.id, "id", FieldDescriptor::CPPTYPE_STRING, nullptr));
  GOV_RETURN_IF_ERROR(
      Expect(type, fields.status, "status", FieldDescriptor::CPPTYPE_ENUM, nullptr));
  // The unit: a string (a unit's id), or an enum whose key the record holds (a level).
  if (const FieldDescriptor* unit = type.FindFieldByName(fields.unit_id);
      unit == nullptr || unit->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
    GOV_RETURN_IF_ERROR(
        Expect(type, fields.unit_id, "unit", FieldDescriptor::CPPTYPE_STRING, nullptr));
  } else if (unit->is_repeated()) {
    return absl::InternalError(absl::StrCat(type.full_name(), ".", fields.unit_id,
                                            " cannot hold the record's unit (wrong type)"));
  }
  GOV_RETURN_IF_ERROR(Expect(type, fields.region, "region", FieldDescriptor::CPPTYPE_MESSAGE,
                             governance::v1::RegionRef::descriptor()));
  for (const auto& [name, role] :
       {std::pair{&fields.created, "create time"}, std::pair{&fields.updated, "update time"},
        std::pair{&fields.due_time, "due time"}}) {
    GOV_RETURN_IF_ERROR(Expect(type, *name, role, FieldDescriptor::CPPTYPE_MESSAGE, timestamp));
  }
  GOV_RETURN_IF_ERROR(
      Expect(type, fields.sla_breached, "breach flag", FieldDescriptor::CPPTYPE_BOOL, nullptr));
  GOV_RETURN_IF_ERROR(Expect(type, fields.etag, "etag", FieldDescriptor::CPPTYPE_STRING, nullptr));
  for (const std::string& role : fields.sees_personal) {
    if (role != kEveryRole && !auth::IsValidRoleName(role)) {
      return absl::InternalError(
          absl::StrCat(type.full_name(), ": sees_personal names no role: \"", role, "\""));
    }
  }
  return Expect(type, fields.history, "history", FieldDescriptor::CPPTYPE_MESSAGE,
                governance::v1::CaseEvent::descriptor(), /*repeated=*/true);
}

bool SeesPersonal(const RecordFields& fields, const auth::Principal& who) {
  if (who.HasRole(auth::kDistrictAdmin) || who.HasAnyRole(fields.sees_personal)) return true;
  return std::find(fields.sees_personal.begin(), fields.sees_personal.end(), kEveryRole) !=
         fields.sees_personal.end();
}

absl::Status Decode(const Case& c, const RecordFields& fields, Message& out) {
  const store::CaseRecord& r = c.record;
  if (!out.ParseFromString(r.payload)) {
    return absl::DataLossError(
        absl::StrCat(out.GetDescriptor()->name(), " ", r.id, ": stored payload is unreadable"));
  }
  const Reflection* refl = out.GetReflection();
  if (const FieldDescriptor* f = Field(out, fields.id)) refl->SetString(&out, f, r.id);
  if (const FieldDescriptor* f = Field(out, fields.status)) {
    refl->SetEnumValue(&out, f, EnumNumber(f->enum_type(), r.status).value_or(0));
  }
  if (const FieldDescriptor* f = Field(out, fields.unit_id)) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      refl->SetEnumValue(&out, f, EnumNumber(f->enum_type(), r.unit_id).value_or(0));
    } else {
      refl->SetString(&out, f, r.unit_id);
    }
  }
  if (const FieldDescriptor* f = Field(out, fields.region)) {
    auto* region = static_cast<governance::v1::RegionRef*>(refl->MutableMessage(&out, f));
    region->set_street_id(r.street_id);
    region->set_community_id(r.community_id);
    region->set_grid_id(r.grid_id);
  }
  SetTime(out, Field(out, fields.created), r.create_time);
  SetTime(out, Field(out, fields.updated), r.update_time);
  if (const FieldDescriptor* f = Field(out, fields.due_time)) {
    if (r.due_time == absl::InfiniteFuture()) {
      refl->ClearField(&out, f);
    } else {
      SetTime(out, f, r.due_time);
    }
  }
  if (const FieldDescriptor* f = Field(out, fields.sla_breached)) {
    refl->SetBool(&out, f, r.sla_breached);
  }
  if (const FieldDescriptor* f = Field(out, fields.etag)) refl->SetString(&out, f, c.etag());
  if (const FieldDescriptor* f = Field(out, fields.history)) {
    refl->ClearField(&out, f);
    google::protobuf::RepeatedPtrField<governance::v1::CaseEvent> events;
    AppendCaseEvents(c.history, &events);
    for (const governance::v1::CaseEvent& event : events)
      refl->AddMessage(&out, f)->CopyFrom(event);
  }
  return absl::OkStatus();
}

std::string Payload(const Message& message, const RecordFields& fields) {
  std::unique_ptr<Message> stored(message.New());
  stored->CopyFrom(message);
  ClearOwned(*stored, fields);
  return SerializeStable(*stored);
}

absl::Status WriteBack(const Message& message, const RecordFields& fields,
                       store::CaseRecord& record) {
  const Reflection* refl = message.GetReflection();
  if (const FieldDescriptor* f = Field(message, fields.unit_id)) {
    record.unit_id = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                         ? EnumKey(f->enum_type(), refl->GetEnumValue(message, f))
                         : refl->GetString(message, f);
  }
  if (const FieldDescriptor* f = Field(message, fields.region)) {
    const auto& region =
        static_cast<const governance::v1::RegionRef&>(refl->GetMessage(message, f));
    record.street_id = region.street_id();
    record.community_id = region.community_id();
    record.grid_id = region.grid_id();
  }
  record.payload = Payload(message, fields);
  return absl::OkStatus();
}

}  // namespace kind_internal

RecordFields ConventionalFields(std::string unit_id, std::vector<std::string> sees_personal) {
  return {.id = "id",
          .status = "status",
          .unit_id = std::move(unit_id),
          .region = "region",
          .created = "create_time",
          .updated = "update_time",
          .due_time = "",
          .sla_breached = "",
          .etag = "etag",
          .history = "history",
          .sees_personal = std::move(sees_personal)};
}

void ClearPersonalData(Message& message) { (void)privacy::ClearPersonalFields(message); }

}  // namespace gov::cases
