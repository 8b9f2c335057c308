#ifndef GOV_COMMON_STORE_PG_STORE_H_
#define GOV_COMMON_STORE_PG_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/repository.h"

namespace prometheus {
class Registry;
}

namespace gov::store {

struct PostgresOptions {
  // libpq connection string: a URI ("postgresql://user:pass@host:5432/db?sslmode=...") or
  // key=value pairs. Never logged as given: messages show it with the password removed.
  std::string url;
  int pool_size = 8;  // connections kept open; callers beyond that wait (acquire_timeout)
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration acquire_timeout = absl::Seconds(5);     // then UNAVAILABLE
  absl::Duration statement_timeout = absl::Seconds(10);  // server side, per statement
  // application_name of every connection (pg_stat_activity); "" keeps the URL's, else
  // "governance".
  std::string application_name;
  // Attempts of one operation when the failure is transient (serialization failure, deadlock,
  // a lost connection before COMMIT was sent, a concurrent insert of the same unique key).
  int max_attempts = 5;
};

// The shared store for several replicas of a track: PostgreSQL through libpq, with its own
// schema migrations (run under an advisory lock, so replicas starting together migrate once;
// see pg_schema.h for rolling upgrades), prepared statements per pooled connection, READ
// COMMITTED transactions with row locks on the case being changed, uniqueness (request ids,
// case ids, figure revisions) enforced by constraints, and transient errors retried. Same
// contract as every Repository, plus: DEADLINE_EXCEEDED when a statement outlives
// statement_timeout, INVALID_ARGUMENT for text the server refuses (invalid UTF-8, a NUL
// byte), UNAVAILABLE when the server cannot be reached or no pooled connection frees up in
// time, and UNAVAILABLE "outcome unknown" when the connection is lost while committing a write
// that cannot safely be retried (creates with a request id are retried: the retry finds the
// stored record). Opening fails with UNAVAILABLE (server unreachable), INVALID_ARGUMENT (bad
// options or connection string) or FAILED_PRECONDITION (schema too new for this binary); no
// message shows the password.
//
// Records on `registry` (may be null): governance_store_query_seconds{op} (as every store),
// governance_store_pool_connections{state="idle"|"busy"} and
// governance_store_retries_total{reason="serialization"|"deadlock"|"unique"|"connection"}.
absl::StatusOr<std::unique_ptr<Repository>> OpenPostgres(const PostgresOptions& options,
                                                         prometheus::Registry* registry);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_PG_STORE_H_
