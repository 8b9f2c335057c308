#include "common/cases/list_request.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "governance/v1/common.pb.h"

namespace gov::cases {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The field `name` of `request`, of `type`; INTERNAL when there is none such.
absl::StatusOr<const FieldDescriptor*> FieldOf(const Message& request, const std::string& name,
                                               FieldDescriptor::CppType type) {
  const FieldDescriptor* field = request.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->cpp_type() != type) {
    return absl::InternalError(absl::StrCat(request.GetDescriptor()->full_name(), " has no ",
                                            FieldDescriptor::CppTypeName(type), " field ", name));
  }
  return field;
}

// The keys of an enum filter (repeated, or single with 0 for any).
absl::StatusOr<std::vector<std::string>> EnumKeys(const Message& request, const std::string& name) {
  std::vector<std::string> keys;
  if (name.empty()) return keys;
  GOV_ASSIGN_OR_RETURN(const FieldDescriptor* field,
                       FieldOf(request, name, FieldDescriptor::CPPTYPE_ENUM));
  const google::protobuf::Reflection& reflection = *request.GetReflection();
  const google::protobuf::EnumDescriptor* type = field->enum_type();
  auto key = [&](int number, const std::string& at) -> absl::StatusOr<std::string> {
    if (number == 0 || type->FindValueByNumber(number) == nullptr) {
      return InvalidField(at, absl::StrCat("not a ", type->name()));
    }
    return EnumKey(type, number);
  };
  if (field->is_repeated()) {
    for (int i = 0; i < reflection.FieldSize(request, field); ++i) {
      GOV_ASSIGN_OR_RETURN(std::string k, key(reflection.GetRepeatedEnumValue(request, field, i),
                                              absl::StrCat(name, "[", i, "]")));
      keys.push_back(std::move(k));
    }
    return keys;
  }
  const int number = reflection.GetEnumValue(request, field);
  if (number == 0) return keys;
  GOV_ASSIGN_OR_RETURN(std::string k, key(number, name));
  keys.push_back(std::move(k));
  return keys;
}

}  // namespace

absl::StatusOr<ListRequest> ReadListRequest(const Message& request, const ListFields& fields,
                                            const regions::RegionRegistry& regions,
                                            absl::Time now) {
  const google::protobuf::Reflection& reflection = *request.GetReflection();
  ListRequest out;
  store::CaseFilter& filter = out.filter;

  GOV_ASSIGN_OR_RETURN(const FieldDescriptor* size,
                       FieldOf(request, "page_size", FieldDescriptor::CPPTYPE_INT32));
  GOV_ASSIGN_OR_RETURN(out.page_size, PageSize(reflection.GetInt32(request, size)));
  GOV_ASSIGN_OR_RETURN(const FieldDescriptor* token,
                       FieldOf(request, "page_token", FieldDescriptor::CPPTYPE_STRING));
  out.page_token = reflection.GetString(request, token);

  const FieldDescriptor* region_field = request.GetDescriptor()->FindFieldByName("region");
  if (region_field != nullptr) {
    if (region_field->message_type() != governance::v1::RegionRef::descriptor()) {
      return absl::InternalError(absl::StrCat(request.GetDescriptor()->full_name(),
                                              ".region is not a governance.v1.RegionRef"));
    }
    governance::v1::RegionRef region;
    region.CopyFrom(reflection.GetMessage(request, region_field));
    GOV_RETURN_IF_ERROR(regions.Validate(region, "region", /*require_street=*/false));
    if (!fields.grids && !region.grid_id().empty()) {
      return InvalidField("region.grid_id", "these cases are kept per street and community");
    }
    filter.street_id = region.street_id();
    filter.community_id = region.community_id();
    filter.grid_id = region.grid_id();
  }
  if (!fields.period.empty()) {
    GOV_ASSIGN_OR_RETURN(const FieldDescriptor* period,
                         FieldOf(request, fields.period, FieldDescriptor::CPPTYPE_MESSAGE));
    governance::v1::Period value;
    value.CopyFrom(reflection.GetMessage(request, period));
    GOV_RETURN_IF_ERROR(FilterByPeriod(value, now, filter, fields.period));
  }
  GOV_ASSIGN_OR_RETURN(filter.categories, EnumKeys(request, fields.categories));
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumKeys(request, fields.statuses));
  if (!fields.unit.empty()) {
    GOV_ASSIGN_OR_RETURN(const FieldDescriptor* unit,
                         FieldOf(request, fields.unit, FieldDescriptor::CPPTYPE_STRING));
    filter.unit_id = reflection.GetString(request, unit);
    if (!filter.unit_id.empty()) GOV_RETURN_IF_ERROR(ValidateId(filter.unit_id, fields.unit));
  }
  if (!fields.breached_only.empty()) {
    GOV_ASSIGN_OR_RETURN(const FieldDescriptor* breached,
                         FieldOf(request, fields.breached_only, FieldDescriptor::CPPTYPE_BOOL));
    filter.sla_breached_only = reflection.GetBool(request, breached);
  }
  return out;
}

absl::StatusOr<std::vector<Case>> ListEvery(CaseEngine& engine, const auth::Principal& who,
                                            ListRequest request) {
  constexpr int kBatch = 500;
  request.page_size = kBatch;
  request.page_token.clear();
  std::vector<Case> out;
  do {
    GOV_ASSIGN_OR_RETURN(ListResult page, engine.List(who, request));
    for (Case& c : page.cases) out.push_back(std::move(c));
    request.page_token = std::move(page.next_page_token);
  } while (!request.page_token.empty());
  return out;
}

}  // namespace gov::cases
