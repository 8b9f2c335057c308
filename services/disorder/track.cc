#include "services/disorder/track.h"

#include <string>
#include <utility>
#include <vector>

#include "common/auth/auth.h"
#include "common/cases/case_kind.h"
#include "common/log/log.h"
#include "governance/disorder/v1/disorder.grpc.pb.h"
#include "services/disorder/complaint_spec.h"
#include "services/disorder/control_points.h"
#include "services/disorder/demo_data.h"

namespace gov::disorder {
namespace {

// The mediation track's mediators read the enforcement findings (a role is a name the tokens of
// every track share); the other roles are the shared ones.
constexpr char kMediator[] = "mediator";

// Every indicator of the track: complaints, monitored objects and their control points,
// enforcement, campaigns.
std::vector<indicators::IndicatorSpec> AllIndicators(const Rules& rules,
                                                     cases::CaseEngine* complaints,
                                                     cases::CaseEngine* campaigns) {
  std::vector<indicators::IndicatorSpec> all = ComplaintIndicators();
  for (std::vector<indicators::IndicatorSpec> part :
       {ObjectIndicators(), ControlPointIndicators(rules, complaints), EnforcementIndicators(),
        CampaignIndicators(rules, campaigns)}) {
    for (indicators::IndicatorSpec& spec : part) all.push_back(std::move(spec));
  }
  return all;
}

}  // namespace

// ---- Kinds of case ----

const cases::CaseKind<dv1::Complaint>& ComplaintKind() {
  static const auto* kind = new cases::CaseKind<dv1::Complaint>({
      .status = "status",
      .unit_id = "unit_id",
      .region = "region",
      .created = "submit_time",
      .updated = "",  // none
      .due_time = "due_time",
      .sla_breached = "sla_breached",
      .history = "history",
      // The roles that handle complaints; viewers read them without the reporter and the notes.
      .sees_personal = {auth::kStreetOperator, auth::kSystem},
  });
  return *kind;
}

const cases::CaseKind<dv1::Enforcement>& FindingKind() {
  static const auto* kind = new cases::CaseKind<dv1::Enforcement>({
      .status = "status",
      .unit_id = "",  // none
      .region = "region",
      .created = "found_time",
      .updated = "",  // none
      .due_time = "due_time",
      .sla_breached = "sla_breached",
      .history = "history",
      // Findings name businesses and stalls, not people: every role that reads them reads them
      // whole, the notes of their history (decision numbers, conclusions) included.
      .sees_personal = {cases::kEveryRole},
  });
  return *kind;
}

const cases::CaseKind<dv1::Campaign>& CampaignKind() {
  static const auto* kind = new cases::CaseKind<dv1::Campaign>({
      .status = "status",
      .unit_id = "",  // none
      .region = "",   // the target areas, several
      .created = "create_time",
      .updated = "update_time",
      .due_time = "",  // no clock
      .sla_breached = "",
      .history = "history",
      // Campaigns are district plans every role reads whole; the notes of their history (a
      // cancellation's reason) for the roles that run them.
      .sees_personal = {auth::kStreetOperator, auth::kSystem},
  });
  return *kind;
}

// ---- The track ----

DisorderTrack::DisorderTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, dv1::DisorderService::service_full_name(), {kMediator}),
      rules_(std::move(rules)) {
  const Rules& r = *rules_;
  log::Info(
      "disorder rules loaded",
      {{"path", deps.config == nullptr ? "" : deps.config->rules_file}, {"version", r.version()}});
  cases::CaseEngine* complaint_engine = CaseKind(ComplaintSpec(r), ComplaintKind());
  cases::CaseEngine* finding_engine = CaseKind(EnforcementSpec(r), FindingKind());
  cases::CaseEngine* campaign_engine = CaseKind(CampaignSpec(), CampaignKind());

  object_registry_ =
      Part<registry::Registry>(ObjectLayout(), deps.repo, deps.cache, deps.clock, kTrack);
  complaints_ = Part<Complaints>(deps, r, complaint_engine);
  // The feed before the objects: GetMonitoredObject shows its state.
  fume_feed_ = Part<FumeFeed>(deps, r, complaints_, complaint_engine, object_registry_);
  objects_ = Part<MonitoredObjects>(deps, object_registry_, fume_feed_);
  enforcements_ = Part<Enforcements>(deps, finding_engine, complaint_engine);
  campaigns_ = Part<Campaigns>(deps, campaign_engine, object_registry_);

  Indicators(AllIndicators(r, complaint_engine, campaign_engine), {}, ComplaintRankings(r));

  // The registry first (the feed reads it), then the complaints (the feed's episodes may repeat
  // theirs) and those at the control points (they read the registry), the feed, the findings
  // and the campaigns.
  Demo("monitored objects", [this] { return LoadObjectDemo(*object_registry_, this->deps()); });
  Demo("complaints", [this] { return LoadComplaintDemo(*complaints_, this->deps()); });
  Demo("control point complaints",
       [this] { return LoadControlPointDemo(*complaints_, *object_registry_, this->deps()); });
  Demo("fume readings",
       [this] { return LoadFumeDemo(*fume_feed_, *object_registry_, this->deps()); });
  Demo("findings", [this] { return LoadEnforcementDemo(*enforcements_, this->deps()); });
  Demo("campaigns", [this] { return LoadCampaignDemo(*campaigns_, this->deps()); });

  // The episodes whose complaint a crash kept from being raised.
  Sweep("fume feed", [this] { return fume_feed_->Sweep(); });

  // Every method of DisorderService, served by its part; who may call it is its declared access.
  // Reporters' contacts are never logged (the shared wrapper logs no request content).
  rpc()
      .Bind("SubmitComplaint", complaints_, &Complaints::Submit)
      .Bind("GetComplaint", complaints_, &Complaints::Get)
      .Bind("ListComplaints", complaints_, &Complaints::List)
      .Bind("RedispatchComplaint", complaints_, &Complaints::Redispatch)
      .Bind("AcceptComplaint", complaints_, &Complaints::Accept)
      .Bind("ResolveComplaint", complaints_, &Complaints::Resolve)
      .Bind("RecordCallback", complaints_, &Complaints::Callback)
      .Bind("MergeComplaint", complaints_, &Complaints::Merge)
      .Bind("AddJointUnit", complaints_, &Complaints::AddJointUnit)
      .Bind("CompleteJointStep", complaints_, &Complaints::CompleteJointStep)
      .Bind("ListUnits", complaints_, &Complaints::Units)
      .Bind("RegisterMonitoredObject", objects_, &MonitoredObjects::Register)
      .Bind("UpdateMonitoredObject", objects_, &MonitoredObjects::Update)
      .Bind("GetMonitoredObject", objects_, &MonitoredObjects::Get)
      .Bind("ListMonitoredObjects", objects_, &MonitoredObjects::List)
      .Bind("RecordFumeReadings", fume_feed_, &FumeFeed::Record)
      .Bind("ListFumeEpisodes", fume_feed_, &FumeFeed::Episodes)
      .Bind("RecordEnforcement", enforcements_, &Enforcements::Record)
      .Bind("GetEnforcement", enforcements_, &Enforcements::Get)
      .Bind("ListEnforcements", enforcements_, &Enforcements::List)
      .Bind("PenaliseEnforcement", enforcements_, &Enforcements::Penalise)
      .Bind("CloseEnforcement", enforcements_, &Enforcements::Close)
      .Bind("PlanCampaign", campaigns_, &Campaigns::Plan)
      .Bind("StartCampaign", campaigns_, &Campaigns::Start)
      .Bind("CompleteCampaign", campaigns_, &Campaigns::Complete)
      .Bind("CancelCampaign", campaigns_, &Campaigns::Cancel)
      .Bind("GetCampaign", campaigns_, &Campaigns::Get)
      .Bind("ListCampaigns", campaigns_, &Campaigns::List);
}

}  // namespace gov::disorder
