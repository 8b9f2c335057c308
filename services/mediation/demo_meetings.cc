// The mediation demo's purchased mediation services (providers, contracts) and its monthly
// consultation meetings (会商研判).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/demo/records.h"
#include "common/meetings/meetings.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/demo_data.h"
#include "services/mediation/model.h"

namespace gov::mediation {
namespace {

namespace gv1 = ::governance::v1;

// The month of last year without a consultation, so that last year's "held every month" is
// not full (11 of 12).
constexpr int kMonthMissedLastYear = 8;
// A month's consultation is held on this day of the month, and its follow-ups are due three
// weeks later and done within a fortnight (the recent ones still open).
constexpr int kConsultationDay = 10;

}  // namespace

absl::StatusOr<PurchasedDemo> LoadPurchasedDemo(const Registries& registries,
                                                absl::CivilDay first_day) {
  const auth::Principal loader = demo::Actor("demo-loader", auth::kDistrictAdmin);
  FakeClock clock(demo::LocalTime(first_day, 9, 0));
  PurchasedServices purchased(&registries, &clock);
  const std::string since = absl::FormatCivilTime(first_day);
  const std::string until = absl::FormatCivilTime(absl::CivilDay(first_day.year() + 3, 1, 1) - 1);

  struct ProviderPlan {
    mv1::ProviderKind kind;
    const char* name;
    std::vector<mv1::DisputeCategory> specialities;
  };
  const ProviderPlan providers[] = {
      {mv1::PROVIDER_KIND_MEDIATION_ASSOCIATION, "区人民调解协会", {}},
      {mv1::PROVIDER_KIND_LAW_OFFICE,
       "运河律师事务所",
       {mv1::DISPUTE_CATEGORY_CONTRACT, mv1::DISPUTE_CATEGORY_LABOUR,
        mv1::DISPUTE_CATEGORY_COMMERCE, mv1::DISPUTE_CATEGORY_FINANCE}},
      {mv1::PROVIDER_KIND_LAW_OFFICE,
       "拱宸律师事务所",
       {mv1::DISPUTE_CATEGORY_FAMILY, mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING}},
  };
  PurchasedDemo out;
  for (size_t i = 0; i < std::size(providers); ++i) {
    mv1::CreateServiceProviderRequest request;
    request.set_request_id(absl::StrCat("demo-provider-", i));
    mv1::ServiceProvider* provider = request.mutable_provider();
    provider->set_kind(providers[i].kind);
    provider->set_name(providers[i].name);
    for (mv1::DisputeCategory c : providers[i].specialities) provider->add_specialities(c);
    provider->set_since(since);
    mv1::CreateServiceProviderResponse created;
    GOV_RETURN_IF_ERROR(purchased.CreateProvider(loader, request, &created));

    mv1::CreateServiceContractRequest contract_request;
    contract_request.set_request_id(absl::StrCat("demo-contract-", i));
    mv1::ServiceContract* contract = contract_request.mutable_contract();
    contract->set_provider_id(created.provider().id());
    contract->set_title(absl::StrCat(providers[i].name, "调解服务采购合同"));
    contract->set_first_day(since);
    contract->set_last_day(until);
    contract->set_scope("诉前调解、专业咨询与调解员业务指导");
    contract->set_amount_fen(i == 0 ? 48'000'000 : 18'000'000);
    mv1::CreateServiceContractResponse contract_created;
    GOV_RETURN_IF_ERROR(purchased.CreateContract(loader, contract_request, &contract_created));
    // The association takes every category: the demo's referrals go to it.
    if (i == 0) out.any_category_contract = contract_created.contract().id();
  }
  return out;
}

absl::Status LoadConsultationDemo(const server::TrackDeps& deps, absl::Time now) {
  const absl::CivilDay today = cal::LocalDay(now);
  FakeClock clock(now);
  const registry::Registry registry(meetings::MeetingsLayout(kTrack), deps.repo, deps.cache,
                                    &clock);
  const meetings::Meetings consultations(&registry, {{kConsultation, kConsultationNameZh}},
                                         deps.regions, &clock);
  const auth::Principal loader = demo::Actor("demo-loader", auth::kDistrictAdmin);
  for (absl::CivilMonth month(today.year() - 1, 1); month <= absl::CivilMonth(today); ++month) {
    if (month.year() == today.year() - 1 && month.month() == kMonthMissedLastYear) continue;
    const absl::CivilDay day(month.year(), month.month(), kConsultationDay);
    const absl::Time held = demo::LocalTime(day, 9, 30);
    if (held >= now) break;
    clock.Set(held + absl::Hours(4));
    gv1::CreateMeetingRequest request;
    request.set_request_id(
        absl::StrFormat("demo-consultation-%04d-%02d", month.year(), month.month()));
    gv1::Meeting* meeting = request.mutable_meeting();
    meeting->set_kind(kConsultation);
    *meeting->mutable_hold_time() = ToTimestamp(held);
    meeting->set_title(absl::StrFormat("%d年%d月矛盾纠纷会商研判会", month.year(), month.month()));
    for (const char* unit : {"区委政法委", "区司法局", "区人民法院", "区信访局", "公安分局",
                             "区人力社保局", "区住建局"}) {
      meeting->add_units_present(unit);
    }
    meeting->add_topics("本月矛盾纠纷数量靠前的街道、部门与突出矛盾类型");
    meeting->add_topics(month.month() % 3 == 0 ? "劳动争议与欠薪纠纷苗头研判"
                                               : "物业与邻里纠纷化解进展");
    meeting->add_decisions("对排名靠前的街道开展精准调解督导");
    for (int k = 0; k < 2; ++k) {
      gv1::FollowUp* follow_up = meeting->add_follow_ups();
      follow_up->set_action(k == 0 ? "牵头街道制定重点纠纷化解方案"
                                   : "行业调委会提前介入突出类型纠纷");
      follow_up->set_owner_unit(k == 0 ? "区司法局" : "区人力社保局");
      *follow_up->mutable_due_time() = ToTimestamp(held + absl::Hours(24 * 21));
    }
    gv1::CreateMeetingResponse created;
    GOV_RETURN_IF_ERROR(consultations.Create(loader, request, &created));
    // Follow-ups done a fortnight after the meeting (the second of every fourth one late), when
    // that has come.
    std::string etag = created.meeting().etag();
    for (int k = 0; k < 2; ++k) {
      const bool late = k == 1 && month.month() % 4 == 0;
      const absl::Time done = held + absl::Hours(24 * (late ? 26 : 14));
      if (done >= now) break;
      clock.Set(done);
      gv1::CompleteFollowUpRequest complete;
      complete.set_meeting_id(created.meeting().id());
      complete.set_etag(etag);
      complete.set_number(k + 1);
      complete.set_outcome("已落实，情况报区矛调中心");
      gv1::CompleteFollowUpResponse completed;
      GOV_RETURN_IF_ERROR(consultations.CompleteFollowUp(loader, complete, &completed));
      etag = completed.meeting().etag();
    }
  }
  return absl::OkStatus();
}

}  // namespace gov::mediation
