// govbackup: online backup and restore of a track's store, SQLite file or PostgreSQL database
// (common/store/backup.h does the work; README "Backup and restore" is the procedure), and the
// rotation of the keys personal data is sealed with in it (common/store/rekey.h; README
// "Personal data").

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/store/backup.h"
#include "common/store/data_keys.h"
#include "common/store/rekey.h"
#include "common/util/redact.h"

namespace gov::govbackup {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;

constexpr char kUsage[] = R"(govbackup - online backup and restore of a track's store

Usage:
  govbackup backup  --sqlite=DB --out=FILE [--force]
      copy a SQLite store, also while its service runs and writes, into one self-contained
      file, checked with PRAGMA integrity_check before it is renamed to FILE
  govbackup backup  --postgres[=URL] --out=FILE [--force] [--pg_bin=DIR]
      pg_dump (custom format) of the suite's PostgreSQL database, one snapshot while the
      services write; URL defaults to $GOV_DATABASE_URL
  govbackup restore --sqlite=BACKUP --to=DB [--force]
      restore a SQLite backup as the store DB; refused while a process owns DB (a service
      runs on it), and when DB exists unless --force (which keeps the old one beside it as
      DB.replaced-<time>)
  govbackup restore --postgres=ARCHIVE --to=URL [--create] [--pg_bin=DIR]
      pg_restore into a new, empty database (--create makes it), then what the services need
      of it (statistics; the cluster's transaction ids past the restored change positions);
      refused when the database is not empty or has sessions
  govbackup check   --sqlite=BACKUP | --postgres=ARCHIVE [--pg_bin=DIR]
      check a backup without restoring it
  govbackup keys    --sqlite=DB | --postgres[=URL]
      how many values of personal data each data key seals, and how many are not sealed
  govbackup rekey   --sqlite=DB | --postgres[=URL] [--data_keys_file=FILE]
      seal again with the key ring's first key every value it does not seal yet (an older
      key's, or one stored before the ring); the ring is FILE, else $GOV_DATA_KEYS_FILE, else
      $GOV_DATA_KEYS. PostgreSQL: while the services run. SQLite: refused while a service
      owns DB (stop it, rekey, start it)
  govbackup help

The PostgreSQL URL is a libpq URI or key=value settings. Give the password in PGPASSWORD or
~/.pgpass rather than in the URL, which shows on the command line; pg_dump and pg_restore get
the settings through their environment. --pg_bin names the directory of pg_dump and pg_restore
(default: Debian's /usr/lib/postgresql/<highest major>/bin).

Exit codes: 0 done, 1 failed (nothing replaced), 2 usage error, 3 refused (the target is in use,
exists or is not empty; or the source is not a store of the suite).
)";

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;  // "--name=value" and "--name" (value "")
  std::vector<std::string> positional;
};

Args Parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::StartsWith(arg, "--")) {
      arg.remove_prefix(2);
      const size_t eq = arg.find('=');
      if (eq == absl::string_view::npos) {
        args.flags[std::string(arg)] = "";
      } else {
        args.flags[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
      }
    } else if (args.command.empty()) {
      args.command = std::string(arg);
    } else {
      args.positional.emplace_back(arg);
    }
  }
  return args;
}

int Usage(const std::string& problem) {
  std::cerr << "govbackup: " << problem << "\n\n" << kUsage;
  return kExitUsage;
}

int Failed(const absl::Status& status) {
  std::cerr << "govbackup: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  switch (status.code()) {
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return kExitRefused;
    case absl::StatusCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(d));
}

std::string Describe(const store::StoreSummary& s) {
  return absl::StrCat("schema version ", s.schema_version, ", ", s.cases, " cases, ", s.history,
                      " history entries");
}

class Command {
 public:
  explicit Command(Args args) : args_(std::move(args)) {}

  int Run() {
    if (args_.command == "help" || Has("help")) {
      std::cout << kUsage;
      return kExitOk;
    }
    if (args_.command.empty()) return Usage("no command");
    if (!args_.positional.empty()) return Usage("unexpected argument " + args_.positional[0]);
    const bool sqlite = Has("sqlite");
    const bool postgres = Has("postgres");
    if (sqlite == postgres) return Usage("give exactly one of --sqlite and --postgres");
    const std::vector<std::string> allowed = Allowed(sqlite);
    for (const auto& [name, value] : args_.flags) {
      bool known = false;
      for (const std::string& a : allowed) known = known || a == name;
      if (!known) return Usage(absl::StrCat("unknown flag --", name, " for ", args_.command));
    }
    if (args_.command == "backup") return sqlite ? BackupSqlite() : BackupPostgres();
    if (args_.command == "restore") return sqlite ? RestoreSqlite() : RestorePostgres();
    if (args_.command == "check") return sqlite ? CheckSqlite() : CheckPostgres();
    if (args_.command == "keys") return Keys(sqlite);
    if (args_.command == "rekey") return Rekey(sqlite);
    return Usage("unknown command " + args_.command);
  }

 private:
  bool Has(const std::string& name) const { return args_.flags.count(name) > 0; }
  std::string Get(const std::string& name) const {
    auto it = args_.flags.find(name);
    return it == args_.flags.end() ? "" : it->second;
  }

  std::vector<std::string> Allowed(bool sqlite) const {
    const std::string store = sqlite ? "sqlite" : "postgres";
    if (args_.command == "backup") {
      if (sqlite) return {store, "out", "force"};
      return {store, "out", "force", "pg_bin"};
    }
    if (args_.command == "restore") {
      if (sqlite) return {store, "to", "force"};
      return {store, "to", "create", "pg_bin"};
    }
    if (args_.command == "keys") return {store};
    if (args_.command == "rekey") return {store, "data_keys_file"};
    if (sqlite) return {store};
    return {store, "pg_bin"};
  }

  // The PostgreSQL URL of --postgres, else $GOV_DATABASE_URL.
  std::string PostgresUrl() const {
    std::string url = Get("postgres");
    if (url.empty()) {
      const char* env = std::getenv("GOV_DATABASE_URL");
      url = env != nullptr ? env : "";
    }
    return url;
  }

  static std::string DescribeCensus(const store::KeyCensus& census) {
    std::string out;
    for (const auto& [id, n] : census.sealed) {
      absl::StrAppend(&out, "  sealed with ", id, ": ", n, "\n");
    }
    absl::StrAppend(&out, "  not sealed: ", census.unsealed, "\n");
    return out;
  }

  int Keys(bool sqlite) {
    const std::string where = sqlite ? Get("sqlite") : PostgresUrl();
    if (where.empty()) return Usage("keys needs --sqlite=DB or --postgres=URL");
    absl::StatusOr<store::KeyCensus> census =
        sqlite ? store::CensusSqlite(where) : store::CensusPostgres(where);
    if (!census.ok()) return Failed(census.status());
    std::cout << (sqlite ? where : RedactDatabaseUrl(where)) << ": personal data values\n"
              << DescribeCensus(*census);
    return kExitOk;
  }

  int Rekey(bool sqlite) {
    const std::string where = sqlite ? Get("sqlite") : PostgresUrl();
    if (where.empty()) return Usage("rekey needs --sqlite=DB or --postgres=URL");
    std::string file = Get("data_keys_file");
    if (file.empty()) {
      const char* env = std::getenv("GOV_DATA_KEYS_FILE");
      file = env != nullptr ? env : "";
    }
    absl::StatusOr<std::shared_ptr<const store::DataKeys>> keys =
        store::DataKeys::FromSettings(file);
    if (!keys.ok()) return Failed(keys.status());
    if (*keys == nullptr) {
      return Usage(
          "rekey needs a key ring: --data_keys_file=FILE, GOV_DATA_KEYS_FILE or "
          "GOV_DATA_KEYS");
    }
    absl::StatusOr<store::RekeyResult> r =
        sqlite ? store::RekeySqlite(where, **keys) : store::RekeyPostgres(where, **keys);
    if (!r.ok()) return Failed(r.status());
    std::cout << (sqlite ? where : RedactDatabaseUrl(where)) << ": before\n"
              << DescribeCensus(r->before) << "sealed again with " << (*keys)->active_id() << ": "
              << r->resealed << "\n";
    if (r->changed_meanwhile > 0) {
      std::cout << "changed by a service meanwhile (left; run again): " << r->changed_meanwhile
                << "\n";
    }
    return kExitOk;
  }

  int BackupSqlite() {
    const std::string db = Get("sqlite");
    const std::string out = Get("out");
    if (db.empty() || out.empty()) return Usage("backup needs --sqlite=DB and --out=FILE");
    store::SqliteBackupOptions options;
    options.overwrite = Has("force");
    absl::StatusOr<store::SqliteBackupResult> r = store::BackupSqlite(db, out, options);
    if (!r.ok()) return Failed(r.status());
    std::cout << "backup of sqlite " << db << " written to " << out << ": " << r->pages
              << " pages, " << r->bytes << " bytes, " << Describe(r->summary)
              << "; integrity_check ok; " << Seconds(r->elapsed) << "\n";
    return kExitOk;
  }

  int BackupPostgres() {
    std::string url = Get("postgres");
    if (url.empty()) {
      const char* env = std::getenv("GOV_DATABASE_URL");
      url = env != nullptr ? env : "";
    }
    const std::string out = Get("out");
    if (url.empty() || out.empty()) {
      return Usage("backup needs --postgres=URL (or $GOV_DATABASE_URL) and --out=FILE");
    }
    store::PostgresBackupOptions options;
    options.overwrite = Has("force");
    options.tools_dir = Get("pg_bin");
    absl::StatusOr<store::PostgresBackupResult> r = store::BackupPostgres(url, out, options);
    if (!r.ok()) return Failed(r.status());
    std::cout << "backup of " << RedactDatabaseUrl(url) << " written to " << out << ": " << r->bytes
              << " bytes, " << r->tables << " tables, schema version " << r->schema_version
              << "; archive readable; " << Seconds(r->elapsed) << "\n";
    return kExitOk;
  }

  int RestoreSqlite() {
    const std::string backup = Get("sqlite");
    const std::string to = Get("to");
    if (backup.empty() || to.empty()) return Usage("restore needs --sqlite=BACKUP and --to=DB");
    store::SqliteRestoreOptions options;
    options.overwrite = Has("force");
    absl::StatusOr<store::SqliteRestoreResult> r = store::RestoreSqlite(backup, to, options);
    if (!r.ok()) return Failed(r.status());
    std::cout << "restored " << backup << " as " << to << ": " << Describe(r->summary)
              << "; integrity_check ok; " << Seconds(r->elapsed) << "\n";
    if (!r->replaced.empty()) {
      std::cout << "the database replaced is kept as " << r->replaced << "\n";
    }
    return kExitOk;
  }

  int RestorePostgres() {
    const std::string archive = Get("postgres");
    const std::string to = Get("to");
    if (archive.empty() || to.empty()) {
      return Usage("restore needs --postgres=ARCHIVE and --to=URL (a new, empty database)");
    }
    store::PostgresRestoreOptions options;
    options.create_database = Has("create");
    options.tools_dir = Get("pg_bin");
    absl::StatusOr<store::PostgresRestoreResult> r = store::RestorePostgres(archive, to, options);
    if (!r.ok()) return Failed(r.status());
    std::cout << "restored " << archive << " into " << RedactDatabaseUrl(to) << ": "
              << Describe(r->summary) << "; " << r->transactions_advanced
              << " transaction ids advanced; " << Seconds(r->elapsed) << "\n";
    return kExitOk;
  }

  int CheckSqlite() {
    absl::StatusOr<store::StoreSummary> r = store::CheckSqlite(Get("sqlite"));
    if (!r.ok()) return Failed(r.status());
    std::cout << Get("sqlite") << ": integrity_check ok; " << Describe(*r) << "\n";
    return kExitOk;
  }

  int CheckPostgres() {
    absl::StatusOr<int64_t> tables = store::CheckPostgresArchive(Get("postgres"), Get("pg_bin"));
    if (!tables.ok()) return Failed(tables.status());
    std::cout << Get("postgres") << ": archive readable; " << *tables << " tables\n";
    return kExitOk;
  }

  Args args_;
};

}  // namespace
}  // namespace gov::govbackup

int main(int argc, char** argv) {
  return gov::govbackup::Command(gov::govbackup::Parse(argc, argv)).Run();
}
