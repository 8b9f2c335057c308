#ifndef GOV_COMMON_STORE_REPOSITORY_H_
#define GOV_COMMON_STORE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gov::store {

// A case as stored: the fields the engine understands, plus the track's own payload (a
// serialized proto message the engine does not look into).
struct CaseRecord {
  std::string track;
  std::string id;        // e.g. "D-000042"; assigned by the repository on create
  std::string category;  // the track's category key
  std::string street_id;
  std::string community_id;
  std::string grid_id;
  std::string unit_id;  // responsible unit/body; "" until routed
  std::string status;
  int32_t priority = 0;
  absl::Time create_time;
  absl::Time update_time;
  absl::Time due_time = absl::InfiniteFuture();  // SLA of the current status
  bool sla_breached = false;
  int64_t version = 0;  // 1 on create, +1 on every update
  std::string payload;  // serialized track proto
};

// One append-only history entry.
struct HistoryRecord {
  int64_t sequence = 0;  // assigned by the repository
  absl::Time time;
  std::string actor;
  std::string action;
  std::string from_status;
  std::string to_status;
  std::string note;
};

// One change of a case, as the change stream gives it: a history entry with where it stands in
// the track's stream and what the case is now (street, community, category, request id).
struct ChangeRecord {
  // Opaque, increasing in the stream's order; ListChanges resumes strictly after it.
  std::string position;
  std::string case_id;
  int64_t sequence = 0;  // the history entry's
  absl::Time time;
  std::string action;
  std::string from_status;
  std::string to_status;
  std::string street_id;
  std::string community_id;
  std::string category;
  std::string request_id;  // the case's create request ("" for none)
};

struct CreateCaseResult {
  CaseRecord record;
  bool created = false;  // false: request_id was seen before and `record` is the first result
};

// Filters for listing cases. Results are ordered newest first by (create_time, id) and
// resume strictly after `after_*` (keyset pagination, stable while cases are added).
struct CaseFilter {
  std::string track;
  std::vector<std::string> streets;  // scope: any of these; empty = all
  std::string street_id;
  std::string community_id;
  std::string grid_id;
  std::string unit_id;
  std::vector<std::string> statuses;    // any of these; empty = all
  std::vector<std::string> categories;  // any of these; empty = all
  bool sla_breached_only = false;
  std::optional<absl::Time> created_from;  // inclusive
  std::optional<absl::Time> created_to;    // exclusive
  // Keyset cursor: rows strictly older than (after_create_time, after_id).
  std::optional<absl::Time> after_create_time;
  std::string after_id;
  int limit = 50;
};

// A count row kept in the same transaction as case changes.
//  - "cases":  cases opened on `day` (local), by their *current* status;
//  - "events": transitions that happened on `day`, by action and target status.
struct CountRow {
  absl::CivilDay day;
  std::string street_id;
  std::string community_id;
  std::string unit_id;
  std::string category;
  std::string status;  // current status ("cases") or target status ("events")
  std::string action;  // "" for "cases"; the verb for "events"
  int64_t count = 0;
};

// What to sum. Group-by fields that are false are summed over (left empty in results).
struct CountQuery {
  std::string track;
  absl::CivilDay first;
  absl::CivilDay last;               // inclusive
  std::vector<std::string> streets;  // scope: any of these; empty = all
  std::string street_id;
  std::string community_id;
  bool by_street = false;
  bool by_community = false;
  bool by_unit = false;
  bool by_category = false;
  bool by_status = false;
  bool by_action = false;  // events only
};

// A registry object of a track (mediating bodies, mediators, trainings, monitored objects...):
// generic rows with a kind, a region and a payload.
struct EntityRecord {
  std::string track;
  std::string kind;  // e.g. "body", "mediator", "training"
  std::string id;    // assigned on create: "<prefix>-<n>"
  std::string street_id;
  std::string community_id;
  std::string parent_id;  // e.g. a mediator's body
  std::string key;        // free index column, e.g. a body kind, a date "2026-04-01"
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
  std::string payload;  // serialized proto
};

struct EntityFilter {
  std::string track;
  std::string kind;
  std::vector<std::string> streets;  // scope; empty = all
  std::string street_id;
  std::string community_id;
  std::string parent_id;
  std::string key;
  std::string key_prefix;
  std::string after_id;  // ordered by id ascending; rows with id > after_id
  int limit = 50;
};

// A figure from outside the system (court intake, last year's baselines...). Append-only:
// each entry gets the next revision for its (track, figure_id, period_key, street_id).
struct FigureRecord {
  std::string track;
  std::string figure_id;
  std::string period_key;  // cal::PeriodKey
  std::string street_id;   // "" = district
  int64_t value = 0;
  std::string source;
  std::string note;
  std::string entered_by;
  absl::Time enter_time;
  int32_t revision = 0;  // assigned on record
  int64_t seq = 0;       // global order, assigned on record
  std::string payload;   // serialized Figure proto (for exact replay to callers)
};

struct FigureFilter {
  std::string track;
  std::string figure_id;
  std::vector<std::string> streets;  // scope; empty = all
  std::string street_id;
  int64_t before_seq = 0;  // newest first; rows with seq < before_seq (0 = from newest)
  int limit = 50;
};

// Which cases to count once each (CountCasesWithEvents): those with at least one history event
// on the days of `scope` (district days, first..last) whose action is one of `actions` and whose
// target status one of `statuses` (either empty: any), of one of `categories` (empty: any),
// within the scope's region (the case's street and community, `streets`). With `last_into`, only
// the cases whose last such event of the days went into one of `last_into` (with `last_action`:
// was one of those actions): the outcome a case ended the period with (agreed, after a failure
// and a reopening).
struct EventCaseQuery {
  CountQuery scope;
  std::vector<std::string> actions;
  std::vector<std::string> statuses;
  std::vector<std::string> categories;
  std::vector<std::string> last_into;
  std::vector<std::string> last_action;
  // Only cases that took any of these actions at some time (not only in the window), e.g. the
  // disputes ever referred to a purchased-service provider; empty means any case.
  std::vector<std::string> ever_action;
};

// One read of personal data (common/privacy/read_audit.h): a call whose answer carried personal
// data unmasked to its caller.
struct PersonalDataRead {
  int64_t seq = 0;  // assigned on append; increasing in the order appended
  std::string track;
  absl::Time time;
  std::string principal;
  std::vector<std::string> roles;
  std::string method;                // "governance.mediation.v1.MediationService/GetDispute"
  std::vector<std::string> records;  // ids of the records whose personal data it carried
  std::string purpose;               // what the caller said it was for ("" = nothing said)
  std::string trace_id;
};

// Which reads to list, newest first.
struct PersonalDataReadFilter {
  std::string track;
  std::string principal;           // "" = any
  std::string record;              // reads that carried this record ("" = any)
  std::optional<absl::Time> from;  // inclusive
  std::optional<absl::Time> to;    // exclusive
  int64_t before_seq = 0;          // rows with seq < before_seq (0 = from the newest)
  int limit = 50;
};

// The action of the history step an erasure of personal data adds. It is no governance event:
// no event count has it, and CountCasesWithEvents passes over it.
inline constexpr char kErasePersonalDataAction[] = "ErasePersonalData";

// The storage every track's engine runs on. One implementation per backend (SQLite embedded;
// PostgreSQL shared). Every method is atomic; the counts move in the same transaction as the
// case. Errors: NOT_FOUND, ABORTED (version mismatch), ALREADY_EXISTS (request_id reused with a
// different request hash), UNAVAILABLE (the store cannot be reached), INTERNAL otherwise.
class Repository {
 public:
  virtual ~Repository() = default;

  // Creates a case with its first history entry, idempotent by (track, request_id):
  // a repeat with the same request_hash returns the stored case with created=false; a repeat
  // with another hash is ALREADY_EXISTS. `id_prefix` makes the id ("D" -> "D-000001").
  virtual absl::StatusOr<CreateCaseResult> CreateCase(const CaseRecord& record,
                                                      const HistoryRecord& first,
                                                      const std::string& request_id,
                                                      const std::string& request_hash,
                                                      const std::string& id_prefix) = 0;

  virtual absl::StatusOr<CaseRecord> GetCase(const std::string& track, const std::string& id) = 0;

  virtual absl::StatusOr<std::vector<HistoryRecord>> GetHistory(const std::string& track,
                                                                const std::string& id) = 0;

  // Replaces the case if its stored version is `expected_version` (else ABORTED), sets
  // version+1, appends `event` (when action is non-empty), and moves the counts: the "cases"
  // row from the old to the new (status, unit, ...) and +1 on the "events" row of the event.
  virtual absl::StatusOr<CaseRecord> UpdateCase(const CaseRecord& updated, int64_t expected_version,
                                                const HistoryRecord& event) = 0;

  virtual absl::StatusOr<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) = 0;

  // Open cases whose due_time is before `now` and not yet marked breached (for the breach
  // scanner), at most `limit`.
  virtual absl::StatusOr<std::vector<CaseRecord>> ListOverdue(const std::string& track,
                                                              absl::Time now, int limit) = 0;

  // The changes of `track`'s cases after `after` ("" = from the first), in the stream's order,
  // at most `limit`. Every history entry is a change, written in the same transaction as the
  // entry. The order never lets a change that commits later appear before one already read:
  // SQLite has one writer, so its order is the commit order; on PostgreSQL, where concurrent
  // transactions take their positions before they commit, a change is only handed out once
  // every transaction that might still commit before it has ended (a long transaction delays
  // the stream; it never makes it skip). INVALID_ARGUMENT for a position this store did not
  // hand out.
  virtual absl::StatusOr<std::vector<ChangeRecord>> ListChanges(const std::string& track,
                                                                const std::string& after,
                                                                int limit) = 0;
  // The position of the last change of `track` now ("" when it has none): a stream that
  // starts from it gives only the changes after this call.
  virtual absl::StatusOr<std::string> LastChange(const std::string& track) = 0;

  // Sums of the "cases" table (kind "cases") or the "events" table (kind "events").
  virtual absl::StatusOr<std::vector<CountRow>> SumCases(const CountQuery& query) = 0;
  virtual absl::StatusOr<std::vector<CountRow>> SumEvents(const CountQuery& query) = 0;
  // How many cases had a matching event: a case that reached an outcome twice (reopened and
  // agreed again) counts once.
  virtual absl::StatusOr<int64_t> CountCasesWithEvents(const EventCaseQuery& query) = 0;

  // Registry objects, idempotent by (track, request_id) as for cases.
  virtual absl::StatusOr<EntityRecord> CreateEntity(const EntityRecord& record,
                                                    const std::string& request_id,
                                                    const std::string& request_hash,
                                                    const std::string& id_prefix) = 0;
  virtual absl::StatusOr<EntityRecord> GetEntity(const std::string& track, const std::string& kind,
                                                 const std::string& id) = 0;
  // Replaces an entity if its version matches (ABORTED otherwise).
  virtual absl::StatusOr<EntityRecord> UpdateEntity(const EntityRecord& updated,
                                                    int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<EntityRecord>> ListEntities(const EntityFilter& filter) = 0;
  virtual absl::StatusOr<int64_t> CountEntities(const EntityFilter& filter) = 0;

  // Figures, idempotent by (track, request_id).
  virtual absl::StatusOr<FigureRecord> RecordFigure(const FigureRecord& record,
                                                    const std::string& request_id,
                                                    const std::string& request_hash) = 0;
  // Latest revision for (track, figure_id, period_key, street_id); NOT_FOUND when none.
  virtual absl::StatusOr<FigureRecord> LatestFigure(const std::string& track,
                                                    const std::string& figure_id,
                                                    const std::string& period_key,
                                                    const std::string& street_id) = 0;
  virtual absl::StatusOr<std::vector<FigureRecord>> ListFigures(const FigureFilter& filter) = 0;

  // Erases a case's personal data (the kit's ErasePersonalData; `event` is a step
  // kErasePersonalDataAction), in one transaction: replaces
  // its payload with `payload` if its version is `expected_version` (ABORTED otherwise; NOT_FOUND
  // for no such case), sets version+1, empties the note of every history entry it has but
  // earlier erasures' (their reasons name no one), then
  // appends `event` (whose note is kept). Nothing else of the case changes and no count moves:
  // its status, region, unit, category and times stay, and an erasure is no governance event.
  virtual absl::StatusOr<CaseRecord> EraseCasePersonalData(const std::string& track,
                                                           const std::string& id,
                                                           const std::string& payload,
                                                           int64_t expected_version,
                                                           const HistoryRecord& event) = 0;

  // The record of reads of personal data: appends `reads` in one transaction, in order (each
  // gets the next seq).
  virtual absl::Status AppendPersonalDataReads(const std::vector<PersonalDataRead>& reads) = 0;
  virtual absl::StatusOr<std::vector<PersonalDataRead>> ListPersonalDataReads(
      const PersonalDataReadFilter& filter) = 0;

  // True once the store is open and migrated (health turns SERVING).
  virtual bool Ready() const = 0;
};

// Every entity matching `filter` (its limit is ignored), read in pages of 500 by id from
// filter.after_id: for measures and lists that need a whole registry kind.
absl::StatusOr<std::vector<EntityRecord>> ListAllEntities(Repository& repo, EntityFilter filter);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_REPOSITORY_H_
