#include "services/mediation/mutations.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/model.h"

namespace gov::mediation {
namespace {

absl::StatusOr<mv1::Dispute> StoredDispute(const store::CaseRecord& record) {
  mv1::Dispute dispute;
  if (!dispute.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("dispute ", record.id, ": stored payload is unreadable"));
  }
  return dispute;
}

// A mutation that edits the stored Dispute of a case.
cases::Mutation EditDispute(
    std::function<absl::Status(const store::CaseRecord&, mv1::Dispute&)> edit) {
  return [edit = std::move(edit)](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(mv1::Dispute dispute, StoredDispute(record));
    GOV_RETURN_IF_ERROR(edit(record, dispute));
    record.payload = SerializeStable(dispute);
    return absl::OkStatus();
  };
}

}  // namespace

cases::Mutation RouteTo(std::optional<mv1::MediatingBody> named, const Router* router) {
  return [named = std::move(named), router](store::CaseRecord& record) -> absl::Status {
    mv1::MediatingBody body;
    if (named.has_value()) {
      body = *named;
    } else {
      GOV_ASSIGN_OR_RETURN(const mv1::Dispute dispute, StoredDispute(record));
      GOV_ASSIGN_OR_RETURN(Route routed, router->RouteDispute(dispute));
      body = std::move(routed.body);
    }
    // District-level bodies (industry committees, the court centre) take any street's
    // disputes; a street's or community's body only its own street's.
    if (!body.region().street_id().empty() && body.region().street_id() != record.street_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("body ", body.id(), " serves street ", body.region().street_id(),
                       ", not the dispute's street ", record.street_id));
    }
    record.unit_id = body.id();
    return absl::OkStatus();
  };
}

cases::Mutation AssignTo(mv1::Mediator mediator) {
  return EditDispute([mediator = std::move(mediator)](const store::CaseRecord& record,
                                                      mv1::Dispute& dispute) -> absl::Status {
    if (mediator.body_id() != record.unit_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("mediator ", mediator.id(), " belongs to body ", mediator.body_id(),
                       ", not to the dispute's body ", record.unit_id));
    }
    dispute.set_mediator_id(mediator.id());
    return absl::OkStatus();
  });
}

cases::Mutation AddSession(mv1::MediationSession session) {
  return EditDispute([session = std::move(session)](const store::CaseRecord& record,
                                                    mv1::Dispute& dispute) -> absl::Status {
    if (FromTimestamp(session.hold_time()) < record.create_time) {
      return InvalidField("session.hold_time", "before the dispute was taken in");
    }
    *dispute.add_sessions() = session;
    return absl::OkStatus();
  });
}

cases::Mutation SetOutcome(std::string note) {
  return EditDispute(
      [note = std::move(note)](const store::CaseRecord&, mv1::Dispute& dispute) -> absl::Status {
        dispute.set_outcome_note(note);
        return absl::OkStatus();
      });
}

cases::Mutation ResumeMediation() {
  return EditDispute([](const store::CaseRecord& record, mv1::Dispute& dispute) -> absl::Status {
    if (dispute.mediator_id().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("dispute ", record.id, " never had a mediator, so mediation cannot resume"));
    }
    dispute.clear_outcome_note();
    return absl::OkStatus();
  });
}

}  // namespace gov::mediation
