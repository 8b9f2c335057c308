#include "services/disorder/rows.h"

#include <algorithm>
#include <utility>

#include "common/auth/auth.h"
#include "common/util/status.h"

namespace gov::disorder {
namespace {

constexpr int kPage = 500;

// District-wide: every row is in its scope, district-wide ones too.
const auth::Principal& Service() {
  static const auto* service = new auth::Principal(auth::SystemPrincipal("disorder"));
  return *service;
}

}  // namespace

absl::StatusOr<store::EntityRecord> ReadRow(const registry::Registry& registry,
                                            const std::string& id) {
  return registry.LoadVisible(Service(), id, /*district_rows_public=*/true);
}

absl::StatusOr<std::vector<store::EntityRecord>> ReadRows(const registry::Registry& registry,
                                                          store::EntityFilter filter, int limit) {
  filter.track = registry.layout().track;
  filter.kind = registry.layout().kind;
  std::vector<store::EntityRecord> rows;
  std::string token;
  do {
    const int size = limit > 0 ? std::min(kPage, limit - static_cast<int>(rows.size())) : kPage;
    GOV_ASSIGN_OR_RETURN(registry::Page page,
                         registry.ListPage(Service(), {filter}, {"rows"}, size, token));
    for (store::EntityRecord& row : page.rows) rows.push_back(std::move(row));
    token = std::move(page.next_page_token);
  } while (!token.empty() && (limit <= 0 || static_cast<int>(rows.size()) < limit));
  return rows;
}

}  // namespace gov::disorder
