#include "common/demo/places.h"

#include <algorithm>
#include <cmath>

namespace gov::demo {

governance::v1::RegionRef Place::region() const {
  governance::v1::RegionRef r = community_region();
  if (community != nullptr && !grid_id.empty()) r.set_grid_id(grid_id);
  return r;
}

governance::v1::RegionRef Place::street_region() const {
  governance::v1::RegionRef r;
  if (street != nullptr) r.set_street_id(street->id());
  return r;
}

governance::v1::RegionRef Place::community_region() const {
  governance::v1::RegionRef r = street_region();
  if (community != nullptr) r.set_community_id(community->id());
  return r;
}

Place StreetPlace(const Street& street, int street_index) {
  Place p;
  p.street = &street;
  p.street_index = street_index;
  p.name = street.name();
  return p;
}

namespace {

Place CommunityPlace(const Street& street, int street_index, int community_index) {
  Place p = StreetPlace(street, street_index);
  p.community = &street.communities(community_index);
  p.community_index = community_index;
  p.name = p.community->name();
  return p;
}

void SetGrid(Place& p, int grid_index) {
  p.grid_index = grid_index;
  p.grid_id = p.community->grids(grid_index);
}

}  // namespace

Place DrawPlace(const Street& street, int street_index, Random& rng, const PlaceOdds& odds) {
  const int communities = street.communities_size();
  if (communities == 0 || !rng.Percent(odds.community_percent)) {
    return StreetPlace(street, street_index);
  }
  int c = rng.Int(0, communities - 1);
  if (odds.busier_first) c = std::min(c, rng.Int(0, communities - 1));
  Place p = CommunityPlace(street, street_index, c);
  const int grids = p.community->grids_size();
  if (grids > 0 && rng.Percent(odds.grid_percent)) SetGrid(p, rng.Int(0, grids - 1));
  return p;
}

std::vector<Place> AllCommunities(const regions::RegionRegistry& regions) {
  std::vector<Place> out;
  const auto& streets = regions.streets();
  for (int s = 0; s < static_cast<int>(streets.size()); ++s) {
    for (int c = 0; c < streets[s]->communities_size(); ++c) {
      out.push_back(CommunityPlace(*streets[s], s, c));
    }
  }
  return out;
}

std::vector<Place> AllGrids(const regions::RegionRegistry& regions) {
  std::vector<Place> out;
  for (const Place& community : AllCommunities(regions)) {
    const int grids = community.community->grids_size();
    if (grids == 0) out.push_back(community);
    for (int g = 0; g < grids; ++g) {
      out.push_back(community);
      SetGrid(out.back(), g);
    }
  }
  return out;
}

std::vector<double> CommunityShares(const regions::RegionRegistry& regions) {
  std::vector<double> shares;
  double total = 0;
  for (const Street* street : regions.streets()) {
    shares.push_back(std::max(street->communities_size(), 1));
    total += shares.back();
  }
  for (double& share : shares) share /= total;
  return shares;
}

governance::v1::GeoPoint Point(const Place& place, double spread, Random& rng) {
  const int s = std::max(place.street_index, 0);
  const int c = std::max(place.community_index, 0);
  const int g = std::max(place.grid_index, 0);
  const double lat = spread * (2 * rng.Unit() - 1);
  const double lng = spread * 7 / 6 * (2 * rng.Unit() - 1);
  governance::v1::GeoPoint p;
  p.set_latitude(30.20 + 0.03 * (s / 4) + 0.004 * (c / 4) + 0.0009 * (g + 1) + lat);
  p.set_longitude(120.10 + 0.04 * (s % 4) + 0.005 * (c % 4) + lng);
  return p;
}

int DailyStream::Add(double rate) {
  const double before = accumulated_;
  accumulated_ += rate;
  return static_cast<int>(std::floor(accumulated_) - std::floor(before));
}

}  // namespace gov::demo
