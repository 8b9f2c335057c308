// Complaints: the reads — one complaint with its history, the lists, and the units' directory.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/cases/page_token.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaints.h"

namespace gov::disorder {

absl::Status Complaints::Get(const auth::Principal& who, const dv1::GetComplaintRequest& in,
                             dv1::GetComplaintResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  // The engine checked the scope: the handling roles see the reporter of what they may read
  // (viewers read the complaint without it).
  GOV_ASSIGN_OR_RETURN(*out->mutable_complaint(), Show(c, who));
  return absl::OkStatus();
}

absl::Status Complaints::List(const auth::Principal& who, const dv1::ListComplaintsRequest& in,
                              dv1::ListComplaintsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(deps_.regions->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  GOV_ASSIGN_OR_RETURN(filter.categories,
                       EnumFilterKeys<dv1::ComplaintCategory>(in.categories(), "categories",
                                                              "a complaint category"));
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<dv1::ComplaintStatus>(
                                            in.statuses(), "statuses", "a complaint status"));
  if (!in.unit_id().empty() && rules_->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  }
  GOV_RETURN_IF_ERROR(cases::FilterByPeriod(in.period(), deps_.clock->Now(), filter));
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  filter.unit_id = in.unit_id();
  filter.sla_breached_only = in.breached_only();
  request.page_size = size;
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, engine_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_complaints(), Summary(c));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status Complaints::Units(const auth::Principal&, const dv1::ListUnitsRequest& in,
                               dv1::ListUnitsResponse* out) {
  // Every caller (the method's declared access): the units are a public directory, paged by id
  // like the registries (the token holds the last id served).
  GOV_ASSIGN_OR_RETURN(*out->mutable_next_page_token(),
                       cases::PageOfDirectory(rules_->units(), "units", in.page_size(),
                                              in.page_token(), out->mutable_units()));
  return absl::OkStatus();
}

}  // namespace gov::disorder
