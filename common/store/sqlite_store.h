#ifndef GOV_COMMON_STORE_SQLITE_STORE_H_
#define GOV_COMMON_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/repository.h"

namespace prometheus {
class Registry;
}

namespace gov::store {

struct SqliteOptions {
  std::string path;  // database file; parent directory is created
  int read_connections = 4;
  absl::Duration busy_timeout = absl::Seconds(5);
  // Largest number of queued writes committed together in one transaction.
  int max_group = 256;
};

// The embedded store: SQLite in WAL mode with synchronous=FULL (an acknowledged write survives
// power loss), schema migrations recorded in a schema_version table, prepared statements,
// a single writer thread that groups concurrent writes into one transaction (each write in its
// own savepoint, so one failing write does not undo the others), a pool of read connections,
// and busy handling. Records governance_store_query_seconds{op} on `registry` (may be null).
absl::StatusOr<std::unique_ptr<Repository>> OpenSqlite(const SqliteOptions& options,
                                                       prometheus::Registry* registry);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_SQLITE_STORE_H_
