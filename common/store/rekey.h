#ifndef GOV_COMMON_STORE_REKEY_H_
#define GOV_COMMON_STORE_REKEY_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/data_keys.h"

// The key rotation of personal data at rest (common/store/data_keys.h) over a whole store, every
// track's rows (tools/govbackup's `keys` and `rekey`; README "Personal data"):
//
//  - a census: how many sealed values each data key holds, and how many values are not sealed;
//  - a re-seal: every value not sealed with the ring's active key (sealed with an older key, or
//    written before the store had a ring) is opened and sealed again with it.
//
// A re-seal changes no value, version or history: the services, their caches and the change
// stream see nothing. On PostgreSQL it runs beside the services: each value is replaced only if
// it is still what was read (a value a service rewrote meanwhile is left, and counted); rows go
// in batches of 500, one transaction each. A SQLite store is owned by its service, so its re-seal
// takes the store's OwnerLock: FAILED_PRECONDITION while a service runs on it.
namespace gov::store {

struct KeyCensus {
  // Sealed values by data key id.
  std::map<std::string, int64_t> sealed;
  // Values that are not sealed (empty notes are left out: they hold nothing).
  int64_t unsealed = 0;
};

struct RekeyResult {
  KeyCensus before;
  int64_t resealed = 0;
  // Values a service changed between the read and the replacement (PostgreSQL); run again.
  int64_t changed_meanwhile = 0;
};

absl::StatusOr<KeyCensus> CensusSqlite(const std::string& db_path);
absl::StatusOr<KeyCensus> CensusPostgres(const std::string& url);

absl::StatusOr<RekeyResult> RekeySqlite(const std::string& db_path, const DataKeys& keys);
absl::StatusOr<RekeyResult> RekeyPostgres(const std::string& url, const DataKeys& keys);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_REKEY_H_
