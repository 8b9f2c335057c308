#ifndef GOV_COMMON_CASES_ENGINE_H_
#define GOV_COMMON_CASES_ENGINE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/store/repository.h"
#include "common/util/validate.h"
#include "prometheus/labels.h"

namespace prometheus {
class Registry;
}

namespace gov::cache {
class Cache;
}

namespace gov::cases {

// The history action of the breach scan (ScanBreaches): from and to the state whose clock ran
// out. Tracks count these events to tell steps done in time from steps breached.
inline constexpr char kBreachAction[] = "SlaBreach";

// How a state counts in indicators and lists.
enum class StateClass {
  kOpen,      // work to do; SLA clocks run
  kResolved,  // finished with a result (e.g. AGREED)
  kClosed,    // finished
};

struct StateSpec {
  std::string name;  // e.g. "RECEIVED"
  StateClass cls = StateClass::kOpen;
  cal::Sla sla;  // SLA of this state (kNone = no clock)
};

// A verb that moves a case. `from` empty means any state. A self-transition (to == the
// current state, or `to` empty meaning "stay") records history without changing state.
//
// SLA clocks: a transition with a non-empty `to` enters that state (even when it is the current
// one); with restart_sla the due time is recomputed from now by the target state's SLA
// (infinite when it has none) and the breach flag is cleared, since it describes the clock of
// the current state (past breaches stay in the history and the "SlaBreach" event counts).
// A "stay" transition (`to` empty) never touches the clock.
struct TransitionSpec {
  std::string verb;  // e.g. "Triage"; recorded as the history action
  std::vector<std::string> from;
  std::string to;                  // "" = stay in the current state
  std::vector<std::string> roles;  // roles that may take it; district_admin always may
  bool restart_sla = true;         // recompute due_time from now on entering `to`
};

// What makes a track a track, as data: its states, transitions and who may create cases.
struct TrackSpec {
  std::string track;      // "mediation"
  std::string id_prefix;  // "D"
  std::string initial_state;
  // Further states a case may be created in (NewCase::state), for cases settled at intake
  // (a complaint closed at once as a repeat of an open one).
  std::vector<std::string> other_create_states;
  std::vector<StateSpec> states;
  std::vector<TransitionSpec> transitions;
  std::vector<std::string> create_roles;  // district_admin always may
  // Cache TTL for cases by id (versioned, write-through; the TTL is only a safety net).
  absl::Duration case_ttl = absl::Minutes(10);
  // What the cases are, for the metrics' `kind` label ("dispute", "incident", "linkage_task").
  std::string case_kind = "case";
  // The track that owns these cases, when they are a second kind kept under a store track of
  // their own (policing's linkage tasks under "policing_linkage"); "" means `track`. Writes make
  // its cached aggregates (indicators, rankings) stale, and the metrics' `track` label is it, so
  // that every series of a service carries the service's track (Prometheus sets `track` from
  // the pod) and the kinds are told apart by `kind`.
  std::string aggregate_track;
  // aggregate_track, or track when it is empty.
  const std::string& owner_track() const {
    return aggregate_track.empty() ? track : aggregate_track;
  }
};

// A case as the engine hands it to a track.
struct Case {
  store::CaseRecord record;
  // Filled by Get with history (oldest first) and by Create; Transition and List leave it
  // empty.
  std::vector<store::HistoryRecord> history;
  // Set by Create: true when this call stored the case, false for a retry of its request_id.
  bool created = false;
  std::string etag() const;  // opaque text of the version
};

// Input for a new case. The engine fills id, status, times, due_time and version.
struct NewCase {
  std::string category;
  std::string street_id;
  std::string community_id;
  std::string grid_id;
  std::string unit_id;
  int32_t priority = 0;
  std::string payload;  // serialized track proto
  // Optional SLA override for the initial state (e.g. a category with a shorter clock).
  std::optional<cal::Sla> sla;
  std::string note;
  // When what the case records happened, for cases taken in after the fact (a police incident
  // reported by the platform): the case's create_time, so that the "cases" counts, the
  // indicators and the lists (newest first) go by the occurrence. Unset means now. It may lie
  // in the past, but not after now + kMaxOccurrenceSkew (INVALID_ARGUMENT "occurred_at").
  // Everything else stays the real intake: update_time, the history's Create entry (and so the
  // "events" counts) and the start of the initial state's SLA clock are now.
  std::optional<absl::Time> occurred_at;
  // The state to create it in: "" = the spec's initial state, else one of the spec's
  // other_create_states (INTERNAL otherwise: a track bug).
  std::string state;
};

// How far past the engine's clock a NewCase::occurred_at may lie (clocks of other systems).
inline constexpr absl::Duration kMaxOccurrenceSkew = kMaxClockSkew;

struct ListRequest {
  store::CaseFilter filter;  // track and scope are filled by the engine
  int32_t page_size = 0;     // 0 = 50; max 500; negative = INVALID_ARGUMENT
  std::string page_token;
};

// A list's period filter: cases opened in `period` (for cases counted by when they happened,
// NewCase::occurred_at, when they happened), its days resolved at `now` in district time. An
// unset period (no year, no part) filters nothing; an invalid one is INVALID_ARGUMENT naming
// `field`.
absl::Status FilterByPeriod(const governance::v1::Period& period, absl::Time now,
                            store::CaseFilter& filter, std::string_view field = "period");

struct ListResult {
  std::vector<Case> cases;
  std::string next_page_token;
};

// The action of the history step an erasure of personal data adds.
inline constexpr const char* kErasePersonalData = store::kErasePersonalDataAction;

// Change applied by a transition, after the engine checked state, role and etag. It may edit
// the record (payload, unit_id, priority, region...) but not id/track/status/version/
// create_time (INTERNAL); a new street must be in the caller's scope (PERMISSION_DENIED).
// Returning an error aborts the transition with nothing written.
using Mutation = std::function<absl::Status(store::CaseRecord& record)>;

// The case lifecycle every track runs on: enforces the track's state machine (roles, SLA clocks,
// history), idempotent creates, etags, scope checks, pagination, cache-aside for cases, and
// breach detection. Thread-safe.
class CaseEngine {
 public:
  CaseEngine(const TrackSpec& spec, store::Repository* repo, cache::Cache* cache,
             const cal::WorkCalendar* calendar, const Clock* clock, prometheus::Registry* registry);

  const TrackSpec& spec() const { return spec_; }

  // Creates a case (PERMISSION_DENIED when the principal may not create or the street is out
  // of scope; INVALID_ARGUMENT "request_id" unless 1..128 characters, "occurred_at" when it is
  // too far in the future; see NewCase::occurred_at). request_hash identifies
  // the payload for idempotency (use RequestHash()): a retry returns the stored case as it is
  // now (with its history); the same request_id with another hash is ALREADY_EXISTS.
  absl::StatusOr<Case> Create(const auth::Principal& who, const NewCase& input,
                              const std::string& request_id, const std::string& request_hash);

  // Reads a case (NOT_FOUND, or PERMISSION_DENIED when out of scope), from the cache when
  // possible. With `with_history` the history is read from the store (oldest first); a cached
  // record older than that history is replaced by the stored one.
  absl::StatusOr<Case> Get(const auth::Principal& who, const std::string& id,
                           bool with_history = true);

  // Takes `verb` on a case: checks scope, role, etag (ABORTED on mismatch; an empty etag is
  // INVALID_ARGUMENT "etag"), and that the verb is allowed from the current state
  // (FAILED_PRECONDITION naming both). Then applies `mutation`, sets the new state and SLA, and
  // stores it with the history event. The etag is compared with the store, never the cache.
  // An unknown verb is INTERNAL (a track bug). The returned case has no history.
  absl::StatusOr<Case> Transition(const auth::Principal& who, const std::string& verb,
                                  const std::string& id, const std::string& etag,
                                  const std::string& note, const Mutation& mutation = nullptr);
  // Transition, answered with the case as this write left it and its history up to this write
  // (each write adds one entry, so the entries up to the new version are exactly this write's
  // view, even when another write landed since). When the history cannot be read after the
  // write, the case without it and a warning in the log: the write stands, and failing the call
  // would make the caller retry with a stale etag.
  absl::StatusOr<Case> TransitionWithHistory(const auth::Principal& who, const std::string& verb,
                                             const std::string& id, const std::string& etag,
                                             const std::string& note,
                                             const Mutation& mutation = nullptr);

  // What ErasePersonalData did: the case as it is after (without history), and how many
  // personal fields and history notes held something and were cleared.
  struct Erasure {
    Case erased;
    int fields_cleared = 0;
    int notes_cleared = 0;
  };
  // Clears the personal fields of a record's payload; returns how many held something.
  using PersonalDataEraser = std::function<absl::StatusOr<int>(store::CaseRecord& record)>;
  // Erases the personal data of a case (governance.v1.PersonalDataService): `erase` clears the
  // personal fields of its payload, every history note is emptied and a step
  // kErasePersonalData (from and to status empty: no status moves, so no count of cases that
  // went into a status sees it; its note `reason`) is appended, in one write
  // (store::Repository::EraseCasePersonalData). Status, region, unit, category, times and every
  // count stay. A case with nothing left to erase is answered as it is, without a write.
  // NOT_FOUND, PERMISSION_DENIED out of scope; a write racing another is tried again.
  absl::StatusOr<Erasure> ErasePersonalData(const auth::Principal& who, const std::string& id,
                                            const std::string& reason,
                                            const PersonalDataEraser& erase);

  // Lists cases in the principal's scope, newest first, with opaque page tokens bound to the
  // filter (a token used with another filter, or tampered with, is INVALID_ARGUMENT).
  absl::StatusOr<ListResult> List(const auth::Principal& who, ListRequest request);

  // The kept counts of this kind's cases (by day, street, community, category, status, unit;
  // store::CountQuery), for a track's statistics: the query's track is the kind's. Costs
  // O(groups), not O(cases).
  absl::StatusOr<std::vector<store::CountRow>> Counts(store::CountQuery query) const;

  // Marks open cases whose SLA ran out as breached (history "SlaBreach", breach counter).
  // Returns how many were marked. Called periodically by the server and by tests.
  absl::StatusOr<int> ScanBreaches();

  // Stable hash of a request's content (for idempotent creates): hex SHA-256, the same in
  // every process and on every replica.
  static std::string RequestHash(std::string_view bytes);

  // Sets the governance_cases{track,status,street} gauge from the stored counts (every case
  // by its current status; a series whose count dropped to zero is set to 0), and makes the
  // opened and breach counters of those streets exist (at 0 until something happens). Called
  // periodically by the server and by tests.
  absl::Status RefreshCaseGauges();

  // Checks a spec for mistakes a track could make when declaring it (unknown states in
  // transitions, duplicate verbs or states, no initial state...). The engine refuses every
  // call with INTERNAL while its spec is invalid; tracks call this in their tests.
  static absl::Status ValidateSpec(const TrackSpec& spec);

  // Cache key of a case ("<track>:case:<id>").
  std::string CaseKey(std::string_view id) const;
  // Version a cached case entry is stored under: 2v for the record alone (what writers put),
  // 2v+1 for the record with its history (what a read that wanted the history puts). Redis
  // keeps the highest, so a richer entry replaces a bare one of the same case version and no
  // entry of an older case version ever replaces a newer one.
  static int64_t CacheVersion(int64_t version, bool with_history);

  const StateSpec* FindState(std::string_view name) const;
  const TransitionSpec* FindTransition(std::string_view verb) const;

 private:
  // Loads a case (with its history when asked) from the cache, or from the store, refilling
  // the cache with what was read.
  absl::StatusOr<Case> LoadCase(const std::string& id, bool with_history);
  // Write-through after a committed change: the new version into the cache, and a new
  // generation for the track's aggregates.
  void AfterWrite(const store::CaseRecord& record);
  // Updates `current` to `updated` in the store with its history event, with the cache's entry
  // marked pending around the commit (Cache::MarkPending): a process that dies between the
  // commit and AfterWrite leaves no stale entry for any replica to serve.
  absl::StatusOr<store::CaseRecord> StoreUpdate(const store::CaseRecord& current,
                                                const store::CaseRecord& updated,
                                                const store::HistoryRecord& event);
  // The cache's side of every write of a case at `current`: the entry marked pending, `write`
  // (the store's), then the new version written through, or the marker dropped on failure.
  absl::StatusOr<store::CaseRecord> WriteThrough(
      const store::CaseRecord& current,
      const std::function<absl::StatusOr<store::CaseRecord>()>& write);
  // Labels of the case metrics: track (the owner), kind, street (StreetLabel of `street`,
  // which may be a label already: "district" stays as it is).
  prometheus::Labels StreetLabels(std::string_view street) const;

  TrackSpec spec_;
  absl::Status spec_status_;
  store::Repository* repo_;
  cache::Cache* cache_;
  const cal::WorkCalendar* calendar_;
  const Clock* clock_;
  struct Metrics;
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_ENGINE_H_
