#ifndef GOV_COMMON_MEETINGS_MEETINGS_H_
#define GOV_COMMON_MEETINGS_MEETINGS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "governance/v1/meetings.pb.h"

// The kit's meetings (governance.v1.MeetingsService): the routine meetings a track holds —
// mediation's monthly consultation (会商研判), tripartite deliberation sessions (议事协商) — with
// the units present, topics, decisions and follow-ups tracked to done, and the indicator "held
// every month". A track declares the kinds it holds (TrackBase::Meetings); the service is then
// served beside the track's own.
//
// Rows (registry layout MeetingsLayout(track)): kind "meeting", ids "MT-…", street_id the
// holding street ("" for a district meeting), key "<kind>/<local hold day YYYY-MM-DD>" so that
// a kind's year is a key prefix ("consultation/2026-"). The payload is the meeting without its
// id, etag and times; `open_follow_ups` and each follow-up's `overdue` are computed on read.
namespace gov::meetings {

// Checks a meeting's subject (Meeting.subject_id) for a kind that has one: OK when `subject_id`
// names a thing of the track that `who` may see, in `street_id` when that is set (a street's
// meeting is about that street's things); INVALID_ARGUMENT or NOT_FOUND naming
// "meeting.subject_id" otherwise.
using SubjectCheck = std::function<absl::Status(
    const auth::Principal& who, const std::string& subject_id, const std::string& street_id)>;

// A kind of meeting a track holds.
struct Kind {
  std::string id;       // "consultation": the Meeting.kind value
  std::string name_zh;  // "矛盾纠纷会商研判"
  // The parties a meeting of this kind has present, each at least once among its participants
  // ("party_branch", "owners", "property_company"); every participant is of one of them. Empty:
  // participants are optional and of any party.
  std::vector<std::string> parties = {};
  // With a check, a meeting of this kind is about a subject (required, checked); without one,
  // Meeting.subject_id is refused.
  SubjectCheck subject = nullptr;
};

// Where a track's meetings lie among its entity rows.
registry::Layout MeetingsLayout(const std::string& track);

class Meetings {
 public:
  // `meetings` is the track's meetings registry (MeetingsLayout); everything outlives this.
  Meetings(const registry::Registry* meetings, std::vector<Kind> kinds,
           const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs of governance.v1.MeetingsService (after the shared handler's authentication and
  // the declared access). Street operators write the meetings of their streets; a district
  // meeting (no street) is district_admin's. Reads: district meetings and the caller's streets'.
  absl::Status Create(const auth::Principal& who, const governance::v1::CreateMeetingRequest& in,
                      governance::v1::CreateMeetingResponse* out) const;
  absl::Status Get(const auth::Principal& who, const governance::v1::GetMeetingRequest& in,
                   governance::v1::GetMeetingResponse* out) const;
  absl::Status List(const auth::Principal& who, const governance::v1::ListMeetingsRequest& in,
                    governance::v1::ListMeetingsResponse* out) const;
  absl::Status CompleteFollowUp(const auth::Principal& who,
                                const governance::v1::CompleteFollowUpRequest& in,
                                governance::v1::CompleteFollowUpResponse* out) const;

  // "Held every month" (每月召开): of the months of the evaluated period up to today, the share
  // in which at least one meeting of `kind` was held — in the context's street or by the
  // district (a district meeting serves every street). A month not over yet counts only once it
  // has a meeting, so the current month is not failed before its end; no data before the
  // period's first month is over and without a meeting in it.
  indicators::Measure HeldEveryMonth(std::string kind) const;

  // How many meetings of `kind` were held in the evaluated period (up to today): the whole
  // district's for the district, a street's own for its row (and, for a principal of several
  // streets, theirs). Meetings are kept per street: a community has no data.
  indicators::Measure HeldCount(std::string kind) const;

  // The meetings of `kind` held on the days of [first, last] (local days), every street.
  absl::StatusOr<std::vector<governance::v1::Meeting>> Held(const std::string& kind,
                                                            absl::CivilDay first,
                                                            absl::CivilDay last) const;

  // A meeting as stored and as read (id, etag, times from the row; open follow-ups and overdue
  // flags as of now).
  absl::StatusOr<governance::v1::Meeting> Decode(const store::EntityRecord& row) const;

  const std::vector<Kind>& kinds() const { return kinds_; }

 private:
  absl::Status Validate(const governance::v1::Meeting& meeting, const Kind& kind) const;
  // The kind a meeting names; INVALID_ARGUMENT naming meeting.kind when the track has none such.
  absl::StatusOr<const Kind*> KindOf(const std::string& id) const;
  // Clears the participants' names for a caller whose roles may not see personal data.
  static void Mask(const auth::Principal& who, governance::v1::Meeting& meeting);
  // PERMISSION_DENIED unless `who` may write the meetings of `street_id` ("" = district).
  static absl::Status CheckWriter(const auth::Principal& who, const std::string& street_id);

  const registry::Registry* const meetings_;
  const std::vector<Kind> kinds_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::meetings

#endif  // GOV_COMMON_MEETINGS_MEETINGS_H_
