#include "services/mediation/mediators.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/case_kind.h"
#include "common/cases/page_token.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {
namespace {

// What `who` may see of a mediator: the name is personal data.
mv1::Mediator ForReader(const auth::Principal& who, mv1::Mediator mediator) {
  if (!DisputeKind().SeesPersonal(who)) cases::ClearPersonalData(mediator);
  return mediator;
}

}  // namespace

store::EntityRecord MediatorRow(const mv1::Mediator& mediator, const store::EntityRecord& body) {
  store::EntityRecord row;
  row.street_id = body.street_id;
  row.community_id = body.community_id;
  row.parent_id = body.id;
  row.key = mediator.full_time() ? kFullTimeKey : kPartTimeKey;
  row.payload = ItemPayload(mediator);
  return row;
}

absl::StatusOr<mv1::Mediator> ReadMediator(const Registries& registries, const auth::Principal& who,
                                           const std::string& id) {
  // The row carries its body's street, so this is the body's scope.
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       registries.mediators.LoadVisible(who, id, /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator,
                       DecodeItem<mv1::Mediator>(registries.mediators, row));
  return ForReader(who, std::move(mediator));
}

absl::StatusOr<MediatorsByBody> AllMediatorsByBody(const registry::Registry& mediators) {
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, AllRows(mediators, {}));
  MediatorsByBody out;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator, DecodeItem<mv1::Mediator>(mediators, row));
    out[mediator.body_id()].push_back(std::move(mediator));
  }
  return out;
}

absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> FullTimeByBody(
    const registry::Registry& mediators, const indicators::EvalContext& ctx) {
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       mediators.RowsIn(ctx, kFullTimeKey));
  absl::flat_hash_map<std::string, int64_t> counts;
  for (const store::EntityRecord& row : rows) {
    if (cal::LocalDay(row.create_time) <= ctx.days.last) ++counts[row.parent_id];
  }
  return counts;
}

Mediators::Mediators(const Registries* registries) : registries_(registries) {}

absl::Status Mediators::Create(const auth::Principal& who, const mv1::CreateMediatorRequest& in,
                               mv1::CreateMediatorResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewMediator(in.mediator()));
  // Another street's body is PERMISSION_DENIED here already; a district-level one is read by
  // everyone but staffed by the district only.
  const std::string& body_id = in.mediator().body_id();
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord body,
                       Referenced(registries_->bodies.LoadVisible(who, body_id, true),
                                  "mediator.body_id", "mediating body", body_id));
  if (!who.HasRole(auth::kDistrictAdmin) && !who.CanAccessStreet(body.street_id)) {
    return absl::PermissionDeniedError(
        absl::StrCat("body ", body.id, " is outside the caller's streets"));
  }
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord created,
      registries_->mediators.Create(MediatorRow(in.mediator(), body), in.request_id()));
  GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator,
                       DecodeItem<mv1::Mediator>(registries_->mediators, created));
  *out->mutable_mediator() = ForReader(who, std::move(mediator));
  return absl::OkStatus();
}

absl::Status Mediators::List(const auth::Principal& who, const mv1::ListMediatorsRequest& in,
                             mv1::ListMediatorsResponse* out) {
  if (!in.body_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.body_id(), "body_id"));
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.body_id().empty() && !who.district_wide()) {
    // The scope filter alone would answer with an empty page; another street's body is refused
    // as GetMediatingBody refuses it (an unknown one has no mediators).
    absl::StatusOr<store::EntityRecord> body =
        registries_->bodies.LoadVisible(who, in.body_id(), /*district_rows_public=*/true);
    if (!body.ok() && !absl::IsNotFound(body.status())) return body.status();
  }
  const registry::Registry& mediators = registries_->mediators;
  store::EntityFilter filter;
  filter.track = mediators.layout().track;
  filter.kind = mediators.layout().kind;
  filter.parent_id = in.body_id();
  GOV_ASSIGN_OR_RETURN(registry::Page page,
                       mediators.ListPage(WithDistrictRows(who), {filter},
                                          {"mediators", in.body_id()}, size, in.page_token()));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(mv1::Mediator mediator, DecodeItem<mv1::Mediator>(mediators, row));
    *out->add_mediators() = ForReader(who, std::move(mediator));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::mediation
