#include "services/mediation/validation.h"

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/model.h"

namespace gov::mediation {
namespace {

std::string Indexed(const std::string& field, int i, const std::string& member) {
  return absl::StrCat(field, "[", i, "].", member);
}

absl::Status RequireEmptyRegion(const governance::v1::RegionRef& region, const std::string& kind) {
  if (!region.street_id().empty() || !region.community_id().empty() || !region.grid_id().empty()) {
    return InvalidField("body.region",
                        absl::StrCat("must be empty: a ", kind, " is a district-level body"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateNewDispute(const mv1::Dispute& dispute,
                                const regions::RegionRegistry& regions) {
  if (dispute.category() == mv1::DISPUTE_CATEGORY_UNSPECIFIED ||
      !mv1::DisputeCategory_IsValid(dispute.category())) {
    return InvalidField("dispute.category", "required");
  }
  if (dispute.channel() == mv1::INTAKE_CHANNEL_UNSPECIFIED ||
      !mv1::IntakeChannel_IsValid(dispute.channel())) {
    return InvalidField("dispute.channel", "required");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(dispute.region(), "dispute.region"));
  if (dispute.parties_size() > kMaxParties) {
    return InvalidField("dispute.parties", absl::StrCat("at most ", kMaxParties, " parties"));
  }
  bool applicant = false;
  for (int i = 0; i < dispute.parties_size(); ++i) {
    const mv1::Party& party = dispute.parties(i);
    if (party.role() == mv1::PARTY_ROLE_UNSPECIFIED || !mv1::PartyRole_IsValid(party.role())) {
      return InvalidField(Indexed("dispute.parties", i, "role"), "required");
    }
    applicant = applicant || party.role() == mv1::PARTY_ROLE_APPLICANT;
    GOV_RETURN_IF_ERROR(
        ValidateText(party.name(), Indexed("dispute.parties", i, "name"), kMaxName, true));
    GOV_RETURN_IF_ERROR(ValidatePhone(party.phone(), Indexed("dispute.parties", i, "phone")));
  }
  if (!applicant) return InvalidField("dispute.parties", "at least one applicant is required");
  GOV_RETURN_IF_ERROR(ValidateText(dispute.summary(), "dispute.summary", kMaxSummary, false));
  if (dispute.amount_fen() < 0) return InvalidField("dispute.amount_fen", "must not be negative");
  return absl::OkStatus();
}

absl::Status ValidateSession(const mv1::MediationSession& session, absl::Time now,
                             const std::string& field) {
  GOV_RETURN_IF_ERROR(
      ValidatePastTime(session.hold_time(), absl::StrCat(field, ".hold_time"), now));
  GOV_RETURN_IF_ERROR(
      ValidateText(session.location(), absl::StrCat(field, ".location"), kMaxLocation, false));
  return ValidateText(session.note(), absl::StrCat(field, ".note"), kMaxNote, false);
}

// Where each kind of body sits (TRACKS.md §1):
//   STREET_COMMITTEE, GOLD_MEDAL_TEAM   a street, no community;
//   COMMUNITY_ROOM                      a community (with its street);
//   MICRO_COURT                         a street, or a community of it;
//   INDUSTRY_COMMITTEE, RED_TEAM        the district, with an industry;
//   COURT_CENTRE                        the district;
//   SOCIAL_ORGANISATION                 the district or a street (purchased services serve
//                                       either).
// No body covers a grid, and only industry bodies have an industry.
absl::Status ValidateNewBody(const mv1::MediatingBody& body,
                             const regions::RegionRegistry& regions) {
  if (body.kind() == mv1::BODY_KIND_UNSPECIFIED || !mv1::BodyKind_IsValid(body.kind())) {
    return InvalidField("body.kind", "required");
  }
  GOV_RETURN_IF_ERROR(ValidateText(body.name(), "body.name", kMaxBodyName, true));
  if (!mv1::Industry_IsValid(body.industry())) return InvalidField("body.industry", "unknown");
  const bool industry_body =
      body.kind() == mv1::BODY_KIND_INDUSTRY_COMMITTEE || body.kind() == mv1::BODY_KIND_RED_TEAM;
  if (industry_body && body.industry() == mv1::INDUSTRY_UNSPECIFIED) {
    return InvalidField("body.industry", "required for industry committees and red teams");
  }
  if (!industry_body && body.industry() != mv1::INDUSTRY_UNSPECIFIED) {
    return InvalidField("body.industry", "only industry committees and red teams have one");
  }
  const governance::v1::RegionRef& region = body.region();
  if (!region.grid_id().empty()) {
    return InvalidField("body.region.grid_id", "a body covers a street or a community");
  }
  switch (body.kind()) {
    case mv1::BODY_KIND_STREET_COMMITTEE:
    case mv1::BODY_KIND_GOLD_MEDAL_TEAM:
      GOV_RETURN_IF_ERROR(regions.Validate(region, "body.region"));
      if (!region.community_id().empty()) {
        return InvalidField(
            "body.region.community_id",
            absl::StrCat("must be empty: a ", EnumKey(body.kind()), " covers a whole street"));
      }
      return absl::OkStatus();
    case mv1::BODY_KIND_COMMUNITY_ROOM:
      GOV_RETURN_IF_ERROR(regions.Validate(region, "body.region"));
      if (region.community_id().empty()) {
        return InvalidField("body.region.community_id", "required for a community room");
      }
      return absl::OkStatus();
    case mv1::BODY_KIND_MICRO_COURT:
      return regions.Validate(region, "body.region");
    case mv1::BODY_KIND_INDUSTRY_COMMITTEE:
    case mv1::BODY_KIND_RED_TEAM:
    case mv1::BODY_KIND_COURT_CENTRE:
      return RequireEmptyRegion(region, EnumKey(body.kind()));
    case mv1::BODY_KIND_SOCIAL_ORGANISATION:
      return regions.Validate(region, "body.region", /*require_street=*/false);
    default:
      return InvalidField("body.kind", "unknown");
  }
}

absl::Status ValidateNewMediator(const mv1::Mediator& mediator) {
  GOV_RETURN_IF_ERROR(ValidateId(mediator.body_id(), "mediator.body_id"));
  return ValidateText(mediator.name(), "mediator.name", kMaxName, true);
}

absl::Status ValidateNewTraining(const mv1::TrainingSession& training, absl::Time now,
                                 const regions::RegionRegistry& regions) {
  switch (training.level()) {
    case mv1::TRAINING_LEVEL_DISTRICT:
      if (!training.street_id().empty()) {
        return InvalidField("training.street_id", "must be empty for a district-level training");
      }
      break;
    case mv1::TRAINING_LEVEL_STREET:
      if (training.street_id().empty()) {
        return InvalidField("training.street_id", "required for a street-level training");
      }
      if (!regions.HasStreet(training.street_id())) {
        return InvalidField("training.street_id",
                            absl::StrCat("unknown street \"", training.street_id(), "\""));
      }
      break;
    default:
      return InvalidField("training.level", "required");
  }
  GOV_RETURN_IF_ERROR(ValidatePastTime(training.hold_time(), "training.hold_time", now));
  GOV_RETURN_IF_ERROR(ValidateText(training.topic(), "training.topic", kMaxTopic, true));
  if (training.attendees() < 0) return InvalidField("training.attendees", "must not be negative");
  return absl::OkStatus();
}

}  // namespace gov::mediation
