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
      options.path = sqlite_path();
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

store::CaseRecord SampleCase(const std::string& track, absl::Time created, std::string street,
                             std::string community, std::string category, std::string status) {
  store::CaseRecord r;
  r.track = track;
  r.category = std::move(category);
  r.street_id = std::move(street);
  r.community_id = community.empty() ? r.street_id + "-C01" : std::move(community);
  r.grid_id = r.community_id + "-G1";
  r.status = std::move(status);
  r.priority = 2;
  r.create_time = created;
  r.update_time = created;
  r.due_time = created + absl::Hours(24);
  r.payload = std::string("payload\0with-nul", 16);
  return r;
}

store::HistoryRecord SampleEvent(absl::Time t, std::string action, std::string from,
                                 std::string to) {
  store::HistoryRecord h;
  h.time = t;
  h.actor = "op-1";
  h.action = std::move(action);
  h.from_status = std::move(from);
  h.to_status = std::move(to);
  h.note = "n";
  return h;
}

store::HistoryRecord CreatedEvent(const store::CaseRecord& r) {
  return SampleEvent(r.create_time, "Create", "", r.status);
}

}  // namespace gov::testing
