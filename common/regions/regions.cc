#include "common/regions/regions.h"

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/file.h"
#include "common/util/status.h"

namespace gov::regions {

namespace {

using governance::config::v1::Community;
using governance::config::v1::Street;

// This abseil build has its own string_view type; its hash maps look up by it.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// An id from a request, quoted for an error message: escaped, and cut so that a hostile caller
// cannot make the message (and the log line carrying it) arbitrarily long.
std::string Quote(std::string_view id) {
  constexpr size_t kMaxShown = 64;
  const absl::string_view shown = Key(id.substr(0, kMaxShown));
  return absl::StrCat("\"", absl::CEscape(shown), id.size() > kMaxShown ? "...\"" : "\"");
}

// Ids end up in cache keys, metric labels and page tokens, so they are kept to a plain
// alphabet.
bool IsPlainId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

absl::Status CheckId(std::string_view id, std::string_view parent_id, const std::string& field,
                     absl::flat_hash_set<std::string>& seen) {
  if (!IsPlainId(id)) {
    return InvalidField(field, absl::StrCat(Quote(id), " is not an id (letters, digits, - and _)"));
  }
  if (!parent_id.empty()) {
    const std::string prefix = absl::StrCat(Key(parent_id), "-");
    if (!absl::StartsWith(Key(id), prefix) || id.size() == prefix.size()) {
      return InvalidField(
          field, absl::StrCat(Quote(id), " does not start with its parent's id ", Quote(prefix)));
    }
  }
  if (!seen.insert(std::string(id)).second) {
    return InvalidField(field, absl::StrCat("duplicate id ", Quote(id)));
  }
  return absl::OkStatus();
}

absl::Status CheckRegistry(const governance::config::v1::RegionRegistry& data) {
  if (!IsPlainId(data.district_id())) {
    return InvalidField("district_id",
                        absl::StrCat("required, a plain id; got ", Quote(data.district_id())));
  }
  if (data.streets().empty()) return InvalidField("streets", "at least one street is required");
  // One namespace for all levels, so that NameOf and the error messages are unambiguous.
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < data.streets_size(); ++i) {
    const Street& street = data.streets(i);
    const std::string sf = absl::StrCat("streets[", i, "]");
    GOV_RETURN_IF_ERROR(CheckId(street.id(), "", sf + ".id", seen));
    if (street.name().empty()) return InvalidField(sf + ".name", "required");
    for (int j = 0; j < street.communities_size(); ++j) {
      const Community& community = street.communities(j);
      const std::string cf = absl::StrCat(sf, ".communities[", j, "]");
      GOV_RETURN_IF_ERROR(CheckId(community.id(), street.id(), cf + ".id", seen));
      if (community.name().empty()) return InvalidField(cf + ".name", "required");
      for (int k = 0; k < community.grids_size(); ++k) {
        GOV_RETURN_IF_ERROR(
            CheckId(community.grids(k), community.id(), absl::StrCat(cf, ".grids[", k, "]"), seen));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegionRegistry>> RegionRegistry::LoadFile(const std::string& path) {
  governance::config::v1::RegionRegistry data;
  GOV_RETURN_IF_ERROR(LoadJsonFile(path, "region registry", &data));
  auto registry = FromProto(std::move(data));
  if (!registry.ok()) return Annotate(registry.status(), absl::StrCat("region registry ", path));
  return registry;
}

absl::StatusOr<std::unique_ptr<RegionRegistry>> RegionRegistry::FromProto(
    governance::config::v1::RegionRegistry data) {
  GOV_RETURN_IF_ERROR(CheckRegistry(data));
  return std::unique_ptr<RegionRegistry>(new RegionRegistry(std::move(data)));
}

RegionRegistry::RegionRegistry(governance::config::v1::RegionRegistry data)
    : data_(std::move(data)) {
  // The indexes point into data_, which is never modified after this.
  for (const Street& street : data_.streets()) {
    streets_.push_back(&street);
    street_by_id_.emplace(street.id(), &street);
    for (const Community& community : street.communities()) {
      community_by_id_.emplace(community.id(), &community);
      community_street_.emplace(community.id(), street.id());
      ++community_count_;
      for (const std::string& grid : community.grids())
        grid_community_.emplace(grid, community.id());
    }
  }
}

absl::Status RegionRegistry::Validate(const governance::v1::RegionRef& region,
                                      std::string_view field, bool require_street) const {
  const std::string street_field = std::string(field) + ".street_id";
  const std::string community_field = std::string(field) + ".community_id";
  const std::string grid_field = std::string(field) + ".grid_id";
  if (region.street_id().empty()) {
    if (require_street) return InvalidField(street_field, "required");
    // Narrower ids are checked against their street; without one there is nothing to check
    // them against, and deriving it would hide a caller's mistake.
    if (!region.community_id().empty() || !region.grid_id().empty()) {
      return InvalidField(street_field, "required when community_id or grid_id is set");
    }
    return absl::OkStatus();
  }
  if (!HasStreet(region.street_id())) {
    return InvalidField(street_field, absl::StrCat("unknown street ", Quote(region.street_id())));
  }
  if (region.community_id().empty()) {
    if (!region.grid_id().empty()) {
      return InvalidField(community_field, "required when grid_id is set");
    }
    return absl::OkStatus();
  }
  const auto community = community_street_.find(Key(region.community_id()));
  if (community == community_street_.end()) {
    return InvalidField(community_field,
                        absl::StrCat("unknown community ", Quote(region.community_id())));
  }
  if (community->second != region.street_id()) {
    return InvalidField(community_field,
                        absl::StrCat("community ", Quote(region.community_id()),
                                     " is not in street ", Quote(region.street_id())));
  }
  if (region.grid_id().empty()) return absl::OkStatus();
  const auto grid = grid_community_.find(Key(region.grid_id()));
  if (grid == grid_community_.end()) {
    return InvalidField(grid_field, absl::StrCat("unknown grid ", Quote(region.grid_id())));
  }
  if (grid->second != region.community_id()) {
    return InvalidField(grid_field,
                        absl::StrCat("grid ", Quote(region.grid_id()), " is not in community ",
                                     Quote(region.community_id())));
  }
  return absl::OkStatus();
}

bool RegionRegistry::HasStreet(std::string_view street_id) const {
  return street_by_id_.contains(Key(street_id));
}

bool RegionRegistry::HasCommunity(std::string_view community_id) const {
  return community_by_id_.contains(Key(community_id));
}

std::string RegionRegistry::StreetOfCommunity(std::string_view community_id) const {
  const auto it = community_street_.find(Key(community_id));
  return it == community_street_.end() ? std::string() : it->second;
}

std::string RegionRegistry::NameOf(std::string_view id) const {
  if (const auto it = street_by_id_.find(Key(id)); it != street_by_id_.end()) {
    return it->second->name();
  }
  if (const auto it = community_by_id_.find(Key(id)); it != community_by_id_.end()) {
    return it->second->name();
  }
  // Grids have no names of their own in the registry; the id is what the grid staff use.
  if (grid_community_.contains(Key(id))) return std::string(id);
  return std::string();
}

std::vector<const Community*> RegionRegistry::CommunitiesOf(std::string_view street_id) const {
  std::vector<const Community*> out;
  const auto it = street_by_id_.find(Key(street_id));
  if (it == street_by_id_.end()) return out;
  out.reserve(it->second->communities_size());
  for (const Community& community : it->second->communities()) out.push_back(&community);
  return out;
}

absl::Status ValidateLocation(const governance::v1::GeoPoint& point, const std::string& field) {
  // Written so that NaN fails too.
  if (!(point.latitude() >= -90 && point.latitude() <= 90)) {
    return InvalidField(absl::StrCat(field, ".latitude"), "must lie within -90..90");
  }
  if (!(point.longitude() >= -180 && point.longitude() <= 180)) {
    return InvalidField(absl::StrCat(field, ".longitude"), "must lie within -180..180");
  }
  return absl::OkStatus();
}

}  // namespace gov::regions
