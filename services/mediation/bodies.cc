#include "services/mediation/bodies.h"

#include <utility>

#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/validation.h"

namespace gov::mediation {

store::EntityRecord BodyRow(const mv1::MediatingBody& body) {
  mv1::MediatingBody stored = body;
  stored.clear_full_time_mediators();  // counted, not stored
  store::EntityRecord row;
  row.street_id = body.region().street_id();
  row.community_id = body.region().community_id();
  row.key = BodyKey(body.kind(), body.industry());
  row.payload = ItemPayload(std::move(stored));
  return row;
}

absl::StatusOr<mv1::MediatingBody> ReadBody(const Registries& registries,
                                            const auth::Principal& who, const std::string& id) {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       registries.bodies.LoadVisible(who, id, /*district_rows_public=*/true));
  return DecodeItem<mv1::MediatingBody>(registries.bodies, row);
}

absl::StatusOr<std::vector<mv1::MediatingBody>> BodiesAt(const registry::Registry& bodies,
                                                         mv1::BodyKind kind, mv1::Industry industry,
                                                         const std::string& street_id,
                                                         const std::string& community_id) {
  store::EntityFilter filter;
  filter.key = BodyKey(kind, industry);
  // An empty filter field means "any", so exact placement (e.g. a street-level micro-court,
  // whose community is empty) is checked below.
  filter.street_id = street_id;
  filter.community_id = community_id;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       AllRows(bodies, std::move(filter)));
  std::vector<mv1::MediatingBody> out;
  for (const store::EntityRecord& row : rows) {
    if (row.street_id != street_id || row.community_id != community_id) continue;
    GOV_ASSIGN_OR_RETURN(mv1::MediatingBody body, DecodeItem<mv1::MediatingBody>(bodies, row));
    out.push_back(std::move(body));
  }
  return out;
}

Bodies::Bodies(const Registries* registries, const regions::RegionRegistry* regions)
    : registries_(registries), regions_(regions) {}

absl::StatusOr<mv1::MediatingBody> Bodies::WithMediatorCount(mv1::MediatingBody body) const {
  store::EntityFilter filter;
  filter.parent_id = body.id();
  filter.key = kFullTimeKey;
  GOV_ASSIGN_OR_RETURN(const int64_t count, registries_->mediators.Count(filter));
  body.set_full_time_mediators(static_cast<int32_t>(count));
  return body;
}

// District administrators only: the declared access has decided already.
absl::Status Bodies::Create(const auth::Principal& /*who*/,
                            const mv1::CreateMediatingBodyRequest& in,
                            mv1::CreateMediatingBodyResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewBody(in.body(), *regions_));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registries_->bodies.Create(BodyRow(in.body()), in.request_id()));
  GOV_ASSIGN_OR_RETURN(mv1::MediatingBody body,
                       DecodeItem<mv1::MediatingBody>(registries_->bodies, created));
  GOV_ASSIGN_OR_RETURN(*out->mutable_body(), WithMediatorCount(std::move(body)));
  return absl::OkStatus();
}

absl::Status Bodies::Get(const auth::Principal& who, const mv1::GetMediatingBodyRequest& in,
                         mv1::GetMediatingBodyResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(mv1::MediatingBody body, ReadBody(*registries_, who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_body(), WithMediatorCount(std::move(body)));
  return absl::OkStatus();
}

absl::Status Bodies::List(const auth::Principal& who, const mv1::ListMediatingBodiesRequest& in,
                          mv1::ListMediatingBodiesResponse* out) {
  if (!mv1::BodyKind_IsValid(in.kind())) return InvalidField("kind", "not a body kind");
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "bodies cover streets and communities, not grids");
  }
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  const std::string& street = in.region().street_id();
  if (!street.empty()) GOV_RETURN_IF_ERROR(registry::CheckStreet(who, street));

  const registry::Registry& bodies = registries_->bodies;
  store::EntityFilter filter;
  filter.track = bodies.layout().track;
  filter.kind = bodies.layout().kind;
  if (in.kind() != mv1::BODY_KIND_UNSPECIFIED) filter.key_prefix = BodyKindPrefix(in.kind());
  filter.street_id = street;
  filter.community_id = in.region().community_id();
  GOV_ASSIGN_OR_RETURN(registry::Page page, bodies.ListPage(WithDistrictRows(who), {filter},
                                                            {"bodies", EnumKey(in.kind()), street,
                                                             in.region().community_id()},
                                                            size, in.page_token()));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(mv1::MediatingBody body, DecodeItem<mv1::MediatingBody>(bodies, row));
    GOV_ASSIGN_OR_RETURN(*out->add_bodies(), WithMediatorCount(std::move(body)));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

std::string Bodies::Name(const std::string& id) const {
  {
    absl::MutexLock lock(&names_mu_);
    auto it = names_.find(id);
    if (it != names_.end()) return it->second;
  }
  const registry::Registry& bodies = registries_->bodies;
  absl::StatusOr<store::EntityRecord> row = bodies.Get(id);
  if (!row.ok()) return std::string();
  absl::StatusOr<mv1::MediatingBody> body = DecodeItem<mv1::MediatingBody>(bodies, *row);
  if (!body.ok()) return std::string();
  absl::MutexLock lock(&names_mu_);
  names_[id] = body->name();
  return body->name();
}

}  // namespace gov::mediation
