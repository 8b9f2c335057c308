#ifndef GOV_SERVICES_POLICING_BULLETINS_H_
#define GOV_SERVICES_POLICING_BULLETINS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/registry/registry.h"
#include "governance/policing/v1/policing.pb.h"
#include "services/policing/bulletin_grading.h"
#include "services/policing/key_areas.h"

// 三色通报 — weekly, monthly and quarterly three-colour bulletins, published: composed by
// BulletinGrading and stored once per period as entities of the track (kind "bulletin", ids
// "B-…", key = the period's key), immutable once stored. Publishing a bulletin of the kind the
// key-area rules read decides (and stores in the bulletin) which communities are listed and
// delisted, then has KeyAreas carry it out.
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// Where the bulletins are stored.
const registry::Layout& BulletinLayout();

class Bulletins {
 public:
  // `bulletins` is the registry they are stored in; everything outlives this.
  Bulletins(const registry::Registry* bulletins, const BulletinGrading* grading,
            KeyAreas* key_areas, const Clock* clock)
      : bulletins_(bulletins), grading_(grading), key_areas_(key_areas), clock_(clock) {}

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
  // What publishing a period came to.
  struct Published {
    pv1::Bulletin bulletin;
    bool already = false;  // it had been published before
    bool created = false;  // this call stored it
  };

  absl::StatusOr<std::optional<pv1::Bulletin>> FindByKey(const std::string& key) const;
  absl::StatusOr<Published> PublishPeriod(const auth::Principal& who,
                                          const governance::v1::Period& period);
  absl::StatusOr<Published> Store(const pv1::Bulletin& bulletin) const;
  absl::StatusOr<int> PublishAll(std::vector<governance::v1::Period> periods, bool stop_at_error);

  const registry::Registry* const bulletins_;
  const BulletinGrading* const grading_;
  KeyAreas* const key_areas_;
  const Clock* const clock_;
};

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_BULLETINS_H_
