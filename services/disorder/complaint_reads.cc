// Complaints: the reads — one complaint with its history, the lists, and the units' directory.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/cases/list_request.h"
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
  GOV_ASSIGN_OR_RETURN(cases::ListRequest request,
                       cases::ReadListRequest(in,
                                              {.statuses = "statuses",
                                               .categories = "categories",
                                               .unit = "unit_id",
                                               .breached_only = "breached_only",
                                               .period = "period"},
                                              *deps_.regions, deps_.clock->Now()));
  if (!in.unit_id().empty() && rules_->FindUnit(in.unit_id()) == nullptr) {
    return InvalidField("unit_id", "not a unit of the rules file (see ListUnits)");
  }
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
