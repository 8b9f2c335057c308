#include "common/util/field_path.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/proto.h"

namespace gov {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Bad(const std::string& path, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("field path \"", path, "\": ", why));
}

// The fields of `path` from `type`, each singular, every one but the last a message.
absl::StatusOr<std::vector<const FieldDescriptor*>> Walk(const Descriptor& type,
                                                         const std::string& path) {
  if (path.empty()) return Bad(path, "empty");
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* at = &type;
  for (const absl::string_view part : absl::StrSplit(path, '.')) {
    if (at == nullptr) {
      return Bad(path, absl::StrCat(fields.back()->name(), " is not a message field"));
    }
    const FieldDescriptor* field = at->FindFieldByName(std::string(part));
    if (field == nullptr) {
      return Bad(path, absl::StrCat(at->full_name(), " has no field \"", part, "\""));
    }
    if (field->is_repeated()) {
      return Bad(path, absl::StrCat(field->full_name(), " is repeated"));
    }
    fields.push_back(field);
    at = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return fields;
}

// The message holding the last field of `fields`, created on the way.
Message* Parent(Message& message, const std::vector<const FieldDescriptor*>& fields) {
  Message* at = &message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    at = at->GetReflection()->MutableMessage(at, fields[i]);
  }
  return at;
}

absl::Status SetScalar(Message& m, const FieldDescriptor* f, const std::string& path,
                       const std::string& value) {
  const Reflection* r = m.GetReflection();
  const auto not_a = [&](const char* what) {
    return Bad(path, absl::StrCat("\"", value, "\" is not ", what));
  };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(&m, f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value != "true" && value != "false") return not_a("true or false");
      r->SetBool(&m, f, value == "true");
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* v = f->enum_type()->FindValueByName(value);
      int32_t number = 0;
      if (v == nullptr && absl::SimpleAtoi(value, &number)) {
        v = f->enum_type()->FindValueByNumber(number);
      }
      if (v == nullptr)
        return not_a(absl::StrCat("a value of ", f->enum_type()->full_name()).c_str());
      r->SetEnum(&m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return not_a("a 32-bit integer");
      r->SetInt32(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return not_a("a 64-bit integer");
      r->SetInt64(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return not_a("an unsigned 32-bit integer");
      r->SetUInt32(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return not_a("an unsigned 64-bit integer");
      r->SetUInt64(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double n = 0;
      if (!absl::SimpleAtod(value, &n)) return not_a("a number");
      r->SetDouble(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float n = 0;
      if (!absl::SimpleAtof(value, &n)) return not_a("a number");
      r->SetFloat(&m, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Bad(path, "is a message, not a scalar");
}

}  // namespace

absl::StatusOr<const FieldDescriptor*> CheckFieldPath(const Descriptor& type,
                                                      const std::string& path, FieldPathKind kind,
                                                      const Descriptor* message_type) {
  auto fields = Walk(type, path);
  if (!fields.ok()) return fields.status();
  const FieldDescriptor* last = fields->back();
  const bool is_message = last->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  switch (kind) {
    case FieldPathKind::kScalar:
      if (is_message) return Bad(path, absl::StrCat(last->full_name(), " is a message"));
      break;
    case FieldPathKind::kString:
      if (last->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
        return Bad(path, absl::StrCat(last->full_name(), " is not a string"));
      }
      break;
    case FieldPathKind::kMessage:
      if (!is_message) return Bad(path, absl::StrCat(last->full_name(), " is not a message"));
      if (message_type != nullptr && last->message_type() != message_type) {
        return Bad(path, absl::StrCat(last->full_name(), " is not a ", message_type->full_name()));
      }
      break;
  }
  return last;
}

absl::Status SetFieldPath(Message& message, const std::string& path, const std::string& value) {
  auto fields = Walk(*message.GetDescriptor(), path);
  if (!fields.ok()) return fields.status();
  return SetScalar(*Parent(message, *fields), fields->back(), path, value);
}

absl::Status SetStringPath(Message& message, const std::string& path, const std::string& value) {
  auto field = CheckFieldPath(*message.GetDescriptor(), path, FieldPathKind::kString);
  if (!field.ok()) return field.status();
  return SetFieldPath(message, path, value);
}

absl::StatusOr<Message*> MutableMessagePath(Message& message, const std::string& path) {
  auto fields = Walk(*message.GetDescriptor(), path);
  if (!fields.ok()) return fields.status();
  const FieldDescriptor* last = fields->back();
  if (last->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return Bad(path, absl::StrCat(last->full_name(), " is not a message"));
  }
  Message* parent = Parent(message, *fields);
  return parent->GetReflection()->MutableMessage(parent, last);
}

namespace {

// The message holding the last field of `fields` in `message`; null when one on the way is
// unset.
const Message* Holder(const Message& message, const std::vector<const FieldDescriptor*>& fields) {
  const Message* at = &message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    const Reflection* r = at->GetReflection();
    if (!r->HasField(*at, fields[i])) return nullptr;
    at = &r->GetMessage(*at, fields[i]);
  }
  return at;
}

}  // namespace

absl::StatusOr<std::string> GetStringPath(const Message& message, const std::string& path) {
  auto fields = Walk(*message.GetDescriptor(), path);
  if (!fields.ok()) return fields.status();
  if (fields->back()->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return Bad(path, absl::StrCat(fields->back()->full_name(), " is not a string"));
  }
  const Message* at = Holder(message, *fields);
  return at == nullptr ? std::string() : at->GetReflection()->GetString(*at, fields->back());
}

absl::StatusOr<std::string> GetEnumKeyPath(const Message& message, const std::string& path) {
  auto fields = Walk(*message.GetDescriptor(), path);
  if (!fields.ok()) return fields.status();
  const FieldDescriptor* last = fields->back();
  if (last->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
    return Bad(path, absl::StrCat(last->full_name(), " is not an enum"));
  }
  const Message* at = Holder(message, *fields);
  if (at == nullptr) return std::string();
  return EnumKey(last->enum_type(), at->GetReflection()->GetEnumValue(*at, last));
}

}  // namespace gov
