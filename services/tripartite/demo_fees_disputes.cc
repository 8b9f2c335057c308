#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/cases/list_request.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/v1/meetings.pb.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/disputes.h"
#include "services/tripartite/model.h"

// The fees' and disputes' demo, for the compounds of the compounds' demo (listed from their
// registry): every compound's fee collection for each month of this year, recorded early in the
// month after (the current month's today), in all four colours, a few compounds getting better
// over the year; the property disputes of the last year in every street, fee arrears most of
// them, each through its life as the track's own parts take it on a local clock set to the time
// of each step — the hard ones, 24 of them resolved this year, half of those by the decision of a
// joint meeting recorded about them; and the deliberation sessions held in the compounds, this
// year's and last year's, with their follow-ups done when their time has come.
namespace gov::tripartite {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kLoader[] = "demo-loader";
// Ordinary disputes of each street over the last year.
constexpr int kPerStreet = 12;
// Hard disputes resolved this year (the plan's 20, and some), and the other hard ones.
constexpr int kHardResolvedThisYear = 24;
constexpr int kHardOthers = 11;
// Deliberation sessions of each street this year, and last year.
constexpr int kSessionsThisYear = 2;
constexpr int kSessionsLastYear = 1;
constexpr int kWorkers = 4;

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

absl::Duration Days(int n) { return absl::Hours(24 * n); }

struct DemoCompound {
  std::string id;
  std::string name;
  std::string street_id;
  std::string community_id;
  std::string property_company;
  int households = 1;
};

// The colour plan of the compounds, by their place in the list: red, yellow, yellow, blue, blue,
// green, green (the index into kBandColours).
constexpr int kBandPlan[] = {0, 1, 1, 2, 2, 3, 3};
constexpr gv1::Colour kBandColours[] = {gv1::COLOUR_RED, gv1::COLOUR_YELLOW, gv1::COLOUR_BLUE,
                                        gv1::COLOUR_GREEN};

struct Summary {
  tv1::DisputeCategory category;
  const char* text;
};

constexpr Summary kSummaries[] = {
    {tv1::DISPUTE_CATEGORY_FEE_ARREARS, "演示数据：业主以服务不到位为由拒缴物业费，累计欠费两年"},
    {tv1::DISPUTE_CATEGORY_FEE_ARREARS, "演示数据：业主因房屋漏水未修复拒交物业费"},
    {tv1::DISPUTE_CATEGORY_FEE_ARREARS, "演示数据：空置房物业费收取标准争议，业主欠缴"},
    {tv1::DISPUTE_CATEGORY_SERVICE_QUALITY, "演示数据：小区保洁、绿化养护不到位，业主集中投诉"},
    {tv1::DISPUTE_CATEGORY_PUBLIC_REVENUE, "演示数据：电梯广告等公共收益去向不明，业主要求公开"},
    {tv1::DISPUTE_CATEGORY_REPAIR_FUND, "演示数据：屋面防水维修使用维修资金，表决与分摊争议"},
    {tv1::DISPUTE_CATEGORY_PARKING, "演示数据：地面车位收费与分配争议"},
    {tv1::DISPUTE_CATEGORY_COMPANY_CHANGE, "演示数据：新老物业交接受阻，资料与设施移交争议"},
    {tv1::DISPUTE_CATEGORY_OTHER, "演示数据：加装电梯低层业主与高层业主意见分歧"},
};

constexpr const char* kResolutions[] = {
    "演示数据：经三方协调，业主补缴欠费，物业承诺整改服务问题",
    "演示数据：达成分期缴费协议，双方签字确认",
    "演示数据：物业公开收支明细，业主委员会监督使用",
    "演示数据：经调解双方和解，问题已整改到位",
};

constexpr const char* kJointDecisions[] = {
    "演示数据：联席会议研究决定，由法院开展诉前调解，住建局督促物业整改",
    "演示数据：联席会议明确维修资金使用程序，由街道组织业主表决",
    "演示数据：联席会议决定由三方办牵头，新老物业限期完成交接",
};

constexpr const char* kTopics[] = {
    "小区停车秩序与车位规划", "电梯加装意见征集", "公共收益使用与公开", "物业服务标准与收费调整",
    "垃圾分类与环境整治",     "老旧小区改造方案", "维修资金使用与续筹", "业委会换届筹备",
};

constexpr const char* kSessionDecisions[] = {
    "演示数据：形成议事决议，由物业制定整改方案并公示",
    "演示数据：业委会牵头征求业主意见，下次议事会通报",
    "演示数据：社区党组织统筹协调，明确三方责任分工",
};

// A dispute from its opening through referral, a joint meeting, resolution and closing, as far
// as today allows, each step on the local clock at its time.
class DisputeLife {
 public:
  DisputeLife(Disputes* part, const meetings::Meetings* meetings,
              const regions::RegionRegistry* regions, FakeClock* clock, absl::Time now,
              uint64_t seed)
      : part_(part), meetings_(meetings), regions_(regions), clock_(clock), now_(now), rng_(seed) {}

  demo::Random& rng() { return rng_; }

  // Opens it at `at`; false when it is loaded already and has moved on since (left as it is).
  absl::StatusOr<bool> Open(const tv1::OpenPropertyDisputeRequest& request, absl::Time at) {
    clock_->Set(at);
    tv1::OpenPropertyDisputeResponse response;
    GOV_RETURN_IF_ERROR(part_->Open(Loader(), request, &response));
    d_ = response.dispute();
    return d_.etag() == "v1";
  }

  absl::StatusOr<bool> Refer(absl::Time at) {
    if (at >= now_) return false;
    clock_->Set(at);
    tv1::ReferPropertyDisputeRequest request;
    request.set_id(d_.id());
    request.set_etag(d_.etag());
    request.set_note("演示数据：街道协调未果，提请物业纠纷联席会议");
    tv1::ReferPropertyDisputeResponse response;
    GOV_RETURN_IF_ERROR(part_->Refer(Loader(), request, &response));
    d_ = response.dispute();
    return true;
  }

  // The joint meeting about the dispute, held at `at`, with the court, the housing bureau and the
  // three-party office.
  absl::StatusOr<bool> JointMeeting(absl::Time at, const DemoCompound& compound) {
    if (at >= now_) return false;
    clock_->Set(at + absl::Hours(3));
    gv1::CreateMeetingRequest request;
    request.set_request_id(absl::StrCat("demo-joint-meeting-", d_.id()));
    gv1::Meeting* m = request.mutable_meeting();
    m->set_kind(kJointMeeting);
    *m->mutable_hold_time() = ToTimestamp(at);
    m->mutable_region()->set_street_id(d_.region().street_id());
    m->set_subject_id(d_.id());
    m->set_title(absl::StrCat("物业纠纷联席会议：", compound.name));
    const std::string street_office =
        absl::StrCat(regions_->NameOf(d_.region().street_id()), "办事处");
    for (const std::string& unit : {std::string("区人民法院"), std::string("区住房和城乡建设局"),
                                    std::string("区三方协同办公室"), street_office}) {
      m->add_units_present(unit);
    }
    m->add_topics(d_.summary());
    m->add_decisions(rng_.Pick(kJointDecisions));
    const struct {
      const char* party;
      const char* unit;
    } kParties[] = {{kCourt, "区人民法院"},
                    {kHousingBureau, "区住房和城乡建设局"},
                    {kThreePartyOffice, "区三方协同办公室"}};
    for (const auto& p : kParties) {
      gv1::Participant* participant = m->add_participants();
      participant->set_party(p.party);
      participant->set_unit(p.unit);
      participant->set_name(demo::FormalName(rng_));
    }
    gv1::FollowUp* follow_up = m->add_follow_ups();
    follow_up->set_action("按联席会议决定落实化解措施并报三方办");
    follow_up->set_owner_unit(street_office);
    *follow_up->mutable_due_time() = ToTimestamp(at + Days(14));
    gv1::CreateMeetingResponse response;
    GOV_RETURN_IF_ERROR(meetings_->Create(Loader(), request, &response));
    meeting_id_ = response.meeting().id();
    return true;
  }

  absl::StatusOr<bool> Resolve(absl::Time at) {
    if (at >= now_) return false;
    clock_->Set(at);
    tv1::ResolvePropertyDisputeRequest request;
    request.set_id(d_.id());
    request.set_etag(d_.etag());
    request.set_resolution(rng_.Pick(kResolutions));
    request.set_joint_meeting_id(meeting_id_);
    tv1::ResolvePropertyDisputeResponse response;
    GOV_RETURN_IF_ERROR(part_->Resolve(Loader(), request, &response));
    d_ = response.dispute();
    return true;
  }

  absl::StatusOr<bool> Close(absl::Time at, const std::string& reason) {
    if (at >= now_) return false;
    clock_->Set(at);
    tv1::ClosePropertyDisputeRequest request;
    request.set_id(d_.id());
    request.set_etag(d_.etag());
    request.set_reason(reason);
    tv1::ClosePropertyDisputeResponse response;
    GOV_RETURN_IF_ERROR(part_->Close(Loader(), request, &response));
    d_ = response.dispute();
    return true;
  }

 private:
  Disputes* part_;
  const meetings::Meetings* meetings_;
  const regions::RegionRegistry* regions_;
  FakeClock* clock_;
  const absl::Time now_;
  demo::Random rng_;
  tv1::PropertyDispute d_;
  std::string meeting_id_;
};

// The compounds of the compounds' demo, by id.
absl::StatusOr<std::vector<DemoCompound>> ListCompounds(const registry::Registry& rows) {
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> all, rows.AllRows({}));
  std::vector<DemoCompound> out;
  for (const store::EntityRecord& row : all) {
    GOV_ASSIGN_OR_RETURN(const tv1::Compound c, rows.Decode<tv1::Compound>(row));
    out.push_back({row.id, c.name(), row.street_id, row.community_id, c.property_company(),
                   std::max(1, c.households())});
  }
  return out;
}

// Each compound's collection for each month of this year, a month's records written on the
// third of the month after (the current month's an hour before now).
absl::Status LoadFees(const registry::Registry& fees, const Rules& rules,
                      const std::vector<DemoCompound>& compounds, FakeClock& clock,
                      absl::Time now) {
  const absl::CivilDay today = cal::LocalDay(now);
  int loaded = 0;
  for (absl::CivilMonth month(today.year(), 1); month <= absl::CivilMonth(today); ++month) {
    const int months_in = static_cast<int>(month.month());
    const std::string month_text = absl::StrFormat("%04d-%02d", month.year(), month.month());
    std::vector<registry::DemoRow> rows;
    for (size_t i = 0; i < compounds.size(); ++i) {
      const DemoCompound& c = compounds[i];
      demo::Random compound_rng(demo::StableSeed(absl::StrCat("demo-fee-", c.id)));
      const int monthly_fee = compound_rng.Int(120, 260);  // yuan a household a month
      int band = kBandPlan[i % std::size(kBandPlan)];
      // Every fifth compound below green does better from April.
      if (i % 5 == 0 && band < 3 && months_in >= 4) ++band;
      const gv1::Colour colour = kBandColours[band];
      int64_t from = 0;
      int64_t below = indicators::kFullRate;
      for (const FeeRange& range : rules.fee_ranges()) {
        if (range.colour != colour) continue;
        from = range.from_bp;
        below = std::min(range.below_bp, indicators::kFullRate - 50);
      }
      const int64_t margin = std::min<int64_t>(100, (below - from) / 4);
      demo::Random rng(demo::StableSeed(absl::StrCat("demo-fee-", c.id, "-", month_text)));
      const int64_t rate =
          rng.Int(static_cast<int>(from + margin), static_cast<int>(below - margin));

      tv1::FeeCollection f;
      f.set_compound_id(c.id);
      f.set_month(month_text);
      f.set_due_yuan(static_cast<int64_t>(c.households) * monthly_fee * months_in);
      f.set_collected_yuan(f.due_yuan() * rate / indicators::kFullRate);
      f.set_households_in_arrears(static_cast<int32_t>(std::clamp<int64_t>(
          c.households * (indicators::kFullRate - rate) / indicators::kFullRate, 0, c.households)));
      f.set_collection_rate_bp(indicators::RatioBasisPoints(f.collected_yuan(), f.due_yuan()));
      f.set_colour(rules.FeeColour(f.collection_rate_bp()));
      f.mutable_region()->set_street_id(c.street_id);
      f.mutable_region()->set_community_id(c.community_id);
      store::EntityRecord row;
      row.street_id = c.street_id;
      row.community_id = c.community_id;
      row.parent_id = c.id;
      row.key = month_text;
      row.payload = registry::Payload(f);
      rows.push_back({absl::StrCat("demo-fee-", c.id, "-", month_text), std::move(row)});
    }
    const absl::Time recorded =
        std::min(demo::LocalTime(absl::CivilDay(month + 1) + 2, 10, 0), now - absl::Hours(1));
    clock.Set(recorded);
    GOV_RETURN_IF_ERROR(fees.LoadDemo(rows, kWorkers));
    loaded += static_cast<int>(rows.size());
  }
  log::Info("demo fee records ready", {{"track", kTrack}, {"records", absl::StrCat(loaded)}});
  return absl::OkStatus();
}

// A dispute's opening request: a summary of its category, the parties (an owner or two, the
// company when it is one's).
tv1::OpenPropertyDisputeRequest OpenRequest(const std::string& request_id, const Summary& s,
                                            const DemoCompound& compound, bool hard,
                                            demo::Random& rng) {
  tv1::OpenPropertyDisputeRequest request;
  request.set_request_id(request_id);
  tv1::PropertyDispute* d = request.mutable_dispute();
  d->set_category(s.category);
  d->set_compound_id(compound.id);
  d->set_hard(hard);
  d->set_summary(s.text);
  const int owners = rng.Int(1, 2);
  for (int k = 0; k < owners; ++k) d->add_parties(demo::FormalName(rng));
  if (!compound.property_company.empty()) d->add_parties(compound.property_company);
  d->set_households(s.category == tv1::DISPUTE_CATEGORY_FEE_ARREARS ? rng.Int(1, 3)
                                                                    : rng.Int(5, 300));
  return request;
}

// A summary of a drawn category: fee arrears half the time.
const Summary& DrawSummary(demo::Random& rng, bool hard) {
  if (!hard && rng.Percent(50)) return kSummaries[rng.Int(0, 2)];
  return kSummaries[rng.Int(hard ? 2 : 3, static_cast<int>(std::size(kSummaries)) - 1)];
}

}  // namespace

absl::Status LoadFeeAndDisputeDemo(const server::TrackDeps& deps, const Rules& rules,
                                   cases::CaseEngine* disputes,
                                   const meetings::Meetings* meetings) {
  const absl::Time now = deps.clock->Now();
  cases::ListRequest probe;
  probe.page_size = 1;
  GOV_ASSIGN_OR_RETURN(const cases::ListResult stored, disputes->List(Loader(), probe));
  if (!stored.cases.empty()) {
    log::Info("demo data skipped: property disputes are stored", {{"track", kTrack}});
    return absl::OkStatus();
  }
  FakeClock clock(now);
  const registry::Registry compound_rows(CompoundLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry fee_rows(FeeLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry meeting_rows(meetings::MeetingsLayout(kTrack), deps.repo, deps.cache,
                                        &clock);
  GOV_ASSIGN_OR_RETURN(const std::vector<DemoCompound> compounds, ListCompounds(compound_rows));
  if (compounds.empty()) {
    log::Info("demo data skipped: no compounds", {{"track", kTrack}});
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(LoadFees(fee_rows, rules, compounds, clock, now));

  // The track's parts on the local clock; the meetings of the track's kinds (their subject
  // checks read the store).
  cases::CaseEngine committee_engine(CommitteeSpec(rules), deps.repo, deps.cache, deps.calendar,
                                     &clock, nullptr);
  cases::CaseEngine engine(DisputeSpec(rules), deps.repo, deps.cache, deps.calendar, &clock,
                           nullptr);
  const Compounds compound_part(&compound_rows, &fee_rows, &committee_engine, deps.regions, &clock);
  const meetings::Meetings local_meetings(&meeting_rows, meetings->kinds(), deps.regions, &clock);
  Disputes part(&engine, &compound_part, &local_meetings, deps.peers, deps.regions, &clock);

  std::map<std::string, std::vector<const DemoCompound*>> by_street;
  for (const DemoCompound& c : compounds) by_street[c.street_id].push_back(&c);
  std::vector<std::string> streets;
  for (const demo::Street* street : deps.regions->streets()) {
    if (by_street.contains(street->id())) streets.push_back(street->id());
  }
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::Time year_start = demo::LocalTime(absl::CivilDay(today.year(), 1, 1), 9, 0);
  int opened = 0;

  // The ordinary disputes of the last year.
  for (const std::string& street : streets) {
    for (int i = 0; i < kPerStreet; ++i) {
      const std::string key = absl::StrCat("demo-dispute-", street, "-", i);
      DisputeLife life(&part, &local_meetings, deps.regions, &clock, now, demo::StableSeed(key));
      demo::Random& rng = life.rng();
      const DemoCompound& compound = *rng.Pick(by_street[street]);
      const absl::Time at =
          demo::LocalTime(today - rng.Int(1, 365), rng.Int(8, 17), rng.Int(0, 59));
      const Summary& summary = DrawSummary(rng, /*hard=*/false);
      const int fate = rng.Int(0, 99);
      if (at >= now) continue;
      GOV_ASSIGN_OR_RETURN(const bool fresh,
                           life.Open(OpenRequest(key, summary, compound, false, rng), at));
      ++opened;
      if (!fresh || fate < 10) continue;  // left open
      if (fate < 30) {                    // to the joint meeting
        const absl::Time referred = at + Days(rng.Int(3, 10));
        GOV_ASSIGN_OR_RETURN(bool done, life.Refer(referred));
        if (!done || fate < 20) continue;  // under joint review
        const absl::Time held = referred + Days(rng.Int(7, 20));
        GOV_ASSIGN_OR_RETURN(done, life.JointMeeting(held, compound));
        if (!done) continue;
        GOV_RETURN_IF_ERROR(life.Resolve(held + Days(rng.Int(1, 3))).status());
        continue;
      }
      if (fate < 36) {  // ends unresolved
        const std::string reason =
            rng.Percent(50) ? "演示数据：当事人已提起诉讼" : "演示数据：申请人撤回";
        GOV_RETURN_IF_ERROR(life.Close(at + Days(rng.Int(5, 30)), reason).status());
        continue;
      }
      const absl::Time resolved = at + Days(rng.Int(3, 40));
      GOV_ASSIGN_OR_RETURN(const bool done, life.Resolve(resolved));
      if (done && rng.Percent(60)) {
        GOV_RETURN_IF_ERROR(life.Close(resolved + Days(rng.Int(3, 15)), "").status());
      }
    }
  }

  // The hard ones resolved this year, spread over its days so far, every other one by a joint
  // meeting's decision.
  const absl::Time last_resolution = now - absl::Hours(2);
  for (int h = 0; h < kHardResolvedThisYear && year_start < last_resolution; ++h) {
    const std::string& street = streets[h % streets.size()];
    const std::string key = absl::StrCat("demo-hard-dispute-", h);
    DisputeLife life(&part, &local_meetings, deps.regions, &clock, now, demo::StableSeed(key));
    demo::Random& rng = life.rng();
    const DemoCompound& compound = *rng.Pick(by_street[street]);
    const absl::Time resolve_at =
        year_start + (last_resolution - year_start) * (2 * h + 1) / (2 * kHardResolvedThisYear);
    const absl::Time at = resolve_at - Days(rng.Int(30, 200)) - absl::Hours(rng.Int(0, 8));
    GOV_ASSIGN_OR_RETURN(
        const bool fresh,
        life.Open(OpenRequest(key, DrawSummary(rng, true), compound, true, rng), at));
    ++opened;
    if (!fresh) continue;
    if (h % 2 == 0) {
      GOV_RETURN_IF_ERROR(life.Refer(at + Days(5)).status());
      GOV_RETURN_IF_ERROR(life.JointMeeting(resolve_at - Days(2), compound).status());
    }
    GOV_ASSIGN_OR_RETURN(const bool resolved, life.Resolve(resolve_at));
    if (resolved && rng.Percent(50)) {
      GOV_RETURN_IF_ERROR(life.Close(resolve_at + Days(rng.Int(5, 20)), "").status());
    }
  }

  // The other hard ones: opened over the last year, some still open, some under joint review,
  // some resolved before this year.
  for (int h = 0; h < kHardOthers; ++h) {
    const std::string& street = streets[(h * 3 + 1) % streets.size()];
    const std::string key = absl::StrCat("demo-hard-dispute-other-", h);
    DisputeLife life(&part, &local_meetings, deps.regions, &clock, now, demo::StableSeed(key));
    demo::Random& rng = life.rng();
    const DemoCompound& compound = *rng.Pick(by_street[street]);
    const absl::Time at = demo::LocalTime(today - rng.Int(20, 365), rng.Int(8, 17), rng.Int(0, 59));
    GOV_ASSIGN_OR_RETURN(
        const bool fresh,
        life.Open(OpenRequest(key, DrawSummary(rng, true), compound, true, rng), at));
    ++opened;
    if (!fresh || h % 3 == 0) continue;
    GOV_ASSIGN_OR_RETURN(const bool referred, life.Refer(at + Days(rng.Int(5, 15))));
    if (!referred || h % 3 == 1) continue;
    const absl::Time resolve_at = at + Days(rng.Int(20, 60));
    if (resolve_at >= year_start) continue;
    GOV_ASSIGN_OR_RETURN(const bool met, life.JointMeeting(resolve_at - Days(1), compound));
    if (met) {
      GOV_RETURN_IF_ERROR(life.Resolve(resolve_at).status());
    }
  }

  // The deliberation sessions: this year's and last year's in every street, about one of its
  // compounds with its three parties, their follow-ups done when due (the recent ones open).
  int sessions = 0;
  const absl::CivilDay year_first(today.year(), 1, 1);
  for (const std::string& street : streets) {
    for (int k = 0; k < kSessionsThisYear + kSessionsLastYear; ++k) {
      const std::string key = absl::StrCat("demo-deliberation-", street, "-", k);
      demo::Random rng(demo::StableSeed(key));
      const DemoCompound& compound = *rng.Pick(by_street[street]);
      absl::CivilDay day;
      if (k < kSessionsThisYear) {
        const int span = static_cast<int>(today - year_first);
        if (span < 1) continue;
        day = year_first + (span * (2 * k + 1)) / (2 * kSessionsThisYear) + rng.Int(0, 1) - 1;
        day = std::max(day, year_first);
      } else {
        day = absl::CivilDay(today.year() - 1, rng.Int(3, 11), rng.Int(1, 28));
      }
      const absl::Time held = demo::LocalTime(day, rng.Int(14, 18), rng.Int(0, 59));
      if (held >= now) continue;
      clock.Set(held + absl::Hours(3));
      gv1::CreateMeetingRequest request;
      request.set_request_id(key);
      gv1::Meeting* m = request.mutable_meeting();
      m->set_kind(kDeliberation);
      *m->mutable_hold_time() = ToTimestamp(held);
      m->mutable_region()->set_street_id(street);
      m->set_subject_id(compound.id);
      const std::string topic = rng.Pick(kTopics);
      m->set_title(absl::StrCat(compound.name, "专题议事协商：", topic));
      const std::string branch =
          absl::StrCat(deps.regions->NameOf(compound.community_id), "党组织");
      const std::string owners = absl::StrCat(compound.name, "业主代表");
      const std::string company = compound.property_company.empty()
                                      ? absl::StrCat(compound.name, "自管小组")
                                      : compound.property_company;
      for (const std::string& unit : {branch, owners, company}) m->add_units_present(unit);
      m->add_topics(topic);
      m->add_decisions(rng.Pick(kSessionDecisions));
      const struct {
        const char* party;
        const std::string* unit;
      } parties[] = {{kPartyBranch, &branch}, {kOwners, &owners}, {kPropertyCompany, &company}};
      for (const auto& p : parties) {
        gv1::Participant* participant = m->add_participants();
        participant->set_party(p.party);
        participant->set_unit(*p.unit);
        participant->set_name(demo::FormalName(rng));
      }
      for (int f = 0; f < 2; ++f) {
        gv1::FollowUp* follow_up = m->add_follow_ups();
        follow_up->set_action(f == 0 ? "演示数据：物业公司制定落实方案并在小区公示"
                                     : "演示数据：业委会收集业主反馈，社区跟踪督办");
        follow_up->set_owner_unit(f == 0 ? company : owners);
        *follow_up->mutable_due_time() = ToTimestamp(held + Days(f == 0 ? 15 : 30));
      }
      gv1::CreateMeetingResponse created;
      GOV_RETURN_IF_ERROR(local_meetings.Create(Loader(), request, &created));
      ++sessions;
      std::string etag = created.meeting().etag();
      for (int f = 0; f < 2; ++f) {
        if (created.meeting().follow_ups(f).status() != gv1::FOLLOW_UP_STATUS_OPEN) continue;
        const absl::Time done = held + Days(f == 0 ? rng.Int(7, 14) : rng.Int(20, 40));
        if (done >= now) break;
        clock.Set(done);
        gv1::CompleteFollowUpRequest complete;
        complete.set_meeting_id(created.meeting().id());
        complete.set_etag(etag);
        complete.set_number(f + 1);
        complete.set_outcome("演示数据：已落实，三方确认");
        gv1::CompleteFollowUpResponse completed;
        GOV_RETURN_IF_ERROR(local_meetings.CompleteFollowUp(Loader(), complete, &completed));
        etag = completed.meeting().etag();
      }
    }
  }

  // The open disputes past their clock flagged now, as the periodic scan would.
  GOV_ASSIGN_OR_RETURN(const int breached, disputes->ScanBreaches());
  log::Info("demo data loaded", {{"track", kTrack},
                                 {"disputes", absl::StrCat(opened)},
                                 {"sessions", absl::StrCat(sessions)},
                                 {"breached", absl::StrCat(breached)}});
  return absl::OkStatus();
}

}  // namespace gov::tripartite
