#include "tests/support/store_fixture.h"

#include <utility>

#include "common/store/pg_store.h"
#include "common/store/sqlite_store.h"
#include "common/util/status.h"
#include "tests/support/postgres_server.h"

namespace gov::testing {

std::string BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "Sqlite";
    case Backend::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return BackendName(info.param);
}

TestStore::TestStore(Backend backend) : backend_(backend) {}

absl::StatusOr<std::unique_ptr<store::Repository>> TestStore::Open(prometheus::Registry* registry) {
  switch (backend_) {
    case Backend::kSqlite: {
      store::SqliteOptions options;
      options.path = dir_.File("store.db");
      return store::OpenSqlite(options, registry);
    }
    case Backend::kPostgres: {
      if (!postgres_url_.has_value()) {
        GOV_ASSIGN_OR_RETURN(PostgresServer * server, SharedPostgres());
        GOV_ASSIGN_OR_RETURN(postgres_url_, server->CreateUniqueDatabase("store"));
      }
      store::PostgresOptions options;
      options.url = *postgres_url_;
      return store::OpenPostgres(options, registry);
    }
  }
  return absl::InternalError("unknown store backend");
}

}  // namespace gov::testing
