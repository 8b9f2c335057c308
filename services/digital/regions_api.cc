#include "services/digital/regions_api.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::digital {
namespace {

namespace cv1 = ::governance::config::v1;

// Region ids are plain: letters, digits, '-' and '_' (the region registry refuses others when it
// loads), so an id of any other character is malformed rather than unknown.
bool IsPlainId(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// A community with its grids, by id.
void FillCommunity(const cv1::Community& from, dv1::Community* to) {
  to->set_id(from.id());
  to->set_name(from.name());
  std::vector<std::string> grids(from.grids().begin(), from.grids().end());
  std::sort(grids.begin(), grids.end());
  for (std::string& grid : grids) to->add_grids()->set_id(std::move(grid));
}

// A street, with its communities by id unless `streets_only`.
void FillStreet(const cv1::Street& from, bool streets_only, dv1::Street* to) {
  to->set_id(from.id());
  to->set_name(from.name());
  to->set_park(from.park());
  if (streets_only) return;
  std::vector<const cv1::Community*> communities;
  communities.reserve(from.communities_size());
  for (const cv1::Community& community : from.communities()) communities.push_back(&community);
  std::sort(communities.begin(), communities.end(),
            [](const cv1::Community* a, const cv1::Community* b) { return a->id() < b->id(); });
  for (const cv1::Community* community : communities) {
    FillCommunity(*community, to->add_communities());
  }
}

}  // namespace

RegionsApi::RegionsApi(const regions::RegionRegistry* regions) : regions_(regions) {}

// The district's map is every caller's: a street operator sees the whole district's streets
// (a street's neighbours, the streets a scenario is rolled out to), whatever its scope.
absl::Status RegionsApi::ListStreets(const auth::Principal&, const dv1::ListStreetsRequest& in,
                                     dv1::ListStreetsResponse* out) const {
  out->set_district_id(regions_->district_id());
  out->set_district_name(regions_->district_name());
  out->set_version(regions_->version());
  std::vector<const cv1::Street*> streets = regions_->streets();
  std::sort(streets.begin(), streets.end(),
            [](const cv1::Street* a, const cv1::Street* b) { return a->id() < b->id(); });
  for (const cv1::Street* street : streets) {
    FillStreet(*street, in.streets_only(), out->add_streets());
  }
  return absl::OkStatus();
}

absl::Status RegionsApi::GetStreet(const auth::Principal&, const dv1::GetStreetRequest& in,
                                   dv1::GetStreetResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (!IsPlainId(in.id())) return InvalidField("id", "not a street id (letters, digits, - and _)");
  for (const cv1::Street* street : regions_->streets()) {
    if (street->id() != in.id()) continue;
    FillStreet(*street, /*streets_only=*/false, out->mutable_street());
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("street \"", in.id(), "\" not found"));
}

}  // namespace gov::digital
