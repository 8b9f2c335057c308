#ifndef GOV_SERVICES_DISORDER_ROWS_H_
#define GOV_SERVICES_DISORDER_ROWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/registry/registry.h"

// The service reading its own registry rows, outside any caller's scope (the parts check their
// callers themselves): the fume feed's state, a campaign's target objects, a restaurant's device.
// Through registry::Registry as a district-wide reader, so that no part reaches the store.
namespace gov::disorder {

// The row `id` of the registry (NOT_FOUND as the store words it).
absl::StatusOr<store::EntityRecord> ReadRow(const registry::Registry& registry,
                                            const std::string& id);

// The rows of `filter` (its track and kind are the registry's), by id, at most `limit` (0: all,
// read a page of 500 at a time).
absl::StatusOr<std::vector<store::EntityRecord>> ReadRows(const registry::Registry& registry,
                                                          store::EntityFilter filter,
                                                          int limit = 0);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_ROWS_H_
