#ifndef GOV_COMMON_UTIL_STATUS_H_
#define GOV_COMMON_UTIL_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"

namespace gov {

// INVALID_ARGUMENT naming the offending request field, e.g.
// InvalidField("dispute.region.street_id", "required").
// The message reads "dispute.region.street_id: required"; the field path is also attached as
// the status payload "gov.field" so callers and tests can read it without parsing.
absl::Status InvalidField(std::string_view field, std::string_view reason);
// The same for another code, when a field is the reason but not malformed, e.g.
// FieldError(absl::StatusCode::kAlreadyExists, "region", "an open listing exists").
absl::Status FieldError(absl::StatusCode code, std::string_view field, std::string_view reason);

// The field named by InvalidField, or "" when the status carries none.
std::string FieldOf(const absl::Status& status);

// `status` with "<context>: " before its message, its code and field kept (e.g. a rules file's
// path before the entry that is wrong). OK stays OK.
absl::Status Annotate(const absl::Status& status, std::string_view context);

// absl::Status -> grpc::Status at the RPC edge (the codes are the same). The field violation,
// if any, goes into the trailing metadata key "gov-field" by the handler wrapper.
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace gov

// Evaluates an absl::StatusOr<T> expression, returning its status on error, else assigning
// the value to `lhs`.
#define GOV_ASSIGN_OR_RETURN(lhs, expr) \
  GOV_ASSIGN_OR_RETURN_IMPL_(GOV_CONCAT_(_st, __LINE__), lhs, expr)
#define GOV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
#define GOV_CONCAT_(a, b) GOV_CONCAT_IMPL_(a, b)
#define GOV_CONCAT_IMPL_(a, b) a##b

#define GOV_RETURN_IF_ERROR(expr)      \
  do {                                 \
    absl::Status _gov_st = (expr);     \
    if (!_gov_st.ok()) return _gov_st; \
  } while (0)

#endif  // GOV_COMMON_UTIL_STATUS_H_
