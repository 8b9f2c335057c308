// Complaints: intake and routing (Submit, TakeIn), and what every step of the part shares.
#include "services/disorder/complaints.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/case_kind.h"
#include "common/cases/repeats.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/kinds.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

// The principal the service links repeats as (the history's actor of "RecordRepeat").
constexpr char kIntakeActor[] = "complaint-intake";
// Attempts at recording a repeat on its original when writers race on the original.
constexpr int kRecordRepeatAttempts = 3;

// What a submission says: the caller's fields only (the output-only ones are ignored). Its
// serialization is the request hash's input, so a retry matches whatever the service added.
dv1::Complaint Submitted(const dv1::Complaint& in) {
  dv1::Complaint out;
  out.set_category(in.category());
  out.set_channel(in.channel());
  *out.mutable_region() = in.region();
  if (in.has_location()) *out.mutable_location() = in.location();
  out.set_address(in.address());
  out.set_description(in.description());
  if (in.has_reporter() && (!in.reporter().name().empty() || !in.reporter().phone().empty())) {
    *out.mutable_reporter() = in.reporter();
  }
  return out;
}

// The units' names as the rules have them now (the stored ones are the names when the
// complaint was routed, or the unit added).
void NameUnit(const Rules& rules, dv1::Complaint& complaint) {
  if (const dv1::Unit* unit = rules.FindUnit(complaint.unit_id()); unit != nullptr) {
    complaint.set_unit_name(unit->name());
  }
  for (dv1::JointUnit& joint : *complaint.mutable_joint_units()) {
    if (const dv1::Unit* unit = rules.FindUnit(joint.unit_id()); unit != nullptr) {
      joint.set_unit_name(unit->name());
    }
  }
}

// A candidate's coordinates for the repeat detection (nullopt without, or unreadable).
std::optional<cases::GeoPoint> LocationOf(const store::CaseRecord& record) {
  const absl::StatusOr<dv1::Complaint> complaint =
      ComplaintKind().FromCase(cases::Case{record, {}});
  if (!complaint.ok() || !complaint->has_location()) return std::nullopt;
  return cases::GeoPoint{complaint->location().latitude(), complaint->location().longitude()};
}

}  // namespace

Complaints::Complaints(const server::TrackDeps& deps, const Rules& rules, cases::CaseEngine* engine)
    : deps_(deps), rules_(&rules), engine_(engine) {}

absl::StatusOr<dv1::Complaint> Complaints::Show(const cases::Case& c,
                                                const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint, ComplaintKind().FromCase(c, who));
  NameUnit(*rules_, complaint);
  return complaint;
}

absl::StatusOr<dv1::Complaint> Complaints::Summary(const cases::Case& c) const {
  GOV_ASSIGN_OR_RETURN(dv1::Complaint complaint,
                       ComplaintKind().FromCase(cases::Case{c.record, {}}));
  // The track's own rule beyond the kind's: the reporter is GetComplaint's alone, so that a
  // list or an answer to a write never spreads it, whoever asks (district_admin included).
  cases::ClearPersonalData(complaint);
  NameUnit(*rules_, complaint);
  return complaint;
}

absl::StatusOr<dv1::Complaint> Complaints::Move(const auth::Principal& who, const std::string& verb,
                                                const std::string& id, const std::string& etag,
                                                const std::string& note,
                                                const cases::Mutation& mutation) const {
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       engine_->Transition(who, verb, id, etag, note, mutation));
  return Summary(c);
}

absl::StatusOr<cases::Case> Complaints::TakeIn(const auth::Principal& who,
                                               const dv1::SubmitComplaintRequest& in,
                                               std::optional<absl::Time> occurred_at) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewComplaint(in.complaint(), *deps_.regions));
  dv1::Complaint stored = Submitted(in.complaint());
  const std::string& street = stored.region().street_id();
  if (!who.CanAccessStreet(street)) {
    return absl::PermissionDeniedError(
        absl::StrCat("street \"", street, "\" is outside the caller's scope"));
  }
  const std::string hash = cases::CaseEngine::RequestHash(SerializeStable(stored));
  const dv1::Unit* routed = rules_->Route(stored.category(), street);
  if (routed == nullptr) {
    return absl::InternalError(absl::StrCat("the routing table has no unit for ",
                                            CategoryKey(stored.category()), " on ", street));
  }

  cases::RepeatProbe probe;
  probe.track = kTrack;
  probe.category = CategoryKey(stored.category());
  probe.grid_id = stored.region().grid_id();
  if (stored.has_location()) {
    probe.location = cases::GeoPoint{stored.location().latitude(), stored.location().longitude()};
  }
  probe.at = occurred_at.value_or(deps_.clock->Now());
  GOV_ASSIGN_OR_RETURN(
      const std::optional<store::CaseRecord> original,
      cases::FindRepeatOf(*deps_.repo, probe, rules_->Repeats(OpenStatuses()), LocationOf));

  cases::NewCase input;
  input.category = probe.category;
  input.street_id = street;
  input.community_id = stored.region().community_id();
  input.grid_id = stored.region().grid_id();
  input.occurred_at = occurred_at;
  const std::string channel = EnumKey(stored.channel());
  if (original.has_value()) {
    // Handled in the complaint it repeats: closed at once, with that complaint's unit.
    input.state = kRepeat;
    input.unit_id = original->unit_id;
    stored.set_repeat_of(original->id);
    input.note = absl::StrCat("taken in via ", channel, "; a repeat of ", original->id);
  } else {
    input.unit_id = routed->id();
    input.sla = rules_->CategorySla(stored.category());
    input.note = absl::StrCat("taken in via ", channel, "; routed to ", routed->id(),
                              " by the routing table");
  }
  if (const dv1::Unit* unit = rules_->FindUnit(input.unit_id); unit != nullptr) {
    stored.set_unit_name(unit->name());
  }
  input.payload = ComplaintKind().Payload(stored);
  GOV_ASSIGN_OR_RETURN(cases::Case c, engine_->Create(who, input, in.request_id(), hash));
  if (c.created && original.has_value()) RecordRepeatOn(original->id, c.record.id);
  return c;
}

// As the service. Best effort: the repeat stands whatever happens here (it names its original
// itself); a failure is logged.
void Complaints::RecordRepeatOn(const std::string& original_id,
                                const std::string& repeat_id) const {
  const auth::Principal actor = auth::SystemPrincipal(kIntakeActor);
  absl::Status last;
  for (int attempt = 0; attempt < kRecordRepeatAttempts; ++attempt) {
    absl::StatusOr<cases::Case> current = engine_->Get(actor, original_id, /*with_history=*/false);
    if (!current.ok()) {
      last = current.status();
      break;
    }
    last =
        engine_->Transition(actor, kRecordRepeat, original_id, current->etag(), repeat_id).status();
    if (!absl::IsAborted(last)) break;  // done, or nothing a retry would change
  }
  if (!last.ok()) {
    log::Warn("repeat not recorded on its original",
              {{"original", original_id}, {"repeat", repeat_id}, {"error", last.ToString()}});
  }
}

absl::Status Complaints::Submit(const auth::Principal& who, const dv1::SubmitComplaintRequest& in,
                                dv1::SubmitComplaintResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case c, TakeIn(who, in, std::nullopt));
  // The reporter is shown by GetComplaint only, the history too.
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Summary(c));
  out->set_created(c.created);
  return absl::OkStatus();
}

}  // namespace gov::disorder
