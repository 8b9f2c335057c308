// Linkage tasks dispatched — by hand, on ingestion, by the upkeep's sweep — and read.

#include "services/policing/linkage.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/incidents.h"
#include "services/policing/taxonomy.h"

namespace gov::policing {
namespace {

constexpr int kMaxPage = 500;

// The principal the server dispatches and sweeps as: the linkage dispatcher, district-wide.
constexpr char kDispatcherId[] = "linkage-dispatcher";

// The idempotency key of a dispatch: the incident, so that an incident has at most one task
// however often and by whom it is dispatched.
std::string DispatchRequestId(const std::string& incident_id) {
  return absl::StrCat("linkage:", incident_id);
}

}  // namespace

absl::StatusOr<cases::Case> Linkage::Create(const auth::Principal& who,
                                            const pv1::Incident& incident,
                                            const pv1::LinkageUnit& unit, bool named) {
  pv1::LinkageTask task;
  task.set_incident_id(incident.id());
  task.set_incident_number(incident.incident_number());
  task.set_type(incident.type());
  task.set_unit_name(unit.name());
  cases::NewCase input;
  input.category = EnumKey(incident.type());
  input.street_id = incident.region().street_id();
  input.community_id = incident.region().community_id();
  input.unit_id = unit.id();
  input.payload = LinkageTaskKind().Payload(task);
  input.note = absl::StrCat("unit ", unit.id(), named ? " as asked" : " by the routing table");
  // The hash is the key's own, whatever the unit: a second dispatch of the incident is a
  // replay and finds its task (Dispatch tells a conflicting unit apart).
  const std::string request_id = DispatchRequestId(incident.id());
  GOV_ASSIGN_OR_RETURN(cases::Case c, tasks_->Create(who, input, request_id,
                                                     cases::CaseEngine::RequestHash(request_id)));
  if (c.created) {
    log::Info("linkage task dispatched", {{"task", c.record.id},
                                          {"incident", incident.id()},
                                          {"unit", unit.id()},
                                          {"actor", who.id}});
  }
  return c;
}

absl::StatusOr<const pv1::LinkageUnit*> Linkage::Routed(const pv1::Incident& incident) const {
  const pv1::LinkageUnit* unit = rules_->Route(incident.type(), incident.region().street_id());
  if (unit == nullptr) {
    return absl::InternalError(absl::StrCat("no linkage route for ", EnumKey(incident.type()),
                                            " on street ", incident.region().street_id()));
  }
  return unit;
}

absl::StatusOr<absl::flat_hash_set<std::string>> Linkage::IncidentsWithTasks(absl::Time since) {
  absl::flat_hash_set<std::string> out;
  cases::ListRequest request;
  request.filter.created_from = since;
  request.page_size = kMaxPage;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page,
                         tasks_->List(auth::SystemPrincipal(kDispatcherId), request));
    for (const cases::Case& c : page.cases) {
      GOV_ASSIGN_OR_RETURN(const pv1::LinkageTask task, LinkageTaskKind().FromCase(c));
      out.insert(task.incident_id());
    }
    if (page.next_page_token.empty()) return out;
    request.page_token = std::move(page.next_page_token);
  }
}

absl::Status Linkage::Dispatch(const auth::Principal& who, const pv1::DispatchIncidentRequest& in,
                               pv1::DispatchIncidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.incident_id(), "incident_id"));
  const pv1::LinkageUnit* named = nullptr;
  if (!in.unit_id().empty()) {
    named = rules_->FindUnit(in.unit_id());
    if (named == nullptr) return InvalidField("unit_id", "not a linkage unit");
  }
  // The incident as the caller may see it: out of scope is PERMISSION_DENIED.
  GOV_ASSIGN_OR_RETURN(const cases::Case stored,
                       incidents_->Get(who, in.incident_id(), /*with_history=*/false));
  GOV_ASSIGN_OR_RETURN(const pv1::Incident incident, IncidentKind().FromCase(stored));
  if (!IsNonPolice(incident.type())) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "incident_id",
                      absl::StrCat("incident ", incident.id(), " is a police matter (",
                                   EnumKey(incident.type()), "), not for the linkage units"));
  }
  const pv1::LinkageUnit* unit = named;
  if (unit == nullptr) {
    GOV_ASSIGN_OR_RETURN(unit, Routed(incident));
  }
  GOV_ASSIGN_OR_RETURN(const cases::Case c,
                       Create(who, incident, *unit, /*named=*/named != nullptr));
  // An incident has one task. Asking again without a unit, or for the unit it went to, returns
  // it; asking for another unit is a conflict the caller should see rather than a task of
  // another unit than asked for.
  if (!c.created && named != nullptr && c.record.unit_id != named->id()) {
    return FieldError(absl::StatusCode::kAlreadyExists, "incident_id",
                      absl::StrCat("incident ", incident.id(), " was dispatched to ",
                                   c.record.unit_id, " already (task ", c.record.id, ")"));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), LinkageTaskKind().FromCase(c, who));
  out->set_created(c.created);
  return absl::OkStatus();
}

absl::Status Linkage::Get(const auth::Principal& who, const pv1::GetLinkageTaskRequest& in,
                          pv1::GetLinkageTaskResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, tasks_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_task(), LinkageTaskKind().FromCase(c, who));
  return absl::OkStatus();
}

absl::Status Linkage::List(const auth::Principal& who, const pv1::ListLinkageTasksRequest& in,
                           pv1::ListLinkageTasksResponse* out) {
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "statuses",
                                               .unit = "unit_id",
                                               .breached_only = "breached_only",
                                               .grids = false},
                                              *regions_, clock_->Now()));
  if (!in.unit_id().empty() && rules_->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a linkage unit");
  }
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, tasks_->List(who, std::move(request)));
  GOV_ASSIGN_OR_RETURN(std::vector<pv1::LinkageTask> tasks,
                       LinkageTaskKind().FromCases(page.cases, who));
  for (pv1::LinkageTask& task : tasks) *out->add_tasks() = std::move(task);
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status Linkage::Units(const auth::Principal&, const pv1::ListLinkageUnitsRequest& in,
                            pv1::ListLinkageUnitsResponse* out) {
  // Every authenticated role: the units are a public directory, paged by id like the
  // registries (the token holds the last id served).
  GOV_ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      cases::PageOfDirectory(rules_->linkage_units(), "linkage_units", in.page_size(),
                             in.page_token(), out->mutable_units()));
  return absl::OkStatus();
}

absl::Status Linkage::DispatchIngested(const pv1::Incident& incident) {
  if (!IsNonPolice(incident.type())) return absl::OkStatus();
  if (clock_->Now() - FromTimestamp(incident.occur_time()) > kAutoDispatchWindow) {
    return absl::OkStatus();
  }
  GOV_ASSIGN_OR_RETURN(const pv1::LinkageUnit* unit, Routed(incident));
  return Create(auth::SystemPrincipal(kDispatcherId), incident, *unit, /*named=*/false).status();
}

absl::StatusOr<int> Linkage::SweepUndispatched() {
  const auth::Principal dispatcher = auth::SystemPrincipal(kDispatcherId);
  const absl::Time since = clock_->Now() - kAutoDispatchWindow;
  // An incident of the window is dispatched after it occurred, so its task is one of those
  // dispatched since the window began.
  GOV_ASSIGN_OR_RETURN(const absl::flat_hash_set<std::string> dispatched,
                       IncidentsWithTasks(since));
  cases::ListRequest request;
  request.filter.categories = CategoriesOfClasses({pv1::INCIDENT_CLASS_NON_POLICE});
  request.filter.created_from = since;  // an incident's case time is its occurrence
  request.page_size = kMaxPage;
  int created = 0;
  absl::Status first;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page, incidents_->List(dispatcher, request));
    for (const cases::Case& c : page.cases) {
      if (dispatched.contains(c.record.id)) continue;
      absl::StatusOr<cases::Case> task = [&]() -> absl::StatusOr<cases::Case> {
        GOV_ASSIGN_OR_RETURN(const pv1::Incident incident, IncidentKind().FromCase(c));
        GOV_ASSIGN_OR_RETURN(const pv1::LinkageUnit* unit, Routed(incident));
        return Create(dispatcher, incident, *unit, /*named=*/false);
      }();
      if (!task.ok()) {
        log::Warn("linkage sweep could not dispatch an incident",
                  {{"incident", c.record.id}, {"error", std::string(task.status().message())}});
        if (first.ok()) first = task.status();
        continue;
      }
      if (task->created) ++created;
    }
    if (page.next_page_token.empty()) break;
    request.page_token = std::move(page.next_page_token);
  }
  if (created > 0) {
    log::Info("linkage sweep dispatched incidents", {{"count", absl::StrCat(created)}});
  }
  if (!first.ok()) return first;
  return created;
}

}  // namespace gov::policing
