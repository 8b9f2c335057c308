#ifndef GOV_COMMON_DEMO_PLACES_H_
#define GOV_COMMON_DEMO_PLACES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/demo/random.h"
#include "common/regions/regions.h"
#include "governance/config/v1/config.pb.h"
#include "governance/v1/common.pb.h"

// Where the demo's records happen: places of the district's streets, communities and grids,
// drawn with a track's odds or walked in the regions file's order, and the daily streams that
// turn a rate into whole records a day.
namespace gov::demo {

using Street = governance::config::v1::Street;
using Community = governance::config::v1::Community;

// A street, perhaps one of its communities, perhaps one of that community's grids.
struct Place {
  const Street* street = nullptr;
  int street_index = -1;  // in the regions file
  const Community* community = nullptr;
  int community_index = -1;  // in the street, -1 without a community
  std::string grid_id;       // "" without a grid
  int grid_index = -1;       // in the community, -1 without a grid
  std::string name;          // the community's name, else the street's (grids have none)

  // Every level the place has.
  governance::v1::RegionRef region() const;
  // The street alone.
  governance::v1::RegionRef street_region() const;
  // The street and the community (when there is one), without the grid.
  governance::v1::RegionRef community_region() const;
};

// How a track places its records within a street: in a community `community_percent` times in a
// hundred (when the street has communities), then in one of its grids `grid_percent` times in a
// hundred (when it has grids). With `busier_first` the community is the lower of two draws, so
// that a street's first communities see more.
struct PlaceOdds {
  int community_percent = 100;
  int grid_percent = 0;
  bool busier_first = false;
};

// The street itself, as a place.
Place StreetPlace(const Street& street, int street_index);

// A place in `street` (the `street_index`-th of the regions file), drawn from `rng` with `odds`.
// The draws: Percent(community_percent), the community (two with busier_first),
// Percent(grid_percent), the grid; each only when the level before was taken and exists.
Place DrawPlace(const Street& street, int street_index, Random& rng, const PlaceOdds& odds);

// Every community of the district, street by street in the regions file's order.
std::vector<Place> AllCommunities(const regions::RegionRegistry& regions);

// Every grid of the district in the regions file's order; a community without grids once,
// without a grid.
std::vector<Place> AllGrids(const regions::RegionRegistry& regions);

// Each street's share of the district's communities (a street without any counts as one), in
// the regions file's order; the shares add up to 1.
std::vector<double> CommunityShares(const regions::RegionRegistry& regions);

// Coordinates of a place, laid out alike wherever the demo gives some: streets four to a row
// 0.03° of latitude and 0.04° of longitude apart, communities four to a row within a street,
// grids one after another within a community; then moved by up to `spread` degrees of latitude
// either way and 7/6 of that of longitude (about as many metres at 30°N).
governance::v1::GeoPoint Point(const Place& place, double spread, Random& rng);

// A daily count of records from a rate: the rates accumulate from a phase in [0, 1) drawn from
// the seed, and a day gets the whole numbers its rate passes. So a stretch of days gets its sum
// of rates within one, and streams of proportional rates, started at their own phases, do not
// all round up on the same days.
class DailyStream {
 public:
  explicit DailyStream(uint64_t seed) : accumulated_(Random(seed).Unit()) {}

  // The records of a day of `rate` (not negative).
  int Add(double rate);

  // The phase and the rates added so far.
  double accumulated() const { return accumulated_; }

 private:
  double accumulated_;
};

}  // namespace gov::demo

#endif  // GOV_COMMON_DEMO_PLACES_H_
