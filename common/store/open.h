#ifndef GOV_COMMON_STORE_OPEN_H_
#define GOV_COMMON_STORE_OPEN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/data_keys.h"
#include "common/store/repository.h"

namespace prometheus {
class Registry;
}

namespace gov::store {

// Which store a process runs on: PostgreSQL when `database_url` is set (the replicas of a track
// share it), else the embedded SQLite file at `sqlite_path` (one replica).
struct StoreSettings {
  std::string database_url;
  std::string sqlite_path;
  int pool_size = 8;  // PostgreSQL connections
  // The ring personal data is sealed with (common/store/sealed_repository.h); nullptr: stored
  // as it is.
  std::shared_ptr<const DataKeys> data_keys = {};
};

// The store, behind the sealing of personal data (with or without keys: a sealed value read
// without them is refused, never handed on as if it were the value).
absl::StatusOr<std::unique_ptr<Repository>> OpenStore(const StoreSettings& settings,
                                                      prometheus::Registry* registry);

// "postgresql://gov:***@db:5432/governance" or "sqlite ./var/mediation.db": for logs and errors.
std::string DescribeStore(const StoreSettings& settings);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_OPEN_H_
