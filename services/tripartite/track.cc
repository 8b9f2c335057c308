#include "services/tripartite/track.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/log/log.h"
#include "governance/tripartite/v1/tripartite.grpc.pb.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/model.h"

namespace gov::tripartite {
namespace {

indicators::RankingSpec TripartiteRankings() {
  indicators::RankingSpec spec;
  spec.dimensions = {governance::v1::RANKING_DIMENSION_STREET,
                     governance::v1::RANKING_DIMENSION_COMMUNITY,
                     governance::v1::RANKING_DIMENSION_CATEGORY};
  spec.category_name = [](const std::string& key) -> std::string {
    static const auto* names =
        new absl::flat_hash_map<std::string, std::string>{{"FEE_ARREARS", "物业费催缴"},
                                                          {"SERVICE_QUALITY", "物业服务"},
                                                          {"PUBLIC_REVENUE", "公共收益"},
                                                          {"REPAIR_FUND", "维修资金"},
                                                          {"PARKING", "停车"},
                                                          {"COMPANY_CHANGE", "物业交接"},
                                                          {"OTHER", "其他"}};
    const auto it = names->find(key);
    return it == names->end() ? key : it->second;
  };
  return spec;
}

}  // namespace

TripartiteTrack::TripartiteTrack(const server::TrackDeps& deps, std::unique_ptr<Rules> rules)
    : TrackBase(deps, kTrack, tv1::TripartiteService::service_full_name(), {kOfficer}),
      rules_(std::move(rules)) {
  const Rules& r = *rules_;
  log::Info(
      "tripartite rules loaded",
      {{"path", deps.config == nullptr ? "" : deps.config->rules_file}, {"version", r.version()}});
  Problem(CommitteeKind().Check());
  Problem(DisputeKind().Check());
  cases::CaseEngine* dispute_engine = CaseKind(DisputeSpec(r), DisputeKind());
  cases::CaseEngine* committee_engine = CaseKind(CommitteeSpec(r), CommitteeKind());

  const auto* compounds =
      Part<registry::Registry>(CompoundLayout(), deps.repo, deps.cache, deps.clock);
  const auto* activities =
      Part<registry::Registry>(HubActivityLayout(), deps.repo, deps.cache, deps.clock);
  const auto* highlights =
      Part<registry::Registry>(HighlightLayout(), deps.repo, deps.cache, deps.clock);
  const auto* fees = Part<registry::Registry>(FeeLayout(), deps.repo, deps.cache, deps.clock);

  compounds_ = Part<Compounds>(compounds, fees, committee_engine, deps.regions, deps.clock);
  // The meetings: a deliberation session is about a compound with its three parties present; a
  // joint meeting about a property dispute with the court, the housing bureau and the
  // three-party office (the disputes part checks the subject when the meeting is recorded).
  meetings::Meetings* meetings = Meetings({
      {.id = kDeliberation,
       .name_zh = "专题议事协商",
       .parties = {kPartyBranch, kOwners, kPropertyCompany},
       .subject = compounds_->DeliberationSubject()},
      {.id = kJointMeeting,
       .name_zh = "物业纠纷联席会议",
       .parties = {kCourt, kHousingBureau, kThreePartyOffice},
       .subject =
           [this](const auth::Principal& who, const std::string& id, const std::string& street) {
             return disputes_->JointMeetingSubject(who, id, street);
           }},
  });
  hub_ = Part<Hub>(activities, highlights, compounds_, deps.regions, deps.clock);
  committees_ =
      Part<Committees>(committee_engine, compounds_, rules_.get(), deps.regions, deps.clock);
  fees_ = Part<Fees>(fees, compounds_, rules_.get(), deps.regions, deps.clock);
  disputes_ =
      Part<Disputes>(dispute_engine, compounds_, meetings, deps.peers, deps.regions, deps.clock);

  std::vector<indicators::IndicatorSpec> all = CompoundIndicators(compounds_);
  for (std::vector<indicators::IndicatorSpec> part :
       {HubIndicators(hub_), CommitteeIndicators(committee_engine), FeeIndicators(fees_),
        DisputeIndicators(dispute_engine)}) {
    for (indicators::IndicatorSpec& spec : part) all.push_back(std::move(spec));
  }
  // 组织开展"专题议事协商"10次: the sessions held in the period, a district count.
  indicators::IndicatorSpec sessions = indicators::DistrictCount(
      "deliberation_sessions", "专题议事协商次数", "Thematic deliberation sessions held",
      meetings->HeldCount(kDeliberation));
  all.push_back(std::move(sessions));
  Indicators(std::move(all), {}, TripartiteRankings());

  // The compounds first: everything else is in one.
  Demo("compounds", [this] { return LoadCompoundDemo(this->deps(), *rules_); });
  Demo("committees", [this, committee_engine] {
    return LoadCommitteeDemo(this->deps(), *rules_, committee_engine);
  });
  Demo("fees, disputes and meetings", [this, dispute_engine, meetings] {
    return LoadFeeAndDisputeDemo(this->deps(), *rules_, dispute_engine, meetings);
  });

  // Who may call each method is declared on it in tripartite.proto.
  rpc()
      .Bind("RegisterCompound", compounds_, &Compounds::Register)
      .Bind("GetCompound", compounds_, &Compounds::Get)
      .Bind("ListCompounds", compounds_, &Compounds::List)
      .Bind("SetUpThreePartyBody", compounds_, &Compounds::SetUpThreePartyBody)
      .Bind("RecordHubActivity", hub_, &Hub::RecordActivity)
      .Bind("GetHubActivity", hub_, &Hub::GetActivity)
      .Bind("ListHubActivities", hub_, &Hub::ListActivities)
      .Bind("DesignateHighlight", hub_, &Hub::DesignateHighlight)
      .Bind("GetHighlight", hub_, &Hub::GetHighlight)
      .Bind("ListHighlights", hub_, &Hub::ListHighlights)
      .Bind("ApplyCommittee", committees_, &Committees::Apply)
      .Bind("GetCommittee", committees_, &Committees::Get)
      .Bind("ListCommittees", committees_, &Committees::List)
      .Bind("FormPreparatoryGroup", committees_, &Committees::FormPreparatoryGroup)
      .Bind("ElectCommittee", committees_, &Committees::Elect)
      .Bind("FileCommittee", committees_, &Committees::File)
      .Bind("WithdrawCommittee", committees_, &Committees::Withdraw)
      .Bind("DesignateModelCommittee", committees_, &Committees::DesignateModel)
      .Bind("RecordFeeCollection", fees_, &Fees::Record)
      .Bind("GetFeeCollection", fees_, &Fees::Get)
      .Bind("ListFeeCollections", fees_, &Fees::List)
      .Bind("GetFeeWarning", fees_, &Fees::Warning)
      .Bind("OpenPropertyDispute", disputes_, &Disputes::Open)
      .Bind("GetPropertyDispute", disputes_, &Disputes::Get)
      .Bind("ListPropertyDisputes", disputes_, &Disputes::List)
      .Bind("ReferPropertyDispute", disputes_, &Disputes::Refer)
      .Bind("ResolvePropertyDispute", disputes_, &Disputes::Resolve)
      .Bind("ClosePropertyDispute", disputes_, &Disputes::Close);
}

}  // namespace gov::tripartite
