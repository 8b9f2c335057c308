#ifndef GOV_COMMON_REGIONS_REGIONS_H_
#define GOV_COMMON_REGIONS_REGIONS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "governance/config/v1/config.pb.h"
#include "governance/v1/common.pb.h"

namespace gov::regions {

// The district -> street -> community -> grid registry, loaded from a versioned JSON data file
// (proto JSON of governance.config.v1.RegionRegistry; data/regions.json in the repository).
// Immutable after load; safe to share between threads.
class RegionRegistry {
 public:
  static absl::StatusOr<std::unique_ptr<RegionRegistry>> LoadFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<RegionRegistry>> FromProto(
      governance::config::v1::RegionRegistry data);

  // The indexes point into the owned data, so a registry is neither copied nor moved.
  RegionRegistry(const RegionRegistry&) = delete;
  RegionRegistry& operator=(const RegionRegistry&) = delete;

  // OK when every non-empty id exists and each narrower id belongs to the wider one.
  // street_id is required when `require_street`. Errors are INVALID_ARGUMENT naming
  // "<field>.street_id" / "<field>.community_id" / "<field>.grid_id".
  absl::Status Validate(const governance::v1::RegionRef& region, std::string_view field,
                        bool require_street = true) const;

  bool HasStreet(std::string_view street_id) const;
  bool HasCommunity(std::string_view community_id) const;
  // The street a community belongs to ("" when unknown).
  std::string StreetOfCommunity(std::string_view community_id) const;
  // Display name of a street, community or grid id ("" when unknown).
  std::string NameOf(std::string_view id) const;

  const std::vector<const governance::config::v1::Street*>& streets() const { return streets_; }
  std::vector<const governance::config::v1::Community*> CommunitiesOf(
      std::string_view street_id) const;
  int street_count() const { return static_cast<int>(streets_.size()); }
  int community_count() const { return community_count_; }
  const std::string& version() const { return data_.version(); }
  const std::string& district_id() const { return data_.district_id(); }
  const std::string& district_name() const { return data_.district_name(); }

 private:
  explicit RegionRegistry(governance::config::v1::RegionRegistry data);
  governance::config::v1::RegionRegistry data_;
  std::vector<const governance::config::v1::Street*> streets_;
  absl::flat_hash_map<std::string, const governance::config::v1::Street*> street_by_id_;
  absl::flat_hash_map<std::string, const governance::config::v1::Community*> community_by_id_;
  absl::flat_hash_map<std::string, std::string> community_street_;
  absl::flat_hash_map<std::string, std::string> grid_community_;
  int community_count_ = 0;
};

// Coordinates (WGS-84 degrees) as given with a complaint, a finding or a monitored object:
// latitude -90..90 and longitude -180..180, NaN refused. INVALID_ARGUMENT naming
// "<field>.latitude" or "<field>.longitude".
absl::Status ValidateLocation(const governance::v1::GeoPoint& point, const std::string& field);

}  // namespace gov::regions

#endif  // GOV_COMMON_REGIONS_REGIONS_H_
