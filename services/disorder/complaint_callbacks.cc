// Complaints: the callback (回访) that closes a resolved complaint or reopens it, and the merge of
// a duplicate the repeat detection missed into the complaint it duplicates.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/cases/case_kind.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/complaints.h"
#include "services/disorder/kinds.h"

namespace gov::disorder {
namespace {

// Limits of the API (characters).
constexpr size_t kMaxCallbackNote = 500;

}  // namespace

absl::Status Complaints::Callback(const auth::Principal& who, const dv1::RecordCallbackRequest& in,
                                  dv1::RecordCallbackResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  const dv1::Satisfaction satisfaction = in.satisfaction();
  if (satisfaction == dv1::SATISFACTION_UNSPECIFIED || !dv1::Satisfaction_IsValid(satisfaction)) {
    return InvalidField("satisfaction", "required: one of the verdicts");
  }
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxCallbackNote));
  const bool reopen = satisfaction == dv1::SATISFACTION_UNSATISFIED;
  const cases::Mutation mutation =
      ComplaintKind().Edit([satisfaction, reopen](dv1::Complaint& complaint) -> absl::Status {
        complaint.set_satisfaction(satisfaction);
        if (reopen) complaint.set_reopen_count(complaint.reopen_count() + 1);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Move(who, reopen ? kReopen : kCloseSatisfied,
                                                       in.id(), in.etag(), in.note(), mutation));
  return absl::OkStatus();
}

absl::Status Complaints::Merge(const auth::Principal& who, const dv1::MergeComplaintRequest& in,
                               dv1::MergeComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.into_id(), "into_id"));
  if (in.into_id() == in.id()) {
    return InvalidField("into_id", "a complaint cannot be merged into itself");
  }
  // The complaint merged into is looked up after the engine checked role, scope, etag and state
  // of the duplicate, as the caller: one outside the caller's scope is refused.
  cases::CaseEngine* engine = engine_;
  const std::string& into_id = in.into_id();
  const cases::Mutation mutation =
      ComplaintKind().Edit([&who, engine, &into_id](dv1::Complaint& complaint) -> absl::Status {
        GOV_RETURN_IF_ERROR(CheckJointStepsDone(complaint, "merged"));
        absl::StatusOr<cases::Case> into = engine->Get(who, into_id, /*with_history=*/false);
        if (absl::IsNotFound(into.status())) {
          return InvalidField("into_id", absl::StrCat("unknown complaint \"", into_id, "\""));
        }
        if (absl::IsPermissionDenied(into.status())) {
          return FieldError(absl::StatusCode::kPermissionDenied, "into_id",
                            absl::StrCat("complaint ", into_id, " is outside the caller's scope"));
        }
        if (!into.ok()) return into.status();
        const store::CaseRecord& target = into->record;
        const std::string category = CategoryKey(complaint.category());
        if (target.category != category) {
          return InvalidField("into_id", absl::StrCat("complaint ", into_id, " is of category ",
                                                      target.category, ", not ", category));
        }
        if (target.status == kMerged || target.status == kRepeat) {
          return FieldError(absl::StatusCode::kFailedPrecondition, "into_id",
                            absl::StrCat("complaint ", into_id, " is itself ", target.status,
                                         "; merge into the complaint it belongs to"));
        }
        complaint.set_merged_into(into_id);
        return absl::OkStatus();
      });
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Move(who, kMerge, in.id(), in.etag(),
                                                       absl::StrCat("into ", into_id), mutation));
  return absl::OkStatus();
}

}  // namespace gov::disorder
