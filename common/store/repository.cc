#include "common/store/repository.h"

#include <utility>

#include "common/util/status.h"

namespace gov::store {

absl::StatusOr<std::vector<EntityRecord>> ListAllEntities(Repository& repo, EntityFilter filter) {
  filter.limit = 500;
  std::vector<EntityRecord> all;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(std::vector<EntityRecord> page, repo.ListEntities(filter));
    const bool last = static_cast<int>(page.size()) < filter.limit;
    if (!page.empty()) filter.after_id = page.back().id;
    for (EntityRecord& row : page) all.push_back(std::move(row));
    if (last) break;
  }
  return all;
}

}  // namespace gov::store
