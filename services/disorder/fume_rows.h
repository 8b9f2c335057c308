#ifndef GOV_SERVICES_DISORDER_FUME_ROWS_H_
#define GOV_SERVICES_DISORDER_FUME_ROWS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/registry/registry.h"
#include "common/server/track_main.h"
#include "governance/disorder/v1/disorder.pb.h"

// The fume feed's rows in the store's generic entity rows (track "disorder"):
//
// clang-format off
// | kind           | id      | street_id / community_id | parent_id        | key                  |
// |----------------|---------|--------------------------|------------------|----------------------|
// | "fume_state"   | FS-...  | the restaurant's         | the restaurant   | "PENDING" while its  |
// |                |         |                          |                  | episode has no       |
// |                |         |                          |                  | complaint, else ""   |
// | "fume_episode" | F-...   | the restaurant's         | the restaurant   | "PENDING" until its  |
// |                |         |                          |                  | complaint is stored, |
// |                |         |                          |                  | then "RAISED"        |
// clang-format on
//
// A restaurant's state (payload: FumeState — the last reading taken, the limit it was judged by,
// and its latest episode with the episode's id and complaint once raised) is created once
// (request id "fume-state/<restaurant>") and replaced only by compare-and-swap on its version:
// concurrent batches for one restaurant serialise on it, the loser re-reads and goes on from
// what the winner left. An episode's row (payload: FumeEpisode without its id) is created with
// request id "fume-episode/<restaurant>/<start, RFC 3339 UTC>". The rows count in no indicator:
// their writes leave the track's cached aggregates as they are.
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

inline constexpr char kFumePending[] = "PENDING";
inline constexpr char kFumeRaised[] = "RAISED";

// "2026-06-01T10:00:00Z".
std::string FumeTimeKey(absl::Time t);

// True when the state's latest episode has no complaint yet.
bool Pending(const dv1::FumeState& state);

// A restaurant's state with its row.
struct StateRow {
  store::EntityRecord row;
  dv1::FumeState state;
};

class FumeRows {
 public:
  explicit FumeRows(const server::TrackDeps& deps);

  // ---- States ----

  // The restaurant's state, if it has had a reading.
  absl::StatusOr<std::optional<StateRow>> FindState(const std::string& object_id) const;
  // The restaurant's state, created empty on its first reading (idempotently: concurrent first
  // batches get the one row).
  absl::StatusOr<StateRow> LoadState(const dv1::MonitoredObject& object) const;
  // Swaps the state's payload (ABORTED when another writer came first).
  absl::StatusOr<StateRow> SwapState(StateRow current, dv1::FumeState next) const;
  // The state's pending episode (the one starting when `raised` starts) takes the episode's id
  // and complaint. Nothing to do when another completion did it first.
  absl::Status MarkStateRaised(StateRow current, const dv1::FumeEpisode& raised) const;
  // States left with a pending episode, at most `limit`.
  absl::StatusOr<std::vector<store::EntityRecord>> PendingStates(int limit) const;
  static absl::StatusOr<StateRow> DecodeState(store::EntityRecord row);

  // ---- Episodes ----

  // The episode's row, recorded once whoever records it (the stored row, possibly with its
  // complaint already, when it was recorded before).
  absl::StatusOr<store::EntityRecord> RecordEpisode(const dv1::MonitoredObject& object,
                                                    const dv1::FumeEpisode& pending) const;
  absl::StatusOr<store::EntityRecord> EpisodeRow(const std::string& id) const;
  // Every episode row of a restaurant.
  absl::StatusOr<std::vector<store::EntityRecord>> EpisodeRows(const std::string& object_id) const;
  // Episode rows left without their complaint, at most `limit`.
  absl::StatusOr<std::vector<store::EntityRecord>> PendingEpisodes(int limit) const;
  // Stores the complaint's id on the episode's row (once).
  absl::StatusOr<dv1::FumeEpisode> StoreComplaintId(const std::string& episode_id,
                                                    const std::string& complaint_id) const;
  // Brings a raised episode's row up to the state's account of it (the row follows the state;
  // a crash between the two leaves the row behind until this runs again).
  absl::Status SyncEpisodeRow(const dv1::FumeEpisode& latest) const;
  static absl::StatusOr<dv1::FumeEpisode> DecodeEpisode(const store::EntityRecord& row);

 private:
  // Writes `apply` to the episode's row under compare-and-swap until it sticks; `apply`
  // returns false when the row needs no change.
  absl::StatusOr<dv1::FumeEpisode> EditEpisode(
      const std::string& id, const std::function<bool(dv1::FumeEpisode&)>& apply) const;

  registry::Registry states_;
  registry::Registry episodes_;
};

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_FUME_ROWS_H_
