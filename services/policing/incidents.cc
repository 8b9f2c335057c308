#include "services/policing/incidents.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/linkage.h"
#include "services/policing/taxonomy.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

// What the platform reported, as stored and as hashed for idempotency: the incident without the
// fields the service owns (id, class, property crime, ingest time).
pv1::Incident ReportedPart(const pv1::Incident& incident) {
  pv1::Incident reported = incident;
  reported.clear_id();
  reported.clear_incident_class();
  reported.clear_property_crime();
  reported.clear_ingest_time();
  return reported;
}

// The incident as `who` reads it, with the taxonomy's class and property-crime flag. The kind
// clears the personal data (summary, address) for callers without a role that handles
// incidents. The grid is no personal data (a grid is an administrative cell, not a person's
// address) but an operational detail the police keep to the same roles (policing.proto,
// Incident.region): it places an incident closely enough to act on it. So the track hides it by
// a rule of its own, for the roles the kind hides the personal data from.
absl::StatusOr<pv1::Incident> Present(const cases::Case& c, const auth::Principal& who) {
  GOV_ASSIGN_OR_RETURN(pv1::Incident incident, IncidentKind().FromCase(c, who));
  if (!IncidentKind().SeesPersonal(who)) incident.mutable_region()->clear_grid_id();
  if (const IncidentTypeInfo* info = FindIncidentType(incident.type()); info != nullptr) {
    incident.set_incident_class(info->incident_class);
    incident.set_property_crime(info->property_crime);
  }
  return incident;
}

}  // namespace

// An incident is a record of what the police platform reported, not work to do here: it is
// stored as RECORDED, without a clock, and nothing moves it.
const cases::TrackSpec& PolicingSpec() {
  static const cases::TrackSpec* spec = [] {
    auto* s = new cases::TrackSpec;
    s->track = kTrack;
    s->case_kind = "incident";
    s->id_prefix = "I";
    s->initial_state = kRecorded;
    s->states = {{kRecorded, cases::StateClass::kClosed, cal::Sla::None()}};
    s->create_roles = {auth::kSystem};
    return s;
  }();
  return *spec;
}

// The occurrence stays in the payload as reported (the case's time is it too, but a store may
// keep times less finely than a Timestamp), and so does the ingest time. The incident has no
// state, clock, etag or history of its own.
const cases::CaseKind<pv1::Incident>& IncidentKind() {
  static const auto* kind = new cases::CaseKind<pv1::Incident>({
      .id = "id",
      .status = "",
      .unit_id = "",
      .region = "region",
      .created = "",
      .updated = "",
      .due_time = "",
      .sla_breached = "",
      .etag = "",
      .history = "",
      .sees_personal = {auth::kStreetOperator, auth::kSystem},
  });
  return *kind;
}

std::string IncidentRequestId(const std::string& incident_number) {
  return absl::StrCat("incident:", incident_number);
}

std::string IncidentContentHash(const pv1::Incident& incident) {
  return cases::CaseEngine::RequestHash(SerializeStable(ReportedPart(incident)));
}

cases::NewCase NewIncidentCase(const pv1::Incident& incident, absl::Time ingest_time) {
  pv1::Incident stored = ReportedPart(incident);
  *stored.mutable_ingest_time() = ToTimestamp(ingest_time);
  cases::NewCase input;
  input.category = EnumKey(stored.type());
  input.street_id = stored.region().street_id();
  input.community_id = stored.region().community_id();
  input.grid_id = stored.region().grid_id();
  input.payload = IncidentKind().Payload(stored);
  input.occurred_at = FromTimestamp(stored.occur_time());
  return input;
}

absl::StatusOr<cases::Case> IngestIncident(cases::CaseEngine& engine,
                                           const regions::RegionRegistry& regions,
                                           const Clock& clock, const auth::Principal& who,
                                           const pv1::Incident& incident,
                                           const std::string& field) {
  const absl::Time now = clock.Now();
  GOV_RETURN_IF_ERROR(ValidateIncident(incident, field, now, regions));
  absl::StatusOr<cases::Case> stored =
      engine.Create(who, NewIncidentCase(incident, now),
                    IncidentRequestId(incident.incident_number()), IncidentContentHash(incident));
  if (absl::IsAlreadyExists(stored.status())) {
    return absl::AlreadyExistsError(absl::StrCat("incident number ", incident.incident_number(),
                                                 " is stored with other content"));
  }
  return stored;
}

absl::Status Incidents::Ingest(const auth::Principal& who, const pv1::IngestIncidentRequest& in,
                               pv1::IngestIncidentResponse* out) {
  GOV_ASSIGN_OR_RETURN(const cases::Case stored, IngestIncident(*engine_, *regions_, *clock_, who,
                                                                in.incident(), "incident"));
  DispatchAfterIngest(stored);
  GOV_ASSIGN_OR_RETURN(*out->mutable_incident(), Present(stored, who));
  out->set_created(stored.created);
  return absl::OkStatus();
}

absl::Status Incidents::BatchIngest(const auth::Principal& who,
                                    const pv1::BatchIngestIncidentsRequest& in,
                                    pv1::BatchIngestIncidentsResponse* out) {
  if (in.incidents().empty()) return InvalidField("incidents", "at least one incident");
  if (in.incidents_size() > kMaxBatch) {
    return InvalidField("incidents", absl::StrCat("at most ", kMaxBatch, " incidents"));
  }
  // In request order, one store transaction per record: a later record with the number of an
  // earlier one is its replay (or ALREADY_EXISTS), as in separate calls.
  for (int i = 0; i < in.incidents_size(); ++i) {
    const pv1::Incident& incident = in.incidents(i);
    pv1::IngestResult* result = out->add_results();
    result->set_index(i);
    result->set_incident_number(incident.incident_number());
    const std::string field = absl::StrCat("incidents[", i, "]");
    absl::StatusOr<cases::Case> stored =
        IngestIncident(*engine_, *regions_, *clock_, who, incident, field);
    if (!stored.ok()) {
      result->set_code(static_cast<int32_t>(stored.status().code()));
      result->set_message(std::string(stored.status().message()));
      // A conflict is the number's: stored before with other content.
      result->set_field(absl::IsAlreadyExists(stored.status())
                            ? absl::StrCat(field, ".incident_number")
                            : FieldOf(stored.status()));
      out->set_failed_count(out->failed_count() + 1);
      continue;
    }
    DispatchAfterIngest(*stored);
    GOV_ASSIGN_OR_RETURN(*result->mutable_incident(), Present(*stored, who));
    result->set_created(stored->created);
    if (stored->created) {
      out->set_created_count(out->created_count() + 1);
    } else {
      out->set_replayed_count(out->replayed_count() + 1);
    }
  }
  return absl::OkStatus();
}

void Incidents::DispatchAfterIngest(const cases::Case& stored) {
  // The incident is stored whatever happens here: a failed dispatch is logged and left to the
  // upkeep's sweep (Linkage::SweepUndispatched), and a replay of the incident tries again.
  absl::Status dispatched = [&]() -> absl::Status {
    GOV_ASSIGN_OR_RETURN(const pv1::Incident incident, IncidentKind().FromCase(stored));
    return linkage_->DispatchIngested(incident);
  }();
  if (!dispatched.ok()) {
    log::Warn("linkage dispatch failed; the sweep will retry",
              {{"incident", stored.record.id}, {"error", std::string(dispatched.message())}});
  }
}

absl::Status Incidents::Get(const auth::Principal& who, const pv1::GetIncidentRequest& in,
                            pv1::GetIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(*out->mutable_incident(), Present(c, who));
  return absl::OkStatus();
}

absl::Status Incidents::List(const auth::Principal& who, const pv1::ListIncidentsRequest& in,
                             pv1::ListIncidentsResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in, {.categories = "types", .period = "period"},
                                              *regions_, clock_->Now()));
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, engine_->List(who, request));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_incidents(), Present(c, who));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::policing
