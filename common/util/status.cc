#include "common/util/status.h"

#include "absl/strings/str_cat.h"

namespace gov {

namespace {
constexpr char kFieldPayload[] = "gov.field";
}

absl::Status InvalidField(std::string_view field, std::string_view reason) {
  return FieldError(absl::StatusCode::kInvalidArgument, field, reason);
}

absl::Status FieldError(absl::StatusCode code, std::string_view field, std::string_view reason) {
  absl::Status status(code, absl::StrCat(absl::string_view(field.data(), field.size()), ": ",
                                         absl::string_view(reason.data(), reason.size())));
  status.SetPayload(kFieldPayload, absl::Cord(std::string(field)));
  return status;
}

std::string FieldOf(const absl::Status& status) {
  auto payload = status.GetPayload(kFieldPayload);
  return payload.has_value() ? std::string(*payload) : std::string();
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(absl::string_view(context.data(), context.size()),
                                               ": ", status.message()));
  status.ForEachPayload([&out](absl::string_view type_url, const absl::Cord& payload) {
    out.SetPayload(type_url, payload);
  });
  return out;
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace gov
