#include "common/util/proto.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gov {

namespace {

// "DisputeCategory" -> "DISPUTE_CATEGORY_".
std::string ValuePrefix(const google::protobuf::EnumDescriptor* descriptor) {
  std::string prefix;
  const std::string& name = descriptor->name();
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (i > 0 && std::isupper(c) && !std::isupper(static_cast<unsigned char>(name[i - 1]))) {
      prefix.push_back('_');
    }
    prefix.push_back(static_cast<char>(std::toupper(c)));
  }
  prefix.push_back('_');
  return prefix;
}

}  // namespace

std::string EnumKey(const google::protobuf::EnumDescriptor* descriptor, int number) {
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  std::string name = value->name();
  const std::string prefix = ValuePrefix(descriptor);
  if (absl::StartsWith(name, prefix)) name.erase(0, prefix.size());
  return name;
}

std::optional<int> EnumNumber(const google::protobuf::EnumDescriptor* descriptor,
                              std::string_view key) {
  if (key.empty()) return std::nullopt;
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(ValuePrefix(descriptor) + std::string(key));
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return value->number();
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
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

}  // namespace gov
