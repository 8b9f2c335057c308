#include "common/routing/routing_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace gov::routing {

absl::StatusOr<RoutingTable> RoutingTable::Build(std::vector<Unit> units,
                                                 std::vector<routing::Route> routes,
                                                 const std::vector<int>& keys,
                                                 const std::function<std::string(int)>& key_name,
                                                 const regions::RegionRegistry& regions,
                                                 const TableFields& fields) {
  RoutingTable table;
  for (size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    const std::string field = absl::StrCat(fields.units, "[", i, "]");
    if (u.id.empty()) return InvalidField(absl::StrCat(field, ".id"), "required");
    if (u.name.empty()) return InvalidField(absl::StrCat(field, ".name"), "required");
    if (!table.by_id_.emplace(u.id, i).second) {
      return InvalidField(absl::StrCat(field, ".id"), absl::StrCat("\"", u.id, "\" repeats"));
    }
  }
  for (size_t i = 0; i < routes.size(); ++i) {
    const routing::Route& r = routes[i];
    const std::string field = absl::StrCat(fields.routes, "[", i, "]");
    if (std::find(keys.begin(), keys.end(), r.key) == keys.end()) {
      return InvalidField(absl::StrCat(field, ".", fields.key), fields.key_what);
    }
    if (!r.street_id.empty() && !regions.HasStreet(r.street_id)) {
      return InvalidField(absl::StrCat(field, ".street_id"),
                          absl::StrCat("unknown street \"", r.street_id, "\""));
    }
    if (!table.by_id_.contains(r.unit_id)) {
      return InvalidField(absl::StrCat(field, ".unit_id"),
                          absl::StrCat("unknown unit \"", r.unit_id, "\""));
    }
  }
  table.units_ = std::move(units);
  table.routes_ = std::move(routes);
  for (int key : keys) {
    for (const governance::config::v1::Street* street : regions.streets()) {
      if (table.Route(key, street->id()) == nullptr) {
        return InvalidField(fields.routes,
                            absl::StrCat(key_name(key), " has no unit on street ", street->id()));
      }
    }
  }
  return table;
}

const Unit* RoutingTable::FindUnit(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &units_[it->second];
}

const Unit* RoutingTable::Route(int key, std::string_view street_id) const {
  for (const routing::Route& r : routes_) {
    if (r.key == key && (r.street_id.empty() || r.street_id == street_id)) {
      return FindUnit(r.unit_id);
    }
  }
  return nullptr;
}

}  // namespace gov::routing
