#include "common/store/open.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/store/pg_store.h"
#include "common/store/sealed_repository.h"
#include "common/store/sqlite_store.h"
#include "common/util/redact.h"

namespace gov::store {

absl::StatusOr<std::unique_ptr<Repository>> OpenStore(const StoreSettings& settings,
                                                      prometheus::Registry* registry) {
  absl::StatusOr<std::unique_ptr<Repository>> repo;
  if (!settings.database_url.empty()) {
    PostgresOptions options;
    options.url = settings.database_url;
    options.pool_size = settings.pool_size;
    repo = OpenPostgres(options, registry);
  } else {
    SqliteOptions options;
    options.path = settings.sqlite_path;
    repo = OpenSqlite(options, registry);
  }
  if (!repo.ok()) return repo.status();
  return SealPersonalData(std::move(repo).value(), settings.data_keys);
}

std::string DescribeStore(const StoreSettings& settings) {
  if (!settings.database_url.empty()) return RedactDatabaseUrl(settings.database_url);
  return absl::StrCat("sqlite ", settings.sqlite_path);
}

}  // namespace gov::store
