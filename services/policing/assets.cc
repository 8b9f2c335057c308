#include "services/policing/assets.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/taxonomy.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

constexpr pv1::AssetKind kKinds[] = {
    pv1::ASSET_KIND_STEWARD_SQUAD,      pv1::ASSET_KIND_VOLUNTEER_TEAM,
    pv1::ASSET_KIND_NON_POLICE_STATION, pv1::ASSET_KIND_SMART_COMPOUND,
    pv1::ASSET_KIND_CAMERA_POINT,       pv1::ASSET_KIND_GUARD_UNIT,
    pv1::ASSET_KIND_GRID_STAFF,
};

// The kinds' keys, for lists of a status across kinds.
std::vector<std::string> KindKeys() {
  std::vector<std::string> keys;
  for (pv1::AssetKind kind : kKinds) keys.push_back(EnumKey(kind));
  return keys;
}

// Kind and place are what an asset is; the rest of it may be replaced.
absl::Status CheckUnchangeable(const pv1::Asset& current, const pv1::Asset& next) {
  if (next.kind() != current.kind()) {
    return InvalidField("asset.kind",
                        absl::StrCat("cannot change (is ", EnumKey(current.kind()), ")"));
  }
  return registry::CheckRegionUnchanged(current.region(), next.region(), "asset.region");
}

}  // namespace

const registry::Layout& AssetLayout() {
  static const auto* layout = new registry::Layout{kTrack, "asset", "A", "asset"};
  return *layout;
}

std::string AssetKey(pv1::AssetKind kind, pv1::AssetStatus status) {
  return registry::KindStatusKey(EnumKey(kind), EnumKey(status));
}

store::EntityRecord AssetRow(const pv1::Asset& asset) {
  store::EntityRecord row;
  row.street_id = asset.region().street_id();
  row.community_id = asset.region().community_id();
  row.key = AssetKey(asset.kind(), asset.status());
  row.payload = registry::Payload(asset);
  return row;
}

absl::Status Assets::Register(const auth::Principal& who, const pv1::RegisterAssetRequest& in,
                              pv1::RegisterAssetResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateAsset(in.asset(), *regions_, cal::LocalDay(assets_->Now())));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.asset().region().street_id()));
  // Idempotent by request_id (ALREADY_EXISTS when the id was used for other content).
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       assets_->Create(AssetRow(in.asset()), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), assets_->Decode<pv1::Asset>(created));
  return absl::OkStatus();
}

absl::Status Assets::Update(const auth::Principal& who, const pv1::UpdateAssetRequest& in,
                            pv1::UpdateAssetResponse* out) {
  const pv1::Asset& next = in.asset();
  GOV_RETURN_IF_ERROR(ValidateId(next.id(), "asset.id"));
  if (next.etag().empty()) return InvalidField("asset.etag", "required");

  // The store, not a cache, is the truth an etag is compared with. Kind and place are checked
  // against it before the rest, which is validated for the kind.
  GOV_ASSIGN_OR_RETURN(store::EntityRecord record, assets_->LoadVisible(who, next.id()));
  GOV_ASSIGN_OR_RETURN(const pv1::Asset current, assets_->Decode<pv1::Asset>(record));
  GOV_RETURN_IF_ERROR(CheckUnchangeable(current, next));
  GOV_RETURN_IF_ERROR(ValidateAsset(next, *regions_, cal::LocalDay(assets_->Now())));
  if (next.etag() != current.etag()) {
    return absl::AbortedError(
        absl::StrCat("asset ", next.id(), " has changed (etag ", next.etag(), " is not current)"));
  }
  if (current.status() == pv1::ASSET_STATUS_RETIRED && next.status() != pv1::ASSET_STATUS_RETIRED) {
    return absl::FailedPreconditionError(
        absl::StrCat("asset ", next.id(), " is retired; a retired asset stays retired"));
  }
  // ABORTED when another update committed since the read.
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord updated,
      assets_->Replace(std::move(record), next.etag(), AssetKey(next.kind(), next.status()),
                       registry::Payload(next)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), assets_->Decode<pv1::Asset>(updated));
  return absl::OkStatus();
}

absl::Status Assets::Get(const auth::Principal& who, const pv1::GetAssetRequest& in,
                         pv1::GetAssetResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  // Who may write is declared on the methods (policing.proto); what a caller reaches is its
  // streets' assets.
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord record, assets_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_asset(), assets_->Decode<pv1::Asset>(record));
  return absl::OkStatus();
}

absl::Status Assets::List(const auth::Principal& who, const pv1::ListAssetsRequest& in,
                          pv1::ListAssetsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateAssetList(in, *regions_));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter base;
  base.track = AssetLayout().track;
  base.kind = AssetLayout().kind;
  base.street_id = in.region().street_id();
  base.community_id = in.region().community_id();
  GOV_ASSIGN_OR_RETURN(registry::Page page,
                       assets_->ListPage(who,
                                         registry::KindStatusFilters(
                                             base, KindKeys(), in.kind() ? EnumKey(in.kind()) : "",
                                             in.status() ? EnumKey(in.status()) : ""),
                                         {"assets", EnumKey(in.kind()), EnumKey(in.status()),
                                          in.region().street_id(), in.region().community_id()},
                                         size, in.page_token()));
  out->set_next_page_token(page.next_page_token);
  for (const store::EntityRecord& record : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_assets(), assets_->Decode<pv1::Asset>(record));
  }
  return absl::OkStatus();
}

}  // namespace gov::policing
