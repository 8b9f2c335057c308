#include "services/digital/rules.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/util/field_path.h"
#include "common/util/file.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "google/protobuf/descriptor.h"
#include "governance/v1/common.pb.h"
#include "services/digital/cockpits.h"

namespace gov::digital {
namespace {

namespace dv1 = ::governance::digital::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

constexpr char kTrack[] = "digital";

// The method of a route, checked: a method of the schema, of the named track's service
// ("governance.<track>.v1."), whose request has a string request_id.
absl::StatusOr<const MethodDescriptor*> RouteMethod(const cv1::DispatchRoute& r,
                                                    const std::string& at) {
  if (r.track() == kTrack || config::FindTrack(r.track()) == nullptr) {
    return InvalidField(absl::StrCat(at, ".track"),
                        absl::StrCat("\"", r.track(), "\" is not another track of the suite"));
  }
  const MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(r.method());
  if (method == nullptr) {
    return InvalidField(absl::StrCat(at, ".method"),
                        absl::StrCat("\"", r.method(), "\" is not a method of the schema"));
  }
  const std::string package = absl::StrCat("governance.", r.track(), ".v1");
  if (method->service()->file()->package() != package) {
    return InvalidField(absl::StrCat(at, ".method"),
                        absl::StrCat(r.method(), " is not a method of the ", r.track(),
                                     " track (package ", package, ")"));
  }
  const FieldDescriptor* request_id = method->input_type()->FindFieldByName("request_id");
  if (request_id == nullptr || request_id->is_repeated() ||
      request_id->type() != FieldDescriptor::TYPE_STRING) {
    return InvalidField(absl::StrCat(at, ".method"),
                        absl::StrCat("the request of ", r.method(), " has no string request_id: ",
                                     "it is not an idempotent create"));
  }
  return method;
}

// A path of a route, checked against `type`.
absl::Status CheckPath(const Descriptor& type, const std::string& path, FieldPathKind kind,
                       const std::string& field, const Descriptor* message_type = nullptr) {
  absl::StatusOr<const FieldDescriptor*> ok = CheckFieldPath(type, path, kind, message_type);
  if (!ok.ok()) return InvalidField(field, std::string(ok.status().message()));
  return absl::OkStatus();
}

absl::Status CheckRoute(const cv1::DispatchRoute& r, const std::string& at) {
  GOV_ASSIGN_OR_RETURN(const MethodDescriptor* method, RouteMethod(r, at));
  const Descriptor& in = *method->input_type();
  const Descriptor& out = *method->output_type();
  // A scratch request: every constant must set its field.
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&in);
  std::unique_ptr<google::protobuf::Message> scratch(prototype->New());
  for (const auto& [path, value] : r.constants()) {
    const std::string field = absl::StrCat(at, ".constants[\"", path, "\"]");
    if (path == "request_id") return InvalidField(field, "request_id is the event's id");
    GOV_RETURN_IF_ERROR(CheckPath(in, path, FieldPathKind::kScalar, field));
    if (absl::Status set = SetFieldPath(*scratch, path, value); !set.ok()) {
      return InvalidField(field, std::string(set.message()));
    }
  }
  GOV_RETURN_IF_ERROR(CheckPath(in, r.region_field(), FieldPathKind::kMessage,
                                absl::StrCat(at, ".region_field"),
                                governance::v1::RegionRef::descriptor()));
  GOV_RETURN_IF_ERROR(CheckPath(in, r.description_field(), FieldPathKind::kString,
                                absl::StrCat(at, ".description_field")));
  if (!r.address_field().empty()) {
    GOV_RETURN_IF_ERROR(CheckPath(in, r.address_field(), FieldPathKind::kString,
                                  absl::StrCat(at, ".address_field")));
  }
  absl::StatusOr<const FieldDescriptor*> case_id =
      CheckFieldPath(out, r.case_id_field(), FieldPathKind::kString);
  if (!case_id.ok()) {
    return InvalidField(absl::StrCat(at, ".case_id_field"),
                        std::string(case_id.status().message()));
  }
  // The case message beside its id has its status, an enum whose keys the statuses must be.
  const FieldDescriptor* status = (*case_id)->containing_type()->FindFieldByName("status");
  if (status == nullptr || status->enum_type() == nullptr) {
    return InvalidField(absl::StrCat(at, ".case_id_field"),
                        absl::StrCat((*case_id)->containing_type()->full_name(),
                                     " has no enum field status to follow"));
  }
  GOV_RETURN_IF_ERROR(
      ValidateRange(r.disposal_hours(), 1, 720, absl::StrCat(at, ".disposal_hours")));
  if (r.case_kind().empty()) {
    return InvalidField(absl::StrCat(at, ".case_kind"),
                        "required: the kind of case the method makes (its change stream's)");
  }
  if (r.closed_statuses().empty()) {
    return InvalidField(absl::StrCat(at, ".closed_statuses"),
                        "at least one status of the owning track's case");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < r.closed_statuses_size(); ++i) {
    const std::string& s = r.closed_statuses(i);
    const std::string field = absl::StrCat(at, ".closed_statuses[", i, "]");
    if (s.empty() || !seen.insert(s).second) return InvalidField(field, "empty or given twice");
    if (!EnumNumber(status->enum_type(), s).has_value()) {
      return InvalidField(
          field, absl::StrCat("\"", s, "\" is not a key of ", status->enum_type()->full_name()));
    }
  }
  return absl::OkStatus();
}

absl::Status Check(const cv1::DigitalRules& data) {
  if (data.version().empty()) return InvalidField("version", "required");
  absl::flat_hash_set<int> types;
  for (int i = 0; i < data.routes_size(); ++i) {
    const cv1::DispatchRoute& r = data.routes(i);
    const std::string at = absl::StrCat("routes[", i, "]");
    if (r.event_type() == dv1::EVENT_TYPE_UNSPECIFIED || !dv1::EventType_IsValid(r.event_type())) {
      return InvalidField(absl::StrCat(at, ".event_type"), "an event type");
    }
    if (!types.insert(r.event_type()).second) {
      return InvalidField(absl::StrCat(at, ".event_type"), "given twice");
    }
    GOV_RETURN_IF_ERROR(CheckRoute(r, at));
  }
  for (int n = 1; n <= dv1::EventType_MAX; ++n) {
    if (dv1::EventType_IsValid(n) && !types.contains(n)) {
      return InvalidField("routes", absl::StrCat("no route for ", dv1::EventType_Name(n)));
    }
  }
  return absl::OkStatus();
}

// What the owning track's case says of the event: what was seen, where, and where it came from.
std::string CaseDescription(const dv1::Event& e) {
  std::string text = e.description();
  if (!e.address().empty()) absl::StrAppend(&text, " (", e.address(), ")");
  absl::StrAppend(&text, " [城市眼事件 ", e.id());
  if (e.source() == dv1::EVENT_SOURCE_CAMERA) absl::StrAppend(&text, ", 监控 ", e.camera_id());
  if (e.source() == dv1::EVENT_SOURCE_GRID_PATROL) absl::StrAppend(&text, ", 网格巡查");
  absl::StrAppend(&text, "]");
  return text;
}

}  // namespace

Rules::Rules(cv1::DigitalRules data) : data_(std::move(data)) {
  for (int i = 0; i < data_.routes_size(); ++i) routes_[data_.routes(i).event_type()] = i;
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::DigitalRules>(path, "digital rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::DigitalRules data,
                                                        const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(Check(data));
  GOV_RETURN_IF_ERROR(CheckCockpits(data, regions));
  return std::unique_ptr<Rules>(new Rules(std::move(data)));
}

const cv1::DispatchRoute& Rules::Route(dv1::EventType type) const {
  return data_.routes(routes_.at(type));
}

absl::Duration Rules::DisposalTime(dv1::EventType type) const {
  return absl::Hours(Route(type).disposal_hours());
}

bool Rules::Disposes(dv1::EventType type, const std::string& status) const {
  for (const std::string& s : Route(type).closed_statuses()) {
    if (s == status) return true;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Rules::BuildRequest(
    const dv1::Event& event, std::unique_ptr<google::protobuf::Message>* response) const {
  const cv1::DispatchRoute& r = Route(event.type());
  const MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(r.method());
  if (method == nullptr) return absl::InternalError(absl::StrCat("no method ", r.method()));
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(method->input_type())->New());
  response->reset(factory->GetPrototype(method->output_type())->New());
  GOV_RETURN_IF_ERROR(SetStringPath(*request, "request_id", event.id()));
  for (const auto& [path, value] : r.constants()) {
    GOV_RETURN_IF_ERROR(SetFieldPath(*request, path, value));
  }
  GOV_ASSIGN_OR_RETURN(google::protobuf::Message * region,
                       MutableMessagePath(*request, r.region_field()));
  region->CopyFrom(event.region());
  GOV_RETURN_IF_ERROR(SetStringPath(*request, r.description_field(), CaseDescription(event)));
  if (!r.address_field().empty()) {
    GOV_RETURN_IF_ERROR(SetStringPath(*request, r.address_field(), event.address()));
  }
  return request;
}

}  // namespace gov::digital
