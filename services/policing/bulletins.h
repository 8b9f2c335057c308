#ifndef GOV_SERVICES_POLICING_BULLETINS_H_
#define GOV_SERVICES_POLICING_BULLETINS_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/context.h"
#include "services/policing/key_areas.h"

// 三色通报 — weekly, monthly and quarterly three-colour bulletins: every street and community
// graded by the rules file's thresholds (common/grading), hot areas (grids) and dominant types.
// Published bulletins are entities of the track (kind "bulletin", ids "B-…", key = the
// period's key), immutable once stored. Publishing a bulletin of the kind the key-area rules
// read decides (and stores in the bulletin) which communities are listed and delisted, then
// has KeyAreas carry it out.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

class Bulletins {
 public:
  Bulletins(const PolicingContext& ctx, KeyAreas* key_areas);
  ~Bulletins();

  // The RPCs, bound by the track (after the shared handler's authentication and the method's
  // declared access); `out` is filled on success.
  absl::Status Publish(const auth::Principal& who, const pv1::PublishBulletinRequest& in,
                       pv1::PublishBulletinResponse* out);
  absl::Status Get(const auth::Principal& who, const pv1::GetBulletinRequest& in,
                   pv1::GetBulletinResponse* out);
  absl::Status List(const auth::Principal& who, const pv1::ListBulletinsRequest& in,
                    pv1::ListBulletinsResponse* out);

  // The server's upkeep: publishes, as the system, the last finished week, month and quarter
  // when not yet published (and re-applies the key-area decisions of those already published,
  // which is idempotent). Returns how many bulletins this call stored.
  absl::StatusOr<int> PublishDue();
  // Publishes every finished week, month and quarter from the one containing `first` up to
  // now, oldest first (demo data; key areas listed and delisted along the way).
  absl::StatusOr<int> PublishSince(absl::CivilDay first);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_BULLETINS_H_
