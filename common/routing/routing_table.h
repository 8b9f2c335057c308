#ifndef GOV_COMMON_ROUTING_ROUTING_TABLE_H_
#define GOV_COMMON_ROUTING_ROUTING_TABLE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/regions/regions.h"

// A routing table read from a track's rules file: which unit a case of some key (an incident
// type, a complaint category) on some street goes to. Routes are tried in order, the first
// whose key matches and whose street is the case's or empty (every street) wins, and every key
// must reach a unit on every street. Shared by policing's linkage units and disorder's
// responsible units, so that the next track with a routing table declares one.
namespace gov::routing {

struct Unit {
  std::string id;
  std::string name;
};

struct Route {
  int key = 0;            // an enum number of the track's key
  std::string street_id;  // "" = every street
  std::string unit_id;
};

// Field names of the rules file, for errors: "<units>[i].id", "<routes>[i].<key>" ...
struct TableFields {
  std::string units;     // e.g. "linkage_units"
  std::string routes;    // e.g. "linkage_routes"
  std::string key;       // e.g. "type"
  std::string key_what;  // e.g. "a non-police incident type"
};

class RoutingTable {
 public:
  RoutingTable() = default;

  // Checks the units (ids non-empty and unique, names non-empty) and the routes (key among
  // `keys`, street in `regions` when set, unit known), then that every key of `keys` reaches a
  // unit on every street. Errors are INVALID_ARGUMENT naming the entry under `fields` (the
  // coverage error names the routes field itself, with the key by `key_name`).
  static absl::StatusOr<RoutingTable> Build(std::vector<Unit> units, std::vector<Route> routes,
                                            const std::vector<int>& keys,
                                            const std::function<std::string(int)>& key_name,
                                            const regions::RegionRegistry& regions,
                                            const TableFields& fields);

  // The units in the order given.
  const std::vector<Unit>& units() const { return units_; }
  // A unit by id; nullptr when unknown.
  const Unit* FindUnit(std::string_view id) const;
  // The unit of the first route matching; nullptr when none (a key the table does not route).
  const Unit* Route(int key, std::string_view street_id) const;

 private:
  std::vector<Unit> units_;
  std::vector<routing::Route> routes_;
  absl::flat_hash_map<std::string, size_t> by_id_;
};

}  // namespace gov::routing

#endif  // GOV_COMMON_ROUTING_ROUTING_TABLE_H_
