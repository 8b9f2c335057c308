#ifndef GOV_COMMON_CASES_CASE_KIND_H_
#define GOV_COMMON_CASES_CASE_KIND_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/util/status.h"
#include "google/protobuf/message.h"

// A kind of case as a track declares it once: its proto message and which of the message's
// fields the case record owns. From that declaration the kit reads a case as the message, stores
// a message as the case's payload, edits a case through its message, and hides personal data:
//
//   static const auto* kind = new cases::CaseKind<mv1::Dispute>({
//       .id = "id", .status = "state", .unit_id = "body_id", .region = "",
//       .created = "create_time", .updated = "update_time", .due_time = "due_time",
//       .sla_breached = "sla_breached", .etag = "etag", .history = "history",
//       .sees_personal = {auth::kStreetOperator, kMediator}});
//   (every field named: -Wextra refuses designated initializers that skip one)
//   GOV_ASSIGN_OR_RETURN(mv1::Dispute d, kind->FromCase(c, who));
//   engine.Transition(who, "Assign", id, etag, note, kind->Edit([&](mv1::Dispute& d) {...}));
//
// Personal data is marked in the schema ((governance.v1.personal) on the field, privacy.proto);
// what a caller without a role of `sees_personal` (district_admin always sees it) gets has every
// marked field cleared, in nested and repeated messages too (the history's notes included).
namespace gov::cases {

// Where a case message keeps what the case record owns: the names of its fields ("" = the
// message has no such field). The record's status is the key (EnumKey) of the enum in `status`;
// the region is a governance.v1.RegionRef; times are google.protobuf.Timestamp. The unit is a
// string field (a unit's id) or an enum field whose key the record holds (a warning's level),
// so that lists and counts filter by it.
struct RecordFields {
  std::string id = "id";
  std::string status;
  std::string unit_id;
  std::string region;
  std::string created;  // the case's create_time (its occurrence for cases taken in late)
  std::string updated;
  std::string due_time;  // cleared while no clock runs
  std::string sla_breached;
  std::string etag = "etag";
  std::string history;  // repeated governance.v1.CaseEvent
  // Roles that see personal data besides district_admin; kEveryRole: every caller that may
  // read the case (a kind whose marked fields are not personal in this kind's use).
  std::vector<std::string> sees_personal;
};

// In RecordFields::sees_personal: every role.
inline constexpr char kEveryRole[] = "*";

// The fields of a kind whose message follows the schema's conventions: `id`, `status`,
// `region`, `create_time`, `update_time`, `etag` and `history`, no clock of its own (no due time,
// no breach flag), the unit in `unit_id` ("" = none).
RecordFields ConventionalFields(std::string unit_id, std::vector<std::string> sees_personal);

namespace kind_internal {
// The message-generic halves of CaseKind (reflection by field name).
// Every field named is the message's, of the type its use needs; every role of sees_personal
// is a role name or kEveryRole. INTERNAL naming the message and field or role otherwise.
absl::Status CheckFields(const google::protobuf::Descriptor& type, const RecordFields& fields);
// Whether `who` sees the kind's personal data (district_admin always).
bool SeesPersonal(const RecordFields& fields, const auth::Principal& who);
absl::Status Decode(const Case& c, const RecordFields& fields, google::protobuf::Message& out);
std::string Payload(const google::protobuf::Message& message, const RecordFields& fields);
absl::Status WriteBack(const google::protobuf::Message& message, const RecordFields& fields,
                       store::CaseRecord& record);
}  // namespace kind_internal

// Clears every field marked (governance.v1.personal), in nested and repeated messages too.
void ClearPersonalData(google::protobuf::Message& message);

template <typename Msg>
class CaseKind {
 public:
  explicit CaseKind(RecordFields fields) : fields_(std::move(fields)) {}

  const RecordFields& fields() const { return fields_; }

  // OK when every named field exists with the right type (a track's tests and the kit check
  // this once; a wrong name is a track bug).
  absl::Status Check() const { return kind_internal::CheckFields(*Msg::descriptor(), fields_); }

  // The case as its message: the stored payload with what the record owns filled in (and the
  // history when the case carries it). DATA_LOSS when the payload cannot be read.
  absl::StatusOr<Msg> FromCase(const Case& c) const {
    Msg out;
    GOV_RETURN_IF_ERROR(kind_internal::Decode(c, fields_, out));
    return out;
  }
  // The same as `who` may see it: personal data cleared unless the caller's roles see it.
  absl::StatusOr<Msg> FromCase(const Case& c, const auth::Principal& who) const {
    GOV_ASSIGN_OR_RETURN(Msg out, FromCase(c));
    if (!SeesPersonal(who)) ClearPersonalData(out);
    return out;
  }
  // Every case of a list, as `who` may see them.
  absl::StatusOr<std::vector<Msg>> FromCases(const std::vector<Case>& cases,
                                             const auth::Principal& who) const {
    std::vector<Msg> out;
    out.reserve(cases.size());
    for (const Case& c : cases) {
      GOV_ASSIGN_OR_RETURN(Msg m, FromCase(c, who));
      out.push_back(std::move(m));
    }
    return out;
  }

  // What a case stores of a message: the message without the fields the record owns
  // (deterministic bytes, so a retried create hashes alike).
  std::string Payload(const Msg& message) const { return kind_internal::Payload(message, fields_); }

  // A transition's mutation through the message: the record read as the message, `edit`
  // applied, then the payload and what the record owns and a transition may change (unit,
  // region) written back. An error from `edit` aborts the transition with nothing written.
  Mutation Edit(std::function<absl::Status(Msg&)> edit) const {
    return [this, edit = std::move(edit)](store::CaseRecord& record) -> absl::Status {
      Msg message;
      GOV_RETURN_IF_ERROR(kind_internal::Decode(Case{record, {}}, fields_, message));
      GOV_RETURN_IF_ERROR(edit(message));
      return kind_internal::WriteBack(message, fields_, record);
    };
  }

  bool SeesPersonal(const auth::Principal& who) const {
    return kind_internal::SeesPersonal(fields_, who);
  }

 private:
  RecordFields fields_;
};

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_CASE_KIND_H_
